"""The scoring pipeline: chunk JD and CVs, score every JD chunk against every CV chunk, average.

``Scorer`` is the interface every scorer implements (the untrained cosine scorer here, trained
heads later). A result carries the model's name and version, the 0–100 score, the fit class and
the JD-chunk × CV-chunk pair matrix — the explanation of the score.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from core.chunking import Chunk, chunk_text
from core.errors import InvalidInput, ModelUnavailable
from core.fit import FitClass, Thresholds

if TYPE_CHECKING:
    from core.config import Settings
    from models.encoder import TextEncoder

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
MODELS_DIR = Path(__file__).resolve().parent.parent / "models"


@dataclass(frozen=True)
class ScoreResult:
    """One CV's score against one JD."""

    score: float  # 0–100
    fit_class: FitClass
    pair_matrix: np.ndarray = field(repr=False)  # shape (JD chunks, CV chunks), pair scores in [0, 1]
    jd_chunks: tuple[Chunk, ...] = field(repr=False)
    cv_chunks: tuple[Chunk, ...] = field(repr=False)
    model_name: str
    model_version: str
    cv_vectors: np.ndarray | None = field(default=None, repr=False)  # (CV chunks × dim), to store

    def best_pairs(self, top: int = 3) -> list[tuple[int, int, float]]:
        """The (JD chunk, CV chunk, score) pairs that matched best: the 'why' of the score."""
        if self.pair_matrix.size == 0:
            return []
        flat = np.argsort(self.pair_matrix, axis=None)[::-1][:top]
        rows, cols = np.unravel_index(flat, self.pair_matrix.shape)
        return [(int(r), int(c), float(self.pair_matrix[r, c])) for r, c in zip(rows, cols, strict=True)]


def pair_matrix(jd_vectors: np.ndarray, cv_vectors: np.ndarray) -> np.ndarray:
    """Pair scores in [0, 1]: the clipped cosine of every JD chunk (rows) × CV chunk (columns) of unit vectors."""
    return np.clip(jd_vectors @ cv_vectors.T, 0.0, 1.0)


def chunk_averaged_score(jd_vectors: np.ndarray, cv_vectors: np.ndarray) -> float:
    """0–100, unrounded: the mean of the clipped JD-chunk × CV-chunk cosine matrix (0 without chunks)."""
    if not len(jd_vectors) or not len(cv_vectors):
        return 0.0
    return float(pair_matrix(jd_vectors, cv_vectors).mean()) * 100.0


def pooled_cosine_scores(jd_vectors: np.ndarray, cv_vectors: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """0–100 chunk-averaged cosine scores of a whole pool with one matrix product.

    ``cv_vectors`` stacks every CV's chunk vectors, ``counts`` says how many rows each CV has.
    """
    return _pool_scores(pair_matrix(jd_vectors, cv_vectors), np.asarray(counts, dtype=np.int64))


def _pool_scores(pool: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """0–100 scores, rounded to 2 decimals, of pair matrices laid side by side in ``pool``.

    ``pool`` is (JD chunks × all CV chunks), CV i owning the next ``counts[i]`` columns. The mean
    of a CV's pair matrix equals the mean over its chunks of each chunk's mean over the JD
    chunks, so per-CV sums of the column means give the scores (0 for a CV without chunks).
    """
    column_means = pool.mean(axis=0, dtype=np.float64)
    sums = np.concatenate([[0.0], np.cumsum(column_means)])
    ends = np.cumsum(counts)
    per_cv = (sums[ends] - sums[ends - counts]) / np.maximum(counts, 1)
    return np.round(per_cv * 100.0, 2)


def vectors_to_bytes(vectors: np.ndarray) -> bytes:
    """Chunk vectors as compact float16 bytes for the database (half the size, same ranking)."""
    return np.ascontiguousarray(vectors, dtype=np.float16).tobytes()


def vectors_from_bytes(data: bytes, chunks: int, dim: int) -> np.ndarray:
    return np.frombuffer(data, dtype=np.float16).reshape(chunks, dim).astype(np.float32)


def stack_vectors(blobs: Sequence[bytes], chunks: int, dim: int) -> np.ndarray:
    """Many documents' stored vectors (``vectors_to_bytes``) as one (chunks × dim) float32 array, in order."""
    return vectors_from_bytes(b"".join(blobs), chunks, dim)


@dataclass(frozen=True, slots=True)
class VectorScore:
    """One CV's score from its chunk vectors alone (no chunk spans: nothing was chunked)."""

    score: float  # 0–100
    fit_class: FitClass
    pair_matrix: np.ndarray = field(repr=False)  # (JD chunks, CV chunks), pair scores in [0, 1]


class Scorer(Protocol):
    """What the ranking pipeline needs from a scorer."""

    name: str
    version: str
    thresholds: Thresholds

    def score_batch(
        self, job_text: str, cv_texts: Sequence[str], *, progress: ProgressCallback | None = None
    ) -> list[ScoreResult]:
        """Score many CVs against one JD, in the order given."""
        ...


@runtime_checkable
class VectorScorer(Scorer, Protocol):
    """A scorer of chunk vectors: stored CVs are scored from their stored vectors, never re-encoded.

    ``encoder_key`` names the vectors it can reuse (encoder and chunking); ``pair_scores_read_texts``
    says whether ``score_vectors`` also needs the CV texts (a trained head's lexical features).
    """

    encoder_key: str

    @property
    def pair_scores_read_texts(self) -> bool: ...

    def encode_documents(
        self, texts: Sequence[str], *, progress: ProgressCallback | None = None,
        known_vectors: Sequence[np.ndarray | None] | None = None,
    ) -> tuple[list[tuple[Chunk, ...]], list[np.ndarray]]: ...

    def score_vectors(
        self, job_text: str, cv_vectors: np.ndarray, counts: Sequence[int], *,
        cv_texts: Sequence[str] | None = None,
    ) -> list[VectorScore]: ...


@runtime_checkable
class ReadsJobOccupation(Protocol):
    """A scorer that can say which occupations it takes a job to be (the Rank page shows it)."""

    def job_occupations(self, job_text: str, *, top: int = 3) -> list[tuple[str, float]]:
        """Categories and their probabilities, most likely first."""
        ...


class ChunkAveragedCosineScorer:
    """Pair score = cosine of mean-pooled chunk embeddings; document score = mean pair score.

    The untrained baseline of the research: every chunk of the whole upload is encoded in as few
    forward passes as possible (one length-sorted pass over the distinct chunks), and the JD's
    chunk vectors are cached, so scoring more CVs against a JD never re-encodes it.
    """

    def __init__(
        self,
        encoder: TextEncoder,
        *,
        thresholds: Thresholds,
        chunk_tokens: int | None = None,
        overlap: int = 32,
        jd_cache_size: int = 16,
    ) -> None:
        self.encoder = encoder
        self.thresholds = thresholds
        self.chunk_tokens = min(chunk_tokens or encoder.max_tokens, encoder.max_tokens)
        self.overlap = overlap
        self.name = f"chunk-avg-cosine:{encoder.name}"
        self.version = f"{encoder.version}+t{self.chunk_tokens}o{overlap}"
        # Vectors depend on the encoder and the chunking only: any scorer on top shares them (a
        # subclass that chunks otherwise keeps its own, or stored vectors would not match its chunks).
        own_chunks = type(self).chunk is not ChunkAveragedCosineScorer.chunk
        chunking = f"+{type(self).__qualname__}" if own_chunks else ""
        self.encoder_key = f"{encoder.name}@{encoder.version}+t{self.chunk_tokens}o{overlap}{chunking}"
        self._jd_cache: OrderedDict[str, tuple[tuple[Chunk, ...], np.ndarray]] = OrderedDict()
        self._jd_cache_size = jd_cache_size
        self._lock = threading.Lock()

    def chunk(self, text: str) -> list[Chunk]:
        return chunk_text(text, self.encoder.tokenizer, max_tokens=self.chunk_tokens, overlap=self.overlap)

    def _job_vectors(self, job_text: str) -> tuple[tuple[Chunk, ...], np.ndarray]:
        key = hashlib.sha256(job_text.encode("utf-8")).hexdigest()
        with self._lock:
            if key in self._jd_cache:
                self._jd_cache.move_to_end(key)
                return self._jd_cache[key]
        chunks = tuple(self.chunk(job_text))
        if not chunks:
            raise InvalidInput("the job description is empty; paste or upload its text first")
        vectors = self.encoder.encode_ids([c.token_ids for c in chunks])
        with self._lock:
            self._jd_cache[key] = (chunks, vectors)
            while len(self._jd_cache) > self._jd_cache_size:
                self._jd_cache.popitem(last=False)
        return chunks, vectors

    def score_batch(
        self,
        job_text: str,
        cv_texts: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        known_vectors: Sequence[np.ndarray | None] | None = None,
    ) -> list[ScoreResult]:
        """Score CVs against a JD; ``known_vectors[i]``, when given, are CV i's stored chunk vectors."""
        jd_chunks, _ = self._job_vectors(job_text)
        cv_chunks, cv_vectors = self.encode_documents(cv_texts, progress=progress, known_vectors=known_vectors)
        dim = self.encoder.dimension
        stacked = np.concatenate(cv_vectors) if cv_vectors else np.zeros((0, dim), np.float32)
        scored = self.score_vectors(job_text, stacked, [len(v) for v in cv_vectors], cv_texts=cv_texts)
        return [
            ScoreResult(
                score=s.score,
                fit_class=s.fit_class,
                pair_matrix=s.pair_matrix.astype(np.float32),
                jd_chunks=jd_chunks,
                cv_chunks=chunks,
                model_name=self.name,
                model_version=self.version,
                cv_vectors=cv_vecs,
            )
            for s, chunks, cv_vecs in zip(scored, cv_chunks, cv_vectors, strict=True)
        ]

    @property
    def pair_scores_read_texts(self) -> bool:
        """True unless ``pair_matrices`` is this class's cosine: a subclass's pair scores may read texts."""
        return type(self).pair_matrices is not ChunkAveragedCosineScorer.pair_matrices

    def score_vectors(
        self, job_text: str, cv_vectors: np.ndarray, counts: Sequence[int], *,
        cv_texts: Sequence[str] | None = None,
    ) -> list[VectorScore]:
        """Score CVs from their chunk vectors (stored or just encoded): nothing is chunked or encoded.

        ``cv_vectors`` stacks every CV's chunk vectors, ``counts`` says how many rows each CV has.
        The cosine is one matrix product for all CVs. A subclass that overrides ``pair_matrices``
        goes through it instead, with the CVs' vectors one by one and their texts
        (``pair_scores_read_texts``: ``cv_texts`` must then be given).
        """
        counts = np.asarray(counts, dtype=np.int64)
        if not len(counts):
            return []
        _, jd_vectors = self._job_vectors(job_text)
        splits = np.cumsum(counts)[:-1]
        if self.pair_scores_read_texts:
            if cv_texts is None:
                raise ValueError(f"{type(self).__name__} reads the CV texts: pass cv_texts to score_vectors")
            matrices = self.pair_matrices(job_text, jd_vectors, cv_texts, np.split(cv_vectors, splits))
            means = np.array([m.mean(dtype=np.float64) if m.size else 0.0 for m in matrices])
            scores = np.round(means * 100.0, 2)
        else:
            pool = pair_matrix(jd_vectors, cv_vectors)  # JD chunks × every chunk of every CV
            matrices = np.split(pool, splits, axis=1)
            scores = _pool_scores(pool, counts)
        scores = self.document_scores(job_text, jd_vectors, scores, cv_vectors, counts)
        return [VectorScore(score, self.thresholds.classify(score), matrix)
                for score, matrix in zip(scores.tolist(), matrices, strict=True)]

    def encode_documents(
        self,
        texts: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        known_vectors: Sequence[np.ndarray | None] | None = None,
    ) -> tuple[list[tuple[Chunk, ...]], list[np.ndarray]]:
        """Chunks and chunk vectors of many texts in one length-sorted encoding pass.

        Identical chunks (the same CV twice, shared boilerplate) are encoded once; a text whose
        stored vectors are given (and match its chunk count) is not encoded at all.
        """
        chunked = [tuple(self.chunk(text)) for text in texts]
        known = list(known_vectors) if known_vectors is not None else [None] * len(texts)
        reuse = [k is not None and len(k) == len(c) for c, k in zip(chunked, known, strict=True)]
        distinct: dict[tuple[int, ...], int] = {}
        for chunks, reused in zip(chunked, reuse, strict=True):
            if not reused:
                for c in chunks:
                    distinct.setdefault(c.token_ids, len(distinct))
        vectors = self.encoder.encode_ids(list(distinct), progress=progress)
        dim = self.encoder.dimension
        out = [
            np.asarray(k, dtype=np.float32) if reused
            else vectors[[distinct[c.token_ids] for c in chunks]] if chunks else np.zeros((0, dim), np.float32)
            for chunks, k, reused in zip(chunked, known, reuse, strict=True)
        ]
        return chunked, out

    def document_scores(
        self, job_text: str, jd_vectors: np.ndarray, chunk_averaged: np.ndarray, cv_vectors: np.ndarray,
        counts: np.ndarray,
    ) -> np.ndarray:
        """The 0–100 document scores from the chunk-averaged ones (the mean of each pair matrix).

        Here they are the score; a subclass may combine them with evidence from the same vectors
        (``cv_vectors`` stacks every CV's chunk vectors, ``counts`` says how many rows each has)
        and from the JD (its text and chunk vectors), never from the CV texts.
        """
        return chunk_averaged

    def pair_matrices(
        self, job_text: str, jd_vectors: np.ndarray, cv_texts: Sequence[str], cv_vectors: Sequence[np.ndarray]
    ) -> list[np.ndarray]:
        """Pair scores in [0, 1] of every JD chunk × CV chunk, one matrix per CV (the part subclasses change)."""
        return [pair_matrix(jd_vectors, v) for v in cv_vectors]


TRAINED_SCORERS = {
    "occupation-aware": MODELS_DIR / "trained" / "occupation-minilm",
    "minilm-tuned": MODELS_DIR / "trained" / "minilm-tuned",
    "bi-encoder": MODELS_DIR / "trained" / "bi-encoder-minilm",
}
SCORERS = ("minilm-cosine", *TRAINED_SCORERS)
_TRAIN_COMMANDS = {"occupation-aware": "train-occupation", "minilm-tuned": "tune", "bi-encoder": "train"}


JOB_SCORERS = {
    "occupation-aware": "trained on 23 job-board occupation categories; best for postings inside them",
    "minilm-cosine": "untrained chunk-averaged similarity; for occupations outside those categories",
}
"""The scorers a recruiter can pick for one job (``jobs.scorer``), with what each is for."""


def job_settings(settings: Settings, job_scorer: str | None) -> Settings:
    """The settings a job is ranked with: the app's, with the job's own scorer when it has one."""
    return settings.model_copy(update={"scorer": job_scorer}) if job_scorer else settings


_SCORE_MEANINGS = {
    "occupation-aware": "Score = how similar the CV is to the job (every job-description chunk compared with "
                        "every CV chunk, averaged) combined with how well the CV's occupation matches the "
                        "job's, 0–100.",
    "chunk-avg-cosine": "Score = mean similarity of every job-description chunk with every CV chunk, 0–100.",
}


def score_meaning(model_name: str) -> str:
    """One sentence for recruiters: what a stored score of this model (``ScoreResult.model_name``) means."""
    family = model_name.split(":", 1)[0]
    return _SCORE_MEANINGS.get(family, "Score 0–100: higher means a closer fit to the job.")


def load_scorer(settings: Settings) -> Scorer:
    """The scorer of the settings: ``RECRUIT_SCORER``, its top re-scored by ``RECRUIT_RESCORE_WITH`` if set.

    Loads model weights: call once per process.
    """
    from core.heap import freeze_loaded

    first = _load_first_stage(settings)
    if settings.rescore_with:
        from models.cross_encoder import TopRescorer, load_cross_scorer

        cross = load_cross_scorer(Path(settings.rescore_with).expanduser(), device=settings.device)
        first = TopRescorer(first, cross, top=settings.rescore_top)
    freeze_loaded()  # the model's objects: long-lived, kept out of the cyclic GC's full collections
    return first


def _settings_encoder(settings: Settings) -> TextEncoder:
    """The encoder the settings name (``RECRUIT_ENCODER`` and its device, batch, pooling, quantisation, precision)."""
    from models.encoder import load_encoder

    return load_encoder(settings.encoder, device=settings.device, batch_size=settings.batch_size,
                        pooling=settings.pooling, quantize=settings.quantize, precision=settings.precision)


def _load_trained(folder: Path, settings: Settings) -> Scorer:
    """The trained scorer a folder holds, by the kind its ``config.json`` names."""
    from models.artifacts import artifact_kind

    kind = artifact_kind(folder)
    if not kind:
        command = _TRAIN_COMMANDS.get(settings.scorer, "train-occupation, tune, train or train-cross")
        raise ModelUnavailable(f"no trained scorer at {folder}: train one with `python -m models {command}`")
    if kind == "cross-encoder":
        from models.cross_encoder import load_cross_scorer

        return load_cross_scorer(folder, device=settings.device)
    if kind == "tuned-bi-encoder":  # its own encoder: the backbone with the adapters merged in
        from models.contrastive import load_tuned_scorer

        return load_tuned_scorer(folder, device=settings.device, batch_size=settings.batch_size,
                                 quantize=settings.quantize)
    encoder = _settings_encoder(settings)
    if kind == "occupation-aware":
        from models.occupation import load_occupation_scorer

        return load_occupation_scorer(folder, encoder)
    from core.skills import load_skill_extractor
    from models.lexical import extractor_skills
    from models.trained_scorer import TrainedPairScorer

    return TrainedPairScorer(encoder, folder, skills_of=extractor_skills(load_skill_extractor()))


def _load_first_stage(settings: Settings) -> Scorer:
    """Build the scorer named by ``RECRUIT_SCORER`` (loads model weights: call once per process).

    ``minilm-cosine`` is the untrained chunk-averaged cosine; the names of ``TRAINED_SCORERS``
    load their folders under ``models/trained``; any other folder path loads the trained
    artifacts it holds (:func:`models.artifacts.artifact_kind` says which kind).
    """
    folder = TRAINED_SCORERS.get(settings.scorer)
    if folder is None and Path(settings.scorer).expanduser().is_dir():
        folder = Path(settings.scorer).expanduser()
    if settings.scorer not in SCORERS and folder is None:
        raise ModelUnavailable(f"unknown scorer {settings.scorer!r}; available: {', '.join(SCORERS)} or a folder "
                               "of trained artifacts")
    if folder is not None:
        return _load_trained(folder, settings)
    encoder = _settings_encoder(settings)
    thresholds_file = MODELS_DIR / "minilm_cosine" / "thresholds.json"
    if thresholds_file.is_file():
        thresholds = Thresholds.load(thresholds_file)
    else:
        logger.warning("no calibrated thresholds at %s; using defaults", thresholds_file)
        thresholds = Thresholds(40.0, 55.0, "uncalibrated default")
    return ChunkAveragedCosineScorer(
        encoder, thresholds=thresholds, chunk_tokens=settings.chunk_tokens, overlap=settings.chunk_overlap
    )

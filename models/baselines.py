"""Baseline scorers every evaluation prints next to the scorer under test.

- ``TfidfCosineScorer``: lexical evidence only (named skills, tools, credentials): cosine of
  TF-IDF vectors, ×100.
- ``FirstChunkCosineScorer``: the untrained embedding cosine of the first chunk of the JD and of
  the CV only — what a model with a single context window sees.
- ``ChunkAveragedCosineScorer`` (in ``core.scoring``): the untrained chunk-averaged cosine.

All three implement ``core.scoring.Scorer``. Their thresholds are placeholders: the evaluation
tunes each baseline's thresholds on data it does not report on, and classifies from the scores.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from core.chunking import Chunk
from core.fit import Thresholds
from core.scoring import ChunkAveragedCosineScorer, ProgressCallback, Scorer, ScoreResult

if TYPE_CHECKING:
    from scipy.sparse import spmatrix

    from core.config import Settings
    from models.encoder import TextEncoder

logger = logging.getLogger(__name__)

# Evaluations tune real thresholds; this only keeps ``fit_class`` defined before they do.
PLACEHOLDER_THRESHOLDS = Thresholds(40.0, 55.0, "untuned placeholder")


def _whole_text_chunk(text: str) -> tuple[Chunk, ...]:
    """A TF-IDF 'chunk' is the whole document: no token ids, the full character span."""
    return (Chunk(token_ids=(), start=0, end=len(text)),) if text.strip() else ()


class TfidfCosineScorer:
    """Cosine of sublinear-tf TF-IDF vectors (English stop words removed), ×100.

    Without a corpus the vectoriser is fitted on each ``score_batch`` call's JD and CVs (what a
    recruiter's upload gives you); ``fit(corpus)`` fixes the vocabulary and IDF once instead, e.g.
    on a whole CV pool, so every JD ranks that pool on the same scale.
    """

    def __init__(
        self, *, thresholds: Thresholds = PLACEHOLDER_THRESHOLDS, corpus: Sequence[str] | None = None
    ) -> None:
        import sklearn

        self.thresholds = thresholds
        self.name = "tfidf-cosine"
        self.version = f"sklearn-{sklearn.__version__}+sublinear+stop-en"
        self._fitted = None
        # One-entry cache of the last CV batch's vectors: a ranking scores the same pool per JD.
        self._last_batch: tuple[str, spmatrix] | None = None
        if corpus is not None:
            self.fit(corpus)

    @staticmethod
    def _vectorizer():  # type: ignore[no-untyped-def]
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(sublinear_tf=True, stop_words="english", dtype=np.float32)

    def fit(self, corpus: Sequence[str]) -> TfidfCosineScorer:
        """Fix vocabulary and IDF on ``corpus`` (instead of per call)."""
        texts = [t for t in corpus if t and t.strip()]
        if not texts:
            raise ValueError("cannot fit TF-IDF on an empty corpus")
        self._fitted = self._vectorizer().fit(texts)
        self._last_batch = None
        self.version = self.version.split("+corpus")[0] + f"+corpus{len(texts)}"
        return self

    def _cv_vectors(self, vectorizer, cv_texts: Sequence[str]):  # type: ignore[no-untyped-def]
        digest = hashlib.sha256("\x00".join(cv_texts).encode("utf-8")).hexdigest()
        if self._last_batch is not None and self._last_batch[0] == digest:
            return self._last_batch[1]
        vectors = vectorizer.transform(cv_texts)
        self._last_batch = (digest, vectors)
        return vectors

    def score_batch(
        self, job_text: str, cv_texts: Sequence[str], *, progress: ProgressCallback | None = None
    ) -> list[ScoreResult]:
        cv_texts = [str(t) for t in cv_texts]
        if self._fitted is None:
            try:
                vectorizer = self._vectorizer().fit([job_text, *cv_texts])
            except ValueError:  # nothing but stop words / empty texts: no vocabulary at all
                vectorizer = None
            cv_vectors = vectorizer.transform(cv_texts) if vectorizer is not None else None
        else:
            vectorizer = self._fitted
            cv_vectors = self._cv_vectors(vectorizer, cv_texts)
        if vectorizer is None or not cv_texts:
            sims = np.zeros(len(cv_texts), dtype=np.float32)
        else:
            # Rows are L2-normalised by TfidfVectorizer, so the dot product is the cosine.
            jd_vector = vectorizer.transform([job_text])
            sims = np.asarray((cv_vectors @ jd_vector.T).todense()).ravel().astype(np.float32)
        jd_chunks = _whole_text_chunk(job_text)
        results = []
        for text, sim in zip(cv_texts, sims, strict=True):
            score = round(float(np.clip(sim, 0.0, 1.0)) * 100.0, 2)
            results.append(
                ScoreResult(
                    score=score,
                    fit_class=self.thresholds.classify(score),
                    pair_matrix=np.array([[sim]], dtype=np.float32),
                    jd_chunks=jd_chunks,
                    cv_chunks=_whole_text_chunk(text),
                    model_name=self.name,
                    model_version=self.version,
                )
            )
        if progress is not None:
            progress(len(cv_texts), len(cv_texts))
        return results


class FirstChunkCosineScorer(ChunkAveragedCosineScorer):
    """The chunk-averaged cosine scorer restricted to the first chunk of the JD and of each CV.

    Overriding ``chunk`` is enough: the parent's encoding, JD cache and pair-matrix mean then see
    one chunk per document, so the score is the cosine of the two first chunks (×100).
    """

    def __init__(
        self,
        encoder: TextEncoder,
        *,
        thresholds: Thresholds = PLACEHOLDER_THRESHOLDS,
        chunk_tokens: int | None = None,
        overlap: int = 32,
    ) -> None:
        super().__init__(encoder, thresholds=thresholds, chunk_tokens=chunk_tokens, overlap=overlap)
        self.name = f"first-chunk-cosine:{encoder.name}"
        self.version = f"{encoder.version}+t{self.chunk_tokens}"

    def chunk(self, text: str) -> list[Chunk]:
        return super().chunk(text)[:1]


def baseline_scorers(
    encoder: TextEncoder, *, chunk_tokens: int | None = None, overlap: int = 32
) -> list[Scorer]:
    """TF-IDF cosine, first-chunk cosine and chunk-averaged cosine over ``encoder`` (untrained)."""
    return [
        TfidfCosineScorer(),
        FirstChunkCosineScorer(encoder, chunk_tokens=chunk_tokens, overlap=overlap),
        ChunkAveragedCosineScorer(
            encoder, thresholds=PLACEHOLDER_THRESHOLDS, chunk_tokens=chunk_tokens, overlap=overlap
        ),
    ]


def baseline_encoder(scorer: object, settings: Settings) -> TextEncoder:
    """The untrained encoder of the settings for the baselines: the scorer's own when it is that
    one (loaded once), a fresh copy when the scorer's weights were tuned."""
    from models.encoder import TextEncoder, load_encoder

    encoder = getattr(scorer, "encoder", None)
    if isinstance(encoder, TextEncoder) and not encoder.tuned:
        return encoder
    return load_encoder(settings.encoder, device=settings.device, batch_size=settings.batch_size,
                        precision=settings.precision)

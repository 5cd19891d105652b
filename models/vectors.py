"""Chunk vectors of whole texts: cached on disk for training (:func:`text_vectors`), shared in memory
by the scorers of one evaluation run (:class:`SharedVectors`)."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from core.config import get_settings
from core.scoring import ChunkAveragedCosineScorer, ProgressCallback

logger = logging.getLogger(__name__)


def _folder_name(scorer: ChunkAveragedCosineScorer) -> str:
    """The cache folder of the scorer's vectors: by ``encoder_key`` (encoder, its version, chunking),
    so scorers over the same encoder share one cache and a new head or new thresholds keep it."""
    readable = re.sub(r"[^A-Za-z0-9._+-]+", "_", scorer.encoder_key)[:80]
    return f"{readable}-{hashlib.sha256(scorer.encoder_key.encode('utf-8')).hexdigest()[:12]}"


def text_vectors(
    scorer: ChunkAveragedCosineScorer, texts: Sequence[str], *, cache: Path | None = None, desc: str = "encoding"
) -> list[np.ndarray]:
    """For each text, its chunk vectors (n_chunks × dim, unit length), from cache when present.

    Uncached texts are chunked and encoded together in length-sorted batches.
    """
    folder = (cache or get_settings().data_dir / "cache" / "vectors") / _folder_name(scorer)
    folder.mkdir(parents=True, exist_ok=True)
    digests = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    out: dict[str, np.ndarray] = {}
    missing: dict[str, str] = {}
    for digest, text in zip(digests, texts, strict=True):
        path = folder / f"{digest}.npy"
        if digest in out or digest in missing:
            continue
        if path.is_file():
            out[digest] = np.load(path)
        else:
            missing[digest] = text
    if missing:
        items = list(missing.items())
        step = 256  # texts per encoding round: bounded memory, and progress saved as we go
        bar = tqdm(total=len(items), desc=desc, leave=False)
        for begin in range(0, len(items), step):
            group = items[begin : begin + step]
            _, vectors = scorer.encode_documents([text for _, text in group])
            for (digest, _), matrix in zip(group, vectors, strict=True):
                matrix = matrix.astype(np.float16)
                np.save(folder / f"{digest}.npy", matrix)
                out[digest] = matrix
            bar.update(len(group))
        bar.close()
    dim = scorer.encoder.dimension
    return [out[d].astype(np.float32) if out[d].size else np.zeros((0, dim), np.float32) for d in digests]


class SharedVectors:
    """CV chunk vectors by encoder key, shared by the scorers of one evaluation run (in memory).

    Scorers with the same ``encoder_key`` (same encoder, version and chunking: the default scorer
    and the chunk-averaged baseline) compute the same vectors; the first one encodes each CV, the
    others (and every JD probe) reuse them. Other scorers pass through untouched.
    """

    def __init__(self) -> None:
        self._by_key: dict[str, dict[str, np.ndarray]] = {}
        self._first: dict[str, str] = {}

    @staticmethod
    def _key(scorer: object) -> str | None:
        return scorer.encoder_key if isinstance(scorer, ChunkAveragedCosineScorer) else None

    def reused_from(self, scorer: object) -> str | None:
        """The scorer that encoded the vectors this one will reuse (None: it encodes its own)."""
        key = self._key(scorer)
        first = self._first.get(key) if key is not None else None
        return first if first != getattr(scorer, "name", None) else None

    def _store(self, scorer: ChunkAveragedCosineScorer) -> dict[str, np.ndarray]:
        self._first.setdefault(scorer.encoder_key, scorer.name)
        return self._by_key.setdefault(scorer.encoder_key, {})

    def encode(self, scorer: ChunkAveragedCosineScorer, texts: Sequence[str], *,
               progress: ProgressCallback | None = None) -> list[np.ndarray]:
        """Each text's chunk vectors: the known ones as they are (not even re-chunked), the others encoded."""
        store = self._store(scorer)
        known = [store.get(t) for t in texts]
        if all(k is not None for k in known):
            return known  # type: ignore[return-value]
        _, vectors = scorer.encode_documents(texts, progress=progress, known_vectors=known)
        for text, v in zip(texts, vectors, strict=True):
            store.setdefault(text, v)
        return vectors

    def score_batch(self, scorer: object, job_text: str, cv_texts: list[str]) -> list:
        """``scorer.score_batch`` with the CVs' known vectors; new ones are kept for the next scorer."""
        if not isinstance(scorer, ChunkAveragedCosineScorer):
            return scorer.score_batch(job_text, cv_texts)  # type: ignore[attr-defined]
        store = self._store(scorer)
        results = scorer.score_batch(job_text, cv_texts, known_vectors=[store.get(t) for t in cv_texts])
        for text, result in zip(cv_texts, results, strict=True):
            if result.cv_vectors is not None:
                store.setdefault(text, result.cv_vectors)
        return results

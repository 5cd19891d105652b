"""Chunk vectors of whole texts, cached on disk so training and evaluation encode a text once."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from core.config import get_settings
from core.scoring import ChunkAveragedCosineScorer

logger = logging.getLogger(__name__)


def _key(scorer: ChunkAveragedCosineScorer) -> str:
    return f"{scorer.encoder.name}-{scorer.version}".replace("/", "_").replace(":", "_")


def text_vectors(
    scorer: ChunkAveragedCosineScorer, texts: Sequence[str], *, cache: Path | None = None, desc: str = "encoding"
) -> list[np.ndarray]:
    """For each text, its chunk vectors (n_chunks × dim, unit length), from cache when present.

    Uncached texts are chunked and encoded together in length-sorted batches.
    """
    folder = (cache or get_settings().data_dir / "cache" / "vectors") / _key(scorer)
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

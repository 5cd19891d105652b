"""The trained bi-encoder scorer: backbone chunk vectors → pair head → chunk-averaged score.

Artifacts live in one folder (a few hundred KB, no backbone copy): ``config.json`` (backbone,
chunking, features), ``head.safetensors`` + ``head_config.json``, ``idf.json.gz`` (the lexical
features' IDF table) and ``thresholds.json`` (class cut-offs tuned on the rubric set).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from core.errors import ModelUnavailable
from core.fit import Thresholds
from core.scoring import ChunkAveragedCosineScorer, ProgressCallback, ScoreResult
from models.encoder import TextEncoder
from models.lexical import FEATURE_NAMES, IdfTable, LexicalFeaturizer, SkillsOf
from models.pair_model import PairHead

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArtifactConfig:
    name: str
    version: str
    encoder: str
    chunk_tokens: int
    chunk_overlap: int
    features: tuple[str, ...]

    def save(self, folder: Path) -> None:
        data = {**self.__dict__, "features": list(self.features)}
        (folder / "config.json").write_text(json.dumps(data, indent=2) + "\n")

    @classmethod
    def load(cls, folder: Path) -> ArtifactConfig:
        data = json.loads((folder / "config.json").read_text())
        return cls(**{**data, "features": tuple(data["features"])})


class TrainedPairScorer(ChunkAveragedCosineScorer):
    """Chunk-averaged scorer whose pair score is the trained head instead of a cosine.

    Inherits chunking, the JD cache and the one-pass encoding of all distinct CV chunks.
    """

    def __init__(self, encoder: TextEncoder, folder: Path, *, skills_of: SkillsOf | None = None) -> None:
        config = ArtifactConfig.load(folder)
        super().__init__(encoder, thresholds=Thresholds.load(folder / "thresholds.json"),
                         chunk_tokens=config.chunk_tokens, overlap=config.chunk_overlap)
        self.config = config
        self.head = PairHead.load(folder)
        self.mask = np.array([n in config.features for n in FEATURE_NAMES])
        needs_skills = "skill_coverage" in config.features
        if needs_skills and skills_of is None:
            raise ModelUnavailable(f"the scorer {config.name} needs the skills extractor")
        self.featurizer = LexicalFeaturizer(IdfTable.load(folder / "idf.json.gz"), skills_of=skills_of)
        self.name = config.name
        self.version = config.version

    def score_batch(
        self, job_text: str, cv_texts: Sequence[str], *, progress: ProgressCallback | None = None
    ) -> list[ScoreResult]:
        jd_chunks, jd_vectors = self._job_vectors(job_text)
        cv_chunks = [tuple(self.chunk(text)) for text in cv_texts]
        distinct: dict[tuple[int, ...], int] = {}
        for chunks in cv_chunks:
            for c in chunks:
                distinct.setdefault(c.token_ids, len(distinct))
        vectors = self.encoder.encode_ids(list(distinct), progress=progress)
        lexical = self.featurizer.features(job_text, cv_texts)[:, self.mask] if len(cv_texts) else None
        jd = torch.from_numpy(jd_vectors)
        results = []
        with torch.inference_mode():
            for row, chunks in enumerate(cv_chunks):
                if chunks:
                    cv = torch.from_numpy(vectors[[distinct[c.token_ids] for c in chunks]])
                    extra = torch.from_numpy(lexical[row : row + 1]) if self.head.config.extra_features else None
                    matrix = self.head.document_scores(jd, cv, extra).numpy()
                    score = round(float(matrix.mean() * 100.0), 2)
                else:
                    matrix, score = np.zeros((len(jd_chunks), 0), dtype=np.float32), 0.0
                results.append(ScoreResult(score=score, fit_class=self.thresholds.classify(score),
                                           pair_matrix=matrix.astype(np.float32), jd_chunks=jd_chunks,
                                           cv_chunks=chunks, model_name=self.name, model_version=self.version))
        return results

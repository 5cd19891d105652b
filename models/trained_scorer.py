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
from core.scoring import ChunkAveragedCosineScorer
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

    def pair_matrices(
        self, job_text: str, jd_vectors: np.ndarray, cv_texts: Sequence[str], cv_vectors: Sequence[np.ndarray]
    ) -> list[np.ndarray]:
        """The trained head's pair scores; every pair of a CV also sees that CV's lexical features."""
        if not cv_texts:
            return []
        lexical = self.featurizer.features(job_text, cv_texts)[:, self.mask]
        jd = torch.from_numpy(jd_vectors)
        matrices = []
        with torch.inference_mode():
            for row, vectors in enumerate(cv_vectors):
                if len(vectors) == 0:
                    matrices.append(np.zeros((len(jd_vectors), 0), dtype=np.float32))
                    continue
                extra = torch.from_numpy(lexical[row : row + 1]) if self.head.config.extra_features else None
                matrices.append(self.head.document_scores(jd, torch.from_numpy(vectors), extra).numpy())
        return matrices

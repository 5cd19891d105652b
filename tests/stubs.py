"""Light stand-ins for the model, for tests of storage and ingestion."""

from __future__ import annotations

import numpy as np

from core.fit import Thresholds
from core.scoring import ScoreResult


class LengthScorer:
    """Scores a CV by its length: deterministic, instant, no model."""

    name, version = "length", "1"
    thresholds = Thresholds(30.0, 60.0, "test")

    def score_batch(self, job_text, cv_texts, progress=None):  # type: ignore[no-untyped-def]
        return [ScoreResult(score=float(len(t) % 100), fit_class=self.thresholds.classify(float(len(t) % 100)),
                            pair_matrix=np.zeros((1, 1), np.float32), jd_chunks=(), cv_chunks=(),
                            model_name=self.name, model_version=self.version) for t in cv_texts]

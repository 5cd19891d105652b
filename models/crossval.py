"""Cross-validated quality on the rubric-labelled pairs, grouped by posting.

The rubric set (``fit_labels.csv``) is small, so every figure reported on it comes from K folds
over postings: for test fold k, fold k+1 picks the checkpoint and the class thresholds, the
remaining folds (optionally) join the weak-label training data, and fold k is scored by a
model and thresholds that never saw it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.fit import FitClass, Thresholds, tune_thresholds
from models.evaluation import group_folds
from models.metrics import classification_report
from models.training import PreparedPairs, TrainConfig, document_scores, feature_mask, train_head

logger = logging.getLogger(__name__)


def concat(a: PreparedPairs, b: PreparedPairs) -> PreparedPairs:
    """Pairs of two prepared sets in one (vectors re-indexed)."""
    offset = len(a.vectors)
    return PreparedPairs(
        vectors=a.vectors + b.vectors,
        jd_index=np.concatenate([a.jd_index, b.jd_index + offset]),
        cv_index=np.concatenate([a.cv_index, b.cv_index + offset]),
        features=np.concatenate([a.features, b.features]),
        labels=np.concatenate([a.labels, b.labels]),
        jd_groups=a.jd_groups + b.jd_groups,
    )


@dataclass
class CrossValResult:
    scores: np.ndarray  # out-of-fold 0–100 score of every rubric pair
    predicted: list[FitClass]
    truth: list[FitClass]
    folds: np.ndarray
    thresholds: list[Thresholds]


def cross_validate(rubric: PreparedPairs, config: TrainConfig, *, dim: int, weak: PreparedPairs | None = None,
                   train_on_rubric: bool = True, k: int = 5) -> CrossValResult:
    folds = group_folds(rubric.jd_groups, k)
    mask = feature_mask(config.features)
    scores = np.zeros(len(rubric), dtype=np.float32)
    predicted: list[FitClass] = [FitClass.NO_FIT] * len(rubric)
    truth = [FitClass.parse(v) for v in rubric.labels]
    used: list[Thresholds] = []
    for fold in range(k):
        test_rows = np.flatnonzero(folds == fold)
        val_rows = np.flatnonzero(folds == (fold + 1) % k)
        train_rows = np.flatnonzero((folds != fold) & (folds != (fold + 1) % k))
        parts = []
        if weak is not None:
            parts.append(weak)
        if train_on_rubric:
            parts.append(rubric.subset(train_rows))
        if not parts:
            raise ValueError("nothing to train on: give weak pairs or train_on_rubric=True")
        train = parts[0] if len(parts) == 1 else concat(parts[0], parts[1])
        val = rubric.subset(val_rows)
        result = train_head(train, val, config, dim=dim, show_progress=False)
        val_scores = document_scores(result.head, val, mask)
        thresholds = tune_thresholds(val_scores, [truth[i] for i in val_rows], source=f"fold {fold} validation")
        test_scores = document_scores(result.head, rubric.subset(test_rows), mask)
        scores[test_rows] = test_scores
        for row, s in zip(test_rows, test_scores, strict=True):
            predicted[row] = thresholds.classify(float(s))
        used.append(thresholds)
        logger.info("fold %d: best epoch %d, val wF1 %.3f", fold, result.best_epoch, result.val_weighted_f1)
    return CrossValResult(scores, predicted, truth, folds, used)


def summary(truth: list[FitClass], predicted: list[FitClass]) -> dict[str, float]:
    """The four figures the training report quotes, from the project's one classification report."""
    report = classification_report(truth, predicted)
    return {"macro_f1": report["macro_f1"], "weighted_f1": report["weighted_f1"],
            "good_recall": report["per_class"][FitClass.GOOD_FIT.value]["recall"], "accuracy": report["accuracy"]}


def rubric_frame(path: str) -> pd.DataFrame:
    frame = pd.read_csv(path)
    frame = frame[frame["resume_text"].fillna("").str.strip() != ""].reset_index(drop=True)
    frame["jd_group"] = frame["jd_id"].astype(str)
    frame["resume_group"] = frame["cv_file"].astype(str)
    return frame

"""Quality metrics for scorers: 3-class fit metrics on labelled pairs and ranking metrics.

Plain numpy, no model code, so a model-quality page (or a test) can call these on any scores.
Class order everywhere is ``core.fit.CLASSES``: No Fit, Potential Fit, Good Fit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from core.fit import CLASSES, FitClass


def confusion_matrix(true: Sequence[FitClass], pred: Sequence[FitClass]) -> np.ndarray:
    """3×3 counts: rows are the true class, columns the predicted class (No, Potential, Good)."""
    if len(true) != len(pred):
        raise ValueError(f"{len(true)} true labels but {len(pred)} predictions")
    index = {cls: i for i, cls in enumerate(CLASSES)}
    matrix = np.zeros((len(CLASSES), len(CLASSES)), dtype=int)
    for t, p in zip(true, pred, strict=True):
        matrix[index[FitClass(t)], index[FitClass(p)]] += 1
    return matrix


def classification_report(true: Sequence[FitClass], pred: Sequence[FitClass]) -> dict:
    """Accuracy, weighted and macro F1, per-class precision/recall/F1/support, confusion matrix.

    Undefined ratios (a class never predicted, or never present) count as 0, as scikit-learn does
    with ``zero_division=0``. Macro F1 averages over the classes present in ``true`` or ``pred``
    (scikit-learn's default label set), so a file without, say, Potential Fit pairs is not
    penalised for a class it cannot contain unless the scorer predicts it.
    """
    matrix = confusion_matrix(true, pred)
    total = int(matrix.sum())
    per_class: dict[str, dict[str, float | int]] = {}
    f1s: list[float] = []
    weighted = 0.0
    for i, cls in enumerate(CLASSES):
        tp = int(matrix[i, i])
        support = int(matrix[i].sum())
        predicted = int(matrix[:, i].sum())
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * tp / (support + predicted) if support + predicted else 0.0
        per_class[cls.value] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
        if support or predicted:
            f1s.append(f1)
        if total:
            weighted += f1 * support / total
    return {
        "n": total,
        "accuracy": float(np.trace(matrix)) / total if total else 0.0,
        "weighted_f1": weighted,
        "macro_f1": float(np.mean(f1s)) if f1s else 0.0,
        "per_class": per_class,
        "labels": [cls.value for cls in CLASSES],
        "confusion_matrix": matrix.tolist(),
    }


def score_distribution(scores: Sequence[float], labels: Sequence[FitClass]) -> dict[str, dict[str, float]]:
    """Per true class: n, mean, std, min, quartiles and max of the 0–100 scores.

    How far the classes' score ranges overlap is what thresholds can never fix, so this is the
    first thing to read when F1 is low.
    """
    values = np.asarray(scores, dtype=float)
    if len(values) != len(labels):
        raise ValueError(f"{len(values)} scores but {len(labels)} labels")
    classes = np.array([FitClass(label).value for label in labels], dtype=object)
    out: dict[str, dict[str, float]] = {}
    for cls in CLASSES:
        group = values[classes == cls.value]
        if len(group) == 0:
            out[cls.value] = {"n": 0}
            continue
        q25, median, q75 = np.quantile(group, [0.25, 0.5, 0.75])
        out[cls.value] = {
            "n": int(len(group)),
            "mean": float(group.mean()),
            "std": float(group.std()),
            "min": float(group.min()),
            "q25": float(q25),
            "median": float(median),
            "q75": float(q75),
            "max": float(group.max()),
        }
    return out


# --- ranking metrics (binary relevance, in ranked order: best-scored item first) -------------


def ranked_relevance(scores: Sequence[float], relevant: Sequence[bool]) -> list[bool]:
    """Relevance flags sorted by descending score (ties keep the input order: shuffle it first)."""
    if len(scores) != len(relevant):
        raise ValueError(f"{len(scores)} scores but {len(relevant)} relevance flags")
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    return [bool(relevant[i]) for i in order]


def precision_at_k(relevance: Sequence[bool], k: int) -> float:
    """Share of relevant items among the first ``k`` (of the first ``len`` when the list is shorter)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    top = list(relevance[:k])
    return sum(bool(r) for r in top) / len(top) if top else 0.0


def ndcg_at_k(relevance: Sequence[bool], k: int) -> float:
    """Normalised DCG at ``k``, binary gains: DCG / the ideal order's DCG (0 if nothing is relevant)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    dcg = sum(1.0 / math.log2(rank + 2) for rank, r in enumerate(relevance[:k]) if r)
    ideal_hits = min(k, sum(bool(r) for r in relevance))
    idcg = sum(1.0 / math.log2(rank + 2) for rank in range(ideal_hits))
    return dcg / idcg if idcg else 0.0


def average_precision(relevance: Sequence[bool]) -> float:
    """Mean of precision@rank over the ranks of the relevant items (0 if nothing is relevant)."""
    hits = 0
    total = 0.0
    for rank, r in enumerate(relevance, start=1):
        if r:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0

"""Fit classes and the two thresholds that map a 0–100 score to one of them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np


class FitClass(StrEnum):
    """The three ordinal classes; their regression targets are 0, 0.5 and 1."""

    NO_FIT = "No Fit"
    POTENTIAL_FIT = "Potential Fit"
    GOOD_FIT = "Good Fit"

    @property
    def target(self) -> float:
        return {FitClass.NO_FIT: 0.0, FitClass.POTENTIAL_FIT: 0.5, FitClass.GOOD_FIT: 1.0}[self]

    @classmethod
    def parse(cls, label: object) -> FitClass:
        """Accept 'Good Fit', 'good_fit', 'good' ... or the regression targets 1 / 0.5 / 0."""
        try:
            number = float(str(label).strip())
        except ValueError:
            pass
        else:
            for member in cls:
                if abs(number - member.target) < 1e-9:
                    return member
            raise ValueError(f"unknown numeric fit label {label!r}; expected 0, 0.5 or 1")
        key = str(label).strip().lower().replace("_", " ").replace("-", " ")
        for member in cls:
            if key in {member.value.lower(), member.value.lower().split()[0]}:
                return member
        raise ValueError(f"unknown fit label {label!r}; expected No Fit, Potential Fit or Good Fit")


CLASSES: tuple[FitClass, ...] = (FitClass.NO_FIT, FitClass.POTENTIAL_FIT, FitClass.GOOD_FIT)


@dataclass(frozen=True)
class Thresholds:
    """Scores ≥ ``good`` are Good Fit, ≥ ``potential`` Potential Fit, else No Fit (0–100 scale)."""

    potential: float
    good: float
    source: str = "default"

    def __post_init__(self) -> None:
        if not 0 <= self.potential <= self.good <= 100:
            raise ValueError(f"thresholds must satisfy 0 ≤ potential ≤ good ≤ 100, got {self}")

    def classify(self, score: float) -> FitClass:
        if score >= self.good:
            return FitClass.GOOD_FIT
        if score >= self.potential:
            return FitClass.POTENTIAL_FIT
        return FitClass.NO_FIT

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Thresholds:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(float(data["potential"]), float(data["good"]), str(data.get("source", path.name)))


def weighted_f1(true: Sequence[FitClass], predicted: Sequence[FitClass]) -> float:
    """Support-weighted mean of per-class F1 (the metric thresholds are tuned for)."""
    total = len(true)
    if total == 0:
        return 0.0
    result = 0.0
    for cls in CLASSES:
        tp = sum(1 for t, p in zip(true, predicted, strict=True) if t == cls and p == cls)
        fp = sum(1 for t, p in zip(true, predicted, strict=True) if t != cls and p == cls)
        fn = sum(1 for t, p in zip(true, predicted, strict=True) if t == cls and p != cls)
        support = tp + fn
        if support == 0:
            continue
        f1 = 2 * tp / (2 * tp + fp + fn)
        result += f1 * support / total
    return result


TUNING_BLOCK = 1024
"""Scores per block of :func:`tune_thresholds`' grid search."""


def tune_thresholds(scores: Sequence[float], labels: Sequence[FitClass], *, source: str,
                    good_recall_floor: float | None = None) -> Thresholds:
    """Grid-search the two thresholds that maximise weighted F1 on labelled scores.

    Candidates are the score percentiles; every (potential, good) pair is evaluated at once
    with numpy, so tuning inside a training loop stays cheap. With ``good_recall_floor`` (a
    recall-first operating point) the thresholds maximise macro F1 among the pairs whose Good-Fit
    recall on these scores is at least the floor (the highest recall if none reaches it).
    """
    values = np.asarray(scores, dtype=float)
    if len(values) == 0:
        raise ValueError("no labelled scores to tune thresholds on")
    if len(labels) != len(values):
        raise ValueError(f"{len(values)} scores but {len(labels)} labels: one label per score")
    truth = np.array([CLASSES.index(label) for label in labels])
    # Thresholds live on the 0–100 scale: candidates outside it (scores of an unbounded fit) are clipped.
    candidates = np.unique(np.clip(np.round(np.quantile(values, np.linspace(0, 1, 101)), 2), 0.0, 100.0))
    low, high = np.triu_indices(len(candidates))  # every potential ≤ good
    tp = np.zeros((len(CLASSES), len(low)), dtype=np.int64)
    fp = np.zeros_like(tp)
    # Predicted class of every score under every threshold pair, a block of scores at a time (memory
    # stays ~ pairs × block however many scores there are).
    for begin in range(0, len(values), TUNING_BLOCK):
        block, block_truth = values[begin : begin + TUNING_BLOCK], truth[begin : begin + TUNING_BLOCK]
        predicted = (block[None, :] >= candidates[low][:, None]).astype(np.int8) + (
            block[None, :] >= candidates[high][:, None]).astype(np.int8)
        for cls in range(len(CLASSES)):
            is_pred, is_true = predicted == cls, block_truth == cls
            tp[cls] += (is_pred & is_true[None, :]).sum(1)
            fp[cls] += (is_pred & ~is_true[None, :]).sum(1)
    total = np.zeros(len(low))
    good_recall = np.zeros(len(low))
    for cls in range(len(CLASSES)):
        support = int((truth == cls).sum())
        if support == 0:
            continue
        fn = support - tp[cls]
        weight = support / len(values) if good_recall_floor is None else 1 / len(CLASSES)
        total += 2 * tp[cls] / np.maximum(2 * tp[cls] + fp[cls] + fn, 1) * weight
        if CLASSES[cls] is FitClass.GOOD_FIT:
            good_recall = tp[cls] / support
    if good_recall_floor is not None:
        floor = min(good_recall_floor, float(good_recall.max()))
        total[good_recall < floor - 1e-12] = -1.0
    best = int(np.argmax(total))  # first best: the lowest thresholds among ties, as before
    return Thresholds(float(candidates[low[best]]), float(candidates[high[best]]), source)

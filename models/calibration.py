"""Tune a scorer's class thresholds on rubric-labelled JD–CV pairs (``fit_labels.csv``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.fit import Thresholds, tune_thresholds, weighted_f1
from core.scoring import Scorer
from models.evaluation import load_pairs, score_pairs


@dataclass(frozen=True)
class Calibration:
    thresholds: Thresholds
    weighted_f1: float
    pairs: int


def calibrate(scorer: Scorer, data_csv: Path, *, out: Path | None = None) -> Calibration:
    """Score the labelled pairs, choose thresholds for weighted F1, optionally save them."""
    pairs = load_pairs(data_csv)
    scores, _ = score_pairs(scorer, pairs, show_progress=True)
    thresholds = tune_thresholds(scores, pairs.labels, source=f"tuned for weighted F1 on {data_csv.name}")
    f1 = weighted_f1(pairs.labels, [thresholds.classify(s) for s in scores])
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        thresholds.save(out)
    return Calibration(thresholds, f1, len(pairs))

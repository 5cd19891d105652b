"""Tune a scorer's class thresholds on rubric-labelled JD–CV pairs (``fit_labels.csv``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from core.fit import FitClass, Thresholds, tune_thresholds, weighted_f1
from core.scoring import Scorer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Calibration:
    thresholds: Thresholds
    weighted_f1: float
    pairs: int


def score_labelled_pairs(scorer: Scorer, data: pd.DataFrame, *, show_progress: bool = True) -> list[float]:
    """Score every (job_description_text, resume_text) row, batching the CVs of each JD."""
    scores = [0.0] * len(data)
    groups = data.groupby("job_description_text", sort=False).indices
    for jd_text, rows in tqdm(groups.items(), desc="scoring JDs", disable=not show_progress):
        results = scorer.score_batch(str(jd_text), [str(data.iloc[i]["resume_text"]) for i in rows])
        for i, result in zip(rows, results, strict=True):
            scores[i] = result.score
    return scores


def calibrate(scorer: Scorer, data_csv: Path, *, out: Path | None = None) -> Calibration:
    """Score the labelled pairs, choose thresholds for weighted F1, optionally save them."""
    data = pd.read_csv(data_csv)
    data = data[data["resume_text"].fillna("").str.strip() != ""].reset_index(drop=True)
    labels = [FitClass.parse(label) for label in data["label"]]
    scores = score_labelled_pairs(scorer, data)
    thresholds = tune_thresholds(scores, labels, source=f"tuned for weighted F1 on {data_csv.name}")
    f1 = weighted_f1(labels, [thresholds.classify(s) for s in scores])
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        thresholds.save(out)
    return Calibration(thresholds, f1, len(data))

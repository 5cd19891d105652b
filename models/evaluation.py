"""Evaluate a scorer on labelled JD–CV pairs, next to its baselines, in one run.

``python -m models evaluate --data pairs.csv [--json] [--scorer NAME] [--calibration CSV] [--retune]``

The pairs file has columns ``resume_text``, ``job_description_text`` and ``label`` ("Good Fit" /
"Potential Fit" / "No Fit", or 1 / 0.5 / 0; a file whose labels are all 0, 1 or 2, with some 2, is
read as the ordinal 0 = No, 1 = Potential, 2 = Good Fit and says so). Column names are matched
without regard to case or surrounding spaces; a label that is none of these is an error naming
its line. For the scorer under test and each baseline
(TF-IDF cosine fitted once on every CV of the run, first-chunk cosine, chunk-averaged cosine)
it reports accuracy, weighted and macro F1, per-class precision / recall / F1, the confusion
matrix, score distributions per class, pairs/s (wall time of scoring, one ``score_batch`` call
per JD; a scorer over the same encoder and chunking as one before it reuses that one's CV chunk
vectors, marked ↺) and the JD probe: each Good Fit CV scored against its own JD and against a random
other JD of the file (seeded); the share where its own JD scores higher (target ≥ 95%).

Threshold policy — class thresholds are never tuned on the pairs that are reported:

- baselines (and the scorer under test with ``--retune``) get thresholds tuned for weighted F1
  on the calibration set (``fit_labels.csv`` by default), after dropping every calibration pair
  whose JD also appears in the evaluated file;
- when the evaluated file *is* the calibration set (same content), or nothing is left to tune
  on, thresholds come from grouped k-fold cross-validation over JDs: tuned on k−1 folds of JDs,
  applied to the held-out fold, metrics over all out-of-fold predictions;
- the scorer under test otherwise keeps its shipped ``scorer.thresholds``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from core.fit import CLASSES, FitClass, Thresholds, tune_thresholds
from core.scoring import Scorer
from models.metrics import classification_report, score_distribution
from models.vectors import SharedVectors

logger = logging.getLogger(__name__)

N_FOLDS = 5
PROBE_TARGET = 0.95
REQUIRED_COLUMNS = ("resume_text", "job_description_text", "label")
@dataclass(frozen=True)
class PairSet:
    """Labelled pairs ready to score: non-empty CVs only, labels parsed."""

    data: pd.DataFrame  # columns resume_text, job_description_text (str), jd_group when given; index 0..n-1
    labels: list[FitClass]
    dropped_empty: int
    source: str

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def jd_texts(self) -> list[str]:
        return self.data["job_description_text"].tolist()

    @property
    def jd_groups(self) -> list[str]:
        """The posting of each pair, for grouped folds: the file's ``jd_id`` column when it has one (as
        :func:`models.crossval.rubric_frame` reads fit_labels, so both draw the same folds), else the JD text."""
        column = "jd_group" if "jd_group" in self.data else "job_description_text"
        return self.data[column].tolist()

    @cached_property
    def content_key(self) -> str:
        """Order-insensitive hash of the pairs and labels: 'is this the same set?' by content."""
        columns = (self.data["job_description_text"], self.data["resume_text"], self.labels)
        rows = sorted(f"{jd}\x1f{cv}\x1f{label.value}" for jd, cv, label in zip(*columns, strict=True))
        return hashlib.sha256("\x1e".join(rows).encode("utf-8")).hexdigest()

    def without_jds(self, jds: set[str]) -> PairSet:
        """The pairs whose JD is not in ``jds`` (to keep evaluated postings out of tuning)."""
        keep = ~self.data["job_description_text"].isin(jds)
        return PairSet(
            data=self.data[keep].reset_index(drop=True),
            labels=[label for label, k in zip(self.labels, keep, strict=True) if k],
            dropped_empty=self.dropped_empty,
            source=self.source,
        )


def normalised_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Column names stripped and lower-cased, so ``" Label"`` or ``"File"`` are accepted."""
    return frame.rename(columns=lambda c: str(c).strip().lower())


def pairs_from_frame(frame: pd.DataFrame, *, source: str) -> PairSet:
    """Validate columns, drop rows with an empty CV (counted) and parse labels."""
    frame = normalised_columns(frame)
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{source}: missing column(s) {', '.join(missing)}; need {', '.join(REQUIRED_COLUMNS)}"
        )
    data = frame[list(REQUIRED_COLUMNS)].copy()
    if "jd_id" in frame.columns:
        data["jd_group"] = frame["jd_id"].astype(str)
    data["resume_text"] = data["resume_text"].fillna("").astype(str)
    data["job_description_text"] = data["job_description_text"].fillna("").astype(str)
    empty = data["resume_text"].str.strip() == ""
    if empty.any():
        logger.warning("%s: dropped %d pair(s) with an empty resume_text", source, int(empty.sum()))
    if (data.loc[~empty, "job_description_text"].str.strip() == "").any():
        raise ValueError(f"{source}: some pairs have an empty job_description_text")
    lines = (data.index[~empty] + 2).tolist()  # the file's line numbers (header = line 1)
    data = data[~empty].reset_index(drop=True)
    labels = parse_labels(data.pop("label").tolist(), lines, source=source)
    return PairSet(data=data, labels=labels, dropped_empty=int(empty.sum()), source=source)


def first_of(items: Sequence[str], *, sep: str = ", ", limit: int = 10) -> str:
    """The first ``limit`` items joined, and how many more: what an error or a report names of a long list."""
    more = len(items) - limit
    return sep.join(items[:limit]) + (f"{sep}and {more} more" if more > 0 else "")


ORDINAL_LABELS = {0.0: FitClass.NO_FIT, 1.0: FitClass.POTENTIAL_FIT, 2.0: FitClass.GOOD_FIT}


def _number(value: object) -> float | None:
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def parse_labels(values: Sequence[object], lines: Sequence[int], *, source: str) -> list[FitClass]:
    """Fit classes of a label column; the 0 / 1 / 2 ordinal scheme when the column is exactly that.

    Raises ``ValueError`` naming the lines (up to 10) whose label is not a fit label.
    """
    numbers = [_number(v) for v in values]
    if numbers and all(n in ORDINAL_LABELS for n in numbers) and 2.0 in numbers:
        logger.warning("%s: labels are 0 / 1 / 2, read as No Fit / Potential Fit / Good Fit", source)
        return [ORDINAL_LABELS[n] for n in numbers]  # type: ignore[index]
    labels, bad = [], []
    for value, line in zip(values, lines, strict=True):
        try:
            labels.append(FitClass.parse(value))
        except ValueError:
            bad.append(f"line {line}: {value!r}")
    if bad:
        raise ValueError(f"{source}: {len(bad)} label(s) are not Good Fit / Potential Fit / No Fit "
                         f"(or 1 / 0.5 / 0): {first_of(bad, sep='; ')}")
    return labels


def read_table(path: Path, **kwargs: object) -> pd.DataFrame:
    """A CSV as spreadsheets write it: UTF-8 (with or without BOM), UTF-16 (with BOM) or — said in a
    warning — Windows-1252; commas, or semicolons / tabs when the header has no comma. Errors name the file.

    Raises:
        ValueError: the file is empty or not a table.
    """
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            logger.warning("%s is not UTF-8; read as Windows-1252", path.name)
            text = data.decode("cp1252", errors="replace")
    first_line = text.lstrip().split("\n", 1)[0]
    sep = next((s for s in (",", ";", "\t") if s in first_line), ",")
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, **kwargs)  # type: ignore[arg-type]
    except pd.errors.EmptyDataError as exc:
        raise ValueError(f"{path.name}: the file is empty (a CSV with a header row is expected)") from exc
    except pd.errors.ParserError as exc:
        raise ValueError(f"{path.name}: not a readable CSV ({exc}); texts with commas, quotes or line breaks "
                         "must be quoted") from exc


def load_pairs(path: Path) -> PairSet:
    """Read a labelled pairs CSV (see the module docstring for the columns)."""
    return pairs_from_frame(read_table(path), source=path.name)


def score_pairs(scorer: Scorer, pairs: PairSet, *, show_progress: bool = False,
                shared: SharedVectors | None = None) -> tuple[np.ndarray, float]:
    """Scores of all pairs in file order and the wall time it took (one ``score_batch`` per JD)."""
    shared = shared or SharedVectors()
    scores = np.zeros(len(pairs), dtype=float)
    groups = pairs.data.groupby("job_description_text", sort=False).indices
    cvs = pairs.data["resume_text"].tolist()
    start = time.perf_counter()
    for jd_text, rows in tqdm(groups.items(), desc=f"scoring · {scorer.name}", disable=not show_progress):
        results = shared.score_batch(scorer, str(jd_text), [cvs[i] for i in rows])
        scores[rows] = [r.score for r in results]
    return scores, time.perf_counter() - start


# --- thresholds ---------------------------------------------------------------------------------


def _thresholds_dict(t: Thresholds) -> dict:
    return {"potential": t.potential, "good": t.good, "source": t.source}


def group_folds(groups: Sequence[str], n_splits: int = N_FOLDS) -> np.ndarray:
    """Fold number (0…k−1) of every row, whole groups (postings) per fold; deterministic.

    Every cross-validated figure of the project (baselines here, trained heads in
    :mod:`models.crossval`) uses these folds, so their numbers are comparable.
    """
    from sklearn.model_selection import GroupKFold

    n_groups = len(set(groups))
    if n_groups < 2:
        raise ValueError("cross-validation needs pairs from at least 2 different JDs")
    folds = np.zeros(len(groups), dtype=int)
    splitter = GroupKFold(n_splits=min(n_splits, n_groups))
    for fold, (_, test) in enumerate(splitter.split(np.zeros(len(groups)), groups=list(groups))):
        folds[test] = fold
    return folds


def cross_validated_classes(
    scores: Sequence[float], labels: Sequence[FitClass], groups: Sequence[str], *, n_splits: int = N_FOLDS
) -> tuple[list[FitClass], list[dict]]:
    """Out-of-fold classes of fixed scores: thresholds tuned on the other folds' groups, applied to the
    held-out one (:func:`out_of_fold_classes`)."""
    values = np.asarray(scores, dtype=float)
    return out_of_fold_classes(lambda train: lambda rows: values[rows], labels, groups, n_splits=n_splits)


def out_of_fold_classes(
    fit: Callable[[np.ndarray], Callable[[np.ndarray], np.ndarray]], labels: Sequence[FitClass],
    groups: Sequence[str], *, n_splits: int = N_FOLDS, good_recall_floor: float | None = None,
) -> tuple[list[FitClass], list[dict]]:
    """Out-of-fold classes and each fold's thresholds: for each fold of :func:`group_folds`, ``fit`` on the
    other folds' rows gives a scoring of rows (fixed scores, or a blend fitted there); thresholds are tuned
    on those rows' scores (:func:`core.fit.tune_thresholds`, ``good_recall_floor`` included) and classify
    the fold's. Folds are grouped (by JD), so no posting is on both sides; ``GroupKFold`` is deterministic.
    """
    folds = group_folds(groups, n_splits)
    predicted: list[FitClass | None] = [None] * len(labels)
    info = []
    for fold in range(int(folds.max()) + 1):
        train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        score = fit(train)
        t = tune_thresholds(score(train).tolist(), [labels[i] for i in train],
                            source=f"tuned for weighted F1 on CV fold {fold + 1}'s training JDs",
                            good_recall_floor=good_recall_floor)
        for i, value in zip(test, score(test), strict=True):
            predicted[i] = t.classify(float(value))
        info.append({"fold": fold + 1, "train_pairs": len(train), "test_pairs": len(test), **_thresholds_dict(t)})
    return [p for p in predicted if p is not None], info


# --- the JD probe -------------------------------------------------------------------------------


def probe_assignments(pairs: PairSet, *, seed: int = 0) -> list[tuple[int, str]]:
    """(row, another JD of the file) for every Good Fit pair — seeded, the same for every scorer."""
    jds = list(dict.fromkeys(pairs.jd_texts))
    if len(jds) < 2:
        return []
    rng = np.random.default_rng(seed)
    out = []
    for row, (jd, label) in enumerate(zip(pairs.jd_texts, pairs.labels, strict=True)):
        if label is not FitClass.GOOD_FIT:
            continue
        others = [j for j in jds if j != jd]
        out.append((row, others[int(rng.integers(len(others)))]))
    return out


def jd_probe(
    scorer: Scorer,
    pairs: PairSet,
    own_scores: np.ndarray,
    assignments: Sequence[tuple[int, str]],
    *,
    show_progress: bool = False,
    shared: SharedVectors | None = None,
) -> dict | None:
    """Share of Good Fit CVs that score higher against their own JD than against a random other one.

    The own-JD score is the one already computed for the evaluation; the other JD scores all the
    CVs assigned to it in one batch. (For a scorer whose scores depend on the batch, such as
    TF-IDF fitted per call, the two sides thus come from different batches, as in real use.)
    """
    if not assignments:
        return None
    by_jd: dict[str, list[int]] = {}
    for row, other in assignments:
        by_jd.setdefault(other, []).append(row)
    cvs = pairs.data["resume_text"].tolist()
    other_scores: dict[int, float] = {}
    start = time.perf_counter()
    for other, rows in tqdm(by_jd.items(), desc=f"JD probe · {scorer.name}", disable=not show_progress):
        batch = (shared or SharedVectors()).score_batch(scorer, other, [cvs[r] for r in rows])
        for row, result in zip(rows, batch, strict=True):
            other_scores[row] = result.score
    seconds = time.perf_counter() - start
    higher = sum(1 for row, _ in assignments if own_scores[row] > other_scores[row])
    ties = sum(1 for row, _ in assignments if own_scores[row] == other_scores[row])
    return {
        "pairs": len(assignments),
        "own_higher": higher,
        "ties": ties,
        "share": higher / len(assignments),
        "target": PROBE_TARGET,
        "seconds": seconds,
    }


# --- the evaluation -----------------------------------------------------------------------------


def _same_scorer(a: Scorer, b: Scorer) -> bool:
    return (a.name, a.version) == (b.name, b.version)


def evaluate_pairs(
    pairs: PairSet,
    scorer: Scorer,
    baselines: Sequence[Scorer] = (),
    *,
    calibration: PairSet | None = None,
    retune: bool = False,
    seed: int = 0,
    label: str | None = None,
    show_progress: bool = False,
    tuned_on: PairSet | None = None,
) -> dict:
    """Evaluate ``scorer`` (under test) and ``baselines`` on ``pairs``; a JSON-ready report.

    ``tuned_on``: the pairs the scorer's shipped thresholds (and blend) were fitted on, for the in-sample
    warning, when they are not ``calibration`` (a custom ``--calibration``); default ``calibration``.

    Scores of a baseline identical to the scorer under test (same name and version) are reused,
    not recomputed.
    """
    if len(pairs) == 0:
        raise ValueError(f"{pairs.source}: no pairs to evaluate")
    run_start = time.perf_counter()
    groups = pairs.jd_groups
    policy, reason, tuning_set = _threshold_policy(pairs, calibration)
    assignments = probe_assignments(pairs, seed=seed)

    cache: dict[tuple[str, str, str], tuple[np.ndarray, float]] = {}
    shared = SharedVectors()

    def scored(s: Scorer, on: PairSet) -> tuple[np.ndarray, float]:
        key = (s.name, s.version, on.content_key)
        if key not in cache:
            cache[key] = score_pairs(s, on, show_progress=show_progress, shared=shared)
            logger.info("%s: scored %d pairs of %s in %.1f s", s.name, len(on), on.source, cache[key][1])
        return cache[key]

    probes: dict[tuple[str, str], dict | None] = {}
    entries = []
    for role, s in [("under test", scorer)] + [("baseline", b) for b in baselines]:
        vectors_from = shared.reused_from(s)
        scores, seconds = scored(s, pairs)
        if role == "under test" and not retune:
            t = s.thresholds
            predicted = [t.classify(float(v)) for v in scores]
            thresholds = {"policy": "shipped", **_thresholds_dict(t)}
        elif policy == "cross-validation":
            predicted, folds = cross_validated_classes(scores, pairs.labels, groups)
            thresholds = {"policy": "cross-validation", "reason": reason, "folds": folds}
        else:
            assert tuning_set is not None
            cal_scores, _ = scored(s, tuning_set)
            t = tune_thresholds(
                cal_scores.tolist(), tuning_set.labels, source=f"tuned for weighted F1 on {tuning_set.source}"
            )
            predicted = [t.classify(float(v)) for v in scores]
            thresholds = {
                "policy": "calibration set",
                "reason": reason,
                "pairs": len(tuning_set),
                **_thresholds_dict(t),
            }
        warning = (in_sample_warning(s, pairs, tuned_on or calibration, retune=retune) if role == "under test"
                   else None)
        if warning:
            thresholds["warning"] = warning
        key = (s.name, s.version)
        if key not in probes:
            probes[key] = jd_probe(s, pairs, scores, assignments, show_progress=show_progress, shared=shared)
        entries.append(
            {
                "label": (label or s.name) if role == "under test" else s.name,
                "role": role,
                "name": s.name,
                "version": s.version,
                "thresholds": thresholds,
                "metrics": classification_report(pairs.labels, predicted),
                "score_distribution": score_distribution(scores, pairs.labels),
                "scoring_seconds": seconds,
                "pairs_per_s": len(pairs) / seconds if seconds > 0 else None,
                "cv_vectors_from": vectors_from,
                "jd_probe": probes[key],
            }
        )
    return {
        "data": pairs.source,
        "pairs": len(pairs),
        "jds": len(set(groups)),
        "dropped_empty": pairs.dropped_empty,
        "label_counts": {cls.value: sum(1 for x in pairs.labels if x is cls) for cls in CLASSES},
        "threshold_policy": {"baselines": policy, "reason": reason, "retune": retune},
        "seed": seed,
        "scorers": entries,
        "seconds": time.perf_counter() - run_start,
    }


def in_sample_warning(scorer: Scorer, pairs: PairSet, calibration: PairSet | None, *, retune: bool) -> str | None:
    """Why the scorer's figures on ``pairs`` are in-sample (optimistic), or None.

    The scorer's thresholds name the file they were tuned on (``Thresholds.source``); when that is the
    calibration file and ``pairs`` shares postings with it (compared by content, so a renamed copy
    counts and an unrelated file of a similar name does not), its shipped thresholds saw these pairs.
    With ``--retune`` the thresholds are tuned afresh, but an occupation-aware scorer's blend was also
    fitted on that file (least squares on its labels): still in-sample.
    """
    source = scorer.thresholds.source
    if calibration is not None:
        tuned_on = Path(calibration.source).name
        if not tuned_on or tuned_on not in source or not set(pairs.jd_texts) & set(calibration.jd_texts):
            return None
    elif not Path(pairs.source).name or Path(pairs.source).name not in source:
        return None  # no calibration file to compare contents with: the evaluated file's name decides
    else:
        tuned_on = Path(pairs.source).name
    if not retune:
        return f"shipped thresholds were tuned on {tuned_on}, which shares postings with the evaluated file: these figures are in-sample"
    if getattr(scorer, "blend", None) is not None:
        return (f"the scorer's blend was fitted on {tuned_on}, which shares postings with the evaluated file: even with "
                "re-tuned thresholds these figures are in-sample (train-occupation's cross-validated rows are not)")
    return None


def _threshold_policy(pairs: PairSet, calibration: PairSet | None) -> tuple[str, str, PairSet | None]:
    """('calibration set' | 'cross-validation', why, the pairs to tune on or None)."""
    if calibration is None:
        return "cross-validation", "no calibration set available", None
    if calibration.content_key == pairs.content_key:
        return "cross-validation", f"the evaluated file is the calibration set, {calibration.source}", None
    shared = set(pairs.jd_texts) & set(calibration.jd_texts)
    tuning = calibration.without_jds(shared) if shared else calibration
    if len(tuning) == 0:
        return "cross-validation", f"every JD of {calibration.source} is in the evaluated file", None
    reason = f"tuned on {calibration.source}"
    if shared:
        reason += f" without the {len(shared)} JD(s) it shares with the evaluated file"
        logger.warning("left %d JD(s) shared with the evaluated file out of threshold tuning", len(shared))
    return "calibration set", reason, tuning


def run_evaluation(
    data: Path,
    *,
    scorer_name: str | None = None,
    calibration: Path | None = None,
    retune: bool = False,
    seed: int = 0,
    show_progress: bool = False,
) -> dict:
    """Load the scorer under test (``RECRUIT_SCORER`` or ``scorer_name``) and the baselines, evaluate."""
    from core.config import get_settings
    from core.scoring import load_scorer
    from models.baselines import TfidfCosineScorer, baseline_encoder, baseline_scorers

    settings = get_settings()
    if scorer_name:
        settings = settings.model_copy(update={"scorer": scorer_name})
    pairs = load_pairs(data)
    cal = None
    if calibration is not None:
        if calibration.is_file():
            cal = load_pairs(calibration)
        else:
            logger.warning("no calibration set at %s; baselines use cross-validation", calibration)
    scorer = load_scorer(settings)
    encoder = baseline_encoder(scorer, settings)  # untrained, whatever the scorer under test is
    baselines = baseline_scorers(encoder, chunk_tokens=settings.chunk_tokens, overlap=settings.chunk_overlap)
    # TF-IDF's IDF from one JD's 15 CVs is noise (macro F1 0.52 vs 0.60 on fit_labels): fit it once on
    # every CV of the run — labels unused — so evaluated and calibration scores share one scale.
    corpus = pairs.data["resume_text"].tolist()
    if cal is not None:
        corpus += cal.data["resume_text"].tolist()
    for baseline in baselines:
        if isinstance(baseline, TfidfCosineScorer):
            baseline.fit(list(dict.fromkeys(corpus)))
    # The shipped thresholds name the file they were tuned on; with a custom --calibration, the in-sample
    # check still compares the evaluated pairs with that file (fit_labels.csv) when it is at hand.
    reference = settings.fit_labels_csv
    tuned_on = None
    if (cal is None or cal.source not in scorer.thresholds.source) and reference.is_file() \
            and reference.name in scorer.thresholds.source:
        tuned_on = load_pairs(reference)
    report = evaluate_pairs(
        pairs,
        scorer,
        baselines,
        tuned_on=tuned_on,
        calibration=cal,
        retune=retune,
        seed=seed,
        label=settings.scorer,
        show_progress=show_progress,
    )
    report["data_path"] = str(data)
    report["calibration_path"] = str(calibration) if cal is not None else None
    report["device"] = str(getattr(encoder, "device", "cpu"))
    return report


# --- output -------------------------------------------------------------------------------------


def _threshold_summary(t: dict) -> str:
    if t["policy"] == "cross-validation":
        return f"{len(t['folds'])}-fold CV"
    prefix = "shipped" if t["policy"] == "shipped" else "calib."
    return f"{prefix} {t['potential']:.2f}/{t['good']:.2f}"


def format_report(report: dict) -> str:
    """The human-readable report: one summary row per scorer, then each scorer's details."""
    counts = " · ".join(f"{k} {v}" for k, v in report["label_counts"].items())
    policy = report["threshold_policy"]
    lines = [
        f"Evaluated {report['pairs']} pairs from {report['data']} ({report['jds']} JDs; "
        f"{report['dropped_empty']} pair(s) with an empty CV dropped) — {counts}",
        f"Thresholds: baselines{' and the scorer under test (--retune)' if policy['retune'] else ''} by "
        f"{policy['baselines']} ({policy['reason']})"
        + ("" if policy["retune"] else "; the scorer under test keeps its shipped thresholds"),
        "",
        f"{'scorer':<44} {'thresholds':<20} {'acc':>6} {'wF1':>6} {'macroF1':>7} {'Good R':>6} "
        f"{'probe %':>7} {'pairs/s':>8}",
    ]
    for e in report["scorers"]:
        m = e["metrics"]
        probe = e["jd_probe"]
        name = ("* " if e["role"] == "under test" else "  ") + e["label"]
        probe_text = f"{100 * probe['share']:.1f}" if probe else "n/a"
        speed_text = (f"{e['pairs_per_s']:.1f}" if e["pairs_per_s"] else "n/a") + (
            " ↺" if e.get("cv_vectors_from") else "")
        good_recall = m["per_class"][FitClass.GOOD_FIT.value]["recall"]
        lines.append(
            f"{name:<44} {_threshold_summary(e['thresholds']):<20} {m['accuracy']:>6.3f} "
            f"{m['weighted_f1']:>6.3f} {m['macro_f1']:>7.3f} {good_recall:>6.3f} {probe_text:>7} "
            f"{speed_text:>8}"
        )
    lines.append(
        "(* = scorer under test; probe % = Good Fit CVs scoring higher on their own JD than on a random "
        f"other JD, target ≥ {100 * PROBE_TARGET:.0f}%; ↺ = CV chunk vectors reused from a scorer over the "
        "same encoder above, so its pairs/s leaves out encoding the CVs)"
    )
    for e in report["scorers"]:
        lines += ["", f"── {e['label']} [{e['role']}] {e['name']} {e['version']}"]
        t = e["thresholds"]
        if t["policy"] == "cross-validation":
            folds = "; ".join(f"{f['potential']:.2f}/{f['good']:.2f}" for f in t["folds"])
            lines.append(f"thresholds (Potential/Good) per CV fold: {folds}")
        else:
            lines.append(
                f"thresholds: Potential Fit ≥ {t['potential']:.2f}, Good Fit ≥ {t['good']:.2f} "
                f"({t['source']})"
            )
        if "warning" in t:
            lines.append(f"WARNING: {t['warning']}")
        lines.append(
            f"{'class':<14} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>5}"
            "   score mean ± sd   [q25 · median · q75]"
        )
        for cls in CLASSES:
            pc = e["metrics"]["per_class"][cls.value]
            d = e["score_distribution"][cls.value]
            dist = "—"
            if d["n"]:
                quartiles = f"[{d['q25']:.2f} · {d['median']:.2f} · {d['q75']:.2f}]"
                dist = f"{d['mean']:6.2f} ± {d['std']:5.2f}   {quartiles}"
            lines.append(
                f"{cls.value:<14} {pc['precision']:>6.3f} {pc['recall']:>6.3f} {pc['f1']:>6.3f} "
                f"{pc['support']:>5}   {dist}"
            )
        lines.append("confusion (rows true, columns predicted: No / Potential / Good)")
        for cls, row in zip(CLASSES, e["metrics"]["confusion_matrix"], strict=True):
            lines.append(f"  {cls.value:<14}" + "".join(f"{v:>7}" for v in row))
        probe = e["jd_probe"]
        if probe:
            lines.append(
                f"JD probe: own JD higher for {probe['own_higher']} of {probe['pairs']} Good Fit CVs "
                f"({100 * probe['share']:.1f}%, target ≥ {100 * probe['target']:.0f}%; "
                f"{probe['ties']} tie(s))"
            )
        else:
            lines.append("JD probe: n/a (no Good Fit pair, or a single JD in the file)")
        lines.append(f"scoring: {e['scoring_seconds']:.1f} s")
    lines += ["", f"total run time {report['seconds']:.1f} s"]
    return "\n".join(lines) + "\n"


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``evaluate`` on the ``python -m models`` command line."""
    from core.config import get_settings

    p = sub.add_parser(
        "evaluate",
        help="3-class metrics, score distributions, pairs/s and the JD probe on labelled pairs, "
        "with baselines",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--data", type=Path, required=True, help="CSV with resume_text, job_description_text, label"
    )
    p.add_argument("--json", action="store_true", help="print the whole report as JSON")
    p.add_argument("--scorer", default=None, help="scorer under test (default: RECRUIT_SCORER)")
    p.add_argument(
        "--calibration",
        type=Path,
        default=None,
        help="labelled pairs to tune baseline thresholds on (default: ../shared/data/fit_labels/fit_labels.csv, "
             "when it is there; a file named here must exist)",
    )
    p.add_argument(
        "--retune", action="store_true", help="tune the scorer under test's thresholds like the baselines'"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the JD probe's random other JDs")


def run_cli(args: argparse.Namespace) -> int:
    """The ``evaluate`` subcommand."""
    from core.errors import ModelUnavailable

    if not args.data.is_file():
        sys.stderr.write(f"error: no labelled pairs at {args.data}\n")
        return 2
    if args.calibration is not None and not args.calibration.is_file():  # a typo: not a silent fallback
        sys.stderr.write(f"error: no calibration pairs at {args.calibration}\n")
        return 2
    if args.calibration is None:
        from core.config import get_settings

        args.calibration = get_settings().fit_labels_csv
    try:
        report = run_evaluation(
            args.data,
            scorer_name=args.scorer,
            calibration=args.calibration,
            retune=args.retune,
            seed=args.seed,
            show_progress=not args.json and sys.stderr.isatty(),
        )
    except (ValueError, ModelUnavailable) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write(json.dumps(report, indent=2) + "\n" if args.json else format_report(report))
    return 0

"""Ranking quality on categorised CVs: for each JD rank the whole CV pool, relevant = same category.

``python -m models evaluate-ranking --cvs DIR --jds DIR [--json] [--k 10]``

- CVs: ``CVS/<CATEGORY>/*.pdf|docx|txt`` (also in sub-folders of a category folder), parsed with
  the project's ingestion (cached by content).
- JDs: text files listed in ``JDS/manifest.csv`` (columns ``file``, ``category``, any case; ``file``
  is relative to ``JDS``). Every listed file must exist: the error names the missing ones.

Reports P@k, nDCG@k and MAP (binary relevance: the CV's folder equals the JD's category,
compared by :func:`category_key`: case ignored, spaces, ``-`` and ``_`` alike, so "Information
Technology" matches a folder ``INFORMATION-TECHNOLOGY``), mean over JDs and per JD category, for
the scorer under test and
the baselines (TF-IDF cosine fitted on all CVs once, first-chunk and chunk-averaged cosine).
Embedding scorers encode the pool's chunks once and rank it for every JD with matrix products.

``python -m models make-ranking-set --out DIR [--per-category N]`` assembles a development set
from ``../shared/data`` (see its help).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import RecruitError
from core.scoring import ChunkAveragedCosineScorer, ProgressCallback, Scorer
from models.evaluation import first_of, normalised_columns, read_table
from models.metrics import average_precision, ndcg_at_k, precision_at_k, ranked_relevance
from models.vectors import SharedVectors

logger = logging.getLogger(__name__)

CV_SUFFIXES = frozenset({".pdf", ".docx", ".txt"})
COMMANDS = ("evaluate-ranking", "make-ranking-set")


def category_key(category: str) -> str:
    """The form categories are compared in: "Information Technology", "INFORMATION-TECHNOLOGY" and
    "information_technology" all give ``information-technology``."""
    return "-".join(re.split(r"[\s_\-]+", category.strip().lower())).strip("-")


@dataclass(frozen=True)
class RankingSet:
    """A CV pool with categories and the JDs to rank it for."""

    cv_paths: list[Path]
    cv_texts: list[str]
    cv_categories: list[str]
    jd_files: list[str]
    jd_texts: list[str]
    jd_categories: list[str]
    unreadable_cv_files: list[str] = field(default_factory=list)  # relative to the CV folder

    @property
    def unreadable_cvs(self) -> int:
        return len(self.unreadable_cv_files)


def read_job_file(path: Path) -> str:
    """A JD file's text: UTF-8 text as it is; anything else (a PDF, a DOCX, UTF-16 or cp1252 text) through the
    project's parser, as ``core rank --job`` reads it — not PDF bytes decoded as text, which scored as a JD."""
    data = path.read_bytes()
    if path.suffix.lower() not in {".pdf", ".docx"}:
        try:
            return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")  # as text mode reads it
        except UnicodeDecodeError:
            pass
    from core.config import get_settings
    from core.documents import parse_document

    return parse_document(data, path.name, limits=get_settings().limits).text


def load_ranking_set(cvs_dir: Path, jds_dir: Path, *, seed: int = 0) -> RankingSet:
    """Parse the CV folders (cached) and read the JD manifest.

    The pool is shuffled (seeded) so that score ties never favour the alphabetically first
    category folder.
    """
    from models.corpus import parse_files

    if not cvs_dir.is_dir():
        raise ValueError(f"no CV folder at {cvs_dir}")
    manifest_path = jds_dir / "manifest.csv"
    if not manifest_path.is_file():
        raise ValueError(f"no JD manifest at {manifest_path} (columns: file, category)")
    files = sorted(
        p
        for category in cvs_dir.iterdir()
        if category.is_dir() and not category.name.startswith(".")
        for p in category.rglob("*")
        if p.is_file() and p.suffix.lower() in CV_SUFFIXES and not p.name.startswith(".")
    )
    if not files:
        raise ValueError(f"no CV files (*.pdf, *.docx, *.txt) in the category folders of {cvs_dir}")
    texts = parse_files(files)
    readable = [p for p in files if texts.get(p, "").strip()]
    order = np.random.default_rng(seed).permutation(len(readable))
    pool = [readable[i] for i in order]

    manifest = normalised_columns(read_table(manifest_path, dtype=str)).fillna("")
    missing = {"file", "category"} - set(manifest.columns)
    if missing:
        raise ValueError(f"{manifest_path}: missing column(s) {', '.join(sorted(missing))}")
    manifest["file"] = manifest["file"].str.strip()
    absent = [f for f in manifest["file"] if not f or not (jds_dir / f).is_file()]
    if absent:
        raise ValueError(f"{manifest_path} lists {len(absent)} JD file(s) not found in {jds_dir}: "
                         f"{first_of([repr(f) for f in absent])}")
    jd_files, jd_texts, jd_categories, unreadable = [], [], [], []
    for file, category in zip(manifest["file"], manifest["category"], strict=True):
        try:
            text = read_job_file(jds_dir / file)
        except RecruitError as exc:
            unreadable.append(f"{file!r} ({exc})")
            continue
        if not text.strip():
            logger.warning("skipped the empty JD %s", file)
            continue
        jd_files.append(file)
        jd_texts.append(text)
        jd_categories.append(category.strip())
    if unreadable:
        raise ValueError(f"{manifest_path} lists {len(unreadable)} JD file(s) that could not be read: "
                         f"{first_of(unreadable, sep='; ')}")
    if not jd_texts:
        raise ValueError(f"{manifest_path} lists no readable JD")
    return RankingSet(
        cv_paths=pool,
        cv_texts=[texts[p] for p in pool],
        cv_categories=[p.relative_to(cvs_dir).parts[0] for p in pool],
        jd_files=jd_files,
        jd_texts=jd_texts,
        jd_categories=jd_categories,
        unreadable_cv_files=[p.relative_to(cvs_dir).as_posix() for p in files if not texts.get(p, "").strip()],
    )


class CachedPoolScorer:
    """Scores one fixed CV pool against many JDs, encoding the pool's chunks only once.

    Same result as ``scorer.score_batch(jd, pool)`` for a ``ChunkAveragedCosineScorer`` whose pair
    scores read no text (``score_vectors``: one matrix product per JD, then the scorer's
    ``document_scores``). ``score_batch`` would re-encode every CV chunk for every JD; here the
    pool's vectors are kept.
    """

    def __init__(
        self,
        scorer: ChunkAveragedCosineScorer,
        cv_texts: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        shared: SharedVectors | None = None,
    ) -> None:
        """``shared``: the run's vectors, so that scorers over the same encoder encode the pool once."""
        shared = shared or SharedVectors()
        self.scorer = scorer
        self.reused_from = shared.reused_from(scorer)
        vectors = shared.encode(scorer, cv_texts, progress=progress)
        self._vectors = np.concatenate(vectors) if vectors else np.zeros((0, scorer.encoder.dimension), np.float32)
        self._counts = np.array([len(v) for v in vectors], dtype=np.int64)

    def scores(self, job_text: str) -> np.ndarray:
        """0–100 scores of every pool CV for ``job_text`` (rounded like the scorer's)."""
        if not self.scorer.chunk(job_text):
            raise ValueError("the job description is empty")
        scored = self.scorer.score_vectors(job_text, self._vectors, self._counts)
        return np.array([s.score for s in scored], dtype=float)


def pool_scorer(scorer: Scorer, cv_texts: Sequence[str], shared: SharedVectors | None = None
                ) -> tuple[Callable[[str], np.ndarray], str | None]:
    """A function JD text → scores of the whole pool, as fast as the scorer type allows, and the
    name of the scorer whose pool vectors it reuses from ``shared`` (None when it encoded them)."""
    if isinstance(scorer, ChunkAveragedCosineScorer) and not scorer.pair_scores_read_texts:
        pool = CachedPoolScorer(scorer, cv_texts, shared=shared)
        return pool.scores, pool.reused_from
    texts = list(cv_texts)
    return (lambda job_text: np.array([r.score for r in scorer.score_batch(job_text, texts)], dtype=float)), None


def _metrics_for(scores: np.ndarray, relevant: Sequence[bool], k: int) -> dict[str, float]:
    ranked = ranked_relevance(scores.tolist(), relevant)
    return {
        "precision_at_k": precision_at_k(ranked, k),
        "ndcg_at_k": ndcg_at_k(ranked, k),
        "average_precision": average_precision(ranked),
    }


def _mean(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    keys = ("precision_at_k", "ndcg_at_k", "average_precision")
    return {key: float(np.mean([r[key] for r in rows])) if rows else 0.0 for key in keys}


def evaluate_ranking(
    ranking_set: RankingSet,
    scorer: Scorer,
    baselines: Sequence[Scorer] = (),
    *,
    k: int = 10,
    label: str | None = None,
    show_progress: bool = False,
) -> dict:
    """Rank the pool for every JD with each scorer; P@k, nDCG@k, MAP overall and per JD category.

    JDs whose category has no CV in the pool cannot be scored (every metric would be 0 whatever
    the scorer does) and are listed as skipped.
    """
    from tqdm import tqdm

    run_start = time.perf_counter()
    cv_categories = [category_key(c) for c in ranking_set.cv_categories]
    pool_categories = set(cv_categories)
    all_jobs = list(zip(ranking_set.jd_files, ranking_set.jd_texts, ranking_set.jd_categories, strict=True))
    jobs = [job for job in all_jobs if category_key(job[2]) in pool_categories]
    skipped = [file for file, _, category in all_jobs if category_key(category) not in pool_categories]
    if skipped:
        logger.warning("%d JD(s) have a category with no CV in the pool and are skipped", len(skipped))
    if not jobs:
        raise ValueError("no JD has a category present in the CV pool")
    relevance: dict[str, list[bool]] = {}
    for _, _, cat in jobs:
        key = category_key(cat)
        relevance[cat] = [c == key for c in cv_categories]
    prevalence = [float(np.mean(relevance[cat])) for _, _, cat in jobs]

    done: dict[tuple[str, str], dict] = {}
    shared = SharedVectors()
    entries = []
    for role, s in [("under test", scorer)] + [("baseline", b) for b in baselines]:
        key = (s.name, s.version)
        if key not in done:
            start = time.perf_counter()
            rank, reused_from = pool_scorer(s, ranking_set.cv_texts, shared)
            prepared = time.perf_counter()
            per_jd = []
            for file, text, category in tqdm(jobs, desc=f"ranking · {s.name}", disable=not show_progress):
                metrics = _metrics_for(rank(text), relevance[category], k)
                per_jd.append({"file": file, "category": category, **metrics})
            end = time.perf_counter()
            by_category: dict[str, list[dict]] = {}
            for row in per_jd:
                by_category.setdefault(category_key(row["category"]).upper(), []).append(row)
            done[key] = {
                "mean": _mean(per_jd),
                "per_category": {
                    c: {"jds": len(rows), **_mean(rows)} for c, rows in sorted(by_category.items())
                },
                "per_jd": per_jd,
                "prepare_seconds": prepared - start,
                "pool_vectors_from": reused_from,
                "seconds": end - start,
            }
        entries.append(
            {"label": (label or s.name) if role == "under test" else s.name, "role": role, "name": s.name,
             "version": s.version, **done[key]}
        )
    counts: dict[str, int] = {}
    for c in ranking_set.cv_categories:
        counts[c] = counts.get(c, 0) + 1
    return {
        "k": k,
        "cvs": len(ranking_set.cv_texts),
        "unreadable_cvs": ranking_set.unreadable_cvs,
        "unreadable_cv_files": ranking_set.unreadable_cv_files,
        "cv_categories": dict(sorted(counts.items())),
        "jds": len(jobs),
        "jds_skipped": skipped,
        # A random order's expected P@k (and roughly its MAP): the share of relevant CVs.
        "random_precision": float(np.mean(prevalence)),
        # The best P@k any order reaches: below 1 when a JD's category has fewer than k CVs (nDCG and MAP
        # are normalised by what is reachable; P@k is not).
        "best_precision": float(np.mean([min(sum(relevance[cat]), k) / k for _, _, cat in jobs])),
        "scorers": entries,
        "seconds": time.perf_counter() - run_start,
    }


def run_ranking_evaluation(
    cvs_dir: Path, jds_dir: Path, *, k: int = 10, scorer_name: str | None = None, show_progress: bool = False
) -> dict:
    """Load the CVs, JDs, the scorer under test (``RECRUIT_SCORER``) and the baselines; evaluate."""
    from core.config import get_settings
    from core.scoring import load_scorer
    from models.baselines import TfidfCosineScorer, baseline_encoder, baseline_scorers

    settings = get_settings()
    if scorer_name:
        settings = settings.model_copy(update={"scorer": scorer_name})
    start = time.perf_counter()
    ranking_set = load_ranking_set(cvs_dir, jds_dir)
    parse_seconds = time.perf_counter() - start
    scorer = load_scorer(settings)
    encoder = baseline_encoder(scorer, settings)  # untrained, whatever the scorer under test is
    baselines = baseline_scorers(encoder, chunk_tokens=settings.chunk_tokens, overlap=settings.chunk_overlap)
    for baseline in baselines:
        if isinstance(baseline, TfidfCosineScorer):
            baseline.fit(ranking_set.cv_texts)  # vocabulary and IDF of the whole pool, fitted once
    report = evaluate_ranking(
        ranking_set, scorer, baselines, k=k, label=settings.scorer, show_progress=show_progress
    )
    report["parse_seconds"] = parse_seconds
    report["cvs_dir"], report["jds_dir"] = str(cvs_dir), str(jds_dir)
    report["device"] = str(getattr(encoder, "device", "cpu"))
    return report


def format_ranking_report(report: dict) -> str:
    """Summary row per scorer, then a per-category nDCG@k table (one column per scorer)."""
    k = report["k"]
    skipped = report["jds_skipped"]
    lines = [
        f"Ranked {report['cvs']} CVs ({len(report['cv_categories'])} categories; "
        f"{report['unreadable_cvs']} unreadable left out) for {report['jds']} JDs"
        + (f" ({len(skipped)} skipped: category not in the pool)" if skipped else "")
        + f"; relevant = same category. Random order: P@{k} ≈ {report['random_precision']:.3f}"
        + (f"; best possible P@{k} {report['best_precision']:.3f} (some categories have fewer than {k} CVs)"
           if report.get("best_precision", 1.0) < 1.0 else ""),
        "",
        f"{'scorer':<44} {f'P@{k}':>7} {f'nDCG@{k}':>8} {'MAP':>7} {'seconds':>8}",
    ]
    if report.get("unreadable_cv_files"):
        lines.insert(1, "Unreadable CVs (no text; scanned without OCR, damaged or empty; --json lists them all): "
                     + first_of(report["unreadable_cv_files"]))
    for e in report["scorers"]:
        name = ("* " if e["role"] == "under test" else "  ") + e["label"]
        m = e["mean"]
        shared = " ↺" if e.get("pool_vectors_from") else ""
        lines.append(
            f"{name:<44} {m['precision_at_k']:>7.3f} {m['ndcg_at_k']:>8.3f} {m['average_precision']:>7.3f} "
            f"{e['seconds']:>8.1f}{shared}"
        )
    lines.append("(* = scorer under test; seconds include encoding the pool once; ↺ = the pool's chunk vectors "
                 "reused from a scorer over the same encoder above)")
    lines += ["", f"nDCG@{k} per JD category (JDs):"]
    names = [e["label"] if e["role"] == "under test" else e["name"].split(":")[0] for e in report["scorers"]]
    width = max(12, *(len(n) for n in names))
    lines.append(f"{'category':<24} {'JDs':>3} " + " ".join(f"{n:>{width}}" for n in names))
    for category, first in report["scorers"][0]["per_category"].items():
        cells = " ".join(f"{e['per_category'][category]['ndcg_at_k']:>{width}.3f}" for e in report["scorers"])
        lines.append(f"{category:<24} {first['jds']:>3} {cells}")
    lines += ["", f"parsing {report.get('parse_seconds', 0.0):.1f} s, total {report['seconds']:.1f} s"]
    return "\n".join(lines) + "\n"


# --- make-ranking-set ---------------------------------------------------------------------------


def make_ranking_set(
    out: Path, *, per_category: int = 20, seed: int = 0, shared_data: Path | None = None, copy: bool = False,
    force: bool = False, held_out_only: bool = True,
) -> dict:
    """CVs: ``per_category`` livecareer PDFs per category (seeded; with ``held_out_only``, only
    PDFs of the rubric set, which no training pair uses) linked or copied into
    ``out/cvs/<CATEGORY>/``; JDs: the fit_labels postings (one per ``jd_id``) as
    ``out/jds/<jd_id>.txt`` with ``manifest.csv`` (category = ``jd_category``).
    """
    from core.config import get_settings

    shared = shared_data or get_settings().shared_data_dir
    source = shared / "resumes_by_category" / "livecareer_pdfs"
    labels_csv = shared / "fit_labels" / "fit_labels.csv"
    if not source.is_dir() or not labels_csv.is_file():
        raise ValueError(f"need {source} and {labels_csv}")
    cvs_out, jds_out = out / "cvs", out / "jds"
    for folder in (cvs_out, jds_out):
        if folder.exists() and any(folder.iterdir()):
            if not force:
                raise ValueError(f"{folder} is not empty; pass --force to replace it")
            shutil.rmtree(folder)
    rng = np.random.default_rng(seed)
    counts: dict[str, int] = {}
    # Only CVs of the rubric set: build-data keeps them (and its postings) out of every training
    # pair, so a trained scorer is ranked on CVs and JDs it never saw.
    held_out = {(shared / f).resolve() for f in pd.read_csv(labels_csv, usecols=["cv_file"])["cv_file"]}
    for category in sorted(p for p in source.iterdir() if p.is_dir()):
        pdfs = sorted(p for p in category.glob("*.pdf") if not held_out_only or p.resolve() in held_out)
        chosen = rng.choice(len(pdfs), size=min(per_category, len(pdfs)), replace=False) if pdfs else []
        target = cvs_out / category.name
        target.mkdir(parents=True, exist_ok=True)
        for i in chosen:
            src = pdfs[int(i)].resolve()
            if copy:
                shutil.copy2(src, target / src.name)
            else:
                (target / src.name).symlink_to(src)
        counts[category.name] = len(chosen)
    postings = pd.read_csv(labels_csv, usecols=["jd_id", "jd_category", "job_description_text"])
    postings = postings.drop_duplicates("jd_id")
    jds_out.mkdir(parents=True, exist_ok=True)
    rows = []
    for jd_id, category, text in postings.itertuples(index=False):
        name = f"{jd_id}.txt"
        (jds_out / name).write_text(str(text), encoding="utf-8")
        rows.append({"file": name, "category": category})
    pd.DataFrame(rows).to_csv(jds_out / "manifest.csv", index=False)
    return {"cvs": sum(counts.values()), "categories": len(counts), "jds": len(rows), "out": str(out)}


# --- command line -------------------------------------------------------------------------------


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register ``evaluate-ranking`` and ``make-ranking-set`` on ``python -m models``."""
    p = sub.add_parser(
        "evaluate-ranking",
        help="P@k, nDCG@k and MAP of ranking categorised CVs for JDs, with baselines",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--cvs", type=Path, required=True, help="folder of <CATEGORY>/ subfolders of CV files")
    p.add_argument(
        "--jds", type=Path, required=True, help="folder with manifest.csv (file, category) and JD texts"
    )
    p.add_argument("--k", type=int, default=10, help="cut-off of P@k and nDCG@k (default 10)")
    p.add_argument("--json", action="store_true", help="print the whole report (per JD too) as JSON")
    p.add_argument("--scorer", default=None, help="scorer under test (default: RECRUIT_SCORER)")

    m = sub.add_parser(
        "make-ranking-set",
        help="assemble a development ranking set from ../shared/data (CVs may overlap training data)",
        description=(
            "Assemble a local ranking test set from ../shared/data: N livecareer PDFs per category "
            "(seeded; symlinked unless --copy) in OUT/cvs/<CATEGORY>/, and the 40 fit_labels postings as "
            "OUT/jds/<jd_id>.txt with OUT/jds/manifest.csv (category = jd_category). For development "
            "only: these CVs come from the same pool as the training data and fit_labels, so they may "
            "overlap what a trained scorer has seen; held-out figures need CVs and JDs from elsewhere."
        ),
    )
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--per-category", type=int, default=20, help="CVs per category (default 20)")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--copy", action="store_true", help="copy the PDFs instead of symlinking them")
    m.add_argument("--force", action="store_true", help="replace OUT/cvs and OUT/jds if they exist")
    m.add_argument("--any-cvs", action="store_true",
                   help="draw from all livecareer PDFs, not only the rubric set's (which training never sees)")


def run_cli(args: argparse.Namespace) -> int:
    """Run ``evaluate-ranking`` or ``make-ranking-set``."""
    from core.errors import ModelUnavailable

    try:
        if args.command == "make-ranking-set":
            summary = make_ranking_set(
                args.out, per_category=args.per_category, seed=args.seed, copy=args.copy, force=args.force,
                held_out_only=not args.any_cvs
            )
            sys.stdout.write(
                f"{summary['cvs']} CVs in {summary['categories']} categories → {args.out / 'cvs'}; "
                f"{summary['jds']} JDs → {args.out / 'jds'} (manifest.csv)\n"
            )
            return 0
        if args.k < 1:
            raise ValueError("--k must be at least 1")
        report = run_ranking_evaluation(
            args.cvs,
            args.jds,
            k=args.k,
            scorer_name=args.scorer,
            show_progress=not args.json and sys.stderr.isatty(),
        )
    except (ValueError, OSError, ModelUnavailable) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write(json.dumps(report, indent=2) + "\n" if args.json else format_ranking_report(report))
    return 0

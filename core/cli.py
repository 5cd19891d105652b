"""Command line: ``python -m core rank --job JD_FILE CV_FILE_OR_ZIP_OR_DIR... [--db URL] [--json]``.

Parses, scores and stores the CVs, then prints the ranking (file, score, class, matched and
missing skills) and every file that could not be read, with the reason. Exit code 0 when at
least one CV was ranked, 1 when none was, 2 on bad arguments or an unusable job description.

``python -m core rank-pool --job JD_FILE [--db URL] [--top N] [--json]`` ranks every CV already
stored (uploaded for any job) against the job, from their stored chunk vectors, and prints the
job's ranking; exit code 0 when the pool has a CV, 1 when it is empty, 2 as above.

``python -m core evaluate-skills [--data PATH] [--json] [--errors N] [--labels SOURCE=L1,L2]``
scores the skill extractor against span-labelled JSONL (:mod:`core.skills_eval`); exit code 0
when it ran (malformed lines are skipped with a warning), 2 when the data is unusable.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tqdm import tqdm

from core.config import get_settings
from core.documents import ParseFailure, UploadedFile, parse_document
from core.documents.messages import for_any_document
from core.errors import RecruitError
from core.pipeline import BatchOutcome, RankedFile

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from core.scoring import Scorer
    from core.skills import SkillExtractor
    from db.repository import RankingRow

logger = logging.getLogger("core.cli")


def _iter_inputs(paths: list[Path], failures: list[ParseFailure], max_bytes: int) -> Iterator[UploadedFile]:
    """Files as given; folders walked recursively (hidden files skipped), sorted for stable output.

    Inside a folder, symbolic links are reported, not followed: a link to ``/etc/passwd`` was stored and
    ranked as a candidate. (A file named on the command line is read as given.)
    """
    for path in paths:
        if path.is_dir():
            members = []
            for root, folders, files in os.walk(path):  # a linked folder is listed, never entered
                here, plain_files = Path(root), set(files)
                for name in sorted(folders + files):
                    entry = here / name
                    if name.startswith("."):
                        continue
                    if entry.is_symlink():
                        failures.append(ParseFailure(f"{path.name}/{entry.relative_to(path).as_posix()}",
                                                     "a symbolic link inside the folder; it was not followed"))
                    elif name in plain_files:
                        members.append(entry)
                folders[:] = [f for f in folders if not f.startswith(".") and not (here / f).is_symlink()]
            members.sort()
            # Name files as "folder/sub/cv.pdf": readable, and unique within the run.
            names = {m: f"{path.name}/{m.relative_to(path).as_posix()}" for m in members}
        elif path.is_file():
            members = [path]
            names = {path: path.name}
        else:
            failures.append(ParseFailure(str(path), "no such file or folder"))
            continue
        for member in members:
            size = member.stat().st_size
            if size > max_bytes:
                failures.append(ParseFailure(names[member], f"the file is {size / 1e6:.1f} MB, over the "
                                             f"{max_bytes / 1e6:.0f} MB limit (RECRUIT_MAX_FILE_BYTES)"))
                continue
            yield UploadedFile(names[member], member.read_bytes())


def _write_rows(out: TextIO, rows: Sequence[RankedFile | RankingRow]) -> None:
    """Rank, file, score, class, matched / missing skills: one line per CV, best first."""
    if not rows:
        return
    width = min(max(len(r.filename) for r in rows), 60)
    out.write(f"{'#':>3}  {'file':<{width}}  {'score':>5}  {'class':<13}  matched / missing skills\n")
    for rank, r in enumerate(rows, start=1):
        name = r.filename if len(r.filename) <= width else "…" + r.filename[-(width - 1):]
        dup = " (already stored)" if getattr(r, "already_stored", False) else ""
        out.write(f"{rank:>3}  {name:<{width}}  {r.score:5.1f}  {r.fit_class:<13}  "
                  f"+ {', '.join(r.matched_skills[:6]) or '-'}  − {', '.join(r.missing_skills[:6]) or '-'}{dup}\n")


def _row_json(rank: int, r: RankedFile | RankingRow) -> dict:
    return {"rank": rank, "file": r.filename, "candidate_id": r.candidate_id, "document_id": r.document_id,
            "score": r.score, "fit_class": r.fit_class, "matched_skills": r.matched_skills,
            "missing_skills": r.missing_skills}


def _print_table(outcome: BatchOutcome, failures: list[ParseFailure]) -> None:
    out = sys.stdout
    out.write(f"Job #{outcome.job_id} · batch #{outcome.batch_id} · model {outcome.model_name} {outcome.model_version}\n")
    _write_rows(out, outcome.ranked_by_score())
    if outcome.rescored:
        out.write(f"({outcome.rescored} CV(s) of this job ranked earlier by another model version were re-scored "
                  "with this one: the job's ranking keeps them)\n")
    all_failures = failures + outcome.failures
    if all_failures:
        out.write(f"\n{len(all_failures)} file(s) could not be ranked:\n")
        for f in all_failures:
            out.write(f"  {f.filename}: {f.reason}\n")


def _as_json(outcome: BatchOutcome, failures: list[ParseFailure]) -> str:
    return json.dumps({
        "job_id": outcome.job_id,
        "batch_id": outcome.batch_id,
        "model": {"name": outcome.model_name, "version": outcome.model_version},
        "ranking": [{**_row_json(i, r), "already_stored": r.already_stored}
                    for i, r in enumerate(outcome.ranked_by_score(), start=1)],
        "errors": [{"file": f.filename, "reason": f.reason} for f in failures + outcome.failures],
        "rescored_earlier_cvs": outcome.rescored,
        "timing": {"parse_seconds": round(outcome.parse_seconds, 3), "score_seconds": round(outcome.score_seconds, 3),
                   "pairs_scored": outcome.pairs_scored},
    }, indent=2, ensure_ascii=False)


@dataclass
class _Session:
    """What both ranking commands open: the database, the job of ``--job``, the models, a progress bar."""

    engine: Engine
    job_id: int
    scorer: Scorer
    extractor: SkillExtractor
    bar: tqdm

    def progress(self, fraction: float, message: str) -> None:
        self.bar.n = round(fraction * 100)
        self.bar.set_postfix_str(message[:40], refresh=True)


def _open(args: argparse.Namespace) -> _Session | None:
    """Read ``--job`` (None, with the error written, when it is unreadable or unusable), open the
    database, find the job with that description or create it, load its scorer and the extractor."""
    from core.pipeline import create_job
    from core.scoring import job_settings, load_scorer
    from core.skills import load_skill_extractor
    from db import repository as repo
    from db.migrate import open_database
    from db.session import session_scope

    settings = get_settings()
    try:
        jd_doc = parse_document(args.job.read_bytes(), args.job.name, limits=settings.limits)
    except OSError as exc:
        sys.stderr.write(f"error: cannot read the job description {args.job}: {exc.strerror}\n")
        return None
    except RecruitError as exc:
        sys.stderr.write(f"error: the job description {args.job} is unusable: {for_any_document(str(exc))}\n")
        return None
    try:
        engine = open_database(args.db or settings.resolved_database_url)
    except RecruitError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return None
    extractor = load_skill_extractor()
    with session_scope(engine) as session:
        existing = repo.find_job_by_description(session, description=jd_doc.text.strip())
        job_id, job_scorer = (existing.id, existing.scorer) if existing else (None, None)
    if job_id is None:
        job_id = create_job(engine, description=jd_doc.text, extractor=extractor)
    scorer = load_scorer(job_settings(settings, job_scorer))  # the scorer picked for the job, if any
    bar = tqdm(total=100, desc="ranking", unit="%", disable=args.json or not sys.stderr.isatty())
    return _Session(engine, job_id, scorer, extractor, bar)


def cmd_rank(args: argparse.Namespace) -> int:
    from core.pipeline import rank_uploads

    opened = _open(args)
    if opened is None:
        return 2
    limits = get_settings().limits
    failures: list[ParseFailure] = []
    uploads = list(_iter_inputs(args.cvs, failures, limits.max_file_bytes))

    outcome = rank_uploads(opened.engine, job_id=opened.job_id, uploads=uploads, scorer=opened.scorer,
                           extractor=opened.extractor, limits=limits, progress=opened.progress)
    opened.bar.close()
    if args.json:
        sys.stdout.write(_as_json(outcome, failures) + "\n")
    else:
        _print_table(outcome, failures)
        n = len(outcome.ranked)
        new = n - outcome.duplicates
        if n:
            parsed = (f"parsed {new} new CV(s) in {outcome.parse_seconds:.1f}s "
                      f"({new / outcome.parse_seconds:.1f} CVs/s)" if new and outcome.parse_seconds > 0
                      else "nothing new to parse")
            sys.stderr.write(
                f"{parsed}, {outcome.duplicates} already stored (text and vectors reused); scored "
                f"{outcome.pairs_scored} chunk pairs in {outcome.score_seconds:.1f}s "
                f"({n / max(outcome.score_seconds, 1e-9):.1f} CVs/s)\n")
    return 0 if outcome.ranked else 1


def cmd_rank_pool(args: argparse.Namespace) -> int:
    from core.pipeline import rerank_pool
    from db import repository as repo
    from db.session import session_scope

    opened = _open(args)
    if opened is None:
        return 2
    pool = rerank_pool(opened.engine, job_id=opened.job_id, scorer=opened.scorer, extractor=opened.extractor,
                       progress=opened.progress)
    opened.bar.close()
    with session_scope(opened.engine) as session:
        rows = repo.ranking(session, job_id=opened.job_id, model_name=opened.scorer.name,
                            model_version=opened.scorer.version)
    shown = rows[: args.top] if args.top else rows
    if args.json:
        sys.stdout.write(json.dumps({
            "job_id": opened.job_id, "model": {"name": opened.scorer.name, "version": opened.scorer.version},
            "stored_cvs_ranked": pool.documents, "encoded": pool.encoded, "seconds": round(pool.seconds, 3),
            "ranking": [_row_json(i, r) for i, r in enumerate(shown, start=1)],
        }, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(f"Job #{opened.job_id} · the stored pool · model {opened.scorer.name} "
                         f"{opened.scorer.version}\n")
        _write_rows(sys.stdout, shown)
        if len(shown) < len(rows):
            sys.stdout.write(f"… and {len(rows) - len(shown)} more (--top 0 lists all)\n")
        sys.stderr.write(f"ranked {pool.documents} stored CV(s) in {pool.seconds:.2f}s "
                         f"({pool.encoded} had no stored vectors and were encoded)\n")
    return 0 if pool.documents else 1


def cmd_evaluate_skills(args: argparse.Namespace) -> int:
    from core.skills import load_skill_extractor
    from core.skills_eval import (
        format_report,
        parse_label_override,
        protocols_with,
        run_evaluation,
        skipped_line_warnings,
    )

    try:
        overrides = dict(parse_label_override(value) for value in args.labels)
    except ValueError as exc:
        sys.stderr.write(f"error: --labels: {exc}\n")
        return 2
    data = args.data if args.data is not None else get_settings().shared_data_dir / "skill_ner"
    report = run_evaluation([data], load_skill_extractor(), protocols=protocols_with(overrides),
                            top_errors=args.errors)
    for warning in skipped_line_warnings(report["skipped_lines"]):
        sys.stderr.write(f"warning: {warning}\n")
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_report(report))
    return 0


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {number}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core", description="Talent-ranking command line")
    sub = parser.add_subparsers(dest="command", required=True)
    rank = sub.add_parser("rank", help="rank CVs against a job description and store the results")
    rank.add_argument("--job", type=Path, required=True, help="job description file (TXT, PDF or DOCX)")
    rank.add_argument("cvs", type=Path, nargs="+", help="CV files (PDF, DOCX, TXT), ZIPs of them, or folders")
    rank.add_argument("--db", help="SQLAlchemy database URL (default: RECRUIT_DATABASE_URL or the SQLite file)")
    rank.add_argument("--json", action="store_true", help="print the result as JSON")
    rank.set_defaults(handler=cmd_rank)
    pool = sub.add_parser("rank-pool", help="rank every stored CV against a job description (from stored vectors)")
    pool.add_argument("--job", type=Path, required=True, help="job description file (TXT, PDF or DOCX)")
    pool.add_argument("--db", help="SQLAlchemy database URL (default: RECRUIT_DATABASE_URL or the SQLite file)")
    pool.add_argument("--top", type=_non_negative, default=20, help="CVs to list (0: all; default 20)")
    pool.add_argument("--json", action="store_true", help="print the result as JSON")
    pool.set_defaults(handler=cmd_rank_pool)
    skills = sub.add_parser("evaluate-skills",
                            help="precision / recall / F1 of the skill extractor on labelled spans")
    skills.add_argument("--data", type=Path, default=None,
                        help="a JSONL file or a folder of them "
                             "(default: skill_ner/ in RECRUIT_SHARED_DATA_DIR)")
    skills.add_argument("--json", action="store_true", help="print the report as JSON")
    skills.add_argument("--errors", type=_non_negative, default=0, metavar="N",
                        help="list the N most frequent false positives and false negatives per source")
    skills.add_argument("--labels", action="append", default=[], metavar="SOURCE=L1,L2",
                        help="gold labels that count as skills for a source "
                             "(repeatable; overrides the protocol)")
    skills.set_defaults(handler=cmd_evaluate_skills)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.handler(args))
    except RecruitError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2

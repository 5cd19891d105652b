"""Command line: ``python -m core rank --job JD_FILE CV_FILE_OR_ZIP_OR_DIR... [--db URL] [--json]``.

Parses, scores and stores the CVs, then prints the ranking (file, score, class, matched and
missing skills) and every file that could not be read, with the reason. Exit code 0 when at
least one CV was ranked, 1 when none was, 2 on bad arguments or an unusable job description.

``python -m core evaluate-skills [--data PATH] [--json] [--errors N] [--labels SOURCE=L1,L2]``
scores the skill extractor against span-labelled JSONL (:mod:`core.skills_eval`); exit code 0
when it ran (malformed lines are skipped with a warning), 2 when the data is unusable.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

from tqdm import tqdm

from core.config import get_settings
from core.documents import ParseFailure, UploadedFile, parse_document
from core.errors import RecruitError
from core.pipeline import BatchOutcome

logger = logging.getLogger("core.cli")


def _iter_inputs(paths: list[Path], failures: list[ParseFailure], max_bytes: int) -> Iterator[UploadedFile]:
    """Files as given; folders walked recursively (hidden files skipped), sorted for stable output."""
    for path in paths:
        if path.is_dir():
            members = sorted(p for p in path.rglob("*") if p.is_file() and not any(
                part.startswith(".") for part in p.relative_to(path).parts))
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


def _print_table(outcome: BatchOutcome, failures: list[ParseFailure]) -> None:
    rows = outcome.ranked_by_score()
    out = sys.stdout
    out.write(f"Job #{outcome.job_id} · batch #{outcome.batch_id} · model {outcome.model_name} {outcome.model_version}\n")
    if rows:
        width = min(max(len(r.filename) for r in rows), 60)
        out.write(f"{'#':>3}  {'file':<{width}}  {'score':>5}  {'class':<13}  matched / missing skills\n")
        for rank, r in enumerate(rows, start=1):
            name = r.filename if len(r.filename) <= width else "…" + r.filename[-(width - 1):]
            dup = " (already stored)" if r.already_stored else ""
            out.write(f"{rank:>3}  {name:<{width}}  {r.score:5.1f}  {r.fit_class:<13}  "
                      f"+ {', '.join(r.matched_skills[:6]) or '-'}  − {', '.join(r.missing_skills[:6]) or '-'}{dup}\n")
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
        "ranking": [
            {"rank": i, "file": r.filename, "candidate_id": r.candidate_id, "document_id": r.document_id,
             "score": r.score, "fit_class": r.fit_class, "matched_skills": r.matched_skills,
             "missing_skills": r.missing_skills, "already_stored": r.already_stored}
            for i, r in enumerate(outcome.ranked_by_score(), start=1)
        ],
        "errors": [{"file": f.filename, "reason": f.reason} for f in failures + outcome.failures],
        "rescored_earlier_cvs": outcome.rescored,
        "timing": {"parse_seconds": round(outcome.parse_seconds, 3), "score_seconds": round(outcome.score_seconds, 3),
                   "pairs_scored": outcome.pairs_scored},
    }, indent=2, ensure_ascii=False)


def cmd_rank(args: argparse.Namespace) -> int:
    from core.pipeline import create_job, rank_uploads
    from core.scoring import load_scorer
    from core.skills import load_skill_extractor
    from db import repository as repo
    from db.migrate import open_database
    from db.session import session_scope

    settings = get_settings()
    limits = settings.limits
    try:
        jd_doc = parse_document(args.job.read_bytes(), args.job.name, limits=limits)
    except OSError as exc:
        sys.stderr.write(f"error: cannot read the job description {args.job}: {exc.strerror}\n")
        return 2
    except RecruitError as exc:
        sys.stderr.write(f"error: the job description {args.job} is unusable: {exc}\n")
        return 2

    engine = open_database(args.db or settings.resolved_database_url)
    extractor = load_skill_extractor()
    scorer = load_scorer(settings)
    with session_scope(engine) as session:
        existing = repo.find_job_by_description(session, description=jd_doc.text.strip())
        job_id = existing.id if existing else None
    if job_id is None:
        job_id = create_job(engine, description=jd_doc.text, extractor=extractor)

    failures: list[ParseFailure] = []
    uploads = list(_iter_inputs(args.cvs, failures, limits.max_file_bytes))
    bar = tqdm(total=100, desc="ranking", unit="%", disable=args.json or not sys.stderr.isatty())

    def progress(fraction: float, message: str) -> None:
        bar.n = round(fraction * 100)
        bar.set_postfix_str(message[:40], refresh=True)

    outcome = rank_uploads(engine, job_id=job_id, uploads=uploads, scorer=scorer, extractor=extractor,
                           limits=limits, progress=progress)
    bar.close()
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

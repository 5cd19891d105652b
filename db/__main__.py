"""Database command line: ``python -m db backup FILE`` / ``restore FILE [--replace]`` / ``forget ID`` / ``purge``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from core.config import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db", description=__doc__)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: RECRUIT_DATABASE_URL or the SQLite file)")
    sub = parser.add_subparsers(dest="command", required=True)
    back = sub.add_parser("backup", help="write the whole database to FILE (gzip JSON lines)")
    back.add_argument("file", type=Path)
    rest = sub.add_parser("restore", help="load FILE into an empty database (or --replace what is there)")
    rest.add_argument("file", type=Path)
    rest.add_argument("--replace", action="store_true",
                      help="replace existing rows (they are first backed up beside FILE)")
    forget = sub.add_parser("forget", help="erase a candidate everywhere on request (logged without their data)")
    forget.add_argument("candidate_id", type=int)
    purge = sub.add_parser("purge", help="erase for good jobs and candidates deleted more than DAYS ago")
    purge.add_argument("--days", type=float, default=30.0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")

    from core.errors import DatabaseUnavailable
    from db.backup import BackupError, backup, restore
    from db.migrate import open_database

    try:  # only a restore fills a new database; the other commands need one that is there
        engine = open_database(args.db or get_settings().resolved_database_url, must_exist=args.command != "restore")
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    if args.command in {"forget", "purge"}:
        from datetime import timedelta

        from db import repository as repo
        from db.session import session_scope

        with session_scope(engine) as session:
            if args.command == "forget":
                counts = repo.forget_candidate(session, candidate_id=args.candidate_id)
                if counts is None:
                    print(f"error: there is no candidate #{args.candidate_id}", file=sys.stderr)  # noqa: T201
                    return 2
                print(f"erased candidate #{args.candidate_id}: "  # noqa: T201
                      + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()) + "; logged")
            else:
                done = repo.purge_deleted(session, older_than=timedelta(days=args.days))
                print(f"purged {done['jobs']} job(s) and {done['candidates']} candidate(s) "  # noqa: T201
                      f"deleted more than {args.days:g} days ago")
        return 0
    try:
        if args.command == "backup":
            summary = backup(engine, args.file)
            verb = "backed up"
        else:
            summary = restore(engine, args.file, replace=args.replace)
            verb = "restored"
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    total = sum(summary.rows.values())
    print(f"{verb} {total} rows ({', '.join(f'{k} {v}' for k, v in summary.rows.items() if v)}) "  # noqa: T201
          f"{'to' if verb == 'backed up' else 'from'} {summary.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

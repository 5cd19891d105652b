"""Whole-database backup and restore, portable between SQLite and PostgreSQL.

A backup is one gzip-compressed JSON-lines file: a header line (format, schema revision, table
names and row counts), then one line per row, ``{"t": table, "r": {column: value}}``, tables in
foreign-key order. Bytes are base64, datetimes ISO 8601, JSON columns as they are. Rows are
streamed both ways, so memory stays flat whatever the size of the database.

Restoring refuses a backup from another schema revision and a database that already holds rows
(unless ``replace=True``, which first writes a backup of what is there, so nothing is lost).
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from sqlalchemy import Engine, Table, func, insert, select

from db.models import Base

logger = logging.getLogger(__name__)

FORMAT = "recruit-backup"
FORMAT_VERSION = 1
BATCH_ROWS = 1_000


class BackupError(Exception):
    """A backup file that cannot be restored here, with what to do."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    revision: str | None
    rows: dict[str, int]


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)  # parents before children


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        if "$b64" in value:
            return base64.b64decode(value["$b64"])
        if "$dt" in value:
            return datetime.fromisoformat(value["$dt"])
    return value


def backup(engine: Engine, path: Path) -> BackupSummary:
    """Write every row of every table to ``path`` (written to a temporary name, then renamed)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".partial")
    counts: dict[str, int] = {}
    revision = _revision(engine)
    with engine.connect() as connection:
        for table in _tables():
            counts[table.name] = connection.execute(select(func.count()).select_from(table)).scalar_one()
        with gzip.open(tmp, "wt", encoding="utf-8") as out:
            header = {"format": FORMAT, "version": FORMAT_VERSION, "revision": revision, "rows": counts,
                      "dialect": engine.dialect.name, "written_at": datetime.now().astimezone().isoformat()}
            out.write(json.dumps(header) + "\n")
            for table in _tables():
                key = [c for c in table.primary_key.columns]
                result = connection.execution_options(stream_results=True).execute(select(table).order_by(*key))
                for row in result.mappings():
                    out.write(json.dumps({"t": table.name, "r": {k: _encode(v) for k, v in row.items()}}) + "\n")
    tmp.replace(path)
    logger.info("backed up %d rows to %s", sum(counts.values()), path)
    return BackupSummary(path, revision, counts)


def _read(path: Path) -> tuple[dict[str, Any], Iterator[tuple[str, dict[str, Any]]]]:
    try:
        handle = gzip.open(path, "rt", encoding="utf-8")
        header = json.loads(handle.readline())
    except FileNotFoundError as exc:
        raise BackupError(f"no backup file at {path}") from exc
    except (OSError, EOFError, ValueError) as exc:
        raise BackupError(f"{path} is not a backup written by `python -m db backup` ({exc})") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        handle.close()
        raise BackupError(f"{path} is not a backup written by `python -m db backup`")

    def rows() -> Iterator[tuple[str, dict[str, Any]]]:
        with handle:
            for number, line in enumerate(handle, start=2):
                try:
                    item = json.loads(line)
                    yield item["t"], {k: _decode(v) for k, v in item["r"].items()}
                except (ValueError, KeyError, TypeError) as exc:
                    raise BackupError(f"{path}: line {number} is damaged ({exc}); nothing was restored") from exc

    return header, rows()


def restore(engine: Engine, path: Path, *, replace: bool = False) -> BackupSummary:
    """Load a backup into ``engine``'s database (migrated to the backup's revision beforehand).

    All rows go in one transaction: a damaged file restores nothing.

    Raises:
        BackupError: unreadable file, another schema revision, or a non-empty database without
            ``replace``.
    """
    path = Path(path)
    header, rows = _read(path)
    here = _revision(engine)
    if header.get("revision") != here:
        raise BackupError(f"the backup is at schema revision {header.get('revision')}, this database at {here}: "
                          "open the database with the same version of the app (or migrate the backup's database "
                          "first), then restore")
    tables = {t.name: t for t in _tables()}
    with engine.connect() as connection:
        present = sum(connection.execute(select(func.count()).select_from(t)).scalar_one() for t in tables.values())
    if present and not replace:
        raise BackupError(f"the database already holds {present} rows; restore into an empty database, or pass "
                          "--replace (which first backs up what is there)")
    if present:
        saved = path.with_name(f"before-restore-{datetime.now():%Y%m%d-%H%M%S}.jsonl.gz")
        backup(engine, saved)
        logger.warning("the database held %d rows: saved to %s before replacing them", present, saved)
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        for table in reversed(list(tables.values())):
            connection.execute(table.delete())
        pending: list[dict[str, Any]] = []
        current: str | None = None
        for name, row in rows:
            if name not in tables:
                raise BackupError(f"{path}: unknown table {name!r}; nothing was restored")
            if name != current or len(pending) >= BATCH_ROWS:
                if pending and current is not None:
                    connection.execute(insert(tables[current]), pending)
                pending, current = [], name
            pending.append(row)
            counts[name] = counts.get(name, 0) + 1
        if pending and current is not None:
            connection.execute(insert(tables[current]), pending)
        if engine.dialect.name == "postgresql":
            _reset_sequences(connection, tables.values())
    expected = {k: int(v) for k, v in (header.get("rows") or {}).items() if int(v)}
    if counts != expected:
        raise BackupError(f"restored row counts {counts} differ from the backup's header {expected}")
    return BackupSummary(path, here, counts)


def _reset_sequences(connection: Any, tables: Any) -> None:
    """After explicit ids were inserted, move PostgreSQL's id sequences past them."""
    for table in tables:
        if "id" in table.c:
            highest = select(func.coalesce(func.max(table.c.id), 0)).scalar_subquery()
            connection.execute(select(func.setval(func.pg_get_serial_sequence(table.name, "id"), highest + 1, False)))

"""Schema migrations (Alembic), driven from code so no alembic.ini is needed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """One migrating process at a time on a SQLite file: two first runs at once both saw an empty file and
    both created the tables ("table candidates already exists"). A lock file beside the database (POSIX
    ``flock``; where there is none, no lock). PostgreSQL runs Alembic's DDL in one transaction."""
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    try:
        import fcntl
    except ImportError:  # not POSIX
        fcntl = None  # type: ignore[assignment]
    if not database or database == ":memory:" or fcntl is None:
        yield
        return
    lock_path = Path(database).expanduser().with_name(Path(database).name + ".migrate-lock")
    with open(lock_path, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (creating every table on an empty database)."""
    with _migration_lock(engine), engine.begin() as connection:
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def open_database(url: str, *, must_exist: bool = False) -> Engine:
    """Engine for ``url`` with the schema migrated to head: what the app and CLI call first.

    ``must_exist``: a SQLite file that is not there is an error rather than a new, empty database (a
    backup of a mistyped file "backed up 0 rows").

    Raises:
        DatabaseUnavailable: the URL is malformed or names a driver that is not installed, or the
            database cannot be opened, created or migrated (a read-only folder, a folder or a text file
            given as the SQLite file, a server that refuses); the message names the URL (password hidden).
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

    from core.errors import DatabaseUnavailable
    from db.session import get_engine

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"{url!r} is not a database URL; write it as sqlite:////path/to/file.db or "
                                  "postgresql://user@host/name") from exc
    shown = parsed.render_as_string(hide_password=True)
    if (must_exist and parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
            and not Path(parsed.database).expanduser().is_file()):
        raise DatabaseUnavailable(f"there is no database at {parsed.database}")
    try:
        engine = get_engine(url)
        upgrade(engine)
    except NoSuchModuleError as exc:
        raise DatabaseUnavailable(f"{shown}: no database driver for this URL (use sqlite:// or postgresql://)") from exc
    except (SQLAlchemyError, OSError) as exc:
        reason = getattr(exc, "orig", None) or exc
        raise DatabaseUnavailable(f"cannot open the database {shown}: {reason}") from exc
    return engine

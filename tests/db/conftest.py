"""The database tests run once on SQLite and once on PostgreSQL (a server the run starts itself).

``db_url`` is an empty database of the backend under test, ``new_db_url()`` another one beside it,
``engine`` the first migrated to head.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture()
def new_db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[], str]:
    if backend == "postgresql":
        return request.getfixturevalue("postgres_databases")  # type: ignore[no-any-return]
    names = iter(range(1, 1_000))
    return lambda: f"sqlite:///{(tmp_path / f'test-{next(names)}.sqlite3').as_posix()}"


@pytest.fixture()
def db_url(new_db_url: Callable[[], str]) -> str:
    return new_db_url()


@pytest.fixture()
def engine(db_url: str):  # type: ignore[no-untyped-def]
    """The database under test, migrated to head."""
    from db.migrate import open_database
    from db.session import dispose_engines

    engine = open_database(db_url)
    yield engine
    dispose_engines()

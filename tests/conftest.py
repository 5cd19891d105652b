"""Suite-wide fixtures: no network, no hub, settings isolated per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# The suite never needs a network: make every Hugging Face call fail fast instead of hanging.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Exact fp32 scores on every CPU (bf16, the default on CPUs with bf16 instructions, moves scores by
# hundredths and with the batch): the bf16 tests ask for it themselves.
os.environ.setdefault("RECRUIT_PRECISION", "fp32")


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets its own data folder and fresh settings, so no test writes into data/."""
    from core.config import get_settings

    monkeypatch.setenv("RECRUIT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def encoder():  # type: ignore[no-untyped-def]
    """The real bundled MiniLM encoder, loaded once for the whole run."""
    from models.encoder import load_encoder

    return load_encoder("bundled:all-MiniLM-L6-v2", device="cpu", batch_size=32)


@pytest.fixture(scope="session")
def scorer(encoder):  # type: ignore[no-untyped-def]
    """The default chunk-averaged scorer over the real encoder, small chunks to exercise averaging."""
    from core.fit import Thresholds
    from core.scoring import ChunkAveragedCosineScorer

    return ChunkAveragedCosineScorer(encoder, thresholds=Thresholds(35.0, 40.0, "test"), chunk_tokens=64, overlap=8)


@pytest.fixture()
def encoded(scorer, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A spy on the real encoder of ``scorer``: how many chunks each call was given."""
    calls: list[int] = []
    original = scorer.encoder.encode_ids

    def counting(chunks, progress=None):  # type: ignore[no-untyped-def]
        calls.append(len(chunks))
        return original(chunks, progress=progress)

    monkeypatch.setattr(scorer.encoder, "encode_ids", counting)
    return calls


@pytest.fixture(scope="session")
def skill_extractor():  # type: ignore[no-untyped-def]
    from core.skills import load_skill_extractor

    return load_skill_extractor()


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{(tmp_path / 'test.sqlite3').as_posix()}"


@pytest.fixture()
def engine(sqlite_url: str):  # type: ignore[no-untyped-def]
    """A real SQLite file migrated to head."""
    from db.migrate import open_database
    from db.session import dispose_engines

    engine = open_database(sqlite_url)
    yield engine
    dispose_engines()


@pytest.fixture(scope="session")
def postgres_server():  # type: ignore[no-untyped-def]
    """One PostgreSQL server for the whole run (``tests/postgres.py``): started on first use, stopped at the end.

    Skipped with the reason when none can be started, except in CI (``CI`` set), where it fails.
    """
    from tests.postgres import PostgresServer, PostgresUnavailable

    try:
        if os.environ.get("RECRUIT_TEST_POSTGRES_URL"):
            server = PostgresServer.external(os.environ["RECRUIT_TEST_POSTGRES_URL"])
        else:
            server = PostgresServer.start()
    except Exception as exc:  # noqa: BLE001 — turned into a skip (or a CI failure) with the reason
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tests cannot run in CI: {exc}", pytrace=False)
        pytest.skip(f"no PostgreSQL server for the tests: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def postgres_databases(postgres_server):  # type: ignore[no-untyped-def]
    """A factory of empty PostgreSQL databases on the test server, all dropped after the test."""
    from db.session import dispose_engines

    made: list[str] = []

    def new() -> str:
        made.append(postgres_server.create_database())
        return made[-1]

    yield new
    dispose_engines()
    for url in made:
        postgres_server.drop_database(url)


@pytest.fixture()
def postgres_url(postgres_databases) -> str:  # type: ignore[no-untyped-def]
    """An empty PostgreSQL database of its own for this test."""
    return postgres_databases()

"""Several processes uploading into the same job of one database (a SQLite file, then PostgreSQL):
nothing lost, nothing doubled.

Each worker process runs the same service function the Rank page calls (``rank_uploads``) with
the real skill extractor and a light deterministic scorer (the storage is under test, not the
model). Half of every worker's files are the same bytes as the other workers', so they race to
insert the same documents.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.stubs import LengthScorer

pytestmark = pytest.mark.slow

WORKERS = 4
SHARED = 10
OWN = 5
ROUNDS = 2  # each worker uploads its batch twice: the second time everything is already stored


def _files(worker: int) -> list[tuple[str, bytes]]:
    shared = [(f"shared{i}.txt", f"Shared CV {i}: accountant, GAAP, QuickBooks, Excel.".encode()) for i in range(SHARED)]
    own = [(f"w{worker}-{i}.txt", f"Worker {worker} CV {i}: payroll, SQL, Python.".encode()) for i in range(OWN)]
    return shared + own


def _worker(url: str, job_id: int, worker: int, queue) -> None:  # type: ignore[no-untyped-def]
    try:
        from core.documents import UploadedFile
        from core.pipeline import rank_uploads
        from core.skills import load_skill_extractor
        from db.session import get_engine

        engine = get_engine(url)
        extractor = load_skill_extractor()
        ranked = []
        for _ in range(ROUNDS):
            outcome = rank_uploads(engine, job_id=job_id, uploads=[UploadedFile(n, d) for n, d in _files(worker)],
                                   scorer=LengthScorer(), extractor=extractor, group_size=4)
            ranked.append((len(outcome.ranked), len(outcome.failures)))
        queue.put((worker, ranked, None))
    except Exception as exc:  # noqa: BLE001 — reported to the test, which fails on it
        queue.put((worker, [], repr(exc)))


def test_concurrent_uploads_into_one_job_lose_nothing_and_double_nothing(db_url: str) -> None:
    from core.pipeline import create_job
    from core.skills import load_skill_extractor
    from db.migrate import open_database
    from db.models import Batch, Candidate, Document, Score
    from db.session import session_scope

    url = db_url
    engine = open_database(url)
    job_id = create_job(engine, description="Accountant\nGAAP, QuickBooks, payroll.", extractor=load_skill_extractor())
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=_worker, args=(url, job_id, w, queue)) for w in range(WORKERS)]
    for p in processes:
        p.start()
    results = [queue.get(timeout=300) for _ in processes]
    for p in processes:
        p.join(timeout=60)
    errors = [(w, e) for w, _, e in results if e]
    assert not errors, errors  # no "database is locked", no integrity error reached a worker
    assert all(r == [(SHARED + OWN, 0)] * ROUNDS for _, r, _ in results)
    with session_scope(engine) as session:
        documents = session.scalar(select(func.count()).select_from(Document))
        candidates = session.scalar(select(func.count()).select_from(Candidate))
        scores = session.scalar(select(func.count()).select_from(Score).where(Score.job_id == job_id))
        batches = session.scalar(select(func.count()).select_from(Batch))
        hashes = session.scalars(select(Document.content_hash)).all()
    expected = SHARED + WORKERS * OWN
    assert documents == expected and candidates == expected and len(set(hashes)) == expected
    assert scores == expected  # one score per (job, document, model version), updated in place
    assert batches == WORKERS * ROUNDS

"""Several processes uploading into the same job of one database (a SQLite file, then PostgreSQL):
nothing lost, nothing doubled.

Each worker process runs the same service function the Rank page calls (``rank_uploads``) with
the real skill extractor and a light deterministic scorer (the storage is under test, not the
model). Half of every worker's files are the same bytes as the other workers', so they race to
insert the same documents.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

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
    results = _run_workers(_worker, [(url, job_id, w) for w in range(WORKERS)])
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


# --- decisions: two decisions on one candidate, no lost rows ---------------------------------------

DECISION_WORKERS = 4
BLIND_WRITES = 12  # per worker, on the shared candidate and on its own one (last writer wins)
CHECKED_WRITES = 6  # per worker, read-then-save with the version read (optimistic), retried on conflict
STATUSES = ("shortlisted", "on hold", "rejected", "undecided")


def _decision_worker(url: str, job_id: int, shared: int, checked: int, own: int, worker: int,
                     queue) -> None:  # type: ignore[no-untyped-def]
    try:
        from db import repository as repo
        from db.session import get_engine, session_scope

        engine = get_engine(url)
        done = {"shared": 0, "own": 0, "checked": 0, "conflicts": 0}
        for k in range(BLIND_WRITES):
            for name, candidate_id in (("shared", shared), ("own", own)):
                with session_scope(engine) as session:
                    repo.set_decision(session, job_id=job_id, candidate_id=candidate_id,
                                      status=STATUSES[(worker + k) % 4], note=f"w{worker} write {k}",
                                      decided_by=f"worker {worker}")
                done[name] += 1
        while done["checked"] < CHECKED_WRITES:
            with session_scope(engine) as session:
                seen = repo.get_decision(session, job_id=job_id, candidate_id=checked)
            try:
                with session_scope(engine) as session:
                    repo.set_decision(session, job_id=job_id, candidate_id=checked, status=STATUSES[worker % 4],
                                      note=f"w{worker} checked {done['checked']}",
                                      expected_version=seen.version if seen else 0)
                done["checked"] += 1
            except repo.DecisionConflict:
                done["conflicts"] += 1
        queue.put((worker, done, None))
    except Exception as exc:  # noqa: BLE001 — reported to the test, which fails on it
        queue.put((worker, {}, repr(exc)))


def test_concurrent_decisions_on_one_candidate_lose_no_write(db_url: str) -> None:
    from db import repository as repo
    from db.migrate import open_database
    from db.models import Decision, DecisionEvent
    from db.session import session_scope

    engine = open_database(db_url)
    with session_scope(engine) as session:
        job_id = repo.create_job(session, title="Accountant", description="Accountant").id
        candidates = []
        for i in range(DECISION_WORKERS + 2):
            doc, _ = repo.add_document(session, new=repo.NewDocument(
                content_hash=f"{i:064x}", filename=f"cv{i}.txt", file_type="txt", text=f"CV {i}", pages=1,
                candidate_name=f"C {i}"))
            candidates.append(doc.candidate_id)
    shared, checked, *own = candidates
    results = _run_workers(_decision_worker,
                           [(db_url, job_id, shared, checked, own[w], w) for w in range(DECISION_WORKERS)])
    errors = [(w, e) for w, _, e in results if e]
    assert not errors, errors  # no "database is locked", no integrity error reached a worker
    writes = {shared: sum(d["shared"] for _, d, _ in results), checked: sum(d["checked"] for _, d, _ in results)}
    writes.update({own[w]: d["own"] for w, d, _ in results})
    assert writes[shared] == DECISION_WORKERS * BLIND_WRITES and writes[checked] == DECISION_WORKERS * CHECKED_WRITES

    with session_scope(engine) as session:
        rows = session.execute(select(Decision.candidate_id, Decision.version, Decision.status)
                               .where(Decision.job_id == job_id)).all()
        events = session.execute(select(DecisionEvent.candidate_id, DecisionEvent.version, DecisionEvent.old_status,
                                        DecisionEvent.new_status)
                                 .order_by(DecisionEvent.candidate_id, DecisionEvent.version)).all()
    assert sorted(c for c, _, _ in rows) == sorted(candidates)  # exactly one row per (job, candidate)
    for candidate_id, version, status in rows:
        assert version == writes[candidate_id], candidate_id  # every successful write counted once
        history = [e for e in events if e.candidate_id == candidate_id]
        assert [e.version for e in history] == list(range(1, version + 1))  # one event per write, none lost
        assert history[0].old_status is None and history[-1].new_status == status
        assert all(e.old_status == before.new_status for before, e in zip(history, history[1:]))  # an unbroken chain


def _run_workers(target: Any, args: list[tuple[Any, ...]]) -> list[Any]:
    """Start one spawned process per argument tuple (a result queue appended), collect their results."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=target, args=(*a, queue)) for a in args]
    for p in processes:
        p.start()
    results = [queue.get(timeout=300) for _ in processes]
    for p in processes:
        p.join(timeout=60)
    return results

"""A bounded soak: several processes upload, rank and re-rank against one database, then we count.

    python bench/soak.py [--minutes 2] [--workers 3] [--db URL] [--light]

Every worker loops for the given time, each step one of: upload a batch of CVs into a random job
(``rank_uploads``, what the Rank page calls; half the CVs are drawn from a pool shared by all
workers, so the same files race to be stored), re-rank the stored pool for a random job
(``rerank_pool``), read a ranking (``repository.ranking``), create a job (``create_job``), or set a
recruiter decision on a ranked candidate (``repository.set_decision``: half blind upserts, half
saves with the version read, where a conflict is expected and counted, not an error; the
candidates are the top three of the two oldest jobs, so that workers collide on the same pairs).
At the end it prints operations done, errors, and rows lost or doubled: every CV a worker saw
ranked must be stored exactly once, with one score per job it was ranked for; every decision
write that succeeded must be counted once in its row's version and once in the decision history. ``--light``
scores with a length-based stand-in instead of the bundled model (storage only). Default
database: a fresh SQLite file in a temporary folder. Prints figures only.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

WORDS = ("accounting payroll GAAP QuickBooks Excel audit nursing patient care welding AutoCAD Python SQL sales "
         "negotiation teaching curriculum kitchen menu logistics warehouse design Photoshop marketing budget").split()
SHARED_POOL = 60


def cv_text(key: str) -> str:
    rng = random.Random(key)
    return f"CV {key}\nSKILLS\n" + ", ".join(rng.sample(WORDS, 6)) + "\n" + " ".join(rng.choice(WORDS) for _ in range(120))


def _scorer(light: bool):  # type: ignore[no-untyped-def]
    if light:
        from tests.stubs import LengthScorer  # the storage tests' stand-in: instant, deterministic

        return LengthScorer()
    from core.config import get_settings
    from core.scoring import load_scorer

    return load_scorer(get_settings())


def worker(url: str, seconds: float, index: int, light: bool, queue) -> None:  # type: ignore[no-untyped-def]
    from core.documents import UploadedFile
    from core.pipeline import create_job, rank_uploads, rerank_pool
    from core.skills import load_skill_extractor
    from db import repository as repo
    from db.session import get_engine, session_scope

    rng = random.Random(index)
    engine = get_engine(url)
    extractor = load_skill_extractor()
    scorer = _scorer(light)
    ops: Counter[str] = Counter()
    errors: list[str] = []
    ranked: dict[int, set[str]] = {}  # job id -> content hashes this worker saw ranked for it
    decided: Counter[str] = Counter()  # "job:candidate" -> decision writes that succeeded
    conflicts = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        action = rng.choices(["upload", "rerank", "read", "job", "decide"], weights=[5, 1, 3, 1, 4])[0]
        try:
            with session_scope(engine) as session:
                jobs = [j.id for j in repo.list_jobs(session)]
            if action == "job" or not jobs:
                action = "job"  # no job yet: whatever was drawn, make one
                create_job(engine, description=f"Job {index}-{rng.random():.6f}\nWe need " + ", ".join(rng.sample(WORDS, 5)),
                           extractor=extractor)
            elif action == "upload":
                keys = [f"shared{i}" for i in rng.sample(range(SHARED_POOL), 4)] + [f"w{index}-{rng.random():.9f}" for _ in range(4)]
                files = [UploadedFile(f"{k}.txt", cv_text(k).encode()) for k in keys]
                job_id = rng.choice(jobs)
                outcome = rank_uploads(engine, job_id=job_id, uploads=files, scorer=scorer, extractor=extractor)
                if outcome.failures:
                    errors.append(f"upload failures: {[f.reason for f in outcome.failures]}")
                ranked.setdefault(job_id, set()).update(hashlib.sha256(f.data).hexdigest() for f in files)
            elif action == "rerank":
                rerank_pool(engine, job_id=rng.choice(jobs), scorer=scorer, extractor=extractor)
            elif action == "decide":  # on the top candidates of the oldest jobs, so workers collide
                job_id = rng.choice(jobs[-2:])
                with session_scope(engine) as session:
                    candidates = [r.candidate_id for r in repo.ranking(session, job_id=job_id)[:3]]
                    if not candidates:
                        continue
                    candidate_id = rng.choice(candidates)
                    seen = repo.get_decision(session, job_id=job_id, candidate_id=candidate_id)
                checked = rng.random() < 0.5
                try:
                    with session_scope(engine) as session:
                        repo.set_decision(session, job_id=job_id, candidate_id=candidate_id,
                                          status=rng.choice(["shortlisted", "on hold", "rejected", "undecided"]),
                                          note=f"worker {index}: {rng.random():.6f}", decided_by=f"worker {index}",
                                          expected_version=(seen.version if seen else 0) if checked else None)
                except repo.DecisionConflict:
                    conflicts += 1  # someone else saved since the read: refused, as it should be
                else:
                    decided[f"{job_id}:{candidate_id}"] += 1
            else:
                with session_scope(engine) as session:
                    repo.ranking(session, job_id=rng.choice(jobs))
            ops[action] += 1
        except Exception as exc:  # noqa: BLE001 — counted and printed, the soak goes on
            errors.append(f"{action}: {exc!r}"[:300])
    queue.put((index, dict(ops), errors, {k: sorted(v) for k, v in ranked.items()}, dict(decided), conflicts))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--light", action="store_true", help="length-based scorer instead of the bundled model")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from db.migrate import open_database
    from db.models import Decision, DecisionEvent, Document, Score
    from db.session import session_scope

    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/soak.sqlite3"
        engine = open_database(url)
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        started = time.perf_counter()
        processes = [context.Process(target=worker, args=(url, args.minutes * 60, i, args.light, queue))
                     for i in range(args.workers)]
        for p in processes:
            p.start()
        results = [queue.get() for _ in processes]
        for p in processes:
            p.join()
        seconds = time.perf_counter() - started
        ops: Counter[str] = Counter()
        errors: list[str] = []
        expected: dict[int, set[str]] = {}
        writes: Counter[tuple[int, int]] = Counter()  # (job, candidate) -> successful decision writes
        conflicts = 0
        for _, worker_ops, worker_errors, ranked, decided, worker_conflicts in results:
            ops.update(worker_ops)
            conflicts += worker_conflicts
            for key, n in decided.items():
                job_id, candidate_id = (int(x) for x in key.split(":"))
                writes[(job_id, candidate_id)] += n
            errors.extend(worker_errors)
            for job_id, hashes in ranked.items():
                expected.setdefault(int(job_id), set()).update(hashes)
        all_hashes = set().union(*expected.values()) if expected else set()
        with session_scope(engine) as session:
            stored = Counter(session.scalars(select(Document.content_hash)).all())
            scores = {(j, h): n for j, h, n in session.execute(
                select(Score.job_id, Document.content_hash, func.count()).join(Document, Score.document_id == Document.id)
                .group_by(Score.job_id, Document.content_hash, Score.model_version))}
            decision_rows = Counter((j, c) for j, c in session.execute(select(Decision.job_id, Decision.candidate_id)))
            versions = {(j, c): v for j, c, v in session.execute(
                select(Decision.job_id, Decision.candidate_id, Decision.version))}
            events = {(j, c): n for j, c, n in session.execute(
                select(DecisionEvent.job_id, DecisionEvent.candidate_id, func.count())
                .group_by(DecisionEvent.job_id, DecisionEvent.candidate_id))}
        lost_docs = len(all_hashes - set(stored))
        doubled_docs = sum(1 for n in stored.values() if n > 1)
        lost_scores = sum(1 for j, hs in expected.items() for h in hs if (j, h) not in scores)
        doubled_scores = sum(1 for n in scores.values() if n > 1)
        print(f"soak  : {args.workers} processes × {args.minutes:g} min on {engine.dialect.name} "
              f"({'length stand-in' if args.light else 'bundled model'}), {seconds:.0f} s wall")
        print(f"ops   : {sum(ops.values())} done — " + ", ".join(f"{k} {v}" for k, v in sorted(ops.items())))
        print(f"errors: {len(errors)}" + ("".join(f"\n        {e}" for e in errors[:10])))
        lost_decisions = sum(1 for pair in writes if pair not in decision_rows)
        doubled_decisions = sum(1 for n in decision_rows.values() if n > 1)
        version_off = sum(1 for pair, n in writes.items() if versions.get(pair) != n)
        events_off = sum(1 for pair, n in writes.items() if events.get(pair, 0) != n)
        stray = sum(1 for pair in set(decision_rows) | set(events) if pair not in writes)
        print(f"decide: {sum(writes.values())} decision writes on {len(writes)} job×candidate pairs, "
              f"{conflicts} stale saves refused; {sum(events.values())} history events; rows lost "
              f"{lost_decisions}, doubled {doubled_decisions}; pairs whose version ≠ writes {version_off}, "
              f"whose events ≠ writes {events_off}, unexplained {stray}")
        print(f"rows  : {len(stored)} CVs stored for {len(all_hashes)} distinct CVs ranked; lost {lost_docs}, "
              f"doubled {doubled_docs}; job×CV scores lost {lost_scores}, doubled {doubled_scores}")


if __name__ == "__main__":
    main()

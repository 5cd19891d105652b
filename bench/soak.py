"""A bounded soak: several processes upload, rank and re-rank against one database, then we count.

    python bench/soak.py [--minutes 2] [--workers 3] [--db URL] [--light]

Every worker loops for the given time, each step one of: upload a batch of CVs into a random job
(``rank_uploads``, what the Rank page calls; half the CVs are drawn from a pool shared by all
workers, so the same files race to be stored), re-rank the stored pool for a random job
(``rerank_pool``), read a ranking (``repository.ranking``), or create a job (``create_job``).
At the end it prints operations done, errors, and rows lost or doubled: every CV a worker saw
ranked must be stored exactly once, with one score per job it was ranked for. ``--light``
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
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        action = rng.choices(["upload", "rerank", "read", "job"], weights=[5, 1, 3, 1])[0]
        try:
            with session_scope(engine) as session:
                jobs = [j.id for j in repo.list_jobs(session)]
            if action == "job" or not jobs:
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
            else:
                with session_scope(engine) as session:
                    repo.ranking(session, job_id=rng.choice(jobs))
            ops[action] += 1
        except Exception as exc:  # noqa: BLE001 — counted and printed, the soak goes on
            errors.append(f"{action}: {exc!r}"[:300])
    queue.put((index, dict(ops), errors, {k: sorted(v) for k, v in ranked.items()}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--light", action="store_true", help="length-based scorer instead of the bundled model")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from db.migrate import open_database
    from db.models import Document, Score
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
        for _, worker_ops, worker_errors, ranked in results:
            ops.update(worker_ops)
            errors.extend(worker_errors)
            for job_id, hashes in ranked.items():
                expected.setdefault(int(job_id), set()).update(hashes)
        all_hashes = set().union(*expected.values()) if expected else set()
        with session_scope(engine) as session:
            stored = Counter(session.scalars(select(Document.content_hash)).all())
            scores = {(j, h): n for j, h, n in session.execute(
                select(Score.job_id, Document.content_hash, func.count()).join(Document, Score.document_id == Document.id)
                .group_by(Score.job_id, Document.content_hash, Score.model_version))}
        lost_docs = len(all_hashes - set(stored))
        doubled_docs = sum(1 for n in stored.values() if n > 1)
        lost_scores = sum(1 for j, hs in expected.items() for h in hs if (j, h) not in scores)
        doubled_scores = sum(1 for n in scores.values() if n > 1)
        print(f"soak  : {args.workers} processes × {args.minutes:g} min on {engine.dialect.name} "
              f"({'length stand-in' if args.light else 'bundled model'}), {seconds:.0f} s wall")
        print(f"ops   : {sum(ops.values())} done — " + ", ".join(f"{k} {v}" for k, v in sorted(ops.items())))
        print(f"errors: {len(errors)}" + ("".join(f"\n        {e}" for e in errors[:10])))
        print(f"rows  : {len(stored)} CVs stored for {len(all_hashes)} distinct CVs ranked; lost {lost_docs}, "
              f"doubled {doubled_docs}; job×CV scores lost {lost_scores}, doubled {doubled_scores}")


if __name__ == "__main__":
    main()

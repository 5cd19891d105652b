"""Re-ranking a stored pool for a new job description, from chunk vectors kept in the database.

    python bench/bench_rerank.py [--pool 10000]

Builds a SQLite pool of N stored CVs (synthetic ~2,500-character texts, each with 5 stored chunk
vectors), then times, in the same run: (1) the matrix products alone (all pool vectors against
the JD's, one matmul, per-CV means), (2) `rerank_pool` end to end (DB reads, re-chunking for the
explanation spans, pair matrices, one upsert per CV), and (3) the naive way for a sample of CVs —
re-encoding each CV from its text, one at a time — extrapolated to the pool. Prints figures only.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from core.config import Settings  # noqa: E402
from core.pipeline import create_job, rerank_pool  # noqa: E402
from core.scoring import load_scorer, pooled_cosine_scores, vectors_to_bytes  # noqa: E402
from core.skills import load_skill_extractor  # noqa: E402
from db import repository as repo  # noqa: E402
from db.migrate import open_database  # noqa: E402
from db.session import session_scope  # noqa: E402

WORDS = ("python sql accounting payroll nursing patient welding autocad sales negotiation excel budget "
         "marketing teaching curriculum kitchen menu logistics warehouse design photoshop audit").split()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pool", type=int, default=10_000)
    parser.add_argument("--naive", type=int, default=20, help="CVs re-encoded one by one for the baseline")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    scorer = load_scorer(Settings())
    extractor = load_skill_extractor()
    dim = scorer.encoder.dimension
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(f"sqlite:///{tmp}/pool.sqlite3")
        texts = [" ".join(rng.choice(WORDS, size=330)) for _ in range(args.pool)]
        started = time.perf_counter()
        with session_scope(engine) as session:
            for i, text in enumerate(texts):
                doc, _ = repo.add_document(session, new=repo.NewDocument(
                    content_hash=f"{i:064x}", filename=f"cv{i}.txt", file_type="txt", text=text, pages=1,
                    candidate_name=f"cv {i}"))
                chunks = len(scorer.chunk(text))
                vectors = rng.normal(size=(chunks, dim)).astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                repo.save_chunk_vectors(session, document_id=doc.id, encoder_key=scorer.encoder_key,
                                        chunks=chunks, dim=dim, data=vectors_to_bytes(vectors))
        print(f"setup : {args.pool} stored CVs with chunk vectors in {time.perf_counter() - started:.1f}s")
        job_text = "Payroll Accountant\nWe need an accountant for payroll, audit, Excel and budgeting. " * 3
        job_id = create_job(engine, description=job_text, extractor=extractor)

        with session_scope(engine) as session:
            stored = repo.load_chunk_vectors(session, encoder_key=scorer.encoder_key)
        matrices = [np.frombuffer(v.data, np.float16).reshape(v.chunks, v.dim) for v in stored.values()]
        _, jd_vectors = scorer._job_vectors(job_text)
        started = time.perf_counter()
        stacked = np.concatenate(matrices).astype(np.float32)
        counts = np.array([len(m) for m in matrices])
        scores = pooled_cosine_scores(jd_vectors, stacked, counts)
        matmul_s = time.perf_counter() - started
        print(f"matmul: {len(scores)} CVs ({len(stacked)} chunks × {len(jd_vectors)} JD chunks) scored in "
              f"{matmul_s * 1000:.0f} ms")

        started = time.perf_counter()
        outcome = rerank_pool(engine, job_id=job_id, scorer=scorer, extractor=extractor)
        full_s = time.perf_counter() - started
        print(f"rerank: rerank_pool over {outcome.documents} stored CVs ({outcome.encoded} encoded) in {full_s:.1f}s "
              f"end to end (DB reads, re-chunking, pair matrices, {outcome.documents} score upserts)")

        sample = texts[: args.naive]
        started = time.perf_counter()
        for text in sample:
            scorer.score_batch(job_text, [text])
        naive_per_cv = (time.perf_counter() - started) / len(sample)
        print(f"naive : re-encoding from text, one CV at a time: {naive_per_cv * 1000:.0f} ms/CV → "
              f"≈ {naive_per_cv * args.pool / 60:.1f} min for the pool (extrapolated from {len(sample)} CVs)")
        print(f"ratio : stored-vector matmul is ≈ {naive_per_cv * args.pool / matmul_s:,.0f}× the naive re-encode; "
              f"end-to-end rerank_pool ≈ {naive_per_cv * args.pool / full_s:,.0f}×")
    print(f"memory: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()

"""Throughput of parsing and scoring, each next to a naive baseline measured in the same run.

    python bench/bench_pipeline.py [--cvs DIR] [--n 60]

Parsing: real CV PDFs (``../shared/data/resumes_by_category/livecareer_pdfs`` by default),
CVs/s: pdfplumber only (the baseline), the pypdfium2 fast path in one process, and the fast
path in a process pool on all cores (``parse_many``). Scoring: the chunk-averaged scorer (all
chunks of the batch in length-sorted batches, JD encoded once, shared chunks once) against the naive way (every JD chunk × CV chunk pair
encoded on its own, batch 1, no caching), pairs/s and CVs/s; the cross-encoder pairing against one
pair per forward pass in fp32. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from core.config import ParseLimits, get_settings  # noqa: E402
from core.documents import parse_document, parse_many  # noqa: E402
from core.scoring import load_scorer  # noqa: E402
from models.baselines import FirstChunkCosineScorer, TfidfCosineScorer  # noqa: E402

JD = (
    "Staff Accountant. We are looking for an accountant to prepare journal entries, reconcile bank "
    "accounts, support the monthly close and audits, and maintain the general ledger in QuickBooks and "
    "Excel. Requirements: bachelor's degree in accounting, 3+ years of experience, knowledge of GAAP, "
    "accounts payable and receivable, payroll, strong communication skills. CPA is a plus."
)


def linkedin_postings(shared: Path) -> list[str]:
    """The LinkedIn sample's postings as "title\\ndescription", in file order (none when the data is not there)."""
    postings = shared / "job_postings" / "linkedin_postings_sample_1000.csv"
    if not postings.is_file():
        return []
    import pandas as pd

    frame = pd.read_csv(postings)
    return [f"{t}\n{d}" for t, d in zip(frame["title"].fillna(""), frame["description"].fillna(""), strict=True)]


def real_job_description(postings: list[str]) -> str:
    """A real posting (the first 'Staff Accountant' of the LinkedIn sample) when the data is there."""
    return next((text for text in postings if "Staff Accountant" in text.split("\n", 1)[0]), JD)


def postings_of_length(scorer, postings: list[str], lengths: list[int]) -> tuple[dict[int, str], dict[int, float]]:  # type: ignore[no-untyped-def]
    """The first real posting (LinkedIn sample, file order) of each JD length in chunks, and the share of
    the sample's postings of each length (the last length counts every longer posting too)."""
    if not postings:
        return {}, {}
    found: dict[int, str] = {}
    counts = dict.fromkeys(lengths, 0)
    for text in postings:
        n = len(scorer.chunk(text))
        if n in lengths and n not in found:
            found[n] = text
        bucket = min(n, max(lengths))
        if bucket in counts:
            counts[bucket] += 1
    return dict(sorted(found.items())), {n: c / len(postings) for n, c in counts.items()}


def jd_length_sweep(scorer, postings: list[str], lengths: list[int], texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Batched vs naive pairs/s for real postings of 1, 2, … chunks on the same CVs: the naive way encodes
    both chunks of every pair, so its cost grows with the JD's chunks while the batched scorer's barely does."""
    found, shares = postings_of_length(scorer, postings, lengths)
    for n, jd in found.items():
        started = time.perf_counter()
        results = scorer.score_batch(jd, texts)
        fast_s = time.perf_counter() - started
        started = time.perf_counter()
        naive_scores(scorer, jd, texts)
        naive_s = time.perf_counter() - started
        pairs = sum(r.pair_matrix.size for r in results)
        more = "+" if n == max(lengths) else ""
        print(f"sweep : JD of {n} chunk(s), {len(texts)} CVs, {pairs} pairs: batched {pairs / fast_s:.0f} pairs/s, "
              f"naive {pairs / naive_s:.0f} pairs/s → {naive_s / fast_s:.1f}× "
              f"({shares[n]:.0%} of the sample's postings have {n}{more} chunk(s))")


def naive_scores(scorer, job_text: str, cv_texts: list[str]) -> list[float]:  # type: ignore[no-untyped-def]
    """What a straightforward implementation does: each pair's two chunks encoded on the spot, in fp32.

    The pair cosines' mean then goes through the scorer's own ``document_scores`` (the
    occupation blend of the default scorer) with those same vectors, so both sides give one score.
    """
    enc = dataclasses.replace(scorer.encoder, precision="fp32")  # fp32 whatever the scorer's precision
    scores = []
    for cv in cv_texts:
        jd_chunks, cv_chunks = scorer.chunk(job_text), scorer.chunk(cv)
        pair_scores, jd_vectors, cv_vectors = [], {}, {}
        for a, j in enumerate(jd_chunks):
            for b, c in enumerate(cv_chunks):
                u = enc.encode_ids([j.token_ids])[0]
                v = enc.encode_ids([c.token_ids])[0]
                jd_vectors[a], cv_vectors[b] = u, v
                pair_scores.append(max(0.0, float(u @ v)))
        if not pair_scores:
            scores.append(0.0)
            continue
        mean = np.array([round(100 * float(np.mean(pair_scores)), 2)])
        jd = np.stack([jd_vectors[a] for a in range(len(jd_chunks))])
        cvs = np.stack([cv_vectors[b] for b in range(len(cv_chunks))])
        scores.append(float(scorer.document_scores(job_text, jd, mean, cvs, np.array([len(cvs)]))[0]))
    return scores


def cross_encoder_bench(jd: str, texts: list[str], folder: Path | None) -> None:
    """The cross-encoder pairing next to its naive baseline, on the same CVs.

    Batched: the scorer as the app loads it (adapters merged, pairs length-sorted in batches, bf16 where
    the CPU has it). Naive: the same trained weights as a plain peft model, one pair per forward pass,
    fp32. Without ``folder`` both run a cross-encoder with untrained adapters and head: the same forward
    passes as a trained one, so the same speed (scores meaningless; timing only).
    """
    import tempfile

    import torch

    from core.fit import Thresholds
    from models.cross_encoder import (
        CrossConfig,
        CrossEncoderModel,
        DocumentPairs,
        PairInputs,
        chunk_ids,
        load_cross_scorer,
        score_document_pairs,
    )
    from models.encoder import load_encoder

    with tempfile.TemporaryDirectory() as tmp:
        if folder is None:
            folder, config = Path(tmp), CrossConfig()
            torch.manual_seed(config.seed)
            CrossEncoderModel(load_encoder(config.encoder, precision="fp32"), config).save(folder)
            config.save(folder, name="cross-encoder (untrained weights: timing only)", version="untrained")
            Thresholds(40.0, 60.0, "untrained").save(folder / "thresholds.json")
        scorer = load_cross_scorer(folder)
        config = scorer.config
        scorer.score_batch(JD, texts[:1])  # warm-up
        started = time.perf_counter()
        fast = scorer.score_batch(jd, texts)
        fast_s = time.perf_counter() - started
        naive_encoder = load_encoder(config.encoder, device=str(scorer.encoder.device), precision="fp32")
        naive = CrossEncoderModel(naive_encoder, config).to(naive_encoder.device)
        naive.load_trained(folder)
        inputs, jd_ids = PairInputs(naive_encoder.tokenizer, config.pair_tokens), chunk_ids(naive_encoder.tokenizer, jd, config)
        started = time.perf_counter()
        slow = [score_document_pairs(naive, inputs, DocumentPairs([jd_ids], [chunk_ids(naive_encoder.tokenizer, t, config)],
                                                                  np.zeros(1, np.float32)), batch=1,
                                     max_jd=config.score_jd_chunks, max_cv=config.score_cv_chunks)[0][0]
                for t in texts]
        naive_s = time.perf_counter() - started
    pairs = sum(r.pair_matrix.size for r in fast)
    drift = max(abs(round(float(b), 2) - a.score) for a, b in zip(fast, slow, strict=True))
    print(f"cross : {scorer.name}: {len(texts)} CVs, {pairs} pairs (≤ {config.score_jd_chunks} JD × {config.score_cv_chunks} "
          f"CV chunks each) in {fast_s:.2f}s = {pairs / fast_s:.0f} pairs/s, {len(texts) / fast_s * 60:.0f} CVs/min "
          f"({scorer.encoder.precision}, batches of {scorer.batch}, adapters merged)")
    print(f"cross : naive (one pair per forward pass, fp32, adapters unmerged): {naive_s:.2f}s = "
          f"{pairs / naive_s:.0f} pairs/s, {len(texts) / naive_s * 60:.0f} CVs/min → batched is {naive_s / fast_s:.1f}×; "
          f"max |score difference| {drift:.2f} points")


def timed_variant(update: dict, jd: str, texts: list[str], reference: list) -> tuple[float, float]:  # type: ignore[type-arg]
    """The default scorer loaded with ``update`` to its settings, warmed up, then timed on the same
    texts: (seconds, max |score difference| against ``reference``)."""
    variant = load_scorer(get_settings().model_copy(update=update))
    variant.score_batch(JD, texts[:2])
    started = time.perf_counter()
    results = variant.score_batch(jd, texts)
    seconds = time.perf_counter() - started
    return seconds, max(abs(a.score - b.score) for a, b in zip(reference, results, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cvs", type=Path, default=get_settings().shared_data_dir / "resumes_by_category" / "livecareer_pdfs")
    parser.add_argument("--n", type=int, default=60, help="CVs to use")
    parser.add_argument("--naive", type=int, default=8, help="CVs for the (slow) naive baseline")
    parser.add_argument("--trained", type=Path, default=None, help="a folder of trained artifacts to time too")
    parser.add_argument("--int8", action="store_true", help="also time the scorer with an int8-quantised encoder")
    parser.add_argument("--cross", type=Path, default=None, help="a cross-encoder folder (train-cross) to time "
                        "(default: one with untrained weights, which runs the same forward passes)")
    parser.add_argument("--jd-lengths", default="", help="e.g. 1,2,3,4,5: also time batched vs naive for a real "
                        "posting of each length in chunks, on the --naive CVs")
    args = parser.parse_args()

    files = sorted(args.cvs.rglob("*.pdf"))[:: max(1, len(list(args.cvs.rglob("*.pdf"))) // args.n)][: args.n]
    if not files:
        sys.exit(f"no PDFs under {args.cvs}")
    items = [(f.read_bytes(), f.name) for f in files]
    started = time.perf_counter()
    [parse_document(data, name, limits=ParseLimits(pdf_reader="pdfplumber")) for data, name in items]
    base_s = time.perf_counter() - started
    print(f"parse : {len(files)} real CV PDFs in {base_s:.2f}s = {len(files) / base_s:.1f} CVs/s (baseline: pdfplumber only, 1 process)")
    started = time.perf_counter()
    texts = [parse_document(data, name, limits=ParseLimits(pdf_reader="fast")).text for data, name in items]
    fast_s = time.perf_counter() - started
    print(f"parse : {len(files)} real CV PDFs in {fast_s:.2f}s = {len(files) / fast_s:.1f} CVs/s (fast: pypdfium2, 1 process)")
    workers = os.cpu_count() or 1
    started = time.perf_counter()  # pool start-up included
    pooled = parse_many(items, workers=workers, limits=ParseLimits(pdf_reader="fast"))
    pool_s = time.perf_counter() - started
    assert [getattr(d, "text", None) for d in pooled] == texts  # same texts, same order
    print(f"parse : {len(files)} real CV PDFs in {pool_s:.2f}s = {len(files) / pool_s:.1f} CVs/s (fast, parse_many on "
          f"{workers} processes, start-up included); {base_s / fast_s:.1f}× (1 process) and {base_s / pool_s:.1f}× "
          f"(pool) the pdfplumber baseline")

    scorer = load_scorer(get_settings())
    postings = linkedin_postings(get_settings().shared_data_dir)
    jd = real_job_description(postings)
    print(f"job   : {len(jd)} characters, {len(scorer.chunk(jd))} chunks")
    scorer.score_batch(JD, texts[:2])  # warm-up: first forward pass allocates
    started = time.perf_counter()
    results = scorer.score_batch(jd, texts)
    fast_s = time.perf_counter() - started
    pairs = sum(r.pair_matrix.size for r in results)
    print(f"score : {len(texts)} CVs, {pairs} chunk pairs in {fast_s:.2f}s = {pairs / fast_s:.0f} pairs/s, "
          f"{len(texts) / fast_s:.1f} CVs/s ({scorer.name}, device {scorer.encoder.device}, "
          f"{scorer.encoder.precision}, {scorer.chunk_tokens}-token chunks)")
    half = scorer.encoder.precision
    if half != "fp32":  # the same batched scorer in fp32: what bf16 / fp16 alone brings, and its drift
        exact_s, drift = timed_variant({"precision": "fp32"}, jd, texts, results)
        print(f"fp32  : the same {len(texts)} CVs in fp32: {exact_s:.2f}s = {pairs / exact_s:.0f} pairs/s, "
              f"{len(texts) / exact_s:.1f} CVs/s → {half} is {exact_s / fast_s:.2f}× fp32; max |score difference| "
              f"= {drift:.2f} points (RECRUIT_PRECISION=fp32 turns {half} off)")

    subset = texts[: args.naive]
    started = time.perf_counter()
    slow = naive_scores(scorer, jd, subset)
    naive_s = time.perf_counter() - started
    naive_pairs = sum(r.pair_matrix.size for r in results[: args.naive])
    ours = [r.score for r in results[: args.naive]]
    print(f"naive : {len(subset)} CVs, {naive_pairs} pairs in {naive_s:.2f}s = {naive_pairs / naive_s:.0f} pairs/s "
          f"(batch 1, fp32, no caching); max |score difference| vs batched = {max(abs(a - b) for a, b in zip(ours, slow)):.3f}"
          + (f" ({half} vs fp32)" if half != "fp32" else ""))
    print(f"ratio : batched scorer is {(pairs / fast_s) / (naive_pairs / naive_s):.1f}× the naive pairs/s "
          f"(fresh CVs: each CV chunk encoded once, the JD once)")
    if args.jd_lengths:
        jd_length_sweep(scorer, postings, [int(n) for n in args.jd_lengths.split(",")], subset)
    if hasattr(scorer, "score_vectors"):
        # The bi-encoder's case once CVs are stored: their chunk vectors come from the database.
        stacked = np.concatenate([r.cv_vectors for r in results])
        counts = [len(r.cv_vectors) for r in results]
        other_jd = jd + "\nThis role is hybrid."  # a JD not seen yet: its encoding is part of the time
        started = time.perf_counter()
        stored = scorer.score_vectors(other_jd, stacked, counts)
        stored_s = time.perf_counter() - started
        stored_pairs = sum(v.pair_matrix.size for v in stored)
        print(f"stored: {len(texts)} stored CVs against a new JD (JD encoded in the time), {stored_pairs} pairs in "
              f"{stored_s * 1000:.0f} ms = {stored_pairs / stored_s:,.0f} pairs/s = "
              f"{(stored_pairs / stored_s) / (naive_pairs / naive_s):,.0f}× the naive pairs/s")
    others = [("tfidf-cosine", TfidfCosineScorer()), ("first-chunk-cosine", FirstChunkCosineScorer(scorer.encoder))]
    if args.trained is not None:
        from core.skills import load_skill_extractor
        from models.lexical import extractor_skills
        from models.trained_scorer import TrainedPairScorer

        others.append(("trained " + args.trained.name,
                       TrainedPairScorer(scorer.encoder, args.trained, skills_of=extractor_skills(load_skill_extractor()))))
    if args.int8:
        # The same scorer (same kind, same trained artifacts) over an int8-quantised encoder.
        int8_s, drift = timed_variant({"quantize": "int8", "device": "cpu"}, jd, texts, results)
        print(f"int8  : {len(texts)} CVs in {int8_s:.2f}s = {pairs / int8_s:.0f} pairs/s, {len(texts) / int8_s:.1f} CVs/s "
              f"({fast_s / int8_s:.2f}× the scorer above; {(pairs / int8_s) / (naive_pairs / naive_s):.1f}× the naive pairs/s)")
        print(f"int8  : max |score difference| vs the scorer above on these {len(texts)} CVs = {drift:.2f} points")
    cross_encoder_bench(jd, subset, args.cross)
    for label, other in others:
        started = time.perf_counter()
        other.score_batch(jd, texts)
        seconds = time.perf_counter() - started
        print(f"other : {label}: {len(texts)} CVs in {seconds:.2f}s = {len(texts) / seconds * 60:.0f} CVs/min")
    print(f"memory: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; "
          f"torch threads {__import__('torch').get_num_threads()}")


if __name__ == "__main__":
    main()

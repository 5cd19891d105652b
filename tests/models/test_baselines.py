from __future__ import annotations

import numpy as np
import pytest

from core.scoring import ChunkAveragedCosineScorer
from models.baselines import FirstChunkCosineScorer, TfidfCosineScorer, baseline_scorers

from tests.samples import JD, MATCHING_CV, UNRELATED_CV


def test_tfidf_ranks_a_matching_cv_above_an_unrelated_one() -> None:
    matching, unrelated, same = TfidfCosineScorer().score_batch(JD, [MATCHING_CV, UNRELATED_CV, JD])
    assert matching.score > unrelated.score
    assert unrelated.score < 10  # only "years" in common
    assert same.score == pytest.approx(100.0, abs=0.01)
    assert matching.model_name == "tfidf-cosine" and matching.pair_matrix.shape == (1, 1)


def test_tfidf_fitted_on_a_corpus_keeps_its_vocabulary_and_handles_empty_cvs() -> None:
    scorer = TfidfCosineScorer(corpus=[MATCHING_CV, UNRELATED_CV])
    first = [r.score for r in scorer.score_batch(JD, [MATCHING_CV, UNRELATED_CV, ""])]
    again = [r.score for r in scorer.score_batch(JD, [MATCHING_CV, UNRELATED_CV, ""])]  # cached CV vectors
    assert first == again
    assert first[0] > first[1] and first[2] == 0.0
    assert "+corpus2" in scorer.version


def test_tfidf_survives_texts_with_no_vocabulary() -> None:
    assert [r.score for r in TfidfCosineScorer().score_batch("the and of", ["a the", "of"])] == [0.0, 0.0]


def test_first_chunk_scorer_uses_only_the_first_chunk(encoder) -> None:
    first = FirstChunkCosineScorer(encoder, chunk_tokens=32, overlap=4)
    full = ChunkAveragedCosineScorer(encoder, thresholds=first.thresholds, chunk_tokens=32, overlap=4)
    long_cv = " ".join([MATCHING_CV] + [UNRELATED_CV] * 4)
    result = first.score_batch(JD * 2, [long_cv])[0]
    assert result.pair_matrix.shape == (1, 1) and len(result.cv_chunks) == 1
    # By hand: cosine of the first JD chunk and the first CV chunk, ×100.
    jd0, cv0 = full.chunk(JD * 2)[0], full.chunk(long_cv)[0]
    vectors = encoder.encode_ids([jd0.token_ids, cv0.token_ids])
    assert result.score == pytest.approx(float(np.clip(vectors[0] @ vectors[1], 0, 1)) * 100, abs=0.02)
    # Text after the first chunk changes nothing; the chunk-averaged scorer does see it.
    longer = first.score_batch(JD * 2, [long_cv + " " + UNRELATED_CV * 3])[0]
    assert longer.score == pytest.approx(result.score, abs=0.02)
    assert full.score_batch(JD * 2, [long_cv])[0].score != pytest.approx(result.score, abs=0.5)
    assert first.name.startswith("first-chunk-cosine") and first.name != full.name


def test_baseline_scorers_builds_three_distinct_scorers(encoder) -> None:
    scorers = baseline_scorers(encoder, chunk_tokens=64, overlap=8)
    names = [s.name.split(":")[0] for s in scorers]
    assert names == ["tfidf-cosine", "first-chunk-cosine", "chunk-avg-cosine"]
    for s in scorers:
        matching, unrelated = s.score_batch(JD, [MATCHING_CV, UNRELATED_CV])
        assert 0 <= unrelated.score < matching.score <= 100
        assert s.version and s.thresholds

from __future__ import annotations

import numpy as np
import pytest

from core.errors import InvalidInput, ModelUnavailable
from core.fit import FitClass, Thresholds, tune_thresholds, weighted_f1

from tests.samples import JD, MATCHING_CV, UNRELATED_CV


def test_a_cv_identical_to_the_jd_scores_higher_than_an_unrelated_one(scorer) -> None:
    same, unrelated = scorer.score_batch(JD, [JD, UNRELATED_CV])
    assert same.score > unrelated.score + 20


def test_a_matching_cv_beats_an_unrelated_one(scorer) -> None:
    matching, unrelated = scorer.score_batch(JD, [MATCHING_CV, UNRELATED_CV])
    assert matching.score > unrelated.score


def test_batch_order_does_not_change_scores(scorer) -> None:
    cvs = [MATCHING_CV, UNRELATED_CV, JD, MATCHING_CV * 5]
    forward = [r.score for r in scorer.score_batch(JD, cvs)]
    backward = [r.score for r in scorer.score_batch(JD, cvs[::-1])][::-1]
    alone = [scorer.score_batch(JD, [cv])[0].score for cv in cvs]
    assert forward == pytest.approx(backward, abs=0.02)
    assert forward == pytest.approx(alone, abs=0.02)


def test_identical_inputs_give_identical_scores(scorer) -> None:
    first, second = scorer.score_batch(JD, [MATCHING_CV, MATCHING_CV])
    assert first.score == second.score
    assert scorer.score_batch(JD, [MATCHING_CV])[0].score == pytest.approx(first.score, abs=0.02)


def test_score_is_the_mean_of_the_pair_matrix_over_all_chunk_pairs(scorer) -> None:
    long_cv = " ".join([MATCHING_CV, UNRELATED_CV] * 4)
    result = scorer.score_batch(JD * 3, [long_cv])[0]
    rows, cols = result.pair_matrix.shape
    assert rows == len(result.jd_chunks) > 1 and cols == len(result.cv_chunks) > 1
    assert result.score == pytest.approx(float(result.pair_matrix.mean()) * 100, abs=0.01)
    assert 0 <= result.score <= 100
    assert result.model_name.startswith("chunk-avg-cosine") and result.model_version
    best = result.best_pairs(2)
    assert best[0][2] >= best[1][2]


def test_fit_class_follows_the_thresholds(scorer) -> None:
    for result in scorer.score_batch(JD, [JD, MATCHING_CV, UNRELATED_CV]):
        assert result.fit_class == scorer.thresholds.classify(result.score)


def test_empty_jd_is_refused_and_empty_cv_scores_zero(scorer) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        scorer.score_batch("   ", [MATCHING_CV])
    (empty,) = scorer.score_batch(JD, [""])
    assert empty.score == 0.0 and empty.fit_class == FitClass.NO_FIT


def test_scoring_many_cvs_encodes_shared_chunks_once(scorer, encoded: list[int]) -> None:
    scorer.score_batch(JD, [MATCHING_CV] * 30 + [UNRELATED_CV] * 30)
    assert len(encoded) == 1, "the JD is cached and all CV chunks go in one call"
    assert encoded[0] == 2


def test_thresholds_classify_and_tune() -> None:
    t = Thresholds(30, 60)
    assert [t.classify(s) for s in (10, 30, 59.9, 60, 99)] == [
        FitClass.NO_FIT, FitClass.POTENTIAL_FIT, FitClass.POTENTIAL_FIT, FitClass.GOOD_FIT, FitClass.GOOD_FIT]
    with pytest.raises(ValueError):
        Thresholds(70, 60)
    scores = [10, 12, 15, 40, 45, 48, 80, 85, 90]
    labels = [FitClass.NO_FIT] * 3 + [FitClass.POTENTIAL_FIT] * 3 + [FitClass.GOOD_FIT] * 3
    tuned = tune_thresholds(scores, labels, source="test")
    assert weighted_f1(labels, [tuned.classify(s) for s in scores]) == 1.0
    assert FitClass.parse("good_fit") == FitClass.GOOD_FIT and FitClass.parse("No Fit") == FitClass.NO_FIT


def test_recall_first_thresholds_keep_good_fit_recall_above_the_floor() -> None:
    # A Good Fit CV scores among the Potential ones: weighted F1 gives it up, the floor does not.
    scores = [10, 12, 15, 18, 40, 45, 48, 50, 42, 80, 85, 90]
    labels = [FitClass.NO_FIT] * 4 + [FitClass.POTENTIAL_FIT] * 3 + [FitClass.GOOD_FIT] * 5
    good = [s for s, label in zip(scores, labels, strict=True) if label is FitClass.GOOD_FIT]

    def recall(t: Thresholds) -> float:
        return sum(t.classify(s) is FitClass.GOOD_FIT for s in good) / len(good)

    assert recall(tune_thresholds(scores, labels, source="f1")) == 0.8
    first = tune_thresholds(scores, labels, source="recall", good_recall_floor=0.9)
    assert recall(first) == 1.0 and first.potential <= first.good
    # A floor no pair reaches gives the highest recall there is.
    assert recall(tune_thresholds(scores, labels, source="max", good_recall_floor=1.5)) == 1.0


def test_threshold_tuning_in_blocks_out_of_range_scores_and_mismatched_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.fit

    rng = np.random.default_rng(0)
    labels = [FitClass.NO_FIT, FitClass.POTENTIAL_FIT, FitClass.GOOD_FIT] * 40
    scores = (np.array([c.target for c in labels]) * 60 + rng.normal(0, 15, len(labels))).tolist()
    whole = tune_thresholds(scores, labels, source="t")
    monkeypatch.setattr(core.fit, "TUNING_BLOCK", 7)  # the same search, a few scores at a time
    assert tune_thresholds(scores, labels, source="t") == whole
    stretched = tune_thresholds([-40.0, -5.0] + scores + [130.0], [FitClass.NO_FIT] * 2 + labels + [FitClass.GOOD_FIT],
                                source="t")  # an unbounded fit's scores: thresholds stay on 0–100
    assert 0.0 <= stretched.potential <= stretched.good <= 100.0
    with pytest.raises(ValueError, match="120 scores but 3 labels"):
        tune_thresholds(scores, labels[:3], source="t")


def test_encoder_vectors_are_unit_length_and_deterministic(encoder) -> None:
    a = encoder.encode_texts(["python developer", "pastry chef"])
    b = encoder.encode_texts(["python developer", "pastry chef"])
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(a, b)


def test_batch_size_auto_is_small_on_the_cpu_and_an_explicit_one_is_kept(encoder) -> None:
    from models.encoder import AUTO_BATCH_SIZE, load_encoder

    auto = load_encoder("bundled:all-MiniLM-L6-v2", device="cpu")  # batch_size 0 = auto
    assert auto.batch_size == AUTO_BATCH_SIZE["cpu"] == 8 and encoder.batch_size == 32
    texts = [f"chunk {i} about payroll and ledgers " * (1 + i % 5) for i in range(20)]
    assert np.allclose(auto.encode_texts(texts), encoder.encode_texts(texts), atol=1e-5)  # same vectors


def test_unknown_hub_model_fails_with_a_clear_message() -> None:
    from models.encoder import load_encoder

    with pytest.raises(ModelUnavailable, match="could not load the encoder"):
        load_encoder("no-such-org/no-such-model-xyz")


def test_unknown_bundled_model_is_explained() -> None:
    from models.encoder import load_encoder

    with pytest.raises(ModelUnavailable, match="unknown bundled encoder"):
        load_encoder("bundled:gpt-17")


def test_asking_for_a_gpu_that_is_not_there_is_explained() -> None:
    import torch

    from models.encoder import resolve_device

    if torch.cuda.is_available():
        pytest.skip("a GPU is present here")
    with pytest.raises(ModelUnavailable, match="no CUDA GPU"):
        resolve_device("cuda")
    assert resolve_device("auto").type == "cpu"


def test_scoring_stored_vectors_is_the_chunk_averaged_cosine_of_each_cv(scorer) -> None:
    from core.scoring import stack_vectors, vectors_from_bytes, vectors_to_bytes

    cvs = [MATCHING_CV, "", UNRELATED_CV, " ".join([MATCHING_CV, UNRELATED_CV] * 4)]
    _, per_cv = scorer.encode_documents(cvs)
    blobs = [vectors_to_bytes(v) for v in per_cv]
    counts = [len(v) for v in per_cv]
    stacked = stack_vectors(blobs, sum(counts), scorer.encoder.dimension)
    scored = scorer.score_vectors(JD * 2, stacked, counts)
    _, jd_vectors = scorer._job_vectors(JD * 2)
    for result, blob, n in zip(scored, blobs, counts, strict=True):
        matrix = np.clip(jd_vectors @ vectors_from_bytes(blob, n, scorer.encoder.dimension).T, 0.0, 1.0)
        assert result.pair_matrix.shape == matrix.shape == (len(jd_vectors), n)
        np.testing.assert_allclose(result.pair_matrix, matrix, atol=1e-6)
        assert result.score == pytest.approx(round(float(matrix.mean()) * 100, 2) if n else 0.0, abs=0.011)
        assert result.fit_class == scorer.thresholds.classify(result.score)
    assert scored[1].score == 0.0 and scored[0].score > scored[2].score
    assert scorer.score_vectors(JD, stacked[:0], []) == []


def test_every_scorer_family_has_a_score_meaning_for_recruiters() -> None:
    from core.scoring import score_meaning

    assert "occupation" in score_meaning("occupation-aware:all-MiniLM-L6-v2")
    assert "every CV chunk" in score_meaning("chunk-avg-cosine:all-MiniLM-L6-v2")
    assert score_meaning("something-else:v1").startswith("Score 0–100")


def test_a_named_trained_scorer_that_was_never_trained_says_which_command_trains_it(monkeypatch, tmp_path) -> None:
    import core.scoring
    from core.config import Settings
    from core.errors import ModelUnavailable

    monkeypatch.setitem(core.scoring.TRAINED_SCORERS, "minilm-tuned", tmp_path / "nothing-here")
    with pytest.raises(ModelUnavailable, match="python -m models tune"):
        core.scoring.load_scorer(Settings(scorer="minilm-tuned", device="cpu"))
    with pytest.raises(ModelUnavailable, match="unknown scorer"):
        core.scoring.load_scorer(Settings(scorer="no-such-scorer", device="cpu"))

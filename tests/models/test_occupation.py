"""The occupation-aware scorer: features from chunk vectors, the head, the blend, the shipped artifact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.fit import Thresholds
from models.occupation import (
    Blend,
    OccupationAwareScorer,
    OccupationHead,
    document_features,
    features_of,
    occupation_match,
    save_occupation,
    unseen_occupation_check,
)

ACCOUNTANT_JD = ("Staff Accountant\nWe are hiring a staff accountant to own the general ledger, month-end close, "
                 "account reconciliations, accounts payable and GAAP reporting.")
ACCOUNTANT_CV = ("ACCOUNTANT\nSummary: CPA with six years in general ledger accounting, reconciliations, "
                 "month-end close and accounts payable. Experience: Staff Accountant, 2018-2024.")
CHEF_CV = ("CHEF\nSummary: Sous chef with eight years in busy kitchens: menu planning, food preparation, "
           "line supervision, food safety and inventory. Experience: Sous Chef, 2016-2024.")


def test_document_features_are_the_unit_mean_and_the_first_chunk_of_each_document() -> None:
    a = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)  # two chunks
    b = np.array([[0.6, 0.8]], dtype=np.float32)  # one chunk
    features = document_features(np.concatenate([a, b]), np.array([2, 0, 1]))
    assert features.shape == (3, 4)
    assert np.allclose(features[0], [2 ** -0.5, 2 ** -0.5, 1.0, 0.0])
    assert np.allclose(features[1], 0.0)  # a document without chunks
    assert np.allclose(features[2], [0.6, 0.8, 0.6, 0.8])
    assert np.allclose(features_of([a, np.zeros((0, 2), np.float32), b]), features)


def test_the_head_learns_separable_occupations_and_the_match_is_a_cosine_of_distributions() -> None:
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(1, 0.1, (20, 4)), rng.normal(-1, 0.1, (20, 4))]).astype(np.float32)
    head = OccupationHead.fit(x, ["CHEF"] * 20 + ["HR"] * 20)
    p = head.probabilities(x)
    assert head.classes == ["CHEF", "HR"] and np.allclose(p.sum(1), 1.0)
    assert (p[:20, 0] > 0.9).all() and (p[20:, 1] > 0.9).all()
    match = occupation_match(p[0], p[[1, 25]])
    assert match[0] > 0.99 and match[1] < 0.2


def test_the_blend_keeps_the_order_within_0_100() -> None:
    blend = Blend(chunk=1.0, occupation=0.5, bias=-0.1)
    scores = blend.apply(np.array([40.0, 0.0, -50.0, 100.0, 150.0]), np.array([0.4, 0.0, 0.0, 1.0, 1.0]))
    assert scores[0] == 50.0  # a fit estimate of 0.5 sits in the middle
    assert 0.0 < scores[2] < scores[1] < scores[0] < scores[3] < scores[4] < 100.0  # no ties at the ends


def test_the_blend_weighs_the_signal_that_separates_the_classes_and_scales_it_to_the_targets() -> None:
    from core.fit import FitClass, tune_thresholds

    rng = np.random.default_rng(3)
    truth = [FitClass.NO_FIT] * 30 + [FitClass.POTENTIAL_FIT] * 15 + [FitClass.GOOD_FIT] * 15
    targets = np.array([t.target for t in truth])
    chunk = rng.uniform(0, 100, len(truth))  # noise: says nothing about the class
    match = targets * 0.8 + rng.uniform(0, 0.1, len(truth))  # separates the three classes
    cosine_only = Blend.with_share(chunk, match, targets, 0.0)
    assert cosine_only.occupation == 0.0 and cosine_only.chunk != 0.0
    fitted = Blend.fit(chunk, match, truth)
    assert fitted.occupation > 3 * abs(fitted.chunk)
    scores = fitted.apply(chunk, match)
    thresholds = tune_thresholds(scores.tolist(), truth, source="test")
    assert [thresholds.classify(float(x)) for x in scores] == truth
    assert scores[truth.index(FitClass.GOOD_FIT)] > 50.0 > scores[0]  # scaled to the 0 / 0.5 / 1 targets


def test_the_unseen_occupation_check_retrains_without_each_category_and_ranks_its_postings() -> None:
    rng = np.random.default_rng(5)
    centres = {name: rng.normal(0, 1, 8) for name in ("CHEF", "HR", "SALES")}

    def document(name: str, chunks: int) -> np.ndarray:
        v = centres[name] + rng.normal(0, 0.3, (chunks, 8))
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)

    cv_labels = ["CHEF"] * 12 + ["HR"] * 12 + ["SALES"] * 12
    jd_labels = ["HR"] * 4 + ["SALES"] * 3 + ["CHEF"] * 2
    labels = cv_labels + jd_labels
    vectors = [document(name, 1 + i % 3) for i, name in enumerate(labels)]
    features = features_of(vectors)
    titles = np.stack([v[0] for v in vectors])
    report = unseen_occupation_check(vectors, features, titles, labels, n_cvs=len(cv_labels),
                                     blends={"occupation only": Blend(0.0, 1.0, 0.0), "blend": Blend(1.0, 0.5, 0.0)},
                                     c=1.0, seed=0)
    assert report["held_out_categories"][:2] == ["HR", "SALES"]  # most postings first
    assert report["postings"] == len(jd_labels)
    ndcg = report["ndcg_at_10"]
    assert set(ndcg) == {"occupation only", "blend", "chunk-averaged cosine"}
    assert all(0.0 <= v <= 1.0 for v in ndcg.values())
    assert ndcg["chunk-averaged cosine"] > 0.9  # clustered vectors: the cosine alone finds the held-out category
    # The heads really never saw it: the occupation match alone sends each posting to another category's CVs
    # (heads trained with the category would rank its CVs first, nDCG ≈ 1).
    assert ndcg["occupation only"] < 0.5


@pytest.mark.slow
def test_scores_from_texts_and_from_stored_vectors_agree_and_artifacts_round_trip(encoder, tmp_path: Path) -> None:
    from core.config import Settings
    from core.scoring import load_scorer

    rng = np.random.default_rng(1)
    head = OccupationHead(["ACCOUNTANT", "CHEF"], rng.normal(0, 1, (2, 2 * encoder.dimension)).astype(np.float32),
                          np.zeros(2, np.float32))
    title_head = OccupationHead(["ACCOUNTANT", "CHEF"], rng.normal(0, 1, (2, encoder.dimension)).astype(np.float32),
                                np.zeros(2, np.float32))
    blend = Blend(chunk=1.0, occupation=0.3, bias=0.0)
    save_occupation(tmp_path, head, blend, Thresholds(40.0, 55.0, "test"), encoder="bundled:all-MiniLM-L6-v2",
                    chunk_tokens=64, chunk_overlap=8, metrics={}, title_head=title_head)
    scorer = load_scorer(Settings(scorer=str(tmp_path), device="cpu"))
    assert isinstance(scorer, OccupationAwareScorer) and scorer.name == "occupation-aware:all-MiniLM-L6-v2"
    assert scorer.title_head is not None and np.array_equal(scorer.title_head.weight, title_head.weight)
    cvs = [ACCOUNTANT_CV * 3, CHEF_CV]
    results = scorer.score_batch(ACCOUNTANT_JD, cvs)
    assert all(r.pair_matrix.shape == (len(r.jd_chunks), len(r.cv_chunks)) for r in results)
    # The score is the blend of the pair matrix's mean (the chunk-averaged core) and the occupation match.
    assert results[0].score != pytest.approx(float(results[0].pair_matrix.mean()) * 100, abs=0.01)
    stacked = np.concatenate([r.cv_vectors for r in results])
    from_vectors = scorer.score_vectors(ACCOUNTANT_JD, stacked, [len(r.cv_vectors) for r in results])
    assert [v.score for v in from_vectors] == pytest.approx([r.score for r in results], abs=0.02)
    # The JD's title line counts through the title head: the same body under another title scores otherwise.
    retitled = scorer.score_vectors("Sous Chef\n" + ACCOUNTANT_JD.split("\n", 1)[1], stacked,
                                    [len(r.cv_vectors) for r in results])
    assert [v.score for v in retitled] != pytest.approx([v.score for v in from_vectors], abs=0.02)
    without_title = OccupationAwareScorer(scorer.encoder, head, blend, thresholds=scorer.thresholds, chunk_tokens=64,
                                          overlap=8, name="occupation-aware", version="test")
    plain = without_title.score_vectors(ACCOUNTANT_JD, stacked, [len(r.cv_vectors) for r in results])
    assert [v.score for v in plain] != pytest.approx([v.score for v in from_vectors], abs=0.02)


def test_a_title_head_for_other_classes_is_refused(tmp_path: Path) -> None:
    head = OccupationHead(["ACCOUNTANT", "CHEF"], np.zeros((2, 4), np.float32), np.zeros(2, np.float32))
    other = OccupationHead(["CHEF", "HR"], np.zeros((2, 2), np.float32), np.zeros(2, np.float32))
    with pytest.raises(ValueError, match="same occupation classes"):
        save_occupation(tmp_path, head, Blend(1.0, 0.0, 0.0), Thresholds(40.0, 55.0, "test"), encoder="x",
                        chunk_tokens=64, chunk_overlap=8, metrics={}, title_head=other)


@pytest.mark.slow
def test_the_shipped_default_scorer_ranks_the_right_occupation_first() -> None:
    from core.config import Settings
    from core.scoring import load_scorer

    scorer = load_scorer(Settings(device="cpu"))  # the default: models/trained/occupation-minilm
    assert isinstance(scorer, OccupationAwareScorer)
    accountant, chef = scorer.score_batch(ACCOUNTANT_JD, [ACCOUNTANT_CV, CHEF_CV])
    assert accountant.score > chef.score + 10
    assert accountant.fit_class.value != "No Fit" and chef.fit_class.value == "No Fit"
    reading = scorer.job_occupations(ACCOUNTANT_JD)
    assert len(reading) == 3 and reading[0][0] == "ACCOUNTANT" and reading[0][1] > reading[1][1] > reading[2][1]


@pytest.mark.parametrize("command", ["train", "train-cross", "tune", "train-occupation"])
def test_every_training_command_refuses_missing_pairs_with_the_command_that_builds_them(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from models.__main__ import main

    assert main([command, "--pairs", str(tmp_path / "weak" / "pairs.csv")]) == 2
    assert f"python -m models build-data --out {tmp_path / 'weak'}" in capsys.readouterr().err


def test_pair_matrix_readings_span_the_mean_and_the_best_chunk() -> None:
    from models.occupation import PAIR_MATRIX_READINGS, attention_pool, read_pair_matrix

    rng = np.random.default_rng(3)
    jd, cv = rng.normal(size=(2, 8)), rng.normal(size=(4, 8))
    jd /= np.linalg.norm(jd, axis=1, keepdims=True)
    cv /= np.linalg.norm(cv, axis=1, keepdims=True)
    pairs = np.clip(jd @ cv.T, 0, 1)
    best = read_pair_matrix(PAIR_MATRIX_READINGS["max over CV chunks, mean over JD chunks"], jd, cv)
    assert best == pytest.approx(100 * pairs.max(1).mean())
    assert 100 * attention_pool(pairs, temperature=1e-4) == pytest.approx(best, abs=1e-3)  # cold: the best chunk
    assert attention_pool(pairs, temperature=1e4) == pytest.approx(pairs.mean(), abs=1e-5)  # hot: the mean
    for reading in PAIR_MATRIX_READINGS.values():
        assert read_pair_matrix(reading, jd, cv[:0]) == 0.0 and 0.0 <= read_pair_matrix(reading, jd, cv) <= 100.0


def test_the_linear_cross_validation_scores_each_fold_with_a_fit_from_the_others() -> None:
    from core.fit import FitClass
    from models.occupation import _crossval_linear

    rng = np.random.default_rng(5)
    truth = [FitClass.NO_FIT, FitClass.POTENTIAL_FIT, FitClass.GOOD_FIT] * 20
    groups = [f"jd{i // 6}" for i in range(60)]  # 10 postings of 6 pairs
    separating = np.array([t.target for t in truth]) + rng.normal(0, 0.02, 60)
    assert _crossval_linear(separating[:, None], truth, groups)["macro_f1"] > 0.95  # thresholds sit at a train fold's edge
    noise = rng.normal(size=(60, 2))
    assert _crossval_linear(noise, truth, groups)["macro_f1"] < 0.6

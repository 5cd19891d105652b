from __future__ import annotations

import math

import numpy as np
import pytest

from core.fit import CLASSES, FitClass, weighted_f1
from models.metrics import (
    average_precision,
    classification_report,
    confusion_matrix,
    ndcg_at_k,
    precision_at_k,
    ranked_relevance,
    score_distribution,
)

N, P, G = FitClass.NO_FIT, FitClass.POTENTIAL_FIT, FitClass.GOOD_FIT
TRUE = [N, N, N, P, P, G, G, G]
PRED = [N, P, N, P, N, G, G, P]


def test_confusion_matrix_rows_are_true_columns_predicted() -> None:
    assert confusion_matrix(TRUE, PRED).tolist() == [[2, 1, 0], [1, 1, 0], [0, 1, 2]]


def test_report_matches_hand_computed_values() -> None:
    report = classification_report(TRUE, PRED)
    assert report["n"] == 8
    assert report["accuracy"] == pytest.approx(5 / 8)
    no, potential, good = (report["per_class"][c.value] for c in CLASSES)
    assert (no["precision"], no["recall"], no["f1"], no["support"]) == pytest.approx((2 / 3, 2 / 3, 2 / 3, 3))
    assert (potential["precision"], potential["recall"], potential["f1"]) == pytest.approx((1 / 3, 0.5, 0.4))
    assert (good["precision"], good["recall"], good["f1"]) == pytest.approx((1.0, 2 / 3, 0.8))
    # Macro: plain mean of class F1s; weighted: by support (3, 2, 3) — they differ here.
    assert report["macro_f1"] == pytest.approx((2 / 3 + 0.4 + 0.8) / 3)
    assert report["weighted_f1"] == pytest.approx((3 * 2 / 3 + 2 * 0.4 + 3 * 0.8) / 8)
    assert report["weighted_f1"] == pytest.approx(weighted_f1(TRUE, PRED))
    assert report["confusion_matrix"] == [[2, 1, 0], [1, 1, 0], [0, 1, 2]]
    assert report["labels"] == ["No Fit", "Potential Fit", "Good Fit"]


def test_macro_f1_leaves_out_a_class_absent_from_truth_and_predictions() -> None:
    report = classification_report([N, N, G, G], [N, G, G, G])
    no_f1, good_f1 = 2 * 1 / (2 + 1), 2 * 2 / (2 + 3)
    assert report["macro_f1"] == pytest.approx((no_f1 + good_f1) / 2)
    assert report["per_class"]["Potential Fit"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}


def test_report_agrees_with_scikit_learn_on_random_labels() -> None:
    from sklearn.metrics import accuracy_score, f1_score

    rng = np.random.default_rng(3)
    true = [CLASSES[i] for i in rng.integers(3, size=200)]
    pred = [CLASSES[i] for i in rng.integers(3, size=200)]
    report = classification_report(true, pred)
    t, p = [c.value for c in true], [c.value for c in pred]
    assert report["accuracy"] == pytest.approx(accuracy_score(t, p))
    assert report["macro_f1"] == pytest.approx(f1_score(t, p, average="macro"))
    assert report["weighted_f1"] == pytest.approx(f1_score(t, p, average="weighted"))


def test_score_distribution_per_class() -> None:
    dist = score_distribution([10, 20, 30, 40, 50], [N, N, G, G, G])
    assert dist["No Fit"]["n"] == 2 and dist["No Fit"]["mean"] == pytest.approx(15)
    assert dist["No Fit"]["std"] == pytest.approx(5)
    assert dist["Good Fit"]["median"] == pytest.approx(40) and dist["Good Fit"]["q25"] == pytest.approx(35)
    assert (dist["Good Fit"]["min"], dist["Good Fit"]["max"]) == (30, 50)
    assert dist["Potential Fit"] == {"n": 0}


RANKED = [True, False, True, False, False]


def test_precision_at_k() -> None:
    assert precision_at_k(RANKED, 1) == 1.0
    assert precision_at_k(RANKED, 2) == 0.5
    assert precision_at_k(RANKED, 10) == pytest.approx(2 / 5)  # shorter list: over what is there


def test_ndcg_at_k_by_hand_and_against_scikit_learn() -> None:
    from sklearn.metrics import ndcg_score

    dcg = 1 + 1 / math.log2(4)
    idcg = 1 + 1 / math.log2(3)
    assert ndcg_at_k(RANKED, 3) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(RANKED, 3) == pytest.approx(ndcg_score([[1, 0, 1, 0, 0]], [[5, 4, 3, 2, 1]], k=3))
    assert ndcg_at_k([True, True, False], 2) == 1.0
    assert ndcg_at_k([False, False], 2) == 0.0
    # The ideal DCG counts every relevant item of the list, not only those in the top k.
    assert ndcg_at_k([False, True, True], 1) == 0.0


def test_average_precision() -> None:
    from sklearn.metrics import average_precision_score

    assert average_precision(RANKED) == pytest.approx((1 / 1 + 2 / 3) / 2)
    expected = average_precision_score([1, 0, 1, 0, 0], [5, 4, 3, 2, 1])
    assert average_precision(RANKED) == pytest.approx(expected)
    assert average_precision([False, False]) == 0.0
    assert average_precision([True, True]) == 1.0


def test_ranked_relevance_sorts_by_descending_score() -> None:
    assert ranked_relevance([0.1, 0.9, 0.5], [False, True, False]) == [True, False, False]
    with pytest.raises(ValueError):
        ranked_relevance([1.0], [True, False])

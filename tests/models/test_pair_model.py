"""The trainable bi-encoder: lexical features, the pair head, training and the trained scorer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from core.fit import Thresholds
from models.lexical import FEATURE_NAMES, IdfTable, LexicalFeaturizer, terms
from models.pair_model import HeadConfig, PairHead
from models.training import (
    PreparedPairs,
    TrainConfig,
    class_weights,
    document_scores,
    feature_mask,
    grouped_split,
    prepare,
    train_head,
)

PY_JD = "Python Developer\nBuild REST APIs in Python with Django and PostgreSQL."
PY_CV = "Python developer. Django, PostgreSQL, REST APIs, Docker."
CHEF_JD = "Pastry Chef\nLaminated doughs, chocolate, croissants, kitchen hygiene."
CHEF_CV = "Pastry chef: croissants, chocolate tempering, laminated doughs."


def test_terms_keep_tool_names_and_drop_stop_words() -> None:
    assert terms("C++, C#, Node.js and the GAAP") == ["c++", "c#", "node.js", "gaap"]


def test_lexical_features_reward_the_named_terms_and_title() -> None:
    featurizer = LexicalFeaturizer(IdfTable.fit([PY_JD, PY_CV, CHEF_JD, CHEF_CV]))
    good, bad = featurizer.features(PY_JD, [PY_CV, CHEF_CV])
    assert good.shape == (len(FEATURE_NAMES),)
    assert (good[:4] > bad[:4]).all() and bad[0] == 0.0
    assert ((0 <= good) & (good <= 1)).all()
    alone = featurizer.features(PY_JD, [PY_CV])[0]
    assert np.allclose(alone, good), "a pair's features do not depend on the rest of the batch"


def test_idf_table_round_trips(tmp_path: Path) -> None:
    idf = IdfTable.fit([PY_JD, PY_CV, CHEF_JD, CHEF_CV], min_df=1)
    idf.save(tmp_path / "idf.json.gz")
    again = IdfTable.load(tmp_path / "idf.json.gz")
    assert again.idf == idf.idf and again.n_docs == 4
    assert again.weight("never-seen") > max(again.idf.values()) - 1e-9


def test_head_outputs_a_pair_matrix_in_unit_range_and_round_trips(tmp_path: Path) -> None:
    torch.manual_seed(0)
    head = PairHead(HeadConfig(dim=8, extra_features=2)).eval()
    jd, cv, extra = torch.randn(3, 8), torch.randn(5, 8), torch.rand(1, 2)
    matrix = head.document_scores(jd, cv, extra)
    assert matrix.shape == (3, 5) and bool(((matrix > 0) & (matrix < 1)).all())
    head.save(tmp_path)
    assert torch.allclose(PairHead.load(tmp_path).document_scores(jd, cv, extra), matrix)
    with pytest.raises(ValueError, match="lexical"):
        head(jd, jd)


def test_class_weights_make_shares_40_30_30() -> None:
    labels = np.array([0.0] * 80 + [0.5] * 10 + [1.0] * 10, dtype=np.float32)
    w = class_weights(labels)
    shares = [w[np.isclose(labels, v)].sum() / w.sum() for v in (0.0, 0.5, 1.0)]
    assert shares == pytest.approx([0.4, 0.3, 0.3])


def test_grouped_split_keeps_cvs_and_jds_on_one_side() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"jd_group": rng.integers(0, 40, 2000).astype(str),
                          "resume_group": rng.integers(0, 200, 2000).astype(str)})
    train, val = grouped_split(frame, side_fraction=0.3)
    assert len(train) and len(val)
    for column in ("jd_group", "resume_group"):
        assert not set(frame.loc[train, column]) & set(frame.loc[val, column])


def _synthetic(n: int = 120, dim: int = 6, seed: int = 0) -> PreparedPairs:
    """Pairs whose label is how aligned the JD and CV vectors are: learnable by the head."""
    rng = np.random.default_rng(seed)
    vectors, jd_index, cv_index, labels = [], [], [], []
    for i in range(n):
        jd = rng.normal(size=(2, dim)).astype(np.float32)
        label = [0.0, 0.5, 1.0][i % 3]
        cv = (label * jd[:1] + (1 - label) * rng.normal(size=(3, dim))).astype(np.float32)
        vectors += [jd, cv]
        jd_index.append(2 * i)
        cv_index.append(2 * i + 1)
        labels.append(label)
    features = np.zeros((n, len(FEATURE_NAMES)), np.float32)
    return PreparedPairs(vectors, np.array(jd_index), np.array(cv_index), features,
                         np.array(labels, np.float32), [str(i) for i in range(n)])


def test_training_learns_a_separable_signal_and_is_deterministic() -> None:
    data = _synthetic()
    config = TrainConfig(epochs=12, lr=3e-3, features=(), hidden=32, seed=5)
    first = train_head(data.subset(range(90)), data.subset(range(90, 120)), config, dim=6, show_progress=False)
    second = train_head(data.subset(range(90)), data.subset(range(90, 120)), config, dim=6, show_progress=False)
    assert first.val_weighted_f1 > 0.6
    scores = document_scores(first.head, data.subset(range(90, 120)), feature_mask(()))
    again = document_scores(second.head, data.subset(range(90, 120)), feature_mask(()))
    assert np.array_equal(scores, again)
    by_label = {v: scores[np.isclose(data.labels[90:], v)].mean() for v in (0.0, 0.5, 1.0)}
    assert by_label[1.0] > by_label[0.5] > by_label[0.0]


def test_trained_scorer_loads_artifacts_and_scores_like_the_head(tmp_path: Path, scorer, encoder) -> None:
    from models.trained_scorer import ArtifactConfig, TrainedPairScorer

    frame = pd.DataFrame({"job_description_text": [PY_JD, PY_JD, CHEF_JD, CHEF_JD],
                          "resume_text": [PY_CV, CHEF_CV, CHEF_CV, PY_CV], "label": [1.0, 0.0, 1.0, 0.0],
                          "jd_group": ["a", "a", "b", "b"]})
    idf = IdfTable.fit([PY_JD, PY_CV, CHEF_JD, CHEF_CV], min_df=1)
    features = ("tfidf_cosine", "title_in_cv")
    prepared = prepare(frame, scorer, LexicalFeaturizer(idf), desc="test")
    config = TrainConfig(epochs=30, lr=1e-2, features=features, hidden=16, max_jd_chunks=None, max_cv_chunks=None)
    result = train_head(prepared, None, config, dim=encoder.dimension, show_progress=False)
    result.head.save(tmp_path)
    idf.save(tmp_path / "idf.json.gz")
    Thresholds(30, 60, "test").save(tmp_path / "thresholds.json")
    ArtifactConfig("bi-encoder:test", "1", "bundled:all-MiniLM-L6-v2", scorer.chunk_tokens, scorer.overlap,
                   features).save(tmp_path)
    trained = TrainedPairScorer(encoder, tmp_path)
    results = trained.score_batch(PY_JD, [PY_CV, CHEF_CV])
    expected = document_scores(result.head, prepared.subset([0, 1]), feature_mask(features))
    assert [r.score for r in results] == pytest.approx(expected.tolist(), abs=0.05)
    assert results[0].score > results[1].score
    assert results[0].model_name == "bi-encoder:test" and results[0].pair_matrix.shape[0] == len(results[0].jd_chunks)
    assert [r.score for r in trained.score_batch(PY_JD, [CHEF_CV, PY_CV])] == pytest.approx(
        [r.score for r in results][::-1], abs=0.02)

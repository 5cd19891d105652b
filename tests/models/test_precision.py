"""Inference precision: bf16 where the hardware does it natively, fp32 elsewhere, and what bf16 changes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

import models.encoder as encoder_module
from core.errors import ModelUnavailable
from models.encoder import resolve_bf16

CPU = torch.device("cpu")
TEXTS = [
    "Staff accountant: general ledger, month-end close, reconciliations and GAAP reporting.",
    "Sous chef with eight years in busy kitchens: menu planning, food safety and line supervision. " * 6,
    "Registered nurse, ICU, patient assessment and care plans.",
]


@pytest.mark.parametrize(("precision", "native", "expected"), [
    ("fp32", True, False), ("bf16", False, True), ("auto", True, True), ("auto", False, False)])
def test_the_cpu_runs_bf16_when_asked_or_when_auto_finds_bf16_instructions(
        precision: str, native: bool, expected: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoder_module, "native_cpu_bf16", lambda: native)
    assert resolve_bf16(precision, CPU) is expected


def test_auto_follows_the_gpu_and_never_guesses_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert resolve_bf16("auto", torch.device("cuda")) is True
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert resolve_bf16("auto", torch.device("cuda")) is False  # an older GPU: fp32
    assert resolve_bf16("auto", torch.device("mps")) is False


def test_int8_runs_without_bf16_and_asking_for_both_is_a_clear_error() -> None:
    assert resolve_bf16("auto", CPU, quantize="int8") is False
    with pytest.raises(ModelUnavailable, match="exclude each other"):
        resolve_bf16("bf16", CPU, quantize="int8")
    with pytest.raises(ModelUnavailable, match="unknown precision"):
        resolve_bf16("fp8", CPU)


def test_the_precision_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from core.config import Settings

    assert Settings(precision=" BF16 ").precision == "bf16"
    with pytest.raises(ValidationError, match="RECRUIT_PRECISION"):
        Settings(precision="half")
    monkeypatch.delenv("RECRUIT_PRECISION", raising=False)
    assert Settings().precision == "auto"  # the default outside the test suite


def test_native_bf16_needs_the_cpu_flag_and_is_never_guessed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    without = tmp_path / "cpuinfo"
    without.write_text("flags\t\t: fpu sse2 avx2 avx512f avx512bw\n", encoding="utf-8")
    assert encoder_module.native_cpu_bf16(without) is False  # AVX-512 alone: bf16 would be emulated
    assert encoder_module.native_cpu_bf16(tmp_path / "missing") is False  # no /proc (not Linux)
    with_flag = tmp_path / "cpuinfo_bf16"
    with_flag.write_text("flags\t\t: fpu avx512f avx512_bf16\n", encoding="utf-8")
    assert encoder_module.native_cpu_bf16(with_flag) is bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def test_bf16_vectors_are_float32_unit_vectors_close_to_fp32(encoder) -> None:
    exact = encoder.encode_texts(TEXTS)
    fast = dataclasses.replace(encoder, bf16=True).encode_texts(TEXTS)
    assert fast.dtype == np.float32
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    assert float(np.min((exact * fast).sum(axis=1))) > 0.999
    assert not np.array_equal(exact, fast)  # bf16 did run: its rounding shows


def test_a_bf16_scorer_ranks_like_fp32_within_a_fraction_of_a_point(scorer) -> None:
    from core.scoring import ChunkAveragedCosineScorer

    fast = ChunkAveragedCosineScorer(dataclasses.replace(scorer.encoder, bf16=True), thresholds=scorer.thresholds,
                                     chunk_tokens=scorer.chunk_tokens, overlap=scorer.overlap)
    exact_scores = [r.score for r in scorer.score_batch(TEXTS[0], TEXTS[1:] + [TEXTS[0]])]
    fast_scores = [r.score for r in fast.score_batch(TEXTS[0], TEXTS[1:] + [TEXTS[0]])]
    assert np.argsort(exact_scores).tolist() == np.argsort(fast_scores).tolist()
    assert np.max(np.abs(np.array(exact_scores) - np.array(fast_scores))) < 0.5


def test_the_encoder_follows_the_precision_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import get_settings
    from models.encoder import load_encoder

    monkeypatch.setenv("RECRUIT_PRECISION", "bf16")
    get_settings.cache_clear()
    assert load_encoder("bundled:all-MiniLM-L6-v2", device="cpu").bf16 is True
    assert load_encoder("bundled:all-MiniLM-L6-v2", device="cpu", precision="fp32").bf16 is False

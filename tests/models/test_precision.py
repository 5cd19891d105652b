"""Inference precision: bf16 where the hardware does it natively, fp16 on a GPU without it, fp32 elsewhere,
and what half precision changes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

import models.encoder as encoder_module
from core.errors import ModelUnavailable
from models.encoder import resolve_precision

CPU = torch.device("cpu")
TEXTS = [
    "Staff accountant: general ledger, month-end close, reconciliations and GAAP reporting.",
    "Sous chef with eight years in busy kitchens: menu planning, food safety and line supervision. " * 6,
    "Registered nurse, ICU, patient assessment and care plans.",
]


@pytest.mark.parametrize(("precision", "native", "expected"), [
    ("fp32", True, "fp32"), ("bf16", False, "bf16"), ("auto", True, "bf16"), ("auto", False, "fp32")])
def test_the_cpu_runs_bf16_when_asked_or_when_auto_finds_bf16_instructions(
        precision: str, native: bool, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoder_module, "native_cpu_bf16", lambda: native)
    assert resolve_precision(precision, CPU) == expected


def test_auto_follows_the_gpu_and_never_guesses_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    cuda = torch.device("cuda")
    from models.cross_encoder import training_half

    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation=True: True)
    assert resolve_precision("auto", cuda) == "bf16" and training_half(cuda) is torch.bfloat16
    # An older GPU (V100, T4): torch says True by default there, because it can emulate bf16 (slowly).
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation=True: including_emulation)
    assert resolve_precision("auto", cuda) == "fp16" and training_half(cuda) is None
    assert resolve_precision("fp16", cuda) == "fp16" and resolve_precision("fp32", cuda) == "fp32"
    assert resolve_precision("auto", torch.device("mps")) == "fp32"
    assert resolve_precision("bf16", torch.device("mps")) == "fp32"


def test_fp16_is_for_gpus_and_int8_runs_in_fp32_only() -> None:
    with pytest.raises(ModelUnavailable, match="fp16 is for GPUs"):
        resolve_precision("fp16", CPU)
    assert resolve_precision("auto", CPU, quantize="int8") == "fp32"
    for half in ("bf16", "fp16"):
        with pytest.raises(ModelUnavailable, match="exclude each other"):
            resolve_precision(half, CPU, quantize="int8")
    with pytest.raises(ModelUnavailable, match="unknown precision"):
        resolve_precision("fp8", CPU)


def test_the_precision_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from core.config import Settings

    assert Settings(precision=" BF16 ").precision == "bf16" and Settings(precision="fp16").precision == "fp16"
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
    fast = dataclasses.replace(encoder, precision="bf16").encode_texts(TEXTS)
    assert fast.dtype == np.float32
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    assert float(np.min((exact * fast).sum(axis=1))) > 0.999
    assert not np.array_equal(exact, fast)  # bf16 did run: its rounding shows


def test_the_fp16_autocast_path_gives_float32_unit_vectors_close_to_fp32(encoder) -> None:
    """fp16 runs on GPUs; the same autocast code path on this CPU checks what it hands back."""
    exact = encoder.encode_texts(TEXTS)
    half = dataclasses.replace(encoder, precision="fp16")
    assert half.half_dtype is torch.float16 and encoder.half_dtype is None
    fast = half.encode_texts(TEXTS)
    assert fast.dtype == np.float32 and np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    assert float(np.min((exact * fast).sum(axis=1))) > 0.999
    assert not np.array_equal(exact, fast)


def test_a_gpu_autocasts_bf16_always_and_fp16_for_inference_only(encoder) -> None:
    gpu = torch.device("cuda")  # only the decision is checked: no forward pass runs on it
    bf16, fp16 = (dataclasses.replace(encoder, device=gpu, precision=p) for p in ("bf16", "fp16"))
    assert bf16.gpu_autocast() is torch.bfloat16 and fp16.gpu_autocast() is None  # gradients on: fp16 is off
    with torch.inference_mode():
        assert bf16.gpu_autocast() is torch.bfloat16 and fp16.gpu_autocast() is torch.float16
        assert dataclasses.replace(encoder, device=gpu).gpu_autocast() is None  # fp32
        assert dataclasses.replace(encoder, precision="bf16").gpu_autocast() is None  # a CPU: encode_ids casts


def test_a_bf16_scorer_ranks_like_fp32_within_a_fraction_of_a_point(scorer) -> None:
    from core.scoring import ChunkAveragedCosineScorer

    fast = ChunkAveragedCosineScorer(dataclasses.replace(scorer.encoder, precision="bf16"), thresholds=scorer.thresholds,
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
    assert load_encoder("bundled:all-MiniLM-L6-v2", device="cpu").precision == "bf16"
    assert load_encoder("bundled:all-MiniLM-L6-v2", device="cpu", precision="fp32").precision == "fp32"

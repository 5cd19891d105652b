"""Cross-encoder pairing: a JD chunk and a CV chunk in one input, for re-scoring the top of a ranking.

The backbone (any Hugging Face ``AutoModel``: the bundled MiniLM, or a decoder such as SmolLM2
with last-token pooling) reads ``[frame] JD chunk [sep] CV chunk [frame]`` and a regression head
ending in a sigmoid gives the pair's fit in [0, 1]; the document score is the mean of the
JD-chunk × CV-chunk pair matrix, as for the bi-encoder. The backbone is tuned with LoRA (peft):
only the adapters and the head are trained and saved (a few hundred KB, no backbone copy).

Every pair costs one forward pass over both chunks, so this is far slower than the bi-encoder
(whose chunk vectors are stored and reused): :class:`TopRescorer` runs it on the top of a
first-stage ranking only.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from core.chunking import Chunk, chunk_text
from core.errors import ModelUnavailable
from core.fit import FitClass, Thresholds, tune_thresholds
from core.scoring import ProgressCallback, Scorer, ScoreResult
from models.encoder import TextEncoder, autocast_to, load_encoder, native_gpu_bf16, pool, special_token_frame
from models.training import fit_document_scores, grouped_split, load_weak_pairs, segment_means, validation_f1

logger = logging.getLogger(__name__)

PAIRING = "cross-encoder"


@dataclass(frozen=True)
class CrossConfig:
    """What a cross-encoder artifact needs to be rebuilt, and how it was trained."""

    encoder: str = "bundled:all-MiniLM-L6-v2"
    pair_tokens: int = 256  # one input: JD chunk + CV chunk + special tokens
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.1
    hidden: int = 128
    epochs: int = 2
    lr: float = 2e-4  # LoRA adapters; the head learns at lr × head_lr_factor
    head_lr_factor: float = 10.0
    weight_decay: float = 0.01
    batch_pairs: int = 8
    accumulation: int = 4
    warmup_fraction: float = 0.1
    max_jd_chunks: int = 1  # training only: chunk pairs per document pair
    max_cv_chunks: int = 2
    score_jd_chunks: int = 2  # scoring: the first JD chunks × the first CV chunks are read (cost bound)
    score_cv_chunks: int = 4
    seed: int = 13
    pairing: str = PAIRING

    @property
    def chunk_tokens(self) -> int:
        """Content tokens per chunk: half of the pair input, less the special tokens."""
        return max(16, (self.pair_tokens - 4) // 2)

    def save(self, folder: Path, **extra: object) -> None:
        (folder / "config.json").write_text(json.dumps({**asdict(self), **extra}, indent=2) + "\n")

    @classmethod
    def load(cls, folder: Path) -> CrossConfig:
        data = json.loads((folder / "config.json").read_text())
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def is_cross_artifact(folder: Path) -> bool:
    from models.artifacts import artifact_kind

    return artifact_kind(folder) == PAIRING


class CrossEncoderModel(nn.Module):
    """Backbone (with LoRA adapters) + pooling + MLP head → sigmoid."""

    def __init__(self, encoder: TextEncoder, config: CrossConfig) -> None:
        super().__init__()
        from peft import LoraConfig, get_peft_model

        self.config = config
        self.pooling = encoder.pooling
        self.tokenizer = encoder.tokenizer
        lora = LoraConfig(r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
                          target_modules=_attention_modules(encoder.model))
        self.backbone = get_peft_model(encoder.model, lora)
        dim = encoder.dimension
        self.head = nn.Sequential(nn.Linear(dim, config.hidden), nn.GELU(), nn.Dropout(0.1), nn.Linear(config.hidden, 1))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        pooled = pool(hidden, attention_mask, self.pooling).float()
        # The head in fp32 whatever the backbone's autocast: a bf16 sigmoid would step scores by 2⁻⁸.
        with torch.autocast(device_type=pooled.device.type, enabled=False):
            return torch.sigmoid(self.head(pooled)).squeeze(-1)

    def trainable_state(self) -> dict[str, torch.Tensor]:
        """Only what training changed: LoRA adapters and the head."""
        return {k: v.detach().clone() for k, v in self.state_dict().items() if "lora_" in k or k.startswith("head.")}

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous().cpu() for k, v in self.trainable_state().items()}, str(folder / "cross_encoder.safetensors"))

    def load_trained(self, folder: Path) -> None:
        state = load_file(str(folder / "cross_encoder.safetensors"))
        missing = [k for k in state if k not in self.state_dict()]
        if missing:
            raise ModelUnavailable(f"{folder} does not match its backbone ({len(missing)} unknown weights, e.g. {missing[0]})")
        self.load_state_dict(state, strict=False)


def _attention_modules(model: nn.Module) -> list[str]:
    """Names of the attention projections LoRA adapts, for BERT-like encoders and Llama-like decoders."""
    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    for candidates in (("query", "value"), ("q_proj", "v_proj"), ("c_attn",)):
        if all(c in names for c in candidates):
            return list(candidates)
    raise ModelUnavailable("cannot find attention projections to adapt with LoRA in this backbone")


def training_half(device: torch.device) -> torch.dtype | None:
    """Training's autocast: bf16 on a GPU that has it (no loss scaling needed), fp32 elsewhere."""
    return torch.bfloat16 if device.type == "cuda" and native_gpu_bf16() else None


class PairInputs:
    """Builds padded cross-encoder inputs from chunk token ids."""

    def __init__(self, tokenizer: object, pair_tokens: int) -> None:
        self.prefix, self.suffix = special_token_frame(tokenizer)
        if not self.suffix:  # decoders: separate the two chunks with a newline
            self.separator = tokenizer("\n", add_special_tokens=False)["input_ids"]  # type: ignore[operator]
        else:
            self.separator = self.suffix
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0  # type: ignore[attr-defined]
        self.pair_tokens = pair_tokens

    def build(self, pairs: Sequence[tuple[Sequence[int], Sequence[int]]]) -> tuple[torch.Tensor, torch.Tensor]:
        room = self.pair_tokens - len(self.prefix) - len(self.separator) - len(self.suffix)
        rows = []
        for jd, cv in pairs:
            half = room // 2
            a = list(jd)[: max(half, room - len(cv))]
            b = list(cv)[: room - len(a)]
            rows.append(self.prefix + a + self.separator + b + self.suffix)
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = torch.tensor(r, dtype=torch.long)
            mask[i, : len(r)] = 1
        return ids, mask


@dataclass
class DocumentPairs:
    """Document pairs as chunk token ids: what cross-encoder training and scoring consume."""

    jd_chunks: list[list[tuple[int, ...]]]
    cv_chunks: list[list[tuple[int, ...]]]
    labels: np.ndarray
    jd_groups: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, rows: Sequence[int]) -> DocumentPairs:
        return DocumentPairs([self.jd_chunks[i] for i in rows], [self.cv_chunks[i] for i in rows], self.labels[list(rows)],
                             [self.jd_groups[i] for i in rows] if self.jd_groups else [])


def chunk_ids(tokenizer: object, text: str, config: CrossConfig) -> list[tuple[int, ...]]:
    return [c.token_ids for c in chunk_text(text, tokenizer, max_tokens=config.chunk_tokens, overlap=16)]


def document_pairs(frame: pd.DataFrame, tokenizer: object, config: CrossConfig) -> DocumentPairs:
    cache: dict[str, list[tuple[int, ...]]] = {}

    def chunks(text: object) -> list[tuple[int, ...]]:
        key = str(text)
        if key not in cache:
            cache[key] = chunk_ids(tokenizer, key, config)
        return cache[key]

    groups = frame["jd_group"].astype(str).tolist() if "jd_group" in frame else frame["job_description_text"].astype(str).tolist()
    return DocumentPairs([chunks(t) for t in frame["job_description_text"]], [chunks(t) for t in frame["resume_text"]],
                         np.array([FitClass.parse(v).target for v in frame["label"]], dtype=np.float32), groups)


def _flatten(data: DocumentPairs, rows: Sequence[int], max_jd: int | None, max_cv: int | None
             ) -> tuple[list[tuple[tuple[int, ...], tuple[int, ...]]], list[int]]:
    pairs, segments = [], []
    for seg, row in enumerate(rows):
        jd = data.jd_chunks[row][:max_jd] or [()]
        cv = data.cv_chunks[row][:max_cv] or [()]
        for a in jd:
            for b in cv:
                pairs.append((a, b))
                segments.append(seg)
    return pairs, segments


def score_document_pairs(model: CrossEncoderModel, inputs: PairInputs, data: DocumentPairs, *, batch: int = 32,
                         max_jd: int | None = None, max_cv: int | None = None,
                         progress: ProgressCallback | None = None, half: torch.dtype | None = None
                         ) -> tuple[np.ndarray, list[np.ndarray]]:
    """0–100 chunk-averaged score and the pair matrix of every document pair, under ``half`` autocast
    when given (the scorer passes its encoder's precision, :func:`models.encoder.resolve_precision`;
    training validates as it trains: :func:`training_half`)."""
    model.eval()
    device = next(model.parameters()).device
    pairs, _ = _flatten(data, range(len(data)), max_jd, max_cv)
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))  # length bucketing
    values = np.zeros(len(pairs), dtype=np.float32)
    with torch.inference_mode():
        for begin in range(0, len(order), batch):
            idx = order[begin : begin + batch]
            ids, mask = inputs.build([pairs[i] for i in idx])
            with autocast_to(device.type, half):
                values[idx] = model(ids.to(device), mask.to(device)).float().cpu().numpy()
            if progress is not None:
                progress(min(begin + batch, len(order)), len(order))
    matrices, at = [], 0
    for row in range(len(data)):
        m = len(data.jd_chunks[row][:max_jd]) or 1
        n = len(data.cv_chunks[row][:max_cv]) or 1
        matrices.append(values[at : at + m * n].reshape(m, n))
        at += m * n
    scores = np.array([float(mat.mean()) * 100 if mat.size else 0.0 for mat in matrices], dtype=np.float32)
    return scores, matrices


@dataclass
class CrossTrainResult:
    model: CrossEncoderModel
    best_epoch: int
    val_weighted_f1: float
    history: list[dict[str, float]]
    seconds: float


def train_cross_encoder(encoder: TextEncoder, train: DocumentPairs, val: DocumentPairs, config: CrossConfig,
                        *, show_progress: bool = True) -> CrossTrainResult:
    """LoRA + head training with the shared loop (:func:`models.training.fit_document_scores`):
    AdamW with the head at lr × ``head_lr_factor``, warm-up, accumulation, 40/30/30 class weights,
    MSE of the chunk-averaged score against 0 / 0.5 / 1, best epoch by validation weighted F1."""
    torch.manual_seed(config.seed)
    model = CrossEncoderModel(encoder, config).to(encoder.device)
    inputs = PairInputs(encoder.tokenizer, config.pair_tokens)
    adapters = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]
    optimizer = torch.optim.AdamW([
        {"params": adapters, "lr": config.lr},
        {"params": list(model.head.parameters()), "lr": config.lr * config.head_lr_factor},
    ], weight_decay=config.weight_decay)
    device = encoder.device
    half = training_half(device)

    def document_scores_of(rows: list[int]) -> torch.Tensor:
        pairs, segments = _flatten(train, rows, config.max_jd_chunks, config.max_cv_chunks)
        ids, mask = inputs.build(pairs)
        with autocast_to(device.type, half):
            pair = model(ids.to(device), mask.to(device)).float().cpu()
        return segment_means(pair, torch.tensor(segments), len(rows))

    def validate() -> tuple[float, object]:
        scores, _ = score_document_pairs(model, inputs, val, max_jd=config.max_jd_chunks, max_cv=config.max_cv_chunks,
                                         half=half)
        return validation_f1(scores, val.labels)

    loop = fit_document_scores(
        model=model, optimizer=optimizer, labels=train.labels, document_scores_of=document_scores_of,
        validate=validate if len(val) else None, epochs=config.epochs, batch_pairs=config.batch_pairs,
        accumulation=config.accumulation, warmup_fraction=config.warmup_fraction, seed=config.seed,
        desc="cross-encoder epoch", show_progress=show_progress)
    return CrossTrainResult(model, loop.best_epoch, loop.best_f1, loop.history, loop.seconds)


class CrossEncoderScorer:
    """Scores (JD, CV) documents with the cross-encoder: every JD chunk × CV chunk read together.

    For inference the LoRA adapters are merged into the backbone's weights (one matrix product per
    layer instead of three; the ``encoder`` given is changed in place, so give it its own copy), pairs
    go ``batch`` at a time (default: the encoder's, 8 on a CPU) in the encoder's precision, as the
    bi-encoder does (``RECRUIT_PRECISION``: bf16 on a bf16 CPU or GPU, fp16 on an older GPU). ``bench/bench_pipeline.py``
    times it against one pair at a time in fp32.
    """

    def __init__(self, encoder: TextEncoder, folder: Path, *, batch: int | None = None) -> None:
        self.config = CrossConfig.load(folder)
        meta = json.loads((folder / "config.json").read_text())
        self.encoder = encoder
        self.model = CrossEncoderModel(encoder, self.config).to(encoder.device)
        self.model.load_trained(folder)
        self.model.backbone = self.model.backbone.merge_and_unload()
        self.model.eval()
        encoder.tuned = True  # its weights now carry the adapters: never an untrained baseline's encoder
        self.inputs = PairInputs(encoder.tokenizer, self.config.pair_tokens)
        self.thresholds = Thresholds.load(folder / "thresholds.json")
        self.name = str(meta.get("name", f"cross-encoder:{encoder.name}"))
        self.version = str(meta.get("version", "unversioned"))
        self.batch = batch or encoder.batch_size

    def chunk(self, text: str) -> list[Chunk]:
        return chunk_text(text, self.encoder.tokenizer, max_tokens=self.config.chunk_tokens, overlap=16)

    def score_batch(self, job_text: str, cv_texts: Sequence[str], progress: ProgressCallback | None = None
                    ) -> list[ScoreResult]:
        jd_chunks = tuple(self.chunk(job_text))
        cv_chunks = [tuple(self.chunk(t)) for t in cv_texts]
        data = DocumentPairs([[c.token_ids for c in jd_chunks]] * len(cv_texts),
                             [[c.token_ids for c in chunks] for chunks in cv_chunks], np.zeros(len(cv_texts), np.float32))
        scores, matrices = score_document_pairs(self.model, self.inputs, data, batch=self.batch, progress=progress,
                                                max_jd=self.config.score_jd_chunks, max_cv=self.config.score_cv_chunks,
                                                half=self.encoder.half_dtype)
        return [ScoreResult(score=round(float(s), 2), fit_class=self.thresholds.classify(round(float(s), 2)),
                            pair_matrix=m.astype(np.float32), jd_chunks=jd_chunks, cv_chunks=chunks,
                            model_name=self.name, model_version=self.version)
                for s, m, chunks in zip(scores, matrices, cv_chunks, strict=True)]


class TopRescorer:
    """Two stages: a fast scorer ranks every CV, the cross-encoder re-scores the top ``k``.

    The re-scored CVs keep the top ``k`` places, ordered by the cross-encoder's score (and carry
    its fit class); the rest keep their first-stage results. The two scores' scales differ: a re-scored
    CV whose cross-encoder score is not above the best first-stage score left below is lifted just
    above it (and above the re-scored CVs it outranks), so the order holds without ties.
    """

    def __init__(self, first: Scorer, cross: CrossEncoderScorer, *, top: int) -> None:
        self.first, self.cross, self.top = first, cross, top
        self.thresholds = first.thresholds
        self.name = f"{first.name}+rescore-top{top}:{cross.name}"
        self.version = f"{first.version}+{cross.version}"

    def score_batch(self, job_text: str, cv_texts: Sequence[str], progress: ProgressCallback | None = None
                    ) -> list[ScoreResult]:
        results = self.first.score_batch(job_text, cv_texts, progress=progress)
        top = sorted(range(len(results)), key=lambda i: -results[i].score)[: self.top]
        if not top:
            return results
        rescored = dict(zip(top, self.cross.score_batch(job_text, [cv_texts[i] for i in top]), strict=True))
        chosen = set(top)
        below = max((results[i].score for i in range(len(results)) if i not in chosen), default=0.0)
        out = list(results)
        # From the cross-encoder's lowest to its highest: each at least 0.01 above the one before.
        for i in sorted(top, key=lambda i: rescored[i].score):
            r = rescored[i]
            score = max(r.score, round(below + 0.01, 2))
            out[i] = r if score == r.score else replace(r, score=score)
            below = score
        return out


def load_cross_scorer(folder: Path, *, device: str = "auto") -> CrossEncoderScorer:
    if not is_cross_artifact(folder):
        raise ModelUnavailable(f"no cross-encoder at {folder}: train one with `python -m models train-cross`")
    config = CrossConfig.load(folder)
    return CrossEncoderScorer(load_encoder(config.encoder, device=device), folder)


def run_cross_training(*, pairs_csv: Path, rubric_csv: Path, out: Path, config: CrossConfig, max_pairs: int,
                       device: str = "auto") -> dict:
    """Train on weak pairs (grouped validation split), tune thresholds on rubric folds, save, report."""
    import platform

    from models.crossval import rubric_frame, summary
    from models.evaluation import cross_validated_classes

    started = time.perf_counter()
    encoder = load_encoder(config.encoder, device=device)
    weak = load_weak_pairs(pairs_csv)
    train_rows, val_rows = grouped_split(weak, seed=config.seed)
    rng = np.random.default_rng(config.seed)
    train_rows = np.sort(rng.permutation(train_rows)[:max_pairs])
    val_rows = np.sort(rng.permutation(val_rows)[: max(32, max_pairs // 8)])
    train = document_pairs(weak.loc[train_rows], encoder.tokenizer, config)
    val = document_pairs(weak.loc[val_rows], encoder.tokenizer, config)
    result = train_cross_encoder(encoder, train, val, config)
    rubric = document_pairs(rubric_frame(str(rubric_csv)), encoder.tokenizer, config)
    inputs = PairInputs(encoder.tokenizer, config.pair_tokens)
    t0 = time.perf_counter()
    scores, _ = score_document_pairs(result.model, inputs, rubric, half=training_half(encoder.device),
                                     max_jd=config.score_jd_chunks,
                                     max_cv=config.score_cv_chunks)
    score_seconds = time.perf_counter() - t0
    truth = [FitClass.parse(v) for v in rubric.labels]
    thresholds = tune_thresholds(scores.tolist(), truth, source=f"tuned for weighted F1 on all of {rubric_csv.name}")
    predicted, _ = cross_validated_classes(scores.tolist(), truth, rubric.jd_groups)
    out.mkdir(parents=True, exist_ok=True)
    result.model.save(out)
    thresholds.save(out / "thresholds.json")
    name = f"cross-encoder:{encoder.name}+lora{config.lora_r}"
    config.save(out, name=name, version=f"{time.strftime('%Y%m%d')}-s{config.seed}")
    report = {
        "hardware": f"{platform.machine()}, {torch.get_num_threads()} torch threads, "
                    f"{'CUDA ' + torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'CPU only'}",
        "config": asdict(config),
        "weak_pairs": {"train": len(train), "validation": len(val)},
        "best_epoch": result.best_epoch,
        "validation_weighted_f1_weak": round(result.val_weighted_f1, 4),
        "history": result.history,
        "rubric_thresholds_cross_validated": {k: round(v, 4) for k, v in summary(truth, predicted).items()},
        "rubric_pairs_per_second": round(len(rubric) / score_seconds, 2),
        "seconds": {"train": round(result.seconds, 1), "total": round(time.perf_counter() - started, 1)},
    }
    (out / "metrics.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    return report

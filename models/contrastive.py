"""Tuning the bi-encoder backbone itself on weak pairs: LoRA adapters, contrastive + ordinal loss.

``python -m models tune [--pairs data/weak_pairs/pairs.csv] [--out models/trained/minilm-tuned]``

The frozen-backbone pair head (:mod:`models.training`) could not teach the embeddings anything:
MiniLM's vectors already encode "what kind of text is this", not "which occupation is this CV
for". Here the backbone moves. LoRA adapters (peft) on the attention projections of
all-MiniLM-L6-v2 learn, from the weakly labelled pairs of ``build-data``:

- a contrastive (multiple-negatives ranking) loss: each JD chunk must find a chunk of its Good
  Fit CV among every CV chunk of the batch. In-batch CVs of the positive's own category are
  masked (they are likely fits too, not negatives), and every JD brings a No Fit CV of its own
  (a hard negative: a third of them are the same occupational family);
- an ordinal (CoSENT) loss over the batch's labelled pairs: Good above Potential above No Fit.

Scoring stays what the research describes: the document score is the mean of the JD-chunk ×
CV-chunk cosine matrix (:class:`core.scoring.ChunkAveragedCosineScorer`), now with the tuned
encoder; class thresholds are tuned on the rubric-labelled pairs (``fit_labels``). Because the
scorer still scores by cosine of stored chunk vectors, a stored CV is never encoded twice and a
new JD re-ranks the stored pool with matrix products, exactly as with the untrained encoder.

Artifacts (``--out``): ``adapter_model.safetensors`` + ``adapter_config.json`` (peft, ~1 MB, no
backbone copy), ``config.json`` (``kind: tuned-bi-encoder``, backbone, chunking, name, version),
``thresholds.json``, ``metrics.json``. :func:`load_tuned_scorer` rebuilds the scorer from them.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from tqdm import tqdm

from core.chunking import chunk_text
from core.errors import ModelUnavailable
from core.fit import FitClass, Thresholds, tune_thresholds, weighted_f1
from core.scoring import ChunkAveragedCosineScorer, chunk_averaged_score
from models.artifacts import artifact_kind
from models.encoder import TextEncoder, load_encoder, quantize_int8

logger = logging.getLogger(__name__)

KIND = "tuned-bi-encoder"
LORA_TARGETS = ("query", "key", "value", "attention.output.dense")


@dataclass(frozen=True)
class TuneConfig:
    """Recipe of a tuning run (saved with the artifacts)."""

    encoder: str = "bundled:all-MiniLM-L6-v2"
    chunk_tokens: int = 256  # chunking of the scorer (and of training)
    chunk_overlap: int = 32
    epochs: int = 2
    batch_jds: int = 16  # JDs per step; each brings a Good, a Potential and a No Fit CV when it has them
    accumulation: int = 1
    lr: float = 2e-4  # LoRA adapters learn at the usual LoRA rate; the backbone itself is frozen
    weight_decay: float = 0.01
    warmup_fraction: float = 0.1
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    scale: float = 20.0  # temperature of both losses (cosine × scale)
    cosent_weight: float = 1.0
    seed: int = 13
    max_steps_per_epoch: int | None = None  # a cap for quick runs and tests
    name: str = "minilm-tuned"


# --- data ----------------------------------------------------------------------------------------


@dataclass
class TuningData:
    """Weak pairs as index arrays over distinct texts, with each text's chunks (token ids)."""

    chunks: list[list[list[int]]]  # per distinct text: its chunks' content token ids
    jd: np.ndarray
    cv: np.ndarray
    label: np.ndarray  # 0 / 0.5 / 1
    cv_category: np.ndarray  # per pair: the CV's category (in-batch masking)

    def rows_by_jd(self, rows: Sequence[int]) -> dict[int, dict[float, list[int]]]:
        out: dict[int, dict[float, list[int]]] = defaultdict(lambda: defaultdict(list))
        for r in rows:
            out[int(self.jd[r])][float(self.label[r])].append(int(r))
        return out


def prepare_tuning_data(frame: pd.DataFrame, tokenizer: object, config: TuneConfig) -> TuningData:
    """Chunk every distinct text of a pair table once (the scorer's chunking)."""
    texts: dict[str, int] = {}
    for text in list(frame["job_description_text"]) + list(frame["resume_text"]):
        texts.setdefault(str(text), len(texts))
    chunks = [
        [c.token_ids for c in chunk_text(t, tokenizer, max_tokens=config.chunk_tokens, overlap=config.chunk_overlap)]
        for t in tqdm(texts, desc="chunking", leave=False)
    ]
    category = frame["cv_category"] if "cv_category" in frame else frame["resume_group"]
    return TuningData(
        chunks=chunks,
        jd=np.array([texts[str(t)] for t in frame["job_description_text"]]),
        cv=np.array([texts[str(t)] for t in frame["resume_text"]]),
        label=np.array([FitClass.parse(v).target for v in frame["label"]], dtype=np.float32),
        cv_category=category.astype(str).to_numpy(),
    )


# --- model ---------------------------------------------------------------------------------------


def add_lora(model: torch.nn.Module, config: TuneConfig) -> torch.nn.Module:
    """Wrap the backbone with trainable LoRA adapters on its attention projections."""
    from peft import LoraConfig, get_peft_model

    targets = [name for name, module in model.named_modules()
               if isinstance(module, torch.nn.Linear) and name.endswith(LORA_TARGETS)]
    if not targets:
        raise ModelUnavailable("the backbone has no attention projections LoRA knows how to adapt")
    lora = LoraConfig(r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
                      target_modules=targets, bias="none")
    return get_peft_model(model, lora)


def contrastive_loss(jd: torch.Tensor, cv: torch.Tensor, pairs: Sequence[tuple[int, int, float]],
                     positives: Sequence[tuple[int, int]], same_kind: torch.Tensor, scale: float,
                     cosent_weight: float) -> torch.Tensor:
    """Multiple-negatives ranking over ``positives`` plus CoSENT over the labelled ``pairs``.

    Args:
        jd, cv: unit vectors (B × d) and (C × d).
        pairs: (jd row, cv row, label) of every labelled pair of the batch.
        positives: (jd row, cv row) of its Good Fit pairs.
        same_kind: (B × C) bool, True where a CV must not serve as a negative for a JD (its
            category is the positive's; the positive itself is unmasked by the loss).
    """
    sims = jd @ cv.T
    device = sims.device
    losses = []
    if positives:
        rows = torch.tensor([p[0] for p in positives], device=device)
        targets = torch.tensor([p[1] for p in positives], device=device)
        logits = sims[rows] * scale
        masked = same_kind[rows].clone()
        masked[torch.arange(len(rows), device=device), targets] = False
        logits = logits.masked_fill(masked, float("-inf"))
        losses.append(torch.nn.functional.cross_entropy(logits, targets))
    if pairs and cosent_weight > 0:
        s = sims[torch.tensor([p[0] for p in pairs], device=device), torch.tensor([p[1] for p in pairs], device=device)]
        s = s * scale
        labels = torch.tensor([p[2] for p in pairs], device=device)
        diff = s[None, :] - s[:, None]  # diff[i, j] = s_j − s_i: penalised where label_i > label_j
        order = labels[:, None] > labels[None, :]
        if bool(order.any()):
            terms = torch.cat([torch.zeros(1, device=device), diff[order]])
            losses.append(cosent_weight * torch.logsumexp(terms, dim=0))
    if not losses:
        return sims.sum() * 0.0
    return torch.stack(losses).sum()


def _batches(data: TuningData, rows: Sequence[int], config: TuneConfig, rng: random.Random
             ) -> list[list[tuple[int, float]]]:
    """Per step, the (pair row, label) picked: ``batch_jds`` Good pairs of distinct JDs, each JD with
    one of its Potential and one of its No Fit pairs when it has them. Every Good pair of the
    rows is the anchor of one step per epoch; a pair whose JD is already in the filling batch
    waits for the next one.
    """
    by_jd = data.rows_by_jd(rows)
    goods = [r for j in sorted(by_jd) for r in by_jd[j].get(1.0, [])]
    rng.shuffle(goods)
    steps: list[list[tuple[int, float]]] = []
    waiting: list[int] = []
    while goods or waiting:
        queue, goods, waiting = waiting + goods, [], []
        batch_jds: set[int] = set()
        picked: list[tuple[int, float]] = []
        for r in queue:
            j = int(data.jd[r])
            if j in batch_jds or len(batch_jds) >= config.batch_jds:
                waiting.append(r)
                continue
            batch_jds.add(j)
            picked.append((r, 1.0))
            for label in (0.5, 0.0):
                if by_jd[j].get(label):
                    picked.append((rng.choice(by_jd[j][label]), label))
        steps.append(picked)
    if config.max_steps_per_epoch is not None:
        steps = steps[: config.max_steps_per_epoch]
    return steps


def _step_tensors(data: TuningData, picked: list[tuple[int, float]], rng: random.Random):  # type: ignore[no-untyped-def]
    """Distinct JD and CV chunks of a step (one random chunk per text) and the loss's index lists."""
    jd_slots: dict[int, int] = {}
    cv_slots: dict[int, int] = {}
    jd_seqs: list[list[int]] = []
    cv_seqs: list[list[int]] = []
    cv_cats: list[str] = []
    pairs, positives, positive_cat = [], [], {}
    for row, label in picked:
        j, c = int(data.jd[row]), int(data.cv[row])
        if j not in jd_slots:
            jd_slots[j] = len(jd_seqs)
            jd_seqs.append(rng.choice(data.chunks[j]))
        if c not in cv_slots:
            cv_slots[c] = len(cv_seqs)
            cv_seqs.append(rng.choice(data.chunks[c]))
            cv_cats.append(str(data.cv_category[row]))
        pairs.append((jd_slots[j], cv_slots[c], label))
        if label == 1.0:
            positives.append((jd_slots[j], cv_slots[c]))
            positive_cat[jd_slots[j]] = str(data.cv_category[row])
    same_kind = torch.zeros((len(jd_seqs), len(cv_seqs)), dtype=torch.bool)
    for jd_row, category in positive_cat.items():
        same_kind[jd_row] = torch.tensor([cat == category for cat in cv_cats])
    return jd_seqs, cv_seqs, pairs, positives, same_kind


# --- evaluation during training --------------------------------------------------------------------


def chunk_averaged_scores(encoder: TextEncoder, data: TuningData, rows: Sequence[int]) -> np.ndarray:
    """0–100 chunk-averaged cosine of each pair row (every chunk of both texts, clipped to [0, 1])."""
    texts = sorted({int(data.jd[r]) for r in rows} | {int(data.cv[r]) for r in rows})
    flat = [c for t in texts for c in data.chunks[t]]
    vectors = encoder.encode_ids(flat)
    spans, at = {}, 0
    for t in texts:
        spans[t] = vectors[at : at + len(data.chunks[t])]
        at += len(data.chunks[t])
    return np.array([chunk_averaged_score(spans[int(data.jd[r])], spans[int(data.cv[r])]) for r in rows])


def _validation_f1(encoder: TextEncoder, data: TuningData, rows: Sequence[int]) -> float:
    """Weighted F1 of the chunk-averaged score on the validation pairs, thresholds tuned on them."""
    scores = chunk_averaged_scores(encoder, data, rows)
    labels = [FitClass.parse(float(data.label[r])) for r in rows]
    t = tune_thresholds(scores.tolist(), labels, source="validation")
    return weighted_f1(labels, [t.classify(float(s)) for s in scores])


# --- training ------------------------------------------------------------------------------------


def tune_encoder(frame: pd.DataFrame, train_rows: Sequence[int], val_rows: Sequence[int], config: TuneConfig, *,
                 device: str = "auto", show_progress: bool = True) -> tuple[TextEncoder, dict]:
    """LoRA-tune the backbone on the training rows; keep the epoch with the best validation weighted F1.

    Returns the encoder, its model wrapped with the best epoch's adapters (``save_tuned`` writes
    only those), and a report (loss and validation F1 per epoch, best epoch, seconds).
    Deterministic for a seed on the CPU.
    """
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    encoder = load_encoder(config.encoder, device=device, batch_size=64)
    data = prepare_tuning_data(frame, encoder.tokenizer, config)
    peft_model = add_lora(encoder.model, config)
    rng = random.Random(config.seed)
    steps_per_epoch = len(_batches(data, train_rows, config, random.Random(config.seed)))
    total = max(1, steps_per_epoch * config.epochs // config.accumulation)
    optimizer = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad], lr=config.lr,
                                  weight_decay=config.weight_decay)
    warmup = max(1, int(total * config.warmup_fraction))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
    report: dict = {"epochs": [], "steps_per_epoch": steps_per_epoch, "train_pairs": len(train_rows),
                    "val_pairs": len(val_rows)}
    start = time.perf_counter()
    encoder.model = peft_model
    peft_model.eval()
    best_f1, best_state, best_epoch = _validation_f1(encoder, data, val_rows), None, 0
    report["epochs"].append({"epoch": 0, "val_weighted_f1": round(best_f1, 4)})
    for epoch in range(1, config.epochs + 1):
        peft_model.train()
        losses = []
        steps = _batches(data, train_rows, config, rng)
        bar = tqdm(steps, desc=f"tuning epoch {epoch}/{config.epochs}", disable=not show_progress)
        for k, picked in enumerate(bar, start=1):
            jd_seqs, cv_seqs, pairs, positives, same_kind = _step_tensors(data, picked, rng)
            jd_vec = encoder.unit_vectors(jd_seqs)  # encoder.model is the LoRA-wrapped backbone
            cv_vec = encoder.unit_vectors(cv_seqs)
            loss = contrastive_loss(jd_vec, cv_vec, pairs, positives, same_kind.to(jd_vec.device), config.scale,
                                    config.cosent_weight)
            (loss / config.accumulation).backward()
            if k % config.accumulation == 0 or k == len(steps):
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
            losses.append(float(loss.detach()))
            bar.set_postfix(loss=f"{np.mean(losses[-20:]):.3f}")
        peft_model.eval()
        f1 = _validation_f1(encoder, data, val_rows)
        report["epochs"].append({"epoch": epoch, "loss": round(float(np.mean(losses)), 4),
                                 "val_weighted_f1": round(f1, 4)})
        logger.info("epoch %d: loss %.4f, validation weighted F1 %.4f", epoch, np.mean(losses), f1)
        if f1 > best_f1 or best_state is None:
            best_f1, best_epoch = f1, epoch
            best_state = copy.deepcopy({k: v for k, v in peft_model.state_dict().items() if "lora_" in k})
    if best_state is not None:
        peft_model.load_state_dict(best_state, strict=False)
    report.update(best_epoch=best_epoch, best_val_weighted_f1=round(best_f1, 4),
                  train_seconds=round(time.perf_counter() - start, 1))
    encoder.tuned = True
    return encoder, report


# --- artifacts -----------------------------------------------------------------------------------


def save_tuned(folder: Path, encoder: TextEncoder, config: TuneConfig, thresholds: Thresholds, metrics: dict) -> str:
    """Write the adapters, config, thresholds and metrics; returns the version (adapter hash)."""
    folder.mkdir(parents=True, exist_ok=True)
    encoder.model.save_pretrained(str(folder))  # type: ignore[attr-defined]
    digest = hashlib.sha256((folder / "adapter_model.safetensors").read_bytes()).hexdigest()[:12]
    version = f"1.0+{digest}"
    meta = {"kind": KIND, "name": config.name, "version": version, "encoder": config.encoder,
            "chunk_tokens": config.chunk_tokens, "chunk_overlap": config.chunk_overlap, "recipe": asdict(config)}
    (folder / "config.json").write_text(json.dumps(meta, indent=2) + "\n")
    thresholds.save(folder / "thresholds.json")
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2, default=str) + "\n")
    return version


def load_tuned_scorer(folder: Path, *, device: str = "auto", batch_size: int = 0, quantize: str = "none"
                      ) -> ChunkAveragedCosineScorer:
    """The chunk-averaged cosine scorer over the backbone with the folder's adapters merged in."""
    from peft import PeftModel

    if artifact_kind(folder) != KIND:
        raise ModelUnavailable(f"no tuned encoder at {folder}: train one with `python -m models tune`")
    meta = json.loads((folder / "config.json").read_text())
    encoder = load_encoder(meta["encoder"], device="cpu" if quantize == "int8" else device, batch_size=batch_size)
    try:
        merged = PeftModel.from_pretrained(encoder.model, str(folder)).merge_and_unload()
    except (OSError, ValueError, KeyError) as exc:
        raise ModelUnavailable(f"the adapters in {folder} do not fit the encoder {meta['encoder']}: {exc}") from exc
    merged.eval()
    encoder.model = quantize_int8(merged) if quantize == "int8" else merged
    encoder.tuned = True
    encoder.name = meta["name"]
    encoder.version = meta["version"] + ("+int8" if quantize == "int8" else "")
    return ChunkAveragedCosineScorer(encoder, thresholds=Thresholds.load(folder / "thresholds.json"),
                                     chunk_tokens=int(meta["chunk_tokens"]), overlap=int(meta["chunk_overlap"]))


# --- the command -----------------------------------------------------------------------------------


def load_tuning_pairs(pairs_csv: Path) -> pd.DataFrame:
    """Weak pairs with non-empty texts, plus each CV's category from ``pairs_meta.csv`` when it is there."""
    weak = pd.read_csv(pairs_csv)
    meta_path = pairs_csv.with_name("pairs_meta.csv")
    if meta_path.is_file():
        meta = pd.read_csv(meta_path, usecols=["cv_category"])
        if len(meta) == len(weak):
            weak["cv_category"] = meta["cv_category"].astype(str).to_numpy()
    keep = weak["resume_text"].fillna("").str.strip().ne("") & weak["job_description_text"].fillna("").str.strip().ne("")
    return weak[keep].reset_index(drop=True)


def run_tuning(*, pairs_csv: Path, rubric_csv: Path, out: Path, config: TuneConfig, device: str = "auto",
               max_pairs: int | None = None) -> dict:
    """Tune on weak pairs, tune thresholds on the rubric set, save artifacts, report cross-validated figures.

    The rubric figures use thresholds cross-validated over the same posting folds as
    ``python -m models evaluate`` (the model itself never sees a rubric pair); the shipped
    thresholds are tuned on all rubric pairs.
    """
    import platform

    from models.crossval import rubric_frame, summary
    from models.evaluation import cross_validated_classes
    from models.training import grouped_split

    started = time.perf_counter()
    weak = load_tuning_pairs(pairs_csv)
    if max_pairs and len(weak) > max_pairs:
        weak = weak.sample(n=max_pairs, random_state=config.seed).reset_index(drop=True)
    train_rows, val_rows = grouped_split(weak, seed=config.seed)
    logger.info("weak pairs: %d train, %d validation (grouped), %d dropped", len(train_rows), len(val_rows),
                len(weak) - len(train_rows) - len(val_rows))
    encoder, report = tune_encoder(weak, train_rows, val_rows, config, device=device)

    rubric = rubric_frame(str(rubric_csv))
    scorer = ChunkAveragedCosineScorer(encoder, thresholds=Thresholds(40.0, 55.0, "placeholder"),
                                       chunk_tokens=config.chunk_tokens, overlap=config.chunk_overlap)
    scores = np.zeros(len(rubric))
    for jd_text, rows in rubric.groupby("job_description_text", sort=False).indices.items():
        scores[rows] = [r.score for r in scorer.score_batch(str(jd_text), rubric.loc[rows, "resume_text"].tolist())]
    truth = [FitClass.parse(v) for v in rubric["label"]]
    thresholds = tune_thresholds(scores.tolist(), truth, source=f"tuned for weighted F1 on all of {rubric_csv.name}")
    predicted, _ = cross_validated_classes(scores.tolist(), truth, rubric["jd_group"].tolist())
    report.update(
        hardware=f"{platform.machine()}, {torch.get_num_threads()} torch threads, "
                 f"{'CUDA ' + torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'CPU only'}",
        rubric_crossval_5fold_by_posting={k: round(v, 4) for k, v in summary(truth, predicted).items()},
        thresholds=asdict(thresholds),
        total_seconds=round(time.perf_counter() - started, 1),
    )
    report["version"] = save_tuned(out, encoder, config, thresholds, report)
    return report

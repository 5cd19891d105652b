"""Training the bi-encoder pair head on frozen backbone chunk vectors (CPU-friendly).

The backbone encodes every distinct text once (cached on disk, see :mod:`models.vectors`);
the head then trains in seconds per epoch. Recipe, from the research: AdamW with linear
warm-up and decay, gradient accumulation, class re-balancing to about 40/30/30, MSE on the
chunk-averaged document score against 0 / 0.5 / 1, and the checkpoint with the best validation
weighted F1 kept. The validation split is grouped so no CV and no JD is on both sides.
"""

from __future__ import annotations

import copy
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
from tqdm import tqdm

from core.fit import FitClass, Thresholds, tune_thresholds, weighted_f1
from models.lexical import FEATURE_NAMES, LexicalFeaturizer
from models.pair_model import HeadConfig, PairHead
from models.vectors import text_vectors

logger = logging.getLogger(__name__)

TARGET_SHARE = {0.0: 0.4, 0.5: 0.3, 1.0: 0.3}


@dataclass
class PreparedPairs:
    """Pairs turned into what the head consumes: chunk vectors, lexical features, labels."""

    vectors: list[np.ndarray]  # one (chunks × dim) matrix per distinct text
    jd_index: np.ndarray
    cv_index: np.ndarray
    features: np.ndarray  # (pairs × lexical features)
    labels: np.ndarray  # 0 / 0.5 / 1
    jd_groups: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, rows: Sequence[int]) -> PreparedPairs:
        rows = np.asarray(rows, dtype=int)
        return PreparedPairs(self.vectors, self.jd_index[rows], self.cv_index[rows], self.features[rows],
                             self.labels[rows], [self.jd_groups[i] for i in rows] if self.jd_groups else [])


def prepare(frame: pd.DataFrame, scorer: object, featurizer: LexicalFeaturizer, *, desc: str = "pairs") -> PreparedPairs:
    """Encode the distinct texts of a pair table (cached) and compute each pair's lexical features."""
    frame = frame.reset_index(drop=True)
    texts: dict[str, int] = {}
    for text in list(frame["job_description_text"]) + list(frame["resume_text"]):
        texts.setdefault(str(text), len(texts))
    vectors = text_vectors(scorer, list(texts), desc=f"encoding {desc}")  # type: ignore[arg-type]
    features = np.zeros((len(frame), len(FEATURE_NAMES)), dtype=np.float32)
    for jd_text, rows in tqdm(frame.groupby("job_description_text", sort=False).indices.items(),
                              desc=f"lexical features {desc}", leave=False):
        features[rows] = featurizer.features(str(jd_text), [str(frame.at[i, "resume_text"]) for i in rows])
    groups = frame["jd_group"].astype(str).tolist() if "jd_group" in frame else frame["job_description_text"].tolist()
    return PreparedPairs(
        vectors=vectors,
        jd_index=np.array([texts[str(t)] for t in frame["job_description_text"]]),
        cv_index=np.array([texts[str(t)] for t in frame["resume_text"]]),
        features=features,
        labels=np.array([FitClass.parse(v).target for v in frame["label"]], dtype=np.float32),
        jd_groups=groups,
    )


def _batch_tensors(
    data: PreparedPairs, rows: Sequence[int], feature_mask: np.ndarray, max_jd: int | None, max_cv: int | None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Flatten the chunk pairs of several document pairs, with a segment id per row."""
    us, vs, segs, extras = [], [], [], []
    for seg, row in enumerate(rows):
        jd = data.vectors[data.jd_index[row]][:max_jd]
        cv = data.vectors[data.cv_index[row]][:max_cv]
        m, n = len(jd), len(cv)
        if m == 0 or n == 0:
            jd = jd if m else np.zeros((1, data.vectors[0].shape[1]), np.float32)
            cv = cv if n else np.zeros((1, data.vectors[0].shape[1]), np.float32)
            m, n = len(jd), len(cv)
        us.append(np.repeat(jd, n, axis=0))
        vs.append(np.tile(cv, (m, 1)))
        segs.append(np.full(m * n, seg))
        extras.append(np.repeat(data.features[row : row + 1, feature_mask], m * n, axis=0))
    return (torch.from_numpy(np.concatenate(us)), torch.from_numpy(np.concatenate(vs)),
            torch.from_numpy(np.concatenate(segs)), torch.from_numpy(np.concatenate(extras)))


def document_scores(head: PairHead, data: PreparedPairs, feature_mask: np.ndarray, *, batch: int = 256,
                    max_jd: int | None = None, max_cv: int | None = None) -> np.ndarray:
    """Chunk-averaged score (0–100) of every pair: the mean of its pair matrix."""
    head.eval()
    out = np.zeros(len(data), dtype=np.float32)
    with torch.inference_mode():
        for begin in range(0, len(data), batch):
            rows = list(range(begin, min(begin + batch, len(data))))
            u, v, seg, extra = _batch_tensors(data, rows, feature_mask, max_jd, max_cv)
            pair = head(u, v, extra if head.config.extra_features else None)
            sums = torch.zeros(len(rows)).index_add_(0, seg, pair)
            counts = torch.zeros(len(rows)).index_add_(0, seg, torch.ones_like(pair))
            out[begin : begin + len(rows)] = (sums / counts).numpy() * 100
    return out


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 8
    lr: float = 1e-3
    weight_decay: float = 0.01
    batch_pairs: int = 32
    accumulation: int = 2
    warmup_fraction: float = 0.1
    hidden: int = 256
    dropout: float = 0.1
    max_jd_chunks: int = 4  # training only: caps the pair matrix per document pair for speed
    max_cv_chunks: int = 8
    features: tuple[str, ...] = ("tfidf_cosine", "jd_term_recall", "title_in_cv", "title_in_cv_head", "skill_coverage")
    use_embeddings: bool = True
    seed: int = 13


def feature_mask(names: Sequence[str]) -> np.ndarray:
    unknown = set(names) - set(FEATURE_NAMES)
    if unknown:
        raise ValueError(f"unknown lexical features {sorted(unknown)}; known: {FEATURE_NAMES}")
    return np.array([name in names for name in FEATURE_NAMES])


def class_weights(labels: np.ndarray) -> np.ndarray:
    """Per-sample weights that make the classes count as 40/30/30 whatever their real shares."""
    weights = np.ones(len(labels), dtype=np.float32)
    for value, share in TARGET_SHARE.items():
        hit = np.isclose(labels, value)
        if hit.any():
            weights[hit] = share * len(labels) / hit.sum()
    return weights


@dataclass
class TrainResult:
    head: PairHead
    best_epoch: int
    val_weighted_f1: float
    val_thresholds: Thresholds
    history: list[dict[str, float]]
    seconds: float


def train_head(train: PreparedPairs, val: PreparedPairs | None, config: TrainConfig, *, dim: int,
               show_progress: bool = True) -> TrainResult:
    """Fit a pair head; keep the epoch with the best validation weighted F1 (thresholds tuned on val)."""
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    mask = feature_mask(config.features)
    head = PairHead(HeadConfig(dim=dim, extra_features=int(mask.sum()), hidden=config.hidden,
                               dropout=config.dropout, use_embeddings=config.use_embeddings))
    optimizer = torch.optim.AdamW(head.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    steps_per_epoch = max(1, len(train) // (config.batch_pairs * config.accumulation))
    total = steps_per_epoch * config.epochs
    warmup = max(1, int(total * config.warmup_fraction))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
    weights = torch.from_numpy(class_weights(train.labels))
    labels = torch.from_numpy(train.labels)
    best: tuple[float, int, dict, Thresholds] | None = None
    history: list[dict[str, float]] = []
    started = time.perf_counter()
    order = list(range(len(train)))
    for epoch in range(1, config.epochs + 1):
        head.train()
        rng.shuffle(order)
        running = 0.0
        batches = [order[i : i + config.batch_pairs] for i in range(0, len(order), config.batch_pairs)]
        for step, rows in enumerate(tqdm(batches, desc=f"epoch {epoch}", leave=False, disable=not show_progress)):
            u, v, seg, extra = _batch_tensors(train, rows, mask, config.max_jd_chunks, config.max_cv_chunks)
            pair = head(u, v, extra if head.config.extra_features else None)
            sums = torch.zeros(len(rows)).index_add(0, seg, pair)
            counts = torch.zeros(len(rows)).index_add(0, seg, torch.ones_like(pair))
            doc = sums / counts
            idx = torch.tensor(rows)
            loss = (weights[idx] * (doc - labels[idx]) ** 2).mean() / config.accumulation
            loss.backward()
            running += float(loss.detach()) * config.accumulation
            if (step + 1) % config.accumulation == 0 or step + 1 == len(batches):
                torch.nn.utils.clip_grad_norm_(head.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
        record = {"epoch": epoch, "train_loss": running / max(1, len(batches))}
        if val is not None and len(val):
            scores = document_scores(head, val, mask)
            truth = [FitClass.parse(x) for x in val.labels]
            t = tune_thresholds(scores, truth, source="validation")
            f1 = weighted_f1(truth, [t.classify(s) for s in scores])
            record["val_weighted_f1"] = f1
            if best is None or f1 > best[0]:
                best = (f1, epoch, copy.deepcopy(head.state_dict()), t)
        history.append(record)
        logger.info("epoch %d: %s", epoch, record)
    if best is not None:
        head.load_state_dict(best[2])
        result = TrainResult(head, best[1], best[0], best[3], history, time.perf_counter() - started)
    else:
        result = TrainResult(head, config.epochs, float("nan"), Thresholds(30, 60, "none"), history,
                             time.perf_counter() - started)
    head.eval()
    return result


def grouped_split(frame: pd.DataFrame, *, side_fraction: float = 0.2, seed: int = 13) -> tuple[np.ndarray, np.ndarray]:
    """Rows for training and validation such that no CV group and no JD group is on both sides.

    ``side_fraction`` of the JD groups and of the CV groups go to validation; a pair is
    validation when both its sides are, training when neither is, and is dropped otherwise
    (with 0.2: about 4% validation, 64% training, 32% dropped).
    """
    rng = np.random.default_rng(seed)
    jd_groups = sorted(frame["jd_group"].astype(str).unique())
    cv_groups = sorted(frame["resume_group"].astype(str).unique())
    val_jd = set(rng.choice(jd_groups, size=max(1, int(len(jd_groups) * side_fraction)), replace=False))
    val_cv = set(rng.choice(cv_groups, size=max(1, int(len(cv_groups) * side_fraction)), replace=False))
    in_jd = frame["jd_group"].astype(str).isin(val_jd).to_numpy()
    in_cv = frame["resume_group"].astype(str).isin(val_cv).to_numpy()
    return np.flatnonzero(~in_jd & ~in_cv), np.flatnonzero(in_jd & in_cv)

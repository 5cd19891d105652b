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
from collections.abc import Callable, Sequence
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
            out[begin : begin + len(rows)] = segment_means(pair, seg, len(rows)).numpy() * 100
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


@dataclass
class LoopResult:
    best_epoch: int
    best_f1: float  # validation weighted F1 of the kept epoch (nan without validation)
    best_extra: object  # what ``validate`` returned beside the F1 for the kept epoch
    history: list[dict[str, float]]
    seconds: float


def fit_document_scores(
    *,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    labels: np.ndarray,
    document_scores_of: Callable[[list[int]], torch.Tensor],
    validate: Callable[[], tuple[float, object]] | None,
    epochs: int,
    batch_pairs: int,
    accumulation: int,
    warmup_fraction: float,
    seed: int,
    desc: str = "epoch",
    show_progress: bool = True,
) -> LoopResult:
    """The training loop both pairings share (the recipe of the research).

    Shuffled mini-batches of document pairs; ``document_scores_of(rows)`` gives their chunk-averaged
    scores in [0, 1]; loss = class-weighted (40/30/30) MSE against the 0 / 0.5 / 1 labels;
    gradient accumulation, clipping at 1.0, AdamW steps under linear warm-up then decay. After each
    epoch ``validate()`` returns (weighted F1, extra); the trainable weights of the best epoch are
    restored at the end.
    """
    rng = random.Random(seed)
    batches_per_epoch = (len(labels) + batch_pairs - 1) // batch_pairs
    total = max(1, batches_per_epoch * epochs // accumulation)
    warmup = max(1, int(total * warmup_fraction))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
    weights = torch.from_numpy(class_weights(labels))
    targets = torch.from_numpy(np.asarray(labels, dtype=np.float32))
    trainable = [p for p in model.parameters() if p.requires_grad]
    best: tuple[float, int, dict, object] | None = None
    history: list[dict[str, float]] = []
    started = time.perf_counter()
    order = list(range(len(labels)))
    for epoch in range(1, epochs + 1):
        model.train()
        rng.shuffle(order)
        running = 0.0
        batches = [order[i : i + batch_pairs] for i in range(0, len(order), batch_pairs)]
        for step, rows in enumerate(tqdm(batches, desc=f"{desc} {epoch}", leave=False, disable=not show_progress)):
            doc = document_scores_of(rows)
            idx = torch.tensor(rows)
            loss = (weights[idx] * (doc - targets[idx]) ** 2).mean() / accumulation
            loss.backward()
            running += float(loss.detach()) * accumulation
            if (step + 1) % accumulation == 0 or step + 1 == len(batches):
                torch.nn.utils.clip_grad_norm_(trainable, 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
        record = {"epoch": epoch, "train_loss": running / max(1, len(batches))}
        if validate is not None:
            f1, extra = validate()
            record["val_weighted_f1"] = f1
            if best is None or f1 > best[0]:
                state = {k: v.detach().clone() for k, v in model.state_dict().items()
                         if k in {n for n, p in model.named_parameters() if p.requires_grad}}
                best = (f1, epoch, copy.deepcopy(state), extra)
        history.append(record)
        logger.info("%s %d: %s", desc, epoch, record)
    model.eval()
    if best is None:
        return LoopResult(epochs, float("nan"), None, history, time.perf_counter() - started)
    model.load_state_dict(best[2], strict=False)
    return LoopResult(best[1], best[0], best[3], history, time.perf_counter() - started)


def segment_means(pair: torch.Tensor, segments: torch.Tensor, n: int) -> torch.Tensor:
    """Mean pair score of each document pair (its chunk pairs carry its segment id)."""
    sums = torch.zeros(n).index_add(0, segments, pair)
    return sums / torch.zeros(n).index_add(0, segments, torch.ones_like(pair))


def validation_f1(scores: np.ndarray, labels: np.ndarray) -> tuple[float, Thresholds]:
    """Weighted F1 of 0–100 scores under thresholds tuned on them, and those thresholds."""
    truth = [FitClass.parse(x) for x in labels]
    t = tune_thresholds(scores.tolist(), truth, source="validation")
    return weighted_f1(truth, [t.classify(float(s)) for s in scores]), t


def train_head(train: PreparedPairs, val: PreparedPairs | None, config: TrainConfig, *, dim: int,
               show_progress: bool = True) -> TrainResult:
    """Fit a pair head; keep the epoch with the best validation weighted F1 (thresholds tuned on val)."""
    torch.manual_seed(config.seed)
    mask = feature_mask(config.features)
    head = PairHead(HeadConfig(dim=dim, extra_features=int(mask.sum()), hidden=config.hidden,
                               dropout=config.dropout, use_embeddings=config.use_embeddings))
    optimizer = torch.optim.AdamW(head.parameters(), lr=config.lr, weight_decay=config.weight_decay)

    def document_scores_of(rows: list[int]) -> torch.Tensor:
        u, v, seg, extra = _batch_tensors(train, rows, mask, config.max_jd_chunks, config.max_cv_chunks)
        return segment_means(head(u, v, extra if head.config.extra_features else None), seg, len(rows))

    def validate() -> tuple[float, object]:
        assert val is not None
        return validation_f1(document_scores(head, val, mask), val.labels)

    loop = fit_document_scores(
        model=head, optimizer=optimizer, labels=train.labels, document_scores_of=document_scores_of,
        validate=validate if val is not None and len(val) else None, epochs=config.epochs,
        batch_pairs=config.batch_pairs, accumulation=config.accumulation, warmup_fraction=config.warmup_fraction,
        seed=config.seed, show_progress=show_progress)
    thresholds = loop.best_extra if isinstance(loop.best_extra, Thresholds) else Thresholds(30, 60, "none")
    return TrainResult(head, loop.best_epoch, loop.best_f1, thresholds, loop.history, loop.seconds)


def load_weak_pairs(path: object) -> pd.DataFrame:
    """Pairs from ``build-data`` whose CV and JD texts are both non-empty, indexed 0…n−1."""
    weak = pd.read_csv(path)
    keep = weak["resume_text"].fillna("").str.strip().ne("") & weak["job_description_text"].fillna("").str.strip().ne("")
    return weak[keep].reset_index(drop=True)


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

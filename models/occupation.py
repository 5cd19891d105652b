"""The occupation-aware chunk-averaged scorer: chunk-averaged cosine plus a learned occupation match.

``python -m models train-occupation [--pairs data/weak_pairs/pairs.csv] [--out models/trained/occupation-minilm]``

The chunk-averaged cosine of MiniLM vectors says "these texts are about similar things", which
ranks a nurse's CV high for an accountant posting as soon as both talk about records and
schedules. What a recruiter reads first is the *occupation*. This scorer keeps the chunk-averaged
cosine as its core and the pair matrix as its explanation, and adds one learned signal:

- an **occupation head**: multinomial logistic regression from a document's chunk vectors (their
  normalised mean, and the first chunk, where the headline title sits) to occupation categories.
  It learns from real categorised CVs (``resumes_by_category``, the folders of the CVs in the
  weak pairs) and from real postings labelled with the category of their weakly Good Fit CVs;
  the JD and the CV both become a probability vector over occupations;
- **occupation match** = cosine of the two probability vectors;
- **document score** = a linear blend of the chunk-averaged cosine and the occupation match,
  squashed to 0–100 by a logistic curve (order kept, no ties at the ends); its two weights and bias are calibrated, like the class thresholds, on the
  rubric-labelled pairs (``fit_labels``: the weak labels reward the occupation alone, so a blend
  fitted on them drowns the cosine). Reported figures fit blend and thresholds on four posting
  folds and score the fifth.

Everything comes from the stored chunk vectors, so a stored CV is still never encoded twice and
re-ranking a stored pool for a new JD stays matrix products (the head is one more product).
Artifacts (``--out``, about 150 KB): ``head.safetensors`` (weights), ``config.json`` (kind,
backbone, chunking, classes, blend), ``thresholds.json``, ``metrics.json``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import ModelUnavailable
from core.fit import FitClass, Thresholds, tune_thresholds
from core.scoring import ChunkAveragedCosineScorer, chunk_averaged_score
from models.artifacts import artifact_kind
from models.encoder import TextEncoder

logger = logging.getLogger(__name__)

KIND = "occupation-aware"


# --- document features and the head ------------------------------------------------------------


def document_features(vectors: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per document: [unit mean of its chunk vectors, its first chunk vector] (zeros for no chunk).

    ``vectors`` stacks every document's chunk vectors, ``counts`` says how many rows each has.
    """
    counts = np.asarray(counts, dtype=np.int64)
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    out = np.zeros((len(counts), 2 * dim), dtype=np.float32)
    if not len(counts) or not len(vectors):
        return out
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    has = counts > 0
    sums = np.add.reduceat(vectors, starts[has], axis=0)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    out[has, :dim] = sums / np.maximum(norms, 1e-12)
    out[has, dim:] = vectors[starts[has]]
    return out


def features_of(matrices: list[np.ndarray]) -> np.ndarray:
    """:func:`document_features` of documents given as one chunk-vector matrix each."""
    counts = np.array([len(m) for m in matrices], dtype=np.int64)
    dim = next((m.shape[1] for m in matrices if m.ndim == 2), 0)
    stacked = np.concatenate(matrices) if matrices and counts.sum() else np.zeros((0, dim), np.float32)
    return document_features(stacked, counts)


@dataclass
class OccupationHead:
    """Softmax regression: document features → probability of each occupation category."""

    classes: list[str]
    weight: np.ndarray  # (classes × features)
    bias: np.ndarray  # (classes,)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        logits = features @ self.weight.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    @classmethod
    def fit(cls, features: np.ndarray, labels: list[str], *, c: float = 1.0, seed: int = 13) -> OccupationHead:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, max_iter=4000, random_state=seed).fit(features, labels)
        weight, bias = model.coef_.astype(np.float32), model.intercept_.astype(np.float32)
        if len(model.classes_) == 2:  # binary: one logit for the second class; softmax([0, z]) = sigmoid(z)
            weight, bias = np.vstack([np.zeros_like(weight), weight]), np.concatenate([[0.0], bias]).astype(np.float32)
        return cls([str(x) for x in model.classes_], weight, bias)


def occupation_match(jd_probabilities: np.ndarray, cv_probabilities: np.ndarray) -> np.ndarray:
    """Cosine of each CV's occupation distribution with the JD's (one JD row, many CV rows)."""
    jd = jd_probabilities / max(float(np.linalg.norm(jd_probabilities)), 1e-12)
    cv = cv_probabilities / np.maximum(np.linalg.norm(cv_probabilities, axis=1, keepdims=True), 1e-12)
    return cv @ jd.reshape(-1)


SQUASH_SLOPE = 5.0


@dataclass(frozen=True)
class Blend:
    """score (0–100) = 100 × σ(5 × (fit − 0.5)), fit = chunk × chunk-averaged cosine (0–1) + occupation × match + bias.

    ``fit`` is the linear estimate of the 0 / 0.5 / 1 fit target; the logistic squash keeps its
    order but never flattens it (a clip to [0, 1] would score every unrelated CV 0.0, all tied).
    """

    chunk: float
    occupation: float
    bias: float

    def apply(self, chunk_averaged_100: np.ndarray, match: np.ndarray) -> np.ndarray:
        fit = self.chunk * np.asarray(chunk_averaged_100) / 100.0 + self.occupation * np.asarray(match) + self.bias
        return np.round(100.0 / (1.0 + np.exp(-SQUASH_SLOPE * (fit - 0.5))), 2)

    @classmethod
    def fit(cls, chunk_averaged_100: np.ndarray, match: np.ndarray, targets: np.ndarray) -> Blend:
        from sklearn.linear_model import Ridge

        x = np.column_stack([np.asarray(chunk_averaged_100) / 100.0, match])
        model = Ridge(alpha=1e-3).fit(x, targets)
        return cls(float(model.coef_[0]), float(model.coef_[1]), float(model.intercept_))


# --- the scorer ------------------------------------------------------------------------------------


class OccupationAwareScorer(ChunkAveragedCosineScorer):
    """Chunk-averaged cosine (pair matrix kept as the explanation) blended with the occupation match."""

    def __init__(self, encoder: TextEncoder, head: OccupationHead, blend: Blend, *, thresholds: Thresholds,
                 chunk_tokens: int, overlap: int, name: str, version: str) -> None:
        super().__init__(encoder, thresholds=thresholds, chunk_tokens=chunk_tokens, overlap=overlap)
        self.head, self.blend = head, blend
        self.name = f"{name}:{encoder.name}"
        self.version = f"{version}+t{self.chunk_tokens}o{overlap}"

    def document_scores(self, jd_vectors: np.ndarray, chunk_averaged: np.ndarray, cv_vectors: np.ndarray,
                        counts: np.ndarray) -> np.ndarray:
        jd = self.head.probabilities(document_features(jd_vectors, np.array([len(jd_vectors)])))[0]
        cv = self.head.probabilities(document_features(cv_vectors, counts))
        scores = self.blend.apply(chunk_averaged, occupation_match(jd, cv))
        return np.where(np.asarray(counts) > 0, scores, 0.0)


def save_occupation(folder: Path, head: OccupationHead, blend: Blend, thresholds: Thresholds, *, encoder: str,
                    chunk_tokens: int, chunk_overlap: int, metrics: dict) -> str:
    """Write the artifacts; returns the version (a hash of the weights and the blend)."""
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    save_file({"weight": np.ascontiguousarray(head.weight), "bias": np.ascontiguousarray(head.bias)},
              str(folder / "head.safetensors"))
    scoring = json.dumps({**asdict(blend), "squash_slope": SQUASH_SLOPE}).encode()
    digest = hashlib.sha256((folder / "head.safetensors").read_bytes() + scoring)
    version = f"1.1+{digest.hexdigest()[:12]}"
    config = {"kind": KIND, "name": "occupation-aware", "version": version, "encoder": encoder,
              "chunk_tokens": chunk_tokens, "chunk_overlap": chunk_overlap, "classes": head.classes,
              "blend": asdict(blend)}
    (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    thresholds.save(folder / "thresholds.json")
    (folder / "metrics.json").write_text(json.dumps({"version": version, **metrics}, indent=2, default=str) + "\n")
    return version


def load_occupation_scorer(folder: Path, encoder: TextEncoder) -> OccupationAwareScorer:
    """The scorer of a folder written by :func:`save_occupation`, over an already loaded encoder."""
    from safetensors.numpy import load_file

    if artifact_kind(folder) != KIND:
        raise ModelUnavailable(f"no occupation-aware scorer at {folder}: train one with "
                               "`python -m models train-occupation`")
    config = json.loads((folder / "config.json").read_text())
    tensors = load_file(str(folder / "head.safetensors"))
    head = OccupationHead(list(config["classes"]), tensors["weight"], tensors["bias"])
    if head.weight.shape != (len(head.classes), 2 * encoder.dimension):
        raise ModelUnavailable(f"the occupation head in {folder} was trained for another encoder than "
                               f"{encoder.name} ({config['encoder']}); set RECRUIT_ENCODER to it")
    return OccupationAwareScorer(encoder, head, Blend(**config["blend"]),
                                 thresholds=Thresholds.load(folder / "thresholds.json"),
                                 chunk_tokens=int(config["chunk_tokens"]), overlap=int(config["chunk_overlap"]),
                                 name=str(config["name"]), version=str(config["version"]))


# --- training --------------------------------------------------------------------------------------


def occupation_examples(weak: pd.DataFrame) -> tuple[list[str], list[str], list[str], list[str]]:
    """(CV texts, their categories, JD texts, their categories) from weak pairs with ``cv_category``.

    A CV's category is its folder's; a JD's is the most frequent category among its weakly Good
    Fit CVs (JDs without one are left out). Only CVs of the categorised-PDF set count
    (``source`` starting with ``livecareer``): the text set's categories are another scheme.
    """
    data = weak[weak["source"].astype(str).str.startswith("livecareer")].copy()
    data["category"] = data["cv_category"].astype(str).str.upper()
    cvs = data.drop_duplicates("resume_text")
    good = data[data["label"].astype(float) == 1.0]
    jds = good.groupby("job_description_text", sort=True)["category"].agg(lambda s: s.value_counts().index[0])
    return (cvs["resume_text"].astype(str).tolist(), cvs["category"].tolist(),
            [str(t) for t in jds.index], jds.tolist())


def _out_of_fold(features: np.ndarray, labels: list[str], *, folds: int, c: float, seed: int,
                 classes: list[str]) -> np.ndarray:
    """Each text's occupation probabilities from a head that did not see it (k folds)."""
    from sklearn.model_selection import KFold

    out = np.zeros((len(labels), len(classes)), dtype=np.float32)
    for train, test in KFold(folds, shuffle=True, random_state=seed).split(features):
        head = OccupationHead.fit(features[train], [labels[i] for i in train], c=c, seed=seed)
        probabilities = head.probabilities(features[test])
        for k, name in enumerate(head.classes):
            out[test, classes.index(name)] = probabilities[:, k]
    return out


def run_occupation_training(*, pairs_csv: Path, rubric_csv: Path, out: Path, c: float = 1.0, seed: int = 13
                            ) -> dict:
    """Train the head on weak data, calibrate blend and thresholds on the rubric, save, report.

    The report's rubric figures fit blend and thresholds on four of the posting folds that
    ``python -m models evaluate`` uses and score the fifth; no rubric pair trains the head.
    """
    from core.config import Settings
    from core.scoring import load_scorer
    from models.contrastive import load_tuning_pairs
    from models.crossval import rubric_frame
    from models.vectors import text_vectors

    started = time.perf_counter()
    base = load_scorer(Settings(scorer="minilm-cosine"))
    if not isinstance(base, ChunkAveragedCosineScorer):
        raise ModelUnavailable("the occupation head trains on the chunk-averaged MiniLM scorer's vectors")
    weak = load_tuning_pairs(pairs_csv)
    if "cv_category" not in weak:
        raise ValueError(f"{pairs_csv.with_name('pairs_meta.csv')} (CV categories) is missing: run build-data again")
    cv_texts, cv_labels, jd_texts, jd_labels = occupation_examples(weak)
    texts, labels = cv_texts + jd_texts, cv_labels + jd_labels
    vectors = dict(zip(texts, text_vectors(base, texts, desc="encoding CVs and JDs"), strict=True))
    features = features_of([vectors[t] for t in texts])
    head = OccupationHead.fit(features, labels, c=c, seed=seed)
    train_accuracy = float(np.mean(np.array(head.classes)[head.probabilities(features).argmax(1)] == np.array(labels)))

    oof = _out_of_fold(features, labels, folds=5, c=c, seed=seed, classes=head.classes)
    oof_accuracy = float(np.mean(np.array(head.classes)[oof.argmax(1)] == np.array(labels)))

    rubric = rubric_frame(str(rubric_csv))
    jd_vec = text_vectors(base, rubric["job_description_text"].astype(str).tolist(), desc="encoding rubric JDs")
    cv_vec = text_vectors(base, rubric["resume_text"].astype(str).tolist(), desc="encoding rubric CVs")
    chunk = np.array([chunk_averaged_score(j, v) for j, v in zip(jd_vec, cv_vec, strict=True)])
    jd_p, cv_p = head.probabilities(features_of(jd_vec)), head.probabilities(features_of(cv_vec))
    match = np.array([float(occupation_match(j, v[None, :])[0]) for j, v in zip(jd_p, cv_p, strict=True)])
    truth = [FitClass.parse(v) for v in rubric["label"]]
    groups = rubric["jd_group"].tolist()
    crossval = {
        "chunk-averaged cosine alone": _crossval(chunk, None, truth, groups),
        "occupation match alone": _crossval(None, match, truth, groups),
        "blend (shipped)": _crossval(chunk, match, truth, groups),
    }
    targets = np.array([t.target for t in truth])
    blend = Blend.fit(chunk, match, targets)
    scores = blend.apply(chunk, match)
    thresholds = tune_thresholds(scores.tolist(), truth, source=f"tuned for weighted F1 on all of {rubric_csv.name}")
    import torch

    report = {
        "hardware": f"{platform.machine()}, {torch.get_num_threads()} torch threads, "
                    f"{'CUDA ' + torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'CPU only'}",
        "examples": {"cvs": len(cv_texts), "jds": len(jd_texts), "classes": len(head.classes)},
        "head_train_accuracy": round(train_accuracy, 4),
        "head_out_of_fold_accuracy": round(oof_accuracy, 4),
        "blend": asdict(blend),
        "rubric_crossval_5fold_by_posting": crossval,
        "thresholds": asdict(thresholds),
        "config": {"c": c, "seed": seed},
        "seconds": round(time.perf_counter() - started, 1),
    }
    report["version"] = save_occupation(out, head, blend, thresholds, encoder=f"bundled:{base.encoder.name}",
                                        chunk_tokens=base.chunk_tokens, chunk_overlap=base.overlap, metrics=report)
    return report


def _crossval(chunk: np.ndarray | None, match: np.ndarray | None, truth: list[FitClass], groups: list[str]
              ) -> dict[str, float]:
    """Rubric figures with the blend *and* the thresholds fitted on the other posting folds.

    The folds are :func:`models.evaluation.group_folds`, the ones every rubric figure uses. With
    one of ``chunk`` / ``match`` missing, that signal alone is scored (thresholds still per fold).
    """
    from models.crossval import summary
    from models.evaluation import group_folds

    folds = group_folds(groups)
    targets = np.array([t.target for t in truth])
    n = len(truth)
    chunk_ = np.zeros(n) if chunk is None else np.asarray(chunk)
    match_ = np.zeros(n) if match is None else np.asarray(match)
    predicted: list[FitClass | None] = [None] * n
    for fold in range(int(folds.max()) + 1):
        train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        if chunk is None:
            blend = Blend(0.0, 1.0, 0.0)
        elif match is None:
            blend = Blend(1.0, 0.0, 0.0)
        else:
            blend = Blend.fit(chunk_[train], match_[train], targets[train])
        t = tune_thresholds(blend.apply(chunk_[train], match_[train]).tolist(), [truth[i] for i in train],
                            source=f"fold {fold + 1}")
        for i, score in zip(test, blend.apply(chunk_[test], match_[test]), strict=True):
            predicted[i] = t.classify(float(score))
    return {k: round(v, 4) for k, v in summary(truth, [p for p in predicted if p is not None]).items()}

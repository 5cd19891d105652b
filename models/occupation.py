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
- a **title head** (since 1.2) for the JD: the same regression over the vector of its title line
  (first line), trained on the same texts' title lines; the JD's distribution is the normalised
  product of both heads' (a CV keeps the text head's, so stored chunk vectors still suffice);
- **occupation match** = cosine of the two probability vectors;
- **document score** = a linear blend of the chunk-averaged cosine and the occupation match,
  squashed to 0–100 by a logistic curve (order kept, no ties at the ends). Blend and class
  thresholds are calibrated on the rubric-labelled pairs (``fit_labels``: the weak labels reward
  the occupation alone, so a blend fitted on them drowns the cosine): the occupation share that
  gives the best macro F1, then scale and bias by least squares. Reported figures choose all of
  it on four posting folds and score the fifth.

A stored CV is never encoded twice and re-ranking a stored pool for a new JD stays matrix
products (the heads are one more product; the JD's title line is one short forward pass).
Artifacts (``--out``, about 110 KB): ``head.safetensors`` (weights of both heads),
``config.json`` (kind, backbone, chunking, classes, blend), ``thresholds.json``,
``metrics.json`` (the training report, with the unseen-occupation check).
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import ModelUnavailable
from core.fit import FitClass, Thresholds, tune_thresholds
from core.scoring import ChunkAveragedCosineScorer, chunk_averaged_score, pair_matrix, pooled_cosine_scores
from core.sections import title_line
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


def _unit_rows(p: np.ndarray) -> np.ndarray:
    p = np.atleast_2d(p)
    return p / np.maximum(np.linalg.norm(p, axis=1, keepdims=True), 1e-12)


def occupation_match(jd_probabilities: np.ndarray, cv_probabilities: np.ndarray) -> np.ndarray:
    """Cosine of each CV's occupation distribution with the JD's (one JD row, many CV rows)."""
    return _unit_rows(cv_probabilities) @ _unit_rows(jd_probabilities)[0]


SQUASH_SLOPE = 5.0
OCCUPATION_SHARES = tuple(round(0.1 * i, 1) for i in range(11))


@dataclass(frozen=True)
class Blend:
    """score (0–100) = 100 × σ(5 × (fit − 0.5)), fit = chunk × chunk-averaged cosine (0–1) + occupation × match + bias.

    ``fit`` is a linear estimate of the 0 / 0.5 / 1 fit target; the logistic squash keeps its
    order but never flattens it (a clip to [0, 1] would score every unrelated CV 0.0, all tied).
    """

    chunk: float
    occupation: float
    bias: float

    def apply(self, chunk_averaged_100: np.ndarray, match: np.ndarray) -> np.ndarray:
        fit = self.chunk * np.asarray(chunk_averaged_100) / 100.0 + self.occupation * np.asarray(match) + self.bias
        return np.round(100.0 / (1.0 + np.exp(-SQUASH_SLOPE * (fit - 0.5))), 2)

    @classmethod
    def with_share(cls, chunk_averaged_100: np.ndarray, match: np.ndarray, targets: np.ndarray, share: float) -> Blend:
        """The blend whose occupation match weighs ``share`` of the two standardised signals.

        Direction: (1 − share) × cosine / its spread + share × match / its spread; scale and bias
        of that one signal fitted to the 0 / 0.5 / 1 targets by least squares.
        """
        c, m = np.asarray(chunk_averaged_100, dtype=float) / 100.0, np.asarray(match, dtype=float)
        wc, wm = (1.0 - share) / max(float(c.std()), 1e-6), share / max(float(m.std()), 1e-6)
        signal = wc * c + wm * m
        scale, bias = np.polyfit(signal, np.asarray(targets, dtype=float), 1) if signal.std() > 0 else (0.0, 0.5)
        return cls(float(scale * wc), float(scale * wm), float(bias))

    @classmethod
    def fit(cls, chunk_averaged_100: np.ndarray, match: np.ndarray, truth: list[FitClass]) -> Blend:
        """The blend of the share :func:`best_share` picks from :func:`share_search`."""
        search = share_search(chunk_averaged_100, match, truth)
        return search[best_share(search)][0]


def share_search(chunk_averaged_100: np.ndarray, match: np.ndarray, truth: list[FitClass]
                 ) -> dict[float, tuple[Blend, float]]:
    """For each of :data:`OCCUPATION_SHARES`: its least-squares blend and the macro F1 of that
    blend's scores with thresholds tuned on the same pairs."""
    from models.crossval import summary

    targets = np.array([t.target for t in truth])
    out = {}
    for share in OCCUPATION_SHARES:
        blend = Blend.with_share(chunk_averaged_100, match, targets, share)
        scores = blend.apply(chunk_averaged_100, match)
        thresholds = tune_thresholds(scores.tolist(), truth, source="share search")
        out[share] = (blend, summary(truth, [thresholds.classify(float(x)) for x in scores])["macro_f1"])
    return out


def best_share(search: dict[float, tuple[Blend, float]]) -> float:
    """The share with the best macro F1 (ties: the one nearest one half); the least-squares blend
    would serve the 0 / 0.5 / 1 targets' mean error, not the three classes' balance."""
    return max(search, key=lambda share: (round(search[share][1], 6), -abs(share - 0.5)))


# --- the scorer ------------------------------------------------------------------------------------


def jd_probabilities(head: OccupationHead, title_head: OccupationHead | None, features: np.ndarray,
                     title_vectors: np.ndarray | None) -> np.ndarray:
    """Occupation probabilities of JDs: the text head's, times the title head's when there is one.

    A posting's title line names its occupation more plainly than its body (which is mostly the
    employer, benefits and generic duties); the product keeps what both heads find likely.
    """
    p = head.probabilities(features)
    if title_head is not None and title_vectors is not None:
        p = p * title_head.probabilities(title_vectors)
    return p / np.maximum(p.sum(axis=1, keepdims=True), 1e-30)


def title_vectors(encoder: TextEncoder, texts: list[str]) -> np.ndarray:
    """The unit vector of each text's title line (:func:`core.sections.title_line`); a title
    shared by several texts (one posting in many pairs) is encoded once."""
    titles = [title_line(t) or t[:200] for t in texts]
    position = {title: i for i, title in enumerate(dict.fromkeys(titles))}
    return encoder.encode_texts(list(position))[[position[t] for t in titles]]


class OccupationAwareScorer(ChunkAveragedCosineScorer):
    """Chunk-averaged cosine (pair matrix kept as the explanation) blended with the occupation match."""

    def __init__(self, encoder: TextEncoder, head: OccupationHead, blend: Blend, *, thresholds: Thresholds,
                 chunk_tokens: int, overlap: int, name: str, version: str,
                 title_head: OccupationHead | None = None) -> None:
        super().__init__(encoder, thresholds=thresholds, chunk_tokens=chunk_tokens, overlap=overlap)
        self.head, self.title_head, self.blend = head, title_head, blend
        self.name = f"{name}:{encoder.name}"
        self.version = f"{version}+t{self.chunk_tokens}o{overlap}"
        # A JD is scored many times (uploads in groups, re-ranks, page views): its title is encoded once.
        self._title_vector = lru_cache(maxsize=64)(lambda text: title_vectors(self.encoder, [text]))

    def _jd_distribution(self, job_text: str, jd_vectors: np.ndarray) -> np.ndarray:
        titles = self._title_vector(job_text) if self.title_head is not None else None
        return jd_probabilities(self.head, self.title_head,
                                document_features(jd_vectors, np.array([len(jd_vectors)])), titles)[0]

    def job_occupations(self, job_text: str, *, top: int = 3) -> list[tuple[str, float]]:
        """The categories the model reads the job as, most likely first (what the occupation match uses)."""
        _, jd_vectors = self._job_vectors(job_text)
        p = self._jd_distribution(job_text, jd_vectors)
        return [(self.head.classes[i], float(p[i])) for i in np.argsort(-p, kind="stable")[:top]]

    def document_scores(self, job_text: str, jd_vectors: np.ndarray, chunk_averaged: np.ndarray,
                        cv_vectors: np.ndarray, counts: np.ndarray) -> np.ndarray:
        jd = self._jd_distribution(job_text, jd_vectors)
        cv = self.head.probabilities(document_features(cv_vectors, counts))
        scores = self.blend.apply(chunk_averaged, occupation_match(jd, cv))
        return np.where(np.asarray(counts) > 0, scores, 0.0)


def save_occupation(folder: Path, head: OccupationHead, blend: Blend, thresholds: Thresholds, *, encoder: str,
                    chunk_tokens: int, chunk_overlap: int, metrics: dict,
                    title_head: OccupationHead | None = None) -> str:
    """Write the artifacts; returns the version (a hash of the weights and the blend)."""
    from safetensors.numpy import save_file

    if title_head is not None and title_head.classes != head.classes:
        raise ValueError("the title head must predict the same occupation classes as the text head")
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {"weight": np.ascontiguousarray(head.weight), "bias": np.ascontiguousarray(head.bias)}
    if title_head is not None:
        tensors |= {"title_weight": np.ascontiguousarray(title_head.weight),
                    "title_bias": np.ascontiguousarray(title_head.bias)}
    save_file(tensors, str(folder / "head.safetensors"))
    scoring = json.dumps({**asdict(blend), "squash_slope": SQUASH_SLOPE}).encode()
    digest = hashlib.sha256((folder / "head.safetensors").read_bytes() + scoring)
    version = f"1.2+{digest.hexdigest()[:12]}"
    config = {"kind": KIND, "name": "occupation-aware", "version": version, "encoder": encoder,
              "chunk_tokens": chunk_tokens, "chunk_overlap": chunk_overlap, "classes": head.classes,
              "title_head": title_head is not None, "blend": asdict(blend)}
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
    classes = list(config["classes"])
    head = OccupationHead(classes, tensors["weight"], tensors["bias"])
    title_head = (OccupationHead(classes, tensors["title_weight"], tensors["title_bias"])
                  if config.get("title_head") else None)
    if head.weight.shape != (len(classes), 2 * encoder.dimension) or (
            title_head is not None and title_head.weight.shape != (len(classes), encoder.dimension)):
        raise ModelUnavailable(f"the occupation head in {folder} was trained for another encoder than "
                               f"{encoder.name} ({config['encoder']}); set RECRUIT_ENCODER to it")
    return OccupationAwareScorer(encoder, head, Blend(**config["blend"]),
                                 thresholds=Thresholds.load(folder / "thresholds.json"),
                                 chunk_tokens=int(config["chunk_tokens"]), overlap=int(config["chunk_overlap"]),
                                 name=str(config["name"]), version=str(config["version"]), title_head=title_head)


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


def _match_rows(jd_p: np.ndarray, cv_p: np.ndarray) -> np.ndarray:
    """Row-wise occupation match of paired JD and CV distributions."""
    return (_unit_rows(jd_p) * _unit_rows(cv_p)).sum(axis=1)


def run_occupation_training(*, pairs_csv: Path, rubric_csv: Path, out: Path, c: float = 1.0, seed: int = 13
                            ) -> dict:
    """Train the heads on weak data, calibrate blend and thresholds on the rubric, save, report.

    The report's rubric figures choose blend and thresholds on four of the posting folds that
    ``python -m models evaluate`` uses and score the fifth; no rubric pair trains a head.
    """
    from core.config import Settings
    from core.scoring import load_scorer
    from models.contrastive import load_tuning_pairs
    from models.crossval import rubric_frame
    from models.vectors import text_vectors

    started = time.perf_counter()
    base = load_scorer(Settings(scorer="minilm-cosine", precision="fp32"))  # training: exact, machine-independent
    if not isinstance(base, ChunkAveragedCosineScorer):
        raise ModelUnavailable("the occupation head trains on the chunk-averaged MiniLM scorer's vectors")
    weak = load_tuning_pairs(pairs_csv)
    if "cv_category" not in weak:
        raise ValueError(f"{pairs_csv.with_name('pairs_meta.csv')} (CV categories) is missing: run build-data again")
    cv_texts, cv_labels, jd_texts, jd_labels = occupation_examples(weak)
    texts, labels = cv_texts + jd_texts, cv_labels + jd_labels
    vectors = dict(zip(texts, text_vectors(base, texts, desc="encoding CVs and JDs"), strict=True))
    features = features_of([vectors[t] for t in texts])
    titles = title_vectors(base.encoder, texts)
    head = OccupationHead.fit(features, labels, c=c, seed=seed)
    title_head = OccupationHead.fit(titles, labels, c=c, seed=seed)
    names = np.array(head.classes)
    truth_labels = np.array(labels)
    train_accuracy = float(np.mean(names[head.probabilities(features).argmax(1)] == truth_labels))

    oof = _out_of_fold(features, labels, folds=5, c=c, seed=seed, classes=head.classes)
    oof_titles = _out_of_fold(titles, labels, folds=5, c=c, seed=seed, classes=head.classes)
    jd_rows = np.arange(len(cv_texts), len(texts))
    oof_accuracy = float(np.mean(names[oof.argmax(1)] == truth_labels))
    oof_jd_text = float(np.mean(names[oof[jd_rows].argmax(1)] == truth_labels[jd_rows]))
    oof_jd_both = float(np.mean(names[(oof[jd_rows] * oof_titles[jd_rows]).argmax(1)] == truth_labels[jd_rows]))

    rubric = rubric_frame(str(rubric_csv))
    rubric_jds = rubric["job_description_text"].astype(str).tolist()
    jd_vec = text_vectors(base, rubric_jds, desc="encoding rubric JDs")
    cv_vec = text_vectors(base, rubric["resume_text"].astype(str).tolist(), desc="encoding rubric CVs")
    chunk = np.array([chunk_averaged_score(j, v) for j, v in zip(jd_vec, cv_vec, strict=True)])
    cv_p = head.probabilities(features_of(cv_vec))
    jd_features, jd_titles = features_of(jd_vec), title_vectors(base.encoder, rubric_jds)
    match = _match_rows(jd_probabilities(head, title_head, jd_features, jd_titles), cv_p)
    match_text_only = _match_rows(jd_probabilities(head, None, jd_features, None), cv_p)
    truth = [FitClass.parse(v) for v in rubric["label"]]
    groups = rubric["jd_group"].tolist()
    crossval = {
        "chunk-averaged cosine alone": _crossval(chunk, None, truth, groups),
        "occupation match alone": _crossval(None, match, truth, groups),
        "blend, JD occupation from the text head only (no title head)": _crossval(chunk, match_text_only, truth,
                                                                                   groups),
        "blend (shipped)": _crossval(chunk, match, truth, groups),
        f"blend, recall-first thresholds (Good-Fit recall ≥ {RECALL_FIRST_FLOOR} on the tuning folds)":
            _crossval(chunk, match, truth, groups, good_recall_floor=RECALL_FIRST_FLOOR),
    }
    hybrid = lexical_ablation(rubric, chunk, match, truth, groups, idf_corpus=texts)
    aggregation = {}  # the mean's own rows are the crossval rows above
    for name, reading in PAIR_MATRIX_READINGS.items():
        signal = np.array([read_pair_matrix(reading, j, v) for j, v in zip(jd_vec, cv_vec, strict=True)])
        aggregation[name] = {"alone": _crossval(signal, None, truth, groups),
                             "blend": _crossval(signal, match, truth, groups)}
    search = share_search(chunk, match, truth)
    share = best_share(search)
    blend = search[share][0]
    scores = blend.apply(chunk, match)
    thresholds = tune_thresholds(scores.tolist(), truth, source=f"tuned for weighted F1 on all of {rubric_csv.name}")
    import torch

    report = {
        "hardware": f"{platform.machine()}, {torch.get_num_threads()} torch threads, "
                    f"{'CUDA ' + torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'CPU only'}",
        "examples": {"cvs": len(cv_texts), "jds": len(jd_texts), "classes": len(head.classes)},
        "head_train_accuracy": round(train_accuracy, 4),
        "head_out_of_fold_accuracy": round(oof_accuracy, 4),
        "jd_out_of_fold_accuracy": {"text head": round(oof_jd_text, 4), "text × title heads": round(oof_jd_both, 4)},
        "blend": asdict(blend),
        "occupation_share": share,
        "rubric_crossval_5fold_by_posting": crossval,
        "rubric_crossval_by_pair_matrix_aggregation": aggregation,
        "rubric_crossval_hybrid_lexical_ablation": hybrid,
        "thresholds": asdict(thresholds),
        "unseen_occupations": unseen_occupation_check(
            [vectors[t] for t in texts], features, titles, labels, n_cvs=len(cv_texts),
            blends={f"share {s:.1f}": b for s, (b, _) in search.items()}, c=c, seed=seed),
        "rubric_in_sample_macro_f1_by_share": {f"{s:.1f}": round(f1, 4) for s, (_, f1) in search.items()},
        "config": {"c": c, "seed": seed},
        "seconds": round(time.perf_counter() - started, 1),
    }
    report["version"] = save_occupation(out, head, blend, thresholds, encoder=f"bundled:{base.encoder.name}",
                                        chunk_tokens=base.chunk_tokens, chunk_overlap=base.overlap, metrics=report,
                                        title_head=title_head)
    return report


RECALL_FIRST_FLOOR = 0.8
"""Good-Fit recall the recall-first thresholds keep on the pairs they are tuned on (report only)."""


def attention_pool(pairs: np.ndarray, temperature: float = 0.05) -> float:
    """Each JD chunk (row) attends over the CV chunks (softmax of cosine / temperature); mean over JD chunks."""
    weights = np.exp((pairs - pairs.max(1, keepdims=True)) / temperature)
    return float(((weights / weights.sum(1, keepdims=True)) * pairs).sum(1).mean())


PAIR_MATRIX_READINGS: dict[str, Callable[[np.ndarray], float]] = {
    "max over CV chunks, mean over JD chunks": lambda pairs: float(pairs.max(1).mean()),
    "attention over CV chunks (temperature 0.05)": attention_pool,
}
"""Other ways than the mean (the scorer's) to read a non-empty pair matrix as one 0–1 score, compared
side by side in ``train-occupation``'s report (the research's "chunk attention" direction)."""


def read_pair_matrix(reading: Callable[[np.ndarray], float], jd: np.ndarray, cv: np.ndarray) -> float:
    """0–100: ``reading`` of the JD × CV pair matrix (0 without chunks, as the chunk-averaged score)."""
    return 100.0 * reading(pair_matrix(jd, cv)) if len(jd) and len(cv) else 0.0


def lexical_ablation(rubric: pd.DataFrame, chunk: np.ndarray, match: np.ndarray, truth: list[FitClass],
                     groups: list[str], *, idf_corpus: list[str]) -> dict[str, dict[str, float]]:
    """The issue's hybrid head, measured: the shipped signals plus lexical evidence of the pair.

    Features: :data:`models.lexical.FEATURE_NAMES` (TF-IDF cosine with an IDF learnt on
    ``idf_corpus`` — the heads' training texts, never the rubric —, IDF-weighted recall of the
    JD's terms, JD title terms in the CV and in its head, taxonomy skill coverage). Every row is a
    least-squares fit of the 0 / 0.5 / 1 targets on its signals with thresholds, both chosen on
    four posting folds and scored on the fifth (the folds of every rubric figure).
    """
    from core.skills import load_skill_extractor
    from models.baselines import TfidfCosineScorer
    from models.lexical import FEATURE_NAMES, IdfTable, LexicalFeaturizer, extractor_skills

    featurizer = LexicalFeaturizer(IdfTable.fit(idf_corpus), skills_of=extractor_skills(load_skill_extractor()))
    # The `evaluate` baseline's TF-IDF (sklearn, sublinear tf, English stop words), its IDF fixed on the
    # same training texts rather than on the pairs evaluated.
    baseline_tfidf = TfidfCosineScorer(corpus=idf_corpus)
    lexical = np.zeros((len(rubric), len(FEATURE_NAMES)))
    sklearn_tfidf = np.zeros(len(rubric))
    for job_text, rows in rubric.groupby("job_description_text", sort=False).indices.items():
        cvs = rubric["resume_text"].astype(str).iloc[rows].tolist()
        lexical[rows] = featurizer.features(str(job_text), cvs)
        sklearn_tfidf[rows] = [r.score / 100.0 for r in baseline_tfidf.score_batch(str(job_text), cvs)]
    base = {"chunk-averaged cosine": np.asarray(chunk) / 100.0, "occupation match": np.asarray(match)}
    named = dict(zip(FEATURE_NAMES, lexical.T, strict=True))
    rows_: dict[str, dict[str, np.ndarray]] = {"chunk-averaged cosine + occupation match (linear)": base}
    rows_ |= {f"… + {name}": base | {name: column} for name, column in named.items()}
    rows_["… + TF-IDF cosine as the evaluate baseline computes it (IDF fixed on the training texts)"] = base | {
        "sklearn_tfidf": sklearn_tfidf}
    rows_["… + all five lexical features"] = base | named
    rows_["occupation match + all five lexical features (no transformer cosine)"] = {
        "occupation match": base["occupation match"]} | named
    return {label: _crossval_linear(np.column_stack(list(signals.values())), truth, groups)
            for label, signals in rows_.items()}


def _crossval_linear(features: np.ndarray, truth: list[FitClass], groups: list[str]) -> dict[str, float]:
    """Rubric figures of a least-squares fit of the 0 / 0.5 / 1 targets, fit and thresholds per posting fold."""
    design = np.column_stack([features, np.ones(len(features))])
    targets = np.array([t.target for t in truth])

    def fit(train: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        weights = np.linalg.lstsq(design[train], targets[train], rcond=None)[0]
        return lambda rows: 100.0 * design[rows] @ weights

    return _crossval_by_posting(fit, truth, groups)


def _crossval(chunk: np.ndarray | None, match: np.ndarray | None, truth: list[FitClass], groups: list[str],
              *, good_recall_floor: float | None = None) -> dict[str, float]:
    """Rubric figures with the blend *and* the thresholds chosen on the other posting folds.

    With one of ``chunk`` / ``match`` missing, that signal alone is scored (thresholds still per
    fold). ``good_recall_floor`` tunes recall-first thresholds (:func:`core.fit.tune_thresholds`).
    """
    n = len(truth)
    chunk_ = np.zeros(n) if chunk is None else np.asarray(chunk)
    match_ = np.zeros(n) if match is None else np.asarray(match)

    def fit(train: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        if chunk is None:
            blend = Blend(0.0, 1.0, 0.0)
        elif match is None:
            blend = Blend(1.0, 0.0, 0.0)
        else:
            blend = Blend.fit(chunk_[train], match_[train], [truth[i] for i in train])
        return lambda rows: blend.apply(chunk_[rows], match_[rows])

    return _crossval_by_posting(fit, truth, groups, good_recall_floor=good_recall_floor)


def _crossval_by_posting(fit: Callable[[np.ndarray], Callable[[np.ndarray], np.ndarray]], truth: list[FitClass],
                         groups: list[str], *, good_recall_floor: float | None = None) -> dict[str, float]:
    """Out-of-fold rubric figures: for each fold of :func:`models.evaluation.group_folds` (the folds every
    rubric figure uses), ``fit`` on the other folds' rows gives a scoring of rows; thresholds are tuned on
    those rows' scores and classify the fold's."""
    from models.crossval import summary
    from models.evaluation import out_of_fold_classes

    predicted, _ = out_of_fold_classes(fit, truth, groups, good_recall_floor=good_recall_floor)
    return {k: round(v, 4) for k, v in summary(truth, predicted).items()}


UNSEEN_CHECK_CATEGORIES = 8


def unseen_occupation_check(vectors: list[np.ndarray], features: np.ndarray, titles: np.ndarray, labels: list[str],
                            *, n_cvs: int, blends: dict[str, Blend], c: float, seed: int) -> dict:
    """How the scorer ranks for an occupation its heads never saw (a recruiter's posting outside the categories).

    For each of the :data:`UNSEEN_CHECK_CATEGORIES` categories with the most postings: both heads
    are retrained without that category's CVs and postings, and each of its postings ranks all the
    training CVs (relevant = the held-out category's CVs); mean nDCG@10 of each of ``blends`` next
    to the chunk-averaged cosine alone. (The heads then see their own training CVs: only the
    held-out category is unseen, which is the point.)
    """
    from models.metrics import ndcg_at_k, ranked_relevance

    y = np.array(labels)
    cv_rows, jd_rows = np.arange(n_cvs), np.arange(n_cvs, len(labels))
    counts = np.array([len(vectors[i]) for i in cv_rows])
    pool = np.concatenate([vectors[i] for i in cv_rows])
    names, jd_counts = np.unique(y[jd_rows], return_counts=True)
    held_out = [str(n) for n in names[np.argsort(-jd_counts, kind="stable")][:UNSEEN_CHECK_CATEGORIES]]
    rows: dict[str, list[float]] = {name: [] for name in blends} | {"chunk-averaged cosine": []}
    for category in held_out:
        keep = y != category
        head = OccupationHead.fit(features[keep], list(y[keep]), c=c, seed=seed)
        title_head = OccupationHead.fit(titles[keep], list(y[keep]), c=c, seed=seed)
        cv_p = head.probabilities(features[cv_rows])
        relevant = (y[cv_rows] == category).tolist()
        for j in jd_rows[y[jd_rows] == category]:
            if not len(vectors[j]):
                continue
            jd_p = jd_probabilities(head, title_head, features[j : j + 1], titles[j : j + 1])[0]
            cosine = pooled_cosine_scores(vectors[j], pool, counts)
            match = occupation_match(jd_p, cv_p)
            for key, scores in [(name, b.apply(cosine, match)) for name, b in blends.items()] + [
                    ("chunk-averaged cosine", cosine)]:
                rows[key].append(ndcg_at_k(ranked_relevance(scores.tolist(), relevant), 10))
    return {"held_out_categories": held_out, "postings": len(rows["chunk-averaged cosine"]),
            "ndcg_at_10": {k: round(float(np.mean(v)), 4) if v else None for k, v in rows.items()}}

"""``python -m models train``: weak pairs → trained pair head → artifacts + cross-validated report."""

from __future__ import annotations

import json
import logging
import platform
import time
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import torch

from core.config import Settings
from core.fit import FitClass, tune_thresholds
from core.scoring import ChunkAveragedCosineScorer, load_scorer
from core.skills import load_skill_extractor
from models.crossval import cross_validate, rubric_frame, summary
from models.lexical import IdfTable, LexicalFeaturizer, extractor_skills
from models.trained_scorer import ArtifactConfig
from models.evaluation import cross_validated_classes
from models.training import (TrainConfig, document_scores, feature_mask, grouped_split, load_weak_pairs, prepare,
                             train_head)

logger = logging.getLogger(__name__)

DEFAULT_ARTIFACTS = Path(__file__).resolve().parent / "trained" / "bi-encoder-minilm"


def run_training(*, pairs_csv: Path, rubric_csv: Path, out: Path, config: TrainConfig, max_pairs: int | None = None,
                 crossval: bool = True, ablation: bool = False) -> dict:
    """Train on weak pairs, tune thresholds on the rubric set, save artifacts, report CV figures."""
    started = time.perf_counter()
    torch.manual_seed(config.seed)
    base = load_scorer(Settings(scorer="minilm-cosine", precision="fp32"))  # training: exact, machine-independent
    assert isinstance(base, ChunkAveragedCosineScorer)
    weak = load_weak_pairs(pairs_csv)
    if max_pairs and len(weak) > max_pairs:
        weak = weak.sample(n=max_pairs, random_state=config.seed)
    weak = weak.reset_index(drop=True)
    train_rows, val_rows = grouped_split(weak, seed=config.seed)
    logger.info("weak pairs: %d train, %d validation (grouped), %d dropped", len(train_rows), len(val_rows),
                len(weak) - len(train_rows) - len(val_rows))
    corpus = pd.concat([weak.loc[train_rows, "resume_text"], weak.loc[train_rows, "job_description_text"]]).drop_duplicates()
    idf = IdfTable.fit(corpus.astype(str))
    featurizer = LexicalFeaturizer(idf, skills_of=extractor_skills(load_skill_extractor()))
    prepared = prepare(weak, base, featurizer, desc="weak pairs")
    train, val = prepared.subset(train_rows), prepared.subset(val_rows)
    rubric = prepare(rubric_frame(str(rubric_csv)), base, featurizer, desc="rubric pairs")
    dim = base.encoder.dimension
    prep_seconds = time.perf_counter() - started

    result = train_head(train, val, config, dim=dim)
    mask = feature_mask(config.features)
    rubric_scores = document_scores(result.head, rubric, mask)
    truth = [FitClass.parse(v) for v in rubric.labels]
    thresholds = tune_thresholds(rubric_scores, truth, source=f"tuned for weighted F1 on all of {rubric_csv.name}")

    out.mkdir(parents=True, exist_ok=True)
    result.head.save(out)
    idf.save(out / "idf.json.gz")
    thresholds.save(out / "thresholds.json")
    name = "bi-encoder:" + base.encoder.name + ("+lexical" if config.features else "")
    ArtifactConfig(name=name, version=f"{time.strftime('%Y%m%d')}-s{config.seed}", encoder=f"bundled:{base.encoder.name}",
                   chunk_tokens=base.chunk_tokens, chunk_overlap=base.overlap, features=tuple(config.features)).save(out)
    report: dict = {
        "hardware": f"{platform.machine()}, {torch.get_num_threads()} torch threads, "
                    f"{'CUDA ' + torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'CPU only'}",
        "weak_pairs": {"train": len(train), "validation": len(val)},
        "config": asdict(config),
        "best_epoch": result.best_epoch,
        "validation_weighted_f1_weak": round(result.val_weighted_f1, 4),
        "history": result.history,
        "thresholds": asdict(thresholds),
        "seconds": {"prepare": round(prep_seconds, 1), "train_head": round(result.seconds, 1)},
    }
    if crossval:
        weak_only, _ = cross_validated_classes(rubric_scores, truth, rubric.jd_groups)
        cv = {"weak only (model fixed, thresholds cross-validated)": {
            k: round(v, 4) for k, v in summary(truth, weak_only).items()}}
        variants = {"weak + rubric folds": (config, True)}
        if ablation:
            variants |= {
                "weak + rubric, embeddings only": (TrainConfig(**{**asdict(config), "features": ()}), True),
                "weak + rubric, lexical only": (TrainConfig(**{**asdict(config), "use_embeddings": False}), True),
            } | {
                f"weak + rubric, without {f}": (TrainConfig(**{**asdict(config),
                                                              "features": tuple(x for x in config.features if x != f)}), True)
                for f in config.features
            }
        for label, (cfg, on_rubric) in variants.items():
            t = time.perf_counter()
            result = cross_validate(rubric, cfg, dim=dim, weak=train, train_on_rubric=on_rubric)
            cv[label] = {k: round(v, 4) for k, v in summary(result.truth, result.predicted).items()}
            cv[label]["seconds"] = round(time.perf_counter() - t, 1)
            logger.info("cross-validated %s: %s", label, cv[label])
        report["rubric_crossval_5fold_by_posting"] = cv
    report["seconds"]["total"] = round(time.perf_counter() - started, 1)
    (out / "metrics.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    return report

"""LoRA tuning of the bi-encoder backbone: the loss, a tiny real run, the artifacts and their scorer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import torch

from models.contrastive import TuneConfig, contrastive_loss

ACCOUNTANT_JD = "Staff Accountant\nWe need an accountant: general ledger, GAAP, month-end close, reconciliations."
CHEF_JD = "Line Cook\nOur kitchen needs a cook: food preparation, grill, sanitation, plating for service."
NURSE_JD = "Registered Nurse\nPatient care on a medical ward: medication administration, charting, triage."
ACCOUNTANT_CV = "Jane Roe. Accountant. Prepared journal entries, reconciled accounts, closed the books monthly."
CHEF_CV = "John Doe. Cook at a bistro. Prepared food, ran the grill, kept the kitchen clean and safe."
NURSE_CV = "Mary Major. RN. Cared for patients on a surgical ward, gave medication, kept charts."


def _unit(*rows: list[float]) -> torch.Tensor:
    return torch.nn.functional.normalize(torch.tensor(rows, dtype=torch.float32), dim=-1)


def test_the_loss_is_lower_when_each_jd_is_closest_to_its_good_cv() -> None:
    jd = _unit([1, 0, 0], [0, 1, 0])
    aligned = _unit([1, 0, 0], [0, 1, 0], [0, 0, 1])
    swapped = _unit([0, 1, 0], [1, 0, 0], [0, 0, 1])
    pairs = [(0, 0, 1.0), (1, 1, 1.0), (0, 2, 0.0)]
    positives = [(0, 0), (1, 1)]
    none_masked = torch.zeros((2, 3), dtype=torch.bool)
    good = contrastive_loss(jd, aligned, pairs, positives, none_masked, 20.0, 1.0)
    bad = contrastive_loss(jd, swapped, pairs, positives, none_masked, 20.0, 1.0)
    assert float(good) < 0.01 < float(bad)


def test_a_cv_of_the_positives_own_category_is_not_punished_as_a_negative() -> None:
    jd = _unit([1, 0])
    cvs = _unit([1, 0], [1, 0.05])  # the second CV is as close as the positive: same occupation
    positives = [(0, 0)]
    unmasked = contrastive_loss(jd, cvs, [], positives, torch.zeros((1, 2), dtype=torch.bool), 20.0, 0.0)
    masked = contrastive_loss(jd, cvs, [], positives, torch.tensor([[True, True]]), 20.0, 0.0)
    assert float(masked) < 1e-4 < float(unmasked)


def test_the_ordinal_term_wants_good_above_potential_above_no_fit() -> None:
    jd = _unit([1, 0])
    ordered = _unit([1, 0], [0.7, 0.7], [0, 1])
    reversed_ = _unit([0, 1], [0.7, 0.7], [1, 0])
    pairs = [(0, 0, 1.0), (0, 1, 0.5), (0, 2, 0.0)]
    none = torch.zeros((1, 3), dtype=torch.bool)
    assert float(contrastive_loss(jd, ordered, pairs, [], none, 20.0, 1.0)) < \
        float(contrastive_loss(jd, reversed_, pairs, [], none, 20.0, 1.0))


def _weak_pairs(path: Path) -> Path:
    jds, cvs = [ACCOUNTANT_JD, CHEF_JD, NURSE_JD], [ACCOUNTANT_CV, CHEF_CV, NURSE_CV]
    categories = ["ACCOUNTANT", "CHEF", "HEALTHCARE"]
    rows = []
    for copy in range(4):  # distinct texts per copy, so groups (and the grouped split) have room
        for j, jd in enumerate(jds):
            for c, cv in enumerate(cvs):
                rows.append({"resume_text": f"{cv} ({copy})", "job_description_text": f"{jd} ({copy})",
                             "label": 1.0 if j == c else 0.0, "resume_group": f"cv{c}-{copy}",
                             "jd_group": f"jd{j}-{copy}", "source": "test", "cv_category": categories[c]})
    frame = pd.DataFrame(rows)
    frame.drop(columns="cv_category").to_csv(path / "pairs.csv", index=False)
    frame[["cv_category"]].to_csv(path / "pairs_meta.csv", index=False)
    return path / "pairs.csv"


def _rubric(path: Path) -> Path:
    rows = []
    for j, jd in enumerate([ACCOUNTANT_JD, CHEF_JD, NURSE_JD] * 2):
        for c, cv in enumerate([ACCOUNTANT_CV, CHEF_CV, NURSE_CV]):
            label = "Good Fit" if j % 3 == c else ("Potential Fit" if (j + c) % 3 == 1 else "No Fit")
            rows.append({"jd_id": f"p{j}", "cv_file": f"cv{c}-{j}.pdf", "label": label,
                         "job_description_text": f"{jd} #{j}", "resume_text": f"{cv} #{j}"})
    pd.DataFrame(rows).to_csv(path / "rubric.csv", index=False)
    return path / "rubric.csv"


@pytest.mark.slow
def test_a_tiny_tuning_run_is_deterministic_and_ships_small_artifacts_the_app_loads(tmp_path: Path) -> None:
    from core.config import Settings
    from core.scoring import load_scorer
    from models.contrastive import run_tuning

    pairs, rubric = _weak_pairs(tmp_path), _rubric(tmp_path)
    config = TuneConfig(epochs=1, batch_jds=4, max_steps_per_epoch=2, seed=5)
    first = run_tuning(pairs_csv=pairs, rubric_csv=rubric, out=tmp_path / "a", config=config, device="cpu")
    second = run_tuning(pairs_csv=pairs, rubric_csv=rubric, out=tmp_path / "b", config=config, device="cpu")
    assert first["version"] == second["version"]  # same seed and data: the same adapter bytes
    assert {"macro_f1", "weighted_f1", "good_recall"} <= set(first["rubric_crossval_5fold_by_posting"])
    size = sum(p.stat().st_size for p in (tmp_path / "a").iterdir())
    assert size < 5_000_000  # adapters, config, thresholds: no backbone copy

    scorer = load_scorer(Settings(scorer=str(tmp_path / "a"), device="cpu"))
    assert scorer.name == "chunk-avg-cosine:minilm-tuned" and first["version"] in scorer.version
    accountant, chef = scorer.score_batch(ACCOUNTANT_JD, [ACCOUNTANT_CV, CHEF_CV])
    assert accountant.score > chef.score
    assert accountant.fit_class in {"Good Fit", "Potential Fit", "No Fit"}

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import models.evaluation as evaluation
from core.fit import FitClass, Thresholds
from core.scoring import ScoreResult
from models.evaluation import (
    cross_validated_classes,
    evaluate_pairs,
    jd_probe,
    load_pairs,
    pairs_from_frame,
    probe_assignments,
)

N, P, G = FitClass.NO_FIT, FitClass.POTENTIAL_FIT, FitClass.GOOD_FIT

TOPICS = {
    "python": (
        "Python developer wanted: build REST APIs in Python, SQL, Docker, Kubernetes on AWS.",
        ["Python engineer: REST APIs, SQL, Docker, Kubernetes, AWS, pytest.", "Java developer, Spring, SQL."],
    ),
    "chef": (
        "Pastry chef for a hotel kitchen: croissants, laminated doughs, chocolate, food safety.",
        [
            "Pastry chef, ten years: croissants, laminated doughs, chocolate tempering.",
            "Line cook, grill, prep.",
        ],
    ),
    "nurse": (
        "Registered nurse for an intensive care unit: patient assessment, medication, ventilators.",
        [
            "Registered nurse, ICU: patient assessment, medication administration, ventilators.",
            "Care assistant.",
        ],
    ),
}


def tiny_frame() -> pd.DataFrame:
    """3 JDs × 3 CVs: the on-topic CV is Good Fit, the near one Potential, the others No Fit."""
    rows = []
    for topic, (jd, (good, near)) in TOPICS.items():
        rows.append({"job_description_text": jd, "resume_text": good, "label": "Good Fit"})
        rows.append({"job_description_text": jd, "resume_text": near, "label": 0.5})
        other = next(t for t in TOPICS if t != topic)
        rows.append({"job_description_text": jd, "resume_text": TOPICS[other][1][0], "label": "No Fit"})
    rows.append({"job_description_text": TOPICS["chef"][0], "resume_text": "  ", "label": "0"})
    return pd.DataFrame(rows)


class FakeScorer:
    """Deterministic scores: a hash of the (JD, CV) pair, or a given function of it."""

    def __init__(self, name: str = "fake", fn=None) -> None:  # type: ignore[no-untyped-def]
        self.name, self.version = name, "1"
        self.thresholds = Thresholds(30.0, 60.0, "fake shipped")
        self.fn = fn or self.hashed
        self.calls: list[tuple[str, int]] = []

    @staticmethod
    def hashed(jd: str, cv: str) -> float:
        return int(hashlib.sha256(f"{jd}|{cv}".encode()).hexdigest()[:8], 16) % 10_000 / 100

    def score_batch(  # type: ignore[no-untyped-def]
        self, job_text: str, cv_texts: Sequence[str], *, progress=None
    ) -> list[ScoreResult]:
        self.calls.append((job_text, len(cv_texts)))
        out = []
        for cv in cv_texts:
            s = float(self.fn(job_text, cv))
            fit = self.thresholds.classify(s)
            out.append(ScoreResult(s, fit, np.zeros((1, 1)), (), (), self.name, self.version))
        return out


def test_parse_label_accepts_names_and_targets() -> None:
    values = ("Good Fit", "potential_fit", "no", 1, "0.5", 0.0, "1.0")
    assert [FitClass.parse(v) for v in values] == [G, P, N, G, P, N, G]
    with pytest.raises(ValueError):
        FitClass.parse(0.7)


def test_pairs_file_columns_any_case_and_bad_labels_named_by_line(tmp_path: Path) -> None:
    frame = tiny_frame().rename(columns={"label": " Label", "resume_text": "Resume_Text"})
    path = tmp_path / "pairs.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")  # with a byte-order mark
    assert len(load_pairs(path)) == 9
    frame.loc[[0, 4], " Label"] = ["maybe", None]
    frame.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"2 label\(s\).*line 2: 'maybe'; line 6: nan"):
        load_pairs(path)


def test_pairs_files_in_spreadsheet_encodings_and_separators_and_clear_errors(tmp_path: Path) -> None:
    frame = tiny_frame().iloc[:3].assign(resume_text=lambda f: f.resume_text + " Café; crème")
    for name, kwargs in [("utf16.csv", {"encoding": "utf-16"}), ("cp1252.csv", {"encoding": "cp1252"}),
                         ("semicolon.csv", {"sep": ";"}), ("tab.csv", {"sep": "\t"}),
                         ("crlf.csv", {"lineterminator": "\r\n"})]:
        frame.to_csv(tmp_path / name, index=False, **kwargs)
        pairs = load_pairs(tmp_path / name)
        assert len(pairs) == 3 and pairs.data["resume_text"][0].endswith("Café; crème"), name
    from models.evaluation import first_of

    assert first_of([str(i) for i in range(12)]) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9, and 2 more"
    assert first_of(["a", "b"], sep="; ") == "a; b"
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(ValueError, match="empty.csv: the file is empty"):
        load_pairs(tmp_path / "empty.csv")


def test_ordinal_zero_one_two_labels_are_read_only_as_a_whole_column() -> None:
    frame = pd.DataFrame({"job_description_text": ["jd"] * 3, "resume_text": ["a", "b", "c"],
                          "label": [2, 1, 0]})
    assert pairs_from_frame(frame, source="ordinal.csv").labels == [G, P, N]
    frame["label"] = [1, 0.5, 0]  # the regression targets: 1 stays Good Fit
    assert pairs_from_frame(frame, source="targets.csv").labels == [G, P, N]
    frame["label"] = [2, 0.5, 0]  # neither scheme
    with pytest.raises(ValueError, match="line 2: 2"):
        pairs_from_frame(frame, source="mixed.csv")


def test_pairs_drop_empty_cvs_and_parse_labels() -> None:
    pairs = pairs_from_frame(tiny_frame(), source="tiny.csv")
    assert len(pairs) == 9 and pairs.dropped_empty == 1
    assert pairs.labels.count(G) == 3 and pairs.labels.count(P) == 3
    shuffled = pairs_from_frame(tiny_frame().sample(frac=1, random_state=1), source="other.csv")
    assert shuffled.content_key == pairs.content_key  # same content, any order


def test_cross_validation_never_tunes_on_the_fold_it_predicts(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    groups = [f"jd{i // 6}" for i in range(60)]  # 10 JDs × 6 pairs
    scores = rng.permutation(np.arange(60) * 1.5 + 0.25).tolist()  # unique: a score identifies its row
    labels = [(N, P, G)[i % 3] for i in range(60)]
    calls: list[tuple[set[float], Thresholds]] = []
    real = evaluation.tune_thresholds

    def spy(values, labs, *, source, **kwargs):  # type: ignore[no-untyped-def]
        t = real(values, labs, source=source)
        calls.append((set(values), t))
        return t

    monkeypatch.setattr(evaluation, "tune_thresholds", spy)
    predicted, folds = cross_validated_classes(scores, labels, groups, n_splits=5)
    assert len(calls) == len(folds) == 5
    row_of = {s: i for i, s in enumerate(scores)}
    held_out_rows: list[int] = []
    for seen, t in calls:
        held_out = [i for i in range(60) if scores[i] not in seen]
        # Whole JDs are held out: no held-out JD has a single pair among the tuning inputs.
        assert {groups[i] for i in held_out}.isdisjoint({groups[row_of[s]] for s in seen})
        for i in held_out:
            assert predicted[i] == t.classify(scores[i])  # predicted with thresholds that never saw it
        held_out_rows += held_out
    assert sorted(held_out_rows) == list(range(60))  # each row held out exactly once


def test_threshold_policy_cv_on_the_calibration_set_else_held_out(monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = pairs_from_frame(tiny_frame(), source="tiny.csv")
    scorer, baseline = FakeScorer("under-test"), FakeScorer("baseline")
    copy = pairs_from_frame(tiny_frame(), source="cal.csv")
    same = evaluate_pairs(pairs, scorer, [baseline], calibration=copy)
    assert same["threshold_policy"]["baselines"] == "cross-validation"
    under, base = same["scorers"]
    assert under["thresholds"]["policy"] == "shipped" and under["thresholds"]["good"] == 60.0
    assert base["thresholds"]["policy"] == "cross-validation" and len(base["thresholds"]["folds"]) == 3

    # A separate calibration set: thresholds tuned on it alone — except its JDs shared with the file.
    extra_jd = "Truck driver, class A licence, long haul."
    cal_frame = pd.concat(
        [
            tiny_frame().iloc[:3],  # the python JD: also in the evaluated file, must be left out
            pd.DataFrame(
                {
                    "job_description_text": [extra_jd] * 3,
                    "resume_text": ["driver", "cook", "nurse"],
                    "label": [1, 0, 0],
                }
            ),
        ]
    )
    calibration = pairs_from_frame(cal_frame, source="cal.csv")
    tuned_on: list[list[float]] = []
    real = evaluation.tune_thresholds

    def spy(values, labs, *, source, **kwargs):  # type: ignore[no-untyped-def]
        tuned_on.append(list(values))
        return real(values, labs, source=source)

    monkeypatch.setattr(evaluation, "tune_thresholds", spy)
    report = evaluate_pairs(pairs, scorer, [baseline], calibration=calibration, retune=True)
    assert report["threshold_policy"]["baselines"] == "calibration set"
    expected = sorted(baseline.fn(extra_jd, cv) for cv in ("driver", "cook", "nurse"))
    assert len(tuned_on) == 2 and all(sorted(v) == expected for v in tuned_on)
    assert all(e["thresholds"]["pairs"] == 3 for e in report["scorers"])


def test_the_in_sample_warning_compares_contents_not_file_names() -> None:
    pairs = pairs_from_frame(tiny_frame(), source="copy_of_cal.csv")  # a renamed copy of the calibration file
    calibration = pairs_from_frame(tiny_frame(), source="fit_labels.csv")
    tuned = FakeScorer("under-test")
    tuned.thresholds = Thresholds(30.0, 60.0, "tuned for weighted F1 on all of fit_labels.csv")

    def warning(scorer, on, cal, retune=False):  # type: ignore[no-untyped-def]
        return evaluate_pairs(on, scorer, calibration=cal, retune=retune)["scorers"][0]["thresholds"].get("warning")

    assert "in-sample" in warning(tuned, pairs, calibration)  # same postings under another name: warned
    other = pairs_from_frame(tiny_frame().assign(job_description_text=lambda f: f.job_description_text + " (2024)"),
                             source="labels.csv")
    assert warning(tuned, other, calibration) is None  # a name inside "fit_labels.csv", other postings: not
    assert warning(FakeScorer("under-test"), pairs, calibration) is None  # thresholds tuned elsewhere
    assert warning(tuned, pairs, calibration, retune=True) is None  # re-tuned out of fold: nothing else was fitted
    # A custom --calibration: the warning still compares with the file the thresholds were tuned on.
    custom = evaluate_pairs(pairs, tuned, calibration=other, tuned_on=calibration)
    assert "in-sample" in custom["scorers"][0]["thresholds"]["warning"]
    tuned.blend = object()  # an occupation-aware scorer: its blend was fitted on the calibration file too
    assert "even with re-tuned thresholds" in warning(tuned, pairs, calibration, retune=True)


def test_folds_group_by_the_files_jd_id_when_it_has_one() -> None:
    frame = tiny_frame()
    frame["jd_id"] = frame["job_description_text"].map({jd: f"id{i}" for i, (jd, _) in enumerate(TOPICS.values())})
    pairs = pairs_from_frame(frame, source="with_ids.csv")
    assert pairs.jd_groups == frame.loc[frame.resume_text.str.strip() != "", "jd_id"].tolist()
    assert pairs_from_frame(tiny_frame(), source="no_ids.csv").jd_groups == pairs.jd_texts


def test_evaluate_and_the_trained_heads_draw_the_same_folds_on_fit_labels() -> None:
    from core.config import get_settings
    from models.crossval import rubric_frame
    from models.evaluation import group_folds

    path = get_settings().fit_labels_csv
    if not path.is_file():
        pytest.skip("../shared/data/fit_labels is not beside the project")
    pairs, rubric = load_pairs(path), rubric_frame(str(path))
    assert pairs.jd_texts == rubric["job_description_text"].astype(str).tolist()  # same rows, same order
    assert group_folds(pairs.jd_groups).tolist() == group_folds(rubric["jd_group"].tolist()).tolist()


def test_jd_probe_compares_own_and_random_other_jd() -> None:
    pairs = pairs_from_frame(tiny_frame(), source="tiny.csv")
    assignments = probe_assignments(pairs, seed=7)
    assert assignments == probe_assignments(pairs, seed=7)  # seeded
    assert len(assignments) == 3
    for row, other in assignments:
        assert pairs.labels[row] is G and other != pairs.jd_texts[row]

    def topical(jd: str, cv: str) -> float:
        return 90.0 if jd.split()[0] == cv.split()[0] else 10.0

    for fn, share in ((topical, 1.0), (lambda jd, cv: 100 - topical(jd, cv), 0.0)):
        scorer = FakeScorer(fn=fn)
        own = np.array([fn(jd, cv) for jd, cv in zip(pairs.jd_texts, pairs.data["resume_text"], strict=True)])
        probe = jd_probe(scorer, pairs, own, assignments)
        assert probe is not None and probe["share"] == share and probe["pairs"] == 3


def test_tfidf_passes_the_jd_probe_on_distinct_topics() -> None:
    from models.baselines import TfidfCosineScorer

    pairs = pairs_from_frame(tiny_frame(), source="tiny.csv")
    report = evaluate_pairs(pairs, TfidfCosineScorer(), [], calibration=None, retune=True)
    entry = report["scorers"][0]
    assert entry["jd_probe"]["share"] == 1.0
    assert entry["metrics"]["per_class"]["Good Fit"]["support"] == 3


def test_evaluate_cli_end_to_end(tmp_path: Path, encoder, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import models.encoder
    from models.__main__ import main

    # Reuse the session's weights instead of loading them again.
    monkeypatch.setattr(models.encoder, "load_encoder", lambda *a, **k: encoder)
    data = tmp_path / "pairs.csv"
    tiny_frame().to_csv(data, index=False)
    assert main(["evaluate", "--data", str(data), "--json", "--calibration", str(data), "--scorer", "minilm-cosine"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["pairs"] == 9 and report["dropped_empty"] == 1 and report["jds"] == 3
    assert report["threshold_policy"]["baselines"] == "cross-validation"
    labels = [e["label"] for e in report["scorers"]]
    assert labels[0] == "minilm-cosine" and len(labels) == 4
    assert [e["role"] for e in report["scorers"]] == ["under test"] + ["baseline"] * 3
    for e in report["scorers"]:
        m = e["metrics"]
        assert 0 <= m["accuracy"] <= 1 and 0 <= m["macro_f1"] <= 1
        assert sum(map(sum, m["confusion_matrix"])) == 9
        assert e["pairs_per_s"] > 0 and e["jd_probe"]["pairs"] == 3
        assert set(e["score_distribution"]) == {"No Fit", "Potential Fit", "Good Fit"}
    # The chunk-averaged baseline is the scorer under test with other thresholds: scored once.
    assert report["scorers"][0]["scoring_seconds"] == report["scorers"][3]["scoring_seconds"]

    # A calibration file named but not there is a typo to report, not a silent fallback.
    assert main(["evaluate", "--data", str(data), "--calibration", str(tmp_path / "none.csv"),
                 "--scorer", "minilm-cosine"]) == 2
    assert "no calibration pairs at" in capsys.readouterr().err
    # No calibration file named and no fit_labels beside the project: thresholds by cross-validation.
    from core.config import get_settings

    monkeypatch.setenv("RECRUIT_SHARED_DATA_DIR", str(tmp_path / "no-shared-data"))
    get_settings.cache_clear()
    assert main(["evaluate", "--data", str(data), "--scorer", "minilm-cosine"]) == 0
    text = capsys.readouterr().out
    for expected in ("minilm-cosine", "tfidf-cosine", "first-chunk-cosine", "JD probe", "no calibration set"):
        assert expected in text


def test_scorers_over_the_same_encoder_encode_each_cv_once_in_a_run(scorer, encoder, monkeypatch) -> None:
    from core.scoring import ChunkAveragedCosineScorer
    from models.evaluation import jd_probe, pairs_from_frame, probe_assignments, score_pairs
    from models.vectors import SharedVectors

    pairs = pairs_from_frame(tiny_frame(), source="tiny")
    shared = SharedVectors()
    first, _ = score_pairs(scorer, pairs, shared=shared)
    twin = ChunkAveragedCosineScorer(encoder, thresholds=scorer.thresholds, chunk_tokens=scorer.chunk_tokens,
                                     overlap=scorer.overlap)
    twin.name = "twin"
    assert shared.reused_from(twin) == scorer.name and shared.reused_from(scorer) is None
    encoded: list[int] = []
    real = encoder.encode_ids
    monkeypatch.setattr(encoder, "encode_ids", lambda chunks, **k: encoded.append(len(chunks)) or real(chunks, **k))
    again, _ = score_pairs(twin, pairs, shared=shared)
    assert again.tolist() == pytest.approx(first.tolist(), abs=0.01)
    jd_chunks = sum(len(twin.chunk(jd)) for jd in set(pairs.jd_texts))
    assert sum(encoded) == jd_chunks  # only the JDs: every CV's vectors came from the first scorer
    encoded.clear()
    probe = jd_probe(scorer, pairs, first, probe_assignments(pairs), shared=shared)
    assert probe is not None and sum(encoded) == 0  # the probe's CVs are known too (JDs cached)


# --- ranking --------------------------------------------------------------------------------------


def write_ranking_set(root: Path) -> tuple[Path, Path]:
    """Two CV categories × 3 TXT CVs, and JDs: one per category (lower-case), one with no CVs."""
    cvs, jds = root / "cvs", root / "jds"
    texts = {
        "INFORMATION-TECHNOLOGY": [
            "Python developer: REST APIs, SQL, Docker, Kubernetes, AWS.",
            "Software engineer, Python and Go, microservices, Kubernetes.",
            "Data engineer: Python, SQL, Spark pipelines, AWS.",
        ],
        "CHEF": [
            "Pastry chef: croissants, laminated doughs, chocolate tempering.",
            "Head chef, hotel kitchen, menu costing, food safety, pastry.",
            "Sous chef: sauces, grill, kitchen brigade, food safety.",
        ],
    }
    for category, cv_texts in texts.items():
        (cvs / category).mkdir(parents=True)
        for i, text in enumerate(cv_texts):
            (cvs / category / f"cv{i}.txt").write_text(text, encoding="utf-8")
    (cvs / "CHEF" / "notes.md").write_text("not a CV format", encoding="utf-8")
    jds.mkdir()
    (jds / "it.txt").write_text("Python developer for REST APIs with SQL, Docker and Kubernetes on AWS.")
    (jds / "chef.txt").write_text("Pastry chef: croissants, chocolate, food safety in a hotel kitchen.")
    (jds / "nurse.txt").write_text("Registered nurse, intensive care.")
    pd.DataFrame(
        {
            "file": ["it.txt", "chef.txt", "nurse.txt"],
            "category": ["information-technology", "Chef", "HEALTHCARE"],
        }
    ).to_csv(jds / "manifest.csv", index=False)
    return cvs, jds


def test_cached_pool_scorer_equals_score_batch(scorer, encoder) -> None:
    from models.baselines import FirstChunkCosineScorer
    from models.ranking_eval import CachedPoolScorer

    cvs = [cv for _, (_, pair) in TOPICS.items() for cv in pair] + [" ".join(TOPICS["chef"][1]) * 4]
    for s in (scorer, FirstChunkCosineScorer(encoder, chunk_tokens=64, overlap=8)):
        pool = CachedPoolScorer(s, cvs)
        for jd in (TOPICS["python"][0], TOPICS["chef"][0]):
            direct = [r.score for r in s.score_batch(jd * 2, cvs)]
            assert pool.scores(jd * 2).tolist() == pytest.approx(direct, abs=0.02)


def test_scorers_over_the_same_encoder_share_one_encoding_of_the_pool(scorer, encoder) -> None:
    from core.scoring import ChunkAveragedCosineScorer
    from models.baselines import FirstChunkCosineScorer
    from models.ranking_eval import pool_scorer
    from models.vectors import SharedVectors

    cvs = [cv for _, (_, pair) in TOPICS.items() for cv in pair]
    shared = SharedVectors()
    first, reused = pool_scorer(scorer, cvs, shared)
    assert reused is None
    twin = ChunkAveragedCosineScorer(encoder, thresholds=scorer.thresholds, chunk_tokens=scorer.chunk_tokens,
                                     overlap=scorer.overlap)
    twin.name = "twin"
    calls = []
    twin.encode_documents = lambda *a, **k: calls.append(1)  # type: ignore[method-assign]
    second, reused = pool_scorer(twin, cvs, shared)
    assert reused == scorer.name and not calls  # nothing encoded, nothing even re-chunked
    jd = TOPICS["chef"][0]
    assert second(jd).tolist() == first(jd).tolist()
    other_chunking = FirstChunkCosineScorer(encoder, chunk_tokens=64, overlap=8)
    _, reused = pool_scorer(other_chunking, cvs, shared)
    assert reused is None  # another chunking: its own vectors


def test_the_training_vector_cache_is_shared_by_scorers_over_the_same_encoder(scorer, encoder, tmp_path: Path) -> None:
    from core.scoring import ChunkAveragedCosineScorer
    from models.vectors import text_vectors

    cvs = [cv for _, (_, pair) in TOPICS.items() for cv in pair]
    first = text_vectors(scorer, cvs, cache=tmp_path)
    twin = ChunkAveragedCosineScorer(encoder, thresholds=Thresholds(10.0, 90.0, "other"),
                                     chunk_tokens=scorer.chunk_tokens, overlap=scorer.overlap)
    twin.version += "+another-head"  # another scorer version, same encoder and chunking
    calls = []
    twin.encode_documents = lambda *a, **k: calls.append(1)  # type: ignore[method-assign]
    again = text_vectors(twin, cvs, cache=tmp_path)
    assert not calls and all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    other = ChunkAveragedCosineScorer(encoder, thresholds=scorer.thresholds, chunk_tokens=scorer.chunk_tokens // 2,
                                      overlap=4)
    text_vectors(other, cvs[:1], cache=tmp_path)
    assert len(list(tmp_path.iterdir())) == 2  # another chunking: its own folder


def test_evaluate_ranking_cli_end_to_end(
    tmp_path: Path, encoder, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import models.encoder
    from models.__main__ import main

    monkeypatch.setattr(models.encoder, "load_encoder", lambda *a, **k: encoder)
    cvs, jds = write_ranking_set(tmp_path)
    (cvs / "CHEF" / "blank.pdf").write_bytes(b"%PDF-1.4 damaged")  # unreadable: left out, and named
    assert main(["evaluate-ranking", "--cvs", str(cvs), "--jds", str(jds), "--k", "3", "--json",
                 "--scorer", "minilm-cosine"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["cvs"] == 6 and report["jds"] == 2 and report["jds_skipped"] == ["nurse.txt"]
    assert report["random_precision"] == pytest.approx(0.5)
    assert report["unreadable_cvs"] == 1 and report["unreadable_cv_files"] == ["CHEF/blank.pdf"]
    assert report["best_precision"] == 1.0  # 3 CVs per category, k = 3
    names = [e["name"].split(":")[0] for e in report["scorers"]]
    assert names == ["chunk-avg-cosine", "tfidf-cosine", "first-chunk-cosine", "chunk-avg-cosine"]
    for e in report["scorers"]:
        # Two clearly separated topics: every scorer ranks the 3 same-category CVs first.
        assert e["mean"] == pytest.approx({"precision_at_k": 1.0, "ndcg_at_k": 1.0, "average_precision": 1.0})
        assert set(e["per_category"]) == {"INFORMATION-TECHNOLOGY", "CHEF"}
        assert len(e["per_jd"]) == 2
    assert main(["evaluate-ranking", "--cvs", str(cvs), "--jds", str(jds)]) == 0  # the default scorer
    text = capsys.readouterr().out
    assert "nDCG@10" in text and "tfidf-cosine" in text and "CHEF" in text and "occupation-aware" in text
    assert "Unreadable CVs (no text; scanned without OCR, damaged or empty; --json lists them all): CHEF/blank.pdf" in text
    assert "best possible P@10 0.300 (some categories have fewer than 10 CVs)" in text  # 3 relevant of 10


def test_ranking_set_reads_loose_layouts_and_names_missing_jds(tmp_path: Path) -> None:
    from models.ranking_eval import category_key, load_ranking_set

    cvs, jds = write_ranking_set(tmp_path)
    nested = cvs / "CHEF" / "batch-2"
    nested.mkdir()
    (nested / "cv9.txt").write_text("Line cook: grill, prep, food safety.", encoding="utf-8")
    (cvs / "CHEF" / ".cv-hidden.txt").write_text("editor backup", encoding="utf-8")
    pd.DataFrame({" File ": ["it.txt", "chef.txt"], "CATEGORY": ["Information Technology", "chef"]}).to_csv(
        jds / "manifest.csv", index=False, encoding="utf-8-sig")
    rs = load_ranking_set(cvs, jds)
    assert len(rs.cv_texts) == 7 and rs.cv_categories.count("CHEF") == 4  # the sub-folder's CV counts as CHEF
    assert [category_key(c) for c in rs.jd_categories] == ["information-technology", "chef"]
    assert category_key(" Information_Technology ") == category_key("INFORMATION-TECHNOLOGY")
    gone = pd.DataFrame({"file": ["it.txt", "gone.txt", ""], "category": ["x", "y", "z"]})
    gone.to_csv(jds / "manifest.csv", index=False)
    with pytest.raises(ValueError, match=r"lists 2 JD file\(s\) not found.*'gone.txt', ''"):
        load_ranking_set(cvs, jds)
    # JDs as a PDF, a DOCX and UTF-16 text are read as `core rank --job` reads them (the PDF's bytes were
    # scored as a JD); a damaged one stops the run, named.
    from tests.docfactory import make_docx, make_pdf

    (jds / "it.pdf").write_bytes(make_pdf(["Python developer: Django, SQL, Docker."]))
    (jds / "chef.docx").write_bytes(make_docx(["Pastry chef: croissants, chocolate."]))
    (jds / "it16.txt").write_bytes("Développeur Python : Django, SQL.".encode("utf-16"))
    pd.DataFrame({"file": ["it.pdf", "chef.docx", "it16.txt"], "category": ["it", "chef", "it"]}).to_csv(
        jds / "manifest.csv", index=False)
    rs = load_ranking_set(cvs, jds)
    assert "Python developer" in rs.jd_texts[0] and "%PDF" not in rs.jd_texts[0]
    assert "Pastry chef" in rs.jd_texts[1] and rs.jd_texts[2].startswith("Développeur Python")
    (jds / "bad.pdf").write_bytes(b"%PDF-1.4 not really")
    pd.DataFrame({"file": ["bad.pdf"], "category": ["it"]}).to_csv(jds / "manifest.csv", index=False)
    with pytest.raises(ValueError, match=r"1 JD file\(s\) that could not be read: 'bad.pdf' \(.*damaged"):
        load_ranking_set(cvs, jds)


def test_make_ranking_set_links_cvs_and_writes_the_manifest(tmp_path: Path) -> None:
    from models.ranking_eval import make_ranking_set

    shared = tmp_path / "shared"
    for category, n in (("CHEF", 5), ("HR", 2)):
        folder = shared / "resumes_by_category" / "livecareer_pdfs" / category
        folder.mkdir(parents=True)
        for i in range(n):
            (folder / f"{i}.pdf").write_bytes(b"%PDF-1.4 fake")
    (shared / "fit_labels").mkdir()
    pd.DataFrame(
        {
            "jd_id": ["a", "a", "b", "b"],
            "jd_category": ["CHEF", "CHEF", "HR", "HR"],
            "job_description_text": ["Chef wanted", "Chef wanted", "HR officer", "HR officer"],
            # the rubric's CVs, the only ones training never sees: CHEF 0-3 (not 4.pdf) and HR 0
            "cv_file": [f"resumes_by_category/livecareer_pdfs/{c}/{i}.pdf"
                        for c, i in (("CHEF", 0), ("CHEF", 1), ("HR", 0), ("CHEF", 2))],
        }
    ).to_csv(shared / "fit_labels" / "fit_labels.csv", index=False)
    out = tmp_path / "set"
    summary = make_ranking_set(out, per_category=5, seed=1, shared_data=shared)
    assert summary == {"cvs": 4, "categories": 2, "jds": 2, "out": str(out)}
    assert sorted(p.name for p in (out / "cvs" / "CHEF").iterdir()) == ["0.pdf", "1.pdf", "2.pdf"]
    everything = make_ranking_set(tmp_path / "all", per_category=5, seed=1, shared_data=shared, held_out_only=False)
    assert everything["cvs"] == 7
    summary = make_ranking_set(out, per_category=3, seed=1, shared_data=shared, held_out_only=False, force=True)
    assert summary == {"cvs": 5, "categories": 2, "jds": 2, "out": str(out)}
    chef = sorted((out / "cvs" / "CHEF").iterdir())
    assert len(chef) == 3 and all(p.is_symlink() for p in chef)
    again = tmp_path / "again"
    make_ranking_set(again, per_category=3, seed=1, shared_data=shared, held_out_only=False)
    assert [p.name for p in chef] == sorted(p.name for p in (again / "cvs" / "CHEF").iterdir())  # seeded
    manifest = pd.read_csv(out / "jds" / "manifest.csv")
    assert manifest.to_dict("list") == {"file": ["a.txt", "b.txt"], "category": ["CHEF", "HR"]}
    assert (out / "jds" / "a.txt").read_text() == "Chef wanted"
    with pytest.raises(ValueError, match="--force"):
        make_ranking_set(out, per_category=3, shared_data=shared)
    make_ranking_set(out, per_category=1, shared_data=shared, force=True)
    assert len(list((out / "cvs" / "CHEF").iterdir())) == 1

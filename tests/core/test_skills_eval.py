"""Skill-extractor evaluation: span matching, the per-source protocol, bad data, and the CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.cli import main
from core.config import get_settings
from core.skills_eval import (
    EvaluationDataError,
    GoldSpan,
    LabelledDocument,
    evaluate_documents,
    evaluate_spans,
    load_data,
    load_jsonl,
    match_spans,
    protocols_with,
    strip_span,
)


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int


class _FixedExtractor:
    """Returns the spans of given surface strings wherever they occur: predictable predictions."""

    def __init__(self, *surfaces: str) -> None:
        self.surfaces = surfaces

    def extract_many(self, texts):  # type: ignore[no-untyped-def]
        out = []
        for text in texts:
            hits = []
            for surface in self.surfaces:
                at = text.find(surface)
                while at >= 0:
                    hits.append(_Hit(at, at + len(surface)))
                    at = text.find(surface, at + 1)
            out.append(sorted(hits, key=lambda h: h.start))
        return out


def _doc(source: str, text: str, *spans: tuple[str, str]) -> LabelledDocument:
    """A document whose gold spans are given as (surface, label), located by their first occurrence."""
    gold = []
    for surface, label in spans:
        start = text.index(surface)
        gold.append(GoldSpan(start, start + len(surface), label))
    return LabelledDocument(id=f"{source}-{len(text)}", source=source, text=text, spans=tuple(gold))


def _write_jsonl(path: Path, lines: list[object]) -> Path:
    rows = (x if isinstance(x, str) else json.dumps(x) for x in lines)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# --- matching -------------------------------------------------------------------------------


def test_exact_mode_needs_equal_offsets_and_matches_each_gold_span_once() -> None:
    assert match_spans([(0, 6), (10, 13)], [(0, 6), (10, 12)], "exact") == [(0, 0)]
    counts = evaluate_spans([(0, 6)], [(0, 6), (0, 6)], "exact")
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 0), "a duplicated prediction is a false positive"


def test_overlap_mode_is_one_to_one_so_two_hits_in_one_phrase_give_one_true_positive() -> None:
    # "manage Python and SQL projects": one gold phrase, two short hits inside it.
    counts = evaluate_spans([(0, 30)], [(7, 13), (18, 21)], "overlap")
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 0)
    assert match_spans([(0, 30)], [(7, 13), (18, 21)], "overlap") == [(0, 0)], "the longer overlap wins"


def test_overlap_mode_is_greedy_by_overlap_length_not_by_position() -> None:
    gold = [(0, 10), (8, 30)]
    predicted = [(5, 25), (0, 4)]  # the first hit overlaps gold 0 by 5 chars and gold 1 by 17
    assert match_spans(gold, predicted, "overlap") == [(0, 1), (1, 0)]
    assert evaluate_spans(gold, predicted, "overlap").tp == 2


def test_overlapping_gold_spans_a_hit_takes_the_closest_one_and_the_other_stays_missed() -> None:
    text = "develop services in Python"
    skill, knowledge = (0, len(text)), (text.index("Python"), len(text))
    assert match_spans([skill, knowledge], [knowledge], "overlap") == [(1, 0)]
    counts = evaluate_spans([skill, knowledge], [knowledge], "overlap", text=text)
    assert (counts.tp, counts.fp, counts.fn) == (1, 0, 1)


def test_edge_whitespace_and_punctuation_are_stripped_but_not_the_plus_of_cpp() -> None:
    text = "Skills: (C++), Python,  and SQL."

    def at(surface: str) -> tuple[int, int]:
        return text.index(surface), text.index(surface) + len(surface)

    assert text[slice(*strip_span(text, *at("(C++), ")))] == "C++"
    assert text[slice(*strip_span(text, *at(" Python,  ")))] == "Python"
    assert strip_span(text, *at("), ")) == at("), "), "a span of punctuation only is left as it is"
    gold = [at("(C++)"), at("Python,"), at("SQL.")]
    predicted = [at("C++"), at("Python"), at("SQL")]
    assert evaluate_spans(gold, predicted, "exact", text=text).tp == 3
    assert evaluate_spans(gold, predicted, "exact").tp == 0, "without the text nothing is stripped"
    assert evaluate_spans([at("C++")], [at("C")], "exact", text=text).tp == 0, "'C' is not 'C++'"


def test_no_predictions_or_no_gold_give_zero_metrics_not_an_error() -> None:
    assert evaluate_spans([], [], "overlap").f1 == 0.0
    counts = evaluate_spans([(0, 3)], [], "overlap")
    assert (counts.precision, counts.recall, counts.fn) == (0.0, 0.0, 1)
    with pytest.raises(ValueError, match="unknown matching mode"):
        match_spans([], [], "fuzzy")  # type: ignore[arg-type]


# --- protocol per source --------------------------------------------------------------------


def test_only_the_skill_labels_of_each_source_are_gold() -> None:
    docs = [
        _doc("dotin_resumes", "Jane at Acme Corp: Java, Excel and leadership",
             ("Acme Corp", "COMPANY"), ("Java", "TECH_TOOL"), ("leadership", "SOFT_SKILL")),
        _doc("green", "Chef with NVQ and knife skills", ("Chef", "OCCUPATION"), ("NVQ", "QUALIFICATION"),
             ("knife skills", "SKILL")),
    ]
    report = evaluate_documents(docs, _FixedExtractor("Java", "Acme", "NVQ", "Chef"), top_errors=5)
    dotin, green = report["sources"]["dotin_resumes"], report["sources"]["green"]
    assert dotin["gold_spans"] == 2 and dotin["predicted_spans"] == 2, "COMPANY is not a skill"
    assert dotin["overlap"]["tp"] == 1 and dotin["unmatched_predictions"] == {"inside COMPANY": 1}
    assert dotin["recall_by_label"]["TECH_TOOL"]["exact"] == 1.0
    assert dotin["recall_by_label"]["SOFT_SKILL"]["overlap"] == 0.0
    assert green["gold_spans"] == 2, "QUALIFICATION counts, OCCUPATION does not"
    assert green["exact"]["tp"] == 1 and green["errors"]["false_positives"] == [["Chef", 1]]
    assert green["errors"]["false_negatives"] == [["knife skills", 1]]
    assert report["overall"]["overlap"]["tp"] == 2 and report["overall"]["gold_spans"] == 4


def test_cvs_without_any_skill_span_are_left_out_as_unannotated() -> None:
    docs = [
        _doc("dotin_resumes", "Python developer at Initech", ("Initech", "COMPANY")),
        _doc("dotin_resumes", "Python and SQL", ("Python", "TECH_TOOL")),
        _doc("green", "Python is nice"),  # a sentence without skills is a real negative in Green
    ]
    report = evaluate_documents(docs, _FixedExtractor("Python"))
    dotin = report["sources"]["dotin_resumes"]
    assert dotin["documents"] == 1 and dotin["documents_skipped_unannotated"] == 1
    assert dotin["overlap"]["precision"] == 1.0
    assert report["sources"]["green"]["overlap"]["fp"] == 1
    assert report["timing"]["documents"] == 2


def test_skillspan_counts_both_layers_and_an_unknown_source_gets_every_skill_label() -> None:
    docs = [
        _doc("skillspan", "You will develop APIs in Go",
             ("develop APIs in Go", "SKILL"), ("Go", "KNOWLEDGE")),
        _doc("mine", "Python; Acme", ("Python", "TECH_TOOL"), ("Acme", "COMPANY")),
    ]
    report = evaluate_documents(docs, _FixedExtractor("Go", "Python"))
    skillspan = report["sources"]["skillspan"]
    assert skillspan["gold_spans"] == 2
    assert skillspan["recall_by_label"] == {"KNOWLEDGE": {"gold": 1, "exact": 1.0, "overlap": 1.0},
                                            "SKILL": {"gold": 1, "exact": 0.0, "overlap": 0.0}}
    assert report["sources"]["mine"]["gold_spans"] == 1
    assert "unknown source" in report["protocol"]["mine"]


def test_label_override_replaces_the_gold_labels_of_a_source() -> None:
    doc = _doc("green", "Chef with NVQ", ("Chef", "OCCUPATION"), ("NVQ", "QUALIFICATION"))
    protocols = protocols_with({"green": frozenset({"OCCUPATION"})})
    report = evaluate_documents([doc], _FixedExtractor("Chef"), protocols=protocols)
    assert report["sources"]["green"]["gold_labels"] == ["OCCUPATION"]
    assert report["sources"]["green"]["exact"]["f1"] == 1.0


# --- bad input ------------------------------------------------------------------------------


def test_malformed_lines_are_skipped_with_their_line_numbers(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "mixed.jsonl", [
        {"text": "Python", "source": "x",
         "spans": [{"start": 0, "end": 6, "label": "SKILL", "text": "Python"}]},
        "{not json",
        "",
        {"text": "abc", "spans": [{"start": 1, "end": 9, "label": "SKILL"}]},
        {"text": "abc", "spans": [{"start": 0, "end": 2, "label": "SKILL", "text": "bc"}]},
        [1, 2],
        {"spans": []},
        {"text": "no id, no source", "spans": []},
    ])
    documents, skipped = load_jsonl(path)
    assert [d.id for d in documents] == [f"{path.stem}:1", "mixed:8"]
    assert documents[1].source == "mixed", "the source defaults to the file's stem"
    assert [s.line for s in skipped] == [2, 4, 5, 6, 7], "blank line 3 is not an error"
    reasons = [s.reason for s in skipped]
    assert "invalid JSON" in reasons[0] and "out of range" in reasons[1] and "'bc'" in reasons[2]
    assert reasons[3] == "not a JSON object" and "'text'" in reasons[4]


def test_unusable_data_raises_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationDataError, match="no such file or folder"):
        load_data([tmp_path / "missing.jsonl"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(EvaluationDataError, match="holds no .jsonl file"):
        load_data([tmp_path / "empty"])
    bad = _write_jsonl(tmp_path / "bad.jsonl", ["nope", "\t"])
    with pytest.raises(EvaluationDataError, match="no usable labelled document.*line 1: invalid JSON"):
        load_data([bad])


# --- command line, real extractor -----------------------------------------------------------


@pytest.fixture()
def tiny_set(tmp_path: Path) -> Path:
    folder = tmp_path / "skill_ner"
    folder.mkdir()
    text = "Requirements: Python, SQL and Docker; build data pipelines."
    phrase = "build data pipelines"
    spans = [{"start": text.index(s), "end": text.index(s) + len(s), "label": label, "text": s}
             for s, label in (("Python", "KNOWLEDGE"), ("SQL", "KNOWLEDGE"), (phrase, "SKILL"))]
    record = {"text": text, "spans": spans, "source": "skillspan", "id": "a"}
    _write_jsonl(folder / "skillspan.jsonl", [record, "{broken"])
    return folder


def test_cli_reports_both_modes_as_json_with_errors(
    tiny_set: Path, skill_extractor: object, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["evaluate-skills", "--data", str(tiny_set), "--json", "--errors", "3"])
    out, err = capsys.readouterr()
    assert code == 0
    report = json.loads(out)
    row = report["sources"]["skillspan"]
    assert row["documents"] == 1 and row["gold_spans"] == 3
    assert row["exact"]["tp"] == 2, "Python and SQL are found exactly"
    assert ["Docker", 1] in row["errors"]["false_positives"]
    assert ["build data pipelines", 1] in row["errors"]["false_negatives"]
    assert report["skipped_lines"] == [{"file": str(tiny_set / "skillspan.jsonl"), "line": 2,
                                        "reason": report["skipped_lines"][0]["reason"]}]
    assert "warning: skipped 1 malformed line(s)" in err and "line 2: invalid JSON" in err
    assert report["timing"]["docs_per_second"] > 0


def test_cli_table_and_default_data_folder(
    tiny_set: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RECRUIT_SHARED_DATA_DIR", str(tiny_set.parent))
    get_settings.cache_clear()
    assert main(["evaluate-skills"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("skillspan"))
    assert row.split()[1:4] == ["1", "3", "3"], "docs, gold spans, predicted spans"
    assert "overlap" in out and "docs/s" in out


def test_cli_exits_2_on_unusable_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate-skills", "--data", str(tmp_path / "nowhere")]) == 2
    assert "error: no such file or folder" in capsys.readouterr().err
    _write_jsonl(tmp_path / "x.jsonl", [{"text": "a", "spans": [{"start": 0, "end": 5, "label": "SKILL"}]}])
    assert main(["evaluate-skills", "--data", str(tmp_path / "x.jsonl")]) == 2
    assert "out of range" in capsys.readouterr().err
    assert main(["evaluate-skills", "--data", str(tmp_path / "x.jsonl"), "--labels", "green"]) == 2
    assert "SOURCE=LABEL" in capsys.readouterr().err

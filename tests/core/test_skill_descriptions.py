"""Skill descriptions for semantic matching: built from the public lists, loaded, used."""

from __future__ import annotations

import json
from pathlib import Path

from core.skill_descriptions import (
    _first_sentence,
    build_descriptions,
    describe,
    load_descriptions,
    write_descriptions,
)
from core.skills_taxonomy import TaxonomyEntry


def _entry(skill: str, *aliases: str) -> TaxonomyEntry:
    return TaxonomyEntry(skill, aliases, "tool", ("hand",))


def test_built_from_github_then_microsoft_then_esco_by_name_or_alias(tmp_path: Path) -> None:
    skills = tmp_path / "skills"
    skills.mkdir()
    (skills / "github_topics.csv").write_text(
        "topic,display_name,aliases,related,short_description,url,wikipedia_url\n"
        "pytorch,PyTorch,,,PyTorch is an open source machine learning library. More text.,,\n", encoding="utf-8")
    (skills / "microsoft_skills.json").write_text(json.dumps({
        "pytorch": {"sources": [{"displayName": "PyTorch", "shortDescription": "Not this one."}]},
        "k8s": {"sources": [{"displayName": "K8s", "shortDescription": "Container orchestration."}]},
    }), encoding="utf-8")
    (skills / "esco_skills_en.csv").write_text(
        "esco_uri,preferred_label,alt_labels,hidden_labels,skill_type,reuse_level,broader_labels,top_groups,"
        "level1_groups,collections,description\n"
        "u,bookkeeping,,,,,,,,,The recording of financial transactions.\n", encoding="utf-8")
    found = build_descriptions([_entry("PyTorch"), _entry("Kubernetes", "k8s"), _entry("Bookkeeping"),
                                _entry("Welding")], tmp_path)
    assert found == {"PyTorch": "PyTorch is an open source machine learning library.",
                     "Kubernetes": "Container orchestration.", "Bookkeeping": "The recording of financial transactions."}
    target = tmp_path / "d.csv"
    write_descriptions(found, target)
    assert load_descriptions(target) == found


def test_missing_file_and_describe(tmp_path: Path) -> None:
    assert load_descriptions(tmp_path / "none.csv") == {}
    assert describe("PyTorch", {"PyTorch": "A library."}) == "PyTorch: A library."
    assert describe("Welding", {}) == "Welding"


def test_long_descriptions_are_cut_at_a_word() -> None:
    text = _first_sentence("word " * 100)
    assert len(text) <= 160 and text.endswith("…")
    assert _first_sentence("Python is a language. It is popular.") == "Python is a language."


def test_the_shipped_file_describes_common_tech_skills() -> None:
    shipped = load_descriptions()
    assert "machine learning" in shipped["PyTorch"].lower() and len(shipped) > 500

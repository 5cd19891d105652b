"""The curated skills taxonomy: the shipped file is sound, and the builder reproduces it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from core.config import get_settings
from core.skills_taxonomy import (
    CATEGORIES,
    COLUMNS,
    DEFAULT_TAXONOMY_PATH,
    SOURCE_RANK,
    TaxonomyEntry,
    TaxonomyError,
    build_taxonomy,
    load_taxonomy,
    main,
    write_taxonomy,
)


@pytest.fixture(scope="module")
def taxonomy() -> list[TaxonomyEntry]:
    return load_taxonomy()


def _index(entries: list[TaxonomyEntry]) -> dict[str, TaxonomyEntry]:
    """Every name and alias (case-folded) -> its entry."""
    return {name.casefold(): entry for entry in entries for name in entry.names}


def test_shipped_taxonomy_is_small_and_curated(taxonomy: list[TaxonomyEntry]) -> None:
    assert 800 <= len(taxonomy) <= 2000
    assert DEFAULT_TAXONOMY_PATH.stat().st_size < 300 * 1024
    with DEFAULT_TAXONOMY_PATH.open(encoding="utf-8", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == COLUMNS  # facts only: no description column


def test_canonical_names_are_unique(taxonomy: list[TaxonomyEntry]) -> None:
    names = [entry.skill.casefold() for entry in taxonomy]
    assert len(names) == len(set(names))


def test_no_name_or_alias_points_to_two_skills(taxonomy: list[TaxonomyEntry]) -> None:
    owner: dict[str, str] = {}
    clashes = []
    for entry in taxonomy:
        for name in entry.names:
            key = name.casefold()
            if key in owner and owner[key] != entry.skill:
                clashes.append((name, owner[key], entry.skill))
            owner[key] = entry.skill
        assert entry.skill.casefold() not in {a.casefold() for a in entry.aliases}
    assert clashes == []


def test_categories_and_sources_are_known(taxonomy: list[TaxonomyEntry]) -> None:
    assert {entry.category for entry in taxonomy} == set(CATEGORIES)  # every category is used
    assert all(set(entry.sources) <= set(SOURCE_RANK) and entry.sources for entry in taxonomy)


def test_file_is_sorted_so_rebuilds_diff_cleanly(taxonomy: list[TaxonomyEntry]) -> None:
    keys = [entry.skill.casefold() for entry in taxonomy]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("alias", "skill"),
    [
        ("JS", "JavaScript"),
        ("TS", "TypeScript"),
        ("k8s", "Kubernetes"),
        ("ML", "Machine learning"),
        ("NLP", "Natural language processing"),
        ("Amazon Web Services", "AWS"),
        ("GCP", "Google Cloud"),
        ("CICD", "CI/CD"),
        ("Microsoft Excel", "Excel"),
        ("MS Word", "Microsoft Word"),
        ("Intuit QuickBooks", "QuickBooks"),
        ("Autodesk AutoCAD", "AutoCAD"),
        ("Structured query language", "SQL"),
        ("Golang", "Go"),
        ("Team player", "Teamwork"),
    ],
)
def test_recruiter_aliases_resolve(taxonomy: list[TaxonomyEntry], alias: str, skill: str) -> None:
    assert _index(taxonomy)[alias.casefold()].skill == skill


@pytest.mark.parametrize(
    ("skill", "category"),
    [
        ("Python", "programming language"),
        ("Bookkeeping", "domain"),
        ("GAAP", "domain"),
        ("CPR", "certification"),
        ("Patient care", "domain"),
        ("Negotiation", "soft skill"),
        ("Spanish", "language"),
        ("Salesforce", "tool"),
        ("Docker", "cloud/devops"),
        ("React", "framework"),
        ("Tableau", "data"),
    ],
)
def test_skills_recruiters_need_are_present(taxonomy: list[TaxonomyEntry], skill: str, category: str) -> None:
    assert {e.skill: e.category for e in taxonomy}[skill] == category


def test_round_trip_through_csv(tmp_path: Path) -> None:
    entries = [
        TaxonomyEntry("C++", ("CPP", "C plus plus"), "programming language", ("hand", "linguist")),
        TaxonomyEntry("Bookkeeping", (), "domain", ("hand",)),
    ]
    path = tmp_path / "t.csv"
    write_taxonomy(entries, path)
    assert load_taxonomy(path) == entries


def test_load_refuses_a_bad_file_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="not found"):
        load_taxonomy(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("skill,aliases,category,sources\nPython,,snake,hand\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="unknown category 'snake'"):
        load_taxonomy(bad)
    bad.write_text("skill,category\nPython,programming language\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="lacks column"):
        load_taxonomy(bad)


def _write_mini_sources(root: Path) -> Path:
    """A tiny stand-in for shared/data/skills with one trap of each kind the builder must handle."""
    skills = root / "skills"
    skills.mkdir(parents=True)
    (skills / "linguist_languages.csv").write_text(
        "name,type,group,aliases,extensions,linguist_language_id\n"
        "JavaScript,programming,,js | node,.js,1\n"
        "Brainfuck,programming,,bf,.b,2\n",
        encoding="utf-8",
    )
    (skills / "onet_technology_skills.csv").write_text(
        "example,commodity_code,commodity_title,hot_technology,in_demand,n_occupations\n"
        "Microsoft Excel,1,Spreadsheet software,Y,Y,800\n"
        "Web browser software,2,Internet browser software,N,Y,400\n"
        "Adobe Photoshop,3,Graphics or photo imaging software,Y,Y,100\n"
        "Obscure Tool,4,Graphics or photo imaging software,N,N,1\n",
        encoding="utf-8",
    )
    def ms_entry(source: str, name: str, description: str) -> dict[str, object]:
        source_row = {"sourceName": source, "displayName": name, "shortDescription": description}
        return {"aliases": [], "sources": [source_row]}

    ms = {
        "application-and-data": ms_entry("Stackshare", "Application and Data", ""),
        "box": ms_entry("Stackshare Skills", "Box", "Cloud file sharing"),
        "kafka": ms_entry("Stackshare Skills", "Kafka", "Distributed streaming"),
        "deontic-logic": ms_entry("Microsoft Academic Graph", "Deontic logic", "A logic of obligation"),
    }
    (skills / "microsoft_skills.json").write_text(json.dumps(ms), encoding="utf-8")
    (skills / "github_topics.csv").write_text(
        "topic,display_name,aliases,related,short_description,url,wikipedia_url\n"
        "kubernetes,Kubernetes,k8s | kubernetes-cluster-api,,,,\n"
        "code-review,Code review,review,,,,\n",
        encoding="utf-8",
    )
    (skills / "esco_skills_en.csv").write_text(
        "esco_uri,preferred_label,alt_labels,hidden_labels,skill_type,reuse_level,broader_labels,top_groups,"
        "level1_groups,collections,description\n"
        "u1,work in teams,teamwork,,skill/competence,transversal,,,,,\n",
        encoding="utf-8",
    )
    return root


def test_builder_merges_renames_and_filters(tmp_path: Path) -> None:
    entries = {e.skill: e for e in build_taxonomy(_write_mini_sources(tmp_path))}
    # O*NET's vendor-prefixed name becomes an alias of the hand entry, with provenance.
    assert "Microsoft Excel" in entries["Excel"].aliases and "onet" in entries["Excel"].sources
    assert "Adobe Photoshop" in entries["Photoshop"].aliases
    # Generic product classes, O*NET rows that are neither hot nor in demand, Stackshare category
    # pages, everyday words and research topics do not become skills.
    noise_names = ("Web browser software", "Obscure Tool", "Application and Data", "Box", "Deontic logic")
    for noise in (*noise_names, "Brainfuck"):
        assert noise not in entries
    # Linguist aliases are file-type keys unless listed: "node" is not JavaScript.
    assert "node" not in {a.casefold() for a in entries["JavaScript"].aliases}
    assert "linguist" in entries["JavaScript"].sources
    # A Stackshare name merges into the hand skill it names.
    assert "microsoft" in entries["Apache Kafka"].sources
    # GitHub topics lend aliases to known skills (API slugs dropped) but add only listed topics.
    kubernetes_aliases = {a.casefold() for a in entries["Kubernetes"].aliases}
    assert "github" in entries["Kubernetes"].sources and "k8s" in kubernetes_aliases
    assert not any("api" in a for a in kubernetes_aliases)
    assert "Code review" not in entries
    # ESCO lends provenance to hand skills it also names.
    assert "esco" in entries["Teamwork"].sources


def test_builder_is_deterministic(tmp_path: Path) -> None:
    root = _write_mini_sources(tmp_path)
    assert build_taxonomy(root) == build_taxonomy(root)


@pytest.mark.slow
def test_builder_reproduces_the_committed_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = get_settings().shared_data_dir
    if not (data / "skills" / "microsoft_skills.json").is_file():
        pytest.skip(f"no shared skills lists under {data}; set RECRUIT_SHARED_DATA_DIR to check the CSV")
    out = tmp_path / "skills_taxonomy.csv"
    assert main(["--data", str(data), "--out", str(out)]) == 0
    assert "skills" in capsys.readouterr().out
    assert out.read_bytes() == DEFAULT_TAXONOMY_PATH.read_bytes(), (
        "core/data/skills_taxonomy.csv is stale: rebuild it with "
        "`python -m core.skills_taxonomy --data ../shared/data --out core/data/skills_taxonomy.csv`"
    )

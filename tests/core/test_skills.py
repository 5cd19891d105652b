"""Skill extraction: what a recruiter sees highlighted in a CV, and how a CV covers a JD."""

from __future__ import annotations

import pytest
import spacy

from core.skills import (
    RULER_NAME,
    SkillExtractor,
    SkillHit,
    compare_skills,
    load_skill_extractor,
    matching_rule,
)
from core.skills_taxonomy import TaxonomyEntry, load_taxonomy


@pytest.fixture(scope="module")
def extractor() -> SkillExtractor:
    """The real extractor (shipped taxonomy, bundled English pipeline), built once for the module."""
    return load_skill_extractor()


def _skills(extractor: SkillExtractor, text: str) -> list[str]:
    return extractor.unique_skills(extractor.extract(text))


def _pairs(extractor: SkillExtractor, text: str) -> list[tuple[str, str]]:
    return [(hit.skill, hit.text) for hit in extractor.extract(text)]


def test_punctuated_names_are_found_as_written(extractor: SkillExtractor) -> None:
    text = "Stack: C++, C#, .NET and Node.js; pipelines in CI/CD."
    assert _pairs(extractor, text) == [
        ("C++", "C++"),
        ("C#", "C#"),
        (".NET", ".NET"),
        ("Node.js", "Node.js"),
        ("CI/CD", "CI/CD"),
    ]


def test_abbreviations_map_to_canonical_names(extractor: SkillExtractor) -> None:
    expected = [("JavaScript", "JS"), ("TypeScript", "TS"), ("Kubernetes", "k8s")]
    assert _pairs(extractor, "JS, TS and k8s") == expected
    assert _skills(extractor, "Built ML models with sklearn") == ["Machine learning", "scikit-learn"]


def test_distinctive_names_match_in_any_case(extractor: SkillExtractor) -> None:
    expected = [("Python", "python"), ("Python", "PYTHON"), ("Python", "Python")]
    assert _pairs(extractor, "python, PYTHON, Python") == expected


@pytest.mark.parametrize(
    "text", ["Led R&D for a sensor line", "Anna R. Smith, accountant", "R & D budget", "R-squared of 0.9"]
)
def test_letter_r_is_not_a_skill_outside_a_skills_context(extractor: SkillExtractor, text: str) -> None:
    assert "R" not in _skills(extractor, text)


@pytest.mark.parametrize(
    "text",
    [
        "Go to the store",
        "go to the store",
        "Handled go-live support",
        "Go-to-market plan",
        "Position: Software Developer\nSynopsis: Go Ayurveda wellness center",  # the cue is on another line
    ],
)
def test_go_is_not_a_skill_in_plain_english(extractor: SkillExtractor, text: str) -> None:
    assert "Go" not in _skills(extractor, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Languages: Python, R, C and Go", ["Python", "R", "C", "Go"]),
        ("Statistics in R programming", ["Statistics", "R"]),
        ("Python\nR\nSQL", ["Python", "R", "SQL"]),
        ("Go developer for 3 years", ["Go"]),
    ],
)
def test_short_names_count_in_a_skills_context(
    extractor: SkillExtractor, text: str, expected: list[str]
) -> None:
    assert _skills(extractor, text) == expected


def test_full_stop_after_a_letter_is_not_part_of_the_skill(extractor: SkillExtractor) -> None:
    text = "Tools: Python and R."
    hit = extractor.extract(text)[-1]
    assert (hit.skill, hit.text, text[hit.end :]) == ("R", "R", ".")


@pytest.mark.parametrize(
    ("text", "unwanted"),
    [
        ("I excel at closing deals", "Excel"),
        ("Word of mouth referrals", "Microsoft Word"),
        ("Access to the building after hours", "Microsoft Access"),
        ("Worked as a sous Chef and line cook", "Chef"),
        ("Started in Spring 2019", "Spring"),
        ("Wore latex gloves; LATEX allergy", "LaTeX"),
        ("Maple sap collection", "SAP"),
        ("Prepared Chinese cuisine and French pastries", "Chinese"),
        ("Installed Microsoft Outlook Express", "Express.js"),
    ],
)
def test_everyday_words_do_not_become_skills(extractor: SkillExtractor, text: str, unwanted: str) -> None:
    assert unwanted not in _skills(extractor, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Proficient in Excel, Word and Access", ["Excel", "Microsoft Word", "Microsoft Access"]),
        ("SAP and Salesforce", ["SAP", "Salesforce"]),
        ("Fluent in Spanish and English", ["Spanish", "English"]),
        ("Languages:\nEnglish, Hindi and Marathi", ["English", "Hindi", "Marathi"]),
        ("Java, Spring, Hibernate", ["Java", "Spring", "Hibernate"]),
        ("Skills: Chef, Puppet, Ansible", ["Chef", "Puppet", "Ansible"]),
    ],
)
def test_the_same_words_count_as_skills_in_context(
    extractor: SkillExtractor, text: str, expected: list[str]
) -> None:
    assert _skills(extractor, text) == expected


def test_longest_overlapping_name_wins(extractor: SkillExtractor) -> None:
    assert _pairs(extractor, "Spring Boot services") == [("Spring Boot", "Spring Boot")]
    expected = [("Microsoft Office", "Microsoft Office Suite")]
    assert _pairs(extractor, "Used Microsoft Office Suite") == expected


def test_longest_match_with_a_custom_taxonomy_on_a_blank_pipeline() -> None:
    taxonomy = [
        TaxonomyEntry("Machine learning", ("ML",), "data", ("hand",)),
        TaxonomyEntry("Machine learning engineering", ("machine learning engineer",), "domain", ("hand",)),
    ]
    nlp = spacy.blank("en")
    extractor = SkillExtractor(taxonomy=taxonomy, nlp=nlp)
    text = "Senior machine learning engineer; applied machine learning daily."
    assert _pairs(extractor, text) == [
        ("Machine learning engineering", "machine learning engineer"),
        ("Machine learning", "machine learning"),
    ]
    assert RULER_NAME in nlp.pipe_names
    # A second extractor on the same pipeline replaces the ruler rather than stacking another.
    SkillExtractor(taxonomy=taxonomy[:1], nlp=nlp)
    assert nlp.pipe_names.count(RULER_NAME) == 1


def test_text_without_skills_gives_nothing(extractor: SkillExtractor) -> None:
    assert extractor.extract("") == []
    assert extractor.extract("   \n ") == []
    assert extractor.extract("I like long walks on the beach with my dog.") == []


def test_offsets_point_at_the_text_as_written(extractor: SkillExtractor) -> None:
    text = "SUMMARY\nSenior dev: JS, TypeScript, k8s; AWS & GCP.\nMS Excel, QuickBooks, patient care, CPR."
    hits = extractor.extract(text)
    assert len(hits) >= 9
    assert all(text[h.start : h.end] == h.text for h in hits)
    assert all(a.end <= b.start for a, b in zip(hits, hits[1:], strict=False))  # sorted, never overlapping
    assert all(h.category for h in hits)


def test_a_job_description_naming_hundreds_of_skills(extractor: SkillExtractor) -> None:
    taxonomy = load_taxonomy()
    names = [entry.skill for entry in taxonomy][::4][:300]
    text = "Requirements: " + ", ".join(names) + "."
    found = set(extractor.unique_skills(extractor.extract(text)))
    assert found <= set(names)
    # Human languages listed among tools lack their own context (a language or "fluent"), by design.
    assert len(found) >= 0.9 * len(names)


def test_long_cv_is_processed_in_one_call(extractor: SkillExtractor) -> None:
    text = ("Experienced accountant using QuickBooks and Excel. " * 5000)[:250_000]
    hits = extractor.extract(text)
    assert extractor.unique_skills(hits) == ["QuickBooks", "Excel"]
    assert hits[-1].end <= len(text)


def test_extract_many_matches_extract(extractor: SkillExtractor) -> None:
    texts = ["Python and SQL", "", "Bookkeeping, GAAP, payroll", "nothing here"]
    assert extractor.extract_many(texts, batch_size=2) == [extractor.extract(t) for t in texts]


def test_unique_skills_keeps_first_mention_order() -> None:
    hits = [
        SkillHit("SQL", "programming language", 0, 3, "SQL"),
        SkillHit("Python", "programming language", 5, 11, "Python"),
        SkillHit("SQL", "programming language", 13, 16, "sql"),
    ]
    assert SkillExtractor.unique_skills(hits) == ["SQL", "Python"]


def test_compare_skills_reports_coverage() -> None:
    match = compare_skills(["Python", "SQL", "AWS", "Python"], ["sql", "Python", "Excel"])
    assert match.matched == ("Python", "SQL")
    assert match.missing == ("AWS",)
    assert match.extra == ("Excel",)
    assert match.coverage == pytest.approx(2 / 3)


def test_compare_skills_with_a_jd_naming_no_skills() -> None:
    match = compare_skills([], ["Python"])
    assert (match.matched, match.missing, match.extra, match.coverage) == ((), (), ("Python",), 0.0)


def test_compare_skills_end_to_end(extractor: SkillExtractor) -> None:
    jd = "We need Python, SQL and AWS; Tableau a plus."
    cv = "Analyst: sql, python, Excel."
    jd_skills, cv_skills = extractor.extract_many([jd, cv])
    match = compare_skills(extractor.unique_skills(jd_skills), extractor.unique_skills(cv_skills))
    assert (match.matched, match.missing, match.extra) == (("Python", "SQL"), ("AWS", "Tableau"), ("Excel",))


@pytest.mark.parametrize(
    ("surface", "category", "rule"),
    [
        ("Python", "programming language", "lower"),
        ("Node.js", "framework", "lower"),
        ("R", "programming language", "context"),
        ("Go", "programming language", "context"),
        ("Spanish", "language", "context"),
        ("Word", "tool", "context"),
        ("Excel", "tool", "exact"),
        ("SAP", "tool", "exact"),
        ("JS", "programming language", "exact"),
        ("SQL", "programming language", "lower"),
        ("GAAP", "domain", "lower"),
    ],
)
def test_matching_rules(surface: str, category: str, rule: str) -> None:
    assert matching_rule(surface, category) == rule


def test_shared_extractor_is_built_once() -> None:
    assert load_skill_extractor() is load_skill_extractor()


def test_tag_style_hyphenated_names_and_new_tools(skill_extractor) -> None:  # type: ignore[no-untyped-def]
    found = [h.skill for h in skill_extractor.extract("Tags: amazon-web-services, design-patterns. Oracle, Tomcat and Dreamweaver.")]
    assert "AWS" in found and "Oracle Database" in found and "Apache Tomcat" in found and "Adobe Dreamweaver" in found


def test_a_domain_name_alone_as_a_heading_is_not_a_skill(skill_extractor) -> None:  # type: ignore[no-untyped-def]
    text = "Compensation:\nCompetitive salary.\nSkills: compensation planning, payroll\nSales:\nSales of software"
    found = [(h.text, h.start) for h in skill_extractor.extract(text)]
    assert ("Compensation", 0) not in found and ("Sales", text.index("Sales:")) not in found
    assert ("Sales", text.index("Sales of")) in found


def test_flash_toad_and_apache_need_context(skill_extractor) -> None:  # type: ignore[no-untyped-def]
    assert not skill_extractor.extract("A Flash flood hit the Apache reservation near Toad Hall.")
    assert {h.skill for h in skill_extractor.extract("Tools: Toad, Apache, Flash, SQL")} >= {"Toad", "Apache HTTP Server",
                                                                                           "Adobe Flash"}

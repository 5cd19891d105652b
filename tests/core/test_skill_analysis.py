"""Requirement levels in JDs, skill evidence in CVs, and partial (semantic) skill matches."""

from __future__ import annotations

import numpy as np
import pytest

from core.skill_analysis import (
    Coverage,
    PartialMatch,
    coverage,
    cv_skills,
    job_skills,
    requirement_level,
    sentence_around,
)
from core.skills import SkillMatch, compare_skills

JD = """Senior Data Engineer
About us: we build things.
Requirements:
- 5+ years of Python and SQL

- Git
Nice to have:

- Kubernetes
- Knowledge of Terraform is a plus.
We use Docker daily. AWS experience is a must.
PREFERRED QUALIFICATIONS
Tableau and Excel.
Benefits:
Jira"""


def levels(extractor, text: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {j.skill: j.level for j in job_skills(text, extractor.extract(text))}


def test_jd_levels_from_wording_and_headings(skill_extractor) -> None:  # type: ignore[no-untyped-def]
    assert levels(skill_extractor, JD) == {
        "Python": "required", "SQL": "required",
        "Git": "required",  # a list spaced by blank lines stays under its heading
        "Kubernetes": "nice to have", "Terraform": "nice to have",
        "Docker": "unspecified",  # prose after the list ends the heading's scope
        "AWS": "required",  # wording beats the heading in force
        "Tableau": "nice to have", "Excel": "nice to have",  # an upper-case heading
        "Jira": "unspecified",  # "Benefits:" ends the preferred block
    }


@pytest.mark.parametrize(("sentence", "level"), [
    ("Must have hands-on Python.", "required"),
    ("Python is required.", "required"),
    ("At least 3 years of SQL", "required"),
    ("Experience with Tableau is a plus", "nice to have"),
    ("Nice to have: Kubernetes", "nice to have"),
    ("Go is preferred but not required", "nice to have"),
    ("We use Docker.", "unspecified"),
])
def test_requirement_level_wording(sentence: str, level: str) -> None:
    assert requirement_level(sentence, None) == level


def test_a_skill_named_twice_keeps_its_strongest_level(skill_extractor) -> None:  # type: ignore[no-untyped-def]
    text = "Docker is a plus.\nRequirements:\n- Docker and Linux"
    found = job_skills(text, skill_extractor.extract(text))
    docker = next(j for j in found if j.skill == "Docker")
    assert docker.level == "required" and docker.evidence == "- Docker and Linux"


def test_a_jd_with_hundreds_of_skills_is_handled(skill_extractor) -> None:  # type: ignore[no-untyped-def]
    from core.skills_taxonomy import load_taxonomy

    names = [e.skill for e in load_taxonomy()][:400]
    text = "Requirements:\n" + "\n".join(f"- {n}" for n in names)
    found = job_skills(text, skill_extractor.extract(text))
    assert len(found) > 250 and {j.level for j in found} == {"required"}


def test_cv_evidence_section_mentions_and_years(skill_extractor) -> None:  # type: ignore[no-untyped-def]
    cv = ("SKILLS\nPython (6 years), SQL, MySQL\nEXPERIENCE\nData Engineer 2019 - Present. "
          "Built pipelines with 3 yrs of Docker. More Python here.")
    found = {c.skill: c for c in cv_skills(cv, skill_extractor.extract(cv))}
    assert found["Python"].years == 6.0 and found["Python"].section == "skills" and found["Python"].mentions == 2
    assert found["Python"].evidence == "Python (6 years), SQL, MySQL"
    assert found["Docker"].years == 3.0 and found["Docker"].section == "experience"
    assert found["Docker"].evidence == "Built pipelines with 3 yrs of Docker."
    assert found["SQL"].years is None


def test_a_cv_without_skills_or_headings(skill_extractor) -> None:  # type: ignore[no-untyped-def]
    assert cv_skills("I like long walks on the beach.", skill_extractor.extract("I like long walks on the beach.")) == []
    text = "Used Python daily."
    (only,) = cv_skills(text, skill_extractor.extract(text))
    assert only.section is None and only.evidence == "Used Python daily."


def test_evidence_is_bounded_on_run_on_text() -> None:
    text = "word " * 500 + "Python" + " word" * 500
    start = text.index("Python")
    sentence = sentence_around(text, start, start + 6)
    assert "Python" in sentence and len(sentence) <= 242 and sentence.startswith("…") and sentence.endswith("…")


def _fake_encode(vectors: dict[str, list[float]]):  # type: ignore[no-untyped-def]
    def encode(texts: list[str]) -> np.ndarray:
        out = np.array([vectors[t] for t in texts], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    return encode


def test_partial_matches_are_reported_apart_from_full_ones() -> None:
    match = compare_skills(["Python", "PostgreSQL", "Kubernetes"], ["Python", "MySQL", "Baking"])
    encode = _fake_encode({"PostgreSQL": [1, 0.2, 0], "Kubernetes": [0, 0, 1], "MySQL": [1, 0, 0], "Baking": [0, 1, 0]})
    result = coverage(match, encode)
    assert result.matched == ("Python",)
    assert result.partial == (PartialMatch("PostgreSQL", "MySQL", pytest.approx(0.981, abs=1e-3)),)
    assert result.missing == ("Kubernetes",)
    assert result.score == pytest.approx((1 + 0.5) / 3)
    assert coverage(match).partial == () and coverage(match).missing == match.missing  # no encoder: exact only
    assert Coverage((), (), (), ()).score == 0.0


@pytest.mark.slow
def test_partial_threshold_on_the_real_encoder_with_descriptions(encoder) -> None:  # type: ignore[no-untyped-def]
    from functools import partial as bind

    from core.skill_descriptions import describe, load_descriptions

    described = bind(describe, descriptions=load_descriptions())

    def partial(jd: str, cv: str) -> bool:
        return bool(coverage(SkillMatch((), (jd,), (cv,), 0.0), encoder.encode_texts, describe=described).partial)

    # The example: a deep-learning framework partially covers "deep learning".
    assert partial("Deep learning", "PyTorch") and partial("Machine learning", "scikit-learn")
    assert partial("PostgreSQL", "MySQL") and partial("SQL", "Oracle Database") and partial("Docker", "Kubernetes")
    assert not partial("Python", "Excel") and not partial("Communication", "Python") and not partial("React", "Angular")
    assert not partial("Python", "Java") and not partial("Accounting", "Sales")
    assert not partial("Java", "JavaScript")  # a false friend, excluded by name


def test_last_used_year_comes_from_the_dated_role_above_the_mention(skill_extractor) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from core.profile import extract_profile

    cv = ("Data Engineer\nEXPERIENCE\nData Engineer, Acme  Jan 2020 - Present\n- Built pipelines in Python and Docker\n"
          "Analyst, Beta  Mar 2014 - Dec 2017\n- Reports in Excel and Python\nSKILLS\nKubernetes")
    today = date(2026, 11, 25)
    roles = extract_profile(cv, today=today).roles
    found = {c.skill: c for c in cv_skills(cv, skill_extractor.extract(cv), roles=roles, today=today)}
    assert found["Python"].last_used == 2026 and found["Docker"].last_used == 2026
    assert found["Excel"].last_used == 2017
    assert found["Kubernetes"].last_used is None  # only in the skills list: no date says when
    assert cv_skills(cv, skill_extractor.extract(cv))[0].last_used is None  # without roles

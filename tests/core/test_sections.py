"""CV sections from headings: what the candidate view and the scorer's explanations rely on."""

from __future__ import annotations

import pytest

from core.sections import SECTION_NAMES, Section, find_sections, heading_name, title_line
from tests.docfactory import sample_cv_text


def named(text: str) -> list[tuple[str, str]]:
    """(section name, first line of the section) for each section found."""
    return [(s.name, text[s.start : s.end].split("\n", 1)[0]) for s in find_sections(text)]


def test_sample_cv_sections_cover_the_text_from_heading_to_heading() -> None:
    text = sample_cv_text()

    sections = find_sections(text)

    names = [s.name for s in sections]
    assert names == ["header", "summary", "experience", "education", "skills", "languages"]
    assert sections[0].start == 0 and sections[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(sections, sections[1:], strict=False))
    experience = next(s for s in sections if s.name == "experience")
    assert text[experience.start : experience.end].startswith("Experience\nSenior Data Engineer")
    assert "Contoso Retail" in text[experience.start : experience.end]
    assert "M.Sc." not in text[experience.start : experience.end]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("PROFESSIONAL EXPERIENCE", "experience"),
        ("Work History:", "experience"),
        ("Employment History", "experience"),
        ("Military Experience", "experience"),
        ("Education and Training", "education"),
        ("Technical Skills", "skills"),
        ("Core Competencies", "skills"),
        ("Skill Highlights", "skills"),
        ("Qualifications", "skills"),
        ("Professional Summary", "summary"),
        ("Objective", "summary"),
        ("Licenses & Certifications", "certifications"),
        ("Languages", "languages"),
        ("Accomplishments", "awards"),
        ("Publications", "publications"),
        ("Hobbies and Interests", "interests"),
        ("References", "references"),
        ("Contact Information", "contact"),
        ("S K I L L S", "skills"),
        ("  Projects  ", "projects"),
    ],
)
def test_headings_are_recognised_in_their_usual_spellings(line: str, name: str) -> None:
    assert heading_name(line) == name


@pytest.mark.parametrize(
    "line",
    [
        "Led a team of five engineers.",  # a sentence
        "- Skills",  # a bullet item
        "• Strong communication skills",
        "experience",  # a wrapped sentence's last word
        "Education Coordinator",  # a job title
        "Training and development",  # a skill in a list
        "Experience with Python, SQL and cloud platforms in production",  # too long
        "Skills 2020",  # digits: a date line
        "",
    ],
)
def test_ordinary_lines_are_not_headings(line: str) -> None:
    assert heading_name(line) is None


def test_inline_heading_starts_a_section_but_not_inside_skills() -> None:
    text = "Anna\nExperience\nData work\nSkills: Python, SQL\nLanguages: Python, C++\nInterests:\nChess"

    assert named(text) == [
        ("header", "Anna"),
        ("experience", "Experience"),
        ("skills", "Skills: Python, SQL"),
        ("interests", "Interests:"),
    ]


def test_a_heading_that_repeats_the_open_section_extends_it() -> None:
    text = "Skills\nPython\nTechnical Skills\nDocker\nEducation\nMSc"

    assert named(text) == [("skills", "Skills"), ("education", "Education")]


def test_text_without_headings_has_no_sections() -> None:
    assert find_sections("Just a paragraph about a person.\nAnd another line.") == ()
    assert find_sections("") == ()


def test_blank_lines_before_the_first_heading_make_no_header() -> None:
    text = "\n\nSummary\nCurious engineer."

    assert find_sections(text) == (Section("summary", 2, len(text)),)


def test_every_name_returned_is_declared() -> None:
    extra = "Projects\nX\nCertifications\nY\nAwards\nZ\nReferences\nOn request\nVolunteer\nW"
    text = sample_cv_text() + "\n" + extra

    assert {s.name for s in find_sections(text)} <= set(SECTION_NAMES)
    assert SECTION_NAMES[0] == "header"


def test_the_title_line_is_the_first_non_empty_line_trimmed_of_markdown_marks() -> None:
    assert title_line("\n\n## Data Engineer\nWe build pipelines") == "Data Engineer"
    assert title_line("  - Staff Accountant: \nbody") == "Staff Accountant"
    assert title_line("x" * 300) == "x" * 120
    assert title_line(" \n\t\n") == ""


def test_a_job_is_scored_with_its_title_first_unless_its_description_opens_with_it() -> None:
    from core.sections import job_scoring_text

    about = "About us: a family-run hotel by the lake.\nWe need croissants, chocolate and a tidy kitchen."
    assert job_scoring_text("Pastry Chef", about) == "Pastry Chef\n" + about
    posting = "Pastry Chef (nights)\nCroissants and chocolate."
    assert job_scoring_text("pastry chef", posting) == posting  # it opens with its title already
    assert job_scoring_text("", " " + posting) == posting

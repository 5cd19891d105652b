"""Find the sections of a CV (summary, experience, education, skills, ...) from its headings.

A heading is a short line (at most five words) whose wording is in a vocabulary of CV headings,
written in any case, possibly ending with ``:``, possibly letter-spaced (``E X P E R I E N C E``).
Every section runs from its heading to the next heading; text before the first heading is the
``header`` (name, contact line). Offsets index the text given, so a caller can slice or highlight.

Example:
    >>> [s.name for s in find_sections("Anna\\nSKILLS\\nPython\\nEducation:\\nMSc")]
    ['header', 'skills', 'education']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SECTION_NAMES", "Section", "find_sections", "heading_name", "title_line"]


def title_line(text: str, *, limit: int = 120) -> str:
    """The first non-empty line, markdown marks trimmed, at most ``limit`` characters ("" if none).

    Postings start with their title and most CVs with their headline (a title or a name): the
    job title of a stored JD, the lexical title features and the occupation head's title vector.
    """
    for line in text.splitlines():
        line = line.strip(" \t#*-:")
        if line:
            return line[:limit]
    return ""


def job_scoring_text(title: str, description: str) -> str:
    """What the scorers read for a job: its description, led by its title unless it already starts with it.

    Postings start with their title, and the default scorer reads that first line as the job's
    title (its title head: version 1.1 without it ranked the development set at nDCG@10 0.500,
    1.2 with it at 0.588). A recruiter who types the
    title into its own field and pastes a description that opens "About us…" would otherwise
    have the title ignored. A title taken from the first line (the default) changes nothing.
    """
    title, description = title.strip(), description.strip()
    if not title or title_line(description).casefold().startswith(title.casefold()):
        return description
    return f"{title}\n{description}"


@dataclass(frozen=True)
class Section:
    """One section of a document: its canonical name and its character span in the text."""

    name: str
    start: int
    end: int


# Whole-line headings, normalised (lower case, "&" -> "and", punctuation dropped).
_HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary", "professional summary", "career summary", "executive summary", "profile",
        "professional profile", "career profile", "personal profile", "executive profile",
        "objective", "career objective", "professional objective", "objectives", "about",
        "about me", "overview", "career overview", "professional overview", "personal statement",
        "introduction", "career focus", "summary of qualifications", "qualifications summary",
    ),
    "experience": (
        "experience", "work experience", "professional experience", "employment",
        "employment history", "work history", "career history", "relevant experience",
        "professional background", "professional history", "internships", "internship",
        "internship experience", "military experience", "research experience",
        "teaching experience", "industry experience", "positions held", "experience summary",
        "relevant work experience", "related experience", "work", "career",
    ),
    "education": (
        "education", "academic background", "academics", "academic qualifications",
        "educational background", "education and training", "education and coursework",
        "education and certifications", "education and qualifications", "training",
        "courses", "coursework", "relevant coursework", "academic history", "studies",
    ),
    "skills": (
        "skills", "technical skills", "core competencies", "competencies", "key skills",
        "highlights", "skill highlights", "skills highlights", "qualifications",
        "core qualifications", "key qualifications", "areas of expertise", "expertise",
        "skills and abilities", "skills and expertise", "skills summary", "summary of skills",
        "technical proficiencies", "computer skills", "it skills", "tools", "technologies",
        "tools and technologies", "strengths", "core strengths", "abilities", "tech stack",
        "programming languages", "soft skills", "hard skills", "professional skills",
    ),
    "projects": (
        "projects", "personal projects", "key projects", "selected projects",
        "academic projects", "side projects", "portfolio", "project experience",
    ),
    "certifications": (
        "certifications", "certification", "certificates", "licenses", "licences",
        "licenses and certifications", "certifications and licenses", "accreditations",
        "professional certifications", "certifications and training",
    ),
    "languages": ("languages", "language skills", "spoken languages", "language"),
    "awards": (
        "awards", "honors", "honours", "awards and honors", "honors and awards",
        "achievements", "accomplishments", "key achievements", "core accomplishments",
        "selected honors", "activities and honors", "awards and achievements",
    ),
    "publications": ("publications", "selected publications", "papers", "presentations", "talks"),
    "interests": (
        "interests", "hobbies", "hobbies and interests", "interests and hobbies",
        "activities", "extracurricular activities", "extra curricular activities",
    ),
    "references": ("references", "referees", "references available upon request"),
    "contact": (
        "contact", "contact information", "contact details", "contact info",
        "personal details", "personal information", "personal data",
    ),
    "volunteering": (
        "volunteer", "volunteering", "volunteer experience", "volunteer work",
        "community service", "community involvement",
    ),
    "other": (
        "additional information", "additional", "affiliations", "professional affiliations",
        "memberships", "professional memberships", "miscellaneous", "other",
    ),
}

SECTION_NAMES: tuple[str, ...] = ("header", *_HEADINGS)
"""Every section name find_sections can return, ``header`` first."""

_EXACT: dict[str, str] = {phrase: name for name, phrases in _HEADINGS.items() for phrase in phrases}

# A longer heading counts when its head noun (last word, as in "Military Experience") or its
# first word before "and" ("Skills and Tools") is one of these. Narrow on purpose: skill lists
# hold lines like "Training and development" that must not start a section.
_KEYWORDS: dict[str, str] = {
    "experience": "experience", "education": "education", "skills": "skills",
    "summary": "summary", "profile": "summary", "objective": "summary",
    "projects": "projects", "certifications": "certifications", "certificates": "certifications",
    "licenses": "certifications", "languages": "languages", "awards": "awards",
    "honors": "awards", "honours": "awards", "achievements": "awards",
    "accomplishments": "awards", "publications": "publications", "interests": "interests",
    "hobbies": "interests", "references": "references", "highlights": "skills",
    "competencies": "skills", "qualifications": "skills", "strengths": "skills",
    "affiliations": "other",
}

# Inline headings ("Skills: Python, SQL") are accepted only for sections that are often one line.
_INLINE_OK = frozenset({"skills", "languages", "certifications", "interests", "contact"})

_MAX_WORDS = 5
_BULLET = re.compile(r"^[\-\u2022\u2023\u25aa\u25cf\u25e6\u2043\u2219*\u00b7>]")
_LETTER_SPACED = re.compile(r"^(?:\w ){2,}\w$")
_INLINE = re.compile(r"^([A-Za-z][A-Za-z &/]{1,40}?)\s*:\s*\S")
_LINE = re.compile(r"[^\n]*\n?")


def _normalise(line: str) -> str:
    line = line.strip()
    if _LETTER_SPACED.match(line):  # "S K I L L S" -> "SKILLS"
        line = line.replace(" ", "")
    line = line.replace("&", " and ").replace("/", " and ")
    line = re.sub(r"[^\w\s]", " ", line.lower())
    return " ".join(line.split())


def _looks_like_heading(line: str) -> bool:
    """Title case or capitals or a trailing colon: how people typeset a heading."""
    stripped = line.strip()
    if stripped.endswith(":"):
        return True
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'\-]*", stripped) if len(w) > 3]
    return bool(words) and all(w[0].isupper() for w in words)


def heading_name(line: str) -> str | None:
    """The canonical section name if ``line`` is a CV heading, else None.

    Example:
        >>> heading_name("PROFESSIONAL EXPERIENCE:"), heading_name("Led a team of five")
        ('experience', None)
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 60 or _BULLET.match(stripped):
        return None
    if stripped.endswith(".") or any(ch.isdigit() for ch in stripped):
        return None
    norm = _normalise(stripped)
    words = norm.split()
    if not words or len(words) > _MAX_WORDS:
        return None
    # A lower-case first letter is a wrapped sentence ("...to gain\nexperience"), not a heading.
    first_letter = next((ch for ch in stripped if ch.isalpha()), "")
    if norm in _EXACT and (first_letter.isupper() or stripped.endswith(":")):
        return _EXACT[norm]
    if not _looks_like_heading(stripped):
        return None
    if words[-1] in _KEYWORDS:
        return _KEYWORDS[words[-1]]
    if len(words) >= 3 and words[1] == "and" and words[0] in _KEYWORDS:
        return _KEYWORDS[words[0]]
    return None


def _inline_heading_name(line: str) -> str | None:
    match = _INLINE.match(line.strip())
    if not match:
        return None
    name = _EXACT.get(_normalise(match.group(1)))
    return name if name in _INLINE_OK else None


def find_sections(text: str) -> tuple[Section, ...]:
    """Split ``text`` into sections at CV headings.

    Args:
        text: the document text (newline-separated lines).

    Returns:
        Sections in order, covering the text from the first non-blank character to the end.
        A heading that repeats the section already open ("Technical Skills" right after
        "Skills") extends it rather than starting a new one. Text before the first heading is
        a ``header`` section when it is not blank. No headings at all gives no sections.
    """
    starts: list[tuple[int, str]] = []
    offset = 0
    for match in _LINE.finditer(text):
        line = match.group(0)
        if not line:
            break
        name = heading_name(line)
        if name is None and (not starts or starts[-1][1] != "skills"):
            # "Languages: Python, C++" inside a skills section is a labelled line, not a section.
            name = _inline_heading_name(line)
        if name is not None and (not starts or starts[-1][1] != name):
            starts.append((offset, name))
        offset += len(line)
    if not starts:
        return ()
    first = starts[0][0]
    sections: list[Section] = []
    if text[:first].strip():
        sections.append(Section("header", len(text) - len(text.lstrip()), first))
    for (start, name), nxt in zip(starts, [*(s for s, _ in starts[1:]), len(text)], strict=True):
        sections.append(Section(name, start, nxt))
    return tuple(sections)

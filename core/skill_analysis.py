"""What the skills of a JD and a CV say beyond their names: requirement level, evidence, closeness.

- **Job descriptions**: each skill is *required*, *nice to have* or *unspecified*, from the wording
  of its sentence ("must", "required", "at least" / "a plus", "nice to have", "preferred") or,
  failing that, from the heading it sits under ("Requirements" / "Preferred qualifications").
- **CVs**: each skill's evidence — the sentence it appears in, the CV section (``core.sections``)
  and the years of use when the CV says so ("5 years of Python", "Python (3 yrs)"); with the CV's
  dated roles, the year the skill was last used.
- **Semantic match**: a JD skill the CV lacks by name is *partially* covered when the CV has a
  close skill by embedding similarity (the bundled encoder) — e.g. MySQL for PostgreSQL. It is
  reported as partial with the CV skill and the similarity, never as a full match.

All functions take the :class:`core.skills.SkillHit` list of the text they analyse, so a text is
run through spaCy once.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from core.profile import Role
from core.sections import Section, find_sections
from core.skills import SkillHit, SkillMatch

RequirementLevel = Literal["required", "nice to have", "unspecified"]
LEVELS: tuple[RequirementLevel, ...] = ("required", "nice to have", "unspecified")

# Similarity from which a CV skill partially covers a JD skill: the larger of the cosines of their
# names and of their described names ("PyTorch: PyTorch is an open source machine learning
# library.", core.skill_descriptions), bundled MiniLM. Chosen on hand-picked pairs: Deep learning
# ~PyTorch 0.49, ~TensorFlow 0.54, Machine learning~scikit-learn 0.59, PostgreSQL~MySQL 0.78,
# JavaScript~TypeScript 0.64, Docker~Kubernetes 0.52, SQL~Oracle Database 0.59 are above;
# Python~Java 0.45, Python~Excel 0.39, React~Angular 0.44, Communication~Python 0.22, Accounting~
# Sales 0.44 below (tests/core/test_skill_analysis.py).
PARTIAL_SIMILARITY = 0.48
# Names alike, skills not: never a partial match of each other.
FALSE_FRIENDS = frozenset({frozenset({"java", "javascript"})})
MAX_EVIDENCE_CHARS = 240
CUE_WINDOW_CHARS = 120

_NICE = re.compile(
    r"\b(nice[\s-]to[\s-]haves?|a\s+plus|is\s+a\s+plus|are\s+a\s+plus|plus\s+if|bonus|preferred|preferably|"
    r"desirable|desired|ideally|an?\s+advantage|advantageous|good\s+to\s+have|would\s+be\s+great|helpful|"
    r"not\s+required|optional|familiarity\s+with)\b",
    re.IGNORECASE,
)
_REQUIRED = re.compile(
    r"\b(must|required|requires?|requirements?|mandatory|essential|need\s+to\s+have|you\s+have|"
    r"minimum|at\s+least|proven|strong|solid|proficien(?:t|cy)|expert(?:ise)?\s+in|\d+\+?\s*(?:years?|yrs))\b",
    re.IGNORECASE,
)
_NICE_HEADING = re.compile(
    r"^\W*(preferred|nice[\s-]to[\s-]have|bonus|pluses|desired|desirable|additional|extra\s+credit|"
    r"it\s+would\s+be\s+great|good\s+to\s+have)\b",
    re.IGNORECASE,
)
_REQUIRED_HEADING = re.compile(
    r"^\W*(requirements?|required|qualifications|minimum\s+qualifications|basic\s+qualifications|"
    r"must[\s-]haves?|what\s+you(?:'ll|\s+will)?\s+need|what\s+we(?:'re|\s+are)\s+looking\s+for|who\s+you\s+are|"
    r"you\s+have|skills\s+required|key\s+requirements|what\s+you\s+bring|essential)\b",
    re.IGNORECASE,
)
_YEARS = re.compile(r"(\d{1,2}(?:\.\d)?)\s*\+?\s*(?:years?|yrs?)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?;](?=\s)|\n")


@dataclass(frozen=True)
class JobSkill:
    """A skill a job description asks for, and how strongly."""

    skill: str
    category: str
    level: RequirementLevel
    evidence: str  # the sentence (or bullet) that names it


@dataclass(frozen=True)
class CvSkill:
    """A skill a CV shows, with where and how."""

    skill: str
    category: str
    evidence: str  # the first sentence (or bullet) that names it
    section: str | None  # CV section of that mention ("experience", "skills", ...), None without headings
    mentions: int
    years: float | None  # years of use the CV states next to the skill, the largest if several
    last_used: int | None = None  # end year (this year when current) of the latest dated role that mentions it


@dataclass(frozen=True)
class PartialMatch:
    """A JD skill the CV does not name, covered in part by a close CV skill."""

    jd_skill: str
    cv_skill: str
    similarity: float


@dataclass(frozen=True)
class Coverage:
    """A CV against a JD: exact matches, partial (semantic) matches, and what is still missing."""

    matched: tuple[str, ...]
    partial: tuple[PartialMatch, ...]
    missing: tuple[str, ...]  # neither named nor close
    extra: tuple[str, ...]

    @property
    def score(self) -> float:
        """Share of the JD's skills covered, a partial match counting one half; 0 without JD skills."""
        total = len(self.matched) + len(self.partial) + len(self.missing)
        return (len(self.matched) + 0.5 * len(self.partial)) / total if total else 0.0


def sentence_around(text: str, start: int, end: int, *, limit: int = MAX_EVIDENCE_CHARS) -> str:
    """The sentence or line holding ``text[start:end]``, whitespace collapsed, at most ``limit`` characters."""
    lo = max(0, start - 2 * limit)
    left = lo
    for boundary in _SENTENCE_END.finditer(text, lo, start):
        left = boundary.end()
    after = _SENTENCE_END.search(text, end)
    right = (after.start() + (after.group() != "\n")) if after else len(text)
    sentence = " ".join(text[left:right].split())
    if len(sentence) <= limit:
        return sentence
    # Too long (a run-on line): a window centred on the mention.
    mention = " ".join(text[start:end].split())
    at = max(0, sentence.find(mention))
    begin = max(0, at - (limit - len(mention)) // 2)
    window = sentence[begin : begin + limit].strip()
    return ("…" if begin else "") + window + ("…" if begin + limit < len(sentence) else "")


def _heading_level(line: str) -> RequirementLevel | None:
    words = line.split()
    if not words or len(words) > 8:
        return None
    if _NICE_HEADING.search(line):
        return "nice to have"
    if _REQUIRED_HEADING.search(line):
        return "required"
    return None


_BULLET = re.compile(r"^\s*(?:[-*•·▪●◦–—>]|\d{1,2}[.)])\s*")


def _heading_levels(text: str) -> list[tuple[int, RequirementLevel | None]]:
    """(offset, level) where a heading's scope starts or ends: the level in force from there on.

    A scope starts at a short heading line ("Requirements:", "NICE TO HAVE") and ends at the
    next heading-like line ("Benefits:"), at a blank line once it has content, or at a prose
    line right after its bullet list.
    """
    marks: list[tuple[int, RequirementLevel | None]] = []
    lines = text.splitlines(keepends=True)
    bullets = [bool(line.strip()) and bool(_BULLET.match(line)) for line in lines]
    offset = 0
    open_scope = has_content = had_bullets = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        heading_like = (bool(stripped) and not bullets[i] and len(stripped.split()) <= 8
                        and (stripped.endswith(":") or stripped.isupper()))
        level = _heading_level(stripped) if stripped and not bullets[i] else None
        if level is not None or heading_like:
            marks.append((offset, level))
            open_scope, has_content, had_bullets = level is not None, False, False
        elif open_scope and not stripped and has_content:
            following = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
            if not (had_bullets and following is not None and bullets[following]):  # a list spaced by blank lines goes on
                marks.append((offset, None))
                open_scope = False
        elif open_scope and stripped and not bullets[i] and had_bullets:
            marks.append((offset, None))  # prose after the list
            open_scope = False
        elif stripped:
            has_content, had_bullets = True, had_bullets or bullets[i]
        offset += len(line)
    return marks


def requirement_level(sentence: str, heading: RequirementLevel | None) -> RequirementLevel:
    """Level of a skill from its sentence's wording first, then from its heading."""
    if _NICE.search(sentence):
        return "nice to have"
    if _REQUIRED.search(sentence):
        return "required"
    return heading or "unspecified"


def job_skills(text: str, hits: Sequence[SkillHit]) -> list[JobSkill]:
    """Each skill of a job description once, with its strongest level (required > nice > unspecified)."""
    marks = _heading_levels(text)
    rank = {level: i for i, level in enumerate(LEVELS)}
    found: dict[str, JobSkill] = {}
    mark_at = 0
    heading: RequirementLevel | None = None
    for hit in sorted(hits, key=lambda h: h.start):
        while mark_at < len(marks) and marks[mark_at][0] <= hit.start:
            heading = marks[mark_at][1]
            mark_at += 1
        sentence = sentence_around(text, hit.start, hit.end)
        # Cues are read close to the mention: in a run-on posting (no sentence breaks) a "preferred"
        # two clauses away is about something else.
        level = requirement_level(sentence_around(text, hit.start, hit.end, limit=CUE_WINDOW_CHARS), heading)
        key = hit.skill.casefold()
        if key not in found or rank[level] < rank[found[key].level]:
            found[key] = JobSkill(hit.skill, hit.category, level, sentence)
    return list(found.values())


def _role_anchors(text: str, roles: Sequence[Role], this_year: int) -> list[tuple[int, int]]:
    """(offset in ``text``, end year) of each dated role found again by the first line of its evidence."""
    anchors = []
    for role in roles:
        words = role.evidence.split("\n", 1)[0].split()[:12]  # evidence has its whitespace collapsed
        found = re.search(r"\s+".join(map(re.escape, words)), text) if words else None
        at = found.start() if found else -1
        year = this_year if role.current else (role.end.year if role.end else None)
        if at >= 0 and year is not None:
            anchors.append((at, year))
    return sorted(anchors)


def cv_skills(text: str, hits: Sequence[SkillHit], *, roles: Sequence[Role] = (),
              today: date | None = None) -> list[CvSkill]:
    """Each skill of a CV once, in order of first mention, with its evidence, section and years.

    With the CV's dated ``roles`` (:func:`core.profile.extract_profile`), a mention in the
    experience section is dated by the role above it: ``last_used`` is the latest such end year.
    """
    sections = find_sections(text)
    anchors = _role_anchors(text, roles, (today or date.today()).year)
    experience = [s for s in sections if s.name == "experience"] or ([] if sections else [Section("all", 0, len(text))])
    last_used: dict[str, int] = {}
    first: dict[str, SkillHit] = {}
    counts: dict[str, int] = {}
    years: dict[str, float] = {}
    for hit in sorted(hits, key=lambda h: h.start):
        key = hit.skill.casefold()
        first.setdefault(key, hit)
        counts[key] = counts.get(key, 0) + 1
        stated = _years_near(text, hit)
        if stated is not None:
            years[key] = max(years.get(key, 0.0), stated)
        if anchors and any(s.start <= hit.start < s.end for s in experience):
            above = bisect.bisect_right(anchors, (hit.start, 10_000)) - 1
            if above >= 0:
                last_used[key] = max(last_used.get(key, 0), anchors[above][1])
    out = []
    for key, hit in first.items():
        section = next((s.name for s in sections if s.start <= hit.start < s.end), None)
        out.append(CvSkill(hit.skill, hit.category, sentence_around(text, hit.start, hit.end), section,
                           counts[key], years.get(key), last_used.get(key)))
    return out


def _years_near(text: str, hit: SkillHit) -> float | None:
    """Years stated right next to a mention: "5 years of Python", "5+ yrs Python", "Python (3 years)"."""
    before = text[max(0, hit.start - 30) : hit.start]
    after = text[hit.end : hit.end + 20]
    lead = re.search(r"(\d{1,2}(?:\.\d)?)\s*\+?\s*(?:years?|yrs?)\s*(?:of\s+)?(?:experience\s+(?:in|with)\s+)?\W{0,2}$",
                     before, re.IGNORECASE)
    trail = re.match(r"\W{0,3}(\d{1,2}(?:\.\d)?)\s*\+?\s*(?:years?|yrs?)\b", after, re.IGNORECASE)
    for match in (lead, trail):
        if match:
            value = float(match.group(1))
            if 0 < value <= 60:
                return value
    return None


Encode = Callable[[list[str]], np.ndarray]
"""Unit vectors for short texts (e.g. ``TextEncoder.encode_texts``)."""


def coverage(match: SkillMatch, encode: Encode | None = None, *, describe: Callable[[str], str] | None = None,
             threshold: float = PARTIAL_SIMILARITY) -> Coverage:
    """Refine an exact :class:`SkillMatch` with partial (semantic) matches of the missing JD skills.

    Each missing JD skill takes its most similar extra CV skill when their embeddings reach
    ``threshold``; a CV skill may partially cover several JD skills. ``describe`` gives the text
    encoded for a skill (e.g. "PyTorch: an open source machine learning library", see
    :mod:`core.skill_descriptions`); the name by default. Without ``encode`` there are no
    partial matches.
    """
    if encode is None or not match.missing or not match.extra:
        return Coverage(match.matched, (), match.missing, match.extra)
    names = [*match.missing, *match.extra]
    described_names = [describe(n) for n in names] if describe is not None else []
    texts = list(dict.fromkeys([*names, *described_names]))  # a skill without a description is encoded once
    encoded = dict(zip(texts, np.asarray(encode(texts), dtype=np.float32), strict=True))
    split = len(match.missing)

    def cosines(items: list[str]) -> np.ndarray:
        vectors = np.stack([encoded[t] for t in items])
        return vectors[:split] @ vectors[split:].T

    similarity = cosines(names)
    if described_names:
        similarity = np.maximum(similarity, cosines(described_names))
    for row, jd_skill in enumerate(match.missing):
        for col, cv_skill in enumerate(match.extra):
            if frozenset({jd_skill.casefold(), cv_skill.casefold()}) in FALSE_FRIENDS:
                similarity[row, col] = -1.0
    partial, missing = [], []
    for row, jd_skill in enumerate(match.missing):
        best = int(np.argmax(similarity[row]))
        if similarity[row, best] >= threshold:
            partial.append(PartialMatch(jd_skill, match.extra[best], round(float(similarity[row, best]), 3)))
        else:
            missing.append(jd_skill)
    return Coverage(match.matched, tuple(partial), tuple(missing), match.extra)

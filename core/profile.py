"""A candidate profile from CV text: contact, links, education, dated roles and years of experience.

Everything here is rules over the text (no model): regular expressions that are linear in the
length of the text (no nested quantifiers, every repeat bounded), applied line by line, so any
input — empty, 200,000 characters, binary garbage, HTML — gives a :class:`Profile` quickly and
never raises.

- **Roles** are the date ranges of the experience section(s) (:func:`core.sections.find_sections`;
  without one, the whole CV except education-like sections): "Jan 2015 - Mar 2018",
  "January 2015 – Present", "01/2015 - 03/2018", "2015 - 2018", "Oct 2012 to Current",
  "Since 2019", ... A year-only start is January, a year-only end December; "present", "current",
  "now", "today", "to date" mean ``today``. A role's title is the rest of its line without the
  dates and company/location noise, else the nearest title-like line around it.
- **Years of experience** count the union of the roles' periods (overlaps and nested roles once,
  gaps not at all), months inclusive: "Jan 2015 - Mar 2018" is 3.25 years.
- **Education** entries come from degree phrases (Bachelor/BSc/B.S./MBA/PhD/Associate/Diploma/High
  School...), normalised to a readable name, with the field, institution and year nearby.

Example:
    >>> from datetime import date
    >>> p = extract_profile("Ann Lee\\nann@x.org\\nExperience\\nAnalyst, Jan 2015 - Dec 2016\\n",
    ...                     today=date(2024, 1, 1))
    >>> p.name, p.email, p.total_years, p.current_title
    ('Ann Lee', 'ann@x.org', 2.0, 'Analyst')
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from core.sections import Section, find_sections, heading_name

__all__ = ["Education", "Profile", "Role", "extract_profile", "years_of_experience"]


@dataclass(frozen=True)
class Education:
    """One education entry: a degree (readable name), its field, the institution and a year."""

    degree: str | None
    field: str | None
    institution: str | None
    year: int | None
    evidence: str


@dataclass(frozen=True)
class Role:
    """One dated role. ``end`` is None and ``current`` True for "present", "current", "now"..."""

    title: str | None
    start: date | None
    end: date | None
    current: bool
    evidence: str


@dataclass(frozen=True)
class Profile:
    """What a recruiter reads at the top of a CV, extracted from its text."""

    name: str | None
    email: str | None
    phone: str | None
    location: str | None
    links: tuple[str, ...]
    education: tuple[Education, ...]
    roles: tuple[Role, ...]
    total_years: float | None
    current_title: str | None


_MIN_YEAR = 1950
_MAX_EVIDENCE = 200
_MAX_LINE = 20_000  # longer "lines" (garbage, not text) are cut before the line rules run
_MAX_LINKS = 10
_HEADER_CHARS = 2_000  # where name, phone and location are looked for when there is no header

# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}

_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)
_YEAR = r"(?:19|20)\d\d(?!\d)"
_DATE = (
    r"(?:"
    rf"(?:[0-3]?\d(?:st|nd|rd|th)?\s{{1,3}})?{_MONTH_NAME},?\s{{0,3}}(?:[0-3]?\d(?:st|nd|rd|th)?,?\s{{1,3}})?"
    rf"(?:{_YEAR}|['’]\d\d(?!\d))"
    rf"|(?:spring|summer|fall|autumn|winter),?\s{{0,3}}{_YEAR}"
    rf"|(?:0?[1-9]|1[0-2])[/.-](?:[0-3]?\d[/.-])?{_YEAR}"
    rf"|{_YEAR}[/.](?:0[1-9]|1[0-2])(?!\d)"
    rf"|{_YEAR}"
    r")"
)
_PRESENT = (
    r"(?:present|current(?:ly)?|now|today|ongoing|(?:to|till|until)\s{1,3}(?:date|now|present)"
    r"|date)(?![a-z])"
)
_SEP = r"\s{0,3}(?:[-–—‒―−~]{1,2}|â€[“”–—‐\x90\x93\x94]|to|until|till|through|thru)\s{0,3}"
_RANGE_RE = re.compile(
    rf"(?<![\w/.])(?P<start>{_DATE}){_SEP}(?P<end>{_DATE}|{_PRESENT})(?![\w/])", re.IGNORECASE
)
_SINCE_RE = re.compile(rf"\bsince\s{{1,3}}(?P<start>{_DATE})(?![\w/])", re.IGNORECASE)
_DATE_PARTS = re.compile(
    rf"(?P<mname>{_MONTH_NAME})|(?P<season>spring|summer|fall|autumn|winter)"
    rf"|(?P<ym>{_YEAR})[/.](?P<ymm>0[1-9]|1[0-2])(?!\d)"
    rf"|(?<!\d)(?P<mm>0?[1-9]|1[0-2])[/.-](?:[0-3]?\d[/.-])?(?P<myear>{_YEAR})"
    rf"|(?P<year>{_YEAR})|['’](?P<yy>\d\d)(?!\d)",
    re.IGNORECASE,
)
_PRESENT_RE = re.compile(_PRESENT, re.IGNORECASE)
_ANY_YEAR = re.compile(rf"(?<!\d){_YEAR}")


def _parse_date(text: str, *, is_end: bool) -> tuple[int, int] | None:
    """(year, month) of one date as written; a year alone is January (start) or December (end)."""
    month: int | None = None
    year: int | None = None
    for m in _DATE_PARTS.finditer(text):
        if m.group("mname"):
            month = _MONTHS[m.group("mname")[:3].lower()]
        elif m.group("season"):
            month = _SEASONS[m.group("season").lower()]
        elif m.group("ym"):
            year, month = int(m.group("ym")), int(m.group("ymm"))
        elif m.group("mm"):
            year, month = int(m.group("myear")), int(m.group("mm"))
        elif m.group("year"):
            year = int(m.group("year"))
        elif m.group("yy"):
            yy = int(m.group("yy"))
            year = 2000 + yy if yy <= 50 else 1900 + yy
    if year is None:
        return None
    return year, month if month is not None else (12 if is_end else 1)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _period(start_text: str, end_text: str | None, today: date) -> tuple[date, date | None] | None:
    """The (start, end) of a range as written; end None for "present". None for nonsense."""
    start = _parse_date(start_text, is_end=False)
    if start is None or not _MIN_YEAR <= start[0] <= today.year + 1:
        return None
    start_day = date(start[0], start[1], 1)
    if end_text is None or _PRESENT_RE.fullmatch(end_text.strip()):
        return (start_day, None) if start_day <= today else None
    end = _parse_date(end_text, is_end=True)
    if end is None or not _MIN_YEAR <= end[0] <= today.year + 1:
        return None
    end_day = _month_end(*end)
    if end_day < start_day:
        return None
    return start_day, end_day


def years_of_experience(periods: Sequence[tuple[date, date]]) -> float:
    """Years covered by the union of ``periods`` (both ends inclusive): overlaps count once.

    Periods whose end is before their start are ignored; touching periods (one ends the day
    before the next starts) join. A year is 365.25 days.

    Example:
        >>> round(years_of_experience([(date(2015, 1, 1), date(2016, 12, 31)),
        ...                            (date(2016, 1, 1), date(2017, 12, 31))]), 2)
        3.0
    """
    valid = sorted((s, e) for s, e in periods if e >= s)
    days = 0
    cur_start: date | None = None
    cur_end: date | None = None
    for start, end in valid:
        if cur_end is not None and start <= cur_end + timedelta(days=1):
            cur_end = max(cur_end, end)
            continue
        if cur_start is not None and cur_end is not None:
            days += (cur_end - cur_start).days + 1
        cur_start, cur_end = start, end
    if cur_start is not None and cur_end is not None:
        days += (cur_end - cur_start).days + 1
    return days / 365.25


# --------------------------------------------------------------------------------------------
# Lines, sections, cleaning
# --------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]")
_TAG = re.compile(r"<[^<>\n]{0,200}>")
_BULLET_PREFIX = re.compile(r"^[\s\-\u2022\u2023\u25aa\u25cf\u25e6\u2043\u2219*\u00b7>•◦▪●■□➢✓]+")
_SPACES = re.compile(r"[ \t\u00a0]+")


_HREF = re.compile(r"""href\s?=\s?["']?(https?://[^"'\s>]{1,300})""", re.IGNORECASE)


def _tag_text(m: re.Match[str]) -> str:
    href = _HREF.search(m.group(0))  # <a href="https://github.com/x">: the link is the content
    return f" {href.group(1)} " if href else " "


def _clean_text(text: str) -> str:
    """Text with control characters, HTML tags and repeated blanks removed, lines kept."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    if "<" in text:
        text = _TAG.sub(_tag_text, text)
    return _SPACES.sub(" ", text)


def _lines(text: str) -> list[str]:
    return [line.strip()[:_MAX_LINE] for line in text.split("\n")]


_ROLE_SECTIONS_EXCLUDED = frozenset({
    "education", "certifications", "awards", "publications", "projects", "references",
    "interests", "languages", "skills",
})


def _section_text(text: str, sections: Sequence[Section], names: Iterable[str]) -> str:
    wanted = set(names)
    return "\n".join(text[s.start : s.end] for s in sections if s.name in wanted)


def _find_roles(text: str, sections: Sequence[Section], today: date) -> list[Role]:
    """Roles of the experience section(s); else of the sections that are not education-like;
    else of the whole text, without the ranges that date a degree or a school."""
    experience = _section_text(text, sections, ["experience"])
    if experience.strip():
        return _extract_roles(experience, today)
    if sections:
        kept = [s.name for s in sections if s.name not in _ROLE_SECTIONS_EXCLUDED]
        roles = _extract_roles(_section_text(text, sections, kept), today)
        if roles:
            return roles
    return [r for r in _extract_roles(text, today) if not _dates_education(r)]


def _dates_education(role: Role) -> bool:
    """True for a range that dates studies ("BSc Physics, 2012 - 2015", "Harvard University 2010-2014")."""
    if _find_degree(role.evidence):
        return True
    return bool(_INSTITUTION.search(role.evidence)) and not (role.title and _has_title_word(role.title))


_NOISE = re.compile(
    r"\bcompany\s+name(?:\s+(?:city\s*,\s*)?state\b|\s+city\b)?"
    r"|\bcity\s*,\s*state(?:\s*,\s*(?:usa?|united states))?\b"
    r"|^\s*(?:city|state)\b|\b(?:city|state)\s*$|\bfrom\b|\bsince\b|\bcurrently\b"
    r"|\([^()]{0,80}\)|\(|\)|\[|\]|\bGPA\b.{0,20}$",
    re.IGNORECASE,
)
_EDGE = " \t,;:|/-–—@·•*.#"
_SEGMENT_SPLIT = re.compile(r"(\s+[|@–—-]\s+|\s*\|\s*|\s*[,;]\s+|\s+at\s+|\s{2,})")
# A comma part that names a function belongs to the title ("Director, Business Development");
# one that names a company or a place does not ("Engineer, Northwind GmbH, Berlin").
_FUNCTION_WORDS = frozenset("""
development improvement operations sales marketing finance business accounts account services
engineering programs program projects product products strategy strategic research support
administration communications relations resources planning compliance quality logistics training
technology information systems security analytics data design digital risk procurement
""".split())
_COMPANY_MARKERS = re.compile(
    r"\b(?:inc|llc|ltd|gmbh|corp|corporation|plc|ag|co|company|group|bank|university|hospital)\b\.?",
    re.IGNORECASE,
)

_TITLE_WORDS = frozenset("""
engineer developer manager director analyst specialist consultant coordinator assistant associate
officer administrator intern internship technician representative supervisor lead head president
vp executive clerk accountant auditor architect designer teacher instructor professor lecturer tutor
nurse rn lpn cna physician doctor therapist pharmacist chef cook baker driver operator agent advisor
adviser counselor counsellor scientist researcher editor writer journalist producer artist owner
founder co-founder partner attorney lawyer paralegal advocate receptionist secretary cashier server
bartender waiter waitress mechanic electrician programmer trainer recruiter buyer planner strategist
controller comptroller bookkeeper teller banker broker underwriter inspector foreman superintendent
worker laborer labourer aide volunteer fellow apprentice trainee captain sergeant lieutenant
principal dean coach photographer stylist attendant housekeeper caregiver custodian janitor guard
dispatcher estimator surveyor draftsman drafter machinist welder carpenter plumber assembler handler
picker packer loader salesperson merchandiser generalist scheduler examiner investigator adjuster
appraiser processor ceo cfo cto coo cio cmo chairman chairperson secretary treasurer editor
copywriter illustrator animator modeler technologist therapist hygienist paramedic emt pilot
navigator steward stewardess flight crew mentor organizer organiser facilitator liaison expert
partner principal owner clinician dietitian nutritionist librarian curator interpreter translator
reporter correspondent anchor host booker model trader investor economist statistician auditor
veterinarian dentist surgeon midwife pastor minister chaplain ambassador diplomat commander
""".split())

# Words that make a line a heading, a title or a field rather than a person's name.
_NOT_NAME_WORDS = _TITLE_WORDS | frozenset("""
resume résumé curriculum vitae cv profile summary objective experience skills contact education
sales marketing finance financial accounting business development information technology human
resources health healthcare fitness art arts design digital media public relations construction
aviation agriculture banking apparel automobile automotive bpo senior junior chief professional
services service customer support operations project program product software data web network
systems security quality office general medical legal retail hospitality food travel personal
page address phone email mobile tel www http https linkedin github street road avenue suite
university college school institute academy inc llc ltd company corporation group the and of for
new york los angeles california texas florida london
""".split())


_WORD = re.compile(r"[^\W\d_][^\W_'’.\-]*(?:['’.\-][^\W_'’.\-]+)*\.?")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _has_title_word(text: str) -> bool:
    return any(w.lower().strip(".'’-") in _TITLE_WORDS for w in _words(text))


_SENTENCE_STARTS = frozenset({
    "was", "were", "as", "is", "my", "we", "our", "the", "an", "firstly", "worked", "working",
    "served", "responsible", "this", "in", "on", "for", "with", "from", "during", "while", "also", "and",
    "to", "by", "at", "of", "it", "he", "she", "they", "have", "has", "had", "am", "be", "been",
})
_TITLE_LABEL = re.compile(r"^(?:designation|position|job\s?title|title|role)\s?[:\-–]\s?", re.IGNORECASE)


def _clean_title(fragment: str) -> str | None:
    """A short job title from a line fragment, or None when it reads like a sentence or noise."""
    fragment = _BULLET_PREFIX.sub("", fragment)
    fragment = _NOISE.sub(" ", fragment)
    fragment = _TITLE_LABEL.sub("", " ".join(fragment.split()).strip(_EDGE + "0123456789 "))
    if not fragment:
        return None
    parts = _SEGMENT_SPLIT.split(fragment)  # segment, separator, segment, ...
    segments = [(p.strip(_EDGE), parts[k + 1] if k + 1 < len(parts) else "") for k, p in enumerate(parts)
                if k % 2 == 0]
    segments = [(seg, sep) for seg, sep in segments if seg and re.search(r"[A-Za-z]{2}", seg)]
    if not segments:
        return None
    at = next((k for k, (seg, _) in enumerate(segments) if _has_title_word(seg)), 0)
    title = segments[at][0]
    if at + 1 < len(segments) and segments[at][1].strip() == ",":
        following = segments[at + 1][0]
        if (any(w.lower() in _FUNCTION_WORDS for w in _words(following))
                and not _COMPANY_MARKERS.search(following) and not _has_title_word(following)):
            title = f"{title}, {following}"
    words = title.split()
    if len(words) > 12 or len(title) > 100:
        return None
    if words[0].lower() in _SENTENCE_STARTS and not words[0].isupper():  # "As the ...", not "IT Manager"
        return None
    if words[-1].lower() in _SENTENCE_STARTS or ": " in title:  # "Assist in", "Hours per week: 60"
        return None
    lower = title[0].islower() or _prose(title)
    if lower and not (len(words) <= 4 and _has_title_word(title)):
        return None  # a sentence ("worked closely with the sales team"), not a title ("preschool teacher")
    return _readable_case(title)


_ACRONYMS = frozenset("""
HR IT VP SVP EVP AVP CEO CFO CTO COO CIO CMO QA QC UX UI BPO PR RN LPN CNA SAP ERP CRM AWS SQL
GM AP AR EMT CPA CAD MEP HVAC DBA PMO PMP ETL BI US USA UK EU NGO II III IV
""".split())
_SMALL_WORDS = frozenset({"and", "of", "the", "for", "in", "to", "at", "on", "a", "an", "&"})


def _readable_case(text: str) -> str:
    """ALL-CAPS text in title case (acronyms kept); any other casing as written."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or any(ch.islower() for ch in letters):
        return text
    out = []
    for i, word in enumerate(text.split(" ")):
        bare = word.strip("(),/.-")
        if bare.upper() in _ACRONYMS:
            out.append(word)
        elif i > 0 and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append("-".join("/".join(p.capitalize() for p in w.split("/")) for w in word.split("-")))
    return " ".join(out)


# --------------------------------------------------------------------------------------------
# Roles
# --------------------------------------------------------------------------------------------


def _line_ranges(line: str, today: date) -> list[tuple[int, int, date, date | None]]:
    """(span start, span end, start, end) of every valid date range in a line."""
    found: list[tuple[int, int, date, date | None]] = []
    for m in _RANGE_RE.finditer(line):
        period = _period(m.group("start"), m.group("end"), today)
        if period is not None:
            found.append((m.start(), m.end(), *period))
    if not found and len(line) <= 80:  # "Since 2019" heads a role; "... since 1958." is prose
        for m in _SINCE_RE.finditer(line):
            period = _period(m.group("start"), None, today)
            if period is not None:
                found.append((m.start(), m.end(), *period))
    return found


def _neighbour_titles(lines: Sequence[str], index: int, dated: set[int]) -> dict[str, tuple[str, int]]:
    """The best title-like line above (up to two lines up) and the one below a dated line."""
    found: dict[str, tuple[str, int]] = {}
    above = [i for i in range(index - 1, max(-1, index - 4), -1) if lines[i]][:2]
    best: tuple[int, int, str] | None = None
    for rank, i in enumerate(above):
        if i in dated or heading_name(lines[i]):
            break
        title = _title_from_line(lines[i])
        if title and (best is None or 3 * _has_title_word(title) - rank > best[0]):
            best = (3 * _has_title_word(title) - rank, i, title)
    if best:
        found["above"] = (best[2], best[1])
    below = next((i for i in range(index + 1, min(len(lines), index + 3)) if lines[i]), None)
    if below is not None and below not in dated and not heading_name(lines[below]):
        title = _title_from_line(lines[below])
        if title:
            found["below"] = (title, below)
    return found


def _layout_direction(around: Iterable[dict[str, tuple[str, int]]]) -> tuple[str, str]:
    """Whether this CV writes a role's title above its dates or below them (a vote over all
    the lines that hold only dates); above on a tie, as most CVs do."""
    votes = {"above": 0, "below": 0}
    for found in around:
        for side, (title, _) in found.items():
            votes[side] += _has_title_word(title)
    return ("below", "above") if votes["below"] > votes["above"] else ("above", "below")


_COMPANY_PLACEHOLDER = re.compile(r"\bCompany Name\b")


def _title_from_line(line: str) -> str | None:
    """The title on a line next to a dated one: a short line, or what stands before the
    anonymised "Company Name" of livecareer CVs ("Consultant Company Name - City , State ...")."""
    placeholder = _COMPANY_PLACEHOLDER.search(line)
    if placeholder and line[: placeholder.start()].strip():
        return _clean_title(line[: placeholder.start()])
    if not line or line.endswith(".") or len(line) > 120:
        return None
    return _clean_title(line)


def _join_split_range(m: re.Match[str]) -> str:
    return m.group(0).replace("\n", " ")


def _extract_roles(text: str, today: date) -> list[Role]:
    # "May 2015\nto\nCurrent": a range broken over lines by the PDF layout is put back on one line
    lines = _lines(_RANGE_RE.sub(_join_split_range, text) if "\n" in text else text)
    per_line = {i: r for i, line in enumerate(lines) if line and (r := _line_ranges(line, today))}
    dated = set(per_line)
    found: list[tuple[int, date, date | None, str | None]] = []  # (line, start, end, own title)
    for i, ranges in per_line.items():
        line = lines[i]
        for k, (lo, hi, start, end) in enumerate(ranges):
            before = line[ranges[k - 1][1] if k else 0 : lo]
            after = line[hi : ranges[k + 1][0] if k + 1 < len(ranges) else len(line)]
            title = _clean_title(before) or (_clean_title(after) if len(ranges) == 1 or k == 0 else None)
            found.append((i, start, end, title))
    around = {i: _neighbour_titles(lines, i, dated) for i, _, _, title in found if title is None}
    order = _layout_direction(around.values())
    roles: list[Role] = []
    seen: set[tuple[str | None, date | None, date | None]] = set()
    for i, start, end, title in found:
        evidence = lines[i]
        if title is None:
            side = next((side for side in order if side in around[i]), None)
            if side is not None:
                title, j = around[i][side]
                evidence = f"{lines[j]}\n{lines[i]}" if j < i else f"{lines[i]}\n{lines[j]}"
        key = (title.lower() if title else None, start, end)
        if key not in seen:
            seen.add(key)
            roles.append(Role(title, start, end, end is None, evidence[:_MAX_EVIDENCE]))
    titled = {(r.start, r.end) for r in roles if r.title}
    return [r for r in roles if r.title or (r.start, r.end) not in titled]


def _total_years(roles: Sequence[Role], today: date) -> float | None:
    periods = [
        (r.start, min(r.end or today, today)) for r in roles if r.start is not None and r.start <= today
    ]
    if not periods:
        return None
    return round(years_of_experience(periods), 1)


def _current_role(roles: Sequence[Role]) -> Role | None:
    dated = [r for r in roles if r.start is not None]
    if not dated:
        return None
    return max(dated, key=lambda r: (r.current, r.end or date.max, r.start))


# --------------------------------------------------------------------------------------------
# Contact: email, phone, links, name, location
# --------------------------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,4}"
    r"\.[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
_PHONE_LABEL = r"(?:phone|tel|telephone|mobile|mob|cell|ph|contact)\.?\s{0,2}[:.#-]?\s{0,3}"
_PHONE_RES = (
    # +49 30 1234 5678, +44 (0)20 7946 0958, +234-8123177630, +1 (555) 123-4567
    re.compile(r"(?<![\w+])\+\d[\d\s().-]{5,22}\d(?!\d)"),  # one bounded class: no backtracking blow-up
    # (555) 123-4567, 555-123-4567, 555.123.4567, 1-555-123-4567, 5551234567
    re.compile(r"(?<![\w+])(?:1[\s.-]?)?\(?\d{3}\)?[\s.-]{0,2}\d{3}[\s.-]?\d{4}(?!\d)"),
    # a labelled local number: "Tel: 030 1234567", "Mobile: 0171 234 5678"
    re.compile(rf"(?i:\b{_PHONE_LABEL})(\(?\d[\d().-]{{0,6}}(?:\s[\d().-]{{1,6}}){{0,3}}\d)(?![\d.])"),
)
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]{}|,]{2,300}"
    r"|(?<![\w./@-])(?:[a-z]{2,3}\.)?(?:linkedin\.com/in/|github\.com/|gitlab\.com/)[\w\-./%~]{1,200}",
    re.IGNORECASE,
)


def _find_email(text: str) -> str | None:
    m = _EMAIL_RE.search(text)
    return m.group(0).lower().strip(".") if m else None


def _looks_like_dates(number: str) -> bool:
    """True for digit runs that read as years or dates ("2015 - 2018", "1990-1994", "01/2015")."""
    groups = re.findall(r"\d+", number)
    if all(len(g) == 4 and g[:2] in ("19", "20") for g in groups):
        return True
    return "/" in number or bool(_RANGE_RE.fullmatch(number))


def _find_phone(text: str) -> str | None:
    best: tuple[int, str] | None = None
    for pattern in _PHONE_RES:
        for m in pattern.finditer(text):
            group = 1 if m.groups() else 0
            number = m.group(group).strip(" .-")
            if number.count("(") != number.count(")"):
                number = number.replace("(", "").replace(")", "").strip()
            digits = sum(ch.isdigit() for ch in number)
            if not 7 <= digits <= 15 or _looks_like_dates(number):
                continue
            if best is None or m.start(group) < best[0]:
                best = (m.start(group), " ".join(number.split()))
            break
    return best[1] if best else None


def _normalise_link(raw: str) -> str | None:
    url = raw.rstrip(".,;:!?'\"”’)»>")
    if not re.match(r"https?://", url, re.IGNORECASE):
        url = "https://" + url
    m = re.match(r"(https?)://([^/?#]+)(.*)", url, re.IGNORECASE)
    if not m:
        return None
    scheme, host, rest = m.group(1).lower(), m.group(2).lower(), m.group(3)
    if "." not in host or "@" in host:
        return None
    if host.startswith("www.") and host[4:] in ("linkedin.com", "github.com", "gitlab.com"):
        host = host[4:]
    elif re.match(r"[a-z]{2,3}\.linkedin\.com$", host):
        host = "linkedin.com"
    return f"{scheme}://{host}{rest.rstrip('/')}"


_PROFILE_HOSTS = re.compile(r"^https?://(?:linkedin|github|gitlab)\.com/", re.IGNORECASE)


def _find_links(text: str, contact: Sequence[Section]) -> tuple[str, ...]:
    """LinkedIn/GitHub/GitLab profiles anywhere; other URLs only near the top or under "Contact"
    (a URL in the experience section is usually an employer's or a product's site)."""
    links: list[str] = []
    seen: set[str] = set()
    for m in _URL_RE.finditer(text):
        link = _normalise_link(m.group(0))
        if link is None:
            continue
        near_top = m.start() < _HEADER_CHARS or any(s.start <= m.start() < s.end for s in contact)
        if not near_top and not _PROFILE_HOSTS.match(link):
            continue
        key = re.sub(r"^https?://", "", link).lower()
        if key not in seen:
            seen.add(key)
            links.append(link)
        if len(links) >= _MAX_LINKS:
            break
    return tuple(links)


_NAME_PARTICLES = frozenset(
    {"de", "da", "di", "van", "von", "der", "den", "del", "la", "le", "bin", "al", "dos", "du"}
)
_NAME_WORD = re.compile(
    r"^(?:[A-Z][a-zà-ÿ]*(?:['’\-][A-Z]?[a-zà-ÿ]+)*|[A-Z][A-Z'’\-]+|[A-Z]\."
    r"|(?:Mc|Mac|De|Di|Le|La)[A-Z][a-zà-ÿ]+)$"
)


_OCCUPATION_SUFFIX = re.compile(r"(?i)\w{3}(?:ist|ian)$")


def _name_from_line(line: str, *, contact_nearby: bool) -> str | None:
    line = line.strip().strip(",;|")
    if not 3 <= len(line) <= 50 or re.search(r"[\d@/\\:|()\[\]<>#&+=_*•]", line):
        return None
    if heading_name(line) is not None:
        return None
    words = line.replace(",", " ").split()
    if not 2 <= len(words) <= 4:
        return None
    if any(w.lower().strip(".'’-") in _NOT_NAME_WORDS or _OCCUPATION_SUFFIX.search(w) for w in words):
        return None  # "Project Manager", "Behavioral Interventionist"
    core_words = [w for w in words if w.lower() not in _NAME_PARTICLES]
    if len(core_words) < 2 or not all(_NAME_WORD.match(w) for w in core_words):
        return None
    if sum(len(w.strip(".")) > 1 for w in core_words) < 2:
        return None
    all_caps = all(w.isupper() for w in core_words)
    if all_caps and not contact_nearby:
        return None  # an all-caps line without contact details is usually a headline, not a name
    return _readable_case(line) if all_caps else line


def _header_lines(text: str, sections: Sequence[Section]) -> list[str]:
    if sections and sections[0].name == "header":
        head = text[sections[0].start : sections[0].end]
    elif sections:  # the first line read as a heading ("DIRECTOR FINANCE PROJECTS"): keep it
        head = text[: sections[0].start] or text[sections[0].start : sections[0].end].split("\n", 1)[0]
    else:
        head = text[:_HEADER_CHARS]
    return [line for line in _lines(head[:_HEADER_CHARS]) if line][:12]


def _find_name(header: Sequence[str], contact_nearby: bool) -> str | None:
    for line in header[:4]:
        name = _name_from_line(line, contact_nearby=contact_nearby)
        if name:
            return name
        if _EMAIL_RE.search(line) or _RANGE_RE.search(line):
            break
    return None


_US_STATES = frozenset("""
AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC
ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR
""".split())
_COUNTRIES = frozenset("""
USA UK Germany France Spain Italy Netherlands Belgium Switzerland Austria Sweden Norway Denmark
Finland Ireland Portugal Poland Greece Turkey India Pakistan Bangladesh China Japan Korea Singapore
Malaysia Indonesia Philippines Vietnam Thailand Australia Canada Mexico Brazil Argentina Chile
Colombia Peru Nigeria Kenya Ghana Egypt Morocco Israel Romania Hungary Czechia Ukraine Russia
""".split()) | {"United States", "United Kingdom", "South Africa", "New Zealand", "United Arab Emirates",
               "Saudi Arabia", "Czech Republic", "Sri Lanka", "Hong Kong"}
_PLACE = r"[A-Z][a-zA-Z.'’\-]+(?:\s[A-Z][a-zA-Z.'’\-]+){0,2}"
_LOCATION_RE = re.compile(
    rf"(?<![\w])({_PLACE}),\s{{0,2}}([A-Z]{{2}}(?![A-Za-z])|[A-Z][a-z]+(?:\s[A-Z][a-z]+){{0,2}})"
)


_CITY_FIRST_WORDS = frozenset("""
new san santa los las salt fort ft saint st st. el la le palm port mount mt grand north south east
west little rio sao são ho kuala hong abu cape
""".split())


def _city_name(words: str) -> str:
    """"Malard Drive Clarksville" -> "Clarksville"; "Salt Lake City", "New York" kept."""
    parts = words.split()
    while len(parts) > 1 and parts[0].lower() not in _CITY_FIRST_WORDS:
        parts = parts[1:]
    return " ".join(parts)


def _find_location(header: Sequence[str]) -> str | None:
    for line in header:
        for m in _LOCATION_RE.finditer(line):
            city, region = m.group(1), m.group(2)
            if city.lower() in ("city", "state") or region.lower() in ("state", "city"):
                continue
            city = _readable_case(_city_name(city))
            if region in _US_STATES:
                return f"{city}, {region}"
            for n in (3, 2, 1):  # "Berlin, Germany"; "London, United Kingdom"
                country = " ".join(region.split()[:n])
                if country in _COUNTRIES:
                    return f"{city}, {country}"
    return None


_HEADLINE_CHARS = re.compile(r"[A-Za-z][A-Za-z0-9 &/,.'’()\-]*")


def _find_headline(header: Sequence[str], name: str | None) -> str | None:
    for line in header[:3]:
        if name and line.lower() == name.lower():
            continue
        if _EMAIL_RE.search(line) or _URL_RE.search(line) or re.search(r"\d{3}", line):
            continue
        if len(line) > 100 or len(line.split()) > 12:
            continue
        if heading_name(line) in ("summary", "experience", "contact") or (
            heading_name(line) and not _has_title_word(line)  # "DIRECTOR FINANCE PROJECTS" is a title
        ):
            continue
        if not re.search(r"[A-Za-z]{2}", line) or line.endswith(".") or not _HEADLINE_CHARS.fullmatch(line):
            continue  # "TECHNICAL QUALIFICATIONS: • Windows" is no headline
        title = _clean_title(line)
        if title:
            return title
    return None


# --------------------------------------------------------------------------------------------
# Education
# --------------------------------------------------------------------------------------------

_OF_SUBJECT = (
    r"(?:the\s)?(?P<of>[A-Za-z]+(?:\s(?:Science|Sciences|Arts|Administration|Studies|Work|Health"
    r"|Technology|Engineering|Applications|Education|Management|Affairs|Policy))?)"
)
_DEGREE_LONG = re.compile(
    r"\b(?P<level>bachelor|master|associate|doctor(?:ate)?)(?:'s|’s|s|e)?"
    rf"(?:\s{{1,2}}degree)?(?:\s{{1,2}}of\s{{1,2}}{_OF_SUBJECT})?(?:\s{{1,2}}degree)?(?![a-z])",
    re.IGNORECASE,
)
_ABBREVIATIONS: dict[str, str] = {
    "PHD": "PhD", "DPHIL": "PhD", "MBA": "MBA", "EMBA": "MBA", "MSC": "Master of Science",
    "MS": "Master of Science", "MA": "Master of Arts", "MENG": "Master of Engineering",
    "ME": "Master of Engineering", "MTECH": "Master of Technology", "MCA": "Master of Computer Applications",
    "MED": "Master of Education", "MPA": "Master of Public Administration", "MPH": "Master of Public Health",
    "MFA": "Master of Fine Arts", "MSW": "Master of Social Work", "MPHIL": "Master of Philosophy",
    "MDIV": "Master of Divinity", "LLM": "Master of Laws", "MSN": "Master of Science in Nursing",
    "BSC": "Bachelor of Science", "BS": "Bachelor of Science", "BA": "Bachelor of Arts",
    "BENG": "Bachelor of Engineering", "BE": "Bachelor of Engineering", "BTECH": "Bachelor of Technology",
    "BBA": "Bachelor of Business Administration", "BFA": "Bachelor of Fine Arts",
    "BCOM": "Bachelor of Commerce", "BCA": "Bachelor of Computer Applications",
    "BSN": "Bachelor of Science in Nursing", "LLB": "Bachelor of Laws", "BED": "Bachelor of Education",
    "BSW": "Bachelor of Social Work", "AA": "Associate of Arts", "AS": "Associate of Science",
    "AAS": "Associate of Applied Science", "MD": "Doctor of Medicine", "JD": "Juris Doctor",
    "PHARMD": "Doctor of Pharmacy", "EDD": "Doctor of Education", "DNP": "Doctor of Nursing Practice",
    "DDS": "Doctor of Dental Surgery", "GED": "GED",
}
# Dotted or run-together spellings: "B.Sc.", "M.S.", "Ph.D.", "B. Tech", "MBA". Two-letter forms
# that are also words or state codes ("MS", "MA", "AS", "ME", "BE") need a degree-like context.
_DEGREE_ABBR = re.compile(
    r"(?<![\w.])(?P<abbr>Ph\.?\s?D|D\.?\s?Phil|E\.?\s?MBA|M\.?\s?B\.?\s?A|M\.?\s?Sc|M\.?\s?Eng|M\.?\s?Tech"
    r"|M\.?\s?C\.?\s?A|M\.?\s?Ed|M\.?\s?P\.?\s?[AH]|M\.?\s?F\.?\s?A|M\.?\s?S\.?\s?[WN]|M\.?\s?Phil|M\.?\s?Div"
    r"|LL\.?\s?[MB]|B\.?\s?Sc|B\.?\s?Eng|B\.?\s?Tech|B\.?\s?B\.?\s?A|B\.?\s?F\.?\s?A|B\.?\s?Com"
    r"|B\.?\s?C\.?\s?A|B\.?\s?S\.?\s?[NW]|B\.?\s?Ed|A\.?\s?A\.?\s?S|Pharm\.?\s?D|Ed\.?\s?D|D\.?N\.?P"
    r"|D\.?D\.?S|J\.?D|M\.?D|GED"
    r"|[MBA]\.\s?[SA]|M\.\s?E|B\.\s?E"
    r"|(?<!,\s)(?<!,)(?:MS|MA|BS|BA|AA|AS|ME|BE)(?=\s{1,2}(?:in|of)\s|\s{0,2}[:,(]|\s{1,2}[-–]\s|\s*$"
    r"|\s{1,2}(?:19|20)\d\d|\s{1,2}degree"
    # "BA SYRACUSE UNIVERSITY", "BS Computer Science, Stanford University"
    r"|\s{1,2}(?:[A-Z][\w.'&\-]*,?\s){0,5}(?i:university|college|institute|school)))"
    r"(?![A-Za-z])\.?"
    r"(?!\s?(?i:Office|Excel|Word|Access|Project|Outlook|PowerPoint|SQL|Visio|Dynamics|Windows|Teams))"
)
_DIPLOMA = re.compile(
    r"\b(?P<hs>high\s{1,2}school(?:\s{1,2}(?:diploma|graduate|certificate))?|secondary\s{1,2}school"
    r"\s{1,2}(?:diploma|certificate))|\b(?P<dip>(?:post\s?graduate\s)?diploma)\b",
    re.IGNORECASE,
)
_INSTITUTION = re.compile(
    r"(?P<pre>(?:(?:(?!(?i:universit\w*|college|institut\w*|school|academy)(?![A-Za-z]))[A-Z][\w.'’&\-]*"
    r"|of|the|and|&)\s){0,4})"
    r"(?P<kw>(?i:(?:community|state|junior|technical|graduate|business|medical|law|high|career"
    r"|vocational|polytechnic)\s)?(?i:university|universit[éeà]|universidade?|universit[äà]t?"
    r"|college|institute"
    r"|instituto?|institut|school|academy|polytechnic|seminary|conservatory|hochschule|[ée]cole|escuela"
    r"|faculdade|facultad|colegio))(?![A-Za-z])"
    r"(?P<post>\s(?i:of|for|at|in|de)\s(?:(?i:the)\s)?[A-Z][\w.'’&\-]*"
    r"(?:\s(?:(?i:of|for|at|and|the|in|&|de)\s){0,2}[A-Z][\w.'’&\-]*){0,4}"
    # or capitalised words up to a comma: "Imperial College London, 2012", "Universidade Candido Mendes -"
    r"|\s[A-Z][a-zà-ÿ]+(?:\s[A-Z][a-zà-ÿ]+){0,2}(?=\s{0,2}(?:[,(\-–|]|$)))?"
)
# Words before "... College" that end a field of study or a date, not start a school's name:
# "Associate : Criminal Justice Tallahassee Community College", "Present Fort Hays State University".
_NOT_INSTITUTION_WORDS = frozenset("""
accounting management administration engineering science sciences studies arts education design
nursing psychology biology marketing finance economics communication communications history english
mathematics math physics chemistry justice sociology technology health criminal development
programming literature philosophy music theatre theater journalism humanities languages law
present current expected graduated attending diploma degree certificate ged gpa minor major
concentration coursework courses enrolled completed pursuing honors cum laude year years
""".split())
# Words that do belong before "University of ...": "Technical University of Munich".
_INSTITUTION_MODIFIERS = frozenset("""
the state technical national catholic open free royal federal central international american
pontifical polytechnic agricultural medical metropolitan city new
""".split())
_INSTITUTION_TAIL_STOP = re.compile(
    r"\s(?:GPA|City|State|Graduated|Present|Current|Expected|Dean's|Cum)\b.*$"
)


# Romance-language names put the name after the keyword: "Universidade Candido Mendes".
_NAME_FIRST_KEYWORD = re.compile(
    r"(?i:universidade?|universit[éeà]|instituto|escuela|faculdade|facultad|colegio|[ée]cole)"
)


def _institution_name(m: re.Match[str]) -> tuple[int, str] | None:
    """(start offset, readable name) of an institution match, with field words in front cut off."""
    pre = m.group("pre").split()
    cut = 0
    for k, word in enumerate(pre):
        bare = word.lower().strip(".,:'’")
        if (bare in _NOT_INSTITUTION_WORDS or bare.split("-")[-1] in _NOT_INSTITUTION_WORDS
                or re.search(r"\w\w(?:ology|istry|ics|ship|ment)$", bare)):
            cut = k + 1
    pre = pre[cut:]
    if m.group("kw").isupper():  # "International Business SALEM COLLEGE": the name is the capitals
        while pre and not pre[0].isupper():
            pre = pre[1:]
    kw, post = m.group("kw"), m.group("post") or ""
    if not _NAME_FIRST_KEYWORD.fullmatch(kw) and len(post.split()) > 1 and post.lstrip()[:3].lower() not in (
        "of ", "de ", "at ", "in ", "for"
    ):
        post = ""  # "Stanford University Palo Alto", "Duke University Law School": the name ends here
    if _NAME_FIRST_KEYWORD.fullmatch(kw) or (
        kw.lower().startswith("universit") and post.lstrip().lower()[:3] in ("of ", "de ")
    ):
        keep = len(pre)
        while keep and pre[keep - 1].lower() in _INSTITUTION_MODIFIERS:
            keep -= 1
        pre = pre[keep:]
    while pre and pre[0].lower() in ("of", "at", "and", "&"):
        pre = pre[1:]
    name = " ".join([*pre, kw]) + _INSTITUTION_TAIL_STOP.sub("", post)
    name = re.sub(r"^the\s", "", name.strip(_EDGE), flags=re.IGNORECASE)
    if len(name.split()) < 2 or re.fullmatch(r"(?i)(?:high\s)?school", name):
        return None
    start = m.start("kw") - sum(len(w) + 1 for w in pre)
    return start, _readable_case(name)


_FIELD_STOP = re.compile(
    r"\s[-–—]\s|[,;(|]|\b\d|\bGPA\b|\bCity\b|\bfrom\b|\bat\b|\bMinor\b"
    r"|\bwith\b|\bexpected\b|\bgraduat"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s(?:19|20)"
    r"|\b(?:spring|summer|fall|autumn|winter)\b|\bcurrently\b|\bdean'?s\b|\b(?:magna|summa|cum)\b"
    r"|\bwith\s(?:honou?rs|distinction)|\bhonou?rs\b",
    re.IGNORECASE,
)
_FIELD_LEAD = re.compile(
    r"^\s{0,3}(?:\([A-Za-z. ]{1,12}\)\s{0,3})?(?:(?:(?:in|of)(?![A-Za-z])|[:,\-–—])\s{0,3}){1,3}",
    re.IGNORECASE,
)
_GENERIC_OF = frozenset({
    "science", "sciences", "arts", "applied science", "fine arts", "engineering", "technology",
    "business administration", "public administration", "education", "laws", "law", "commerce",
    "music", "social work", "nursing", "architecture", "computer applications", "divinity",
    "philosophy", "medicine", "pharmacy", "liberal arts", "professional studies", "general studies",
    "public health", "applied sciences", "science in nursing",
})


_GENERIC_OF_LEAD = re.compile(
    r"^(?:of\s{1,2})?(?:applied\s|fine\s|liberal\s)?(?:science|sciences|arts)\s{1,2}(?:in|:|,)\s{0,3}",
    re.IGNORECASE,
)
_NOT_FIELDS = frozenset({
    "candidate", "student", "program", "programme", "degree", "coursework", "courses", "expected",
    "pending", "completed", "graduate", "graduated", "currently", "honors", "honours", "program:",
})


def _normalise_long_degree(m: re.Match[str]) -> tuple[str, str | None]:
    """(readable degree, field) from "Bachelor of Science", "Masters", "Associate's Degree"..."""
    level = m.group("level").lower()
    level = "doctor" if level.startswith("doctor") else level
    subject = m.group("of")
    if subject:
        subject_key = subject.lower()
        subject_name = " ".join(w if w.isupper() and len(w) <= 3 else w.capitalize() for w in subject.split())
        if level == "doctor" and subject_key == "philosophy":
            return "PhD", None
        degree = f"{level.capitalize()} of {subject_name}"
        return degree, None if subject_key in _GENERIC_OF else subject_name
    readable = {"bachelor": "Bachelor's degree", "master": "Master's degree",
                "associate": "Associate degree", "doctor": "Doctorate"}
    return readable[level], None


def _prose(line: str) -> bool:
    """True for a sentence: most longer words start in lower case."""
    longer = [w for w in _words(line) if len(w) > 3]
    return bool(longer) and sum(w[0].islower() for w in longer) > len(longer) / 2


def _find_degree(line: str) -> tuple[int, int, str, str | None] | None:
    """(span start, span end, degree, field from the degree's own name) of the first degree."""
    found: list[tuple[int, int, str, str | None]] = []
    if m := _DEGREE_LONG.search(line):
        level_only = not m.group("of") and m.group(0).lower().rstrip("s'’ ") in ("associate", "doctor")
        # "Associate" alone is a job title ("Sales Associate"); it needs "of"/"degree"/"'s"
        if not level_only or re.search(r"degree|'s|’s", m.group(0), re.IGNORECASE):
            found.append((m.start(), m.end(), *_normalise_long_degree(m)))
    if m := _DEGREE_ABBR.search(line):
        key = re.sub(r"[\s.]", "", m.group("abbr")).upper()
        if key in _ABBREVIATIONS:
            found.append((m.start(), m.end(), _ABBREVIATIONS[key], None))
    if m := _DIPLOMA.search(line):
        degree = "High School Diploma" if m.group("hs") else m.group("dip").strip().capitalize()
        found.append((m.start(), m.end(), degree, None))
    if not found:
        return None
    found.sort(key=lambda d: (d[0], -(d[1] - d[0])))
    first = found[0]
    if first[2] == "Diploma":  # "Bachelor's Diploma", "Diploma : MBA": the degree says more
        better = [d for d in found[1:] if d[2] != "Diploma"]
        if better:
            return better[0]
    return first


def _find_institution(line: str, skip: tuple[int, int] | None = None) -> tuple[int, str] | None:
    """(start, name) of the first school, college or university named in a line."""
    masked = line if skip is None else line[: skip[0]] + " " * (skip[1] - skip[0]) + line[skip[1] :]
    for m in _INSTITUTION.finditer(masked):
        found = _institution_name(m)
        if found is not None:
            return found
    return None


def _without_repeat(words: list[str]) -> list[str]:
    """"Accounting Finance Accounting Finance" -> "Accounting Finance" (livecareer repeats fields)."""
    for k in range(1, len(words)):
        if words[k:] == words[: len(words) - k] or (
            len(words) - k >= 2 and words[k : k + 2] == words[:2]
        ):
            return words[:k]
    return words


def _field_after(line: str, degree_end: int, institution_at: int | None, *, need_lead: bool) -> str | None:
    """The field of study written after a degree: "in Computer Science", ": History", ", Law"."""
    rest = line[degree_end : institution_at if institution_at and institution_at > degree_end else None]
    lead = _FIELD_LEAD.match(rest)
    if lead:
        rest = rest[lead.end() :]
    elif need_lead or rest[:1].isalpha():
        return None  # "High School Diploma Springfield", "MBA2012": no field written
    rest = _GENERIC_OF_LEAD.sub("", rest)  # "B.A. of Arts in History"
    colon = rest.rfind(":", 0, 60)  # "Business Administration degree : Computer Science", "DP : Science"
    if colon >= 0:
        rest = rest[colon + 1 :]
    stop = _FIELD_STOP.search(rest)
    words = _without_repeat(rest[: stop.start() if stop else None].split())
    if words and words[0].lower() in _NOT_FIELDS:
        return None
    field = " ".join(words).strip(_EDGE)
    if not field or len(words) > 8 or not re.match(r"[A-Za-z]", field):
        return None
    nested = _DEGREE_LONG.match(field)  # "Master of Science : Master of Information Systems"
    if nested and nested.group("of") and nested.end() < len(field):
        field = field[nested.start("of") :]
    elif nested or _find_degree(field) or _INSTITUTION.search(field):
        return None
    return _readable_case(field)


def _year_in(line: str, today: date) -> int | None:
    years = [int(y) for y in _ANY_YEAR.findall(line) if _MIN_YEAR <= int(y) <= today.year + 6]
    return years[-1] if years else None


def _only_date(line: str) -> bool:
    return bool(line) and len(line) <= 30 and _ANY_YEAR.search(line) is not None and not re.search(
        r"[A-Za-z]{3,}", re.sub(_MONTH_NAME + r"|\b(?:to|present|current|expected)\b", "", line, flags=re.I)
    )


def _extract_education(text: str, sections: Sequence[Section], today: date) -> list[Education]:
    own = _section_text(text, sections, ["education"])
    lines = _lines(own if own.strip() else text)
    in_section = bool(own.strip())
    degrees = {i: d for i, line in enumerate(lines) if line and (d := _find_degree(line))}
    entries: list[Education] = []
    used: set[int] = set()
    for i, (lo, hi, degree, field) in degrees.items():
        line = lines[i]
        evidence = [line]
        school_is_degree = degree in ("High School Diploma", "GED")  # "Baldwin High School": no field
        same_line = _find_institution(line, None if school_is_degree else (lo, hi))
        institution = same_line[1] if same_line else None
        if same_line is None:  # the school on the line above or below: "University of Kansas\nBA"
            for j in (i - 1, i + 1):
                if 0 <= j < len(lines) and j not in degrees and (found := _find_institution(lines[j])):
                    institution = found[1]
                    used.add(j)
                    evidence.insert(0 if j < i else 1, lines[j])
                    break
        if not school_is_degree:
            institution_at = same_line[0] if same_line else None
            field = field or _field_after(line, hi, institution_at, need_lead=degree == "Diploma")
        if field and institution and institution.lower().endswith(" " + field.lower()):
            institution = institution[: -len(field) - 1]  # "University of Houston MIS" repeats the field
        year = _year_in(line, today)
        if year is None:  # "May 2017\nMaster's : ..." puts the year on a line of its own
            year = next((_year_in(lines[j], today) for j in (i - 1, i + 1)
                         if 0 <= j < len(lines) and _only_date(lines[j])), None)
        used.add(i)
        entries.append(Education(degree, field, institution, year, "\n".join(evidence)[:_MAX_EVIDENCE]))
    if in_section:  # schools listed without a degree: "Norwich Free Academy, 2010"
        for i, line in enumerate(lines):
            if i in used or not line or heading_name(line):
                continue
            found = _find_institution(line) if len(line) <= 160 and not line.endswith(".") else None
            if found and not _prose(line):
                year = _year_in(line, today)
                if year is None and i and _only_date(lines[i - 1]):
                    year = _year_in(lines[i - 1], today)
                entries.append(Education(None, None, found[1], year, line[:_MAX_EVIDENCE]))
    unique: dict[tuple[str | None, str | None], Education] = {}
    for e in entries:  # the same degree written twice (livecareer repeats it in prose): merged
        key = (e.degree, (e.field or "").lower() or None) if e.degree else (None, e.institution)
        if key in unique:
            first = unique[key]
            unique[key] = Education(first.degree, first.field, first.institution or e.institution,
                                    first.year or e.year, first.evidence)
        else:
            unique[key] = e
    return list(unique.values())


# --------------------------------------------------------------------------------------------
# The profile
# --------------------------------------------------------------------------------------------


def _empty_profile() -> Profile:
    return Profile(None, None, None, None, (), (), (), None, None)


def extract_profile(text: str, *, today: date | None = None) -> Profile:
    """Extract a candidate :class:`Profile` from CV text.

    Args:
        text: the CV's text (any length, any content; non-text input gives an empty profile).
        today: the date "present" / "current" stands for; defaults to ``date.today()``.

    Returns:
        The profile. Fields that cannot be found are None (or empty tuples); ``total_years``
        is None when no dated role was found.
    """
    if not isinstance(text, str) or not text.strip():
        return _empty_profile()
    today = today or date.today()
    text = _clean_text(text)
    sections = find_sections(text)
    header = _header_lines(text, sections)
    top = text[:_HEADER_CHARS]
    email = _find_email(top) or _find_email(text)
    contact_section = _section_text(text, sections, ["contact"])
    phone = _find_phone("\n".join(header)) or _find_phone(top) or _find_phone(contact_section[:_HEADER_CHARS])
    name = _find_name(header, contact_nearby=bool(email or phone))
    roles = _find_roles(text, sections, today)
    current = _current_role(roles)
    current_title = current.title if current and current.title else _find_headline(header, name)
    return Profile(
        name=name,
        email=email,
        phone=phone,
        location=_find_location(header) or _find_location(_lines(contact_section)[:20]),
        links=_find_links(text, [s for s in sections if s.name == "contact"]),
        education=tuple(_extract_education(text, sections, today)),
        roles=tuple(roles),
        total_years=_total_years(roles, today),
        current_title=current_title,
    )

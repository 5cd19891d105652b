"""Weak fit labels from the O*NET occupation taxonomy.

No large labelled JD–CV fit set is reachable, so training pairs are labelled by how the CV's
occupation relates to the posting's occupation (see ``models/DATA_CARD.md``):

* same O*NET-SOC code, or the same 6-digit SOC detailed occupation (except in SOC's residual
  "All Other" groups, see :func:`occupation_key`) → Good Fit (1.0);
* related in O*NET's ``Related Occupations.txt`` (Primary-Short / Primary-Long tiers), or the same
  SOC broad group (``XX-XXX0``) → Potential Fit (0.5);
* anything else → No Fit (0.0). A No Fit pair whose two occupations still share the SOC minor or
  major group is a *hard negative* (same family, different occupation).

CV categories are mapped to O*NET codes by a reviewed table (``models/data/cv_category_onet.csv``);
posting titles by :class:`TitleMapper`: exact match of the normalised title against O*NET titles,
alternate titles and reported titles first, then embedding similarity with a floor below which
the posting is left unmapped.

Example:
    >>> tax = OnetTaxonomy.load(Path("../shared/data/occupations/onet_db_30_1_text"))  # doctest: +SKIP
    >>> relate(("15-1252.00",), ("15-1253.00",), tax.related).label  # doctest: +SKIP
    0.5
"""

from __future__ import annotations

import csv
import hashlib
import logging
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Protocol

import numpy as np
from tqdm import tqdm

logger = logging.getLogger(__name__)

NO_FIT, POTENTIAL_FIT, GOOD_FIT = 0.0, 0.5, 1.0
LABEL_NAMES = {NO_FIT: "No Fit", POTENTIAL_FIT: "Potential Fit", GOOD_FIT: "Good Fit"}
NAME_TO_LABEL = {name: value for value, name in LABEL_NAMES.items()}

CATEGORY_TABLE = Path(__file__).resolve().parent / "data" / "cv_category_onet.csv"
ONET_SUBDIR = Path("occupations") / "onet_db_30_1_text"
PRIMARY_TIERS = frozenset({"Primary-Short", "Primary-Long"})
CODE_PATTERN = re.compile(r"^\d{2}-\d{4}\.\d{2}$")

# MiniLM cosine between a posting title and its nearest O*NET title. Chosen by reading the
# matches around the cut (see models/data/README.md): above it the nearest title names the same
# job in other words, below it the match is mostly on a shared generic word ("Manager").
DEFAULT_SIMILARITY_FLOOR = 0.60
# Cosine between the posting's text and the chosen occupation's title + description: below it
# the title match is on a word the posting uses differently ("SAP" developer → "Sap Gatherers").
DEFAULT_CONTEXT_FLOOR = 0.20


# --------------------------------------------------------------------------------------------
# SOC hierarchy and label rules
# --------------------------------------------------------------------------------------------


def soc_detailed(code: str) -> str:
    """The 6-digit SOC detailed occupation of an O*NET-SOC code (``15-1252.00`` → ``15-1252``)."""
    return code[:7]


def occupation_key(code: str) -> str:
    """What counts as "the same occupation": the SOC detailed code, except in residual groups.

    O*NET's specialisations of an ordinary detailed occupation are kinds of it (``11-3031.01``
    Controllers are Financial Managers), so they share the 6-digit key. A detailed code ending in
    9 is SOC's residual "All Other" group, whose specialisations are unrelated jobs
    (``15-1299.07`` Blockchain Engineers, ``15-1299.09`` IT Project Managers): there the full code
    is the key, so a relation of one of them does not spread to its siblings.
    """
    return code if code[6:7] == "9" else code[:7]


def soc_broad(code: str) -> str:
    """The SOC broad group (``15-1252.00`` → ``15-1250``)."""
    return code[:6] + "0"


def soc_minor(code: str) -> str:
    """The SOC minor group (``13-1161.00`` → ``13-1000``).

    The minor group is set by the first digit after the hyphen: ``13-1011`` and ``13-1161`` are
    both Business Operations Specialists. (SOC 2018 names two minor groups ``15-1200`` and
    ``31-1100``, but every code under ``15-1`` / ``31-1`` belongs to them, so grouping is the same.)
    """
    return code[:4] + "000"


def soc_major(code: str) -> str:
    """The SOC major group (``15-1252.00`` → ``15-0000``)."""
    return code[:2] + "-0000"


class Relation(Enum):
    """How two occupations relate, strongest first; each maps to a weak label."""

    SAME = "same occupation"
    RELATED = "related occupation"
    SAME_BROAD = "same SOC broad group"
    SAME_MINOR = "same SOC minor group, unrelated occupation"
    SAME_MAJOR = "same SOC major group, unrelated occupation"
    UNRELATED = "unrelated"

    @property
    def label(self) -> float:
        return _LABEL_OF[self]

    @property
    def is_hard_negative(self) -> bool:
        """A No Fit pair from the same occupational family: what the model most easily gets wrong."""
        return self in (Relation.SAME_MINOR, Relation.SAME_MAJOR)

    @property
    def strength(self) -> int:
        return _STRENGTH[self]


_LABEL_OF = {
    Relation.SAME: GOOD_FIT,
    Relation.RELATED: POTENTIAL_FIT,
    Relation.SAME_BROAD: POTENTIAL_FIT,
    Relation.SAME_MINOR: NO_FIT,
    Relation.SAME_MAJOR: NO_FIT,
    Relation.UNRELATED: NO_FIT,
}
_STRENGTH = {rel: len(Relation) - i for i, rel in enumerate(Relation)}


def relate_codes(a: str, b: str, related: Mapping[str, frozenset[str]]) -> Relation:
    """Relation of two O*NET-SOC codes.

    ``related`` maps an :func:`occupation_key` to the keys O*NET calls related (made symmetric by
    :meth:`OnetTaxonomy.load`); comparing keys lets specialisations (``11-3031.01`` Controllers)
    inherit the relations of their parent (``11-3031.00``).
    """
    da, db = occupation_key(a), occupation_key(b)
    if da == db:
        return Relation.SAME
    if db in related.get(da, ()) or da in related.get(db, ()):
        return Relation.RELATED
    if soc_broad(a) == soc_broad(b):
        return Relation.SAME_BROAD
    if soc_minor(a) == soc_minor(b):
        return Relation.SAME_MINOR
    if soc_major(a) == soc_major(b):
        return Relation.SAME_MAJOR
    return Relation.UNRELATED


def relate(
    cv_codes: Iterable[str], jd_codes: Iterable[str], related: Mapping[str, frozenset[str]]
) -> Relation:
    """Strongest relation between any CV code and any JD code (a coarse category lists several)."""
    best = Relation.UNRELATED
    jd_list = list(jd_codes)
    for a in cv_codes:
        for b in jd_list:
            rel = relate_codes(a, b, related)
            if rel.strength > best.strength:
                best = rel
    return best


# --------------------------------------------------------------------------------------------
# O*NET tables
# --------------------------------------------------------------------------------------------


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


@dataclass
class OnetTaxonomy:
    """The parts of O*NET the weak labeller needs, keyed by O*NET-SOC code."""

    titles: dict[str, str]
    descriptions: dict[str, str] = field(default_factory=dict)
    alternate_titles: dict[str, list[str]] = field(default_factory=dict)
    reported_titles: dict[str, list[str]] = field(default_factory=dict)
    related: dict[str, frozenset[str]] = field(default_factory=dict)
    tasks: dict[str, list[str]] = field(default_factory=dict)
    technology: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, onet_dir: Path) -> OnetTaxonomy:
        """Read the O*NET text release (``occupations/onet_db_30_1_text``)."""
        occ = _read_tsv(onet_dir / "Occupation Data.txt")
        titles = {r["O*NET-SOC Code"]: r["Title"] for r in occ}
        descriptions = {r["O*NET-SOC Code"]: r["Description"] for r in occ}
        alternate: dict[str, list[str]] = defaultdict(list)
        for r in _read_tsv(onet_dir / "Alternate Titles.txt"):
            alternate[r["O*NET-SOC Code"]].append(r["Alternate Title"])
            if r.get("Short Title") and r["Short Title"] != "n/a":
                alternate[r["O*NET-SOC Code"]].append(r["Short Title"])
        reported: dict[str, list[str]] = defaultdict(list)
        reported_path = onet_dir / "Sample of Reported Titles.txt"
        if reported_path.is_file():
            for r in _read_tsv(reported_path):
                reported[r["O*NET-SOC Code"]].append(r["Reported Job Title"])
        related_sets: dict[str, set[str]] = defaultdict(set)
        for r in _read_tsv(onet_dir / "Related Occupations.txt"):
            if r["Relatedness Tier"] not in PRIMARY_TIERS:
                continue  # the Supplemental tier reaches too far to call a candidate a Potential Fit
            a, b = occupation_key(r["O*NET-SOC Code"]), occupation_key(r["Related O*NET-SOC Code"])
            if a != b:
                related_sets[a].add(b)
                related_sets[b].add(a)  # symmetric: a CV→JD relation should not depend on direction
        tasks: dict[str, list[str]] = defaultdict(list)
        task_path = onet_dir / "Task Statements.txt"
        if task_path.is_file():
            rows = _read_tsv(task_path)
            # Core tasks first (they define the job); file order within a type is O*NET's own.
            for r in sorted(rows, key=lambda r: (r["Task Type"] != "Core")):
                tasks[r["O*NET-SOC Code"]].append(r["Task"])
        technology: dict[str, list[str]] = defaultdict(list)
        tech_path = onet_dir / "Technology Skills.txt"
        if tech_path.is_file():
            rows = _read_tsv(tech_path)
            # Hot / in-demand technologies first: they are what postings actually name.
            rank = {("Y", "Y"): 0, ("Y", "N"): 1, ("N", "Y"): 2}
            for r in sorted(rows, key=lambda r: rank.get((r["Hot Technology"], r["In Demand"]), 3)):
                if r["Example"] not in technology[r["O*NET-SOC Code"]]:
                    technology[r["O*NET-SOC Code"]].append(r["Example"])
        logger.info("O*NET: %d occupations, %d with related occupations", len(titles), len(related_sets))
        return cls(
            titles=titles,
            descriptions=descriptions,
            alternate_titles=dict(alternate),
            reported_titles=dict(reported),
            related={k: frozenset(v) for k, v in related_sets.items()},
            tasks=dict(tasks),
            technology=dict(technology),
        )

    def profile_text(self, code: str, *, n_tasks: int = 8, n_technology: int = 12) -> str:
        """An "occupation profile" job description: title, description, top tasks, technologies."""
        parts = [self.titles[code], self.descriptions.get(code, "")]
        tasks = self.tasks.get(code, [])[:n_tasks]
        if tasks:
            parts.append("Tasks:\n" + "\n".join(f"- {t}" for t in tasks))
        tech = self.technology.get(code, [])[:n_technology]
        if tech:
            parts.append("Technology skills: " + ", ".join(tech) + ".")
        return "\n".join(p for p in parts if p)


# --------------------------------------------------------------------------------------------
# The reviewed CV-category table
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryMapping:
    """One row of ``cv_category_onet.csv``."""

    dataset: str
    category: str
    codes: tuple[str, ...]
    note: str


def load_category_table(path: Path = CATEGORY_TABLE) -> dict[tuple[str, str], CategoryMapping]:
    """The reviewed CV category → O*NET codes table, keyed by (dataset, category)."""
    table: dict[tuple[str, str], CategoryMapping] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            codes = tuple(c.strip() for c in row["onet_codes"].split("|") if c.strip())
            bad = [c for c in codes if not CODE_PATTERN.match(c)]
            key = (row["dataset"], row["category"])
            if not codes or bad:
                raise ValueError(f"{path}: {key[0]}/{key[1]} has invalid O*NET codes {bad or codes}")
            table[key] = CategoryMapping(key[0], key[1], codes, row["note"])
    return table


# --------------------------------------------------------------------------------------------
# Title normalisation and mapping
# --------------------------------------------------------------------------------------------

# Words that say how senior, how long or where, not what the job is: dropped before matching so
# "Sr. Staff Accountant II (Remote)" finds "Accountant". Seniority is knowingly ignored.
_NOISE_WORDS = frozenset(
    """senior sr snr junior jr lead principal staff entry level mid i ii iii iv v vi
    intern interns internship summer fall spring winter mba bold new grad graduate
    remote hybrid onsite on site temporary temp contract contractor part full time ft pt
    per diem seasonal urgent hiring immediate immediately needed wanted opening""".split()
)
_ABBREVIATIONS = {
    "mgr": "manager",
    "mngr": "manager",
    "engr": "engineer",
    "eng": "engineer",
    "asst": "assistant",
    "assoc": "associate",
    "admin": "administrative",
    "rep": "representative",
    "reps": "representatives",
    "dev": "developer",
    "coord": "coordinator",
    "dir": "director",
    "exec": "executive",
    "acct": "accountant",
    "spec": "specialist",
    "svc": "service",
    "hr": "human resources",
    "qa": "quality assurance",
    "vp": "vice president",
    "rn": "registered nurse",
    "lpn": "licensed practical nurse",
    "cna": "certified nursing assistant",
    "cdl": "commercial driver",
    "it": "information technology",
}
_SEPARATORS = re.compile(r"\s[-–—|:]\s|[,;|/–—]|\s-|-\s|\(|\)|\[|\]")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_WORD = re.compile(r"[^a-z0-9+#. ]+")


def _singular(word: str) -> str:
    # Crude but symmetric (applied to both sides), which is all exact matching needs:
    # O*NET occupation titles are plural ("Accountants"), postings singular.
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normalize_title(title: str) -> str:
    """Canonical form of a job title for exact matching (lower case, no seniority, singular).

    >>> normalize_title("Sr. HR Generalist II (Remote)")
    'human resource generalist'
    """
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    text = _PARENS.sub(" ", text)
    text = text.replace("&", " and ").replace("/", " ")
    text = _NON_WORD.sub(" ", text)
    words: list[str] = []
    for raw in text.split():
        word = raw.strip(".")
        if not word or word in _NOISE_WORDS or re.fullmatch(r"(19|20)\d\d|\d", word):
            continue
        for part in _ABBREVIATIONS.get(word, word).split():
            words.append(_singular(part))
    return " ".join(words)


def title_candidates(title: str) -> list[tuple[str, bool]]:
    """Normalised forms to try for exact matching, best first, each with "is it the whole title".

    Postings pack location, team and seniority around the role ("Field Sales Representative,
    Google Cloud"; "Mortgage Loan Officer - Texas/Remote"), so each separator-delimited part is
    tried too, in order, after the whole title.
    """
    seen: list[tuple[str, bool]] = []
    whole = [title, _PARENS.sub(" ", title)]
    parts = [*_SEPARATORS.split(title), *(m.group(0)[1:-1] for m in _PARENS.finditer(title))]
    for forms, is_whole in ((whole, True), (parts, False)):
        for form in forms:
            norm = normalize_title(form or "")
            if norm and norm not in (n for n, _ in seen):
                seen.append((norm, is_whole))
    return seen


# One-word titles that name a kind of role, not an occupation: "Designer" may be graphic,
# interior or fashion, "Director" anything. As the whole title they are resolved by the posting's
# text among every occupation with a title ending in that word; as a mere part of a longer title
# ("Director, Finance Business Systems") they are not matched at all.
GENERIC_ROLE_WORDS = frozenset(
    """manager director designer developer engineer analyst specialist consultant coordinator
    assistant associate representative executive officer administrator supervisor technician
    partner advisor adviser agent clerk worker operator instructor teacher coach head member
    professional strategist planner producer writer programmer scientist lead""".split()
)


def clean_title_for_embedding(title: str) -> str:
    """The title as natural text for the encoder: no bracketed parts, noise words or shouting."""
    text = _PARENS.sub(" ", title)
    words = [w for w in re.split(r"\s+", text) if w and w.lower().strip(".!,") not in _NOISE_WORDS]
    cleaned = " ".join(words).strip(" -–|,:!")
    return cleaned.title() if cleaned.isupper() else cleaned


class TextEncoderLike(Protocol):
    """What the mapper needs from an encoder: unit vectors for short texts."""

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class TitleMatch:
    """Where a posting title landed in O*NET."""

    code: str | None
    method: str  # "exact" | "embedding" | "unmapped"
    similarity: float  # 1.0 for exact; cosine of posting title and the matched O*NET title otherwise
    matched_title: str = ""
    context_similarity: float | None = None  # cosine of posting text and the occupation's profile

    @property
    def mapped(self) -> bool:
        return self.code is not None


_SOURCE_RANK = {"title": 0, "alternate": 1, "reported": 2}
# Nearest O*NET titles considered per posting title; the posting's text re-ranks them.
_NEIGHBOURS = 20
# Weight of the posting-text evidence next to the title evidence when re-ranking neighbours:
# enough to pick "Web Developers" over "Merchandise Displayers" for "Salesforce Vlocity
# Developer", too little to overrule a clearly closer title.
_CONTEXT_WEIGHT = 0.5
# Weight of log(1 + number of the occupation's titles ending in a generic role word).
_HEAD_PRIOR = 0.05


@dataclass
class TitleMapper:
    """Maps free-text job titles to O*NET-SOC codes.

    1. **Exact**: :func:`normalize_title` of the title (or of one of its parts, see
       :func:`title_candidates`) equals a normalised O*NET occupation title, alternate title or
       sample reported title.
    2. **Embedding** (only with an encoder): the 20 nearest O*NET titles by cosine are re-ranked
       by ``title cosine + 0.5 × cosine(posting text, occupation profile)``; the winner is kept
       only if its title cosine reaches ``similarity_floor`` and (when the posting text is known)
       its profile cosine reaches ``context_floor``; otherwise the posting stays unmapped.

    A title listed under several codes ("Business Development Manager" is under Sales, Marketing
    and other managers) is resolved by the posting's own text when an encoder and a context are
    given, else by a fixed rule: official title first, then the code that lists it most often,
    then ``.00`` codes, then the lowest code.
    """

    taxonomy: OnetTaxonomy
    encoder: TextEncoderLike | None = None
    similarity_floor: float = DEFAULT_SIMILARITY_FLOOR
    context_floor: float = DEFAULT_CONTEXT_FLOOR
    cache_dir: Path | None = None
    _exact: dict[str, dict[str, int]] = field(init=False, repr=False)
    _listed: dict[str, dict[str, int]] = field(init=False, repr=False)
    _display: dict[str, str] = field(init=False, repr=False)
    _by_head: dict[str, dict[str, int]] = field(init=False, repr=False)
    _index_titles: list[str] = field(init=False, repr=False)
    _index_codes: list[tuple[str, ...]] = field(init=False, repr=False)
    _index_vectors: np.ndarray | None = field(init=False, default=None, repr=False)
    _profile_codes: list[str] = field(init=False, repr=False)
    _profile_vectors: np.ndarray | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        exact: dict[str, dict[str, int]] = defaultdict(dict)  # normalised title → {code: best source rank}
        listed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))  # … → {code: times listed}
        display: dict[str, str] = {}
        sources: list[tuple[str, Mapping[str, list[str]]]] = [
            ("title", {c: [t] for c, t in self.taxonomy.titles.items()}),
            ("alternate", self.taxonomy.alternate_titles),
            ("reported", self.taxonomy.reported_titles),
        ]
        for source, per_code in sources:
            for code, titles in sorted(per_code.items()):
                if code not in self.taxonomy.titles:
                    continue
                for title in titles:
                    norm = normalize_title(title)
                    if not norm:
                        continue
                    rank = _SOURCE_RANK[source]
                    exact[norm][code] = min(rank, exact[norm].get(code, rank))
                    listed[norm][code] += 1
                    display.setdefault(norm, " ".join(_PARENS.sub(" ", title).split()) or title)
        self._exact = dict(exact)
        self._listed = {k: dict(v) for k, v in listed.items()}
        self._display = display
        # One embedding-index entry per distinct normalised title (≈ 47k), shown to the encoder
        # in its natural wording; sorted so the index (and its cache key) never depends on dict order.
        self._index_titles = sorted(display, key=lambda n: (display[n], n))
        self._index_codes = [tuple(self._rule_order(n, self._exact[n])) for n in self._index_titles]
        self._profile_codes = sorted(self.taxonomy.titles)
        by_head: dict[str, Counter[str]] = defaultdict(Counter)
        for norm, codes in self._exact.items():
            head = norm.rsplit(" ", 1)[-1]
            if head in GENERIC_ROLE_WORDS:
                by_head[head].update(codes)
        self._by_head = {w: dict(c) for w, c in by_head.items()}

    # ---------------------------------------------------------------- exact

    def _rule_order(self, norm: str, codes: Iterable[str]) -> list[str]:
        ranks = self._exact.get(norm, {})
        listed = self._listed.get(norm, {})
        return sorted(codes, key=lambda c: (ranks.get(c, 9), -listed.get(c, 0), not c.endswith(".00"), c))

    def exact_candidates(self, title: str) -> tuple[str, list[str], bool] | None:
        """The first exact hit: (normalised title, candidate codes best first, is it generic).

        Only candidates of the best source rank are returned (an official O*NET title beats an
        alternate title, which beats a reported one). For a generic one-word title (see
        :data:`GENERIC_ROLE_WORDS`) the candidates are every occupation with a title ending in
        that word, for the posting's text to choose from.
        """
        for norm, is_whole in title_candidates(title):
            generic = " " not in norm and norm in GENERIC_ROLE_WORDS
            if generic and not is_whole:
                continue
            if generic:
                return norm, self._rule_order(norm, self._by_head.get(norm, self._exact.get(norm, {}))), True
            if norm in self._exact:
                ranked = self._rule_order(norm, self._exact[norm])
                best = self._exact[norm][ranked[0]]
                return norm, [c for c in ranked if self._exact[norm][c] == best], False
        return None

    # ---------------------------------------------------------------- vectors

    def _encode(self, texts: Sequence[str], *, what: str) -> np.ndarray:
        assert self.encoder is not None
        return encode_cached(self.encoder, texts, desc=f"encoding {what}", cache_dir=self.cache_dir, tag=what)

    def _title_vectors(self) -> np.ndarray:
        if self._index_vectors is None:
            texts = [self._display[n] for n in self._index_titles]
            self._index_vectors = self._encode(texts, what="onet-titles")
        return self._index_vectors

    def _profiles(self) -> np.ndarray:
        if self._profile_vectors is None:
            tax = self.taxonomy
            texts = [f"{tax.titles[c]}. {tax.descriptions.get(c, '')}" for c in self._profile_codes]
            self._profile_vectors = self._encode(texts, what="onet-profiles")
        return self._profile_vectors

    def _profile_similarity(self, context: np.ndarray, codes: Sequence[str]) -> np.ndarray:
        rows = [self._profile_codes.index(c) for c in codes]
        return self._profiles()[rows] @ context

    # ---------------------------------------------------------------- mapping

    def map_titles(self, titles: Sequence[str], contexts: Sequence[str] | None = None) -> list[TitleMatch]:
        """Map many titles at once (encoder calls are batched).

        Args:
            titles: the posting titles.
            contexts: optional posting texts (same order), used to break title ties and re-rank
                embedding neighbours; only those needed are encoded.
        """
        titles = [t if isinstance(t, str) else "" for t in titles]
        exact_hits: dict[int, tuple[str, list[str], bool]] = {}
        for i, title in enumerate(titles):
            hit = self.exact_candidates(title)
            if hit is not None:
                exact_hits[i] = hit
        pending = [i for i in range(len(titles)) if i not in exact_hits]
        use_encoder = self.encoder is not None

        neighbours: dict[int, list[tuple[float, int]]] = {}
        if use_encoder and pending:
            index = self._title_vectors()
            # Query with the whole cleaned title and with its first part ("Partner Sales Engineer,
            # Google Cloud" → "Partner Sales Engineer"); a neighbour keeps its better cosine.
            queries: list[tuple[int, str]] = []
            for i in pending:
                parts = [p for p in _SEPARATORS.split(titles[i]) if p and p.strip()]
                forms = {clean_title_for_embedding(titles[i])}
                if parts:
                    forms.add(clean_title_for_embedding(parts[0]))
                queries += [(i, f) for f in sorted(forms) if f]
            vectors = self._encode([q for _, q in queries], what="posting-titles")
            best: dict[int, np.ndarray] = {}
            for (i, _), vec in zip(queries, vectors, strict=True):
                sims = index @ vec
                best[i] = sims if i not in best else np.maximum(best[i], sims)
            for i, sims in best.items():
                top = np.argsort(-sims, kind="stable")[:_NEIGHBOURS]
                neighbours[i] = [(float(sims[j]), int(j)) for j in top]

        context_vectors: dict[int, np.ndarray] = {}
        if use_encoder and contexts is not None:
            need = sorted({i for i, (_, c, _) in exact_hits.items() if len(c) > 1} | set(neighbours))
            if need:
                vecs = self._encode([contexts[i] or titles[i] for i in need], what="posting-texts")
                context_vectors = dict(zip(need, vecs, strict=True))

        results: list[TitleMatch] = []
        for i in range(len(titles)):
            ctx = context_vectors.get(i)
            if i in exact_hits:
                norm, cands, generic = exact_hits[i]
                code, ctx_sim = cands[0], None
                if ctx is not None:
                    sims = self._profile_similarity(ctx, cands)
                    score = sims
                    if generic:
                        # Prior: how typical the role word is of the occupation (Software Developers
                        # list dozens of "... Developer" titles, Training Specialists two).
                        counts = self._by_head.get(norm, {})
                        score = sims + _HEAD_PRIOR * np.log1p([counts.get(c, 0) for c in cands])
                    k = int(np.argmax(score))  # first maximum: keeps the rule order on exact ties
                    code, ctx_sim = cands[k], round(float(sims[k]), 4)
                shown = self._display.get(norm, norm)
                if generic:
                    shown = f"any '{norm}', chosen by the posting's text"
                results.append(TitleMatch(code, "exact", 1.0, shown, ctx_sim))
            elif i in neighbours:
                results.append(self._pick_neighbour(neighbours[i], ctx))
            else:
                results.append(TitleMatch(None, "unmapped", 0.0))
        return results

    def _pick_neighbour(self, near: list[tuple[float, int]], ctx: np.ndarray | None) -> TitleMatch:
        """Best (title cosine + weighted profile cosine) among the nearest titles; floors apply."""
        best: tuple[float, float, float | None, str, int] | None = None
        for sim, j in near:
            codes = list(self._index_codes[j])
            ctx_sims = self._profile_similarity(ctx, codes) if ctx is not None else [None] * len(codes)
            for code, cs in zip(codes, ctx_sims, strict=True):
                score = sim + (_CONTEXT_WEIGHT * float(cs) if cs is not None else 0.0)
                if best is None or score > best[0] + 1e-9:
                    best = (score, sim, None if cs is None else float(cs), code, j)
        assert best is not None
        _, sim, ctx_sim, code, j = best
        shown = self._display[self._index_titles[j]]
        ok = sim >= self.similarity_floor and (ctx_sim is None or ctx_sim >= self.context_floor)
        ctx_rounded = None if ctx_sim is None else round(ctx_sim, 4)
        if ok:
            return TitleMatch(code, "embedding", round(sim, 4), shown, ctx_rounded)
        shown = f"{shown} [{self.taxonomy.titles[code]}]"
        return TitleMatch(None, "unmapped", round(sim, 4), shown, ctx_rounded)

    def map_title(self, title: str, context: str | None = None) -> TitleMatch:
        """Map one title (see :meth:`map_titles`)."""
        return self.map_titles([title], None if context is None else [context])[0]


def encode_in_batches(
    encoder: TextEncoderLike, texts: Sequence[str], *, desc: str, batch: int = 256
) -> np.ndarray:
    """Encode with a progress bar; the encoder batches internally, this only reports progress."""
    parts = [
        np.asarray(encoder.encode_texts(list(texts[b : b + batch])), dtype=np.float32)
        for b in tqdm(range(0, len(texts), batch), desc=desc, leave=False, unit="batch")
    ]
    return np.concatenate(parts, axis=0) if parts else np.zeros((0, 0), dtype=np.float32)


def encode_cached(
    encoder: TextEncoderLike, texts: Sequence[str], *, desc: str, cache_dir: Path | None, tag: str
) -> np.ndarray:
    """:func:`encode_in_batches`, cached on disk by the texts' content and the encoder's name.

    Encoding the 47k O*NET titles takes minutes on a laptop CPU; a rebuild with the same data
    should not pay that again.
    """
    if cache_dir is None:
        return encode_in_batches(encoder, texts, desc=desc)
    # The batch size is part of the key: padding differs by batch, and so do the last float bits,
    # which could flip a near tie; a cache hit must give what a fresh run would.
    meta = [str(getattr(encoder, attr, "")) for attr in ("name", "version", "batch_size")]
    digest = hashlib.sha1("\x1e".join([*meta, *texts]).encode("utf-8")).hexdigest()[:20]
    path = cache_dir / f"{tag}_{digest}.npy"
    if path.is_file():
        return np.load(path)
    vectors = encode_in_batches(encoder, texts, desc=desc)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vectors)
    tmp.replace(path)
    return vectors

"""Weakly labelled JD–CV training pairs from ``../shared/data``: ``python -m models build-data``.

What it does (the data card, ``models/DATA_CARD.md``, gives the figures of a real run):

1. CVs: the livecareer resume PDFs (parsed with the project's own ingestion through
   :func:`models.corpus.parse_files`, cached) and the deduplicated Kaggle resume CSV, each with
   the O*NET codes of its category from the reviewed table ``models/data/cv_category_onet.csv``.
2. JDs: LinkedIn and Google postings, titles mapped to O*NET by :class:`~models.weak_labels.TitleMapper`
   (unmapped postings are dropped), plus O*NET occupation profiles as JDs of a known occupation.
3. Every CV file and posting of ``fit_labels/fit_labels.csv`` is left out: that set validates and
   calibrates the scorer and must stay unseen.
4. Pairs are labelled by occupation relation (:func:`~models.weak_labels.relate`) and sampled to
   about 40 / 30 / 30 % No / Potential / Good Fit with a share of hard negatives, spreading every
   CV and JD over several pairs with different labels.
5. The weak labeller is checked against the rubric labels of ``fit_labels`` (3×3 confusion
   matrix, agreement, per-class precision), written into ``stats.json``.

Output: ``DIR/pairs.csv`` (``resume_text, job_description_text, label, resume_group, jd_group,
source``), ``DIR/pairs_meta.csv`` (the same rows' categories, codes and relation) and
``DIR/stats.json``. The same seed and data give the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from models.weak_labels import (
    GOOD_FIT,
    LABEL_NAMES,
    NAME_TO_LABEL,
    NO_FIT,
    ONET_SUBDIR,
    POTENTIAL_FIT,
    CategoryMapping,
    OnetTaxonomy,
    Relation,
    TitleMapper,
    TitleMatch,
    load_category_table,
    relate,
)

logger = logging.getLogger(__name__)

DEFAULT_PAIRS = 12_000
DEFAULT_SEED = 13
LABEL_SHARES = {NO_FIT: 0.4, POTENTIAL_FIT: 0.3, GOOD_FIT: 0.3}
# Share of No Fit pairs drawn from the CV's own SOC minor/major group: the negatives a lexical or
# embedding shortcut gets wrong (an accountant CV against a financial-analyst posting).
HARD_NEGATIVE_SHARE = 0.35
# Share of pairs whose JD is an O*NET occupation profile rather than a real posting. Kept equal
# across labels (when both kinds exist) so the profile's tell-tale layout cannot predict the label.
ONET_PROFILE_SHARE = 0.25
# Least-used of this many random eligible JDs is taken: spreads JD usage without a full sort.
_JD_CHOICES = 4
# No JD text in more pairs than this: a category with only two Good JDs (CHEF: the two O*NET
# cook/chef profiles, its only posting being held out) would otherwise repeat them ~80 times.
MAX_PAIRS_PER_JD = 30
# Livecareer CVs are about two pages; a few PDFs run long. The scorer chunk-averages anyway, so
# cutting the rare very long text only keeps the CSV (and the trainer's memory) in bounds.
MAX_TEXT_CHARS = 20_000
MIN_TEXT_CHARS = 200

LIVECAREER_DIR = Path("resumes_by_category") / "livecareer_pdfs"
KAGGLE_CSV = Path("resumes_by_category") / "UpdatedResumeDataSet.csv"
LINKEDIN_CSV = Path("job_postings") / "linkedin_postings_sample_1000.csv"
GOOGLE_CSV = Path("job_postings") / "google_job_skills.csv"
FIT_LABELS_CSV = Path("fit_labels") / "fit_labels.csv"

PAIR_COLUMNS = ["resume_text", "job_description_text", "label", "resume_group", "jd_group", "source"]
META_COLUMNS = [
    "resume_group", "jd_group", "cv_category", "cv_codes", "jd_code", "jd_method", "relation", "label",
]


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CvRecord:
    """One training CV: a stable id, its set, its category and that category's O*NET codes."""

    group: str
    source: str  # "livecareer" | "kaggle"
    category: str
    codes: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class JdRecord:
    """One training JD (a real posting or an O*NET occupation profile) and its O*NET code."""

    group: str
    source: str  # "linkedin" | "google" | "onet"
    title: str
    text: str
    code: str | None
    method: str  # "exact" | "embedding" | "unmapped" | "profile"
    similarity: float
    context_similarity: float | None = None


@dataclass(frozen=True)
class Pair:
    cv: int
    jd: int
    relation: Relation

    @property
    def label(self) -> float:
        return self.relation.label


@dataclass(frozen=True)
class Exclusions:
    """What ``fit_labels.csv`` holds, to be kept out of training."""

    cv_files: frozenset[str]  # paths relative to the shared data folder
    linkedin_ids: frozenset[str]
    posting_texts: frozenset[str]  # hashes of the postings' descriptions (catches re-posts)

    @classmethod
    def none(cls) -> Exclusions:
        return cls(frozenset(), frozenset(), frozenset())


def text_hash(text: str) -> str:
    """Stable short id of a text (whitespace-insensitive, so re-extractions hash alike)."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS].rsplit(" ", 1)[0]


# --------------------------------------------------------------------------------------------
# Exclusions (fit_labels)
# --------------------------------------------------------------------------------------------


def load_exclusions(data_dir: Path) -> Exclusions:
    """CV files and postings of ``fit_labels.csv`` (validation/calibration), to leave out."""
    path = data_dir / FIT_LABELS_CSV
    if not path.is_file():
        logger.warning("no %s: nothing excluded — the trained model cannot then be validated on it", path)
        return Exclusions.none()
    fit = pd.read_csv(path, dtype=str)
    ids = set()
    for source in fit["jd_source"].dropna():
        match = re.search(r"job_id=(\d+)", source)
        if match:
            ids.add(match.group(1))
    texts = fit["job_description_text"].dropna().unique()
    bodies = {text_hash(t.split("\n", 1)[1] if "\n" in t else t) for t in texts}
    return Exclusions(frozenset(fit["cv_file"].dropna()), frozenset(ids), frozenset(bodies))


# --------------------------------------------------------------------------------------------
# CVs
# --------------------------------------------------------------------------------------------


def load_livecareer_cvs(
    data_dir: Path, table: dict[tuple[str, str], CategoryMapping], exclusions: Exclusions
) -> tuple[list[CvRecord], dict[str, int]]:
    """Parse the livecareer PDFs (cached) and keep those not in ``fit_labels``.

    Excluded files are parsed too, so that a copy of an excluded CV under another id (same
    text) is also left out.
    """
    from models.corpus import parse_files

    root = data_dir / LIVECAREER_DIR
    paths = sorted(root.glob("*/*.pdf"))
    texts = parse_files(paths, desc="parsing livecareer CVs")
    rel = {p: p.relative_to(data_dir).as_posix() for p in paths}
    excluded_hashes = {text_hash(texts[p]) for p in paths if rel[p] in exclusions.cv_files and p in texts}
    records: list[CvRecord] = []
    seen: set[str] = set()
    counts = Counter(files=len(paths), unreadable=len(paths) - len(texts))
    for path in paths:
        if rel[path] in exclusions.cv_files:
            counts["excluded_fit_labels"] += 1
            continue
        text = texts.get(path, "").strip()
        if len(text) < MIN_TEXT_CHARS:
            counts["too_short"] += 1 if path in texts else 0
            continue
        digest = text_hash(text)
        if digest in excluded_hashes:
            counts["excluded_same_text_as_fit_labels"] += 1
            continue
        if digest in seen:
            counts["duplicate_text"] += 1
            continue
        seen.add(digest)
        category = path.parent.name
        mapping = table.get(("livecareer", category))
        if mapping is None:
            counts["no_category_mapping"] += 1
            continue
        records.append(
            CvRecord(f"livecareer:{category}/{path.stem}", "livecareer", category, mapping.codes, _clip(text))
        )
    counts["kept"] = len(records)
    return records, dict(counts)


# Bullets whose middle UTF-8 byte was lost on the way to the Kaggle CSV: "\xe2?\xa2" was "•".
_BROKEN_BULLET = re.compile(rb"[\xe2\xef](?:\?[\x80-\xbf]|[\x80-\xbf]\?)")


def clean_kaggle_bytes(data: bytes) -> str:
    """Decode the Kaggle resume CSV, turning its broken bullet bytes back into bullets."""
    from core.documents.normalize import normalize_text

    fixed = _BROKEN_BULLET.sub("\n• ".encode(), data)
    text = fixed.decode("utf-8", errors="replace").replace("\ufffd", " ")
    # The private-use glyph is the CSV's other bullet; normalize_text would drop it silently.
    text = text.replace("\uf076", "\n• ")
    return normalize_text(text)[0]


def clean_kaggle_resume(text: str) -> str:
    """Tidy one decoded Kaggle resume: one bullet per line, no runs of blanks."""
    text = re.sub(r"[ \t]*(?:\n\s*)*•\s*", "\n• ", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip().lstrip("• ").strip()


def load_kaggle_cvs(
    data_dir: Path, table: dict[tuple[str, str], CategoryMapping]
) -> tuple[list[CvRecord], dict[str, int]]:
    """The Kaggle resume CSV, cleaned and deduplicated (166 unique CVs in 962 rows)."""
    path = data_dir / KAGGLE_CSV
    frame = pd.read_csv(io.StringIO(clean_kaggle_bytes(path.read_bytes())), dtype=str)
    counts = Counter(rows=len(frame))
    records: list[CvRecord] = []
    seen: set[str] = set()
    for category, raw in zip(frame["Category"], frame["Resume"], strict=True):
        text = clean_kaggle_resume(str(raw))
        digest = text_hash(text)
        if digest in seen:
            counts["duplicate_rows"] += 1
            continue
        seen.add(digest)
        if len(text) < MIN_TEXT_CHARS:
            counts["too_short"] += 1
            continue
        mapping = table.get(("kaggle", category))
        if mapping is None:
            counts["no_category_mapping"] += 1
            continue
        records.append(CvRecord(f"kaggle:{digest}", "kaggle", category, mapping.codes, _clip(text)))
    counts["kept"] = len(records)
    return sorted(records, key=lambda r: r.group), dict(counts)


# --------------------------------------------------------------------------------------------
# JDs
# --------------------------------------------------------------------------------------------


def _clean(text: object) -> str:
    from core.documents.normalize import normalize_text

    return normalize_text(text)[0] if isinstance(text, str) else ""


def load_linkedin_postings(data_dir: Path, exclusions: Exclusions) -> tuple[list[JdRecord], dict[str, int]]:
    """LinkedIn postings as ``title\\ndescription``, minus fit_labels postings and duplicates."""
    frame = pd.read_csv(data_dir / LINKEDIN_CSV, dtype=str)
    counts = Counter(rows=len(frame))
    out: list[JdRecord] = []
    seen: set[str] = set()
    for job_id, title, description in zip(frame["job_id"], frame["title"], frame["description"], strict=True):
        title, description = _clean(title).strip(), _clean(description)
        body = text_hash(description)
        if job_id in exclusions.linkedin_ids or body in exclusions.posting_texts:
            counts["excluded_fit_labels"] += 1
            continue
        if len(description) < MIN_TEXT_CHARS:
            counts["too_short"] += 1
            continue
        if body in seen:
            counts["duplicate_description"] += 1
            continue
        seen.add(body)
        text = _clip(f"{title}\n{description}")
        out.append(JdRecord(f"linkedin:{job_id}", "linkedin", title, text, None, "", 0.0))
    counts["kept"] = len(out)
    return out, dict(counts)


def load_google_postings(data_dir: Path, exclusions: Exclusions) -> tuple[list[JdRecord], dict[str, int]]:
    """Google postings as title + responsibilities + qualifications, deduplicated.

    The same job is often posted in several cities: rows that repeat Title + Responsibilities
    are one posting (the first row is kept).
    """
    frame = pd.read_csv(data_dir / GOOGLE_CSV, dtype=str).rename(
        columns={"Minimum Qualifications": "minimum", "Preferred Qualifications": "preferred"}
    )
    counts = Counter(rows=len(frame))
    out: list[JdRecord] = []
    seen: set[tuple[str, str]] = set()
    for row in frame.itertuples(index=False):
        title = _clean(row.Title).strip()
        resp = _clean(row.Responsibilities)
        key = (title.lower(), " ".join(resp.lower().split()))
        if key in seen:
            counts["duplicate"] += 1
            continue
        seen.add(key)
        parts = [title, resp]
        minimum, preferred = _clean(row.minimum), _clean(row.preferred)
        if minimum:
            parts.append(f"Minimum qualifications:\n{minimum}")
        if preferred:
            parts.append(f"Preferred qualifications:\n{preferred}")
        text = "\n".join(p for p in parts if p)
        if not title or len(text) < MIN_TEXT_CHARS:
            counts["too_short_or_untitled"] += 1
            continue
        if text_hash(text.split("\n", 1)[-1]) in exclusions.posting_texts:
            counts["excluded_fit_labels"] += 1
            continue
        out.append(JdRecord(f"google:{text_hash(text)}", "google", title, _clip(text), None, "", 0.0))
    counts["kept"] = len(out)
    return out, dict(counts)


def onet_profile_jds(taxonomy: OnetTaxonomy) -> list[JdRecord]:
    """One "occupation profile" JD per O*NET occupation that has task statements."""
    return [
        JdRecord(
            f"onet:{code}", "onet", taxonomy.titles[code], taxonomy.profile_text(code), code, "profile", 1.0
        )
        for code in sorted(taxonomy.tasks)
        if code in taxonomy.titles
    ]


def map_postings(postings: Sequence[JdRecord], mapper: TitleMapper) -> list[JdRecord]:
    """Attach an O*NET code (or none) to each posting from its title, its text breaking ties."""
    matches = mapper.map_titles([p.title for p in postings], [p.text[:2000] for p in postings])
    return [
        JdRecord(p.group, p.source, p.title, p.text, m.code, m.method, m.similarity, m.context_similarity)
        for p, m in zip(postings, matches, strict=True)
    ]


# --------------------------------------------------------------------------------------------
# Sampling
# --------------------------------------------------------------------------------------------


def sample_pairs(
    cvs: Sequence[CvRecord],
    jds: Sequence[JdRecord],
    related: dict[str, frozenset[str]],
    *,
    n_pairs: int = DEFAULT_PAIRS,
    seed: int = DEFAULT_SEED,
    shares: dict[float, float] | None = None,
    hard_share: float = HARD_NEGATIVE_SHARE,
    profile_share: float = ONET_PROFILE_SHARE,
    max_per_jd: int = MAX_PAIRS_PER_JD,
) -> list[Pair]:
    """Draw labelled (CV, JD) pairs, balanced by label, spread over CVs and JDs.

    In rounds, every CV (in a seeded random order) asks for one Good, one Potential and one or
    two No Fit JDs (two a third of the time, so labels come out 30/30/40), until each label's
    quota is met. A No Fit slot is a hard negative (same SOC minor/major group) with probability
    ``hard_share``. Among the eligible JDs the least used of a few random ones is taken, so every
    JD serves several CVs, often under different labels, and none more than ``max_per_jd`` times.
    JDs without a code are never used.
    """
    shares = shares or LABEL_SHARES
    rng = np.random.default_rng(seed)
    quota = {
        GOOD_FIT: round(n_pairs * shares[GOOD_FIT]),
        POTENTIAL_FIT: round(n_pairs * shares[POTENTIAL_FIT]),
    }
    quota[NO_FIT] = n_pairs - quota[GOOD_FIT] - quota[POTENTIAL_FIT]
    hard_quota = round(quota[NO_FIT] * hard_share)
    easy_quota = quota[NO_FIT] - hard_quota

    # Relation depends only on (CV code set, JD code): compute it once per combination.
    usable = [j for j, jd in enumerate(jds) if jd.code]
    jd_codes = sorted({jds[j].code for j in usable if jds[j].code})
    pools: dict[tuple[str, ...], dict[str, dict[str, np.ndarray]]] = {}
    relations: dict[tuple[tuple[str, ...], str], Relation] = {}
    for codes in sorted({cv.codes for cv in cvs}):
        by_code = {code: relate(codes, (code,), related) for code in jd_codes}
        buckets: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for j in usable:
            rel = by_code[jds[j].code]  # type: ignore[index]
            relations[(codes, jds[j].code)] = rel  # type: ignore[index]
            kind = {GOOD_FIT: "good", POTENTIAL_FIT: "potential"}.get(rel.label) or (
                "hard" if rel.is_hard_negative else "easy"
            )
            buckets[kind]["profile" if jds[j].source == "onet" else "posting"].append(j)
        pools[codes] = {k: {s: np.array(v, dtype=np.int64) for s, v in d.items()} for k, d in buckets.items()}

    used = np.zeros(len(jds), dtype=np.int64)
    taken: set[tuple[int, int]] = set()
    pairs: list[Pair] = []
    filled = Counter[str]()
    limit = {
        "good": quota[GOOD_FIT], "potential": quota[POTENTIAL_FIT], "hard": hard_quota, "easy": easy_quota
    }

    def choose(cv_index: int, kind: str) -> int | None:
        by_source = pools[cvs[cv_index].codes].get(kind, {})
        sources = [s for s in ("profile", "posting") if len(by_source.get(s, ())) > 0]
        if not sources:
            return None
        if len(sources) == 2:
            order = ["profile", "posting"] if rng.random() < profile_share else ["posting", "profile"]
        else:
            order = sources
        for source in order:
            pool = by_source[source]
            picks = pool[rng.integers(0, len(pool), size=min(_JD_CHOICES, len(pool)))]
            fresh = [int(j) for j in picks if (cv_index, int(j)) not in taken and used[j] < max_per_jd]
            if not fresh and len(pool) <= 64:
                fresh = [int(j) for j in pool if (cv_index, int(j)) not in taken and used[j] < max_per_jd]
            if fresh:
                return min(fresh, key=lambda j: (used[j], j))
        return None

    for _round in range(1000):
        added = 0
        for cv_index in rng.permutation(len(cvs)):
            cv_index = int(cv_index)
            slots = ["good", "potential", "negative"] + (["negative"] if rng.random() < 1 / 3 else [])
            for slot in slots:
                kind = slot
                if slot == "negative":
                    want_hard = rng.random() < hard_share
                    kind = "hard" if want_hard else "easy"
                    if filled[kind] >= limit[kind] or not pools[cvs[cv_index].codes].get(kind):
                        kind = "easy" if kind == "hard" else "hard"  # the other kind of negative
                if filled[kind] >= limit[kind]:
                    continue
                j = choose(cv_index, kind)
                if j is None:
                    continue
                taken.add((cv_index, j))
                used[j] += 1
                filled[kind] += 1
                relation = relations[(cvs[cv_index].codes, jds[j].code)]  # type: ignore[index]
                pairs.append(Pair(cv_index, j, relation))
                added += 1
        if added == 0 or all(filled[k] >= limit[k] for k in limit):
            break
    if len(pairs) < n_pairs:
        logger.warning("only %d of %d pairs could be drawn (%s)", len(pairs), n_pairs, dict(filled))
    order = rng.permutation(len(pairs))
    return [pairs[int(i)] for i in order]


# --------------------------------------------------------------------------------------------
# Agreement with the rubric labels
# --------------------------------------------------------------------------------------------

_CLASSES = (NO_FIT, POTENTIAL_FIT, GOOD_FIT)


def confusion_report(truth: Sequence[float], weak: Sequence[float]) -> dict[str, object]:
    """3×3 confusion (rows: rubric, columns: weak), agreement, per-class precision and recall."""
    matrix = [[0, 0, 0] for _ in _CLASSES]
    for t, w in zip(truth, weak, strict=True):
        matrix[_CLASSES.index(t)][_CLASSES.index(w)] += 1
    total = sum(map(sum, matrix))
    agree = sum(matrix[i][i] for i in range(3))
    per_class = {}
    for i, c in enumerate(_CLASSES):
        predicted = sum(matrix[r][i] for r in range(3))
        actual = sum(matrix[i])
        per_class[LABEL_NAMES[c]] = {
            "weak_count": predicted,
            "rubric_count": actual,
            "precision": round(matrix[i][i] / predicted, 3) if predicted else None,
            "recall": round(matrix[i][i] / actual, 3) if actual else None,
        }
    chance = sum(sum(matrix[i]) * sum(matrix[r][i] for r in range(3)) for i in range(3))
    expected = chance / total**2 if total else 0
    kappa = (agree / total - expected) / (1 - expected) if total and expected < 1 else 0.0
    return {
        "pairs": total,
        "labels": [LABEL_NAMES[c] for c in _CLASSES],
        "confusion_rubric_rows_weak_columns": matrix,
        "agreement": round(agree / total, 3) if total else None,
        "cohen_kappa": round(kappa, 3),
        "per_class": per_class,
    }


def agreement_check(
    fit_labels: Path,
    mapper: TitleMapper,
    table: dict[tuple[str, str], CategoryMapping],
    related: dict[str, frozenset[str]],
) -> dict[str, object]:
    """Apply the weak labeller to the rubric-labelled pairs and compare.

    Variants (each a full 3×3 report):

    * ``title``: CV codes from its folder category (the table), posting code from the title
      mapper on the posting's first line — exactly how training pairs are labelled. A posting
      the mapper leaves unmapped falls back to its ``jd_category`` codes (counted).
    * ``jd_category``: posting codes from ``jd_category`` through the same table.
    * ``same_category``: the naive rule "same category → Good, else No Fit", for scale.
    * ``cv_headline_*``: the CV's first line (its job title) mapped like a posting title, instead
      of or beside the category — measured, not used for training.
    """
    fit = pd.read_csv(fit_labels, dtype=str)
    truth = [NAME_TO_LABEL[v] for v in fit["label"]]
    jd_rows = fit.drop_duplicates("jd_id")
    first_lines = [t.split("\n", 1)[0].strip() for t in jd_rows["job_description_text"]]
    jd_contexts = [t[:2000] for t in jd_rows["job_description_text"]]
    matches: dict[str, TitleMatch] = dict(
        zip(jd_rows["jd_id"], mapper.map_titles(first_lines, jd_contexts), strict=True)
    )

    def codes_of(category: str) -> tuple[str, ...]:
        mapping = table.get(("livecareer", category))
        return mapping.codes if mapping else ()

    # Experimental: the CV's own headline (its first line, usually the candidate's job title).
    headlines = [t.split("\n", 1)[0].strip() if isinstance(t, str) else "" for t in fit["resume_text"]]
    cv_contexts = [t[:2000] if isinstance(t, str) else "" for t in fit["resume_text"]]
    headline_matches = mapper.map_titles(headlines, cv_contexts)

    weak_title, weak_category, naive, weak_headline, weak_union, fallback = [], [], [], [], [], 0
    for row, head in zip(fit.itertuples(index=False), headline_matches, strict=True):
        cv_codes = codes_of(row.cv_category)
        match = matches[row.jd_id]
        jd_codes = (match.code,) if match.code else codes_of(row.jd_category)
        fallback += 0 if match.code else 1
        weak_title.append(relate(cv_codes, jd_codes, related).label)
        weak_category.append(relate(cv_codes, codes_of(row.jd_category), related).label)
        naive.append(GOOD_FIT if row.cv_category == row.jd_category else NO_FIT)
        weak_headline.append(relate((head.code,) if head.code else cv_codes, jd_codes, related).label)
        weak_union.append(relate(cv_codes + ((head.code,) if head.code else ()), jd_codes, related).label)

    same = fit["cv_category"] == fit["jd_category"]
    sampled_same = fit[same & (fit["round"] == "sampled")]
    postings = [
        {
            "jd_id": jd_id,
            "title": title,
            "jd_category": cat,
            "code": m.code,
            "onet_title": mapper.taxonomy.titles.get(m.code or "", ""),
            "method": m.method,
            "similarity": m.similarity,
            "matched_title": m.matched_title,
        }
        for jd_id, title, cat, m in zip(
            jd_rows["jd_id"], first_lines, jd_rows["jd_category"], matches.values(), strict=True
        )
    ]
    return {
        "fit_labels": str(fit_labels),
        "rubric_labels": dict(Counter(fit["label"])),
        "same_category_pairs": int(same.sum()),
        "same_category_good": int((fit[same]["label"] == "Good Fit").sum()),
        "sampled_round_same_category_pairs": len(sampled_same),
        "sampled_round_same_category_good": int((sampled_same["label"] == "Good Fit").sum()),
        "title": {
            **confusion_report(truth, weak_title),
            "postings_unmapped_fell_back_to_jd_category": fallback,
        },
        "title_sampled_round_only": confusion_report(
            [t for t, r in zip(truth, fit["round"], strict=True) if r == "sampled"],
            [w for w, r in zip(weak_title, fit["round"], strict=True) if r == "sampled"],
        ),
        "jd_category": confusion_report(truth, weak_category),
        "same_category": confusion_report(truth, naive),
        "cv_headline_else_category": {
            **confusion_report(truth, weak_headline),
            "cv_headlines_mapped": sum(1 for h in headline_matches if h.code),
        },
        "cv_headline_or_category": confusion_report(truth, weak_union),
        "postings": postings,
    }


# --------------------------------------------------------------------------------------------
# The builder
# --------------------------------------------------------------------------------------------


def build_data(
    out: Path,
    data_dir: Path,
    *,
    seed: int = DEFAULT_SEED,
    n_pairs: int = DEFAULT_PAIRS,
    encoder_spec: str = "bundled:all-MiniLM-L6-v2",
    device: str = "cpu",
) -> dict[str, object]:
    """Build ``pairs.csv``, ``pairs_meta.csv`` and ``stats.json`` in ``out``; return the stats."""
    from core.config import get_settings
    from models.encoder import load_encoder

    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    taxonomy = OnetTaxonomy.load(data_dir / ONET_SUBDIR)
    table = load_category_table()
    # Device "cpu" by default: float results (and so the title mapping and the output bytes)
    # then do not depend on which GPU, if any, the machine has.
    # Big batches: the texts encoded here are mostly 5-word titles, and on CPU a batch of 256 runs
    # about 3× faster than 64.
    encoder = load_encoder(encoder_spec, device=device, batch_size=256, precision="fp32")  # same labels everywhere
    mapper = TitleMapper(taxonomy, encoder, cache_dir=get_settings().data_dir / "cache" / "weak_labels")
    exclusions = load_exclusions(data_dir)

    livecareer, lc_counts = load_livecareer_cvs(data_dir, table, exclusions)
    kaggle, kg_counts = load_kaggle_cvs(data_dir, table)
    cvs = livecareer + kaggle
    linkedin, li_counts = load_linkedin_postings(data_dir, exclusions)
    google, go_counts = load_google_postings(data_dir, exclusions)
    postings = map_postings(linkedin + google, mapper)
    jds = postings + onet_profile_jds(taxonomy)
    logger.info("%d CVs, %d postings (%d mapped), %d O*NET profiles", len(cvs), len(postings),
                sum(1 for p in postings if p.code), len(jds) - len(postings))

    pairs = sample_pairs(cvs, jds, taxonomy.related, n_pairs=n_pairs, seed=seed)
    _write_pairs(out, pairs, cvs, jds)

    agreement = None
    if (data_dir / FIT_LABELS_CSV).is_file():
        agreement = agreement_check(data_dir / FIT_LABELS_CSV, mapper, table, taxonomy.related)
    stats = _stats(pairs, cvs, jds, taxonomy, seed, n_pairs, encoder_spec, mapper)
    stats["inputs"] = {
        "livecareer": lc_counts, "kaggle": kg_counts, "linkedin": li_counts, "google": go_counts
    }
    stats["excluded_from_training"] = {
        "fit_labels_cv_files": len(exclusions.cv_files),
        "fit_labels_postings": len(exclusions.linkedin_ids),
    }
    stats["agreement_with_rubric"] = agreement
    stats["run_seconds"] = round(time.perf_counter() - started, 1)
    (out / "stats.json").write_text(json.dumps(stats, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return stats


def _write_pairs(out: Path, pairs: Sequence[Pair], cvs: Sequence[CvRecord], jds: Sequence[JdRecord]) -> None:
    with (out / "pairs.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(PAIR_COLUMNS)
        for p in pairs:
            cv, jd = cvs[p.cv], jds[p.jd]
            source = f"{cv.source}|{jd.source}"
            writer.writerow([cv.text, jd.text, f"{p.label:.1f}", cv.group, jd.group, source])
    with (out / "pairs_meta.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(META_COLUMNS)
        for p in pairs:
            cv, jd = cvs[p.cv], jds[p.jd]
            codes, label, relation = " | ".join(cv.codes), f"{p.label:.1f}", p.relation.name
            writer.writerow([cv.group, jd.group, cv.category, codes, jd.code, jd.method, relation, label])


def _spread(counts: Sequence[int]) -> dict[str, float]:
    if not counts:
        return {}
    arr = np.asarray(counts)
    return {
        "min": int(arr.min()),
        "median": float(np.median(arr)),
        "max": int(arr.max()),
        "mean": round(float(arr.mean()), 2),
    }


def _stats(
    pairs: Sequence[Pair],
    cvs: Sequence[CvRecord],
    jds: Sequence[JdRecord],
    taxonomy: OnetTaxonomy,
    seed: int,
    n_pairs: int,
    encoder_spec: str,
    mapper: TitleMapper,
) -> dict[str, object]:
    label_source: dict[str, Counter[str]] = defaultdict(Counter)
    relations = Counter(p.relation.name for p in pairs)
    cv_labels: dict[int, set[float]] = defaultdict(set)
    jd_labels: dict[int, set[float]] = defaultdict(set)
    cv_uses, jd_uses = Counter[int](), Counter[int]()
    for p in pairs:
        cv, jd = cvs[p.cv], jds[p.jd]
        label_source[f"{cv.source}|{jd.source}"][LABEL_NAMES[p.label]] += 1
        label_source["all"][LABEL_NAMES[p.label]] += 1
        cv_labels[p.cv].add(p.label)
        jd_labels[p.jd].add(p.label)
        cv_uses[p.cv] += 1
        jd_uses[p.jd] += 1
    postings = [jd for jd in jds if jd.source != "onet"]
    coverage: dict[str, Counter[str]] = defaultdict(Counter)
    for jd in postings:
        coverage[jd.source][jd.method] += 1
        coverage["all"][jd.method] += 1
    emb = [jd.similarity for jd in postings if jd.method == "embedding"]
    n = len(pairs)
    return {
        "seed": seed,
        "pairs_requested": n_pairs,
        "pairs": n,
        "encoder": encoder_spec,
        "similarity_floor": mapper.similarity_floor,
        "context_floor": mapper.context_floor,
        "label_shares": {
            LABEL_NAMES[k]: round(sum(1 for p in pairs if p.label == k) / n, 3) if n else 0 for k in _CLASSES
        },
        "counts_label_by_source": {k: dict(sorted(v.items())) for k, v in sorted(label_source.items())},
        "relations": dict(relations.most_common()),
        "hard_negatives": sum(1 for p in pairs if p.relation.is_hard_negative),
        "distinct": {
            "cvs_available": len(cvs),
            "cvs_used": len(cv_uses),
            "cvs_used_by_source": dict(Counter(cvs[i].source for i in cv_uses)),
            "jds_available_mapped": sum(1 for jd in jds if jd.code),
            "jds_used": len(jd_uses),
            "jds_used_by_source": dict(Counter(jds[j].source for j in jd_uses)),
            "distinct_onet_codes_among_used_jds": len({jds[j].code for j in jd_uses}),
        },
        "pairs_per_cv": _spread(list(cv_uses.values())),
        "pairs_per_jd": _spread(list(jd_uses.values())),
        "cvs_with_2plus_labels": sum(1 for s in cv_labels.values() if len(s) >= 2),
        "cvs_with_all_3_labels": sum(1 for s in cv_labels.values() if len(s) == 3),
        "jds_with_2plus_labels": sum(1 for s in jd_labels.values() if len(s) >= 2),
        "posting_mapping_coverage": {k: dict(v) for k, v in sorted(coverage.items())},
        "embedding_similarity_quantiles": (
            {q: round(float(np.quantile(emb, float(q))), 3) for q in ("0.1", "0.25", "0.5", "0.75", "0.9")}
            if emb
            else {}
        ),
        "cv_categories": dict(sorted(Counter(f"{cv.source}:{cv.category}" for cv in cvs).items())),
        "posting_mapping": [
            {
                "jd_group": jd.group,
                "title": jd.title,
                "code": jd.code,
                "onet_title": taxonomy.titles.get(jd.code or "", ""),
                "method": jd.method,
                "similarity": jd.similarity,
                "context_similarity": jd.context_similarity,
            }
            for jd in postings
        ],
    }


def run_cli(out: Path, data_dir: Path, seed: int, n_pairs: int) -> int:
    """Entry point of ``python -m models build-data``: build, then log a short summary."""
    for needed in (ONET_SUBDIR, LIVECAREER_DIR, KAGGLE_CSV, LINKEDIN_CSV, GOOGLE_CSV):
        if not (data_dir / needed).exists():
            logger.error("missing %s: point --data at the shared data folder", data_dir / needed)
            return 2
    stats = build_data(out, data_dir, seed=seed, n_pairs=n_pairs)
    agreement = stats.get("agreement_with_rubric") or {}
    title = agreement.get("title", {}) if isinstance(agreement, dict) else {}
    logger.info(
        "%s pairs %s in %.0f s → %s; weak-vs-rubric agreement %s",
        stats["pairs"],
        stats["counts_label_by_source"].get("all"),  # type: ignore[union-attr]
        stats["run_seconds"],
        out / "pairs.csv",
        title.get("agreement"),
    )
    return 0

"""Weak labels for training pairs: occupation rules, title mapping, sampling, exclusions."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from core.config import get_settings
from models import build_data
from models.build_data import (
    CvRecord,
    JdRecord,
    clean_kaggle_bytes,
    clean_kaggle_resume,
    confusion_report,
    load_exclusions,
    load_linkedin_postings,
    load_livecareer_cvs,
    sample_pairs,
)
from models.weak_labels import (
    CATEGORY_TABLE,
    CODE_PATTERN,
    GOOD_FIT,
    NO_FIT,
    POTENTIAL_FIT,
    CategoryMapping,
    OnetTaxonomy,
    Relation,
    TitleMapper,
    load_category_table,
    normalize_title,
    relate,
    relate_codes,
    soc_broad,
    soc_major,
    soc_minor,
    title_candidates,
)

SHARED = get_settings().shared_data_dir
needs_shared = pytest.mark.skipif(
    not (SHARED / "occupations").is_dir(), reason=f"the shared data folder {SHARED} is not on this machine"
)

# A tiny O*NET: a few occupations, their alternate/reported titles and related occupations.
OCCUPATIONS = {
    "11-3031.00": "Financial Managers",
    "11-3031.01": "Treasurers and Controllers",
    "13-1071.00": "Human Resources Specialists",
    "13-2011.00": "Accountants and Auditors",
    "13-2051.00": "Financial and Investment Analysts",
    "15-1211.00": "Computer Systems Analysts",
    "15-1252.00": "Software Developers",
    "15-1253.00": "Software Quality Assurance Analysts and Testers",
    "15-2051.00": "Data Scientists",
    "15-1299.04": "Penetration Testers",
    "15-1299.07": "Blockchain Engineers",
    "15-1299.09": "Information Technology Project Managers",
    "27-1011.00": "Art Directors",
    "29-1141.00": "Registered Nurses",
    "35-1011.00": "Chefs and Head Cooks",
    "35-2014.00": "Cooks, Restaurant",
}
ALTERNATE = [
    ("13-2011.00", "Staff Accountant"),
    ("13-2011.00", "CPA (Certified Public Accountant)"),
    ("11-3031.01", "Controller"),
    ("15-1252.00", "Java Developer"),
    ("15-1252.00", "Software Developer"),
    ("15-1253.00", "Software Tester"),
    ("35-2014.00", "Line Cook"),
    ("35-1011.00", "Executive Chef"),
    ("13-1071.00", "HR Generalist"),
    ("13-1071.00", "Curriculum Developer"),
]
REPORTED = [("35-1011.00", "Line Cook"), ("29-1141.00", "Staff Nurse")]
RELATED = [
    ("13-2011.00", "11-3031.01", "Primary-Short"),
    ("35-1011.00", "35-2014.00", "Primary-Long"),
    ("15-1252.00", "15-2051.00", "Supplemental"),  # too weak a tie: must not count as related
    ("27-1011.00", "15-1299.09", "Primary-Long"),
]


def _write_tsv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    lines = ["\t".join(header), *("\t".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def onet_dir(tmp_path: Path) -> Path:
    root = tmp_path / "onet"
    root.mkdir()
    _write_tsv(
        root / "Occupation Data.txt",
        ["O*NET-SOC Code", "Title", "Description"],
        [(c, t, f"Do the work of {t.lower()}.") for c, t in OCCUPATIONS.items()],
    )
    _write_tsv(
        root / "Alternate Titles.txt",
        ["O*NET-SOC Code", "Alternate Title", "Short Title", "Source(s)"],
        [(c, t, "n/a", "08") for c, t in ALTERNATE],
    )
    _write_tsv(
        root / "Sample of Reported Titles.txt",
        ["O*NET-SOC Code", "Reported Job Title", "Shown in My Next Move"],
        [(c, t, "Y") for c, t in REPORTED],
    )
    _write_tsv(
        root / "Related Occupations.txt",
        ["O*NET-SOC Code", "Related O*NET-SOC Code", "Relatedness Tier", "Index"],
        [(a, b, tier, "1") for a, b, tier in RELATED],
    )
    _write_tsv(
        root / "Task Statements.txt",
        ["O*NET-SOC Code", "Task ID", "Task", "Task Type", "Incumbents Responding", "Date", "Domain Source"],
        [
            ("13-2011.00", "1", "Prepare detailed reports on audit findings.", "Supplemental", "", "", ""),
            ("13-2011.00", "2", "Examine financial statements for accuracy.", "Core", "", "", ""),
        ],
    )
    _write_tsv(
        root / "Technology Skills.txt",
        ["O*NET-SOC Code", "Example", "Commodity Code", "Commodity Title", "Hot Technology", "In Demand"],
        [
            ("13-2011.00", "Intuit QuickBooks", "1", "x", "N", "N"),
            ("13-2011.00", "Microsoft Excel", "1", "x", "Y", "Y"),
        ],
    )
    return root


@pytest.fixture
def taxonomy(onet_dir: Path) -> OnetTaxonomy:
    return OnetTaxonomy.load(onet_dir)


# ---------------------------------------------------------------------------------- label rules


def test_soc_groups_follow_the_code_hierarchy() -> None:
    assert soc_broad("15-1252.00") == soc_broad("15-1253.00") == "15-1250"
    # Minor group is set by the first digit after the hyphen, not the first two.
    assert soc_minor("13-1071.00") == soc_minor("13-1161.00") == "13-1000"
    assert soc_minor("13-1071.00") != soc_minor("13-2011.00")
    assert soc_major("13-1071.00") == soc_major("13-2011.00")


@pytest.mark.parametrize(
    ("cv", "jd", "relation", "label"),
    [
        ("15-1252.00", "15-1252.00", Relation.SAME, GOOD_FIT),
        ("11-3031.00", "11-3031.01", Relation.SAME, GOOD_FIT),  # same 6-digit SOC detailed occupation
        ("13-2011.00", "11-3031.01", Relation.RELATED, POTENTIAL_FIT),  # O*NET Primary-Short
        ("11-3031.01", "13-2011.00", Relation.RELATED, POTENTIAL_FIT),  # … in either direction
        ("11-3031.00", "13-2011.00", Relation.RELATED, POTENTIAL_FIT),  # specialisation's parent inherits
        ("35-2014.00", "35-1011.00", Relation.RELATED, POTENTIAL_FIT),  # Primary-Long
        ("15-1252.00", "15-1253.00", Relation.SAME_BROAD, POTENTIAL_FIT),  # broad group 15-1250
        ("15-1252.00", "15-1211.00", Relation.SAME_MINOR, NO_FIT),  # hard negative
        ("15-1252.00", "15-2051.00", Relation.SAME_MAJOR, NO_FIT),  # Supplemental tier is ignored
        ("13-1071.00", "13-2011.00", Relation.SAME_MAJOR, NO_FIT),
        ("13-2011.00", "29-1141.00", Relation.UNRELATED, NO_FIT),
        # Residual "All Other" groups: specialisations are distinct jobs, relations do not spread.
        ("15-1299.07", "15-1299.04", Relation.SAME_BROAD, POTENTIAL_FIT),
        ("27-1011.00", "15-1299.09", Relation.RELATED, POTENTIAL_FIT),
        ("27-1011.00", "15-1299.07", Relation.UNRELATED, NO_FIT),
    ],
)
def test_label_rules_on_code_pairs(
    taxonomy: OnetTaxonomy, cv: str, jd: str, relation: Relation, label: float
) -> None:
    got = relate_codes(cv, jd, taxonomy.related)
    assert got is relation
    assert got.label == label


def test_hard_negatives_are_same_family_no_fits(taxonomy: OnetTaxonomy) -> None:
    assert relate_codes("15-1252.00", "15-1211.00", taxonomy.related).is_hard_negative
    assert not relate_codes("13-2011.00", "29-1141.00", taxonomy.related).is_hard_negative
    assert not relate_codes("15-1252.00", "15-1253.00", taxonomy.related).is_hard_negative


def test_a_category_with_several_codes_takes_its_strongest_relation(taxonomy: OnetTaxonomy) -> None:
    cv_codes = ("29-1141.00", "13-2011.00")
    assert relate(cv_codes, ["13-2011.00"], taxonomy.related) is Relation.SAME
    assert relate(cv_codes, ["11-3031.01"], taxonomy.related) is Relation.RELATED
    assert relate(cv_codes, ["35-1011.00"], taxonomy.related) is Relation.UNRELATED


def test_occupation_profile_has_core_tasks_and_hot_technologies_first(taxonomy: OnetTaxonomy) -> None:
    text = taxonomy.profile_text("13-2011.00")
    assert text.startswith("Accountants and Auditors\n")
    assert text.index("Examine financial statements") < text.index("Prepare detailed reports")
    assert text.index("Microsoft Excel") < text.index("Intuit QuickBooks")


# ---------------------------------------------------------------------------------- titles


def test_normalisation_drops_seniority_and_expands_abbreviations() -> None:
    assert normalize_title("Sr. HR Generalist II (Remote)") == "human resource generalist"
    assert normalize_title("Accountants") == normalize_title("accountant")
    assert normalize_title("Sales Mgr / Team") == "sale manager team"
    assert normalize_title("Senior Staff") == ""


def test_title_candidates_try_the_whole_title_then_its_parts() -> None:
    forms = [f for f, _ in title_candidates("Mortgage Loan Officer - Texas/Remote")]
    assert forms[0] == "mortgage loan officer texa"
    assert "mortgage loan officer" in forms
    whole = dict(title_candidates("Field Sales Representative, Google Cloud"))
    assert whole["field sale representative google cloud"] is True
    assert whole["field sale representative"] is False


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Senior Staff Accountant", "13-2011.00"),  # alternate title, seniority ignored
        ("Accountants", "13-2011.00"),  # official title, plural
        ("CPA", "13-2011.00"),  # alternate title's bracketed part dropped: "CPA"
        ("Java Developer, Payments Team", "15-1252.00"),  # a part of the title
        ("Corporate Controller - Remote", None),  # "corporate controller" is not listed
        ("Controller (Remote)", "11-3031.01"),
        ("Line Cook", "35-2014.00"),  # an alternate title beats a reported title
        ("Registered Nurses", "29-1141.00"),
        ("Director, Finance Business Systems", None),  # a bare generic word is never a match
        ("Chief Vibes Officer", None),
    ],
)
def test_exact_mapping_on_a_tiny_onet(taxonomy: OnetTaxonomy, title: str, code: str | None) -> None:
    match = TitleMapper(taxonomy).map_title(title)
    assert match.code == code
    assert match.method == ("exact" if code else "unmapped")


class BagOfWordsEncoder:
    """A stand-in encoder: hashed counts of crudely singular words, so cosine = word overlap."""

    name = "bag-of-words"

    def encode_texts(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), 4096), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().replace(",", " ").split():
                out[row, int(hashlib.md5(word.rstrip("s").encode()).hexdigest(), 16) % 4096] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


def test_embedding_fallback_respects_the_similarity_floor(taxonomy: OnetTaxonomy) -> None:
    mapper = TitleMapper(taxonomy, BagOfWordsEncoder(), similarity_floor=0.6)
    near, far = mapper.map_titles(["Backend Software Developer", "Quantum Basket Weaver"])
    assert (near.code, near.method) == ("15-1252.00", "embedding")
    assert 0.6 <= near.similarity < 1.0
    assert (far.code, far.method) == (None, "unmapped")
    strict = TitleMapper(taxonomy, BagOfWordsEncoder(), similarity_floor=0.95)
    assert strict.map_title("Backend Software Developer").method == "unmapped"


def test_a_generic_one_word_title_is_resolved_by_the_posting_text(taxonomy: OnetTaxonomy) -> None:
    mapper = TitleMapper(taxonomy, BagOfWordsEncoder())
    software, training = mapper.map_titles(
        ["Senior Developer", "Developer"],
        [
            "Software developers wanted: do the work of software developers in Java.",
            "Human resources specialists.",
        ],
    )
    assert (software.code, software.method) == ("15-1252.00", "exact")
    assert training.code == "13-1071.00"


# ---------------------------------------------------------------------------------- sampling


def _synthetic(n_cv: int = 45, n_jd: int = 90) -> tuple[list[CvRecord], list[JdRecord]]:
    categories = [("ACCOUNTANT", ("13-2011.00",)), ("IT", ("15-1252.00",)), ("CHEF", ("35-1011.00",))]
    cvs = [
        CvRecord(f"cv:{i}", "livecareer", categories[i % 3][0], categories[i % 3][1], f"cv text {i}")
        for i in range(n_cv)
    ]
    codes = list(OCCUPATIONS)
    sources = ["onet", "linkedin", "google", "linkedin"]
    jds = [
        JdRecord(f"jd:{j}", sources[j % 4], "t", f"jd text {j}", codes[j % len(codes)], "exact", 1.0)
        for j in range(n_jd)
    ]
    jds.append(JdRecord("jd:unmapped", "linkedin", "t", "x", None, "unmapped", 0.2))
    return cvs, jds


def test_sampling_balances_labels_and_spreads_cvs_and_jds(taxonomy: OnetTaxonomy) -> None:
    cvs, jds = _synthetic()
    pairs = sample_pairs(cvs, jds, taxonomy.related, n_pairs=300, seed=1)
    shares = Counter(p.label for p in pairs)
    assert len(pairs) == 300
    for label, target in ((NO_FIT, 0.4), (POTENTIAL_FIT, 0.3), (GOOD_FIT, 0.3)):
        assert abs(shares[label] / len(pairs) - target) <= 0.05
    assert len({(p.cv, p.jd) for p in pairs}) == len(pairs)  # no pair twice
    assert all(jds[p.jd].code for p in pairs)  # unmapped postings are never used
    assert any(p.relation.is_hard_negative for p in pairs)
    labels_per_cv = {i: {p.label for p in pairs if p.cv == i} for i in range(len(cvs))}
    assert all(len(s) == 3 for s in labels_per_cv.values())  # every CV seen as Good, Potential and No Fit
    assert max(Counter(p.jd for p in pairs).values()) <= build_data.MAX_PAIRS_PER_JD


def test_a_jd_is_never_used_more_than_the_cap(taxonomy: OnetTaxonomy) -> None:
    cvs, jds = _synthetic()
    pairs = sample_pairs(cvs, jds, taxonomy.related, n_pairs=300, seed=1, max_per_jd=3)
    assert max(Counter(p.jd for p in pairs).values()) <= 3
    assert len(pairs) < 300  # the quota cannot be met with so few uses: fewer pairs, not more repeats


def test_sampling_is_deterministic_for_a_seed(taxonomy: OnetTaxonomy, tmp_path: Path) -> None:
    cvs, jds = _synthetic()
    a = sample_pairs(cvs, jds, taxonomy.related, n_pairs=200, seed=7)
    b = sample_pairs(cvs, jds, taxonomy.related, n_pairs=200, seed=7)
    c = sample_pairs(cvs, jds, taxonomy.related, n_pairs=200, seed=8)
    assert a == b
    assert a != c
    for name, pairs in (("a", a), ("b", b)):
        (tmp_path / name).mkdir()
        build_data._write_pairs(tmp_path / name, pairs, cvs, jds)
    assert (tmp_path / "a" / "pairs.csv").read_bytes() == (tmp_path / "b" / "pairs.csv").read_bytes()
    header = (tmp_path / "a" / "pairs.csv").read_text().splitlines()[0]
    assert header == "resume_text,job_description_text,label,resume_group,jd_group,source"


# ---------------------------------------------------------------------------------- inputs


def _fit_labels(data: Path, body: str = "Hire people.") -> None:
    (data / "fit_labels").mkdir(parents=True)
    (data / "fit_labels" / "fit_labels.csv").write_text(
        "pair_id,jd_source,cv_file,job_description_text\n"
        "p1,job_postings/linkedin_postings_sample_1000.csv#job_id=111,"
        f'resumes_by_category/livecareer_pdfs/HR/1.pdf,"Recruiter\n\n{body}"\n',
        encoding="utf-8",
    )


def test_fit_label_postings_are_excluded_also_when_reposted(tmp_path: Path) -> None:
    data = tmp_path / "shared"
    body = "Hire people for the whole company, every day. " * 6
    _fit_labels(data, body)
    (data / "job_postings").mkdir()
    (data / "job_postings" / "linkedin_postings_sample_1000.csv").write_text(
        "job_id,title,description\n"
        f'111,Recruiter,"{body}"\n'
        f'222,Talent Recruiter,"{body}"\n'  # the same posting again under another id
        f'333,Cook,"{"Cook meals for our guests in a busy kitchen. " * 6}"\n',
        encoding="utf-8",
    )
    exclusions = load_exclusions(data)
    assert exclusions.linkedin_ids == frozenset({"111"})
    kept, counts = load_linkedin_postings(data, exclusions)
    assert [j.group for j in kept] == ["linkedin:333"]
    assert counts["excluded_fit_labels"] == 2


def test_fit_label_cvs_are_excluded_also_as_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "shared"
    _fit_labels(data)
    folder = data / "resumes_by_category" / "livecareer_pdfs" / "HR"
    folder.mkdir(parents=True)
    texts = {
        "1": "HR SPECIALIST\n" + "Recruiting and onboarding. " * 20,
        "3": "HR MANAGER\n" + "Led HR. " * 40,
    }
    texts["2"] = texts["1"]  # a copy of the held-out CV under another id
    for stem in texts:
        (folder / f"{stem}.pdf").write_bytes(b"%PDF stand-in")

    def fake_parse(paths: Sequence[Path], **_: object) -> dict[Path, str]:
        return {p: texts[p.stem] for p in paths}

    monkeypatch.setattr("models.corpus.parse_files", fake_parse)
    table = {("livecareer", "HR"): CategoryMapping("livecareer", "HR", ("13-1071.00",), "")}
    cvs, counts = load_livecareer_cvs(data, table, load_exclusions(data))
    assert [cv.group for cv in cvs] == ["livecareer:HR/3"]
    assert counts["excluded_fit_labels"] == 1
    assert counts["excluded_same_text_as_fit_labels"] == 1


def test_kaggle_broken_bullets_become_bullets() -> None:
    raw = b'Category,Resume\nData Science,"Skills \xe2?\xa2 Python \xe2?\xa2 SQL \xe2\x9d? Spark"\n'
    text = clean_kaggle_resume(clean_kaggle_bytes(raw).split(",", 2)[-1].strip('"\n'))
    assert "\ufffd" not in text and "?" not in text
    assert text.splitlines() == ["Skills", "• Python", "• SQL", "• Spark"]


def test_confusion_report_counts_agreement_and_precision() -> None:
    truth = [NO_FIT, NO_FIT, POTENTIAL_FIT, GOOD_FIT, GOOD_FIT]
    weak = [NO_FIT, GOOD_FIT, POTENTIAL_FIT, GOOD_FIT, NO_FIT]
    report = confusion_report(truth, weak)
    assert report["confusion_rubric_rows_weak_columns"] == [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
    assert report["agreement"] == 0.6
    assert report["per_class"]["Good Fit"]["precision"] == 0.5  # type: ignore[index]


# ---------------------------------------------------------------------------------- the table


def test_category_table_rows_are_well_formed() -> None:
    table = load_category_table()
    datasets = Counter(dataset for dataset, _ in table)
    assert datasets == {"livecareer": 24, "kaggle": 25}
    for mapping in table.values():
        assert mapping.codes and all(CODE_PATTERN.match(c) for c in mapping.codes)
        assert mapping.note, f"{mapping.category} needs a note saying why these codes"


@needs_shared
def test_category_table_covers_every_category_with_real_onet_codes() -> None:
    """Every livecareer folder and Kaggle category has a row, and every code exists in O*NET 30.1."""
    import pandas as pd

    table = load_category_table(CATEGORY_TABLE)
    folders = {p.name for p in (SHARED / "resumes_by_category" / "livecareer_pdfs").iterdir() if p.is_dir()}
    kaggle_csv = SHARED / "resumes_by_category" / "UpdatedResumeDataSet.csv"
    kaggle = set(pd.read_csv(kaggle_csv, encoding="latin-1")["Category"])
    assert {c for d, c in table if d == "livecareer"} == folders
    assert {c for d, c in table if d == "kaggle"} == kaggle
    occupation_data = SHARED / "occupations" / "onet_db_30_1_text" / "Occupation Data.txt"
    onet = pd.read_csv(occupation_data, sep="\t", dtype=str)
    titles = dict(zip(onet["O*NET-SOC Code"], onet["Title"], strict=True))
    for mapping in table.values():
        for code in mapping.codes:
            assert code in titles, f"{mapping.dataset}/{mapping.category}: {code} is not an O*NET 30.1 code"


@needs_shared
def test_agreement_check_reproduces_the_readme_counts() -> None:
    """The rubric set's own figures (README: 25 of 151 sampled same-category pairs are Good Fit)."""
    taxonomy = OnetTaxonomy.load(SHARED / "occupations" / "onet_db_30_1_text")
    fit_labels = SHARED / "fit_labels" / "fit_labels.csv"
    table = load_category_table()
    report = build_data.agreement_check(fit_labels, TitleMapper(taxonomy), table, taxonomy.related)
    assert report["title"]["pairs"] == 599  # type: ignore[index]
    sampled = (report["sampled_round_same_category_pairs"], report["sampled_round_same_category_good"])
    assert sampled == (151, 25)
    assert (report["same_category_pairs"], report["same_category_good"]) == (227, 66)

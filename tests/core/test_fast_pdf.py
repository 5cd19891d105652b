"""The pypdfium2 fast path reads PDFs as pdfplumber's path does, and parse_many parses in a pool."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from core.config import ParseLimits
from core.documents import Document, ParseFailure, parse_document, parse_many
from core.errors import ParseError
from tests.docfactory import (
    make_dated_cv_pdf,
    make_encrypted_pdf,
    make_image_only_pdf,
    make_pdf,
    make_two_column_pdf,
    sample_cv_text,
)

FAST = ParseLimits(pdf_reader="fast")
PLUMBER = ParseLimits(pdf_reader="pdfplumber")
LIVECAREER = Path(__file__).resolve().parents[3] / "shared" / "data" / "resumes_by_category" / "livecareer_pdfs"

LEFT = [f"Ada left sentence {n} about pipelines and warehouses." for n in ("one", "two", "three", "four", "five")]
RIGHT = [f"Bob right sentence {n} about data models and reports." for n in ("one", "two", "three", "four", "five")]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("offset", [2.6, 0.0])
def test_fast_path_reads_two_columns_column_by_column(offset: float) -> None:
    data = make_two_column_pdf(LEFT, RIGHT, header="Anna Example, Data Engineer", right_offset_mm=offset)

    text = flat(parse_document(data, "two.pdf", limits=FAST).text)

    assert text.startswith("Anna Example, Data Engineer")
    positions = [text.index(sentence) for sentence in LEFT + RIGHT]  # whole left column, then right
    assert positions == sorted(positions)
    assert text == flat(parse_document(data, "two.pdf", limits=PLUMBER).text)


def test_fast_path_keeps_right_aligned_dates_on_their_title_line() -> None:
    rows = [("Data Engineer, Contoso", "July 2018 - February 2021", ["Customer data model"]),
            ("Intern, Fabrikam", "2017 - 2018", ["Dashboards"])]
    lines = parse_document(make_dated_cv_pdf(rows), "dated.pdf", limits=FAST).text.splitlines()
    for title, dates, _ in rows:
        assert f"{title} {dates}" in lines


def test_fast_path_gives_pdfplumbers_text_on_a_one_column_cv() -> None:
    data = make_pdf([sample_cv_text(), "Second page: references on request."])

    fast = parse_document(data, "cv.pdf", limits=FAST)
    slow = parse_document(data, "cv.pdf", limits=PLUMBER)

    assert fast.text == slow.text and fast.pages == slow.pages == 2
    assert [s.name for s in fast.sections] == [s.name for s in slow.sections]


def test_fast_path_keeps_the_page_limit_and_its_warning() -> None:
    data = make_pdf(["Alpha page text.", "Bravo page text.", "Charlie page text."])
    doc = parse_document(data, "long.pdf", limits=ParseLimits(max_pages=2, pdf_reader="fast"))
    assert "Charlie" not in doc.text and doc.pages == 3
    assert any("first 2 of 3 pages" in w for w in doc.warnings)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (make_encrypted_pdf(sample_cv_text()), "password-protected"),
        (make_pdf([sample_cv_text()])[:400], "damaged or not a valid PDF"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 20, "damaged or not a valid PDF"),
        (make_image_only_pdf(), "no text layer"),
    ],
    ids=["encrypted", "truncated", "garbage", "scan"],
)
def test_fast_path_refuses_bad_pdfs_with_the_same_reasons(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_document(data, "bad.pdf", limits=FAST)


def test_pdfium_objects_are_closed_after_each_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import pypdfium2

    opened, closed = [], []
    original = pypdfium2.PdfDocument

    class Tracked(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            opened.append(self)

        def close(self) -> None:
            closed.append(self)
            super().close()

    monkeypatch.setattr(pypdfium2, "PdfDocument", Tracked)
    for _ in range(3):
        parse_document(make_pdf([sample_cv_text()]), "cv.pdf", limits=FAST)
    assert len(opened) == 3 and len(closed) == 3


def test_parse_many_keeps_input_order_and_isolates_bad_files() -> None:
    items = [(make_pdf([f"Candidate number {i}. Skills: Python, SQL."]), f"cv{i}.pdf") for i in range(6)]
    items.insert(2, (b"%PDF-1.4 broken", "broken.pdf"))
    items.insert(4, (make_encrypted_pdf(sample_cv_text()), "locked.pdf"))

    results = parse_many(items, workers=2)

    assert [r.filename for r in results] == [name for _, name in items]
    assert isinstance(results[2], ParseFailure) and "damaged" in results[2].reason
    assert isinstance(results[4], ParseFailure) and "password" in results[4].reason
    docs = [r for r in results if isinstance(r, Document)]
    assert [d.text for d in docs] == [f"Candidate number {i}. Skills: Python, SQL." for i in range(6)]


def test_parse_many_in_process_for_tiny_batches() -> None:
    results = parse_many([(b"Anna Example\nSkills\nPython\n", "a.txt"), (b"", "empty.txt")])
    assert isinstance(results[0], Document) and isinstance(results[1], ParseFailure)


@pytest.mark.slow
@pytest.mark.skipif(not LIVECAREER.is_dir(), reason=f"real resume PDFs not present at {LIVECAREER}")
def test_fast_path_text_matches_pdfplumber_on_real_cvs() -> None:
    folders = [folder for folder in sorted(LIVECAREER.iterdir()) if folder.is_dir()]
    paths = [sorted(folder.glob("*.pdf"))[1] for folder in folders][:12]
    ratios = []
    for path in paths:
        data = path.read_bytes()
        fast = parse_document(data, path.name, limits=FAST).text.split()
        slow = parse_document(data, path.name, limits=PLUMBER).text.split()
        ratios.append(difflib.SequenceMatcher(None, fast, slow, autojunk=False).ratio())
    assert min(ratios) >= 0.95, ratios
    assert sum(r >= 0.98 for r in ratios) >= 0.8 * len(ratios), ratios

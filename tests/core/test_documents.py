"""Uploads into text: what a recruiter sees when they drop PDFs, DOCX, TXT files and ZIPs."""

from __future__ import annotations

import hashlib
import io
import random
import time
import tracemalloc
from pathlib import Path

import pytest

from core.config import ParseLimits
from core.documents import (
    SUPPORTED_EXTENSIONS,
    Document,
    ParseFailure,
    UploadedFile,
    detect_file_type,
    expand_uploads,
    normalize_text,
    parse_document,
    parse_uploads,
)
from core.errors import ParseError, UnsupportedFileType
from tests.docfactory import (
    MB,
    make_dated_cv_pdf,
    make_docx,
    make_encrypted_pdf,
    make_image_only_pdf,
    make_lying_zip,
    make_pdf,
    make_two_column_pdf,
    make_zip,
    make_zip_bomb,
    sample_cv_text,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
LIVECAREER = SHARED / "resumes_by_category" / "livecareer_pdfs"
CV_LAYOUTS = SHARED / "cv_layouts"


def flat(text: str) -> str:
    """Text with every run of whitespace as one space: wrapped lines compare as sentences."""
    return " ".join(text.split())


def noise(n: int, *, seed: int) -> bytes:
    """Reproducible random bytes: binary garbage."""
    return random.Random(seed).randbytes(n)


def section_names(doc: Document) -> list[str]:
    return [s.name for s in doc.sections]


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------


def test_one_column_pdf_gives_text_pages_sections_and_hash() -> None:
    data = make_pdf([sample_cv_text()])

    doc = parse_document(data, "anna.pdf")

    assert doc.file_type == "pdf"
    assert doc.pages == 1
    assert doc.filename == "anna.pdf"
    assert "Senior Data Engineer, Northwind Logistics GmbH, Berlin" in doc.text
    assert "Apache Airflow" in doc.text
    assert section_names(doc) == ["header", "summary", "experience", "education", "skills", "languages"]
    assert doc.content_hash == hashlib.sha256(data).hexdigest()
    assert doc.warnings == ()


def test_multi_page_pdf_keeps_page_order_and_counts_pages() -> None:
    doc = parse_document(make_pdf(["Alpha page text.", "Bravo page text.", "Charlie page text."]), "cv.pdf")

    assert doc.pages == 3
    assert doc.text.index("Alpha") < doc.text.index("Bravo") < doc.text.index("Charlie")


def test_pages_beyond_the_limit_are_not_read_and_the_user_is_told() -> None:
    data = make_pdf(["Alpha page text.", "Bravo page text.", "Charlie page text."])

    doc = parse_document(data, "long.pdf", limits=ParseLimits(max_pages=2))

    assert doc.pages == 3
    assert "Bravo" in doc.text
    assert "Charlie" not in doc.text
    assert any("first 2 of 3 pages" in w for w in doc.warnings)


LEFT = [
    "Ada left sentence one about building pipelines for logistics.",
    "Ada left sentence two about streaming events from warehouses.",
    "Ada left sentence three about mentoring junior engineers.",
    "Ada left sentence four about code review practice.",
    "Ada left sentence five about dashboards for finance teams.",
]
RIGHT = [
    "Bob right sentence one about customer data models.",
    "Bob right sentence two about data quality checks.",
    "Bob right sentence three about pricing errors caught early.",
    "Bob right sentence four about marketing analytics.",
    "Bob right sentence five about nightly reporting runs.",
]


def test_two_column_pdf_reads_whole_left_column_then_whole_right_column() -> None:
    data = make_two_column_pdf(LEFT, RIGHT)
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:  # the layout really interleaves when read naively
        naive = flat(pdf.pages[0].extract_text())
    assert naive.index("Bob right sentence one") < naive.index("Ada left sentence five")

    text = flat(parse_document(data, "two.pdf").text)

    positions = [text.index(sentence) for sentence in LEFT + RIGHT]  # each sentence intact
    assert positions == sorted(positions)


def test_two_column_pdf_with_same_baselines_is_still_read_column_by_column() -> None:
    text = flat(parse_document(make_two_column_pdf(LEFT, RIGHT, right_offset_mm=0), "two.pdf").text)

    positions = [text.index(sentence) for sentence in LEFT + RIGHT]
    assert positions == sorted(positions)


def test_sidebar_cv_keeps_header_first_and_each_column_under_its_headings() -> None:
    left = ["CONTACT", "anna@example.com", "Berlin", "SKILLS", "Python", "SQL", "Docker"]
    left += ["LANGUAGES", "German", "English"]
    right = [
        "EXPERIENCE",
        "Senior Data Engineer, Northwind Logistics, 2021 - present. Designed batch and streaming pipelines.",
        "Data Engineer, Contoso Retail, 2018 - 2021. Built the customer data model.",
        "EDUCATION",
        "M.Sc. Computer Science, Technical University of Examplestadt, 2018",
    ]
    data = make_two_column_pdf(left, right, header="Anna Example, Data Engineer")

    doc = parse_document(data, "sidebar.pdf")

    assert doc.text.startswith("Anna Example, Data Engineer")
    assert section_names(doc) == ["header", "contact", "skills", "languages", "experience", "education"]
    by_name = {s.name: doc.text[s.start : s.end] for s in doc.sections}
    assert "English" in by_name["languages"] and "Contoso" not in by_name["languages"]
    assert "Contoso Retail" in by_name["experience"] and "Docker" not in by_name["experience"]


def test_right_aligned_dates_stay_on_their_job_title_line() -> None:
    entries = [
        ("Senior Data Engineer, Northwind", "March 2021 - present", ["Built pipelines", "Led a team"]),
        ("Data Engineer, Contoso", "July 2018 - February 2021", ["Customer data model", "Quality checks"]),
        ("Intern, Fabrikam", "2017 - 2018", ["Dashboards", "SQL reports"]),
    ]
    education = [
        ("M.Sc. Computer Science, TU Examplestadt", "2016 - 2018", []),
        ("B.Sc. Mathematics, University of Sampleton", "2013 - 2016", []),
        ("AWS Certified Solutions Architect", "May 2020", []),
        ("Abitur, Example Gymnasium", "2013", []),
    ]
    for rows in (entries, education):
        lines = parse_document(make_dated_cv_pdf(rows), "dated.pdf").text.splitlines()
        for title, dates, _ in rows:
            assert f"{title} {dates}" in lines


def test_password_protected_pdf_is_refused_with_a_reason() -> None:
    with pytest.raises(ParseError, match="password-protected"):
        parse_document(make_encrypted_pdf(sample_cv_text()), "locked.pdf")


@pytest.mark.parametrize(
    "data",
    [
        make_pdf([sample_cv_text()])[:400],  # truncated download
        b"%PDF-1.7\n" + noise(5000, seed=1),  # garbage after a header
        b"this is not a pdf at all, just text",  # a text file named .pdf
    ],
    ids=["truncated", "garbage", "text-named-pdf"],
)
def test_damaged_pdf_is_refused_with_a_reason(data: bytes) -> None:
    with pytest.raises(ParseError, match="damaged or not a valid PDF") as caught:
        parse_document(data, "broken.pdf")
    assert str(caught.value).startswith("the file is")  # the caller shows the file name, once
    assert "broken.pdf" not in str(caught.value)


def test_scanned_pdf_without_text_layer_is_refused_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.documents.parse as parse_module

    monkeypatch.setattr(parse_module, "ocr_available", lambda: False)  # OCR itself: tests/core/test_ocr.py
    with pytest.raises(ParseError, match="no text layer") as caught:
        parse_document(make_image_only_pdf(), "scan.pdf")
    assert "apt-get install tesseract-ocr" in str(caught.value)


def test_scan_without_readable_text_is_refused_with_a_reason() -> None:
    from core.documents.ocr import ocr_available

    if not ocr_available():
        pytest.skip("tesseract is not installed")
    with pytest.raises(ParseError, match="no text layer .* no text that text recognition"):
        parse_document(make_image_only_pdf(), "scan.pdf")  # grey bars, no letters


def test_unexpected_library_error_becomes_parse_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import pdfplumber
    import pypdfium2

    def explode(*args: object, **kwargs: object) -> None:
        raise AssertionError("pdfminer internal state")

    monkeypatch.setattr(pdfplumber, "open", explode)
    monkeypatch.setattr(pypdfium2, "PdfDocument", explode)  # the fast path falls back to pdfplumber
    with pytest.raises(ParseError, match="damaged"):
        parse_document(make_pdf(["Hello"]), "cv.pdf")


@pytest.mark.parametrize("library", ["pdfplumber", "pypdfium2"])
def test_memory_error_is_not_swallowed(monkeypatch: pytest.MonkeyPatch, library: str) -> None:
    import pdfplumber
    import pypdfium2

    def exhaust(*args: object, **kwargs: object) -> None:
        raise MemoryError

    if library == "pdfplumber":
        monkeypatch.setattr(pdfplumber, "open", exhaust)
    else:
        monkeypatch.setattr(pypdfium2, "PdfDocument", exhaust)
    with pytest.raises(MemoryError):
        parse_document(make_pdf(["Hello"]), "cv.pdf", limits=ParseLimits(pdf_reader=library.replace("pypdfium2", "fast")))


# ---------------------------------------------------------------------------------------------
# Type detection, size, emptiness
# ---------------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


def test_image_named_pdf_is_read_as_an_image() -> None:
    assert detect_file_type(PNG, "cv.pdf") == "image"  # scans are read by OCR: tests/core/test_ocr.py
    with pytest.raises(ParseError, match="image"):
        parse_document(PNG, "cv.pdf")  # a PNG signature and nothing else


def test_other_images_are_unsupported_and_name_the_supported_types() -> None:
    with pytest.raises(UnsupportedFileType, match="GIF image") as caught:
        parse_document(b"GIF89a" + bytes(200), "cv.pdf")
    assert "PDF, DOCX, TXT" in str(caught.value)


def test_legacy_word_doc_is_unsupported_with_a_hint() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    with pytest.raises(UnsupportedFileType, match="save it as DOCX or PDF"):
        parse_document(ole, "cv.doc")


def test_zip_given_to_parse_document_says_upload_it_as_a_batch() -> None:
    with pytest.raises(UnsupportedFileType, match="batch"):
        parse_document(make_zip({"a.txt": b"Anna"}), "cvs.zip")


def test_magic_bytes_beat_the_extension() -> None:
    assert detect_file_type(make_pdf(["Hi"]), "cv.txt") == "pdf"
    assert detect_file_type(make_docx(["Hi"]), "cv.pdf") == "docx"
    assert detect_file_type(b"Plain notes about a candidate", "notes.md") == "txt"
    assert detect_file_type(b"Jane Doe, accountant", "Resume - J. Doe") == "txt"  # dots in a name: still text
    with pytest.raises(UnsupportedFileType):
        detect_file_type(noise(2000, seed=2), "blob.bin")
    # Text under a program's, a page's or a data file's name is not a CV to rank (it ranked above real CVs).
    for name in ("notes.exe", "index.html", "export.csv", "run.sh"):
        with pytest.raises(UnsupportedFileType, match="is not a CV document"):
            detect_file_type(b"junk", name)
    assert SUPPORTED_EXTENSIONS == (".pdf", ".docx", ".txt", ".zip", ".png", ".jpg", ".jpeg", ".tif", ".tiff")


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  "], ids=["zero-bytes", "whitespace"])
def test_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_document(data, "empty.txt")


def test_file_over_the_size_limit_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    import pdfplumber

    monkeypatch.setattr(pdfplumber, "open", lambda *a, **k: pytest.fail("a too-large file was parsed"))
    data = make_pdf([sample_cv_text()])
    with pytest.raises(ParseError, match="limit"):
        parse_document(data, "big.pdf", limits=ParseLimits(max_file_bytes=len(data) - 1))


def test_text_over_the_character_limit_is_cut_with_a_warning() -> None:
    doc = parse_document(("word " * 5000).encode(), "long.txt", limits=ParseLimits(max_text_chars=1000))

    assert len(doc.text) <= 1000
    assert doc.text.endswith("word")  # cut between words
    assert any("1,000 characters" in w for w in doc.warnings)


# ---------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------


def test_docx_reads_paragraphs_and_table_cells_in_document_order() -> None:
    data = make_docx(
        ["Anna Example", "Skills", "Experience", "Led the migration to the cloud."],
        [["Python", "Expert"], ["SQL", "Advanced"]],
        table_position=2,
    )

    doc = parse_document(data, "anna.docx")

    assert doc.file_type == "docx" and doc.pages == 1
    text = doc.text
    assert text.index("Skills") < text.index("Python | Expert") < text.index("SQL | Advanced")
    assert text.index("SQL | Advanced") < text.index("Experience") < text.index("Led the migration")
    assert section_names(doc) == ["header", "skills", "experience"]


def test_docx_layout_table_reads_each_cell_whole() -> None:
    sidebar = "CONTACT\nanna@example.com\nSKILLS\nPython"
    main = "EXPERIENCE\nData Engineer at Contoso\nBuilt the customer data model"
    doc = parse_document(make_docx(["Anna Example"], [[sidebar, main]]), "layout.docx")

    assert flat(sidebar) + " " + flat(main) in flat(doc.text)
    assert section_names(doc) == ["header", "contact", "skills", "experience"]


def test_docx_text_boxes_are_read_once() -> None:
    data = make_docx(["Experience", "Data Engineer at Contoso"], text_boxes=["SIDEBAR Python, SQL, Docker"])

    doc = parse_document(data, "boxes.docx")

    assert doc.text.count("SIDEBAR Python, SQL, Docker") == 1
    assert doc.text.index("SIDEBAR") < doc.text.index("Data Engineer at Contoso")


@pytest.mark.parametrize(
    "data",
    [
        make_docx(["Anna"])[:300],  # truncated
        make_zip({"word/document.xml": b"<not xml", "[Content_Types].xml": b"<also not"}),
    ],
    ids=["truncated", "bad-xml"],
)
def test_damaged_docx_is_refused_with_a_reason(data: bytes) -> None:
    with pytest.raises(ParseError, match="DOCX"):
        parse_document(data, "broken.docx")


def test_docx_zip_bomb_is_refused_without_expanding_it() -> None:
    bomb = make_zip_bomb(200 * MB, name="word/document.xml")
    tracemalloc.start()
    try:
        with pytest.raises(ParseError, match="not read"):
            parse_document(bomb, "bomb.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * MB


# ---------------------------------------------------------------------------------------------
# TXT and normalisation
# ---------------------------------------------------------------------------------------------

CV_LINE = "Zoë Müller – Café manager, São Paulo\nSkills\nPython"


@pytest.mark.parametrize(
    "data",
    [
        CV_LINE.encode("utf-8"),
        CV_LINE.encode("utf-8-sig"),
        CV_LINE.encode("utf-16"),  # with BOM
        CV_LINE.encode("utf-16-le"),  # without BOM, as some Windows tools write it
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-le-no-bom"],
)
def test_unicode_text_files_decode_exactly(data: bytes) -> None:
    doc = parse_document(data, "zoe.txt")

    assert doc.text == CV_LINE
    assert doc.warnings == ()
    assert doc.file_type == "txt"


def test_latin1_text_file_keeps_accents_and_warns() -> None:
    doc = parse_document("José Pérez\nExperiência em Python".encode("latin-1"), "jose.txt")

    assert doc.text == "José Pérez\nExperiência em Python"
    assert any("Latin-1" in w for w in doc.warnings)


def test_windows_1252_quotes_and_dashes_survive() -> None:
    doc = parse_document("“Team lead” – 2019".encode("cp1252"), "q.txt")

    assert doc.text == "“Team lead” – 2019"


def test_binary_garbage_named_txt_is_refused() -> None:
    garbage = noise(4000, seed=3)
    with pytest.raises(ParseError, match="not a text file"):
        parse_document(garbage, "notes.txt")


def test_text_is_normalised() -> None:
    raw = "Anna\u00a0Example  \r\nData\u200b Engineer\x00\x07" + "\r\n" * 5 + "Skills\t \n\ufb01nance ﬂows"
    doc = parse_document(raw.encode(), "n.txt")

    assert doc.text == "Anna Example\nData Engineer\n\n\nSkills\nfinance flows"


def test_cp1252_mojibake_is_repaired_and_noted() -> None:
    garbled = "Managerâ€“Sales, CafÃ© owner â€œbestâ€\x9d\nCompany Name ï¼\u200b City"
    doc = parse_document(garbled.encode(), "m.txt")

    assert doc.text == "Manager–Sales, Café owner “best”\nCompany Name - City"
    assert any("repaired" in w for w in doc.warnings)


@pytest.mark.parametrize(
    "clean",
    ["Ärztin – Zürich, “quoted”, Âge", "Café\u00a0» fin", "„Groß“", "«CAFÉ»", "voilà…", "Ñandú"],
)
def test_real_accents_next_to_punctuation_are_not_taken_for_mojibake(clean: str) -> None:
    text, notes = normalize_text(clean)

    assert text == clean.replace("\u00a0", " ")
    assert notes == []


# ---------------------------------------------------------------------------------------------
# ZIP batches
# ---------------------------------------------------------------------------------------------


def good_members() -> dict[str, bytes]:
    return {
        "batch/anna.pdf": make_pdf([sample_cv_text("Anna Example")]),
        "batch/ben.docx": make_docx(sample_cv_text("Ben Sample").splitlines()),
        "batch/cleo.txt": sample_cv_text("Cleo Test").encode(),
    }


def test_zip_batch_gives_a_document_per_good_file_and_a_failure_for_the_bad_one() -> None:
    members = good_members() | {"batch/dora.pdf": b"%PDF-1.4 broken"}
    results = list(parse_uploads([UploadedFile("cvs.zip", make_zip(members))]))

    docs = [r for r in results if isinstance(r, Document)]
    failures = [r for r in results if isinstance(r, ParseFailure)]
    assert [d.filename for d in docs] == [f"cvs.zip/batch/{n}" for n in ("anna.pdf", "ben.docx", "cleo.txt")]
    assert [d.text.splitlines()[0] for d in docs] == ["Anna Example", "Ben Sample", "Cleo Test"]
    assert [f.filename for f in failures] == ["cvs.zip/batch/dora.pdf"]
    assert "PDF" in failures[0].reason
    assert "dora.pdf" not in failures[0].reason  # the name is in .filename, not repeated in .reason


def test_plain_files_and_zips_mix_in_one_upload_in_order() -> None:
    files = [
        UploadedFile("first.txt", b"First candidate"),
        UploadedFile("more.zip", make_zip({"b.txt": b"Second candidate", "c.txt": b"Third candidate"})),
        UploadedFile("last.png", PNG),
    ]
    results = list(parse_uploads(files))

    assert [r.filename for r in results] == ["first.txt", "more.zip/b.txt", "more.zip/c.txt", "last.png"]
    assert isinstance(results[-1], ParseFailure) and "image" in results[-1].reason  # a PNG header only


def test_zip_members_with_unsafe_paths_are_refused_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    hostile = {
        "../x.txt": b"escape",
        "/abs.txt": b"absolute",
        "C:/windows.txt": b"drive",
        "safe\\..\\..\\back.txt": b"backslashes",
        "ok.txt": b"Fine candidate",
    }

    results = list(expand_uploads([UploadedFile("evil.zip", make_zip(hostile))]))

    failures = {r.filename: r.reason for r in results if isinstance(r, ParseFailure)}
    assert set(failures) == {f"evil.zip/{n.replace(chr(92), '/')}" for n in hostile if n != "ok.txt"}
    assert all("unsafe path" in reason for reason in failures.values())
    assert [r.filename for r in results if isinstance(r, UploadedFile)] == ["evil.zip/ok.txt"]
    assert list(workdir.iterdir()) == [] and not (tmp_path / "x.txt").exists()


def test_zip_bomb_is_refused_without_allocating_its_expanded_size() -> None:
    bomb = make_zip_bomb(200 * MB)
    tracemalloc.start()
    try:
        results = list(parse_uploads([UploadedFile("bomb.zip", bomb)]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert len(results) == 1 and isinstance(results[0], ParseFailure)
    assert "not read" in results[0].reason
    assert peak < 20 * MB


def test_zip_bomb_under_the_size_limit_is_caught_by_its_compression_ratio() -> None:
    bomb = make_zip_bomb(15 * MB)  # under the 20 MB per-file limit, but compressed ~1000:1

    [result] = expand_uploads([UploadedFile("bomb.zip", bomb)])

    assert isinstance(result, ParseFailure) and "ZIP bomb" in result.reason


def test_zip_member_that_lies_about_its_size_is_not_read_past_the_declared_size() -> None:
    lying = make_lying_zip(bytes(50 * MB), declared_size=1000)
    tracemalloc.start()
    try:
        [result] = expand_uploads([UploadedFile("lies.zip", lying)])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert isinstance(result, ParseFailure) and result.filename == "lies.zip/cv.txt"
    assert peak < 5 * MB


def test_zip_inside_a_zip_is_refused_per_member() -> None:
    inner = make_zip({"x.txt": b"inner candidate"})
    outer = make_zip({"inner.zip": inner, "disguised.dat": inner, "ok.txt": b"Outer candidate"})

    results = list(expand_uploads([UploadedFile("outer.zip", outer)]))

    failures = [r for r in results if isinstance(r, ParseFailure)]
    assert [f.filename for f in failures] == ["outer.zip/inner.zip", "outer.zip/disguised.dat"]
    assert all("ZIP inside a ZIP" in f.reason for f in failures)
    assert [r.filename for r in results if isinstance(r, UploadedFile)] == ["outer.zip/ok.txt"]


def test_zip_with_too_many_members_is_refused_as_a_whole() -> None:
    crowded = make_zip({f"cv{i}.txt": b"Candidate" for i in range(6)})

    limits = ParseLimits(max_zip_members=5)

    results = list(expand_uploads([UploadedFile("crowded.zip", crowded)], limits=limits))

    assert len(results) == 1 and isinstance(results[0], ParseFailure)
    assert results[0].filename == "crowded.zip" and "6 entries" in results[0].reason


def test_zip_expanding_beyond_the_total_limit_is_refused_as_a_whole() -> None:
    members = {f"cv{i}.txt": b"Candidate " * 1000 for i in range(5)}  # 50 KB, zipped to ~1 KB
    limits = ParseLimits(max_zip_total_bytes=40_000)

    results = list(expand_uploads([UploadedFile("big.zip", make_zip(members))], limits=limits))

    assert len(results) == 1 and isinstance(results[0], ParseFailure)
    assert "would expand to 49 KB, more than the 39 KB allowed" in results[0].reason


def test_damaged_zip_gives_one_failure() -> None:
    data = make_zip(good_members())
    results = list(parse_uploads([UploadedFile("cut.zip", data[: len(data) // 2])]))

    assert len(results) == 1 and isinstance(results[0], ParseFailure)
    assert results[0].filename == "cut.zip" and "damaged" in results[0].reason


def test_encrypted_zip_member_is_refused() -> None:
    data = make_zip({"secret.txt": b"hidden", "open.txt": b"Visible candidate"}, encrypted=["secret.txt"])

    results = list(expand_uploads([UploadedFile("mixed.zip", data)]))

    assert isinstance(results[0], ParseFailure) and "password-protected" in results[0].reason
    assert isinstance(results[1], UploadedFile) and results[1].data == b"Visible candidate"


def test_folders_and_os_junk_in_a_zip_are_skipped_silently() -> None:
    data = make_zip(
        {
            "cvs/": b"",
            "cvs/anna.txt": b"Anna",
            "__MACOSX/cvs/._anna.txt": b"\x00\x05\x16\x07",
            "cvs/.DS_Store": b"\x00\x00\x00\x01Bud1",
            "cvs/~$draft.docx": b"lock",
            "Thumbs.db": b"\xd0\xcf\x11\xe0",
        }
    )

    results = list(expand_uploads([UploadedFile("mac.zip", data)]))

    assert results == [UploadedFile("mac.zip/cvs/anna.txt", b"Anna")]


def test_files_beyond_the_upload_limit_are_refused_one_by_one() -> None:
    files = [UploadedFile("a.txt", b"A"), UploadedFile("b.zip", make_zip({"b1.txt": b"B1", "b2.txt": b"B2"}))]
    files += [UploadedFile("c.txt", b"C")]

    results = list(expand_uploads(files, limits=ParseLimits(max_files_per_upload=2)))

    assert [type(r) for r in results] == [UploadedFile, UploadedFile, ParseFailure, ParseFailure]
    assert [r.filename for r in results] == ["a.txt", "b.zip/b1.txt", "b.zip/b2.txt", "c.txt"]
    assert "at most 2 files" in results[2].reason


def test_failure_reasons_are_sentences_without_the_file_name() -> None:
    batch = make_zip({"../up.txt": b"x", "inner.zip": make_zip({"x.txt": b"y"}), "cv.pdf": b"%PDF-1.4 broken"})
    files = [
        UploadedFile("empty.txt", b""),
        UploadedFile("photo.pdf", PNG),
        UploadedFile("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
        UploadedFile("locked.pdf", make_encrypted_pdf(sample_cv_text())),
        UploadedFile("scan.pdf", make_image_only_pdf()),
        UploadedFile("noise.txt", noise(4000, seed=3)),
        UploadedFile("batch.zip", batch),
        UploadedFile("cut.zip", batch[: len(batch) // 2]),
    ]

    results = list(parse_uploads(files))

    assert all(isinstance(r, ParseFailure) for r in results)
    assert len(results) == 10
    for failure in results:  # the UI and CLI show failure.filename next to the reason
        assert failure.filename.rsplit("/", 1)[-1] not in failure.reason, failure
        assert failure.reason.startswith("the ") or failure.reason[0].isupper(), failure


def test_parse_uploads_is_lazy() -> None:
    def endless() -> object:
        i = 0
        while True:
            i += 1
            yield UploadedFile(f"cv{i}.txt", f"Candidate {i}".encode())

    results = parse_uploads(endless())  # type: ignore[arg-type]

    assert next(results).text == "Candidate 1"
    assert next(results).text == "Candidate 2"


# ---------------------------------------------------------------------------------------------
# Real documents (read when ../shared/data is there)
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not LIVECAREER.is_dir(), reason=f"real resume PDFs not present at {LIVECAREER}")
def test_real_livecareer_pdfs_parse_to_text_with_sections() -> None:
    folders = [folder for folder in sorted(LIVECAREER.iterdir()) if folder.is_dir()]
    paths = [sorted(folder.glob("*.pdf"))[0] for folder in folders][:10]  # ten occupations
    assert len(paths) == 10

    start = time.perf_counter()
    docs = [parse_document(p.read_bytes(), p.name) for p in paths]
    elapsed = time.perf_counter() - start

    for path, doc in zip(paths, docs, strict=True):
        assert len(doc.text) > 500, path
        assert doc.sections and "experience" in section_names(doc), path
        assert "â€" not in doc.text and "ï¼" not in doc.text, path  # the usual mojibake is repaired
    print(f"\n{len(docs)} livecareer PDFs in {elapsed:.2f} s: {len(docs) / elapsed:.1f} CVs/s")  # noqa: T201


@pytest.mark.slow
@pytest.mark.skipif(not CV_LAYOUTS.is_dir(), reason=f"CV layout samples not present at {CV_LAYOUTS}")
def test_one_cv_in_three_themes_parses_to_the_same_sections_and_facts() -> None:
    paths = sorted(CV_LAYOUTS.glob("rendercv_John_Doe_*.pdf"))
    docs = [parse_document(p.read_bytes(), p.name) for p in paths]

    assert len(docs) == 3
    for doc in docs:
        assert section_names(doc)[1:] == [
            "education", "experience", "projects", "publications", "awards", "skills",
        ]
        text = flat(doc.text)
        assert "Princeton University" in text and "PhD in Computer Science" in text
        assert "Nexus AI" in text and "2M+ monthly API requests" in text
        assert "\uf0e0" not in doc.text  # icon-font glyphs are dropped


@pytest.mark.slow
@pytest.mark.skipif(not CV_LAYOUTS.is_dir(), reason=f"CV layout samples not present at {CV_LAYOUTS}")
def test_real_word_cvs_parse() -> None:
    for path in sorted(CV_LAYOUTS.glob("*.docx")):
        doc = parse_document(path.read_bytes(), path.name)
        assert doc.file_type == "docx" and "skills" in section_names(doc), path.name

"""Scanned CVs: image-only PDFs and PNG / JPEG / TIFF files are read by OCR (Tesseract)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image, ImageDraw, ImageFont

import core.documents.ocr as ocr_module
import core.documents.parse as parse_module
from core.config import ParseLimits
from core.documents import Document, ParseFailure, UploadedFile, detect_file_type, parse_document, parse_many, parse_uploads
from core.documents.ocr import OCR_WARNING, ocr_available, ocr_image, ocr_pdf_pages
from core.errors import ParseError, UnsupportedFileType

needs_tesseract = pytest.mark.skipif(not ocr_available(), reason="tesseract-ocr is not installed (make installs it)")

LINES = (
    "Anna Example",
    "Senior Data Engineer",
    "Skills",
    "Python, Kubernetes, PostgreSQL",
    "Experience",
    "2019 - 2024 Acme Corporation, Berlin",
)
WORDS = ("anna", "engineer", "python", "kubernetes", "postgresql", "acme", "berlin")


def scanned_page(lines: tuple[str, ...] = LINES, *, width: int = 1600) -> Image.Image:
    """A clean 'scan': black text in a large font on white."""
    image = Image.new("L", (width, 120 + 110 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=40)
    for i, line in enumerate(lines):
        draw.text((80, 60 + i * 110), line, fill=0, font=font)
    return image


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def assert_read(text: str) -> None:
    lower = text.lower()
    found = [word for word in WORDS if word in lower]
    assert len(found) >= len(WORDS) - 1, (found, text)  # allow one misread word


@needs_tesseract
@pytest.mark.parametrize(("fmt", "name"), [("PNG", "cv.png"), ("JPEG", "cv.jpg"), ("TIFF", "cv.tiff")])
def test_image_cv_is_read_by_ocr_and_says_so(fmt: str, name: str) -> None:
    doc = parse_document(encoded(scanned_page(), fmt), name)

    assert doc.file_type == "image" and doc.ocr and doc.pages == 1
    assert OCR_WARNING in doc.warnings
    assert_read(doc.text)


@needs_tesseract
def test_image_only_pdf_is_read_by_ocr_and_says_so() -> None:
    data = encoded(scanned_page(), "PDF", resolution=200)

    doc = parse_document(data, "scan.pdf")

    assert doc.file_type == "pdf" and doc.ocr and doc.pages == 1
    assert OCR_WARNING in doc.warnings
    assert_read(doc.text)


@needs_tesseract
def test_pdf_pages_are_read_in_order_up_to_the_page_limit() -> None:
    pages = [scanned_page(("Page one", "Anna Example, Python developer")),
             scanned_page(("Page two", "Kubernetes and PostgreSQL in Berlin")),
             scanned_page(("Page three", "Never read"))]
    data = encoded(pages[0], "PDF", resolution=200, save_all=True, append_images=pages[1:])

    texts = ocr_pdf_pages(data, ParseLimits(max_pages=2))
    doc = parse_document(data, "scan.pdf", limits=ParseLimits(max_pages=2))

    assert len(texts) == 2 and "anna" in texts[0].lower() and "berlin" in texts[1].lower()
    assert doc.pages == 3 and "never" not in doc.text.lower()
    assert any("first 2 of 3 pages" in w for w in doc.warnings)


@needs_tesseract
def test_multipage_tiff_reads_every_page() -> None:
    first, second = scanned_page(("Anna Example", "Python developer")), scanned_page(("Kubernetes", "Acme in Berlin"))
    doc = parse_document(encoded(first, "TIFF", save_all=True, append_images=[second]), "scan.tif")

    assert doc.pages == 2 and "anna" in doc.text.lower() and "berlin" in doc.text.lower()


@needs_tesseract
def test_ocr_image_handles_colour_and_transparency() -> None:
    rgba = Image.new("RGBA", (1600, 300), (0, 0, 0, 0))  # transparent background: white, not black
    ImageDraw.Draw(rgba).text((80, 100), "Anna Example Python Kubernetes", fill=(0, 0, 0, 255),
                                font=ImageFont.load_default(size=40))

    assert "kubernetes" in ocr_image(rgba).lower()


@needs_tesseract
def test_blank_scan_is_refused_with_a_reason() -> None:
    blank = Image.new("L", (1600, 1000), 255)
    for fmt, name in (("PNG", "blank.png"), ("PDF", "blank.pdf")):
        with pytest.raises(ParseError, match="no text that text recognition") as caught:
            parse_document(encoded(blank, fmt), name)
        assert str(caught.value).startswith("the ")


@needs_tesseract
def test_decompression_bomb_image_is_refused_without_decoding() -> None:
    huge = encoded(Image.new("1", (20_000, 20_000), 1), "PNG")  # 400 M pixels in a few KB

    with pytest.raises(ParseError, match="too large"):
        parse_document(huge, "huge.png")


@needs_tesseract
def test_image_over_the_pillow_pixel_bound_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)  # warning zone: between 1x and 2x

    with pytest.raises(ParseError, match="too large"):
        parse_document(encoded(Image.new("L", (1500, 1000), 255), "PNG"), "big.png")


@pytest.mark.parametrize("name", ["cv.png", "cv.jpg", "cv.jpeg", "cv.tif", "cv.tiff"])
def test_damaged_images_are_refused_with_a_reason(name: str) -> None:
    with pytest.raises(ParseError, match="image"):
        parse_document(b"\x89PNG\r\n\x1a\n" + bytes(300), name)
    with pytest.raises(ParseError, match="not a valid PNG, JPEG or TIFF"):
        parse_document(b"\x00\x01\x02 not an image at all" * 20, name)


def test_images_are_detected_by_their_bytes() -> None:
    page = scanned_page(("A",), width=200)
    for fmt in ("PNG", "JPEG", "TIFF"):
        assert detect_file_type(encoded(page, fmt), "whatever.bin") == "image"
    with pytest.raises(UnsupportedFileType, match="GIF"):
        detect_file_type(encoded(page, "GIF"), "cv.gif")


def without_tesseract(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (ocr_module, parse_module):
        monkeypatch.setattr(module, "ocr_available", lambda: False)


@pytest.mark.parametrize(
    ("make", "name", "match"),
    [
        (lambda: encoded(scanned_page(), "PNG"), "cv.png", "scanned image"),
        (lambda: encoded(scanned_page(), "PDF"), "scan.pdf", "no text layer"),
    ],
    ids=["image", "pdf"],
)
def test_without_tesseract_scans_are_refused_with_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, make: Callable[[], bytes], name: str, match: str
) -> None:
    without_tesseract(monkeypatch)

    with pytest.raises(ParseError, match=match) as caught:
        parse_document(make(), name)
    assert "OCR" in str(caught.value) and "apt-get install tesseract-ocr" in str(caught.value)
    with pytest.raises(ParseError, match="apt-get install tesseract-ocr"):
        ocr_image(scanned_page())


def test_ocr_available_is_cached_and_false_without_the_program(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    ocr_available.cache_clear()
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    try:
        assert ocr_available() is False
        assert ocr_available.cache_info().hits == 0 and ocr_available() is False
        assert ocr_available.cache_info().hits == 1
    finally:
        ocr_available.cache_clear()


@needs_tesseract
def test_uploads_and_the_process_pool_read_scans() -> None:
    png = encoded(scanned_page(), "PNG")
    items = [(png, "a.png"), (encoded(scanned_page(), "JPEG"), "b.jpg"),
             (b"Plain text CV of Bob, Python", "c.txt"), (encoded(Image.new("L", (800, 600), 255), "PNG"), "d.png")]

    pooled = parse_many(items, workers=2)
    streamed = list(parse_uploads([UploadedFile(name, data) for data, name in items]))

    for results in (pooled, streamed):
        assert [type(r) for r in results] == [Document, Document, Document, ParseFailure]
        assert results[0].ocr and results[1].ocr and not results[2].ocr
        assert_read(results[0].text)


@needs_tesseract
def test_tesseract_runs_on_one_thread_and_the_environment_is_put_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import pytesseract

    seen: list[str | None] = []
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    monkeypatch.setattr(pytesseract, "image_to_string", lambda *a, **k: seen.append(os.environ.get("OMP_THREAD_LIMIT")) or "")
    ocr_image(scanned_page())
    assert seen == ["1"] and "OMP_THREAD_LIMIT" not in os.environ

    monkeypatch.setenv("OMP_THREAD_LIMIT", "4")  # an administrator's own setting is left alone
    ocr_image(scanned_page())
    assert seen == ["1", "4"] and os.environ["OMP_THREAD_LIMIT"] == "4"

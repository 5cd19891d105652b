"""OCR: text from scanned CVs (image-only PDFs, PNG / JPEG / TIFF files) by Tesseract.

Tesseract is a program (Debian's ``tesseract-ocr`` with ``tesseract-ocr-eng``), driven through
``pytesseract``; without it, scans are refused with a message that says how to install it.
Memory stays bounded: a PDF page is rendered by PDFium at about 300 dpi but never to more than
:data:`_MAX_PAGE_PIXELS` pixels, an image larger than Pillow's ``MAX_IMAGE_PIXELS`` is refused
before it is decoded, and pages are rendered and recognised one at a time. Time is bounded too:
each page has :data:`_PAGE_TIMEOUT_S`, and a document stops being read (with a warning) once
most of ``limits.parse_timeout_s`` is spent. Tesseract runs with ``OMP_THREAD_LIMIT=1`` (unless
the environment sets it): files are read in parallel by several processes already
(:func:`core.documents.parse_many`), and each Tesseract starting a thread per core would
oversubscribe the machine.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import os
import shutil
import threading
import time
import warnings as python_warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from core.config import ParseLimits
from core.errors import ParseError, RecruitError

logger = logging.getLogger(__name__)

OCR_WARNING = "Text read by OCR from a scanned page: check names and numbers."
OCR_UNAVAILABLE = (
    "text recognition (OCR) is not installed on this server; an administrator can add it with "
    "`apt-get install tesseract-ocr tesseract-ocr-eng`, or ask the candidate for a PDF saved from a "
    "word processor, or a DOCX"
)
_NEEDS_OCR = "the file needs text recognition, but " + OCR_UNAVAILABLE
_NOTHING_READ = (
    "{what} text recognition (OCR) could read; ask the candidate for a sharper scan, a PDF saved "
    "from a word processor, or a DOCX"
)
_LANG = "eng"
_DPI = 300
_MAX_PAGE_PIXELS = 12_000_000  # A4 at 300 dpi is 8.7 M; a grey page this size is 12 MB
_PAGE_TIMEOUT_S = 30.0
_TIME_SHARE = 0.8  # of limits.parse_timeout_s, after which no further page is started
_MIN_LETTERS = 20
_MIN_LETTER_SHARE = 0.5  # of the non-blank characters: below, it is noise read as symbols


@functools.cache
def ocr_available() -> bool:
    """Whether the Tesseract program and its English data are installed (checked once)."""
    try:
        import pytesseract
    except ImportError:
        return False
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return False
    try:
        return _LANG in pytesseract.get_languages(config="")
    except Exception as exc:  # a broken install: behave as if there were none
        logger.warning("tesseract is on PATH but does not run: %r", exc)
        return False


def ocr_image(image: Any, *, timeout_s: float = _PAGE_TIMEOUT_S) -> str:
    """The text Tesseract reads on one PIL image (shrunk to at most :data:`_MAX_PAGE_PIXELS`).

    Raises:
        ParseError: OCR is not installed, or the page took longer than ``timeout_s``.
    """
    if not ocr_available():
        raise ParseError(_NEEDS_OCR)
    import pytesseract

    page = _grey(_bounded(image))
    try:
        with _one_thread():
            return pytesseract.image_to_string(page, lang=_LANG, timeout=max(1.0, timeout_s))
    except RuntimeError as exc:  # pytesseract's "Tesseract process timeout"
        if "timeout" in str(exc).lower():
            raise _PageTimeout(f"text recognition (OCR) took longer than {timeout_s:g} s on a page") from exc
        raise


def ocr_pdf_pages(
    data: bytes, limits: ParseLimits, *, notes: list[str] | None = None, pages: Sequence[int] | None = None
) -> list[str]:
    """The OCR text of each page of a PDF, at most ``limits.max_pages`` pages.

    ``pages`` (0-based indices) reads only those pages (e.g. the ones whose text layer is
    garbled); the result then has one text per index, in that order. Pages that time out give
    ``""``; pages left unread for lack of time are not in the list. ``notes`` (when given)
    receives a sentence for each of these.
    """
    import pypdfium2 as pdfium

    if not ocr_available():
        raise ParseError(_NEEDS_OCR)
    pdf = pdfium.PdfDocument(data)
    try:
        count = min(len(pdf), limits.max_pages)
        chosen = list(range(count)) if pages is None else [i for i in pages if 0 <= i < count]
        return _ocr_pages(
            len(chosen), lambda k: _render(pdf, chosen[k]), limits, notes if notes is not None else []
        )
    finally:
        pdf.close()


def read_scanned_pdf(data: bytes, limits: ParseLimits) -> tuple[str, int, list[str]]:
    """An image-only PDF as (text, page count, warnings), or a ParseError saying why not."""
    import pypdfium2 as pdfium

    notes: list[str] = []
    texts = ocr_pdf_pages(data, limits, notes=notes)
    pdf = pdfium.PdfDocument(data)
    try:
        total = len(pdf)
    finally:
        pdf.close()
    return _result(texts, total, notes, "the PDF has no text layer (it looks like a scanned image) and no text that")


def read_image(data: bytes, name: str, limits: ParseLimits) -> tuple[str, int, list[str]]:
    """A PNG, JPEG or TIFF file (every frame of a multi-page TIFF) as (text, pages, warnings)."""
    if not ocr_available():
        raise ParseError("the file is a scanned image, but " + OCR_UNAVAILABLE)
    from PIL import Image, UnidentifiedImageError

    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ParseError(_too_big_message()) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ParseError("the image is damaged or not a valid PNG, JPEG or TIFF file") from exc

    def frame(index: int) -> Any:
        try:
            image.seek(index)
            if image.width * image.height > _max_pixels():  # a later TIFF frame
                raise ParseError(_too_big_message())
            image.draft("L", _target_size(image.width, image.height))  # JPEG: decode shrunk
            image.load()
        except (RecruitError, MemoryError):
            raise
        except Exception as exc:  # truncated or hostile data: Pillow raises many kinds
            logger.info("image %s frame %d unreadable: %r", name, index, exc)
            raise ParseError("the image is damaged and could not be read; ask the candidate for a new copy") from exc
        return image

    notes: list[str] = []
    try:
        total = int(getattr(image, "n_frames", 1) or 1)
        texts = _ocr_pages(min(total, limits.max_pages), frame, limits, notes)
    finally:
        image.close()
    return _result(texts, total, notes, "the image has no text that")


def _ocr_pages(count: int, page_image: Callable[[int], Any], limits: ParseLimits, notes: list[str]) -> list[str]:
    """OCR pages ``0..count-1`` one at a time, within the per-page and per-file time."""
    deadline = time.monotonic() + limits.parse_timeout_s * _TIME_SHARE
    texts: list[str] = []
    timed_out = 0
    for index in range(count):
        left = deadline - time.monotonic()
        if index and left <= 1.0:
            notes.append(f"text recognition (OCR) ran out of time: only the first {index} pages were read")
            break
        try:
            texts.append(ocr_image(page_image(index), timeout_s=min(_PAGE_TIMEOUT_S, max(left, 1.0))))
        except _PageTimeout:
            timed_out += 1
            texts.append("")
    if timed_out:
        notes.append(f"text recognition (OCR) gave up on {timed_out} page(s) that took too long")
    return texts


def _result(texts: list[str], total: int, notes: list[str], refusal: str) -> tuple[str, int, list[str]]:
    """(text, pages, warnings) of an OCR read; refused when OCR read too few letters."""
    text = "\n\n".join(texts)
    _check_readable(text, refusal)
    warnings = [OCR_WARNING, *notes]
    if len(texts) < total and not notes:
        warnings.append(f"only the first {len(texts)} of {total} pages were read")
    return text, total, warnings


_THREADS_LOCK = threading.Lock()
_threads_users = 0
_threads_before: str | None = None


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """``OMP_THREAD_LIMIT=1`` in the environment Tesseract starts with, for as long as a call runs.

    pytesseract passes this process's environment to Tesseract and takes no other; the setting
    is put back after the last concurrent call (threads of a web server share the environment),
    and a value the environment already has is left alone. The parse workers of
    :func:`core.documents.parse_many` set it for good when they start.
    """
    global _threads_users, _threads_before
    with _THREADS_LOCK:
        if _threads_users == 0:
            _threads_before = os.environ.get("OMP_THREAD_LIMIT")
            if _threads_before is None:
                os.environ["OMP_THREAD_LIMIT"] = "1"
        _threads_users += 1
    try:
        yield
    finally:
        with _THREADS_LOCK:
            _threads_users -= 1
            if _threads_users == 0 and _threads_before is None:
                os.environ.pop("OMP_THREAD_LIMIT", None)


class _PageTimeout(ParseError):
    """Tesseract ran past its time on one page."""


def _check_readable(text: str, what: str) -> None:
    """Refuse OCR output with too few letters (a blank page, a photo, noise read as symbols)."""
    letters = sum(ch.isalpha() for ch in text)
    visible = sum(not ch.isspace() for ch in text)
    if letters < _MIN_LETTERS or letters < visible * _MIN_LETTER_SHARE:
        raise ParseError(_NOTHING_READ.format(what=what))


def _max_pixels() -> int:
    """Pillow's decompression-bomb bound (its default when an application switched it off)."""
    from PIL import Image

    return int(Image.MAX_IMAGE_PIXELS or 89_478_485)


def _too_big_message() -> str:
    return (
        f"the image is too large to read (over {_max_pixels() / 1e6:,.0f} million pixels); "
        "ask the candidate for a smaller scan or a PDF"
    )


def _target_size(width: int, height: int) -> tuple[int, int]:
    pixels = width * height
    if pixels <= _MAX_PAGE_PIXELS:
        return width, height
    shrink = (_MAX_PAGE_PIXELS / pixels) ** 0.5
    return max(1, int(width * shrink)), max(1, int(height * shrink))


def _bounded(image: Any) -> Any:
    """The image, or a copy shrunk to at most :data:`_MAX_PAGE_PIXELS` pixels."""
    size = _target_size(image.width, image.height)
    return image if size == (image.width, image.height) else image.resize(size)


def _grey(image: Any) -> Any:
    """8-bit grey on white (transparent areas become white, not black)."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    return image if image.mode == "L" else image.convert("L")


def _render(pdf: Any, index: int) -> Any:
    """Page ``index`` as a grey PIL image at about 300 dpi, at most :data:`_MAX_PAGE_PIXELS` pixels."""
    page = pdf[index]
    try:
        width, height = page.get_size()  # points: 1/72 inch
        scale = _DPI / 72
        if width * height * scale * scale > _MAX_PAGE_PIXELS:
            scale = (_MAX_PAGE_PIXELS / max(width * height, 1.0)) ** 0.5
        bitmap = page.render(scale=scale, grayscale=True, fill_color=(255, 255, 255, 255))
        try:
            return bitmap.to_pil().copy()  # a copy owns its pixels: the bitmap can go
        finally:
            bitmap.close()
    finally:
        page.close()

"""PDF: text page by page within the page and text budgets, with password and damage checks.

Text comes from pypdfium2 (:mod:`core.documents.pdf_fast`), about 30x faster than pdfplumber;
pdfplumber reads the pages PDFium's characters cannot be trusted on, files PDFium finds no text
in (so scans and damaged files get pdfplumber's verdict), and everything when
``RECRUIT_PDF_READER=pdfplumber``.

Each page's reading order (one column, a sidebar, two columns) comes from
:mod:`core.documents.pdf_layout`.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from core.config import ParseLimits
from core.documents.ocr import OCR_UNAVAILABLE
from core.documents.pdf_fast import _is_pdfium_password_error, _read_pdf_fast
from core.documents.pdf_layout import _page_text
from core.errors import ParseError, RecruitError

logger = logging.getLogger(__name__)

# A scan with OCR installed is read by core.documents.ocr instead (see parse.parse_document).
_NO_TEXT_LAYER = "the PDF has no text layer (it looks like a scanned image), and " + OCR_UNAVAILABLE
_PASSWORD = "the PDF is password-protected; ask the candidate for an unlocked copy"


def _read_pdf(data: bytes, name: str, limits: ParseLimits) -> tuple[str, int, list[str]]:
    """The text layer as one string (pages apart by a blank line), the page count and warnings."""
    texts, total, warnings = _read_pdf_pages(data, name, limits)
    return "\n\n".join(texts), total, warnings


def _read_pdf_pages(data: bytes, name: str, limits: ParseLimits) -> tuple[list[str], int, list[str]]:
    """Each page's text layer (raw, not normalised), the file's page count and warnings.

    At most ``limits.max_pages`` pages, and no more once about twice ``limits.max_text_chars``
    characters are read; a warning says when pages were left unread.
    """
    if limits.pdf_reader == "fast":
        fast = _read_fast(data, name, limits)
        if fast is not None:
            return _counted(*fast, limits)
    return _counted(*_read_pdf_plumber(data, name, limits), limits)


def _read_fast(data: bytes, name: str, limits: ParseLimits) -> tuple[list[str], int] | None:
    """The pypdfium2 path; None when pdfplumber's path should read (and judge) the file."""
    try:
        return _read_pdf_fast(data, name, limits)
    except (RecruitError, MemoryError):
        raise
    except Exception as exc:
        if _is_pdfium_password_error(exc):
            raise ParseError(_PASSWORD) from exc
        logger.info("pdf %s: fast path failed (%r); pdfplumber reads it", name, exc)
        return None


def _counted(texts: list[str], total: int, limits: ParseLimits) -> tuple[list[str], int, list[str]]:
    """The pages' texts, the page count and a warning when pages were left unread."""
    read = len(texts)
    total = max(total, read)
    warnings: list[str] = []
    if read < total and sum(map(len, texts)) < limits.max_text_chars * 2:
        warnings.append(f"only the first {read} of {total} pages were read")
    return texts, total, warnings


def _read_pdf_plumber(data: bytes, name: str, limits: ParseLimits) -> tuple[list[str], int]:
    import pdfplumber  # heavy: imported only when a PDF arrives

    texts: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data), pages=range(1, limits.max_pages + 1)) as pdf:
            total = _page_count(pdf)
            budget = limits.max_text_chars * 2  # normalisation shrinks text a little; stop early
            for page in pdf.pages:
                try:
                    page_text = _page_text(page)
                finally:
                    page.close()  # drop the page's parsed objects: memory stays per-page
                texts.append(page_text)
                budget -= len(page_text)
                if budget <= 0:
                    break
    except (RecruitError, MemoryError):
        raise
    except Exception as exc:
        if _is_password_error(exc):
            raise ParseError(_PASSWORD) from exc
        logger.info("pdf %s unreadable: %r", name, exc)
        raise ParseError(
            "the file is damaged or not a valid PDF; ask the candidate for a new copy"
        ) from exc
    return texts, total


def _page_count(pdf: Any) -> int:
    """Pages in the whole file (the page tree's /Count), though we only open the first few."""
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
        return int(count) if isinstance(count, int) and 0 < count < 10_000_000 else len(pdf.pages)
    except Exception:  # a broken page tree: count what opens
        return len(pdf.pages)


def _is_password_error(exc: BaseException) -> bool:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:  # pdfplumber wraps pdfminer's errors: look through args and causes
        err = todo.pop()
        if id(err) in seen:
            continue
        seen.add(id(err))
        if isinstance(err, PDFPasswordIncorrect | PDFEncryptionError):
            return True
        todo.extend(a for a in err.args if isinstance(a, BaseException))
        todo.extend(e for e in (err.__cause__, err.__context__) if e is not None)
    return False

"""The fast PDF path: words and their boxes from pypdfium2 (PDFium, C++), laid out like pdfplumber's.

pdfplumber (pdfminer, pure Python) reads about 4 real CVs a second; PDFium reads the same text
and character boxes in a few milliseconds a page. PDFium's own text (``get_text_range``) drops
the spaces of CVs that place every glyph on its own (``processesand``), so words are rebuilt
here from the characters' loose boxes with pdfplumber's rules (a new word at a blank, at a gap
wider than ``x_tolerance``, on another line), and the page goes through the same reading-order
code (:func:`~core.documents.pdf_layout._words_text`): one column, sidebars and two-column
zones come out as pdfplumber's path gives them.

A page goes to pdfplumber instead when PDFium's characters look unreliable: unmapped glyphs
(``\\ufffd``, control codes) or characters without a box. A file whose PDFium text is empty
(scans, or a damaged file PDFium half-repairs) is read by pdfplumber as a whole, so its error
message is the one pdfplumber's path gives.
"""

from __future__ import annotations

import ctypes
import io
import logging
import re
from typing import Any

from core.config import ParseLimits
from core.documents.normalize import _CONT, _PLACEHOLDER
from core.documents.pdf_layout import _page_text, _Word, _words_text

logger = logging.getLogger(__name__)

_X_TOLERANCE = 1.5  # as pdfplumber's extract_words in pdf_layout._page_text
_Y_TOLERANCE = 3.0
_BAD_SHARE = 0.02  # more unmapped or boxless characters than this: pdfplumber reads the page


# A three-byte UTF-8 mojibake run cut after two characters: PDFium drops the zero-width glyph
# that stood for the third byte (pdfplumber keeps it); put the placeholder back for normalize.
_CUT_MOJIBAKE = re.compile(f"([\u00e0-\u00ef][{_CONT}])(?=\\s|$)")


class _Unreliable(Exception):
    """PDFium's characters on a page cannot be trusted; pdfplumber reads it."""


class _Objects:
    """Which page object each character comes from, to find the spaces PDFium drops.

    PDFs that place every glyph as its own text object (many CV builders) print a word space
    as a text object holding one blank; PDFium leaves such objects out of the page's characters
    (and guesses a space only when the gap is wide), so "of the" would read "ofthe". A text
    object that sits between two characters' objects and gave no character is such a space.
    The object indices are looked up only for characters that touch (cheap for most pages).
    """

    def __init__(self, page: Any, textpage: Any) -> None:
        self._page, self._textpage = page, textpage
        self._index: dict[int, int] | None = None
        self._text_objects: list[bool] = []

    def _build(self) -> dict[int, int]:
        import pypdfium2.raw as pdfium_c

        get_object, get_type = _as_address(pdfium_c.FPDFPage_GetObject), _as_int(pdfium_c.FPDFPageObj_GetType)
        index: dict[int, int] = {}
        for i in range(pdfium_c.FPDFPage_CountObjects(self._page)):
            address = get_object(self._page, i)
            index[address] = i
            self._text_objects.append(get_type(address) == pdfium_c.FPDF_PAGEOBJ_TEXT)
        return index

    def space_between(self, first: int, second: int) -> bool:
        """Whether a text object lies between the (distinct) objects of two consecutive characters.

        Characters come in content order, so an object between them gave no character.
        """
        import pypdfium2.raw as pdfium_c

        if self._index is None:
            self._index = self._build()
        text_object = _as_address(pdfium_c.FPDFText_GetTextObject)
        a = self._index.get(text_object(self._textpage, first))
        b = self._index.get(text_object(self._textpage, second))
        if a is None or b is None or b - a < 2:
            return False
        return any(self._text_objects[i] for i in range(a + 1, b))


_ADDRESS_FUNCTIONS: dict[str, Any] = {}


def _as_int(function: Any) -> Any:
    """A copy of a PDFium function that takes its pointer arguments as plain ints."""
    key = "int:" + function.__name__
    if key not in _ADDRESS_FUNCTIONS:
        argtypes = [ctypes.c_void_p if hasattr(t, "contents") else t for t in function.argtypes]
        _ADDRESS_FUNCTIONS[key] = ctypes.cast(function, ctypes.CFUNCTYPE(function.restype, *argtypes))
    return _ADDRESS_FUNCTIONS[key]


def _as_address(function: Any) -> Any:
    """A copy of a PDFium function that returns its pointer result as a plain int (no ctypes casts)."""
    name = function.__name__
    if name not in _ADDRESS_FUNCTIONS:
        argtypes = [ctypes.c_void_p if hasattr(t, "contents") else t for t in function.argtypes]
        prototype = ctypes.CFUNCTYPE(ctypes.c_void_p, *argtypes)
        _ADDRESS_FUNCTIONS[name] = ctypes.cast(function, prototype)
    return _ADDRESS_FUNCTIONS[name]


def _fast_page_words(page: Any, textpage: Any, top_edge: float) -> list[_Word]:
    """The words of one page from PDFium's characters, in top-down coordinates."""
    import pypdfium2.raw as pdfium_c

    count = pdfium_c.FPDFText_CountChars(textpage)
    get_unicode = pdfium_c.FPDFText_GetUnicode
    is_generated = pdfium_c.FPDFText_IsGenerated
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    rect = pdfium_c.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    objects = _Objects(page, textpage)
    words: list[_Word] = []
    chars: list[str] = []
    x0 = x1 = top = bottom = 0.0
    bad = 0
    for index in range(count):
        code = get_unicode(textpage, index)
        if is_generated(textpage, index) == 1:  # PDFium's guessed spaces and line breaks end a word
            if chars:
                words.append({"text": "".join(chars), "x0": x0, "x1": x1, "top": top, "bottom": bottom})
                chars = []
            continue
        if code <= 0x20 or code == 0xA0 or code == 0x3000 or 0x2000 <= code <= 0x200A:
            if code not in (0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x3000) and not 0x2000 <= code <= 0x200A:
                bad += 1  # control codes: glyphs without a Unicode mapping
            if chars:
                words.append({"text": "".join(chars), "x0": x0, "x1": x1, "top": top, "bottom": bottom})
                chars = []
            continue
        if code == 0xFFFD or code == 0xFFFE:
            bad += 1
        if not get_box(textpage, index, rect_ref):
            bad += 1
            continue
        c_x0, c_x1 = rect.left, rect.right
        c_top, c_bottom = top_edge - rect.top, top_edge - rect.bottom
        if chars and (
            c_x0 > x1 + _X_TOLERANCE
            or c_x0 < x0
            or c_top > top + _Y_TOLERANCE
            or c_top < top - _Y_TOLERANCE
            or (c_x0 > x1 - 0.25 and objects.space_between(index - 1, index))
        ):
            words.append({"text": "".join(chars), "x0": x0, "x1": x1, "top": top, "bottom": bottom})
            chars = []
        if chars:
            x1 = max(x1, c_x1)
            top = min(top, c_top)
            bottom = max(bottom, c_bottom)
        else:
            x0, x1, top, bottom = c_x0, c_x1, c_top, c_bottom
        chars.append(chr(code))
    if chars:
        words.append({"text": "".join(chars), "x0": x0, "x1": x1, "top": top, "bottom": bottom})
    if count and bad > _BAD_SHARE * count:
        raise _Unreliable(f"{bad} of {count} characters unmapped or without a box")
    return words


def _fast_page_text(pdf: Any, index: int) -> str:
    """One page's text in reading order from PDFium; raises :class:`_Unreliable`."""
    page = pdf[index]
    try:
        left, _bottom, right, top = page.get_cropbox()
        textpage = page.get_textpage()
        try:
            words = _fast_page_words(page, textpage, top)
        finally:
            textpage.close()
    finally:
        page.close()
    return _CUT_MOJIBAKE.sub(lambda m: m.group(1) + _PLACEHOLDER, _words_text(words, float(left), float(right)))


def _plumber_page_text(data: bytes, index: int) -> str:
    """One page through pdfplumber (the pages PDFium's characters cannot be trusted on)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data), pages=[index + 1]) as pdf:
        page = pdf.pages[0]
        try:
            return _page_text(page)
        finally:
            page.close()


def _read_pdf_fast(data: bytes, name: str, limits: ParseLimits) -> tuple[list[str], int] | None:
    """Page texts and the file's page count from PDFium, or None when pdfplumber should read it all.

    Raises the PDFium error as it comes (the caller turns it into a ParseError); None when
    PDFium finds no text at all, so pdfplumber's path decides between "no text layer" and
    "damaged".
    """
    import pypdfium2 as pdfium

    texts: list[str] = []
    pdf = pdfium.PdfDocument(data)
    try:
        total = len(pdf)
        budget = limits.max_text_chars * 2  # as pdf._read_pdf: normalisation shrinks text a little
        for index in range(min(total, limits.max_pages)):
            try:
                page_text = _fast_page_text(pdf, index)
            except _Unreliable as why:
                logger.debug("pdf %s page %d read by pdfplumber: %s", name, index + 1, why)
                page_text = _plumber_page_text(data, index)
            texts.append(page_text)
            budget -= len(page_text)
            if budget <= 0:
                break
    finally:
        pdf.close()
    if not any(text.strip() for text in texts):
        return None
    return texts, total


def _is_pdfium_password_error(exc: BaseException) -> bool:
    import pypdfium2.raw as pdfium_c

    return getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD or "password" in str(exc).lower()

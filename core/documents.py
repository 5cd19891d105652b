"""Turn uploaded bytes (PDF, DOCX, TXT, or a ZIP of them) into clean text, defensively.

Uploads are hostile until proven otherwise: every size is bounded before anything is
decompressed or parsed, nothing is written to disk, and any failure inside the PDF, DOCX or ZIP
libraries becomes a :class:`~core.errors.ParseError` whose message a recruiter can act on. One
bad file never stops a batch: :func:`parse_uploads` yields a :class:`ParseFailure` for it and
goes on, lazily, so memory stays flat however many files an upload holds.

Example:
    >>> doc = parse_document(b"Anna Example\\nSkills\\nPython, SQL\\n", "anna.txt")
    >>> doc.file_type, [s.name for s in doc.sections]
    ('txt', ['header', 'skills'])
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from core.config import ParseLimits
from core.errors import ParseError, RecruitError, UnsupportedFileType
from core.sections import Section, find_sections

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "Document",
    "ParseFailure",
    "Section",
    "UploadedFile",
    "detect_file_type",
    "expand_uploads",
    "normalize_text",
    "parse_document",
    "parse_uploads",
]

logger = logging.getLogger(__name__)

SUPPORTED_EXTENSIONS = (".pdf", ".docx", ".txt", ".zip")
_SUPPORTED_WORDS = "PDF, DOCX, TXT or a ZIP of them"
_MB = 1024 * 1024


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    """A file as uploaded: its name as the user gave it (or ``archive.zip/inner/x.pdf``) and bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Document:
    """The text of one parsed file, with its sections and anything the reader should know."""

    filename: str
    text: str
    pages: int
    sections: tuple[Section, ...]
    warnings: tuple[str, ...]
    content_hash: str
    file_type: str


@dataclass(frozen=True)
class ParseFailure:
    """A file of an upload that could not be read, and why (one sentence a recruiter can act on)."""

    filename: str
    reason: str


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


def parse_document(data: bytes, filename: str, *, limits: ParseLimits | None = None) -> Document:
    """Read one PDF, DOCX or TXT file into a :class:`Document`.

    Args:
        data: the raw bytes of the file.
        filename: the name the user gave it; used for messages and as a type hint when the
            bytes do not say what they are.
        limits: size bounds; the ``RECRUIT_*`` settings when omitted.

    Returns:
        The normalised text, page count, sections, warnings and the SHA-256 of ``data``.

    Raises:
        UnsupportedFileType: the bytes are an image, a legacy .doc, a ZIP (upload it as a
            batch instead), or anything else that is not PDF, DOCX or TXT.
        ParseError: the file is too large, empty, damaged, encrypted, or has no text.

    Example:
        >>> parse_document("Résumé\\n".encode(), "cv.txt").text
        'Résumé'
    """
    limits = limits or ParseLimits()
    name = _display_name(filename)
    if len(data) > limits.max_file_bytes:
        raise ParseError(
            f"{name}: the file is {_size(len(data))}, over the {_size(limits.max_file_bytes)} limit; "
            "ask for a smaller copy (e.g. without photos)"
        )
    if not data.strip():
        raise ParseError(f"{name}: the file is empty")
    file_type = detect_file_type(data, filename)
    if file_type == "zip":
        raise UnsupportedFileType(
            f"{name}: this is a ZIP archive; upload it as a batch so that each CV inside is read"
        )
    readers = {"pdf": _read_pdf, "docx": _read_docx, "txt": _read_txt}
    try:
        raw, pages, warnings = readers[file_type](data, name, limits)
    except (RecruitError, MemoryError):
        raise
    except Exception as exc:  # the parsing libraries raise anything on hostile input
        logger.info("unexpected %s while reading %s", type(exc).__name__, name, exc_info=True)
        raise ParseError(
            f"{name}: the {file_type.upper()} file is damaged and could not be read; "
            "ask the candidate for a new copy"
        ) from exc

    text, notes = normalize_text(raw)
    warnings.extend(notes)
    if not text.strip():
        if file_type == "pdf":
            raise ParseError(_no_text_layer(name))
        raise ParseError(f"{name}: the file contains no text")
    if len(text) > limits.max_text_chars:
        text = _cut(text, limits.max_text_chars)
        warnings.append(
            f"the text was cut to its first {limits.max_text_chars:,} characters; the rest was not read"
        )
    return Document(
        filename=filename,
        text=text,
        pages=pages,
        sections=find_sections(text),
        warnings=tuple(warnings),
        content_hash=hashlib.sha256(data).hexdigest(),
        file_type=file_type,
    )


def expand_uploads(
    files: Iterable[UploadedFile], *, limits: ParseLimits | None = None
) -> Iterator[UploadedFile | ParseFailure]:
    """Yield the files of an upload in order, opening ZIPs into their members.

    A ZIP is checked as a whole before any member is decompressed (entry count, declared sizes,
    compression ratios); members are read into memory one at a time, never written to disk.
    Members with unsafe paths, encrypted members, ZIPs inside the ZIP and members that lie about
    their size come back as :class:`ParseFailure`; folders and OS junk (``__MACOSX/``,
    ``.DS_Store``, dot-files, Office lock files) are skipped silently. Files beyond
    ``limits.max_files_per_upload`` come back as failures without being read.

    Args:
        files: the uploaded files (any iterable; consumed lazily).
        limits: size bounds; the ``RECRUIT_*`` settings when omitted.
    """
    limits = limits or ParseLimits()
    room = _Room(limits.max_files_per_upload)
    for upload in files:
        if _is_batch_zip(upload):
            yield from _expand_zip(upload, limits, room)
        elif room.take():
            yield upload
        else:
            yield room.refusal(upload.filename)


def parse_uploads(
    files: Iterable[UploadedFile], *, limits: ParseLimits | None = None
) -> Iterator[Document | ParseFailure]:
    """Expand and parse an upload file by file: a :class:`Document` or a :class:`ParseFailure` each.

    A generator: one file's bytes and text are alive at a time, and no failure of one file
    stops the others.

    Example:
        >>> files = [UploadedFile("a.txt", b"Anna"), UploadedFile("b.pdf", b"")]
        >>> [type(item).__name__ for item in parse_uploads(files)]
        ['Document', 'ParseFailure']
    """
    limits = limits or ParseLimits()
    for item in expand_uploads(files, limits=limits):
        if isinstance(item, ParseFailure):
            yield item
            continue
        try:
            yield parse_document(item.data, item.filename, limits=limits)
        except ParseError as exc:
            yield ParseFailure(item.filename, str(exc))
        except MemoryError:
            raise
        except Exception:  # a bug of ours must not lose the rest of the batch either
            logger.exception("internal error while parsing %s", _display_name(item.filename))
            yield ParseFailure(
                item.filename,
                f"{_display_name(item.filename)}: could not be read because of an internal error; "
                "try again or report it",
            )


# --------------------------------------------------------------------------------------------
# Type detection: magic bytes first, the extension second
# --------------------------------------------------------------------------------------------

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FOREIGN_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"MZ\x90\x00", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\x1f\x8b", "a GZIP archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"BZh", "a BZIP2 archive"),
    (b"\xfd7zXZ\x00", "an XZ archive"),
    (b"%!PS", "a PostScript file"),
)


def detect_file_type(data: bytes, filename: str) -> str:
    """Say what ``data`` is: ``"pdf"``, ``"docx"``, ``"zip"`` or ``"txt"``.

    The bytes decide; the extension only breaks ties (a file that starts like nothing known and
    is named ``.pdf`` is a damaged PDF, not a text file).

    Raises:
        UnsupportedFileType: an image, a program, a legacy Office file, another archive format...
        ParseError: the bytes start like a ZIP/DOCX but the archive is damaged, or the name
            says PDF/DOCX/ZIP and the bytes are not.
    """
    name = _display_name(filename)
    ext = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    head = data[:1024]
    if b"%PDF-" in head:  # the PDF spec lets junk precede the header within the first 1 KB
        return "pdf"
    if data.startswith(_ZIP_MAGICS):
        return _zip_kind(data, name, ext)
    if data.startswith(_OLE_MAGIC):
        raise UnsupportedFileType(
            f"{name}: this is an old Microsoft Office file (.doc); save it as DOCX or PDF and upload that"
        )
    if data[:64].lstrip().startswith(b"{\\rtf"):
        raise UnsupportedFileType(f"{name}: this is an RTF document; save it as DOCX or PDF and upload that")
    for magic, what in _FOREIGN_MAGICS:
        if data.startswith(magic):
            raise UnsupportedFileType(f"{name}: this is {what}, not a CV document; upload {_SUPPORTED_WORDS}")
    if data[8:12] in (b"WEBP", b"WAVE", b"AVI ") or data[4:8] == b"ftyp":
        raise UnsupportedFileType(f"{name}: this is an image or media file; upload {_SUPPORTED_WORDS}")
    if ext == ".pdf":
        raise ParseError(f"{name}: the file is damaged or not a valid PDF; ask the candidate for a new copy")
    if ext == ".docx":
        raise ParseError(f"{name}: the file is damaged or not a valid DOCX; ask the candidate for a new copy")
    if ext == ".zip":
        raise ParseError(f"{name}: the ZIP archive is damaged and could not be opened")
    if ext == ".txt" or _looks_like_text(data[:8192]):
        return "txt"
    raise UnsupportedFileType(f"{name}: this file type is not supported; upload {_SUPPORTED_WORDS}")


def _zip_kind(data: bytes, name: str, ext: str) -> str:
    """docx, zip, or refuse: other Office/OpenDocument containers are ZIPs too."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = _small_member(zf, "mimetype") if "mimetype" in names else b""
    except MemoryError:
        raise
    except Exception as exc:  # BadZipFile mostly; hostile archives raise others too
        what = "DOCX file" if ext == ".docx" else "ZIP archive"
        raise ParseError(f"{name}: the {what} is damaged and could not be opened") from exc
    if "word/document.xml" in names:
        return "docx"
    if "[Content_Types].xml" in names:
        raise UnsupportedFileType(
            f"{name}: this is an Office file but not a Word document; upload {_SUPPORTED_WORDS}"
        )
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise UnsupportedFileType(
            f"{name}: this is an OpenDocument file; save it as DOCX or PDF and upload that"
        )
    return "zip"


def _small_member(zf: zipfile.ZipFile, member: str) -> bytes:
    info = zf.getinfo(member)
    return zf.read(info)[:200] if info.file_size <= 200 else b""


def _looks_like_text(sample: bytes) -> bool:
    if sample.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(sample):
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(sample) * 0.01


def _is_batch_zip(upload: UploadedFile) -> bool:
    if not upload.data.startswith(_ZIP_MAGICS):
        return False
    try:
        return detect_file_type(upload.data, upload.filename) == "zip"
    except ParseError:  # damaged: let parse_document report it, or _expand_zip if named .zip
        return upload.filename.lower().endswith(".zip")


# --------------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------------

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
# Icon-font glyphs (contact icons in many CV themes) are private-use characters: noise.
_PRIVATE_USE = re.compile(r"[ \t]*[\ue000-\uf8ff]+[ \t]*")
_CID = re.compile(r"\(cid:\d+\)")  # pdfminer's placeholder for a glyph with no Unicode mapping
_LIGATURES = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
    "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st",
}
_LIGATURE_RE = re.compile("[" + "".join(_LIGATURES) + "]")
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # "－" -> "-", "Ａ" -> "A"

# Mojibake: UTF-8 bytes that were decoded as Windows-1252 ("â€“" for "–", "Ã©" for "é").
# Each character stands for one byte; a lead byte C2-F4 followed by continuation bytes 80-BF.
# The five bytes Windows-1252 leaves undefined often come out as U+200B instead (the
# livecareer PDFs write "Company Name ï¼\u200b City" for "－"); such a placeholder is tried as
# each of them, punctuation preferred. A stray "Â" before a space is the lead byte of a
# no-break space whose second byte became a plain space.
_UNDEFINED_CP1252 = (0x8D, 0x90, 0x9D, 0x81, 0x8F)
_PLACEHOLDER = "\u200b"
_CP1252_BYTE = {bytes([b]).decode("cp1252"): b for b in range(0x80, 0x100) if b not in _UNDEFINED_CP1252}
_CP1252_BYTE.update({chr(b): b for b in _UNDEFINED_CP1252})
_CONT = "".join(re.escape(ch) for ch, b in _CP1252_BYTE.items() if 0x80 <= b <= 0xBF) + _PLACEHOLDER
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_CONT}]{{1,3}}")
_STRAY_A_CIRC = re.compile(r"[ \t]?\u00c2(?=[ \t\n]|$)")
# What mojibake usually hides: Latin letters, Greek and Cyrillic, punctuation and symbols,
# fullwidth forms, emoji. Anything else (a CJK ideograph from French "é\u00a0»", an NKo letter
# from German "ß“") means the run was real text, not mojibake.
_MOJIBAKE_TARGETS = (
    (0x00A0, 0x024F), (0x0370, 0x04FF), (0x1E00, 0x1EFF), (0x2000, 0x2BFF), (0x3000, 0x303F),
    (0xE000, 0xF8FF), (0xFF00, 0xFFEF), (0x1F000, 0x1FAFF),
)


def _plausible(decoded: str) -> bool:
    return any(lo <= ord(decoded[0]) <= hi for lo, hi in _MOJIBAKE_TARGETS)


def _decode_run(run: str) -> tuple[str, int] | None:
    """The UTF-8 reading of a mojibake run and how many of its characters it used, or None."""
    options: list[list[int]] = [[]]
    for ch in run:
        choices = _UNDEFINED_CP1252 if ch == _PLACEHOLDER else (_CP1252_BYTE.get(ch, ord(ch)),)
        options = [prefix + [b] for prefix in options for b in choices]
    fallback = None
    for size in range(len(run), 1, -1):  # the run may end with a real character
        for option in options:
            try:
                decoded = bytes(option[:size]).decode("utf-8")
            except UnicodeDecodeError:
                continue
            if not _plausible(decoded):
                continue
            if _PLACEHOLDER not in run[:size] or unicodedata.category(decoded[0])[0] in "PS":
                return decoded, size
            fallback = fallback or (decoded, size)
        if fallback:
            return fallback
    return None


def _fix_mojibake(text: str) -> tuple[str, int]:
    fixed = 0

    def repair(match: re.Match[str]) -> str:
        nonlocal fixed
        run = match.group(0)
        decoded = _decode_run(run)
        if decoded is None:
            return run
        fixed += 1
        return decoded[0] + run[decoded[1] :]

    for _ in range(2):  # text that was mis-decoded twice needs two passes
        new = _MOJIBAKE.sub(repair, text)
        if new == text:
            break
        text = new
    text, stray = _STRAY_A_CIRC.subn("", text)
    return text, fixed + stray


def normalize_text(text: str) -> tuple[str, list[str]]:
    """Clean extracted text: repair mojibake, NFC, plain spaces and newlines, no control chars.

    Also drops zero-width characters, soft hyphens, icon-font glyphs and pdfminer's ``(cid:N)``
    placeholders, expands ligatures, strips trailing spaces and collapses three or more blank
    lines to two.

    Returns:
        The clean text and warnings about what was repaired (empty when nothing was).

    Example:
        >>> normalize_text("Caf\\u00c3\\u00a9\\u00a0\\u2013 Bar\\r\\n\\n\\n\\nEnd  ")[0]
        'Café – Bar\\n\\n\\nEnd'
    """
    notes: list[str] = []
    text, fixed = _fix_mojibake(text)
    if fixed:
        notes.append(f"{fixed} garbled character sequence(s) from a wrong text encoding were repaired")
    cids = len(_CID.findall(text))
    if cids:
        text = _CID.sub("", text)
        notes.append(f"{cids} character(s) in the PDF have no text equivalent and were dropped")
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = text.translate(_ZERO_WIDTH)
    text = _SPACES.sub(" ", text)
    text = _CONTROLS.sub("", text)
    text = _LIGATURE_RE.sub(lambda m: _LIGATURES[m.group(0)], text).translate(_FULLWIDTH)
    text = "\n".join(map(_clean_line, text.split("\n")))
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip("\n"), notes


def _clean_line(line: str) -> str:
    if _PRIVATE_USE.search(line):  # an icon before "Berlin" leaves no leading space behind
        return _PRIVATE_USE.sub(" ", line).strip(" \t")
    return line.rstrip()


def _cut(text: str, limit: int) -> str:
    """Cut at a line or word boundary near ``limit`` so the last word is not torn."""
    head = text[:limit]
    boundary = max(head.rfind("\n"), head.rfind(" "))
    return head[:boundary].rstrip() if boundary > limit - 200 else head


def _size(n_bytes: float) -> str:
    """A byte count as people read it: '20 MB', '3.5 MB', '800 KB'."""
    if n_bytes >= _MB:
        value, unit = n_bytes / _MB, "MB"
    else:
        value, unit = max(n_bytes / 1024, 0.1), "KB"
    return f"{value:,.0f} {unit}" if value >= 10 or value == int(value) else f"{value:.1f} {unit}"


def _display_name(filename: str) -> str:
    """A filename safe to put in a message: no control characters, bounded length."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in filename) or "(unnamed file)"
    return clean if len(clean) <= 120 else clean[:57] + "..." + clean[-60:]


def _no_text_layer(name: str) -> str:
    return (
        f"{name}: the PDF has no text layer (it looks like a scanned image); text recognition (OCR) "
        "comes in a later version, so ask the candidate for a PDF saved from a word processor, or a DOCX"
    )


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def _read_pdf(data: bytes, name: str, limits: ParseLimits) -> tuple[str, int, list[str]]:
    import pdfplumber  # heavy: imported only when a PDF arrives

    warnings: list[str] = []
    texts: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data), pages=range(1, limits.max_pages + 1)) as pdf:
            total = _page_count(pdf)
            budget = limits.max_text_chars * 2  # normalisation shrinks text a little; stop early
            read = 0
            for page in pdf.pages:
                try:
                    page_text = _page_text(page)
                finally:
                    page.close()  # drop the page's parsed objects: memory stays per-page
                texts.append(page_text)
                read += 1
                budget -= len(page_text)
                if budget <= 0:
                    break
            total = max(total, read)
    except (RecruitError, MemoryError):
        raise
    except Exception as exc:
        if _is_password_error(exc):
            raise ParseError(
                f"{name}: the PDF is password-protected; ask the candidate for an unlocked copy"
            ) from exc
        logger.info("pdf %s unreadable: %r", name, exc)
        raise ParseError(
            f"{name}: the file is damaged or not a valid PDF; ask the candidate for a new copy"
        ) from exc
    if read < total and budget > 0:
        warnings.append(f"only the first {read} of {total} pages were read")
    return "\n\n".join(texts), total, warnings


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


# Reading order. A page is read as rows of words grouped by baseline; each row splits into
# "segments" where words are further apart than a word space. For each candidate gutter x in
# the middle 20-80% of the page, rows whose segments stay clear of x form blocks; in a block,
# a two-column zone is where both sides have text (its core), plus the columns' first rows
# above the core and the rows below it that continue a column at that column's line pitch.
# A zone is read left column first, then right column; every other row stays in place. The
# gutter chosen is the x with the most rows in zones. This reads sidebar CVs and two-column
# skills tables column by column while a one-column page reads top to bottom. Sides that are
# annotations of the other (right-aligned dates and places beside job titles) are not
# columns: splitting them would detach dates from jobs, so such zones are not split.

_Word = dict[str, Any]
_Segments = list[tuple[float, float]]
_GRID = 2.0  # points between candidate gutters; real gutters are wider than that
_PAD = 4.0  # half the narrowest gutter we accept, in points


def _page_text(page: Any) -> str:
    words = page.extract_words(x_tolerance=1.5, y_tolerance=3, keep_blank_chars=False)
    if not words:
        return ""
    rows = _rows(words)
    segs = [_segments(row) for row in rows]
    gutter = _find_gutter(rows, segs, float(page.bbox[0]), float(page.bbox[2]))
    if gutter is None:
        return "\n".join(_row_text(row) for row in rows)
    out: list[str] = []
    for start, end in _blocks(segs, gutter):
        if end - start == 1 and _crosses(segs[start], gutter):
            out.append(_row_text(rows[start]))
            continue
        done = start
        for z_start, z_end in _zones(rows, start, end, gutter):
            out.extend(_row_text(row) for row in rows[done:z_start])
            zone_words = [w for row in rows[z_start:z_end] for w in row]
            out.extend(_row_text(r) for r in _rows([w for w in zone_words if w["x1"] <= gutter]))
            out.extend(_row_text(r) for r in _rows([w for w in zone_words if w["x0"] >= gutter]))
            done = z_end
        out.extend(_row_text(row) for row in rows[done:end])
    return "\n".join(out)


def _rows(words: list[_Word]) -> list[list[_Word]]:
    """Group words into rows by baseline; anchored on each row's first word so rows never chain."""
    rows: list[list[_Word]] = []
    anchor = 0.0
    for word in sorted(words, key=lambda w: (w["bottom"], w["x0"])):
        if not rows or word["bottom"] - anchor > 3:
            rows.append([])
            anchor = word["bottom"]
        rows[-1].append(word)
    for row in rows:
        row.sort(key=lambda w: w["x0"])
    return rows


def _row_text(row: list[_Word]) -> str:
    return " ".join(w["text"] for w in row)


def _segments(row: list[_Word]) -> _Segments:
    """Spans of a row's text, joining words whose gap is an ordinary word space."""
    spans: _Segments = []
    for word in row:
        gap_limit = max(4.0, 0.9 * (word["bottom"] - word["top"]))
        if spans and word["x0"] - spans[-1][1] < gap_limit:
            spans[-1] = (spans[-1][0], max(spans[-1][1], word["x1"]))
        else:
            spans.append((word["x0"], word["x1"]))
    return spans


def _crosses(segs: _Segments, x: float) -> bool:
    # A gutter is at least 2 * _PAD wide: text ending just short of x still blocks it.
    return any(a - _PAD < x < b + _PAD for a, b in segs)


def _blocks(segs: list[_Segments], x: float) -> Iterator[tuple[int, int]]:
    """Row ranges: each row that crosses x alone, and each run of rows that leave x free."""
    start = 0
    for i, row_segs in enumerate(segs):
        if _crosses(row_segs, x):
            if start < i:
                yield start, i
            yield i, i + 1
            start = i + 1
    if start < len(segs):
        yield start, len(segs)


def _find_gutter(rows: list[list[_Word]], segs: list[_Segments], x_min: float, x_max: float) -> float | None:
    """The x with the most rows in two-column zones (the centre of the widest such stretch)."""
    width = x_max - x_min
    if width <= 0 or len(rows) < 6:
        return None
    best_score, stretches = 0, []  # stretches: (first x, last x) of consecutive best-scoring x
    x = x_min + 0.2 * width
    while x <= x_min + 0.8 * width:
        score = sum(
            z_end - z_start
            for start, end in _blocks(segs, x)
            if end - start >= 3
            for z_start, z_end in _zones(rows, start, end, x)
        )
        if score > best_score:
            best_score, stretches = score, [(x, x)]
        elif score == best_score and score > 0:
            if stretches and abs(stretches[-1][1] - (x - _GRID)) < 1e-6:
                stretches[-1] = (stretches[-1][0], x)
            else:
                stretches.append((x, x))
        x += _GRID
    if best_score == 0:
        return None
    first, last = max(stretches, key=lambda s: s[1] - s[0])
    return (first + last) / 2


def _zones(rows: list[list[_Word]], start: int, end: int, x: float) -> list[tuple[int, int]]:
    """The two-column zones (first row, end row) of the block ``rows[start:end]`` at gutter x."""
    block = rows[start:end]
    left = [any(w["x1"] <= x for w in row) for row in block]
    right = [any(w["x0"] >= x for w in row) for row in block]
    small, other = (left, right) if sum(left) <= sum(right) else (right, left)
    zones: list[tuple[int, int]] = []
    floor = 0
    for cluster in _clusters(block, [i for i, has in enumerate(small) if has]):
        # The core of a zone is where both columns have text...
        partners = [i for i in range(cluster[0], cluster[-1] + 1) if other[i]]
        if not partners or partners[0] < floor:
            continue
        z_start, z_end = partners[0], partners[-1] + 1
        core = [i for i in cluster if z_start <= i < z_end]
        if len(core) < 3 or len(partners) < 3:
            continue
        zone_words = [w for row in block[z_start:z_end] for w in row]
        if min(sum(w["x1"] <= x for w in zone_words), sum(w["x0"] >= x for w in zone_words)) < 6:
            continue
        if _annotations(block, core, other, partners, x):
            continue
        # ...then it takes in the columns' first rows above it (their headings), and below it
        # the rest of the columns as long as they run on at their own line pitch.
        # A row joins only if it keeps clear of the core's gutter (a wide header line whose
        # word gap happens to fall on x does not).
        gutter_left = max(w["x1"] for w in zone_words if w["x1"] <= x) + 2
        gutter_right = min(w["x0"] for w in zone_words if w["x0"] >= x) - 2

        def clear(row: list[_Word]) -> bool:
            return all(w["x1"] <= gutter_left or w["x0"] >= gutter_right for w in row)

        while (
            z_start > floor
            and clear(block[z_start - 1])
            and _gap(block[z_start - 1], block[z_start]) <= _max_gap(block[z_start - 1])
        ):
            z_start -= 1
        z_end = _tail_end(block, z_start, z_end, left, right, clear)
        zones.append((start + z_start, start + z_end))
        floor = z_end
    return zones


def _annotations(
    block: list[list[_Word]], core: list[int], other: list[bool], partners: list[int], x: float
) -> bool:
    """Whether one side holds annotations of the other (dates, places), not a column of its own.

    Annotations share a baseline with what they annotate, and then either are sparse (most
    rows of the main side between them have no partner), or short and dated, or flush right.
    Real columns are dense and out of step, or left-aligned prose.
    """
    paired = sum(1 for i in core if other[i])
    if paired < 0.75 * len(core):
        return False
    if len(core) <= 0.5 * len(partners):
        return True
    rows = range(min(core[0], partners[0]), max(core[-1], partners[-1]) + 1)
    for is_left in (True, False):
        sides = [words for i in rows if (words := [w for w in block[i] if (w["x1"] <= x) == is_left])]
        dated = sum(1 for words in sides if len(words) <= 5 and any(_has_digit(w["text"]) for w in words))
        if dated >= 0.75 * len(sides):
            return True
    rights = [max(w["x1"] for w in words) for i in rows if (words := [w for w in block[i] if w["x0"] >= x])]
    lefts = [min(w["x0"] for w in words) for i in rows if (words := [w for w in block[i] if w["x0"] >= x])]
    return max(rights) - min(rights) <= 2 and max(lefts) - min(lefts) > 2


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _tail_end(
    block: list[list[_Word]], z_start: int, z_end: int, left: list[bool], right: list[bool], clear: Any
) -> int:
    """Where a zone ends once the columns that outlast its core have run on.

    A row continues its column when it sits one line pitch (of that column) below the
    column's last row; a heading printed after a two-column table comes after a bigger gap
    and starts what follows the table instead.
    """
    last: dict[bool, float] = {}
    pitch: dict[bool, float] = {}
    for is_left, has in ((True, left), (False, right)):
        bottoms = [block[i][0]["bottom"] for i in range(z_start, z_end) if has[i]]
        steps = sorted(b - a for a, b in zip(bottoms, bottoms[1:], strict=False))
        last[is_left] = bottoms[-1] if bottoms else float("-inf")
        pitch[is_left] = 1.6 * steps[len(steps) // 2] if steps else _max_gap(block[z_start])
    while z_end < len(block) and left[z_end] != right[z_end] and clear(block[z_end]):
        bottom = block[z_end][0]["bottom"]
        if bottom - last[left[z_end]] > pitch[left[z_end]]:
            break
        last[left[z_end]] = bottom
        z_end += 1
    return z_end


def _clusters(block: list[list[_Word]], indices: list[int]) -> list[list[int]]:
    """Split rows into runs without big vertical gaps: a column runs on; a far-away row on the
    same side (a place printed right of a later job title) belongs to something else."""
    clusters: list[list[int]] = []
    for i in indices:
        if clusters and _gap(block[clusters[-1][-1]], block[i]) <= _max_gap(block[i]):
            clusters[-1].append(i)
        else:
            clusters.append([i])
    return clusters


def _gap(upper: list[_Word], lower: list[_Word]) -> float:
    return lower[0]["bottom"] - upper[0]["bottom"]


def _max_gap(row: list[_Word]) -> float:
    height = max(w["bottom"] - w["top"] for w in row)
    return max(36.0, 3.5 * height)


# --------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIP_IN_PARAGRAPH = {f"{_MC}Fallback", f"{_W}del", f"{_W}instrText", f"{_W}rPr", f"{_W}pPr"}
_CONTAINERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_MC}AlternateContent", f"{_MC}Choice"}
_MAX_NESTING = 16


def _read_docx(data: bytes, name: str, limits: ParseLimits) -> tuple[str, int, list[str]]:
    import docx  # python-docx; lxml underneath, with entity resolution off

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            # python-docx loads every part into memory: bound what the package expands to.
            cap = min(limits.max_zip_total_bytes, 5 * limits.max_file_bytes)
            problem = _archive_problem(zf.infolist(), limits, total_cap=cap)
    except zipfile.BadZipFile as exc:
        raise ParseError(f"{name}: the DOCX file is damaged and could not be opened") from exc
    if problem:
        raise ParseError(f"{name}: the DOCX file {problem}; it was not read")
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except (RecruitError, MemoryError):
        raise
    except Exception as exc:
        raise ParseError(
            f"{name}: the DOCX file is damaged or not a Word document; ask for a new copy or a PDF"
        ) from exc
    lines: list[str] = []
    _docx_blocks(body, lines, 0)
    return "\n".join(lines), 1, []


def _docx_blocks(parent: Any, out: list[str], depth: int) -> None:
    """Paragraphs, tables and text boxes in document order (CV templates love tables and boxes)."""
    if depth > _MAX_NESTING:
        return
    for child in parent:
        tag = child.tag
        if tag == f"{_W}p":
            text, boxes = _docx_paragraph(child)
            out.append(text)
            for box in boxes:
                _docx_blocks(box, out, depth + 1)
        elif tag == f"{_W}tbl":
            _docx_table(child, out, depth + 1)
        elif tag in _CONTAINERS:
            _docx_blocks(child, out, depth + 1)


def _docx_paragraph(p: Any) -> tuple[str, list[Any]]:
    parts: list[str] = []
    boxes: list[Any] = []
    stack = [iter(p)]
    while stack:  # iterative walk: a hostile file cannot blow Python's stack
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        tag = node.tag
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        elif tag == f"{_W}txbxContent":
            boxes.append(node)
        elif tag not in _SKIP_IN_PARAGRAPH and isinstance(tag, str):
            stack.append(iter(node))
    return "".join(parts), boxes


def _docx_table(tbl: Any, out: list[str], depth: int) -> None:
    for row in tbl.iter(f"{_W}tr"):
        if row.getparent() is not tbl and row.getparent().getparent() is not tbl:
            continue  # rows of nested tables are read through their cell
        cells: list[str] = []
        for cell in row.iterchildren(f"{_W}tc"):
            lines: list[str] = []
            _docx_blocks(cell, lines, depth + 1)
            text = "\n".join(line for line in lines if line.strip())
            if text:
                cells.append(text)
        if cells and all("\n" not in c for c in cells):
            out.append(" | ".join(c.strip() for c in cells))  # a row of short cells reads as one line
        else:
            out.extend(cells)


# --------------------------------------------------------------------------------------------
# TXT
# --------------------------------------------------------------------------------------------


def _utf16_without_bom(sample: bytes) -> str | None:
    even, odd = sample[0:2048:2], sample[1:2048:2]
    if len(odd) < 8:
        return None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _read_txt(data: bytes, name: str, limits: ParseLimits) -> tuple[str, int, list[str]]:
    warnings: list[str] = []
    boms = (
        (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
    )
    encoding = next((enc for bom, enc in boms if data.startswith(bom)), None) or _utf16_without_bom(data)
    if encoding:
        text = data.decode(encoding, errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            warnings.append("the text was not UTF-8 and was decoded as Latin-1 (Windows-1252); check accents")
    sample = text[:100_000]  # enough to tell text from binary without walking 20 MB char by char
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ch < " " and ch not in "\t\n\r\x0c"))
    if bad > max(8, 0.02 * len(sample)):
        raise ParseError(f"{name}: this is not a text file (it holds binary data); upload {_SUPPORTED_WORDS}")
    return text, 1, warnings


# --------------------------------------------------------------------------------------------
# ZIP
# --------------------------------------------------------------------------------------------

_JUNK_NAMES = {"thumbs.db", "desktop.ini"}
_CHUNK = 64 * 1024
_RATIO_FLOOR = 1 * _MB  # small members may compress very well (text); only big ones are suspect


class _Room:
    """How many more files this upload may hold."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self) -> bool:
        self.used += 1
        return self.used <= self.limit

    def refusal(self, filename: str) -> ParseFailure:
        return ParseFailure(
            filename,
            f"{_display_name(filename)}: not read, because one upload holds at most {self.limit:,} files; "
            "upload the rest in another batch",
        )


def _zip_entry_count(data: bytes) -> int | None:
    """Entries the end-of-central-directory record declares, read before zipfile parses them all."""
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if pos < 0 or pos + 12 > len(data):
        return None
    count = int.from_bytes(data[pos + 10 : pos + 12], "little")
    return None if count == 0xFFFF else count  # 0xFFFF: a ZIP64 archive, counted after opening


def _archive_problem(infos: list[zipfile.ZipInfo], limits: ParseLimits, *, total_cap: int) -> str | None:
    """Why an archive must not be expanded at all (as a phrase), or None."""
    if len(infos) > limits.max_zip_members:
        return f"holds {len(infos):,} entries, more than the {limits.max_zip_members:,} allowed"
    total = 0
    for info in infos:
        if _member_problem(info, limits):
            return "contains a part that expands suspiciously (a possible ZIP bomb)"
        total += info.file_size
    if total > total_cap:
        return f"would expand to {_size(total)}, more than the {_size(total_cap)} allowed"
    return None


def _member_problem(info: zipfile.ZipInfo, limits: ParseLimits) -> str | None:
    if info.file_size > limits.max_file_bytes:
        return (
            f"is {_size(info.file_size)} uncompressed, over the {_size(limits.max_file_bytes)} limit per file"
        )
    if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        return f"compresses {ratio:,.0f} to 1, far beyond any real document (a possible ZIP bomb)"
    return None


def _unsafe_path(name: str) -> bool:
    """Paths that would escape a folder if anyone ever extracted them: absolute, drive, '..', NUL."""
    path = name.replace("\\", "/")
    return (
        "\x00" in path
        or path.startswith("/")
        or re.match(r"^[A-Za-z]:", path) is not None
        or ".." in path.split("/")
    )


def _is_junk(name: str) -> bool:
    parts = [p for p in name.replace("\\", "/").split("/") if p]
    if not parts:
        return True
    base = parts[-1].lower()
    return (
        "__MACOSX" in parts
        or any(p.startswith(".") for p in parts)
        or base in _JUNK_NAMES
        or base.startswith("~$")
    )


def _expand_zip(
    upload: UploadedFile, limits: ParseLimits, room: _Room
) -> Iterator[UploadedFile | ParseFailure]:
    archive = upload.filename
    shown = _display_name(archive)

    def failure(reason: str) -> ParseFailure:
        return ParseFailure(archive, f"{shown}: {reason}")

    if len(upload.data) > limits.max_zip_total_bytes:
        yield failure(
            f"the ZIP is larger than {_size(limits.max_zip_total_bytes)}; split it into smaller batches"
        )
        return
    declared = _zip_entry_count(upload.data)
    if declared is not None and declared > limits.max_zip_members:
        yield failure(_too_many_entries(declared, limits))
        return
    try:
        zf = zipfile.ZipFile(io.BytesIO(upload.data))
    except MemoryError:
        raise
    except Exception as exc:
        logger.info("zip %s unreadable: %r", shown, exc)
        yield failure("the ZIP archive is damaged and could not be opened")
        return
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_zip_members:
            yield failure(_too_many_entries(len(infos), limits))
            return
        plan: list[tuple[zipfile.ZipInfo, str, str | None]] = []  # member, reported name, refusal
        total = 0
        for info in infos:
            if info.is_dir() or (_is_junk(info.filename) and not _unsafe_path(info.filename)):
                continue  # folders and OS junk, silently; junk with a hostile path is still reported
            member = f"{archive}/{info.filename.replace(chr(92), '/')}"
            refusal = _refusal(info, limits)
            if refusal is None:
                total += info.file_size
            plan.append((info, member, refusal))
        if total > limits.max_zip_total_bytes:
            yield failure(
                f"the ZIP would expand to {_size(total)}, more than the "
                f"{_size(limits.max_zip_total_bytes)} allowed; split it into smaller batches"
            )
            return
        for info, member, refusal in plan:
            if refusal is not None:
                yield ParseFailure(member, f"{_display_name(member)}: {refusal}")
            elif not room.take():
                yield room.refusal(member)
            else:
                yield _read_member(zf, info, member)


def _too_many_entries(count: int, limits: ParseLimits) -> str:
    return f"the ZIP holds {count:,} entries, more than the {limits.max_zip_members:,} allowed; split it"


def _refusal(info: zipfile.ZipInfo, limits: ParseLimits) -> str | None:
    """Why one member is not read, decided from the central directory alone."""
    if _unsafe_path(info.filename):
        return "unsafe path inside the ZIP (it points outside the archive); the file was not read"
    if info.flag_bits & 0x1:
        return "the file is password-protected inside the ZIP; upload it unencrypted"
    if info.filename.lower().endswith(".zip"):
        return "a ZIP inside a ZIP is not read; upload it separately"
    problem = _member_problem(info, limits)
    return f"the file {problem}; it was not read" if problem else None


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, member: str) -> UploadedFile | ParseFailure:
    shown = _display_name(member)
    chunks: list[bytes] = []
    size = 0
    try:
        with zf.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > info.file_size:  # the header lied about the size: stop, don't trust it
                    return ParseFailure(
                        member, f"{shown}: the ZIP entry is larger than it declares; it was not read"
                    )
                chunks.append(chunk)
    except MemoryError:
        raise
    except NotImplementedError:
        return ParseFailure(
            member, f"{shown}: compressed in a way we cannot read; re-create the ZIP with standard settings"
        )
    except Exception as exc:  # bad CRC, truncated data, zlib errors...
        logger.info("zip member %s unreadable: %r", shown, exc)
        return ParseFailure(member, f"{shown}: the file is damaged inside the ZIP and could not be read")
    data = b"".join(chunks)
    if data.startswith(_ZIP_MAGICS):
        try:
            nested = detect_file_type(data, member) == "zip"
        except ParseError:
            nested = False
        if nested:
            return ParseFailure(member, f"{shown}: a ZIP inside a ZIP is not read; upload it separately")
    return UploadedFile(member, data)

"""The public entry points: one file into a :class:`Document`, an upload into files and documents."""

from __future__ import annotations

import dataclasses

import hashlib
import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed

from core.config import ParseLimits
from core.documents.archive import _expand_zip, _Room
from core.documents.detect import _is_batch_zip, detect_file_type
from core.documents.docx import _read_docx
from core.documents.messages import _display_name, _size
from core.documents.model import Document, ParseFailure, UploadedFile
from core.documents.normalize import _cut, clean_filename, normalize_text
from core.documents.ocr import ocr_available, read_image, read_scanned_pdf
from core.documents.pdf import _NO_TEXT_LAYER, _read_pdf
from core.documents.plain_text import _read_txt
from core.errors import ParseError, RecruitError, UnsupportedFileType
from core.sections import find_sections

logger = logging.getLogger(__name__)


def parse_document(data: bytes, filename: str, *, limits: ParseLimits | None = None) -> Document:
    """Read one PDF, DOCX, TXT or image file into a :class:`Document`.

    PDFs without a text layer and PNG / JPEG / TIFF images are read by OCR
    (:mod:`core.documents.ocr`, Tesseract): the document then has ``ocr=True`` and a warning
    saying so; without Tesseract installed they are refused with a message saying how to add it.

    Args:
        data: the raw bytes of the file.
        filename: the name the user gave it; used in the log and as a type hint when the
            bytes do not say what they are. Error messages leave it out: callers show it.
        limits: size bounds; the ``RECRUIT_*`` settings when omitted.

    Returns:
        The normalised text, page count, sections, warnings and the SHA-256 of ``data``.

    Raises:
        UnsupportedFileType: the bytes are a GIF or other media, a legacy .doc, a ZIP (upload it
            as a batch instead), or anything else that is not PDF, DOCX, TXT, PNG, JPEG or TIFF.
        ParseError: the file is too large, empty, damaged, encrypted, or has no text (a scan
            without OCR installed, or one OCR reads nothing on).

    Example:
        >>> parse_document("Résumé\\n".encode(), "cv.txt").text
        'Résumé'
    """
    limits = limits or ParseLimits()
    name = _display_name(filename)
    if len(data) > limits.max_file_bytes:
        raise ParseError(
            f"the file is {_size(len(data))}, over the {_size(limits.max_file_bytes)} limit; "
            "ask for a smaller copy (e.g. without photos)"
        )
    if not data.strip():
        raise ParseError("the file is empty")
    file_type = detect_file_type(data, filename)
    if file_type == "zip":
        raise UnsupportedFileType(
            "the file is a ZIP archive; upload it as a batch so that each CV inside is read"
        )
    raw, pages, warnings = _read(file_type, data, name, limits)
    text, notes = normalize_text(raw)
    ocr = file_type == "image"
    if not text.strip() and file_type == "pdf":  # no text layer: a scan, read by OCR when installed
        if not ocr_available():
            raise ParseError(_NO_TEXT_LAYER)
        raw, pages, warnings = _read("scanned-pdf", data, name, limits)
        text, notes = normalize_text(raw)
        ocr = True
    warnings.extend(notes)
    if not text.strip():
        raise ParseError("the file contains no text")
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
        ocr=ocr,
    )


def _read(kind: str, data: bytes, name: str, limits: ParseLimits) -> tuple[str, int, list[str]]:
    """One reader's (raw text, pages, warnings); library failures become a ParseError."""
    readers = {
        "pdf": _read_pdf,
        "docx": _read_docx,
        "txt": _read_txt,
        "image": read_image,
        "scanned-pdf": lambda data, name, limits: read_scanned_pdf(data, limits),
    }
    try:
        return readers[kind](data, name, limits)
    except (RecruitError, MemoryError):
        raise
    except Exception as exc:  # the parsing libraries raise anything on hostile input
        logger.info("unexpected %s while reading %s", type(exc).__name__, name, exc_info=True)
        what = {"scanned-pdf": "PDF", "image": "image"}.get(kind, kind.upper())
        raise ParseError(
            f"the {what} file is damaged and could not be read; ask the candidate for a new copy"
        ) from exc


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
            items: Iterable[UploadedFile | ParseFailure] = _expand_zip(upload, limits, room)
        elif room.take():
            items = (upload,)
        else:
            items = (room.refusal(upload.filename),)
        for item in items:  # every name as it will be shown and stored (see clean_filename)
            yield dataclasses.replace(item, filename=clean_filename(item.filename))


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
        yield _parse_one(item.data, item.filename, limits)


def parse_many(
    items: Sequence[tuple[bytes, str]], *, workers: int | None = None, limits: ParseLimits | None = None
) -> list[Document | ParseFailure]:
    """Parse many files in a process pool: a :class:`Document` or a :class:`ParseFailure` each, in input order.

    Args:
        items: ``(data, filename)`` pairs (not ZIPs: expand those with :func:`expand_uploads`).
        workers: processes; ``limits.parse_workers`` (``RECRUIT_PARSE_WORKERS``, 0: one per CPU
            core) when omitted, never more than the CPU cores or the files. Batches of fewer
            than 4 files, or one worker, are parsed in this process.
        limits: size bounds and the per-file time limit (``RECRUIT_PARSE_TIMEOUT_S``).

    A file that raises, takes longer than the time limit, or kills its worker process comes back
    as a :class:`ParseFailure`; the other files are still parsed.
    """
    limits = limits or ParseLimits()
    cores = os.cpu_count() or 1
    workers = min(workers or limits.parse_workers or cores, cores, len(items))
    if workers <= 1 or len(items) < 4:
        return [_parse_one(data, filename, limits) for data, filename in items]
    results: list[Document | ParseFailure | None] = [None] * len(items)
    context = multiprocessing.get_context("forkserver" if sys.platform.startswith("linux") else "spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        futures = {pool.submit(_parse_one, data, filename, limits): i for i, (data, filename) in enumerate(items)}
        deadline = time.monotonic() + limits.parse_timeout_s * (len(items) / workers + 1)
        try:
            for future in as_completed(futures, timeout=max(0.0, deadline - time.monotonic())):
                i = futures[future]
                try:
                    results[i] = future.result()
                except Exception as exc:  # the worker died (BrokenProcessPool) or the result did not travel
                    logger.warning("parse worker failed on %s: %r", _display_name(items[i][1]), exc)
                    results[i] = ParseFailure(items[i][1], _INTERNAL)
        except TimeoutError:
            pass
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        for process in list((getattr(pool, "_processes", None) or {}).values()):  # a file stuck past its time
            if process.is_alive():
                process.kill()
    return [
        result if result is not None else ParseFailure(
            items[i][1], f"the file took longer than {limits.parse_timeout_s:g} s to read; ask for a simpler copy"
        )
        for i, result in enumerate(results)
    ]


_INTERNAL = "the file could not be read because of an internal error; try again or report it"


def _parse_one(data: bytes, filename: str, limits: ParseLimits) -> Document | ParseFailure:
    """One file: a Document, or a ParseFailure for anything but MemoryError."""
    try:
        return parse_document(data, filename, limits=limits)
    except ParseError as exc:
        return ParseFailure(filename, str(exc))
    except MemoryError:
        raise
    except Exception:  # a bug of ours must not lose the rest of the batch either
        logger.exception("internal error while parsing %s", _display_name(filename))
        return ParseFailure(filename, _INTERNAL)

"""The public entry points: one file into a :class:`Document`, an upload into files and documents."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from core.config import ParseLimits
from core.documents.archive import _expand_zip, _Room
from core.documents.detect import _is_batch_zip, detect_file_type
from core.documents.docx import _read_docx
from core.documents.messages import _display_name, _size
from core.documents.model import Document, ParseFailure, UploadedFile
from core.documents.normalize import _cut, clean_filename, normalize_text
from core.documents.ocr import (
    OCR_UNAVAILABLE,
    OCR_WARNING,
    ocr_available,
    ocr_pdf_pages,
    read_image,
    read_scanned_pdf,
)
from core.documents.pdf import _NO_TEXT_LAYER, _read_pdf_pages
from core.documents.plain_text import _read_txt
from core.documents.text_quality import assess_text_layer
from core.errors import ParseError, RecruitError, UnsupportedFileType
from core.sections import find_sections

logger = logging.getLogger(__name__)


def parse_document(data: bytes, filename: str, *, limits: ParseLimits | None = None) -> Document:
    """Read one PDF, DOCX, TXT or image file into a :class:`Document`.

    PDFs without a text layer and PNG / JPEG / TIFF images are read by OCR
    (:mod:`core.documents.ocr`, Tesseract): the document then has ``ocr=True`` and a warning
    saying so; without Tesseract installed they are refused with a message saying how to add it.
    A PDF page whose text layer is garbled (:mod:`core.documents.text_quality`) is read by OCR
    too; without OCR the text is kept with a warning, or refused when nothing word-like is left.

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
    if file_type == "pdf":
        raw, pages, warnings, ocr = _read_pdf_text(data, name, limits)
    else:
        raw, pages, warnings = _read(file_type, data, name, limits)
        ocr = file_type == "image"
    text, notes = normalize_text(raw)
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


def _read_pdf_text(data: bytes, name: str, limits: ParseLimits) -> tuple[str, int, list[str], bool]:
    """A PDF's raw text, page count, warnings and whether OCR read (some of) it.

    A PDF with no text layer is a scan: OCR reads it all (refused without OCR). A page whose
    text layer :func:`assess_text_layer` judges garbage is read by OCR when Tesseract is
    installed, page by page: only the garbled pages, and each keeps its OCR text only when that
    has at least as many word-like tokens as the layer. Garbled pages left (no OCR, or OCR did
    no better) keep their text with a warning, unless the whole text is nearly all garbage:
    then the file is refused.
    """
    texts, pages, warnings = _read("pdf", data, name, limits)
    if not normalize_text("\n\n".join(texts))[0].strip():  # no text layer: a scan
        if not ocr_available():
            raise ParseError(_NO_TEXT_LAYER)
        raw, pages, warnings = _read("scanned-pdf", data, name, limits)
        return raw, pages, warnings, True
    verdicts = [assess_text_layer(text) for text in texts]
    garbled = [i for i, verdict in enumerate(verdicts) if verdict.garbage]
    if not garbled:
        return "\n\n".join(texts), pages, warnings, False
    recognised = []
    if ocr_available():
        notes: list[str] = []
        for i, ocr_text in zip(garbled, _ocr_garbled(data, garbled, limits, notes, name)):
            read = assess_text_layer(ocr_text)
            if not read.garbage and read.words >= verdicts[i].words:
                texts[i] = ocr_text
                recognised.append(i)
        if recognised:
            warnings[:0] = [
                OCR_WARNING,
                f"the PDF's text layer was unreadable{_on_pages(recognised, len(texts))} "
                f"({verdicts[recognised[0]].reason}), so the text was recognised by OCR",
            ]
            warnings.extend(notes)
    left = [i for i in garbled if i not in recognised]
    if left:
        reason = verdicts[left[0]].reason
        if assess_text_layer("\n\n".join(texts)).unusable:
            cannot = (
                "text recognition (OCR) could not read it either; ask the candidate for a PDF saved from "
                "a word processor, or a DOCX" if ocr_available() else OCR_UNAVAILABLE
            )
            raise ParseError(f"the PDF's text layer is garbled ({reason}), and {cannot}")
        warnings.append(
            f"the PDF's text layer looks garbled{_on_pages(left, len(texts))} ({reason}); "
            "scores for this CV may be wrong — ask the candidate for another copy"
        )
    return "\n\n".join(texts), pages, warnings, bool(recognised)


def _ocr_garbled(
    data: bytes, pages: list[int], limits: ParseLimits, notes: list[str], name: str
) -> list[str]:
    """OCR text of the given pages; empty when OCR fails (the layer's text is kept then)."""
    try:
        return ocr_pdf_pages(data, limits, notes=notes, pages=pages)
    except MemoryError:
        raise
    except Exception as exc:  # a page PDFium cannot render, OCR refusing: keep the text layer
        logger.info("OCR of garbled pages of %s failed: %r", name, exc)
        return []


def _on_pages(pages: list[int], count: int) -> str:
    """" on page 2", " on pages 1, 3", or "" when every page of the file is meant."""
    if len(pages) == count:
        return ""
    numbers = ", ".join(str(i + 1) for i in pages)
    return f" on page{'s' if len(pages) > 1 else ''} {numbers}"


def _read(kind: str, data: bytes, name: str, limits: ParseLimits) -> tuple[Any, int, list[str]]:
    """One reader's (raw text, pages, warnings); library failures become a ParseError.

    The raw text is one string, but a list of page texts for ``"pdf"``.
    """
    readers: dict[str, Callable[[bytes, str, ParseLimits], tuple[Any, int, list[str]]]] = {
        "pdf": _read_pdf_pages,
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
    items: Sequence[tuple[bytes, str]],
    *,
    workers: int | None = None,
    limits: ParseLimits | None = None,
    parse_one: Callable[[bytes, str, ParseLimits], Document | ParseFailure] | None = None,
) -> list[Document | ParseFailure]:
    """Parse many files in worker processes: a :class:`Document` or :class:`ParseFailure` each, in order.

    Each worker reads one file at a time. A file has ``limits.parse_timeout_s`` seconds of wall
    time from when its worker starts it; over that, the worker (and any Tesseract it started)
    is killed and replaced, and the file fails with a reason. A file that kills its worker
    (a crash, or running out of ``limits.worker_memory_mb``) fails alone too; the other files
    are still parsed.

    Args:
        items: ``(data, filename)`` pairs (not ZIPs: expand those with :func:`expand_uploads`).
        workers: processes; ``limits.parse_workers`` (``RECRUIT_PARSE_WORKERS``, 0: one per CPU
            core) when omitted, never more than the CPU cores or the files. Batches of fewer
            than 4 files, or one worker, are parsed in this process, with no time limit that
            kills (OCR still stops at its per-page and per-file times).
        limits: size bounds, the per-file time limit (``RECRUIT_PARSE_TIMEOUT_S``) and the
            workers' memory (``RECRUIT_WORKER_MEMORY_MB``).
        parse_one: what a worker runs on one file (for tests; a picklable module-level
            function); :func:`parse_document` with its errors turned into failures by default.
    """
    limits = limits or ParseLimits()
    parse_one = parse_one or _parse_one
    cores = os.cpu_count() or 1
    workers = min(workers or limits.parse_workers or cores, cores, len(items))
    if workers <= 1 or len(items) < 4:
        return [parse_one(data, filename, limits) for data, filename in items]
    return _Pool(workers, limits, parse_one).run(items)


_INTERNAL = "the file could not be read because of an internal error; try again or report it"
_TIMEOUT = "the file took longer than {seconds:g} s to read; ask for a simpler copy"
_MEMORY = "the file needs more than {mb:,} MB of memory to read; ask for a simpler copy (e.g. without photos)"
_BOOT_S = 60.0  # a worker that is not ready this long after its start is killed


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


def _work(conn: Any, parse_one: Callable[..., Document | ParseFailure], memory_mb: int) -> None:
    """A worker process: files in over ``conn``, one at a time, results out; ``None`` ends it.

    It runs in its own process group (so killing the group kills a Tesseract it started), with
    ``OMP_THREAD_LIMIT=1`` for Tesseract and at most ``memory_mb`` MiB of address space. It says
    ``"ready"`` once started, so a file's clock starts when the worker can take it. After a
    MemoryError it reports ``"memory"`` for the file and exits (its heap may be in pieces).
    """
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with contextlib.suppress(OSError, AttributeError):
        os.setpgrp()
    if memory_mb:
        _limit_memory(memory_mb)
    conn.send("ready")
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        index, data, filename, limits = task
        try:
            result: Document | ParseFailure | str = parse_one(data, filename, limits)
        except MemoryError:
            conn.send((index, "memory"))
            return
        except Exception:
            logger.exception("internal error while parsing %s", _display_name(filename))
            result = ParseFailure(filename, _INTERNAL)
        try:
            conn.send((index, result))
        except Exception:  # the result does not pickle
            logger.exception("result of %s could not be sent", _display_name(filename))
            conn.send((index, ParseFailure(filename, _INTERNAL)))


def _limit_memory(memory_mb: int) -> None:
    """Lower this process's address-space limit (RLIMIT_AS) to ``memory_mb`` MiB (Unix only)."""
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or wanted < soft:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


class _Worker:
    """One worker process, its end of the pipe and the file it is reading (``task``, or None)."""

    def __init__(self, context: Any, parse_one: Callable[..., Any], memory_mb: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_work, args=(child, parse_one, memory_mb), daemon=True)
        self.process.start()
        child.close()  # only the worker holds its end: its death reads as EOF here
        self.born = time.monotonic()
        self.ready = False
        self.task: int | None = None
        self.started = 0.0

    def kill(self) -> None:
        """Kill the worker and its process group (a Tesseract it started), and reap it."""
        with contextlib.suppress(OSError, AttributeError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.join()
        self.conn.close()


class _Pool:
    """Workers fed one file at a time, each file's time watched, stuck or dead workers replaced."""

    def __init__(self, size: int, limits: ParseLimits, parse_one: Callable[..., Any]) -> None:
        self.size, self.limits, self.parse_one = size, limits, parse_one
        method = "forkserver" if sys.platform.startswith("linux") else "spawn"
        self.context = multiprocessing.get_context(method)
        self.workers: list[_Worker] = []
        self.boot_failures = 0

    def run(self, items: Sequence[tuple[bytes, str]]) -> list[Document | ParseFailure]:
        """Every file's result, in input order; no worker is left running afterwards.

        Should workers keep dying before they are ready (a broken environment), the files not
        yet started are read in this process instead, without a time limit that kills.
        """
        self.items = items
        self.results: list[Document | ParseFailure | None] = [None] * len(items)
        self.todo = deque(range(len(items)))
        try:
            while self.todo or any(w.task is not None for w in self.workers):
                if self.todo and self.boot_failures > 2 * self.size:  # workers cannot start: read here
                    logger.error("parse workers do not start; reading %d files in-process", len(self.todo))
                    while self.todo:
                        i = self.todo.popleft()
                        self.results[i] = self.parse_one(*items[i], self.limits)
                    continue
                self._feed()
                self._wait()
                for worker in list(self.workers):
                    self._check(worker)
        finally:
            self._close()
        return [
            result if result is not None else ParseFailure(items[i][1], _INTERNAL)
            for i, result in enumerate(self.results)
        ]

    def _feed(self) -> None:
        """Start workers up to the pool size while files wait; give each ready, idle one a file."""
        while self.todo and len(self.workers) < self.size:
            self.workers.append(_Worker(self.context, self.parse_one, self.limits.worker_memory_mb))
        for worker in self.workers:
            if worker.ready and worker.task is None and self.todo:
                i = self.todo.popleft()
                worker.task, worker.started = i, time.monotonic()
                try:
                    worker.conn.send((i, *self.items[i], self.limits))
                except OSError:  # it died while idle: _check replaces it and fails the file
                    pass

    def _wait(self) -> None:
        """Sleep until a worker says something or dies, or the next time limit falls due."""
        limit = self.limits.parse_timeout_s
        due = [w.started + limit for w in self.workers if w.task is not None]
        due += [w.born + _BOOT_S for w in self.workers if not w.ready]
        timeout = max(0.0, min(due) - time.monotonic()) + 0.01 if due else None
        handles = [w.conn for w in self.workers] + [w.process.sentinel for w in self.workers]
        multiprocessing.connection.wait(handles, timeout)

    def _check(self, worker: _Worker) -> None:
        """Take the worker's message, or fail its file and replace it if it died or ran out of time."""
        message: Any = None
        gone = False
        if worker.conn.poll():
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):  # its end of the pipe closed: it died
                gone = True
        if message == "ready":
            worker.ready = True
        elif message is not None:
            i, result = message
            worker.task = None
            if result == "memory":  # the worker exits after a MemoryError: drop it now
                result = ParseFailure(self.items[i][1], _MEMORY.format(mb=self.limits.worker_memory_mb))
                self._fail(worker, _INTERNAL)
            self.results[i] = result
        elif gone or not worker.process.is_alive():
            self._fail(worker, _INTERNAL)
        elif worker.task is not None and time.monotonic() - worker.started > self.limits.parse_timeout_s:
            name = _display_name(self.items[worker.task][1])
            logger.warning("parse worker killed: %s took over %g s", name, self.limits.parse_timeout_s)
            self._fail(worker, _TIMEOUT.format(seconds=self.limits.parse_timeout_s))
        elif not worker.ready and time.monotonic() - worker.born > _BOOT_S:
            self._fail(worker, _INTERNAL)

    def _fail(self, worker: _Worker, reason: str) -> None:
        """Kill and drop the worker; its file (if any) fails with ``reason``."""
        worker.kill()
        self.workers.remove(worker)
        if worker.task is not None:
            filename = self.items[worker.task][1]
            if reason == _INTERNAL:
                code = worker.process.exitcode
                logger.warning("parse worker died (exit code %s) on %s", code, _display_name(filename))
            self.results[worker.task] = ParseFailure(filename, reason)
        elif not worker.ready:
            self.boot_failures += 1

    def _close(self) -> None:
        """Ask idle workers to stop, then kill whatever still runs: no process outlives the call."""
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        deadline = time.monotonic() + 2.0
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.kill()
            else:
                worker.process.join()
                worker.conn.close()
        self.workers.clear()

"""Turn uploaded bytes (PDF, DOCX, TXT, or a ZIP of them) into clean text, defensively.

Uploads are hostile until proven otherwise: every size is bounded before anything is
decompressed or parsed, nothing is written to disk, and any failure inside the PDF, DOCX or ZIP
libraries becomes a :class:`~core.errors.ParseError` whose message a recruiter can act on. One
bad file never stops a batch: :func:`parse_uploads` yields a :class:`ParseFailure` for it and
goes on, lazily, so memory stays flat however many files an upload holds.

Messages are about the file, never start with its name: every caller shows
:attr:`ParseFailure.filename` (or the file it passed in) next to the reason.

The package, one job per module:

- :mod:`~core.documents.parse`: :func:`parse_document`, :func:`expand_uploads`,
  :func:`parse_uploads` and :func:`parse_many` (a process pool), which tie the readers below together.
- :mod:`~core.documents.model`: the values (:class:`UploadedFile`, :class:`Document`,
  :class:`ParseFailure`).
- :mod:`~core.documents.detect`: what a file is, from its magic bytes first and its name second.
- :mod:`~core.documents.normalize`: text clean-up and mojibake repair.
- :mod:`~core.documents.pdf`, :mod:`~core.documents.pdf_fast` and
  :mod:`~core.documents.pdf_layout`: PDF reading (pypdfium2, pdfplumber where needed), and
  the reading order of one- and two-column pages.
- :mod:`~core.documents.docx`: Word documents (paragraphs, tables, text boxes).
- :mod:`~core.documents.plain_text`: decoding text files.
- :mod:`~core.documents.archive`: ZIP batches, opened in memory with bounds.
- :mod:`~core.documents.messages`: how sizes and file names read in messages.

Example:
    >>> doc = parse_document(b"Anna Example\\nSkills\\nPython, SQL\\n", "anna.txt")
    >>> doc.file_type, [s.name for s in doc.sections]
    ('txt', ['header', 'skills'])
"""

from __future__ import annotations

from core.documents.detect import SUPPORTED_EXTENSIONS, detect_file_type
from core.documents.model import Document, ParseFailure, UploadedFile
from core.documents.normalize import normalize_text
from core.documents.parse import expand_uploads, parse_document, parse_many, parse_uploads
from core.sections import Section

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
    "parse_many",
    "parse_uploads",
]

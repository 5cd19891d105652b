"""The values of document parsing: an uploaded file, a parsed document, a file that failed."""

from __future__ import annotations

from dataclasses import dataclass

from core.sections import Section


@dataclass(frozen=True)
class UploadedFile:
    """A file as uploaded: its name as the user gave it (or ``archive.zip/inner/x.pdf``) and bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Document:
    """The text of one parsed file, with its sections and anything the reader should know.

    ``ocr`` is True when the text was recognised from scanned pages (an image-only PDF or an
    image file); its warnings then say so too (:data:`core.documents.ocr.OCR_WARNING`).
    """

    filename: str
    text: str
    pages: int
    sections: tuple[Section, ...]
    warnings: tuple[str, ...]
    content_hash: str
    file_type: str
    ocr: bool = False


@dataclass(frozen=True)
class ParseFailure:
    """A file of an upload that could not be read, and why (one sentence a recruiter can act on).

    ``reason`` does not repeat ``filename``: whoever shows a failure shows both.
    """

    filename: str
    reason: str

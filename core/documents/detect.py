"""Type detection: magic bytes first, the extension second."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from core.documents.messages import _SUPPORTED_WORDS
from core.documents.model import UploadedFile
from core.documents.plain_text import _utf16_without_bom
from core.errors import ParseError, UnsupportedFileType

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
SUPPORTED_EXTENSIONS = (".pdf", ".docx", ".txt", ".zip", *IMAGE_EXTENSIONS)

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Scanned CVs: read by OCR (core.documents.ocr).
_IMAGE_MAGICS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_FOREIGN_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"MZ\x90\x00", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\x1f\x8b", "a GZIP archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"BZh", "a BZIP2 archive"),
    (b"\xfd7zXZ\x00", "an XZ archive"),
    (b"%!PS", "a PostScript file"),
)


NOT_CV_TEXT_EXTENSIONS = frozenset({
    ".exe", ".dll", ".bat", ".cmd", ".com", ".msi", ".sh", ".ps1", ".vbs", ".js", ".py", ".php", ".jar",
    ".html", ".htm", ".xml", ".json", ".csv", ".tsv", ".log", ".ini", ".cfg", ".conf", ".yaml", ".yml",
    ".sql", ".css", ".svg", ".eml", ".url", ".lnk", ".toml", ".lock", ".env", ".properties", ".ipynb"})
"""Names of programs, scripts, web pages and data files: text under them (``notes.exe`` holding a word) is
refused rather than ranked as a CV. Text under any other name — none, ``.md``, a name with dots in it
("Resume - J. Doe") — is read."""


def detect_file_type(data: bytes, filename: str) -> str:
    """Say what ``data`` is: ``"pdf"``, ``"docx"``, ``"zip"``, ``"txt"`` or ``"image"`` (PNG, JPEG, TIFF).

    The bytes decide; the extension only breaks ties (a file that starts like nothing known and
    is named ``.pdf`` is a damaged PDF, not a text file).

    Raises:
        UnsupportedFileType: an image, a program, a legacy Office file, another archive format...
        ParseError: the bytes start like a ZIP/DOCX but the archive is damaged, or the name
            says PDF/DOCX/ZIP and the bytes are not.
    """
    ext = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    head = data[:1024]
    if b"%PDF-" in head:  # the PDF spec lets junk precede the header within the first 1 KB
        return "pdf"
    if data.startswith(_ZIP_MAGICS):
        return _zip_kind(data, ext)
    if data.startswith(_IMAGE_MAGICS):
        return "image"
    if data.startswith(_OLE_MAGIC):
        raise UnsupportedFileType(
            "the file is an old Microsoft Office file (.doc); save it as DOCX or PDF and upload that"
        )
    if data[:64].lstrip().startswith(b"{\\rtf"):
        raise UnsupportedFileType("the file is an RTF document; save it as DOCX or PDF and upload that")
    for magic, what in _FOREIGN_MAGICS:
        if data.startswith(magic):
            raise UnsupportedFileType(f"the file is {what}, not a CV document; upload {_SUPPORTED_WORDS}")
    if data[8:12] in (b"WEBP", b"WAVE", b"AVI ") or data[4:8] == b"ftyp":
        raise UnsupportedFileType(f"the file is an image or media file; upload {_SUPPORTED_WORDS}")
    if ext == ".pdf":
        raise ParseError("the file is damaged or not a valid PDF; ask the candidate for a new copy")
    if ext == ".docx":
        raise ParseError("the file is damaged or not a valid DOCX; ask the candidate for a new copy")
    if ext == ".zip":
        raise ParseError("the ZIP archive is damaged and could not be opened")
    if ext in IMAGE_EXTENSIONS:
        raise ParseError("the image is damaged or not a valid PNG, JPEG or TIFF file; ask the candidate for a new copy")
    if ext in NOT_CV_TEXT_EXTENSIONS:
        raise UnsupportedFileType(f"a {ext} file is not a CV document; upload {_SUPPORTED_WORDS}")
    if ext == ".txt" or _looks_like_text(data[:8192]):
        return "txt"
    raise UnsupportedFileType(f"the file type is not supported; upload {_SUPPORTED_WORDS}")


def _zip_kind(data: bytes, ext: str) -> str:
    """docx, zip, or refuse: other Office/OpenDocument containers are ZIPs too."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = _small_member(zf, "mimetype") if "mimetype" in names else b""
    except MemoryError:
        raise
    except Exception as exc:  # BadZipFile mostly; hostile archives raise others too
        what = "DOCX file" if ext == ".docx" else "ZIP archive"
        raise ParseError(f"the {what} is damaged and could not be opened") from exc
    if "word/document.xml" in names:
        return "docx"
    if "[Content_Types].xml" in names:
        raise UnsupportedFileType(
            f"the file is an Office file but not a Word document; upload {_SUPPORTED_WORDS}"
        )
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise UnsupportedFileType(
            "the file is an OpenDocument file; save it as DOCX or PDF and upload that"
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

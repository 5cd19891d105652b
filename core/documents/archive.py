"""ZIP: batches opened in memory, checked as a whole before any member is decompressed."""

from __future__ import annotations

import io
import logging
import re
import stat
import zipfile
from collections.abc import Iterator

from core.config import ParseLimits
from core.documents.detect import _ZIP_MAGICS, detect_file_type
from core.documents.messages import _MB, _display_name, _size
from core.documents.model import ParseFailure, UploadedFile
from core.errors import ParseError

logger = logging.getLogger(__name__)

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
            f"the file was not read, because one upload holds at most {self.limit:,} files; "
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
        return ParseFailure(archive, reason)

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
                yield ParseFailure(member, refusal)
            elif not room.take():
                yield room.refusal(member)
            else:
                yield _read_member(zf, info, member)


def _too_many_entries(count: int, limits: ParseLimits) -> str:
    return f"the ZIP holds {count:,} entries, more than the {limits.max_zip_members:,} allowed; split it"


def _refusal(info: zipfile.ZipInfo, limits: ParseLimits) -> str | None:
    """Why one member is not read, decided from the central directory alone."""
    if _unsafe_path(info.filename):
        return "the file has an unsafe path inside the ZIP (it points outside the archive); it was not read"
    if info.flag_bits & 0x1:
        return "the file is password-protected inside the ZIP; upload it unencrypted"
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        return "the entry is a symbolic link, not a file; it was not followed or read"
    if info.filename.lower().endswith(".zip"):
        return "the file is a ZIP inside a ZIP, which is not read; upload it separately"
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
                        member, "the ZIP entry is larger than it declares; it was not read"
                    )
                chunks.append(chunk)
    except MemoryError:
        raise
    except NotImplementedError:
        return ParseFailure(
            member, "the file is compressed in a way we cannot read; re-create the ZIP with standard settings"
        )
    except Exception as exc:  # bad CRC, truncated data, zlib errors...
        logger.info("zip member %s unreadable: %r", shown, exc)
        return ParseFailure(member, "the file is damaged inside the ZIP and could not be read")
    data = b"".join(chunks)
    if data.startswith(_ZIP_MAGICS):
        try:
            nested = detect_file_type(data, member) == "zip"
        except ParseError:
            nested = False
        if nested:
            return ParseFailure(
                member, "the file is a ZIP inside a ZIP, which is not read; upload it separately"
            )
    return UploadedFile(member, data)

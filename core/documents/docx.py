"""DOCX: paragraphs, tables and text boxes in document order, from a size-checked package."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from core.config import ParseLimits
from core.documents.archive import _archive_problem
from core.errors import ParseError, RecruitError

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
        raise ParseError("the DOCX file is damaged and could not be opened") from exc
    if problem:
        raise ParseError(f"the DOCX file {problem}; it was not read")
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except (RecruitError, MemoryError):
        raise
    except Exception as exc:
        raise ParseError(
            "the DOCX file is damaged or not a Word document; ask for a new copy or a PDF"
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

"""The reading order of a PDF page: rows of words, and two-column zones read column by column."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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
    """A pdfplumber page's text in reading order."""
    words = page.extract_words(x_tolerance=1.5, y_tolerance=3, keep_blank_chars=False)
    return _words_text(words, float(page.bbox[0]), float(page.bbox[2]))


def _words_text(words: list[_Word], x_min: float, x_max: float) -> str:
    """The text of a page's words (``text``, ``x0``, ``x1``, ``top``, ``bottom``, top-down
    coordinates) in reading order; ``x_min``/``x_max`` are the page's left and right edges.
    Either PDF reader (pdfplumber or the pypdfium2 fast path) feeds its words in here."""
    if not words:
        return ""
    rows = _rows(words)
    segs = [_segments(row) for row in rows]
    gutter = _find_gutter(rows, segs, x_min, x_max)
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

"""CV text with its skills highlighted, as HTML built only from escaped text.

Every piece of CV text goes through ``html.escape``; the only markup is ours (a ``<mark>`` with a
class from :data:`STYLES`), so a CV containing ``<script>`` or ``<img onerror=...>`` shows as text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Literal

Status = Literal["matched", "partial", "extra"]

# status → (background colour, legend text)
STYLES: dict[str, tuple[str, str]] = {
    "matched": ("#b7e4c7", "asked for by the job and in the CV"),
    "partial": ("#ffe8a3", "close to a skill the job asks for (partial match)"),
    "extra": ("#dbe4ff", "in the CV, not asked for by the job"),
}
MAX_HIGHLIGHT_CHARS = 60_000  # longer CVs are shown up to here (the page stays responsive)


def highlight_html(text: str, hits: Iterable[tuple[int, int, str]], status_of: Mapping[str, Status],
                   *, limit: int = MAX_HIGHLIGHT_CHARS) -> str:
    """``text`` as HTML with each hit ``(start, end, skill)`` marked by its skill's status.

    Hits are taken in order of position; one that overlaps an earlier hit, or falls outside the
    text, is skipped. Skills missing from ``status_of`` are marked ``extra``.
    """
    shown = text[:limit]
    parts: list[str] = []
    at = 0
    for start, end, skill in sorted(hits, key=lambda h: (h[0], -h[1])):
        if start < at or end > len(shown) or start >= end or start < 0:
            continue
        status = status_of.get(skill.casefold(), "extra")
        colour = STYLES.get(status, STYLES["extra"])[0]
        parts.append(html.escape(shown[at:start]))
        parts.append(f'<mark style="background:{colour};padding:0 2px;border-radius:3px" '
                     f'title="{html.escape(skill)} · {html.escape(status)}">{html.escape(shown[start:end])}</mark>')
        at = end
    parts.append(html.escape(shown[at:]))
    cut = f"<p><em>… {len(text) - limit:,} more characters not shown.</em></p>" if len(text) > limit else ""
    body = "".join(parts).replace("\n", "<br>")
    return (f'<div style="white-space:normal;font-family:inherit;line-height:1.6;max-height:36rem;overflow-y:auto;'
            f'border:1px solid #ddd;border-radius:6px;padding:0.8rem">{body}{cut}</div>')


def legend_html() -> str:
    items = "".join(f'<mark style="background:{colour};padding:0 6px;border-radius:3px;margin-right:0.8rem">'
                    f"{html.escape(label)}</mark>" for colour, label in STYLES.values())
    return f"<div>{items}</div>"

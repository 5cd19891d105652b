"""How files, sizes and the supported types are named in messages a recruiter reads."""

from __future__ import annotations

_SUPPORTED_WORDS = "PDF, DOCX, TXT, a scan (PNG, JPEG, TIFF) or a ZIP of them"
_MB = 1024 * 1024


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


CANDIDATE_ADVICE = "ask the candidate for "
"""How every parse message that advises a new file starts: CVs come from candidates."""


def for_any_document(reason: str) -> str:
    """A parse message for a file that is not a CV (a job description): the advice without "the candidate"."""
    return reason.replace(CANDIDATE_ADVICE, "get ")

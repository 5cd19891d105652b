"""Text normalisation: mojibake repair, Unicode clean-up, and cutting text to a length."""

from __future__ import annotations

import re
import unicodedata

# Zero-width characters, and the bidirectional controls that can make "cv\u202efdp.exe" display as
# "cvexe.pdf": invisible, never meaningful in a CV, dropped.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
                                     "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"), None)
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
# Icon-font glyphs (contact icons in many CV themes) are private-use characters: noise.
_PRIVATE_USE = re.compile(r"[ \t]*[\ue000-\uf8ff]+[ \t]*")
_CID = re.compile(r"\(cid:\d+\)")  # pdfminer's placeholder for a glyph with no Unicode mapping
_LIGATURES = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
    "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st",
}
_LIGATURE_RE = re.compile("[" + "".join(_LIGATURES) + "]")
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # "－" -> "-", "Ａ" -> "A"

# Mojibake: UTF-8 bytes that were decoded as Windows-1252 ("â€“" for "–", "Ã©" for "é").
# Each character stands for one byte; a lead byte C2-F4 followed by continuation bytes 80-BF.
# The five bytes Windows-1252 leaves undefined often come out as U+200B instead (the
# livecareer PDFs write "Company Name ï¼\u200b City" for "－"); such a placeholder is tried as
# each of them, punctuation preferred. A stray "Â" before a space is the lead byte of a
# no-break space whose second byte became a plain space.
_UNDEFINED_CP1252 = (0x8D, 0x90, 0x9D, 0x81, 0x8F)
_PLACEHOLDER = "\u200b"
_CP1252_BYTE = {bytes([b]).decode("cp1252"): b for b in range(0x80, 0x100) if b not in _UNDEFINED_CP1252}
_CP1252_BYTE.update({chr(b): b for b in _UNDEFINED_CP1252})
_CONT = "".join(re.escape(ch) for ch, b in _CP1252_BYTE.items() if 0x80 <= b <= 0xBF) + _PLACEHOLDER
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_CONT}]{{1,3}}")
_STRAY_A_CIRC = re.compile(r"[ \t]?\u00c2(?=[ \t\n]|$)")
# What mojibake usually hides: Latin letters, Greek and Cyrillic, punctuation and symbols,
# fullwidth forms, emoji. Anything else (a CJK ideograph from French "é\u00a0»", an NKo letter
# from German "ß“") means the run was real text, not mojibake.
_MOJIBAKE_TARGETS = (
    (0x00A0, 0x024F), (0x0370, 0x04FF), (0x1E00, 0x1EFF), (0x2000, 0x2BFF), (0x3000, 0x303F),
    (0xE000, 0xF8FF), (0xFF00, 0xFFEF), (0x1F000, 0x1FAFF),
)


def _plausible(decoded: str) -> bool:
    return any(lo <= ord(decoded[0]) <= hi for lo, hi in _MOJIBAKE_TARGETS)


def _decode_run(run: str) -> tuple[str, int] | None:
    """The UTF-8 reading of a mojibake run and how many of its characters it used, or None."""
    options: list[list[int]] = [[]]
    for ch in run:
        choices = _UNDEFINED_CP1252 if ch == _PLACEHOLDER else (_CP1252_BYTE.get(ch, ord(ch)),)
        options = [prefix + [b] for prefix in options for b in choices]
    fallback = None
    for size in range(len(run), 1, -1):  # the run may end with a real character
        for option in options:
            try:
                decoded = bytes(option[:size]).decode("utf-8")
            except UnicodeDecodeError:
                continue
            if not _plausible(decoded):
                continue
            if _PLACEHOLDER not in run[:size] or unicodedata.category(decoded[0])[0] in "PS":
                return decoded, size
            fallback = fallback or (decoded, size)
        if fallback:
            return fallback
    return None


def _fix_mojibake(text: str) -> tuple[str, int]:
    fixed = 0

    def repair(match: re.Match[str]) -> str:
        nonlocal fixed
        run = match.group(0)
        decoded = _decode_run(run)
        if decoded is None:
            return run
        fixed += 1
        return decoded[0] + run[decoded[1] :]

    for _ in range(2):  # text that was mis-decoded twice needs two passes
        new = _MOJIBAKE.sub(repair, text)
        if new == text:
            break
        text = new
    text, stray = _STRAY_A_CIRC.subn("", text)
    return text, fixed + stray


def normalize_text(text: str) -> tuple[str, list[str]]:
    """Clean extracted text: repair mojibake, NFC, plain spaces and newlines, no control chars.

    Also drops zero-width characters, soft hyphens, icon-font glyphs and pdfminer's ``(cid:N)``
    placeholders, expands ligatures, strips trailing spaces and collapses three or more blank
    lines to two.

    Returns:
        The clean text and warnings about what was repaired (empty when nothing was).

    Example:
        >>> normalize_text("Caf\\u00c3\\u00a9\\u00a0\\u2013 Bar\\r\\n\\n\\n\\nEnd  ")[0]
        'Café – Bar\\n\\n\\nEnd'
    """
    notes: list[str] = []
    text, fixed = _fix_mojibake(text)
    if fixed:
        notes.append(f"{fixed} garbled character sequence(s) from a wrong text encoding were repaired")
    cids = len(_CID.findall(text))
    if cids:
        text = _CID.sub("", text)
        notes.append(f"{cids} character(s) in the PDF have no text equivalent and were dropped")
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = text.translate(_ZERO_WIDTH)
    text = _SPACES.sub(" ", text)
    text = _CONTROLS.sub("", text)
    text = _LIGATURE_RE.sub(lambda m: _LIGATURES[m.group(0)], text).translate(_FULLWIDTH)
    text = "\n".join(map(_clean_line, text.split("\n")))
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip("\n"), notes


def _clean_line(line: str) -> str:
    if _PRIVATE_USE.search(line):  # an icon before "Berlin" leaves no leading space behind
        return _PRIVATE_USE.sub(" ", line).strip(" \t")
    return line.rstrip()


def _cut(text: str, limit: int) -> str:
    """Cut at a line or word boundary near ``limit`` so the last word is not torn."""
    head = text[:limit]
    boundary = max(head.rfind("\n"), head.rfind(" "))
    return head[:boundary].rstrip() if boundary > limit - 200 else head


def clean_filename(name: str, *, limit: int = 255) -> str:
    """A file name safe to show and store: no control, zero-width or bidirectional characters
    (PostgreSQL refuses NUL; an RLO disguises "exe" as "pdf"), spaces collapsed, at most ``limit``
    characters (keeping the extension)."""
    cleaned = " ".join(_CONTROLS.sub("", str(name).translate(_ZERO_WIDTH)).split())
    if len(cleaned) > limit:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = (stem[: limit - len(ext) - 2] + "…." + ext) if dot and len(ext) <= 10 else cleaned[: limit - 1] + "…"
    return cleaned or "unnamed file"

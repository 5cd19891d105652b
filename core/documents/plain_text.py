"""TXT: decoding text files (BOMs, UTF-16 without a BOM, UTF-8, then Windows-1252)."""

from __future__ import annotations

from core.config import ParseLimits
from core.documents.messages import _SUPPORTED_WORDS
from core.errors import ParseError


def _utf16_without_bom(sample: bytes) -> str | None:
    even, odd = sample[0:2048:2], sample[1:2048:2]
    if len(odd) < 8:
        return None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _read_txt(data: bytes, name: str, limits: ParseLimits) -> tuple[str, int, list[str]]:
    warnings: list[str] = []
    boms = (
        (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
    )
    encoding = next((enc for bom, enc in boms if data.startswith(bom)), None) or _utf16_without_bom(data)
    if encoding:
        text = data.decode(encoding, errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            warnings.append("the text was not UTF-8 and was decoded as Latin-1 (Windows-1252); check accents")
    sample = text[:100_000]  # enough to tell text from binary without walking 20 MB char by char
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ch < " " and ch not in "\t\n\r\x0c"))
    if bad > max(8, 0.02 * len(sample)):
        raise ParseError(f"the file is not a text file (it holds binary data); upload {_SUPPORTED_WORDS}")
    return text, 1, warnings

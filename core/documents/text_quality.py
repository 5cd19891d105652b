"""Is a PDF's text layer real text, or garbage that only looks like text?

Some PDFs show readable glyphs but carry a text layer that maps them to the wrong characters:
a font without a ``/ToUnicode`` map gives pdfminer's ``(cid:12)(cid:34)`` placeholders, PDFium's
private-use, replacement or control characters, or letters in a random order
(``9K:22LPnQSDaA``); a text layer written in the wrong encoding gives mojibake (``â€™``,
``Ã©``). Scoring such text ranks the candidate on noise, so :func:`assess_text_layer` measures
a few simple shares and says whether the text is ``good`` or ``garbage``.

The measures (each a share in 0..1, of the *glyphs*: non-blank characters, one per ``(cid:N)``):

- ``cid_share``: pdfminer's ``(cid:N)`` placeholders;
- ``bad_share``: private-use (icon fonts), U+FFFD, control, unassigned and surrogate characters;
- ``letter_share``: letters (any script);
- ``mojibake_share``: mojibake pairs (a UTF-8 lead byte read as Windows-1252, then a
  continuation byte: ``Ã©``, ``â€``) per token that holds a letter, counted after the repair
  :func:`~core.documents.normalize.normalize_text` makes (text encoded once or twice too
  often reads fine once repaired; what is left cannot be repaired);
- ``word_share``: tokens that look like words (mostly letters, at most one lower-to-upper case
  change, a vowel in longer Latin words) per token that holds a letter;
- ``vowel_share``: vowels (``aeiouy``, accents ignored) among the Latin letters; real text in
  European languages has 30-45 %, letters in a random order about 23 %.

The thresholds are deliberately loose. All 2,003 real CV PDFs with a text layer in the
livecareer set (read as :func:`core.documents.parse_document` reads them) are judged good, as
a whole and page by page; the worst of their 3,903 pages of 40+ glyphs are still far from a
threshold: ``cid_share`` 0 (garbage above 0.10), ``bad_share`` 0.012 (0.15), ``letter_share``
0.74 (below 0.35), ``mojibake_share`` 0.036 (0.15), ``word_share`` 0.89 (below 0.55),
``vowel_share`` 0.31 (below 0.22). Short texts (fewer than :data:`_MIN_GLYPHS` glyphs) are
judged only on placeholders and bad characters, and only with at least :data:`_MIN_BAD` of
them (a page holding one icon is not garbage). The text of DOCX and TXT files is not judged:
only a PDF's text layer can disagree with what the page shows.

Example:
    >>> assess_text_layer("Anna Example, Senior Data Engineer. Python, SQL, Kubernetes.").verdict
    'good'
    >>> assess_text_layer("(cid:12)(cid:34)(cid:5) (cid:7)(cid:8)(cid:9)(cid:10)").verdict
    'garbage'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from core.documents.normalize import _fix_mojibake

_CID = re.compile(r"\(cid:\d+\)")
# A UTF-8 lead byte (Â Ã for Latin-1 letters, â for punctuation, ï for fullwidth forms and
# icon glyphs) read as Windows-1252, followed by a continuation byte (0x80-0xBF) read the same way.
_CONTINUATION = "".join(
    bytes([b]).decode("cp1252") for b in range(0x80, 0xC0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
)
_MOJIBAKE = re.compile(f"[\u00c2\u00c3\u00e2\u00ef][{re.escape(_CONTINUATION)}\u200b]")
_EDGE_PUNCTUATION = "\"'`()[]{}<>.,;:!?*•·–—-_/\\|«»“”‘’„"
_VOWELS = frozenset("aeiouy")

_MIN_GLYPHS = 40  # fewer: too short for the share-of-words measures
_MIN_BAD = 5  # placeholders or bad characters needed before their share counts
_MIN_TOKENS = 15  # tokens holding a letter, for word_share
_MIN_LATIN = 100  # Latin letters, for vowel_share

# Above (or below, for the last four) these, the text is garbage. Real CVs: see the module doc.
MAX_CID_SHARE = 0.10
MAX_BAD_SHARE = 0.15
MAX_MOJIBAKE_SHARE = 0.15
MIN_LETTER_SHARE = 0.35
MIN_WORD_SHARE = 0.55
MIN_VOWEL_SHARE = 0.22
# Below this share of word-like tokens (or fewer such words), nothing worth keeping is left.
UNUSABLE_WORD_SHARE = 0.25
UNUSABLE_WORDS = 20


@dataclass(frozen=True)
class TextQuality:
    """The verdict on one text and the measures behind it (shares in 0..1)."""

    verdict: Literal["good", "garbage"]
    reason: str  # empty when good; else a short phrase for a warning, e.g. "62% of its words are not words"
    glyphs: int
    cid_share: float
    bad_share: float
    letter_share: float
    mojibake_share: float
    word_share: float
    vowel_share: float
    words: int  # word-like tokens

    @property
    def garbage(self) -> bool:
        return self.verdict == "garbage"

    @property
    def unusable(self) -> bool:
        """Garbage with almost nothing word-like in it: not worth scoring at all."""
        return self.garbage and (self.words < UNUSABLE_WORDS or self.word_share < UNUSABLE_WORD_SHARE)


def assess_text_layer(text: str) -> TextQuality:
    """Measure ``text`` (a PDF text layer, before normalisation) and judge it good or garbage.

    Pure and cheap (one pass over the characters and one over the tokens). See the module
    docstring for the measures and thresholds.
    """
    text, _ = _fix_mojibake(text)  # what normalize_text repairs is not garbage
    cids = len(_CID.findall(text))
    plain = _CID.sub(" ", text)
    glyphs, bad, letters, latin, vowels = _character_counts(plain)
    glyphs += cids
    stripped = (token.strip(_EDGE_PUNCTUATION) for token in plain.split())
    tokens = [token for token in stripped if any(c.isalpha() for c in token)]
    words = sum(map(_word_like, tokens))
    quality = dict(
        glyphs=glyphs,
        cid_share=_share(cids, glyphs),
        bad_share=_share(bad, glyphs),
        letter_share=_share(letters, glyphs),
        mojibake_share=_share(len(_MOJIBAKE.findall(plain)), len(tokens)),
        word_share=_share(words, len(tokens)) if tokens else 1.0,
        vowel_share=_share(vowels, latin) if latin else 0.4,  # no Latin letters: a neutral value
        words=words,
    )
    reason = _reason(quality, len(tokens), latin)
    verdict = "garbage" if reason else "good"
    return TextQuality(verdict=verdict, reason=reason, **quality)  # type: ignore[arg-type]


def _reason(q: dict[str, float], tokens: int, latin: int) -> str:
    """Why the measures say garbage (the first rule that fires), or "" for good text."""
    if q["glyphs"] == 0:
        return ""
    if q["cid_share"] > MAX_CID_SHARE and q["cid_share"] * q["glyphs"] >= _MIN_BAD:
        return f"{q['cid_share']:.0%} of its characters have no text equivalent"
    if q["bad_share"] > MAX_BAD_SHARE and q["bad_share"] * q["glyphs"] >= _MIN_BAD:
        return f"{q['bad_share']:.0%} of its characters are unreadable symbols"
    if q["glyphs"] < _MIN_GLYPHS:
        return ""
    if q["letter_share"] < MIN_LETTER_SHARE:
        return f"only {q['letter_share']:.0%} of its characters are letters"
    if tokens >= _MIN_TOKENS and q["mojibake_share"] > MAX_MOJIBAKE_SHARE:
        return "its characters come in a wrong text encoding"
    if tokens >= _MIN_TOKENS and q["word_share"] < MIN_WORD_SHARE:
        return f"{1 - q['word_share']:.0%} of its words are not words"
    if latin >= _MIN_LATIN and q["vowel_share"] < MIN_VOWEL_SHARE:
        return "its letters do not form words"
    return ""


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


_SPACE = re.compile(r"\s")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_ASCII_VOWEL = re.compile(r"[aeiouyAEIOUY]")
_ASCII_BAD = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")  # control characters that are not whitespace
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_PLAIN_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+")


def _character_counts(plain: str) -> tuple[int, int, int, int, int]:
    """(glyphs, bad, letters, Latin letters, vowels among them) of a text without placeholders.

    ASCII characters are counted by C-speed regular expressions (a walk over every character
    cost a tenth of a parse); only the few others (bullets, dashes, accented letters) are looked
    at one by one.
    """
    glyphs = len(plain) - len(_SPACE.findall(plain))
    bad = len(_ASCII_BAD.findall(plain))
    letters = latin = len(_ASCII_LETTER.findall(plain))
    vowels = len(_ASCII_VOWEL.findall(plain))
    for ch in _NON_ASCII.findall(plain):
        if ch.isspace():
            continue
        if ch.isalpha():
            letters += 1
            if "LATIN" in unicodedata.name(ch, ""):
                latin += 1
                vowels += _base_letter(ch) in _VOWELS
        elif _is_bad(ch):
            bad += 1
    return glyphs, bad, letters, latin, vowels


def _is_bad(ch: str) -> bool:
    """Private-use, U+FFFD, control (tab and line breaks aside), unassigned or surrogate."""
    return ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cc", "Cn", "Cs")


def _base_letter(ch: str) -> str:
    """``é`` -> ``e``: the letter without its accents, lower case."""
    return unicodedata.normalize("NFD", ch)[0].lower()


def _word_like(token: str) -> bool:
    """Mostly letters, a plausible case pattern, and a vowel when it is a longer Latin word.

    "Python", "PostgreSQL", "SQL", "e-mail", "anna@example.com", "Müller" and "日本語" are
    word-like; "9K:22LPnQSDaA", "bnceg4B" and "xQzKv" are not.
    """
    if _PLAIN_WORD.fullmatch(token):  # most tokens of a CV: decided at C speed, same answer as below
        return len(token) < 4 or token.isupper() or _ASCII_VOWEL.search(token) is not None
    letters = [c for c in token if c.isalpha()]
    if len(letters) < 0.6 * len(token):
        return False
    changes = sum(a.islower() and b.isupper() for a, b in zip(letters, letters[1:]))
    if changes > 1:
        return False
    if any(c.islower() for c in letters) and any(c.isdigit() for c in token):
        return False  # "bnceg4B": letters and digits mixed inside a lower-case token
    latin = [c for c in letters if c.isascii() or "LATIN" in unicodedata.name(c, "")]
    if len(latin) >= 4 and any(c.islower() for c in latin):
        return any(_base_letter(c) in _VOWELS for c in latin)
    return True

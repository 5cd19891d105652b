"""Garbled PDF text layers are told from real text, and read by OCR (or flagged, or refused)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import core.documents.parse as parse_module
from core.documents import parse_document
from core.documents.ocr import OCR_WARNING, ocr_available
from core.documents.text_quality import assess_text_layer
from core.errors import ParseError
from tests.docfactory import make_docx, make_pdf, sample_cv_text

needs_tesseract = pytest.mark.skipif(not ocr_available(), reason="tesseract-ocr is not installed (make installs it)")

_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
)
FONT = next((path for path in _FONTS if path.is_file()), None)
needs_font = pytest.mark.skipif(FONT is None, reason="no TrueType font (DejaVu or Liberation) to embed")

GARBLED_LINES = (
    "Anna Example",
    "Senior Data Engineer",
    "Skills: Python, Kubernetes, PostgreSQL",
    "Experience: 2019 - 2024 Acme Corporation, Berlin",
)


def garbled_pdf(pages: list[str | None]) -> bytes:
    """A PDF whose ``None`` pages show the CV in an embedded font without a ``/ToUnicode`` map.

    The glyphs render (OCR reads them), but the text layer holds glyph numbers: pdfminer's
    ``(cid:N)`` and letters in a random order. Other pages are plain Helvetica text.
    """
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.core_fonts_encoding = "windows-1252"  # dashes and quotes in Helvetica, as tests.docfactory
    pdf.add_font("Embedded", fname=str(FONT))
    for text in pages:
        pdf.add_page()
        if text is None:
            pdf.set_font("Embedded", size=16)
            pdf.multi_cell(0, 10, "\n".join(GARBLED_LINES * 3))
        else:
            pdf.set_font("Helvetica", size=11)
            pdf.multi_cell(0, 6, text)
    data = bytes(pdf.output())
    # Blank the font's /ToUnicode reference (same length: the cross-reference offsets stay right).
    stripped, count = re.subn(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group(0)), data)
    assert count == 1
    return stripped


# ---------------------------------------------------------------------------------------------
# The measures on strings
# ---------------------------------------------------------------------------------------------


def test_a_normal_cv_is_good() -> None:
    quality = assess_text_layer(sample_cv_text())
    assert quality.verdict == "good" and quality.reason == ""
    assert quality.cid_share == 0 and quality.bad_share == 0 and quality.mojibake_share == 0
    assert quality.word_share > 0.9 and 0.3 < quality.vowel_share < 0.5 and quality.letter_share > 0.8


@pytest.mark.parametrize(
    "text",
    [
        "Anna Example\nPython",
        "",
        "   \n ",
        "CV",
        "• Python • SQL • AWS • CSS • HTML • PHP • XML • GCP",
        "(cid:127) References on request",  # one unmapped bullet on a short last page
        "\uf0e0 anna@example.com \uf095 +49 30 1234",  # icon-font glyphs
    ],
)
def test_short_texts_are_good(text: str) -> None:
    assert assess_text_layer(text).verdict == "good"


def test_bullets_numbers_emails_and_acronyms_are_good() -> None:
    text = "\n".join(
        [
            "Anna Example | anna.example@example.com | +49 (0) 170 123 45 67 | linkedin.com/in/anna-ex",
            "• 2019 – 2024: SQL, HTML5, CSS3, PHP, XML, JSON, REST, CI/CD, AWS (EC2, S3, RDS), GCP",
            "• 12/2015 – 03/2019: 40 % faster ETL; 1.2 M rows/s; 99.9 % SLA; NPS +12; KPI x3",
            "• B.Sc. (2015), M.Sc. (2017), GPA 3.8/4.0, CPA, MBA, PMP, ITIL v4, ISO 27001",
            "- Led 5 engineers; budget $250k; 24/7 on-call; 3 × 2-week sprints",
        ]
        * 3
    )
    quality = assess_text_layer(text)
    assert quality.verdict == "good", quality


@pytest.mark.parametrize(
    "text",
    [
        # French and German, accents and all
        "Expérience professionnelle : ingénieure données chez Société Générale à Paris, "
        "développement de chaînes de traitement, modélisation, études supérieures à l'École "
        "polytechnique ; compétences : Python, SQL, visualisation, français, anglais. " * 3,
        "Berufserfahrung: Softwareentwicklerin bei der Müller & Söhne GmbH in München, "
        "Schwerpunkt Datenbanken, Prüfung und Qualitätssicherung, Ausbildung an der "
        "Technischen Universität Dresden; Kenntnisse: Python, Größenordnung, Übersetzung. " * 3,
        # Polish and Czech have fewer vowels and many diacritics
        "Doświadczenie zawodowe: programistka w firmie Kraków Software, język angielski, "
        "zarządzanie zespołem, szkolenia, współpraca z klientami, wykształcenie wyższe. " * 3,
        # non-Latin scripts are judged on their characters, not on vowels
        "Опыт работы: инженер данных, Москва, разработка систем обработки данных, Python. " * 3,
        "職務経歴：データエンジニア、東京、データ基盤の設計と運用、Python、SQL。" * 5,
    ],
)
def test_non_english_text_is_good(text: str) -> None:
    assert assess_text_layer(text).verdict == "good", assess_text_layer(text)


def test_cid_runs_are_garbage() -> None:
    text = " ".join("(cid:%d)(cid:%d)(cid:%d)" % (i, i + 7, i + 3) for i in range(40))
    quality = assess_text_layer(text)
    assert quality.garbage and quality.cid_share > 0.9 and quality.unusable
    assert "no text equivalent" in quality.reason


def test_a_few_cid_bullets_in_a_cv_are_fine() -> None:
    text = "\n".join(f"(cid:127) {line}" for line in sample_cv_text().splitlines() if line)
    assert assess_text_layer(text).verdict == "good"


@pytest.mark.parametrize("bad", ["\ue000\ue01a\uf0b7", "\ufffd\ufffd\ufffd", "\x01\x02\x03\x04\x05"])
def test_private_use_replacement_and_control_characters_are_garbage(bad: str) -> None:
    text = " ".join(bad + "a" for _ in range(40))
    quality = assess_text_layer(text)
    assert quality.garbage and quality.bad_share > 0.5 and "unreadable symbols" in quality.reason


def test_icon_glyphs_in_a_cv_are_fine() -> None:
    text = "\uf0e0 anna@example.com \uf095 +49 30 1234 \uf041 Berlin\n" + sample_cv_text()
    assert assess_text_layer(text).verdict == "good"


def test_repairable_mojibake_is_good_but_mojibake_that_stays_is_garbage() -> None:
    clean = "Café résumé, naïve coöperation — “quoted” and ‘single’ Société Générale. " * 6
    once = clean.encode("utf-8").decode("cp1252", errors="replace")  # "CafÃ©": normalize repairs it
    thrice = once.encode("utf-8").decode("cp1252", errors="replace")
    thrice = thrice.encode("utf-8").decode("cp1252", errors="replace")
    assert "Ã©" in once and assess_text_layer(once).verdict == "good"
    quality = assess_text_layer(thrice)
    assert quality.garbage and quality.mojibake_share > 0.15, quality


def test_letters_in_a_random_order_are_garbage() -> None:
    # what a font without a Unicode map gives through PDFium: glyph numbers read as letters
    text = "94rg:ABnC D n,rE:r44B 9K:22LPnQSDaArbnceg4Br4D4LbnQALDEB49hi ,-14B:4rk4Pnlm " * 5
    quality = assess_text_layer(text)
    assert quality.garbage and quality.word_share < 0.55, quality


def test_shifted_letters_are_garbage() -> None:
    # every letter moved along the alphabet (a subset font numbering its glyphs): no vowels left
    shifted = sample_cv_text().translate(str.maketrans("abcdefghijklmnopqrstuvwxyz", "bcdfghjklmnpqrstvwxzzbcdfg"))
    assert assess_text_layer(shifted).garbage


# ---------------------------------------------------------------------------------------------
# parse_document: which texts are judged, and what happens to a garbled PDF
# ---------------------------------------------------------------------------------------------


def test_txt_and_docx_text_is_never_judged(monkeypatch: pytest.MonkeyPatch) -> None:
    judged: list[str] = []
    monkeypatch.setattr(parse_module, "assess_text_layer", lambda text: judged.append(text))
    garbage = "(cid:1)(cid:2)(cid:3) 9K:22LPnQSDaArbnceg4Br4D4LbnQALDEB49hi " * 50
    parse_document(garbage.encode(), "cv.txt")
    parse_document(make_docx(["Anna Example", garbage]), "cv.docx")
    assert judged == []


def test_a_good_pdf_keeps_its_text_layer() -> None:
    doc = parse_document(make_pdf([sample_cv_text(), "Page two. References on request."]), "cv.pdf")
    assert not doc.ocr and not any("garbled" in w or "unreadable" in w for w in doc.warnings)


@needs_font
@needs_tesseract
def test_a_garbled_pdf_is_read_by_ocr() -> None:
    doc = parse_document(garbled_pdf([None]), "cv.pdf")

    assert doc.ocr and OCR_WARNING in doc.warnings
    assert any("text layer was unreadable" in w and "recognised by OCR" in w for w in doc.warnings), doc.warnings
    assert "(cid:" not in doc.text and "kubernetes" in doc.text.lower() and "acme" in doc.text.lower()
    assert assess_text_layer(doc.text).verdict == "good"


@needs_font
@needs_tesseract
def test_only_the_garbled_page_is_read_by_ocr() -> None:
    doc = parse_document(garbled_pdf(["Page one of Bob Builder. Skills: carpentry, welding.", None]), "cv.pdf")

    assert doc.ocr and doc.pages == 2
    assert doc.text.startswith("Page one of Bob Builder. Skills: carpentry, welding.")
    assert "postgresql" in doc.text.lower()
    assert any("unreadable on page 2 " in w for w in doc.warnings), doc.warnings


@needs_font
def test_without_ocr_a_partly_garbled_pdf_is_kept_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "ocr_available", lambda: False)
    good = sample_cv_text()
    doc = parse_document(garbled_pdf([good, None]), "cv.pdf")

    assert not doc.ocr and doc.text.startswith("Anna Example")
    warning = next(w for w in doc.warnings if "garbled" in w)
    assert "on page 2 (" in warning and "scores for this CV may be wrong" in warning and "another copy" in warning


@needs_font
def test_without_ocr_an_all_garbage_pdf_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "ocr_available", lambda: False)
    with pytest.raises(ParseError, match=r"text layer is garbled \(.*\), and text recognition \(OCR\) is not installed"):
        parse_document(garbled_pdf([None]), "cv.pdf")


@needs_font
@needs_tesseract
def test_ocr_that_reads_less_than_the_layer_keeps_the_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "ocr_pdf_pages", lambda data, limits, notes, pages: ["" for _ in pages])
    with pytest.raises(ParseError, match="could not read it either"):
        parse_document(garbled_pdf([None]), "cv.pdf")
    doc = parse_document(garbled_pdf([sample_cv_text(), None]), "cv.pdf")
    assert not doc.ocr and any("looks garbled on page 2" in w for w in doc.warnings)


def test_the_regex_counts_equal_a_walk_over_every_character() -> None:
    import random
    import unicodedata

    from core.documents.text_quality import _VOWELS, _base_letter, _character_counts, _is_bad

    def walk(text: str) -> tuple[int, int, int, int, int]:
        glyphs = bad = letters = latin = vowels = 0
        for ch in text:
            if ch.isspace():
                continue
            glyphs += 1
            if ch.isalpha():
                letters += 1
                if ch.isascii() or "LATIN" in unicodedata.name(ch, ""):
                    latin += 1
                    vowels += _base_letter(ch) in _VOWELS
            elif _is_bad(ch):
                bad += 1
        return glyphs, bad, letters, latin, vowels

    rng = random.Random(3)
    alphabet = [chr(i) for i in range(160)] + list("•–—’“éÉüßøÅñçЖжΩ日本\ue000\ufffd\u00a0\u2003\u200b")
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 300)))
        assert _character_counts(text) == walk(text)


def test_plain_words_are_judged_as_the_general_rules_judge_them() -> None:
    import random

    from core.documents import text_quality

    general = text_quality._PLAIN_WORD
    rng = random.Random(5)
    tokens = ["Python", "SQL", "xQzKv", "bcd", "Rhythm", "Strngth", "NASA", "a", "Zz", "Bcdf", "Bcdfy"]
    tokens += ["".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randrange(1, 9)))
               for _ in range(2_000)]
    fast = [text_quality._word_like(t) for t in tokens]
    try:
        text_quality._PLAIN_WORD = text_quality.re.compile(r"(?!)")  # never matches: the general rules only
        slow = [text_quality._word_like(t) for t in tokens]
    finally:
        text_quality._PLAIN_WORD = general
    assert fast == slow

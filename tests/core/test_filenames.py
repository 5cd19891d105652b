"""File names and texts are cleaned of invisible and deceptive characters at ingestion."""

from __future__ import annotations

from core.documents import UploadedFile, expand_uploads, parse_document
from core.documents.normalize import clean_filename
from tests.docfactory import make_zip


def test_clean_filename() -> None:
    assert clean_filename("cv\u202efdp.exe") == "cvfdp.exe"  # an RLO would show it as "cvexe.pdf"
    assert clean_filename("nul\x00name\t.txt") == "nulname .txt"
    assert clean_filename("  a \u200b b  ") == "a b"
    assert clean_filename("\x00\u202e") == "unnamed file"
    long = clean_filename("x" * 300 + ".pdf")
    assert len(long) == 255 and long.endswith("….pdf")


def test_upload_and_zip_member_names_are_cleaned() -> None:
    items = list(expand_uploads([UploadedFile("a\x00b.txt", b"Accountant, GAAP."),
                                 UploadedFile("z.zip", make_zip({"c\u202etxt.exe": b"MZ"}))]))
    assert [i.filename for i in items] == ["ab.txt", "z.zip/ctxt.exe"]


def test_bidirectional_controls_are_dropped_from_text() -> None:
    text = parse_document("Ana\u202e fdp.exe\u202c Lima\u2066 GAAP".encode(), "a.txt").text
    assert "\u202e" not in text and "\u202c" not in text and "\u2066" not in text and "Lima" in text

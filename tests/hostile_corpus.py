"""A corpus of hostile and odd upload files, generated on the fly, each with its expected outcome.

``"ok"``: ranked (a Document); ``"error"``: a clear per-file failure; ``"either"``: both are
acceptable, as long as nothing crashes (e.g. a PNG named .pdf, which OCR may read when Tesseract
is installed). A ZIP yields one outcome per member, listed in ``members``.
"""

from __future__ import annotations

import io
import stat
import warnings
import zipfile
from dataclasses import dataclass, field

from tests.docfactory import (
    MB,
    make_docx,
    make_encrypted_pdf,
    make_pdf,
    make_zip,
    make_zip_bomb,
    sample_cv_text,
)

CV = "Ana Lima, staff accountant. GAAP, QuickBooks, payroll and month-end close for five years."


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    expected: str  # "ok" | "error" | "either"; for a ZIP: the outcome of the ZIP as a whole if it is refused
    members: tuple[str, ...] = field(default=())  # expected outcome of each member when the ZIP is opened
    reason: str = ""  # a word the failure reason must contain


def _pdf_with(extra_catalog: bytes) -> bytes:
    """A one-page PDF whose catalog gets extra entries (an /OpenAction, a lying /Count ...)."""
    data = make_pdf([CV])
    return data.replace(b"/Type /Catalog", b"/Type /Catalog " + extra_catalog, 1)


def _docx_entity_bomb() -> bytes:
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
            + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
            '<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    source = io.BytesIO(make_docx([CV]))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, bomb if item.filename == "word/document.xml" else zin.read(item.filename))
    return out.getvalue()


def _macro_docm_named_docx() -> bytes:
    source = io.BytesIO(make_docx([CV]))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
            zout.writestr(item, data)
        zout.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake VBA project")
    return out.getvalue()


def _zip_with_symlink() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        info = zipfile.ZipInfo("link.txt")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
        zf.writestr("cv.txt", _cv("symlink"))
    return out.getvalue()


def _zip_with_odd_names() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("cv.txt", _cv("odd-1"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate, on purpose
            zf.writestr("cv.txt", _cv("odd-2"))  # a duplicate name
        raw = zipfile.ZipInfo("caf\xe9.txt")  # stored without the UTF-8 flag: cp437 on reading
        zf.writestr(raw, _cv("odd-3"))
    return out.getvalue()


def _cv(tag: str) -> str:
    """The sample CV made unique per case, so that no two files of the corpus are the same bytes."""
    return f"{CV} Ref {tag}."


def corpus() -> list[Case]:
    pdf = make_pdf([CV])
    many_pages = make_pdf([f"Page {i}. {CV}" for i in range(300)])
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    return [
        Case("ok.pdf", pdf, "ok"),
        Case("truncated.pdf", pdf[: len(pdf) // 2], "either"),  # the text may survive a cut tail
        Case("corrupt.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40, "error"),
        Case("password.pdf", make_encrypted_pdf(CV), "error", reason="password"),
        Case("owner-only-password.pdf", make_encrypted_pdf(CV, user_password=""), "ok"),
        Case("300-pages.pdf", many_pages, "ok"),
        Case("lying-page-count.pdf", pdf.replace(b"/Count 1", b"/Count 1000", 1), "ok"),
        Case("javascript.pdf", _pdf_with(b"/OpenAction << /S /JavaScript /JS (app.alert('x')) >>"), "ok"),
        Case("image.pdf", png, "either"),
        Case("empty.pdf", b"", "error"),
        Case("empty.txt", b"", "error"),
        Case("corrupt.docx", b"PK\x03\x04" + b"\x00" * 100, "error"),
        Case("text-renamed.docx", _cv("1").encode(), "either"),
        Case("entity-bomb.docx", _docx_entity_bomb(), "error"),
        Case("macro.docx", _macro_docm_named_docx(), "either"),
        Case("utf16.txt", CV.encode("utf-16"), "ok"),
        Case("latin1.txt", "José Peña, contable. Nómina y cierre mensual.".encode("latin-1"), "ok"),
        Case("cp1252.txt", "Ana \u2013 \u201cstaff accountant\u201d \u2022 GAAP".encode("cp1252"), "ok"),
        Case("garbage.txt", bytes(range(256)) * 64, "error"),
        Case("50mb.txt", b"accountant " * (50 * MB // 11), "error", reason="limit"),
        Case("bidi-and-zero-width.txt", f"Ana\u202e fdp.exe\u202c Lima\u200b\u200d GAAP {CV}".encode(), "ok"),
        Case("<script>alert(1)</script>.txt", _cv("2").encode(), "ok"),
        Case("nul\x00name.txt", _cv("3").encode(), "either"),
        Case("x" * 300 + ".txt", _cv("4").encode(), "ok"),
        Case("cv.pdf.exe", b"MZ\x90\x00" + b"\x00" * 200, "error"),
        Case("traversal.zip", make_zip({"../evil.txt": _cv("5").encode(), "/etc/abs.txt": _cv("6").encode(),
                                        "C:/win.txt": _cv("7").encode(), "good.txt": _cv("8").encode()}),
             "ok", members=("error", "error", "error", "ok")),
        Case("symlink.zip", _zip_with_symlink(), "ok", members=("error", "ok")),  # a link is not read
        Case("bomb.zip", make_zip_bomb(), "error"),
        Case("nested.zip", make_zip({"inner.zip": make_zip({"cv.txt": _cv("9").encode()}), "cv.txt": _cv("10").encode()}),
             "ok", members=("error", "ok")),
        Case("10000-entries.zip", make_zip({f"f{i}.txt": b"x" for i in range(10_000)}, compression=zipfile.ZIP_STORED),
             "error"),
        Case("encrypted.zip", make_zip({"cv.txt": _cv("11").encode()}, encrypted={"cv.txt"}), "ok", members=("error",)),
        Case("odd-names.zip", _zip_with_odd_names(), "ok", members=("ok", "ok", "ok")),  # different bytes: 3 CVs
        Case("real-cv.txt", sample_cv_text().encode(), "ok"),
    ]

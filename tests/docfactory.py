"""Documents made on the fly for tests: PDFs, DOCX, ZIPs (good and hostile) and a sample CV.

Every generator returns bytes and writes nothing to disk, so tests stay fast and need no
fixtures folder. The people and companies in the texts are invented.

Example:
    >>> from tests.docfactory import make_pdf, sample_cv_text
    >>> pdf = make_pdf([sample_cv_text()])
    >>> pdf[:5]
    b'%PDF-'
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape
from collections.abc import Callable, Iterable, Sequence

from fpdf import FPDF

__all__ = [
    "make_docx",
    "make_dated_cv_pdf",
    "make_encrypted_pdf",
    "make_image_only_pdf",
    "make_lying_zip",
    "make_pdf",
    "make_two_column_pdf",
    "make_zip",
    "make_zip_bomb",
    "sample_cv_text",
]

MB = 1024 * 1024


def _new_pdf() -> FPDF:
    pdf = FPDF(format="A4", unit="mm")
    # Core fonts can carry Windows-1252, which has the dashes, quotes and bullets CVs use.
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_font("Helvetica", size=11)
    return pdf


def _printable(text: str) -> str:
    """Replace what Helvetica cannot show, so a test text never makes fpdf2 raise."""
    return text.encode("cp1252", errors="replace").decode("cp1252")


def make_pdf(pages: Sequence[str]) -> bytes:
    """A one-column PDF, one string per page (newlines kept, long lines wrapped)."""
    pdf = _new_pdf()
    pdf.set_auto_page_break(True, margin=15)
    for page_text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, _printable(page_text))
    return bytes(pdf.output())


def make_two_column_pdf(
    left: Sequence[str], right: Sequence[str], header: str | None = None, *, right_offset_mm: float = 2.6
) -> bytes:
    """One page: ``left`` lines in a left column, ``right`` lines in a right column, side by side.

    The right column starts ``right_offset_mm`` (half a line) lower than the left, so the two
    columns' baselines interleave, as they do in real sidebar CVs (a naive top-to-bottom reader
    mixes them line by line); 0 puts both on the same baselines. ``header`` is printed across
    the full width above both columns. Each item may wrap within its column; keep the content
    to one page.
    """
    pdf = _new_pdf()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    top = 20.0
    if header:
        pdf.set_font("Helvetica", style="B", size=14)
        pdf.set_xy(15, top)
        pdf.multi_cell(180, 8, _printable(header))
        top = pdf.get_y() + 6
        pdf.set_font("Helvetica", size=10)
    else:
        pdf.set_font("Helvetica", size=10)
    for x, width, y, lines in ((15.0, 75.0, top, left), (110.0, 85.0, top + right_offset_mm, right)):
        for line in lines:
            pdf.set_xy(x, y)
            pdf.multi_cell(width, 5.2, _printable(line))
            y = pdf.get_y() + 1.5
    return bytes(pdf.output())


def make_dated_cv_pdf(
    entries: Sequence[tuple[str, str, Sequence[str]]], heading: str = "Experience"
) -> bytes:
    """A one-column CV page whose entries carry right-aligned dates, as most CV templates do.

    Each entry is ``(title, dates, lines)``: the title at the left margin and the dates flush
    right on the same baseline, then short lines under the title. A reader that mistakes the
    dates for a second column would move them away from their titles.
    """
    pdf = _new_pdf()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=13)
    pdf.cell(0, 8, _printable(heading), new_x="LMARGIN", new_y="NEXT")
    for title, dates, lines in entries:
        pdf.set_font("Helvetica", style="B", size=11)
        y = pdf.get_y() + 2
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(120, 6, _printable(title))
        pdf.set_font("Helvetica", size=11)
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(0, 6, _printable(dates), align="R", new_x="LMARGIN", new_y="NEXT")
        for line in lines:
            pdf.cell(0, 6, _printable(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_encrypted_pdf(text: str, user_password: str = "secret") -> bytes:
    """A PDF that needs ``user_password`` to open (AES-256, as current PDF writers do)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([text]))))
    writer.encrypt(user_password, owner_password=user_password + "-owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_image_only_pdf() -> bytes:
    """A 'scanned' page: an image and a drawn frame, no text layer at all."""
    from PIL import Image, ImageDraw

    scan = Image.new("L", (600, 800), color=235)
    draw = ImageDraw.Draw(scan)
    for y in range(80, 760, 24):  # grey bars where a scan would show lines of text
        draw.rectangle((60, y, 60 + (y * 7) % 420 + 80, y + 10), fill=90)
    pdf = _new_pdf()
    pdf.add_page()
    pdf.rect(10, 10, 190, 277)
    pdf.image(scan, x=20, y=20, w=170)
    return bytes(pdf.output())


def make_docx(
    paragraphs: Sequence[str],
    table_rows: Sequence[Sequence[str]] | None = None,
    *,
    table_position: int | None = None,
    text_boxes: Sequence[str] = (),
) -> bytes:
    """A Word document: ``paragraphs``, and a table of ``table_rows`` (strings may hold newlines).

    The table goes before ``paragraphs[table_position]`` (at the end when None), so a test can
    check that table text comes out where it stands in the document. Each of ``text_boxes``
    becomes a floating text box anchored in the first paragraph, written as Word writes it:
    a modern DrawingML box plus a VML fallback copy of the same text (read it only once).
    """
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    for box in text_boxes:
        document.add_paragraph()._p.append(parse_xml(_TEXT_BOX_XML.format(text=escape(box))))
    position = len(paragraphs) if table_position is None else table_position

    def add_table() -> None:
        if not table_rows:
            return
        n_cols = max(len(row) for row in table_rows)
        table = document.add_table(rows=len(table_rows), cols=n_cols)
        for r, row in enumerate(table_rows):
            for c, value in enumerate(row):
                cell = table.cell(r, c)
                first, *rest = value.split("\n")
                cell.text = first
                for extra in rest:
                    cell.add_paragraph(extra)

    for i, text in enumerate(paragraphs):
        if i == position:
            add_table()
        document.add_paragraph(text)
    if position >= len(paragraphs):
        add_table()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_TEXT_BOX_XML = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    ' xmlns:v="urn:schemas-microsoft-com:vml">'
    '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>'
    "<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
    "</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>"
    "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
    "<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
    "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
)


def make_zip(
    members: dict[str, bytes],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    encrypted: Iterable[str] = (),
) -> bytes:
    """A ZIP holding ``members`` under exactly the names given, hostile ones included.

    Names such as ``"../evil.txt"``, ``"/etc/x"`` or ``"C:/x"`` are stored as they are (zipfile
    only cleans names when it adds files from disk). Members named in ``encrypted`` get the
    "encrypted" flag in the central directory, which is what a reader checks before reading
    (zipfile cannot write real ZipCrypto).
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = compression
            zf.writestr(info, data)
    data = out.getvalue()
    encrypted = set(encrypted)
    return _patch_central_directory(
        data, lambda name, entry: _set_encrypted(entry) if name in encrypted else entry
    )


def make_zip_bomb(expanded_bytes: int = 200 * MB, *, name: str = "cv.txt") -> bytes:
    """A real ZIP bomb: one member of ``expanded_bytes`` zeros, deflated to a few hundred KB.

    Built by streaming 1 MB chunks into the archive, so making it never holds the expanded
    size in memory.
    """
    out = io.BytesIO()
    chunk = bytes(MB)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as member:
            remaining = expanded_bytes
            while remaining > 0:
                member.write(chunk[: min(MB, remaining)])
                remaining -= MB
    return out.getvalue()


def make_lying_zip(actual: bytes, declared_size: int, *, name: str = "cv.txt") -> bytes:
    """A ZIP whose central directory says the member is ``declared_size`` bytes; it holds ``actual``."""

    def lie(member: str, entry: bytearray) -> bytearray:
        if member == name:
            entry[24:28] = declared_size.to_bytes(4, "little")  # uncompressed size
        return entry

    return _patch_central_directory(make_zip({name: actual}), lie)


def _set_encrypted(entry: bytearray) -> bytearray:
    flags = int.from_bytes(entry[8:10], "little") | 0x1
    entry[8:10] = flags.to_bytes(2, "little")
    return entry


def _patch_central_directory(data: bytes, patch: Callable[[str, bytearray], bytearray]) -> bytes:
    """Apply ``patch(name, entry_bytes)`` to each central-directory entry of a (non-ZIP64) ZIP."""
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        pos = zf.start_dir
    while buf[pos : pos + 4] == b"PK\x01\x02":
        name_len = int.from_bytes(buf[pos + 28 : pos + 30], "little")
        extra_len = int.from_bytes(buf[pos + 30 : pos + 32], "little")
        comment_len = int.from_bytes(buf[pos + 32 : pos + 34], "little")
        end = pos + 46 + name_len + extra_len + comment_len
        name = bytes(buf[pos + 46 : pos + 46 + name_len]).decode("utf-8", errors="replace")
        buf[pos:end] = patch(name, bytearray(buf[pos:end]))
        pos = end
    return bytes(buf)


def sample_cv_text(
    name: str = "Anna Example",
    skills: Sequence[str] = ("Python", "SQL", "Docker", "Apache Airflow", "PostgreSQL"),
    *,
    title: str = "Data Engineer",
) -> str:
    """A short, realistic CV with the usual headings: Summary, Experience, Education, Skills."""
    first = name.split()[0].lower()
    return f"""{name}
{title}
{first}@example.com | +49 30 1234 5678 | Berlin, Germany

Summary
{title} with six years of experience building reliable data pipelines and analytics
platforms for retail and logistics companies. Enjoys turning messy data into clear answers.

Experience
Senior {title}, Northwind Logistics GmbH, Berlin
March 2021 – present
- Designed batch and streaming pipelines that load 40 million events a day into the warehouse.
- Cut the nightly reporting run from five hours to forty minutes.
- Mentored three junior engineers and introduced code review for all data jobs.

{title}, Contoso Retail AG, Hamburg
July 2018 – February 2021
- Built the customer data model used by marketing, finance and the online shop.
- Automated data quality checks that caught pricing errors before they reached customers.

Education
M.Sc. Computer Science, Technical University of Examplestadt, 2018
B.Sc. Mathematics, University of Sampleton, 2016

Skills
{", ".join(skills)}

Languages
German (native), English (fluent), Spanish (basic)
"""

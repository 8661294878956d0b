"""DOCX building blocks shared by every module's exports (python-docx): a document whose East
Asian text uses a Chinese font Word has on every Chinese Windows, headings, label/value tables,
and the bytes to store or send."""

from __future__ import annotations

import io

DOCX_EAST_ASIAN_FONT = "Microsoft YaHei"


def new_document():
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), DOCX_EAST_ASIAN_FONT)
    return document


def label_value_table(document, rows) -> None:
    """A two-column table of (label, value) rows; empty values show as "—"."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = str(label)
        cells[1].text = str(value) if value not in (None, "") else "—"


def to_bytes(document) -> bytes:
    """The DOCX bytes, reproducible: the same content gives the same bytes (the zip entries' times
    are fixed), so that filing an unchanged export in the archive adds no version."""
    import zipfile

    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()

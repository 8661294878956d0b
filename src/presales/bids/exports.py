"""Generated files of a bid: the specification deviation table (XLSX, the layout tenders ask for)
and the bid summary (DOCX). The services archive them as registered documents."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from presales.core.docx import to_bytes

from .choices import Part
from .models import Bid

DEVIATION_HEADER = ("序号", "招标要求", "实质性条款", "投标响应", "偏离类型", "偏离说明")
DEVIATION_LABELS = {"none": "无偏离", "positive": "正偏离", "negative": "负偏离"}


def deviation_xlsx(bid: Bid) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "技术规格偏离表"
    sheet.append([f"{bid.project_name} 技术规格偏离表（{bid.tender_number or bid.number}）"])
    sheet.append(list(DEVIATION_HEADER))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    risk = PatternFill("solid", fgColor="F8D7DA")
    for row in bid.deviations.order_by("item_no", "pk"):
        sheet.append([row.item_no, row.requirement, "★" if row.mandatory else "", row.response,
                      DEVIATION_LABELS[row.deviation], row.explanation])
        if row.disqualification_risk:
            for cell in sheet[sheet.max_row]:
                cell.fill = risk
    for column, width in zip("ABCDEF", (8, 48, 10, 48, 12, 40), strict=True):
        sheet.column_dimensions[column].width = width
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.properties.creator = "presales"
    workbook.properties.created = workbook.properties.modified = bid.updated_at.replace(tzinfo=None, microsecond=0)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def summary_docx(bid: Bid) -> bytes:
    from docx import Document

    from .selectors import bid_detail_context

    ctx = bid_detail_context(bid=bid)
    document = Document()
    document.core_properties.created = document.core_properties.modified = bid.updated_at.replace(microsecond=0)
    document.add_heading(f"{bid.number} {bid.project_name}", level=1)
    rows = [
        (_("Issuer"), bid.issuer), (_("Tender number"), bid.tender_number or "—"),
        (_("Opportunity"), str(bid.opportunity)),
        (_("Submission deadline"), f"{bid.local_deadline:%Y-%m-%d %H:%M} ({bid.time_zone})"),
        (_("Opening place"), bid.opening_place or "—"),
        (_("Bid bond"), f"{bid.bond_amount or 0} · {bid.get_bond_status_display()}"),
        (_("Status"), bid.get_status_display()), (_("Result"), bid.get_result_display() or "—"),
    ]
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)
    for part, title in ((Part.BUSINESS, _("Business part")), (Part.TECHNICAL, _("Technical part"))):
        document.add_heading(str(title), level=2)
        for section in ctx["sections"][part]:
            mark = "☑" if section.done else "☐"
            document.add_paragraph(f"{mark} {section.title} — {section.owner or '—'}")
    document.add_heading(_("Specification deviation table"), level=2)
    stats = ctx["deviation_stats"]
    document.add_paragraph(_("%(total)s rows: %(none)s without deviation, %(positive)s positive, %(negative)s "
                             "negative; %(risks)s disqualification risks.") % stats)
    document.add_heading(_("Review and proofreading checklist"), level=2)
    for item in ctx["review_items"]:
        mark = "☑" if item.is_checked else "☐"
        who = f" — {item.checked_by} {item.checked_at:%Y-%m-%d %H:%M}" if item.is_checked else ""
        document.add_paragraph(f"{mark} [{item.get_group_display()}] {item.text}{who}")
    return to_bytes(document)

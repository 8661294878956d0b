"""The demo summary report (演示总结报告) as DOCX (python-docx), with Chinese text set in an East
Asian font so Word shows it properly."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from presales.core.docx import to_bytes

from .choices import QuestionStatus, Side
from .models import Demo

DOCX_EAST_ASIAN_FONT = "Microsoft YaHei"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _document():
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


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def summary_docx(demo: Demo) -> tuple[bytes, str]:
    """(content, file name) of the summary report."""
    demo = Demo.objects.select_related("opportunity", "customer").get(pk=demo.pk)
    attendees = list(demo.attendees.order_by("side", "pk"))
    questions = list(demo.questions.order_by("pk"))
    presenters = ", ".join(str(p) for p in demo.presenters.order_by("pk"))
    document = _document()
    document.add_heading(_("Demo summary report"), level=1)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    rows = [
        (_("Demo"), demo.title),
        (_("Customer"), demo.customer.name),
        (_("Opportunity"), f"{demo.opportunity.number} {demo.opportunity.name}"),
        (_("Scenario"), demo.scenario or "—"),
        (_("Goals"), demo.goals or "—"),
        (_("Presenters"), presenters or "—"),
        (_("Planned"), f"{_when(demo.planned_at)} · {demo.get_mode_display()} · {demo.location or '—'}"),
        (_("Delivered"), _when(demo.delivered_at)),
        (_("Duration (minutes)"), str(demo.duration_minutes or "—")),
    ]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)
    document.add_heading(_("Attendees"), level=2)
    for side in (Side.OURS, Side.CUSTOMER):
        people = [f"{a.name}（{a.role}）" if a.role else a.name for a in attendees if a.side == side]
        document.add_paragraph(f"{Side(side).label}: {', '.join(people) or '—'}")
    document.add_heading(_("Customer questions"), level=2)
    if questions:
        qtable = document.add_table(rows=1, cols=4)
        qtable.style = "Table Grid"
        for cell, text in zip(
            qtable.rows[0].cells, (_("Question"), _("Asked by"), _("Answer given"), _("Status")), strict=True
        ):
            cell.text = str(text)
        for q in questions:
            cells = qtable.add_row().cells
            values = (q.question, q.asked_by or "—", q.answer or "—", str(QuestionStatus(q.status).label))
            for cell, text in zip(cells, values, strict=True):
                cell.text = text
    else:
        document.add_paragraph(_("No questions were raised."))
    for label, value in (
        (_("Customer reaction"), demo.customer_reaction),
        (_("Strengths"), demo.strengths),
        (_("Issues"), demo.issues),
        (_("Follow-up actions"), demo.follow_up_actions),
        (_("Next steps"), demo.next_steps),
    ):
        document.add_heading(str(label), level=2)
        document.add_paragraph(value or "—")
    return to_bytes(document), f"demo-summary-{demo.pk}.docx"

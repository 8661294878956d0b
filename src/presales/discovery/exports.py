"""The research report (调研报告) and the requirement confirmation (需求确认书) as DOCX
(python-docx), with the East Asian font set so that Word renders the Chinese text properly."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from presales.core.docx import to_bytes

from .choices import ActivityStatus, Priority, RequirementCategory, RequirementStatus
from .models import RequirementConfirmation, ResearchActivity, ResearchPlan, ResearchReport

DOCX_EAST_ASIAN_FONT = "Microsoft YaHei"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENTS = ("report", "confirmation")


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


def _table(document, header: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = str(text)
    return table


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value)


def _paragraphs(document, text: str) -> None:
    for line in (text or "").splitlines() or ["—"]:
        document.add_paragraph(line)


def report_docx(report: ResearchReport) -> bytes:
    opportunity = report.opportunity
    plan = ResearchPlan.objects.filter(opportunity_id=opportunity.pk).first()
    activities = list(ResearchActivity.objects.filter(opportunity_id=opportunity.pk, status=ActivityStatus.DONE)
                      .order_by("scheduled_at", "pk"))
    from . import selectors

    items = selectors.current_items(opportunity.pk)
    document = _document()
    document.add_heading(_("Requirement research report"), level=0)
    _table(document, [_("Item"), _("Details")], [
        [_("Opportunity"), f"{opportunity.number} {opportunity.name}"],
        [_("Customer"), opportunity.customer.name],
        [_("Presales lead"), str(opportunity.presales_lead or "—")],
        [_("Research period"), f"{plan.starts_on:%Y-%m-%d} → {plan.ends_on:%Y-%m-%d}" if plan else "—"],
        [_("Research methods"), "、".join(plan.get_methods_display()) if plan else "—"],
    ])
    for heading, text in (
        (_("Summary"), report.summary), (_("Current state"), report.current_state),
        (_("Pain points"), report.pain_points), (_("Findings"), report.findings),
        (_("Recommendations"), report.recommendations),
    ):
        document.add_heading(heading, level=1)
        _paragraphs(document, text)
    document.add_heading(_("Research activities"), level=1)
    _table(document, [_("Date"), _("Kind"), _("Subject"), _("Notes")], [
        [timezone.localtime(a.scheduled_at).strftime("%Y-%m-%d"), a.get_kind_display(), a.subject, a.notes]
        for a in activities
    ] or [["—", "—", "—", "—"]])
    document.add_heading(_("Requirement items"), level=1)
    _table(document, [_("Number"), _("Requirement"), _("Category"), _("Priority"), _("Status")], [
        [i.code, f"{i.title}\n{i.description}".strip(), i.get_category_display(), i.get_priority_display(),
         i.get_status_display()] for i in items
    ] or [["—", "—", "—", "—", "—"]])
    return to_bytes(document)


def confirmation_docx(confirmation: RequirementConfirmation) -> bytes:
    """The 需求确认书 of one round: the items exactly as confirmed (the snapshot), who confirmed
    them, when and how."""
    opportunity = confirmation.opportunity
    document = _document()
    document.add_heading(_("Requirement confirmation"), level=0)
    _table(document, [_("Item"), _("Details")], [
        [_("Opportunity"), f"{opportunity.number} {opportunity.name}"],
        [_("Customer"), opportunity.customer.name],
        [_("Round"), str(confirmation.round)],
        [_("Customer signatory"), " ".join(p for p in (confirmation.signatory_name, confirmation.signatory_title) if p)],
        [_("Confirmation date"), confirmation.confirmed_on.strftime("%Y-%m-%d")],
        [_("Confirmation method"), confirmation.get_method_display()],
        [_("Evidence"), confirmation.reference or "—"],
    ])
    document.add_heading(_("Confirmed requirement items"), level=1)
    rows = []
    for entry in confirmation.snapshot:
        rows.append([
            "REQ-{:03d}".format(entry.get("number", 0)),
            f"{entry.get('title', '')}\n{entry.get('description', '')}".strip(),
            _label(RequirementCategory, entry.get("category")), _label(Priority, entry.get("priority")),
            _label(RequirementStatus, entry.get("status")), entry.get("source") or "—",
        ])
    _table(document, [_("Number"), _("Requirement"), _("Category"), _("Priority"), _("Status"), _("Source")], rows)
    if confirmation.notes:
        document.add_heading(_("Notes"), level=1)
        _paragraphs(document, confirmation.notes)
    document.add_paragraph(_("The customer confirms that the requirement items above are complete and accurate, "
                             "and are the basis of the solution design."))
    document.add_paragraph(_("Customer representative (signature): ____________    Date: ____________"))
    document.add_paragraph(_("Our representative (signature): ____________    Date: ____________"))
    return to_bytes(document)


def report_docx_file(report: ResearchReport) -> tuple[bytes, str, str]:
    return report_docx(report), DOCX_TYPE, f"{report.opportunity.number}-research-report.docx"


def confirmation_docx_file(confirmation: RequirementConfirmation) -> tuple[bytes, str, str]:
    name = f"{confirmation.opportunity.number}-requirement-confirmation-{confirmation.round}.docx"
    return confirmation_docx(confirmation), DOCX_TYPE, name

"""The filled launch confirmation (POC启动确认书) and resource guarantee list (资源保障清单), as
DOCX (python-docx) and PDF (WeasyPrint). Both documents are built from one description
(`launch_confirmation` / `resource_list`), so the two formats say the same thing.

The PDF uses the font file shipped with this app (fonts/wqy-microhei.ttc, WenQuanYi Micro Hei,
Apache-2.0) through @font-face: Chinese renders without any system font."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from presales.core.docx import new_document, to_bytes

from . import selectors
from .choices import CriterionForm, NextStep, ResourceCategory, ResourceKind, Side
from .models import Poc

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
FONT_FAMILY = "WenQuanYi Micro Hei"
CHECKED, UNCHECKED = "☑", "☐"
DOCUMENTS = ("confirmation", "resources")
FORMATS = ("docx", "pdf")


@dataclass
class Row:
    label: str
    value: str
    section: str = ""


def _box(checked: bool, label: str) -> str:
    return f"{CHECKED if checked else UNCHECKED} {label}"


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else "____"


def _criterion_source(c) -> str:
    parts = [str(c.get_data_source_display()) if c.data_source else "",
             c.data_source_detail, c.sampling_frequency,
             _("sample size %(n)s") % {"n": c.sample_size} if c.sample_size else ""]
    return "；".join(p for p in parts if p)


def launch_confirmation(poc: Poc) -> tuple[str, list[Row]]:
    criteria = list(poc.criteria.order_by("-is_key", "position", "pk"))
    resources = list(poc.resources.all())
    sides = selectors.side_confirmation(resources)
    hypotheses = [f"{i}. {h}" for i, h in enumerate(poc.hypotheses or [], start=1)] or ["____"]
    project = _("Project information")
    goal = _("Core goal of the POC (verifiable hypotheses)")
    success = _("Success criteria (quantified)")
    schedule = _("Planned schedule")
    commitment = _("Resource commitments of both sides")
    escalation = _("Escalation path")
    signature = _("Signatures")
    rows = [
        Row(_("Project name"), poc.title, project),
        Row(_("Number"), poc.number, project),
        Row(_("Customer"), poc.customer.name, project),
        Row(_("Our company"), poc.our_company or "____", project),
        Row(goal, "\n".join(hypotheses), goal),
    ]
    key = [c for c in criteria if c.is_key] or criteria
    rows.append(Row(_("Pass level"), "\n".join(f"{c.name}：{c.pass_text}" for c in key) or "____", success))
    rows.append(Row(_("Excellent level"), "\n".join(f"{c.name}：{c.excellent_text}" for c in key) or "____", success))
    rows.append(Row(_("Data collection"), "\n".join(f"{c.name}：{_criterion_source(c) or '____'}" for c in key)
                    or "____", success))
    for c in criteria:
        if c.form == CriterionForm.RELATIVE or c.comparison_baseline:
            rows.append(Row(_("Comparison baseline"), f"{c.name}：{c.comparison_baseline or c.baseline}", success))
    rows += [
        Row(_("Start date"), _date(poc.planned_start_on), schedule),
        Row(_("Planned end date"), _date(poc.planned_end_on), schedule),
        Row(_("Our committed resources"), "  ".join((_box(sides[Side.OURS], _("Confirmed")),
                                                     _box(not sides[Side.OURS], _("To be completed")))), commitment),
        Row(_("Customer's committed resources"), "  ".join((_box(sides[Side.CUSTOMER], _("Confirmed")),
                                                            _box(not sides[Side.CUSTOMER], _("To be completed")))),
            commitment),
        Row(_("Next step after a pass"), "  ".join((
            _box(poc.next_step == NextStep.NEGOTIATION, str(NextStep.NEGOTIATION.label)),
            _box(poc.next_step == NextStep.SECOND_POC, str(NextStep.SECOND_POC.label)),
            _box(poc.next_step == NextStep.OTHER, "{}：{}".format(NextStep.OTHER.label, poc.next_step_other or "____")),
        )), _("After the POC")),
        Row(_("Our escalation contact"), poc.our_escalation_contact or "____", escalation),
        Row(_("Our contact phone"), poc.our_escalation_phone or "____", escalation),
        Row(_("Customer escalation contact"), poc.customer_escalation_contact or "____", escalation),
        Row(_("Customer contact phone"), poc.customer_escalation_phone or "____", escalation),
        Row(_("Escalation response limit"), _("%(hours)s hours (from the moment the incident occurs)")
            % {"hours": poc.response_hours or "____"}, escalation),
        Row(_("Our representative"), poc.our_signatory or "____", signature),
        Row(_("Our signing date"), _date(poc.our_signed_on), signature),
        Row(_("Customer representative"), poc.customer_signatory or "____", signature),
        Row(_("Customer signing date"), _date(poc.customer_signed_on), signature),
    ]
    if poc.email_reference:
        rows.append(Row(_("E-mail confirmation"), poc.email_reference, signature))
    return _("POC launch confirmation"), rows


# The template's rows: (category, kind) in order; the period row is computed from the dates.
RESOURCE_ROWS = [
    (ResourceCategory.PEOPLE, ResourceKind.TECHNICAL_LEAD),
    (ResourceCategory.PEOPLE, ResourceKind.ONSITE_STAFF),
    (ResourceCategory.PEOPLE, ResourceKind.BACKUP),
    (ResourceCategory.PEOPLE, ResourceKind.ESCALATION_CONTACT),
    (ResourceCategory.EQUIPMENT, ResourceKind.PROTOTYPE),
    (ResourceCategory.EQUIPMENT, ResourceKind.SPARE_PARTS),
    (ResourceCategory.EQUIPMENT, ResourceKind.SITE),
    (ResourceCategory.EQUIPMENT, ResourceKind.UTILITIES),
    (ResourceCategory.TIME, "period"),
    (ResourceCategory.TIME, ResourceKind.MILESTONE),
    (ResourceCategory.TIME, ResourceKind.HOUR_CAP),
    (ResourceCategory.TIME, ResourceKind.TEST_WINDOW),
    (ResourceCategory.DATA, ResourceKind.DATA_NEEDED),
    (ResourceCategory.DATA, ResourceKind.DATA_FORMAT),
    (ResourceCategory.DATA, ResourceKind.DATA_ACCESS),
    (ResourceCategory.DATA, ResourceKind.SECURITY),
    (ResourceCategory.OTHER, ResourceKind.OTHER),
]


def _item_text(item) -> str:
    parts = [item.description]
    if item.quantity:
        parts.append(_("×%(n)s") % {"n": item.quantity})
    if item.due_on:
        parts.append(item.due_on.strftime("%Y-%m-%d"))
    if item.hours is not None:
        parts.append(_("%(hours)s hours") % {"hours": item.hours})
    if item.contact:
        parts.append(item.contact)
    text = " ".join(p for p in parts if p)
    return f"{text}{'' if item.confirmed else ' ' + _('(to be confirmed)')}"


def resource_list(poc: Poc) -> tuple[str, list[tuple[str, str, str, str]]]:
    """Rows (category, item, ours, customer's) in the template's order."""
    by_key: dict[tuple[str, str], list] = {}
    for item in poc.resources.order_by("pk"):
        by_key.setdefault((item.side, item.kind), []).append(item)
    rows = []
    for category, kind in RESOURCE_ROWS:
        if kind == "period":
            days = ((poc.planned_end_on - poc.planned_start_on).days + 1
                    if poc.planned_start_on and poc.planned_end_on else None)
            text = _("%(days)s days") % {"days": days} if days else "____"
            rows.append((str(ResourceCategory(category).label), _("POC period (days/weeks)"), text, text))
            continue
        ours = "\n".join(_item_text(i) for i in by_key.get((Side.OURS, kind), ())) or "____"
        theirs = "\n".join(_item_text(i) for i in by_key.get((Side.CUSTOMER, kind), ())) or "____"
        rows.append((str(ResourceCategory(category).label), str(ResourceKind(kind).label), ours, theirs))
    return _("Resource guarantee list"), rows


def _heading(poc: Poc, title: str) -> str:
    return f"{title} · {poc.number}"


# --- DOCX ------------------------------------------------------------------------------------------


def confirmation_docx(poc: Poc) -> bytes:
    title, rows = launch_confirmation(poc)
    document = new_document()
    document.add_heading(_heading(poc, title), level=1)
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = _("Item")
    table.rows[0].cells[1].text = _("Details")
    for row in rows:
        cells = table.add_row().cells
        cells[0].text = f"{row.section} - {row.label}" if row.section and row.section != row.label else row.label
        cells[1].text = row.value
    document.add_paragraph(_("Generated on %(date)s") % {"date": timezone.localdate().strftime("%Y-%m-%d")})
    return to_bytes(document)


def resources_docx(poc: Poc) -> bytes:
    title, rows = resource_list(poc)
    document = new_document()
    document.add_heading(_heading(poc, title), level=1)
    document.add_paragraph(f"{poc.title} · {poc.customer.name}")
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, (_("Category"), _("Item"), _("Our side"), _("Customer side")),
                          strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    return to_bytes(document)


# --- PDF -------------------------------------------------------------------------------------------


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {**context, "font_url": FONT_FILE.as_uri(), "font_family": FONT_FAMILY,
                                       "generated_on": timezone.localdate()})
    return HTML(string=html, base_url=str(FONT_FILE.parent)).write_pdf()


def confirmation_pdf(poc: Poc) -> bytes:
    title, rows = launch_confirmation(poc)
    return _pdf("poc/exports/confirmation.html", {"poc": poc, "title": _heading(poc, title), "rows": rows})


def resources_pdf(poc: Poc) -> bytes:
    title, rows = resource_list(poc)
    return _pdf("poc/exports/resources.html", {"poc": poc, "title": _heading(poc, title), "rows": rows})


BUILDERS = {
    ("confirmation", "docx"): confirmation_docx,
    ("confirmation", "pdf"): confirmation_pdf,
    ("resources", "docx"): resources_docx,
    ("resources", "pdf"): resources_pdf,
}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def export(poc: Poc, document: str, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name)."""
    content = BUILDERS[(document, fmt)](poc)
    return content, CONTENT_TYPES[fmt], f"{poc.number}-{document}.{fmt}"

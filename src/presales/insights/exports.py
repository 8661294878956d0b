"""The dashboard's panels as XLSX (one worksheet per export, Chinese headers in the default
language): the same rows the panel shows, from the same selector."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from presales.core.exports import Column, Sheet


def _ratio(key):
    return lambda row: row[key] / 100 if row.get(key) is not None else None


def pipeline_sheet(data) -> Sheet:
    columns = [
        Column(_("Stage"), "label", width=16),
        Column(_("Opportunities"), "count", "int", 12),
        Column(_("Estimated amount (CNY)"), "amount", "money", 20),
    ]
    if data["weighted"]:
        columns.append(Column(_("Weighted amount (CNY)"), "weighted", "money", 20))
    return Sheet(_("Pipeline by stage"), columns, data["rows"])


def conversion_sheet(data) -> Sheet:
    return Sheet(
        _("Stage conversion"),
        [
            Column(_("Stage"), "label", width=16),
            Column(_("Entered in the period"), "entered", "int", 16),
            Column(_("Next stage"), "next_label", width=16),
            Column(_("Conversion to the next stage"), _ratio("rate"), "percent", 20),
        ],
        data["rows"],
    )


def workload_sheet(data) -> Sheet:
    return Sheet(
        _("Workload"),
        [
            Column(_("Engineer"), "engineer", width=14),
            Column(_("Team"), "team", width=16),
            Column(_("Open support requests"), "open_requests", "int", 16),
            Column(_("Open opportunities led"), "open_opportunities", "int", 16),
            Column(_("Open POCs"), "open_pocs", "int", 12),
            Column(_("Bids due in 14 days"), "bids_due", "int", 16),
            Column(_("Total"), "total", "int", 10),
        ],
        data["rows"],
    )


def sla_sheet(data) -> Sheet:
    return Sheet(
        _("Support SLA by week"),
        [
            Column(_("Week of"), "week", "date", 12),
            Column(_("Requests submitted"), "total", "int", 14),
            Column(_("Responded in time"), "response_met", "int", 14),
            Column(_("Responded late"), "response_breached", "int", 14),
            Column(_("Response overdue"), "response_overdue", "int", 14),
            Column(_("Done on time"), "due_on_time", "int", 14),
            Column(_("Done late"), "due_late", "int", 14),
            Column(_("Past the due date"), "due_overdue", "int", 14),
            Column(_("SLA breached"), "breached", "int", 14),
        ],
        data["weeks"],
    )


def _win_sheet(title, first, data) -> Sheet:
    return Sheet(
        title,
        [
            Column(first, "label", width=16),
            Column(pgettext_lazy("opportunity stage", "Won"), "won", "int", 10),
            Column(pgettext_lazy("opportunity stage", "Lost"), "lost", "int", 10),
            Column(_("Win rate"), _ratio("rate"), "percent", 12),
        ],
        data["rows"],
    )


def win_engineer_sheet(data) -> Sheet:
    return _win_sheet(_("Win rate by engineer"), _("Presales lead"), data)


def win_industry_sheet(data) -> Sheet:
    return _win_sheet(_("Win rate by industry"), _("Industry"), data)


def poc_sheet(data) -> Sheet:
    rows = [
        {"label": _("Launched"), "n": data["launched"]},
        {"label": pgettext_lazy("POC funnel", "Started"), "n": data["started"]},
        {"label": _("Running or evaluating"), "n": data["running"]},
        {"label": _("Passed"), "n": data["passed"]},
        {"label": _("Of which excellent"), "n": data["excellent"]},
        {"label": _("Failed"), "n": data["failed"]},
        {"label": _("Abandoned"), "n": data["abandoned"]},
    ]
    rate = data["success_rate"]
    return Sheet(
        _("POC funnel"),
        [Column(_("Step"), "label", width=18), Column(_("Number of POCs"), "n", "int", 12)],
        rows,
        note=str(_("Success rate (passed / passed + failed): %(rate)s")
                 % {"rate": "—" if rate is None else f"{rate}%"}),
    )


def bids_sheet(data) -> Sheet:
    return Sheet(
        _("Bids due in 14 days"),
        [
            Column(_("Number"), "number", width=14),
            Column(_("Project name"), "project_name", width=30),
            Column(_("Customer"), "opportunity.customer", width=24),
            Column(_("Submission deadline"), "deadline", "datetime", 18),
            Column(_("Business specialist"), "business_owner", width=14),
            Column(_("Solution architect"), "technical_owner", width=14),
        ],
        data["rows"],
    )


def appraisal_sheet(data) -> Sheet:
    if data.get("cycle") is None:
        return Sheet(_("Appraisal progress"), [Column(_("Step"), "label"), Column(_("Participants"), "count", "int")],
                     [], note=str(_("No appraisal cycle is running.")))
    return Sheet(
        _("Appraisal progress"),
        [Column(_("Step"), "label", width=20), Column(_("Participants"), "count", "int", 12)],
        data["steps"],
        note=str(data["cycle"]),
    )


def involvement_sheet(data) -> Sheet:
    rows = [
        {"label": _("Opportunities created"), "n": data["created"]},
        {"label": _("Presales assigned within 3 days"), "n": data["early"]},
        {"label": _("Presales assigned later"), "n": data["late"]},
        {"label": _("No presales lead yet"), "n": data["unassigned"]},
    ]
    return Sheet(
        _("Early involvement"),
        [Column(_("Figure"), "label", width=26), Column(_("Opportunities"), "n", "int", 12)],
        rows,
    )


SHEETS = {
    "pipeline": pipeline_sheet,
    "conversion": conversion_sheet,
    "workload": workload_sheet,
    "sla": sla_sheet,
    "win_engineer": win_engineer_sheet,
    "win_industry": win_industry_sheet,
    "poc": poc_sheet,
    "bids": bids_sheet,
    "appraisal": appraisal_sheet,
    "involvement": involvement_sheet,
}

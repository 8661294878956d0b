"""The score sheet 绩效考核评分表 as XLSX (openpyxl), in the layout of the seed's form (seed 004):
a title, a header line (department, position, name, appraisal period), then one numbered section
per dimension with its weight — “一、个人关键指标达成情况(权重 80%)”, “二、个人工作表现(权重 20%)” —
each listing its indicators (weight, scoring rule, actual value, points, weighted score,
explanation), then the totals (weighted total, committee adjustment, final score, grade, bonus
coefficient) and the signature lines (employee, supervisor, committee)."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMERALS = "一二三四五六七八九十"


def filename(appraisal) -> str:
    return quote(f"{_('Score sheet')}-{appraisal.cycle.name}-{appraisal.employee}.xlsx")


def _num(value):
    return float(value) if value is not None else None


def score_sheet_xlsx(appraisal, *, show_scores: bool = True) -> bytes:
    """The score sheet. Without `show_scores` (the employee before publication) it lists what the
    employee may see: the indicators, their weights and scoring rules, and the own self-assessment
    summary; values, points, totals and the supervisor's comment stay blank until publication."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from presales.kpi.choices import Dimension

    from .choices import Step
    from .selectors import scorecard

    labels = dict(Dimension.choices)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Score sheet")[:31]
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    widths = [6, 28, 9, 34, 12, 10, 10, 44]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w

    ws.merge_cells("A1:H1")
    ws["A1"] = _("Performance appraisal score sheet")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    employee = appraisal.employee
    ws.append([])
    ws.append(
        [
            _("Department:"),
            str(appraisal.team or "—"),
            "",
            _("Position:"),
            employee.title or "—",
            _("Name:"),
            str(employee),
            "",
        ]
    )
    ws.append(
        [
            _("Appraisal period:"),
            f"{appraisal.cycle.start_on:%Y-%m-%d} – {appraisal.cycle.end_on:%Y-%m-%d}",
            "",
            _("Cycle:"),
            appraisal.cycle.name,
            _("Scheme:"),
            str(appraisal.scheme or "—"),
            "",
        ]
    )
    ws.append(
        [
            _("Status:"),
            str(Step(appraisal.status).label),
            "",
            _("Supervisor:"),
            str(appraisal.supervisor or "—"),
            "",
            "",
            "",
        ]
    )

    groups: dict[str, list] = {}
    for s in scorecard(appraisal):
        groups.setdefault(s.dimension, []).append(s)
    row = ws.max_row + 2
    for number, (dimension, rows) in enumerate(groups.items()):
        weight = (
            rows[0].dimension_weight if rows[0].dimension_weight is not None else sum(r.weight for r in rows)
        )
        title = _("%(numeral)s、%(dimension)s (weight %(weight)s%%)") % {
            "numeral": NUMERALS[number] if number < len(NUMERALS) else number + 1,
            "dimension": labels.get(dimension, dimension),
            "weight": f"{weight:g}",
        }
        ws.cell(row=row, column=1, value=title).font = bold
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
        row += 1
        header = [
            _("No."),
            _("Indicator"),
            _("Weight (%)"),
            _("Scoring rule"),
            _("Actual value"),
            _("Points"),
            _("Weighted score"),
            _("Explanation"),
        ]
        for col, text in enumerate(header, start=1):
            cell = ws.cell(row=row, column=col, value=text)
            cell.font, cell.fill, cell.border = bold, head_fill, box
        row += 1
        for i, s in enumerate(rows, start=1):
            values = [
                i,
                f"{s.code} {s.name}",
                _num(s.weight),
                _rule_text(s),
                _num(s.value) if show_scores else "",
                _num(s.points) if show_scores else "",
                _num(s.weighted) if show_scores else "",
                s.explanation if show_scores else "",
            ]
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=col, value=value)
                cell.border, cell.alignment = box, wrap
            row += 1
        if show_scores:
            subtotal = sum((r.weighted or 0) for r in rows)
            ws.cell(row=row, column=6, value=_("Subtotal")).font = bold
            ws.cell(row=row, column=7, value=_num(subtotal)).font = bold
        row += 2

    if not show_scores:
        note = _("The scores appear on this sheet once the committee publishes the result.")
        ws.cell(row=row, column=1, value=note).font = bold
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
        row += 2

    totals = [
        (_("Weighted total"), _num(appraisal.weighted_total)),
        (_("Committee adjustment"), _num(appraisal.adjustment)),
        (_("Final score"), _num(appraisal.final_score)),
        (_("Grade"), appraisal.grade or "—"),
        (_("Bonus coefficient"), _num(appraisal.bonus_coefficient)),
    ]
    for label, value in totals if show_scores else []:
        ws.cell(row=row, column=6, value=label).font = bold
        ws.cell(row=row, column=7, value=value).font = bold
        row += 1
    for adj in appraisal.adjustments.all() if show_scores else []:
        ws.cell(
            row=row,
            column=2,
            value=_("Adjustment %(points)s: %(reason)s")
            % {"points": f"{adj.points:+}", "reason": adj.reason},
        )
        row += 1
    if appraisal.self_summary:
        ws.cell(row=row, column=1, value=_("Self-assessment summary")).font = bold
        ws.cell(row=row, column=2, value=appraisal.self_summary).alignment = wrap
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=8)
        row += 1
    if appraisal.supervisor_comment and show_scores:
        ws.cell(row=row, column=1, value=_("Supervisor's comment")).font = bold
        ws.cell(row=row, column=2, value=appraisal.supervisor_comment).alignment = wrap
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=8)
        row += 1
    row += 1
    ws.cell(row=row, column=1, value=_("Employee's signature:"))
    ws.cell(row=row, column=4, value=_("Supervisor's signature:"))
    ws.cell(row=row, column=6, value=_("Appraisal committee:"))
    row += 1
    ws.cell(
        row=row,
        column=1,
        value=_("Exported %(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
    )
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _rule_text(score) -> str:
    from presales.kpi import rules

    try:
        return str(rules.rule_for(score.rule_type, score.rule_params or {}, score.max_points).describe())
    except Exception:  # noqa: BLE001
        return score.rule_type


def ranking_filename(cycle) -> str:
    return quote(f"{_('Team ranking')}-{cycle.name}.xlsx")


def ranking_xlsx(cycle, team, ranking) -> bytes:
    """The team ranking: rank, employee, team, step, final score, grade, bonus coefficient."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Team ranking")[:31]
    ws.append([f"{cycle.name} · {_('Team ranking')}" + (f" · {team.name}" if team else "")])
    ws["A1"].font = Font(bold=True, size=14)
    if ranking.published_only:
        ws.append([_("Only published results are shown.")])
    ws.append([])
    ws.append(
        [_("Rank"), _("Employee"), _("Team"), _("Step"), _("Final score"), _("Grade"), _("Bonus coefficient")]
    )
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for rank, a in enumerate(ranking.rows, start=1):
        ws.append(
            [
                rank,
                str(a.employee),
                str(a.team or ""),
                str(a.get_status_display()),
                _num(a.final_score),
                a.grade or "",
                _num(a.bonus_coefficient),
            ]
        )
    for col, width in zip("ABCDEFG", (6, 16, 18, 14, 12, 8, 12), strict=True):
        ws.column_dimensions[col].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

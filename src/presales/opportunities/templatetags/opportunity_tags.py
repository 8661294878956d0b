from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import date
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from ..choices import Stage

register = template.Library()

STAGE_CLASSES = {
    Stage.LEAD: "text-bg-secondary",
    Stage.DISCOVERY: "text-bg-info",
    Stage.SOLUTION: "text-bg-primary",
    Stage.DEMO_POC: "stage-demo",
    Stage.BID: "text-bg-dark",
    Stage.NEGOTIATION: "text-bg-warning",
    Stage.WON: "text-bg-success",
    Stage.LOST: "text-bg-danger",
    Stage.ABANDONED: "text-bg-light border",
}


@register.simple_tag
def stage_badge(stage: str):
    """The stage as a coloured badge (the same colour everywhere: list, board, detail)."""
    if stage not in Stage.values:
        return ""
    return format_html(
        '<span class="badge {}" data-stage="{}">{}</span>', STAGE_CLASSES[stage], stage, Stage(stage).label
    )


PROGRESS_ICONS = {
    "not_started": "bi-hourglass",
    "researching": "bi-search",
    "awaiting_confirmation": "bi-person-check",
    "designing": "bi-pencil-square",
    "in_review": "bi-clipboard-check",
    "demonstrating": "bi-easel",
    "validating": "bi-speedometer2",
    "bidding": "bi-file-earmark-ruled",
    "bid_submitted": "bi-envelope-check",
    "negotiating": "bi-chat-left-dots",
    "closing": "bi-flag",
    "won": "bi-trophy",
    "lost": "bi-x-circle",
    "abandoned": "bi-slash-circle",
}


@register.simple_tag
def progress_badge(progress: str):
    """The derived progress status (进度状态) as an outlined badge with its icon."""
    from presales.opportunities.choices import Progress

    if progress not in Progress.values:
        return ""
    return format_html(
        '<span class="badge rounded-pill text-bg-light border" data-progress="{}"><i class="bi {}"></i> {}</span>',
        progress,
        PROGRESS_ICONS.get(progress, "bi-circle"),
        Progress(progress).label,
    )


@register.simple_tag
def communication_rows(communications):
    """The opportunity page's communication records as list items: the markup of the template loop
    it replaced, written in Python (a template loop renders a dozen nodes per record).
    `tests/opportunities/test_page_rows.py` compares both byte for byte."""
    if not communications:
        return format_html(
            '<li class="list-group-item empty-state">{}</li>',
            _("No communication recorded for this opportunity yet."),
        )
    next_step = conditional_escape(_("Next step"))
    rows = []
    for log in communications:
        rows.append(
            '\n        <li class="list-group-item"><div class="d-flex"><strong class="me-auto">'
            f"{conditional_escape(log.subject)}</strong>"
            f'<span class="text-muted">{date(template_localtime(log.occurred_at), "Y-m-d H:i")} · '
            f"{conditional_escape(log.get_channel_display())}</span></div>\n        "
            f"<div>{conditional_escape(Truncator(log.content).chars(200))}</div>"
        )
        if log.next_step:
            rows.append(f'<div class="text-muted">{next_step}: '
                        f"{conditional_escape(log.next_step)}</div>")
        rows.append("</li>\n      ")
    return mark_safe("".join(rows))


@register.simple_tag
def stage_event_rows(events):
    """The opportunity page's stage history as table rows: the markup of the template loop it
    replaced, written in Python (tested byte for byte in `tests/opportunities/test_page_rows.py`)."""
    if not events:
        return mark_safe('<tr><td colspan="4" class="text-muted">—</td></tr>')
    overridden = conditional_escape(_("gate overridden"))
    rows = []
    for e in events:
        at = date(template_localtime(e.at), "Y-m-d H:i")
        rows.append(f'<tr>\n          <td class="text-nowrap small">{at}</td>\n')
        rows.append('          <td class="text-nowrap">')
        if e.from_stage:
            rows.append(f"{stage_badge(e.from_stage)} → ")
        reason = conditional_escape(e.reason) if e.reason else "—"
        rows.append(
            f"{stage_badge(e.to_stage)}</td>\n"
            f'          <td class="small">{conditional_escape(e.actor)}</td>\n'
            f'          <td class="small">{reason}'
        )
        if e.overridden:
            rows.append(f'<div><span class="badge text-bg-warning">{overridden}</span>')
            rows.extend(f'<div class="text-muted">· {conditional_escape(r)}</div>'
                        for r in e.overridden_reasons)
            rows.append("</div>")
        rows.append("</td>\n        </tr>")
    return mark_safe("".join(rows))


@register.filter
def cny(value):
    """1234567.5 -> "¥1,234,567.50" (— when empty)."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    return f"¥{amount:,.2f}"


@register.filter
def industry_label(code: str) -> str:
    from presales.customers.choices import Industry

    return Industry(code).label if code in Industry.values else (code or "—")

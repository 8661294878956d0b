from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html

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

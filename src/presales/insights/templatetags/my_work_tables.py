"""The rows of the "my work" lists, rendered in one pass (issue 15).

Each tag writes the markup its section's `{% for %}` loop wrote, row for row: values escaped as
`{{ value }}` escapes them, `{% translate %}` texts escaped, `{% blocktranslate %}` texts as the
catalog has them with their values escaped, numbers as `{{ value }}` formats them (`Numbers`),
dates as `|date:"Y-m-d"` (in the current time zone). The SLA badges are the support app's own
tags, called as functions (the SLA clocks as the support list writes them: their texts looked up
once per list, `support_tags._clock_texts`). A detail link is reversed once per page and filled in
per row."""

from __future__ import annotations

from html import escape

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from presales.opportunities.models import Opportunity
from presales.support.templatetags.support_tags import (
    _clock_texts,
    _due_html,
    _response_html,
    priority_badge,
    status_badge,
)

from .dashboard_tables import Numbers

register = template.Library()

_PK = 2147483647  # a pk no row has, replaced by each row's
_links: dict[tuple, tuple[str, str] | None] = {}


def _text(value) -> str:
    """What `{{ value }}` writes for a string: escaped unless marked safe."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def detail_link(url_name: str):
    """`pk -> reverse(url_name, args=[pk])` with the reversing done once per URL configuration,
    script prefix and language; None when the URL does not exist (as `{% url ... as var %}`
    leaves the variable empty)."""
    key = (url_name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), get_language())
    if key not in _links:
        try:
            before, _, after = reverse(url_name, args=[_PK]).partition(str(_PK))
        except NoReverseMatch:
            _links[key] = None
        else:
            _links[key] = (before, after)
    parts = _links[key]
    if parts is None:
        return None
    before, after = parts
    return lambda pk: f"{before}{int(pk)}{after}"


def _date(value) -> str:
    """`{{ value|date:"Y-m-d"|default:"—" }}` of a date or an aware datetime."""
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _response(texts, r, now) -> str:
    """`response_badge(r, now)` with the texts looked up once per list."""
    return _response_html(texts, r.status, r.response_due_at, r.first_response_at, r.submitted_at, now)


def _due(texts, r, now) -> str:
    """`due_state_badge(r, now)` with the texts looked up once per list."""
    return _due_html(texts, r.status, r.wanted_by, r.done_at, now)


def _stage_labels() -> dict:
    return dict(Opportunity._meta.get_field("stage").flatchoices)


@register.simple_tag
def assigned_rows(rows, now) -> str:
    """The rows of "Support requests assigned to me"."""
    url = detail_link("support:detail")
    now, texts = now or timezone.now(), _clock_texts()
    out = []
    for r in rows:
        number = _text(r.number)
        out.append(
            f'\n        <tr data-request="{number}"><td class="text-nowrap">'
            f'<a href="{_text(url(r.pk))}">{number}</a></td>'
            f'\n          <td>{_text(r.title)}<div class="small text-muted">{_text(r.customer_name)} · '
            f"{_text(r.requester_label)}</div></td>"
            f"\n          <td>{priority_badge(r)}</td><td>{status_badge(r)}</td>"
            f"\n          <td>{_response(texts, r, now)}</td><td>{_due(texts, r, now)}</td></tr>\n      "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value in it is escaped above


@register.simple_tag
def opportunity_rows(rows) -> str:
    """The rows of "My open opportunities"."""
    url = detail_link("opportunities:detail")
    stages = _stage_labels()
    number = Numbers()
    out = []
    for o in rows:
        label = _text(o.number)
        link = f'<a href="{_text(url(o.pk))}">{label}</a>' if url else label
        out.append(
            f'\n        <tr><td>{link} {_text(o.name)}<div class="small text-muted">'
            f"{_text(o.customer_name)}</div></td>"
            f"\n          <td>{_text(stages.get(o.stage, o.stage))}</td><td>{number(o.days_in_stage)}</td>"
            f"<td>{_date(o.expected_close_on)}</td></tr>\n      "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value in it is escaped above


@register.simple_tag
def follow_up_rows(rows) -> str:
    """The items of "Follow-ups due"."""
    url = detail_link("opportunities:detail")
    customer_url = detail_link("customers:detail")
    number = Numbers()
    never = _text(gettext("never followed up"))
    customer = _text(gettext("Customer"))
    out = []
    for o in rows:
        label = _text(o.number)
        link = f'<a href="{_text(url(o.pk))}">{label}</a>' if url else label
        if o.last_follow_up:
            last = gettext("last follow-up %(when)s") % {"when": _text(_date(o.last_follow_up))}
        else:
            last = never
        days = gettext("%(n)s days") % {"n": number(o.days_without)}
        out.append(
            f'\n        <li class="list-group-item d-flex"><span class="me-auto">{link} {_text(o.name)} · '
            f"{_text(o.customer_name)}</span>"
            f'\n          <span class="text-muted">{last} · {days}</span>'
            f'\n          <a class="ms-2" href="{_text(customer_url(o.customer_id))}">{customer}</a>'
            "</li>\n      "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value in it is escaped above


@register.simple_tag
def issue_rows(rows) -> str:
    """The items of "Overdue technical issues of my customers"."""
    customer_url = detail_link("customers:detail")
    number = Numbers()
    out = []
    for issue in rows:
        overdue = ngettext("%(n)s day overdue", "%(n)s days overdue", issue.days_overdue) % {
            "n": number(issue.days_overdue)
        }
        out.append(
            f'\n        <li class="list-group-item d-flex"><span class="me-auto"><a href="'
            f'{_text(customer_url(issue.customer_id))}">{_text(issue.customer_name)}</a>: '
            f"{_text(issue.title)}</span>"
            f'\n          <span class="badge text-bg-danger">{overdue}</span></li>\n      '
        )
    return mark_safe("".join(out))  # noqa: S308 - every value in it is escaped above


@register.simple_tag
def submitted_rows(rows, now) -> str:
    """The items of "Requests I asked for"."""
    url = detail_link("support:detail")
    now, texts = now or timezone.now(), _clock_texts()
    nobody = _text(gettext("not assigned yet"))
    out = []
    for r in rows:
        assignee = _text(r.assignee_label) if r.assignee_label else nobody
        clocks = f"<div>{_response(texts, r, now)} {_due(texts, r, now)}</div>" if r.is_open else ""
        out.append(
            '\n        <li class="list-group-item"><div class="d-flex">'
            f'<a class="me-auto" href="{_text(url(r.pk))}">'
            f"{_text(r.number)} {_text(r.title)}</a>{status_badge(r)}</div>"
            f'\n          <div class="text-muted">{_text(r.customer_name)} · {assignee}</div>'
            f"\n          {clocks}</li>\n      "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value in it is escaped above


@register.simple_tag
def workload_rows(rows) -> str:
    """The rows of "Open requests per engineer", each engineer linked to their open requests."""
    list_url = _text(reverse("support:list"))
    number = Numbers()
    out = []
    for row in rows:
        late = " text-danger fw-semibold" if row["overdue"] else ""
        out.append(
            f'\n        <tr><td><a href="{list_url}?assignee={number(row["assignee"])}&amp;status=open">'
            f'{_text(row["engineer"])}</a></td><td class="text-end">{number(row["open"])}</td>'
            f'<td class="text-end">{number(row["in_progress"])}</td>'
            f'\n          <td class="text-end{late}">{number(row["overdue"])}</td></tr>\n      '
        )
    return mark_safe("".join(out))  # noqa: S308 - every value in it is escaped above


@register.simple_tag
def unassigned_rows(rows, now) -> str:
    """The items of "Waiting for an engineer"."""
    url = detail_link("support:detail")
    now, texts = now or timezone.now(), _clock_texts()
    out = []
    for r in rows:
        out.append(
            '\n        <li class="list-group-item"><div class="d-flex">'
            f'<a class="me-auto" href="{_text(url(r.pk))}">'
            f"{_text(r.number)} {_text(r.title)}</a>{priority_badge(r)}</div>"
            f'\n          <div class="text-muted">{_text(r.customer_name)} · {_text(r.team_name)} · '
            f"{_text(r.requester_label)}</div><div>{_response(texts, r, now)}</div></li>\n      "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value in it is escaped above

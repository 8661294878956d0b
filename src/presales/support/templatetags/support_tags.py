"""The SLA badges of a support request (shared by the support pages and "my work")."""

from html import escape as _escape_text

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from presales.support import sla
from presales.support.choices import DueState, ResponseState
from presales.support.sla import duration_texts, format_duration

register = template.Library()

RESPONSE_CSS = {
    ResponseState.RUNNING: "text-bg-info",
    ResponseState.OVERDUE: "text-bg-danger",
    ResponseState.MET: "text-bg-success",
    ResponseState.BREACHED: "bg-danger-subtle text-danger-emphasis border border-danger-subtle",
    ResponseState.STOPPED: "text-bg-light border",
}
DUE_CSS = {
    DueState.ON_TIME: "text-bg-light border",
    DueState.DUE_SOON: "text-bg-warning",
    DueState.OVERDUE: "text-bg-danger",
    DueState.DONE_ON_TIME: "text-bg-success",
    DueState.DONE_LATE: "bg-danger-subtle text-danger-emphasis border border-danger-subtle",
    DueState.CANCELLED: "text-bg-light border",
}


# support/partials/priority.html and status.html as Python (one template include per row cost
# ≈ 0.07 ms on the lists); tests/support/test_badges.py compares them with the templates byte for byte.
PRIORITY_CSS = {"urgent": "text-bg-danger", "high": "text-bg-warning", "low": "text-bg-light border"}
STATUS_CSS = {"new": "text-bg-primary", "assigned": "text-bg-info", "in_progress": "text-bg-warning",
              "done": "text-bg-success"}


@register.simple_tag
def priority_badge(r):
    """What {% include "support/partials/priority.html" %} renders for the request `r`."""
    return format_html('<span class="badge {}">{}</span>\n',
                       PRIORITY_CSS.get(r.priority, "text-bg-secondary"), r.get_priority_display())


@register.simple_tag
def status_badge(r):
    """What {% include "support/partials/status.html" %} renders for the request `r`."""
    return format_html('<span class="badge {}" data-status="{}">{}</span>\n',
                       STATUS_CSS.get(r.status, "text-bg-secondary"), r.status, r.get_status_display())


@register.simple_tag
def response_badge(support_request, now=None):
    """The first-response clock: due in …, overdue by …, responded in time / late."""
    r = support_request
    return mark_safe(_response_html(_clock_texts(), r.status, r.response_due_at, r.first_response_at,
                                    r.submitted_at, now or timezone.now()))


@register.simple_tag
def due_state_badge(support_request, now=None):
    """The due-date clock of the work: on time, due in …, overdue by …, done on time / late."""
    r = support_request
    return mark_safe(_due_html(_clock_texts(), r.status, r.wanted_by, r.done_at, now or timezone.now()))


# The rows of the support list (support/request_list.html), in one pass (decision 51): through the
# template engine a row cost about a third of a millisecond, most of the page. The same markup
# as the loop it replaced, which tests/support/test_badges.py keeps as the reference and compares
# byte for byte, with the badges above.
ROW = (
    '\n<tr>\n  <td class="text-nowrap"><a href="{url}">{number}</a></td>\n'
    '  <td><a href="{url}">{title}</a><div class="small text-muted">{customer}{opportunity}</div></td>\n'
    "  <td>{kind}</td>\n  <td>{priority}</td>\n  <td>{status}</td>\n  <td>{requester}</td>\n"
    '  <td>{assignee}</td>\n  <td class="text-nowrap small">{submitted}</td>\n'
    "  <td>{response}</td>\n  <td>{due}</td>\n</tr>\n"
)


@register.simple_tag
def support_rows(rows, now=None):
    """The <tr> of each request of the list, as `{% for r in object_list %}` printed them, from the
    plain rows of `selectors.LIST_COLUMNS` (the list's page is read as tuples: building model
    instances with five related objects was a fifth of the page). The detail link is reversed once
    per page, the labels and the badges' texts are looked up once per page, not once per row."""
    from presales.accounts.models import User
    from presales.insights.templatetags.my_work_tables import detail_link
    from presales.support.models import SupportRequest

    now = now or timezone.now()
    url_of = detail_link("support:detail")
    meta = SupportRequest._meta
    kinds = {value: _escape_text(str(label)) for value, label in meta.get_field("request_type").flatchoices}
    priority_labels = dict(meta.get_field("priority").flatchoices)
    status_labels = dict(meta.get_field("status").flatchoices)
    priorities, statuses = {}, {}  # badge HTML per value, made on first use
    texts = _clock_texts()
    label_of = User.label_of
    localtime = timezone.localtime
    out = []
    for (pk, number, title, customer, opportunity_id, opportunity_number, kind, priority, status,
         r_display, r_first, r_last, r_username, assignee_id, a_display, a_first, a_last, a_username,
         submitted_at, response_due_at, first_response_at, wanted_by, done_at) in rows:
        url = _escape_text(url_of(pk))
        priority_html = priorities.get(priority)
        if priority_html is None:
            priority_html = priorities[priority] = format_html(
                '<span class="badge {}">{}</span>\n', PRIORITY_CSS.get(priority, "text-bg-secondary"),
                priority_labels.get(priority, priority))
        status_html = statuses.get(status)
        if status_html is None:
            status_html = statuses[status] = format_html(
                '<span class="badge {}" data-status="{}">{}</span>\n',
                STATUS_CSS.get(status, "text-bg-secondary"), status, status_labels.get(status, status))
        out.append(ROW.format(
            url=url,
            number=_escape_text(number),
            title=_escape_text(title),
            customer=_escape_text(customer),
            opportunity=f" · {_escape_text(opportunity_number)}" if opportunity_id is not None else "",
            kind=kinds[kind] if kind in kinds else _escape_text(kind),
            priority=priority_html,
            status=status_html,
            requester=_escape_text(label_of(r_display, r_first, r_last, r_username)),
            assignee=(_escape_text(label_of(a_display, a_first, a_last, a_username))
                      if assignee_id is not None else "—"),
            submitted=localtime(submitted_at).strftime("%Y-%m-%d %H:%M") if submitted_at else "",
            response=_response_html(texts, status, response_due_at, first_response_at, submitted_at, now),
            due=_due_html(texts, status, wanted_by, done_at, now),
        ))
    return mark_safe("".join(out))


def _clock_texts() -> dict:
    """The badges' texts in the current language, looked up once (a page of rows asks each
    several times)."""
    return {
        "response_running": _("Response due in %(left)s"),
        "response_overdue": _("Response overdue by %(late)s"),
        "response_met": _("Responded in time (%(took)s)"),
        "response_breached": _("Responded late by %(late)s"),
        "response_stopped": _("No response needed"),
        "response_title": _("First response due %(due)s"),
        "due_soon": _("Due in %(left)s"),
        "due_overdue": _("Overdue by %(late)s"),
        "due_done_late": _("Done late by %(late)s"),
        "due_title": _("Wanted by %(when)s"),
        "due_labels": {state: str(DueState(state).label) for state in DueState.values},
        **duration_texts(),
    }


def _duration(texts: dict, delta) -> str:
    """`sla.format_duration` with the texts looked up once."""
    return format_duration(delta, texts)


def _badge_html(kind: str, state: str, css: str, text: str, title: str) -> str:
    """`_badge(...)`, as a plain string (the texts are plain strings: escaped here)."""
    return (f'<span class="badge {css}" data-sla="{kind}-{str(state)}" title="{_escape_text(title)}">'
            f"{_escape_text(text)}</span>")


def _response_html(texts, status, response_due_at, first_response_at, submitted_at, now) -> str:
    """What `response_badge` prints for a request of these columns."""
    clock = sla.response_clock(status=status, response_due_at=response_due_at,
                               first_response_at=first_response_at, now=now, submitted_at=submitted_at)
    state = clock.state
    if state == ResponseState.RUNNING:
        text = texts["response_running"] % {"left": _duration(texts, clock.left)}
    elif state == ResponseState.OVERDUE:
        text = texts["response_overdue"] % {"late": _duration(texts, clock.late)}
    elif state == ResponseState.MET:
        text = texts["response_met"] % {"took": _duration(texts, clock.elapsed)}
    elif state == ResponseState.BREACHED:
        text = texts["response_breached"] % {"late": _duration(texts, clock.late)}
    else:
        text = texts["response_stopped"]
    title = texts["response_title"] % {"due": timezone.localtime(response_due_at).strftime("%Y-%m-%d %H:%M")}
    return _badge_html("response", state, RESPONSE_CSS[state], text, title)


def _due_html(texts, status, wanted_by, done_at, now) -> str:
    """What `due_state_badge` prints for a request of these columns."""
    clock = sla.due_clock(status=status, wanted_by=wanted_by, done_at=done_at, now=now)
    state = clock.state
    if state == DueState.DUE_SOON:
        text = texts["due_soon"] % {"left": _duration(texts, clock.left)}
    elif state == DueState.OVERDUE:
        text = texts["due_overdue"] % {"late": _duration(texts, clock.late)}
    elif state == DueState.DONE_LATE:
        text = texts["due_done_late"] % {"late": _duration(texts, clock.late)}
    else:
        text = texts["due_labels"][state]
    title = texts["due_title"] % {"when": timezone.localtime(wanted_by).strftime("%Y-%m-%d %H:%M")}
    return _badge_html("due", state, DUE_CSS[state], text, title)

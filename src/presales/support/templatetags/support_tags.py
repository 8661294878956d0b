"""The SLA badges of a support request (shared by the support pages and "my work")."""

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from presales.support.choices import DueState, ResponseState
from presales.support.sla import format_duration

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
    return format_html('<span class="badge {}">{}</span>\n', PRIORITY_CSS.get(r.priority, "text-bg-secondary"),
                       r.get_priority_display())


@register.simple_tag
def status_badge(r):
    """What {% include "support/partials/status.html" %} renders for the request `r`."""
    return format_html('<span class="badge {}" data-status="{}">{}</span>\n',
                       STATUS_CSS.get(r.status, "text-bg-secondary"), r.status, r.get_status_display())


def _badge(kind: str, state: str, css: str, text: str, title: str = ""):
    return format_html(
        '<span class="badge {}" data-sla="{}-{}" title="{}">{}</span>', css, kind, state, title, text
    )


@register.simple_tag
def response_badge(support_request, now=None):
    """The first-response clock: due in …, overdue by …, responded in time / late."""
    clock = support_request.response_clock(now or timezone.now())
    state = clock.state
    if state == ResponseState.RUNNING:
        text = _("Response due in %(left)s") % {"left": format_duration(clock.left)}
    elif state == ResponseState.OVERDUE:
        text = _("Response overdue by %(late)s") % {"late": format_duration(clock.late)}
    elif state == ResponseState.MET:
        text = _("Responded in time (%(took)s)") % {"took": format_duration(clock.elapsed)}
    elif state == ResponseState.BREACHED:
        text = _("Responded late by %(late)s") % {"late": format_duration(clock.late)}
    else:
        text = _("No response needed")
    title = _("First response due %(due)s") % {
        "due": timezone.localtime(support_request.response_due_at).strftime("%Y-%m-%d %H:%M")
    }
    return _badge("response", state, RESPONSE_CSS[state], text, title)


@register.simple_tag
def due_state_badge(support_request, now=None):
    """The due-date clock of the work: on time, due in …, overdue by …, done on time / late."""
    clock = support_request.due_clock(now or timezone.now())
    state = clock.state
    if state == DueState.DUE_SOON:
        text = _("Due in %(left)s") % {"left": format_duration(clock.left)}
    elif state == DueState.OVERDUE:
        text = _("Overdue by %(late)s") % {"late": format_duration(clock.late)}
    elif state == DueState.DONE_LATE:
        text = _("Done late by %(late)s") % {"late": format_duration(clock.late)}
    else:
        text = str(DueState(state).label)
    title = _("Wanted by %(when)s") % {
        "when": timezone.localtime(support_request.wanted_by).strftime("%Y-%m-%d %H:%M")
    }
    return _badge("due", state, DUE_CSS[state], text, title)


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
def support_rows(requests, now=None):
    """The <tr> of each request of the list, as `{% for r in object_list %}` printed them."""
    now = now or timezone.now()
    out = []
    for r in requests:
        url = escape(r.get_absolute_url())
        opportunity = r.opportunity
        out.append(ROW.format(
            url=url,
            number=escape(r.number),
            title=escape(r.title),
            customer=escape(r.customer.name),
            opportunity=f" · {escape(opportunity.number)}" if opportunity else "",
            kind=escape(r.get_request_type_display()),
            priority=priority_badge(r),
            status=status_badge(r),
            requester=escape(str(r.requester)),
            assignee=escape(str(r.assignee)) if r.assignee else "—",
            submitted=timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M") if r.submitted_at else "",
            response=response_badge(r, now),
            due=due_state_badge(r, now),
        ))
    return mark_safe("".join(out))

"""The two clocks of a support request, as pure functions (no database, no settings, no "now"
read behind the caller's back), and their SQL twins.

- Response clock: from submission to the assignee's first response, due at `response_due_at`
  (submitted + SLA hours of the priority). A response *at* the due instant is in time; a request
  still waiting *at* the due instant is still running (0 left) and becomes overdue one instant later.
- Due clock: the work itself, wanted by `wanted_by`. Less than 24 hours left is "due soon"; exactly
  24 hours left is still "on time"; at the wanted-by instant it is due soon (0 left), after it
  overdue. Done at the wanted-by instant is on time.

The SQL filters (`response_q`, `due_q`) state the very same boundaries, so a list filtered by
"response overdue" shows exactly the rows whose badge says so (tested against each other).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils.translation import gettext as _

from .choices import AWAITING_RESPONSE_STATUSES, OPEN_REQUEST_STATUSES, DueState, RequestStatus, ResponseState

DUE_SOON = timedelta(hours=24)


@dataclass(frozen=True)
class Clock:
    """A clock's state; `left` is the time remaining while it runs (≥ 0), `late` how far past the
    due time it is or was (> 0 when overdue or late), `elapsed` how long the clock ran (response)."""

    state: str
    left: timedelta | None = None
    late: timedelta | None = None
    elapsed: timedelta | None = None

    @property
    def is_late(self) -> bool:
        return self.state in (
            ResponseState.OVERDUE,
            ResponseState.BREACHED,
            DueState.OVERDUE,
            DueState.DONE_LATE,
        )


def response_clock(
    *,
    status: str,
    response_due_at: datetime,
    first_response_at: datetime | None,
    now: datetime,
    submitted_at: datetime | None = None,
) -> Clock:
    if first_response_at is not None:
        elapsed = first_response_at - submitted_at if submitted_at is not None else None
        if first_response_at <= response_due_at:
            return Clock(ResponseState.MET, elapsed=elapsed)
        return Clock(ResponseState.BREACHED, late=first_response_at - response_due_at, elapsed=elapsed)
    if status in AWAITING_RESPONSE_STATUSES:
        if now <= response_due_at:
            return Clock(ResponseState.RUNNING, left=response_due_at - now)
        return Clock(ResponseState.OVERDUE, late=now - response_due_at)
    return Clock(ResponseState.STOPPED)


def due_clock(*, status: str, wanted_by: datetime, done_at: datetime | None, now: datetime) -> Clock:
    if status in OPEN_REQUEST_STATUSES:
        if now > wanted_by:
            return Clock(DueState.OVERDUE, late=now - wanted_by)
        left = wanted_by - now
        return Clock(DueState.DUE_SOON if left < DUE_SOON else DueState.ON_TIME, left=left)
    if status == RequestStatus.DONE and done_at is not None:
        if done_at <= wanted_by:
            return Clock(DueState.DONE_ON_TIME)
        return Clock(DueState.DONE_LATE, late=done_at - wanted_by)
    return Clock(DueState.CANCELLED)


def response_hours(*, submitted_at: datetime, first_response_at: datetime | None) -> float | None:
    """Hours from submission to the first response (None while nobody has responded)."""
    if first_response_at is None:
        return None
    return (first_response_at - submitted_at).total_seconds() / 3600


def duration_texts() -> dict:
    """The three formats of `format_duration` in the current language (a list of rows looks them
    up once)."""
    return {"days": _("%(days)d d %(hours)d h"), "hours": _("%(hours)d h %(minutes)d min"),
            "minutes": _("%(minutes)d min")}


def format_duration(delta: timedelta, texts: dict | None = None) -> str:
    """A short human duration: "2 d 3 h", "3 h 20 min", "15 min" (translated; never negative)."""
    texts = texts or duration_texts()
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return texts["days"] % {"days": days, "hours": hours}
    if hours:
        return texts["hours"] % {"hours": hours, "minutes": minutes}
    return texts["minutes"] % {"minutes": minutes}


# --- the same boundaries in SQL ---------------------------------------------------------------------


def response_q(state: str, now: datetime) -> Q:
    responded = Q(first_response_at__isnull=False)
    waiting = Q(first_response_at__isnull=True, status__in=AWAITING_RESPONSE_STATUSES)
    return {
        ResponseState.MET: responded & Q(first_response_at__lte=F("response_due_at")),
        ResponseState.BREACHED: responded & Q(first_response_at__gt=F("response_due_at")),
        ResponseState.RUNNING: waiting & Q(response_due_at__gte=now),
        ResponseState.OVERDUE: waiting & Q(response_due_at__lt=now),
        ResponseState.STOPPED: Q(first_response_at__isnull=True) & ~Q(status__in=AWAITING_RESPONSE_STATUSES),
    }[state]


def due_q(state: str, now: datetime) -> Q:
    is_open = Q(status__in=OPEN_REQUEST_STATUSES)
    done = Q(status=RequestStatus.DONE, done_at__isnull=False)
    return {
        DueState.OVERDUE: is_open & Q(wanted_by__lt=now),
        DueState.DUE_SOON: is_open & Q(wanted_by__gte=now, wanted_by__lt=now + DUE_SOON),
        DueState.ON_TIME: is_open & Q(wanted_by__gte=now + DUE_SOON),
        DueState.DONE_ON_TIME: done & Q(done_at__lte=F("wanted_by")),
        DueState.DONE_LATE: done & Q(done_at__gt=F("wanted_by")),
        DueState.CANCELLED: ~is_open & ~done,
    }[state]


def overdue_q(now: datetime) -> Q:
    """Anything late right now: the first response or the work itself."""
    return response_q(ResponseState.OVERDUE, now) | due_q(DueState.OVERDUE, now)

"""Reads for the "my work" page. Every one starts from a `visible_to(user)` scope; every list is
bounded in SQL; counts and KPIs are SQL aggregates, so the page's query count does not depend on
the amount of data.

Issue 15 (CPU per request; the page is where presales engineers land): building and compiling a
query costs far more CPU here than running it, so the page asks few, lean queries. The KPIs, the
status chart and the weekly response chart are one grouped aggregate; the lists read the few
columns they print (`only()` for support requests, whose SLA badges need the model's clocks;
`values_list()` for the rest) with the related customer's and people's names as columns of the
same query instead of whole related rows; the engineers' names come with the workload figures;
the scopes the sections share are built once (`my_work`). The rows are written by the
`my_work_tables` template tags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from presales.accounts.models import User
from presales.customers.choices import IssueStatus
from presales.customers.models import CommunicationLog, TechnicalIssue
from presales.opportunities.models import Opportunity
from presales.support import sla
from presales.support.choices import OPEN_REQUEST_STATUSES, DueState, RequestStatus, ResponseState
from presales.support.models import SupportRequest

LIST_LIMIT = 10  # rows per section; each section links to the full, paginated list
WORKLOAD_LIMIT = 20  # engineers in the team view
SLA_WINDOW = timedelta(days=90)
CHART_WEEKS = 12


@dataclass
class Section:
    """A bounded list and the total it was cut from."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _overdue_first(now: datetime) -> Case:
    """0 = something is late now (response or due date), 1 = due within a day, 2 = the rest."""
    return Case(
        When(sla.overdue_q(now), then=Value(0)),
        When(sla.due_q(DueState.DUE_SOON, now), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


# The columns a support request row of the page prints (number, title, badges and their clocks).
REQUEST_ROW_FIELDS = (
    "number", "title", "priority", "status", "submitted_at", "response_due_at", "first_response_at",
    "wanted_by", "done_at",
)


def _person_columns(path: str) -> dict:
    """The columns of a related user's name (`User.label_of`), as annotations `<path>_<column>`."""
    return {f"{path}_{name}": F(f"{path}__{name}") for name in User.LABEL_FIELDS}


def _person_label(row, path: str) -> str | None:
    """The related user's name from the `_person_columns(path)` of `row`; None without a user."""
    values = [getattr(row, f"{path}_{name}") for name in User.LABEL_FIELDS]
    if values[-1] is None:  # the username is never empty: no user
        return None
    return User.label_of(*values)


class RequestRow:
    """A support request of a "my work" list as its row prints it: the columns of
    REQUEST_ROW_FIELDS and `pk`, `customer_name`, a `<path>_label` per person, and what the SLA
    badges ask of a request (`response_clock`, `due_clock`, the choice labels), as the model
    answers them. Plain rows instead of model instances: building those (deferred columns,
    annotations) was most of the time of the three request lists."""

    _labels: dict = {}

    def __init__(self, **values):
        self.__dict__.update(values)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    @classmethod
    def _label(cls, field: str, value):
        labels = cls._labels.get(field)
        if labels is None:
            labels = cls._labels[field] = dict(SupportRequest._meta.get_field(field).flatchoices)
        return str(labels.get(value, value))

    def get_priority_display(self):
        return self._label("priority", self.priority)

    def get_status_display(self):
        return self._label("status", self.status)

    response_clock = SupportRequest.response_clock
    due_clock = SupportRequest.due_clock


def _request_rows(queryset, *people: str, extra: tuple[str, ...] = ()) -> list:
    """The first LIST_LIMIT support requests of `queryset` (`RequestRow`s) with only the columns
    the rows print, plus `customer_name`, a `<path>_label` per related person in `people`
    (requester, assignee) and the annotations named in `extra`, in one query of plain rows (time
    stamps through psycopg's C loader on PostgreSQL, `fetch_tuples`)."""
    from presales.core.lean import fetch_tuples

    columns = {"customer_name": F("customer__name")}
    for path in people:
        columns.update(_person_columns(path))
    names = ["pk", *REQUEST_ROW_FIELDS, *columns, *extra]
    rows = [RequestRow(**dict(zip(names, values, strict=True)))
            for values in fetch_tuples(queryset.annotate(**columns).values_list(*names)[:LIST_LIMIT])]
    for r in rows:
        for path in people:
            setattr(r, f"{path}_label", _person_label(r, path))
    return rows


def _chart_weeks(now: datetime) -> tuple[list, datetime]:
    """The Mondays of the last CHART_WEEKS weeks (Asia/Shanghai weeks) and the first one's start."""
    tz = ZoneInfo(settings.TIME_ZONE)
    local_today = timezone.localtime(now, tz).date()
    first_monday = local_today - timedelta(days=local_today.weekday(), weeks=CHART_WEEKS - 1)
    weeks = [first_monday + timedelta(weeks=i) for i in range(CHART_WEEKS)]
    return weeks, datetime.combine(first_monday, datetime.min.time(), tzinfo=tz)


def request_kpis(*, user, now: datetime, requests=None) -> dict:
    """The KPIs of the requests assigned to or submitted by the user, their number by status
    (`status_<value>`, the status chart) and the first responses to the ones assigned to the user
    per week (`responses_by_week`: week -> [in time, late], the response chart). The response SLA
    rate covers the requests assigned to the user, submitted in the last 90 days, whose clock has
    an outcome: responded (in time or late) or overdue while still waiting. A request still within
    its SLA does not count yet; one cancelled before anybody responded never counts.

    One aggregate, grouped by status, "assigned to me", "asked by me", "submitted in the last 90
    days" and the week of the first response within the chart's weeks (a bounded number of
    groups, whatever the data), with the SLA states counted per group and summed here: the
    conditions on the user and the windows are written once instead of once per figure. The
    response states are exclusive (`sla.response_clock` gives a request one), so the requests
    "judged" are the ones met plus the ones breached plus the ones overdue."""
    requests = SupportRequest.objects.visible_to(user) if requests is None else requests
    tz = ZoneInfo(settings.TIME_ZONE)
    _weeks, chart_since = _chart_weeks(now)
    week = TruncWeek("first_response_at", tzinfo=tz)
    groups = (
        requests.filter(Q(assignee=user) | Q(requester=user))
        .values(
            "status",
            mine=ExpressionWrapper(Q(assignee=user), output_field=BooleanField()),
            asked=ExpressionWrapper(Q(requester=user), output_field=BooleanField()),
            recent=ExpressionWrapper(Q(submitted_at__gte=now - SLA_WINDOW), output_field=BooleanField()),
            week=Case(When(first_response_at__gte=chart_since, then=week)),
        )
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=sla.overdue_q(now)),
            due_soon=Count("pk", filter=sla.due_q(DueState.DUE_SOON, now)),
            met=Count("pk", filter=sla.response_q(ResponseState.MET, now)),
            late=Count("pk", filter=sla.response_q(ResponseState.BREACHED, now)),
            response_overdue=Count("pk", filter=sla.response_q(ResponseState.OVERDUE, now)),
        )
        .order_by()
    )
    row = dict.fromkeys(
        ("assigned_open", "assigned_overdue", "assigned_due_soon", "sla_judged", "sla_met", "submitted_open",
         "submitted_total", *(f"status_{s.value}" for s in RequestStatus)),
        0,
    )  # fmt: skip
    by_week: dict = {}
    for g in groups:
        n, is_open = g["n"], g["status"] in OPEN_REQUEST_STATUSES
        row[f"status_{g['status']}"] = row.get(f"status_{g['status']}", 0) + n
        if g["mine"]:
            row["assigned_open"] += n if is_open else 0
            row["assigned_overdue"] += g["overdue"]
            row["assigned_due_soon"] += g["due_soon"]
            if g["recent"]:
                row["sla_judged"] += g["met"] + g["late"] + g["response_overdue"]
                row["sla_met"] += g["met"]
            if g["week"] is not None:
                week = g["week"].date() if hasattr(g["week"], "date") else g["week"]
                counts = by_week.setdefault(week, [0, 0])
                counts[0] += g["met"]
                counts[1] += g["late"]
        if g["asked"]:
            row["submitted_open"] += n if is_open else 0
            row["submitted_total"] += n
    row["sla_met_percent"] = _percent(row["sla_met"], row["sla_judged"])
    row["responses_by_week"] = by_week
    return row


def assigned_to_me(*, user, now: datetime, total: int, requests=None) -> Section:
    """My open requests: late ones first, then due soon, then by response due time."""
    requests = SupportRequest.objects.visible_to(user) if requests is None else requests
    rows = _request_rows(
        requests.filter(assignee=user, status__in=OPEN_REQUEST_STATUSES)
        .order_by(_overdue_first(now), "wanted_by", "pk"),
        "requester",
    )
    return Section(rows, total)


def submitted_by_me(*, user, total: int, requests=None) -> Section:
    """What I asked for: open ones first, newest first."""
    closed = Case(
        When(status__in=OPEN_REQUEST_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    requests = SupportRequest.objects.visible_to(user) if requests is None else requests
    rows = _request_rows(
        requests.filter(requester=user)
        .order_by(closed, "-submitted_at", "-pk"),
        "assignee",
    )
    return Section(rows, total)


def my_open_opportunities_qs(*, user):
    """Open opportunities where I am the presales lead, a member or the sales owner (the
    opportunities' own `involved_q`: membership as `IN (my memberships)`)."""
    return Opportunity.objects.visible_to(user).open().filter(Opportunity.objects.involved_q(user))


def _value_rows(queryset, *names: str) -> Section:
    """The first LIST_LIMIT rows of `queryset` as objects with the attributes `names` (its
    `values_list`), and its total, in one query: the total is a window count (`COUNT(*) OVER ()`,
    taken before the LIMIT) instead of a second query that would compile the same filters and
    subqueries again."""
    values = list(
        queryset.annotate(section_total=Window(Count("pk"))).values_list(*names, "section_total")[:LIST_LIMIT]
    )
    rows = [SimpleNamespace(**dict(zip(names, row, strict=False))) for row in values]
    return Section(rows, values[0][-1] if values else 0)


def my_opportunities(*, user, now: datetime, mine=None) -> Section:
    mine = my_open_opportunities_qs(user=user) if mine is None else mine
    section = _value_rows(
        mine.annotate(
            stage_since=Coalesce("stage_changed_at", "created_at"), customer_name=F("customer__name")
        )
        .order_by(F("expected_close_on").asc(nulls_last=True), "-pk"),
        "pk", "number", "name", "customer_name", "stage", "expected_close_on", "stage_since",
    )
    for o in section.rows:
        o.days_in_stage = max((now - o.stage_since).days, 0)
    return section


def overdue_issues(*, user, today) -> Section:
    """Open technical issues of my customers that I own and that are past their due date."""
    qs = TechnicalIssue.objects.visible_to(user).filter(owner=user, status=IssueStatus.OPEN, due_on__lt=today)
    section = _value_rows(
        qs.annotate(customer_name=F("customer__name")).order_by("due_on", "pk"),
        "pk", "title", "due_on", "customer_id", "customer_name",
    )
    for issue in section.rows:
        issue.days_overdue = (today - issue.due_on).days
    return section


def follow_ups_due(*, user, now: datetime, mine=None) -> Section:
    """My open opportunities without a follow-up visit (跟踪回访) in the last
    PRESALES_FOLLOW_UP_DAYS days. The clock starts at the last follow-up, or at the opportunity's
    creation for one never followed up: a project opened yesterday is not due yet."""
    days = settings.PRESALES_FOLLOW_UP_DAYS
    cutoff = now - timedelta(days=days)
    last = (
        CommunicationLog.objects.filter(opportunity_id=OuterRef("pk"), is_follow_up=True)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    mine = my_open_opportunities_qs(user=user) if mine is None else mine
    qs = (
        mine.annotate(last_follow_up=Subquery(last))
        .annotate(clock_start=Coalesce(F("last_follow_up"), F("created_at")))
        .filter(clock_start__lt=cutoff)
        .annotate(customer_name=F("customer__name"))
    )
    section = _value_rows(
        qs.order_by("clock_start", "pk"),
        "pk", "number", "name", "customer_id", "customer_name", "last_follow_up", "clock_start",
    )
    for o in section.rows:
        o.follow_up_due_since = o.clock_start + timedelta(days=days)
        o.days_without = (now - o.clock_start).days
    return section


def status_chart(kpis: dict) -> dict:
    """My requests (assigned to me or asked by me) by status, for a bar chart: the `status_<value>`
    counts of `request_kpis`."""
    values = [kpis[f"status_{s.value}"] for s in RequestStatus]
    return {"labels": [str(s.label) for s in RequestStatus], "values": values, "total": sum(values)}


def response_chart(kpis: dict, *, now: datetime) -> dict:
    """First responses to the requests assigned to me, per week (Asia/Shanghai weeks), in time vs
    late, over the last CHART_WEEKS weeks: the `responses_by_week` of `request_kpis`."""
    weeks, _since = _chart_weeks(now)
    by_week = kpis["responses_by_week"]
    met = [by_week.get(w, (0, 0))[0] for w in weeks]
    late = [by_week.get(w, (0, 0))[1] for w in weeks]
    return {
        "labels": [w.strftime("%m-%d") for w in weeks],
        "met": met,
        "late": late,
        "total": sum(met) + sum(late),
    }


def can_see_team_view(user) -> bool:
    return bool(user.is_manager or user.led_team_ids)


def team_workload(*, user, now: datetime, requests=None) -> dict:
    """For managers (every team) and team leads (their teams): open requests per engineer, the
    late ones among them, and the requests nobody is assigned to yet."""
    requests = SupportRequest.objects.visible_to(user) if requests is None else requests
    scope = requests.filter(status__in=OPEN_REQUEST_STATUSES)
    if not user.is_manager:
        scope = scope.filter(team_id__in=list(user.led_team_ids))
    names = [f"assignee__{name}" for name in User.LABEL_FIELDS]
    workload = list(
        scope.filter(assignee__isnull=False)
        .values("assignee", *names)
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=sla.overdue_q(now)),
            in_progress=Count("pk", filter=Q(status=RequestStatus.IN_PROGRESS)),
        )
        .order_by("-open", "assignee")[:WORKLOAD_LIMIT]
    )
    # The engineer as a user read with only the name columns (as `only()` reads one: `from_db`
    # takes the values in the model's column order).
    db = SupportRequest.objects.db
    fields = [f.attname for f in User._meta.concrete_fields if f.attname in ("id", *User.LABEL_FIELDS)]
    for row in workload:
        values = {"id": row["assignee"], **{name: row.pop(f"assignee__{name}") for name in User.LABEL_FIELDS}}
        row["engineer"] = User.from_db(db, fields, [values[f] for f in fields])
    unassigned = _request_rows(
        scope.filter(status=RequestStatus.NEW)
        .annotate(section_total=Window(Count("pk")), team_name=F("team__name"))
        .order_by(_overdue_first(now), "response_due_at", "pk"),
        "requester",
        extra=("section_total", "team_name"),
    )
    return {
        "workload": workload,
        "unassigned": Section(unassigned, unassigned[0].section_total if unassigned else 0),
        "chart": {
            "labels": [str(row["engineer"]) for row in workload],
            "open": [row["open"] for row in workload],
            "overdue": [row["overdue"] for row in workload],
        },
    }


def my_work(*, user, now: datetime | None = None) -> dict:
    """Everything the page shows, for the logged-in user. The scopes the sections share (the
    requests visible to the user, the user's open opportunities) are built once: a queryset's
    filters are resolved when it is built, and each section only adds its own."""
    now = now or timezone.now()
    today = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE)).date()
    requests = SupportRequest.objects.visible_to(user)
    mine = my_open_opportunities_qs(user=user)
    kpis = request_kpis(user=user, now=now, requests=requests)
    context = {
        "now": now,
        "kpis": kpis,
        "assigned": assigned_to_me(user=user, now=now, total=kpis["assigned_open"], requests=requests),
        "submitted": submitted_by_me(user=user, total=kpis["submitted_total"], requests=requests),
        "opportunities": my_opportunities(user=user, now=now, mine=mine),
        "issues": overdue_issues(user=user, today=today),
        "follow_ups": follow_ups_due(user=user, now=now, mine=mine),
        "follow_up_days": settings.PRESALES_FOLLOW_UP_DAYS,
        "charts": {"status": status_chart(kpis), "responses": response_chart(kpis, now=now)},
        "team": team_workload(user=user, now=now, requests=requests) if can_see_team_view(user) else None,
    }
    return context

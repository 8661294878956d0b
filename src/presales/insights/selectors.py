"""Reads for the "my work" page. Every one starts from a `visible_to(user)` scope; every list is
bounded in SQL; counts and KPIs are SQL aggregates, so the page's query count does not depend on
the amount of data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When, Window
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


def _section(queryset) -> Section:
    """The first LIST_LIMIT rows of `queryset` and its total, in one query: the total is a window
    count (`COUNT(*) OVER ()`, taken before the LIMIT) instead of a second query that would compile
    the same filters and subqueries again."""
    rows = list(queryset.annotate(section_total=Window(Count("pk")))[:LIST_LIMIT])
    return Section(rows, rows[0].section_total if rows else 0)


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


def request_kpis(*, user, now: datetime) -> dict:
    """One aggregate over the requests assigned to or submitted by the user. The response SLA rate
    covers the requests assigned to the user, submitted in the last 90 days, whose clock has an
    outcome: responded (in time or late) or overdue while still waiting. A request still within
    its SLA does not count yet; one cancelled before anybody responded never counts."""
    since = now - SLA_WINDOW
    mine = Q(assignee=user)
    is_open = Q(status__in=OPEN_REQUEST_STATUSES)
    recent = Q(submitted_at__gte=since)
    met = sla.response_q(ResponseState.MET, now)
    judged = met | sla.response_q(ResponseState.BREACHED, now) | sla.response_q(ResponseState.OVERDUE, now)
    row = (
        SupportRequest.objects.visible_to(user)
        .filter(Q(assignee=user) | Q(requester=user))
        .aggregate(
            assigned_open=Count("pk", filter=mine & is_open),
            assigned_overdue=Count("pk", filter=mine & sla.overdue_q(now)),
            assigned_due_soon=Count("pk", filter=mine & sla.due_q(DueState.DUE_SOON, now)),
            sla_judged=Count("pk", filter=mine & recent & judged),
            sla_met=Count("pk", filter=mine & recent & met),
            submitted_open=Count("pk", filter=Q(requester=user) & is_open),
            submitted_total=Count("pk", filter=Q(requester=user)),
        )
    )
    row["sla_met_percent"] = _percent(row["sla_met"], row["sla_judged"])
    return row


def assigned_to_me(*, user, now: datetime, total: int) -> Section:
    """My open requests: late ones first, then due soon, then by response due time."""
    rows = list(
        SupportRequest.objects.visible_to(user)
        .filter(assignee=user, status__in=OPEN_REQUEST_STATUSES)
        .select_related("customer", "requester")
        .annotate(urgency=_overdue_first(now))
        .order_by("urgency", "wanted_by", "pk")[:LIST_LIMIT]
    )
    return Section(rows, total)


def submitted_by_me(*, user, total: int) -> Section:
    """What I asked for: open ones first, newest first."""
    rows = list(
        SupportRequest.objects.visible_to(user)
        .filter(requester=user)
        .select_related("customer", "assignee")
        .annotate(
            closed=Case(
                When(status__in=OPEN_REQUEST_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "-submitted_at", "-pk")[:LIST_LIMIT]
    )
    return Section(rows, total)


def my_open_opportunities_qs(*, user):
    """Open opportunities where I am the presales lead, a member or the sales owner."""
    member = Opportunity.members.through.objects.filter(opportunity_id=OuterRef("pk"), user_id=user.pk)
    return (
        Opportunity.objects.visible_to(user)
        .open()
        .filter(Q(presales_lead=user) | Q(sales_owner=user) | Q(Exists(member)))
    )


def my_opportunities(*, user, now: datetime) -> Section:
    section = _section(
        my_open_opportunities_qs(user=user).select_related("customer")
        .annotate(stage_since=Coalesce("stage_changed_at", "created_at"))
        .order_by(F("expected_close_on").asc(nulls_last=True), "-pk")
    )
    for o in section.rows:
        o.days_in_stage = max((now - o.stage_since).days, 0)
    return section


def overdue_issues(*, user, today) -> Section:
    """Open technical issues of my customers that I own and that are past their due date."""
    qs = TechnicalIssue.objects.visible_to(user).filter(owner=user, status=IssueStatus.OPEN, due_on__lt=today)
    section = _section(qs.select_related("customer").order_by("due_on", "pk"))
    for issue in section.rows:
        issue.days_overdue = (today - issue.due_on).days
    return section


def follow_ups_due(*, user, now: datetime) -> Section:
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
    qs = (
        my_open_opportunities_qs(user=user)
        .annotate(last_follow_up=Subquery(last), clock_start=Coalesce(Subquery(last), F("created_at")))
        .filter(clock_start__lt=cutoff)
    )
    section = _section(qs.select_related("customer").order_by("clock_start", "pk"))
    for o in section.rows:
        o.follow_up_due_since = o.clock_start + timedelta(days=days)
        o.days_without = (now - o.clock_start).days
    return section


def status_chart(*, user) -> dict:
    """My requests (assigned to me or asked by me) by status, for a bar chart."""
    counts = {
        row["status"]: row["n"]
        for row in SupportRequest.objects.visible_to(user)
        .filter(Q(assignee=user) | Q(requester=user))
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return {
        "labels": [str(s.label) for s in RequestStatus],
        "values": [counts.get(s.value, 0) for s in RequestStatus],
        "total": sum(counts.values()),
    }


def response_chart(*, user, now: datetime) -> dict:
    """First responses to the requests assigned to me, per week (Asia/Shanghai weeks), in time vs
    late, over the last CHART_WEEKS weeks."""
    tz = ZoneInfo(settings.TIME_ZONE)
    local_today = timezone.localtime(now, tz).date()
    first_monday = local_today - timedelta(days=local_today.weekday(), weeks=CHART_WEEKS - 1)
    since = datetime.combine(first_monday, datetime.min.time(), tzinfo=tz)
    rows = (
        SupportRequest.objects.visible_to(user)
        .filter(assignee=user, first_response_at__gte=since)
        .annotate(week=TruncWeek("first_response_at", tzinfo=tz))
        .values("week")
        .annotate(
            met=Count("pk", filter=sla.response_q(ResponseState.MET, now)),
            late=Count("pk", filter=sla.response_q(ResponseState.BREACHED, now)),
        )
        .order_by("week")
    )
    by_week = {}
    for row in rows:
        week = row["week"]
        key = week.date() if hasattr(week, "date") else week
        by_week[key] = row
    weeks = [first_monday + timedelta(weeks=i) for i in range(CHART_WEEKS)]
    met = [by_week.get(w, {}).get("met", 0) for w in weeks]
    late = [by_week.get(w, {}).get("late", 0) for w in weeks]
    return {
        "labels": [w.strftime("%m-%d") for w in weeks],
        "met": met,
        "late": late,
        "total": sum(met) + sum(late),
    }


def can_see_team_view(user) -> bool:
    return bool(user.is_manager or user.led_team_ids)


def team_workload(*, user, now: datetime) -> dict:
    """For managers (every team) and team leads (their teams): open requests per engineer, the
    late ones among them, and the requests nobody is assigned to yet."""
    scope = SupportRequest.objects.visible_to(user).filter(status__in=OPEN_REQUEST_STATUSES)
    if not user.is_manager:
        scope = scope.filter(team_id__in=list(user.led_team_ids))
    workload = list(
        scope.filter(assignee__isnull=False)
        .values("assignee")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=sla.overdue_q(now)),
            in_progress=Count("pk", filter=Q(status=RequestStatus.IN_PROGRESS)),
        )
        .order_by("-open", "assignee")[:WORKLOAD_LIMIT]
    )
    people = User.objects.in_bulk([row["assignee"] for row in workload])
    for row in workload:
        row["engineer"] = people.get(row["assignee"])
    unassigned = _section(
        scope.filter(status=RequestStatus.NEW).select_related("customer", "requester", "team")
        .annotate(urgency=_overdue_first(now))
        .order_by("urgency", "response_due_at", "pk")
    )
    return {
        "workload": workload,
        "unassigned": unassigned,
        "chart": {
            "labels": [str(row["engineer"]) for row in workload],
            "open": [row["open"] for row in workload],
            "overdue": [row["overdue"] for row in workload],
        },
    }


def my_work(*, user, now: datetime | None = None) -> dict:
    """Everything the page shows, for the logged-in user."""
    now = now or timezone.now()
    today = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE)).date()
    kpis = request_kpis(user=user, now=now)
    context = {
        "now": now,
        "kpis": kpis,
        "assigned": assigned_to_me(user=user, now=now, total=kpis["assigned_open"]),
        "submitted": submitted_by_me(user=user, total=kpis["submitted_total"]),
        "opportunities": my_opportunities(user=user, now=now),
        "issues": overdue_issues(user=user, today=today),
        "follow_ups": follow_ups_due(user=user, now=now),
        "follow_up_days": settings.PRESALES_FOLLOW_UP_DAYS,
        "charts": {"status": status_chart(user=user), "responses": response_chart(user=user, now=now)},
        "team": team_workload(user=user, now=now) if can_see_team_view(user) else None,
    }
    return context

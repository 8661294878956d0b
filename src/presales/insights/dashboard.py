"""Reads for the manager dashboard (SPEC §8). One grouped database query per panel, whatever the
amount of data; every query starts from the `visible_to(user)` scope of its model and is cut to
the chosen team. Every figure carries the URL of the list that shows the records behind it, built
from the same filters that list uses (its filterset's query parameters), so that the list's count
equals the figure.

Periods are local calendar days, both inclusive (from `start` 00:00 to the day after `end` 00:00
in TIME_ZONE), the same boundaries as the lists' period filters (core.filters)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote_plus, urlencode

from django.conf import settings
from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    Lookup,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import get_language

from presales.accounts.choices import PRESALES_ROLES
from presales.accounts.models import Team, User
from presales.core.filters import day_start
from presales.support.choices import DueState, ResponseState

BID_WINDOW = timedelta(days=14)
LIST_LIMIT = 20  # rows of the bounded lists (bids due, appraisal people); each links to the full list
WORKLOAD_LIMIT = 50  # engineers in the workload table


@dataclass(frozen=True)
class Scope:
    """Who looks, over which period, at which team (None: every team the user may see)."""

    user: object
    start: date
    end: date
    team: Team | None
    now: datetime = field(default_factory=timezone.now)
    # Results shared by several panels of one page (the win rates by engineer and by industry
    # come from one grouped query); not part of equality.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def since(self) -> datetime:
        return day_start(self.start)

    @property
    def until(self) -> datetime:
        return day_start(self.end + timedelta(days=1))

    def period_q(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.since, f"{field_name}__lt": self.until})

    def team_q(self, field_name: str) -> Q:
        return Q(**{field_name: self.team.pk}) if self.team else Q()

    def team_params(self) -> dict:
        return {"team": self.team.pk} if self.team else {}


def _unrestricted(user) -> bool:
    """The user sees every opportunity (`visible_to` would be `all()`): no visibility sub-query
    is needed, only the team's condition."""
    from presales.core.permissions import is_manager

    return bool(user.is_active and is_manager(user))


def opportunity_q(scope: Scope, path: str = "opportunity", *, cut_to_team: bool = True) -> Q:
    """The records hanging off an opportunity (via `path`) that the user may see, cut to the
    team: the same rows as `<Model>.objects.visible_to(user)` + the team, but for a manager
    without the `opportunity_id IN (SELECT id FROM opportunities)` semi-join over every
    opportunity (a hash of 100k ids per query at 100k)."""
    from presales.opportunities.models import Opportunity

    team = Q(**{f"{path}__team_id": scope.team.pk}) if scope.team and cut_to_team else Q()
    if _unrestricted(scope.user):
        return team
    return team & Q(**{f"{path}__in": Opportunity.objects.visible_to(scope.user).values("pk")})


_paths: dict[tuple, str] = {}


def _path(url_name: str) -> str:
    """`reverse(url_name)` (no arguments), remembered per script prefix and language: a page of
    the dashboard builds several hundred links to the same few lists."""
    key = (url_name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), get_language())
    path = _paths.get(key)
    if path is None:
        path = _paths[key] = reverse(url_name)
    return path


def link(url_name: str, **params) -> str:
    query = {k: v for k, v in params.items() if v is not None and v != ""}
    return f"{_path(url_name)}?{urlencode(query)}" if query else _path(url_name)


class _AnyOf(Lookup):
    """`column = ANY(%s::bigint[])`: a list of ids sent as one array parameter (PostgreSQL). The
    driver parses and caches a statement's placeholders only up to 50 parameters; an IN of 50 or
    210 ids per query was split and quoted id by id on every request. Same plan (PostgreSQL
    turns `IN (...)` into `= ANY(...)`)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, [int(v) for v in self.rhs]]


def _among(path: str, ids: list, db: str = "default") -> Q:
    """`Q(<path>__in=ids)`, sent as one array parameter on PostgreSQL."""
    if connections[db].vendor != "postgresql":
        return Q(**{f"{path}__in": ids})
    return Q(_AnyOf(F(path), list(ids)))


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _iso(day: date) -> str:
    return day.isoformat()


# --- pipeline -------------------------------------------------------------------------------------


def pipeline(scope: Scope) -> dict:
    """Open opportunities by stage: count and estimated amount (now, not bound to the period),
    with the win model's weighted amount once one is trained. One grouped query over the open
    opportunities (the forecast app's `weighted_pipeline`, which also reads the predictions of
    the newest model when there is one)."""
    from presales.opportunities.choices import OPEN_STAGES, Stage

    try:
        from presales.forecast.selectors import weighted_pipeline
    except ImportError:
        weighted_pipeline = None
    if weighted_pipeline is not None:
        # A manager's figures (every team or one) come from the boards' kept totals per stage and
        # team (`opportunities.BoardTotal`, decision 44), not a GROUP BY over the open ones.
        result = weighted_pipeline(scope.user, team=scope.team, use_totals=_unrestricted(scope.user))
        trained = result.get("model_version") is not None
        by_stage = {
            str(r["stage"]): {"n": r["count"], "amount": r["amount"],
                              "weighted": r["weighted_amount"] if trained else None}
            for r in result["stages"]
        }
    else:
        from presales.opportunities.models import Opportunity

        rows = (
            Opportunity.objects.visible_to(scope.user)
            .filter(scope.team_q("team_id"), stage__in=OPEN_STAGES)
            .values("stage")
            .annotate(n=Count("pk"), amount=Coalesce(Sum("estimated_amount"), Value(Decimal("0")),
                                                     output_field=DecimalField(max_digits=18, decimal_places=2)))
            .order_by()
        )
        by_stage = {r["stage"]: {**r, "weighted": None} for r in rows}
    out = []
    for stage in OPEN_STAGES:
        r = by_stage.get(str(stage), {"n": 0, "amount": Decimal("0"), "weighted": None})
        out.append(
            {
                "stage": stage,
                "label": str(Stage(stage).label),
                "count": r["n"],
                "amount": r["amount"] if r["amount"] is not None else Decimal("0"),
                "weighted": r["weighted"],
                "url": link("opportunities:list", stage=stage, **scope.team_params()),
            }
        )
    return {
        "rows": out,
        "weighted": weighted_pipeline is not None,
        "total_count": sum(r["count"] for r in out),
        "total_amount": sum((r["amount"] for r in out), Decimal("0")),
        "total_url": link("opportunities:list", status="open", **scope.team_params()),
    }


# --- conversion -----------------------------------------------------------------------------------


def conversion(scope: Scope) -> dict:
    """Opportunities that entered each stage during the period (StageEvent), and the share of
    those entering one stage that entered the next one in the same period."""
    from presales.opportunities.choices import OPEN_STAGES, Stage
    from presales.opportunities.models import StageEvent

    stages = [*OPEN_STAGES, Stage.WON]
    # One pass over the period's events into the stages shown: a COUNT(DISTINCT opportunity)
    # filtered per stage, each sorting its own opportunity ids. The (to_stage, at, opportunity)
    # index makes it an index-only scan (a range of `at` per stage); grouping by stage instead
    # sorted every event of the period by its stage first, lost and abandoned ones included. A
    # manager's query joins no opportunity unless a team is chosen.
    events = StageEvent.objects.filter(scope.period_q("at"), opportunity_q(scope), to_stage__in=stages)
    entered = events.aggregate(
        **{
            f"s{i}": Count("opportunity_id", distinct=True, filter=Q(to_stage=stage))
            for i, stage in enumerate(stages)
        }
    )
    entered = {stage: entered[f"s{i}"] or 0 for i, stage in enumerate(stages)}
    out = []
    for i, stage in enumerate(stages):
        n = entered.get(stage, 0)
        nxt = entered.get(stages[i + 1], 0) if i + 1 < len(stages) else None
        out.append(
            {
                "stage": stage,
                "label": str(Stage(stage).label),
                "entered": n,
                "next_label": str(Stage(stages[i + 1]).label) if i + 1 < len(stages) else "",
                "rate": _percent(nxt, n) if nxt is not None else None,
                "url": link(
                    "opportunities:list",
                    entered_stage=stage,
                    entered_since=_iso(scope.start),
                    entered_until=_iso(scope.end),
                    **scope.team_params(),
                ),
            }
        )
    return {"rows": out}


# --- workload -------------------------------------------------------------------------------------


WORKLOAD_COLUMNS = ("open_requests", "open_opportunities", "open_pocs", "bids_due")


def workload(scope: Scope) -> dict:
    """Per engineer of the team(s): open support requests assigned, open opportunities led, open
    POCs of those opportunities, bids in preparation due in the next 14 days (as business or
    technical owner; a bid counts once for someone who is both). Two queries whatever the data:
    the engineers shown (at most WORKLOAD_LIMIT), then one UNION ALL of four grouped counts over
    the open records of those engineers, each served by its (person, status) index."""
    from presales.bids.choices import Status as BidStatus
    from presales.bids.models import Bid
    from presales.opportunities.choices import OPEN_STAGES
    from presales.opportunities.models import Opportunity
    from presales.poc.choices import OPEN_STATUSES as POC_OPEN
    from presales.poc.models import Poc
    from presales.support.choices import OPEN_REQUEST_STATUSES
    from presales.support.models import SupportRequest

    user, now = scope.user, scope.now
    holders = User.objects.filter(roles__code__in=PRESALES_ROLES).values("pk")
    people = User.objects.filter(is_active=True, pk__in=holders)
    if scope.team:
        people = people.filter(team_id=scope.team.pk)
    elif not _sees_every_team(user):
        people = people.filter(team_id__in=list(user.led_team_ids))
    rows = list(
        people.order_by("team__name", "display_name", "username").values(
            "pk", "username", "display_name", "first_name", "last_name", "team__name"
        )[:WORKLOAD_LIMIT]
    )
    ids = [r["pk"] for r in rows]
    counts: dict[tuple[int, str], int] = {}
    if ids:

        def grouped(qs, person: str, column: str):
            return (
                qs.order_by()
                .values(person_id=F(person))
                # COUNT(*): nothing to read beyond the (person, status) index
                .annotate(column=Value(column, output_field=CharField()), n=Count("*"))
                .values_list("person_id", "column", "n")
            )

        due = Q(status=BidStatus.PREPARING, deadline__gt=now, deadline__lte=now + BID_WINDOW)
        bids = Bid.objects.filter(due, opportunity_q(scope, cut_to_team=False))
        parts = [
            grouped(
                SupportRequest.objects.visible_to(user).filter(
                    _among("assignee_id", ids), status__in=OPEN_REQUEST_STATUSES
                ),
                "assignee_id",
                "open_requests",
            ),
            grouped(
                Opportunity.objects.visible_to(user).filter(
                    _among("presales_lead_id", ids), stage__in=OPEN_STAGES
                ),
                "presales_lead_id",
                "open_opportunities",
            ),
            grouped(
                Poc.objects.filter(
                    opportunity_q(scope, cut_to_team=False),
                    _among("opportunity__presales_lead_id", ids),
                    status__in=POC_OPEN,
                ),
                "opportunity__presales_lead_id",
                "open_pocs",
            ),
            grouped(bids.filter(_among("business_owner_id", ids)), "business_owner_id", "bids_due"),
            grouped(
                bids.filter(_among("technical_owner_id", ids)).exclude(
                    Q(business_owner_id__isnull=False) & Q(business_owner_id=F("technical_owner_id"))
                ),
                "technical_owner_id",
                "bids_due",
            ),
        ]
        for person, column, n in parts[0].union(*parts[1:], all=True):
            counts[(person, column)] = counts.get((person, column), 0) + n
    # Each figure's list, filtered by the engineer: `link(list, <person>=pk, **rest)`, encoded
    # once per column (the engineer's id is the only part that changes; 200 links per page).
    lists = {
        "open_requests": ("support:list", "assignee", {"status": "open"}),
        "open_opportunities": ("opportunities:list", "presales_lead", {"status": "open"}),
        "open_pocs": ("poc:list", "lead", {"open": "true"}),
        "bids_due": ("bids:list", "owner", {"deadline": "14d", "status": BidStatus.PREPARING}),
    }
    heads = {
        column: (f"{_path(name)}?{person}=", f"&{urlencode(rest)}")
        for column, (name, person, rest) in lists.items()
    }
    out = []
    for r in rows:
        name = r["display_name"] or f"{r['last_name']}{r['first_name']}".strip() or r["username"]
        pk = r["pk"]
        figures = {c: counts.get((pk, c), 0) for c in WORKLOAD_COLUMNS}
        out.append(
            {
                "engineer": name,
                "team": r["team__name"] or "",
                **figures,
                "total": sum(figures.values()),
                "urls": {c: f"{head}{pk}{tail}" for c, (head, tail) in heads.items()},
            }
        )
    return {"rows": out, "limit": WORKLOAD_LIMIT}


def _sees_every_team(user) -> bool:
    from .permissions import sees_every_team

    return sees_every_team(user)


# --- support SLA ----------------------------------------------------------------------------------

# The states the panel counts, by the name of their figure.
RESPONSE_SHOWN = {
    ResponseState.MET: "response_met",
    ResponseState.BREACHED: "response_breached",
    ResponseState.OVERDUE: "response_overdue",
}
DUE_SHOWN = {
    DueState.DONE_ON_TIME: "due_on_time",
    DueState.DONE_LATE: "due_late",
    DueState.OVERDUE: "due_overdue",
}


def sla(scope: Scope) -> dict:
    """Support requests submitted in the period: first-response clock (in time, late, overdue
    while waiting), due-date clock (done in time, done late, overdue), any breach, and the same by
    week of submission (Monday-based local weeks). One grouped query by week; the totals are the
    sums of the weeks."""
    from presales.support import sla as clocks
    from presales.support.models import SupportRequest

    now = scope.now
    # Each request is in at most one response state and one due state of those shown (they
    # exclude each other by definition): one CASE per clock, grouped by week and the two states,
    # then summed here, instead of eight filtered counts per row. "Breached" is a late or overdue
    # response or a late or overdue due date (`sla_breached_q`).
    response = Case(
        *(When(clocks.response_q(state, now), then=Value(state)) for state in RESPONSE_SHOWN),
        default=Value(""), output_field=CharField(),
    )
    due = Case(
        *(When(clocks.due_q(state, now), then=Value(state)) for state in DUE_SHOWN),
        default=Value(""), output_field=CharField(),
    )
    requests = SupportRequest.objects.visible_to(scope.user).filter(
        scope.team_q("team_id"), scope.period_q("submitted_at")
    )
    # The week of submission as an index into the period's Mondays: the local starts of the
    # second week on are bounds, and a request's week is the number of bounds at or before it.
    # PostgreSQL finds it by a binary search (WIDTH_BUCKET), which costs a third of converting
    # every timestamp to local time and truncating it; elsewhere a CASE over the bounds.
    first_monday = scope.start - timedelta(days=scope.start.weekday())
    mondays = [first_monday + timedelta(weeks=k) for k in range((scope.end - first_monday).days // 7 + 1)]
    bounds = [day_start(monday) for monday in mondays[1:]]
    if not bounds:
        week = Value(0, output_field=IntegerField())
    elif connections[requests.db].vendor == "postgresql":
        week = Func(F("submitted_at"), RawSQL("%s::timestamptz[]", (bounds,)), function="WIDTH_BUCKET",
                    output_field=IntegerField())
    else:
        week = Case(*(When(submitted_at__lt=bound, then=Value(i)) for i, bound in enumerate(bounds)),
                    default=Value(len(bounds)), output_field=IntegerField())
    rows = (
        requests.annotate(week=week, response=response, due=due)
        .values("week", "response", "due")
        .annotate(n=Count("*"))
        .order_by()
    )
    keys = ["total", *RESPONSE_SHOWN.values(), *DUE_SHOWN.values(), "breached"]
    response_late = {ResponseState.BREACHED, ResponseState.OVERDUE}
    due_late = {DueState.DONE_LATE, DueState.OVERDUE}
    by_week: dict[date, dict] = {}
    for r in rows:
        week = mondays[r["week"]]
        w = by_week.get(week)
        if w is None:
            w = by_week[week] = {"week": week, **{k: 0 for k in keys}}
        n = r["n"]
        w["total"] += n
        if r["response"]:
            w[RESPONSE_SHOWN[r["response"]]] += n
        if r["due"]:
            w[DUE_SHOWN[r["due"]]] += n
        if r["response"] in response_late or r["due"] in due_late:
            w["breached"] += n
    weeks = [by_week[week] for week in sorted(by_week)]
    totals = {k: sum(w[k] for w in weeks) for k in keys}
    base = {"submitted_since": _iso(scope.start), "submitted_until": _iso(scope.end), **scope.team_params()}
    urls = {
        "total": link("support:list", **base),
        "response_met": link("support:list", response=ResponseState.MET, **base),
        "response_breached": link("support:list", response=ResponseState.BREACHED, **base),
        "response_overdue": link("support:list", response=ResponseState.OVERDUE, **base),
        "due_on_time": link("support:list", due=DueState.DONE_ON_TIME, **base),
        "due_late": link("support:list", due=DueState.DONE_LATE, **base),
        "due_overdue": link("support:list", due=DueState.OVERDUE, **base),
        "breached": link("support:list", sla="breached", **base),
    }
    judged = totals["response_met"] + totals["response_breached"] + totals["response_overdue"]
    for w in weeks:
        w_end = min(w["week"] + timedelta(days=6), scope.end)
        w_start = max(w["week"], scope.start)
        w["urls"] = {
            "breached": link("support:list", sla="breached", submitted_since=_iso(w_start),
                             submitted_until=_iso(w_end), **scope.team_params()),
            "total": link("support:list", submitted_since=_iso(w_start), submitted_until=_iso(w_end),
                          **scope.team_params()),
        }
    return {
        "totals": totals,
        "urls": urls,
        "response_rate": _percent(totals["response_met"], judged),
        "weeks": weeks,
    }


# --- win rates ------------------------------------------------------------------------------------


def _win_sums(scope: Scope, key: str) -> dict:
    """Opportunities won and lost (closed in the period) by presales lead (`key`
    "presales_lead_id") or industry ("industry"): {value: (won, lost)}. One grouped query shared
    by both win-rate panels of a page."""
    from presales.opportunities.choices import Stage
    from presales.opportunities.models import Opportunity

    if "win" not in scope.memo:
        closed = (
            Opportunity.objects.visible_to(scope.user)
            .filter(scope.team_q("team_id"), scope.period_q("closed_at"), stage__in=[Stage.WON, Stage.LOST])
            .order_by()
        )
        by_lead: dict = {}
        by_industry: dict = {}
        if connections[closed.db].vendor == "postgresql":
            # Both sums in one pass by GROUPING SETS: a row per lead and a row per industry (a
            # few hundred) instead of a row per (lead, industry) pair summed here (2,500 at
            # 100k); the same scan and hash. Read as the driver's tuples (no converters needed).
            sql, params = closed.values_list("presales_lead_id", "industry", "stage").query.sql_with_params()
            with connections[closed.db].cursor() as cursor:
                cursor.execute(
                    "SELECT GROUPING(d.presales_lead_id), d.presales_lead_id, d.industry,"
                    " COUNT(*) FILTER (WHERE d.stage = %s), COUNT(*) FILTER (WHERE d.stage = %s)"
                    f" FROM ({sql}) d GROUP BY GROUPING SETS ((d.presales_lead_id), (d.industry))",
                    (Stage.WON.value, Stage.LOST.value, *params),
                )
                for by_industry_row, lead, industry, won, lost in cursor.fetchall():
                    if by_industry_row:
                        by_industry[industry] = (won, lost)
                    else:
                        by_lead[lead] = (won, lost)
        else:
            rows = (
                closed.values("presales_lead_id", "industry")
                .annotate(won=Count("stage", filter=Q(stage=Stage.WON)),
                          lost=Count("stage", filter=Q(stage=Stage.LOST)))
                .values_list("presales_lead_id", "industry", "won", "lost")
            )
            for lead, industry, won, lost in rows:
                w, lo = by_lead.get(lead, (0, 0))
                by_lead[lead] = (w + won, lo + lost)
                w, lo = by_industry.get(industry, (0, 0))
                by_industry[industry] = (w + won, lo + lost)
        scope.memo["win"] = {"presales_lead_id": by_lead, "industry": by_industry}
    return scope.memo["win"][key]


def _win_entry(scope: Scope, label: str, won: int, lost: int, **params) -> dict:
    """One row of a win-rate table; its won and lost figures link to the opportunities list with
    the period, the team and the row's own filter (`params`). The links' common part is encoded
    once per page (a row per engineer: a few hundred links)."""
    from presales.opportunities.choices import Stage

    linked = all(v not in (None, "") for v in params.values())
    urls = {"won": "", "lost": ""}
    if linked:
        prefixes = scope.memo.get("win:links")
        if prefixes is None:
            base = {"closed_since": _iso(scope.start), "closed_until": _iso(scope.end), **scope.team_params()}
            prefixes = scope.memo["win:links"] = {
                "won": link("opportunities:list", stage=Stage.WON, **base),
                "lost": link("opportunities:list", stage=Stage.LOST, **base),
            }
        # urlencode's own encoding of each pair (quote_plus of str(value)), without its checks
        tail = "&".join(
            f"{k}={v}" if type(v) is int else f"{quote_plus(str(k))}={quote_plus(str(v))}" for k, v in params.items()
        )
        urls = {k: f"{prefix}&{tail}" if tail else prefix for k, prefix in prefixes.items()}
    return {
        "label": label,
        "won": won,
        "lost": lost,
        "decided": won + lost,
        "rate": _percent(won, won + lost),
        "urls": urls,
    }


def win_rate_by_engineer(scope: Scope) -> dict:
    """Opportunities won and lost (closed in the period) per presales lead; abandoned ones are not
    decided by the customer and are left out of the rate."""
    sums = _win_sums(scope, "presales_lead_id")
    leads = [pk for pk in sums if pk is not None]
    people = (
        User.objects.filter(_among("pk", leads))
        .order_by("display_name", "username")
        .values_list("pk", "display_name", "username")
        if leads
        else []
    )
    out = []
    for pk, display_name, username in people:
        won, lost = sums[pk]
        out.append(_win_entry(scope, display_name or username, won, lost, presales_lead=pk))
    if None in sums:
        won, lost = sums[None]
        out.append(_win_entry(scope, "—", won, lost, presales_lead=None))
    return {"rows": out}


def win_rate_by_industry(scope: Scope) -> dict:
    from presales.customers.choices import Industry

    labels = dict(Industry.choices)
    sums = _win_sums(scope, "industry")
    out = [
        _win_entry(scope, str(labels.get(industry, industry or "—")), *sums[industry], industry=industry)
        for industry in sorted(sums, key=lambda i: i or "")
    ]
    return {"rows": out}


# --- POC funnel -----------------------------------------------------------------------------------


def poc_funnel(scope: Scope) -> dict:
    """POCs launched (created) in the period → started → passed (of which excellent) / failed /
    abandoned; success rate = passed / (passed + failed)."""
    from presales.poc.choices import OPEN_STATUSES, Level, Status
    from presales.poc.models import Poc

    r = (
        Poc.objects.filter(opportunity_q(scope), scope.period_q("created_at"))
        .aggregate(
            launched=Count("pk"),
            started=Count("pk", filter=Q(started_at__isnull=False)),
            running=Count("pk", filter=Q(status__in=OPEN_STATUSES, started_at__isnull=False)),
            passed=Count("pk", filter=Q(status=Status.PASSED)),
            excellent=Count("pk", filter=Q(status=Status.PASSED, verdict=Level.EXCELLENT)),
            failed=Count("pk", filter=Q(status=Status.FAILED)),
            abandoned=Count("pk", filter=Q(status=Status.ABANDONED)),
        )
    )
    base = {"launched_since": _iso(scope.start), "launched_until": _iso(scope.end), **scope.team_params()}
    return {
        **r,
        "success_rate": _percent(r["passed"], r["passed"] + r["failed"]),
        "urls": {
            "launched": link("poc:list", **base),
            "started": link("poc:list", started="true", **base),
            "running": link("poc:list", started="true", open="true", **base),
            "passed": link("poc:list", status=Status.PASSED, **base),
            "excellent": link("poc:list", status=Status.PASSED, verdict=Level.EXCELLENT, **base),
            "failed": link("poc:list", status=Status.FAILED, **base),
            "abandoned": link("poc:list", status=Status.ABANDONED, **base),
        },
    }


# --- bids due -------------------------------------------------------------------------------------


def bids_due(scope: Scope) -> dict:
    """Bids in preparation whose submission deadline is within the next 14 days, soonest first."""
    from presales.bids.choices import Status
    from presales.bids.models import Bid

    now = scope.now
    qs = Bid.objects.filter(
        opportunity_q(scope), status=Status.PREPARING, deadline__gt=now, deadline__lte=now + BID_WINDOW
    )
    rows = list(
        qs.select_related("opportunity__customer", "business_owner", "technical_owner").order_by("deadline", "pk")[
            :LIST_LIMIT
        ]
    )
    total = qs.count() if len(rows) == LIST_LIMIT else len(rows)
    for bid in rows:
        bid.days_left = (bid.deadline - now).days
    return {
        "rows": rows,
        "total": total,
        "url": link("bids:list", deadline="14d", status=Status.PREPARING, **scope.team_params()),
    }


# --- appraisal progress ---------------------------------------------------------------------------


def appraisal_progress(scope: Scope) -> dict:
    """The open appraisal cycle (the latest one running): how many participants are at each step,
    and who has not self-assessed yet or awaits the supervisor's review."""
    from presales.appraisal.choices import CycleStatus, Step
    from presales.appraisal.models import Appraisal, Cycle

    cycle = Cycle.objects.visible_to(scope.user).filter(status=CycleStatus.OPEN).order_by("-start_on", "-pk").first()
    if cycle is None:
        return {"cycle": None}
    scoped = Appraisal.objects.visible_to(scope.user).filter(scope.team_q("team_id"), cycle=cycle)
    counts = {r["status"]: r["n"] for r in scoped.values("status").annotate(n=Count("pk")).order_by()}
    waiting = list(
        scoped.filter(status__in=[Step.SELF_ASSESSMENT, Step.SUPERVISOR_REVIEW])
        .select_related("employee", "supervisor")
        .order_by("status", "employee__display_name", "employee__username")[: 2 * LIST_LIMIT]
    )
    detail = reverse("appraisal:cycle_detail", args=[cycle.pk])

    def url(status):
        query = {"status": status, **scope.team_params()}
        return f"{detail}?{urlencode(query)}"

    steps = [
        {"status": s, "label": str(Step(s).label), "count": counts.get(s, 0), "url": url(s)} for s in Step.values
    ]
    return {
        "cycle": cycle,
        "steps": steps,
        "total": sum(counts.values()),
        "self_pending": [a for a in waiting if a.status == Step.SELF_ASSESSMENT][:LIST_LIMIT],
        "supervisor_pending": [a for a in waiting if a.status == Step.SUPERVISOR_REVIEW][:LIST_LIMIT],
        "self_count": counts.get(Step.SELF_ASSESSMENT, 0),
        "supervisor_count": counts.get(Step.SUPERVISOR_REVIEW, 0),
        "self_url": url(Step.SELF_ASSESSMENT),
        "supervisor_url": url(Step.SUPERVISOR_REVIEW),
        "detail_url": detail,
    }


# --- early involvement ----------------------------------------------------------------------------


def early_involvement(scope: Scope) -> dict:
    """Opportunities created in the period: presales assigned within 3 days of creation (early),
    later, or not yet."""
    from presales.opportunities.filtersets import EARLY, LATE, NOT_ASSIGNED, involvement_q
    from presales.opportunities.models import Opportunity

    r = (
        Opportunity.objects.visible_to(scope.user)
        .filter(scope.team_q("team_id"), scope.period_q("created_at"))
        .aggregate(
            created=Count("*"),
            early=Count("created_at", filter=involvement_q(EARLY)),
            late=Count("created_at", filter=involvement_q(LATE)),
            unassigned=Count("created_at", filter=involvement_q(NOT_ASSIGNED)),
        )
    )
    base = {"created_since": _iso(scope.start), "created_until": _iso(scope.end), **scope.team_params()}
    return {
        **r,
        "early_rate": _percent(r["early"], r["created"]),
        "urls": {
            "created": link("opportunities:list", **base),
            "early": link("opportunities:list", involvement=EARLY, **base),
            "late": link("opportunities:list", involvement=LATE, **base),
            "unassigned": link("opportunities:list", involvement=NOT_ASSIGNED, **base),
        },
    }


PANELS = {
    "pipeline": pipeline,
    "conversion": conversion,
    "workload": workload,
    "sla": sla,
    "win_engineer": win_rate_by_engineer,
    "win_industry": win_rate_by_industry,
    "poc": poc_funnel,
    "bids": bids_due,
    "appraisal": appraisal_progress,
    "involvement": early_involvement,
}


def dashboard(scope: Scope) -> dict:
    return {name: build(scope) for name, build in PANELS.items()}

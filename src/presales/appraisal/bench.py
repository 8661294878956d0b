"""For the benchmark harness (`presales bench`): computing the scorecards of every participant of
one quarterly cycle over the benchmark data set.

`compute_cycle(cycle)` reads the scheme items, the evaluators' entries, the adjustments and the
metrics in a fixed number of queries (see compute.py), whatever the number of participants; the
inserts and the update are batched (2000 rows per statement). `scorecard_benchmark` sets up, through
the services as a manager would, one active scheme holding every seeded indicator whose metric the
system computes, and one quarterly cycle per participant count (the last complete quarter of the
data set), then times `compute_cycle` on each. The benchmark data set has fewer presales engineers
than the largest participant count at some sizes: the missing ones are added (without records of
their own, so the aggregation still runs over every row of the data set)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .compute import compute_cycle


def compute_cycle_counted(cycle) -> tuple[int, int]:
    """(appraisals computed, queries run) — for the harness's report."""
    with CaptureQueriesContext(connection) as ctx:
        n = compute_cycle(cycle)
    return n, len(ctx.captured_queries)


def last_complete_quarter(today: date) -> tuple[int, int, date, date]:
    """(year, quarter, first day, last day) of the last quarter that ended before `today`."""
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year - 1, 4) if quarter == 1 else (today.year, quarter - 1)
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - timedelta(days=1)
    return year, quarter, start, end


def _engineers(count: int) -> list:
    """The first `count` presales engineers with a team lead, adding engineers where the data set
    has fewer."""
    from presales.accounts.choices import RoleCode
    from presales.accounts.models import Role, Team, User

    base = User.objects.filter(roles__code=RoleCode.PRESALES_ENGINEER, team__lead__isnull=False, is_active=True)
    have = base.count()
    if have < count:
        teams = list(Team.objects.filter(lead__isnull=False).exclude(name="销售部").order_by("pk"))
        role = Role.objects.get_or_create(code=RoleCode.PRESALES_ENGINEER)[0]
        extra = User.objects.bulk_create(
            [
                User(
                    username=f"bench_engineer_{i}",
                    display_name=f"基准工程师{i}",
                    team=teams[i % len(teams)],
                    password="!bench",
                    presales_level="intermediate",
                )
                for i in range(have, count)
            ],
            batch_size=2000,
        )
        User.roles.through.objects.bulk_create(
            [User.roles.through(user_id=u.pk, role_id=role.pk) for u in extra], batch_size=2000
        )
    return list(base.select_related("team").order_by("pk")[:count])


def _scheme(manager):
    """An active scheme with every seeded indicator the system computes, weights summing to 100."""
    from presales.kpi import services as kpi
    from presales.kpi.choices import IndicatorStatus
    from presales.kpi.models import Indicator, Scheme
    from presales.metrics.registry import is_available

    existing = Scheme.objects.filter(code="BENCH-ALL").first()
    if existing is not None:
        return existing
    indicators = [
        ind
        for ind in Indicator.objects.filter(status=IndicatorStatus.ACTIVE).order_by("code")
        if ind.effective_data_source == "computed" and is_available(ind.metric_code)
    ]
    if not indicators:
        raise RuntimeError("No computed indicator is available: the KPI library seed is missing.")
    scheme = kpi.scheme_create(actor=manager, name="基准测试考核方案", code="BENCH-ALL")
    share, remainder = divmod(Decimal(100), len(indicators))
    for i, indicator in enumerate(indicators):
        kpi.scheme_item_add(
            actor=manager,
            scheme=scheme,
            indicator=indicator,
            weight=share + (remainder if i == 0 else 0),
            expected_version=Scheme.objects.get(pk=scheme.pk).version,
        )
    scheme = Scheme.objects.get(pk=scheme.pk)
    return kpi.scheme_activate(actor=manager, scheme=scheme, expected_version=scheme.version)


def scorecard_benchmark(
    *, manager, participants: Iterable[int] = (50, 500), repeat: int = 5, log: Callable[[str], None] = print
) -> list[dict]:
    """One row per participant count: the median and slowest of `repeat` timed runs of
    compute_cycle, and the queries of one run."""
    from . import services
    from .choices import CycleKind

    counts = sorted(set(participants))
    scheme = _scheme(manager)
    indicator_count = scheme.items.count()
    year, quarter, start, end = last_complete_quarter(timezone.localdate())
    people = _engineers(max(counts))
    rows = []
    for n in counts:
        cycle = services.cycle_create(
            actor=manager,
            name=f"基准测试 {year}Q{quarter} · {n} 人",
            kind=CycleKind.QUARTERLY,
            year=year,
            quarter=quarter,
            start_on=start,
            end_on=end,
        )
        for person in people[:n]:
            services.participant_add(actor=manager, cycle=cycle, employee=person, scheme=scheme)
        cycle = services.cycle_open(actor=manager, cycle=cycle, expected_version=cycle.version)
        compute_cycle(cycle)  # warm-up
        computed, queries = compute_cycle_counted(cycle)
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            compute_cycle(cycle)
            samples.append(time.perf_counter() - started)
        row = {
            "participants": computed,
            "indicators": indicator_count,
            "period": f"{start}–{end}",
            "median_s": round(statistics.median(samples), 3),
            "max_s": round(max(samples), 3),
            "queries": queries,
        }
        rows.append(row)
        log(
            f"  scorecards × {computed:<4}  median {row['median_s']:6.3f} s   max {row['max_s']:6.3f} s   "
            f"{queries:3d} queries ({indicator_count} computed indicators)"
        )
    return rows

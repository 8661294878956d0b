"""For the benchmark harness (`presales bench`): training the win model on a large closed history.

`training_benchmark(closed=20000)` writes `closed` generated closed opportunities (the demo
generator: stage events, communications, complaints, research reports — outcomes depending on the
features) over the data set's customers, times `win_model_train` (feature queries, fit, holdout
evaluation, estimates of every open opportunity) and rolls everything back, so the data set is left
as it was. Target: under 60 s for 20k closed opportunities."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext


def _customers(limit: int = 200) -> list:
    from presales.accounts.choices import RoleCode
    from presales.accounts.models import Team
    from presales.customers.models import Customer

    customers = list(Customer.objects.select_related("team").order_by("pk")[:limit])
    if customers:
        return customers
    # An empty database: a team, two people and twenty customers, enough to spread the history.
    from presales.accounts.models import Role, User

    team = Team.objects.create(name="基准售前组")
    engineer = User.objects.create(username="bench_win_engineer", display_name="基准工程师", team=team)
    engineer.roles.add(Role.objects.get_or_create(code=RoleCode.PRESALES_ENGINEER)[0])
    sales = User.objects.create(username="bench_win_sales", display_name="基准销售", team=team)
    sales.roles.add(Role.objects.get_or_create(code=RoleCode.SALES)[0])
    industries = ["energy_storage", "robotics", "government", "finance", "manufacturing"]
    return [
        Customer.objects.create(
            name=f"基准客户{i}",
            industry=industries[i % len(industries)],
            region="east",
            presales_owner=engineer,
            sales_owner=sales,
            team=team,
        )
        for i in range(20)
    ]


def training_benchmark(*, closed: int = 20000, seed: int = 1, log: Callable[[str], None] = print) -> dict:
    from .demo import add_history
    from .services import win_model_train

    with transaction.atomic():
        started = time.perf_counter()
        counts = add_history(random.Random(seed), customers=_customers(), count=closed)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            model = win_model_train()
        seconds = time.perf_counter() - started
        result = {
            "closed": counts["historical opportunities"],
            "sample_size": model.sample_size,
            "generation_seconds": round(generated, 1),
            "training_seconds": round(seconds, 2),
            "queries": len(queries.captured_queries),
            "auc": round(model.auc, 3) if model.auc is not None else None,
            "brier": round(model.brier, 4),
            "baseline_brier": round(model.baseline_brier, 4),
            "estimates": model.predictions_count,
        }
        transaction.set_rollback(True)
    log(
        f"  win model on {result['sample_size']:,} closed opportunities: {seconds:.1f} s, "
        f"{result['queries']} queries (AUC {result['auc']}, "
        f"Brier {result['brier']} vs {result['baseline_brier']})"
    )
    return result

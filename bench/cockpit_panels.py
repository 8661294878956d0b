"""Issue 11: each dashboard panel's time and SQL plans, in a database filled by bench/cockpit_import.py
(`--keep`), as a presales manager: the panel's wall and CPU time (median of --repeat runs), its
queries, and with --explain the EXPLAIN ANALYZE of each query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_100000 \\
        .venv/bin/python bench/cockpit_panels.py --repeat 10 [--explain] [--variant default|team|year]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--variant", default="default", choices=["default", "team", "year"])
    parser.add_argument("--panels", default="", help="comma-separated panel names (default: all)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "presales.settings")
    os.environ.setdefault("PRESALES_ALLOW_INSECURE_KEY", "1")
    import django

    django.setup()
    from dataclasses import replace

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from presales.accounts.models import User
    from presales.demo import bench_data
    from presales.insights import dashboard
    from presales.insights.forms import DEFAULT_DAYS

    manager = User.objects.get(username=bench_data.MANAGER_USERNAME)
    today = timezone.localdate()
    days = 365 if args.variant == "year" else DEFAULT_DAYS - 1
    scope = dashboard.Scope(user=manager, start=today - timedelta(days=days), end=today,
                            team=manager.team if args.variant == "team" else None)
    names = [n for n in args.panels.split(",") if n] or list(dashboard.PANELS)
    total_wall = total_cpu = 0.0
    print(f"variant {args.variant}, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("| panel | queries | median wall ms | median CPU ms |")
    print("|---|---:|---:|---:|")
    plans = []
    for name in names:
        build = dashboard.PANELS[name]
        def fresh():  # a new page: nothing shared from an earlier build
            return replace(scope, memo={})

        build(fresh())  # warm-up
        walls, cpus = [], []
        for _ in range(args.repeat):
            w, c = time.perf_counter(), time.process_time()
            build(fresh())
            walls.append((time.perf_counter() - w) * 1000)
            cpus.append((time.process_time() - c) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            build(fresh())
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        total_wall += wall
        total_cpu += cpu
        print(f"| {name} | {len(ctx.captured_queries)} | {wall:.1f} | {cpu:.1f} |")
        if args.explain:
            for q in ctx.captured_queries:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                    plans.append((name, q["sql"], "\n".join(r[0] for r in cursor.fetchall())))
    print(f"| all | | {total_wall:.1f} | {total_cpu:.1f} |")
    for name, sql, plan in plans:
        print(f"\n### {name}\n{sql}\n{plan}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

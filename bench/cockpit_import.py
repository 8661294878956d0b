"""Issue 11 figures: the manager dashboard (p95 and queries per request) at 1,000 and 100,000
opportunities, and the CRM import of 10,000 rows (rows per second), on PostgreSQL.

For each size a database `crm_bench_<size>` (`--db-prefix`) is created on the server of
--database-url, migrated and filled by `presales.demo.bench_data` (the `presales bench` data set:
N opportunities, N/20 customers, 5·N communication records, N/5 support requests, their stage
and request events) plus N/10 POCs (bench/poc_data.py). Then, in-process with Django's test
client as a presales manager (who sees everything), DEBUG off:

- the dashboard: 2 warm-up requests, then --repeat timed ones per variant (default period; one
  team; the last 12 months), p50/p95 in ms and the queries of one request;
- the import (--import-sizes): 10,000 customer rows (dry run, then import), 10,000 contact rows of
  those customers (import) and 2,000 opportunity rows with CRM stages (import), each through
  `presales.imports.services.run_job` — the code the Celery task runs — rows per second.

    .venv/bin/python bench/cockpit_import.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/cockpit_import.py --sizes 1000 --repeat 10 --import-sizes 1000 --keep

Prints a Markdown section (also written to --output if given) for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = [("default period", ""), ("one team", "team"), ("last 12 months", "year")]


def backend_cpu_ms(connection) -> float | None:
    """CPU time (user + system) used so far by this connection's PostgreSQL backend, from
    /proc (the server runs on this machine); None where it cannot be read."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    except Exception:  # noqa: BLE001 - another host or no /proc: the figure is left out
        return None


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


# --- the worker: one size, in the database DATABASE_URL points at ----------------------------------


def worker(args) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "presales.settings")
    os.environ.setdefault("PRESALES_ALLOW_INSECURE_KEY", "1")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from presales.accounts.models import User
    from presales.demo import bench_data
    from presales.opportunities.models import Opportunity

    size = args.size
    out: dict = {"size": size}
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    out["migrate_s"] = time.perf_counter() - started
    if Opportunity.objects.count() < size:
        started = time.perf_counter()
        out["counts"] = bench_data.generate(size=size, seed=1, log=lambda m: None)
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "poc_data.py"), "--pocs", str(max(100, size // 10))],
            check=True, env=os.environ.copy(), stdout=subprocess.DEVNULL,
        )
        out["generate_s"] = time.perf_counter() - started
    from presales.poc.models import Poc
    from presales.support.models import SupportRequest

    out["data"] = {
        "opportunities": Opportunity.objects.count(),
        "support requests": SupportRequest.objects.count(),
        "POCs": Poc.objects.count(),
    }
    manager = User.objects.get(username=bench_data.MANAGER_USERNAME)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client(raise_request_exception=True)
    client.force_login(manager)
    base = reverse("insights:dashboard")
    team = manager.team_id
    rows = []
    for label, query in VARIANTS:
        if query == "team":
            query = f"team={team}"
        elif query == "year":
            from datetime import timedelta

            from django.utils import timezone

            today = timezone.localdate()
            query = f"start={today - timedelta(days=365)}&end={today}"
        url = f"{base}?{query}" if query else base
        for _ in range(2):
            assert client.get(url).status_code == 200
        connection.queries_log.clear()  # a full log (9,000 entries) would hide the new ones
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        queries = len(ctx.captured_queries)  # now: the next request clears the log
        samples, cpu = [], []
        db_before = backend_cpu_ms(connection)
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url)
            samples.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            assert response.status_code == 200
        db_after = backend_cpu_ms(connection)
        db_cpu = (db_after - db_before) / args.repeat if db_before is not None and db_after is not None else None
        rows.append({"variant": label, "url": url, "median": statistics.median(samples), "p95": p95(samples),
                     "cpu_median": statistics.median(cpu), "db_cpu_mean": db_cpu, "queries": queries,
                     "load": os.getloadavg()[0]})
    out["dashboard"] = rows
    if size in args.import_sizes and args.import_rows:
        out["import"] = import_benchmark(manager, rows=args.import_rows, tag=args.tag)
    return out


def import_benchmark(manager, *, rows: int, tag: str = "") -> list[dict]:
    """`tag` makes the CRM ids and names new, so that a kept database (--reuse) imports again
    (creates) instead of finding the records of an earlier run."""
    import csv
    import io

    from presales.accounts.choices import RoleCode
    from presales.accounts.models import User
    from presales.imports import services

    sales = User.objects.filter(roles__code=RoleCode.SALES, is_active=True).order_by("pk").first()
    engineer = User.objects.filter(roles__code=RoleCode.PRESALES_ENGINEER, is_active=True).order_by("pk").first()

    def csv_of(headers, body) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows(body)
        return buffer.getvalue().encode("utf-8-sig")

    def timed(kind, content, *, dry_run_too):
        job = services.import_job_create(actor=manager, kind=kind, source_name="基准CRM", file_name=f"{kind}.csv",
                                         content=content)
        services.import_job_map(actor=manager, job=job, columns=job.columns, background=False)
        result = []
        t, c = time.perf_counter(), time.process_time()
        services.run_job(job.pk)
        dry, dry_cpu = time.perf_counter() - t, time.process_time() - c
        job.refresh_from_db()
        assert job.rows_failed == 0, (kind, job.rows.filter(outcome="error").first().errors)
        if dry_run_too:
            result.append({"what": f"{kind}, dry run", "rows": job.total_rows, "seconds": dry, "cpu": dry_cpu,
                           "load": os.getloadavg()[0]})
        services.import_job_confirm(actor=manager, job=job, mode="all", background=False)
        t, c = time.perf_counter(), time.process_time()
        services.run_job(job.pk)
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        job.refresh_from_db()
        assert job.status == "imported" and job.rows_created == job.total_rows, job.message
        result.append({"what": f"{kind}, import", "rows": job.total_rows, "seconds": seconds, "cpu": cpu,
                       "load": os.getloadavg()[0]})
        return result

    out = []
    customers = [(f"B{tag}{i:06d}", f"CRM基准客户{tag}{i:06d}有限公司", "制造业", "华东", sales.username, engineer.username)
                 for i in range(rows)]
    out += timed("customers", csv_of(["客户编号", "客户名称", "行业", "区域", "负责人", "售前负责人"], customers),
                 dry_run_too=True)
    contacts = [(f"P{tag}{i:06d}", f"B{tag}{i % rows:06d}", f"联系人{i}", "技术对接人", f"139{i:08d}") for i in range(rows)]
    out += timed("contacts", csv_of(["联系人ID", "客户编号", "姓名", "角色", "手机"], contacts), dry_run_too=False)
    stages = ["初步接洽", "需求确认", "方案报价", "谈判审核", "赢单", "输单"]
    opportunities = [(f"O{tag}{i:06d}", f"基准商机{tag}{i}", f"B{tag}{i % rows:06d}", stages[i % len(stages)], "50万",
                      "2027-06-30", sales.username, engineer.username) for i in range(rows // 5)]
    out += timed(
        "opportunities",
        csv_of(["商机编号", "商机名称", "客户编号", "销售阶段", "预计金额", "预计签约日期", "负责人", "售前负责人"],
               opportunities),
        dry_run_too=False,
    )
    return out


# --- the parent: databases, workers, report --------------------------------------------------------


def psql(base_url: str, sql: str) -> None:
    import dj_database_url

    cfg = dj_database_url.parse(base_url)
    env = {**os.environ, "PGPASSWORD": cfg.get("PASSWORD") or ""}
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", cfg["HOST"] or "127.0.0.1", "-p", str(cfg["PORT"] or 5432),
         "-U", cfg["USER"] or "postgres", "-d", cfg["NAME"] or "postgres", "-c", sql],
        check=True, env=env,
    )


def report(runs: list[dict], repeat: int) -> str:
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        "## Issue 11: manager dashboard and CRM import (bench/cockpit_import.py)",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.python_version()}, PostgreSQL, "
        f"{os.cpu_count()} cores, load average at the end {load}. In-process requests as a presales manager, "
        f"2 warm-ups then {repeat} timed requests per row.",
        "",
        "| opportunities | dashboard | median ms | p95 ms | median CPU ms | PostgreSQL CPU ms (mean) | queries | load (1 min) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for row in run["dashboard"]:
            lines.append(f"| {run['size']:,} | {row['variant']} | {row['median']:.1f} | {row['p95']:.1f} | "
                         f"{row.get('cpu_median', 0):.1f} | "
                         f"{'%.1f' % row['db_cpu_mean'] if row.get('db_cpu_mean') is not None else '—'} | "
                         f"{row['queries']} | {row.get('load', 0):.1f} |")
    lines += ["", "Data: " + "; ".join(
        f"{run['size']:,}: " + ", ".join(f"{v:,} {k}" for k, v in run["data"].items()) for run in runs) + ".", ""]
    imports = [(run["size"], row) for run in runs for row in run.get("import", [])]
    if imports:
        lines += ["| data set | CRM import | rows | seconds | CPU s | rows/s | load (1 min) |",
                  "|---:|---|---:|---:|---:|---:|---:|"]
        for size, row in imports:
            lines.append(f"| {size:,} opportunities | {row['what']} | {row['rows']:,} | {row['seconds']:.1f} | "
                         f"{row.get('cpu', 0):.1f} | {row['rows'] / row['seconds']:.0f} | {row.get('load', 0):.1f} |")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--import-sizes", default="1000,100000", help="sizes at which the import is measured")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--tag", default="", help="prefix of the imported CRM ids and names (a rerun on --reuse)")
    parser.add_argument("--keep", action="store_true", help="keep the databases (crm_bench_<size>)")
    parser.add_argument("--reuse", action="store_true", help="reuse kept databases")
    parser.add_argument("--db-prefix", default="crm_bench_",
                        help="each size's database is named <prefix><size> (default crm_bench_: "
                             "crm_bench_100000); e.g. a copy of your own with --reuse")
    parser.add_argument("--output", default="")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--result-file", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.import_sizes = {int(s) for s in args.import_sizes.split(",") if s.strip()}
    if args.worker:
        Path(args.result_file).write_text(json.dumps(worker(args), ensure_ascii=False), encoding="utf-8")
        return 0
    if "postgres" not in args.database_url:
        parser.error("--database-url must point at a PostgreSQL server (the documented target)")
    base = args.database_url.rsplit("/", 1)[0]
    runs = []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        name = f"{args.db_prefix}{size}"
        if not args.reuse:
            psql(args.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            psql(args.database_url, f'CREATE DATABASE "{name}"')
        result_file = Path(tempfile.mkstemp(suffix=".json")[1])
        try:
            subprocess.run(
                [sys.executable, __file__, "--worker", "--size", str(size), "--repeat", str(args.repeat),
                 "--import-sizes", ",".join(map(str, args.import_sizes)) or "0", "--import-rows", str(args.import_rows),
                 "--tag", args.tag,
                 "--result-file", str(result_file)],
                check=True, env={**os.environ, "DATABASE_URL": f"{base}/{name}"},
            )
            run = json.loads(result_file.read_text(encoding="utf-8"))
            print(json.dumps(run, ensure_ascii=False), file=sys.stderr)
            runs.append(run)
        finally:
            result_file.unlink(missing_ok=True)
            if not args.keep:
                psql(args.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    text = report(runs, args.repeat)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

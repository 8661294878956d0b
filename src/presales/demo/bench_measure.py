"""Measuring pages and API endpoints in-process with Django's test client, and writing the report.

Each endpoint is resolved lazily: a URL name that does not exist (yet) is reported as "missing", a
page that raises or answers something other than 200 as "error"/"HTTP nnn", and the run goes on.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

# (label, how to find the URL): a URL name (with the hot customer's pk as argument where marked)
# or a literal API path.
ENDPOINTS: list[tuple[str, str, bool]] = [
    ("opportunities:list", "opportunities:list", False),
    ("opportunities:board", "opportunities:board", False),
    ("opportunities:board?by=progress", "opportunities:board?by=progress", False),
    ("customers:detail", "customers:detail", True),
    ("insights:dashboard", "insights:dashboard", False),  # the manager's cockpit, default period
    ("/api/opportunities/", "/api/opportunities/", False),
    ("/api/customers/", "/api/customers/", False),
    ("/api/communications/", "/api/communications/", False),
    ("/api/support-requests/", "/api/support-requests/", False),
]


@dataclass
class Result:
    endpoint: str
    status: str  # "ok", "missing", "HTTP 404", "error: ..."
    url: str = ""
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    bytes: int | None = None


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def resolve_endpoint(target: str, needs_customer: bool, customer_pk: int) -> str | None:
    if target.startswith("/"):
        try:
            resolve(target)
        except Resolver404:
            return None
        return target
    name, _, query = target.partition("?")
    try:
        url = reverse(name, args=[customer_pk] if needs_customer else [])
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def measure_all(*, user, customer_pk: int, repeat: int, log: Callable[[str], None] = print) -> list[Result]:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    results = []
    for label, target, needs_customer in ENDPOINTS:
        url = resolve_endpoint(target, needs_customer, customer_pk)
        if url is None:
            results.append(Result(label, "missing"))
            log(f"  {label:<26} missing")
            continue
        headers = {"HTTP_ACCEPT": "application/json"} if url.startswith("/api/") else {}
        try:
            response = client.get(url, **headers)  # warm-up: imports, template loading, caches
            if response.status_code != 200:
                results.append(Result(label, f"HTTP {response.status_code}", url))
                log(f"  {label:<26} HTTP {response.status_code}")
                continue
            client.get(url, **headers)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, **headers)
            query_count = len(captured)  # read now: the log is cleared when the next request starts
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(url, **headers)
                samples.append((time.perf_counter() - started) * 1000)
        except Exception as exc:  # a page being written may fail in any way: report, go on
            message = f"error: {type(exc).__name__}: {exc}".splitlines()[0][:160]
            results.append(Result(label, message, url))
            log(f"  {label:<26} {message}")
            continue
        result = Result(
            label,
            "ok",
            url,
            round(statistics.median(samples), 1),
            round(p95(samples), 1),
            query_count,
            len(response.content),
        )
        results.append(result)
        log(
            f"  {label:<26} median {result.median_ms:7.1f} ms   p95 {result.p95_ms:7.1f} ms   "
            f"{result.queries:3d} queries"
        )
    return [asdict(r) for r in results]


def database_description() -> str:
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        if vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
    return vendor


def machine_description() -> dict[str, str]:
    memory = cpu = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    import django

    return {
        "nproc": str(cores),
        "CPU": cpu or platform.processor() or "unknown",
        "memory": memory or "unknown",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "load average at the end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.1f}" if isinstance(value, float) else str(value)


def render_report(runs: list[dict], machine: dict[str, str], *, repeat: int) -> str:
    """docs/benchmarks.md: how to run, the machine, one table per size, and the targets."""
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`presales bench`); do not edit by hand, re-run instead.",
        "",
        "For each size the harness creates a fresh database (PostgreSQL: `presales_bench_<size>`; SQLite: a",
        "temporary file), migrates it, generates the data set with bulk inserts (N opportunities, 5·N",
        "communication records, N/20 customers, N/5 support requests, 3 users per 1,000 opportunities,",
        "at least 30), then requests each page and API endpoint in-process with Django's test client,",
        f"logged in as a presales manager (who sees everything): 2 warm-up requests, then {repeat} timed",
        "ones.",
        "Latency is the full request through the middleware stack (no network, no web server); the query",
        "count is that of one request, session and user look-ups included. DEBUG is off, static files are",
        "served unhashed (`STATIC_MANIFEST=0`), the API is asked for JSON. `customers:detail` shows the",
        'customer holding 2 % of all communication records. "missing" means the URL does not exist yet.',
        "",
        "Targets (issue 2): the same query count at every size; p95 under 100 ms at 100k opportunities",
        "on PostgreSQL.",
        "",
        "```",
        "make bench                                        # sizes 1000 and 100000, DATABASE_URL's server",
        "make bench BENCH_ARGS='--sizes 1000 --repeat 10'",
        "uv run presales bench --database-url postgres://postgres@127.0.0.1:5432/postgres --keep",
        "uv run presales bench --reuse                      # measure again on kept databases",
        "```",
        "",
        "## Machine",
        "",
    ]
    for key, value in machine.items():
        lines.append(f"- {key}: {value}")
    for run in runs:
        counts = run.get("counts", {})
        lines += [
            "",
            f"## {run['size']:,} opportunities — {run['database']}",
            "",
            f"Data: {', '.join(f'{v:,} {k}' for k, v in counts.items())}."
            + (
                f" Generated in {run['generation_seconds']:.0f} s."
                if run.get("generation_seconds")
                else " (Data set reused.)"
            ),
            "",
            "| endpoint | median ms | p95 ms | queries | status |",
            "|---|---:|---:|---:|---|",
        ]
        for r in run["results"]:
            lines.append(
                f"| `{r['endpoint']}` | {_fmt(r['median_ms'])} | {_fmt(r['p95_ms'])} | "
                f"{_fmt(r['queries'])} | {r['status']} |"
            )
    lines += _scorecard_lines(runs)
    if len(runs) > 1:
        lines += [
            "",
            "## Query counts across sizes",
            "",
            "| endpoint | " + " | ".join(f"{run['size']:,}" for run in runs) + " | same? |",
            "|---|" + "---:|" * len(runs) + "---|",
        ]
        for i, (label, _, _) in enumerate(ENDPOINTS):
            values = [run["results"][i]["queries"] for run in runs]
            same = (
                "yes" if None not in values and len(set(values)) == 1 else "no" if None not in values else "–"
            )
            lines.append(f"| `{label}` | " + " | ".join(_fmt(v) for v in values) + f" | {same} |")
    lines.append("")
    return "\n".join(lines)


def _scorecard_lines(runs: list[dict]) -> list[str]:
    """The scorecard computation (issue 6): compute_cycle for one quarter, per participant count."""
    measured = [run for run in runs if run.get("scorecards")]
    if not measured:
        return []
    lines = [
        "",
        "## Scorecards: one quarter of a cycle computed (issue 6)",
        "",
        "`compute_cycle` (presales.appraisal.compute) for a quarterly cycle whose participants all hold",
        "one scheme with every seeded indicator the system computes from its records (the metrics run as",
        "database aggregates over the whole data set, one statement per metric), after one warm-up run;",
        "every run replaces the scores (one DELETE, one COPY) and the totals (one UPDATE … FROM unnest).",
        "Engineers beyond the data set's own are added without records. Target: under 2 s for 500",
        "engineers on PostgreSQL, with a query count that does not grow with the participants.",
        "",
        "| data set | database | participants | computed indicators | median s | slowest s | queries |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for run in measured:
        for row in run["scorecards"]:
            lines.append(
                f"| {run['size']:,} opportunities | {run['database']} | {row['participants']} | "
                f"{row['indicators']} | {row['median_s']:.3f} | {row['max_s']:.3f} | {row['queries']} |"
            )
    return lines


def report_path() -> Path:
    return Path(settings.REPO_DIR) / "docs" / "benchmarks.md"

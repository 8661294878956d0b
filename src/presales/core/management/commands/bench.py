"""`presales bench` (`make bench`): generate large data sets and measure the main pages and API
endpoints; results go to docs/benchmarks.md and the terminal.

For each size the command creates a dedicated database (PostgreSQL: `presales_bench_<size>` on the
server of --database-url / DATABASE_URL; SQLite: a temporary file), and runs itself again in a
child process pointed at that database (`--worker`): migrate, generate (presales.demo.bench_data),
measure (presales.demo.bench_measure). A child process per size keeps the settings honest: DEBUG
off, the database chosen by DATABASE_URL exactly as in a deployment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from presales.demo.bench_measure import machine_description, render_report, report_path


def _sizes(value: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "").replace("k", "000")) for part in value.split(",") if part.strip()]
    except ValueError as exc:
        raise CommandError(f"--sizes: {exc}") from exc
    if not sizes or min(sizes) < 10:
        raise CommandError("--sizes takes opportunity counts of at least 10, e.g. 1000,100000")
    return sizes


def _participant_counts(value: str) -> list[int]:
    try:
        counts = [int(part) for part in value.split(",") if part.strip()]
    except ValueError as exc:
        raise CommandError(f"--scorecards: {exc}") from exc
    if any(n < 0 for n in counts):
        raise CommandError("--scorecards takes participant counts, e.g. 50,500 (0 to skip)")
    return sorted({n for n in counts if n > 0})


class Command(BaseCommand):
    help = "Benchmark the opportunity list and board, customer detail and API lists at several data sizes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            default="1000,100000",
            help="Opportunity counts, comma-separated (default 1000,100000).",
        )
        parser.add_argument(
            "--database-url",
            default="",
            help="Server to benchmark on (default: DATABASE_URL). PostgreSQL is the documented target; "
            "one database presales_bench_<size> is created on it per size.",
        )
        parser.add_argument(
            "--repeat", type=int, default=30, help="Timed requests per endpoint (default 30)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed of the data sets.")
        parser.add_argument(
            "--scorecards",
            default="50,500",
            help="Participant counts of the scorecard computation benchmark (default 50,500; '0' to skip).",
        )
        parser.add_argument(
            "--win-model", type=int, default=20000,
            help="Closed opportunities to train the win model on (default 20000; 0 to skip).",
        )
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark databases afterwards.")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Reuse a kept benchmark database of the same size instead of generating again.",
        )
        parser.add_argument(
            "--generate-only", action="store_true", help="Generate the data sets, do not measure."
        )
        parser.add_argument(
            "--output", default="", help="Report file (default docs/benchmarks.md); '-' for none."
        )
        # Internal: run one size in the current database (the parent process sets DATABASE_URL).
        parser.add_argument("--worker", action="store_true", help="(internal)")
        parser.add_argument("--size", type=int, default=0, help="(internal)")
        parser.add_argument("--result-file", default="", help="(internal)")

    def handle(self, *args, **options):
        if options["worker"]:
            return self.worker(options)
        sizes = _sizes(options["sizes"])
        base_url = (
            options["database_url"] or os.environ.get("DATABASE_URL") or getattr(settings, "DATABASE_URL", "")
        )
        if not base_url:
            raise CommandError("No database: pass --database-url or set DATABASE_URL.")
        engine = dj_database_url.parse(base_url)["ENGINE"]
        postgres = "postgresql" in engine
        if not postgres and "sqlite" not in engine:
            raise CommandError(f"Unsupported database engine {engine}: use PostgreSQL or SQLite.")
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")
        _participant_counts(options["scorecards"])  # refuse a bad value before generating anything
        runs = []
        workdir = Path(tempfile.gettempdir())
        for size in sizes:
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {size:,} opportunities"))
            if postgres:
                url, name = self.postgres_database(base_url, size, reuse=options["reuse"])
            else:
                path = workdir / f"presales_bench_{size}.sqlite3"
                if path.exists() and not options["reuse"]:
                    path.unlink()
                url, name = f"sqlite:///{path}", str(path)
            try:
                run = self.run_worker(size, url, options)
            finally:
                if not options["keep"]:
                    self.drop(base_url, name, postgres)
                else:
                    self.stdout.write(f"  kept database {name}")
            runs.append(run)
        if options["generate_only"]:
            return
        machine = machine_description()
        report = render_report(runs, machine, repeat=options["repeat"])
        output = options["output"]
        if output != "-":
            path = Path(output) if output else report_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(report, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Report written to {path}"))
        self.stdout.write("")
        self.stdout.write(report)

    # --- parent side ----------------------------------------------------------------------------
    def postgres_database(self, base_url: str, size: int, *, reuse: bool) -> tuple[str, str]:
        name = f"presales_bench_{size}"
        with self.admin_connection(base_url) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and not reuse:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = None
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(base_url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment)), name

    def admin_connection(self, base_url: str):
        import psycopg

        config = dj_database_url.parse(base_url)
        return psycopg.connect(
            dbname="postgres",
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            autocommit=True,
        )

    def drop(self, base_url: str, name: str, postgres: bool) -> None:
        if postgres:
            with self.admin_connection(base_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(name + suffix).unlink(missing_ok=True)

    def run_worker(self, size: int, url: str, options) -> dict:
        env = dict(os.environ)
        env.pop("DATABASE_REPLICA_URL", None)
        env.update(
            {
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "presales.settings",
                "DEBUG": "0",  # measured as deployed; the insecure key is fine for a throw-away database
                "PRESALES_ALLOW_INSECURE_KEY": "1",
                "STATIC_MANIFEST": env.get("STATIC_MANIFEST", "0"),
                "LOG_LEVEL": "ERROR",
                "PYTHONUNBUFFERED": "1",
            }
        )
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            result_file = handle.name
        command = [
            sys.executable,
            "-m",
            "presales.manage",
            "bench",
            "--worker",
            "--size",
            str(size),
            "--repeat",
            str(options["repeat"]),
            "--seed",
            str(options["seed"]),
            "--result-file",
            result_file,
            "--scorecards",
            options["scorecards"],
            "--win-model",
            str(options["win_model"]),
        ]
        if options["reuse"]:
            command.append("--reuse")
        if options["generate_only"]:
            command.append("--generate-only")
        try:
            completed = subprocess.run(command, env=env, check=False)
            if completed.returncode != 0:
                raise CommandError(f"The benchmark of size {size} failed (exit code {completed.returncode}).")
            return json.loads(Path(result_file).read_text(encoding="utf-8"))
        finally:
            Path(result_file).unlink(missing_ok=True)

    # --- child side -----------------------------------------------------------------------------
    def worker(self, options) -> None:
        from presales.accounts.models import User
        from presales.customers.models import Customer
        from presales.demo import bench_data
        from presales.demo.bench_measure import database_description, measure_all
        from presales.opportunities.models import Opportunity

        size = options["size"]
        log = self.stdout.write
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        log(f"  migrated in {time.perf_counter() - started:.1f} s ({database_description()})")
        existing = Opportunity.objects.count()
        generation_seconds = None
        if options["reuse"] and existing >= size:
            log(f"  reusing the data set already there ({existing:,} opportunities)")
            counts = bench_data.volumes(size)
        elif existing:
            raise CommandError("The benchmark database is not empty; run without --reuse to start afresh.")
        else:
            started = time.perf_counter()
            counts = bench_data.generate(size=size, seed=options["seed"], log=log)
            generation_seconds = time.perf_counter() - started
            log(f"  generated in {generation_seconds:.1f} s")
        result = {
            "size": size,
            "database": database_description(),
            "counts": counts,
            "generation_seconds": generation_seconds,
            "results": [],
        }
        if not options["generate_only"]:
            manager = User.objects.get(username=bench_data.MANAGER_USERNAME)
            customer = Customer.objects.get(name=bench_data.HOT_CUSTOMER)
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
            result["results"] = measure_all(
                user=manager, customer_pk=customer.pk, repeat=options["repeat"], log=log
            )
            if options["win_model"]:
                from presales.forecast.bench import training_benchmark

                result["win_model"] = training_benchmark(
                    closed=options["win_model"], seed=options["seed"], log=log
                )
            participants = _participant_counts(options["scorecards"])
            if participants:
                from presales.appraisal.bench import scorecard_benchmark

                result["scorecards"] = scorecard_benchmark(
                    manager=manager, participants=participants, repeat=min(options["repeat"], 5), log=log
                )
        Path(options["result_file"]).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")

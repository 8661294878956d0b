"""`presales demo_data`: build the demo company (teams, people, customers, opportunities in every
stage, support requests in every status, 18 months of history). See presales.demo.company."""

import time

from django.core.management.base import BaseCommand, CommandError

from presales.accounts.models import User
from presales.demo.company import DEFAULT_SEED, DEMO_PASSWORD, LOGINS, DemoCompany


class Command(BaseCommand):
    help = "Load a realistic demo company (售前演示数据) into an empty database."
    # Run after `migrate`, which has checked the project; the checks import every URL module
    # (and what their views import), which this command does not need.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing (and succeed) if any user exists already."
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply the volume: people, customers and everything hanging off them (default 1).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed; the same seed builds the same company (default {DEFAULT_SEED}).",
        )

    def handle(self, *args, if_empty, scale, seed, verbosity, **options):
        if User.objects.exists():
            if if_empty:
                if verbosity:
                    self.stdout.write("Users exist already: demo data not loaded (--if-empty).")
                return
            raise CommandError(
                "The database has users already; demo data goes into an empty database "
                "(use --if-empty to skip quietly)."
            )
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        started, started_cpu = time.perf_counter(), time.process_time()
        company = DemoCompany(seed=seed, scale=scale)
        counts = company.build()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        if not verbosity:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo company built in {elapsed:.1f} s ({cpu:.1f} s CPU; seed {seed}, scale {scale}):"
            )
        )
        for name, count in counts.items():
            self.stdout.write(f"  {name:<24} {count:>7}")
        if verbosity >= 2:
            self.stdout.write("")
            self.stdout.write("Time per part (wall clock, CPU):")
            for name, (wall, cpu) in company.timings.items():
                self.stdout.write(f"  {name:<24} {wall:>7.2f} s {cpu:>7.2f} s")
        if verbosity >= 3:
            self.stdout.write("")
            self.stdout.write("Performance trait of the presales engineers (drives their records):")
            names = dict(User.objects.filter(pk__in=company.performance).values_list("pk", "username"))
            for pk, level in sorted(company.performance.items(), key=lambda item: -item[1]):
                self.stdout.write(f"  {names.get(pk, pk):<16} {level:.2f}")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for every demo account: {DEMO_PASSWORD}):")
        logins = User.objects.filter(username__in=[u for u, _ in LOGINS])
        names = dict(logins.values_list("username", "display_name"))
        for username, role in LOGINS:
            name = names.get(username, "")
            self.stdout.write(f"  {username:<10} / {DEMO_PASSWORD}   {role.label} · {name}")

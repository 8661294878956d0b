"""`presales demo_data`: build the demo company (teams, people, customers, opportunities in every
stage, support requests in every status, 18 months of history). See presales.demo.company."""

import time

from django.core.management.base import BaseCommand, CommandError

from presales.accounts.models import User
from presales.demo.company import DEFAULT_SEED, DEMO_PASSWORD, LOGINS, build_demo_company


class Command(BaseCommand):
    help = "Load a realistic demo company (售前演示数据) into an empty database."

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
        started = time.perf_counter()
        counts = build_demo_company(seed=seed, scale=scale)
        elapsed = time.perf_counter() - started
        if not verbosity:
            return
        self.stdout.write(
            self.style.SUCCESS(f"Demo company built in {elapsed:.1f} s (seed {seed}, scale {scale}):")
        )
        for name, count in counts.items():
            self.stdout.write(f"  {name:<24} {count:>7}")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for every demo account: {DEMO_PASSWORD}):")
        logins = User.objects.filter(username__in=[u for u, _ in LOGINS])
        names = dict(logins.values_list("username", "display_name"))
        for username, role in LOGINS:
            name = names.get(username, "")
            self.stdout.write(f"  {username:<10} / {DEMO_PASSWORD}   {role.label} · {name}")

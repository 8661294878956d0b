"""Save the HTML of the four filter-bar pages (19 query strings, invalid values included) for
bench_manager and bench_engineer in zh-hans and en into a folder, CSRF tokens normalised and the
clock fixed (the SLA badges count minutes), to compare two trees byte for byte:

    PYTHONPATH=<base>/src DATABASE_URL=... .venv/bin/python bench/filter_pages.py /tmp/pages_base
    PYTHONPATH=src DATABASE_URL=...        .venv/bin/python bench/filter_pages.py /tmp/pages_new
    diff -r /tmp/pages_base /tmp/pages_new
"""

import datetime
import hashlib
import os
import re
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "presales.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from presales.accounts.models import Team, User  # noqa: E402

FIXED = datetime.datetime(2026, 12, 6, 17, 0, tzinfo=datetime.UTC)
TOKEN = re.compile(r"[A-Za-z0-9]{64}")  # CSRF tokens (masked, 64 characters), new per request


def paths() -> list[str]:
    engineer = User.objects.filter(is_active=True, roles__code="presales_engineer").order_by("pk").first()
    sales = User.objects.filter(is_active=True, roles__code="sales").order_by("pk").first()
    team = Team.objects.order_by("pk").first()
    e, s, t = engineer.pk, sales.pk, team.pk
    return [
        "/opportunities/?stage=qualification&q=",
        "/opportunities/",
        "/opportunities/?stage=bogus",
        "/opportunities/?team=999999",
        "/opportunities/?created_since=notadate",
        f"/opportunities/?presales_lead={e}&sales_owner={s}&team={t}&industry=finance",
        "/opportunities/?stage=bogus&team=999999&created_since=notadate&presales_lead=abc&mine=true",
        "/opportunities/board/",
        "/opportunities/board/?team=999999",
        f"/opportunities/board/?presales_lead={e}&mine=true&by=progress",
        "/opportunities/board/?created_since=notadate&q=%3Cb%3E",
        "/support/",
        "/support/?status=bogus&assignee=999999&submitted_since=notadate",
        f"/support/?assignee={e}&team={t}&status=open&priority=high",
        "/support/?team=999999&q=a%22b",
        "/customers/",
        "/customers/?team=999999&presales_owner=999999",
        f"/customers/?presales_owner={e}&team={t}&industry=finance",
        "/customers/?status=bogus&mine=true",
    ]


def main(out: Path) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    timezone.now = lambda: FIXED
    out.mkdir(parents=True, exist_ok=True)
    for username in ("bench_manager", "bench_engineer"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for language in ("zh-hans", "en"):
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            for path in paths():
                response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
                body = TOKEN.sub("CSRFTOKEN", response.content.decode())
                name = f"{username}-{language}-{hashlib.sha1(path.encode()).hexdigest()[:10]}.html"
                (out / name).write_text(f"<!-- {response.status_code} {path} -->\n{body}")
    print("saved", len(list(out.iterdir())))


if __name__ == "__main__":
    main(Path(sys.argv[1]))

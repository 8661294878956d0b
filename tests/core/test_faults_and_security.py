"""Faults survived (cache down, database unreachable) and the security gates (headers, CSP, no
inline scripts, the API schema for signed-in users only, `check --deploy` with production settings)."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from presales.core import schema_views as schema_module

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "presales"


# --- cache down -----------------------------------------------------------------------------------


@pytest.fixture
def cache_down(settings):
    """The production cache backend (django-redis, as settings.py configures it with REDIS_URL)
    pointed at a Redis that refuses connections."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    settings.DJANGO_REDIS_LOGGER = "presales.cache"
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # as with REDIS_URL


def test_with_redis_sessions_are_cached_and_written_through(tmp_path):
    """REDIS_URL set: sessions read from Redis and written through to the database
    (settings.py); without it, database sessions (a per-process cache would keep a logged-out
    session alive in the other workers)."""
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "presales.settings", "PRESALES_DATA_DIR": str(tmp_path)}
    engines = {}
    for redis in ("redis://127.0.0.1:6379/9", ""):
        env["REDIS_URL"] = redis
        result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        engines[bool(redis)] = result.stdout.strip()
    assert engines == {True: "django.contrib.sessions.backends.cached_db",
                       False: "django.contrib.sessions.backends.db"}


def test_cache_down_pages_and_api_keep_working_throttle_fails_open(client, cast, cache_down, caplog):
    caplog.set_level(logging.ERROR, logger="presales.cache")
    from django.core.cache import cache

    assert cache.get("anything") is None  # a miss, not an exception
    token_url = reverse("api-token")
    user = cast.engineer_a
    user.set_password("Secret-pass-123")
    user.save()
    for _ in range(12):  # more than the 10/min limit: without counters the throttle lets them through
        response = client.post(token_url, {"username": user.username, "password": "Secret-pass-123"})
        assert response.status_code == 200, response.content
    client.force_login(user)  # the session is written to the database even with Redis down
    assert client.get(reverse("insights:my_work")).status_code == 200
    assert client.get("/api/customers/").status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("insights:my_work")).status_code == 302  # logged out, Redis or not
    assert "Exception ignored" in caplog.text or "Error" in caplog.text  # logged


# --- database unreachable -> 503, then recovery -----------------------------------------------------


@pytest.mark.urls("tests.core.faults_urls")
def test_database_unreachable_answers_503_json_and_page(client, caplog):
    client.raise_request_exception = False
    api = client.get("/api/fault/database/")
    assert api.status_code == 503 and api["Retry-After"]
    assert api.json()["code"] == "service_unavailable"
    page = client.get("/fault/database/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 503 and 'data-testid="service-unavailable"' in page.content.decode()
    assert "服务暂时不可用" in page.content.decode()
    page_en = client.get("/fault/database/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Service unavailable" in page_en.content.decode()
    assert "database unavailable" in caplog.text
    assert client.get(reverse("accounts:login")).status_code == 200  # the application goes on


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgres_connection_killed_between_requests_recovers(cast, settings):
    """PostgreSQL restarted: the kept connection is dead. The next request checks it before use
    (CONN_HEALTH_CHECKS at `request_started`), reconnects and answers normally. Driven through the
    real WSGI handler: the test client skips the connection housekeeping of `request_started`."""
    import psycopg
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import RequestFactory
    from rest_framework.authtoken.models import Token

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    settings.ALLOWED_HOSTS = ["testserver"]
    token = Token.objects.get_or_create(user=cast.engineer_a)[0].key
    handler = WSGIHandler()

    def get(path):
        environ = RequestFactory()._base_environ(
            PATH_INFO=path, REQUEST_METHOD="GET", HTTP_AUTHORIZATION=f"Token {token}"
        )
        statuses = []
        body = b"".join(handler(environ, lambda status, headers, *a: statuses.append(status)))
        return int(statuses[0].split()[0]), body

    try:
        assert get("/api/customers/")[0] == 200
        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**{**params, "autocommit": True}) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        status, body = get("/api/customers/")
        assert status == 200, body[:500]
        assert connection.connection.info.backend_pid != pid
    finally:
        connection.close()  # whatever happened, the next test starts on a fresh connection


# --- security headers, CSP, inline scripts ----------------------------------------------------------


def test_security_headers_and_csp(client, cast):
    client.force_login(cast.engineer_a)
    response = client.get(reverse("insights:my_work"))
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'self'" in script_src and "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


def test_no_inline_scripts_or_handlers_in_templates():
    offenders = []
    for template in sorted(SRC.glob("*/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER):
            for match in pattern.finditer(text):
                offenders.append(f"{template.relative_to(SRC)}: {match.group(0)}")
    assert offenders == []


def test_pages_with_charts_load_their_scripts_as_files(client, cast):
    client.force_login(cast.manager)
    body = client.get(reverse("insights:my_work")).content.decode()
    assert "insights/my_work.js" in body and "core/app.js" in body
    assert INLINE_SCRIPT.search(body.replace('type="application/json"', 'src="json"')) is None


# --- API schema and docs: signed-in users only, generated once ---------------------------------------


def test_schema_and_docs_refuse_anonymous_and_are_cached(client, cast):
    assert client.get(reverse("api-schema")).status_code in (401, 403)
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 302 and reverse("accounts:login") in docs["Location"]
    assert client.get(reverse("api-docs") + "?script=").status_code == 302
    schema_module._schemas.clear()
    client.force_login(cast.engineer_a)
    first = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert first.status_code == 200 and "/api/customers/" in first.json()["paths"]
    assert list(schema_module._schemas) == ["zh-hans"]
    cached = schema_module._schemas["zh-hans"]
    again = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert again.json() == first.json() and schema_module._schemas["zh-hans"] is cached  # not regenerated
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200 and b"swagger-ui" in page.content
    assert INLINE_SCRIPT.search(page.content.decode()) is None  # the initialiser is a script file
    init = client.get(reverse("api-docs") + "?script=")
    assert init.status_code == 200 and b"SwaggerUIBundle" in init.content


# --- check --deploy with the production settings ---------------------------------------------------

PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-enough-entropy-9f8e7d6c5b4a",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "presales.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://presales.example.com",
    "BEHIND_TLS_PROXY": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SESSION_COOKIE_SECURE": "1",
    "CSRF_COOKIE_SECURE": "1",
}


def test_check_deploy_with_production_settings_has_no_warnings(tmp_path):
    drop = ("DJANGO_SETTINGS_MODULE", "PRESALES_ALLOW_INSECURE_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(PRODUCTION_ENV, PRESALES_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="presales.settings")
    result = subprocess.run(
        [sys.executable, "-m", "presales.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


# --- disk full during an upload ---------------------------------------------------------------------


def test_disk_full_upload_clear_error_no_orphan_no_row(client, cast, settings, tmp_path):
    from presales.documents.models import Document, DocumentVersion, FileBlob
    from tests.factories import CustomerFactory
    from tests.factories.documents import category, upload
    from tests.factories.opportunities import OpportunityFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.core.full_storage.FullDiskStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    opportunity = OpportunityFactory(customer=customer, presales_lead=cast.engineer_a)
    client.force_login(cast.engineer_a)
    response = client.post(
        reverse("document-list"),
        {
            "title": "储能方案",
            "category": category("solution").pk,
            "opportunity": opportunity.pk,
            "access_level": "team",
            "file": upload(),
        },
    )
    assert response.status_code == 507, response.content
    assert "没有空间" in str(response.json())
    assert "file" in response.json().get("errors", response.json())
    assert (
        not Document.objects.exists()
        and not DocumentVersion.objects.exists()
        and not FileBlob.objects.exists()
    )
    leftovers = [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert leftovers == []

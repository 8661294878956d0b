"""The fast path for an empty database (presales.core.fresh, used by `presales migrate`, hence by
`make run` and by the test databases) builds exactly what applying every migration one by one
builds: the same tables, columns, constraints and indexes, the same migrations recorded, the same
rows. One new database each way, on the database engine of this run, compared in full."""

import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from django.db import connection

SCRIPT = Path(__file__).with_name("schema_fingerprint.py")
ROOT = Path(__file__).resolve().parents[2]


def _start(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the production settings, as `presales migrate` runs
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _finish(process):
    out, err = process.communicate(timeout=900)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out)


@pytest.fixture
def two_new_databases():
    if connection.vendor == "sqlite":
        folder = tempfile.mkdtemp(prefix="presales-fresh-")
        yield f"sqlite:///{folder}/fast.sqlite3", f"sqlite:///{folder}/slow.sqlite3"
        return
    if connection.vendor != "postgresql":
        pytest.skip("SQLite and PostgreSQL only")
    import psycopg

    params = {k: v for k, v in connection.get_connection_params().items() if k in ("host", "port", "user", "password")}
    names = [f"presales_fresh_{uuid.uuid4().hex[:10]}_{kind}" for kind in ("fast", "slow")]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    user = params.get("user") or "postgres"
    password = f":{params['password']}" if params.get("password") else ""
    host, port = params.get("host") or "127.0.0.1", params.get("port") or 5432
    try:
        yield tuple(f"postgres://{user}{password}@{host}:{port}/{name}" for name in names)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.xdist_group("fresh_schema")
def test_fast_path_builds_what_the_migrations_build(two_new_databases):
    fast_url, slow_url = two_new_databases
    slow = _start(slow_url, "--from-migrations")
    fast = _start(fast_url)
    fast_print, slow_print = _finish(fast), _finish(slow)

    assert fast_print["applied"] == slow_print["applied"]
    assert len(fast_print["applied"]) > 40
    assert sorted(fast_print["schema"]) == sorted(slow_print["schema"])
    for table, shape in slow_print["schema"].items():
        assert fast_print["schema"][table]["columns"] == shape["columns"], table
        assert fast_print["schema"][table]["constraints"] == shape["constraints"], table
    assert fast_print["counts"] == slow_print["counts"]
    assert fast_print["data"] == slow_print["data"]
    # the migrations' data operations did run on the fast path: the seeded reference data is there
    for seeded in ("accounts_role", "documents_documentcategory", "kpi_indicator"):
        assert fast_print["counts"].get(seeded, 0) > 0, seeded


def test_a_database_with_tables_goes_through_django_migrate(tmp_path):
    """The fast path is for an empty database only: the second `migrate` applies nothing and
    changes nothing (Django's own command)."""
    url = f"sqlite:///{tmp_path}/again.sqlite3"
    first = _finish(_start(url))
    second = _finish(_start(url))
    assert first == second


@pytest.mark.django_db(transaction=True)
def test_a_flush_in_the_suite_leaves_the_reference_data_in_place():
    """After a transactional test's flush the suite replays the migrations' data operations
    (tests/conftest.py), so whichever test runs next on that worker finds the reference data."""
    from django.core.management import call_command

    from presales.accounts.choices import RoleCode
    from presales.accounts.models import Role
    from presales.documents.models import DocumentCategory
    from presales.kpi.models import Indicator

    call_command("flush", interactive=False, verbosity=0)
    seeded = (Role.objects.count(), DocumentCategory.objects.count(), Indicator.objects.count())
    assert seeded[0] == len(RoleCode.values) and seeded[1] >= 6 and seeded[2] > 0
    call_command("flush", interactive=False, verbosity=0)  # and again: the same rows, not twice as many
    assert (Role.objects.count(), DocumentCategory.objects.count(), Indicator.objects.count()) == seeded

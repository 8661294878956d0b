"""schemathesis over every operation of the OpenAPI schema, in-process (WSGI), as a presales
manager and as a presales engineer, on a small seeded company (operations with an `{id}` hit a row
the user may see). Checks: no 5xx (`not_a_server_error`) and answers that match the schema
(`response_schema_conformance`). Positive and negative examples (bodies of the wrong shape
included), a few per operation. Each example runs in a savepoint that is rolled back, so the
seeded rows stay as seeded. No operation is excluded.

Runs in `make test` (SQLite), which sets PRESALES_SCHEMATHESIS=1 and SCHEMATHESIS_EXAMPLES (4: about
3 minutes of one core); skipped otherwise, and always on PostgreSQL (`make test-pg`): the API code
is the same, and the pass is bounded for CI time. By hand:

    PRESALES_SCHEMATHESIS=1 SCHEMATHESIS_EXAMPLES=4 uv run pytest -p no:xdist tests/api/test_schemathesis.py

SCHEMATHESIS_ONLY=<regex> limits it to the operations whose path matches (while fixing one)."""

from __future__ import annotations

import os
import re

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token

from tests.api.seed import detail_id, seed

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "4"))
# While fixing: only the operations whose path matches this regular expression (e.g. "appraisals").
ONLY = os.environ.get("SCHEMATHESIS_ONLY")
# A file to which each failure is written as soon as found (while fixing them).
PROGRESS = open(os.environ["SCHEMATHESIS_PROGRESS"], "a") if os.environ.get("SCHEMATHESIS_PROGRESS") else None


@pytest.fixture
def api_schema():
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    return schema


@pytest.fixture
def in_test_transaction():
    """The WSGI handler closes "old" connections at each request's start and end; inside the test's
    transaction that would close it. Django's test client disconnects the same signal handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def run_operation(operation, *, token: str, user, mode) -> str | None:
    """Run a few examples of one operation; return the failure report, or None."""
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    path_parameters = {}
    if "{id}" in operation.path and mode == GenerationMode.POSITIVE:
        pk = detail_id("/api" + operation.path if not operation.path.startswith("/api") else operation.path, user)
        if pk is not None:
            path_parameters["id"] = pk
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def check(case):
        with transaction.atomic():
            try:
                case.call_and_validate(headers={"Authorization": f"Token {token}"},
                                       checks=[not_a_server_error, response_schema_conformance])
            finally:
                transaction.set_rollback(True)

    try:
        check()
    except Unsatisfiable:  # nothing in this operation can be made invalid (negative mode)
        return None
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected, reported together below
        return f"{operation.method.upper()} {operation.path} ({mode.value}): {str(exc)[:1500]}"
    return None


# Decided before the fixtures are built (generating the schema alone takes a minute on a busy machine).
@pytest.mark.skipif(
    not os.environ.get("PRESALES_SCHEMATHESIS"),
    reason="runs in `make test` (PRESALES_SCHEMATHESIS=1); see the module docstring",
)
@pytest.mark.skipif(
    "sqlite" not in os.environ.get("DATABASE_URL", "sqlite"),
    reason="schemathesis runs on SQLite only (same API code; bounded CI time)",
)
def test_every_operation_as_manager_and_engineer(cast, api_schema, in_test_transaction):
    from schemathesis import GenerationMode

    assert connection.vendor == "sqlite"
    seed(cast)
    failures = []
    count = 0
    for role in ("manager", "engineer_a"):
        user = getattr(cast, role)
        token = Token.objects.create(user=user).key
        for result in api_schema.get_all_operations():
            operation = result.ok()
            if ONLY and not re.search(ONLY, operation.path):
                continue
            count += 1
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                failure = run_operation(operation, token=token, user=user, mode=mode)
                if failure:
                    failures.append(f"[{role}] {failure}")
                    if PROGRESS:
                        print(failures[-1][:600], file=PROGRESS, flush=True)
    assert ONLY or count > 300, f"only {count} operations in the schema?"
    assert not failures, f"{len(failures)} failing:\n\n" + "\n\n".join(failures)

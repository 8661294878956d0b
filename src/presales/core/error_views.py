"""The handler of uncaught exceptions (urls.handler500). A lost database connection (PostgreSQL
restarting, failing over, refusing connections) is not a bug: it answers 503 Service Unavailable
with Retry-After, in the user's language, as JSON for the API and as a page otherwise, and is
logged. Django closes the broken connection at the end of the request (and checks kept connections
before reuse, CONN_HEALTH_CHECKS), so the application recovers by itself when the database is back.
Anything else is the usual 500."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("presales.errors")

RETRY_AFTER_SECONDS = 10


def database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    exc = sys.exc_info()[1]
    if not database_unavailable(exc):
        return django_server_error(request, template_name=template_name)
    logger.warning("database unavailable during %s %s: %s", request.method, request.path, exc)
    message = _("The service is briefly unavailable. Please try again in a moment.")
    if wants_json(request):
        response = JsonResponse({"detail": message, "code": "service_unavailable"}, status=503)
    else:
        # No request context: the context processors would query the database that just failed.
        context = {"message": message, "retry_after": RETRY_AFTER_SECONDS}
        body = loader.render_to_string("core/503.html", context)
        response = HttpResponseServerError(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response

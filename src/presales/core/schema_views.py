"""The OpenAPI schema and its Swagger UI page, for signed-in users only.

Generating the schema walks every endpoint (several seconds): it is generated once per process and
language, then served from memory (the API does not change while a process runs). `presales
spectacular --file` can still write it at deploy time for clients that want a file.
"""

from __future__ import annotations

import threading

from django.contrib.auth.decorators import login_required
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

_schemas: dict[str, dict] = {}
_lock = threading.Lock()


def cached_schema(request) -> dict:
    """The public schema (the same for every user) in the active language, generated once."""
    language = translation.get_language() or ""
    schema = _schemas.get(language)
    if schema is None:
        with _lock:
            schema = _schemas.get(language)
            if schema is None:
                generator = SpectacularAPIView.generator_class()
                schema = generator.get_schema(request=request, public=True)
                _schemas[language] = schema
    return schema


class SchemaView(SpectacularAPIView):
    permission_classes = [IsAuthenticated]

    def _get_schema_response(self, request):
        disposition = f'inline; filename="{self._get_filename(request, None)}"'
        return Response(data=cached_schema(request), headers={"Content-Disposition": disposition})


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its initialiser served as a script file (no inline script: CSP)."""

    permission_classes = [IsAuthenticated]
    url_name = "api-schema"


schema_view = SchemaView.as_view()
docs_view = login_required(DocsView.as_view())

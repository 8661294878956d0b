"""API bases: pagination, the error format, and a viewset that applies the `visible_to` scope
and optimistic locking (ETag on read, If-Match or `version` required on write)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .concurrency import whole_version
from .errors import DomainError, StaleObjectError, TransitionRefused
from .parsers import ObjectJSONParser  # noqa: F401 - the API's JSON parser (re-exported)


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"

    def __init__(self):
        super().__init__(
            _("Send the version you edited: an If-Match header with the ETag, or a `version` field.")
        )


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": str(exc.message)}
        if exc.errors:
            body["errors"] = {k: [str(m) for m in v] for k, v in exc.errors.items()}
        if isinstance(exc, TransitionRefused):
            body["reasons"] = [str(r) for r in exc.reasons]
        if isinstance(exc, StaleObjectError):
            body["current_version"] = exc.current_version
        return Response(body, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)


def expected_version(request) -> int:
    """The version the client edited: If-Match: "<n>" or a `version` field. Required; a whole
    number (see `concurrency.whole_version`), else 400 on `version`."""
    header = request.headers.get("If-Match", "").strip()
    raw = header.removeprefix("W/").strip('"') if header else request.data.get("version")
    if raw is None or raw == "":
        raise PreconditionRequired()
    return whole_version(raw)


class ScopedViewSet(viewsets.GenericViewSet):
    """Base viewset: queryset = model.visible_to(user), refined by `select_related_fields` etc.
    Subclasses implement `perform_create`/`perform_update` by calling the app's services."""

    model = None
    select_related_fields: tuple[str, ...] = ()
    prefetch_related_fields: tuple[str, ...] = ()

    def get_queryset(self):
        qs = self.model._default_manager.visible_to(self.request.user)
        if self.select_related_fields:
            qs = qs.select_related(*self.select_related_fields)
        if self.prefetch_related_fields:
            qs = qs.prefetch_related(*self.prefetch_related_fields)
        return qs

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        obj = getattr(self, "_etag_object", None)
        if obj is not None and hasattr(obj, "version") and response.status_code < 300:
            response["ETag"] = f'"{obj.version}"'
        return response


class ReadOnlyScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self._etag_object = instance
        return Response(self.get_serializer(instance).data)


class WritableScopedViewSet(ReadOnlyScopedViewSet):
    """Create and update go through `create_object` / `update_object`, which call services.
    Update requires the edited version (412 if stale, 428 if missing). No DELETE: business
    records are closed or archived, not deleted."""

    read_serializer_class = None

    def get_read_serializer(self, instance):
        cls = self.read_serializer_class or self.get_serializer_class()
        return cls(instance, context=self.get_serializer_context())

    def create_object(self, data: dict):  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def update_object(self, instance, data: dict, version: int):  # pragma: no cover
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.create_object(serializer.validated_data)
        self._etag_object = instance
        return Response(self.get_read_serializer(instance).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        version = expected_version(request)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        instance = self.update_object(instance, serializer.validated_data, version)
        self._etag_object = instance
        return Response(self.get_read_serializer(instance).data)

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

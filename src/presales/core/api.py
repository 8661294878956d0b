"""API bases: pagination, the error format, and a viewset that applies the `visible_to` scope
and optimistic locking (ETag on read, If-Match or `version` required on write)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.settings import api_settings
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


def _same(sent, shown) -> bool:
    """A value sent back equals the one the API showed (form data arrives as strings)."""
    if sent == shown:
        return True
    if isinstance(sent, str) and not isinstance(shown, (dict, list)):
        return sent == ("" if shown is None else str(shown).lower() if isinstance(shown, bool) else str(shown))
    return False


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

    def filter_queryset(self, queryset):
        # A detail request without query parameters: no filter set or ordering to build (their
        # forms cost more than the query); with parameters, they apply as they always did.
        params = self.request.query_params
        if self.action == "retrieve" and not params:
            return queryset
        if self.action == "list" and not (params.keys() - self._not_filters()):
            # A list without any filter parameter (only page, page size, ordering): the filter set
            # would build its form and filter nothing (an empty value filters nothing); the
            # other backends (the ordering) apply as always.
            for backend in self.filter_backends:
                if not issubclass(backend, DjangoFilterBackend):
                    queryset = backend().filter_queryset(self.request, queryset, self)
            return queryset
        return super().filter_queryset(queryset)

    def _not_filters(self) -> set[str]:
        names = {api_settings.ORDERING_PARAM, api_settings.URL_FORMAT_OVERRIDE}
        paginator = self.paginator
        for attr in ("page_query_param", "page_size_query_param"):
            if getattr(paginator, attr, None):
                names.add(getattr(paginator, attr))
        return names

    # Fields that only an action changes, and that action's URL segment, e.g.
    # {"presales_owner": "reassign"}: an update that sends another value is told where to go.
    action_fields: dict[str, str] = {}

    def get_serializer(self, *args, **kwargs):
        """The write serializer; for a create or an update, the body's fields are checked first."""
        if "data" in kwargs and self.action in ("create", "update", "partial_update"):
            self.check_fields(kwargs["data"], args[0] if args else None)
        return super().get_serializer(*args, **kwargs)

    def _shown_serializer_classes(self) -> list:
        action, classes = self.action, []
        try:
            self.action = "retrieve"
            classes.append(self.get_serializer_class())
        finally:
            self.action = action
        if getattr(self, "read_serializer_class", None):
            classes.append(self.read_serializer_class)
        return classes

    def check_fields(self, data, instance=None) -> None:
        """No write is silently ignored (issue #16): a field the API does not know → 400 naming
        it; a read-only field (or one only the read serializer shows) sent with a value other than
        the record's → 400, pointing to the action that changes it if any; read-only fields sent
        back unchanged (GET, then PUT of the same body) are accepted. `version` is always accepted
        (see `expected_version`)."""
        if not hasattr(data, "keys") or getattr(self, "_fields_checked", False):
            return
        self._fields_checked = True
        write = super().get_serializer(instance) if instance is not None else super().get_serializer()
        # What a GET shows: the retrieve serializer, and the read serializer an update answers with.
        context = self.get_serializer_context()
        shown_by = [cls(instance, context=context) for cls in self._shown_serializer_classes()]
        read_fields = {name for serializer in shown_by for name in serializer.fields}
        shown = {}
        if instance is not None:
            for serializer in [*shown_by, write]:
                try:
                    shown.update(serializer.data)
                except (TypeError, AttributeError, ValueError):
                    # A write serializer whose input shape cannot represent the record (e.g. tags
                    # written as a list of names over a many-to-many): what a GET shows is enough.
                    continue
        errors: dict[str, list[str]] = {}
        for name in data.keys():
            if name == "version":
                continue
            field = write.fields.get(name)
            if field is None and name not in read_fields:
                errors[name] = [_("Unknown field: %(name)s.") % {"name": name}]
            elif (field is None or field.read_only) and not (name in shown and _same(data.get(name), shown[name])):
                action = self.action_fields.get(name)
                if action:
                    errors[name] = [_("Changed only by the %(action)s action (POST …/%(action)s/).")
                                    % {"action": action}]
                elif instance is None:
                    errors[name] = [_("Read-only: set by the system, not by the client.")]
                else:
                    errors[name] = [_("Read-only: it cannot be changed by an update.")]
        if errors:
            raise exceptions.ValidationError(errors)

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
        self.check_fields(request.data, instance)  # before the version: say what is wrong first
        version = expected_version(request)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        instance = self.update_object(instance, serializer.validated_data, version)
        self._etag_object = instance
        return Response(self.get_read_serializer(instance).data)

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

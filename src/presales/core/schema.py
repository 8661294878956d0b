"""The OpenAPI schema generator (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]): drf-spectacular's
AutoSchema, corrected where it described our answers wrongly (found by schemathesis, issue #14), so
that a client generated from the schema accepts every answer the API really gives:

- a read-only field whose default is None (`source="opportunity.number", default=None`) can be null;
- a read-only choice field of a model field that may be blank can be "" (DRF drops `allow_blank`
  from read-only fields, so drf-spectacular did not add the blank choice);
- an extra action answers a paginated page only if it calls `get_paginated_response`; the others
  (e.g. `demos/progress/`) answer a plain list.
"""

from __future__ import annotations

import inspect

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.fields import empty


def _model_field(field):
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return None
    try:
        return model._meta.get_field(field.source)
    except Exception:  # noqa: BLE001 - not a model field (a property, a method)
        return None


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if (
            isinstance(field, serializers.ChoiceField)
            and field.read_only
            and not getattr(field, "allow_blank", False)
            and getattr(_model_field(field), "blank", False)
        ):
            field.allow_blank = True  # read-only: it only changes what the schema says
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if field.read_only and field.default is None and field.default is not empty and isinstance(schema, dict):
            schema = self._nullable(schema)
        return schema

    @staticmethod
    def _nullable(schema: dict) -> dict:
        if "$ref" in schema or "allOf" in schema or "oneOf" in schema:
            return {"allOf": [schema], "nullable": True} if "$ref" in schema else {**schema, "nullable": True}
        return {**schema, "nullable": True}

    def _get_paginator(self):
        action = getattr(self.view, "action", None)
        if action and action != "list":
            handler = getattr(type(self.view), action, None)
            try:
                source = inspect.getsource(handler) if handler else ""
            except (OSError, TypeError):
                source = ""
            if "get_paginated_response" not in source:
                return None
        return super()._get_paginator()

"""Serializers that build their fields once per class for reading (issue 15).

DRF builds every field of a ModelSerializer again for each serializer object (a deep copy of the
declared fields, then a field per model field: ~37 for a POC, a few milliseconds a request). A
serializer that only *shows* a record (an instance and no data) needs none of that: the fields
turn values into JSON and keep no state of their own, so the read fields are built once per class
and shared. Writing (data given) and the schema (neither) build their own fields as before.

Per-request adjustments of fields (a queryset narrowed to what the user sees, a field read-only
once the record exists) go in `adjust_fields`, which is called on both paths — on the shared read
fields without a request (a queryset is not used for reading).
"""

from __future__ import annotations

import threading

from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

_lock = threading.Lock()


class _Shown:
    """The instance of the prototype serializer: fields are adjusted as for an existing record."""

    pk = None


class ReadFieldsOnce:
    """Mixin for (Model)Serializer: see the module docstring."""

    def adjust_fields(self, fields) -> None:
        """Change fields for this serializer (context, instance); must not depend on the request
        for anything a read shows."""

    def _build_fields(self):
        fields = BindingDict(self)
        for key, value in self.get_fields().items():
            fields[key] = value
        self.adjust_fields(fields)
        return fields

    @property
    def fields(self):
        built = self.__dict__.get("_built_fields")
        if built is None:
            if self.instance is not None and not hasattr(self, "initial_data"):
                built = self._shared_read_fields()
            else:
                built = self._build_fields()
            self.__dict__["_built_fields"] = built
        return built

    @classmethod
    def _shared_read_fields(cls):
        shared = cls.__dict__.get("_read_fields")
        if shared is None:
            with _lock:
                shared = cls.__dict__.get("_read_fields")
                if shared is None:
                    shared = cls(_Shown(), context={})._build_fields()
                    cls._read_fields = shared
        return shared


class ReadOnceModelSerializer(ReadFieldsOnce, serializers.ModelSerializer):
    pass

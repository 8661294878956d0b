"""The API's parsers (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]); a module of their own so that DRF's
settings can import them without importing the API bases."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings


class ObjectJSONParser(JSONParser):
    """The API's JSON parser (DEFAULT_PARSER_CLASSES): every body the API accepts is a JSON object,
    so a body of another shape (`null`, a list, a number, a string) is refused here with 400 and a
    field message, before any view or serializer reads it (`request.data.get(...)` is then safe)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise exceptions.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [_("Send a JSON object (the fields by name).")]}
            )
        return data

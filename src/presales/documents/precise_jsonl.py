"""JSON Lines serialization for backups that keeps times to the microsecond (Django's JSON encoder
cuts them to milliseconds, which a backup must not do). One object per line: dumping and loading
stream, whatever the size of the database. Registered as the `pjsonl` format by backup.py."""

import datetime

from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder

FORMAT = "pjsonl"


class PreciseEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = PreciseEncoder


Deserializer = jsonl.Deserializer


def register() -> None:
    from django.core import serializers

    if FORMAT not in serializers.get_serializer_formats():
        serializers.register_serializer(FORMAT, __name__)

"""The one sequence service behind every number (opportunities, POCs, documents).

`sequence_next(key)` returns the next integer for the key, unique under concurrency: the row is
created race-free (unique key + retry) and incremented under `SELECT ... FOR UPDATE` on
PostgreSQL; on SQLite the IMMEDIATE transaction mode serialises writers instead.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Sequence


def sequence_next(*, key: str) -> int:
    with transaction.atomic():
        try:
            with transaction.atomic():
                Sequence.objects.get_or_create(key=key)
        except IntegrityError:
            pass  # another writer created it first; it exists now
        row = Sequence.objects.select_for_update().get(key=key)
        Sequence.objects.filter(pk=row.pk).update(value=F("value") + 1)
        row.refresh_from_db(fields=["value"])
        return row.value


def sequence_peek(*, key: str) -> int:
    """The last number handed out for the key (0 if none)."""
    return Sequence.objects.filter(key=key).values_list("value", flat=True).first() or 0

"""Helpers shared by the demo builder and the benchmark generator: bulk writes with explicit
timestamps, blocks of numbers from the sequence table, and history rows written in bulk."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.apps import apps
from django.db import models, transaction
from django.db.models import F

from presales.core.models import Sequence

APP_LABELS = ("accounts", "customers", "opportunities", "support", "core")


@contextlib.contextmanager
def explicit_timestamps(app_labels: Iterable[str] = APP_LABELS) -> Iterator[None]:
    """Turn `auto_now`/`auto_now_add` off on the apps' date fields for the duration of the block,
    so that bulk writes keep the `created_at`/`updated_at`/`at` values the generator chose (history
    that spans months instead of one second). The flags are restored on exit. Only for the demo and
    benchmark commands, which run alone in their process."""
    saved: list[tuple[models.Field, bool, bool]] = []
    try:
        for label in app_labels:
            for model in apps.get_app_config(label).get_models():
                for field in model._meta.concrete_fields:
                    if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
                        saved.append((field, field.auto_now, field.auto_now_add))
                        field.auto_now = field.auto_now_add = False
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def reserve_numbers(*, key: str, count: int) -> int:
    """Take `count` consecutive numbers of the sequence `key` at once (one row lock) and return
    the first. Same table and semantics as core.numbering.sequence_next: never reused."""
    with transaction.atomic():
        Sequence.objects.get_or_create(key=key)
        row = Sequence.objects.select_for_update().get(key=key)
        Sequence.objects.filter(pk=row.pk).update(value=F("value") + count)
        return row.value + 1


def number_by_year(objs: list, *, prefix: str, when: str, digits: int = 5, local_year=None) -> None:
    """Give each object `number` = PREFIX-YYYY-NNNNN in the order of the list, the year taken
    from its `when` attribute (local time), numbers reserved per year from the sequence table."""
    by_year: dict[int, list] = defaultdict(list)
    for obj in objs:
        by_year[local_year(getattr(obj, when))].append(obj)
    for year in sorted(by_year):
        group = by_year[year]
        first = reserve_numbers(key=f"{prefix}-{year}", count=len(group))
        for offset, obj in enumerate(group):
            obj.number = f"{prefix}-{year}-{first + offset:0{digits}d}"


class HistoryWriter:
    """Collects simple_history rows and writes them with bulk_create.

    `add(obj, at, user_id)` records a creation ('+'); `add(obj, at, user_id, "~", field=value)`
    records a change, the row showing the object's state at that time: its current values with the
    given overrides. This is what django-simple-history's bulk_history_create does, with a date,
    user and state per row."""

    def __init__(self, batch_size: int = 2000) -> None:
        self.batch_size = batch_size
        self.rows: dict[type, list] = defaultdict(list)
        self.models: dict[type, tuple[type, list[str]]] = {}  # model: (history model, tracked attnames)

    def add(
        self, obj, at: datetime, user_id: int | None, history_type: str = "+", reason: str = "", **state
    ) -> None:
        known = self.models.get(type(obj))
        if known is None:
            history_model = type(obj).history.model
            known = self.models[type(obj)] = (
                history_model,
                [f.attname for f in history_model.tracked_fields],
            )
        history_model, attnames = known
        values = {name: getattr(obj, name) for name in attnames}
        values.update(state)
        self.rows[history_model].append(
            history_model(
                history_date=at,
                history_user_id=user_id,
                history_type=history_type,
                history_change_reason=reason or None,
                **values,
            )
        )

    def add_created(self, objs: Iterable, *, at: str = "created_at", user: str = "created_by_id") -> None:
        for obj in objs:
            self.add(obj, getattr(obj, at), getattr(obj, user, None))

    def flush(self) -> int:
        total = 0
        for history_model, rows in self.rows.items():
            history_model.objects.bulk_create(rows, batch_size=self.batch_size)
            total += len(rows)
        self.rows.clear()
        return total

"""Per-column counts and summed amounts of the opportunity boards, kept in a table (issue 15).

At 100k opportunities the board's GROUP BY over the whole table was most of its time (about 200
ms on PostgreSQL). `BoardTotal` holds, per board dimension (stage, progress), column key and
presales team, how many opportunities there are and their summed estimated amount; a manager's
unfiltered board reads its column totals from it in one small query.

The table is changed in the writer's transaction, by the same deltas as the rows:
- saving an opportunity (create, edit, stage move, placement — the services, and anything else that
  saves the model) moves it from its stored values, read with the row at `pre_save`, to its new
  ones; deleting one subtracts it;
- the derived progress, stored with a bulk UPDATE by `progress.refresh`, applies its own delta.
Only writes that bypass these (bulk inserts of the demo and benchmark builders, a restore) must
call `rebuild()`, also run by `presales rebuild_board_totals`. Deltas are added with
`count = count + n` (a row lock each), so concurrent writers do not lose each other's changes.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Sum
from django.db.models.signals import post_delete, post_save, pre_save

DIMENSIONS = ("stage", "progress")
TRACKED = ("stage", "progress", "team_id", "estimated_amount")


def _values(row) -> tuple:
    return tuple(row[name] if isinstance(row, dict) else getattr(row, name) for name in TRACKED)


def add(deltas: dict, values: tuple | None, sign: int) -> None:
    """Accumulate +/- one opportunity with `values` (stage, progress, team, amount)."""
    if values is None:
        return
    stage, progress, team_id, amount = values
    for dimension, key in (("stage", stage), ("progress", progress)):
        count, total = deltas.get((dimension, key, team_id), (0, Decimal("0")))
        deltas[(dimension, key, team_id)] = (count + sign, total + sign * (amount or Decimal("0")))


def apply(deltas: dict) -> None:
    from .models import BoardTotal

    deltas = {k: v for k, v in deltas.items() if v != (0, Decimal("0"))}
    if not deltas:
        return
    with transaction.atomic():
        BoardTotal.objects.bulk_create(
            [BoardTotal(dimension=d, key=k, team_id=t) for d, k, t in deltas], ignore_conflicts=True
        )
        for (dimension, key, team_id), (count, amount) in sorted(deltas.items(), key=str):
            BoardTotal.objects.filter(dimension=dimension, key=key, team_id=team_id).update(
                count=F("count") + count, amount=F("amount") + amount
            )


def moved(before: tuple | None, after: tuple | None) -> None:
    deltas: dict = {}
    add(deltas, before, -1)
    add(deltas, after, +1)
    apply(deltas)


def rebuild() -> int:
    """Recount everything from the opportunities; returns the number of rows written."""
    from .models import BoardTotal, Opportunity

    with transaction.atomic():
        BoardTotal.objects.all().delete()
        rows = []
        for dimension in DIMENSIONS:
            for row in (
                Opportunity.objects.order_by()
                .values(dimension, "team_id")
                .annotate(n=Count("pk"), amount=Sum("estimated_amount"))
            ):
                rows.append(BoardTotal(dimension=dimension, key=row[dimension], team_id=row["team_id"],
                                       count=row["n"], amount=row["amount"] or Decimal("0")))
        BoardTotal.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def recount() -> dict[tuple[str, str, int], tuple[int, Decimal]]:
    """What the table should hold, counted from the opportunities (tests, checks)."""
    from .models import Opportunity

    expected = {}
    for dimension in DIMENSIONS:
        for row in (
            Opportunity.objects.order_by().values(dimension, "team_id")
            .annotate(n=Count("pk"), amount=Sum("estimated_amount"))
        ):
            expected[(dimension, row[dimension], row["team_id"])] = (row["n"], row["amount"] or Decimal("0"))
    return expected


def stored() -> dict[tuple[str, str, int], tuple[int, Decimal]]:
    from .models import BoardTotal

    return {
        (t.dimension, t.key, t.team_id): (t.count, t.amount)
        for t in BoardTotal.objects.exclude(count=0, amount=0)
    }


def column_totals(by: str) -> dict[str, tuple[int, Decimal]]:
    """{column key: (count, amount)} over every team: the unfiltered board of someone who sees
    every opportunity."""
    from .models import BoardTotal

    return {
        row["key"]: (row["n"], row["amount"] or Decimal("0"))
        for row in BoardTotal.objects.filter(dimension=by).values("key")
        .annotate(n=Sum("count"), amount=Sum("amount")).order_by()
    }


# --- saves and deletes of the model ----------------------------------------------------------------
def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._board_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not ({"stage", "progress", "team", "team_id", "estimated_amount"}
                                          & set(update_fields)):
        instance._board_before = "unchanged"
        return
    row = sender.objects.filter(pk=instance.pk).values(*TRACKED).first()
    instance._board_before = _values(row) if row else None


def _after_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    before = getattr(instance, "_board_before", None)
    if raw or before == "unchanged":
        return
    # What this save wrote (not the row read again: the progress refresh may already have moved
    # it, and applies its own delta).
    after = _values(instance)
    if update_fields is not None and before is not None:
        written = {("team_id" if f == "team" else f) for f in update_fields}
        after = tuple(
            new if name in written else old for name, old, new in zip(TRACKED, before, after, strict=True)
        )
    moved(before, after)


def _after_delete(sender, instance, **kwargs):
    moved(_values(instance), None)


def connect() -> None:
    from .models import Opportunity

    pre_save.connect(_before_save, sender=Opportunity, dispatch_uid="board-totals-before-save")
    post_save.connect(_after_save, sender=Opportunity, dispatch_uid="board-totals-after-save")
    post_delete.connect(_after_delete, sender=Opportunity, dispatch_uid="board-totals-after-delete")

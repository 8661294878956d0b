"""A correlated COUNT(*) subquery, for per-person counts over several role columns in one query."""

from django.db.models import F, Func, IntegerField, Subquery
from django.db.models.functions import Coalesce


class _Count(Func):
    function = "COUNT"
    output_field = IntegerField()


def count_subquery(qs):
    """The number of rows of `qs` (which may use OuterRef), as an expression (0 when none)."""
    return Coalesce(Subquery(qs.order_by().annotate(n=_Count(F("pk"))).values("n")[:1]), 0)

"""API pagination (own module: DRF imports it while it is itself being imported)."""

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL
from rest_framework.pagination import PageNumberPagination

_TOTAL = "_counted_total"


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        # Rows counted elsewhere (CountedBy): the page and the total in one statement when the
        # page asked for is a number; DRF's own paging (and its errors) decides the rest.
        if isinstance(queryset, CountedBy):
            page_size = self.get_page_size(request)
            number = request.query_params.get(self.page_query_param) or 1
            try:
                number = int(number)
            except (TypeError, ValueError):
                number = 0
            if page_size and number >= 1:
                queryset.fetch_page((number - 1) * page_size, number * page_size)
        return super().paginate_queryset(queryset, request, view)


class CountedBy:
    """Rows to paginate whose total is counted on another queryset of the same rows: `values()`
    rows that join related tables for a printed column (the opportunity's number, the customer's
    name) are counted without those joins. Only for inner joins along non-null foreign keys, which
    neither add nor remove rows.

    `fetch_page(bottom, top)` (called by `Pagination` before Django's paginator asks) reads that
    slice with the total as one more column — `(SELECT COUNT(*) FROM (<counted>))`, computed once by
    the database — so that the paginator's count and its slice cost one round trip instead of two.
    An empty slice past the first page says nothing of the total: the paginator then counts."""

    def __init__(self, rows, counted, fetch=None):
        # fetch: list of a slice of `rows` (default: list(rows[key]) by Django's iteration)
        self.rows, self.counted, self.fetch = rows, counted, fetch
        self._page = None  # (bottom, top, rows, total or None)

    @property
    def ordered(self) -> bool:
        return self.rows.ordered

    def fetch_page(self, bottom: int, top: int) -> None:
        counted = self.counted.order_by().values("pk")
        try:
            sql, params = counted.query.get_compiler(using=counted.db).as_sql()
        except EmptyResultSet:
            return
        total = RawSQL(f"SELECT COUNT(*) FROM ({sql}) {_TOTAL}", params, output_field=IntegerField())
        sliced = self.rows.annotate(**{_TOTAL: total})[bottom:top]
        fetched = self.fetch(sliced) if self.fetch is not None else list(sliced)
        if fetched and isinstance(fetched[0], dict):
            count = fetched[0][_TOTAL]
            for row in fetched:
                del row[_TOTAL]
        else:
            count = fetched[0][-1] if fetched else None
            fetched = [row[:-1] for row in fetched]
        if not fetched and bottom == 0:
            count = 0
        self._page = (bottom, top, fetched, count)

    def count(self) -> int:
        if self._page is not None and self._page[3] is not None:
            return self._page[3]
        return self.counted.count()

    def __getitem__(self, key):
        page = self._page
        if (page is not None and isinstance(key, slice) and key.step is None and key.start == page[0]
                and key.stop is not None and key.stop <= page[1]):
            return page[2][: key.stop - key.start]
        return self.fetch(self.rows[key]) if self.fetch is not None else self.rows[key]

    def __iter__(self):
        return iter(self.fetch(self.rows) if self.fetch is not None else self.rows)

"""API pagination (own module: DRF imports it while it is itself being imported)."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


class CountedBy:
    """Rows to paginate whose total is counted on another queryset of the same rows: `values()`
    rows that join related tables for a printed column (the opportunity's number, the customer's
    name) are counted without those joins. Only for inner joins along non-null foreign keys, which
    neither add nor remove rows."""

    def __init__(self, rows, counted, fetch=None):
        # fetch: list of a slice of `rows` (default: list(rows[key]) by Django's iteration)
        self.rows, self.counted, self.fetch = rows, counted, fetch

    @property
    def ordered(self) -> bool:
        return self.rows.ordered

    def count(self) -> int:
        return self.counted.count()

    def __getitem__(self, key):
        return self.fetch(self.rows[key]) if self.fetch is not None else self.rows[key]

    def __iter__(self):
        return iter(self.fetch(self.rows) if self.fetch is not None else self.rows)

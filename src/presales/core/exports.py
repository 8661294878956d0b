"""XLSX exports of what a page shows (openpyxl): list pages and dashboard panels.

One workbook layout for every export: a bold header row in the user's language (Chinese by
default), frozen so that it stays in view, an auto filter, column widths from the spec, numbers as
numbers (money with two decimals and a thousands separator, percentages as percentages), dates
and times as real Excel dates in local time (Asia/Shanghai by default), never text.

`XlsxListExport` turns a `ScopedListView` into its own export: `?export=xlsx` on the list's URL
(with the list's query string) answers the same filtered, scoped queryset as a workbook instead of
a page. The rows are bounded (`EXPORT_ROW_LIMIT`); a cut export says so in a last row and in a
response header. The rows are read in chunks with `iterator()`, so memory does not grow with them
and the query count does not depend on the number of rows (the column spec names the relations to
join with `select_related`)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_ROW_LIMIT = 50_000
EXPORT_PARAM = "export"

# Excel number formats by column kind.
FORMATS = {
    "text": "@",
    "int": "#,##0",
    "money": "#,##0.00",
    "decimal": "#,##0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


@dataclass
class Column:
    """One column: its header (translatable), how to read the value from a row (an attribute path
    with dots, or a callable), its kind (a key of FORMATS) and width."""

    header: object
    value: str | Callable
    kind: str = "text"
    width: int = 16

    def read(self, row):
        if callable(self.value):
            return self.value(row)
        obj = row
        for part in self.value.split("."):
            if obj is None:
                return None
            obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
            if callable(obj) and not hasattr(obj, "pk"):
                obj = obj()
        return obj


def choice_label(attr: str) -> Callable:
    """The translated label of a choices field (`get_<attr>_display`)."""
    return lambda row: getattr(row, f"get_{attr}_display")() or ""


def _cell_value(value, kind: str):
    if value is None or value == "":
        return None
    if kind == "datetime" and isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if kind == "date" and isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if kind in ("int",) and isinstance(value, (int, Decimal, float)):
        return int(value)
    if kind in ("money", "decimal", "percent") and isinstance(value, (int, Decimal, float)):
        return float(value)
    if isinstance(value, (date, int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


@dataclass
class Sheet:
    title: object
    columns: list[Column]
    rows: Iterable
    note: str = ""  # a line written under the rows (e.g. the export was cut)
    extra: list = field(default_factory=list)


def workbook_bytes(sheets: list[Sheet], *, limit: int | None = None) -> tuple[bytes, bool]:
    """The workbook (one worksheet per sheet) and whether some sheet was cut at `limit` rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    truncated = False
    for sheet in sheets:
        ws = wb.create_sheet(title=_sheet_title(str(sheet.title)))
        head_font = Font(bold=True)
        head_fill = PatternFill("solid", fgColor="DDEBF7")
        ws.append([str(c.header) for c in sheet.columns])
        for i, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=i)
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(vertical="center")
            ws.column_dimensions[get_column_letter(i)].width = column.width
        count = 0
        for row in sheet.rows:
            if limit is not None and count >= limit:
                truncated = True
                break
            count += 1
            values = [_cell_value(c.read(row), c.kind) for c in sheet.columns]
            ws.append(values)
            for i, column in enumerate(sheet.columns, start=1):
                if column.kind != "text":
                    ws.cell(row=count + 1, column=i).number_format = FORMATS[column.kind]
        ws.freeze_panes = "A2"
        if sheet.columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{max(count + 1, 1)}"
        notes = [sheet.note] if sheet.note else []
        if limit is not None and truncated:
            notes.append(
                _("The export stops at %(limit)s rows: narrow the filters to export the rest.")
                % {"limit": f"{limit:,}"}
            )
        for note in notes:
            ws.append([])
            ws.append([note])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), truncated


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31] or "Sheet"


def xlsx_response(content: bytes, filename: str, *, truncated: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    if truncated:
        response["X-Export-Truncated"] = "1"
    return response


def export_filename(title: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{title}-{stamp}.xlsx"


class XlsxListExport:
    """Mixin for a `ScopedListView`: `?export=xlsx` answers the filtered, scoped list as XLSX.

    Subclasses set `export_columns` (a list of Column), `export_title` and, where the columns read
    relations, `export_select_related`. The list's own `get_queryset()` (scope + filterset) is
    used unchanged, so the export holds exactly the rows the list is filtered to, in its order."""

    export_columns: list[Column] = []
    export_title = ""
    export_select_related: tuple[str, ...] = ()
    export_prefetch_related: tuple[str, ...] = ()
    export_limit = EXPORT_ROW_LIMIT

    def get(self, request, *args, **kwargs):
        if request.GET.get(EXPORT_PARAM) == "xlsx":
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def get_export_queryset(self):
        qs = self.get_queryset()
        if self.export_select_related:
            qs = qs.select_related(*self.export_select_related)
        if self.export_prefetch_related:
            return qs.prefetch_related(*self.export_prefetch_related)[: self.export_limit + 1]
        return qs[: self.export_limit + 1].iterator(chunk_size=2000)

    def export_xlsx(self):
        title = str(self.export_title)
        sheet = Sheet(title=title, columns=self.export_columns, rows=self.get_export_queryset())
        content, truncated = workbook_bytes([sheet], limit=self.export_limit)
        return xlsx_response(content, export_filename(title), truncated=truncated)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query[EXPORT_PARAM] = "xlsx"
        ctx["export_url"] = f"{self.request.path}?{query.urlencode()}"
        return ctx

"""Reading measurements from a CSV or XLSX file (no database): one row per measurement, a
header row naming the columns. Each row is checked on its own and every problem is reported with
its row number; the service imports the file only when no row has a problem (all or nothing).

Columns (English or Chinese headers, any order; extra columns are ignored):
  criterion / 指标      the criterion's name, or its number in the POC's list (1, 2, 3...)
  measured_at / 时间    2026-05-04 14:30, 2026-05-04T14:30:00+08:00, 2026/5/4 or an Excel date;
                        a time without a zone is Beijing time (the company's time zone)
  value / 数值          a decimal number in the criterion's unit ("1,234.5" and "85%" are read)
  note / 备注           optional
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

MAX_ROWS = 5000
HEADERS = {
    "criterion": ("criterion", "metric", "指标", "成功标准", "指标名称"),
    "measured_at": ("measured_at", "time", "date", "时间", "测量时间", "日期"),
    "value": ("value", "数值", "测量值", "值"),
    "note": ("note", "备注", "说明"),
}
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")


@dataclass
class ParsedRow:
    row: int  # the row number in the file (the header is row 1)
    criterion_ref: str
    measured_at: datetime | None
    value: Decimal | None
    note: str
    errors: list[str] = field(default_factory=list)


class FileUnreadable(Exception):
    pass


def read_table(content: bytes, file_name: str) -> list[list]:
    """The file's cells, row by row (header included)."""
    name = file_name.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any parser failure means "not a readable workbook"
            raise FileUnreadable(_("This is not a readable XLSX workbook.")) from exc
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    if name.endswith(".csv") or name.endswith(".txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes nearly anything
            raise FileUnreadable(_("The CSV file is neither UTF-8 nor GB18030 text."))
        return [row for row in csv.reader(io.StringIO(text))]
    raise FileUnreadable(_("Upload a .csv or .xlsx file."))


def _columns(header: list) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(header):
        text = str(cell or "").strip().lower()
        for key, names in HEADERS.items():
            if text in names and key not in found:
                found[key] = index
    return found


def _parse_datetime(cell) -> datetime | None:
    if isinstance(cell, datetime):
        value = cell
    elif isinstance(cell, date):
        value = datetime(cell.year, cell.month, cell.day)
    else:
        text = str(cell or "").strip()
        if not text:
            return None
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            for fmt in DATETIME_FORMATS:
                try:
                    value = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            else:
                return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _parse_decimal(cell) -> Decimal | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, Decimal)):
        return Decimal(cell)
    if isinstance(cell, float):
        return Decimal(repr(cell))
    text = str(cell or "").strip().replace(",", "").replace("，", "").rstrip("%").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse(content: bytes, file_name: str) -> tuple[list[ParsedRow], list[str]]:
    """The rows with their own problems, and the problems of the file as a whole."""
    try:
        table = read_table(content, file_name)
    except FileUnreadable as exc:
        return [], [str(exc)]
    table = [r for r in table if any(str(c or "").strip() for c in r)] if table else []
    if not table:
        return [], [_("The file is empty.")]
    columns = _columns(table[0])
    missing = [key for key in ("criterion", "measured_at", "value") if key not in columns]
    if missing:
        return [], [_("The header row must name the columns criterion, measured_at and value (or 指标, 时间, "
                      "数值); missing: %(columns)s.") % {"columns": ", ".join(missing)}]
    if len(table) - 1 > MAX_ROWS:
        return [], [_("At most %(max)s rows per file.") % {"max": MAX_ROWS}]
    if len(table) == 1:
        return [], [_("The file has a header but no measurement.")]

    def cell(row, key):
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    parsed = []
    for number, row in enumerate(table[1:], start=2):
        item = ParsedRow(row=number, criterion_ref=str(cell(row, "criterion") or "").strip(),
                         measured_at=_parse_datetime(cell(row, "measured_at")),
                         value=_parse_decimal(cell(row, "value")), note=str(cell(row, "note") or "").strip()[:255])
        if not item.criterion_ref:
            item.errors.append(_("The criterion is missing."))
        if item.measured_at is None:
            item.errors.append(_("“%(text)s” is not a date and time (e.g. 2026-05-04 14:30).")
                               % {"text": cell(row, "measured_at") or ""})
        if item.value is None:
            item.errors.append(_("“%(text)s” is not a number.") % {"text": cell(row, "value") or ""})
        parsed.append(item)
    return parsed, []

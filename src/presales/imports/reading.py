"""Reading a CRM export (CSV or XLSX) into a header and rows, with tablib. CSV files may be UTF-8
(with or without a byte-order mark, as Excel writes it) or GB18030 (GBK: what Chinese Excel and
most Chinese CRMs write). An XLSX file is read from its first (active) worksheet. Rows whose cells
are all empty are dropped, their row numbers kept for the others."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from .spec import is_blank, text_of

EXTENSIONS = (".csv", ".xlsx")


class FileRefused(ValueError):
    """The file cannot be imported at all; the message is translated and says why."""


@dataclass
class Table:
    headers: list[str]
    # (row number as a spreadsheet shows it — the header is row 1 —, {header: cell})
    rows: list[tuple[int, dict[str, object]]]


def max_rows() -> int:
    return int(getattr(settings, "PRESALES_IMPORT_MAX_ROWS", 20_000))


def max_bytes() -> int:
    return int(getattr(settings, "PRESALES_IMPORT_MAX_MB", 20)) * 1024 * 1024


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(_("The CSV file is neither UTF-8 nor GB18030 text."))  # pragma: no cover


def read_table(content: bytes, file_name: str) -> Table:
    import tablib

    name = (file_name or "").lower()
    if not name.endswith(EXTENSIONS):
        raise FileRefused(_("Upload a .csv or .xlsx file."))
    if not content:
        raise FileRefused(_("The file is empty."))
    if len(content) > max_bytes():
        raise FileRefused(
            _("The file is larger than %(mb)s MB: split it into several files.")
            % {"mb": getattr(settings, "PRESALES_IMPORT_MAX_MB", 20)}
        )
    try:
        if name.endswith(".xlsx"):
            if not content.startswith(b"PK"):
                raise FileRefused(_("This is not a readable XLSX workbook."))
            dataset = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        else:
            dataset = tablib.Dataset().load(_decode(content), format="csv")
    except FileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure: the file is not readable as such
        if name.endswith(".xlsx"):
            raise FileRefused(_("This is not a readable XLSX workbook.")) from exc
        raise FileRefused(
            _("The CSV file cannot be read: every row must have at most as many cells as the header.")
        ) from exc
    raw_headers = list(dataset.headers or [])
    headers = [text_of(h) if not is_blank(h) else "" for h in raw_headers]
    named = [h for h in headers if h]
    if not named:
        raise FileRefused(_("The first row must name the columns; it is empty."))
    duplicates = sorted({h for h in named if named.count(h) > 1})
    if duplicates:
        raise FileRefused(
            _("Two columns have the same header: %(headers)s. Rename one of them.")
            % {"headers": "、".join(duplicates)}
        )
    rows: list[tuple[int, dict[str, object]]] = []
    for index, values in enumerate(dataset, start=2):
        cells = {h: v for h, v in zip(headers, values, strict=False) if h}
        if all(is_blank(v) for v in cells.values()):
            continue
        rows.append((index, cells))
        if len(rows) > max_rows():
            raise FileRefused(
                _("The file has more than %(max)s rows: split it into several files.")
                % {"max": f"{max_rows():,}"}
            )
    if not rows:
        raise FileRefused(_("The file has a header but no rows."))
    return Table(headers=[h for h in headers if h], rows=rows)

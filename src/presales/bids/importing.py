"""Reading a specification deviation table from a CSV or XLSX file (no database). A header row
names the columns (English or Chinese, any order; extra columns ignored):

  item_no / 序号            1, 2, 3... unique and increasing down the file
  requirement / 招标要求    the tender's requirement; a leading ★ (or *) marks it mandatory
  mandatory / 实质性条款    optional: yes/no, 是/否, ★, 1/0
  response / 投标响应       our response
  deviation / 偏离类型      无偏离 / 正偏离 / 负偏离 (or none / positive / negative; 无 / 正 / 负)
  explanation / 偏离说明    required for a positive or negative deviation

Each row is checked on its own and every problem reported with its row number (the header is
row 1); the service imports the file only when no row has a problem (all or nothing).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_ROWS = 2000
HEADERS = {
    "item_no": ("item_no", "no", "no.", "item", "序号", "条目号", "编号"),
    "requirement": ("requirement", "tender requirement", "招标要求", "招标文件要求", "技术要求", "招标规格"),
    "mandatory": ("mandatory", "substantive", "实质性条款", "实质性", "★", "是否实质性条款"),
    "response": ("response", "our response", "投标响应", "响应", "投标规格", "响应情况"),
    "deviation": ("deviation", "偏离类型", "偏离", "偏离情况"),
    "explanation": ("explanation", "偏离说明", "说明", "备注"),
}
REQUIRED = ("item_no", "requirement", "response", "deviation")
DEVIATIONS = {
    "none": "none", "无偏离": "none", "无": "none", "": "none",
    "positive": "positive", "正偏离": "positive", "正": "positive", "+": "positive",
    "negative": "negative", "负偏离": "negative", "负": "negative", "-": "negative",
}
YES = {"yes", "y", "true", "1", "是", "★", "*", "x"}
NO = {"no", "n", "false", "0", "否", ""}
MANDATORY_MARKS = ("★", "*")


class FileUnreadable(Exception):
    pass


@dataclass
class ParsedRow:
    row: int
    item_no: int | None
    requirement: str
    mandatory: bool
    response: str
    deviation: str
    explanation: str
    errors: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    rows: list[ParsedRow]
    file_errors: list[str]


def read_table(content: bytes, file_name: str) -> list[list]:
    name = file_name.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any parser failure means "not a readable workbook"
            raise FileUnreadable(_("This is not a readable XLSX workbook.")) from exc
        rows = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
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
        return list(csv.reader(io.StringIO(text)))
    raise FileUnreadable(_("Upload a .csv or .xlsx file."))


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _columns(header: list) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = _text(cell).lower()
        for key, names in HEADERS.items():
            if text in names and key not in found:
                found[key] = index
    return found


def parse(content: bytes, file_name: str) -> Parsed:
    from .services import deviation_errors

    table = read_table(content, file_name)
    table = [r for r in table if any(_text(c) for c in r)]
    if not table:
        return Parsed(rows=[], file_errors=[_("The file is empty.")])
    columns = _columns(table[0])
    missing = [k for k in REQUIRED if k not in columns]
    if missing:
        return Parsed(rows=[], file_errors=[_("Missing columns: %(columns)s (expected e.g. 序号, 招标要求, 投标响应, "
                                              "偏离类型, 偏离说明).") % {"columns": ", ".join(missing)}])
    if len(table) - 1 > MAX_ROWS:
        return Parsed(rows=[], file_errors=[_("At most %(max)s rows per file.") % {"max": MAX_ROWS}])

    def cell(values, key):
        index = columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    rows: list[ParsedRow] = []
    seen: dict[int, int] = {}
    previous: int | None = None
    for number, values in enumerate(table[1:], start=2):
        errors: list[str] = []
        raw_no = _text(cell(values, "item_no"))
        item_no = None
        try:
            item_no = int(raw_no)
        except ValueError:
            errors.append(_("“%(value)s” is not an item number.") % {"value": raw_no} if raw_no
                          else _("The item number is missing."))
        requirement = _text(cell(values, "requirement"))
        mandatory = requirement.startswith(MANDATORY_MARKS)
        if mandatory:
            requirement = requirement.lstrip("★* ").strip()
        raw_mandatory = _text(cell(values, "mandatory")).lower()
        if raw_mandatory in YES:
            mandatory = True
        elif raw_mandatory not in NO:
            errors.append(_("“%(value)s” is not yes or no (mandatory).") % {"value": raw_mandatory})
        raw_deviation = _text(cell(values, "deviation")).lower()
        deviation = DEVIATIONS.get(raw_deviation)
        if deviation is None:
            errors.append(_("“%(value)s” is not a deviation type (无偏离, 正偏离, 负偏离).") % {"value": raw_deviation})
            deviation = "none"
        row = ParsedRow(row=number, item_no=item_no, requirement=requirement, mandatory=mandatory,
                        response=_text(cell(values, "response")), deviation=deviation,
                        explanation=_text(cell(values, "explanation")), errors=errors)
        for messages in deviation_errors(item_no=item_no if item_no is not None else 1, requirement=row.requirement,
                                         response=row.response, deviation=deviation,
                                         explanation=row.explanation).values():
            errors.extend(messages)
        if item_no is not None:
            if item_no in seen:
                errors.append(_("Item number %(no)s is used twice (rows %(first)s and %(row)s).")
                              % {"no": item_no, "first": seen[item_no], "row": number})
            elif previous is not None and item_no < previous:
                errors.append(_("Item number %(no)s comes after %(previous)s: number the rows in order.")
                              % {"no": item_no, "previous": previous})
            seen.setdefault(item_no, number)
            previous = item_no if previous is None else max(previous, item_no)
        rows.append(row)
    return Parsed(rows=rows, file_errors=[])

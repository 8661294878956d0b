"""Reading CRM cells and headers (no database)."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from presales.imports.spec import (
    CellError,
    auto_columns,
    fields_of,
    normalise,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_text,
)


def test_headers_in_chinese_and_english_are_recognised():
    headers = ["Account ID", "客户名称", "Industry", "所属区域", "Account Owner", "售前负责人", "备用列"]
    columns = auto_columns("customers", headers)
    assert columns == {
        "Account ID": "external_id", "客户名称": "name", "Industry": "industry",
        "Account Owner": "sales_owner", "售前负责人": "presales_owner",
    }
    # a remembered mapping wins, and a field is never mapped twice
    remembered = {"所属区域": "region", "备用列": "name"}
    columns = auto_columns("customers", headers, remembered)
    assert columns["所属区域"] == "region" and columns["备用列"] == "name" and "客户名称" not in columns
    assert auto_columns("opportunities", ["商机编号", "Opportunity Name", "销售阶段", "Close Date"]) == {
        "商机编号": "external_id", "Opportunity Name": "name", "销售阶段": "stage",
        "Close Date": "expected_close_on",
    }


def test_normalise_ignores_case_width_spaces_and_punctuation():
    assert normalise(" Account_Name ") == normalise("account-name") == "accountname"
    assert normalise("客户名称（必填）") == normalise("客户名称(必填)")


@pytest.mark.parametrize(
    ("field", "cell", "code"),
    [
        ("stage", "Closed Won", "won"), ("stage", "赢单", "won"), ("stage", "需求确认", "discovery"),
        ("stage", "商务谈判", "negotiation"), ("stage", "negotiation", "negotiation"),
        ("industry", "储能", "energy_storage"), ("industry", "电力与公用事业", "power"),
        ("industry", "Banking", "finance"), ("source", "展会", "event"),
    ],
)
def test_choice_values_by_code_label_or_crm_wording(field, cell, code):
    assert parse_choice(fields_of("opportunities")[field], cell) == code


def test_choice_value_mapped_by_the_user_and_unknown_values():
    stage = fields_of("opportunities")["stage"]
    assert parse_choice(stage, "阶段A", {"阶段A": "solution"}) == "solution"
    with pytest.raises(CellError):
        parse_choice(stage, "阶段A")
    size = fields_of("customers")["size"]
    assert parse_choice(size, "1,200") == "l" and parse_choice(size, 50) == "s" and parse_choice(size, "20000人") == "xxl"


def test_numbers_dates_booleans_and_text():
    assert parse_decimal("1,234.5") == Decimal("1234.50")
    assert parse_decimal("12.5万") == Decimal("125000.00") and parse_decimal("￥3,000元") == Decimal("3000.00")
    assert parse_decimal(0.1) == Decimal("0.10") and parse_decimal(7) == Decimal("7.00")
    for bad in ("abc", True, "1e400", "NaN"):
        with pytest.raises(CellError):
            parse_decimal(bad)
    assert parse_date("2026/6/30") == parse_date("2026年6月30日") == parse_date(datetime(2026, 6, 30, 9)) == date(2026, 6, 30)
    with pytest.raises(CellError):
        parse_date("下个月")
    assert parse_bool("是") is True and parse_bool("No") is False
    with pytest.raises(CellError):
        parse_bool("也许")
    with pytest.raises(CellError):
        parse_text(fields_of("customers")["short_name"], "长" * 65)

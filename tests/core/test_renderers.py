"""core.renderers.JSONRenderer (orjson) writes what DRF's JSONRenderer writes, byte for byte, with
one exception: a float below 1e-4 in magnitude has its exponent without a leading zero (1.5e-7,
where Python writes 1.5e-07): the same number for any JSON reader."""

import json

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import orjson
import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict

from presales.core.renderers import JSONRenderer

SHANGHAI = ZoneInfo("Asia/Shanghai")
VALUES = [
    None, True, False, 0, -7, 2**63 - 1, 2**70, 0.1, 1e16, 1.5e-7, -0.0, 123456789.125,
    "", "售前管理系统", 'quote " backslash \\ slash /', "\x00\x1f\t\n\r\b\f\x7f", "line\u2028para\u2029end", "😀",
    Decimal("12.50"), Decimal("1E+3"), dt.date(2026, 12, 6), dt.time(9, 30, 15, 120),
    dt.datetime(2026, 12, 6, 8, 0, 0, 123456, tzinfo=dt.UTC), dt.datetime(2026, 12, 6, 16, 0, tzinfo=SHANGHAI),
    dt.datetime(2026, 12, 6, 16, 0), dt.timedelta(hours=25, seconds=1), uuid.UUID(int=12345),
    gettext_lazy("All"), b"bytes", ("a", 1), [1, [2, [3]]], {"键": {"值": [None]}}, {1: "int key", 2.5: "float"},
    ReturnDict({"id": 1, "name": "名称"}, serializer=None),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_same_bytes_as_drf(value):
    ours, drf = JSONRenderer(), DRFJSONRenderer()
    for data in (value, {"value": value, "list": [value, value]}):
        try:
            expected = drf.render(data)
        except (TypeError, ValueError):
            with pytest.raises((TypeError, ValueError)):
                ours.render(data)
            continue
        if isinstance(value, float) and 0 < abs(value) < 1e-4:
            assert json.loads(ours.render(data)) == json.loads(expected)
            assert ours.render(data).replace(b"e-", b"e-0") == expected
            continue
        assert ours.render(data) == expected


def test_indented_and_empty_responses_as_drf():
    ours, drf = JSONRenderer(), DRFJSONRenderer()
    data = {"a": [1, {"b": "中文"}]}
    media = "application/json; indent=4"
    assert ours.render(data, media, {}) == drf.render(data, media, {}) and b"\n    " in ours.render(data, media, {})
    assert ours.render(None) == b""


@pytest.mark.django_db
def plain(data):
    """The data with each orjson.Fragment (a row whose JSON PostgreSQL wrote, core.lean.JsonRows)
    turned back into the Python values it holds: what DRF's renderer can write."""
    if isinstance(data, orjson.Fragment):
        return orjson.loads(orjson.dumps(data))
    if isinstance(data, dict):
        return {key: plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [plain(value) for value in data]
    return data


def test_api_responses_are_rendered_by_it_as_drf_would(client, cast):
    from tests.factories.poc import add_criterion, make_opportunity, make_poc

    poc = make_poc(cast, opportunity=make_opportunity(cast, name="渲染测试 \u2028 商机"))
    add_criterion(poc, cast.engineer_a)
    client.force_login(cast.manager)
    for url in ("/api/pocs/", f"/api/pocs/{poc.pk}/", f"/api/poc-criteria/?poc={poc.pk}", "/api/customers/",
                "/api/opportunities/"):
        response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, url
        assert isinstance(response.accepted_renderer, JSONRenderer)
        assert response.content == DRFJSONRenderer().render(plain(response.data)), url

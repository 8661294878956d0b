"""The POC list's rows written as JSON by PostgreSQL (core.lean.JsonRows, issue 15): byte for byte
what PocSerializer prints, rendered by the API's renderer, for values that test the escaping,
every kind of time stamp and time zone, empty and missing values, and every combination that
decides "confirmed"; a value the SQL cannot prove the same sends the page to the Python path."""

import datetime as dt
import itertools

import orjson
import pytest
from django.db import connection
from django.utils import timezone

from presales.core.renderers import JSONRenderer
from presales.poc.api.serializers import POC_JSON, POC_READER, PocSerializer
from presales.poc.models import LAUNCH_CONFIRMED_SQL, Poc, launch_confirmed
from tests.factories.poc import make_poc

pytestmark = pytest.mark.django_db

ZONES = [None, "UTC", "America/New_York", "Asia/Kathmandu"]  # default Asia/Shanghai; DST; +05:45
TEXTS = ['a", "b', '\\", "\\', '引号 " 反斜杠 \\ 斜杠 /', "控制\x01\x08\x0c\x1f\t\n\r字符", "行\u2028段\u2029尾", "😀 emoji", "", "plain"]


def rendered(data) -> bytes:
    return JSONRenderer().render(data)


def expected_page(pocs_in_order, count):
    return rendered({"count": count, "next": None, "previous": None,
                     "results": PocSerializer(pocs_in_order, many=True).data})


@pytest.fixture
def pocs(cast):
    made = []
    for i, text in enumerate(TEXTS):
        poc = make_poc(cast, title=f"POC {i}")
        # Old or imported data may hold what the forms refuse: written directly.
        Poc.objects.filter(pk=poc.pk).update(title=f"{text}{i}", hypotheses=[text, f"假设{i}"] if i % 4 != 3 else [])
        made.append(poc)
    base = dt.datetime(2026, 3, 8, 6, 59, 59, tzinfo=dt.UTC)  # the night New York moves its clocks
    for i, poc in enumerate(made):
        Poc.objects.filter(pk=poc.pk).update(
            our_company=TEXTS[i - 1], conclusion=TEXTS[i - 2], next_step_other=TEXTS[i - 3],
            our_escalation_phone="+86 (21) 5555-0100", response_hours=1 + i * 7,
            status_changed_at=base + dt.timedelta(hours=i, microseconds=0 if i % 2 else 123456 * i),
            started_at=None if i == 0 else base - dt.timedelta(days=400 * i, microseconds=1),
            ended_at=base + dt.timedelta(minutes=i * 61) if i % 2 else None,
            planned_start_on=None if i == 1 else dt.date(2026, 1, 1) + dt.timedelta(days=i * 40),
            created_at=base + dt.timedelta(seconds=i),
        )
    return made


def page_of(client, cast):
    client.force_login(cast.manager)
    return client.get("/api/pocs/?page_size=100", HTTP_ACCEPT="application/json")


@pytest.mark.parametrize("zone", ZONES)
def test_the_page_is_what_the_serializer_prints(client, cast, pocs, zone):
    with timezone.override(zone or timezone.get_default_timezone()):
        response = page_of(client, cast)
        shown = Poc.objects.select_related("opportunity", "customer").order_by("-created_at")
        assert response.content == expected_page(shown, len(pocs))
        # On PostgreSQL the rows were written by the database (not the Python path's output).
        rows = POC_JSON.fetch(Poc.objects.order_by("-created_at").values_list(*POC_READER.columns))
        if connection.vendor == "postgresql":
            assert rows is not None and len(rows) == len(pocs)
            python = POC_READER.represent(list(Poc.objects.order_by("-created_at").values_list(*POC_READER.columns)),
                                          tuples=True)
            assert [orjson.dumps(r[0]) for r in rows] == [orjson.dumps(item) for item in python]
        else:
            assert rows is None  # SQLite: the Python path


def test_confirmed_is_launch_confirmed_for_every_combination(client, cast):
    poc = make_poc(cast)
    values = {
        "confirmation_method": ["signed", "email", ""],
        "our_signatory": ["", "王经理"], "our_signed_on": [None, dt.date(2026, 12, 1)],
        "customer_signatory": ["", "陈总"], "customer_signed_on": [None, dt.date(2026, 12, 2)],
        "email_reference": ["", "邮件"],
    }
    combos = [dict(zip(values, combo, strict=True)) for combo in itertools.product(*values.values())]
    client.force_login(cast.manager)
    for combo in combos:
        Poc.objects.filter(pk=poc.pk).update(**combo)
        listed = client.get("/api/pocs/", HTTP_ACCEPT="application/json").json()["results"][0]
        assert listed["confirmed"] is launch_confirmed(combo["confirmation_method"], **{
            k: v for k, v in combo.items() if k != "confirmation_method"}), combo
    assert len(combos) == 96
    assert "{confirmation_method}" in LAUNCH_CONFIRMED_SQL


def test_a_list_that_is_not_all_text_goes_through_python(client, cast, pocs):
    """Imported data with a number in the hypotheses: the SQL cannot prove DRF's str() of it, so
    the page is read the usual way, with the same output."""
    Poc.objects.filter(pk=pocs[0].pk).update(hypotheses=[1, "二", None, True])
    Poc.objects.filter(pk=pocs[1].pk).update(hypotheses={"not": "a list"})
    rows = POC_JSON.fetch(Poc.objects.order_by("-created_at").values_list(*POC_READER.columns))
    assert rows is None
    response = page_of(client, cast)
    shown = Poc.objects.select_related("opportunity", "customer").order_by("-created_at")
    assert response.content == expected_page(shown, len(pocs))


def test_pages_filters_and_orderings_are_the_viewsets(client, cast, pocs):
    client.force_login(cast.manager)
    for query, qs in [
        ("?page_size=2&page=2", Poc.objects.order_by("-created_at")[2:4]),
        ("?ordering=number&page_size=3", Poc.objects.order_by("number")[:3]),
        ("?status=draft&page_size=100", Poc.objects.filter(status="draft").order_by("-created_at")),
    ]:
        body = client.get(f"/api/pocs/{query}", HTTP_ACCEPT="application/json").json()
        ids = [row["id"] for row in body["results"]]
        assert ids == [p.pk for p in qs], query
    assert client.get("/api/pocs/?page=99", HTTP_ACCEPT="application/json").status_code == 404


def test_the_browsable_api_and_an_indented_answer_still_work(client, cast, pocs):
    client.force_login(cast.manager)
    html = client.get("/api/pocs/", HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and b"POC" in html.content
    indented = client.get("/api/pocs/", HTTP_ACCEPT="application/json; indent=2")
    assert indented.status_code == 200 and b'\n  "count": ' in indented.content
    assert indented.json()["count"] == len(pocs)

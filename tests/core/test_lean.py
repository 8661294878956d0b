"""The lean read path (core.lean, issue 15) prints exactly what the serializers print: the POC
list, the POC detail with its criteria and the criteria list are compared byte for byte with
PocSerializer / PocDetailSerializer / CriterionSerializer on records that fill every field, in
the default time zone and in UTC (a `Z` instead of `+00:00`)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from presales.core.lean import LeanReader
from presales.core.serializers import ReadOnceModelSerializer
from presales.poc import services
from presales.poc.api.serializers import CriterionSerializer, PocDetailSerializer, PocSerializer
from presales.poc.models import CriterionGuide, Poc, SuccessCriterion
from tests.factories.poc import add_criterion, complete, make_poc, running_poc

pytestmark = pytest.mark.django_db


def as_json(data) -> bytes:
    return JSONRenderer().render(data)


@pytest.fixture
def pocs(cast):
    """A running POC with every field filled, a confirmed one by e-mail, a bare draft, and a POC
    whose criterion has a baseline, a reference, a guide, an agreement date and notes."""
    full = running_poc(cast, next_step="other", next_step_other="扩大试点",
                       hypotheses=["假设一：响应时间≤80ms", "假设二：吞吐量≥1000 TPS", "三"])
    Poc.objects.filter(pk=full.pk).update(verdict="passed", conclusion="通过，启动商务谈判",
                                          ended_at=timezone.now().replace(microsecond=0))
    emailed = make_poc(cast, title="邮件确认的POC")
    services.poc_confirm_launch(actor=cast.engineer_a, poc=emailed, method="email", customer_signatory="陈总",
                                customer_signed_on=timezone.localdate(),
                                email_reference="2026-12-01 陈总邮件确认")
    bare = make_poc(cast, title="草稿", planned_start_on=None, planned_end_on=None)
    Poc.objects.filter(pk=bare.pk).update(hypotheses=[])  # old or imported data (see complete())
    guided = complete(make_poc(cast, title="相对指标"), cast.engineer_a)
    guide = CriterionGuide.objects.create(industry="energy_storage", scenario="储能", metric="效率", unit="%",
                                          direction="higher", form="relative", baseline=Decimal("80"),
                                          pass_level=Decimal("10"), excellent_level=Decimal("20"),
                                          created_by=cast.manager)
    add_criterion(guided, cast.engineer_a, name="效率提升", unit="%", direction="higher", form="relative",
                  baseline=Decimal("80.5"), pass_level=Decimal("10"), excellent_level=Decimal("20.25"),
                  data_source="third_party", data_source_detail="CNAS 实验室", comparison_baseline="现有产线",
                  agreed=True, agreed_on=timezone.localdate() - timedelta(days=2), notes="客户要求第三方复核",
                  guide=guide, is_key=False)
    add_criterion(guided, cast.engineer_a, name="良率", unit="%", direction="higher", form="ratio",
                  reference=Decimal("99.5"), pass_level=Decimal("95"), excellent_level=None, data_source="",
                  sample_size=None, agreed=False, is_key=False)
    return [full, emailed, bare, guided]


@pytest.mark.parametrize("zone", [None, "UTC"])
def test_list_detail_and_criteria_print_what_the_serializers_print(client, cast, pocs, zone):
    client.force_login(cast.manager)
    with timezone.override(zone) if zone else timezone.override(timezone.get_current_timezone()):
        listed = client.get("/api/pocs/?page_size=100", HTTP_ACCEPT="application/json")
        shown = Poc.objects.select_related("opportunity", "customer").order_by("-created_at")
        expected = PocSerializer(shown, many=True).data
        assert listed.json()["count"] == len(pocs)
        assert as_json(listed.json()["results"]) == as_json(expected)
        for poc in pocs:
            detail = client.get(f"/api/pocs/{poc.pk}/", HTTP_ACCEPT="application/json")
            fresh = Poc.objects.prefetch_related("criteria").get(pk=poc.pk)
            assert detail.content == as_json(PocDetailSerializer(fresh).data)
            assert detail["ETag"] == f'"{fresh.version}"'
            criteria = client.get(f"/api/poc-criteria/?poc={poc.pk}", HTTP_ACCEPT="application/json")
            rows = SuccessCriterion.objects.filter(poc=poc).order_by("-is_key", "position")
            assert as_json(criteria.json()["results"]) == as_json(CriterionSerializer(rows, many=True).data)
    # every kind of value was exercised
    full = client.get(f"/api/pocs/{pocs[0].pk}/", HTTP_ACCEPT="application/json").json()
    assert full["confirmed"] and full["started_at"] and full["ended_at"] and full["verdict"] == "passed"
    assert client.get(f"/api/pocs/{pocs[1].pk}/", HTTP_ACCEPT="application/json").json()["confirmed"] is True
    guided = client.get(f"/api/pocs/{pocs[3].pk}/", HTTP_ACCEPT="application/json").json()["criteria"]
    assert {c["guide"] is not None for c in guided} == {True, False}


def test_filters_paging_and_ordering_still_apply(client, cast, pocs):
    client.force_login(cast.manager)
    running = client.get("/api/pocs/?status=running", HTTP_ACCEPT="application/json").json()
    assert [p["id"] for p in running["results"]] == [pocs[0].pk]
    page = client.get("/api/pocs/?page_size=2&page=2&ordering=created_at",
                      HTTP_ACCEPT="application/json").json()
    assert page["count"] == 4 and [p["id"] for p in page["results"]] == [pocs[2].pk, pocs[3].pk]
    assert client.get("/api/pocs/?status=nonsense", HTTP_ACCEPT="application/json").status_code == 400


def test_the_scope_is_the_same(client, cast, pocs):
    """An engineer of another team sees none of team A's POCs, in the list or by id (404)."""
    client.force_login(cast.engineer_b)
    assert client.get("/api/pocs/", HTTP_ACCEPT="application/json").json()["count"] == 0
    assert client.get(f"/api/pocs/{pocs[0].pk}/", HTTP_ACCEPT="application/json").status_code == 404
    assert client.get("/api/pocs/abc/", HTTP_ACCEPT="application/json").status_code == 404


def test_a_source_that_is_not_a_column_must_be_given():
    class Shown(ReadOnceModelSerializer):
        confirmed = serializers.BooleanField(source="is_confirmed", read_only=True)

        class Meta:
            model = Poc
            fields = ["id", "confirmed"]

    with pytest.raises(ImproperlyConfigured, match="is_confirmed"):
        LeanReader(Shown).columns  # noqa: B018
    assert LeanReader(Shown, computed={"confirmed": lambda row: False}).columns == ("id",)


def test_the_browsable_api_still_edits_the_record(client, cast, pocs):
    """The HTML view of a POC takes the usual path: its edit form is the record's (the opportunity
    is fixed once the POC exists), not a blank form listing every opportunity."""
    client.force_login(cast.manager)
    page = client.get(f"/api/pocs/{pocs[0].pk}/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    html = page.content.decode()
    assert pocs[0].number in html and 'name="title"' in html
    assert 'name="opportunity"' not in html


@pytest.mark.parametrize("query", [
    "", "page_size=2", "page_size=2&page=2", "page_size=3&page=2", "page_size=2&page=3",
    "page=last&page_size=3", "page_size=2&page=0", "page_size=2&page=-1", "page_size=2&page=x",
    "page_size=2&page=2.0", "page_size=0",
    "page_size=500", "page=2", "ordering=created_at&page_size=3", "ordering=created_at&page_size=3&page=2",
])
def test_the_page_with_its_total_in_one_statement_pages_as_drf(client, cast, pocs, query):
    """core.pagination.CountedBy reads the page and the total together: the API answers what DRF's
    paging of the same rows answers (status, total, links, rows; 404 past the last page)."""
    from rest_framework.exceptions import NotFound
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from presales.core.pagination import Pagination

    client.force_login(cast.manager)
    url = f"/api/pocs/?{query}"
    response = client.get(url, HTTP_ACCEPT="application/json")
    request = Request(APIRequestFactory().get(url))
    order = "created_at" if "ordering" in query else "-created_at"
    rows = Poc.objects.visible_to(cast.manager).order_by(order)
    paginator = Pagination()
    try:
        page = paginator.paginate_queryset(rows, request)
    except NotFound:
        assert response.status_code == 404
        return
    body = response.json()
    assert response.status_code == 200
    assert (body["count"], body["next"], body["previous"]) == (
        paginator.page.paginator.count, paginator.get_next_link(), paginator.get_previous_link())
    assert [p["id"] for p in body["results"]] == [poc.pk for poc in page]


def test_an_empty_first_page_has_a_total_of_zero(client, cast, pocs):
    client.force_login(cast.engineer_b)
    body = client.get("/api/pocs/?page_size=2", HTTP_ACCEPT="application/json").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}

"""The KPI library API: access, writes through the services, field errors, 412/428 on versions,
AHP and rule-try endpoints, and constant query counts."""

import json

import pytest

from presales.kpi import services
from presales.kpi.models import Indicator, IndicatorReview, IndicatorVersion, Scheme, SchemeItem
from tests.factories.kpi import make_indicator, make_scheme
from tests.kit import assert_constant_queries, assert_refused, check_access, snapshot

pytestmark = pytest.mark.django_db

EVERYONE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"]
NON_EDITORS = ["lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"]


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def patch(client, url, data, **headers):
    return client.patch(url, json.dumps(data), content_type="application/json", **headers)


def test_read_access(client, cast):
    indicator = make_indicator(cast.manager)
    draft, active = make_scheme(cast.manager), make_scheme(cast.manager, activate=True)
    for url in ("/api/kpi-indicators/", f"/api/kpi-indicators/{indicator.pk}/", "/api/kpi-indicator-reviews/",
                "/api/kpi-schemes/", f"/api/kpi-schemes/{active.pk}/", "/api/kpi-scheme-items/",
                f"/api/kpi-scheme-items/{active.items.first().pk}/"):
        check_access(client, cast, url, permitted=EVERYONE, api=True)
    for url in (f"/api/kpi-schemes/{draft.pk}/", f"/api/kpi-scheme-items/{draft.items.first().pk}/"):
        check_access(client, cast, url, permitted=["manager"], hidden=NON_EDITORS, api=True)


def test_non_editors_cannot_write(client, cast):
    indicator = make_indicator(cast.manager)
    active = make_scheme(cast.manager, activate=True)
    before = snapshot(Indicator, Scheme, SchemeItem, IndicatorReview)
    check_access(client, cast, "/api/kpi-indicators/", method="post", api=True, permitted=[], forbidden=NON_EDITORS,
                 data={"code": "API-X", "name": "x", "dimension": "results", "data_source": "manual",
                       "rule_type": "manual", "max_points": "10"})
    check_access(client, cast, "/api/kpi-indicator-reviews/", method="post", api=True, permitted=[],
                 forbidden=NON_EDITORS,
                 data={"indicator": indicator.pk, "quarter": "2026Q3", "decision": "keep", "reason": "x"})
    check_access(client, cast, f"/api/kpi-schemes/{active.pk}/retire/", method="post", api=True, permitted=[],
                 forbidden=NON_EDITORS, data={"version": active.version})
    assert snapshot(Indicator, Scheme, SchemeItem, IndicatorReview) == before


def test_indicator_crud_with_versions(client, cast):
    client.force_login(cast.manager)
    response = post(client, "/api/kpi-indicators/", {
        "code": "API-1", "name": "接口指标", "dimension": "results", "data_source": "computed",
        "metric_code": "bid_win_rate", "unit": "%", "rule_type": "achievement",
        "rule_params": {"target": 40, "ceiling_pct": 120}, "max_points": "10",
        "applicable_roles": ["presales_engineer"], "evaluation_sources": ["system"],
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1 and body["applicable_roles"] == ["presales_engineer"]
    assert response["ETag"] == '"1"'
    url = f"/api/kpi-indicators/{body['id']}/"
    assert patch(client, url, {"name": "改名"}).status_code == 428
    response = patch(client, url, {"name": "改名", "change_summary": "更名"}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["version"] == 2
    detail = client.get(url).json()
    assert [v["number"] for v in detail["versions"]] == [2, 1]
    before = snapshot(Indicator, IndicatorVersion)
    assert patch(client, url, {"name": "旧"}, HTTP_IF_MATCH='"1"').status_code == 412
    assert snapshot(Indicator, IndicatorVersion) == before


def test_indicator_bad_input(client, cast):
    client.force_login(cast.manager)
    base = {"code": "API-2", "name": "x", "dimension": "results", "data_source": "manual", "rule_type": "bands",
            "max_points": "30"}
    assert_refused(client, "/api/kpi-indicators/", {**base, "rule_params": {"bands": [{"upto": 3, "points": 40}]}},
                   fields=["rule_params"], models=[Indicator, IndicatorVersion], api=True)
    assert_refused(client, "/api/kpi-indicators/", {**base, "rule_type": "x", "rule_params": {}},
                   fields=["rule_type"], models=[Indicator], api=True)
    assert_refused(client, "/api/kpi-indicators/", {**base, "applicable_roles": ["king"], "rule_params": {}},
                   fields=["applicable_roles"], models=[Indicator], api=True)


def test_try_endpoints(client, cast):
    client.force_login(cast.sales_a)
    indicator = Indicator.objects.get(code="KPI-R04")
    response = post(client, f"/api/kpi-indicators/{indicator.pk}/try/", {"value": "11"})
    assert response.status_code == 200
    assert response.json()["points"] == "10.00" and "11 > 10" in response.json()["explanation"]
    response = post(client, f"/api/kpi-indicators/{indicator.pk}/try/", {"value": None})
    assert response.json()["points"] is None
    response = post(client, f"/api/kpi-indicators/{indicator.pk}/try/", {"value": "abc"})
    assert response.status_code == 400 and "value" in response.json()["errors"]
    response = post(client, "/api/kpi-rule-try/", {"rule_type": "linear", "rule_params": {"zero_at": 80, "full_at": 95},
                                                   "max_points": "15", "value": "87.5"})
    assert response.status_code == 200 and response.json()["points"] == "7.50"
    response = post(client, "/api/kpi-rule-try/", {"rule_type": "linear", "rule_params": {"zero_at": 80},
                                                   "max_points": "15", "value": "87.5"})
    assert response.status_code == 400 and "rule_params" in response.json()["errors"]
    check_access(client, cast, "/api/kpi-rule-try/", method="post", api=True, permitted=EVERYONE, ok=(200,),
                 data={"rule_type": "manual", "rule_params": {}, "max_points": "10", "value": "5"})


def test_ahp_endpoint(client, cast):
    client.force_login(cast.engineer_a)
    response = post(client, "/api/kpi-ahp/", {"matrix": [["1", "3", "5"], ["1/3", "1", "3"], ["1/5", "1/3", "1"]]})
    assert response.status_code == 200
    body = response.json()
    assert round(body["cr"], 3) == 0.033 and body["consistent"] is True
    assert body["percentages"] == ["63.70", "25.83", "10.47"]
    response = post(client, "/api/kpi-ahp/", {"matrix": [["1", "9", "1/9"], ["1/9", "1", "9"], ["9", "1/9", "1"]]})
    assert response.json()["consistent"] is False and response.json()["inconsistent_pairs"]
    response = post(client, "/api/kpi-ahp/", {"matrix": [["1", "2"], ["1", "1"]]})
    assert response.status_code == 400 and "matrix" in response.json()["errors"]
    check_access(client, cast, "/api/kpi-ahp/", method="post", api=True, permitted=EVERYONE, ok=(200,),
                 data={"matrix": [["1"]]})


def test_reviews_api(client, cast):
    client.force_login(cast.manager)
    indicator, successor = make_indicator(cast.manager), make_indicator(cast.manager)
    assert_refused(client, "/api/kpi-indicator-reviews/",
                   {"indicator": indicator.pk, "quarter": "2026Q3", "decision": "replace", "reason": "x"},
                   fields=["replaced_by"], models=[Indicator, IndicatorReview], api=True)
    assert_refused(client, "/api/kpi-indicator-reviews/",
                   {"indicator": indicator.pk, "quarter": "2026Q3", "decision": "keep", "reason": ""},
                   fields=["reason"], models=[Indicator, IndicatorReview], api=True)
    response = post(client, "/api/kpi-indicator-reviews/", {
        "indicator": indicator.pk, "quarter": "2026Q3", "decision": "replace", "reason": "更好",
        "replaced_by": successor.pk, "version": 1})
    assert response.status_code == 201, response.content
    review = client.get(f"/api/kpi-indicator-reviews/{response.json()['id']}/")
    assert review.status_code == 200
    assert (review.json()["decision"], review.json()["replaced_by"]) == ("replace", successor.pk)
    indicator.refresh_from_db()
    assert indicator.status == "retired"
    assert post(client, "/api/kpi-indicator-reviews/", {
        "indicator": successor.pk, "quarter": "2026Q3", "decision": "keep", "reason": "x", "version": 9,
    }).status_code == 412
    listing = client.get("/api/kpi-indicator-reviews/", {"indicator": indicator.pk}).json()
    assert listing["count"] == 1


def test_scheme_api_flow(client, cast):
    client.force_login(cast.manager)
    response = post(client, "/api/kpi-schemes/", {"code": "API-S", "name": "接口方案", "role": "presales_engineer",
                                                  "dimension_weights": {"results": "60", "process": "40"}})
    assert response.status_code == 201, response.content
    scheme_id = response.json()["id"]
    a, b = make_indicator(cast.manager), make_indicator(cast.manager, dimension="process")
    response = post(client, "/api/kpi-scheme-items/", {"scheme": scheme_id, "indicator": a.pk, "weight": "50",
                                                       "version": 1})
    assert response.status_code == 201, response.content
    item_a = response.json()["id"]
    response = post(client, "/api/kpi-scheme-items/", {"scheme": scheme_id, "indicator": b.pk, "weight": "40",
                                                       "dimension": "process"})
    item_b = response.json()["id"]
    scheme = Scheme.objects.get(pk=scheme_id)
    response = post(client, f"/api/kpi-schemes/{scheme_id}/activate/", {"version": scheme.version})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "90.00" in errors["weight"][0] and "dimension_weights" in errors
    response = post(client, f"/api/kpi-schemes/{scheme_id}/set-weights/", {
        "version": scheme.version, "weights": [{"item": item_a, "weight": "60"}, {"item": item_b, "weight": "40"}]})
    assert response.status_code == 200, response.content
    version = response.json()["version"]
    assert post(client, f"/api/kpi-schemes/{scheme_id}/activate/", {"version": version - 1}).status_code == 412
    response = post(client, f"/api/kpi-schemes/{scheme_id}/activate/", {}, HTTP_IF_MATCH=f'"{version}"')
    assert response.status_code == 200 and response.json()["status"] == "active"
    version = response.json()["version"]
    response = client.delete(f"/api/kpi-scheme-items/{item_b}/", HTTP_IF_MATCH=f'"{version}"')
    assert response.status_code == 400  # an active scheme stays valid
    response = patch(client, f"/api/kpi-schemes/{scheme_id}/", {"name": "改名"}, HTTP_IF_MATCH=f'"{version}"')
    assert response.status_code == 200 and response.json()["name"] == "改名"
    version = response.json()["version"]
    response = post(client, f"/api/kpi-schemes/{scheme_id}/retire/", {"version": version})
    assert response.json()["status"] == "retired"
    version = response.json()["version"]
    response = client.delete(f"/api/kpi-scheme-items/{item_b}/", HTTP_IF_MATCH=f'"{version}"')
    assert response.status_code == 204
    response = patch(client, f"/api/kpi-scheme-items/{item_a}/", {"weight": "70"}, HTTP_IF_MATCH=f'"{version + 1}"')
    assert response.status_code == 200 and response.json()["weight"] == "70.00"


def test_scheme_apply_ahp_api(client, cast):
    client.force_login(cast.manager)
    scheme = make_scheme(cast.manager, weights=(("results", "0"), ("results", "0"), ("process", "100")))
    matrix = [["1", "3", "5"], ["1/3", "1", "3"], ["1/5", "1/3", "1"]]
    assert post(client, f"/api/kpi-schemes/{scheme.pk}/apply-ahp/", {"matrix": matrix}).status_code == 428
    response = post(client, f"/api/kpi-schemes/{scheme.pk}/apply-ahp/", {"matrix": matrix, "version": scheme.version})
    assert response.status_code == 200, response.content
    assert response.json()["applied_weights"] == ["63.70", "25.83", "10.47"]
    scheme.refresh_from_db()
    bad = [["1", "9", "1/9"], ["1/9", "1", "9"], ["9", "1/9", "1"]]
    before = snapshot(SchemeItem)
    response = post(client, f"/api/kpi-schemes/{scheme.pk}/apply-ahp/", {"matrix": bad, "version": scheme.version})
    assert response.status_code == 400 and response.json()["code"] == "ahp_inconsistent"
    assert snapshot(SchemeItem) == before


def test_api_constant_queries(client, cast):
    client.force_login(cast.manager)

    def grow():
        for _ in range(3):
            scheme = make_scheme(cast.manager, activate=True)
            services.indicator_review(actor=cast.manager, indicator=scheme.items.first().indicator,
                                      quarter="2026Q1", decision="keep", reason="x")

    for url in ("/api/kpi-indicators/", "/api/kpi-schemes/", "/api/kpi-scheme-items/", "/api/kpi-indicator-reviews/"):
        assert_constant_queries(client, url, grow, api=True)
    indicator = make_indicator(cast.manager)

    def more_versions():
        for n in range(3):
            indicator.refresh_from_db()
            services.indicator_update(actor=cast.manager, indicator=indicator, expected_version=indicator.version,
                                      name=f"v{n}")

    assert_constant_queries(client, f"/api/kpi-indicators/{indicator.pk}/", more_versions, api=True)

"""Pages of the KPI library: access for the whole cast, forms with field errors that change
nothing, stale edits, the scheme editor, AHP page, and constant query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from presales.accounts.choices import RoleCode
from presales.kpi import services
from presales.kpi.models import AhpRun, Indicator, IndicatorReview, IndicatorVersion, Scheme, SchemeItem
from tests.factories import make_user
from tests.factories.kpi import make_indicator, make_scheme
from tests.kit import assert_constant_queries, assert_refused, check_access, snapshot

pytestmark = pytest.mark.django_db

EVERYONE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"]
NON_EDITORS = ["lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"]
D = Decimal


@pytest.fixture
def indicator(cast):
    return make_indicator(cast.manager, rule_type="deduction", rule_params={"per_occurrence": 5}, max_points=15)


@pytest.fixture
def draft(cast):
    return make_scheme(cast.manager)


@pytest.fixture
def active(cast):
    return make_scheme(cast.manager, activate=True)


# --- access ---------------------------------------------------------------------------------------


def test_library_pages_open_to_everyone_logged_in(client, cast, indicator):
    for url in (reverse("kpi:indicator_list"), indicator.get_absolute_url(),
                reverse("kpi:indicator_try", args=[indicator.pk]) + "?value=1", reverse("kpi:scheme_list")):
        check_access(client, cast, url, permitted=EVERYONE)


def test_editor_pages_for_managers_only(client, cast, indicator, active):
    for url in (reverse("kpi:indicator_create"), reverse("kpi:indicator_edit", args=[indicator.pk]),
                reverse("kpi:indicator_review", args=[indicator.pk]), reverse("kpi:scheme_create"),
                reverse("kpi:scheme_edit", args=[active.pk]), reverse("kpi:scheme_copy", args=[active.pk]),
                reverse("kpi:scheme_ahp", args=[active.pk])):
        check_access(client, cast, url, permitted=["manager"], forbidden=NON_EDITORS)


def test_committee_member_edits(client, indicator):
    member = make_user(RoleCode.COMMITTEE, username="committee_p")
    client.force_login(member)
    assert client.get(reverse("kpi:indicator_edit", args=[indicator.pk])).status_code == 200
    assert client.get(reverse("kpi:scheme_create")).status_code == 200


def test_active_scheme_visible_to_all_draft_only_to_editors(client, cast, active, draft):
    check_access(client, cast, active.get_absolute_url(), permitted=EVERYONE)
    check_access(client, cast, draft.get_absolute_url(), permitted=["manager"], hidden=NON_EDITORS)
    check_access(client, cast, reverse("kpi:scheme_ahp", args=[draft.pk]), permitted=["manager"],
                 hidden=NON_EDITORS)


def test_scheme_posts_refused_to_non_editors(client, cast, active, draft):
    item = active.items.first()
    posts = [
        reverse("kpi:scheme_weights", args=[active.pk]), reverse("kpi:scheme_item_add", args=[active.pk]),
        reverse("kpi:scheme_item_remove", args=[active.pk, item.pk]), reverse("kpi:scheme_activate", args=[active.pk]),
        reverse("kpi:scheme_retire", args=[active.pk]),
    ]
    before = snapshot(Scheme, SchemeItem)
    for url in posts:
        check_access(client, cast, url, method="post", data={}, permitted=[], forbidden=NON_EDITORS)
    check_access(client, cast, reverse("kpi:scheme_activate", args=[draft.pk]), method="post", data={},
                 permitted=[], hidden=NON_EDITORS)
    assert snapshot(Scheme, SchemeItem) == before


def test_unknown_objects_404(client, cast):
    client.force_login(cast.manager)
    assert client.get(reverse("kpi:indicator_detail", args=[999999])).status_code == 404
    assert client.get(reverse("kpi:scheme_detail", args=[999999])).status_code == 404
    assert client.get(reverse("kpi:indicator_try", args=[999999])).status_code == 404


# --- indicator pages --------------------------------------------------------------------------------


def test_list_filters_and_shows_rules(client, cast, indicator):
    client.force_login(cast.engineer_a)
    response = client.get(reverse("kpi:indicator_list"), {"dimension": "process"})
    body = response.content.decode()
    assert "KPI-P03" in body and "KPI-R01" not in body
    response = client.get(reverse("kpi:indicator_list"), {"q": "投诉"})
    assert "KPI-P03" in response.content.decode()
    response = client.get(reverse("kpi:indicator_list"), {"q": "KPI-R04"})
    assert "≤ 3 → 30" in response.content.decode()
    # htmx asks for the results only
    response = client.get(reverse("kpi:indicator_list"), {"q": "KPI"}, HTTP_HX_REQUEST="true")
    assert "<nav" not in response.content.decode() and "KPI-R04" in response.content.decode()


def test_pending_metric_shown_as_manual(client, cast):
    client.force_login(cast.engineer_a)
    indicator = Indicator.objects.get(code="KPI-R01")
    body = client.get(indicator.get_absolute_url()).content.decode()
    if indicator.metric_available:
        assert "metric-pending" not in body
    else:
        assert 'data-testid="metric-pending"' in body


def test_try_the_rule(client, cast):
    client.force_login(cast.sales_a)
    indicator = Indicator.objects.get(code="KPI-R04")
    url = reverse("kpi:indicator_try", args=[indicator.pk])
    body = client.get(url, {"value": "3"}).content.decode()
    assert "30 / 30" in body and "3 ≤ 3" in body
    assert "No data" in client.get(url, {"value": ""}).content.decode() or \
        "没有数据" in client.get(url, {"value": ""}).content.decode()
    assert "alert-danger" in client.get(url, {"value": "abc"}).content.decode()


def test_create_indicator(client, cast):
    client.force_login(cast.manager)
    response = client.post(reverse("kpi:indicator_create"), {
        "code": "KPI-X01", "name": "新指标", "dimension": "growth", "data_source": "manual", "metric_code": "",
        "unit": "次", "rule_type": "bonus", "rule_params": '{"per_occurrence": 2, "cap": 10}', "max_points": "10",
        "applicable_roles": [], "evaluation_sources": ["supervisor"],
    })
    indicator = Indicator.objects.get(code="KPI-X01")
    assert response.status_code == 302 and response["Location"] == indicator.get_absolute_url()
    assert indicator.evaluation_sources == ["supervisor"] and indicator.versions.count() == 1


@pytest.mark.parametrize(("data", "field"), [
    ({"rule_params": '{"per_occurrence": 0}'}, "rule_params"),
    ({"rule_params": "{not json"}, "rule_params"),
    ({"rule_params": "[1]"}, "rule_params"),
    ({"max_points": "0"}, "max_points"),
    ({"code": ""}, "code"),
    ({"data_source": "computed"}, "metric_code"),
])
def test_create_indicator_bad_input(client, cast, data, field):
    client.force_login(cast.manager)
    payload = {"code": "KPI-X02", "name": "新指标", "dimension": "growth", "data_source": "manual",
               "rule_type": "bonus", "rule_params": '{"per_occurrence": 2}', "max_points": "10"}
    payload.update(data)
    assert_refused(client, reverse("kpi:indicator_create"), payload, fields=[field],
                   models=[Indicator, IndicatorVersion])


def test_edit_indicator_and_stale(client, cast, indicator):
    client.force_login(cast.manager)
    url = reverse("kpi:indicator_edit", args=[indicator.pk])
    form = {"code": indicator.code, "name": "改名", "dimension": "process", "data_source": "manual",
            "rule_type": "deduction", "rule_params": '{"per_occurrence": 3}', "max_points": "15", "version": 1,
            "change_summary": "调整扣分"}
    assert client.get(url).status_code == 200
    assert client.post(url, form).status_code == 302
    indicator.refresh_from_db()
    assert indicator.version == 2 and indicator.name == "改名"
    before = snapshot(Indicator, IndicatorVersion)
    response = client.post(url, {**form, "name": "又改"})  # still version 1: stale
    assert response.status_code == 200 and "version" in response.content.decode()
    assert snapshot(Indicator, IndicatorVersion) == before
    body = client.get(indicator.get_absolute_url()).content.decode()
    assert body.count('data-testid="version-row"') == 2 and "调整扣分" in body


def test_review_form(client, cast, indicator):
    client.force_login(cast.manager)
    url = reverse("kpi:indicator_review", args=[indicator.pk])
    assert_refused(client, url, {"quarter": "2026Q3", "decision": "replace", "reason": "滞后", "version": 1},
                   fields=["replaced_by"], models=[Indicator, IndicatorReview])
    assert_refused(client, url, {"quarter": "2026Q3", "decision": "keep", "reason": "", "version": 1},
                   fields=["reason"], models=[Indicator, IndicatorReview])
    assert_refused(client, url, {"quarter": "26Q3", "decision": "keep", "reason": "x", "version": 1},
                   fields=["quarter"], models=[Indicator, IndicatorReview])
    successor = make_indicator(cast.manager)
    response = client.post(url, {"quarter": "2026Q3", "decision": "replace", "reason": "有更好的指标",
                                 "replaced_by": successor.pk, "version": 1})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.status == "retired" and indicator.replaced_by == successor
    body = client.get(indicator.get_absolute_url()).content.decode()
    assert "有更好的指标" in body and successor.code in body


# --- scheme pages ------------------------------------------------------------------------------------


def test_scheme_list_compares_side_by_side(client, cast, draft):
    client.force_login(cast.manager)
    body = client.get(reverse("kpi:scheme_list")).content.decode()
    assert 'data-testid="compare-table"' in body and "SCH-ENG" in body and "SCH-MGR" in body
    eng, mgr = Scheme.objects.get(code="SCH-ENG"), Scheme.objects.get(code="SCH-MGR")
    body = client.get(reverse("kpi:scheme_list"), {"compare": [eng.pk, draft.pk]}).content.decode()
    table = body.split('data-testid="compare-table"')[1]
    assert draft.code in table and "SCH-MGR" not in table
    # non-editors: the draft is not listed and cannot be compared
    client.force_login(cast.engineer_a)
    body = client.get(reverse("kpi:scheme_list"), {"compare": [draft.pk, mgr.pk]}).content.decode()
    assert draft.code not in body


def test_create_scheme_with_dimension_weights(client, cast):
    client.force_login(cast.manager)
    url = reverse("kpi:scheme_create")
    assert_refused(client, url, {"code": "SCH-N1", "name": "新方案", "dim_results": "50", "dim_process": "40"},
                   models=[Scheme], text="100")
    response = client.post(url, {"code": "SCH-N1", "name": "新方案", "dim_results": "60", "dim_process": "40"})
    scheme = Scheme.objects.get(code="SCH-N1")
    assert response.status_code == 302 and scheme.dimension_weights == {"results": 60, "process": 40}
    assert scheme.status == "draft"
    assert_refused(client, url, {"code": "SCH-N1", "name": "重复"}, fields=["code"], models=[Scheme])


def test_edit_scheme(client, cast, draft):
    client.force_login(cast.manager)
    url = reverse("kpi:scheme_edit", args=[draft.pk])
    response = client.post(url, {"code": draft.code, "name": "改名方案", "version": draft.version})
    assert response.status_code == 302
    assert_refused(client, url, {"code": draft.code, "name": "旧版本", "version": draft.version},
                   models=[Scheme], text="version")


def test_scheme_editor_weights_and_activation(client, cast, draft):
    client.force_login(cast.manager)
    a, b = draft.items.order_by("position")
    body = client.get(draft.get_absolute_url()).content.decode()
    assert 'data-testid="total-sum"' in body and "100.00" in body
    url = reverse("kpi:scheme_weights", args=[draft.pk])
    # bad weight: field error, nothing saved
    before = snapshot(SchemeItem, Scheme)
    response = client.post(url, {f"weight_{a.pk}": "abc", f"weight_{b.pk}": "40", "version": draft.version})
    assert response.status_code == 400 and 'data-testid="weight-errors"' in response.content.decode()
    assert snapshot(SchemeItem, Scheme) == before
    response = client.post(url, {f"weight_{a.pk}": "50", f"weight_{b.pk}": "40", "version": draft.version})
    assert response.status_code == 302
    draft.refresh_from_db()
    # activation refused with the current sum shown
    response = client.post(reverse("kpi:scheme_activate", args=[draft.pk]), {"version": draft.version},
                           follow=True)
    assert "90.00" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    client.post(url, {f"weight_{a.pk}": "60", f"weight_{b.pk}": "40", "version": draft.version})
    draft.refresh_from_db()
    client.post(reverse("kpi:scheme_activate", args=[draft.pk]), {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == "active"
    client.post(reverse("kpi:scheme_retire", args=[draft.pk]), {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == "retired"


def test_stale_weights_refused(client, cast, draft):
    client.force_login(cast.manager)
    a, b = draft.items.order_by("position")
    old = draft.version
    client.post(reverse("kpi:scheme_weights", args=[draft.pk]),
                {f"weight_{a.pk}": "55", f"weight_{b.pk}": "45", "version": old})
    before = snapshot(SchemeItem, Scheme)
    response = client.post(reverse("kpi:scheme_weights", args=[draft.pk]),
                           {f"weight_{a.pk}": "10", f"weight_{b.pk}": "90", "version": old})
    assert response.status_code == 400
    assert snapshot(SchemeItem, Scheme) == before


def test_add_and_remove_items(client, cast, draft):
    client.force_login(cast.manager)
    indicator = make_indicator(cast.manager)
    url = reverse("kpi:scheme_item_add", args=[draft.pk])
    response = client.post(url, {"indicator": indicator.pk, "weight": "101", "version": draft.version})
    assert response.status_code == 400 and draft.items.count() == 2
    response = client.post(url, {"indicator": indicator.pk, "weight": "0", "version": draft.version})
    assert response.status_code == 302 and draft.items.count() == 3
    draft.refresh_from_db()
    item = draft.items.get(indicator=indicator)
    response = client.post(reverse("kpi:scheme_item_remove", args=[draft.pk, item.pk]), {"version": draft.version})
    assert response.status_code == 302 and draft.items.count() == 2


def test_copy_scheme(client, cast, active):
    client.force_login(cast.manager)
    response = client.post(reverse("kpi:scheme_copy", args=[active.pk]), {"code": "COPY-1", "name": "副本"})
    copy = Scheme.objects.get(code="COPY-1")
    assert response.status_code == 302 and copy.items.count() == active.items.count()
    assert_refused(client, reverse("kpi:scheme_copy", args=[active.pk]), {"code": "COPY-1", "name": "x"},
                   fields=["code"], models=[Scheme])


def test_ahp_page_compute_and_apply(client, cast):
    client.force_login(cast.manager)
    scheme = make_scheme(cast.manager, weights=(("results", "0"), ("results", "0"), ("process", "100")))
    url = reverse("kpi:scheme_ahp", args=[scheme.pk])
    body = client.get(url).content.decode()
    assert 'data-testid="ahp-matrix"' in body and 'name="a_0_1"' in body and 'name="a_1_0"' not in body
    judgements = {"a_0_1": "3", "a_0_2": "5", "a_1_2": "3", "dimension": "", "version": scheme.version}
    body = client.post(url, {**judgements, "action": "compute"}).content.decode()
    assert "CR = 0.033" in body and "63.70" in body and 'data-testid="ahp-apply"' in body
    response = client.post(url, {**judgements, "action": "apply"})
    assert response.status_code == 302
    assert list(scheme.items.order_by("position").values_list("weight", flat=True)) == [
        D("63.70"), D("25.83"), D("10.47")]
    assert AhpRun.objects.filter(scheme=scheme).count() == 1


def test_ahp_page_inconsistent(client, cast):
    client.force_login(cast.manager)
    scheme = make_scheme(cast.manager, weights=(("results", "30"), ("results", "30"), ("process", "40")))
    url = reverse("kpi:scheme_ahp", args=[scheme.pk])
    judgements = {"a_0_1": "9", "a_0_2": "1/9", "a_1_2": "9", "version": scheme.version}
    body = client.post(url, {**judgements, "action": "compute"}).content.decode()
    assert "ahp-apply" not in body and "text-danger" in body
    before = snapshot(SchemeItem, AhpRun)
    response = client.post(url, {**judgements, "action": "apply"})
    assert response.status_code == 400 and 'data-testid="ahp-error"' in response.content.decode()
    assert snapshot(SchemeItem, AhpRun) == before


def test_ahp_page_per_dimension(client, cast):
    client.force_login(cast.manager)
    scheme = Scheme.objects.get(code="SCH-ENG")
    copy = services.scheme_copy(actor=cast.manager, scheme=scheme, code="ENG-AHP", name="AHP")
    url = reverse("kpi:scheme_ahp", args=[copy.pk])
    body = client.get(url, {"dimension": "growth"}).content.decode()
    assert body.count('data-testid="a_') == 3  # 3 growth indicators → 3 judgements
    response = client.post(url, {"dimension": "growth", "a_0_1": "2", "a_0_2": "2", "a_1_2": "1",
                                 "action": "apply", "version": copy.version})
    assert response.status_code == 302
    growth = list(copy.items.filter(dimension="growth").order_by("position").values_list("weight", flat=True))
    assert growth == [D("10.00"), D("5.00"), D("5.00")] and sum(growth) == 20
    assert services.weight_problems(copy) == {}


def test_ahp_page_too_few_items(client, cast):
    client.force_login(cast.manager)
    scheme = make_scheme(cast.manager, weights=(("results", "100"),))
    body = client.get(reverse("kpi:scheme_ahp", args=[scheme.pk])).content.decode()
    assert "at least two" in body or "至少" in body
    response = client.post(reverse("kpi:scheme_ahp", args=[scheme.pk]), {"action": "compute"})
    assert response.status_code == 400


# --- query counts ---------------------------------------------------------------------------------


def test_constant_queries(client, cast, draft):
    client.force_login(cast.manager)

    def more_indicators():
        for _ in range(3):
            indicator = make_indicator(cast.manager)
            services.indicator_review(actor=cast.manager, indicator=indicator, quarter="2026Q1", decision="keep",
                                      reason="x")

    assert_constant_queries(client, reverse("kpi:indicator_list"), more_indicators)
    assert_constant_queries(client, reverse("kpi:scheme_list"),
                            lambda: [make_scheme(cast.manager, activate=True) for _ in range(2)])

    def more_items():
        for _ in range(3):
            services.scheme_item_add(actor=cast.manager, scheme=draft, indicator=make_indicator(cast.manager),
                                     weight="0")

    assert_constant_queries(client, draft.get_absolute_url(), more_items)
    assert_constant_queries(client, reverse("kpi:scheme_ahp", args=[draft.pk]), more_items, at_most=60)
    indicator = make_indicator(cast.manager)

    def more_versions():
        for n in range(3):
            indicator.refresh_from_db()
            services.indicator_update(actor=cast.manager, indicator=indicator, expected_version=indicator.version,
                                      name=f"版本{n}")
        services.indicator_review(actor=cast.manager, indicator=indicator, quarter="2026Q2", decision="keep",
                                  reason="y")
        scheme = make_scheme(cast.manager)
        services.scheme_item_add(actor=cast.manager, scheme=scheme, indicator=indicator, weight="0")

    assert_constant_queries(client, indicator.get_absolute_url(), more_versions)


def test_history_pages(client, cast, indicator, active, draft):
    client.force_login(cast.engineer_a)
    assert client.get(reverse("core:history", args=["kpi.indicator", indicator.pk])).status_code == 200
    assert client.get(reverse("core:history", args=["kpi.scheme", active.pk])).status_code == 200
    assert client.get(reverse("core:history", args=["kpi.scheme", draft.pk])).status_code == 404
    assert client.get(reverse("core:history", args=["kpi.schemeitem", draft.items.first().pk])).status_code == 404
    client.force_login(cast.manager)
    assert client.get(reverse("core:history", args=["kpi.schemeitem", draft.items.first().pk])).status_code == 200

"""Services of the KPI library: indicators with versions, quarterly reviews, schemes and their
weight rules, activation, AHP application, locking, permissions, stale edits."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from presales.accounts.choices import RoleCode
from presales.core.errors import DomainError, PermissionDenied, StaleObjectError
from presales.kpi import services
from presales.kpi.models import AhpRun, Indicator, IndicatorReview, IndicatorVersion, Scheme, SchemeItem
from presales.kpi.seed import INDICATORS, SCHEMES
from tests.factories import make_user
from tests.factories.kpi import BANDS, make_indicator, make_scheme
from tests.kit import snapshot

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(cast):
    return cast.manager


@pytest.fixture
def committee(db):
    return make_user(RoleCode.COMMITTEE, username="committee1")


# --- the seeded library --------------------------------------------------------------------------


def test_seed_library_loaded_by_migration():
    assert Indicator.objects.count() >= len(INDICATORS)
    assert {row["code"] for row in INDICATORS} <= set(Indicator.objects.values_list("code", flat=True))
    for indicator in Indicator.objects.filter(code__in=[r["code"] for r in INDICATORS]):
        assert indicator.versions.filter(number=1).exists()
        assert indicator.applicable_roles.exists()
    for data in SCHEMES:
        scheme = Scheme.objects.get(code=data["code"])
        assert scheme.status == "active"
        assert scheme.items_total() == D("100.00")
        assert services.weight_problems(scheme) == {}
    assert Scheme.objects.get(code="SCH-ENG").dimension_weights == {
        "results": 40, "process": 30, "growth": 20, "collaboration": 10}
    assert Scheme.objects.get(code="SCH-MGR").dimension_weights == {"key": 80, "work": 20}


def test_computed_indicator_without_metric_is_manual_until_available():
    indicator = Indicator.objects.get(code="KPI-R01")
    from presales.kpi.metrics import metric_available

    assert indicator.metric_available == metric_available("conversion_rate")
    if not indicator.metric_available:
        assert indicator.effective_data_source == "manual"
    else:
        assert indicator.effective_data_source == "computed"
    assert Indicator.objects.get(code="KPI-P06").effective_data_source == "manual"
    assert not metric_available("") and not metric_available("no_such_metric")


# --- indicators ----------------------------------------------------------------------------------


def test_create_indicator_records_version_1(manager):
    indicator = make_indicator(manager, rule_type="bands", rule_params=BANDS, max_points=D(30),
                               roles=[RoleCode.PRESALES_ENGINEER])
    assert indicator.version == 1
    v1 = indicator.versions.get()
    assert v1.number == 1 and v1.snapshot["rule_params"] == {
        "bands": [{"upto": 3.0, "points": 30.0}, {"upto": 10.0, "points": 20.0}, {"points": 10.0}]}
    assert v1.snapshot["applicable_roles"] == ["presales_engineer"]


def test_update_bumps_version_and_keeps_old_snapshot(manager):
    indicator = make_indicator(manager, rule_type="deduction", rule_params={"per_occurrence": 5}, max_points=15)
    updated = services.indicator_update(actor=manager, indicator=indicator, expected_version=1,
                                        rule_params={"per_occurrence": 3}, change_summary="更宽松")
    assert updated.version == 2
    assert list(updated.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert updated.versions.get(number=1).snapshot["rule_params"]["per_occurrence"] == 5.0
    assert updated.versions.get(number=2).snapshot["rule_params"]["per_occurrence"] == 3.0
    assert updated.versions.get(number=2).change_summary == "更宽松"
    # no change → no new version
    again = services.indicator_update(actor=manager, indicator=updated, expected_version=2,
                                      rule_params={"per_occurrence": 3, "floor": 0})
    assert again.version == 2


def test_update_roles_is_a_change(manager):
    indicator = make_indicator(manager)
    from presales.accounts.models import Role

    updated = services.indicator_update(actor=manager, indicator=indicator, expected_version=1,
                                        applicable_roles=list(Role.objects.filter(code="sales")))
    assert updated.version == 2
    assert updated.versions.get(number=2).snapshot["applicable_roles"] == ["sales"]


def test_stale_update_refused(manager):
    indicator = make_indicator(manager)
    services.indicator_update(actor=manager, indicator=indicator, expected_version=1, name="新名字")
    before = snapshot(Indicator, IndicatorVersion)
    with pytest.raises(StaleObjectError):
        services.indicator_update(actor=manager, indicator=indicator, expected_version=1, name="另一个")
    assert snapshot(Indicator, IndicatorVersion) == before


@pytest.mark.parametrize(("changes", "field"), [
    ({"rule_params": {"per_occurrence": 0}, "rule_type": "deduction"}, "rule_params"),
    ({"max_points": D(0)}, "max_points"),
    ({"code": "bad code!"}, "code"),
    ({"name": ""}, "name"),
    ({"data_source": "computed"}, "metric_code"),
    ({"metric_code": "conversion_rate"}, "metric_code"),
    ({"evaluation_sources": ["boss"]}, "evaluation_sources"),
    ({"dimension": "nonsense"}, "dimension"),
])
def test_bad_indicator_input_refused(manager, changes, field):
    indicator = make_indicator(manager)
    before = snapshot(Indicator, IndicatorVersion)
    with pytest.raises(DomainError) as exc:
        services.indicator_update(actor=manager, indicator=indicator, expected_version=1, **changes)
    assert field in exc.value.errors, exc.value.errors
    assert snapshot(Indicator, IndicatorVersion) == before


def test_duplicate_code_refused(manager):
    make_indicator(manager, code="DUP-1")
    with pytest.raises(DomainError) as exc:
        make_indicator(manager, code="DUP-1")
    assert "code" in exc.value.errors


@pytest.mark.parametrize("who", ["engineer_a", "lead_a", "sales_a", "nobody"])
def test_only_editors_write(cast, who):
    user = getattr(cast, who)
    with pytest.raises(PermissionDenied):
        make_indicator(user)
    indicator = make_indicator(cast.manager)
    with pytest.raises(PermissionDenied):
        services.indicator_update(actor=user, indicator=indicator, expected_version=1, name="x")
    scheme = make_scheme(cast.manager)
    with pytest.raises(PermissionDenied):
        services.scheme_activate(actor=user, scheme=scheme, expected_version=scheme.version)


def test_committee_member_may_edit(committee):
    indicator = make_indicator(committee)
    assert indicator.created_by == committee


def test_indicator_try():
    result = services.indicator_try(Indicator.objects.get(code="KPI-P03"), 2)
    assert result.points == D(5)


# --- reviews -------------------------------------------------------------------------------------


def test_review_keep(manager):
    indicator = make_indicator(manager)
    review = services.indicator_review(actor=manager, indicator=indicator, quarter="2026q3", decision="keep",
                                       reason="仍然有效")
    assert review.quarter == "2026Q3" and review.indicator_version == 1
    indicator.refresh_from_db()
    assert indicator.status == "active" and indicator.version == 1


def test_review_replace_retires_and_points_to_successor(manager):
    old, new = make_indicator(manager), make_indicator(manager)
    services.indicator_review(actor=manager, indicator=old, quarter="2026Q3", decision="replace",
                              reason="滞后指标", replaced_by=new)
    old.refresh_from_db()
    assert old.status == "retired" and old.replaced_by == new and old.version == 2
    assert old.versions.get(number=2).snapshot["status"] == "retired"


def test_review_retire(manager):
    indicator = make_indicator(manager)
    services.indicator_review(actor=manager, indicator=indicator, quarter="2026Q4", decision="retire",
                              reason="不再适用")
    indicator.refresh_from_db()
    assert indicator.status == "retired"
    with pytest.raises(DomainError):  # no second decision on a retired indicator
        services.indicator_review(actor=manager, indicator=indicator, quarter="2027Q1", decision="keep", reason="x")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"decision": "keep", "reason": ""}, "reason"),
    ({"decision": "keep", "reason": "  "}, "reason"),
    ({"decision": "replace", "reason": "x"}, "replaced_by"),
    ({"decision": "hold", "reason": "x"}, "decision"),
    ({"decision": "keep", "reason": "x", "quarter": "2026-3"}, "quarter"),
])
def test_bad_reviews_refused(manager, kwargs, field):
    indicator = make_indicator(manager)
    kwargs = {"quarter": "2026Q3", **kwargs}
    before = snapshot(Indicator, IndicatorReview)
    with pytest.raises(DomainError) as exc:
        services.indicator_review(actor=manager, indicator=indicator, **kwargs)
    assert field in exc.value.errors, exc.value.errors
    assert snapshot(Indicator, IndicatorReview) == before


def test_replacement_rules(manager):
    indicator, retired = make_indicator(manager), make_indicator(manager)
    services.indicator_review(actor=manager, indicator=retired, quarter="2026Q1", decision="retire", reason="x")
    for successor in (indicator, retired):
        with pytest.raises(DomainError) as exc:
            services.indicator_review(actor=manager, indicator=indicator, quarter="2026Q2", decision="replace",
                                      reason="x", replaced_by=successor)
        assert "replaced_by" in exc.value.errors
    other = make_indicator(manager)
    with pytest.raises(DomainError) as exc:
        services.indicator_review(actor=manager, indicator=indicator, quarter="2026Q2", decision="keep",
                                  reason="x", replaced_by=other)
    assert "replaced_by" in exc.value.errors


def test_one_review_per_quarter(manager):
    indicator = make_indicator(manager)
    services.indicator_review(actor=manager, indicator=indicator, quarter="2026Q3", decision="keep", reason="x")
    with pytest.raises(DomainError) as exc:
        services.indicator_review(actor=manager, indicator=indicator, quarter="2026Q3", decision="keep", reason="y")
    assert exc.value.errors


# --- schemes -------------------------------------------------------------------------------------


def test_activation_requires_exactly_100(manager):
    scheme = make_scheme(manager, weights=(("results", "60"), ("process", "39.99")))
    before = snapshot(Scheme)
    with pytest.raises(DomainError) as exc:
        services.scheme_activate(actor=manager, scheme=scheme, expected_version=scheme.version)
    assert "99.99" in exc.value.errors["weight"][0]
    assert snapshot(Scheme) == before
    item = scheme.items.get(dimension="process")
    services.scheme_item_update(actor=manager, item=item, weight="40")
    scheme.refresh_from_db()
    active = services.scheme_activate(actor=manager, scheme=scheme, expected_version=scheme.version)
    assert active.status == "active" and active.activated_at
    with pytest.raises(DomainError):
        services.scheme_activate(actor=manager, scheme=active, expected_version=active.version)


def test_empty_scheme_cannot_activate(manager):
    scheme = services.scheme_create(actor=manager, name="空", code="EMPTY-1")
    with pytest.raises(DomainError) as exc:
        services.scheme_activate(actor=manager, scheme=scheme, expected_version=1)
    assert "items" in exc.value.errors


def test_dimension_weights_must_match_items(manager):
    scheme = make_scheme(manager, weights=(("results", "50"), ("process", "50")),
                         dimension_weights={"results": 40, "process": 60})
    with pytest.raises(DomainError) as exc:
        services.scheme_activate(actor=manager, scheme=scheme, expected_version=scheme.version)
    messages = exc.value.errors["dimension_weights"]
    assert any("50.00" in m and "40" in m for m in messages)
    items = {item.dimension: item for item in scheme.items.all()}
    services.scheme_set_weights(actor=manager, scheme=scheme, expected_version=scheme.version,
                                weights={items["results"].pk: "40", items["process"].pk: "60"})
    scheme.refresh_from_db()
    assert services.scheme_activate(actor=manager, scheme=scheme, expected_version=scheme.version).status == "active"


@pytest.mark.parametrize(("weights", "fragment"), [
    ({"results": 50, "process": 40}, "exactly 100"),
    ({"results": 100, "nonsense": 0}, "Unknown dimension"),
    ({"results": 100, "process": 0}, "Leave out"),
    ({"results": "abc"}, "number"),
    ({"results": "99.999", "process": "0.001"}, "2 decimals"),
    ({"results": 120, "process": -20}, "between 0 and 100"),
    (["results"], "mapping"),
])
def test_bad_dimension_weights(manager, weights, fragment):
    with pytest.raises(DomainError) as exc:
        services.scheme_create(actor=manager, name="x", code=f"DW-{abs(hash(str(weights))) % 10000}",
                               dimension_weights=weights)
    assert any(fragment in m for m in exc.value.errors["dimension_weights"]), exc.value.errors
    assert not Scheme.objects.filter(name="x").exists()


def test_item_dimension_must_be_weighted(manager):
    scheme = services.scheme_create(actor=manager, name="x", code="DIMS-1", dimension_weights={"key": 80, "work": 20})
    indicator = make_indicator(manager, dimension="results")
    with pytest.raises(DomainError) as exc:
        services.scheme_item_add(actor=manager, scheme=scheme, indicator=indicator, weight="10")
    assert "dimension" in exc.value.errors
    item = services.scheme_item_add(actor=manager, scheme=scheme, indicator=indicator, weight="10", dimension="key")
    assert item.dimension == "key"
    with pytest.raises(DomainError):
        services.scheme_item_update(actor=manager, item=item, dimension="results")


def test_item_rules(manager):
    scheme = make_scheme(manager)
    indicator = scheme.items.first().indicator
    with pytest.raises(DomainError) as exc:
        services.scheme_item_add(actor=manager, scheme=scheme, indicator=indicator, weight="1")
    assert "indicator" in exc.value.errors
    for bad in ("-1", "100.5", "abc", "1.234"):
        with pytest.raises(DomainError) as exc:
            services.scheme_item_add(actor=manager, scheme=scheme, indicator=make_indicator(manager), weight=bad)
        assert "weight" in exc.value.errors
    retired = make_indicator(manager)
    services.indicator_review(actor=manager, indicator=retired, quarter="2026Q1", decision="retire", reason="x")
    with pytest.raises(DomainError) as exc:
        services.scheme_item_add(actor=manager, scheme=scheme, indicator=retired, weight="0")
    assert "indicator" in exc.value.errors


def test_active_scheme_stays_valid(manager):
    scheme = make_scheme(manager, activate=True)
    item = scheme.items.first()
    before = snapshot(Scheme, SchemeItem)
    with pytest.raises(DomainError) as exc:
        services.scheme_item_update(actor=manager, item=item, weight="1")
    assert exc.value.code == "active_scheme_invalid"
    with pytest.raises(DomainError):
        services.scheme_item_remove(actor=manager, item=item)
    with pytest.raises(DomainError):
        services.scheme_set_weights(actor=manager, scheme=scheme, expected_version=scheme.version,
                                    weights={item.pk: "10"})
    assert snapshot(Scheme, SchemeItem) == before
    # a zero-weight addition keeps it valid; swapping weights at once too
    services.scheme_item_add(actor=manager, scheme=scheme, indicator=make_indicator(manager), weight="0")
    scheme.refresh_from_db()
    a, b = list(scheme.items.all())[:2]
    services.scheme_set_weights(actor=manager, scheme=scheme, expected_version=scheme.version,
                                weights={a.pk: b.weight, b.pk: a.weight})


def test_set_weights_field_errors_and_nothing_saved(manager):
    scheme = make_scheme(manager)
    a, b = scheme.items.all()
    before = snapshot(SchemeItem, Scheme)
    with pytest.raises(DomainError) as exc:
        services.scheme_set_weights(actor=manager, scheme=scheme, expected_version=scheme.version,
                                    weights={a.pk: "abc", b.pk: "50"})
    assert f"weight_{a.pk}" in exc.value.errors
    with pytest.raises(DomainError):
        services.scheme_set_weights(actor=manager, scheme=scheme, expected_version=scheme.version,
                                    weights={999999: "50"})
    with pytest.raises(DomainError) as exc:
        services.scheme_set_weights(actor=manager, scheme=scheme, expected_version=scheme.version,
                                    weights={}, dimensions={a.pk: "nonsense"})
    assert f"dimension_{a.pk}" in exc.value.errors
    assert snapshot(SchemeItem, Scheme) == before


def test_scheme_stale_edit_refused(manager):
    scheme = make_scheme(manager)
    old_version = scheme.version
    services.scheme_update(actor=manager, scheme=scheme, expected_version=old_version, name="新")
    with pytest.raises(StaleObjectError):
        services.scheme_update(actor=manager, scheme=scheme, expected_version=old_version, name="旧")
    with pytest.raises(StaleObjectError):
        services.scheme_activate(actor=manager, scheme=scheme, expected_version=old_version)


def test_scheme_update_fields(manager):
    scheme = make_scheme(manager, weights=(("results", "40"), ("process", "60")))
    updated = services.scheme_update(actor=manager, scheme=scheme, expected_version=scheme.version,
                                     dimension_weights={"results": 40, "process": 60}, position="售前工程师")
    assert updated.dimension_weights == {"results": 40, "process": 60}
    with pytest.raises(DomainError) as exc:
        services.scheme_update(actor=manager, scheme=updated, expected_version=updated.version, code="")
    assert "code" in exc.value.errors


def test_retire_and_reactivate(manager):
    scheme = make_scheme(manager, activate=True)
    retired = services.scheme_retire(actor=manager, scheme=scheme, expected_version=scheme.version)
    assert retired.status == "retired"
    with pytest.raises(DomainError):
        services.scheme_retire(actor=manager, scheme=retired, expected_version=retired.version)
    assert services.scheme_activate(actor=manager, scheme=retired, expected_version=retired.version).status == "active"


def test_activation_refused_with_retired_indicator(manager):
    scheme = make_scheme(manager)
    indicator = scheme.items.first().indicator
    services.indicator_review(actor=manager, indicator=indicator, quarter="2026Q1", decision="retire", reason="x")
    scheme.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.scheme_activate(actor=manager, scheme=scheme, expected_version=scheme.version)
    assert indicator.code in exc.value.errors["items"][0]


def test_copy(manager):
    scheme = Scheme.objects.get(code="SCH-ENG")
    copy = services.scheme_copy(actor=manager, scheme=scheme, code="SCH-ENG-2", name="副本")
    assert copy.status == "draft" and copy.items.count() == scheme.items.count()
    assert copy.dimension_weights == scheme.dimension_weights
    assert services.weight_problems(copy) == {}


def test_is_locked_follows_published_appraisals(manager):
    scheme = make_scheme(manager, activate=True)
    assert scheme.is_locked() is False
    assert Scheme(name="x", code="y").is_locked() is False


# --- AHP -----------------------------------------------------------------------------------------


def test_apply_ahp_to_whole_scheme(manager):
    scheme = make_scheme(manager, weights=(("results", "0"), ("results", "0"), ("process", "0")))
    matrix = [[1, 3, 5], [Fraction(1, 3), 1, 3], [Fraction(1, 5), Fraction(1, 3), 1]]
    run = services.scheme_apply_ahp(actor=manager, scheme=scheme, matrix=matrix, expected_version=scheme.version)
    weights = list(scheme.items.order_by("position").values_list("weight", flat=True))
    assert weights == [D("63.70"), D("25.83"), D("10.47")]
    assert run.applied_weights == ["63.70", "25.83", "10.47"] and round(run.consistency_ratio, 3) == 0.033
    scheme.refresh_from_db()
    assert services.scheme_activate(actor=manager, scheme=scheme, expected_version=scheme.version)


def test_apply_ahp_to_one_dimension(manager):
    scheme = make_scheme(manager, weights=(("results", "20"), ("results", "20"), ("process", "60")),
                         dimension_weights={"results": 40, "process": 60})
    matrix = [[1, 3], [Fraction(1, 3), 1]]
    with pytest.raises(DomainError) as exc:  # dimension weights: one dimension at a time
        services.scheme_apply_ahp(actor=manager, scheme=scheme, matrix=matrix, expected_version=scheme.version)
    assert "dimension" in exc.value.errors
    services.scheme_apply_ahp(actor=manager, scheme=scheme, matrix=matrix, dimension="results",
                              expected_version=scheme.version)
    assert list(scheme.items.filter(dimension="results").order_by("position").values_list("weight", flat=True)) == [
        D("30.00"), D("10.00")]
    assert services.weight_problems(scheme) == {}


def test_apply_ahp_refusals_change_nothing(manager):
    scheme = make_scheme(manager, weights=(("results", "30"), ("results", "30"), ("process", "40")))
    before = snapshot(SchemeItem, AhpRun, Scheme)
    cyclic = [[1, 9, Fraction(1, 9)], [Fraction(1, 9), 1, 9], [9, Fraction(1, 9), 1]]
    with pytest.raises(DomainError) as exc:
        services.scheme_apply_ahp(actor=manager, scheme=scheme, matrix=cyclic, expected_version=scheme.version)
    assert exc.value.code == "ahp_inconsistent"
    with pytest.raises(DomainError):
        services.scheme_apply_ahp(actor=manager, scheme=scheme, matrix=[[1, 2], [0.5, 1]],
                                  expected_version=scheme.version)
    with pytest.raises(DomainError):
        services.scheme_apply_ahp(actor=manager, scheme=scheme, matrix=[[1]], dimension="process",
                                  expected_version=scheme.version)
    with pytest.raises(DomainError):
        services.scheme_apply_ahp(actor=manager, scheme=scheme, matrix=[[1]], dimension="bogus",
                                  expected_version=scheme.version)
    assert snapshot(SchemeItem, AhpRun, Scheme) == before


def test_ahp_scope_total_without_dimension_weights(manager):
    scheme = make_scheme(manager, weights=(("results", "30"), ("results", "30"), ("process", "40")))
    items = services.ahp_scope_items(scheme, "results")
    assert services.ahp_scope_total(scheme, "results", items) == D("60.00")
    assert services.ahp_scope_total(scheme, "", items) == D("100.00")


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the tests' default language is Chinese)."""
    with translation.override("en"):
        yield


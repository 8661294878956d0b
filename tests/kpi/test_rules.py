"""Scoring rules (presales.kpi.rules): the seeds' examples exactly, boundaries, caps, floors,
parameter validation, and hypothesis properties (range, monotonicity, no invented values)."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from presales.core.errors import DomainError
from presales.kpi import rules
from presales.kpi.seed import INDICATORS

D = Decimal
SEED = {row["code"]: row for row in INDICATORS}


def seeded(code, value):
    row = SEED[code]
    return rules.score(row["rule_type"], row["rule_params"], value, row["max_points"])


# --- the seeds' examples ----------------------------------------------------------------------


@pytest.mark.parametrize(("customers", "points"), [
    (0, 30), (1, 30), (3, 30),  # seed 001: ≤3 unresolved customers → 30
    (4, 20), (7, 20), (10, 20),  # our middle band
    (11, 10), (25, 10),  # seed 001: >10 → 10
])
def test_seed_001_technical_resolution_bands(customers, points):
    result = seeded("KPI-R04", customers)
    assert result.points == D(points)
    assert result.max_points == D(30)
    assert result.normalized == (D(points) / 30 * 100).quantize(D("0.01"))


def test_bands_explanation_names_rule_and_inputs():
    result = seeded("KPI-R04", 3)
    assert result.explanation == "Band 1: 3 ≤ 3 → 30 of 30 points"
    assert result.inputs == {"value": "3", "band": 1}
    assert seeded("KPI-R04", 12).explanation == "Band 3: 12 > 10 → 10 of 30 points"


@pytest.mark.parametrize(("nps", "points"), [
    (100, "15"), (95, "15"),  # seed 001: 95 and above: full marks
    (94, "14"), (87.5, "7.5"), (80.01, "0.01"),  # linear in between
    (80, "0"), (79.99, "0"), (0, "0"),  # below 80: nothing
])
def test_seed_001_satisfaction_linear(nps, points):
    assert seeded("KPI-P01", nps).points == D(points)


@pytest.mark.parametrize(("complaints", "points"), [(0, 15), (1, 10), (2, 5), (3, 0), (4, 0), (50, 0)])
def test_seed_001_complaints_deduct_5_each_not_below_0(complaints, points):
    assert seeded("KPI-P03", complaints).points == D(points)


@pytest.mark.parametrize(("cases", "points"), [(0, 0), (1, 2), (3, 6), (5, 10), (6, 10), (40, 10)])
def test_seed_001_sharing_bonus_2_each_capped(cases, points):
    assert seeded("KPI-G02", cases).points == D(points)


@pytest.mark.parametrize(("exam", "points"), [(100, 10), (80, 10), (79.99, 0), (0, 0)])
def test_seed_001_training_exam_pass_line_80(exam, points):
    assert seeded("KPI-G01", exam).points == D(points)


@pytest.mark.parametrize(("average", "points"), [(1, 10), (0.5, 10), (0.2, 8), (0, 8), (-0.4, 5), (-0.6, 2), (-1, 2)])
def test_daily_report_quality_bands_from(average, points):
    assert seeded("KPI-C01", average).points == D(points)


def test_response_hours_lower_is_better():
    assert seeded("KPI-R03", 2).points == D(10)
    assert seeded("KPI-R03", 4).points == D(10)
    assert seeded("KPI-R03", 14).points == D(5)
    assert seeded("KPI-R03", 24).points == D(0)
    assert seeded("KPI-R03", 48).points == D(0)


def test_every_seeded_rule_is_valid():
    for row in INDICATORS:
        assert rules.validate(row["rule_type"], row["rule_params"], row["max_points"]) is not None
        assert rules.describe(row["rule_type"], row["rule_params"], row["max_points"])


# --- each rule type -------------------------------------------------------------------------------


def test_achievement_ratio_and_ceiling():
    params = {"target": 20, "ceiling_pct": 120}
    assert rules.score("achievement", params, 10, 10).points == D(5)
    assert rules.score("achievement", params, 20, 10).points == D(10)
    over = rules.score("achievement", params, 40, 10)
    assert over.points == D(12) and over.normalized == D(120)
    assert "capped at 120%" in over.explanation
    assert rules.score("achievement", params, -5, 10).points == D(0)
    lower = {"target": 4, "lower_is_better": True}
    assert rules.score("achievement", lower, 8, 10).points == D(5)
    assert rules.score("achievement", lower, 2, 10).points == D(10)  # default ceiling 100 %
    assert rules.score("achievement", lower, 0, 10).points == D(10)


def test_manual_rating_in_range():
    assert rules.score("manual", {}, 7.5, 10).points == D("7.5")
    assert rules.score("manual", {"scale": 5}, 4, 10).points == D(8)
    for bad in (-1, 10.01):
        with pytest.raises(DomainError) as exc:
            rules.score("manual", {}, bad, 10)
        assert exc.value.field == "value"
    with pytest.raises(DomainError):
        rules.score("manual", {"scale": 5}, 6, 10)


def test_pass_line_with_own_points():
    params = {"pass_line": 60, "pass_points": 8, "fail_points": 2}
    assert rules.score("pass_line", params, 60, 10).points == D(8)
    assert rules.score("pass_line", params, 59, 10).points == D(2)


def test_bonus_with_base():
    result = rules.score("bonus", {"per_occurrence": 1, "base": 3, "cap": 5}, 1, 10)
    assert result.points == D(4)
    assert result.explanation.startswith("3 + ")


def test_deduction_floor():
    assert rules.score("deduction", {"per_occurrence": 4, "floor": 3}, 5, 10).points == D(3)


def test_from_bands_descending():
    params = {"bands": [{"from": 90, "points": 10}, {"from": 70, "points": 6}, {"points": 0}]}
    assert rules.score("bands", params, 95, 10).points == D(10)
    assert rules.score("bands", params, 90, 10).points == D(10)
    assert rules.score("bands", params, 89.9, 10).points == D(6)
    low = rules.score("bands", params, 10, 10)
    assert low.points == D(0) and "10 < 70" in low.explanation


# --- no data ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule_type", sorted(rules.RULES))
def test_no_data_is_never_a_score(rule_type):
    row = next(r for r in INDICATORS if r["rule_type"] == rule_type)
    for empty in (None, ""):
        result = rules.score(rule_type, row["rule_params"], empty, row["max_points"])
        assert result.points is None and result.normalized is None and not result.has_data
        assert result.explanation == "No data: not scored."
        assert rules.contribution(result, 20) is None


def test_contribution_is_normalized_times_weight():
    result = seeded("KPI-R04", 5)  # 20 of 30 → 66.67
    assert rules.contribution(result, 30) == D("20.00")


def test_as_dict_is_json_safe():
    import json

    json.dumps(seeded("KPI-P01", 90).as_dict())


# --- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rule_type", "params", "max_points", "field", "fragment"), [
    ("bands", {}, 10, "rule_params", "bands"),
    ("bands", {"bands": [{"points": 5}]}, 10, "rule_params", "at least two"),
    ("bands", {"bands": [{"upto": 3, "points": 30}, {"upto": 10, "points": 20}]}, 30, "rule_params", "no bound"),
    ("bands", {"bands": [{"upto": 3, "points": 40}, {"points": 1}]}, 30, "rule_params", "between 0"),
    ("bands", {"bands": [{"upto": 5, "points": 3}, {"upto": 5, "points": 2}, {"points": 1}]}, 10, "rule_params",
     "ascend"),
    ("bands", {"bands": [{"from": 5, "points": 3}, {"from": 7, "points": 2}, {"points": 1}]}, 10, "rule_params",
     "ascend"),
    ("bands", {"bands": [{"upto": 5, "points": 3}, {"from": 7, "points": 2}, {"points": 1}]}, 10, "rule_params",
     "not both"),
    ("bands", {"bands": [{"upto": 5, "from": 1, "points": 3}, {"points": 1}]}, 10, "rule_params", "not both"),
    ("bands", {"bands": [{"upto": "x", "points": 3}, {"points": 1}]}, 10, "rule_params", "number"),
    ("bands", {"bands": ["x", {"points": 1}]}, 10, "rule_params", "object"),
    ("bands", {"bands": [{"upto": 1}, {"points": 1}]}, 10, "rule_params", "required"),
    ("bands", {"bands": [{"upto": 1, "points": 1, "x": 2}, {"points": 1}]}, 10, "rule_params", "unknown"),
    ("linear", {"zero_at": 80}, 10, "rule_params", "full_at"),
    ("linear", {"zero_at": 80, "full_at": 80}, 10, "rule_params", "differ"),
    ("linear", {"zero_at": True, "full_at": 80}, 10, "rule_params", "number"),
    ("linear", {"zero_at": "nan", "full_at": 80}, 10, "rule_params", "number"),
    ("deduction", {"per_occurrence": 0}, 10, "rule_params", "more than 0"),
    ("deduction", {"per_occurrence": 5, "floor": 11}, 10, "rule_params", "floor"),
    ("bonus", {"per_occurrence": 2, "cap": 11}, 10, "rule_params", "cap"),
    ("bonus", {"per_occurrence": -2}, 10, "rule_params", "more than 0"),
    ("bonus", {"per_occurrence": 2, "cap": 4, "base": 5}, 10, "rule_params", "base"),
    ("pass_line", {}, 10, "rule_params", "pass_line"),
    ("pass_line", {"pass_line": 80, "pass_points": 12}, 10, "rule_params", "pass_points"),
    ("pass_line", {"pass_line": 80, "fail_points": 10}, 10, "rule_params", "fail_points"),
    ("achievement", {"target": 0}, 10, "rule_params", "target"),
    ("achievement", {"target": 10, "ceiling_pct": 90}, 10, "rule_params", "ceiling_pct"),
    ("achievement", {"target": 10, "lower_is_better": "yes"}, 10, "rule_params", "lower_is_better"),
    ("manual", {"scale": 0}, 10, "rule_params", "scale"),
    ("manual", {"typo": 1}, 10, "rule_params", "Unknown parameter"),
    ("manual", {}, 0, "max_points", "Full marks"),
    ("manual", {}, "abc", "max_points", "number"),
    ("nonsense", {}, 10, "rule_type", "Unknown scoring rule"),
])
def test_bad_parameters_are_refused_with_field_errors(rule_type, params, max_points, field, fragment):
    with pytest.raises(DomainError) as exc:
        rules.validate(rule_type, params, max_points)
    assert field in exc.value.errors, exc.value.errors
    assert any(fragment in message for message in exc.value.errors[field]), exc.value.errors


def test_params_must_be_an_object():
    with pytest.raises(DomainError):
        rules.validate("manual", ["x"], 10)


def test_every_problem_reported_at_once():
    with pytest.raises(DomainError) as exc:
        rules.validate("bands", {"bands": [{"upto": 3, "points": 40}, {"upto": 1, "points": -1}]}, 30)
    assert len(exc.value.errors["rule_params"]) >= 3


@pytest.mark.parametrize("value", ["abc", True, float("inf"), [1]])
def test_bad_values_are_refused(value):
    with pytest.raises(DomainError) as exc:
        rules.score("linear", {"zero_at": 0, "full_at": 10}, value, 10)
    assert exc.value.field == "value"


@pytest.mark.parametrize("count", [-1, 1.5])
def test_occurrences_are_whole_and_not_negative(count):
    with pytest.raises(DomainError):
        rules.score("deduction", {"per_occurrence": 5}, count, 15)
    with pytest.raises(DomainError):
        rules.score("bonus", {"per_occurrence": 2}, count, 10)


def test_canonical_params_round_trip():
    for row in INDICATORS:
        canonical = rules.validate(row["rule_type"], row["rule_params"], row["max_points"])
        assert rules.validate(row["rule_type"], canonical, row["max_points"]) == canonical


def test_fmt():
    assert rules.fmt(D("30.00")) == "30"
    assert rules.fmt(D("7.50")) == "7.5"
    assert rules.fmt(None) == "—"


# --- properties ------------------------------------------------------------------------------------

values = st.decimals(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False, places=2)
counts = st.integers(min_value=0, max_value=500)
full = st.decimals(min_value=D("0.5"), max_value=100, places=2)


@settings(max_examples=150, deadline=None)
@given(a=values, b=values)
def test_property_bands_are_monotone_and_in_range(a, b):
    lo, hi = sorted((a, b))
    p_lo, p_hi = seeded("KPI-R04", lo).points, seeded("KPI-R04", hi).points
    assert p_lo >= p_hi  # more unresolved customers never score more
    assert D(10) <= p_hi <= D(30)


@settings(max_examples=150, deadline=None)
@given(a=values, b=values, zero=st.integers(-50, 50), span=st.integers(1, 50), m=full)
def test_property_linear_monotone_clamped(a, b, zero, span, m):
    params = {"zero_at": zero, "full_at": zero + span}
    lo, hi = sorted((a, b))
    r_lo, r_hi = rules.score("linear", params, lo, m), rules.score("linear", params, hi, m)
    assert 0 <= r_lo.points <= r_hi.points <= rules.q2(m)
    assert 0 <= r_lo.normalized <= 100
    reverse = {"zero_at": zero + span, "full_at": zero}
    assert rules.score("linear", reverse, lo, m).points >= rules.score("linear", reverse, hi, m).points


@settings(max_examples=150, deadline=None)
@given(a=counts, b=counts, per=st.integers(1, 10), m=st.integers(1, 50), floor_share=st.integers(0, 100))
def test_property_deduction_never_below_floor_and_decreasing(a, b, per, m, floor_share):
    floor = D(m) * floor_share / 100
    params = {"per_occurrence": per, "floor": floor}
    lo, hi = sorted((a, b))
    p_lo, p_hi = rules.score("deduction", params, lo, m).points, rules.score("deduction", params, hi, m).points
    assert p_lo >= p_hi >= rules.q2(floor)
    assert p_lo <= m


@settings(max_examples=150, deadline=None)
@given(a=counts, b=counts, per=st.integers(1, 10), m=st.integers(1, 50))
def test_property_bonus_never_above_cap_and_increasing(a, b, per, m):
    params = {"per_occurrence": per, "cap": m}
    lo, hi = sorted((a, b))
    p_lo, p_hi = rules.score("bonus", params, lo, m).points, rules.score("bonus", params, hi, m).points
    assert 0 <= p_lo <= p_hi <= m


@settings(max_examples=150, deadline=None)
@given(a=values, b=values, target=st.integers(1, 200), ceiling=st.integers(100, 300), m=full)
def test_property_achievement_capped_at_ceiling(a, b, target, ceiling, m):
    params = {"target": target, "ceiling_pct": ceiling}
    lo, hi = sorted((a, b))
    r_lo, r_hi = rules.score("achievement", params, lo, m), rules.score("achievement", params, hi, m)
    assert 0 <= r_lo.points <= r_hi.points
    assert r_hi.normalized <= ceiling + D("0.01")


@settings(max_examples=150, deadline=None)
@given(value=values, line=st.integers(-100, 100), m=full)
def test_property_pass_line_is_all_or_nothing(value, line, m):
    result = rules.score("pass_line", {"pass_line": line}, value, m)
    assert result.points == (rules.q2(m) if value >= line else 0)


@settings(max_examples=100, deadline=None)
@given(value=st.decimals(min_value=0, max_value=5, places=2), m=full)
def test_property_manual_scale_maps_to_full_marks(value, m):
    result = rules.score("manual", {"scale": 5}, value, m)
    assert result.points == rules.q2(value / 5 * m)
    assert 0 <= result.normalized <= 100


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the tests' default language is Chinese)."""
    with translation.override("en"):
        yield


"""Verdicts: every form and direction, the boundaries (exactly at the pass level, exactly at the
excellent level, just outside), the three aggregation rules, and what makes a criterion unjudgeable."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from presales.poc.choices import Level
from presales.poc.verdict import (
    CriterionVerdict,
    Sample,
    Spec,
    criterion_verdict,
    figure,
    level_of,
    level_text,
    overall_verdict,
    spec_errors,
)

T0 = datetime(2026, 5, 4, tzinfo=UTC)
EPS = D("0.000001")


def samples(*values):
    return [Sample(T0 + timedelta(minutes=i), D(str(v)), i) for i, v in enumerate(values)]


ABS_LOWER = Spec(direction="lower", form="absolute", pass_level=D(80), excellent_level=D(50))
ABS_HIGHER = Spec(direction="higher", form="absolute", pass_level=D("99.5"), excellent_level=D("99.8"))
REL_LOWER = Spec(direction="lower", form="relative", baseline=D(120), pass_level=D(60), excellent_level=D(80))
REL_HIGHER = Spec(direction="higher", form="relative", baseline=D(200), pass_level=D(20), excellent_level=D(50))
RATIO_HIGHER = Spec(direction="higher", form="ratio", reference=D(180), pass_level=D(95), excellent_level=D(100))
RATIO_LOWER = Spec(direction="lower", form="ratio", reference=D(10), pass_level=D(120), excellent_level=D(100))

# spec, (value exactly at pass, value exactly at excellent, a step on the bad side of pass,
#        a step on the bad side of excellent)
BOUNDARIES = {
    "absolute-lower": (ABS_LOWER, D(80), D(50), D(80) + EPS, D(50) + EPS),
    "absolute-higher": (ABS_HIGHER, D("99.5"), D("99.8"), D("99.5") - EPS, D("99.8") - EPS),
    # reduce by ≥60 % vs 120 → value 48; ≥80 % → 24
    "relative-lower": (REL_LOWER, D(48), D(24), D(48) + EPS, D(24) + EPS),
    # increase by ≥20 % vs 200 → 240; ≥50 % → 300
    "relative-higher": (REL_HIGHER, D(240), D(300), D(240) - EPS, D(300) - EPS),
    # ≥95 % of 180 → 171; ≥100 % → 180
    "ratio-higher": (RATIO_HIGHER, D(171), D(180), D(171) - EPS, D(180) - EPS),
    # ≤120 % of 10 → 12; ≤100 % → 10
    "ratio-lower": (RATIO_LOWER, D(12), D(10), D(12) + EPS, D(10) + EPS),
}


@pytest.mark.parametrize("name", BOUNDARIES)
def test_boundaries(name):
    spec, at_pass, at_excellent, outside_pass, outside_excellent = BOUNDARIES[name]
    assert level_of(spec, figure(spec, at_pass)) == Level.PASSED
    assert level_of(spec, figure(spec, at_excellent)) == Level.EXCELLENT
    assert level_of(spec, figure(spec, outside_pass)) == Level.FAILED
    assert level_of(spec, figure(spec, outside_excellent)) == Level.PASSED


@pytest.mark.parametrize("spec, value, expected", [
    (REL_LOWER, D(48), D(60)), (REL_HIGHER, D(240), D(20)), (REL_LOWER, D(132), D(-10)),
    (RATIO_HIGHER, D(171), D(95)), (RATIO_LOWER, D(12), D(120)), (ABS_LOWER, D(70), D(70)),
])
def test_figures(spec, value, expected):
    assert figure(spec, value) == expected


def test_relative_baseline_may_be_negative_scale():
    spec = Spec(direction="higher", form="relative", baseline=D(-50), pass_level=D(10))
    assert figure(spec, D(-45)) == D(10)


def test_without_excellent_level_the_best_is_passed():
    spec = Spec(direction="lower", form="absolute", pass_level=D(80))
    assert level_of(spec, D(1)) == Level.PASSED


def test_level_texts():
    assert level_text(ABS_LOWER, D(80), "ms") == "≤ 80 ms"
    assert level_text(ABS_HIGHER, D("99.50"), "%") == "≥ 99.5 %"
    assert "60%" in level_text(REL_LOWER, D(60), "秒") and "120" in level_text(REL_LOWER, D(60), "秒")
    assert "≥" in level_text(REL_LOWER, D(60), "秒")
    assert "95%" in level_text(RATIO_HIGHER, D(95), "mAh/g") and "180" in level_text(RATIO_HIGHER, D(95), "mAh/g")
    assert level_text(ABS_LOWER, None, "ms") == "—"


# --- aggregation ---------------------------------------------------------------------------------------


def test_latest_takes_the_most_recent_sample_and_breaks_ties_by_entry():
    spec = Spec(direction="lower", form="absolute", pass_level=D(80), excellent_level=D(50), aggregation="latest",
                sample_size=2)
    assert criterion_verdict(spec, samples(100, 40)).level == Level.EXCELLENT
    assert criterion_verdict(spec, samples(40, 100)).level == Level.FAILED
    tie = [Sample(T0, D(40), 1), Sample(T0, D(100), 2)]
    assert criterion_verdict(spec, tie).level == Level.FAILED


def test_mean_over_the_samples():
    spec = Spec(direction="lower", form="absolute", pass_level=D(80), excellent_level=D(50), aggregation="mean",
                sample_size=3)
    verdict = criterion_verdict(spec, samples(70, 90, 80))
    assert verdict.figure == D(80) and verdict.level == Level.PASSED and verdict.complete
    assert criterion_verdict(spec, samples(70, 90, 81)).level == Level.FAILED


def test_every_sample_within_the_level():
    spec = Spec(direction="higher", form="absolute", pass_level=D(95), excellent_level=D(99), aggregation="all",
                sample_size=3)
    assert criterion_verdict(spec, samples(99, 99.5, 100)).level == Level.EXCELLENT
    verdict = criterion_verdict(spec, samples(99, 96, 100))
    assert verdict.level == Level.PASSED and verdict.figure == D(96)
    verdict = criterion_verdict(spec, samples(99, 94, 90))
    assert verdict.level == Level.FAILED and verdict.figure == D(90)


def test_all_lower_reports_the_worst_sample():
    spec = Spec(direction="lower", form="absolute", pass_level=D(80), aggregation="all")
    assert criterion_verdict(spec, samples(70, 85, 90)).figure == D(90)


def test_no_samples_no_level_and_incomplete_until_the_sample_size():
    spec = Spec(direction="lower", form="absolute", pass_level=D(80), aggregation="mean", sample_size=3)
    empty = criterion_verdict(spec, [])
    assert empty.level is None and not empty.complete
    partial = criterion_verdict(spec, samples(70, 70))
    assert partial.level == Level.PASSED and not partial.complete and partial.samples == 2


def test_overall_over_key_criteria():
    passed = CriterionVerdict(Level.PASSED, D(1), 3, 3)
    excellent = CriterionVerdict(Level.EXCELLENT, D(1), 3, 3)
    failed = CriterionVerdict(Level.FAILED, D(1), 3, 3)
    partial = CriterionVerdict(Level.EXCELLENT, D(1), 1, 3)
    nothing = CriterionVerdict(None, None, 0, 3)
    assert overall_verdict([excellent, excellent]).level == Level.EXCELLENT
    assert overall_verdict([excellent, passed]).level == Level.PASSED
    assert overall_verdict([excellent, failed]).level == Level.FAILED
    assert overall_verdict([excellent, partial]).complete is False
    assert overall_verdict([excellent, nothing]).level is None
    assert overall_verdict([]).level is None


# --- criteria that cannot be judged ------------------------------------------------------------------------


def test_a_criterion_without_a_number_is_refused_with_the_reason():
    errors = spec_errors(Spec(direction="lower", form="absolute", pass_level=None), name="系统稳定性更好")
    assert "pass_level" in errors and "系统稳定性更好" in errors["pass_level"][0]


@pytest.mark.parametrize("spec, field", [
    (Spec(direction="lower", form="relative", pass_level=D(60)), "baseline"),
    (Spec(direction="lower", form="relative", pass_level=D(60), baseline=D(0)), "baseline"),
    (Spec(direction="higher", form="ratio", pass_level=D(95)), "reference"),
    (Spec(direction="higher", form="ratio", pass_level=D(95), reference=D(0)), "reference"),
    (Spec(direction="higher", form="ratio", pass_level=D(-5), reference=D(1)), "pass_level"),
    (Spec(direction="lower", form="absolute", pass_level=D(80), excellent_level=D(90)), "excellent_level"),
    (Spec(direction="higher", form="absolute", pass_level=D(95), excellent_level=D(90)), "excellent_level"),
    # relative levels are "at least this much change" whatever the direction
    (Spec(direction="lower", form="relative", baseline=D(5), pass_level=D(60), excellent_level=D(50)),
     "excellent_level"),
    (Spec(direction="lower", form="absolute", pass_level=D(1), sample_size=0), "sample_size"),
])
def test_unjudgeable_specs(spec, field):
    assert field in spec_errors(spec)


def test_good_specs_have_no_errors():
    for spec, *_ in BOUNDARIES.values():
        assert spec_errors(spec) == {}


# --- properties ------------------------------------------------------------------------------------------

decimals = st.decimals(min_value=D("-1e6"), max_value=D("1e6"), allow_nan=False, allow_infinity=False, places=3)
positive = st.decimals(min_value=D("0.001"), max_value=D("1e6"), allow_nan=False, allow_infinity=False, places=3)


@given(value=decimals, pass_level=decimals, delta=st.decimals(min_value=0, max_value=D(1000), places=3),
       direction=st.sampled_from(["lower", "higher"]))
def test_levels_are_ordered_and_consistent(value, pass_level, delta, direction):
    excellent = pass_level - delta if direction == "lower" else pass_level + delta
    spec = Spec(direction=direction, form="absolute", pass_level=pass_level, excellent_level=excellent)
    level = level_of(spec, value)
    better = (lambda a, b: a <= b) if direction == "lower" else (lambda a, b: a >= b)
    assert (level != Level.FAILED) == better(value, pass_level)
    assert (level == Level.EXCELLENT) == (better(value, excellent) and better(value, pass_level))


@given(values=st.lists(decimals, min_size=1, max_size=20), direction=st.sampled_from(["lower", "higher"]),
       pass_level=decimals)
def test_every_sample_is_never_kinder_than_the_mean_or_latest(values, direction, pass_level):
    rank = {Level.FAILED: 0, Level.PASSED: 1, Level.EXCELLENT: 2}
    base = dict(direction=direction, form="absolute", pass_level=pass_level)
    every = criterion_verdict(Spec(aggregation="all", **base), samples(*values)).level
    for aggregation in ("mean", "latest"):
        other = criterion_verdict(Spec(aggregation=aggregation, **base), samples(*values)).level
        assert rank[every] <= rank[other]


@given(baseline=positive, value=positive, direction=st.sampled_from(["lower", "higher"]))
def test_relative_change_improves_when_the_value_improves(baseline, value, direction):
    spec = Spec(direction=direction, form="relative", baseline=baseline, pass_level=D(0))
    better = value - 1 if direction == "lower" else value + 1
    assert figure(spec, better) > figure(spec, value)

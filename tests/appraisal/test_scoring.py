"""The arithmetic (scoring.py): source weights, combination, totals, bands, the annual rule."""

from decimal import Decimal as D

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from presales.appraisal import scoring
from presales.appraisal.choices import DEFAULT_GRADE_BANDS


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_source_weights_must_sum_to_100():
    assert scoring.source_weight_errors({"self": 10, "supervisor": 50, "customer": 20, "peer": 20}) == {}
    errors = scoring.source_weight_errors({"self": 10, "supervisor": 50, "customer": 20, "peer": 10})
    assert "90" in errors["weight_self"][0]
    assert "weight_peer" in scoring.source_weight_errors(
        {"self": 10, "supervisor": 50, "customer": 20, "peer": -1}
    )
    assert "weight_customer" in scoring.source_weight_errors(
        {"self": 0, "supervisor": 0, "customer": "x", "peer": 100}
    )
    assert "weight_self" in scoring.source_weight_errors(
        {"self": 101, "supervisor": 0, "customer": 0, "peer": 0}
    )


def test_combine_sources_renormalises_over_sources_that_entered():
    weights = {"self": D(10), "supervisor": D(50), "customer": D(20), "peer": D(20)}
    value, detail = scoring.combine_sources({"self": [D(5)], "supervisor": [D(3)]}, weights)
    assert value == (D(10) * 5 + D(50) * 3) / 60
    assert detail["self"]["count"] == 1
    # several peers: their mean counts once with the peer weight
    value, detail = scoring.combine_sources({"peer": [D(2), D(4)], "supervisor": [D(3)]}, weights)
    assert value == D(3)
    assert detail["peer"] == {"mean": "3.00", "weight": "20", "count": 2}
    # nothing entered, or only sources weighing 0
    assert scoring.combine_sources({}, weights)[0] is None
    assert scoring.combine_sources({"self": [D(4)]}, {**weights, "self": D(0)})[0] is None


def test_weighted_total_plain_and_by_dimension():
    items = [
        scoring.Item(D(40), "results", D(100)),
        scoring.Item(D(40), "process", D(50)),
        scoring.Item(D(20), "collaboration", None),
    ]
    assert scoring.weighted_total(items) == D("60.00")
    # dimension weights equal to the items' sums: same number
    assert scoring.weighted_total(items, {"results": 40, "process": 40, "collaboration": 20}) == D("60.00")
    # dimension weights that differ: the dimension's weight-averaged score times its weight
    assert scoring.weighted_total(items, {"results": 80, "process": 20}) == D("90.00")


def test_final_score_is_clamped():
    assert scoring.final_score(D("95"), D("10")) == D("100.00")
    assert scoring.final_score(D("5"), D("-10")) == D("0.00")
    assert scoring.final_score(D("70.555"), D("0")) == D("70.56")
    assert scoring.final_score(None, D(3)) is None


@pytest.mark.parametrize(
    "total,grade,coefficient",
    [
        (D("100"), "S", D("1.50")),
        (D("90"), "S", D("1.50")),
        (D("89.99"), "A", D("1.20")),
        (D("80"), "A", D("1.20")),
        (D("70"), "B", D("1.00")),
        (D("60"), "C", D("0.80")),
        (D("59.99"), "D", D("0.00")),
        (D("0"), "D", D("0.00")),
    ],
)
def test_grade_for_default_bands(total, grade, coefficient):
    assert scoring.grade_for(total, DEFAULT_GRADE_BANDS) == (grade, coefficient)
    assert scoring.grade_for(None, DEFAULT_GRADE_BANDS) == ("", None)


def test_grade_band_validation():
    assert scoring.grade_band_errors(DEFAULT_GRADE_BANDS) == []
    assert scoring.grade_band_errors([]) == ["Define at least one grade band."]
    gap = [{"grade": "A", "min": 80, "coefficient": 1}, {"grade": "B", "min": 60, "coefficient": 1}]
    assert any("start at 0" in e for e in scoring.grade_band_errors(gap))
    unordered = [
        {"grade": "A", "min": 60, "coefficient": 1},
        {"grade": "B", "min": 70, "coefficient": 1},
        {"grade": "C", "min": 0, "coefficient": 0},
    ]
    assert any("decrease" in e for e in scoring.grade_band_errors(unordered))
    twice = [{"grade": "A", "min": 60, "coefficient": 1}, {"grade": "A", "min": 0, "coefficient": 1}]
    assert any("twice" in e for e in scoring.grade_band_errors(twice))
    bad = [{"grade": "", "min": "x", "coefficient": -1}]
    assert len(scoring.grade_band_errors(bad)) == 3
    assert scoring.grade_band_errors("S 90") == ["Define at least one grade band."]


def test_parse_and_format_bands_round_trip():
    text = "S 90 1.5\nA 80 1.2;B 70 1\nC,60,0.8\nD 0 0"
    bands = scoring.parse_bands(text)
    assert [b["grade"] for b in bands] == ["S", "A", "B", "C", "D"]
    assert scoring.grade_band_errors(bands) == []
    assert scoring.parse_bands(scoring.format_bands(bands)) == bands


def test_annual_rule_is_the_mean_of_published_quarters():
    assert scoring.annual_total([D("80"), D("90"), D("85")]) == D("85.00")
    assert scoring.annual_total([D("80"), None, D("91")]) == D("85.50")
    assert scoring.annual_total([]) is None


totals = st.decimals(min_value=0, max_value=100, places=2)


@given(totals)
def test_every_total_gets_exactly_the_band_it_reaches(total):
    grade, _ = scoring.grade_for(total, DEFAULT_GRADE_BANDS)
    band = next(b for b in DEFAULT_GRADE_BANDS if b["grade"] == grade)
    assert total >= D(band["min"])
    better = DEFAULT_GRADE_BANDS[: DEFAULT_GRADE_BANDS.index(band)]
    assert all(total < D(b["min"]) for b in better)


@given(st.lists(st.tuples(st.integers(1, 50), totals), min_size=1, max_size=8))
def test_weighted_total_stays_within_0_and_100_when_weights_sum_to_100(pairs):
    weight_sum = sum(w for w, _ in pairs)
    items = [scoring.Item(D(w) * 100 / weight_sum, "x", n) for w, n in pairs]
    total = scoring.weighted_total(items)
    assert D(0) <= total <= D("100.01")
    assert min(n for _, n in pairs) - D("0.01") <= total <= max(n for _, n in pairs) + D("0.01")


@given(st.lists(totals, min_size=1, max_size=4))
def test_annual_total_lies_between_the_quarters(values):
    total = scoring.annual_total(values)
    assert min(values) - D("0.01") <= total <= max(values) + D("0.01")

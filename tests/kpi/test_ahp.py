"""AHP (presales.kpi.ahp): known matrices, validation, the CR refusal with its hint, the rounding to
percentages, and properties (consistent matrices → CR ≈ 0 and the generating weights)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from presales.core.errors import DomainError
from presales.kpi import ahp

F = Fraction


def power_iteration(matrix, steps=200):
    """An independent check of the principal eigenvector (plain Python, no numpy)."""
    n = len(matrix)
    w = [1.0 / n] * n
    lam = 0.0
    for _ in range(steps):
        v = [sum(float(matrix[i][j]) * w[j] for j in range(n)) for i in range(n)]
        s = sum(v)
        lam = s  # Σ(Aw) with Σw = 1 converges to λmax
        w = [x / s for x in v]
    return w, lam


def test_textbook_three_criteria_example():
    """The three-criterion matrix A = [[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]] used throughout the
    AHP literature to introduce the method (Saaty, T. L., "The Analytic Hierarchy Process",
    McGraw-Hill 1980, chapter 1 style example; reproduced in countless course notes): priorities
    ≈ 0.637 / 0.258 / 0.105, λmax ≈ 3.039, CI ≈ 0.019, CR ≈ 0.033 with RI(3) = 0.58. The same
    numbers are recomputed here by power iteration, independently of numpy."""
    matrix = [[1, 3, 5], [F(1, 3), 1, 3], [F(1, 5), F(1, 3), 1]]
    result = ahp.weights(matrix)
    assert [round(w, 3) for w in result.weights] == [0.637, 0.258, 0.105]
    assert round(result.lambda_max, 3) == 3.039
    assert round(result.ci, 3) == 0.019
    assert round(result.cr, 3) == 0.033
    w, lam = power_iteration(matrix)
    assert result.weights == pytest.approx(w, abs=1e-9)
    assert result.lambda_max == pytest.approx(lam, abs=1e-9)
    assert ahp.to_percentages(result.weights) == [Decimal("63.70"), Decimal("25.83"), Decimal("10.47")]


def test_saaty_random_index_table():
    """Saaty's random index (The Analytic Hierarchy Process, 1980): RI(3..10)."""
    assert [ahp.RANDOM_INDEX[n] for n in range(3, 11)] == [0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]


def test_four_criteria_consistent_matrix_from_known_weights():
    """A perfectly consistent matrix built from weights 0.4/0.3/0.2/0.1 (a_ij = w_i/w_j is not on the
    Saaty scale in general, so take weights in ratio 4:2:2:1 → a_ij ∈ {1, 2, 4, 1/2, 1/4})."""
    base = [4, 2, 2, 1]
    matrix = [[F(a, b) for b in base] for a in base]
    result = ahp.weights(matrix)
    assert result.weights == pytest.approx([4 / 9, 2 / 9, 2 / 9, 1 / 9], abs=1e-9)
    assert result.lambda_max == pytest.approx(4, abs=1e-9)
    assert result.cr == pytest.approx(0, abs=1e-9)
    assert result.inconsistent_pairs == []


def test_two_items_always_consistent():
    result = ahp.weights([[1, 3], [F(1, 3), 1]])
    assert result.weights == pytest.approx([0.75, 0.25])
    assert result.cr == 0


def test_single_item():
    assert ahp.weights([[1]]).weights == [1.0]


def test_inconsistent_matrix_refused_with_hint():
    # A ≫ B, B ≫ C but C ≫ A: a cycle.
    matrix = [[1, 9, F(1, 9)], [F(1, 9), 1, 9], [9, F(1, 9), 1]]
    with pytest.raises(ahp.AhpInconsistent) as exc:
        ahp.weights(matrix, labels=["转化率", "中标率", "响应时间"])
    error = exc.value
    assert error.code == "ahp_inconsistent" and error.field == "matrix"
    assert error.result.cr >= 0.1
    assert "CR = " in error.message and "转化率" in error.message
    assert error.result.inconsistent_pairs
    # analyse() answers the same numbers without refusing
    result = ahp.analyse(matrix)
    assert not result.consistent and result.cr == pytest.approx(error.result.cr)


def test_hint_names_the_judgement_at_odds():
    """Three judgements agreeing (A:B = 2, B:C = 2) and one wrong (A:C = 1/4 instead of 4)."""
    matrix = [[1, 2, F(1, 4)], [F(1, 2), 1, 2], [4, F(1, 2), 1]]
    result = ahp.analyse(matrix)
    assert result.cr >= 0.1
    worst = result.inconsistent_pairs[0]
    i, j, given_value, implied = worst
    assert (i, j) in {(0, 2), (0, 1), (1, 2)}
    assert given_value != pytest.approx(implied)


@pytest.mark.parametrize(("matrix", "fragment"), [
    ([], "square"),
    ([[1, 2]], "square"),
    ([[1, 2], [F(1, 2)]], "square"),
    ([[2, 1], [1, 1]], "diagonal"),
    ([[1, -2], [F(-1, 2), 1]], "positive"),
    ([[1, 10], [F(1, 10), 1]], "Saaty"),
    ([[1, 2.5], [0.4, 1]], "Saaty"),
    ([[1, 3], [F(1, 2), 1]], "reciprocal"),
    ([[1, "x"], [1, 1]], "not a number"),
    ([[1, True], [1, 1]], "not a number"),
    ([[1, float("nan")], [1, 1]], "not a number"),
    ("abc", "square"),
])
def test_matrix_validation(matrix, fragment):
    with pytest.raises(DomainError) as exc:
        ahp.weights(matrix)
    assert exc.value.field == "matrix" or "matrix" in exc.value.errors
    assert any(fragment in m for m in exc.value.errors.get("matrix", [exc.value.message])), exc.value.errors


def test_too_large_matrix_refused():
    with pytest.raises(DomainError):
        ahp.weights([[1] * 16 for _ in range(16)])


def test_fraction_strings_accepted():
    result = ahp.weights([["1", "3"], ["1/3", "1"]])
    assert result.weights == pytest.approx([0.75, 0.25])


def test_matrix_from_upper():
    matrix = ahp.matrix_from_upper(3, {(0, 1): 3, (0, 2): F(5), (1, 2): F(1, 2)})
    assert matrix[1][0] == F(1, 3) and matrix[2][1] == 2 and matrix[2][2] == 1
    with pytest.raises(DomainError):
        ahp.matrix_from_upper(3, {(1, 0): 3})
    with pytest.raises(DomainError):
        ahp.matrix_from_upper(2, {(0, 1): 0})


def test_pair_unpacks():
    pair = ahp.InconsistentPair(0, 1, 3.0, 1.5)
    assert tuple(pair) == (0, 1, 3.0, 1.5)
    assert pair.deviation == pytest.approx(2.0)


# --- rounding -----------------------------------------------------------------------------------


def test_to_percentages_largest_remainder():
    assert ahp.to_percentages([1 / 3, 1 / 3, 1 / 3]) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert ahp.to_percentages([1 / 3, 1 / 3, 1 / 3], Decimal("40")) == [
        Decimal("13.34"), Decimal("13.33"), Decimal("13.33")]
    assert ahp.to_percentages([]) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0.001, max_value=1000), min_size=1, max_size=15),
       st.integers(min_value=1, max_value=100))
def test_property_percentages_sum_exactly_and_stay_close(raw, total):
    total = Decimal(total)
    shares = ahp.to_percentages(raw, total)
    assert sum(shares) == total
    s = sum(raw)
    for share, w in zip(shares, raw, strict=True):
        assert abs(float(share) - w / s * float(total)) <= 0.0100001
        assert share == share.quantize(Decimal("0.01"))


# --- properties -----------------------------------------------------------------------------------

scale_ints = st.sampled_from([1, 2, 4, 8])


@settings(max_examples=100, deadline=None)
@given(st.lists(scale_ints, min_size=2, max_size=8))
def test_property_consistent_matrix_has_cr_zero_and_recovers_weights(base):
    """a_ij = b_i / b_j with b ∈ {1, 2, 4, 8}: every ratio (a power of 2 up to 8) is on Saaty's scale and the matrix is
    perfectly consistent, so CR ≈ 0 and the weights are b normalised."""
    matrix = [[F(a, b) for b in base] for a in base]
    result = ahp.weights(matrix)
    assert sum(result.weights) == pytest.approx(1)
    assert result.cr == pytest.approx(0, abs=1e-9)
    assert result.lambda_max == pytest.approx(len(base), abs=1e-9)
    assert result.weights == pytest.approx([b / sum(base) for b in base], abs=1e-9)


saaty = st.sampled_from([F(k) for k in range(1, 10)] + [F(1, k) for k in range(2, 10)])


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=2, max_value=7).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(saaty, min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2))))
def test_property_any_reciprocal_matrix(data):
    n, judgements = data
    upper = {}
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            upper[(i, j)] = judgements[k]
            k += 1
    result = ahp.analyse(ahp.matrix_from_upper(n, upper))
    assert sum(result.weights) == pytest.approx(1)
    assert all(w > 0 for w in result.weights)
    assert result.lambda_max >= n - 1e-9  # Perron: λmax ≥ n for a positive reciprocal matrix
    assert result.cr >= 0
    assert sum(ahp.to_percentages(result.weights)) == Decimal("100.00")


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the tests' default language is Chinese)."""
    with translation.override("en"):
        yield


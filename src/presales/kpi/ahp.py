"""Analytic hierarchy process (层次分析法) — pure Python + numpy, no database.

`weights(matrix)` takes a pairwise comparison matrix A (a_ij = how much more important item i is
than item j on Saaty's 1..9 scale, a_ji = 1/a_ij, a_ii = 1), returns the principal eigenvector
normalised to sum to 1, λmax, the consistency index CI = (λmax − n)/(n − 1) and the consistency
ratio CR = CI / RI(n) with Saaty's random index table. A matrix with CR ≥ 0.1 is refused
(AhpInconsistent, a DomainError) with a hint naming the judgements most at odds with the weights
they imply; `analyse(matrix)` gives the same result without refusing.

`to_percentages(weights)` turns weights into scheme percentages with 2 decimals summing to
exactly 100.00 (largest-remainder rounding, see its docstring).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

import numpy as np
from django.utils.translation import gettext as _

from presales.core.errors import DomainError

# Saaty's random consistency index RI(n) (Saaty 1980, The Analytic Hierarchy Process, table 1.7;
# extended to n = 15 as commonly published).
RANDOM_INDEX = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
    11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
}
MAX_SIZE = max(RANDOM_INDEX)
CR_LIMIT = 0.1
# The values of Saaty's fundamental scale: 1/9 … 1 … 9.
SAATY_SCALE = tuple(sorted({Fraction(1, k) for k in range(1, 10)} | {Fraction(k) for k in range(1, 10)}))
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class InconsistentPair:
    i: int
    j: int
    given: float  # a_ij as entered
    implied: float  # w_i / w_j from the computed weights

    @property
    def deviation(self) -> float:
        """How far the judgement is from the implied ratio, as a factor (≥ 1)."""
        return math.exp(abs(math.log(self.given / self.implied)))

    def __iter__(self):  # unpack as (i, j, given, implied)
        return iter((self.i, self.j, self.given, self.implied))


@dataclass(frozen=True)
class AhpResult:
    weights: list[float]
    lambda_max: float
    ci: float
    cr: float
    inconsistent_pairs: list[InconsistentPair] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return self.cr < CR_LIMIT

    @property
    def n(self) -> int:
        return len(self.weights)


class AhpInconsistent(DomainError):
    """CR ≥ 0.1: the judgements contradict each other too much to be used."""

    def __init__(self, message: str, *, result: AhpResult):
        super().__init__(message, code="ahp_inconsistent", field="matrix")
        self.result = result


def _as_float(value, i: int, j: int) -> float:
    if isinstance(value, bool):
        raise DomainError(_("Cell (%(i)s, %(j)s) is not a number.") % {"i": i + 1, "j": j + 1},
                          code="ahp_invalid", field="matrix")
    try:
        if isinstance(value, str):
            number = float(Fraction(value.strip()))
        else:
            number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        raise DomainError(_("Cell (%(i)s, %(j)s) is not a number.") % {"i": i + 1, "j": j + 1},
                          code="ahp_invalid", field="matrix") from None
    if not math.isfinite(number):
        raise DomainError(_("Cell (%(i)s, %(j)s) is not a number.") % {"i": i + 1, "j": j + 1},
                          code="ahp_invalid", field="matrix")
    return number


def _on_scale(value: float) -> bool:
    return any(abs(value - float(step)) <= _TOLERANCE * max(1.0, value) for step in SAATY_SCALE)


def validate_matrix(matrix) -> np.ndarray:
    """Check the matrix and return it as a numpy array; DomainError (field "matrix") if bad."""
    if not isinstance(matrix, (list, tuple)) or not matrix:
        raise DomainError(_("Give a square matrix of pairwise comparisons."), code="ahp_invalid", field="matrix")
    n = len(matrix)
    if n > MAX_SIZE:
        raise DomainError(_("At most %(max)s items can be compared at once.") % {"max": MAX_SIZE},
                          code="ahp_invalid", field="matrix")
    rows = []
    for i, row in enumerate(matrix):
        if not isinstance(row, (list, tuple)) or len(row) != n:
            raise DomainError(_("The matrix must be square: row %(i)s has the wrong length.") % {"i": i + 1},
                              code="ahp_invalid", field="matrix")
        rows.append([_as_float(value, i, j) for j, value in enumerate(row)])
    a = np.array(rows, dtype=float)
    problems = []
    for i in range(n):
        if abs(a[i, i] - 1.0) > _TOLERANCE:
            problems.append(_("The diagonal must be 1 (cell (%(i)s, %(i)s)).") % {"i": i + 1})
    for i in range(n):
        for j in range(n):
            if a[i, j] <= 0:
                problems.append(_("Cell (%(i)s, %(j)s) must be positive.") % {"i": i + 1, "j": j + 1})
            elif i != j and not _on_scale(a[i, j]):
                problems.append(
                    _("Cell (%(i)s, %(j)s) = %(v)s is not on Saaty's scale (1/9 … 9).")
                    % {"i": i + 1, "j": j + 1, "v": f"{a[i, j]:g}"}
                )
    for i in range(n):
        for j in range(i + 1, n):
            if a[i, j] > 0 and a[j, i] > 0 and abs(a[i, j] * a[j, i] - 1.0) > 1e-4:
                problems.append(
                    _("Cells (%(i)s, %(j)s) and (%(j)s, %(i)s) must be reciprocal (a_ji = 1/a_ij).")
                    % {"i": i + 1, "j": j + 1}
                )
    if problems:
        raise DomainError(problems[0], code="ahp_invalid", errors={"matrix": problems})
    return a


def analyse(matrix) -> AhpResult:
    """Weights, λmax, CI, CR and the judgements ranked by how far they are from the implied
    ratios (all pairs i < j whose judgement is off by more than a factor 1.5, worst first)."""
    a = validate_matrix(matrix)
    n = a.shape[0]
    if n == 1:
        return AhpResult(weights=[1.0], lambda_max=1.0, ci=0.0, cr=0.0)
    eigenvalues, eigenvectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[k].real)
    vector = np.abs(eigenvectors[:, k].real)
    w = vector / vector.sum()
    ci = max((lambda_max - n) / (n - 1), 0.0)
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri else 0.0
    pairs = []
    for i in range(n):
        for j in range(i + 1, n):
            pair = InconsistentPair(i=i, j=j, given=float(a[i, j]), implied=float(w[i] / w[j]))
            if pair.deviation > 1.5:
                pairs.append(pair)
    pairs.sort(key=lambda p: p.deviation, reverse=True)
    return AhpResult(weights=[float(x) for x in w], lambda_max=lambda_max, ci=ci, cr=cr, inconsistent_pairs=pairs)


def _fmt_judgement(value: float) -> str:
    if abs(value - 1) < 0.05:
        return "1"
    if value >= 1:
        return f"{value:.2g}"
    return f"1/{1 / value:.2g}"


def weights(matrix, *, labels: list[str] | None = None) -> AhpResult:
    """Like analyse(), but refuses a matrix whose CR ≥ 0.1 (AhpInconsistent naming the worst
    judgements, with `labels` for the items when given)."""
    result = analyse(matrix)
    if not result.consistent:
        names = labels or [str(k + 1) for k in range(result.n)]
        hints = [
            _("%(a)s vs %(b)s: you gave %(given)s, the other judgements imply about %(implied)s")
            % {"a": names[p.i], "b": names[p.j], "given": _fmt_judgement(p.given),
               "implied": _fmt_judgement(p.implied)}
            for p in result.inconsistent_pairs[:3]
        ]
        message = _("The judgements are inconsistent: CR = %(cr).3f (must be below 0.1).") % {"cr": result.cr}
        if hints:
            message += " " + _("Reconsider: %(hints)s.") % {"hints": "; ".join(hints)}
        raise AhpInconsistent(message, result=result)
    return result


def matrix_from_upper(n: int, upper: dict[tuple[int, int], float | Fraction]) -> list[list[Fraction]]:
    """Build the full reciprocal matrix from the upper-triangle judgements {(i, j): a_ij} (i < j);
    missing judgements count as 1 (equally important)."""
    matrix = [[Fraction(1) for _j in range(n)] for _i in range(n)]
    for (i, j), value in upper.items():
        if not (0 <= i < j < n):
            raise DomainError(_("Only judgements above the diagonal are entered."), code="ahp_invalid", field="matrix")
        value = Fraction(value).limit_denominator(9) if not isinstance(value, Fraction) else value
        if value <= 0:
            raise DomainError(_("Judgements must be positive."), code="ahp_invalid", field="matrix")
        matrix[i][j] = value
        matrix[j][i] = 1 / value
    return matrix


def to_percentages(ws: list[float], total: Decimal = Decimal("100.00")) -> list[Decimal]:
    """Weights (summing to 1) → percentages with 2 decimals that sum to exactly `total`.

    Rounding rule (largest remainder): every weight × total is rounded DOWN to 0.01; the cents
    still missing are handed out one at a time to the items with the largest cut-off remainders
    (ties: the earlier item first). No item moves by more than 0.01 from its exact share."""
    if not ws:
        return []
    s = sum(ws)
    cents_total = int((total * 100).to_integral_value())
    exact = [Decimal(repr(w / s)) * cents_total for w in ws]
    floors = [int(x.to_integral_value(rounding=ROUND_FLOOR)) for x in exact]
    missing = cents_total - sum(floors)
    order = sorted(range(len(ws)), key=lambda k: (-(exact[k] - floors[k]), k))
    for k in order[:missing]:
        floors[k] += 1
    return [(Decimal(c) / 100).quantize(Decimal("0.01")) for c in floors]

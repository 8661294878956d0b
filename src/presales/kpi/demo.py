"""Demo data of the KPI library: `build(rng, opportunities, users)` adds, through the services,
to the seeded library (migration 0002: 19 indicators, the engineer and manager schemes):

- the seed 001 assessment form as a scheme (35/15/15/15/10/10), active;
- a scheme whose weights come from AHP pairwise comparisons, one dimension at a time, active;
- a draft scheme whose weights do not add up yet (the editor shows why), and a retired one;
- quarterly reviews: indicators kept, a lagging one replaced (seed 001: "traditional solution
  count" → "error-proofing checkpoint coverage"), one retired.
Returns counts by record kind.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from . import services
from .models import Indicator, IndicatorReview, Scheme
from .seed import SEED_001_SCHEME

F = Fraction
# Pairwise judgements per dimension of the engineer scheme, in item order (upper triangle).
AHP_JUDGEMENTS = {
    "results": {(0, 1): F(1), (0, 2): F(3), (1, 2): F(3)},  # conversion = win rate > response time
    "process": {(0, 1): F(1, 2), (0, 2): F(2), (1, 2): F(3)},  # satisfaction first
    "growth": {(0, 1): F(2), (0, 2): F(3), (1, 2): F(2)},  # training exam first
    "collaboration": {(0, 1): F(1, 2)},  # sales enablement over cross-department rating
}


def _manager(users):
    for user in users:
        if user.is_manager:
            return user
    return None


def _quarter(offset: int = 1) -> str:
    today = timezone.localdate()
    q = (today.month - 1) // 3 + 1 - offset
    year = today.year
    while q < 1:
        q += 4
        year -= 1
    return f"{year}Q{q}"


def _scheme_from(actor, data) -> Scheme:
    scheme = services.scheme_create(
        actor=actor, name=data["name"], code=data["code"], description=data["description"],
        role=None, position=data["position"], dimension_weights=data["dimension_weights"],
    )
    for code, weight, dimension in data["items"]:
        services.scheme_item_add(actor=actor, scheme=scheme, indicator=Indicator.objects.get(code=code),
                                 weight=weight, dimension=dimension or "")
    scheme.refresh_from_db()
    return scheme


def build(rng, opportunities, users) -> dict[str, int]:
    actor = _manager(users)
    if actor is None or Scheme.objects.filter(code=SEED_001_SCHEME["code"]).exists():
        return {}
    counts = {"schemes": 0, "AHP runs": 0, "indicator reviews": 0, "indicators": 0}
    eng = Scheme.objects.filter(code="SCH-ENG").first()
    mgr = Scheme.objects.filter(code="SCH-MGR").first()

    # the seed 001 form
    if Indicator.objects.filter(code__in=[c for c, _w, _d in SEED_001_SCHEME["items"]]).count() == len(
            SEED_001_SCHEME["items"]):
        scheme = _scheme_from(actor, SEED_001_SCHEME)
        services.scheme_activate(actor=actor, scheme=scheme, expected_version=scheme.version)
        counts["schemes"] += 1

    # AHP-derived weights, dimension by dimension
    if eng is not None:
        ahp_scheme = services.scheme_copy(actor=actor, scheme=eng, code="SCH-ENG-AHP",
                                          name="售前工程师考核方案（AHP 权重）")
        services.scheme_update(actor=actor, scheme=ahp_scheme, expected_version=ahp_scheme.version,
                               description="四维度权重同种子 002;维度内指标权重由层次分析法两两比较得出。")
        for dimension, judgements in AHP_JUDGEMENTS.items():
            ahp_scheme.refresh_from_db()
            n = len(services.ahp_scope_items(ahp_scheme, dimension))
            if n < 2:
                continue
            from .ahp import matrix_from_upper

            matrix = matrix_from_upper(n, {k: v for k, v in judgements.items() if k[1] < n})
            services.scheme_apply_ahp(actor=actor, scheme=ahp_scheme, matrix=matrix, dimension=dimension,
                                      expected_version=ahp_scheme.version)
            counts["AHP runs"] += 1
        ahp_scheme.refresh_from_db()
        services.scheme_activate(actor=actor, scheme=ahp_scheme, expected_version=ahp_scheme.version)
        counts["schemes"] += 1

    # a draft that does not add up yet
    draft = services.scheme_create(actor=actor, name="解决方案架构师考核方案（草稿）", code="SCH-SA-DRAFT",
                                   position="解决方案架构师",
                                   description="正在讨论：方案质量与评审通过率的权重。")
    for code, weight in (("KPI-P04", "40"), ("KPI-P05", "30"), ("KPI-P01", "20")):
        services.scheme_item_add(actor=actor, scheme=draft, indicator=Indicator.objects.get(code=code), weight=weight)
    counts["schemes"] += 1

    # last year's manager form, retired
    if mgr is not None:
        old = services.scheme_copy(actor=actor, scheme=mgr, code="SCH-MGR-2025", name="售前经理绩效考核评分表（2025 版）")
        old.refresh_from_db()
        old = services.scheme_activate(actor=actor, scheme=old, expected_version=old.version)
        services.scheme_retire(actor=actor, scheme=old, expected_version=old.version)
        counts["schemes"] += 1

    # quarterly reviews
    quarter = _quarter(1)
    for code in ("KPI-P01", "KPI-P03", "KPI-R04", "KPI-G02"):
        indicator = Indicator.objects.get(code=code)
        if not IndicatorReview.objects.filter(indicator=indicator, quarter=quarter).exists():
            services.indicator_review(actor=actor, indicator=indicator, quarter=quarter, decision="keep",
                                      reason=rng.choice(["指标仍能有效区分绩效，数据来源稳定。", "与战略目标一致，继续保留。"]))
            counts["indicator reviews"] += 1
    lagging = services.indicator_create(
        actor=actor, code="KPI-X01", name="传统方案数量", dimension="results", data_source="manual",
        rule_type="achievement", rule_params={"target": 6, "ceiling_pct": 100}, max_points=Decimal(10),
        definition="考核期内提交的标准化方案份数（滞后指标，种子 001 举例应替换）。", unit="份",
    )
    successor = services.indicator_create(
        actor=actor, code="KPI-P07", name="防错设计检查点覆盖率", dimension="process", data_source="manual",
        rule_type="achievement", rule_params={"target": 100, "ceiling_pct": 100}, max_points=Decimal(10),
        definition="方案中覆盖防错设计检查点的比例（种子 001：客户投诉率上升时及时增加）。", unit="%",
    )
    services.indicator_review(actor=actor, indicator=lagging, quarter=quarter, decision="replace",
                              reason="传统方案数量只反映数量不反映质量，以防错设计检查点覆盖率替换。", replaced_by=successor)
    retired = services.indicator_create(
        actor=actor, code="KPI-X02", name="线索登记数", dimension="results", data_source="manual",
        rule_type="bonus", rule_params={"per_occurrence": 1, "cap": 10}, max_points=Decimal(10),
        definition="售前登记的新线索数量。", unit="条",
    )
    services.indicator_review(actor=actor, indicator=retired, quarter=quarter, decision="retire",
                              reason="线索登记属于销售职责，不再作为售前考核指标。")
    counts["indicators"] += 3
    counts["indicator reviews"] += 2
    return counts

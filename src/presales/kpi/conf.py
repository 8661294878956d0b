"""Settings fragments of this app, merged by presales.settings. Plain data only (dotted
paths and numbers): this module is imported while settings load, before Django's apps."""

# drf-spectacular enum names for this app's choice classes: {"NameEnum": "presales.kpi.choices.Class"}
ENUM_NAME_OVERRIDES: dict[str, str] = {
    "KpiDimensionEnum": "presales.kpi.choices.Dimension",
    "KpiDataSourceEnum": "presales.kpi.choices.DataSource",
    "KpiRuleTypeEnum": "presales.kpi.choices.RuleType",
    "KpiIndicatorStatusEnum": "presales.kpi.choices.IndicatorStatus",
    "KpiReviewDecisionEnum": "presales.kpi.choices.ReviewDecision",
    "KpiSchemeStatusEnum": "presales.kpi.choices.SchemeStatus",
    "KpiEvaluationSourceEnum": "presales.kpi.choices.EvaluationSource",
}
# Celery beat entries: {"name": {"task": "presales.kpi.tasks.fn", "minutes": 15}} (every N minutes)
# or {"name": {"task": ..., "hour": 2, "minute": 30}} (daily).
BEAT_SCHEDULE: dict[str, dict] = {}

"""Settings fragments of this app, merged by presales.settings. Plain data only (dotted
paths and numbers): this module is imported while settings load, before Django's apps."""

# drf-spectacular enum names for this app's choice classes: {"NameEnum": "presales.solutions.choices.Class"}
ENUM_NAME_OVERRIDES: dict[str, str] = {
    "SolutionStatusEnum": "presales.solutions.choices.Status",
    "SolutionReviewLevelEnum": "presales.solutions.choices.ReviewLevel",
    "SolutionDecisionEnum": "presales.solutions.choices.Decision",
    "SolutionDepartmentEnum": "presales.solutions.choices.Department",
    "SolutionDeptDecisionEnum": "presales.solutions.choices.DeptDecision",
    "SolutionRoundOutcomeEnum": "presales.solutions.choices.RoundOutcome",
}
# Celery beat entries: {"name": {"task": "presales.solutions.tasks.fn", "minutes": 15}} (every N minutes)
# or {"name": {"task": ..., "hour": 2, "minute": 30}} (daily).
BEAT_SCHEDULE: dict[str, dict] = {}

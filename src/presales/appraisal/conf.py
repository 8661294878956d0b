"""Settings fragments of this app, merged by presales.settings. Plain data only (dotted
paths and numbers): this module is imported while settings load, before Django's apps."""

# drf-spectacular enum names for this app's choice classes: {"NameEnum": "presales.appraisal.choices.Class"}
ENUM_NAME_OVERRIDES: dict[str, str] = {
    "AppraisalCycleKindEnum": "presales.appraisal.choices.CycleKind",
    "AppraisalCycleStatusEnum": "presales.appraisal.choices.CycleStatus",
    "AppraisalStepEnum": "presales.appraisal.choices.Step",
    "AppraisalSourceEnum": "presales.appraisal.choices.Source",
    "AppraisalAppealOutcomeEnum": "presales.appraisal.choices.AppealOutcome",
}
# Celery beat entries: {"name": {"task": "presales.appraisal.tasks.fn", "minutes": 15}} (every N minutes)
# or {"name": {"task": ..., "hour": 2, "minute": 30}} (daily).
BEAT_SCHEDULE: dict[str, dict] = {
    "appraisal-remind-deadlines": {
        "task": "presales.appraisal.tasks.remind_deadlines",
        "hour": 8,
        "minute": 30,
    },
}

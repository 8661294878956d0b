"""Settings fragments of this app, merged by presales.settings. Plain data only (dotted
paths and numbers): this module is imported while settings load, before Django's apps."""

# drf-spectacular enum names for this app's choice classes: {"NameEnum": "presales.demos.choices.Class"}
ENUM_NAME_OVERRIDES: dict[str, str] = {
    "DemoStatusEnum": "presales.demos.choices.Status",
    "DemoModeEnum": "presales.demos.choices.Mode",
    "DemoMaterialKindEnum": "presales.demos.choices.MaterialKind",
    "DemoQuestionStatusEnum": "presales.demos.choices.QuestionStatus",
}
# Celery beat entries: {"name": {"task": "presales.demos.tasks.fn", "minutes": 15}} (every N minutes)
# or {"name": {"task": ..., "hour": 2, "minute": 30}} (daily).
BEAT_SCHEDULE: dict[str, dict] = {
    "demos-remind-presenters": {"task": "presales.demos.tasks.remind_presenters", "minutes": 60},
}

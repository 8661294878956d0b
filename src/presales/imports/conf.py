"""Settings fragments of this app, merged by presales.settings. Plain data only (dotted
paths and numbers): this module is imported while settings load, before Django's apps."""

# drf-spectacular enum names for this app's choice classes: {"NameEnum": "presales.imports.choices.Class"}
ENUM_NAME_OVERRIDES: dict[str, str] = {}
# Celery beat entries: {"name": {"task": "presales.imports.tasks.fn", "minutes": 15}} (every N minutes)
# or {"name": {"task": ..., "hour": 2, "minute": 30}} (daily).
BEAT_SCHEDULE: dict[str, dict] = {}

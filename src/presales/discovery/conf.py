"""Settings fragments of this app, merged by presales.settings. Plain data only (dotted
paths and numbers): this module is imported while settings load, before Django's apps."""

# drf-spectacular enum names for this app's choice classes: {"NameEnum": "presales.discovery.choices.Class"}
ENUM_NAME_OVERRIDES: dict[str, str] = {
    "DiscoveryMethodEnum": "presales.discovery.choices.ResearchMethod",
    "DiscoveryActivityStatusEnum": "presales.discovery.choices.ActivityStatus",
    "DiscoveryPriorityEnum": "presales.discovery.choices.Priority",
    "DiscoveryRequirementCategoryEnum": "presales.discovery.choices.RequirementCategory",
    "DiscoveryRequirementStatusEnum": "presales.discovery.choices.RequirementStatus",
    "DiscoveryConfirmationMethodEnum": "presales.discovery.choices.ConfirmationMethod",
    "DiscoveryProgressEnum": "presales.discovery.choices.Progress",
    # The support request's priority keeps its name now that a second "priority" field exists.
    "PriorityEnum": "presales.support.choices.Priority",
}
# Celery beat entries: {"name": {"task": "presales.discovery.tasks.fn", "minutes": 15}} (every N minutes)
# or {"name": {"task": ..., "hour": 2, "minute": 30}} (daily).
BEAT_SCHEDULE: dict[str, dict] = {}

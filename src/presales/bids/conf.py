"""Settings fragments of this app, merged by presales.settings. Plain data only (dotted
paths and numbers): this module is imported while settings load, before Django's apps."""

# drf-spectacular enum names for this app's choice classes: {"NameEnum": "presales.bids.choices.Class"}
ENUM_NAME_OVERRIDES: dict[str, str] = {
    "BidStatusEnum": "presales.bids.choices.Status",
    "BidResultEnum": "presales.bids.choices.Result",
    "BidBondStatusEnum": "presales.bids.choices.BondStatus",
    "BidSubmissionMethodEnum": "presales.bids.choices.SubmissionMethod",
    "BidPartEnum": "presales.bids.choices.Part",
    "BidSectionKindEnum": "presales.bids.choices.SectionKind",
    "BidDeviationEnum": "presales.bids.choices.Deviation",
    "BidReviewGroupEnum": "presales.bids.choices.ReviewGroup",
}
# Celery beat entries: {"name": {"task": "presales.bids.tasks.fn", "minutes": 15}} (every N minutes)
# or {"name": {"task": ..., "hour": 2, "minute": 30}} (daily).
BEAT_SCHEDULE: dict[str, dict] = {
    "bids-deadline-alerts": {"task": "presales.bids.tasks.send_bid_alerts", "minutes": 15},
}

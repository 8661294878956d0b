"""Settings fragments of this app, merged by presales.settings. Plain data only."""

ENUM_NAME_OVERRIDES: dict[str, str] = {
    "NotificationEventEnum": "presales.notifications.choices.Event",
    "NotificationChannelEnum": "presales.notifications.choices.Channel",
    "NotificationPlatformEnum": "presales.notifications.choices.Platform",
    "NotificationDeliveryStatusEnum": "presales.notifications.choices.DeliveryStatus",
}
# The daily digest e-mail, at 08:00 (CELERY_TIMEZONE).
BEAT_SCHEDULE: dict[str, dict] = {
    "notifications-daily-digest": {
        "task": "presales.notifications.tasks.send_digests",
        "hour": 8,
        "minute": 0,
    },
}

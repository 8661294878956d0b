from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .models import Delivery, Notification, Preferences, Subscription, TeamRobot


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "recipient",
        "kind",
        "event",
        "actionable",
        "created_at",
        "read_at",
        "emailed_at",
    )
    list_filter = ("event", "actionable", "kind")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)


@admin.register(TeamRobot)
class TeamRobotAdmin(SimpleHistoryAdmin):
    # Webhook addresses are HTTPS (and Django 6's default): no deprecation warning on the form.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "team", "platform", "active", "created_at")
    list_filter = ("platform", "active")
    list_select_related = ("team",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("notification", "channel", "robot", "status", "attempts", "response_code", "created_at")
    list_filter = ("channel", "status")
    list_select_related = ("notification", "robot")
    raw_id_fields = ("notification",)
    readonly_fields = ("attempts", "response_code", "error", "last_attempt_at", "sent_at")


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "email_digest")
    raw_id_fields = ("user",)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "event", "channel", "enabled")
    list_filter = ("event", "channel", "enabled")
    raw_id_fields = ("user",)

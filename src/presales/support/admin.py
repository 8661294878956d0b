from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SupportRequest, SupportRequestEvent


class EventInline(admin.TabularInline):
    """The timeline, read-only: steps are written by the services, never edited."""

    model = SupportRequestEvent
    extra = 0
    fields = ("at", "action", "from_status", "to_status", "actor", "assignee", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SupportRequest)
class SupportRequestAdmin(SimpleHistoryAdmin):
    list_display = (
        "number",
        "title",
        "request_type",
        "priority",
        "status",
        "customer",
        "requester",
        "assignee",
        "team",
        "submitted_at",
        "response_due_at",
        "wanted_by",
    )
    list_filter = ("status", "request_type", "priority", "team")
    search_fields = ("number", "title", "customer__name")
    list_select_related = ("customer", "requester", "assignee", "team")
    raw_id_fields = ("customer", "opportunity", "requester", "assignee", "team")
    readonly_fields = (
        "number",
        "status",
        "submitted_at",
        "response_due_at",
        "assigned_at",
        "first_response_at",
        "done_at",
        "version",
        "created_by",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "submitted_at"
    inlines = [EventInline]


@admin.register(SupportRequestEvent)
class SupportRequestEventAdmin(admin.ModelAdmin):
    list_display = ("request", "action", "from_status", "to_status", "actor", "at")
    list_filter = ("action",)
    list_select_related = ("request", "actor")
    search_fields = ("request__number",)
    raw_id_fields = ("request", "actor", "assignee")

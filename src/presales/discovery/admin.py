from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import RequirementConfirmation, RequirementItem, ResearchActivity, ResearchPlan, ResearchReport

READONLY = ("version", "created_by", "created_at", "updated_at")


@admin.register(ResearchPlan)
class ResearchPlanAdmin(SimpleHistoryAdmin):
    list_display = ("opportunity", "starts_on", "ends_on", "requirements_revision", "updated_at")
    search_fields = ("opportunity__number", "opportunity__name")
    raw_id_fields = ("opportunity", "our_participants", "customer_contacts")
    readonly_fields = (*READONLY, "requirements_revision", "requirements_changed_at")


@admin.register(ResearchActivity)
class ResearchActivityAdmin(SimpleHistoryAdmin):
    list_display = ("subject", "opportunity", "kind", "scheduled_at", "status")
    list_filter = ("kind", "status")
    search_fields = ("subject", "opportunity__number")
    raw_id_fields = ("opportunity", "our_participants", "customer_contacts", "attachments")
    readonly_fields = (*READONLY, "status", "done_at")


@admin.register(ResearchReport)
class ResearchReportAdmin(SimpleHistoryAdmin):
    list_display = ("opportunity", "updated_at")
    raw_id_fields = ("opportunity",)
    readonly_fields = READONLY


@admin.register(RequirementItem)
class RequirementItemAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "opportunity", "priority", "category", "status")
    list_filter = ("priority", "category", "status")
    search_fields = ("title", "opportunity__number")
    raw_id_fields = ("opportunity", "source_activity", "source_contact")
    readonly_fields = (*READONLY, "number")


@admin.register(RequirementConfirmation)
class RequirementConfirmationAdmin(SimpleHistoryAdmin):
    """Rounds are recorded by the service (snapshot and revision): read-only here."""

    list_display = ("opportunity", "round", "confirmed_on", "signatory_name", "method", "item_count")
    raw_id_fields = ("opportunity", "contact")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Handover, Opportunity, Retrospective, StageEvent


class StageEventInline(admin.TabularInline):
    """Moves are written by `opportunity_move` only: shown, never edited here."""

    model = StageEvent
    extra = 0
    can_delete = False
    fields = ("at", "from_stage", "to_stage", "actor", "reason", "overridden")
    readonly_fields = fields
    ordering = ("-at",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Opportunity)
class OpportunityAdmin(SimpleHistoryAdmin):
    list_display = (
        "number",
        "name",
        "customer",
        "stage",
        "presales_lead",
        "sales_owner",
        "team",
        "estimated_amount",
        "expected_close_on",
        "confidential",
    )
    list_filter = ("stage", "source", "team", "confidential")
    search_fields = ("number", "name", "customer__name")
    autocomplete_fields = ("customer", "presales_lead", "sales_owner", "members")
    list_select_related = ("customer", "presales_lead", "sales_owner", "team")
    readonly_fields = (
        "number",
        "stage",
        "stage_changed_at",
        "presales_assigned_at",
        "closed_at",
        "version",
        "created_by",
        "created_at",
        "updated_at",
    )
    inlines = [StageEventInline]


@admin.register(StageEvent)
class StageEventAdmin(admin.ModelAdmin):
    list_display = ("opportunity", "from_stage", "to_stage", "actor", "at", "overridden")
    list_filter = ("to_stage", "overridden")
    search_fields = ("opportunity__number", "opportunity__name", "reason")
    list_select_related = ("opportunity", "actor")
    raw_id_fields = ("opportunity", "actor")
    readonly_fields = ("at",)


@admin.register(Retrospective)
class RetrospectiveAdmin(SimpleHistoryAdmin):
    list_display = ("opportunity", "outcome", "held_on", "created_by")
    list_filter = ("outcome",)
    search_fields = ("opportunity__number", "opportunity__name", "summary")
    list_select_related = ("opportunity", "created_by")
    raw_id_fields = ("opportunity",)
    readonly_fields = ("version", "created_by", "created_at", "updated_at")


@admin.register(Handover)
class HandoverAdmin(SimpleHistoryAdmin):
    list_display = ("opportunity", "delivery_owner", "handover_on")
    search_fields = ("opportunity__number", "opportunity__name")
    list_select_related = ("opportunity", "delivery_owner")
    raw_id_fields = ("opportunity", "delivery_owner")
    readonly_fields = ("version", "created_by", "created_at", "updated_at")

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CriterionGuide,
    Incident,
    KickoffAttendee,
    KickoffMeeting,
    Measurement,
    MeasurementImport,
    Poc,
    PocEvent,
    PostMortem,
    ReadinessAnswer,
    ReadinessReview,
    ResourceItem,
    Risk,
    ScopeChange,
    SuccessCriterion,
    SyncNote,
)

READONLY = ("version", "created_by", "created_at", "updated_at")


class CriterionInline(admin.TabularInline):
    model = SuccessCriterion
    extra = 0
    fields = ("name", "is_key", "unit", "direction", "form", "pass_level", "excellent_level", "agreed")
    show_change_link = True


@admin.register(Poc)
class PocAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "customer", "status", "verdict", "planned_end_on")
    list_filter = ("status", "verdict", "industry")
    search_fields = ("number", "title", "customer__name")
    list_select_related = ("customer",)
    raw_id_fields = ("opportunity",)
    readonly_fields = ("number", "customer", "status", "status_changed_at", "started_at", "ended_at", "verdict",
                       "conclusion", *READONLY)
    inlines = [CriterionInline]


@admin.register(CriterionGuide)
class CriterionGuideAdmin(SimpleHistoryAdmin):
    """The industry guide is reference data: edited here (or on the guide pages) by managers."""

    list_display = ("scenario", "metric", "industry", "unit", "direction", "form", "pass_level", "excellent_level",
                    "active", "position")
    list_filter = ("industry", "active")
    list_editable = ("active", "position")
    search_fields = ("scenario", "metric")
    readonly_fields = READONLY


class AttendeeInline(admin.TabularInline):
    model = KickoffAttendee
    extra = 0


@admin.register(KickoffMeeting)
class KickoffMeetingAdmin(SimpleHistoryAdmin):
    list_display = ("poc", "held_at", "duration_minutes", "remote")
    list_select_related = ("poc",)
    raw_id_fields = ("poc",)
    readonly_fields = READONLY
    inlines = [AttendeeInline]


for model, fields, history in (
    (SuccessCriterion, ("name", "poc", "is_key", "unit", "pass_level", "excellent_level", "agreed"), True),
    (ResourceItem, ("poc", "side", "kind", "description", "confirmed"), True),
    (Risk, ("description", "poc", "likelihood", "impact"), True),
    (Incident, ("title", "poc", "severity", "status", "response_due_at"), True),
    (ScopeChange, ("title", "poc", "status", "requested_on"), True),
    (SyncNote, ("poc", "held_on", "attendees"), True),
    (PostMortem, ("poc", "held_on", "problem_kind"), True),
    (ReadinessAnswer, ("poc", "item", "done"), True),
    (Measurement, ("poc", "criterion", "measured_at", "value", "source"), False),
):
    admin.site.register(
        model,
        type(f"{model.__name__}Admin", (SimpleHistoryAdmin if history else admin.ModelAdmin,), {
            "list_display": fields,
            "list_select_related": tuple(f for f in ("poc", "criterion") if f in fields),
            "search_fields": ("poc__number",),
            "readonly_fields": READONLY,
            "raw_id_fields": tuple(f.name for f in model._meta.fields
                                   if f.is_relation and f.name != "created_by" and f.editable),
        }),
    )


@admin.register(PocEvent)
class PocEventAdmin(admin.ModelAdmin):
    list_display = ("poc", "from_status", "to_status", "actor", "at")
    list_select_related = ("poc", "actor")


@admin.register(ReadinessReview)
class ReadinessReviewAdmin(admin.ModelAdmin):
    list_display = ("poc", "purpose", "score", "threshold", "actor", "at")
    list_select_related = ("poc", "actor")


@admin.register(MeasurementImport)
class MeasurementImportAdmin(admin.ModelAdmin):
    list_display = ("poc", "file_name", "rows", "uploaded_by", "uploaded_at")
    list_select_related = ("poc", "uploaded_by")

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AhpRun, Indicator, IndicatorReview, IndicatorVersion, Scheme, SchemeItem


class IndicatorVersionInline(admin.TabularInline):
    model = IndicatorVersion
    extra = 0
    readonly_fields = ["number", "snapshot", "change_summary", "changed_by", "at"]
    can_delete = False


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "dimension", "data_source", "rule_type", "max_points", "status", "version"]
    list_filter = ["dimension", "data_source", "rule_type", "status"]
    search_fields = ["code", "name", "metric_code"]
    inlines = [IndicatorVersionInline]
    readonly_fields = ["version"]


@admin.register(IndicatorReview)
class IndicatorReviewAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "quarter", "decision", "reviewer", "at"]
    list_filter = ["decision", "quarter"]


class SchemeItemInline(admin.TabularInline):
    model = SchemeItem
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "role", "position", "status", "version"]
    list_filter = ["status", "role"]
    search_fields = ["code", "name", "position"]
    inlines = [SchemeItemInline]
    readonly_fields = ["version"]


@admin.register(AhpRun)
class AhpRunAdmin(admin.ModelAdmin):
    list_display = ["scheme", "dimension", "consistency_ratio", "by", "at"]

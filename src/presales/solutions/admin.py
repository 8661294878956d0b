from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SectionTemplate, Solution


@admin.register(SectionTemplate)
class SectionTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("position", "code", "title", "required", "min_chars", "active")
    list_editable = ("required", "active")
    ordering = ("position",)


@admin.register(Solution)
class SolutionAdmin(SimpleHistoryAdmin):
    """Read-mostly: the review moves only through the services (pages and API)."""

    list_display = ("title", "opportunity", "author", "status", "current_level", "completeness", "first_pass")
    list_filter = ("status", "first_pass")
    search_fields = ("title", "opportunity__number", "opportunity__name")
    raw_id_fields = ("opportunity", "author", "reviewer_1", "reviewer_2", "reviewer_3")
    readonly_fields = (
        "status",
        "current_level",
        "completeness",
        "rounds_count",
        "first_pass",
        "first_reviewed_at",
        "submitted_at",
        "passed_at",
        "is_current",
    )

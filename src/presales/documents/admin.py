"""Administration: categories (stage codes and approval steps) are configured here; documents,
versions and requests are written through the pages and the API (services: numbers, rules, events),
so their admin is for look-ups and keeps the service-managed fields read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AccessRequest,
    Document,
    DocumentCategory,
    DocumentEvent,
    DocumentVersion,
    DownloadLog,
    FileBlob,
)


@admin.register(DocumentCategory)
class DocumentCategoryAdmin(SimpleHistoryAdmin):
    list_display = (
        "kind",
        "code",
        "needs_department_head",
        "needs_presales_manager",
        "needs_final_review",
        "position",
    )
    list_editable = (
        "code",
        "needs_department_head",
        "needs_presales_manager",
        "needs_final_review",
        "position",
    )
    ordering = ("position", "kind")


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    can_delete = False
    fields = ("number", "filename", "blob", "author", "created_at", "change_summary")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = DocumentEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "step", "from_status", "to_status", "actor", "final_mode", "comment")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = (
        "number",
        "title",
        "category",
        "status",
        "access_level",
        "customer",
        "opportunity",
        "author",
        "created_at",
    )
    list_filter = ("status", "access_level", "category")
    search_fields = ("number", "title", "customer__name", "opportunity__number")
    list_select_related = ("category", "customer", "opportunity", "author")
    raw_id_fields = ("customer", "opportunity", "author", "team")
    filter_horizontal = ("named_readers",)
    readonly_fields = (
        "number",
        "status",
        "current_version",
        "published_version",
        "submitted_at",
        "published_at",
        "archived_at",
        "archive_reason",
        "version",
        "created_by",
        "created_at",
        "updated_at",
    )
    inlines = [VersionInline, EventInline]


@admin.register(FileBlob)
class FileBlobAdmin(admin.ModelAdmin):
    list_display = ("sha256", "file_type", "size", "created_at")
    search_fields = ("sha256",)
    readonly_fields = ("sha256", "size", "file_type", "content_type", "name", "created_at")


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    list_display = ("document", "requester", "status", "requested_at", "decided_by", "expires_at")
    list_filter = ("status",)
    list_select_related = ("document", "requester", "decided_by")
    raw_id_fields = ("document", "requester", "decided_by")
    search_fields = ("document__number", "requester__username", "requester__display_name")


@admin.register(DownloadLog)
class DownloadLogAdmin(admin.ModelAdmin):
    list_display = ("document", "version", "user", "at", "inline")
    list_select_related = ("document", "version__document", "user")
    raw_id_fields = ("document", "version", "user")
    search_fields = ("document__number",)

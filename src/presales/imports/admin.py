from django.contrib import admin

from .models import CrmSource, ExternalKey, ImportJob, SourceMapping


@admin.register(CrmSource)
class CrmSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(SourceMapping)
class SourceMappingAdmin(admin.ModelAdmin):
    list_display = ("source", "kind", "updated_at")
    list_filter = ("kind",)


@admin.register(ExternalKey)
class ExternalKeyAdmin(admin.ModelAdmin):
    list_display = ("source", "kind", "external_id", "object_id", "created_at")
    list_filter = ("source", "kind")
    search_fields = ("external_id",)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "file_name",
        "source",
        "kind",
        "status",
        "total_rows",
        "rows_failed",
        "created_by",
        "created_at",
    )
    list_filter = ("status", "kind", "source")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False

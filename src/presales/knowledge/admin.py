"""Administration: the segmenter's user dictionary is edited here (a change reloads this process's
tokenizer at once, the others within a minute). Articles are written through the pages and the API
(services: index, events, versions); their admin is for look-ups."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import segment
from .models import Article, ArticleEvent, Citation, SegmentTerm, Tag


@admin.register(SegmentTerm)
class SegmentTermAdmin(admin.ModelAdmin):
    list_display = ("word", "frequency", "tag", "active", "note", "updated_at")
    list_editable = ("active",)
    search_fields = ("word", "note")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        segment.terms_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        segment.terms_changed()


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


class EventInline(admin.TabularInline):
    model = ArticleEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_status", "to_status", "actor", "at", "note")


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "status", "access_level", "owner", "updated_at")
    list_filter = ("kind", "status", "access_level", "industry")
    search_fields = ("title",)
    readonly_fields = [f.name for f in Article._meta.fields]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ("article", "opportunity", "solution", "cited_by", "created_at")
    readonly_fields = ("article", "opportunity", "solution", "cited_by", "note")

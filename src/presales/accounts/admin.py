from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Role, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "display_name", "team", "presales_level", "is_active")
    list_filter = ("team", "roles", "presales_level", "career_track", "is_active")
    search_fields = ("username", "display_name", "email")
    filter_horizontal = ("roles", "groups", "user_permissions")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Presales"),
            {"fields": ("display_name", "title", "phone", "team", "roles", "presales_level", "career_track")},
        ),
    )


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "lead", "parent")
    search_fields = ("name",)
    autocomplete_fields = ("lead",)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__")

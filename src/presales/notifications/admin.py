from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CommunicationLog,
    Complaint,
    Contact,
    Customer,
    FeedbackItem,
    OwnershipChange,
    SatisfactionSurvey,
    TechnicalIssue,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "role", "title", "phone", "email")


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ("name", "industry", "region", "status", "presales_owner", "sales_owner", "team", "confidential")
    list_filter = ("industry", "region", "status", "team", "confidential")
    search_fields = ("name", "short_name")
    autocomplete_fields = ("presales_owner", "sales_owner", "assistants")
    list_select_related = ("presales_owner", "sales_owner", "team")
    readonly_fields = ("version", "created_by", "created_at", "updated_at")
    inlines = [ContactInline]


@admin.register(OwnershipChange)
class OwnershipChangeAdmin(admin.ModelAdmin):
    list_display = ("customer", "kind", "from_user", "to_user", "actor", "changed_at")
    list_select_related = ("customer", "from_user", "to_user", "actor")


# The records are written through the pages and the API (services: rules, versions, history
# user and reason); the admin is for administrators' look-ups and emergency corrections, and the
# database constraints still hold there.
for model, fields, filters in (
    (Contact, ("name", "customer", "role", "phone", "email"), ("role",)),
    (CommunicationLog, ("subject", "customer", "channel", "occurred_at", "is_follow_up", "created_by"),
     ("channel", "is_follow_up")),
    (TechnicalIssue, ("title", "customer", "severity", "status", "due_on", "owner"), ("status", "severity")),
    (Complaint, ("customer", "against", "severity", "status", "received_on"), ("status", "severity")),
    (SatisfactionSurvey, ("customer", "engineer", "score", "nps", "surveyed_on"), ()),
    (FeedbackItem, ("customer", "source", "status", "owner", "raised_on"), ("status", "source")),
):
    admin.site.register(
        model,
        type(f"{model.__name__}Admin", (SimpleHistoryAdmin,), {
            "list_display": fields,
            "list_filter": filters,
            "list_select_related": tuple(f for f in fields if model._meta.get_field(f).is_relation),
            "search_fields": ("customer__name",),
            "readonly_fields": ("version", "created_by", "created_at", "updated_at"),
            "raw_id_fields": tuple(f.name for f in model._meta.fields if f.is_relation and f.name != "created_by"),
        }),
    )

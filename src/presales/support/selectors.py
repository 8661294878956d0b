"""Reads. Every one starts from `visible_to(user)`."""

from __future__ import annotations

from django.db.models import QuerySet

from presales.accounts.models import User

from .models import SupportRequest, SupportRequestEvent
from .workflow import available_actions

TIMELINE_LIMIT = 200


def request_list(*, user) -> QuerySet[SupportRequest]:
    """The requests the user may see, with what the list shows, newest first."""
    return (
        SupportRequest.objects.visible_to(user)
        .select_related("customer", "opportunity", "requester", "assignee", "team")
        .order_by("-submitted_at", "-pk")
    )


# The columns the list's rows print, in the order `support_tags.support_rows` unpacks them (a
# person as `User.label_of`'s arguments).
_PEOPLE = User.LABEL_FIELDS
LIST_COLUMNS = (
    "pk", "number", "title", "customer__name", "opportunity_id", "opportunity__number", "request_type",
    "priority", "status", *(f"requester__{name}" for name in _PEOPLE), "assignee_id",
    *(f"assignee__{name}" for name in _PEOPLE), "submitted_at", "response_due_at", "first_response_at",
    "wanted_by", "done_at",
)


def list_rows(queryset: QuerySet[SupportRequest]) -> QuerySet:
    """The list's rows as plain tuples of LIST_COLUMNS (same rows, same order as `queryset`)."""
    return queryset.values_list(*LIST_COLUMNS)


def request_detail_context(*, support_request: SupportRequest, user) -> dict:
    """The timeline (bounded: the oldest steps first, up to TIMELINE_LIMIT) and the actions the
    user may take now."""
    events = list(
        SupportRequestEvent.objects.filter(request=support_request)
        .select_related("actor", "assignee")
        .order_by("at", "pk")[: TIMELINE_LIMIT + 1]
    )
    return {
        "events": events[:TIMELINE_LIMIT],
        "events_truncated": len(events) > TIMELINE_LIMIT,
        "actions": available_actions(user, support_request),
    }


def customers_for_request(*, user):
    from presales.customers.models import Customer

    return Customer.objects.visible_to(user).only("pk", "name").order_by("name")


def opportunities_for_request(*, user, customer_id) -> QuerySet:
    """Open opportunities of the customer that the user may see (none without a customer)."""
    from presales.opportunities.models import Opportunity

    if not customer_id:
        return Opportunity.objects.none()
    return (
        Opportunity.objects.visible_to(user)
        .open()
        .filter(customer_id=customer_id)
        .only("pk", "number", "name")
        .order_by("-created_at")
    )

"""Filters shared by the support pages and the API. The SLA filters are the SQL twins of the
badges (support.sla), evaluated against the current time."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.accounts.choices import PRESALES_ROLES
from presales.accounts.models import Team, User
from presales.accounts.selectors import users_with_role
from presales.core.filters import (
    LeanFilterSet,
    ListedModelChoiceFilter,
    LocalDayFromFilter,
    LocalDayToFilter,
    UserChoiceFilter,
)
from presales.core.forms import SwitchInput

from . import sla
from .choices import DueState, Priority, RequestStatus, RequestType, ResponseState
from .models import SupportRequest

OPEN = "open"
BREACHED = "breached"


def sla_breached_q(now) -> Q:
    """Some SLA clock of the request is or was late: the first response came late or is overdue,
    or the work was done late or is overdue. The dashboard's "SLA breached" figure."""
    return (
        sla.response_q(ResponseState.BREACHED, now)
        | sla.response_q(ResponseState.OVERDUE, now)
        | sla.due_q(DueState.DONE_LATE, now)
        | sla.due_q(DueState.OVERDUE, now)
    )


class SupportRequestFilterSet(LeanFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (not done or cancelled)")), *RequestStatus.choices],
        method="filter_status",
    )
    request_type = django_filters.ChoiceFilter(label=_("Type"), choices=RequestType.choices)
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices)
    team = ListedModelChoiceFilter(label=_("Presales team"), queryset=Team.objects.all())
    # Selects of people: listed from their names only (core.filters.UserChoiceFilter).
    assignee = UserChoiceFilter(label=_("Assigned engineer"), queryset=users_with_role(*PRESALES_ROLES))
    requester = UserChoiceFilter(label=_("Requested by"), queryset=User.objects.filter(is_active=True))
    response = django_filters.ChoiceFilter(
        label=_("First response"), choices=ResponseState.choices, method="filter_response"
    )
    due = django_filters.ChoiceFilter(label=_("Due date"), choices=DueState.choices, method="filter_due")
    overdue = django_filters.BooleanFilter(label=_("Overdue (response or due date)"), method="filter_overdue")
    mine = django_filters.BooleanFilter(label=_("Only mine"), method="only_mine", widget=SwitchInput)
    sla = django_filters.ChoiceFilter(
        label=_("SLA"), choices=[(BREACHED, _("Breached (response or due date late)"))], method="filter_sla"
    )
    submitted_since = LocalDayFromFilter(label=_("Submitted from"), field_name="submitted_at")
    submitted_until = LocalDayToFilter(label=_("Submitted until"), field_name="submitted_at")

    class Meta:
        model = SupportRequest
        fields = [
            "q",
            "status",
            "request_type",
            "priority",
            "team",
            "assignee",
            "requester",
            "response",
            "due",
            "overdue",
            "mine",
            "sla",
            "submitted_since",
            "submitted_until",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__icontains=value) | Q(title__icontains=value) | Q(customer__name__icontains=value)
        )

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(
                status__in=[RequestStatus.NEW, RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS]
            )
        return queryset.filter(status=value)

    def filter_response(self, queryset, name, value):
        return queryset.filter(sla.response_q(value, timezone.now()))

    def filter_due(self, queryset, name, value):
        return queryset.filter(sla.due_q(value, timezone.now()))

    def filter_overdue(self, queryset, name, value):
        q = sla.overdue_q(timezone.now())
        return queryset.filter(q) if value else queryset.exclude(q)

    def only_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(Q(assignee=user) | Q(requester=user))

    def filter_sla(self, queryset, name, value):
        return queryset.filter(sla_breached_q(timezone.now()))


class SupportRequestApiFilterSet(SupportRequestFilterSet):
    """The API filters by customer and opportunity too (the pages link there from those records)."""

    customer = django_filters.NumberFilter(field_name="customer_id", label=_("Customer"))
    opportunity = django_filters.NumberFilter(field_name="opportunity_id", label=_("Opportunity"))

    class Meta(SupportRequestFilterSet.Meta):
        fields = [*SupportRequestFilterSet.Meta.fields, "customer", "opportunity"]

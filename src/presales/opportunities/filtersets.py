"""Filters shared by the opportunity pages (list and board) and the API."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from presales.accounts.choices import PRESALES_ROLES, RoleCode
from presales.accounts.models import Team
from presales.accounts.selectors import users_with_role
from presales.core.forms import SwitchInput
from presales.customers.choices import Industry

from .choices import CLOSED_STAGES, Progress, Source, Stage
from .models import Opportunity, StageEvent

OPEN, CLOSED = "open", "closed"


class OpportunityFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Number, name or customer"))
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    progress = django_filters.ChoiceFilter(label=_("Progress status"), choices=Progress.choices)
    status = django_filters.ChoiceFilter(
        label=_("Open or closed"),
        method="by_status",
        choices=[
            (OPEN, pgettext_lazy("opportunity status", "Open")),
            (CLOSED, pgettext_lazy("opportunity status", "Closed")),
        ],
    )
    team = django_filters.ModelChoiceFilter(label=_("Presales team"), queryset=Team.objects.all())
    presales_lead = django_filters.ModelChoiceFilter(
        label=_("Presales lead"), queryset=users_with_role(*PRESALES_ROLES)
    )
    sales_owner = django_filters.ModelChoiceFilter(
        label=_("Sales owner"), queryset=users_with_role(RoleCode.SALES)
    )
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=Industry.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Source.choices)
    # By id only: a select of every customer would not scale (and the page links here with it).
    customer = django_filters.NumberFilter(
        label=_("Customer"), field_name="customer_id", widget=forms.HiddenInput
    )
    mine = django_filters.BooleanFilter(label=_("Only mine"), method="only_mine", widget=SwitchInput)

    class Meta:
        model = Opportunity
        fields = [
            "progress",
            "q",
            "stage",
            "status",
            "team",
            "presales_lead",
            "sales_owner",
            "industry",
            "source",
            "customer",
            "mine",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(name__icontains=value) | Q(customer__name__icontains=value)
        )

    def by_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.exclude(stage__in=CLOSED_STAGES)
        if value == CLOSED:
            return queryset.filter(stage__in=CLOSED_STAGES)
        return queryset

    def only_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        member = Opportunity.members.through.objects.filter(opportunity_id=OuterRef("pk"), user_id=user.pk)
        return queryset.filter(Q(presales_lead=user) | Q(sales_owner=user) | Q(Exists(member)))


class BoardFilterSet(OpportunityFilterSet):
    """The board shows the open stages as columns: no stage or open/closed filter."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("stage")
        self.filters.pop("status")
        self.filters.pop("progress")


class OpportunityChildFilterSet(django_filters.FilterSet):
    """Retrospectives and handovers: by opportunity id (no lookup that would tell whether an
    out-of-scope opportunity exists)."""

    opportunity = django_filters.NumberFilter(label=_("Opportunity"), field_name="opportunity_id")


class StageEventFilterSet(OpportunityChildFilterSet):
    to_stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    overridden = django_filters.BooleanFilter(label=_("Gate overridden"))

    class Meta:
        model = StageEvent
        fields = ["opportunity", "to_stage", "overridden"]

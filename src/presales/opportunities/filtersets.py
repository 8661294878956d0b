"""Filters shared by the opportunity pages (list and board) and the API."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from presales.accounts.choices import PRESALES_ROLES, RoleCode
from presales.accounts.models import Team
from presales.accounts.selectors import users_with_role
from presales.core.filters import (
    LeanFilterSet,
    ListedModelChoiceFilter,
    LocalDayFromFilter,
    LocalDayToFilter,
    UserChoiceFilter,
    day_start,
)
from presales.core.forms import SwitchInput
from presales.customers.choices import Industry

from .choices import CLOSED_STAGES, Progress, Source, Stage
from .models import Opportunity, StageEvent

OPEN, CLOSED = "open", "closed"
# Early involvement (seed 002: presales joins right after sales' first contact): a presales lead
# assigned within 3 days of the opportunity's creation.
EARLY_INVOLVEMENT = timedelta(days=3)
EARLY, LATE, NOT_ASSIGNED = "early", "late", "none"


def involvement_q(value: str) -> Q:
    """The SQL twin of the dashboard's early-involvement figures."""
    if value == EARLY:
        return Q(presales_assigned_at__isnull=False, presales_assigned_at__lte=F("created_at") + EARLY_INVOLVEMENT)
    if value == LATE:
        return Q(presales_assigned_at__isnull=False, presales_assigned_at__gt=F("created_at") + EARLY_INVOLVEMENT)
    return Q(presales_assigned_at__isnull=True)


class OpportunityFilterSet(LeanFilterSet):
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
    team = ListedModelChoiceFilter(label=_("Presales team"), queryset=Team.objects.all())
    # Selects of every presales engineer / salesperson: listed from their names only.
    presales_lead = UserChoiceFilter(label=_("Presales lead"), queryset=users_with_role(*PRESALES_ROLES))
    sales_owner = UserChoiceFilter(label=_("Sales owner"), queryset=users_with_role(RoleCode.SALES))
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=Industry.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Source.choices)
    # By id only: a select of every customer would not scale (and the page links here with it).
    customer = django_filters.NumberFilter(
        label=_("Customer"), field_name="customer_id", widget=forms.HiddenInput
    )
    mine = django_filters.BooleanFilter(label=_("Only mine"), method="only_mine", widget=SwitchInput)
    # Periods (local calendar days, both inclusive), used by the dashboard's drill-down links.
    created_since = LocalDayFromFilter(label=_("Created from"), field_name="created_at")
    created_until = LocalDayToFilter(label=_("Created until"), field_name="created_at")
    closed_since = LocalDayFromFilter(label=_("Closed from"), field_name="closed_at")
    closed_until = LocalDayToFilter(label=_("Closed until"), field_name="closed_at")
    entered_stage = django_filters.ChoiceFilter(
        label=_("Entered stage"), choices=Stage.choices, method="by_entered_stage",
        help_text=_("Moved into this stage between “entered from” and “entered until”."),
    )
    entered_since = django_filters.DateFilter(label=_("Entered from"), method="period_bound")
    entered_until = django_filters.DateFilter(label=_("Entered until"), method="period_bound")
    involvement = django_filters.ChoiceFilter(
        label=_("Presales involvement"),
        method="by_involvement",
        choices=[
            (EARLY, _("Early (presales assigned within 3 days)")),
            (LATE, _("Late (presales assigned after 3 days)")),
            (NOT_ASSIGNED, _("No presales lead yet")),
        ],
    )

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
            "created_since",
            "created_until",
            "closed_since",
            "closed_until",
            "entered_stage",
            "entered_since",
            "entered_until",
            "involvement",
        ]

    def period_bound(self, queryset, name, value):
        return queryset  # read by by_entered_stage

    def by_entered_stage(self, queryset, name, value):
        events = StageEvent.objects.filter(opportunity_id=OuterRef("pk"), to_stage=value)
        since, until = self.form.cleaned_data.get("entered_since"), self.form.cleaned_data.get("entered_until")
        if since:
            events = events.filter(at__gte=day_start(since))
        if until:
            events = events.filter(at__lt=day_start(until + timedelta(days=1)))
        return queryset.filter(Exists(events))

    def by_involvement(self, queryset, name, value):
        return queryset.filter(involvement_q(value))

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


# Left out of the class's own filters (not removed from each instance's copy): every board request
# (the page and each column's cards) deep-copies the filters it has.
BOARD_LEFT_OUT = ("stage", "status", "progress", "closed_since", "closed_until", "entered_stage",
                  "entered_since", "entered_until")
BoardFilterSet.base_filters = {
    name: f for name, f in BoardFilterSet.base_filters.items() if name not in BOARD_LEFT_OUT
}


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

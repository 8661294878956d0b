"""Filters shared by the POC pages and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.accounts.choices import PRESALES_ROLES
from presales.accounts.models import Team
from presales.accounts.selectors import users_with_role
from presales.core.filters import ListedModelChoiceFilter, LocalDayFromFilter, LocalDayToFilter
from presales.core.forms import SwitchInput
from presales.customers.choices import Industry

from .choices import IncidentStatus, Level, Status
from .models import Incident, Measurement, Poc


class PocFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    verdict = django_filters.ChoiceFilter(label=_("Verdict"), choices=Level.choices)
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=Industry.choices)
    team = ListedModelChoiceFilter(label=_("Presales team"), field_name="opportunity__team",
                                   queryset=Team.objects.all())
    opportunity = django_filters.NumberFilter(label=_("Opportunity"), field_name="opportunity_id")
    open = django_filters.BooleanFilter(label=_("Open only"), method="only_open")
    mine = django_filters.BooleanFilter(label=_("Only mine"), method="only_mine", widget=SwitchInput)
    lead = django_filters.ModelChoiceFilter(
        label=_("Presales lead"), field_name="opportunity__presales_lead", queryset=users_with_role(*PRESALES_ROLES)
    )
    started = django_filters.BooleanFilter(label=_("Started"), field_name="started_at", lookup_expr="isnull",
                                           exclude=True)
    launched_since = LocalDayFromFilter(label=_("Launched from"), field_name="created_at")
    launched_until = LocalDayToFilter(label=_("Launched until"), field_name="created_at")

    class Meta:
        model = Poc
        fields = ["q", "status", "verdict", "industry", "team", "opportunity", "open", "mine", "lead", "started",
                  "launched_since", "launched_until"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)
                               | Q(customer__name__icontains=value))

    def only_open(self, queryset, name, value):
        if value is None:
            return queryset
        closed = Q(status__in=[Status.PASSED, Status.FAILED, Status.ABANDONED])
        return queryset.exclude(closed) if value else queryset.filter(closed)

    def only_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(Q(opportunity__presales_lead=user) | Q(opportunity__sales_owner=user)
                               | Q(opportunity__members=user)).distinct()


class MeasurementFilterSet(django_filters.FilterSet):
    poc = django_filters.NumberFilter(field_name="poc_id")
    criterion = django_filters.NumberFilter(field_name="criterion_id")

    class Meta:
        model = Measurement
        fields = ["poc", "criterion"]


class IncidentFilterSet(django_filters.FilterSet):
    poc = django_filters.NumberFilter(field_name="poc_id")
    status = django_filters.ChoiceFilter(choices=IncidentStatus.choices)
    overdue = django_filters.BooleanFilter(method="by_overdue")

    class Meta:
        model = Incident
        fields = ["poc", "status", "overdue"]

    def by_overdue(self, queryset, name, value):
        overdue = Q(status=IncidentStatus.OPEN, response_due_at__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

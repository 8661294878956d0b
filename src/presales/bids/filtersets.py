"""Filters of the bid list (page and API): status, result, deadline window, search."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from presales.accounts.models import Team, User
from presales.core.filters import ListedModelChoiceFilter

from .choices import Result, Status
from .models import Bid, DeviationRow, Meeting, Milestone, ReviewItem, Section

DEADLINE_CHOICES = (
    ("upcoming", _("Upcoming")), ("72h", _("Within 72 hours")), ("7d", _("Within 7 days")),
    ("14d", _("Within 14 days")), ("passed", _("Passed")),
)
RESULT_CHOICES = (*Result.choices, ("none", _("No result yet")))


class BidFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    result = django_filters.ChoiceFilter(label=_("Result"), choices=RESULT_CHOICES, method="by_result")
    deadline = django_filters.ChoiceFilter(label=_("Deadline"), choices=DEADLINE_CHOICES, method="by_deadline")
    opportunity = django_filters.NumberFilter(label=_("Opportunity"), field_name="opportunity_id")
    team = ListedModelChoiceFilter(label=_("Presales team"), field_name="opportunity__team",
                                   queryset=Team.objects.all())
    owner = extend_schema_field(OpenApiTypes.INT)(  # a user id
        django_filters.ModelChoiceFilter(label=_("Owner (business or technical)"), method="by_owner",
                                         queryset=User.objects.filter(is_active=True))
    )

    class Meta:
        model = Bid
        fields = ["q", "status", "result", "deadline", "opportunity", "team", "owner"]

    def by_owner(self, queryset, name, value):
        return queryset.filter(Q(business_owner=value) | Q(technical_owner=value))

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(project_name__icontains=value)
                               | Q(issuer__icontains=value) | Q(tender_number__icontains=value)
                               | Q(opportunity__customer__name__icontains=value))

    def by_result(self, queryset, name, value):
        return queryset.filter(result="") if value == "none" else queryset.filter(result=value)

    def by_deadline(self, queryset, name, value):
        now = timezone.now()
        if value == "passed":
            return queryset.filter(deadline__lte=now)
        window = {"72h": timedelta(hours=72), "7d": timedelta(days=7), "14d": timedelta(days=14)}.get(value)
        queryset = queryset.filter(deadline__gt=now)
        return queryset.filter(deadline__lte=now + window) if window else queryset


class ChildFilterSet(django_filters.FilterSet):
    bid = django_filters.NumberFilter(field_name="bid_id")


def child_filterset(model_class):
    meta = type("Meta", (), {"model": model_class, "fields": ["bid"]})
    return type(f"{model_class.__name__}FilterSet", (ChildFilterSet,), {"Meta": meta})


SectionFilterSet = child_filterset(Section)
MilestoneFilterSet = child_filterset(Milestone)
MeetingFilterSet = child_filterset(Meeting)
DeviationFilterSet = child_filterset(DeviationRow)
ReviewItemFilterSet = child_filterset(ReviewItem)

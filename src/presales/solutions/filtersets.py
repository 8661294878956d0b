"""Filters shared by the solution list page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from presales.accounts.models import User

from .choices import Status
from .models import Solution


def _people(request):
    return User.objects.filter(is_active=True).order_by("username")


class SolutionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    author = django_filters.ModelChoiceFilter(label=_("Author"), queryset=_people)
    reviewer = django_filters.ModelChoiceFilter(
        label=_("Reviewer"), queryset=_people, method="by_reviewer", field_name="reviewer_1"
    )
    opportunity = django_filters.NumberFilter(label=_("Opportunity"), field_name="opportunity_id")
    current = django_filters.BooleanFilter(label=_("Current only"), field_name="is_current")
    waiting = django_filters.BooleanFilter(label=_("Waiting for my review"), method="waiting_for_me")

    class Meta:
        model = Solution
        fields = ["q", "status", "author", "reviewer", "opportunity", "current", "waiting"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(opportunity__name__icontains=value)
            | Q(opportunity__number__icontains=value)
            | Q(opportunity__customer__name__icontains=value)
        )

    def by_reviewer(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(reviewer_1=value) | Q(reviewer_2=value) | Q(reviewer_3=value))

    def waiting_for_me(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.waiting_for(user)

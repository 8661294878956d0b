"""Filters shared by the library pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from presales.accounts.models import Role

from .choices import DataSource, Dimension, IndicatorStatus, RuleType, SchemeStatus
from .models import Indicator, IndicatorReview, Scheme, SchemeItem


class IndicatorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    dimension = django_filters.ChoiceFilter(label=_("Dimension"), choices=Dimension.choices)
    data_source = django_filters.ChoiceFilter(label=_("Data source"), choices=DataSource.choices)
    rule_type = django_filters.ChoiceFilter(label=_("Scoring rule"), choices=RuleType.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=IndicatorStatus.choices)
    role = django_filters.ModelChoiceFilter(label=_("Applicable role"), field_name="applicable_roles",
                                            queryset=Role.objects.all())

    class Meta:
        model = Indicator
        fields = ["q", "dimension", "data_source", "rule_type", "status", "role"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value)
                               | Q(definition__icontains=value) | Q(metric_code__icontains=value))


class IndicatorReviewFilterSet(django_filters.FilterSet):
    indicator = django_filters.NumberFilter(label=_("Indicator"), field_name="indicator_id")
    quarter = django_filters.CharFilter(label=_("Quarter"))

    class Meta:
        model = IndicatorReview
        fields = ["indicator", "quarter", "decision"]


class SchemeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SchemeStatus.choices)
    role = django_filters.ModelChoiceFilter(label=_("Role"), queryset=Role.objects.all())

    class Meta:
        model = Scheme
        fields = ["q", "status", "role"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(position__icontains=value))


class SchemeItemFilterSet(django_filters.FilterSet):
    scheme = django_filters.NumberFilter(label=_("Scheme"), field_name="scheme_id")

    class Meta:
        model = SchemeItem
        fields = ["scheme"]

"""Filters shared by the demo list page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Status
from .models import Demo


def _engineers(request):
    from presales.accounts.models import User

    return User.objects.filter(is_active=True, demos_presented__isnull=False).distinct().order_by("username")


class DemoFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    date_from = django_filters.DateFilter(label=_("From"), field_name="planned_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("Until"), field_name="planned_at", lookup_expr="date__lte")
    engineer = django_filters.ModelChoiceFilter(
        label=_("Presenter"), field_name="presenters", queryset=_engineers, method="by_engineer"
    )
    opportunity = django_filters.NumberFilter(label=_("Opportunity"), field_name="opportunity_id")

    class Meta:
        model = Demo
        fields = ["q", "status", "date_from", "date_to", "engineer", "opportunity"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(customer__name__icontains=value)
            | Q(opportunity__name__icontains=value)
            | Q(opportunity__number__icontains=value)
        )

    def by_engineer(self, queryset, name, value):
        if value is None:
            return queryset
        from .models import Demo as DemoModel

        return queryset.filter(
            pk__in=DemoModel.presenters.through.objects.filter(user_id=value.pk).values("demo_id")
        )

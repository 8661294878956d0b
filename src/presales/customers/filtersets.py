"""Filters shared by the customer pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from presales.accounts.models import Team, User

from .choices import CustomerStatus, Industry, Region
from .models import Customer


class CustomerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=Industry.choices)
    region = django_filters.ChoiceFilter(label=_("Region"), choices=Region.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CustomerStatus.choices)
    team = django_filters.ModelChoiceFilter(label=_("Presales team"), queryset=Team.objects.all())
    presales_owner = django_filters.ModelChoiceFilter(
        label=_("Presales owner"), queryset=User.objects.filter(is_active=True)
    )
    mine = django_filters.BooleanFilter(label=_("Only mine"), method="only_mine")

    class Meta:
        model = Customer
        fields = ["q", "industry", "region", "status", "team", "presales_owner", "mine"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))

    def only_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(Q(presales_owner=user) | Q(sales_owner=user) | Q(assistants=user)).distinct()

"""Filters shared by the document pages and the API: number, title, project, customer, category,
status, access level, author, dates."""

from datetime import datetime, time, timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.accounts.models import User
from presales.core.forms import DateInput, SwitchInput

from .choices import AccessLevel, AccessRequestStatus, DocumentStatus
from .models import AccessRequest, Document, DocumentCategory


def visible_customers(request):
    from presales.customers.models import Customer

    user = getattr(request, "user", None)
    if user is None:
        return Customer.objects.none()
    return Customer.objects.visible_to(user).only("pk", "name").order_by("name")


def active_people(request=None):
    return User.objects.filter(is_active=True).order_by("display_name", "username")


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class DocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number or title"), method="search")
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=DocumentCategory.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DocumentStatus.choices)
    access_level = django_filters.ChoiceFilter(label=_("Access level"), choices=AccessLevel.choices)
    opportunity = django_filters.CharFilter(label=_("Opportunity number"), method="by_opportunity")
    customer = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=visible_customers)
    author = django_filters.ModelChoiceFilter(label=_("Author"), queryset=active_people)
    date_from = django_filters.DateFilter(label=_("Created from"), method="on_or_after", widget=DateInput)
    date_to = django_filters.DateFilter(label=_("Created to"), method="on_or_before", widget=DateInput)

    class Meta:
        model = Document
        fields = [
            "q",
            "category",
            "status",
            "access_level",
            "opportunity",
            "customer",
            "author",
            "date_from",
            "date_to",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))

    def by_opportunity(self, queryset, name, value):
        """An opportunity number (SJ-2026-00012) or, for links and API clients, its id."""
        value = value.strip()
        if value.isdigit():
            return queryset.filter(opportunity_id=int(value))
        return queryset.filter(opportunity__number__iexact=value)

    # Bounds as local-day instants, so the (…, -created_at) indexes serve the range.
    def on_or_after(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def on_or_before(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + timedelta(days=1)))


class AccessRequestFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AccessRequestStatus.choices)
    mine = django_filters.BooleanFilter(label=_("Only my requests"), method="only_mine", widget=SwitchInput)

    class Meta:
        model = AccessRequest
        fields = ["status", "mine"]

    def only_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        return queryset.filter(requester=user) if value else queryset.exclude(requester=user)

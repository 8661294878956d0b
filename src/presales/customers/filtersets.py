"""Filters shared by the customer pages and the API."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.accounts.models import Team, User
from presales.core.filters import LeanFilterSet, ListedModelChoiceFilter, UserChoiceFilter
from presales.core.forms import FILTER_EMPTY_LABEL, DateInput, SwitchInput

from .choices import (
    Channel,
    ComplaintStatus,
    CustomerStatus,
    FeedbackSource,
    FeedbackStatus,
    Industry,
    IssueStatus,
    Region,
    Severity,
)
from .models import CommunicationLog, Complaint, Customer, FeedbackItem, SatisfactionSurvey, TechnicalIssue
from .widgets import FastSelect


class CustomerFilterSet(LeanFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=Industry.choices)
    region = django_filters.ChoiceFilter(label=_("Region"), choices=Region.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CustomerStatus.choices)
    team = ListedModelChoiceFilter(label=_("Presales team"), queryset=Team.objects.all())
    # Listed from the names only, without a server-side cursor (core.filters.UserChoiceFilter).
    presales_owner = UserChoiceFilter(label=_("Presales owner"), queryset=User.objects.filter(is_active=True))
    mine = django_filters.BooleanFilter(label=_("Only mine"), method="only_mine", widget=SwitchInput)

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


# --- the customer's records ----------------------------------------------------------------------
# The customer choice lists only customers the user may see: choosing another one is "not a valid
# choice", the same answer as for an id that does not exist. People are not secret (directory).


def visible_customers(request):
    user = getattr(request, "user", None)
    if user is None:
        return Customer.objects.none()
    return Customer.objects.visible_to(user).only("pk", "name").order_by("name")


def active_people(request=None):
    return User.objects.filter(is_active=True).order_by("display_name", "username")


class YesNoSelect(forms.NullBooleanSelect):
    """An optional flag as "--------- / Yes (/ No)" rather than "Unknown / Yes / No", and an empty
    value in the URL when it is not set."""

    def __init__(self, attrs=None, *, only_yes: bool = False):
        super().__init__(attrs)
        choices = [("", FILTER_EMPTY_LABEL), ("true", _("Yes"))]
        if not only_yes:
            choices.append(("false", _("No")))
        self.choices = choices

    def format_value(self, value):
        return {True: "true", False: "false", "true": "true", "false": "false"}.get(value, "")


def yes_no(*, only_yes: bool = False) -> YesNoSelect:
    return YesNoSelect(only_yes=only_yes)


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class CustomerRecordFilterSet(django_filters.FilterSet):
    """Filters every record list has: the customer (by id, for links from the customer page and
    for API clients; by name, for people), and the opportunity (by number, or by id).

    The customer id is a hidden field, not a drop-down: a company has thousands of customers, and
    rendering them all as options on every list page costs more than the list itself."""

    customer = django_filters.ModelChoiceFilter(
        label=_("Customer"), queryset=visible_customers, widget=forms.HiddenInput
    )
    customer_name = django_filters.CharFilter(label=_("Customer"), method="by_customer_name")
    opportunity = django_filters.CharFilter(label=_("Opportunity number"), method="by_opportunity")

    def by_customer_name(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(customer__name__icontains=value) | Q(customer__short_name__icontains=value))

    def by_opportunity(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(opportunity_id=int(value))
        return queryset.filter(opportunity__number__iexact=value)


class CommunicationFilterSet(CustomerRecordFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    follow_up = django_filters.BooleanFilter(
        label=_("Follow-up visits only"), method="only_follow_up", widget=yes_no(only_yes=True)
    )
    author = django_filters.ModelChoiceFilter(
        label=_("Recorded by"), field_name="created_by", queryset=active_people, widget=FastSelect
    )
    date_from = django_filters.DateFilter(label=_("From"), method="on_or_after", widget=DateInput)
    date_to = django_filters.DateFilter(label=_("To"), method="on_or_before", widget=DateInput)

    class Meta:
        model = CommunicationLog
        fields = [
            "q", "customer", "customer_name", "channel", "follow_up", "author", "date_from", "date_to", "opportunity",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(Q(subject__icontains=value) | Q(participants__icontains=value))

    def only_follow_up(self, queryset, name, value):
        return queryset.filter(is_follow_up=True) if value else queryset

    # Bounds as local-day instants, so the (customer, -occurred_at) indexes serve the range.
    def on_or_after(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=_day_start(value))

    def on_or_before(self, queryset, name, value):
        return queryset.filter(occurred_at__lt=_day_start(value + timedelta(days=1)))


class TechnicalIssueFilterSet(CustomerRecordFilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="title", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=IssueStatus.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="by_overdue", widget=yes_no())
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=active_people, widget=FastSelect)

    class Meta:
        model = TechnicalIssue
        fields = ["q", "customer", "customer_name", "status", "severity", "overdue", "owner", "opportunity"]

    def by_overdue(self, queryset, name, value):
        overdue = Q(status=IssueStatus.OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class ComplaintFilterSet(CustomerRecordFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ComplaintStatus.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    against = django_filters.ModelChoiceFilter(label=_("Against"), queryset=active_people, widget=FastSelect)
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="received_on", lookup_expr="gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="received_on", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = Complaint
        fields = ["customer", "customer_name", "status", "severity", "against", "date_from", "date_to", "opportunity"]


class SurveyFilterSet(CustomerRecordFilterSet):
    engineer = django_filters.ModelChoiceFilter(label=_("Engineer"), queryset=active_people, widget=FastSelect)
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="surveyed_on", lookup_expr="gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="surveyed_on", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = SatisfactionSurvey
        fields = ["customer", "customer_name", "engineer", "date_from", "date_to", "opportunity"]


class FeedbackFilterSet(CustomerRecordFilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="content", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FeedbackStatus.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=FeedbackSource.choices)
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=active_people, widget=FastSelect)

    class Meta:
        model = FeedbackItem
        fields = ["q", "customer", "customer_name", "status", "source", "owner", "opportunity"]

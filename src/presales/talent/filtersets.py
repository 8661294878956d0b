"""Filters shared by the talent pages and the API (all in SQL)."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.accounts.models import Team

from .choices import (
    AwardRoundStatus,
    CertificationKind,
    MentoringStatus,
    OnboardingStatus,
    ReportRating,
    TrainingKind,
)
from .models import (
    AwardRound,
    Certification,
    DailyReport,
    MentoringPair,
    OnboardingProgramme,
    Promotion,
    Training,
)
from .selectors import expiring_soon_q


def _people(request):
    return get_user_model().objects.filter(is_active=True).order_by("username")


class DailyReportFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    author = django_filters.ModelChoiceFilter(label=_("Author"), queryset=_people)
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), field_name="author__team", queryset=Team.objects.all()
    )
    date_from = django_filters.DateFilter(label=_("From"), field_name="report_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="report_date", lookup_expr="lte")
    rating = django_filters.TypedChoiceFilter(
        label=_("Quality rating"), choices=ReportRating.choices, coerce=int
    )
    rated = django_filters.BooleanFilter(
        label=_("Rated"), field_name="rating", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = DailyReport
        fields = ["q", "author", "team", "date_from", "date_to", "rating", "rated"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(work_done__icontains=value) | Q(problems__icontains=value) | Q(plan_tomorrow__icontains=value)
        )


class CertificationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    person = django_filters.ModelChoiceFilter(label=_("Person"), queryset=_people)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CertificationKind.choices)
    expiring = django_filters.BooleanFilter(label=_("Expiring soon"), method="only_expiring")
    expired = django_filters.BooleanFilter(label=_("Expired"), method="only_expired")

    class Meta:
        model = Certification
        fields = ["q", "person", "kind", "expiring", "expired"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(issuer__icontains=value))

    def only_expiring(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(expiring_soon_q()) if value else queryset.exclude(expiring_soon_q())

    def only_expired(self, queryset, name, value):
        if value is None:
            return queryset
        past = Q(expires_on__lt=timezone.localdate())
        return queryset.filter(past) if value else queryset.exclude(past)


class TrainingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=TrainingKind.choices)
    trainer = django_filters.ModelChoiceFilter(label=_("Trainer"), queryset=_people)
    date_from = django_filters.DateFilter(label=_("From"), field_name="held_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Training
        fields = ["q", "kind", "trainer", "date_from", "date_to"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(external_trainer__icontains=value))


class MentoringFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MentoringStatus.choices)
    mentor = django_filters.ModelChoiceFilter(label=_("Mentor"), queryset=_people)
    mentee = django_filters.ModelChoiceFilter(label=_("Mentee"), queryset=_people)

    class Meta:
        model = MentoringPair
        fields = ["status", "mentor", "mentee"]


class OnboardingFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OnboardingStatus.choices)
    new_hire = django_filters.ModelChoiceFilter(label=_("New hire"), queryset=_people)

    class Meta:
        model = OnboardingProgramme
        fields = ["status", "new_hire"]


class PromotionFilterSet(django_filters.FilterSet):
    person = django_filters.ModelChoiceFilter(label=_("Person"), queryset=_people)
    date_from = django_filters.DateFilter(label=_("From"), field_name="effective_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="effective_on", lookup_expr="lte")

    class Meta:
        model = Promotion
        fields = ["person", "date_from", "date_to"]


class AwardRoundFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AwardRoundStatus.choices)
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = AwardRound
        fields = ["status", "year"]

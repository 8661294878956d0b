"""Filters shared by the research pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from presales.accounts.models import Team
from presales.core.filters import ListedModelChoiceFilter
from presales.core.forms import SwitchInput
from presales.opportunities.choices import Stage
from presales.opportunities.models import Opportunity

from .choices import ActivityKind, ActivityStatus, Priority, Progress, RequirementCategory, RequirementStatus
from .models import RequirementConfirmation, RequirementItem, ResearchActivity, ResearchPlan, ResearchReport


def _mine(queryset, user, prefix: str = ""):
    if user is None:
        return queryset
    return queryset.filter(Q(**{f"{prefix}presales_lead": user}) | Q(**{f"{prefix}sales_owner": user})
                           | Q(**{f"{prefix}members": user})).distinct()


class ResearchListFilterSet(django_filters.FilterSet):
    """The research list (opportunities annotated by selectors.with_progress)."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    progress = django_filters.ChoiceFilter(label=_("Research progress"), choices=Progress.choices,
                                           field_name="research_progress")
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    team = ListedModelChoiceFilter(label=_("Presales team"), queryset=Team.objects.all())
    mine = django_filters.BooleanFilter(label=_("Only mine"), method="only_mine", widget=SwitchInput)

    class Meta:
        model = Opportunity
        fields = ["q", "progress", "stage", "team", "mine"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(name__icontains=value)
                               | Q(customer__name__icontains=value))

    def only_mine(self, queryset, name, value):
        if not value:
            return queryset
        return _mine(queryset, getattr(self.request, "user", None))


class PlanFilterSet(django_filters.FilterSet):
    opportunity = django_filters.NumberFilter(field_name="opportunity_id")

    class Meta:
        model = ResearchPlan
        fields = ["opportunity"]


class ActivityFilterSet(django_filters.FilterSet):
    opportunity = django_filters.NumberFilter(field_name="opportunity_id")
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices)
    status = django_filters.ChoiceFilter(choices=ActivityStatus.choices)

    class Meta:
        model = ResearchActivity
        fields = ["opportunity", "kind", "status"]


class ReportFilterSet(django_filters.FilterSet):
    opportunity = django_filters.NumberFilter(field_name="opportunity_id")

    class Meta:
        model = ResearchReport
        fields = ["opportunity"]


class ItemFilterSet(django_filters.FilterSet):
    opportunity = django_filters.NumberFilter(field_name="opportunity_id")
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    category = django_filters.ChoiceFilter(choices=RequirementCategory.choices)
    status = django_filters.ChoiceFilter(choices=RequirementStatus.choices)

    class Meta:
        model = RequirementItem
        fields = ["opportunity", "priority", "category", "status"]


class ConfirmationFilterSet(django_filters.FilterSet):
    opportunity = django_filters.NumberFilter(field_name="opportunity_id")

    class Meta:
        model = RequirementConfirmation
        fields = ["opportunity"]

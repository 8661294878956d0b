import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from presales.core.filters import ListedModelChoiceFilter

from .choices import PresalesLevel, RoleCode
from .models import Team, User


class PeopleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    team = ListedModelChoiceFilter(label=_("Team"), queryset=Team.objects.all())
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=RoleCode.choices, field_name="roles__code", distinct=True
    )
    presales_level = django_filters.ChoiceFilter(label=_("Presales level"), choices=PresalesLevel.choices)

    class Meta:
        model = User
        fields = ["q", "team", "role", "presales_level"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(display_name__icontains=value) | Q(username__icontains=value) | Q(email__icontains=value)
        )

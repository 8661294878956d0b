import django_filters
from django.utils.translation import gettext_lazy as _

from presales.opportunities.models import Opportunity

from .models import Prediction, WinModel


class PredictionFilterSet(django_filters.FilterSet):
    """Estimates of one opportunity and/or one model version (the newest model by default)."""

    opportunity = django_filters.ModelChoiceFilter(label=_("opportunity"), queryset=Opportunity.objects.all())
    model = django_filters.ModelChoiceFilter(label=_("model"), queryset=WinModel.objects.all())

    class Meta:
        model = Prediction
        fields = ["opportunity", "model"]

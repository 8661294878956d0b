from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.accounts.models import Team

from .permissions import sees_every_team

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366


class DashboardFilterForm(forms.Form):
    """The dashboard's period (local calendar days, both inclusive) and team, kept in the URL.
    A team lead chooses among the teams they lead (the first by default); managers and the
    committee may also look at every team at once (no team)."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if sees_every_team(user):
            self.fields["team"].queryset = Team.objects.order_by("name")
            self.fields["team"].empty_label = _("All teams")
        else:
            self.fields["team"].queryset = Team.objects.filter(pk__in=list(user.led_team_ids)).order_by("name")
            self.fields["team"].empty_label = None

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            self.add_error("end", _("The period must end on or after its first day."))
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("start", _("Choose a period of at most three years."))
        data["start"], data["end"] = start, end
        if data.get("team") is None and not sees_every_team(self.user):
            data["team"] = self.fields["team"].queryset.first()
        return data

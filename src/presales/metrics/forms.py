"""The period (and person) a metric page or API call is about."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .period import current_quarter

MAX_DAYS = 731  # two years: an annual cycle with room to spare


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None, **kwargs):
        default_start, default_end = current_quarter()
        data = data.copy() if data is not None else {}
        if not data.get("start"):
            data["start"] = default_start.isoformat()
        if not data.get("end"):
            data["end"] = default_end.isoformat()
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if isinstance(start, date) and isinstance(end, date):
            if end < start:
                self.add_error("end", _("The period cannot end before it starts."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("end", _("A period is at most %(days)d days long.") % {"days": MAX_DAYS})
        return cleaned

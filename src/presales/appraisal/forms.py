"""Forms of the appraisal pages. They only parse input; every rule is in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import scoring
from .choices import AppealOutcome, CycleKind, Source
from .models import Cycle


class CycleForm(forms.ModelForm):
    bands_text = forms.CharField(
        label=_("Grade bands"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One grade per line, best first: grade, lowest total, bonus coefficient — e.g. “S 90 1.5”. "
            "The worst grade starts at 0."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Cycle
        fields = [
            "name",
            "kind",
            "year",
            "quarter",
            "start_on",
            "end_on",
            "weight_self",
            "weight_supervisor",
            "weight_customer",
            "weight_peer",
            "self_due_on",
            "supervisor_due_on",
            "feedback_due_on",
            "committee_due_on",
        ]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for f in (
                "start_on",
                "end_on",
                "self_due_on",
                "supervisor_due_on",
                "feedback_due_on",
                "committee_due_on",
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bands_text"].initial = scoring.format_bands(self.instance.bands())
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def cleaned_changes(self) -> dict:
        data = {f: self.cleaned_data.get(f) for f in self.Meta.fields}
        if data.get("kind") == CycleKind.ANNUAL:
            data["quarter"] = None
        data["grade_bands"] = scoring.parse_bands(self.cleaned_data.get("bands_text") or "")
        return data

    def _post_clean(self):  # the service validates; do not run the model's full_clean here
        pass


class ParticipantForm(forms.Form):
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=None)
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=None)
    supervisor = forms.ModelChoiceField(
        label=_("Supervisor"),
        queryset=None,
        required=False,
        help_text=_("Empty: the lead of the employee's team."),
    )

    def __init__(self, *args, **kwargs):
        from presales.accounts.models import User
        from presales.kpi.models import Scheme

        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).order_by("team__name", "username")
        self.fields["employee"].queryset = people
        self.fields["supervisor"].queryset = people
        self.fields["scheme"].queryset = Scheme.objects.filter(status="active").order_by("code")


class EntriesForm(forms.Form):
    """One value (and comment) per hand-entered indicator; the summary for self and supervisor."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, items, source, existing, appraisal, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.source = source
        for item in items:
            ind = item.indicator
            entry = existing.get(ind.pk)
            self.fields[f"value_{ind.pk}"] = forms.DecimalField(
                label=f"{ind.code} {ind.name}",
                required=False,
                max_digits=20,
                decimal_places=6,
                initial=entry.value.normalize() if entry else None,
                help_text=_describe_rule(ind),
            )
            self.fields[f"comment_{ind.pk}"] = forms.CharField(
                label=_("Comment on %(name)s") % {"name": ind.name},
                required=False,
                initial=entry.comment if entry else "",
                widget=forms.TextInput(),
            )
        if source == Source.SELF:
            self.fields["summary"] = forms.CharField(
                label=_("Self-assessment summary"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=appraisal.self_summary,
            )
        elif source == Source.SUPERVISOR:
            self.fields["summary"] = forms.CharField(
                label=_("Supervisor's comment"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=appraisal.supervisor_comment,
            )
        self.fields["version"].initial = appraisal.version

    def values(self) -> dict:
        return {item.indicator_id: self.cleaned_data.get(f"value_{item.indicator_id}") for item in self.items}

    def comments(self) -> dict:
        return {
            item.indicator_id: self.cleaned_data.get(f"comment_{item.indicator_id}") or ""
            for item in self.items
        }


def _describe_rule(indicator) -> str:
    from presales.kpi import rules

    try:
        text = str(
            rules.rule_for(indicator.rule_type, indicator.rule_params or {}, indicator.max_points).describe()
        )
    except Exception:  # noqa: BLE001 - a help text must never break the form
        text = indicator.rule_type
    unit = f" ({indicator.unit})" if indicator.unit else ""
    return f"{text}{unit}"


class MoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason / comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AdjustmentForm(forms.Form):
    points = forms.DecimalField(label=_("Points (+ or −)"), max_digits=7, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AppealOutcome.choices)
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

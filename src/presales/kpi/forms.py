"""Forms parse; the services decide (the same rules and messages as the API)."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from presales.accounts.models import Role

from .choices import DataSource, Dimension, EvaluationSource, ReviewDecision, RuleType
from .metrics import METRIC_CODES
from .models import Indicator, Scheme

RULE_PARAMS_HELP = _(
    "JSON. bands: {\"bands\": [{\"upto\": 3, \"points\": 30}, {\"upto\": 10, \"points\": 20}, {\"points\": 10}]} · "
    "linear: {\"zero_at\": 80, \"full_at\": 95} · deduction: {\"per_occurrence\": 5, \"floor\": 0} · "
    "bonus: {\"per_occurrence\": 2, \"cap\": 10} · pass_line: {\"pass_line\": 80} · "
    "achievement: {\"target\": 30, \"ceiling_pct\": 120} · manual: {\"scale\": 5} or {}"
)


class JsonField(forms.CharField):
    """A textarea holding JSON; parses to Python."""

    def __init__(self, *, expect=dict, **kwargs):
        self.expect = expect
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3, "class": "font-monospace"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return self.expect()
        try:
            parsed = json.loads(value)
        except ValueError:
            raise forms.ValidationError(_("This is not valid JSON.")) from None
        if not isinstance(parsed, self.expect):
            raise forms.ValidationError(_("Expected a JSON object {...}."))
        return parsed


class IndicatorForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32, help_text=_("e.g. KPI-R07"))
    name = forms.CharField(label=_("Name"), max_length=200)
    dimension = forms.ChoiceField(label=_("Dimension"), choices=Dimension.choices)
    definition = forms.CharField(label=_("Definition"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    data_source = forms.ChoiceField(label=_("Data source"), choices=DataSource.choices)
    metric_code = forms.ChoiceField(
        label=_("Metric code"), required=False, choices=[("", "—")] + [(c, c) for c in METRIC_CODES],
        help_text=_("For a computed indicator: the system metric it is computed from."),
    )
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)
    rule_type = forms.ChoiceField(label=_("Scoring rule"), choices=RuleType.choices)
    rule_params = JsonField(label=_("Rule parameters"), required=False, help_text=RULE_PARAMS_HELP)
    max_points = forms.DecimalField(label=_("Full marks"), max_digits=7, decimal_places=2)
    applicable_roles = forms.ModelMultipleChoiceField(
        label=_("Applicable roles"), queryset=Role.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evaluation_sources = forms.MultipleChoiceField(
        label=_("Evaluation sources"), choices=EvaluationSource.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    change_summary = forms.CharField(label=_("What changed and why"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, instance: Indicator | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is None:
            del self.fields["change_summary"]
        elif not self.is_bound:
            for name in self.fields:
                if name in ("change_summary",):
                    continue
                if name == "applicable_roles":
                    self.initial[name] = list(instance.applicable_roles.all())
                elif name == "rule_params":
                    self.initial[name] = json.dumps(instance.rule_params, ensure_ascii=False)
                else:
                    self.initial[name] = getattr(instance, name)


class ReviewForm(forms.Form):
    quarter = forms.CharField(label=_("Quarter"), max_length=6, help_text=_("e.g. 2026Q3"))
    decision = forms.ChoiceField(label=_("Decision"), choices=ReviewDecision.choices, widget=forms.RadioSelect)
    replaced_by = forms.ModelChoiceField(
        label=_("Replaced by"), queryset=Indicator.objects.none(), required=False,
        help_text=_("Required when the decision is “replace”."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replaced_by"].queryset = Indicator.objects.filter(status="active").exclude(pk=indicator.pk)


class TryRuleForm(forms.Form):
    value = forms.CharField(label=pgettext_lazy("kpi", "Value"), required=False, max_length=40)


class SchemeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32, help_text=_("e.g. SCH-ENG-2027"))
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.all(), required=False)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, instance: Scheme | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # one optional percent field per dimension
        for value, label in Dimension.choices:
            self.fields[f"dim_{value}"] = forms.DecimalField(
                label=_("Dimension weight: %(dim)s (%%)") % {"dim": label}, required=False, max_digits=5,
                decimal_places=2, min_value=0, max_value=100,
            )
        if instance is not None and not self.is_bound:
            for name in ("code", "name", "description", "role", "position", "version"):
                self.initial[name] = getattr(instance, name)
            for key, weight in (instance.dimension_weights or {}).items():
                self.initial[f"dim_{key}"] = weight

    def dimension_fields(self):
        return [self[f"dim_{value}"] for value in Dimension.values]

    def dimension_weights(self) -> dict:
        weights = {}
        for value in Dimension.values:
            weight = self.cleaned_data.get(f"dim_{value}")
            if weight:
                weights[value] = str(weight)
        return weights


class SchemeItemAddForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    weight = forms.DecimalField(label=_("Weight (%)"), max_digits=5, decimal_places=2, initial=0)
    dimension = forms.ChoiceField(label=_("Counted in dimension"), choices=[("", _("The indicator's own"))]
                                  + list(Dimension.choices), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(status="active").exclude(
            pk__in=scheme.items.values("indicator_id"))


class SchemeCopyForm(forms.Form):
    code = forms.CharField(label=_("Code of the copy"), max_length=32)
    name = forms.CharField(label=_("Name of the copy"), max_length=200)

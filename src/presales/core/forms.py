"""Form rendering with Bootstrap classes, and the mixin that carries an optimistic-lock version."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

# The empty choice: Django's "---------" (BLANK_CHOICE_DASH, ModelChoiceField.empty_label) becomes
# 请选择 in forms; filters say 全部 (FILTERS_EMPTY_CHOICE_LABEL in settings, the same msgid "All").
DASHES = "---------"
FORM_EMPTY_LABEL = _("Please choose")
FILTER_EMPTY_LABEL = _("All")


class BootstrapFormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"

    def render(self, template_name, context, request=None):
        # Every select of every form goes through here: no raw "---------" reaches a page.
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict) and widget.get("optgroups"):
            for _group, options, _index in widget["optgroups"]:
                for option in options:
                    if option.get("label") == DASHES:
                        option["label"] = FORM_EMPTY_LABEL
        return super().render(template_name, context, request=request)


class SwitchInput(forms.CheckboxInput):
    """A yes/no filter as a switch (只看我的): checked sends "true", unchecked sends nothing (the
    filter is not applied)."""

    template_name = "core/forms/switch.html"

    def format_value(self, value):
        return "true"

    def value_from_datadict(self, data, files, name):
        # Absent means "not filtered" (None), not False: a checkbox left out of a query string
        # must not turn "only mine" into "not mine" (nor hide a record from its detail route).
        if name not in data:
            return None
        return super().value_from_datadict(data, files, name)


class VersionedFormMixin(forms.Form):
    """Carries the version the user started editing from; the service refuses a stale save."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def widget_css_class(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):  # SwitchInput included
        return "form-check-input"
    if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
        return ""
    if isinstance(widget, (forms.Select, forms.SelectMultiple)):
        return "form-select"
    return "form-control"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")

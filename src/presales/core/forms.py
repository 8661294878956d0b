"""Form rendering with Bootstrap classes, and the mixin that carries an optimistic-lock version."""

import html
from functools import cached_property
from pathlib import Path

import django
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import SafeData
from django.utils.translation import gettext_lazy as _

# The empty choice: Django's "---------" (BLANK_CHOICE_DASH, ModelChoiceField.empty_label) becomes
# 请选择 in forms; filters say 全部 (FILTERS_EMPTY_CHOICE_LABEL in settings, the same msgid "All").
DASHES = "---------"
FORM_EMPTY_LABEL = _("Please choose")
FILTER_EMPTY_LABEL = _("All")


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
INPUT_TEMPLATE = "django/forms/widgets/input.html"
# Django's widget templates that are nothing but {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in ("input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time",
                 "search", "tel", "color", "checkbox")
)
DJANGO_FORMS_TEMPLATES = Path(django.__file__).parent / "forms" / "templates"


def _esc(text) -> str:
    """`conditional_escape(text)` without the lazy-argument wrapper around `escape` (a few hundred
    calls per filter bar): the same result, `html.escape` being what `escape` runs."""
    if isinstance(text, Promise):
        text = str(text)
    html_method = getattr(text, "__html__", None)
    return html_method() if html_method is not None else html.escape(str(text))


def _attrs_html(attrs: dict) -> str:
    """Django's widgets/attrs.html, in Python."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_esc(name)}")
        else:
            parts.append(f' {_esc(name)}="{_esc(str(value))}"')
    return "".join(parts)


def select_html(widget: dict) -> str | None:
    """Django's select.html and select_option.html, in Python, to the byte (a test compares them).
    Rendering one template include per option cost about 0.07 ms an option: a filter bar with a
    few hundred people in its selects spent most of a page's time there. None when an option
    is not the plain kind (another template, or a label that is not text, which the template would
    localise): the template renders it then."""
    out = [f'<select name="{_esc(str(widget["name"]))}"{_attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_esc(str(group_name))}">')
        for option in options:
            label = option["label"]
            if option.get("template_name") != OPTION_TEMPLATE or not isinstance(label, (str, Promise)):
                return None
            value = _esc(str(option["value"]))
            attrs = _attrs_html(option["attrs"])
            out.append(f'\n  <option value="{value}"{attrs}>{_esc(label)}</option>\n')
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def input_html(widget: dict) -> str:
    """Django's input.html (and the templates that only include it), in Python, to the byte: a
    filter bar's text, date and number fields cost one template include each (a test compares)."""
    value = widget["value"]
    if value is None:
        value_attr = ""
    else:
        text = value if isinstance(value, SafeData) else str(value)  # {{ value|stringformat:'s' }}
        value_attr = f' value="{_esc(text)}"'
    return (f'<input type="{_esc(widget["type"])}" name="{_esc(widget["name"])}"'
            f'{value_attr}{_attrs_html(widget["attrs"])}>')


class BootstrapFormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"

    @cached_property
    def plain_select_templates(self) -> bool:
        """The select templates are Django's own (no app overrides them): `select_html` may stand in."""
        return self._plain(SELECT_TEMPLATE, OPTION_TEMPLATE, "django/forms/widgets/attrs.html")

    @cached_property
    def plain_input_templates(self) -> frozenset:
        """Those of INPUT_TEMPLATES that are Django's own, with input.html and attrs.html: `input_html`
        stands in for them."""
        if not self._plain(INPUT_TEMPLATE, "django/forms/widgets/attrs.html"):
            return frozenset()
        return frozenset(name for name in INPUT_TEMPLATES if self._plain(name))

    def _plain(self, *names) -> bool:
        return all(
            Path(self.get_template(name).origin.name).is_relative_to(DJANGO_FORMS_TEMPLATES) for name in names
        )

    def render(self, template_name, context, request=None):
        # Every select of every form goes through here: no raw "---------" reaches a page.
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict) and widget.get("optgroups"):
            for _group, options, _index in widget["optgroups"]:
                for option in options:
                    if option.get("label") == DASHES:
                        option["label"] = FORM_EMPTY_LABEL
            if template_name == SELECT_TEMPLATE and self.plain_select_templates:
                html = select_html(widget)
                if html is not None:
                    return html.strip()
        elif isinstance(widget, dict) and template_name in self.plain_input_templates and "type" in widget:
            return input_html(widget)
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

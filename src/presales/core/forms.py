"""Form rendering with Bootstrap classes, and the mixin that carries an optimistic-lock version."""

import functools
import html
from functools import cached_property
from pathlib import Path

import django
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.forms.widgets import ChoiceWidget
from django.utils.functional import Promise
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ChoiceIterator

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


def select_options_html(widget, name, value, attrs=None, renderer=None) -> str | None:
    """What `widget.render()` gives for a plain select (Django's `Select`, `SelectMultiple`,
    `NullBooleanSelect` and subclasses that change neither its context nor its options) rendered
    by `BootstrapFormRenderer` with Django's own select templates, to the byte (a test compares):
    the options are written straight from the choices, without the dict per option that
    `optgroups()` / `create_option()` build for the templates (a few hundred per filter bar).
    None when any of that does not hold, or a label is not text (the template would localise it):
    the caller renders the widget as Django does."""
    if renderer is None:
        renderer = get_default_renderer()
    if (
        type(renderer).render is not BootstrapFormRenderer.render
        or not renderer.plain_select_templates
        or widget.template_name != SELECT_TEMPLATE
        or widget.option_template_name != OPTION_TEMPLATE
        or widget.option_inherits_attrs
        or widget.checked_attribute != {"selected": True}
    ):
        return None
    final_attrs = widget.build_attrs(widget.attrs, attrs)
    multiple = widget.allow_multiple_selected
    if multiple:
        final_attrs["multiple"] = True
    values = widget.format_value(value)
    out = [f'<select name="{_esc(str(name))}"{_attrs_html(final_attrs)}>']
    has_selected = False
    segments = _fixed_options(widget.choices)
    if segments is not None:
        for segment in segments:
            if (has_selected and not multiple) or segment.values.isdisjoint(values):
                out.append(segment.html)  # no option of it is selected: written once per list
                continue
            for value_text, value_html, label_html in segment.options:
                selected = (not has_selected or multiple) and value_text in values
                has_selected |= selected
                mark = " selected" if selected else ""
                out.append(f'\n  <option value="{value_html}"{mark}>{label_html}</option>\n')
        out.append("\n</select>")
        return "".join(out).strip()
    for option_value, option_label in widget.choices:  # ChoiceWidget.optgroups, without the dicts
        if option_value is None:
            option_value = ""
        if isinstance(option_label, (list, tuple)):
            group, options = option_value, option_label
        else:
            group, options = None, ((option_value, option_label),)
        if group:
            out.append(f'\n  <optgroup label="{_esc(str(group))}">')
        for sub_value, label in options:
            selected = (not has_selected or multiple) and str(sub_value) in values
            has_selected |= selected
            if label == DASHES:  # as BootstrapFormRenderer.render
                label = FORM_EMPTY_LABEL
            elif not isinstance(label, (str, Promise)):
                return None
            out.append(f'\n  <option value="{_esc(str(sub_value))}"{" selected" if selected else ""}>'
                       f'{_esc(label)}</option>\n')
        if group:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out).strip()


class FixedOptions:
    """Options of a select as (value as text, escaped value, escaped label), their values, and
    their HTML when none is selected."""

    __slots__ = ("options", "values", "html")

    def __init__(self, options):
        self.options = options
        self.values = frozenset(value for value, _v, _l in options)
        self.html = "".join(f'\n  <option value="{value}">{label}</option>\n' for _t, value, label in options)


def option_html(value, label) -> tuple[str, str, str]:
    """(value as text, escaped value, escaped label) of a plain option, as `select_options_html`
    writes it; the label is text (or a lazy text)."""
    if label == DASHES:
        label = FORM_EMPTY_LABEL
    return str(value), _esc(str(value)), _esc(label)


def _fixed_options(choices):
    """The options of a fixed choice list (django-filter's iterator over a list: stages,
    industries...) as (value, escaped value, escaped label), kept on the iterator per language (and
    per empty/null label): the labels are lazy, one translation each per render otherwise. A list of
`FixedOptions` segments (the cached lists of people give two: empty label, rows). None
    for any other choices (a query, a callable) or a list with groups or labels that are not text."""
    fixed = getattr(choices, "fixed_options", None)
    if fixed is not None:  # core.filters' iterators of people and teams, read from the cache
        return fixed()
    if type(choices) is not ChoiceIterator or not isinstance(choices.choices, (list, tuple)):
        return None
    field = choices.field
    key = (get_language(), id(field.empty_label), id(field.null_label), id(field.null_value))
    memo = choices.__dict__.setdefault("_presales_options", {})
    options = memo.get(key, False)
    if options is False:
        options = []
        for value, label in choices:
            if value is None:
                value = ""
            if isinstance(label, (list, tuple)) or not isinstance(label, (str, Promise)):
                options = None
                break
            options.append(option_html(value, label))
        if len(memo) > 16:
            memo.clear()
        memo[key] = options = None if options is None else [FixedOptions(options)]
    return options


class FastSelectMixin:
    """A select whose `render` is `select_options_html` when that applies, Django's otherwise."""

    def render(self, name, value, attrs=None, renderer=None):
        html_ = select_options_html(self, name, value, attrs, renderer)
        if html_ is None:
            return super().render(name, value, attrs, renderer)
        return mark_safe(html_)


def _plain_select_class(cls) -> bool:
    return (
        issubclass(cls, forms.Select)
        and cls.render is forms.Widget.render
        and cls._render is forms.Widget._render
        and cls.get_context is forms.Select.get_context
        and cls.optgroups is ChoiceWidget.optgroups
        and cls.create_option is ChoiceWidget.create_option
        and cls.build_attrs is forms.Widget.build_attrs
    )


@functools.cache
def _fast_select_class(cls):
    namespace = {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
    return type(cls.__name__, (FastSelectMixin, cls), namespace)


def fast_widget(widget):
    """The widget, turned into its `FastSelectMixin` twin (the same class otherwise, and the same
    name) when it is a plain select; any other widget unchanged."""
    cls = type(widget)
    if not isinstance(widget, FastSelectMixin) and _plain_select_class(cls):
        widget.__class__ = _fast_select_class(cls)
    return widget


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

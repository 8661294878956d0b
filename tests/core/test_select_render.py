"""Selects are rendered in Python (core.forms.select_html) instead of one template include per
option: the HTML must be Django's own, to the byte, for every kind of select and value."""

import copy

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from presales.core.forms import SELECT_TEMPLATE, BootstrapFormRenderer

WIDGETS = [
    forms.Select(choices=[("", "---------"), ("a", "A & <b>"), ("b", _("All")), ("c", mark_safe("<i>s</i>"))],
                 attrs={"class": "form-select", "data-x": True, "disabled": False}),
    forms.SelectMultiple(choices=[("组一", [("1", "一"), ("2", 'x"y')]), ("3", "三")]),
    forms.NullBooleanSelect(),
    forms.Select(choices=[(1, "one"), (2, "two")]),
]
VALUES = [None, "", "a", "b", ["1", "3"], 2, "unknown", True, False]
ATTRS = [None, {"id": "id_f", "class": "form-select is-invalid", "required": True, "aria-label": "<名>"}]


def templates_only():
    renderer = BootstrapFormRenderer()
    renderer.plain_select_templates = False  # the cached properties, overridden: always the templates
    renderer.plain_input_templates = frozenset()
    return renderer


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
def test_python_selects_match_the_templates_to_the_byte(widget):
    fast, slow = BootstrapFormRenderer(), templates_only()
    assert fast.plain_select_templates  # no app overrides Django's select templates
    compared = 0
    for value in VALUES:
        for attrs in ATTRS:
            try:
                context = widget.get_context("field<", value, attrs)
            except TypeError:  # a list for a single select
                continue
            expected = slow.render(SELECT_TEMPLATE, copy.deepcopy(context))
            assert fast.render(SELECT_TEMPLATE, copy.deepcopy(context)) == expected, (value, attrs)
            compared += 1
    assert compared >= 10


INPUTS = [
    forms.TextInput(attrs={"class": "form-control", "placeholder": "名称 & <代码>"}),
    forms.NumberInput(attrs={"step": "0.01", "min": 0}),
    forms.DateInput(attrs={"type": "date"}),
    forms.DateTimeInput(),
    forms.EmailInput(),
    forms.URLInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.CheckboxInput(attrs={"class": "form-check-input", "disabled": False, "data-on": True}),
    forms.TimeInput(),
    forms.SearchInput() if hasattr(forms, "SearchInput") else forms.TextInput(),
    forms.ColorInput() if hasattr(forms, "ColorInput") else forms.TextInput(),
    forms.TelInput() if hasattr(forms, "TelInput") else forms.TextInput(),
]
INPUT_VALUES = [None, "", "a&b<'\"", 3, 0, 2.5, True, False, mark_safe("<i>x</i>"), _("All"),
                __import__("datetime").date(2026, 12, 6)]


@pytest.mark.parametrize("widget", INPUTS, ids=lambda w: type(w).__name__)
def test_python_inputs_match_the_templates_to_the_byte(widget):
    fast, slow = BootstrapFormRenderer(), templates_only()
    assert widget.template_name in fast.plain_input_templates  # Django's own templates here
    for value in INPUT_VALUES:
        for attrs in ATTRS:
            expected = widget.render("field<", value, attrs, renderer=slow)
            assert widget.render("field<", value, attrs, renderer=fast) == expected, (value, attrs)


def test_a_form_renders_the_same_either_way():
    class F(forms.Form):
        kind = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
        many = forms.MultipleChoiceField(choices=[("1", "1"), ("2", "2")], required=False)

    data = {"kind": "y", "many": ["2"]}
    fast = F(data, renderer=BootstrapFormRenderer()).render()
    assert 'value="y" selected' in fast and fast == F(data, renderer=templates_only()).render()


@pytest.mark.django_db
def test_people_selects_list_the_same_names_as_the_model_choices():
    """core.filters.UserChoiceFilter lists (pk, name) from one values query: the same options as
    Django's model choices, whichever name a user has (display name, full name, user name)."""
    import django_filters

    from presales.accounts.models import User
    from presales.core.filters import UserChoiceFilter
    from tests.factories import make_user

    make_user(username="zhang", display_name="张伟")
    make_user(username="li", display_name="", first_name="Lei", last_name="Li")
    make_user(username="wang", display_name="", first_name="", last_name="")
    make_user(username="gone", display_name="离职", is_active=False)

    class People(django_filters.FilterSet):
        cheap = UserChoiceFilter(queryset=User.objects.filter(is_active=True))
        model = django_filters.ModelChoiceFilter(queryset=User.objects.filter(is_active=True))

    form = People({"cheap": str(User.objects.get(username="li").pk)}, queryset=User.objects.all()).form
    cheap = [(str(v), str(label)) for v, label in form.fields["cheap"].choices]
    model = [(str(v), str(label)) for v, label in form.fields["model"].choices]
    assert cheap == model
    assert {"张伟", "Lei Li", "wang"} <= {label for _v, label in cheap} and "离职" not in dict(cheap).values()
    assert form.is_valid() and form.cleaned_data["cheap"].username == "li"
    assert 'selected>Lei Li</option>' in str(form["cheap"])


@pytest.mark.django_db
def test_team_selects_list_the_same_options_in_one_plain_query(django_assert_num_queries):
    """core.filters.ListedModelChoiceFilter: the same options as Django's model choices, read by
    one SELECT (no server-side cursor: DECLARE/FETCH/CLOSE on PostgreSQL)."""
    import django_filters

    from presales.accounts.models import Team
    from presales.core.filters import ListedModelChoiceFilter
    from tests.factories.accounts import TeamFactory

    for name in ("华东售前", "华南售前", "Beijing & <North>"):
        TeamFactory(name=name)

    class Teams(django_filters.FilterSet):
        listed = ListedModelChoiceFilter(queryset=Team.objects.all(), null_label="无")
        model = django_filters.ModelChoiceFilter(queryset=Team.objects.all(), null_label="无")

    form = Teams({}, queryset=Team.objects.all()).form
    model = [(str(v), str(label)) for v, label in form.fields["model"].choices]
    with django_assert_num_queries(1) as ctx:
        listed = [(str(v), str(label)) for v, label in form.fields["listed"].choices]
    assert listed == model and len(listed) == Team.objects.count() + 2
    assert "DECLARE" not in ctx.captured_queries[0]["sql"]


# --- core.forms.select_options_html: options written straight from the choices --------------------
def _fast_twin(widget):
    from presales.core.forms import FastSelectMixin, fast_widget

    twin = fast_widget(copy.deepcopy(widget))
    assert isinstance(twin, FastSelectMixin) and type(twin).__name__ == type(widget).__name__
    return twin


def _filter_widget(**kwargs):
    """The widget of a django-filter choice field (its options from a ChoiceIterator, with the
    empty label 全部/All), as the filter bars have it."""
    import django_filters

    return django_filters.ChoiceFilter(**kwargs).field.widget


DIRECT_WIDGETS = [
    *WIDGETS,
    forms.Select(choices=[]),
    forms.Select(choices=[("", _("All")), ("x", "X"), ("x", "X again"), (None, "none")]),
    forms.SelectMultiple(choices=[(1, "一"), ("1", "one"), (2, "二")], attrs={"size": 3}),
    forms.Select(choices=[("g<1>", [(None, "n"), ("a", "A")]), ("", [("b", "B")]), ("c", "C")]),
    _filter_widget(choices=[("lead", _("Lead")), ("won", "赢单 <&>")]),
    _filter_widget(choices=[(1, "one"), (2, "two")], null_label="无", null_value="null"),
]
DIRECT_VALUES = [*VALUES, 1, "1", [1, "2"], ["x"], "x", "null", "won", "lead", "g<1>", "None", [], ("a", "b")]


@pytest.mark.parametrize("widget", DIRECT_WIDGETS, ids=lambda w: type(w).__name__)
def test_selects_written_from_the_choices_match_the_templates(widget):
    from django.utils import translation

    twin, slow = _fast_twin(widget), templates_only()
    compared = 0
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value in DIRECT_VALUES:
                for attrs in ATTRS:
                    try:
                        expected = widget.render("field<", value, attrs, renderer=slow)
                    except TypeError:
                        continue
                    for _round in range(2):  # the second from the options kept per language
                        fast = twin.render("field<", value, attrs, renderer=BootstrapFormRenderer())
                        assert fast == expected, (language, value, attrs)
                    compared += 1
    assert compared >= 20


def test_a_label_that_is_not_text_is_left_to_the_templates():
    from presales.core.forms import select_options_html

    widget = forms.Select(choices=[(1, 1.5), (2, "two")])
    assert select_options_html(widget, "n", 1, renderer=BootstrapFormRenderer()) is None
    assert select_options_html(_fast_twin(widget), "n", 1, renderer=templates_only()) is None
    assert _fast_twin(widget).render("n", 1) == widget.render("n", 1, renderer=templates_only())


def test_only_plain_selects_are_written_directly():
    from presales.core.forms import FastSelectMixin, fast_widget
    from presales.customers.widgets import FastSelect

    class Own(forms.Select):
        def create_option(self, *args, **kwargs):
            return super().create_option(*args, **kwargs)

    others = (forms.RadioSelect(), forms.CheckboxSelectMultiple(), Own(), FastSelect(), forms.TextInput())
    for widget in others:
        assert not isinstance(fast_widget(widget), FastSelectMixin)
    for widget in (forms.Select(), forms.SelectMultiple(), forms.NullBooleanSelect()):
        assert isinstance(fast_widget(widget), FastSelectMixin)

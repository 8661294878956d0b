"""The fast get_FOO_display (presales.core.display) answers what Django's own implementation
answers, for every choices field of every model of ours, in both languages, for each choice value
and for a value outside the choices."""

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from presales.core import display


def choice_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("presales."):
            continue
        for field in model._meta.concrete_fields:
            if field.choices:
                yield model, field


FIELDS = list(choice_fields())


def test_every_choices_field_of_ours_uses_the_fast_display():
    assert len(FIELDS) > 50  # the models have many choices fields (stages, statuses, industries...)
    slow = [f"{m.__name__}.{f.name}" for m, f in FIELDS
            if not getattr(getattr(m, f"get_{f.name}_display"), "fast_display", False)]
    assert slow == []


def test_a_method_a_model_defines_itself_is_kept():
    from presales.customers.models import Customer

    fast = Customer.get_industry_display

    def own(self):  # as if Customer's class body defined get_industry_display itself
        return "own"

    Customer.get_industry_display = own
    try:
        display.install()
        assert Customer.get_industry_display is own
    finally:
        Customer.get_industry_display = fast


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_same_label_as_django_for_every_value(language):
    checked = 0
    with translation.override(language):
        for model, field in FIELDS:
            values = [value for value, _ in field.flatchoices] + ["no-such-choice", None]
            for value in values:
                obj = model.__new__(model)
                obj.__dict__[field.attname] = value
                fast = getattr(obj, f"get_{field.name}_display")()
                django = Model._get_FIELD_display(obj, field)
                assert fast == django, (model.__name__, field.name, value)
                assert type(fast) is type(django)
                checked += 1
    assert checked > 300


def test_install_is_idempotent():
    before = {(m, f.name): getattr(m, f"get_{f.name}_display") for m, f in FIELDS}
    display.install()
    assert all(getattr(m, f"get_{f.name}_display") is not before[(m, f.name)] for m, f in FIELDS)
    assert display.install() == len(FIELDS)

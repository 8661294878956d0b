"""Fast `get_FOO_display()` for every field with choices of our models (decision 51).

Django's own implementation rebuilds a dict of the field's choices on each call through
`make_hashable(field.flatchoices)`, which hashes every choice *label*: a lazy translation, so one
`gettext` per choice, per call. A list of 25 customers prints three such fields per row: about
900 `gettext` calls per page for twenty labels. Here the mapping value → label is built once per
field (labels stay lazy, so the active language still decides), and a call costs one dict lookup
and one `gettext`.

`install()` runs from `CoreConfig.ready()`: it replaces the `get_FOO_display` methods that Django
attached to our models (never a method a model defines itself) with the fast one. The result is
the same string for every value, including values outside the choices (shown as they are), which
tests/core/test_display.py checks against Django's implementation for every field of every model.
"""

from django.apps import apps
from django.utils.encoding import force_str


def _fast(field):
    labels = {}
    for value, label in field.flatchoices:
        try:
            labels.setdefault(value, label)
        except TypeError:  # an unhashable choice value: keep Django's implementation for this field
            return None
    attname = field.attname
    get = labels.get

    def display(self):
        value = getattr(self, attname)
        try:
            label = get(value, value)
        except TypeError:  # an unhashable value outside the choices: Django prints it as it is
            label = value
        return force_str(label, strings_only=True)

    display.__name__ = f"get_{field.name}_display"
    display.fast_display = True
    return display


def install(app_prefix="presales."):
    """Give each choices field of our models the fast display method; returns how many."""
    count = 0
    for model in apps.get_models():
        if not model.__module__.startswith(app_prefix):
            continue
        for field in model._meta.get_fields():
            if not getattr(field, "choices", None) or not getattr(field, "concrete", False):
                continue
            name = f"get_{field.name}_display"
            # A method the model defines itself (in its own class body) is kept; Django's is a
            # partialmethod around Model._get_FIELD_display, found on the class or a parent.
            owner = next((klass for klass in model.__mro__ if name in klass.__dict__), None)
            if owner is None or not _is_django_display(owner.__dict__[name]):
                continue
            fast = _fast(field)
            if fast is not None:
                setattr(model, name, fast)
                count += 1
    return count


def _is_django_display(attr):
    func = getattr(attr, "func", None)  # functools.partialmethod
    return getattr(func, "__name__", "") == "_get_FIELD_display" or getattr(attr, "fast_display", False)

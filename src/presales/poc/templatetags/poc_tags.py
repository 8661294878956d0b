from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def num(value):
    """A Decimal as people write it: no exponent, no trailing zeros (100, 82.5, 0.25)."""
    if value is None or value == "":
        return "—"
    text = format(Decimal(value).normalize(), "f")
    return text

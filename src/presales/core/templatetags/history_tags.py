from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def history_url(obj) -> str:
    """Link to the change history page of a business record."""
    return reverse("core:history", args=[obj._meta.label_lower, obj.pk])

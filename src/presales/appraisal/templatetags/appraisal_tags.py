from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def get_item(mapping, key):
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def field_for(form, indicator_id):
    return form[f"value_{indicator_id}"]


@register.filter
def comment_for(form, indicator_id):
    return form[f"comment_{indicator_id}"]


@register.simple_tag
def countdown(due):
    """“3 days left” / “2 days overdue” badge for a step's deadline."""
    if due is None:
        return ""
    days = (due - timezone.localdate()).days
    if days < 0:
        text = ngettext("%(n)s day overdue", "%(n)s days overdue", -days) % {"n": -days}
        return format_html('<span class="badge text-bg-danger">{}</span>', text)
    text = ngettext("%(n)s day left", "%(n)s days left", days) % {"n": days}
    css = "text-bg-warning" if days <= 2 else "text-bg-light border"
    return format_html('<span class="badge {}">{}</span>', css, text)

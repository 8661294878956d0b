from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from presales.core.forms import widget_css_class

register = template.Library()


@register.filter
def bs_widget(bound_field):
    """Render a bound field's widget with the Bootstrap class for its kind (and is-invalid)."""
    css = widget_css_class(bound_field.field.widget)
    if bound_field.errors and css:
        css += " is-invalid"
    existing = bound_field.field.widget.attrs.get("class", "")
    attrs = {"class": f"{existing} {css}".strip()} if css else {}
    return bound_field.as_widget(attrs=attrs)


@register.filter
def naturalduration(value, end=None) -> str:
    """{{ created_at|naturalduration }} → "2 周 1 天" (see presales.core.humanize)."""
    from presales.core.humanize import natural_duration

    if value in (None, ""):
        return ""
    return natural_duration(value, end)


@register.filter
def wan(value) -> str:
    """{{ amount|wan }} → "6,034 万元" in lists and boards (see presales.core.humanize)."""
    from presales.core.humanize import wan as to_wan

    return to_wan(value)


@register.filter
def is_checkbox(bound_field) -> bool:
    return bound_field.field.widget.__class__.__name__ in ("CheckboxInput", "SwitchInput")


@register.simple_tag
def due_badge(due, done=None):
    """A small badge: overdue (red), due within a day (amber), or on time."""
    if due is None:
        return ""
    if done:
        return format_html('<span class="badge text-bg-success">{}</span>', _("done"))
    now = timezone.now()
    if hasattr(due, "hour"):
        delta = due - now
    else:
        delta = (
            timezone.datetime.combine(
                due, timezone.datetime.max.time(), tzinfo=timezone.get_current_timezone()
            )
            - now
        )
    hours = delta.total_seconds() / 3600
    if hours < 0:
        return format_html('<span class="badge text-bg-danger">{}</span>', _("overdue"))
    if hours < 24:
        return format_html('<span class="badge text-bg-warning">{}</span>', _("due soon"))
    return format_html('<span class="badge text-bg-light border">{}</span>', _("on time"))

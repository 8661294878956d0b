import functools

from django import template
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
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


FILTER_CELL = (
    '\n  <div class="col-sm-6 col-md-3 col-xl-2"><label class="form-label small mb-0" for="{}">{}</label>{}'
)
FIELD_ERROR = '<div class="invalid-feedback d-block" data-field-error="{}">{}</div>'


def _escaped(value) -> str:
    """{{ value }} with autoescape, for the plain values of a filter cell (text, lazy text)."""
    return conditional_escape(localize(template_localtime(value)))


@register.simple_tag
def filter_cells(fields, errors=False):
    """The cells of a filter bar, one per field, as the loop of the filter partials wrote them
    (a label, the widget by `bs_widget`, with `errors` the field's errors), each with the loop's
    white space: the template loop cost about 20 µs a field (a test compares the bytes with it)."""
    parts = []
    for field in fields:
        parts.append(FILTER_CELL.format(_escaped(field.auto_id), _escaped(field.label), bs_widget(field)))
        if errors and field.errors:
            messages = " ".join(conditional_escape(message) for message in field.errors)
            parts.append(FIELD_ERROR.format(_escaped(field.html_name), messages))
        parts.append("</div>\n  ")
    return mark_safe("".join(parts))


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


# The top bar's menus, rendered in Python once per distinct menu (decision 51). The template loop
# it replaces ("{% for group in nav_groups %}…") cost about a millisecond on every page; the
# menus differ only by language, the entries a role may see and the current place, so the HTML of
# each combination is kept (a few dozen per process). tests/core/test_nav_menu.py compares it
# with the template loop, byte for byte.
_NAV_GROUP = (
    '\n        <li class="nav-item dropdown" data-nav-group="{key}">\n'
    '          <a class="nav-link dropdown-toggle{active}" href="#" role="button" data-bs-toggle="dropdown"'
    ' aria-expanded="false"{current}><i class="bi {icon}"></i> {label}</a>\n'
    '          <ul class="dropdown-menu">\n'
    "            {items}\n"
    "          </ul>\n"
    "        </li>\n"
    "        "
)
_NAV_ITEM = (
    '\n            <li><a class="dropdown-item{active}" href="{url}"{current}><i class="bi {icon}"></i>'
    " {label}</a></li>\n"
    "            "
)


@functools.lru_cache(maxsize=256)
def _nav_menu_html(language, groups):
    del language  # part of the key only: the labels below were translated in that language
    out = []
    for key, label, icon, active, items in groups:
        rows = "".join(
            _NAV_ITEM.format(active=" active" if i_active else "", url=escape(url),
                             current=' aria-current="page"' if i_active else "", icon=escape(i_icon),
                             label=escape(i_label))
            for url, i_label, i_icon, i_active in items
        )
        out.append(_NAV_GROUP.format(key=escape(key), active=" active fw-semibold" if active else "",
                                     current=' aria-current="true"' if active else "", icon=escape(icon),
                                     label=escape(label), items=rows))
    return mark_safe("".join(out))


@register.simple_tag
def nav_menu(nav_groups):
    """The <li> of each menu group of the top bar (what base.html's loop over nav_groups printed)."""
    groups = tuple(
        (g["key"], str(g["label"]), g["icon"], bool(g["active"]),
         tuple((item["url"], str(item["label"]), item["icon"], bool(item["active"])) for item in g["items"]))
        for g in nav_groups
    )
    return _nav_menu_html(get_language(), groups)


def value_html(value) -> str:
    """What `{{ value }}` writes (localised, escaped unless safe), for tags that render rows in
    Python: the same steps as the template engine's render_value_in_context."""
    return conditional_escape(localize(template_localtime(value)))


class PerLanguageNode(template.Node):
    """`{% per_language %}…{% endper_language %}`: a part of a page that depends on nothing but the
    language (translations, `{% url %}`, `{% static %}`), rendered once per language and URL prefix
    and then reused (issue 15: the page frame's dozen such tags cost about half a millisecond on
    every page). Its content is rendered without the page's variables (`context.new()`): a
    variable inside would print empty, so it cannot leak one person's data into another's page.
    Kept on the compiled template's node, so an edited template (reloaded in development) starts
    afresh."""

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered = {}

    def render(self, context):
        key = (get_language(), get_script_prefix(), context.autoescape)
        html = self.rendered.get(key)
        if html is None:
            html = self.nodelist.render(context.new())
            if len(self.rendered) < 64:
                self.rendered[key] = html
        return html


@register.tag
def per_language(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("per_language takes no arguments")
    nodelist = parser.parse(("endper_language",))
    parser.delete_first_token()
    return PerLanguageNode(nodelist)

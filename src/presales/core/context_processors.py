"""The top bar: modules grouped into a few menus, built from URL names so that a module missing
from a deployment (its URLs not installed) simply does not appear."""

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# (group key, group label, group icon, [(url name, label, icon, what lights the item up)]).
# "What lights it up" is an app namespace, or "namespace:url_name" for an item that shares its
# namespace with others (my work and the dashboard are both in insights).
NAV_GROUPS = [
    (
        "workbench",
        pgettext_lazy("navigation", "Workbench"),
        "bi-speedometer2",
        [
            ("insights:my_work", _("My work"), "bi-person-workspace", "insights:my_work"),
            ("insights:dashboard", _("Manager dashboard"), "bi-bar-chart-line", "insights:dashboard"),
        ],
    ),
    (
        "sales",
        pgettext_lazy("navigation", "Customers & opportunities"),
        "bi-building",
        [
            ("customers:list", _("Customers"), "bi-building", "customers"),
            ("opportunities:list", _("Opportunities"), "bi-kanban", "opportunities"),
        ],
    ),
    (
        "process",
        pgettext_lazy("navigation", "Presales process"),
        "bi-diagram-3",
        [
            ("discovery:list", _("Research"), "bi-search", "discovery"),
            ("solutions:list", _("Solutions"), "bi-journal-richtext", "solutions"),
            ("demos:list", _("Demos"), "bi-easel", "demos"),
            ("poc:list", _("POCs"), "bi-clipboard-check", "poc"),
            ("bids:list", _("Bids"), "bi-file-earmark-ruled", "bids"),
            ("support:list", _("Support requests"), "bi-life-preserver", "support"),
        ],
    ),
    (
        "knowledge",
        pgettext_lazy("navigation", "Documents & knowledge"),
        "bi-folder2-open",
        [
            ("documents:list", _("Documents"), "bi-folder2-open", "documents"),
            ("knowledge:list", _("Knowledge base"), "bi-lightbulb", "knowledge"),
            ("knowledge:search", _("Search everything"), "bi-search", "knowledge:search"),
        ],
    ),
    (
        "people",
        pgettext_lazy("navigation", "Performance & talent"),
        "bi-award",
        [
            ("appraisal:list", _("Appraisal"), "bi-award", "appraisal"),
            ("kpi:indicator_list", _("KPI library"), "bi-sliders", "kpi"),
            ("metrics:overview", _("Computed metrics"), "bi-calculator", "metrics"),
            ("talent:daily_report_list", _("Daily reports & talent"), "bi-journal-text", "talent"),
            ("forecast:model", _("Win forecast"), "bi-graph-up-arrow", "forecast"),
        ],
    ),
    (
        "admin",
        pgettext_lazy("navigation", "Administration"),
        "bi-gear",
        [
            ("accounts:people", _("People"), "bi-people", "accounts"),
            ("imports:list", _("CRM import"), "bi-upload", "imports"),
        ],
    ),
]


def _is_current(marker: str, namespace: str, view_name: str) -> bool:
    return view_name == marker if ":" in marker else namespace == marker


# Items shown only to some people (the others would get a 403 there).
def _dashboard_visible(user) -> bool:
    from presales.insights.permissions import can_see_dashboard

    return can_see_dashboard(user)


def _forecast_visible(user) -> bool:
    from presales.forecast.permissions import can_view_model

    return can_view_model(user)


def _imports_visible(user) -> bool:
    from presales.imports.permissions import can_import

    return can_import(user)


ITEM_VISIBLE = {
    "insights:dashboard": _dashboard_visible,
    "forecast:model": _forecast_visible,
    "imports:list": _imports_visible,
}


# The menu's URLs take no arguments: each is the same for every request of a process with the
# same URL configuration and script prefix, so it is reversed once (None: not installed).
_NAV_URLS: dict[tuple, str | None] = {}


def _nav_url(url_name: str) -> str | None:
    key = (url_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    try:
        return _NAV_URLS[key]
    except KeyError:
        pass
    try:
        url = reverse(url_name)
    except NoReverseMatch:  # a module that is not installed in this deployment
        url = None
    _NAV_URLS[key] = url
    return url


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_groups": [], "nav_current": ""}
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    view_name = match.view_name if match else ""
    groups = []
    current_group = ""
    for key, label, icon, entries in NAV_GROUPS:
        items = []
        for url_name, item_label, item_icon, marker in entries:
            visible = ITEM_VISIBLE.get(url_name)
            if visible is not None and not visible(user):
                continue
            url = _nav_url(url_name)
            if url is None:  # a module that is not installed in this deployment
                continue
            active = _is_current(marker, namespace, view_name)
            items.append({"url": url, "label": item_label, "icon": item_icon, "active": active})
        if not items:
            continue
        active = any(item["active"] for item in items)
        if active:
            current_group = key
        groups.append({"key": key, "label": label, "icon": icon, "items": items, "active": active})
    return {"nav_groups": groups, "nav_current": current_group}

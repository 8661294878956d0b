from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    # (url name, label, icon, app namespace that lights it up)
    ("insights:my_work", _("My work"), "bi-person-workspace", "insights"),
    ("customers:list", _("Customers"), "bi-building", "customers"),
    ("opportunities:list", _("Opportunities"), "bi-kanban", "opportunities"),
    ("discovery:list", _("Research"), "bi-search", "discovery"),
    ("solutions:list", _("Solutions"), "bi-journal-richtext", "solutions"),
    ("demos:list", _("Demos"), "bi-easel", "demos"),
    ("poc:list", _("POCs"), "bi-clipboard-check", "poc"),
    ("bids:list", _("Bids"), "bi-file-earmark-ruled", "bids"),
    ("support:list", _("Support requests"), "bi-life-preserver", "support"),
    ("documents:list", _("Documents"), "bi-folder2-open", "documents"),
    ("appraisal:list", _("Appraisal"), "bi-award", "appraisal"),
    ("kpi:indicator_list", _("KPI library"), "bi-sliders", "kpi"),
    ("talent:daily_report_list", _("Daily reports"), "bi-journal-text", "talent"),
    ("accounts:people", _("People"), "bi-people", "accounts"),
]


def navigation(request):
    match = getattr(request, "resolver_match", None)
    current = match.namespace if match else ""
    items = []
    for url_name, label, icon, namespace in NAV_ITEMS:
        try:
            items.append((reverse(url_name), label, icon, namespace))
        except NoReverseMatch:  # a module that is not installed in this deployment
            continue
    return {"nav_items": items, "nav_current": current}

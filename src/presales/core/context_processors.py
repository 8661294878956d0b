from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    # (url name, label, icon, app namespace that lights it up)
    ("insights:my_work", _("My work"), "bi-person-workspace", "insights"),
    ("customers:list", _("Customers"), "bi-building", "customers"),
    ("opportunities:list", _("Opportunities"), "bi-kanban", "opportunities"),
    ("support:list", _("Support requests"), "bi-life-preserver", "support"),
    ("accounts:people", _("People"), "bi-people", "accounts"),
]


def navigation(request):
    match = getattr(request, "resolver_match", None)
    current = match.namespace if match else ""
    return {"nav_items": NAV_ITEMS, "nav_current": current}

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


@register.inclusion_tag("poc/partials/opportunity_pocs.html", takes_context=True)
def opportunity_pocs(context, opportunity):
    """The POC panel of an opportunity's page (the opportunities app does not know about POCs): one
    query, of the columns the panel prints. A POC is visible when its opportunity is: on the page,
    which read the opportunity in the user's scope, there is no scope to apply."""
    from presales.opportunities.selectors import panel_rows
    from presales.poc import permissions
    from presales.poc.models import Poc
    from presales.poc.selectors import page_pocs

    user = context["request"].user
    pocs = panel_rows(opportunity, user, page_pocs, Poc,
                      only=("number", "title", "status", "verdict"), order_by=("-created_at",))
    return {
        "opportunity": opportunity,
        "pocs": pocs,
        "can_create": not opportunity.is_closed and permissions.can_create_poc(user, opportunity),
    }

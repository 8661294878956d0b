from django import template

register = template.Library()


@register.inclusion_tag("demos/partials/opportunity_demos.html")
def opportunity_demos(opportunity, user):
    """The demo panel of an opportunity's page (the opportunities app does not know about demos):
    one query for the demos (the columns the panel prints), none per row."""
    from presales.demos import permissions, selectors

    return {
        "opportunity": opportunity,
        "demos": selectors.panel_demos(user=user, opportunity=opportunity),
        "can_create": not opportunity.is_closed and permissions.can_create_demo(user, opportunity),
    }

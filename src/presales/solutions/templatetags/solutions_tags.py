from django import template

register = template.Library()


@register.inclusion_tag("solutions/partials/opportunity_solutions.html")
def opportunity_solutions(opportunity, user):
    """The solution panel of an opportunity's page: its solutions (current first) with state,
    completeness and first-pass mark, and "New solution" when the user may write one. One query,
    of the columns the panel prints. Every solution of an opportunity the user sees is visible: on
    the page, which read the opportunity in the user's scope, there is no scope to apply."""
    from presales.opportunities.selectors import panel_rows
    from presales.solutions import permissions
    from presales.solutions.models import Solution
    from presales.solutions.selectors import page_solutions

    solutions = panel_rows(opportunity, user, page_solutions, Solution,
                           only=("title", "is_current", "status", "current_level", "completeness",
                                 "first_pass"),
                           order_by=("-is_current", "-created_at", "-pk"))
    return {
        "opportunity": opportunity,
        "solutions": solutions,
        "can_create": not opportunity.is_closed and permissions.can_create(user, opportunity),
    }

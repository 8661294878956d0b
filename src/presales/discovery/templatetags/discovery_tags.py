from django import template

register = template.Library()

PROGRESS_CSS = {
    "not_started": "text-bg-light border",
    "planning": "text-bg-info",
    "researching": "text-bg-primary",
    "awaiting_confirmation": "text-bg-warning",
    "confirmed": "text-bg-success",
}


@register.inclusion_tag("discovery/partials/progress.html")
def research_progress(value):
    """A badge for a Progress value."""
    from presales.discovery.choices import Progress

    value = value or Progress.NOT_STARTED
    return {"value": value, "label": Progress(value).label, "css": PROGRESS_CSS.get(value, "text-bg-light")}


@register.inclusion_tag("discovery/partials/opportunity_discovery.html")
def opportunity_discovery(opportunity, user):
    """The research panel of an opportunity's page: progress, figures, gate state, links (a fixed
    number of queries, whatever the amount of research)."""
    from presales.discovery import permissions, selectors

    row, reasons = selectors.panel_state(opportunity.pk, figures=selectors.page_figures(opportunity))
    return {
        "opportunity": opportunity,
        "row": row,
        "reasons": reasons,
        "can_research": permissions.can_research(user, opportunity),
    }

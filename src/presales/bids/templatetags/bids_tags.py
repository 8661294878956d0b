from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("bids/partials/countdown.html", takes_context=True)
def bid_countdown(context, bid, compact=False):
    """Days/hours left and the deadline in the viewer's zone and in the tender's."""
    from presales.bids import deadline as clock

    now = context.get("now") or timezone.now()
    viewer_tz = timezone.get_current_timezone()
    return {
        "bid": bid, "compact": compact, "countdown": clock.countdown(bid.deadline, now),
        "viewer_deadline": bid.deadline.astimezone(viewer_tz), "viewer_zone": str(viewer_tz),
        "tender_deadline": bid.local_deadline,
        "same_zone": bid.deadline.astimezone(viewer_tz).utcoffset() == bid.local_deadline.utcoffset(),
    }


@register.inclusion_tag("bids/partials/opportunity_bids.html")
def opportunity_bids(opportunity, user):
    """The bid panel of an opportunity's page: one query for the bids (the columns the panel
    prints), none per row. A bid is visible when its opportunity is: on the page, which read the
    opportunity in the user's scope, there is no scope to apply."""
    from presales.bids import permissions
    from presales.bids.models import Bid
    from presales.bids.selectors import page_bids
    from presales.opportunities.selectors import panel_rows

    bids = panel_rows(opportunity, user, page_bids, Bid,
                      only=("number", "project_name", "deadline", "status", "result"),
                      order_by=("deadline", "pk"))
    now = timezone.now()
    from presales.bids import deadline as clock

    for bid in bids:
        bid.countdown = clock.countdown(bid.deadline, now)
    return {
        "opportunity": opportunity, "bids": bids,
        "can_create": not opportunity.is_closed and permissions.can_create_bid(user, opportunity),
    }

"""The POC's gate on the opportunity's SOP (registered from PocConfig.ready()).

Rule: an opportunity may not move *into* bid or negotiation (whatever stage it comes from, so
that a skip cannot jump over it) while one of its POCs is unsettled. A POC is settled when it
passed (verdict passed or excellent), or when it failed or was abandoned *and* its post-mortem
is written. An opportunity without any POC is not affected (not every sale needs one). Backward
moves and closing the opportunity (lost, abandoned) pass no POC gate.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .choices import POST_MORTEM_STATUSES, Status


def unsettled_pocs(opportunity) -> list[str]:
    from presales.opportunities.selectors import is_page

    from .models import Poc

    if is_page(opportunity):  # the opportunity's page: the rows its POC panel prints (one query for both)
        from .selectors import page_pocs

        rows = sorted(
            (p.number, p.status) for p in page_pocs(opportunity)
            if p.status != Status.PASSED and not (p.status in POST_MORTEM_STATUSES and p.post_mortem_written)
        )
    else:
        rows = (
            Poc.objects.filter(opportunity_id=opportunity.pk)
            .exclude(status=Status.PASSED)
            .exclude(status__in=POST_MORTEM_STATUSES, post_mortem__isnull=False)
            .order_by("number")
            .values_list("number", "status")
        )
    reasons = []
    for number, status in rows:
        if status in POST_MORTEM_STATUSES:
            reasons.append(_("POC %(number)s is %(status)s without a post-mortem: write the post-mortem first.")
                           % {"number": number, "status": Status(status).label})
        else:
            reasons.append(_("POC %(number)s is still %(status)s: it must pass, or end with a post-mortem, "
                             "before bid or negotiation.") % {"number": number, "status": Status(status).label})
    return reasons


def register() -> None:
    try:
        from presales.opportunities.workflow import opportunity_flow
    except ImportError:  # the opportunities module without its workflow: nothing to gate
        return
    from presales.opportunities.choices import Stage

    for stage in (Stage.BID, Stage.NEGOTIATION):
        opportunity_flow.add_guard(stage, unsettled_pocs)

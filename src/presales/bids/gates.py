"""The bid module's gates on the opportunity's SOP (registered from BidsConfig.ready()).

- Into NEGOTIATION: refused while one of the opportunity's bids is still being prepared (neither
  submitted nor withdrawn, and not ended by a cancelled tender): negotiate after the bid is in.
- Into WON: refused while a submitted bid has no result recorded. The result need not be "won"
  (a lost first round may be followed by a negotiated award), but it must be recorded, so the
  bid win rate of the appraisal counts every bid. An opportunity without bids is not affected.
Backward moves and closing the opportunity as lost or abandoned pass no bid gate.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .choices import Status


def bids_in_preparation(opportunity) -> list[str]:
    from presales.opportunities.selectors import is_page

    from .models import Bid

    if is_page(opportunity):  # the opportunity's page: the rows its bid panel prints, one query for all
        from .selectors import page_bids

        rows = sorted((b.number, b.project_name) for b in page_bids(opportunity)
                      if b.status == Status.PREPARING and b.result == "")
    else:
        rows = (Bid.objects.filter(opportunity_id=opportunity.pk, status=Status.PREPARING, result="")
                .order_by("number").values_list("number", "project_name"))
    return [_("Bid %(number)s (%(name)s) is still being prepared: submit or withdraw it first.")
            % {"number": number, "name": name} for number, name in rows]


def bids_without_result(opportunity) -> list[str]:
    from presales.opportunities.selectors import is_page

    from .models import Bid

    if is_page(opportunity):  # the opportunity's page: the rows its bid panel prints
        from .selectors import page_bids

        rows = sorted(b.number for b in page_bids(opportunity)
                      if b.status == Status.SUBMITTED and b.result == "")
    else:
        rows = (Bid.objects.filter(opportunity_id=opportunity.pk, status=Status.SUBMITTED, result="")
                .order_by("number").values_list("number", flat=True))
    return [_("Bid %(number)s was submitted but its result is not recorded.") % {"number": number}
            for number in rows]


def register() -> None:
    try:
        from presales.opportunities.workflow import opportunity_flow
    except ImportError:  # pragma: no cover - the opportunities module without its workflow
        return
    from presales.opportunities.choices import Stage

    opportunity_flow.add_guard(Stage.NEGOTIATION, bids_in_preparation)
    opportunity_flow.add_guard(Stage.WON, bids_without_result)

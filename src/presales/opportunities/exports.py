"""The retrospective (复盘) as a DOCX, filed in the document archive from the opportunity page."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from presales.core.docx import label_value_table, new_document, to_bytes

from .models import Retrospective


def retrospective_docx(retrospective: Retrospective) -> bytes:
    opportunity = retrospective.opportunity
    document = new_document()
    document.add_heading(_("Retrospective · %(opportunity)s") % {"opportunity": opportunity}, level=1)
    label_value_table(
        document,
        [
            (_("Customer"), opportunity.customer.name),
            (_("Opportunity"), str(opportunity)),
            (capfirst(Retrospective._meta.get_field("outcome").verbose_name), retrospective.get_outcome_display()),
            (_("Held on"), retrospective.held_on.strftime("%Y-%m-%d")),
            (_("Participants"), retrospective.participants),
            (_("Winning competitor"), retrospective.competitor_won),
        ],
    )
    for title, text in (
        (_("Summary"), retrospective.summary),
        (_("What went well"), retrospective.went_well),
        (_("What went wrong"), retrospective.went_wrong),
        (_("Decisive factors"), retrospective.decisive_factors),
        (_("Lessons for next time"), retrospective.lessons),
    ):
        if text:
            document.add_heading(title, level=2)
            document.add_paragraph(text)
    return to_bytes(document)

"""The kinds of notification: which event each belongs to (for preferences and filters) and
whether it asks the reader to do something ("去处理") or only informs ("查看")."""

from __future__ import annotations

from dataclasses import dataclass

from .choices import Event


@dataclass(frozen=True)
class Kind:
    event: str
    actionable: bool  # something waits for the recipient


KINDS: dict[str, Kind] = {
    "support.response_overdue": Kind(Event.SLA, True),
    "support.overdue": Kind(Event.SLA, True),
    "poc.incident": Kind(Event.POC, True),
    "poc.incident_overdue": Kind(Event.POC, True),
    "bids.deadline": Kind(Event.BID, True),
    "bids.milestone": Kind(Event.BID, True),
    "documents.review": Kind(Event.APPROVAL, True),
    "documents.access_request": Kind(Event.APPROVAL, True),
    "solutions.review_requested": Kind(Event.APPROVAL, True),
    "solutions.departments": Kind(Event.APPROVAL, True),
    "appraisal.step": Kind(Event.APPRAISAL, True),
    "appraisal.reminder": Kind(Event.APPRAISAL, True),
    "comments.mention": Kind(Event.MENTION, True),
    "talent.report_missing": Kind(Event.INFO, True),
    "documents.decision": Kind(Event.INFO, False),
    "documents.archived": Kind(Event.INFO, False),
    "documents.access_decision": Kind(Event.INFO, False),
    "solutions.decision": Kind(Event.INFO, False),
    "solutions.department": Kind(Event.INFO, False),
    "solutions.passed": Kind(Event.INFO, False),
    "demos.reminder": Kind(Event.INFO, False),
    "talent.report_rated": Kind(Event.INFO, False),
    "talent.certification_expiring": Kind(Event.INFO, False),
    "talent.mentoring": Kind(Event.INFO, False),
    "talent.promotion": Kind(Event.INFO, False),
    "talent.award_announced": Kind(Event.INFO, False),
}
UNKNOWN = Kind(Event.INFO, False)


def kind_of(code: str) -> Kind:
    return KINDS.get(code, UNKNOWN)

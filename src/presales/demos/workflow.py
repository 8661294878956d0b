"""The demo's status as a state machine (built on core.workflow, like the POC's).

    planned ──prepare──▶ prepared ──deliver──▶ delivered ──summarise──▶ summarised
       ▲                    │
       └──────reopen────────┘
    planned / prepared ──cancel──▶ cancelled

Guards (each returns the reasons it refuses, shown to the user as they are):

- prepared: the preparation checklist is complete — presenters named, every required material
  ready, the demo deck uploaded as a registered document, the demo environment checked, the
  rehearsal done; the refusal names every open item;
- delivered: the delivery is recorded — actual date and time (not in the future), duration,
  attendees of both sides;
- summarised: every section of the summary report is written.

Reopening the preparation and cancelling pass no gate but need a reason. summarised and cancelled
are final.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from presales.core.workflow import Transition, Workflow

from . import permissions
from .choices import Side, Status

PREPARE, DELIVER, SUMMARISE, REOPEN, CANCEL = "prepare", "deliver", "summarise", "reopen", "cancel"
REASON_REQUIRED = {REOPEN, CANCEL}


def _work(user, demo) -> bool:
    return permissions.can_work_on(user, demo)


def _steer(user, demo) -> bool:
    return permissions.can_steer(user, demo)


def _transitions() -> list[Transition]:
    return [
        Transition(Status.PLANNED, Status.PREPARED, action=PREPARE, allowed=_work),
        Transition(Status.PREPARED, Status.DELIVERED, action=DELIVER, allowed=_work),
        Transition(Status.DELIVERED, Status.SUMMARISED, action=SUMMARISE, allowed=_work),
        Transition(Status.PREPARED, Status.PLANNED, action=REOPEN, allowed=_steer, gated=False),
        Transition(Status.PLANNED, Status.CANCELLED, action=CANCEL, allowed=_steer, gated=False),
        Transition(Status.PREPARED, Status.CANCELLED, action=CANCEL, allowed=_steer, gated=False),
    ]


demo_flow = Workflow(name="demo", transitions=_transitions())


def preparation_missing(demo) -> list[str]:
    """The open items of the preparation checklist, named (empty when the demo may be prepared)."""
    reasons = []
    if not demo.presenters.exists():
        reasons.append(_("No presenter is named."))
    for material in demo.materials.all():
        if material.required and not material.ready:
            reasons.append(_("Material “%(name)s” is not ready.") % {"name": material.label})
    if demo.deck_document_id is None:
        reasons.append(_("The demo deck is not uploaded."))
    if not (demo.environment_url.strip() or demo.environment_notes.strip()):
        reasons.append(_("The demo environment is not described (URL or notes)."))
    if not demo.environment_checked:
        reasons.append(_("The demo environment has not been checked."))
    if not demo.rehearsal_done:
        reasons.append(_("The rehearsal is not done."))
    elif demo.rehearsal_on is None:
        reasons.append(_("The rehearsal date is missing."))
    return reasons


def delivery_missing(demo) -> list[str]:
    reasons = []
    if demo.delivered_at is None:
        reasons.append(_("The actual date and time of the demo are missing."))
    elif demo.delivered_at > timezone.now() + timedelta(minutes=10):
        reasons.append(_("The demo's actual time is in the future: record it once it has happened."))
    if not demo.duration_minutes:
        reasons.append(_("The duration is missing."))
    sides = set(demo.attendees.values_list("side", flat=True))
    if Side.OURS not in sides:
        reasons.append(_("No attendee of our side is recorded."))
    if Side.CUSTOMER not in sides:
        reasons.append(_("No attendee of the customer's side is recorded."))
    return reasons


def summary_missing(demo) -> list[str]:
    return [
        _("The summary report's “%(section)s” is not written.") % {"section": s}
        for s in demo.summary_missing()
    ]


demo_flow.add_guard(Status.PREPARED, preparation_missing)
demo_flow.add_guard(Status.DELIVERED, delivery_missing)
demo_flow.add_guard(Status.SUMMARISED, summary_missing)

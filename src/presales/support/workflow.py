"""The support request's lifecycle as a state machine (built on core.workflow).

    new ──assign──▶ assigned ──respond──▶ in_progress ──complete──▶ done
     │                │  ▲ reassign            │  ▲ reassign
     └──────cancel────┴──┴─────────cancel──────┴──┴──▶ cancelled

- assign (new → assigned) and reassign (assigned → assigned, in_progress → in_progress): a manager
  or the lead of the request's team; reassigning keeps the status: a request already answered
  keeps its first response, the clock it stopped is not restarted;
- respond (assigned → in_progress): the assignee's first response stops the response clock; later
  answers while in progress are progress notes, not transitions (see `support_request_respond`);
- complete (in_progress → done): the assignee or a manager, with the outcome;
- cancel (new / assigned / in_progress → cancelled): the requester or a manager, with a reason.

done and cancelled are final. `action` names are the verbs of the services and of the API actions.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from presales.core.workflow import Transition, Workflow

from . import permissions
from .choices import OPEN_REQUEST_STATUSES, RequestStatus

ASSIGN = "assign"
REASSIGN = "reassign"
RESPOND = "respond"
COMPLETE = "complete"
CANCEL = "cancel"


def has_first_response(support_request) -> str | None:
    if support_request.first_response_at is None:
        return _("The assigned engineer has not responded yet.")
    return None


def has_assignee(support_request) -> str | None:
    if support_request.assignee_id is None:
        return _("Nobody is assigned to this request.")
    return None


def _transitions() -> list[Transition]:
    s = RequestStatus
    table = [
        Transition(s.NEW, s.ASSIGNED, action=ASSIGN, allowed=permissions.can_assign),
        Transition(
            s.ASSIGNED, s.ASSIGNED, action=REASSIGN, allowed=permissions.can_assign, guards=[has_assignee]
        ),
        Transition(
            s.IN_PROGRESS,
            s.IN_PROGRESS,
            action=REASSIGN,
            allowed=permissions.can_assign,
            guards=[has_assignee],
        ),
        Transition(
            s.ASSIGNED, s.IN_PROGRESS, action=RESPOND, allowed=permissions.can_respond, guards=[has_assignee]
        ),
        Transition(
            s.IN_PROGRESS,
            s.DONE,
            action=COMPLETE,
            allowed=permissions.can_complete,
            guards=[has_first_response],
        ),
    ]
    for source in OPEN_REQUEST_STATUSES:
        table.append(
            Transition(source, s.CANCELLED, action=CANCEL, allowed=permissions.can_cancel, gated=False)
        )
    return table


support_flow = Workflow(name="support_request", transitions=_transitions())

ACTION_LABELS = {
    ASSIGN: gettext_lazy("Assign"),
    REASSIGN: gettext_lazy("Reassign"),
    RESPOND: gettext_lazy("Respond"),
    COMPLETE: gettext_lazy("Complete"),
    CANCEL: gettext_lazy("Cancel request"),
}


def transition_for(status: str, action: str) -> Transition | None:
    """The transition `action` makes from `status`; `assign` on an assigned request is a reassignment."""
    candidates = (REASSIGN, ASSIGN) if action in (ASSIGN, REASSIGN) else (action,)
    for t in support_flow.targets_from(status):
        if t.action in candidates:
            return t
    return None


def statuses_allowing(action: str) -> list[str]:
    candidates = (REASSIGN, ASSIGN) if action in (ASSIGN, REASSIGN) else (action,)
    return [
        s for s in RequestStatus.values if any(t.action in candidates for t in support_flow.targets_from(s))
    ]


def available_actions(user, support_request) -> list[str]:
    """The actions the user may take on the request in its current status (for showing forms).
    `respond` is also available in progress (a progress note)."""
    actions = []
    status = support_request.status
    for action in (ASSIGN, RESPOND, COMPLETE, CANCEL):
        t = transition_for(status, action)
        if action == RESPOND and status == RequestStatus.IN_PROGRESS:
            if permissions.can_respond(user, support_request):
                actions.append(action)
            continue
        if (
            t is not None
            and t.allowed(user, support_request)
            and not support_flow.unmet_conditions(support_request, t)
        ):
            actions.append(action)
    return actions

"""Every write to support requests. Each step of the lifecycle is one call: atomic, the row locked
(`select_for_update`), the permission, the edited version and the workflow checked, the fields and
timestamps saved with `update_fields`, and a SupportRequestEvent written (who, from, to, note) in
the same transaction. A refusal raises a DomainError (field errors), PermissionDenied,
StaleObjectError or TransitionRefused (with every reason) and changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales.accounts.choices import PRESALES_ROLES
from presales.core.concurrency import apply_changes, check_version, save_fields
from presales.core.errors import DomainError, PermissionDenied, TransitionRefused
from presales.core.numbering import sequence_next
from presales.core.services import require_text, validate_or_raise

from . import permissions
from .choices import EventAction, Priority, RequestStatus
from .models import SupportRequest, SupportRequestEvent
from .workflow import (
    ACTION_LABELS,
    ASSIGN,
    CANCEL,
    COMPLETE,
    RESPOND,
    statuses_allowing,
    support_flow,
    transition_for,
)

NUMBER_FORMAT = "ZC-%(year)d-%(n)05d"


def response_due(*, submitted_at: datetime, priority: str) -> datetime:
    """Submitted + the first-response SLA hours of the priority (calendar hours)."""
    hours = settings.PRESALES_SUPPORT_RESPONSE_HOURS[priority]
    return submitted_at + timedelta(hours=hours)


def next_number(*, at: datetime) -> str:
    """ZC-YYYY-NNNNN, sequential per year of the company's time zone (Asia/Shanghai by default)."""
    year = timezone.localtime(at, ZoneInfo(settings.TIME_ZONE)).year
    return NUMBER_FORMAT % {"year": year, "n": sequence_next(key=f"ZC-{year}")}


def _merge_errors(errors: dict[str, list[str]], exc: DomainError) -> None:
    for field, messages in (exc.errors or {"__all__": [exc.message]}).items():
        errors.setdefault(field, []).extend(messages)


@transaction.atomic
def support_request_submit(
    *,
    actor,
    customer,
    title: str,
    request_type: str,
    description: str,
    wanted_by: datetime | None,
    priority: str = Priority.NORMAL,
    opportunity=None,
) -> SupportRequest:
    """Sales asks presales for help. The request goes to the customer's presales team; the
    response clock starts now."""
    from presales.customers.models import Customer
    from presales.opportunities.models import Opportunity

    if not permissions.can_submit(actor):
        raise PermissionDenied(_("You may not ask for presales support."))
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if customer is None:
        errors["customer"] = [_("Choose the customer.")]
    elif not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        errors["customer"] = [_("This customer does not exist or is not visible to you.")]
    if opportunity is not None and customer is not None:
        if opportunity.customer_id != customer.pk:
            errors["opportunity"] = [_("This opportunity belongs to another customer.")]
        elif not Opportunity.objects.visible_to(actor).filter(pk=opportunity.pk).exists():
            errors["opportunity"] = [_("This opportunity does not exist or is not visible to you.")]
        elif opportunity.is_closed:
            errors["opportunity"] = [_("This opportunity is closed.")]
    if wanted_by is None:
        errors["wanted_by"] = [_("Say by when the support is wanted.")]
    elif wanted_by <= now:
        errors["wanted_by"] = [_("The wanted-by time must be in the future.")]
    if priority not in settings.PRESALES_SUPPORT_RESPONSE_HOURS:
        errors["priority"] = [_("Choose a valid priority.")]
    support_request = SupportRequest(
        title=(title or "").strip(),
        request_type=request_type,
        priority=priority,
        description=(description or "").strip(),
        customer=customer,
        opportunity=opportunity,
        requester=actor,
        team_id=customer.team_id if customer is not None else None,
        wanted_by=wanted_by,
        status=RequestStatus.NEW,
        submitted_at=now,
        created_by=actor,
        response_due_at=response_due(submitted_at=now, priority=priority)
        if "priority" not in errors
        else now,
    )
    try:
        # Fields already refused are left out (no second message); so is the team without a customer.
        validate_or_raise(
            support_request, exclude=["number", *errors, *(["team"] if "customer" in errors else [])]
        )
    except DomainError as exc:
        _merge_errors(errors, exc)
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, code="invalid", errors=errors)
    support_request.number = next_number(at=now)
    support_request.save()
    SupportRequestEvent.objects.create(
        request=support_request,
        action=EventAction.SUBMITTED,
        from_status="",
        to_status=RequestStatus.NEW,
        actor=actor,
        at=now,
    )
    return support_request


# --- the lifecycle ------------------------------------------------------------------------------

PERMISSION_MESSAGES = {
    ASSIGN: lambda: _("Only a manager or the lead of the request's team may assign it."),
    RESPOND: lambda: _("Only the assigned engineer may respond to this request."),
    COMPLETE: lambda: _("Only the assigned engineer or a manager may complete this request."),
    CANCEL: lambda: _("Only the requester or a manager may cancel this request."),
}


def _lock(support_request: SupportRequest) -> SupportRequest:
    return SupportRequest.objects.select_for_update().get(pk=support_request.pk)


def _begin(*, actor, support_request: SupportRequest, action: str, expected_version: int | None):
    """Lock the row, then check in this order: permission (403), version (412), the status and the
    guards (409 with reasons). Returns the locked row and the transition (None for a progress note)."""
    locked = _lock(support_request)
    check_allowed = {
        ASSIGN: permissions.can_assign,
        RESPOND: permissions.can_respond,
        COMPLETE: permissions.can_complete,
        CANCEL: permissions.can_cancel,
    }[action]
    if not check_allowed(actor, locked):
        raise PermissionDenied(PERMISSION_MESSAGES[action]())
    check_version(locked, expected_version)
    if action == RESPOND and locked.status == RequestStatus.IN_PROGRESS:
        return locked, None  # a progress note: no transition
    transition = transition_for(locked.status, action)
    if transition is None:
        allowed = [str(RequestStatus(s).label) for s in statuses_allowing(action)]
        if action == RESPOND:
            allowed.append(str(RequestStatus.IN_PROGRESS.label))
        raise TransitionRefused(
            _("“%(action)s” is not possible: the request is %(status)s.")
            % {"action": ACTION_LABELS[action], "status": locked.get_status_display()},
            reasons=[_("Possible while the request is: %(statuses)s.") % {"statuses": "、".join(allowed)}],
        )
    reasons = support_flow.unmet_conditions(locked, transition)
    if reasons:
        raise TransitionRefused(
            _("“%(action)s” is not possible yet.") % {"action": ACTION_LABELS[action]}, reasons=reasons
        )
    return locked, transition


def _record(
    *,
    locked: SupportRequest,
    actor,
    action: str,
    from_status: str,
    at: datetime,
    note: str = "",
    assignee=None,
) -> SupportRequestEvent:
    return SupportRequestEvent.objects.create(
        request=locked,
        action=action,
        from_status=from_status,
        to_status=locked.status,
        actor=actor,
        at=at,
        note=note,
        assignee=assignee,
    )


@transaction.atomic
def support_request_assign(
    *, actor, support_request: SupportRequest, assignee, note: str = "", expected_version: int | None = None
) -> SupportRequest:
    """Assign a new request to a presales engineer, or hand an assigned / in-progress one to
    another engineer (the status and the first response stay)."""
    locked, transition = _begin(
        actor=actor, support_request=support_request, action=ASSIGN, expected_version=expected_version
    )
    if assignee is None:
        raise DomainError(_("Choose the engineer."), code="required", field="assignee")
    if not assignee.is_active or not assignee.has_role(*PRESALES_ROLES):
        raise DomainError(
            _("%(name)s holds no presales role and cannot take a support request.") % {"name": assignee},
            code="invalid_assignee",
            field="assignee",
        )
    if assignee.pk == locked.assignee_id:
        raise DomainError(
            _("%(name)s is already assigned to this request.") % {"name": assignee},
            code="unchanged",
            field="assignee",
        )
    now = timezone.now()
    from_status = locked.status
    changed = apply_changes(locked, {"assignee": assignee, "assigned_at": now, "status": transition.target})
    save_fields(locked, changed)
    action = EventAction.ASSIGNED if from_status == RequestStatus.NEW else EventAction.REASSIGNED
    _record(
        locked=locked,
        actor=actor,
        action=action,
        from_status=from_status,
        at=now,
        note=(note or "").strip(),
        assignee=assignee,
    )
    return locked


@transaction.atomic
def support_request_respond(
    *, actor, support_request: SupportRequest, note: str, expected_version: int | None = None
) -> SupportRequest:
    """The assignee answers. The first answer stops the response clock (assigned → in progress);
    later answers are progress notes on the timeline."""
    note = require_text(note, field="note", message=_("Write your response."))
    locked, transition = _begin(
        actor=actor, support_request=support_request, action=RESPOND, expected_version=expected_version
    )
    now = timezone.now()
    from_status = locked.status
    if transition is None:
        _record(
            locked=locked, actor=actor, action=EventAction.NOTE, from_status=from_status, at=now, note=note
        )
        return locked
    save_fields(locked, apply_changes(locked, {"status": transition.target, "first_response_at": now}))
    _record(
        locked=locked, actor=actor, action=EventAction.RESPONDED, from_status=from_status, at=now, note=note
    )
    return locked


@transaction.atomic
def support_request_complete(
    *, actor, support_request: SupportRequest, outcome: str, expected_version: int | None = None
) -> SupportRequest:
    """The work is delivered: the outcome is recorded and the due clock stops."""
    outcome = require_text(outcome, field="outcome", message=_("Describe what was delivered."))
    locked, transition = _begin(
        actor=actor, support_request=support_request, action=COMPLETE, expected_version=expected_version
    )
    now = timezone.now()
    from_status = locked.status
    save_fields(
        locked, apply_changes(locked, {"status": transition.target, "done_at": now, "outcome": outcome})
    )
    _record(
        locked=locked, actor=actor, action=EventAction.DONE, from_status=from_status, at=now, note=outcome
    )
    return locked


@transaction.atomic
def support_request_cancel(
    *, actor, support_request: SupportRequest, reason: str, expected_version: int | None = None
) -> SupportRequest:
    """Withdraw the request; the reason is kept on the timeline."""
    reason = require_text(reason, field="reason", message=_("Say why the request is cancelled."))
    locked, transition = _begin(
        actor=actor, support_request=support_request, action=CANCEL, expected_version=expected_version
    )
    now = timezone.now()
    from_status = locked.status
    save_fields(locked, apply_changes(locked, {"status": transition.target}))
    _record(
        locked=locked, actor=actor, action=EventAction.CANCELLED, from_status=from_status, at=now, note=reason
    )
    return locked

"""Every write to customers and their records. Keyword-only, atomic, rows locked, rules checked
with translated DomainErrors, history kept by django-simple-history."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales.accounts.choices import PRESALES_ROLES, RoleCode
from presales.core.concurrency import apply_changes, check_version, save_changes, save_fields
from presales.core.errors import DomainError, PermissionDenied, TransitionRefused
from presales.core.services import FieldErrors, require_text, validate_or_raise

from . import permissions
from .choices import ComplaintStatus, FeedbackStatus, IssueStatus, OwnerKind
from .models import (
    CommunicationLog,
    Complaint,
    Contact,
    Customer,
    FeedbackItem,
    OwnershipChange,
    SatisfactionSurvey,
    TechnicalIssue,
)

CUSTOMER_EDITABLE_FIELDS = (
    "name", "short_name", "industry", "region", "size", "status", "profile", "website", "address", "confidential",
)


def _check_owner_roles(*, presales_owner, sales_owner) -> None:
    errors: dict[str, list[str]] = {}
    if presales_owner is not None and not presales_owner.has_role(*PRESALES_ROLES):
        errors["presales_owner"] = [_("The presales owner must hold a presales role.")]
    if sales_owner is not None and not sales_owner.has_role(RoleCode.SALES):
        errors["sales_owner"] = [_("The sales owner must hold the sales role.")]
    if presales_owner is not None and presales_owner == sales_owner:
        errors["sales_owner"] = [_("The presales owner and the sales owner must be two different people.")]
    if errors:
        field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], code="invalid_owner", errors=errors)


@transaction.atomic
def customer_create(*, actor, name: str, industry: str, region: str, presales_owner, sales_owner,
                    team=None, short_name: str = "", size: str = "", status: str = "prospect",
                    profile: str = "", website: str = "", address: str = "", confidential: bool = False,
                    assistants=()) -> Customer:
    if not permissions.can_create_customer(actor):
        raise PermissionDenied(_("You may not create customers."))
    _check_owner_roles(presales_owner=presales_owner, sales_owner=sales_owner)
    team = team or presales_owner.team
    if team is None:
        raise DomainError(
            _("The presales owner belongs to no team; choose the presales team."), code="no_team", field="team"
        )
    customer = Customer(
        name=(name or "").strip(), short_name=short_name, industry=industry, region=region, size=size,
        status=status, profile=profile, website=website, address=address, confidential=confidential,
        presales_owner=presales_owner, sales_owner=sales_owner, team=team, created_by=actor,
    )
    validate_or_raise(customer)
    customer.save()
    if assistants:
        customer.assistants.set([u for u in assistants if u.pk not in (presales_owner.pk, sales_owner.pk)])
    OwnershipChange.objects.bulk_create([
        OwnershipChange(customer=customer, kind=OwnerKind.PRESALES, from_user=None, to_user=presales_owner,
                        reason=_("Customer created"), actor=actor),
        OwnershipChange(customer=customer, kind=OwnerKind.SALES, from_user=None, to_user=sales_owner,
                        reason=_("Customer created"), actor=actor),
    ])
    return customer


@transaction.atomic
def customer_update(*, actor, customer: Customer, expected_version: int | None, assistants=None,
                    **changes) -> Customer:
    """Edit the descriptive fields. Owners change only through `customer_reassign`."""
    unknown = set(changes) - set(CUSTOMER_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
                          code="not_editable")
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if not permissions.can_edit_customer(actor, locked):
        raise PermissionDenied(_("You may not edit this customer."))
    check_version(locked, expected_version)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    changed = apply_changes(locked, changes)
    validate_or_raise(locked)
    save_fields(locked, changed)
    if assistants is not None:
        locked.assistants.set([u for u in assistants if u.pk not in (locked.presales_owner_id, locked.sales_owner_id)])
    return locked


@transaction.atomic
def customer_reassign(*, actor, customer: Customer, kind: str, to_user, reason: str,
                      expected_version: int | None = None) -> OwnershipChange:
    """Hand the customer's presales (or sales) interface to another person; the reason is kept."""
    reason = require_text(reason, field="reason", message=_("Say why the owner changes."))
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if not permissions.can_reassign_customer(actor, locked):
        raise PermissionDenied(_("Only a manager or the team lead may reassign a customer."))
    check_version(locked, expected_version)
    if kind == OwnerKind.PRESALES:
        field, current = "presales_owner", locked.presales_owner
        _check_owner_roles(presales_owner=to_user, sales_owner=locked.sales_owner)
    elif kind == OwnerKind.SALES:
        field, current = "sales_owner", locked.sales_owner
        _check_owner_roles(presales_owner=locked.presales_owner, sales_owner=to_user)
    else:
        raise DomainError(_("Unknown owner kind."), code="invalid", field="kind")
    if current == to_user:
        raise DomainError(_("%(name)s already owns this customer.") % {"name": to_user}, code="unchanged", field="to_user")
    save_changes(locked, {field: to_user})
    locked.assistants.remove(to_user)
    return OwnershipChange.objects.create(
        customer=locked, kind=kind, from_user=current, to_user=to_user, reason=reason, actor=actor
    )


def _check_contribute(actor, customer) -> None:
    if not permissions.can_contribute(actor, customer):
        raise PermissionDenied(_("You may not add records to this customer."))


@transaction.atomic
def contact_create(*, actor, customer: Customer, name: str, role: str, title: str = "", department: str = "",
                   phone: str = "", email: str = "", wechat: str = "", notes: str = "") -> Contact:
    _check_contribute(actor, customer)
    contact = Contact(customer=customer, name=(name or "").strip(), role=role, title=title, department=department,
                      phone=phone, email=email, wechat=wechat, notes=notes, created_by=actor)
    validate_or_raise(contact)
    if not (phone or email or wechat):
        raise DomainError(_("Give at least one way to reach the contact: phone, e-mail or WeChat."),
                          code="no_channel", field="phone")
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, actor, contact: Contact, expected_version: int | None, **changes) -> Contact:
    locked = Contact.objects.select_for_update().select_related("customer").get(pk=contact.pk)
    _check_contribute(actor, locked.customer)
    check_version(locked, expected_version)
    changed = apply_changes(locked, changes)
    validate_or_raise(locked)
    if not (locked.phone or locked.email or locked.wechat):
        raise DomainError(_("Give at least one way to reach the contact: phone, e-mail or WeChat."),
                          code="no_channel", field="phone")
    save_fields(locked, changed)
    return locked


# --- the customer's records ----------------------------------------------------------------------
# Communication log, technical issues, complaints, satisfaction surveys, feedback items. Every one
# hangs off a customer and is visible exactly when the customer is. The customer never changes
# after creation; an opportunity named on a record must be one of the same customer's (and one the
# actor may see, unless it is the one already there). State changes (resolve, reopen, handle,
# set status) lock the row, check the version the user saw, and keep the why as the history
# row's change reason.

COMMUNICATION_EDITABLE_FIELDS = (
    "occurred_at",
    "channel",
    "participants",
    "subject",
    "content",
    "result",
    "next_step",
    "next_contact_on",
    "is_follow_up",
    "opportunity",
)
ISSUE_EDITABLE_FIELDS = ("title", "description", "severity", "raised_on", "due_on", "owner", "opportunity")
COMPLAINT_EDITABLE_FIELDS = ("received_on", "severity", "description", "against", "opportunity")
SURVEY_EDITABLE_FIELDS = ("engineer", "surveyed_on", "respondent", "score", "nps", "comments", "opportunity")
FEEDBACK_EDITABLE_FIELDS = ("source", "raised_on", "content", "owner", "due_on", "opportunity")

# A little slack for clocks and for "I am writing this down right after the call".
FUTURE_TOLERANCE = timedelta(minutes=10)


_Rules = FieldErrors  # the collector every service here uses (core.services)


def _check_editable(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="not_editable",
        )


def _check_opportunity(
    rules: _Rules, *, actor, customer_id: int, opportunity, current_id: int | None = None
) -> None:
    """The opportunity must be one of this customer's, and one the actor may see (an opportunity
    that is already on the record may stay, even if the actor cannot see it)."""
    from presales.opportunities.models import Opportunity

    if opportunity is None:
        return
    message = _("Choose one of this customer's opportunities.")
    if opportunity.customer_id != customer_id:
        rules.add("opportunity", "opportunity_of_other_customer", message)
    elif (
        opportunity.pk != current_id
        and not Opportunity.objects.visible_to(actor).filter(pk=opportunity.pk).exists()
    ):
        rules.add("opportunity", "opportunity_not_visible", message)


def _check_not_future(rules: _Rules, value, *, field: str) -> None:
    if value is None:
        return
    if isinstance(value, datetime):
        if value > timezone.now() + FUTURE_TOLERANCE:
            rules.add(field, "in_future", _("This time is in the future: record what has happened."))
    elif value > timezone.localdate():
        rules.add(field, "in_future", _("This date is in the future: record what has happened."))


def _check_person(rules: _Rules, user, *, field: str, roles=None, message: str) -> None:
    """An owner, engineer... must be an active colleague holding a role (one of `roles` if given)."""
    if user is None:
        return
    if not user.is_active or not (user.has_role(*roles) if roles else user.role_codes):
        rules.add(field, "invalid_person", message)


def _lock_record(model, record):
    return model.objects.select_for_update(of=("self",)).select_related("customer").get(pk=record.pk)


def _save(obj, changed: list[str], *, actor, reason: str = "") -> None:
    """save_fields, with the history row naming the actor and the reason of a state change."""
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    save_fields(obj, changed)


def _create(obj, *, actor) -> None:
    obj._history_user = actor
    obj.save()


def _state_refused(message: str):
    return TransitionRefused(message, reasons=[], code="invalid_state")


# Communication log ------------------------------------------------------------------------------


def _communication_rules(log: CommunicationLog, *, actor, current_opportunity_id=None) -> None:
    rules = _Rules()
    _check_not_future(rules, log.occurred_at, field="occurred_at")
    if log.next_contact_on is not None and log.occurred_at is not None:
        if log.next_contact_on < timezone.localtime(log.occurred_at).date():
            rules.add(
                "next_contact_on",
                "next_contact_before",
                _("The next contact cannot be before this communication."),
            )
    if log.is_follow_up and log.opportunity_id is None:
        rules.add(
            "opportunity",
            "follow_up_needs_opportunity",
            _("A follow-up visit belongs to a project: choose the opportunity."),
        )
    _check_opportunity(
        rules,
        actor=actor,
        customer_id=log.customer_id,
        opportunity=log.opportunity,
        current_id=current_opportunity_id,
    )
    rules.raise_with(log)


@transaction.atomic
def communication_create(
    *,
    actor,
    customer: Customer,
    occurred_at,
    channel: str,
    participants: str,
    subject: str,
    content: str,
    result: str = "",
    next_step: str = "",
    next_contact_on=None,
    is_follow_up: bool = False,
    opportunity=None,
) -> CommunicationLog:
    """Record one exchange with the customer (沟通记录); `is_follow_up` marks a follow-up visit."""
    _check_contribute(actor, customer)
    log = CommunicationLog(
        customer=customer,
        opportunity=opportunity,
        occurred_at=occurred_at,
        channel=channel,
        participants=(participants or "").strip(),
        subject=(subject or "").strip(),
        content=(content or "").strip(),
        result=result or "",
        next_step=next_step or "",
        next_contact_on=next_contact_on,
        is_follow_up=bool(is_follow_up),
        created_by=actor,
    )
    _communication_rules(log, actor=actor)
    _create(log, actor=actor)
    return log


@transaction.atomic
def communication_update(
    *, actor, communication: CommunicationLog, expected_version: int | None, **changes
) -> CommunicationLog:
    _check_editable(changes, COMMUNICATION_EDITABLE_FIELDS)
    locked = _lock_record(CommunicationLog, communication)
    if not permissions.can_edit_communication(actor, locked):
        raise PermissionDenied(
            _("Only the author, the customer's owners, the team lead or a manager may edit this record.")
        )
    check_version(locked, expected_version)
    current_opportunity_id = locked.opportunity_id
    changed = apply_changes(locked, changes)
    _communication_rules(locked, actor=actor, current_opportunity_id=current_opportunity_id)
    _save(locked, changed, actor=actor)
    return locked


# Technical issues -------------------------------------------------------------------------------


def _issue_rules(issue: TechnicalIssue, *, actor, current_opportunity_id=None, current_owner_id=None) -> None:
    rules = _Rules()
    _check_not_future(rules, issue.raised_on, field="raised_on")
    if issue.owner_id is not None and issue.owner_id != current_owner_id:
        _check_person(
            rules, issue.owner, field="owner", message=_("The owner must be an active colleague with a role.")
        )
    _check_opportunity(
        rules,
        actor=actor,
        customer_id=issue.customer_id,
        opportunity=issue.opportunity,
        current_id=current_opportunity_id,
    )
    rules.raise_with(issue)


@transaction.atomic
def technical_issue_create(
    *,
    actor,
    customer: Customer,
    title: str,
    raised_on,
    due_on,
    owner,
    severity: str = "medium",
    description: str = "",
    opportunity=None,
) -> TechnicalIssue:
    """A technical problem the customer raised; open until resolved, due by `due_on`."""
    _check_contribute(actor, customer)
    issue = TechnicalIssue(
        customer=customer,
        opportunity=opportunity,
        title=(title or "").strip(),
        description=description or "",
        severity=severity,
        raised_on=raised_on,
        due_on=due_on,
        owner=owner,
        created_by=actor,
    )
    _issue_rules(issue, actor=actor)
    _create(issue, actor=actor)
    return issue


def _check_issue_permission(actor, issue) -> None:
    if not permissions.can_work_on_issue(actor, issue):
        raise PermissionDenied(_("You may not work on this technical issue."))


@transaction.atomic
def technical_issue_update(
    *, actor, issue: TechnicalIssue, expected_version: int | None, **changes
) -> TechnicalIssue:
    """Edit the description, dates, owner. Status changes go through resolve / reopen."""
    _check_editable(changes, ISSUE_EDITABLE_FIELDS)
    locked = _lock_record(TechnicalIssue, issue)
    _check_issue_permission(actor, locked)
    check_version(locked, expected_version)
    current_opportunity_id, current_owner_id = locked.opportunity_id, locked.owner_id
    changed = apply_changes(locked, changes)
    _issue_rules(
        locked, actor=actor, current_opportunity_id=current_opportunity_id, current_owner_id=current_owner_id
    )
    _save(locked, changed, actor=actor)
    return locked


@transaction.atomic
def technical_issue_resolve(
    *, actor, issue: TechnicalIssue, resolution: str, expected_version: int | None
) -> TechnicalIssue:
    """Open → resolved: how it was solved is required; the resolution time is now."""
    resolution = require_text(
        resolution, field="resolution", message=_("Describe how the issue was resolved.")
    )
    locked = _lock_record(TechnicalIssue, issue)
    _check_issue_permission(actor, locked)
    check_version(locked, expected_version)
    if locked.status != IssueStatus.OPEN:
        raise _state_refused(_("This issue is already resolved."))
    changed = apply_changes(
        locked, {"status": IssueStatus.RESOLVED, "resolved_at": timezone.now(), "resolution": resolution}
    )
    validate_or_raise(locked)
    _save(locked, changed, actor=actor, reason=resolution)
    return locked


@transaction.atomic
def technical_issue_reopen(
    *, actor, issue: TechnicalIssue, reason: str, expected_version: int | None
) -> TechnicalIssue:
    """Resolved → open (the fix did not hold): the reason is required and kept in the history,
    together with the previous resolution."""
    reason = require_text(reason, field="reason", message=_("Say why the issue is reopened."))
    locked = _lock_record(TechnicalIssue, issue)
    _check_issue_permission(actor, locked)
    check_version(locked, expected_version)
    if locked.status != IssueStatus.RESOLVED:
        raise _state_refused(_("This issue is open already."))
    changed = apply_changes(locked, {"status": IssueStatus.OPEN, "resolved_at": None, "resolution": ""})
    validate_or_raise(locked)
    _save(locked, changed, actor=actor, reason=reason)
    return locked


# Complaints -------------------------------------------------------------------------------------


def _complaint_rules(
    complaint: Complaint, *, actor, current_opportunity_id=None, current_against_id=None
) -> None:
    rules = _Rules()
    _check_not_future(rules, complaint.received_on, field="received_on")
    if complaint.against_id is not None and complaint.against_id != current_against_id:
        if not complaint.against.is_active:
            rules.add("against", "invalid_person", _("Choose an active colleague."))
    _check_opportunity(
        rules,
        actor=actor,
        customer_id=complaint.customer_id,
        opportunity=complaint.opportunity,
        current_id=current_opportunity_id,
    )
    rules.raise_with(complaint)


@transaction.atomic
def complaint_create(
    *,
    actor,
    customer: Customer,
    received_on,
    description: str,
    severity: str = "medium",
    against=None,
    opportunity=None,
) -> Complaint:
    """客户投诉: anyone who may contribute records it; `against` names the colleague concerned."""
    _check_contribute(actor, customer)
    complaint = Complaint(
        customer=customer,
        opportunity=opportunity,
        against=against,
        received_on=received_on,
        severity=severity,
        description=(description or "").strip(),
        created_by=actor,
    )
    _complaint_rules(complaint, actor=actor)
    _create(complaint, actor=actor)
    return complaint


def _check_complaint_permission(actor, complaint) -> None:
    if not permissions.can_handle_complaint(actor, complaint):
        raise PermissionDenied(
            _(
                "Only the customer's owners, the team lead or a manager handle a complaint, and never the person "
                "it is against."
            )
        )


@transaction.atomic
def complaint_update(*, actor, complaint: Complaint, expected_version: int | None, **changes) -> Complaint:
    _check_editable(changes, COMPLAINT_EDITABLE_FIELDS)
    locked = _lock_record(Complaint, complaint)
    _check_complaint_permission(actor, locked)
    check_version(locked, expected_version)
    current_opportunity_id, current_against_id = locked.opportunity_id, locked.against_id
    changed = apply_changes(locked, changes)
    _complaint_rules(
        locked,
        actor=actor,
        current_opportunity_id=current_opportunity_id,
        current_against_id=current_against_id,
    )
    _save(locked, changed, actor=actor)
    return locked


@transaction.atomic
def complaint_handle(
    *, actor, complaint: Complaint, handling: str, expected_version: int | None
) -> Complaint:
    """Open → handled: what was done is required; the handling time is now."""
    handling = require_text(handling, field="handling", message=_("Describe how the complaint was handled."))
    locked = _lock_record(Complaint, complaint)
    _check_complaint_permission(actor, locked)
    check_version(locked, expected_version)
    if locked.status != ComplaintStatus.OPEN:
        raise _state_refused(_("This complaint is handled already."))
    changed = apply_changes(
        locked, {"status": ComplaintStatus.HANDLED, "handled_at": timezone.now(), "handling": handling}
    )
    validate_or_raise(locked)
    _save(locked, changed, actor=actor, reason=handling)
    return locked


# Satisfaction surveys ---------------------------------------------------------------------------


def _survey_rules(
    survey: SatisfactionSurvey, *, actor, current_opportunity_id=None, current_engineer_id=None
) -> None:
    rules = _Rules()
    _check_not_future(rules, survey.surveyed_on, field="surveyed_on")
    if survey.engineer_id is not None and survey.engineer_id != current_engineer_id:
        _check_person(
            rules,
            survey.engineer,
            field="engineer",
            roles=PRESALES_ROLES,
            message=_("The surveyed engineer must hold a presales role."),
        )
    _check_opportunity(
        rules,
        actor=actor,
        customer_id=survey.customer_id,
        opportunity=survey.opportunity,
        current_id=current_opportunity_id,
    )
    rules.raise_with(survey)


@transaction.atomic
def survey_create(
    *,
    actor,
    customer: Customer,
    engineer,
    surveyed_on,
    score: int,
    nps: int | None = None,
    respondent: str = "",
    comments: str = "",
    opportunity=None,
) -> SatisfactionSurvey:
    """Enter a satisfaction survey (0–100 score, optional 0–10 NPS answer) for an engineer."""
    _check_contribute(actor, customer)
    survey = SatisfactionSurvey(
        customer=customer,
        opportunity=opportunity,
        engineer=engineer,
        surveyed_on=surveyed_on,
        score=score,
        nps=nps,
        respondent=(respondent or "").strip(),
        comments=comments or "",
        created_by=actor,
    )
    _survey_rules(survey, actor=actor)
    _create(survey, actor=actor)
    return survey


@transaction.atomic
def survey_update(
    *, actor, survey: SatisfactionSurvey, expected_version: int | None, **changes
) -> SatisfactionSurvey:
    """Surveys are fixed once entered (they feed the appraisal); a manager may correct one."""
    _check_editable(changes, SURVEY_EDITABLE_FIELDS)
    locked = _lock_record(SatisfactionSurvey, survey)
    if not permissions.can_edit_survey(actor, locked):
        raise PermissionDenied(_("A survey cannot be changed once entered; ask a manager to correct it."))
    check_version(locked, expected_version)
    current_opportunity_id, current_engineer_id = locked.opportunity_id, locked.engineer_id
    changed = apply_changes(locked, changes)
    _survey_rules(
        locked,
        actor=actor,
        current_opportunity_id=current_opportunity_id,
        current_engineer_id=current_engineer_id,
    )
    _save(locked, changed, actor=actor)
    return locked


# Feedback items ---------------------------------------------------------------------------------

FEEDBACK_CLOSED = (FeedbackStatus.RESOLVED, FeedbackStatus.DECLINED)


def _feedback_rules(item: FeedbackItem, *, actor, current_opportunity_id=None, current_owner_id=None) -> None:
    rules = _Rules()
    _check_not_future(rules, item.raised_on, field="raised_on")
    if item.owner_id is not None and item.owner_id != current_owner_id:
        _check_person(
            rules, item.owner, field="owner", message=_("The owner must be an active colleague with a role.")
        )
    _check_opportunity(
        rules,
        actor=actor,
        customer_id=item.customer_id,
        opportunity=item.opportunity,
        current_id=current_opportunity_id,
    )
    rules.raise_with(item)


@transaction.atomic
def feedback_create(
    *, actor, customer: Customer, source: str, raised_on, content: str, owner, due_on=None, opportunity=None
) -> FeedbackItem:
    """客户反馈清单: an objection or question from a presentation, with an owner who answers it."""
    _check_contribute(actor, customer)
    item = FeedbackItem(
        customer=customer,
        opportunity=opportunity,
        source=source,
        raised_on=raised_on,
        content=(content or "").strip(),
        owner=owner,
        due_on=due_on,
        created_by=actor,
    )
    _feedback_rules(item, actor=actor)
    _create(item, actor=actor)
    return item


def _check_feedback_permission(actor, item) -> None:
    if not permissions.can_work_on_feedback(actor, item):
        raise PermissionDenied(_("You may not work on this feedback item."))


@transaction.atomic
def feedback_update(*, actor, item: FeedbackItem, expected_version: int | None, **changes) -> FeedbackItem:
    """Edit the item; its status changes through `feedback_set_status`."""
    _check_editable(changes, FEEDBACK_EDITABLE_FIELDS)
    locked = _lock_record(FeedbackItem, item)
    _check_feedback_permission(actor, locked)
    check_version(locked, expected_version)
    current_opportunity_id, current_owner_id = locked.opportunity_id, locked.owner_id
    changed = apply_changes(locked, changes)
    _feedback_rules(
        locked, actor=actor, current_opportunity_id=current_opportunity_id, current_owner_id=current_owner_id
    )
    _save(locked, changed, actor=actor)
    return locked


@transaction.atomic
def feedback_set_status(
    *, actor, item: FeedbackItem, status: str, resolution: str = "", expected_version: int | None
) -> FeedbackItem:
    """Move a feedback item to any other status. Resolved and declined need the resolution (how it
    was answered, or why it will not be); moving back to open or in progress clears it (the
    history keeps it) and takes `resolution` as an optional note."""
    if status not in FeedbackStatus.values:
        raise DomainError(_("Unknown status."), code="invalid", field="status")
    if status in FEEDBACK_CLOSED:
        resolution = require_text(
            resolution,
            field="resolution",
            message=_("Say how the feedback was resolved, or why it is declined."),
        )
    locked = _lock_record(FeedbackItem, item)
    _check_feedback_permission(actor, locked)
    check_version(locked, expected_version)
    if locked.status == status:
        raise _state_refused(_("The item is already in this status."))
    note = (resolution or "").strip()
    changed = apply_changes(
        locked, {"status": status, "resolution": note if status in FEEDBACK_CLOSED else ""}
    )
    validate_or_raise(locked)
    _save(locked, changed, actor=actor, reason=note)
    return locked

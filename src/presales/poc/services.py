"""Every write to POCs and their records. Keyword-only, atomic, the POC row locked
(`select_for_update`) before its records change, rules checked with translated DomainErrors, each
status move an explicit PocEvent, history kept by django-simple-history."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from presales.core.concurrency import apply_changes, check_version, save_fields
from presales.core.errors import DomainError, PermissionDenied, TransitionRefused
from presales.core.numbering import sequence_next
from presales.core.services import FieldErrors, require_text, validate_or_raise

from . import importing, permissions, selectors
from .choices import (
    CRITERIA_EDITABLE_STATUSES,
    MIN_KICKOFF_MINUTES,
    OPEN_STATUSES,
    POST_MORTEM_STATUSES,
    ROLES_BY_SIDE,
    ConfirmationMethod,
    IncidentStatus,
    MeasurementSource,
    ProblemKind,
    ReviewPurpose,
    ScopeChangeStatus,
    Side,
    Status,
)
from .models import (
    CriterionGuide,
    Incident,
    KickoffAttendee,
    KickoffMeeting,
    Measurement,
    MeasurementImport,
    Poc,
    PocEvent,
    PostMortem,
    ReadinessAnswer,
    ReadinessReview,
    ResourceItem,
    Risk,
    ScopeChange,
    SuccessCriterion,
    SyncNote,
)
from .readiness import ASKED_NUMBERS, ITEMS_BY_NUMBER
from .workflow import CONCLUDE, REASON_REQUIRED, START, poc_flow

POC_EDITABLE_FIELDS = (
    "title", "our_company", "industry", "hypotheses", "planned_start_on", "planned_end_on", "next_step",
    "next_step_other", "our_escalation_contact", "our_escalation_phone", "customer_escalation_contact",
    "customer_escalation_phone", "response_hours",
)
CRITERION_FIELDS = (
    "name", "is_key", "unit", "direction", "form", "baseline", "reference", "pass_level", "excellent_level",
    "aggregation", "data_source", "data_source_detail", "sampling_frequency", "sample_size",
    "comparison_baseline", "agreed", "agreed_on", "guide", "notes",
)
# A change to any of these means the customer has not agreed to the criterion as it now reads.
CRITERION_SPEC_FIELDS = ("name", "unit", "direction", "form", "baseline", "reference", "pass_level",
                         "excellent_level", "aggregation", "sample_size")
RESOURCE_FIELDS = ("side", "kind", "description", "contact", "quantity", "due_on", "hours", "confirmed", "notes")
RISK_FIELDS = ("description", "likelihood", "impact", "fallback_plan", "owner")
GUIDE_FIELDS = ("industry", "scenario", "metric", "unit", "direction", "form", "baseline", "reference",
                "pass_level", "excellent_level", "pass_text", "excellent_text", "aggregation", "position", "active")
MAX_KEY_CRITERIA = 3
MAX_HYPOTHESES = 3
FUTURE_TOLERANCE = timedelta(minutes=10)


class ImportRefused(DomainError):
    """A measurement file with problems: nothing imported; `rows` = [(row number, [messages])]."""

    def __init__(self, message: str, *, rows: list[tuple[int, list[str]]], file_errors: list[str]):
        errors = {"file": [*file_errors]} if file_errors else {}
        for row, messages in rows:
            errors.setdefault("file", []).extend(
                _("Row %(row)s: %(error)s") % {"row": row, "error": m} for m in messages
            )
        super().__init__(message, code="import_refused", errors=errors)
        self.rows = rows
        self.file_errors = file_errors


# --- helpers -------------------------------------------------------------------------------------


def business_year(when=None) -> int:
    """The calendar year of `when` in the company's time zone (TIME_ZONE, Asia/Shanghai by
    default): a POC created at 2026-12-31 17:00 UTC is numbered in 2027."""
    return timezone.localtime(when or timezone.now(), ZoneInfo(settings.TIME_ZONE)).year


def next_number(*, when=None) -> str:
    """POC-YYYY-NNN from the one sequence service (key POC-YYYY): unique, never reused."""
    year = business_year(when)
    return f"POC-{year}-{sequence_next(key=f'POC-{year}'):03d}"


_Rules = FieldErrors  # the collector every service here uses (core.services)


def _check_editable(changes: dict, allowed) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
                          code="not_editable")


def _lock_poc(poc) -> Poc:
    return Poc.objects.select_for_update(of=("self",)).select_related("opportunity").get(pk=poc.pk)


def _require(check, actor, poc, message: str) -> None:
    if not check(actor, poc):
        raise PermissionDenied(message)


def _require_work(actor, poc) -> None:
    _require(permissions.can_work_on, actor, poc, _("You may not work on this POC."))


def _require_open(poc: Poc, message: str | None = None) -> None:
    if poc.status not in OPEN_STATUSES:
        raise TransitionRefused(message or _("This POC is closed: its record can no longer change."),
                                reasons=[], code="poc_closed")


def _not_future(rules: _Rules, value, *, field: str) -> None:
    if value is None:
        return
    if isinstance(value, datetime):
        if value > timezone.now() + FUTURE_TOLERANCE:
            rules.add(field, "in_future", _("This time is in the future: record what has happened."))
    elif value > timezone.localdate():
        rules.add(field, "in_future", _("This date is in the future: record what has happened."))


def _save(obj, changed: list[str], *, actor, reason: str = "") -> None:
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    save_fields(obj, changed)


def _create(obj, *, actor) -> None:
    obj._history_user = actor
    obj.save()


def _touch(poc: Poc, *, actor) -> None:
    """A change to the POC's records moves the POC's version too (and its ETag)."""
    poc.version += 1
    poc._history_user = actor
    poc.save(update_fields=["version", "updated_at"])


def clean_hypotheses(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    return [str(h).strip() for h in value if str(h or "").strip()]


def _poc_rules(poc: Poc, rules: _Rules) -> None:
    n = len(poc.hypotheses)
    if n == 0:
        rules.add("hypotheses", "hypotheses_count", _(
            "Write at least one verifiable hypothesis: a POC verifies a hypothesis, it is not a “let's try”."))
    elif n > MAX_HYPOTHESES:
        rules.add("hypotheses", "hypotheses_count", _(
            "At most %(max)s hypotheses (now %(count)s): keep the POC focused on what it must prove.")
            % {"max": MAX_HYPOTHESES, "count": n})
    if poc.next_step == "other" and not poc.next_step_other.strip():
        rules.add("next_step_other", "next_step_other", _("Describe the other next step."))


# --- POC -----------------------------------------------------------------------------------------


@transaction.atomic
def poc_create(*, actor, opportunity, title: str, hypotheses, our_company: str = "", industry: str = "",
               planned_start_on=None, planned_end_on=None, next_step: str = "", next_step_other: str = "",
               our_escalation_contact: str = "", our_escalation_phone: str = "",
               customer_escalation_contact: str = "", customer_escalation_phone: str = "",
               response_hours: int | None = None) -> Poc:
    """A new POC of an open opportunity the actor may see and work on, in draft, with its
    hypotheses (1–3). The customer is the opportunity's."""
    from presales.opportunities.models import Opportunity

    if opportunity is None or not Opportunity.objects.visible_to(actor).filter(pk=opportunity.pk).exists():
        raise DomainError(_("Choose an opportunity you can see."), code="invalid", field="opportunity")
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not permissions.can_create_poc(actor, opportunity):
        raise PermissionDenied(_("Only the opportunity's presales lead, its members, the team lead or a manager "
                                 "start a POC."))
    if opportunity.is_closed:
        raise DomainError(_("This opportunity is closed: no new POC."), code="opportunity_closed", field="opportunity")
    now = timezone.now()
    poc = Poc(
        opportunity=opportunity, customer_id=opportunity.customer_id, title=(title or "").strip(),
        our_company=(our_company or "").strip() or getattr(settings, "PRESALES_COMPANY_NAME", ""),
        industry=industry or opportunity.industry or "", hypotheses=clean_hypotheses(hypotheses),
        planned_start_on=planned_start_on, planned_end_on=planned_end_on, next_step=next_step or "",
        next_step_other=(next_step_other or "").strip(), our_escalation_contact=our_escalation_contact.strip(),
        our_escalation_phone=our_escalation_phone.strip(),
        customer_escalation_contact=customer_escalation_contact.strip(),
        customer_escalation_phone=customer_escalation_phone.strip(), response_hours=response_hours,
        status=Status.DRAFT, status_changed_at=now, created_by=actor,
    )
    if not poc.our_company:
        poc.our_company = str(opportunity.team) if opportunity.team_id else ""
    rules = _Rules()
    _poc_rules(poc, rules)
    rules.raise_with(poc, exclude=["number"])
    poc.number = next_number(when=now)
    _create(poc, actor=actor)
    PocEvent.objects.create(poc=poc, from_status="", to_status=Status.DRAFT, actor=actor, reason=_("POC created"))
    return poc


@transaction.atomic
def poc_update(*, actor, poc: Poc, expected_version: int | None, **changes) -> Poc:
    """Edit the launch confirmation. Closed POCs are final; the hypotheses are fixed once the POC
    runs (they are what it verifies)."""
    _check_editable(changes, POC_EDITABLE_FIELDS)
    locked = _lock_poc(poc)
    _require_work(actor, locked)
    check_version(locked, expected_version)
    _require_open(locked)
    if "hypotheses" in changes:
        changes["hypotheses"] = clean_hypotheses(changes["hypotheses"])
        if changes["hypotheses"] != locked.hypotheses and locked.status not in CRITERIA_EDITABLE_STATUSES:
            raise DomainError(_("The hypotheses are fixed once the POC runs: they are what it verifies."),
                              code="hypotheses_fixed", field="hypotheses")
    for name in ("title", "our_company", "next_step_other", "our_escalation_contact", "our_escalation_phone",
                 "customer_escalation_contact", "customer_escalation_phone"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    changed = apply_changes(locked, changes)
    rules = _Rules()
    _poc_rules(locked, rules)
    rules.raise_with(locked)
    _save(locked, changed, actor=actor)
    return locked


@transaction.atomic
def poc_confirm_launch(*, actor, poc: Poc, method: str, expected_version: int | None = None,
                       our_signatory: str = "", our_signed_on=None, customer_signatory: str = "",
                       customer_signed_on=None, email_reference: str = "") -> Poc:
    """Record that both sides confirmed the launch confirmation: both representatives' signatures
    with dates, or the customer's e-mail confirmation (who, when, and the e-mail's reference)."""
    locked = _lock_poc(poc)
    _require_work(actor, locked)
    check_version(locked, expected_version)
    _require_open(locked)
    rules = _Rules()
    our_signatory, customer_signatory = (our_signatory or "").strip(), (customer_signatory or "").strip()
    email_reference = (email_reference or "").strip()
    if method == ConfirmationMethod.SIGNED:
        if not our_signatory:
            rules.add("our_signatory", "required", _("Name our representative who signed."))
        if our_signed_on is None:
            rules.add("our_signed_on", "required", _("Give the date our representative signed."))
        if not customer_signatory:
            rules.add("customer_signatory", "required", _("Name the customer's representative who signed."))
        if customer_signed_on is None:
            rules.add("customer_signed_on", "required", _("Give the date the customer's representative signed."))
    elif method == ConfirmationMethod.EMAIL:
        if not customer_signatory:
            rules.add("customer_signatory", "required", _("Name the customer's representative who confirmed by "
                                                          "e-mail."))
        if customer_signed_on is None:
            rules.add("customer_signed_on", "required", _("Give the date of the confirming e-mail."))
        if not email_reference:
            rules.add("email_reference", "required", _("Record the e-mail: sender, subject and the confirming "
                                                      "sentence."))
    else:
        rules.add("method", "invalid", _("Choose signatures or e-mail confirmation."))
    _not_future(rules, our_signed_on, field="our_signed_on")
    _not_future(rules, customer_signed_on, field="customer_signed_on")
    rules.raise_if_any()
    changed = apply_changes(locked, {
        "confirmation_method": method, "our_signatory": our_signatory, "our_signed_on": our_signed_on,
        "customer_signatory": customer_signatory, "customer_signed_on": customer_signed_on,
        "email_reference": email_reference if method == ConfirmationMethod.EMAIL else "",
    })
    _save(locked, changed, actor=actor, reason=_("Launch confirmation confirmed"))
    return locked


@transaction.atomic
def kickoff_record(*, actor, poc: Poc, held_at, duration_minutes: int, minutes: str, attendees,
                   remote: bool = False, location: str = "") -> KickoffMeeting:
    """Record (or correct) the kickoff meeting 启动会: at least 30 minutes, its minutes, and its
    attendees by side and role (the list replaces the previous one)."""
    locked = _lock_poc(poc)
    _require_work(actor, locked)
    _require_open(locked)
    rules = _Rules()
    if duration_minutes is not None and duration_minutes < MIN_KICKOFF_MINUTES:
        rules.add("duration_minutes", "kickoff_too_short", _(
            "A kickoff meeting lasts at least %(min)s minutes (%(minutes)s given): hold a real one, even remote.")
            % {"min": MIN_KICKOFF_MINUTES, "minutes": duration_minutes})
    _not_future(rules, held_at, field="held_at")
    people = []
    for entry in attendees or []:
        side, role = entry.get("side"), entry.get("role")
        name = (entry.get("name") or "").strip()
        if not name:
            continue
        if side not in Side.values or role not in ROLES_BY_SIDE.get(side, ()):
            rules.add("attendees", "invalid_role", _("%(name)s: the role does not belong to that side.")
                      % {"name": name})
            continue
        people.append(KickoffAttendee(side=side, role=role, name=name, title=(entry.get("title") or "").strip()))
    if not any(p.side == Side.OURS for p in people) or not any(p.side == Side.CUSTOMER for p in people):
        rules.add("attendees", "attendees_one_side", _("A kickoff has attendees of both sides."))
    try:
        kickoff = locked.kickoff
        current_version = kickoff.version
    except KickoffMeeting.DoesNotExist:
        kickoff, current_version = KickoffMeeting(poc=locked, created_by=actor), None
    changes = {"held_at": held_at, "duration_minutes": duration_minutes, "minutes": (minutes or "").strip(),
               "remote": bool(remote), "location": (location or "").strip()}
    changed = apply_changes(kickoff, changes)
    rules.raise_with(kickoff, exclude=["poc"])
    kickoff._history_user = actor
    if current_version is None:
        kickoff.save()
    else:
        save_fields(kickoff, changed or ["minutes"])
        kickoff.attendees.all().delete()
    for person in people:
        person.kickoff = kickoff
    KickoffAttendee.objects.bulk_create(people)
    _touch(locked, actor=actor)
    return kickoff


# --- success criteria ------------------------------------------------------------------------------


def _criterion_rules(criterion: SuccessCriterion, rules: _Rules, *, exclude_pk=None) -> None:
    if criterion.is_key:
        key = SuccessCriterion.objects.filter(poc_id=criterion.poc_id, is_key=True)
        if exclude_pk:
            key = key.exclude(pk=exclude_pk)
        if key.count() >= MAX_KEY_CRITERIA:
            rules.add("is_key", "too_many_key_criteria", _(
                "A POC has at most %(max)s key criteria: the customer remembers three, not ten. Make this one "
                "a secondary criterion, or another one.") % {"max": MAX_KEY_CRITERIA})
    _not_future(rules, criterion.agreed_on, field="agreed_on")
    if not (criterion.unit or "").strip():
        rules.add("unit", "required", _("Give the unit (ms, %, seconds per piece, hours...)."))


def _check_criteria_editable(poc: Poc) -> None:
    if poc.status not in CRITERIA_EDITABLE_STATUSES:
        raise TransitionRefused(_(
            "The success criteria are frozen once the POC runs: they are the agreement with the customer. "
            "Record a scope change (追加测试要求) confirmed by both sides instead."), reasons=[],
            code="criteria_frozen")


@transaction.atomic
def criterion_create(*, actor, poc: Poc, name: str, unit: str, direction: str, pass_level=None, form: str = "absolute",
                     is_key: bool = True, baseline=None, reference=None, excellent_level=None,
                     aggregation: str = "latest", data_source: str = "", data_source_detail: str = "",
                     sampling_frequency: str = "", sample_size: int | None = None, comparison_baseline: str = "",
                     agreed: bool = False, agreed_on=None, guide=None, notes: str = "") -> SuccessCriterion:
    """Add a quantified success criterion. A criterion without a number is refused (say why)."""
    locked = _lock_poc(poc)
    _require_work(actor, locked)
    _check_criteria_editable(locked)
    if agreed and agreed_on is None:
        agreed_on = timezone.localdate()
    position = (SuccessCriterion.objects.filter(poc=locked).aggregate(m=Max("position"))["m"] or 0) + 1
    criterion = SuccessCriterion(
        poc=locked, position=position, name=(name or "").strip(), is_key=bool(is_key), unit=(unit or "").strip(),
        direction=direction, form=form, baseline=baseline, reference=reference, pass_level=pass_level,
        excellent_level=excellent_level, aggregation=aggregation, data_source=data_source or "",
        data_source_detail=(data_source_detail or "").strip(), sampling_frequency=(sampling_frequency or "").strip(),
        sample_size=sample_size, comparison_baseline=(comparison_baseline or "").strip(), agreed=bool(agreed),
        agreed_on=agreed_on if agreed else None, guide=guide, notes=notes or "", created_by=actor,
    )
    rules = _Rules()
    _criterion_rules(criterion, rules)
    rules.raise_with(criterion)
    _create(criterion, actor=actor)
    _touch(locked, actor=actor)
    return criterion


@transaction.atomic
def criterion_update(*, actor, criterion: SuccessCriterion, expected_version: int | None,
                     **changes) -> SuccessCriterion:
    """Edit a criterion while the POC is prepared. Changing what it measures or its levels withdraws
    the customer's agreement (unless the same change records it again)."""
    _check_editable(changes, CRITERION_FIELDS)
    locked_poc = _lock_poc(criterion.poc)
    locked = SuccessCriterion.objects.select_for_update().get(pk=criterion.pk)
    _require_work(actor, locked_poc)
    check_version(locked, expected_version)
    _check_criteria_editable(locked_poc)
    for name in ("name", "unit", "data_source_detail", "sampling_frequency", "comparison_baseline"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    changed = apply_changes(locked, changes)
    if locked.agreed and "agreed" not in changes and set(changed) & set(CRITERION_SPEC_FIELDS):
        changed += apply_changes(locked, {"agreed": False, "agreed_on": None})
    if locked.agreed and locked.agreed_on is None:
        changed += apply_changes(locked, {"agreed_on": timezone.localdate()})
    if not locked.agreed and locked.agreed_on is not None:
        changed += apply_changes(locked, {"agreed_on": None})
    rules = _Rules()
    _criterion_rules(locked, rules, exclude_pk=locked.pk)
    rules.raise_with(locked)
    _save(locked, changed, actor=actor)
    if changed:
        _touch(locked_poc, actor=actor)
    return locked


def criterion_initial_from_guide(guide: CriterionGuide) -> dict:
    """The fields a guide entry pre-fills in a new criterion (the person adjusts them)."""
    return {
        "name": guide.metric, "unit": guide.unit, "direction": guide.direction, "form": guide.form,
        "baseline": guide.baseline, "reference": guide.reference, "pass_level": guide.pass_level,
        "excellent_level": guide.excellent_level, "aggregation": guide.aggregation, "guide": guide.pk,
        "notes": _("Guide: pass %(pass)s; excellent %(excellent)s") % {"pass": guide.pass_text,
                                                                     "excellent": guide.excellent_text},
    }


# --- resources, risks ------------------------------------------------------------------------------


def _resource_rules(item: ResourceItem, rules: _Rules) -> None:
    from .choices import ResourceKind

    if item.kind == ResourceKind.HOUR_CAP and item.hours is None:
        rules.add("hours", "hours_required", _("A working-hour cap needs the number of hours."))
    if item.kind == ResourceKind.MILESTONE and item.due_on is None:
        rules.add("due_on", "date_required", _("A milestone needs its date."))
    if item.hours is not None and item.hours < 0:
        rules.add("hours", "negative", _("Hours cannot be negative."))


@transaction.atomic
def resource_create(*, actor, poc: Poc, side: str, kind: str, description: str, contact: str = "",
                    quantity: int | None = None, due_on=None, hours=None, confirmed: bool = False,
                    notes: str = "") -> ResourceItem:
    """Add a line to the resource guarantee list of one side."""
    locked = _lock_poc(poc)
    _require_work(actor, locked)
    _require_open(locked)
    item = ResourceItem(poc=locked, side=side, kind=kind, description=(description or "").strip(),
                        contact=(contact or "").strip(), quantity=quantity, due_on=due_on, hours=hours,
                        confirmed=bool(confirmed), notes=(notes or "").strip(), created_by=actor)
    rules = _Rules()
    _resource_rules(item, rules)
    rules.raise_with(item)
    _create(item, actor=actor)
    _touch(locked, actor=actor)
    return item


@transaction.atomic
def resource_update(*, actor, item: ResourceItem, expected_version: int | None, **changes) -> ResourceItem:
    _check_editable(changes, RESOURCE_FIELDS)
    locked_poc = _lock_poc(item.poc)
    locked = ResourceItem.objects.select_for_update().get(pk=item.pk)
    _require_work(actor, locked_poc)
    check_version(locked, expected_version)
    _require_open(locked_poc)
    for name in ("description", "contact", "notes"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    changed = apply_changes(locked, changes)
    rules = _Rules()
    _resource_rules(locked, rules)
    rules.raise_with(locked)
    _save(locked, changed, actor=actor)
    if changed:
        _touch(locked_poc, actor=actor)
    return locked


@transaction.atomic
def risk_create(*, actor, poc: Poc, description: str, likelihood: str = "medium", impact: str = "medium",
                fallback_plan: str = "", owner=None) -> Risk:
    """A way the POC could fail, with its fallback plan (退路方案)."""
    locked = _lock_poc(poc)
    _require_work(actor, locked)
    _require_open(locked)
    risk = Risk(poc=locked, description=(description or "").strip(), likelihood=likelihood, impact=impact,
                fallback_plan=(fallback_plan or "").strip(), owner=owner, created_by=actor)
    rules = _Rules()
    if owner is not None and not owner.is_active:
        rules.add("owner", "invalid_person", _("Choose an active colleague."))
    rules.raise_with(risk)
    _create(risk, actor=actor)
    _touch(locked, actor=actor)
    return risk


@transaction.atomic
def risk_update(*, actor, risk: Risk, expected_version: int | None, **changes) -> Risk:
    _check_editable(changes, RISK_FIELDS)
    locked_poc = _lock_poc(risk.poc)
    locked = Risk.objects.select_for_update().get(pk=risk.pk)
    _require_work(actor, locked_poc)
    check_version(locked, expected_version)
    _require_open(locked_poc)
    for name in ("description", "fallback_plan"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    current_owner = locked.owner_id
    changed = apply_changes(locked, changes)
    rules = _Rules()
    if locked.owner_id and locked.owner_id != current_owner and not locked.owner.is_active:
        rules.add("owner", "invalid_person", _("Choose an active colleague."))
    rules.raise_with(locked)
    _save(locked, changed, actor=actor)
    if changed:
        _touch(locked_poc, actor=actor)
    return locked


# --- readiness -------------------------------------------------------------------------------------


@transaction.atomic
def readiness_answer(*, actor, poc: Poc, item: int, done: bool, note: str = "") -> ReadinessAnswer:
    """Answer one of the items the record cannot decide (11, 12, 13). Any time: the check can be
    reopened on a running POC or after a loss; the history keeps earlier answers."""
    if item not in ASKED_NUMBERS:
        if item in ITEMS_BY_NUMBER:
            raise DomainError(_("Item %(item)s is computed from the record: complete the record instead.")
                              % {"item": item}, code="computed_item", field="item")
        raise DomainError(_("There is no item %(item)s.") % {"item": item}, code="invalid", field="item")
    locked = _lock_poc(poc)
    _require_work(actor, locked)
    note = (note or "").strip()
    answer = ReadinessAnswer.objects.select_for_update().filter(poc=locked, item=item).first()
    if answer is None:
        answer = ReadinessAnswer(poc=locked, item=item, done=bool(done), note=note, created_by=actor)
        validate_or_raise(answer)
        _create(answer, actor=actor)
    else:
        changed = apply_changes(answer, {"done": bool(done), "note": note})
        validate_or_raise(answer)
        _save(answer, changed, actor=actor)
    _touch(locked, actor=actor)
    return answer


def _snapshot(poc: Poc, *, actor, purpose: str, note: str = "") -> ReadinessReview:
    readiness = selectors.poc_readiness(poc=poc)
    return ReadinessReview.objects.create(poc=poc, purpose=purpose, score=readiness.score,
                                          threshold=readiness.threshold, items=readiness.as_json(),
                                          note=note, actor=actor)


@transaction.atomic
def readiness_review(*, actor, poc: Poc, purpose: str = ReviewPurpose.REVIEW, note: str = "") -> ReadinessReview:
    """Take a snapshot of the self-check now (review of a running POC, post-loss review...)."""
    if purpose not in ReviewPurpose.values:
        raise DomainError(_("Unknown purpose."), code="invalid", field="purpose")
    locked = _lock_poc(poc)
    if not (permissions.can_work_on(actor, locked) or permissions.can_coach(actor)):
        raise PermissionDenied(_("You may not review this POC."))
    return _snapshot(locked, actor=actor, purpose=purpose, note=(note or "").strip())


# --- status ----------------------------------------------------------------------------------------


@transaction.atomic
def poc_move(*, actor, poc: Poc, to_status: str, reason: str = "", expected_version: int | None = None) -> Poc:
    """Move the POC along its workflow (see workflow.py). Every refusal lists its reasons (the
    start names every missing readiness item); a move writes a PocEvent."""
    locked = _lock_poc(poc)
    if not permissions.can_steer(actor, locked):
        raise PermissionDenied(_("Only the opportunity's presales lead, the team lead or a manager move a POC."))
    check_version(locked, expected_version)
    source = locked.status
    transition = poc_flow.get(source, to_status)
    if transition is None:
        raise TransitionRefused(
            _("A POC cannot go from “%(from)s” to “%(to)s”.") % {
                "from": Status(source).label, "to": Status(to_status).label if to_status in Status.values
                else to_status},
            reasons=[], code="invalid_transition",
        )
    if not transition.allowed(actor, locked):
        raise PermissionDenied(_("Only the opportunity's presales lead, the team lead or a manager move a POC."))
    reason = (reason or "").strip()
    if transition.action in REASON_REQUIRED and not reason:
        raise DomainError(_("Say why."), code="reason_required", field="reason")
    reasons = poc_flow.unmet_conditions(locked, transition)
    if reasons:
        raise TransitionRefused(
            _("The POC cannot move to “%(to)s” yet.") % {"to": Status(to_status).label}, reasons=reasons,
        )
    now = timezone.now()
    changes = {"status": to_status, "status_changed_at": now}
    score = None
    if transition.action == START:
        changes["started_at"] = now
        score = _snapshot(locked, actor=actor, purpose=ReviewPurpose.START, note=reason).score
    if transition.action == CONCLUDE:
        changes.update(verdict=selectors.poc_verdicts(poc=locked).overall.level, ended_at=now, conclusion=reason)
    if to_status == Status.ABANDONED:
        changes["ended_at"] = now
    changed = apply_changes(locked, changes)
    _save(locked, changed, actor=actor, reason=reason)
    PocEvent.objects.create(poc=locked, from_status=source, to_status=to_status, actor=actor, reason=reason,
                            readiness_score=score)
    return locked


# --- running: measurements ----------------------------------------------------------------------


def _require_running(poc: Poc) -> None:
    if poc.status != Status.RUNNING:
        raise TransitionRefused(_("Measurements are recorded while the POC runs (now: %(status)s).")
                                % {"status": Status(poc.status).label}, reasons=[], code="not_running")


@transaction.atomic
def measurement_record(*, actor, poc: Poc, criterion: SuccessCriterion, measured_at, value, note: str = "",
                       source: str = MeasurementSource.MANUAL) -> Measurement:
    """One measured value of one of the POC's criteria, in its unit."""
    locked = _lock_poc(poc)
    _require_work(actor, locked)
    _require_running(locked)
    rules = _Rules()
    if criterion is None or criterion.poc_id != locked.pk:
        rules.add("criterion", "invalid", _("Choose one of this POC's criteria."))
    _not_future(rules, measured_at, field="measured_at")
    if locked.started_at and measured_at and measured_at < locked.started_at - timedelta(days=1):
        rules.add("measured_at", "before_start", _("This is before the POC started."))
    rules.raise_if_any()
    measurement = Measurement(poc=locked, criterion=criterion, measured_at=measured_at,
                              value=Decimal(value) if value is not None else None, note=(note or "").strip(),
                              source=source, created_by=actor)
    rules.raise_with(measurement)
    measurement.save()
    return measurement


def _criterion_lookup(poc: Poc) -> dict[str, SuccessCriterion]:
    lookup: dict[str, SuccessCriterion] = {}
    criteria = list(SuccessCriterion.objects.filter(poc=poc).order_by("-is_key", "position", "pk"))
    for number, c in enumerate(criteria, start=1):
        lookup[str(number)] = c
        lookup[c.name.strip().lower()] = c
    return lookup


@transaction.atomic
def measurement_import(*, actor, poc: Poc, content: bytes, file_name: str) -> MeasurementImport:
    """Import a CSV/XLSX file of measurements (see importing.py). All or nothing: a file with any
    problem is refused with every row's problems, and nothing is written."""
    locked = _lock_poc(poc)
    _require_work(actor, locked)
    _require_running(locked)
    rows, file_errors = importing.parse(content, file_name or "")
    lookup = _criterion_lookup(locked)
    now = timezone.now()
    problems: list[tuple[int, list[str]]] = []
    accepted = []
    for row in rows:
        errors = list(row.errors)
        criterion = lookup.get(row.criterion_ref.lower()) if row.criterion_ref else None
        if row.criterion_ref and criterion is None:
            errors.append(_("“%(ref)s” is not one of this POC's criteria.") % {"ref": row.criterion_ref})
        if row.measured_at is not None and row.measured_at > now + FUTURE_TOLERANCE:
            errors.append(_("This time is in the future: record what has happened."))
        if row.value is not None and (abs(row.value) >= Decimal(10) ** 14):
            errors.append(_("The value is too large."))
        if errors:
            problems.append((row.row, errors))
        else:
            accepted.append((row, criterion))
    if file_errors or problems:
        raise ImportRefused(
            _("Nothing was imported: %(count)s row(s) have problems. Correct the file and upload it again.")
            % {"count": len(problems)} if problems else file_errors[0],
            rows=problems, file_errors=file_errors,
        )
    batch = MeasurementImport.objects.create(poc=locked, file_name=(file_name or "")[:255], rows=len(accepted),
                                             uploaded_by=actor)
    Measurement.objects.bulk_create([
        Measurement(poc=locked, criterion=criterion, measured_at=row.measured_at, value=row.value, note=row.note,
                    source=MeasurementSource.IMPORT, batch=batch, created_by=actor)
        for row, criterion in accepted
    ])
    return batch


# --- running: incidents ------------------------------------------------------------------------------

INCIDENT_STATUSES = (Status.READY, Status.RUNNING, Status.EVALUATING)


@transaction.atomic
def incident_open(*, actor, poc: Poc, title: str, occurred_at, severity: str = "major",
                  description: str = "") -> Incident:
    """An incident on the escalation clock: the first response is due `response_hours` after it
    occurred. The people answerable for the POC are notified (e-mail, after commit)."""
    locked = _lock_poc(poc)
    _require(permissions.can_report, actor, locked, _("You may not report incidents of this POC."))
    if locked.status not in INCIDENT_STATUSES:
        raise TransitionRefused(_("Incidents are recorded while the POC is prepared on site, runs or is evaluated."),
                                reasons=[], code="invalid_state")
    rules = _Rules()
    _not_future(rules, occurred_at, field="occurred_at")
    incident = Incident(
        poc=locked, title=(title or "").strip(), description=(description or "").strip(), severity=severity,
        occurred_at=occurred_at, created_by=actor,
        response_due_at=selectors.incident_response_due(occurred_at=occurred_at or timezone.now(),
                                                        response_hours=locked.response_hours),
    )
    rules.raise_with(incident)
    _create(incident, actor=actor)
    from .tasks import notify_incident_opened

    notify_incident_opened(incident)  # written after commit by the notifications service
    return incident


def _lock_incident(incident):
    return Incident.objects.select_for_update(of=("self",)).select_related("poc", "poc__opportunity").get(
        pk=incident.pk)


@transaction.atomic
def incident_respond(*, actor, incident: Incident, response: str, expected_version: int | None) -> Incident:
    """The first response stops the escalation clock (in time or late, kept either way)."""
    response = require_text(response, field="response", message=_("Say what was done or decided."))
    locked = _lock_incident(incident)
    _require(permissions.can_report, actor, locked.poc, _("You may not work on this incident."))
    check_version(locked, expected_version)
    if locked.status != IncidentStatus.OPEN:
        raise TransitionRefused(_("This incident has its response already."), reasons=[], code="invalid_state")
    changed = apply_changes(locked, {"status": IncidentStatus.RESPONDED, "responded_at": timezone.now(),
                                     "responded_by": actor, "response": response})
    validate_or_raise(locked)
    _save(locked, changed, actor=actor, reason=response)
    return locked


@transaction.atomic
def incident_resolve(*, actor, incident: Incident, resolution: str, expected_version: int | None) -> Incident:
    """Resolve an incident (a resolution without an earlier response counts as the response)."""
    resolution = require_text(resolution, field="resolution", message=_("Describe how the incident was resolved."))
    locked = _lock_incident(incident)
    _require(permissions.can_report, actor, locked.poc, _("You may not work on this incident."))
    check_version(locked, expected_version)
    if locked.status == IncidentStatus.RESOLVED:
        raise TransitionRefused(_("This incident is resolved already."), reasons=[], code="invalid_state")
    now = timezone.now()
    changes = {"status": IncidentStatus.RESOLVED, "resolved_at": now, "resolution": resolution}
    if locked.responded_at is None:
        changes.update(responded_at=now, responded_by=actor, response=resolution)
    changed = apply_changes(locked, changes)
    validate_or_raise(locked)
    _save(locked, changed, actor=actor, reason=resolution)
    return locked


# --- running: scope changes, weekly syncs ------------------------------------------------------------


@transaction.atomic
def scope_change_propose(*, actor, poc: Poc, title: str, description: str, requested_on,
                         requested_by_side: str = Side.CUSTOMER, impact: str = "") -> ScopeChange:
    """追加测试要求: recorded as proposed; it becomes part of the POC only when both sides confirm."""
    locked = _lock_poc(poc)
    _require(permissions.can_report, actor, locked, _("You may not record scope changes of this POC."))
    _require_open(locked)
    change = ScopeChange(poc=locked, title=(title or "").strip(), description=(description or "").strip(),
                         requested_by_side=requested_by_side, requested_on=requested_on,
                         impact=(impact or "").strip(), created_by=actor)
    rules = _Rules()
    _not_future(rules, requested_on, field="requested_on")
    rules.raise_with(change)
    _create(change, actor=actor)
    return change


def _lock_change(change):
    return ScopeChange.objects.select_for_update(of=("self",)).select_related("poc", "poc__opportunity").get(
        pk=change.pk)


@transaction.atomic
def scope_change_confirm(*, actor, change: ScopeChange, side: str, expected_version: int | None,
                         customer_confirmed_by: str = "", customer_confirmed_on=None,
                         customer_confirmation: str = "") -> ScopeChange:
    """Record one side's confirmation. Ours: a person who answers for the POC, now. The customer's:
    who confirmed, when, and how (signature, e-mail...). With both, the change is accepted."""
    locked = _lock_change(change)
    _require_open(locked.poc)
    check_version(locked, expected_version)
    if locked.status != ScopeChangeStatus.PROPOSED:
        raise TransitionRefused(_("This scope change is decided already."), reasons=[], code="invalid_state")
    rules = _Rules()
    if side == Side.OURS:
        _require(permissions.can_steer, actor, locked.poc, _(
            "Only the presales lead, the team lead or a manager confirm a scope change for our side."))
        if locked.our_confirmed_at is not None:
            raise TransitionRefused(_("Our side confirmed already."), reasons=[], code="invalid_state")
        changes = {"our_confirmed_by": actor, "our_confirmed_at": timezone.now()}
    elif side == Side.CUSTOMER:
        _require(permissions.can_report, actor, locked.poc, _("You may not work on this scope change."))
        if not (customer_confirmed_by or "").strip():
            rules.add("customer_confirmed_by", "required", _("Name who confirmed at the customer."))
        if customer_confirmed_on is None:
            rules.add("customer_confirmed_on", "required", _("Give the date of the customer's confirmation."))
        if not (customer_confirmation or "").strip():
            rules.add("customer_confirmation", "required", _("Say how the customer confirmed (signature, "
                                                             "e-mail...)."))
        _not_future(rules, customer_confirmed_on, field="customer_confirmed_on")
        rules.raise_if_any()
        changes = {"customer_confirmed_by": customer_confirmed_by.strip(),
                   "customer_confirmed_on": customer_confirmed_on,
                   "customer_confirmation": customer_confirmation.strip()}
    else:
        raise DomainError(_("Choose the side that confirms."), code="invalid", field="side")
    changed = apply_changes(locked, changes)
    if locked.our_confirmed_at is not None and locked.customer_confirmed_on is not None:
        changed += apply_changes(locked, {"status": ScopeChangeStatus.ACCEPTED})
    validate_or_raise(locked)
    _save(locked, changed, actor=actor)
    return locked


@transaction.atomic
def scope_change_reject(*, actor, change: ScopeChange, reason: str, expected_version: int | None) -> ScopeChange:
    """Decline a proposed scope change: it stays on record (scope creep visible), outside the POC."""
    reason = require_text(reason, field="reason", message=_("Say why the change is declined."))
    locked = _lock_change(change)
    _require(permissions.can_steer, actor, locked.poc, _(
        "Only the presales lead, the team lead or a manager decline a scope change."))
    check_version(locked, expected_version)
    if locked.status != ScopeChangeStatus.PROPOSED:
        raise TransitionRefused(_("This scope change is decided already."), reasons=[], code="invalid_state")
    changed = apply_changes(locked, {"status": ScopeChangeStatus.REJECTED, "decision_note": reason})
    _save(locked, changed, actor=actor, reason=reason)
    return locked


@transaction.atomic
def sync_note_create(*, actor, poc: Poc, held_on, attendees: str, progress: str, issues: str = "",
                     next_steps: str = "") -> SyncNote:
    """The weekly sync (周同步) with the customer."""
    locked = _lock_poc(poc)
    _require(permissions.can_report, actor, locked, _("You may not write sync notes of this POC."))
    note = SyncNote(poc=locked, held_on=held_on, attendees=(attendees or "").strip(),
                    progress=(progress or "").strip(), issues=(issues or "").strip(),
                    next_steps=(next_steps or "").strip(), created_by=actor)
    rules = _Rules()
    _not_future(rules, held_on, field="held_on")
    rules.raise_with(note)
    _create(note, actor=actor)
    return note


# --- after the end: post-mortem ---------------------------------------------------------------------


@transaction.atomic
def post_mortem_record(*, actor, poc: Poc, held_on, problem_kind: str, summary: str, lessons: str,
                       weak_items=(), participants: str = "") -> PostMortem:
    """输单复盘 of a failed or abandoned POC against the checklist: which of the 16 items were in
    fact weak, and whether it was a preparation or an execution problem. A preparation problem
    names at least one weak item. Writing it again corrects it; a readiness snapshot is kept."""
    locked = _lock_poc(poc)
    _require_work(actor, locked)
    if locked.status not in POST_MORTEM_STATUSES:
        raise TransitionRefused(_("A post-mortem is written for a failed or abandoned POC."), reasons=[],
                                code="invalid_state")
    rules = _Rules()
    items = sorted({int(i) for i in weak_items or ()})
    if any(i not in ITEMS_BY_NUMBER for i in items):
        rules.add("weak_items", "invalid", _("The checklist has the items 1 to 16."))
    if problem_kind in (ProblemKind.PREPARATION, ProblemKind.BOTH) and not items:
        rules.add("weak_items", "weak_items_required", _(
            "A preparation problem is a gap in the checklist: tick the items that were not really done."))
    _not_future(rules, held_on, field="held_on")
    try:
        record = locked.post_mortem
    except PostMortem.DoesNotExist:
        record = PostMortem(poc=locked, created_by=actor)
    snapshot = _snapshot(locked, actor=actor, purpose=ReviewPurpose.POST_MORTEM, note=(summary or "").strip())
    changed = apply_changes(record, {
        "held_on": held_on, "problem_kind": problem_kind, "summary": (summary or "").strip(),
        "lessons": (lessons or "").strip(), "weak_items": items, "participants": (participants or "").strip(),
        "readiness_score": snapshot.score,
    })
    rules.raise_with(record, exclude=["poc"])
    if record.pk is None:
        _create(record, actor=actor)
    else:
        _save(record, changed, actor=actor)
    return record


# --- reference data: the industry guide ------------------------------------------------------------


@transaction.atomic
def guide_create(*, actor, **fields) -> CriterionGuide:
    if not permissions.can_edit_guide(actor):
        raise PermissionDenied(_("Only managers edit the industry guide."))
    _check_editable(fields, GUIDE_FIELDS)
    guide = CriterionGuide(created_by=actor, **fields)
    validate_or_raise(guide)
    _create(guide, actor=actor)
    return guide


@transaction.atomic
def guide_update(*, actor, guide: CriterionGuide, expected_version: int | None, **changes) -> CriterionGuide:
    if not permissions.can_edit_guide(actor):
        raise PermissionDenied(_("Only managers edit the industry guide."))
    _check_editable(changes, GUIDE_FIELDS)
    locked = CriterionGuide.objects.select_for_update().get(pk=guide.pk)
    check_version(locked, expected_version)
    changed = apply_changes(locked, changes)
    validate_or_raise(locked)
    _save(locked, changed, actor=actor)
    return locked


# --- registered documents (issue #5) -------------------------------------------------------------

ARCHIVED_EXPORT_TITLES = {
    "confirmation": lambda poc: _("POC launch confirmation %(number)s %(title)s") % {"number": poc.number, "title": poc.title},
    "resources": lambda poc: _("POC resource guarantee list %(number)s %(title)s") % {"number": poc.number, "title": poc.title},
}


def poc_archive_export(*, actor, poc: Poc, document: str, fmt: str, change_summary: str = ""):
    """File the launch confirmation or the resource list (DOCX or PDF) in the document archive:
    the first time as a new numbered document of the project (category "demo"),
    then as a new version of the same document. Returns the Document. A POC is the validation
    half of the demo/POC stage: its documents file under the demo category (YS)."""
    from presales.documents.artefacts import archive_artefact

    from . import exports

    if not permissions.can_work_on(actor, poc):
        raise PermissionDenied(_("Only the POC team, the team lead and managers may file its documents."))
    if document not in exports.DOCUMENTS or fmt not in exports.FORMATS:
        raise DomainError(_("Choose one of the POC's documents and formats."), field="document")
    content, _content_type, file_name = exports.export(poc, document, fmt)
    return archive_artefact(
        actor=actor,
        source=poc,
        kind=f"{document}.{fmt}",
        title=ARCHIVED_EXPORT_TITLES[document](poc),
        category_kind="demo",
        filename=file_name,
        content=content,
        opportunity=poc.opportunity,
        change_summary=change_summary,
    )

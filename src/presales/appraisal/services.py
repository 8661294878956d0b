"""Every write to appraisal cycles and appraisals. Keyword-only, atomic, rows locked before they
change, rules checked with translated DomainErrors, each status move an AppraisalEvent, history
kept by django-simple-history. Nobody changes a published result: every write to an appraisal's
entries, adjustments or scores refuses once it is published."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales.core.concurrency import apply_changes, check_version, save_fields
from presales.core.errors import DomainError, PermissionDenied, TransitionRefused
from presales.core.services import require_text

from . import compute, permissions, scoring, selectors
from .choices import (
    DEFAULT_GRADE_BANDS,
    PUBLISHED_STEPS,
    SOURCE_STEP,
    AppealOutcome,
    CycleKind,
    CycleStatus,
    Source,
    Step,
)
from .models import Adjustment, Appeal, Appraisal, AppraisalEvent, Cycle, SourceEntry
from .workflow import ACKNOWLEDGE, ANSWER, APPEAL, PUBLISH, REASON_REQUIRED, appraisal_flow

CYCLE_FIELDS = (
    "name",
    "kind",
    "year",
    "quarter",
    "start_on",
    "end_on",
    "weight_self",
    "weight_supervisor",
    "weight_customer",
    "weight_peer",
    "grade_bands",
    "self_due_on",
    "supervisor_due_on",
    "feedback_due_on",
    "committee_due_on",
)
DEADLINE_FIELDS = ("self_due_on", "supervisor_due_on", "feedback_due_on", "committee_due_on")


class _Rules:
    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.errors:
            first = next(iter(self.errors.values()))[0]
            raise DomainError(first, code="invalid", errors=self.errors)


def _require_committee(actor) -> None:
    if not permissions.can_manage_cycles(actor):
        raise PermissionDenied(_("Only managers and the appraisal committee run appraisal cycles."))


# --- cycles --------------------------------------------------------------------------------------


def _validate_cycle(data: dict) -> None:
    rules = _Rules()
    if not str(data.get("name") or "").strip():
        rules.add("name", _("This field is required."))
    kind = data.get("kind") or CycleKind.QUARTERLY
    if kind not in CycleKind.values:
        rules.add("kind", _("Choose quarterly or annual."))
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        rules.add("year", _("Enter a year between 2000 and 2100."))
    quarter = data.get("quarter")
    if kind == CycleKind.QUARTERLY and quarter not in (1, 2, 3, 4):
        rules.add("quarter", _("A quarterly cycle needs its quarter (1 to 4)."))
    if kind == CycleKind.ANNUAL and quarter not in (None, ""):
        rules.add("quarter", _("An annual cycle has no quarter."))
    start, end = data.get("start_on"), data.get("end_on")
    if not isinstance(start, date):
        rules.add("start_on", _("This field is required."))
    if not isinstance(end, date):
        rules.add("end_on", _("This field is required."))
    elif isinstance(start, date) and end < start:
        rules.add("end_on", _("The period ends before it starts."))
    for field, errors in scoring.source_weight_errors(
        {
            "self": data.get("weight_self"),
            "supervisor": data.get("weight_supervisor"),
            "customer": data.get("weight_customer"),
            "peer": data.get("weight_peer"),
        }
    ).items():
        for error in errors:
            rules.add(field, error)
    for error in scoring.grade_band_errors(data.get("grade_bands")):
        rules.add("grade_bands", error)
    previous = None
    for field in DEADLINE_FIELDS:
        due = data.get(field)
        if due is None:
            continue
        if isinstance(start, date) and due < start:
            rules.add(field, _("A deadline falls within or after the period, not before it."))
        elif previous is not None and due < previous:
            rules.add(field, _("The steps' deadlines follow the order of the steps."))
        previous = due
    rules.raise_if_any()


def _normalise_bands(bands) -> list[dict]:
    return [
        {
            "grade": str(b["grade"]).strip(),
            "min": scoring.plain(scoring.to_decimal(b["min"])),
            "coefficient": scoring.plain(scoring.to_decimal(b["coefficient"])),
        }
        for b in bands
    ]


@transaction.atomic
def cycle_create(*, actor, **data) -> Cycle:
    _require_committee(actor)
    data = {k: v for k, v in data.items() if k in CYCLE_FIELDS}
    data.setdefault("kind", CycleKind.QUARTERLY)
    data.setdefault("grade_bands", [dict(b) for b in DEFAULT_GRADE_BANDS])
    defaults = Cycle()
    for f in ("weight_self", "weight_supervisor", "weight_customer", "weight_peer"):
        if data.get(f) is None:
            data[f] = getattr(defaults, f)
    if data.get("kind") == CycleKind.ANNUAL:
        data["quarter"] = data.get("quarter") or None
    _validate_cycle(data)
    data["name"] = data["name"].strip()
    data["grade_bands"] = _normalise_bands(data["grade_bands"])
    return Cycle.objects.create(created_by=actor, **data)


@transaction.atomic
def cycle_update(*, actor, cycle: Cycle, changes: dict, expected_version: int | None = None) -> Cycle:
    """Change a cycle's setup. In a draft everything may change; once running only the deadlines
    (the weights and bands are what the scores were computed with); a closed cycle is read only."""
    _require_committee(actor)
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    check_version(locked, expected_version)
    changes = {k: v for k, v in changes.items() if k in CYCLE_FIELDS}
    if locked.status == CycleStatus.CLOSED:
        raise DomainError(_("A closed cycle cannot be changed."), code="cycle_closed")
    if locked.status == CycleStatus.OPEN:
        frozen = [k for k, v in changes.items() if k not in DEADLINE_FIELDS and getattr(locked, k) != v]
        if frozen:
            raise DomainError(
                _("Once the cycle runs only its deadlines may change."),
                code="cycle_running",
                errors={f: [_("Once the cycle runs only its deadlines may change.")] for f in frozen},
            )
    merged = {f: getattr(locked, f) for f in CYCLE_FIELDS}
    merged.update(changes)
    _validate_cycle(merged)
    if "grade_bands" in changes:
        changes["grade_bands"] = _normalise_bands(changes["grade_bands"])
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    changed = apply_changes(locked, changes)
    save_fields(locked, changed)
    return locked


@transaction.atomic
def participant_add(*, actor, cycle: Cycle, employee, scheme, supervisor=None) -> Appraisal:
    """Add an engineer to a quarterly cycle with their scheme and supervisor (default: their team's lead)."""
    from presales.kpi.choices import SchemeStatus

    _require_committee(actor)
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    rules = _Rules()
    if locked.status == CycleStatus.CLOSED:
        raise DomainError(_("A closed cycle cannot be changed."), code="cycle_closed")
    if locked.is_annual:
        raise DomainError(
            _("An annual cycle takes its participants from the year's quarters."), code="annual"
        )
    if employee is None or not employee.is_active:
        rules.add("employee", _("Choose an active colleague."))
    elif Appraisal.objects.filter(cycle=locked, employee=employee).exists():
        rules.add("employee", _("This person already takes part in the cycle."))
    if scheme is None:
        rules.add("scheme", _("This field is required."))
    elif scheme.status != SchemeStatus.ACTIVE:
        rules.add("scheme", _("Only an active scheme can be used."))
    if supervisor is None and employee is not None and employee.team_id and employee.team.lead_id:
        supervisor = employee.team.lead
    if supervisor is None:
        rules.add("supervisor", _("Choose the supervisor (the employee's team has no lead)."))
    elif employee is not None and supervisor.pk == employee.pk:
        rules.add("supervisor", _("Nobody supervises their own appraisal."))
    rules.raise_if_any()
    status = Step.SELF_ASSESSMENT
    appraisal = Appraisal.objects.create(
        cycle=locked,
        employee=employee,
        team_id=employee.team_id,
        scheme=scheme,
        supervisor=supervisor,
        status=status,
        created_by=actor,
    )
    if locked.status == CycleStatus.OPEN:
        _notify_step(appraisal)
    return appraisal


@transaction.atomic
def cycle_open(*, actor, cycle: Cycle, expected_version: int | None = None) -> Cycle:
    """draft → running. A quarterly cycle needs participants; an annual cycle creates one appraisal
    per person with a published quarter of the year (scores by the annual rule), straight in
    committee review."""
    _require_committee(actor)
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    check_version(locked, expected_version)
    if locked.status != CycleStatus.DRAFT:
        raise TransitionRefused(
            _("Only a draft cycle can be started."), reasons=[], code="invalid_transition"
        )
    if locked.is_annual:
        quarters = (
            Appraisal.objects.filter(
                cycle__kind=CycleKind.QUARTERLY, cycle__year=locked.year, status__in=PUBLISHED_STEPS
            )
            .select_related("employee")
            .order_by("employee_id", "-cycle__start_on")
        )
        latest: dict[int, Appraisal] = {}
        for a in quarters:
            latest.setdefault(a.employee_id, a)
        if not latest:
            raise TransitionRefused(
                _("The cycle cannot start yet."),
                reasons=[_("No quarterly result of %(year)s is published yet.") % {"year": locked.year}],
            )
        Appraisal.objects.bulk_create(
            [
                Appraisal(
                    cycle=locked,
                    employee_id=a.employee_id,
                    team_id=a.team_id,
                    scheme_id=a.scheme_id,
                    supervisor_id=a.supervisor_id,
                    status=Step.COMMITTEE_REVIEW,
                    created_by=actor,
                )
                for a in latest.values()
            ]
        )
    elif not locked.appraisals.exists():
        raise TransitionRefused(_("The cycle cannot start yet."), reasons=[_("Add the participants first.")])
    locked.opened_at = timezone.now()
    changed = apply_changes(locked, {"status": CycleStatus.OPEN})
    save_fields(locked, [*changed, "opened_at"])
    appraisals = list(locked.appraisals.select_related("cycle", "scheme", "employee", "supervisor"))
    if locked.is_annual:
        compute.compute_appraisals(appraisals)
    for a in appraisals:
        _notify_step(a)
    return locked


@transaction.atomic
def cycle_close(*, actor, cycle: Cycle, expected_version: int | None = None) -> Cycle:
    _require_committee(actor)
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    check_version(locked, expected_version)
    if locked.status != CycleStatus.OPEN:
        raise TransitionRefused(
            _("Only a running cycle can be closed."), reasons=[], code="invalid_transition"
        )
    pending = locked.appraisals.exclude(status__in=[Step.PUBLISHED, Step.ACKNOWLEDGED]).select_related(
        "employee"
    )
    reasons = [
        _("%(name)s: %(status)s.") % {"name": a.employee, "status": Step(a.status).label} for a in pending
    ]
    if reasons:
        raise TransitionRefused(
            _("Every result must be published and every appeal answered first."), reasons=reasons
        )
    locked.closed_at = timezone.now()
    changed = apply_changes(locked, {"status": CycleStatus.CLOSED})
    save_fields(locked, [*changed, "closed_at"])
    return locked


def cycle_compute(*, actor, cycle: Cycle) -> int:
    _require_committee(actor)
    if cycle.status == CycleStatus.CLOSED:
        raise DomainError(_("A closed cycle cannot be changed."), code="cycle_closed")
    return compute.compute_cycle(cycle)


# --- one appraisal -------------------------------------------------------------------------------


def _lock(appraisal: Appraisal) -> Appraisal:
    locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    locked.cycle = Cycle.objects.get(pk=locked.cycle_id)
    return locked


def _refuse_published(appraisal: Appraisal) -> None:
    if appraisal.status in PUBLISHED_STEPS:
        raise DomainError(_("This result is published: nobody changes it."), code="published")


SCORE_FIELDS = ("weighted_total", "adjustment", "final_score", "grade", "bonus_coefficient", "computed_at")


@dataclass
class _Batch:
    stale: dict[int, Appraisal] = dataclass_field(
        default_factory=dict
    )  # changed since their last computation
    computed: set[int] = dataclass_field(default_factory=set)  # computed in this block and unchanged since


_batch: ContextVar[_Batch | None] = ContextVar("presales_appraisal_batch", default=None)


@contextlib.contextmanager
def recompute_later() -> Iterator[None]:
    """Inside this block the scores are not recomputed after every entry, adjustment and move, but
    together, in one computation of all the appraisals changed so far (compute.compute_appraisals
    reads each source once for all of them): when a result is published (its scores are frozen
    then) and when the block ends. For a builder that walks many appraisals through the workflow
    at once (the demo company). Inside the block the scores of an unpublished appraisal are only
    as fresh as the last computation, and the records the metrics read must not change."""
    if _batch.get() is not None:
        yield
        return
    batch = _Batch()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    _compute_stale(batch)


def _compute_stale(batch: _Batch) -> None:
    if not batch.stale:
        return
    fresh = list(Appraisal.objects.select_related("cycle", "scheme").filter(pk__in=list(batch.stale)))
    compute.compute_appraisals(fresh)
    by_pk = {a.pk: a for a in fresh}
    for pk, appraisal in batch.stale.items():
        for f in SCORE_FIELDS:
            setattr(appraisal, f, getattr(by_pk[pk], f))
    batch.computed.update(batch.stale)
    batch.stale.clear()


def _recompute(appraisal: Appraisal, *, now: bool = False) -> None:
    """Compute the appraisal's scores (`now`: needed at once, e.g. to publish them); inside
    `recompute_later()`, only noted, unless needed now."""
    batch = _batch.get()
    if batch is not None:
        if not now:
            batch.stale[appraisal.pk] = appraisal
            batch.computed.discard(appraisal.pk)
            return
        if appraisal.pk not in batch.computed:
            batch.stale[appraisal.pk] = appraisal
        if appraisal.pk in batch.stale:
            _compute_stale(batch)
            return
        fresh = Appraisal.objects.only(*SCORE_FIELDS).get(pk=appraisal.pk)  # computed, unchanged since
        for f in SCORE_FIELDS:
            setattr(appraisal, f, getattr(fresh, f))
        return
    fresh = Appraisal.objects.select_related("cycle", "scheme").get(pk=appraisal.pk)
    compute.compute_appraisals([fresh])
    for f in SCORE_FIELDS:
        setattr(appraisal, f, getattr(fresh, f))


def _rule_refuses(indicator, value) -> str | None:
    """The indicator's rule's objection to the value (e.g. a rating above its scale), if any."""
    from presales.kpi import rules

    try:
        rules.score(indicator.rule_type, indicator.rule_params or {}, value, indicator.max_points)
    except DomainError as exc:
        return str(exc.message)
    return None


@transaction.atomic
def entries_save(
    *,
    actor,
    appraisal: Appraisal,
    source: str,
    values: dict,
    comments: dict | None = None,
    summary: str | None = None,
    expected_version: int | None = None,
) -> Appraisal:
    """Save an evaluator's values for the hand-entered indicators ({indicator_id: value}); empty
    values are left out (an existing entry of this evaluator is removed)."""
    locked = _lock(appraisal)
    _refuse_published(locked)
    if source not in Source.values:
        raise DomainError(_("Unknown evaluation source."), field="source")
    if not permissions.can_enter(actor, locked, source):
        if locked.status != SOURCE_STEP[source]:
            raise DomainError(
                _("%(source)s values are entered during the “%(step)s” step (now: %(status)s).")
                % {
                    "source": Source(source).label,
                    "step": Step(SOURCE_STEP[source]).label,
                    "status": Step(locked.status).label,
                },
                code="wrong_step",
            )
        raise PermissionDenied(
            _("You may not enter %(source)s values for this appraisal.") % {"source": Source(source).label}
        )
    check_version(locked, expected_version)
    items = {i.indicator_id: i for i in selectors.manual_items(locked)}
    comments = comments or {}
    rules = _Rules()
    parsed = {}
    for key, raw in values.items():
        try:
            indicator_id = int(key)
        except (TypeError, ValueError):
            rules.add("values", _("Unknown indicator %(id)s.") % {"id": key})
            continue
        item = items.get(indicator_id)
        if item is None:
            rules.add(f"value_{key}", _("This indicator is not entered by hand in this scheme."))
            continue
        if raw in (None, ""):
            parsed[indicator_id] = None
            continue
        value = scoring.to_decimal(raw)
        if value is None:
            rules.add(f"value_{indicator_id}", _("Enter a number."))
        elif value < 0:
            rules.add(f"value_{indicator_id}", _("A value cannot be negative."))
        elif value > Decimal("1000000"):
            rules.add(f"value_{indicator_id}", _("This value is too large."))
        else:
            problem = _rule_refuses(item.indicator, value)
            if problem:
                rules.add(f"value_{indicator_id}", problem)
            else:
                parsed[indicator_id] = value
    rules.raise_if_any()
    existing = selectors.own_entries(locked, source, actor)
    for indicator_id, value in parsed.items():
        entry = existing.get(indicator_id)
        comment = str(comments.get(indicator_id, comments.get(str(indicator_id), "")) or "").strip()
        if value is None:
            if entry is not None:
                entry.delete()
            continue
        if entry is None:
            SourceEntry.objects.create(
                appraisal=locked,
                indicator_id=indicator_id,
                source=source,
                evaluator=actor,
                value=value,
                comment=comment,
            )
        elif entry.value != value or entry.comment != comment:
            entry.value, entry.comment = value, comment
            entry.save(update_fields=["value", "comment", "updated_at"])
    changed = []
    if summary is not None:
        field = {Source.SELF: "self_summary", Source.SUPERVISOR: "supervisor_comment"}.get(source)
        if field:
            changed = apply_changes(locked, {field: summary.strip()})
    locked.version += 1
    locked.save(update_fields=[*changed, "version", "updated_at"])
    _recompute(locked)
    return locked


@transaction.atomic
def adjustment_add(
    *, actor, appraisal: Appraisal, points, reason: str, expected_version: int | None = None
) -> Adjustment:
    """The committee adjusts the total (+/− points) with a reason, during its review."""
    locked = _lock(appraisal)
    _refuse_published(locked)
    if not permissions.is_committee(actor):
        raise PermissionDenied(_("Only the appraisal committee adjusts a result."))
    if locked.status != Step.COMMITTEE_REVIEW:
        raise DomainError(_("Adjustments are made during the committee review."), code="wrong_step")
    check_version(locked, expected_version)
    rules = _Rules()
    value = scoring.to_decimal(points)
    if value is None:
        rules.add("points", _("Enter a number."))
    elif value == 0 or abs(value) > 100:
        rules.add("points", _("An adjustment is between −100 and 100 points and not 0."))
    if not (reason or "").strip():
        rules.add("reason", _("An adjustment needs a reason."))
    rules.raise_if_any()
    adjustment = Adjustment.objects.create(
        appraisal=locked, points=scoring.q2(value), reason=reason.strip(), actor=actor
    )
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    _recompute(locked)
    return adjustment


def _transition_label(action: str) -> str:
    return action


@transaction.atomic
def appraisal_move(
    *, actor, appraisal: Appraisal, to_status: str, reason: str = "", expected_version: int | None = None
) -> Appraisal:
    """Move an appraisal along its workflow (workflow.py); each move writes an AppraisalEvent."""
    locked = _lock(appraisal)
    source = locked.status
    transition = appraisal_flow.get(source, to_status)
    if transition is None or transition.action == ANSWER:
        raise TransitionRefused(
            _("An appraisal cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": Step(source).label,
                "to": Step(to_status).label if to_status in Step.values else to_status,
            },
            reasons=[],
            code="invalid_transition",
        )
    if locked.cycle.status != CycleStatus.OPEN and transition.action not in (ACKNOWLEDGE, APPEAL):
        raise TransitionRefused(_("The cycle is not running."), reasons=[], code="cycle_not_open")
    if not transition.allowed(actor, locked):
        raise PermissionDenied(_("You may not take this step of the appraisal."))
    check_version(locked, expected_version)
    reason = (reason or "").strip()
    needs_reason = transition.action in REASON_REQUIRED or (
        source == Step.SELF_ASSESSMENT and not permissions.is_employee(actor, locked)
    )
    if needs_reason and not reason:
        raise DomainError(_("Say why."), code="reason_required", field="reason")
    if transition.action == APPEAL and locked.appeals.exists():
        raise TransitionRefused(_("This result was already appealed once."), reasons=[], code="appealed_once")
    if transition.action == PUBLISH:
        _recompute(locked, now=True)
    reasons = appraisal_flow.unmet_conditions(locked, transition)
    if reasons:
        raise TransitionRefused(
            _("The appraisal cannot move to “%(to)s” yet.") % {"to": Step(to_status).label}, reasons=reasons
        )
    now = timezone.now()
    changes = {"status": to_status}
    if transition.action == PUBLISH:
        changes["published_at"] = now
    if transition.action == ACKNOWLEDGE:
        changes["acknowledged_at"] = now
    changed = apply_changes(locked, changes)
    save_fields(locked, changed)
    if transition.action == APPEAL:
        Appeal.objects.create(appraisal=locked, reason=reason, filed_by=actor)
    AppraisalEvent.objects.create(
        appraisal=locked, from_status=source, to_status=to_status, actor=actor, reason=reason
    )
    if to_status == Step.COMMITTEE_REVIEW:
        _recompute(locked)
    _notify_step(locked)
    return locked


@transaction.atomic
def appeal_answer(
    *, actor, appraisal: Appraisal, outcome: str, answer: str, expected_version: int | None = None
) -> Appeal:
    """The committee answers the appeal: upheld → the committee reviews the result again (and
    publishes it anew); rejected → the result stands (published)."""
    locked = _lock(appraisal)
    if not permissions.is_committee(actor):
        raise PermissionDenied(_("Only the appraisal committee answers appeals."))
    if locked.status != Step.APPEALED:
        raise TransitionRefused(_("There is no open appeal."), reasons=[], code="no_appeal")
    check_version(locked, expected_version)
    rules = _Rules()
    if outcome not in AppealOutcome.values:
        rules.add("outcome", _("Choose upheld or rejected."))
    if not (answer or "").strip():
        rules.add("answer", _("Answer the appeal."))
    rules.raise_if_any()
    appeal = locked.appeals.filter(answered_at__isnull=True).order_by("-filed_at").first()
    appeal.outcome, appeal.answer = outcome, answer.strip()
    appeal.answered_by, appeal.answered_at = actor, timezone.now()
    appeal.save()
    target = Step.COMMITTEE_REVIEW if outcome == AppealOutcome.UPHELD else Step.PUBLISHED
    changes = {"status": target}
    if target == Step.COMMITTEE_REVIEW:
        changes["published_at"] = None
    changed = apply_changes(locked, changes)
    save_fields(locked, changed)
    AppraisalEvent.objects.create(
        appraisal=locked, from_status=Step.APPEALED, to_status=target, actor=actor, reason=appeal.answer
    )
    if target == Step.COMMITTEE_REVIEW:
        _recompute(locked)
    _notify_step(locked)
    return appeal


# --- notifications ---------------------------------------------------------------------------------


def _notify_step(appraisal: Appraisal) -> None:
    from .tasks import notify_step

    transaction.on_commit(lambda: notify_step(appraisal.pk))


def require_reason(value: str) -> str:
    return require_text(value, field="reason", message=_("Say why."))

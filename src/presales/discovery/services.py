"""Every write of the requirement research. Keyword-only, atomic; the row changed is locked
(`select_for_update`), rules are checked with translated, field-level DomainErrors, history is kept
by django-simple-history (the actor recorded on each row).

The requirement set's bookkeeping: every item added, changed or withdrawn bumps the plan's
`requirements_revision`. A confirmation round records the revision it confirmed; it is current
while the revision has not moved. When a change brings the set back to exactly what the latest
round confirmed, that round is current again (its revision follows) — a round trip is not a
change the customer must sign again."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from presales.core.concurrency import apply_changes, check_version, save_fields
from presales.core.errors import DomainError, PermissionDenied, TransitionRefused
from presales.core.services import FieldErrors

from . import permissions, selectors
from .choices import IN_SET_STATUSES, ActivityKind, ActivityStatus, RequirementStatus
from .models import (
    RequirementConfirmation,
    RequirementItem,
    ResearchActivity,
    ResearchPlan,
    ResearchReport,
)

PLAN_FIELDS = ("goals", "content", "methods", "our_participants", "customer_contacts", "other_participants",
               "starts_on", "ends_on")
ACTIVITY_FIELDS = ("kind", "subject", "scheduled_at", "duration_minutes", "location", "our_participants",
                   "customer_contacts", "other_participants", "notes")
REPORT_FIELDS = ("summary", "current_state", "pain_points", "findings", "recommendations")
ITEM_FIELDS = ("title", "description", "priority", "category", "status", "source_activity", "source_contact",
               "raised_by")
M2M_FIELDS = ("our_participants", "customer_contacts")
TEXT_FIELDS = ("goals", "content", "other_participants", "subject", "location", "notes", "summary",
               "current_state", "pain_points", "findings", "recommendations", "title", "description", "raised_by")
FUTURE_TOLERANCE = timedelta(minutes=10)


_Rules = FieldErrors  # the collector every service here uses (core.services)


def _visible_opportunity(actor, opportunity):
    from presales.opportunities.models import Opportunity

    if opportunity is None or not Opportunity.objects.visible_to(actor).filter(pk=opportunity.pk).exists():
        raise DomainError(_("Choose an opportunity you can see."), code="invalid", field="opportunity")
    return Opportunity.objects.select_for_update().get(pk=opportunity.pk)


def _require_research(actor, record) -> None:
    opportunity = getattr(record, "opportunity", record)
    if opportunity.is_closed:
        raise TransitionRefused(_("This opportunity is closed: its research is read-only."), reasons=[],
                                code="opportunity_closed")
    if not permissions.can_research(actor, record):
        raise PermissionDenied(_("Only the opportunity's presales lead, its presales members, the team lead or a "
                                 "manager do its requirement research."))


def _check_editable(changes: dict, allowed) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
                          code="not_editable")


def _clean_text(changes: dict) -> dict:
    for name in TEXT_FIELDS:
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    return changes


def _not_future(rules: _Rules, value, *, field: str, message: str | None = None) -> None:
    if value is None:
        return
    if isinstance(value, datetime):
        if value > timezone.now() + FUTURE_TOLERANCE:
            rules.add(field, "in_future", message or _("This time is in the future: record what has happened."))
    elif value > timezone.localdate():
        rules.add(field, "in_future", message or _("This date is in the future: record what has happened."))


def _people_rules(rules: _Rules, opportunity, *, users=None, contacts=None) -> None:
    if users is not None and any(not u.is_active for u in users):
        rules.add("our_participants", "inactive_user", _("Choose active colleagues only."))
    if contacts is not None and any(c.customer_id != opportunity.customer_id for c in contacts):
        rules.add("customer_contacts", "foreign_contact", _("Choose contacts of this opportunity's customer."))


def _save(obj, changed: list[str], *, actor, reason: str = "") -> None:
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    save_fields(obj, changed)


def _split_m2m(changes: dict) -> dict:
    return {name: changes.pop(name) for name in M2M_FIELDS if name in changes}


def _set_m2m(obj, m2m: dict) -> bool:
    changed = False
    for name, values in m2m.items():
        values = list(values or [])
        manager = getattr(obj, name)
        if {v.pk for v in values} != set(manager.values_list("pk", flat=True)):
            manager.set(values)
            changed = True
    return changed


def _require_plan(opportunity, *, field: str = "opportunity") -> ResearchPlan:
    plan = ResearchPlan.objects.select_for_update().filter(opportunity_id=opportunity.pk).first()
    if plan is None:
        raise DomainError(_("Write the research plan first: goals, content, methods, people and schedule."),
                          code="no_plan", field=field)
    return plan


# --- plan --------------------------------------------------------------------------------------------


def _plan_rules(plan: ResearchPlan, rules: _Rules) -> None:
    methods = plan.methods or []
    if not methods:
        rules.add("methods", "required", _("Choose at least one research method."))
    elif any(m not in ActivityKind.values for m in methods):
        rules.add("methods", "invalid", _("Choose research methods from the list."))
    if not plan.goals:
        rules.add("goals", "required", _("State what the research must find out."))
    if not plan.content:
        rules.add("content", "required", _("Say what the research covers: processes, systems, pain points, goals."))


def _clean_methods(methods) -> list[str]:
    seen = []
    for m in methods or []:
        if m not in seen:
            seen.append(m)
    return seen


@transaction.atomic
def plan_create(*, actor, opportunity, goals: str, content: str, methods, starts_on, ends_on,
                our_participants=(), customer_contacts=(), other_participants: str = "") -> ResearchPlan:
    """The research plan of an open opportunity (one per opportunity)."""
    opportunity = _visible_opportunity(actor, opportunity)
    _require_research(actor, opportunity)
    if ResearchPlan.objects.filter(opportunity_id=opportunity.pk).exists():
        raise DomainError(_("This opportunity has a research plan already: edit it."), code="plan_exists",
                          field="opportunity")
    plan = ResearchPlan(
        opportunity=opportunity, goals=(goals or "").strip(), content=(content or "").strip(),
        methods=_clean_methods(methods), starts_on=starts_on, ends_on=ends_on,
        other_participants=(other_participants or "").strip(), created_by=actor,
    )
    rules = _Rules()
    _plan_rules(plan, rules)
    users, contacts = list(our_participants or []), list(customer_contacts or [])
    _people_rules(rules, opportunity, users=users, contacts=contacts)
    rules.raise_with(plan)
    plan._history_user = actor
    plan.save()
    _set_m2m(plan, {"our_participants": users, "customer_contacts": contacts})
    return plan


@transaction.atomic
def plan_update(*, actor, plan: ResearchPlan, expected_version: int | None, **changes) -> ResearchPlan:
    """Edit the plan in place; the history keeps the earlier versions."""
    _check_editable(changes, PLAN_FIELDS)
    locked = ResearchPlan.objects.select_for_update().select_related("opportunity").get(pk=plan.pk)
    _require_research(actor, locked)
    check_version(locked, expected_version)
    _clean_text(changes)
    if "methods" in changes:
        changes["methods"] = _clean_methods(changes["methods"])
    m2m = _split_m2m(changes)
    changed = apply_changes(locked, changes)
    rules = _Rules()
    _plan_rules(locked, rules)
    _people_rules(rules, locked.opportunity, users=m2m.get("our_participants"),
                  contacts=m2m.get("customer_contacts"))
    rules.raise_with(locked)
    if _set_m2m(locked, m2m) and not changed:
        changed = ["other_participants"]  # record a history row and bump the version for the people
    _save(locked, changed, actor=actor)
    return locked


# --- activities --------------------------------------------------------------------------------------


def _activity_rules(activity: ResearchActivity, rules: _Rules) -> None:
    if not activity.subject:
        rules.add("subject", "required", _("Give the activity a subject (who, about what)."))
    if activity.status == ActivityStatus.DONE:
        if not activity.notes:
            rules.add("notes", "required", _("Write the notes of the activity: what was learned."))
        _not_future(rules, activity.scheduled_at, field="scheduled_at",
                    message=_("A done activity cannot be in the future: correct its date and time."))


@transaction.atomic
def activity_create(*, actor, opportunity, kind: str, subject: str, scheduled_at, duration_minutes=None,
                    location: str = "", our_participants=(), customer_contacts=(), other_participants: str = "",
                    notes: str = "", done: bool = False) -> ResearchActivity:
    """A research activity of an opportunity with a plan, planned (or recorded as done, with notes)."""
    opportunity = _visible_opportunity(actor, opportunity)
    _require_research(actor, opportunity)
    _require_plan(opportunity)
    now = timezone.now()
    activity = ResearchActivity(
        opportunity=opportunity, kind=kind, subject=(subject or "").strip(), scheduled_at=scheduled_at,
        duration_minutes=duration_minutes, location=(location or "").strip(),
        other_participants=(other_participants or "").strip(), notes=(notes or "").strip(),
        status=ActivityStatus.DONE if done else ActivityStatus.PLANNED, done_at=now if done else None,
        created_by=actor,
    )
    rules = _Rules()
    _activity_rules(activity, rules)
    users, contacts = list(our_participants or []), list(customer_contacts or [])
    _people_rules(rules, opportunity, users=users, contacts=contacts)
    rules.raise_with(activity)
    activity._history_user = actor
    activity.save()
    _set_m2m(activity, {"our_participants": users, "customer_contacts": contacts})
    return activity


def _lock_activity(activity) -> ResearchActivity:
    return ResearchActivity.objects.select_for_update(of=("self",)).select_related("opportunity").get(pk=activity.pk)


@transaction.atomic
def activity_update(*, actor, activity: ResearchActivity, expected_version: int | None,
                    **changes) -> ResearchActivity:
    _check_editable(changes, ACTIVITY_FIELDS)
    locked = _lock_activity(activity)
    _require_research(actor, locked)
    check_version(locked, expected_version)
    _clean_text(changes)
    m2m = _split_m2m(changes)
    changed = apply_changes(locked, changes)
    rules = _Rules()
    _activity_rules(locked, rules)
    _people_rules(rules, locked.opportunity, users=m2m.get("our_participants"),
                  contacts=m2m.get("customer_contacts"))
    rules.raise_with(locked)
    if _set_m2m(locked, m2m) and not changed:
        changed = ["other_participants"]
    _save(locked, changed, actor=actor)
    return locked


@transaction.atomic
def activity_complete(*, actor, activity: ResearchActivity, notes: str, expected_version: int | None = None,
                      scheduled_at=None) -> ResearchActivity:
    """planned → done: the notes are required, and the activity has happened (not in the future)."""
    locked = _lock_activity(activity)
    _require_research(actor, locked)
    check_version(locked, expected_version)
    if locked.status != ActivityStatus.PLANNED:
        raise TransitionRefused(_("Only a planned activity can be marked done (this one is %(status)s).")
                                % {"status": locked.get_status_display()}, reasons=[], code="not_planned")
    changes = {"notes": (notes or "").strip(), "status": ActivityStatus.DONE, "done_at": timezone.now()}
    if scheduled_at is not None:
        changes["scheduled_at"] = scheduled_at
    changed = apply_changes(locked, changes)
    rules = _Rules()
    _activity_rules(locked, rules)
    rules.raise_with(locked)
    _save(locked, changed, actor=actor, reason=_("Activity done"))
    return locked


@transaction.atomic
def activity_cancel(*, actor, activity: ResearchActivity, expected_version: int | None = None) -> ResearchActivity:
    """planned → cancelled (kept for the record)."""
    locked = _lock_activity(activity)
    _require_research(actor, locked)
    check_version(locked, expected_version)
    if locked.status != ActivityStatus.PLANNED:
        raise TransitionRefused(_("Only a planned activity can be cancelled (this one is %(status)s).")
                                % {"status": locked.get_status_display()}, reasons=[], code="not_planned")
    _save(locked, apply_changes(locked, {"status": ActivityStatus.CANCELLED}), actor=actor,
          reason=_("Activity cancelled"))
    return locked


@transaction.atomic
def activity_attach(*, actor, activity: ResearchActivity, file, title: str = "", description: str = ""):
    """Upload an attachment (questionnaire, interview record, photos...) as a document of the
    archive in the "requirement research" category, linked to the activity."""
    from presales.documents.models import DocumentCategory
    from presales.documents.services import document_create

    locked = _lock_activity(activity)
    _require_research(actor, locked)
    name = getattr(file, "name", "") or ""
    title = (title or "").strip() or name.rsplit("/", 1)[-1] or str(locked)
    document = document_create(
        actor=actor, title=title, category=DocumentCategory.objects.filter(kind="research").first(), file=file,
        opportunity=locked.opportunity, description=(description or "").strip() or str(locked),
    )
    locked.attachments.add(document)
    locked.version += 1
    locked._history_user = actor
    locked._change_reason = _("Attachment added")
    locked.save(update_fields=["version", "updated_at"])
    return document


# --- report ------------------------------------------------------------------------------------------


@transaction.atomic
def report_create(*, actor, opportunity, summary: str, current_state: str = "", pain_points: str = "",
                  findings: str = "", recommendations: str = "") -> ResearchReport:
    """The research report of an opportunity with a plan (one per opportunity)."""
    opportunity = _visible_opportunity(actor, opportunity)
    _require_research(actor, opportunity)
    _require_plan(opportunity)
    if ResearchReport.objects.filter(opportunity_id=opportunity.pk).exists():
        raise DomainError(_("This opportunity has a research report already: edit it."), code="report_exists",
                          field="opportunity")
    report = ResearchReport(opportunity=opportunity, created_by=actor, **_clean_text({
        "summary": summary, "current_state": current_state, "pain_points": pain_points, "findings": findings,
        "recommendations": recommendations}))
    rules = _Rules()
    if not report.summary:
        rules.add("summary", "required", _("Write the summary of the research."))
    rules.raise_with(report)
    report._history_user = actor
    report.save()
    return report


@transaction.atomic
def report_update(*, actor, report: ResearchReport, expected_version: int | None, **changes) -> ResearchReport:
    _check_editable(changes, REPORT_FIELDS)
    locked = ResearchReport.objects.select_for_update(of=("self",)).select_related("opportunity").get(pk=report.pk)
    _require_research(actor, locked)
    check_version(locked, expected_version)
    changed = apply_changes(locked, _clean_text(changes))
    rules = _Rules()
    if not locked.summary:
        rules.add("summary", "required", _("Write the summary of the research."))
    rules.raise_with(locked)
    _save(locked, changed, actor=actor)
    return locked


# --- requirement items -------------------------------------------------------------------------------


def _item_rules(item: RequirementItem, rules: _Rules, opportunity) -> None:
    if not item.title:
        rules.add("title", "required", _("Give the requirement a title."))
    if item.source_activity_id and item.source_activity.opportunity_id != opportunity.pk:
        rules.add("source_activity", "foreign_activity", _("Choose an activity of this opportunity."))
    if item.source_contact_id and item.source_contact.customer_id != opportunity.customer_id:
        rules.add("source_contact", "foreign_contact", _("Choose a contact of this opportunity's customer."))


def _set_changed(plan: ResearchPlan, *, actor) -> None:
    """The requirement set changed: bump its revision; if it now reads exactly as the latest
    confirmation round confirmed it, that round is current again."""
    now = timezone.now()
    ResearchPlan.objects.filter(pk=plan.pk).update(
        requirements_revision=F("requirements_revision") + 1, requirements_changed_at=now
    )
    plan.refresh_from_db(fields=["requirements_revision", "requirements_changed_at"])
    latest = selectors.latest_confirmation(plan.opportunity_id)
    if latest is not None:
        items = selectors.current_items(plan.opportunity_id)
        if items and selectors.diff_size(selectors.snapshot_diff(latest.snapshot, items)) == 0:
            RequirementConfirmation.objects.filter(pk=latest.pk).update(revision=plan.requirements_revision)
    _refresh_progress(plan.opportunity_id)


def _refresh_progress(opportunity_id: int) -> None:
    """The opportunity's stored progress status follows (our bulk UPDATEs send no save signal)."""
    try:
        from presales.opportunities.progress import refresh
    except ImportError:  # pragma: no cover - the opportunities app without a progress status
        return
    refresh([opportunity_id])


@transaction.atomic
def item_create(*, actor, opportunity, title: str, description: str = "", priority: str = "should",
                category: str = "functional", status: str = RequirementStatus.PROPOSED, source_activity=None,
                source_contact=None, raised_by: str = "") -> RequirementItem:
    """A requirement item of an opportunity with a plan, numbered REQ-001, REQ-002... per opportunity."""
    opportunity = _visible_opportunity(actor, opportunity)
    _require_research(actor, opportunity)
    plan = _require_plan(opportunity)
    number = (RequirementItem.objects.filter(opportunity_id=opportunity.pk).aggregate(n=Max("number"))["n"] or 0) + 1
    item = RequirementItem(
        opportunity=opportunity, number=number, title=(title or "").strip(), description=(description or "").strip(),
        priority=priority, category=category, status=status, source_activity=source_activity,
        source_contact=source_contact, raised_by=(raised_by or "").strip(), created_by=actor,
    )
    rules = _Rules()
    _item_rules(item, rules, opportunity)
    rules.raise_with(item, exclude=["number"])
    item._history_user = actor
    item.save()
    if item.status in IN_SET_STATUSES:
        _set_changed(plan, actor=actor)
    return item


@transaction.atomic
def item_update(*, actor, item: RequirementItem, expected_version: int | None, **changes) -> RequirementItem:
    """Change an item (withdraw it with status "withdrawn"). A change to what the customer
    confirmed makes the confirmation outdated."""
    _check_editable(changes, ITEM_FIELDS)
    locked = RequirementItem.objects.select_for_update(of=("self",)).select_related("opportunity").get(pk=item.pk)
    _require_research(actor, locked)
    check_version(locked, expected_version)
    plan = _require_plan(locked.opportunity)
    before = selectors.item_snapshot(locked) if locked.status in IN_SET_STATUSES else None
    changed = apply_changes(locked, _clean_text(changes))
    rules = _Rules()
    _item_rules(locked, rules, locked.opportunity)
    rules.raise_with(locked)
    _save(locked, changed, actor=actor)
    after = selectors.item_snapshot(locked) if locked.status in IN_SET_STATUSES else None
    if (before is None) != (after is None) or (
        before is not None and selectors._comparable(before) != selectors._comparable(after)
    ):
        _set_changed(plan, actor=actor)
    return locked


# --- confirmation ------------------------------------------------------------------------------------


@transaction.atomic
def confirmation_record(*, actor, opportunity, method: str, confirmed_on, contact=None, signatory_name: str = "",
                        signatory_title: str = "", reference: str = "", notes: str = "") -> RequirementConfirmation:
    """Record that the customer confirmed the requirement set as it reads now (a new round). Refused
    without any item, and when the latest round still holds (nothing changed since)."""
    opportunity = _visible_opportunity(actor, opportunity)
    if opportunity.is_closed:
        raise TransitionRefused(_("This opportunity is closed: its research is read-only."), reasons=[],
                                code="opportunity_closed")
    if not permissions.can_confirm(actor, opportunity):
        raise PermissionDenied(_("Only the opportunity's research team, its sales owner, the team lead or a manager "
                                 "record the customer's confirmation."))
    plan = ResearchPlan.objects.select_for_update().filter(opportunity_id=opportunity.pk).first()
    items = selectors.current_items(opportunity.pk)
    if plan is None or not items:
        raise DomainError(_("There is no requirement item to confirm: record the requirements first."),
                          code="no_items", field="__all__")
    latest = selectors.latest_confirmation(opportunity.pk)
    if latest is not None and latest.revision == plan.requirements_revision:
        raise DomainError(_("The requirement set is confirmed already (round %(round)s of %(date)s) and has not "
                            "changed since.") % {"round": latest.round,
                                                 "date": latest.confirmed_on.strftime("%Y-%m-%d")},
                          code="already_confirmed", field="__all__")
    rules = _Rules()
    signatory_name, signatory_title = (signatory_name or "").strip(), (signatory_title or "").strip()
    if contact is not None:
        if contact.customer_id != opportunity.customer_id:
            rules.add("contact", "foreign_contact", _("Choose a contact of this opportunity's customer."))
        signatory_name = signatory_name or contact.name
        signatory_title = signatory_title or contact.title
    if not signatory_name:
        rules.add("signatory_name", "required", _("Name the customer's person who confirmed (or choose the contact)."))
    reference = (reference or "").strip()
    if method in ("email", "meeting") and not reference:
        rules.add("reference", "required", _("Record the evidence: the e-mail (sender, subject, confirming sentence) "
                                             "or the meeting minutes' reference."))
    _not_future(rules, confirmed_on, field="confirmed_on")
    if latest is not None and confirmed_on is not None and confirmed_on < latest.confirmed_on:
        rules.add("confirmed_on", "before_previous", _("This round cannot be dated before the previous one (%(date)s).")
                  % {"date": latest.confirmed_on.strftime("%Y-%m-%d")})
    confirmation = RequirementConfirmation(
        opportunity=opportunity, round=(latest.round + 1) if latest else 1, method=method,
        confirmed_on=confirmed_on, contact=contact, signatory_name=signatory_name, signatory_title=signatory_title,
        reference=reference, notes=(notes or "").strip(), snapshot=selectors.set_snapshot(items),
        revision=plan.requirements_revision, item_count=len(items), created_by=actor,
    )
    rules.raise_with(confirmation)
    confirmation._history_user = actor
    confirmation.save()
    return confirmation


# --- archive -----------------------------------------------------------------------------------------


def report_archive(*, actor, report: ResearchReport):
    """File the report's DOCX in the archive (a new version of the same document after changes)."""
    from presales.documents.artefacts import archive_artefact

    from . import exports

    _require_research(actor, report)
    content, _type, filename = exports.report_docx_file(report)
    return archive_artefact(
        actor=actor, source=report, kind="research_report", title=_("Research report: %(name)s")
        % {"name": report.opportunity.name}, category_kind="research", filename=filename, content=content,
        opportunity=report.opportunity, change_summary=_("Research report exported (version %(v)s)")
        % {"v": report.version},
    )


def confirmation_archive(*, actor, confirmation: RequirementConfirmation):
    """File the 需求确认书 of one round in the archive."""
    from presales.documents.artefacts import archive_artefact

    from . import exports

    if not permissions.can_confirm(actor, confirmation):
        raise PermissionDenied(_("You may not file this confirmation."))
    content, _type, filename = exports.confirmation_docx_file(confirmation)
    return archive_artefact(
        actor=actor, source=confirmation, kind="requirement_confirmation",
        title=_("Requirement confirmation no. %(round)s: %(name)s")
        % {"round": confirmation.round, "name": confirmation.opportunity.name},
        category_kind="research", filename=filename, content=content, opportunity=confirmation.opportunity,
    )

"""Every write to demos and their records. Keyword-only, atomic, the demo row locked
(`select_for_update`) before its records change, rules checked with translated DomainErrors, each
status move an explicit DemoEvent, history kept by django-simple-history.

Customer questions feed the customer's feedback list (客户反馈清单) through the customers app's
services: an open question is linked to exactly one FeedbackItem (created once, or an identical
open item of the same demo's opportunity is reused), kept in step when the question is edited and
resolved when the question is answered — never duplicated however often the demo is edited."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from presales.core.concurrency import apply_changes, check_version, save_fields
from presales.core.errors import DomainError, PermissionDenied, TransitionRefused
from presales.core.services import FieldErrors

from . import permissions
from .choices import DEFAULT_MATERIALS, OPEN_STATUSES, MaterialKind, Mode, QuestionStatus, Side, Status
from .models import Demo, DemoAttendee, DemoEvent, DemoMaterial, DemoQuestion
from .workflow import DELIVER, REASON_REQUIRED, SUMMARISE, demo_flow

DEMO_EDITABLE_FIELDS = ("title", "scenario", "goals", "planned_at", "mode", "location", "presenters")
PREPARATION_FIELDS = (
    "environment_url",
    "environment_notes",
    "rehearsal_on",
    "rehearsal_participants",
    "rehearsal_done",
    "rehearsal_notes",
)
MATERIAL_FIELDS = ("kind", "description", "required", "ready")
QUESTION_FIELDS = ("question", "asked_by", "asked_by_contact", "answer", "status")
SUMMARY_FIELDS = ("customer_reaction", "strengths", "issues", "follow_up_actions", "next_steps")
FUTURE_TOLERANCE = timedelta(minutes=10)


_Rules = FieldErrors  # the collector every service here uses (core.services)


def _check_editable(changes: dict, allowed) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="not_editable",
        )


def _lock_demo(demo) -> Demo:
    return (
        Demo.objects.select_for_update(of=("self",)).select_related("opportunity", "customer").get(pk=demo.pk)
    )


def _require_work(actor, demo) -> None:
    if not permissions.can_work_on(actor, demo):
        raise PermissionDenied(_("You may not work on this demo."))


def _require_status(demo: Demo, statuses, message: str) -> None:
    if demo.status not in statuses:
        raise TransitionRefused(message, reasons=[], code="demo_status")


def _require_planned(demo: Demo) -> None:
    _require_status(
        demo,
        (Status.PLANNED,),
        _("The preparation can change only while the demo is planned: reopen the preparation first."),
    )


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


def _touch(demo: Demo, *, actor) -> None:
    """A change to the demo's records moves the demo's version too (and its ETag)."""
    demo.version += 1
    demo._history_user = actor
    demo.save(update_fields=["version", "updated_at"])


def _strip(changes: dict, names) -> None:
    for name in names:
        if name in changes:
            changes[name] = (changes[name] or "").strip()


def _check_presenters(rules: _Rules, presenters) -> list:
    people = [p for p in (presenters or []) if p is not None]
    if not people:
        rules.add("presenters", "required", _("Name at least one presenter."))
    for person in people:
        if not person.is_active or not person.role_codes:
            rules.add(
                "presenters",
                "invalid_person",
                _("%(name)s is not an active colleague with a role.") % {"name": person},
            )
    return people


def _demo_rules(demo: Demo, rules: _Rules) -> None:
    if demo.mode == Mode.REMOTE and not demo.location.strip():
        rules.add("location", "location_required", _("Give the meeting link of a remote demo."))


# --- demo ------------------------------------------------------------


@transaction.atomic
def demo_create(
    *,
    actor,
    opportunity,
    title: str,
    planned_at,
    presenters,
    scenario: str = "",
    goals: str = "",
    mode: str = Mode.ON_SITE,
    location: str = "",
) -> Demo:
    """A new demo of an open opportunity the actor may see and work on, planned, with the default
    materials checklist (deck, script, data; handouts optional)."""
    from presales.opportunities.models import Opportunity

    if opportunity is None or not Opportunity.objects.visible_to(actor).filter(pk=opportunity.pk).exists():
        raise DomainError(_("Choose an opportunity you can see."), code="invalid", field="opportunity")
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not permissions.can_create_demo(actor, opportunity):
        raise PermissionDenied(
            _("Only the opportunity's presales lead, its members, the team lead or a manager plan a demo.")
        )
    if opportunity.is_closed:
        raise DomainError(
            _("This opportunity is closed: no new demo."), code="opportunity_closed", field="opportunity"
        )
    now = timezone.now()
    demo = Demo(
        opportunity=opportunity,
        customer_id=opportunity.customer_id,
        title=(title or "").strip(),
        scenario=(scenario or "").strip(),
        goals=(goals or "").strip(),
        planned_at=planned_at,
        mode=mode or Mode.ON_SITE,
        location=(location or "").strip(),
        status=Status.PLANNED,
        status_changed_at=now,
        created_by=actor,
    )
    rules = _Rules()
    people = _check_presenters(rules, presenters)
    _demo_rules(demo, rules)
    rules.raise_with(demo)
    _create(demo, actor=actor)
    demo.presenters.set(people)
    DemoMaterial.objects.bulk_create(
        [
            DemoMaterial(demo=demo, kind=kind, required=required, position=i, created_by=actor)
            for i, (kind, required) in enumerate(DEFAULT_MATERIALS, start=1)
        ]
    )
    DemoEvent.objects.create(
        demo=demo, from_status="", to_status=Status.PLANNED, actor=actor, reason=_("Demo planned")
    )
    return demo


@transaction.atomic
def demo_update(*, actor, demo: Demo, expected_version: int | None, **changes) -> Demo:
    """Edit the plan (title, scenario, goals, date, place, presenters) — reschedule it, too — while
    the demo is planned or prepared."""
    _check_editable(changes, DEMO_EDITABLE_FIELDS)
    locked = _lock_demo(demo)
    _require_work(actor, locked)
    check_version(locked, expected_version)
    _require_status(locked, OPEN_STATUSES, _("This demo has taken place or is cancelled: its plan is final."))
    presenters = changes.pop("presenters", None)
    _strip(changes, ("title", "scenario", "goals", "location"))
    changed = apply_changes(locked, changes)
    rules = _Rules()
    people = None
    if presenters is not None:
        people = _check_presenters(rules, presenters)
    _demo_rules(locked, rules)
    rules.raise_with(locked)
    if people is not None and {p.pk for p in people} != set(locked.presenters.values_list("pk", flat=True)):
        locked.presenters.set(people)
        changed.append("updated_at")
    _save(locked, changed, actor=actor)
    return locked


# --- preparation ------------------------------------------------------------


@transaction.atomic
def preparation_update(*, actor, demo: Demo, expected_version: int | None, **changes) -> Demo:
    """The demo environment and the rehearsal. Changing the environment's URL or notes means it
    must be checked again."""
    _check_editable(changes, PREPARATION_FIELDS)
    locked = _lock_demo(demo)
    _require_work(actor, locked)
    check_version(locked, expected_version)
    _require_planned(locked)
    _strip(changes, ("environment_url", "environment_notes", "rehearsal_participants", "rehearsal_notes"))
    changed = apply_changes(locked, changes)
    if {"environment_url", "environment_notes"} & set(changed) and locked.environment_checked:
        changed += apply_changes(
            locked,
            {"environment_checked": False, "environment_checked_by": None, "environment_checked_at": None},
        )
    rules = _Rules()
    _not_future(rules, locked.rehearsal_on, field="rehearsal_on")
    if locked.rehearsal_done:
        if locked.rehearsal_on is None:
            rules.add("rehearsal_on", "required", _("Give the date of the rehearsal."))
        if not locked.rehearsal_participants:
            rules.add("rehearsal_participants", "required", _("Name who took part in the rehearsal."))
    rules.raise_with(locked)
    _save(locked, changed, actor=actor)
    return locked


@transaction.atomic
def environment_check(
    *, actor, demo: Demo, checked: bool = True, expected_version: int | None = None
) -> Demo:
    """Record that the demo environment was checked (by the actor, now), or withdraw the check."""
    locked = _lock_demo(demo)
    _require_work(actor, locked)
    check_version(locked, expected_version)
    _require_planned(locked)
    if checked and not (locked.environment_url or locked.environment_notes):
        raise DomainError(
            _("Describe the demo environment (URL or notes) before checking it."),
            code="environment_missing",
            field="environment_url",
        )
    changes = (
        {
            "environment_checked": True,
            "environment_checked_by": actor,
            "environment_checked_at": timezone.now(),
        }
        if checked
        else {"environment_checked": False, "environment_checked_by": None, "environment_checked_at": None}
    )
    _save(locked, apply_changes(locked, changes), actor=actor)
    return locked


@transaction.atomic
def material_create(
    *, actor, demo: Demo, kind: str, description: str = "", required: bool = True, ready: bool = False
) -> DemoMaterial:
    locked = _lock_demo(demo)
    _require_work(actor, locked)
    _require_planned(locked)
    position = (DemoMaterial.objects.filter(demo=locked).aggregate(m=Max("position"))["m"] or 0) + 1
    material = DemoMaterial(
        demo=locked,
        kind=kind,
        description=(description or "").strip(),
        required=bool(required),
        ready=bool(ready),
        position=position,
        created_by=actor,
    )
    rules = _Rules()
    _material_rules(material, rules)
    rules.raise_with(material, exclude=["demo"])
    _create(material, actor=actor)
    _touch(locked, actor=actor)
    return material


def _material_rules(material: DemoMaterial, rules: _Rules) -> None:
    if material.kind == MaterialKind.OTHER and not material.description:
        rules.add("description", "required", _("Describe the material."))
    if material.ready and material.kind == MaterialKind.DECK and material.document_id is None:
        rules.add(
            "ready", "deck_missing", _("Upload the demo deck: it is ready once it is a registered document.")
        )


@transaction.atomic
def material_update(
    *, actor, material: DemoMaterial, expected_version: int | None, **changes
) -> DemoMaterial:
    _check_editable(changes, MATERIAL_FIELDS)
    locked = DemoMaterial.objects.select_for_update(of=("self",)).get(pk=material.pk)
    demo = _lock_demo(locked.demo)
    _require_work(actor, demo)
    check_version(locked, expected_version)
    _require_planned(demo)
    _strip(changes, ("description",))
    changed = apply_changes(locked, changes)
    rules = _Rules()
    _material_rules(locked, rules)
    rules.raise_with(locked)
    _save(locked, changed, actor=actor)
    if changed:
        _touch(demo, actor=actor)
    return locked


@transaction.atomic
def deck_upload(*, actor, demo: Demo, file, title: str = "", change_summary: str = "") -> Demo:
    """Upload the demo deck (演示文稿) as a registered document of category "demo" (or a new version
    of the deck already registered); the deck line of the checklist becomes ready."""
    from presales.documents.models import DocumentCategory
    from presales.documents.services import document_add_version, document_create

    locked = _lock_demo(demo)
    _require_work(actor, locked)
    _require_planned(locked)
    title = (title or "").strip() or _("Demo deck: %(title)s") % {"title": locked.title}
    if locked.deck_document_id is None:
        document = document_create(
            actor=actor,
            title=title,
            category=DocumentCategory.objects.filter(kind="demo").first(),
            file=file,
            opportunity=locked.opportunity,
            description=_("Demo deck of “%(title)s”.") % {"title": locked.title},
        )
        changed = apply_changes(locked, {"deck_document": document})
    else:
        document_add_version(
            actor=actor,
            document=locked.deck_document,
            file=file,
            change_summary=(change_summary or "").strip() or _("New demo deck"),
        )
        document, changed = locked.deck_document, ["updated_at"]
    deck = DemoMaterial.objects.filter(demo=locked, kind=MaterialKind.DECK).order_by("position", "pk").first()
    if deck is None:
        deck = DemoMaterial(demo=locked, kind=MaterialKind.DECK, required=True, position=0, created_by=actor)
    deck.document, deck.ready = document, True
    deck._history_user = actor
    if deck.pk:
        deck.version += 1
    deck.save()
    _save(locked, changed, actor=actor)
    return locked


# --- status ------------------------------------------------------------


@transaction.atomic
def demo_move(
    *, actor, demo: Demo, to_status: str, reason: str = "", expected_version: int | None = None
) -> Demo:
    """Move the demo along its workflow (see workflow.py): every refusal names its open items; a
    move writes a DemoEvent."""
    locked = _lock_demo(demo)
    check_version(locked, expected_version)
    source = locked.status
    transition = demo_flow.get(source, to_status)
    if transition is None:
        raise TransitionRefused(
            _("A demo cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": Status(source).label,
                "to": Status(to_status).label if to_status in Status.values else to_status,
            },
            reasons=[],
            code="invalid_transition",
        )
    if not transition.allowed(actor, locked):
        raise PermissionDenied(_("You may not move this demo to “%(to)s”.") % {"to": Status(to_status).label})
    reason = (reason or "").strip()
    if transition.action in REASON_REQUIRED and not reason:
        raise DomainError(_("Say why."), code="reason_required", field="reason")
    reasons = demo_flow.unmet_conditions(locked, transition)
    if reasons:
        raise TransitionRefused(
            _("The demo cannot move to “%(to)s” yet.") % {"to": Status(to_status).label}, reasons=reasons
        )
    changes = {"status": to_status, "status_changed_at": timezone.now()}
    if to_status == Status.CANCELLED:
        changes["cancel_reason"] = reason
    if transition.action == SUMMARISE:
        changes["summarised_at"] = timezone.now()
    _save(locked, apply_changes(locked, changes), actor=actor, reason=reason)
    DemoEvent.objects.create(demo=locked, from_status=source, to_status=to_status, actor=actor, reason=reason)
    return locked


# --- delivery ------------------------------------------------------------


def _attendee_rows(rules: _Rules, demo: Demo, attendees) -> list[DemoAttendee]:
    from presales.accounts.models import User
    from presales.customers.models import Contact

    rows = []
    for entry in attendees or []:
        side = entry.get("side")
        contact, user = entry.get("contact"), entry.get("user")
        if isinstance(contact, int):
            contact = Contact.objects.filter(pk=contact).first()
        if isinstance(user, int):
            user = User.objects.filter(pk=user).first()
        name = (entry.get("name") or "").strip()
        role = (entry.get("role") or "").strip()
        if side not in Side.values:
            rules.add("attendees", "invalid_side", _("Choose the side of every attendee."))
            continue
        if contact is not None:
            if side != Side.CUSTOMER or contact.customer_id != demo.customer_id:
                rules.add(
                    "attendees",
                    "invalid_contact",
                    _("%(name)s is not a contact of this customer.") % {"name": contact.name},
                )
                continue
            name = name or contact.name
            role = role or str(contact.get_role_display())
        if user is not None:
            if side != Side.OURS or not user.is_active:
                rules.add(
                    "attendees",
                    "invalid_person",
                    _("%(name)s is not an active colleague of our side.") % {"name": user},
                )
                continue
            name = name or str(user)
        if not name:
            continue
        rows.append(
            DemoAttendee(demo=demo, side=side, name=name[:64], role=role[:64], contact=contact, user=user)
        )
    return rows


@transaction.atomic
def delivery_record(
    *,
    actor,
    demo: Demo,
    delivered_at,
    duration_minutes,
    attendees,
    notes: str = "",
    expected_version: int | None = None,
) -> Demo:
    """Record (or correct) the delivery 演示实施: actual date and time, duration, attendees of both
    sides (the list replaces the previous one), notes. A prepared demo becomes delivered."""
    locked = _lock_demo(demo)
    _require_work(actor, locked)
    check_version(locked, expected_version)
    _require_status(
        locked,
        (Status.PREPARED, Status.DELIVERED),
        _("The delivery is recorded for a prepared demo (and corrected until it is summarised)."),
    )
    rules = _Rules()
    if delivered_at is None:
        rules.add("delivered_at", "required", _("Give the actual date and time of the demo."))
    _not_future(rules, delivered_at, field="delivered_at")
    if duration_minutes is None:
        rules.add("duration_minutes", "required", _("Give the duration in minutes."))
    people = _attendee_rows(rules, locked, attendees)
    if not any(p.side == Side.OURS for p in people):
        rules.add("attendees", "attendees_ours", _("Name who attended for our side."))
    if not any(p.side == Side.CUSTOMER for p in people):
        rules.add("attendees", "attendees_customer", _("Name who attended for the customer."))
    changed = apply_changes(
        locked,
        {
            "delivered_at": delivered_at,
            "duration_minutes": duration_minutes,
            "delivery_notes": (notes or "").strip(),
        },
    )
    rules.raise_with(locked)
    locked.attendees.all().delete()
    for person in people:
        person.created_by = actor
    DemoAttendee.objects.bulk_create(people)
    _save(locked, changed or ["delivery_notes"], actor=actor)
    if locked.status == Status.PREPARED:
        transition = demo_flow.get(Status.PREPARED, Status.DELIVERED)
        assert transition.action == DELIVER
        return demo_move(actor=actor, demo=locked, to_status=Status.DELIVERED)
    return locked


# --- customer questions and the feedback list ------------------------------------------------------------


def _feedback_owner(demo: Demo, actor):
    lead = demo.opportunity.presales_lead
    if lead is not None and lead.is_active and lead.role_codes:
        return lead
    return actor


def _sync_feedback(*, actor, question: DemoQuestion, demo: Demo) -> None:
    """Keep the question's feedback item in step (see the module docstring)."""
    from presales.customers import services as customer_services
    from presales.customers.choices import FeedbackSource, FeedbackStatus
    from presales.customers.models import FeedbackItem

    closed = (FeedbackStatus.RESOLVED, FeedbackStatus.DECLINED)
    item = question.feedback_item
    if question.status == QuestionStatus.OPEN:
        if item is None:
            item = (
                FeedbackItem.objects.select_for_update(of=("self",))
                .filter(
                    customer_id=demo.customer_id,
                    opportunity_id=demo.opportunity_id,
                    source=FeedbackSource.DEMO,
                    content=question.question,
                    demo_question__isnull=True,
                )
                .exclude(status__in=closed)
                .order_by("pk")
                .first()
            )
            if item is None:
                raised = (
                    timezone.localtime(demo.delivered_at).date()
                    if demo.delivered_at
                    else timezone.localdate()
                )
                item = customer_services.feedback_create(
                    actor=actor,
                    customer=demo.customer,
                    source=FeedbackSource.DEMO,
                    raised_on=raised,
                    content=question.question,
                    owner=_feedback_owner(demo, actor),
                    opportunity=demo.opportunity,
                )
            question.feedback_item = item
            question.save(update_fields=["feedback_item"])
            return
        if item.content != question.question:
            item = customer_services.feedback_update(
                actor=actor, item=item, expected_version=None, content=question.question
            )
        if item.status in closed:
            customer_services.feedback_set_status(
                actor=actor,
                item=item,
                status=FeedbackStatus.OPEN,
                resolution=_("The question is open again."),
                expected_version=None,
            )
        return
    if item is not None and item.status not in closed:
        customer_services.feedback_set_status(
            actor=actor,
            item=item,
            status=FeedbackStatus.RESOLVED,
            resolution=question.answer,
            expected_version=None,
        )


def _question_rules(question: DemoQuestion, demo: Demo, rules: _Rules) -> None:
    if not question.question:
        rules.add("question", "required", _("Write the customer's question."))
    contact = question.asked_by_contact
    if contact is not None and contact.customer_id != demo.customer_id:
        rules.add("asked_by_contact", "invalid_contact", _("Choose one of this customer's contacts."))
    if question.status == QuestionStatus.ANSWERED and not question.answer:
        rules.add("answer", "answer_missing", _("Write the answer given to an answered question."))


def _require_questions(actor, demo: Demo) -> None:
    if not permissions.can_record_questions(actor, demo):
        raise PermissionDenied(_("You may not record questions of this demo."))
    _require_status(
        demo,
        (Status.DELIVERED, Status.SUMMARISED),
        _("Customer questions are recorded once the demo is delivered."),
    )


@transaction.atomic
def question_create(
    *,
    actor,
    demo: Demo,
    question: str,
    asked_by: str = "",
    asked_by_contact=None,
    answer: str = "",
    status: str = QuestionStatus.OPEN,
) -> DemoQuestion:
    """A question the customer raised; an open one goes on the customer's feedback list."""
    locked = _lock_demo(demo)
    _require_questions(actor, locked)
    row = DemoQuestion(
        demo=locked,
        question=(question or "").strip(),
        asked_by=(asked_by or "").strip(),
        asked_by_contact=asked_by_contact,
        answer=(answer or "").strip(),
        status=status or QuestionStatus.OPEN,
        created_by=actor,
    )
    if not row.asked_by and asked_by_contact is not None:
        row.asked_by = asked_by_contact.name
    rules = _Rules()
    _question_rules(row, locked, rules)
    rules.raise_with(row, exclude=["demo"])
    _create(row, actor=actor)
    _sync_feedback(actor=actor, question=row, demo=locked)
    _touch(locked, actor=actor)
    return row


@transaction.atomic
def question_update(
    *, actor, demo_question: DemoQuestion, expected_version: int | None, **changes
) -> DemoQuestion:
    """Edit a question, answer it or reopen it; its feedback item follows (never a second one)."""
    _check_editable(changes, QUESTION_FIELDS)
    locked = (
        DemoQuestion.objects.select_for_update(of=("self",))
        .select_related("feedback_item")
        .get(pk=demo_question.pk)
    )
    demo = _lock_demo(locked.demo)
    _require_questions(actor, demo)
    check_version(locked, expected_version)
    _strip(changes, ("question", "asked_by", "answer"))
    changed = apply_changes(locked, changes)
    if "asked_by_contact" in changed and locked.asked_by_contact is not None and not changes.get("asked_by"):
        changed += apply_changes(locked, {"asked_by": locked.asked_by_contact.name})
    rules = _Rules()
    _question_rules(locked, demo, rules)
    rules.raise_with(locked)
    _save(locked, changed, actor=actor)
    _sync_feedback(actor=actor, question=locked, demo=demo)
    if changed:
        _touch(demo, actor=actor)
    return locked


# --- summary report ------------------------------------------------------------


@transaction.atomic
def summary_record(*, actor, demo: Demo, expected_version: int | None = None, **sections) -> Demo:
    """Write (or correct) the summary report 演示总结报告: customer reaction, strengths, issues,
    follow-up actions, next steps — all five. A delivered demo becomes summarised; the report is
    exported as DOCX and archived as a registered document (a new version on every change)."""
    _check_editable(sections, SUMMARY_FIELDS)
    locked = _lock_demo(demo)
    _require_work(actor, locked)
    check_version(locked, expected_version)
    _require_status(
        locked,
        (Status.DELIVERED, Status.SUMMARISED),
        _("The summary report is written once the demo is delivered."),
    )
    _strip(sections, SUMMARY_FIELDS)
    changed = apply_changes(locked, sections)
    rules = _Rules()
    for name in SUMMARY_FIELDS:
        if not getattr(locked, name):
            rules.add(name, "required", _("Write this section of the summary report."))
    rules.raise_with(locked)
    _save(locked, changed, actor=actor)
    moved = locked.status == Status.DELIVERED
    if moved:
        locked = demo_move(actor=actor, demo=locked, to_status=Status.SUMMARISED)
    if changed or moved or locked.summary_document_id is None:
        archive_summary(actor=actor, demo=locked)
    return locked


def archive_summary(*, actor, demo: Demo):
    """Export the summary report as DOCX and archive it (a registered document, versioned)."""
    from presales.documents.artefacts import archive_artefact

    from . import exports

    content, file_name = exports.summary_docx(demo)
    document = archive_artefact(
        actor=actor,
        source=demo,
        kind="demo_summary",
        title=_("Demo summary report: %(title)s") % {"title": demo.title},
        category_kind="demo",
        filename=file_name,
        content=content,
        opportunity=demo.opportunity,
        change_summary=_("Summary report updated"),
    )
    if demo.summary_document_id != document.pk:
        demo.summary_document = document
        demo.save(update_fields=["summary_document"])
    return document

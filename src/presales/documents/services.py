"""Every write to the document archive. Keyword-only, atomic, the document row locked
(`select_for_update`), the person, the edited version and the workflow checked in that order, a
DocumentEvent written in the same transaction, notifications sent after commit. A refusal raises
a DomainError (field errors), PermissionDenied, StaleObjectError or TransitionRefused and changes
nothing in the database.

Numbers: stage code + YYYYMM (the creation month in the company's time zone) + a sequence per code
and month from `core.numbering`, three digits (QD202305001). After 999 the sequence simply goes on
with four digits (QD2023051000): a document is never refused for want of a number, and numbers stay
unique and in creation order within a code and month. The counter never goes back, so a number is
never reused, even after a document is deleted.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from presales.accounts.choices import RoleCode
from presales.core.concurrency import apply_changes, check_version, save_fields
from presales.core.errors import DomainError, PermissionDenied, TransitionRefused
from presales.core.numbering import sequence_next
from presales.core.services import require_text, validate_or_raise
from presales.notifications.text import Text

from . import approval, files, permissions
from .choices import (
    EDITABLE_STATUSES,
    REVIEW_STATUSES,
    AccessLevel,
    AccessRequestStatus,
    ArchiveReason,
    DocumentStatus,
    EventAction,
    FinalMode,
    ReviewStep,
)
from .models import AccessRequest, Document, DocumentEvent, DocumentVersion, DownloadLog, FileBlob
from .workflow import ACCESS, ACTION_LABELS, APPROVE, ARCHIVE, EDIT, RETURN, REVISE, SUBMIT, document_flow

EDITABLE_FIELDS = ("title", "description", "valid_until")
NUMBER_DIGITS = 3


# --- numbers ---------------------------------------------------------------------------------------


def number_prefix(*, code: str, at: datetime) -> str:
    local = timezone.localtime(at, ZoneInfo(settings.TIME_ZONE))
    return f"{code}{local.year:04d}{local.month:02d}"


def next_number(*, code: str, at: datetime) -> str:
    """QD202305001: the code, the month of `at` in the company's time zone, the next sequence
    value of that code and month (three digits, more after 999)."""
    prefix = number_prefix(code=code, at=at)
    n = sequence_next(key=f"DOC-{prefix}")
    return f"{prefix}{n:0{NUMBER_DIGITS}d}"


# --- helpers ---------------------------------------------------------------------------------------


class _Errors:
    """Collects field errors so that one DomainError reports every field at fault."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def merge(self, exc: DomainError) -> None:
        for field, messages in (exc.errors or {"__all__": [exc.message]}).items():
            for message in messages:
                if message not in self.errors.get(field, []):
                    self.add(field, message)

    def raise_if_any(self, code: str = "invalid") -> None:
        if self.errors:
            first = next(iter(self.errors.values()))[0]
            raise DomainError(first, code=code, errors=self.errors)


def _lock(document: Document) -> Document:
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("category", "opportunity", "customer")
        .get(pk=document.pk)
    )


def _refuse_state(document: Document, action: str) -> TransitionRefused:
    """The document's status does not allow `action`."""
    if document.status == DocumentStatus.ARCHIVED:
        reason = _("Archived documents are read-only.")
    elif document.status in REVIEW_STATUSES:
        reason = _("The document is under review: wait for the decision, or ask the reviewer to return it.")
    elif document.status == DocumentStatus.PUBLISHED:
        reason = _(
            "The document is published: upload a new version to change it (it then goes through "
            "approval again)."
        )
    else:
        reason = _("Not possible while the document is %(status)s.") % {
            "status": document.get_status_display()
        }
    return TransitionRefused(
        _("“%(action)s” is not possible: the document is %(status)s.")
        % {"action": ACTION_LABELS.get(action, action), "status": document.get_status_display()},
        reasons=[reason],
        code="invalid_state",
    )


def _clean_filename(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:255] or "file"


def _valid_until_errors(errors: _Errors, valid_until, *, current=None) -> None:
    if valid_until is not None and valid_until != current and valid_until < timezone.localdate():
        errors.add("valid_until", _("The validity date cannot be in the past."))


def _people_errors(errors: _Errors, people, *, field: str) -> list:
    people = [p for p in people or () if p is not None]
    if any(not p.is_active for p in people):
        errors.add(field, _("Choose active colleagues only."))
    return people


def snapshot(document: Document, *, blob: FileBlob, filename: str, named_readers=None) -> dict:
    """The metadata a version records (see metadata.py): codes, not labels, so it reads the same
    in every language."""
    readers = named_readers if named_readers is not None else list(document.named_readers.all())
    return {
        "title": document.title,
        "category": document.category.kind,
        "access_level": document.access_level,
        "valid_until": document.valid_until.isoformat() if document.valid_until else None,
        "description": document.description,
        "named_readers": sorted(str(u) for u in readers),
        "filename": filename,
        "file_type": blob.file_type,
        "size": blob.size,
        "sha256": blob.sha256,
    }


def _add_version(document: Document, *, actor, upload, kind: str, change_summary: str, named_readers=None):
    blob = files.store_blob(upload, kind=kind)
    filename = _clean_filename(upload.name)
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return DocumentVersion.objects.create(
        document=document,
        number=number,
        blob=blob,
        filename=filename,
        change_summary=change_summary,
        author=actor,
        metadata=snapshot(document, blob=blob, filename=filename, named_readers=named_readers),
    )


def _event(
    document: Document,
    *,
    action: str,
    actor,
    from_status: str = "",
    to_status: str = "",
    version=None,
    step: str = "",
    comment: str = "",
    final_mode: str = "",
    participants=(),
    at=None,
) -> DocumentEvent:
    event = DocumentEvent.objects.create(
        document=document,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=to_status or document.status,
        version=version if version is not None else document.current_version,
        step=step,
        comment=comment,
        final_mode=final_mode,
        at=at or timezone.now(),
    )
    if participants:
        event.participants.set(participants)
    return event


def _save(document: Document, changed: list[str], *, actor, reason: str = "") -> None:
    document._history_user = actor
    if reason:
        document._change_reason = reason
    save_fields(document, changed)


# --- notifications ---------------------------------------------------------------------------------


def approvers_of(document: Document, status: str):
    """The people who may decide the review step `status` of the document (not its author)."""
    from presales.accounts.models import User

    step = approval.STATUS_STEP.get(status)
    if step is None:
        return []
    q = Q(pk__in=[])
    if step == ReviewStep.DEPARTMENT_HEAD:
        q = Q(roles__code=RoleCode.DEPARTMENT_HEAD) | Q(led_teams=document.team_id)
    elif step == ReviewStep.PRESALES_MANAGER:
        q = Q(roles__code=RoleCode.PRESALES_MANAGER)
    elif step == ReviewStep.FINAL:
        q = Q(roles__code__in=[RoleCode.DEPARTMENT_HEAD, RoleCode.PRESALES_MANAGER])
    return list(User.objects.filter(q, is_active=True).exclude(pk=document.author_id).distinct())


def responsible_people(document: Document):
    from presales.accounts.models import User

    ids = {document.author_id, permissions.responsible_lead_id(document)}
    if document.team.lead_id:
        ids.add(document.team.lead_id)
    return list(User.objects.filter(pk__in=[i for i in ids if i], is_active=True))


def _notify(*, recipients, kind: str, title, body, document: Document, key: str) -> None:
    from presales.notifications.services import notify

    notify(
        recipients=recipients,
        kind=kind,
        title=title,
        body=body,
        target=document,
        dedup_key=f"documents.{key}",
    )


def _notify_step(document: Document, *, event: DocumentEvent) -> None:
    """Tell the approvers of the document's (new) step that it waits for them."""
    with translation.override(settings.LANGUAGE_CODE):
        title = Text(gettext_lazy("[%(number)s] Waiting for your review: %(title)s")) % {
            "number": document.number,
            "title": document.title,
        }
        body = Text(gettext_lazy("Step: %(step)s. Version %(version)s by %(author)s.")) % {
            "step": approval.STATUS_STEP[document.status].label,
            "version": document.current_version.number,
            "author": document.author,
        }
    _notify(
        recipients=approvers_of(document, document.status),
        kind="documents.review",
        title=title,
        body=body,
        document=document,
        key=f"event.{event.pk}.step",
    )


def _notify_decision(document: Document, *, event: DocumentEvent, actor) -> None:
    """Tell the author of a decision taken on their document."""
    step = ReviewStep(event.step).label
    with translation.override(settings.LANGUAGE_CODE):
        if event.action == EventAction.RETURNED:
            title = Text(gettext_lazy("[%(number)s] Returned by %(name)s (%(step)s)")) % {
                "number": document.number,
                "name": actor,
                "step": step,
            }
        elif document.status == DocumentStatus.PUBLISHED:
            title = Text(gettext_lazy("[%(number)s] Approved by %(name)s (%(step)s) and published")) % {
                "number": document.number,
                "name": actor,
                "step": step,
            }
        else:
            title = Text(gettext_lazy("[%(number)s] Approved by %(name)s (%(step)s)")) % {
                "number": document.number,
                "name": actor,
                "step": step,
            }
        body = event.comment or document.title
    _notify(
        recipients=[document.author],
        kind="documents.decision",
        title=title,
        body=body,
        document=document,
        key=f"event.{event.pk}.author",
    )
    from presales.notifications.services import notify_mentions

    notify_mentions(text=event.comment, author=actor, target=document, where=document.number)


# --- create, edit, versions ------------------------------------------------------------------------


@transaction.atomic
def document_create(
    *,
    actor,
    title: str,
    category,
    file,
    opportunity=None,
    customer=None,
    access_level: str = AccessLevel.TEAM,
    description: str = "",
    valid_until=None,
    named_readers=(),
    change_summary: str = "",
    source_key: str | None = None,
) -> Document:
    """A new document with its first version, numbered now. It belongs to an opportunity (and so
    to its customer) or, for a document of no project, to a customer only."""
    from presales.customers.models import Customer
    from presales.opportunities.models import Opportunity

    if not permissions.can_create(actor):
        raise PermissionDenied(_("You may not add documents."))
    errors = _Errors()
    if opportunity is not None:
        if not Opportunity.objects.visible_to(actor).filter(pk=opportunity.pk).exists():
            errors.add("opportunity", _("This opportunity does not exist or is not visible to you."))
        elif customer is not None and customer.pk != opportunity.customer_id:
            errors.add("customer", _("This opportunity belongs to another customer."))
        elif not permissions.can_add_documents(actor, opportunity=opportunity):
            errors.add(
                "opportunity",
                _("Only the project team, the team lead and managers add documents to a project."),
            )
        else:
            customer = opportunity.customer
    elif customer is None:
        errors.add("opportunity", _("Choose the opportunity, or the customer for a document of no project."))
    elif not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        errors.add("customer", _("This customer does not exist or is not visible to you."))
    elif not permissions.can_add_documents(actor, customer=customer):
        errors.add(
            "customer",
            _("Only the customer's owners, the team lead and managers add documents to a customer."),
        )
    if category is None:
        errors.add("category", _("Choose the category."))
    for message in files.upload_errors(file):
        errors.add("file", message)
    _valid_until_errors(errors, valid_until)
    readers = _people_errors(errors, named_readers, field="named_readers")
    place_ok = not ({"opportunity", "customer"} & set(errors.errors))
    document = Document(
        title=(title or "").strip(),
        category=category,
        customer=customer if place_ok else None,
        opportunity=opportunity if place_ok else None,
        team_id=customer.team_id if place_ok else None,
        author=actor,
        description=(description or "").strip(),
        access_level=access_level,
        valid_until=valid_until,
        created_by=actor,
        source_key=source_key,
    )
    exclude = ["number", *errors.errors]
    if not place_ok:
        exclude += ["customer", "team", "opportunity"]
    try:
        validate_or_raise(document, exclude=exclude)
    except DomainError as exc:
        errors.merge(exc)
    errors.raise_if_any()

    kind = files.check_upload_or_raise(file)
    now = timezone.now()
    document.number = next_number(code=category.code, at=now)
    document._history_user = actor
    document.save()
    if readers:
        document.named_readers.set(readers)
    version = _add_version(
        document,
        actor=actor,
        upload=file,
        kind=kind,
        named_readers=readers,
        change_summary=(change_summary or "").strip() or _("First version"),
    )
    # set without a second history row: the creation is one change
    Document.objects.filter(pk=document.pk).update(current_version=version)
    document.current_version = version
    _event(
        document, action=EventAction.CREATED, actor=actor, to_status=document.status, version=version, at=now
    )
    return document


def document_register_generated(
    *,
    actor,
    title: str,
    category_kind: str,
    filename: str,
    content: bytes,
    opportunity=None,
    customer=None,
    access_level: str = AccessLevel.TEAM,
    description: str = "",
    source_key: str | None = None,
) -> Document:
    """Register a generated file (an export: a report, a bid package...) as a document of the
    archive, numbered, versioned and guarded like an upload (same type checks and storage).
    Other modules go through `documents.artefacts.archive_artefact`, which adds versions."""
    from django.core.files.base import ContentFile

    from .models import DocumentCategory

    category = DocumentCategory.objects.filter(kind=category_kind).first()
    return document_create(
        actor=actor,
        title=title,
        category=category,
        file=ContentFile(content, name=filename),
        opportunity=opportunity,
        customer=customer,
        access_level=access_level,
        description=description,
        change_summary=_("Generated by the system"),
        source_key=source_key,
    )


@transaction.atomic
def document_update(*, actor, document: Document, expected_version: int | None = None, **changes) -> Document:
    """Edit the details of a draft or returned document (title, description, validity)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="not_editable",
        )
    locked = _lock(document)
    if locked.status not in EDITABLE_STATUSES:
        raise _refuse_state(locked, EDIT)
    if not permissions.can_edit(actor, locked):
        raise PermissionDenied(_("Only the project team, the team lead and managers may edit this document."))
    check_version(locked, expected_version)
    errors = _Errors()
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
    if "valid_until" in changes:
        _valid_until_errors(errors, changes["valid_until"], current=locked.valid_until)
    changed = apply_changes(locked, changes)
    try:
        validate_or_raise(locked, exclude=list(errors.errors))
    except DomainError as exc:
        errors.merge(exc)
    errors.raise_if_any()
    if changed:
        _save(locked, changed, actor=actor)
        _event(locked, action=EventAction.EDITED, actor=actor, from_status=locked.status)
    return locked


@transaction.atomic
def document_add_version(
    *, actor, document: Document, file, change_summary: str, expected_version: int | None = None, **changes
) -> DocumentVersion:
    """Record a new version of the file (with what changed). Details may change with it (title,
    description, validity). A published document becomes a draft again: the revision goes through
    approval before it is published."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="not_editable",
        )
    locked = _lock(document)
    if locked.status not in (*EDITABLE_STATUSES, DocumentStatus.PUBLISHED):
        raise _refuse_state(locked, REVISE)
    if not permissions.can_add_version(actor, locked):
        raise PermissionDenied(_("Only the project team, the team lead and managers may add versions."))
    check_version(locked, expected_version)
    errors = _Errors()
    summary = (change_summary or "").strip()
    if not summary:
        errors.add("change_summary", _("Say what changed in this version."))
    upload_messages = files.upload_errors(file)
    for message in upload_messages:
        errors.add("file", message)
    if "valid_until" in changes:
        _valid_until_errors(errors, changes["valid_until"], current=locked.valid_until)
    for key in ("title", "description"):
        if key in changes:
            changes[key] = (changes[key] or "").strip()
    changed = apply_changes(locked, changes)
    try:
        validate_or_raise(locked, exclude=list(errors.errors))
    except DomainError as exc:
        errors.merge(exc)
    if not upload_messages:
        sha256, _size = files.content_hash(file)
        if locked.current_version is not None and locked.current_version.blob.sha256 == sha256:
            errors.add(
                "file",
                _("This file is identical to version %(number)s.")
                % {"number": locked.current_version.number},
            )
    errors.raise_if_any()
    kind = files.check_upload_or_raise(file)
    from_status = locked.status
    if from_status == DocumentStatus.PUBLISHED:
        locked.status = DocumentStatus.DRAFT
        changed.append("status")
    version = _add_version(locked, actor=actor, upload=file, kind=kind, change_summary=summary)
    locked.current_version = version
    _save(locked, [*changed, "current_version"], actor=actor)
    _event(
        locked,
        action=EventAction.VERSION_ADDED,
        actor=actor,
        from_status=from_status,
        version=version,
        comment=summary,
    )
    return version


@transaction.atomic
def document_set_access(
    *, actor, document: Document, access_level: str, named_readers=(), expected_version: int | None = None
) -> Document:
    """Set the access level and the named readers (the only readers of a confidential document,
    besides its author and reviewers)."""
    locked = _lock(document)
    if locked.status == DocumentStatus.ARCHIVED:
        raise _refuse_state(locked, ACCESS)
    if not permissions.can_manage_access(actor, locked):
        raise PermissionDenied(_("Only the people responsible for the document may change who reads it."))
    check_version(locked, expected_version)
    errors = _Errors()
    readers = _people_errors(errors, named_readers, field="named_readers")
    if access_level not in AccessLevel.values:
        errors.add("access_level", _("Choose a valid access level."))
    errors.raise_if_any()
    before_readers = set(locked.named_readers.values_list("pk", flat=True))
    changed = apply_changes(locked, {"access_level": access_level})
    readers_changed = before_readers != {u.pk for u in readers}
    if not changed and not readers_changed:
        return locked
    if readers_changed:
        locked.named_readers.set(readers)
        if not changed:  # the m2m change alone still moves the version (someone edited the access)
            changed = ["access_level"]
    _save(locked, changed, actor=actor)
    with translation.override(settings.LANGUAGE_CODE):
        comment = _("%(level)s; named readers: %(names)s") % {
            "level": locked.get_access_level_display(),
            "names": "、".join(sorted(str(u) for u in readers)) or "—",
        }
    _event(locked, action=EventAction.ACCESS_CHANGED, actor=actor, from_status=locked.status, comment=comment)
    return locked


# --- approval --------------------------------------------------------------------------------------


@transaction.atomic
def document_submit(
    *, actor, document: Document, comment: str = "", expected_version: int | None = None
) -> Document:
    """The author sends the document to its category's first review step (or publishes it, if the
    category needs no review). A returned document starts again at the first step."""
    locked = _lock(document)
    if locked.status not in EDITABLE_STATUSES:
        raise _refuse_state(locked, SUBMIT)
    if not permissions.can_submit(actor, locked):
        raise PermissionDenied(_("Only the author submits the document."))
    check_version(locked, expected_version)
    target = approval.status_after_submit(locked.category)
    transition = document_flow.get(locked.status, target)
    reasons = document_flow.unmet_conditions(locked, transition)
    if reasons:
        raise TransitionRefused(_("The document cannot be submitted yet."), reasons=reasons)
    now = timezone.now()
    from_status = locked.status
    changes = {"status": target, "submitted_at": now}
    if target == DocumentStatus.PUBLISHED:
        changes.update(published_at=now, published_version=locked.current_version)
    _save(locked, apply_changes(locked, changes), actor=actor)
    event = _event(
        locked,
        action=EventAction.SUBMITTED,
        actor=actor,
        from_status=from_status,
        comment=(comment or "").strip(),
        at=now,
    )
    if target in REVIEW_STATUSES:
        _notify_step(locked, event=event)
    return locked


def _check_final(errors: _Errors, *, actor, locked: Document, final_mode: str, participants) -> list:
    """The final step is decided by a leader alone or by a recorded cross-department meeting."""
    if locked.status != DocumentStatus.FINAL_REVIEW:
        return []
    if final_mode not in FinalMode.values:
        errors.add(
            "final_mode", _("Say who took the final decision: a leader, or a cross-department meeting.")
        )
        return []
    if not permissions.can_review(actor, locked, mode=final_mode):
        if final_mode == FinalMode.LEADER:
            errors.add(
                "final_mode",
                _("Only a department head decides the final review alone; record a meeting instead."),
            )
        else:
            errors.add(
                "final_mode",
                _("A meeting's decision is recorded by a department head or a presales manager."),
            )
        return []
    if final_mode == FinalMode.LEADER:
        return []
    people = _people_errors(errors, participants, field="participants")
    problems = approval.meeting_problems([p.team_id for p in people])
    if "too_few_participants" in problems:
        errors.add(
            "participants",
            _("A meeting has at least %(n)s participants.") % {"n": approval.MEETING_MIN_PARTICIPANTS},
        )
    if "single_department" in problems:
        errors.add(
            "participants",
            _("A cross-department meeting has participants from at least %(n)s teams.")
            % {"n": approval.MEETING_MIN_TEAMS},
        )
    return people


def _review(
    *,
    actor,
    document: Document,
    action: str,
    comment: str,
    final_mode: str,
    participants,
    expected_version: int | None,
) -> Document:
    locked = _lock(document)
    if locked.status not in REVIEW_STATUSES:
        raise _refuse_state(locked, action)
    if actor.pk == locked.author_id:
        raise PermissionDenied(_("Nobody reviews their own document."))
    if not permissions.can_review(actor, locked):
        step = approval.STATUS_STEP[locked.status]
        raise PermissionDenied(
            _("You may not decide the step “%(step)s” of this document.") % {"step": ReviewStep(step).label}
        )
    check_version(locked, expected_version)
    errors = _Errors()
    comment = (comment or "").strip()
    if action == RETURN and not comment:
        errors.add("comment", _("Say what the author must change."))
    people = _check_final(
        errors, actor=actor, locked=locked, final_mode=final_mode, participants=participants
    )
    errors.raise_if_any()
    step = approval.STATUS_STEP[locked.status]
    from_status = locked.status
    now = timezone.now()
    if action == APPROVE:
        target = approval.status_after_approval(locked.category, from_status)
        changes = {"status": target}
        if target == DocumentStatus.PUBLISHED:
            changes.update(published_at=now, published_version=locked.current_version)
        event_action = EventAction.APPROVED
    else:
        target = DocumentStatus.RETURNED
        changes = {"status": target}
        event_action = EventAction.RETURNED
    if document_flow.get(from_status, target) is None:  # pragma: no cover - the table covers every step
        raise _refuse_state(locked, action)
    _save(locked, apply_changes(locked, changes), actor=actor, reason=comment)
    event = _event(
        locked,
        action=event_action,
        actor=actor,
        from_status=from_status,
        step=step,
        comment=comment,
        final_mode=final_mode if step == ReviewStep.FINAL else "",
        participants=people,
        at=now,
    )
    _notify_decision(locked, event=event, actor=actor)
    if target in REVIEW_STATUSES:
        _notify_step(locked, event=event)
    return locked


@transaction.atomic
def document_approve(
    *,
    actor,
    document: Document,
    comment: str = "",
    final_mode: str = "",
    participants=(),
    expected_version: int | None = None,
) -> Document:
    """Approve the document at its current step: it moves to the next step of its category, or is
    published after the last one. The final step needs the mode (leader / meeting with participants)."""
    return _review(
        actor=actor,
        document=document,
        action=APPROVE,
        comment=comment,
        final_mode=final_mode,
        participants=participants,
        expected_version=expected_version,
    )


@transaction.atomic
def document_return(
    *,
    actor,
    document: Document,
    comment: str,
    final_mode: str = "",
    participants=(),
    expected_version: int | None = None,
) -> Document:
    """Send the document back to its author with what to change; the author revises and resubmits."""
    return _review(
        actor=actor,
        document=document,
        action=RETURN,
        comment=comment,
        final_mode=final_mode,
        participants=participants,
        expected_version=expected_version,
    )


# --- archiving -------------------------------------------------------------------------------------


def _archive(locked: Document, *, actor, reason: str, comment: str = "") -> Document:
    now = timezone.now()
    from_status = locked.status
    _save(
        locked,
        apply_changes(
            locked, {"status": DocumentStatus.ARCHIVED, "archived_at": now, "archive_reason": reason}
        ),
        actor=actor,
    )
    _event(
        locked,
        action=EventAction.ARCHIVED,
        actor=actor,
        from_status=from_status,
        comment=comment or str(ArchiveReason(reason).label),
        at=now,
    )
    return locked


@transaction.atomic
def document_archive(
    *, actor, document: Document, comment: str = "", expected_version: int | None = None
) -> Document:
    """Archive a document by hand (obsolete, superseded): it becomes read-only and stays findable."""
    locked = _lock(document)
    if locked.status == DocumentStatus.ARCHIVED:
        raise _refuse_state(locked, ARCHIVE)
    if not permissions.can_archive(actor, locked):
        raise PermissionDenied(_("Only the people responsible for the document may archive it."))
    check_version(locked, expected_version)
    comment = require_text(comment, field="comment", message=_("Say why the document is archived."))
    return _archive(locked, actor=actor, reason=ArchiveReason.MANUAL, comment=comment)


def documents_due_for_archiving(*, now: datetime | None = None):
    """Documents to archive: past their validity date (in the company's time zone), or of a project
    closed (won, lost, abandoned) for more than PRESALES_DOCUMENT_ARCHIVE_CLOSED_AFTER_DAYS days."""
    from presales.opportunities.choices import CLOSED_STAGES

    now = now or timezone.now()
    today = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE)).date()
    cutoff = now - timedelta(days=settings.PRESALES_DOCUMENT_ARCHIVE_CLOSED_AFTER_DAYS)
    return Document.objects.exclude(status=DocumentStatus.ARCHIVED).filter(
        Q(valid_until__lt=today)
        | Q(
            opportunity__stage__in=CLOSED_STAGES,
            opportunity__closed_at__isnull=False,
            opportunity__closed_at__lte=cutoff,
        )
    )


def archive_due_documents(*, now: datetime | None = None) -> int:
    """The periodic job: archive every due document, each in its own transaction (one failure
    does not stop the others), and tell each author. Returns how many were archived."""
    now = now or timezone.now()
    count = 0
    for pk in list(documents_due_for_archiving(now=now).values_list("pk", flat=True)):
        with transaction.atomic():
            locked = _lock(Document(pk=pk))
            if not documents_due_for_archiving(now=now).filter(pk=pk).exists():
                continue  # changed since the list was read
            closed = locked.opportunity_id is not None and locked.opportunity.is_closed
            reason = ArchiveReason.PROJECT_CLOSED if closed else ArchiveReason.EXPIRED
            _archive(locked, actor=None, reason=reason)
            with translation.override(settings.LANGUAGE_CODE):
                title = Text(gettext_lazy("[%(number)s] Archived: %(reason)s")) % {
                    "number": locked.number,
                    "reason": ArchiveReason(reason).label,
                }
                body = locked.title
            _notify(
                recipients=[locked.author],
                kind="documents.archived",
                title=title,
                body=body,
                document=locked,
                key=f"archived.{locked.pk}",
            )
            count += 1
    return count


# --- access requests -------------------------------------------------------------------------------


@transaction.atomic
def access_request_create(*, actor, document: Document, reason: str) -> AccessRequest:
    """Ask the people responsible for a project-team document to let you read it."""
    reason = require_text(reason, field="reason", message=_("Say why you need to read this document."))
    if not Document.objects.findable_to(actor).filter(pk=document.pk).exists():
        raise DomainError(
            _("This document does not exist or is not visible to you."), code="not_found", field="document"
        )
    locked = _lock(document)
    if Document.objects.visible_to(actor).filter(pk=locked.pk).exists():
        raise DomainError(_("You can already read this document."), code="already_readable", field="reason")
    if locked.access_level == AccessLevel.CONFIDENTIAL:  # pragma: no cover - not findable without access
        raise PermissionDenied(_("A confidential document is read by named people only."))
    if AccessRequest.objects.filter(
        document=locked, requester=actor, status=AccessRequestStatus.PENDING
    ).exists():
        raise DomainError(
            _("You have already asked for access to this document."), code="already_pending", field="reason"
        )
    request = AccessRequest.objects.create(document=locked, requester=actor, reason=reason)
    with translation.override(settings.LANGUAGE_CODE):
        title = Text(gettext_lazy("[%(number)s] %(name)s asks to read “%(title)s”")) % {
            "number": locked.number,
            "name": actor,
            "title": locked.title,
        }
    from presales.notifications.services import notify

    people = [p for p in responsible_people(locked) if p.pk != actor.pk]
    notify(
        recipients=people,
        kind="documents.access_request",
        title=title,
        body=reason,
        url=request.get_absolute_url(),
        target=locked,
        dedup_key=f"documents.access_request.{request.pk}",
    )
    return request


def grant_end(day) -> datetime:
    """A grant "until <day>" lasts to the end of that day in the company's time zone."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def default_grant_until():
    return timezone.localdate() + timedelta(days=settings.PRESALES_DOCUMENT_GRANT_DAYS)


@transaction.atomic
def access_request_decide(
    *, actor, access_request: AccessRequest, grant: bool, note: str = "", until=None
) -> AccessRequest:
    """Grant (until a day, at most PRESALES_DOCUMENT_GRANT_MAX_DAYS ahead; the grant lapses by
    itself afterwards) or refuse (with the reason) a pending access request."""
    locked = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("document__opportunity", "document__customer", "requester")
        .get(pk=access_request.pk)
    )
    if locked.status != AccessRequestStatus.PENDING:
        raise TransitionRefused(
            _("This request has been decided already."),
            reasons=[
                _("It was %(status)s by %(name)s.")
                % {"status": locked.get_status_display(), "name": locked.decided_by}
            ],
            code="invalid_state",
        )
    if not permissions.can_decide_request(actor, locked):
        raise PermissionDenied(_("Only the people responsible for the document decide who reads it."))
    errors = _Errors()
    note = (note or "").strip()
    today = timezone.localdate()
    if grant:
        until = until or default_grant_until()
        if until < today:
            errors.add("until", _("The end of the access cannot be in the past."))
        elif until > today + timedelta(days=settings.PRESALES_DOCUMENT_GRANT_MAX_DAYS):
            errors.add(
                "until",
                _("Access is granted for at most %(days)s days.")
                % {"days": settings.PRESALES_DOCUMENT_GRANT_MAX_DAYS},
            )
    elif not note:
        errors.add("note", _("Say why the access is refused."))
    errors.raise_if_any()
    now = timezone.now()
    locked.status = AccessRequestStatus.GRANTED if grant else AccessRequestStatus.REFUSED
    locked.decided_by, locked.decided_at, locked.decision_note = actor, now, note
    locked.expires_at = grant_end(until) if grant else None
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "expires_at"])
    document = locked.document
    with translation.override(settings.LANGUAGE_CODE):
        if grant:
            comment = _("%(name)s may read it until %(day)s.") % {
                "name": locked.requester,
                "day": until.isoformat(),
            }
            title = Text(gettext_lazy("[%(number)s] Access granted until %(day)s")) % {
                "number": document.number,
                "day": until.isoformat(),
            }
        else:
            comment = _("%(name)s: %(note)s") % {"name": locked.requester, "note": note}
            title = Text(gettext_lazy("[%(number)s] Access refused")) % {"number": document.number}
    _event(
        document,
        action=EventAction.ACCESS_GRANTED if grant else EventAction.ACCESS_REFUSED,
        actor=actor,
        from_status=document.status,
        comment=comment,
        at=now,
    )
    _notify(
        recipients=[locked.requester],
        kind="documents.access_decision",
        title=title,
        body=note or document.title,
        document=document,
        key=f"access_request.{locked.pk}.decision",
    )
    return locked


# --- downloads -------------------------------------------------------------------------------------


def document_download_record(*, user, document: Document, version: DocumentVersion, inline: bool) -> None:
    """Log a download (or inline view) of a confidential document's file: who, when, which version."""
    if document.access_level == AccessLevel.CONFIDENTIAL:
        DownloadLog.objects.create(document=document, version=version, user=user, inline=inline)

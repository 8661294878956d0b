"""Every write to bids and their records. Keyword-only, atomic, the bid row locked before its
records change, rules checked with translated DomainErrors, history by django-simple-history,
each step of the bid's life (submit, withdraw, receipt, result) an explicit BidEvent row.

Functions that depend on the time take `now` (default: the real clock) so that the deadline
rules are tested with explicit instants instead of a mocked clock."""

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
from presales.core.services import validate_or_raise

from . import deadline as clock
from . import importing, permissions
from .choices import (
    BUSINESS_SECTIONS,
    DEFAULT_REVIEW_ITEMS,
    TECHNICAL_SECTIONS,
    Deviation,
    Part,
    Result,
    SectionKind,
    Status,
    SubmissionMethod,
)
from .models import Bid, BidEvent, DeviationRow, Meeting, Milestone, ReviewItem, Section

TENDER_FIELDS = ("issuer", "tender_number", "project_name", "deadline", "time_zone", "opening_place",
                 "bond_amount", "bond_status", "copies", "binding", "sealing", "electronic_upload", "format_notes",
                 "business_owner", "technical_owner")
SECTION_FIELDS = ("part", "kind", "title", "position", "owner", "note")
MILESTONE_FIELDS = ("title", "due_at", "owner")
MEETING_FIELDS = ("held_at", "participants", "minutes")
DEVIATION_FIELDS = ("item_no", "requirement", "mandatory", "response", "deviation", "explanation")
REVIEW_FIELDS = ("group", "text", "position", "note")
RESULT_FIELDS = ("result", "our_rank", "bidder_count", "winning_bidder", "winning_price", "our_price", "result_notes")


class _Rules:
    """Collects field errors so one DomainError reports every field at fault."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise DomainError(next(iter(self.errors.values()))[0], code="invalid", errors=self.errors)

    def raise_with(self, obj, *, exclude=None) -> None:
        try:
            validate_or_raise(obj, exclude=exclude)
        except DomainError as exc:
            for field, messages in exc.errors.items():
                for m in messages:
                    if m not in self.errors.get(field, []):
                        self.add(field, m)
        self.raise_if_any()


def business_year(when=None) -> int:
    return timezone.localtime(when or timezone.now(), ZoneInfo(settings.TIME_ZONE)).year


def next_number(*, when=None) -> str:
    """TB-YYYY-NNNN (TB: the seed's stage code for bid documents), unique and never reused."""
    year = business_year(when)
    return f"TB-{year}-{sequence_next(key=f'TB-{year}'):04d}"


def _check_fields(changes: dict, allowed) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
                          code="not_editable")


def _lock(bid) -> Bid:
    return Bid.objects.select_for_update(of=("self",)).select_related("opportunity").get(pk=bid.pk)


def _require_work(actor, bid) -> None:
    if not permissions.can_work_on(actor, bid):
        raise PermissionDenied(_("You may not work on this bid."))


def _require_steer(actor, bid) -> None:
    if not permissions.can_steer(actor, bid):
        raise PermissionDenied(_("Only the presales lead, the team lead or a manager may do this."))


def _require_preparing(bid) -> None:
    if bid.status != Status.PREPARING or bid.result:
        raise TransitionRefused(_("This bid is no longer being prepared: its documents can no longer change."),
                                reasons=[], code="bid_closed")


def _save(obj, changed, *, actor) -> None:
    obj._history_user = actor
    save_fields(obj, changed)


def _create(obj, *, actor) -> None:
    obj._history_user = actor
    obj.save()


def _touch(bid, *, actor) -> None:
    bid.version += 1
    bid._history_user = actor
    bid.save(update_fields=["version", "updated_at"])


def _event(bid, actor, action: str, note: str = "") -> None:
    BidEvent.objects.create(bid=bid, actor=actor, action=action, note=note)


def _deadline(value, tz_name: str, rules: _Rules):
    """An aware instant stays as it is; a naive one is the wall-clock time in the tender's zone."""
    if value is None:
        rules.add("deadline", _("This field is required."))
        return None
    if isinstance(value, datetime) and timezone.is_naive(value):
        try:
            return clock.localize(value, tz_name)
        except clock.NonexistentTime:
            rules.add("deadline", _("%(time)s does not exist in %(zone)s (the clocks skip it for daylight saving "
                                    "time).") % {"time": value.strftime("%Y-%m-%d %H:%M"), "zone": tz_name})
            return None
    return value


# --- bids ----------------------------------------------------------------------------------------


def _validate_bid(bid: Bid, rules: _Rules) -> None:
    if not clock.valid_zone(bid.time_zone):
        rules.add("time_zone", _("“%(zone)s” is not a time zone name such as Asia/Shanghai.") % {"zone": bid.time_zone})
    for field in ("issuer", "project_name"):
        value = (getattr(bid, field) or "").strip()
        setattr(bid, field, value)
        if not value:
            rules.add(field, _("This field is required."))
    if bid.bond_amount is not None and bid.bond_amount > 0 and bid.bond_status == "not_required":
        rules.add("bond_status", _("A bid bond amount is given: say whether it is to be paid or paid."))


@transaction.atomic
def bid_create(*, actor, opportunity, now=None, **data) -> Bid:
    from presales.opportunities.models import Opportunity

    now = now or timezone.now()
    _check_fields(data, TENDER_FIELDS)
    if not Opportunity.objects.visible_to(actor).filter(pk=opportunity.pk).exists():
        raise DomainError(_("This opportunity does not exist or is not visible to you."), field="opportunity")
    if opportunity.is_closed:
        raise DomainError(_("This opportunity is closed: no new bid."), field="opportunity", code="opportunity_closed")
    if not permissions.can_create_bid(actor, opportunity):
        raise PermissionDenied(_("You may not prepare bids for this opportunity."))
    rules = _Rules()
    data.setdefault("time_zone", settings.TIME_ZONE)
    data["time_zone"] = (data.get("time_zone") or settings.TIME_ZONE).strip()
    zone_ok = clock.valid_zone(data["time_zone"])
    data["deadline"] = _deadline(data.get("deadline"), data["time_zone"] if zone_ok else settings.TIME_ZONE, rules)
    if data["deadline"] is not None and data["deadline"] <= now:
        rules.add("deadline", _("The deadline has passed already."))
    bid = Bid(opportunity=opportunity, created_by=actor, number="TB-0000-0000", **data)
    _validate_bid(bid, rules)
    rules.raise_with(bid, exclude=["number", *rules.errors])
    bid.number = next_number(when=now)
    _create(bid, actor=actor)
    for position, kind in enumerate(BUSINESS_SECTIONS):
        _create(Section(bid=bid, part=Part.BUSINESS, kind=kind, title=str(SectionKind(kind).label),
                        position=position, owner=bid.business_owner, created_by=actor), actor=actor)
    for position, kind in enumerate(TECHNICAL_SECTIONS):
        _create(Section(bid=bid, part=Part.TECHNICAL, kind=kind, title=str(SectionKind(kind).label),
                        position=position, owner=bid.technical_owner, created_by=actor), actor=actor)
    for position, (group, text) in enumerate(DEFAULT_REVIEW_ITEMS):
        _create(ReviewItem(bid=bid, group=group, text=str(text), position=position, created_by=actor), actor=actor)
    _event(bid, actor, "created")
    return bid


@transaction.atomic
def bid_update(*, actor, bid, expected_version=None, **changes) -> Bid:
    _check_fields(changes, TENDER_FIELDS)
    bid = _lock(bid)
    _require_work(actor, bid)
    check_version(bid, expected_version)
    _require_preparing(bid)
    rules = _Rules()
    tz_name = (changes.get("time_zone", bid.time_zone) or "").strip()
    changes["time_zone"] = tz_name
    if "deadline" in changes:
        changes["deadline"] = _deadline(changes["deadline"], tz_name if clock.valid_zone(tz_name) else bid.time_zone,
                                        rules)
        if changes["deadline"] is None:
            changes.pop("deadline")
    changed = apply_changes(bid, changes)
    _validate_bid(bid, rules)
    if "deadline" in changed:
        late = list(bid.milestones.filter(due_at__gte=bid.deadline).values_list("title", flat=True))
        if late:
            rules.add("deadline", _("These milestones would fall on or after the new deadline: %(titles)s.")
                      % {"titles": "、".join(late)})
    rules.raise_with(bid, exclude=list(rules.errors))
    _save(bid, changed, actor=actor)
    return bid


# --- sections (document structure, responsibilities, business and technical checklists) ---------


def _check_owner(rules: _Rules, owner) -> None:
    if owner is not None and not owner.is_active:
        rules.add("owner", _("This person has left: choose an active colleague."))


@transaction.atomic
def section_create(*, actor, bid, **data) -> Section:
    _check_fields(data, SECTION_FIELDS)
    bid = _lock(bid)
    _require_work(actor, bid)
    _require_preparing(bid)
    rules = _Rules()
    if "position" not in data or data["position"] is None:
        data["position"] = (bid.sections.filter(part=data.get("part")).aggregate(m=Max("position"))["m"] or 0) + 1
    section = Section(bid=bid, created_by=actor, **data)
    section.title = (section.title or "").strip()
    if not section.title:
        rules.add("title", _("This field is required."))
    _check_owner(rules, section.owner)
    rules.raise_with(section, exclude=["bid", *rules.errors])
    _create(section, actor=actor)
    _touch(bid, actor=actor)
    return section


@transaction.atomic
def section_update(*, actor, section, expected_version=None, **changes) -> Section:
    _check_fields(changes, (*SECTION_FIELDS, "done"))
    bid = _lock(section.bid)
    section = Section.objects.select_for_update().get(pk=section.pk)
    _require_work(actor, bid)
    check_version(section, expected_version)
    _require_preparing(bid)
    rules = _Rules()
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
        if not changes["title"]:
            rules.add("title", _("This field is required."))
    if "done" in changes:
        changes["done_at"] = (timezone.now() if changes["done"] else None) if changes["done"] != section.done \
            else section.done_at
    changed = apply_changes(section, changes)
    _check_owner(rules, section.owner)
    rules.raise_with(section, exclude=["bid", *rules.errors])
    _save(section, changed, actor=actor)
    if changed:
        _touch(bid, actor=actor)
    return section


# --- milestones, meetings ------------------------------------------------------------------------


def _check_milestone(rules: _Rules, milestone: Milestone, bid: Bid) -> None:
    milestone.title = (milestone.title or "").strip()
    if not milestone.title:
        rules.add("title", _("This field is required."))
    if milestone.due_at is not None and milestone.due_at >= bid.deadline:
        rules.add("due_at", _("A milestone is due before the submission deadline (%(deadline)s).")
                  % {"deadline": bid.local_deadline.strftime("%Y-%m-%d %H:%M %Z")})
    _check_owner(rules, milestone.owner)


@transaction.atomic
def milestone_create(*, actor, bid, **data) -> Milestone:
    _check_fields(data, MILESTONE_FIELDS)
    bid = _lock(bid)
    _require_work(actor, bid)
    _require_preparing(bid)
    rules = _Rules()
    milestone = Milestone(bid=bid, created_by=actor, **data)
    _check_milestone(rules, milestone, bid)
    rules.raise_with(milestone, exclude=["bid", *rules.errors])
    _create(milestone, actor=actor)
    _touch(bid, actor=actor)
    return milestone


@transaction.atomic
def milestone_update(*, actor, milestone, expected_version=None, **changes) -> Milestone:
    _check_fields(changes, (*MILESTONE_FIELDS, "done"))
    bid = _lock(milestone.bid)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    _require_work(actor, bid)
    check_version(milestone, expected_version)
    _require_preparing(bid)
    if "done" in changes:
        done = changes.pop("done")
        if bool(done) != (milestone.done_at is not None):
            changes["done_at"] = timezone.now() if done else None
    rules = _Rules()
    changed = apply_changes(milestone, changes)
    _check_milestone(rules, milestone, bid)
    rules.raise_with(milestone, exclude=["bid", *rules.errors])
    _save(milestone, changed, actor=actor)
    if changed:
        _touch(bid, actor=actor)
    return milestone


def _check_meeting(rules: _Rules, meeting: Meeting) -> None:
    for field in ("participants", "minutes"):
        value = (getattr(meeting, field) or "").strip()
        setattr(meeting, field, value)
        if not value:
            rules.add(field, _("This field is required."))


@transaction.atomic
def meeting_create(*, actor, bid, **data) -> Meeting:
    _check_fields(data, MEETING_FIELDS)
    bid = _lock(bid)
    _require_work(actor, bid)
    rules = _Rules()
    meeting = Meeting(bid=bid, created_by=actor, **data)
    _check_meeting(rules, meeting)
    rules.raise_with(meeting, exclude=["bid", *rules.errors])
    _create(meeting, actor=actor)
    _touch(bid, actor=actor)
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting, expected_version=None, **changes) -> Meeting:
    _check_fields(changes, MEETING_FIELDS)
    bid = _lock(meeting.bid)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_work(actor, bid)
    check_version(meeting, expected_version)
    rules = _Rules()
    changed = apply_changes(meeting, changes)
    _check_meeting(rules, meeting)
    rules.raise_with(meeting, exclude=["bid", *rules.errors])
    _save(meeting, changed, actor=actor)
    return meeting


# --- the deviation table -------------------------------------------------------------------------


def deviation_errors(*, item_no, requirement, response, deviation, explanation) -> dict[str, list[str]]:
    """The row rules, shared by the form, the API and the import (field -> messages)."""
    errors: dict[str, list[str]] = {}
    if item_no is None:
        errors.setdefault("item_no", []).append(_("This field is required."))
    elif item_no < 1:
        errors.setdefault("item_no", []).append(_("Item numbers start at 1."))
    if not (requirement or "").strip():
        errors.setdefault("requirement", []).append(_("This field is required."))
    if not (response or "").strip():
        errors.setdefault("response", []).append(_("This field is required."))
    if deviation not in Deviation.values:
        errors.setdefault("deviation", []).append(_("Choose none, positive or negative."))
    elif deviation != Deviation.NONE and not (explanation or "").strip():
        errors.setdefault("explanation", []).append(
            _("A %(deviation)s needs its explanation.") % {"deviation": str(Deviation(deviation).label).lower()})
    return errors


def _check_row(rules: _Rules, row: DeviationRow) -> None:
    for field in ("requirement", "response", "explanation"):
        setattr(row, field, (getattr(row, field) or "").strip())
    for field, messages in deviation_errors(item_no=row.item_no, requirement=row.requirement, response=row.response,
                                            deviation=row.deviation, explanation=row.explanation).items():
        for m in messages:
            rules.add(field, m)
    if row.item_no and DeviationRow.objects.filter(bid_id=row.bid_id, item_no=row.item_no).exclude(pk=row.pk).exists():
        rules.add("item_no", _("This item number is already used in the table."))


@transaction.atomic
def deviation_create(*, actor, bid, **data) -> DeviationRow:
    _check_fields(data, DEVIATION_FIELDS)
    bid = _lock(bid)
    _require_work(actor, bid)
    _require_preparing(bid)
    if data.get("item_no") is None:
        data["item_no"] = (bid.deviations.aggregate(m=Max("item_no"))["m"] or 0) + 1
    rules = _Rules()
    row = DeviationRow(bid=bid, created_by=actor, **data)
    _check_row(rules, row)
    rules.raise_with(row, exclude=["bid", *rules.errors])
    _create(row, actor=actor)
    _touch(bid, actor=actor)
    return row


@transaction.atomic
def deviation_update(*, actor, row, expected_version=None, **changes) -> DeviationRow:
    _check_fields(changes, DEVIATION_FIELDS)
    bid = _lock(row.bid)
    row = DeviationRow.objects.select_for_update().get(pk=row.pk)
    _require_work(actor, bid)
    check_version(row, expected_version)
    _require_preparing(bid)
    rules = _Rules()
    changed = apply_changes(row, changes)
    _check_row(rules, row)
    rules.raise_with(row, exclude=["bid", *rules.errors])
    _save(row, changed, actor=actor)
    if changed:
        _touch(bid, actor=actor)
    return row


class ImportRefused(DomainError):
    """A deviation table file with problems: nothing imported; every row's problems listed."""

    def __init__(self, message: str, *, rows: list[tuple[int, list[str]]], file_errors: list[str]):
        lines = list(file_errors)
        for row, messages in rows:
            lines.extend(_("Row %(row)s: %(error)s") % {"row": row, "error": m} for m in messages)
        super().__init__(message, code="import_refused", errors={"file": lines})
        self.rows = rows
        self.file_errors = file_errors


@transaction.atomic
def deviation_import(*, actor, bid, file_name: str, content: bytes) -> int:
    """Replace the deviation table with the file's rows (CSV or XLSX, see importing.py): all or
    nothing, every problem reported with its row number. Returns the number of rows."""
    bid = _lock(bid)
    _require_work(actor, bid)
    _require_preparing(bid)
    try:
        parsed = importing.parse(content, file_name)
    except importing.FileUnreadable as exc:
        raise ImportRefused(str(exc), rows=[], file_errors=[str(exc)]) from None
    if not parsed.rows and not parsed.file_errors:
        parsed.file_errors.append(_("The file has no rows below its header."))
    bad = [(r.row, r.errors) for r in parsed.rows if r.errors]
    if parsed.file_errors or bad:
        raise ImportRefused(_("Nothing was imported: correct the file and upload it again."), rows=bad,
                            file_errors=parsed.file_errors)
    bid.deviations.all().delete()
    for r in parsed.rows:
        _create(DeviationRow(bid=bid, created_by=actor, item_no=r.item_no, requirement=r.requirement,
                             mandatory=r.mandatory, response=r.response, deviation=r.deviation,
                             explanation=r.explanation), actor=actor)
    _event(bid, actor, "deviation_import", _("%(count)s rows from %(file)s") % {"count": len(parsed.rows),
                                                                              "file": file_name})
    _touch(bid, actor=actor)
    return len(parsed.rows)


# --- review and proofreading checklist -----------------------------------------------------------


@transaction.atomic
def review_item_create(*, actor, bid, **data) -> ReviewItem:
    _check_fields(data, REVIEW_FIELDS)
    bid = _lock(bid)
    _require_work(actor, bid)
    _require_preparing(bid)
    if data.get("position") is None:
        data["position"] = (bid.review_items.aggregate(m=Max("position"))["m"] or 0) + 1
    rules = _Rules()
    item = ReviewItem(bid=bid, created_by=actor, **data)
    item.text = (item.text or "").strip()
    if not item.text:
        rules.add("text", _("This field is required."))
    rules.raise_with(item, exclude=["bid", *rules.errors])
    _create(item, actor=actor)
    _touch(bid, actor=actor)
    return item


@transaction.atomic
def review_item_update(*, actor, item, expected_version=None, **changes) -> ReviewItem:
    _check_fields(changes, (*REVIEW_FIELDS, "checked"))
    bid = _lock(item.bid)
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    _require_work(actor, bid)
    check_version(item, expected_version)
    _require_preparing(bid)
    if "checked" in changes:
        checked = changes.pop("checked")
        if bool(checked) != item.is_checked:
            changes.update(checked_by=actor if checked else None, checked_at=timezone.now() if checked else None)
    rules = _Rules()
    if "text" in changes:
        changes["text"] = (changes["text"] or "").strip()
        if not changes["text"]:
            rules.add("text", _("This field is required."))
    changed = apply_changes(item, changes)
    rules.raise_with(item, exclude=["bid", *rules.errors])
    _save(item, changed, actor=actor)
    if changed:
        _touch(bid, actor=actor)
    return item


# --- submission, receipt, result -----------------------------------------------------------------


def submission_problems(bid: Bid, *, now=None) -> list[str]:
    """Why the bid may not be submitted now (empty: it may): open review items (named), deviation
    rows without the explanation their deviation needs, the deadline passed. Three queries."""
    now = now or timezone.now()
    reasons = []
    if bid.status != Status.PREPARING or bid.result:
        reasons.append(_("The bid is %(status)s: only a bid being prepared is submitted.")
                       % {"status": bid.get_status_display()})
    open_items = list(bid.review_items.filter(checked_at__isnull=True).order_by("group", "position", "pk")
                      .values_list("text", flat=True))
    if open_items:
        reasons.append(_("The review checklist has %(count)s open items: %(items)s")
                       % {"count": len(open_items), "items": "；".join(open_items)})
    unexplained = list(bid.deviations.exclude(deviation=Deviation.NONE).filter(explanation="")
                       .values_list("item_no", flat=True))
    if unexplained:
        reasons.append(_("Deviation table rows without the explanation their deviation needs: %(rows)s")
                       % {"rows": ", ".join(str(n) for n in unexplained)})
    if now >= bid.deadline:
        reasons.append(_("The deadline (%(deadline)s) has passed: a late bid is not accepted.")
                       % {"deadline": bid.local_deadline.strftime("%Y-%m-%d %H:%M %Z")})
    return reasons


@transaction.atomic
def bid_submit(*, actor, bid, method: str, note: str = "", expected_version=None, now=None) -> Bid:
    now = now or timezone.now()
    bid = _lock(bid)
    _require_steer(actor, bid)
    check_version(bid, expected_version)
    if method not in SubmissionMethod.values:
        raise DomainError(_("Choose how the bid was delivered."), field="method")
    reasons = submission_problems(bid, now=now)
    if reasons:
        raise TransitionRefused(_("The bid cannot be marked as submitted."), reasons=reasons, code="submission_refused")
    changed = apply_changes(bid, {"status": Status.SUBMITTED, "submitted_at": now, "submitted_by": actor,
                                  "submission_method": method, "submission_note": (note or "").strip()})
    _save(bid, changed, actor=actor)
    _event(bid, actor, "submitted", SubmissionMethod(method).label)
    return bid


@transaction.atomic
def bid_withdraw(*, actor, bid, reason: str, expected_version=None, now=None) -> Bid:
    now = now or timezone.now()
    bid = _lock(bid)
    _require_steer(actor, bid)
    check_version(bid, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the bid is withdrawn."), field="reason", code="required")
    if bid.result or bid.status == Status.WITHDRAWN:
        raise TransitionRefused(_("This bid cannot be withdrawn any more."), reasons=[], code="bid_closed")
    if bid.status == Status.SUBMITTED and now >= bid.deadline:
        raise TransitionRefused(_("After the deadline a submitted bid cannot be withdrawn."), reasons=[],
                                code="bid_closed")
    changed = apply_changes(bid, {"status": Status.WITHDRAWN, "withdrawn_reason": reason})
    _save(bid, changed, actor=actor)
    _event(bid, actor, "withdrawn", reason)
    return bid


@transaction.atomic
def receipt_record(*, actor, bid, receipt_number: str, received_by: str, received_at, scan=None,
                   expected_version=None, now=None) -> Bid:
    """The issuer's receipt (回执): number, who received it, when; the scan becomes a registered
    document of the archive (category "bid")."""
    now = now or timezone.now()
    bid = _lock(bid)
    _require_steer(actor, bid)
    check_version(bid, expected_version)
    if bid.status != Status.SUBMITTED:
        raise TransitionRefused(_("A receipt is recorded for a submitted bid."), reasons=[], code="not_submitted")
    rules = _Rules()
    receipt_number, received_by = (receipt_number or "").strip(), (received_by or "").strip()
    if not receipt_number:
        rules.add("receipt_number", _("This field is required."))
    if not received_by:
        rules.add("received_by", _("This field is required."))
    if received_at is None:
        rules.add("received_at", _("This field is required."))
    elif received_at > now + timedelta(minutes=10):
        rules.add("received_at", _("This time is in the future: record what has happened."))
    elif bid.submitted_at and received_at < bid.submitted_at - timedelta(days=7):
        rules.add("received_at", _("The receipt cannot be long before the submission."))
    rules.raise_if_any()
    changes = {"receipt_number": receipt_number, "receipt_received_by": received_by, "receipt_at": received_at}
    if scan is not None:
        from presales.documents.models import DocumentCategory
        from presales.documents.services import document_create

        try:
            document = document_create(actor=actor, title=_("Bid receipt %(number)s") % {"number": bid.number},
                                       category=DocumentCategory.objects.filter(kind="bid").first(), file=scan,
                                       opportunity=bid.opportunity,
                                       description=_("Receipt number %(receipt)s") % {"receipt": receipt_number})
        except DomainError as exc:
            raise DomainError(exc.message, code=exc.code,
                              errors={"scan": [m for ms in exc.errors.values() for m in ms] or [exc.message]}) from None
        changes["receipt_document"] = document
    changed = apply_changes(bid, changes)
    _save(bid, changed, actor=actor)
    _event(bid, actor, "receipt", receipt_number)
    return bid


@transaction.atomic
def result_record(*, actor, bid, expected_version=None, now=None, **data) -> Bid:
    """Record (or correct) the result and ranking. A cancelled tender may end a bid still being
    prepared; won, lost and invalid need a submitted bid."""
    _check_fields(data, RESULT_FIELDS)
    now = now or timezone.now()
    bid = _lock(bid)
    _require_steer(actor, bid)
    check_version(bid, expected_version)
    result = data.get("result")
    rules = _Rules()
    if result not in Result.values:
        rules.add("result", _("Choose the result."))
    elif bid.status == Status.WITHDRAWN:
        raise TransitionRefused(_("This bid was withdrawn: it has no result."), reasons=[], code="bid_closed")
    elif result != Result.CANCELLED and bid.status != Status.SUBMITTED:
        rules.add("result", _("Only a submitted bid is won, lost or invalid; a tender cancelled before the "
                              "submission is recorded as cancelled."))
    rank, bidders = data.get("our_rank"), data.get("bidder_count")
    if bidders is not None and bidders < 1:
        rules.add("bidder_count", _("At least one bidder (us)."))
    if rank is not None and rank < 1:
        rules.add("our_rank", _("Ranks start at 1."))
    if result == Result.WON and rank not in (None, 1):
        rules.add("our_rank", _("A won bid ranks first."))
    if result == Result.LOST and not (data.get("winning_bidder") or "").strip():
        rules.add("winning_bidder", _("Name the winning bidder: it is what the win-loss analysis needs."))
    for field in ("winning_price", "our_price"):
        if data.get(field) is not None and data[field] < Decimal(0):
            rules.add(field, _("A price cannot be negative."))
    rules.raise_if_any()
    data["winning_bidder"] = (data.get("winning_bidder") or "").strip()
    data["result_notes"] = (data.get("result_notes") or "").strip()
    changed = apply_changes(bid, {**data, "result_at": now})
    rules.raise_with(bid, exclude=[])
    _save(bid, changed, actor=actor)
    _event(bid, actor, "result", Result(result).label)
    return bid


# --- generated files, archived as registered documents --------------------------------------------


def _archive(*, actor, bid, kind: str, title: str, filename: str, content: bytes):
    from presales.documents.artefacts import archive_artefact

    if not permissions.can_work_on(actor, bid):
        raise PermissionDenied(_("You may not work on this bid."))
    return archive_artefact(actor=actor, source=bid, kind=kind, title=title, category_kind="bid",
                            filename=filename, content=content, opportunity=bid.opportunity,
                            change_summary=_("Generated from bid %(number)s") % {"number": bid.number})


def deviation_table_archive(*, actor, bid) -> tuple[bytes, object]:
    from .exports import deviation_xlsx

    content = deviation_xlsx(bid)
    document = _archive(actor=actor, bid=bid, kind="deviation_table", filename=f"{bid.number}-deviation.xlsx",
                        title=_("Specification deviation table %(number)s") % {"number": bid.number},
                        content=content)
    return content, document


def bid_summary_archive(*, actor, bid) -> tuple[bytes, object]:
    from .exports import summary_docx

    content = summary_docx(bid)
    document = _archive(actor=actor, bid=bid, kind="bid_summary", filename=f"{bid.number}-summary.docx",
                        title=_("Bid summary %(number)s") % {"number": bid.number}, content=content)
    return content, document


"""Every write to talent records. Keyword-only, atomic, the changed row locked
(`select_for_update`), rules checked with translated DomainErrors (every field at fault at once,
nothing saved), optimistic locking through the version column where pages edit a record, history
kept by django-simple-history, notifications after commit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from presales.accounts.choices import CareerTrack, PresalesLevel
from presales.core.concurrency import apply_changes, check_version, save_fields
from presales.core.errors import DomainError, PermissionDenied, TransitionRefused
from presales.core.services import FieldErrors
from presales.notifications.text import Text

from . import permissions
from .choices import (
    AwardRoundStatus,
    CertificationKind,
    MentoringStatus,
    OnboardingStatus,
    ReportRating,
    TrainingKind,
)
from .models import (
    SCORE_FIELDS,
    AwardNomination,
    AwardRound,
    AwardScore,
    Certification,
    DailyReport,
    MentoringNote,
    MentoringPair,
    OnboardingProgramme,
    OnboardingTask,
    Promotion,
    Training,
    TrainingAttendance,
)

REPORT_FIELDS = ("work_done", "problems", "plan_tomorrow")
CERTIFICATION_FIELDS = ("name", "issuer", "kind", "credential_id", "obtained_on", "expires_on")
TRAINING_FIELDS = (
    "title",
    "kind",
    "trainer",
    "external_trainer",
    "held_on",
    "hours",
    "description",
    "has_exam",
    "pass_score",
)
# The onboarding camp lasts one to two months (seed 002: 为期1-2个月的岗前集训营).
ONBOARDING_MIN_DAYS = 28
ONBOARDING_MAX_DAYS = 62
# A daily report may be written late (a late report is still a report), up to a year back.
REPORT_BACKDATE_DAYS = 366
DEFAULT_ONBOARDING_TASKS = (
    (gettext_lazy("Company product lines"), 7),
    (gettext_lazy("Industry knowledge of our key sectors"), 14),
    (gettext_lazy("Answering common customer questions"), 21),
    (gettext_lazy("Shadow a customer demo"), 28),
    (gettext_lazy("Write a solution section under review"), 42),
    (gettext_lazy("Final exam of the camp"), 56),
)


class _Rules(FieldErrors):
    """The core collector; the model's validation skips the fields already at fault."""

    def raise_with(self, obj, *, exclude=None) -> None:
        super().raise_with(obj, exclude=[*(exclude or []), *self.errors])


def _today() -> date:
    return timezone.localdate()


def _text(value) -> str:
    return (value or "").strip()


def _lock(model, obj, expected_version=None):
    locked = model._default_manager.select_for_update().get(pk=obj.pk)
    if expected_version is not None:
        check_version(locked, expected_version)
    return locked


def _unknown(changes: dict, allowed) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="not_editable",
        )


def _visible_opportunities(actor, opportunities, rules: _Rules, field: str = "opportunities"):
    from presales.opportunities.models import Opportunity

    opportunities = [o for o in (opportunities or []) if o is not None]
    if not opportunities:
        return []
    ids = {o.pk for o in opportunities}
    visible = set(Opportunity.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    if ids - visible:
        rules.add(field, "opportunity_hidden", _("This opportunity does not exist or is not visible to you."))
    return opportunities


def _check_done(obj, *, actor) -> None:
    obj._history_user = actor


# --- daily reports --------------------------------------------------------------------------------


def _check_report_date(rules: _Rules, report_date) -> None:
    if report_date is None:
        rules.add("report_date", "required", _("This field is required."))
        return
    today = _today()
    if report_date > today:
        rules.add("report_date", "future_report", _("A daily report cannot be written for a future day."))
    elif report_date < today - timedelta(days=REPORT_BACKDATE_DAYS):
        rules.add(
            "report_date",
            "report_too_old",
            _("A daily report can be written for the last %(days)s days only.")
            % {"days": REPORT_BACKDATE_DAYS},
        )


@transaction.atomic
def daily_report_create(
    *,
    actor,
    report_date: date | None = None,
    work_done: str,
    problems: str = "",
    plan_tomorrow: str = "",
    opportunities=(),
) -> DailyReport:
    """The actor's own report for a day (today by default); one per person and day."""
    if not permissions.can_write_reports(actor):
        raise PermissionDenied(_("Only presales staff write daily reports here."))
    report_date = report_date or _today()
    rules = _Rules()
    _check_report_date(rules, report_date)
    if not _text(work_done):
        rules.add("work_done", "required", _("Say what you worked on today."))
    opportunities = _visible_opportunities(actor, opportunities, rules)
    report = DailyReport(
        author=actor,
        report_date=report_date,
        work_done=_text(work_done),
        problems=_text(problems),
        plan_tomorrow=_text(plan_tomorrow),
    )
    rules.raise_with(report)
    _check_done(report, actor=actor)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise DomainError(
            _("There is a daily report of this person for this day already."),
            code="report_exists",
            errors={"report_date": [_("There is a daily report of this person for this day already.")]},
        ) from None
    if opportunities:
        report.opportunities.set(opportunities)
    return report


@transaction.atomic
def daily_report_update(
    *, actor, report: DailyReport, expected_version: int | None = None, **changes
) -> DailyReport:
    """The author edits the report until it is rated."""
    _unknown(changes, (*REPORT_FIELDS, "opportunities"))
    report = _lock(DailyReport, report, expected_version)
    if report.author_id != actor.pk:
        raise PermissionDenied(_("Only the author edits a daily report."))
    if report.rating is not None:
        raise DomainError(_("This report has been rated: it can no longer be edited."), code="report_rated")
    rules = _Rules()
    opportunities = changes.pop("opportunities", None)
    if opportunities is not None:
        opportunities = _visible_opportunities(actor, opportunities, rules)
    if "work_done" in changes and not _text(changes["work_done"]):
        rules.add("work_done", "required", _("Say what you worked on today."))
    changed = apply_changes(report, {k: _text(v) for k, v in changes.items()})
    rules.raise_with(report)
    if opportunities is not None:
        current = set(report.opportunities.values_list("pk", flat=True))
        if current != {o.pk for o in opportunities}:
            report.opportunities.set(opportunities)
            if not changed:
                changed = ["updated_at"]
    _check_done(report, actor=actor)
    save_fields(report, changed)
    return report


@transaction.atomic
def daily_report_rate(
    *, actor, report: DailyReport, rating, comment: str = "", expected_version: int | None = None
) -> DailyReport:
    """The lead of the author's team (or a manager) rates the quality: perfunctory (−1), normal (0)
    or constructive (+1); a perfunctory rating says why. A rating may be revised."""
    report = _lock(DailyReport, report, expected_version)
    if not permissions.can_rate_report(actor, report):
        raise PermissionDenied(_("Only the author's team lead or a manager rates a daily report."))
    rules = _Rules()
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = None
    if rating not in ReportRating.values:
        rules.add("rating", "report_rating", _("The rating is perfunctory, normal or constructive."))
    comment = _text(comment)
    if rating == ReportRating.PERFUNCTORY and not comment:
        rules.add(
            "rating_comment", "comment_required", _("Say what was missing when rating a report perfunctory.")
        )
    rules.raise_if_any()
    changed = apply_changes(report, {"rating": rating, "rating_comment": comment, "rated_by": actor})
    if changed:
        report.rated_at = timezone.now()
        changed.append("rated_at")
    _check_done(report, actor=actor)
    save_fields(report, changed)
    if changed and report.report_date >= _today() - timedelta(days=7):  # older ratings are no news
        from presales.notifications.services import notify

        notify(
            recipients=[report.author],
            kind="talent.report_rated",
            title=gettext_lazy("Your daily report was rated"),
            body=Text(gettext_lazy("%(day)s: %(rating)s. %(comment)s"))
            % {
                "day": report.report_date.isoformat(),
                "rating": ReportRating(report.rating).label,
                "comment": comment,
            },
            target=report,
            email=False,
        )
    return report


def is_working_day(day: date) -> bool:
    """Monday to Friday (public holidays are not modelled)."""
    return day.weekday() < 5


def missing_report_authors(day: date):
    """Active presales people without a report for `day` (one query)."""
    from presales.accounts.choices import PRESALES_ROLES

    User = get_user_model()
    return (
        User.objects.filter(is_active=True, roles__code__in=list(PRESALES_ROLES))
        .exclude(daily_reports__report_date=day)
        .distinct()
        .order_by("pk")
    )


def remind_missing_reports(*, day: date | None = None) -> int:
    """Notify everybody who has not written the day's report; nothing on weekends. Idempotent per
    person and day (dedup key)."""
    from presales.notifications.services import notify

    day = day or _today()
    if not is_working_day(day):
        return 0
    people = list(missing_report_authors(day))
    for person in people:
        notify(
            recipients=[person],
            kind="talent.report_missing",
            title=gettext_lazy("Your daily report is missing"),
            body=Text(gettext_lazy("You have not written your daily report for %(day)s yet."))
            % {"day": day.isoformat()},
            url=reverse("talent:daily_report_create"),
            dedup_key=f"talent-report-missing-{person.pk}-{day}",
            email=False,
        )
    return len(people)


# --- certifications -------------------------------------------------------------------------------


def _register_certificate(*, actor, certification_name: str, file, opportunity, customer, rules: _Rules):
    """Register the uploaded certificate as a document (category "other") of the archive. The
    archive files every document under a customer (or an opportunity's customer)."""
    from presales.documents.models import DocumentCategory
    from presales.documents.services import document_create

    if opportunity is None and customer is None:
        rules.add(
            "file_opportunity",
            "certificate_place",
            _("Choose the opportunity or the customer under which the certificate is filed in the archive."),
        )
        return None
    rules.raise_if_any()
    try:
        return document_create(
            actor=actor,
            title=_("Certificate: %(name)s") % {"name": certification_name},
            category=DocumentCategory.objects.filter(kind="other").first(),
            file=file,
            opportunity=opportunity,
            customer=customer if opportunity is None else None,
            description=_("Certificate uploaded with a talent record."),
        )
    except DomainError as exc:
        mapping = {"opportunity": "file_opportunity", "customer": "file_customer", "file": "certificate_file"}
        errors = {mapping.get(k, "certificate_file"): v for k, v in (exc.errors or {}).items()}
        raise DomainError(
            exc.message, code=exc.code, errors=errors or {"certificate_file": [exc.message]}
        ) from None


@transaction.atomic
def certification_create(
    *,
    actor,
    person,
    name: str,
    issuer: str,
    kind: str = CertificationKind.EXTERNAL,
    obtained_on,
    expires_on=None,
    credential_id: str = "",
    certificate_file=None,
    file_opportunity=None,
    file_customer=None,
) -> Certification:
    if person is None or not permissions.can_manage_records_of(actor, person):
        raise PermissionDenied(_("You may record certifications of yourself and of your team only."))
    rules = _Rules()
    if obtained_on and obtained_on > _today():
        rules.add("obtained_on", "future_date", _("This date cannot be in the future."))
    certification = Certification(
        person=person,
        name=_text(name),
        issuer=_text(issuer),
        kind=kind,
        credential_id=_text(credential_id),
        obtained_on=obtained_on,
        expires_on=expires_on,
        created_by=actor,
    )
    rules.raise_with(certification)
    if certificate_file is not None:
        certification.certificate_document = _register_certificate(
            actor=actor,
            certification_name=certification.name,
            file=certificate_file,
            opportunity=file_opportunity,
            customer=file_customer,
            rules=rules,
        )
        rules.raise_if_any()
    _check_done(certification, actor=actor)
    certification.save()
    return certification


@transaction.atomic
def certification_update(
    *,
    actor,
    certification: Certification,
    expected_version: int | None = None,
    certificate_file=None,
    file_opportunity=None,
    file_customer=None,
    **changes,
) -> Certification:
    _unknown(changes, CERTIFICATION_FIELDS)
    certification = _lock(Certification, certification, expected_version)
    if not permissions.can_edit_certification(actor, certification):
        raise PermissionDenied(_("You may edit certifications of yourself and of your team only."))
    rules = _Rules()
    changes = {k: _text(v) if isinstance(v, str) else v for k, v in changes.items()}
    if changes.get("obtained_on") and changes["obtained_on"] > _today():
        rules.add("obtained_on", "future_date", _("This date cannot be in the future."))
    changed = apply_changes(certification, changes)
    rules.raise_with(certification)
    if certificate_file is not None:
        certification.certificate_document = _register_certificate(
            actor=actor,
            certification_name=certification.name,
            file=certificate_file,
            opportunity=file_opportunity,
            customer=file_customer,
            rules=rules,
        )
        rules.raise_if_any()
        changed.append("certificate_document")
    _check_done(certification, actor=actor)
    save_fields(certification, changed)
    return certification


def expiring_certifications(*, within_days: int = 60, today: date | None = None):
    today = today or _today()
    return Certification.objects.filter(
        expires_on__gte=today, expires_on__lte=today + timedelta(days=within_days)
    ).select_related("person")


def warn_expiring_certifications(*, today: date | None = None) -> int:
    """Tell each holder (and their team lead) that a certification expires within 60 days; one
    notice per certification and ISO week."""
    from presales.notifications.services import notify

    today = today or _today()
    count = 0
    week = today.isocalendar()
    for cert in expiring_certifications(today=today).select_related("person__team__lead"):
        lead = cert.person.team.lead if cert.person.team_id else None
        notify(
            recipients=[cert.person, lead],
            kind="talent.certification_expiring",
            title=gettext_lazy("A certification expires soon"),
            body=Text(gettext_lazy("%(name)s of %(person)s expires on %(day)s."))
            % {"name": cert.name, "person": cert.person, "day": cert.expires_on.isoformat()},
            target=cert,
            dedup_key=f"talent-cert-{cert.pk}-{week[0]}-{week[1]}",
            email=False,
        )
        count += 1
    return count


# --- trainings ------------------------------------------------------------------------------------


def _check_training(rules: _Rules, training: Training) -> None:
    if training.kind == TrainingKind.SALES_ENABLEMENT and training.trainer_id is None:
        rules.add(
            "trainer",
            "trainer_required",
            _("A sales enablement session is given by one of us: choose the trainer."),
        )


@transaction.atomic
def training_create(
    *,
    actor,
    title: str,
    kind: str = TrainingKind.INTERNAL,
    held_on,
    trainer=None,
    external_trainer: str = "",
    hours=2,
    description: str = "",
    has_exam: bool = True,
    pass_score: int = 80,
    attendees=(),
) -> Training:
    if not permissions.can_create_training(actor):
        raise PermissionDenied(_("Only presales staff and managers record trainings."))
    rules = _Rules()
    training = Training(
        title=_text(title),
        kind=kind,
        trainer=trainer,
        external_trainer=_text(external_trainer),
        held_on=held_on,
        hours=hours,
        description=_text(description),
        has_exam=has_exam,
        pass_score=80 if pass_score is None else pass_score,
        created_by=actor,
    )
    _check_training(rules, training)
    attendees = [a for a in (attendees or []) if a is not None]
    if trainer is not None and any(a.pk == trainer.pk for a in attendees):
        rules.add("attendees", "trainer_attends", _("The trainer is not one of the attendees."))
    rules.raise_with(training)
    _check_done(training, actor=actor)
    training.save()
    for attendee in {a.pk: a for a in attendees}.values():
        TrainingAttendance.objects.create(training=training, attendee=attendee)
    return training


@transaction.atomic
def training_update(*, actor, training: Training, expected_version: int | None = None, **changes) -> Training:
    _unknown(changes, TRAINING_FIELDS)
    training = _lock(Training, training, expected_version)
    if not permissions.can_edit_training(actor, training):
        raise PermissionDenied(_("Only the trainer, the team lead and managers edit a training."))
    rules = _Rules()
    changes = {k: _text(v) if isinstance(v, str) else v for k, v in changes.items()}
    if changes.get("pass_score", 0) is None:
        changes["pass_score"] = 80
    changed = apply_changes(training, changes)
    _check_training(rules, training)
    if training.trainer_id and training.attendances.filter(attendee_id=training.trainer_id).exists():
        rules.add("trainer", "trainer_attends", _("The trainer is not one of the attendees."))
    rules.raise_with(training)
    _check_done(training, actor=actor)
    save_fields(training, changed)
    return training


@transaction.atomic
def attendance_add(*, actor, training: Training, attendee) -> TrainingAttendance:
    training = _lock(Training, training)
    if not permissions.can_edit_training(actor, training):
        raise PermissionDenied(_("Only the trainer, the team lead and managers edit a training."))
    rules = _Rules()
    if attendee is None:
        rules.add("attendee", "required", _("This field is required."))
    elif attendee.pk == training.trainer_id:
        rules.add("attendee", "trainer_attends", _("The trainer is not one of the attendees."))
    rules.raise_if_any()
    attendance = TrainingAttendance(training=training, attendee=attendee)
    rules.raise_with(attendance)
    _check_done(attendance, actor=actor)
    attendance.save()
    return attendance


@transaction.atomic
def attendance_remove(*, actor, attendance: TrainingAttendance) -> None:
    training = _lock(Training, attendance.training)
    if not permissions.can_edit_training(actor, training):
        raise PermissionDenied(_("Only the trainer, the team lead and managers edit a training."))
    attendance._history_user = actor
    attendance.delete()


def _parse_score(value):
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise DomainError(
            _("Enter a number."), code="score_range", errors={"score": [_("Enter a number.")]}
        ) from None
    return score


@transaction.atomic
def attendance_score(
    *, actor, attendance: TrainingAttendance, score, expected_version: int | None = None
) -> TrainingAttendance:
    """Record (or clear, with None) an attendee's exam score, 0–100."""
    attendance = _lock(TrainingAttendance, attendance, expected_version)
    training = attendance.training
    if not permissions.can_edit_training(actor, training):
        raise PermissionDenied(_("Only the trainer, the team lead and managers edit a training."))
    if not training.has_exam:
        raise DomainError(
            _("This training has no exam."),
            code="no_exam",
            errors={"score": [_("This training has no exam.")]},
        )
    changed = apply_changes(attendance, {"score": _parse_score(score)})
    rules = _Rules()
    rules.raise_with(attendance)
    _check_done(attendance, actor=actor)
    save_fields(attendance, changed)
    return attendance


@transaction.atomic
def training_record_scores(*, actor, training: Training, scores: dict[int, object]) -> int:
    """Record several attendees' scores at once (attendance id → score); all or nothing."""
    training = _lock(Training, training)
    if not permissions.can_edit_training(actor, training):
        raise PermissionDenied(_("Only the trainer, the team lead and managers edit a training."))
    rows = {a.pk: a for a in training.attendances.select_for_update().select_related("attendee")}
    rules = _Rules()
    updates = []
    for pk, raw in scores.items():
        attendance = rows.get(int(pk))
        if attendance is None:
            continue
        try:
            score = _parse_score(raw)
        except DomainError as exc:
            rules.add(f"score_{pk}", exc.code, exc.message)
            continue
        if score is not None and not (0 <= score <= 100):
            rules.add(f"score_{pk}", "score_range", _("The score is between 0 and 100."))
            continue
        if attendance.score != score:
            attendance.score = score
            updates.append(attendance)
    rules.raise_if_any()
    for attendance in updates:
        _check_done(attendance, actor=actor)
        save_fields(attendance, ["score"])
    return len(updates)


# --- mentoring ------------------------------------------------------------------------------------


def _mentee_has_mentor(rules: _Rules, mentee, *, exclude_pk=None) -> None:
    qs = MentoringPair.objects.filter(mentee=mentee, status=MentoringStatus.ACTIVE)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        rules.add("mentee", "mentee_has_mentor", _("This person has an active mentor already."))


@transaction.atomic
def mentoring_create(*, actor, mentor, mentee, started_on, goals: str) -> MentoringPair:
    """Pair a mentor with a mentee (导师制). A mentee has at most one active mentor."""
    if mentee is None or not permissions.can_pair(actor, mentee):
        raise PermissionDenied(_("Only managers and the mentee's team lead pair a mentor and a mentee."))
    rules = _Rules()
    if mentor is not None and not mentor.is_active:
        rules.add("mentor", "inactive", _("This person is no longer active."))
    _mentee_has_mentor(rules, mentee)
    pair = MentoringPair(
        mentor=mentor, mentee=mentee, started_on=started_on, goals=_text(goals), created_by=actor
    )
    rules.raise_with(pair)
    _check_done(pair, actor=actor)
    try:
        with transaction.atomic():
            pair.save()
    except IntegrityError:  # a concurrent pairing won the race (partial unique index)
        raise DomainError(
            _("This person has an active mentor already."),
            code="mentee_has_mentor",
            errors={"mentee": [_("This person has an active mentor already.")]},
        ) from None
    from presales.notifications.services import notify

    notify(
        recipients=[mentor, mentee],
        kind="talent.mentoring",
        title=gettext_lazy("New mentoring pair"),
        body=str(pair),
        target=pair,
        email=False,
    )
    return pair


@transaction.atomic
def mentoring_update(
    *, actor, pair: MentoringPair, goals: str, expected_version: int | None = None
) -> MentoringPair:
    pair = _lock(MentoringPair, pair, expected_version)
    if not permissions.can_steer_mentoring(actor, pair):
        raise PermissionDenied(_("Only managers and the mentee's team lead change a mentoring pair."))
    rules = _Rules()
    if not _text(goals):
        rules.add("goals", "required", _("This field is required."))
    rules.raise_if_any()
    changed = apply_changes(pair, {"goals": _text(goals)})
    _check_done(pair, actor=actor)
    save_fields(pair, changed)
    return pair


# The mentoring pair's states: active → completed (goals reached) | ended (stopped early).
MENTORING_TRANSITIONS = {
    (MentoringStatus.ACTIVE, MentoringStatus.COMPLETED),
    (MentoringStatus.ACTIVE, MentoringStatus.ENDED),
}


@transaction.atomic
def mentoring_close(
    *,
    actor,
    pair: MentoringPair,
    status: str,
    ended_on=None,
    note: str = "",
    expected_version: int | None = None,
) -> MentoringPair:
    """Complete the pair (goals reached) or end it early (a reason is required)."""
    pair = _lock(MentoringPair, pair, expected_version)
    if not permissions.can_steer_mentoring(actor, pair):
        raise PermissionDenied(_("Only managers and the mentee's team lead change a mentoring pair."))
    if (pair.status, status) not in MENTORING_TRANSITIONS:
        raise TransitionRefused(
            _("This mentoring pair cannot move from %(from)s to %(to)s.")
            % {"from": pair.get_status_display(), "to": status},
            reasons=[_("Only an active pair is completed or ended.")],
        )
    rules = _Rules()
    ended_on = ended_on or _today()
    if ended_on > _today():
        rules.add("ended_on", "future_date", _("This date cannot be in the future."))
    if status == MentoringStatus.ENDED and not _text(note):
        rules.add("note", "reason_required", _("Say why the mentoring ends early."))
    rules.raise_if_any()
    pair.status = status
    pair.ended_on = ended_on
    pair.closing_note = _text(note)
    rules.raise_with(pair)
    _check_done(pair, actor=actor)
    save_fields(pair, ["status", "ended_on", "closing_note"])
    return pair


@transaction.atomic
def mentoring_note_add(*, actor, pair: MentoringPair, text: str, written_on=None) -> MentoringNote:
    pair = _lock(MentoringPair, pair)
    if not permissions.can_add_note(actor, pair):
        raise PermissionDenied(
            _("Only the mentor, the mentee and their leads write notes of an active pair.")
        )
    rules = _Rules()
    written_on = written_on or _today()
    if not _text(text):
        rules.add("text", "required", _("This field is required."))
    if written_on > _today():
        rules.add("written_on", "future_date", _("This date cannot be in the future."))
    elif written_on < pair.started_on:
        rules.add("written_on", "before_start", _("This date is before the pair started."))
    rules.raise_if_any()
    note = MentoringNote(pair=pair, author=actor, written_on=written_on, text=_text(text))
    _check_done(note, actor=actor)
    note.save()
    return note


# --- onboarding -----------------------------------------------------------------------------------


@transaction.atomic
def onboarding_create(
    *, actor, new_hire, started_on, ends_on=None, buddy=None, tasks=None
) -> OnboardingProgramme:
    """The onboarding camp of a new hire: 1–2 months; the default checklist unless tasks are given
    (as (title, due date) pairs)."""
    if not permissions.can_create_onboarding(actor) or (
        new_hire is not None and not permissions.oversees(actor, new_hire)
    ):
        raise PermissionDenied(_("Only managers and the new hire's team lead set up an onboarding camp."))
    rules = _Rules()
    if new_hire is None:
        rules.add("new_hire", "required", _("This field is required."))
    elif OnboardingProgramme.objects.filter(new_hire=new_hire).exists():
        rules.add("new_hire", "onboarding_exists", _("This person has an onboarding camp already."))
    if started_on is None:
        rules.add("started_on", "required", _("This field is required."))
    else:
        ends_on = ends_on or started_on + timedelta(days=ONBOARDING_MAX_DAYS - 3)
        days = (ends_on - started_on).days
        if days < ONBOARDING_MIN_DAYS or days > ONBOARDING_MAX_DAYS:
            rules.add("ends_on", "onboarding_length", _("The onboarding camp lasts one to two months."))
    if buddy is not None and new_hire is not None and buddy.pk == new_hire.pk:
        rules.add("buddy", "buddy_is_new_hire", _("A person cannot mentor themselves."))
    rules.raise_if_any()
    programme = OnboardingProgramme(
        new_hire=new_hire, buddy=buddy, started_on=started_on, ends_on=ends_on, created_by=actor
    )
    rules.raise_with(programme, exclude=["new_hire"])
    _check_done(programme, actor=actor)
    programme.save()
    if tasks is None:
        tasks = [
            (str(title), started_on + timedelta(days=offset)) for title, offset in DEFAULT_ONBOARDING_TASKS
        ]
    OnboardingTask.objects.bulk_create(
        [OnboardingTask(programme=programme, title=str(title)[:200], due_on=due) for title, due in tasks]
    )
    return programme


@transaction.atomic
def onboarding_task_add(*, actor, programme: OnboardingProgramme, title: str, due_on) -> OnboardingTask:
    programme = _lock(OnboardingProgramme, programme)
    if not permissions.can_add_tasks(actor, programme):
        raise PermissionDenied(_("Only the mentor, the team lead and managers add tasks to an active camp."))
    rules = _Rules()
    if not _text(title):
        rules.add("title", "required", _("This field is required."))
    if due_on is None:
        rules.add("due_on", "required", _("This field is required."))
    elif not (programme.started_on <= due_on <= programme.ends_on):
        rules.add(
            "due_on",
            "due_outside",
            _("The due date falls within the camp (%(start)s – %(end)s).")
            % {"start": programme.started_on.isoformat(), "end": programme.ends_on.isoformat()},
        )
    rules.raise_if_any()
    task = OnboardingTask(programme=programme, title=_text(title), due_on=due_on)
    _check_done(task, actor=actor)
    task.save()
    return task


@transaction.atomic
def onboarding_task_set_done(
    *, actor, task: OnboardingTask, done: bool, expected_version: int | None = None
) -> OnboardingTask:
    task = _lock(OnboardingTask, task, expected_version)
    programme = OnboardingProgramme.objects.select_for_update().get(pk=task.programme_id)
    if not permissions.can_tick_tasks(actor, programme):
        raise PermissionDenied(
            _("Only the new hire, the mentor and their leads tick tasks of an active camp.")
        )
    changed = apply_changes(task, {"done": bool(done), "done_on": _today() if done else None})
    _check_done(task, actor=actor)
    save_fields(task, changed)
    return task


@transaction.atomic
def onboarding_complete(*, actor, programme: OnboardingProgramme, expected_version: int | None = None):
    """Close the camp: every task is done."""
    programme = _lock(OnboardingProgramme, programme, expected_version)
    if not permissions.can_steer_onboarding(actor, programme):
        raise PermissionDenied(_("Only managers and the new hire's team lead close an onboarding camp."))
    if programme.status != OnboardingStatus.ACTIVE:
        raise TransitionRefused(_("This onboarding camp is closed already."), reasons=[])
    open_tasks = list(programme.tasks.filter(done=False).values_list("title", flat=True))
    if open_tasks:
        raise TransitionRefused(
            _("Some tasks are not done yet."),
            reasons=[_("Not done: %(task)s") % {"task": title} for title in open_tasks],
        )
    programme.status = OnboardingStatus.COMPLETED
    programme.completed_on = _today()
    _check_done(programme, actor=actor)
    save_fields(programme, ["status", "completed_on"])
    return programme


# --- promotions -----------------------------------------------------------------------------------


@transaction.atomic
def promotion_record(
    *, actor, person, to_level: str, effective_on, reason: str, to_track: str = ""
) -> Promotion:
    """Record a change of level and/or career track, approved by the actor (a manager), and set the
    person's current level and track (accounts has no service for it: saved here with
    update_fields, which keeps the user's change history)."""
    if not permissions.can_promote(actor):
        raise PermissionDenied(_("Only managers record promotions."))
    User = get_user_model()
    person = User.objects.select_for_update().get(pk=person.pk)
    rules = _Rules()
    if to_level not in PresalesLevel.values:
        rules.add("to_level", "invalid_choice", _("Choose a presales level."))
    to_track = to_track or ""
    if to_track and to_track not in CareerTrack.values:
        rules.add("to_track", "invalid_choice", _("Choose a career track."))
    if to_level == person.presales_level and to_track == (person.career_track or ""):
        rules.add("to_level", "no_change", _("This is the person's current level and track already."))
    if not _text(reason):
        rules.add("reason", "required", _("Say why the person is promoted."))
    if effective_on is None:
        rules.add("effective_on", "required", _("This field is required."))
    elif effective_on > _today() + timedelta(days=366):
        rules.add("effective_on", "too_far", _("The effective date is within a year from today."))
    rules.raise_if_any()
    promotion = Promotion(
        person=person,
        from_level=person.presales_level or "",
        to_level=to_level,
        from_track=person.career_track or "",
        to_track=to_track,
        effective_on=effective_on,
        reason=_text(reason),
        approved_by=actor,
        created_by=actor,
    )
    rules.raise_with(promotion)
    _check_done(promotion, actor=actor)
    promotion.save()
    person.presales_level = to_level
    person.career_track = to_track
    person._history_user = actor
    person.save(update_fields=["presales_level", "career_track"])
    from presales.notifications.services import notify

    notify(
        recipients=[person],
        kind="talent.promotion",
        title=gettext_lazy("Your promotion was recorded"),
        body=Text(gettext_lazy("New level: %(level)s")) % {"level": PresalesLevel(promotion.to_level).label},
        url=reverse("talent:profile", args=[person.pk]),
        email=False,
    )
    return promotion


# --- gold presales award --------------------------------------------------------------------------

# nominating ──close nominations──▶ scoring ──announce──▶ announced (final)
AWARD_TRANSITIONS = {
    (AwardRoundStatus.NOMINATING, AwardRoundStatus.SCORING),
    (AwardRoundStatus.SCORING, AwardRoundStatus.ANNOUNCED),
}


@transaction.atomic
def award_round_create(*, actor, year: int, quarter: int, prize: str = "") -> AwardRound:
    if not permissions.can_manage_rounds(actor):
        raise PermissionDenied(_("Only managers open award rounds."))
    award_round = AwardRound(year=year, quarter=quarter, prize=_text(prize), created_by=actor)
    _Rules().raise_with(award_round)
    _check_done(award_round, actor=actor)
    award_round.save()
    return award_round


def award_results(award_round: AwardRound):
    """The nominations of a round with their committee results, best first: `avg_total` (average over
    members of the sum of the four criteria, 4–40), per-criterion averages and the number of scores.
    One query (database aggregation)."""
    total = sum((F(f"scores__{n}") for n in SCORE_FIELDS[1:]), F(f"scores__{SCORE_FIELDS[0]}"))
    return (
        AwardNomination.objects.filter(round=award_round)
        .select_related("nominee", "nominated_by", "opportunity")
        .annotate(
            score_count=Count("scores"),
            avg_total=Avg(total),
            **{f"avg_{n}": Avg(f"scores__{n}") for n in SCORE_FIELDS},
        )
        .order_by(F("avg_total").desc(nulls_last=True), "pk")
    )


def award_refusal_reasons(award_round: AwardRound, target: str) -> list[str]:
    reasons = []
    if target == AwardRoundStatus.SCORING and not award_round.nominations.exists():
        reasons.append(_("No case has been nominated yet."))
    if target == AwardRoundStatus.ANNOUNCED:
        unscored = list(award_round.nominations.filter(scores__isnull=True).values_list("title", flat=True))
        if unscored:
            reasons.extend(_("Not scored yet: %(title)s") % {"title": t} for t in unscored)
    return reasons


@transaction.atomic
def award_round_move(*, actor, award_round: AwardRound, to_status: str, expected_version: int | None = None):
    """Close nominations (at least one nomination), or announce (every nomination scored): the top
    nomination(s) by average total win, ties all win; everybody is notified."""
    award_round = _lock(AwardRound, award_round, expected_version)
    if not permissions.can_manage_rounds(actor):
        raise PermissionDenied(_("Only managers move award rounds."))
    if (award_round.status, to_status) not in AWARD_TRANSITIONS:
        raise TransitionRefused(
            _("This award round cannot move from %(from)s to %(to)s.")
            % {"from": award_round.get_status_display(), "to": to_status},
            reasons=[_("Rounds go from nominations to scoring to announced, once.")],
        )
    reasons = award_refusal_reasons(award_round, to_status)
    if reasons:
        raise TransitionRefused(_("The award round cannot move on yet."), reasons=reasons)
    award_round.status = to_status
    changed = ["status"]
    if to_status == AwardRoundStatus.ANNOUNCED:
        results = [n for n in award_results(award_round) if n.avg_total is not None]
        best = max(n.avg_total for n in results)
        winners = [n for n in results if n.avg_total == best]
        AwardNomination.objects.filter(pk__in=[n.pk for n in winners]).update(is_winner=True)
        award_round.announced_at = timezone.now()
        changed.append("announced_at")
        _check_done(award_round, actor=actor)
        save_fields(award_round, changed)
        from presales.notifications.services import notify

        User = get_user_model()
        names = ", ".join(f"{n.nominee} ({n.title})" for n in winners)
        notify(
            recipients=User.objects.filter(is_active=True),
            kind="talent.award_announced",
            title=Text(gettext_lazy("%(round)s announced")) % {"round": award_round},
            body=Text(gettext_lazy("Winners: %(names)s")) % {"names": names},
            target=award_round,
            dedup_key=f"talent-award-{award_round.pk}",
            email=False,
        )
        return award_round
    _check_done(award_round, actor=actor)
    save_fields(award_round, changed)
    return award_round


@transaction.atomic
def nomination_create(
    *, actor, award_round: AwardRound, nominee, title: str, case_description: str, opportunity=None
) -> AwardNomination:
    award_round = _lock(AwardRound, award_round)
    if not permissions.can_nominate(actor, award_round):
        raise PermissionDenied(_("Nominations are closed for this round."))
    rules = _Rules()
    if nominee is not None and not nominee.is_presales:
        rules.add("nominee", "not_presales", _("The nominee is a presales colleague."))
    if opportunity is not None:
        _visible_opportunities(actor, [opportunity], rules, field="opportunity")
    if not _text(case_description):
        rules.add("case_description", "required", _("Describe the case: what was achieved, for whom, how."))
    nomination = AwardNomination(
        round=award_round,
        nominee=nominee,
        opportunity=opportunity,
        title=_text(title),
        case_description=_text(case_description),
        nominated_by=actor,
        created_by=actor,
    )
    rules.raise_with(nomination)
    _check_done(nomination, actor=actor)
    nomination.save()
    return nomination


@transaction.atomic
def nomination_score(*, actor, nomination: AwardNomination, comment: str = "", **scores) -> AwardScore:
    """A committee member scores a nomination (1–10 per criterion); scoring again replaces their
    earlier score."""
    _unknown(scores, SCORE_FIELDS)
    award_round = AwardRound.objects.select_for_update().get(pk=nomination.round_id)
    if not permissions.can_score(actor, nomination, award_round):
        raise PermissionDenied(_("Only committee members score nominations, during scoring, not their own."))
    rules = _Rules()
    values = {}
    for name in SCORE_FIELDS:
        raw = scores.get(name)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            rules.add(name, "required", _("Score each criterion from 1 to 10."))
            continue
        if not 1 <= value <= 10:
            rules.add(name, f"{name}_range", _("Each score is from 1 to 10."))
        values[name] = value
    rules.raise_if_any()
    score = AwardScore.objects.select_for_update().filter(nomination=nomination, member=actor).first()
    if score is None:
        score = AwardScore(nomination=nomination, member=actor, comment=_text(comment), **values)
        rules.raise_with(score)
        _check_done(score, actor=actor)
        score.save()
        return score
    changed = apply_changes(score, {**values, "comment": _text(comment)})
    rules.raise_with(score)
    _check_done(score, actor=actor)
    save_fields(score, changed)
    return score

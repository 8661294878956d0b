"""Domain rules of the talent services: every rule refused with a field error and nothing changed,
every state transition and its refusals, the aggregates the appraisal metrics read."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presales.accounts.choices import CareerTrack, PresalesLevel
from presales.core.errors import DomainError, PermissionDenied, StaleObjectError, TransitionRefused
from presales.notifications.models import Notification
from presales.talent import selectors, services
from presales.talent.choices import (
    AwardRoundStatus,
    MentoringStatus,
    OnboardingStatus,
    ReportRating,
    TrainingKind,
)
from presales.talent.models import (
    AwardNomination,
    AwardScore,
    Certification,
    DailyReport,
    MentoringPair,
    Promotion,
    TrainingAttendance,
)
from tests.factories.talent import (
    make_certification,
    make_committee,
    make_pair,
    make_programme,
    make_report,
    make_round,
    make_training,
    today,
)

pytestmark = pytest.mark.django_db


def errors_of(exc_info) -> dict:
    return exc_info.value.errors


# --- daily reports --------------------------------------------------------------------------------


def test_one_report_per_person_and_day(cast):
    make_report(cast.engineer_a)
    with pytest.raises(DomainError) as exc:
        make_report(cast.engineer_a)
    assert "report_date" in errors_of(exc)
    assert DailyReport.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        DailyReport.objects.create(author=cast.engineer_a, report_date=today(), work_done="x")


def test_report_dates_and_text_are_checked(cast):
    with pytest.raises(DomainError) as exc:
        services.daily_report_create(
            actor=cast.engineer_a, report_date=today() + timedelta(days=1), work_done=" "
        )
    assert {"report_date", "work_done"} <= set(errors_of(exc))
    with pytest.raises(DomainError) as exc:
        make_report(cast.engineer_a, days_ago=400)
    assert "report_date" in errors_of(exc)
    assert not DailyReport.objects.exists()


def test_sales_and_colleagues_without_role_write_no_reports(cast):
    for person in (cast.sales_a, cast.nobody):
        with pytest.raises(PermissionDenied):
            make_report(person)


def test_linked_opportunities_must_be_visible(cast):
    from tests.factories.poc import make_opportunity

    opportunity = make_opportunity(cast)
    report = make_report(cast.engineer_a, opportunities=[opportunity])
    assert list(report.opportunities.all()) == [opportunity]
    with pytest.raises(DomainError) as exc:
        make_report(cast.engineer_b, opportunities=[opportunity])
    assert "opportunities" in errors_of(exc)


def test_author_edits_until_rated(cast):
    report = make_report(cast.engineer_a)
    report = services.daily_report_update(
        actor=cast.engineer_a, report=report, expected_version=1, work_done="补充：完成需求确认书"
    )
    assert report.version == 2
    with pytest.raises(PermissionDenied):
        services.daily_report_update(actor=cast.lead_a, report=report, work_done="x")
    with pytest.raises(StaleObjectError):
        services.daily_report_update(actor=cast.engineer_a, report=report, expected_version=1, work_done="y")
    services.daily_report_rate(actor=cast.lead_a, report=report, rating=ReportRating.NORMAL)
    with pytest.raises(DomainError) as exc:
        services.daily_report_update(actor=cast.engineer_a, report=report, work_done="z")
    assert exc.value.code == "report_rated"
    report.refresh_from_db()
    assert report.work_done == "补充：完成需求确认书"


def test_rating_rules(cast, django_capture_on_commit_callbacks):
    report = make_report(cast.engineer_a)
    for who in (cast.engineer_a, cast.engineer_a2, cast.engineer_b, cast.sales_a):
        with pytest.raises(PermissionDenied):
            services.daily_report_rate(actor=who, report=report, rating=1)
    with pytest.raises(DomainError) as exc:
        services.daily_report_rate(actor=cast.lead_a, report=report, rating=-1, comment="")
    assert "rating_comment" in errors_of(exc)
    with pytest.raises(DomainError) as exc:
        services.daily_report_rate(actor=cast.lead_a, report=report, rating=5)
    assert "rating" in errors_of(exc)
    report.refresh_from_db()
    assert report.rating is None
    with django_capture_on_commit_callbacks(execute=True):
        report = services.daily_report_rate(actor=cast.lead_a, report=report, rating=-1, comment="太简略")
    assert (report.rating, report.rated_by) == (-1, cast.lead_a)
    assert Notification.objects.filter(recipient=cast.engineer_a, kind="talent.report_rated").exists()
    report = services.daily_report_rate(
        actor=cast.manager, report=report, rating=1, comment="有建设性", expected_version=report.version
    )
    assert report.rating == 1 and report.rated_by == cast.manager
    with pytest.raises(StaleObjectError):
        services.daily_report_rate(actor=cast.manager, report=report, rating=0, expected_version=1)


def test_a_lead_does_not_rate_their_own_report(cast):
    report = make_report(cast.lead_a)
    with pytest.raises(PermissionDenied):
        services.daily_report_rate(actor=cast.lead_a, report=report, rating=1)
    services.daily_report_rate(actor=cast.manager, report=report, rating=1)


def test_missing_report_reminder_on_working_days_only(cast, django_capture_on_commit_callbacks):
    monday = today() - timedelta(days=today().weekday())
    make_report(cast.engineer_a, days_ago=(today() - monday).days)
    assert services.remind_missing_reports(day=monday + timedelta(days=5)) == 0  # Saturday
    with django_capture_on_commit_callbacks(execute=True):
        reminded = services.remind_missing_reports(day=monday)
    missing = set(services.missing_report_authors(monday).values_list("username", flat=True))
    assert "engineer_a" not in missing and {"engineer_a2", "lead_a", "engineer_b", "manager"} <= missing
    assert "sales_a" not in missing and "nobody" not in missing
    assert reminded == len(missing)
    assert Notification.objects.filter(kind="talent.report_missing").count() == reminded
    with django_capture_on_commit_callbacks(execute=True):
        services.remind_missing_reports(day=monday)  # idempotent (dedup key)
    assert Notification.objects.filter(kind="talent.report_missing").count() == reminded


def test_reminder_task_runs(cast):
    from presales.talent import tasks

    assert tasks.remind_missing_daily_reports.delay().get() >= 0
    assert tasks.warn_expiring_certifications.delay().get() == 0


# --- certifications -------------------------------------------------------------------------------


def test_certification_rules(cast):
    cert = make_certification(cast.engineer_a)
    assert cert.person == cast.engineer_a and not cert.is_expiring_soon and not cert.is_expired
    make_certification(cast.lead_a, cast.engineer_a, name="CCNP")
    make_certification(cast.manager, cast.engineer_b, name="Azure")
    with pytest.raises(PermissionDenied):
        make_certification(cast.engineer_a2, cast.engineer_a)
    with pytest.raises(PermissionDenied):
        make_certification(cast.lead_a, cast.engineer_b)
    with pytest.raises(DomainError) as exc:
        make_certification(cast.engineer_a, name="", expires_in=-200)
    assert {"name", "expires_on"} <= set(errors_of(exc))
    with pytest.raises(DomainError) as exc:
        make_certification(cast.engineer_a, obtained_on=today() + timedelta(days=2))
    assert "obtained_on" in errors_of(exc)
    assert Certification.objects.count() == 3


def test_expiring_flags_and_warnings(cast, django_capture_on_commit_callbacks):
    soon = make_certification(cast.engineer_a, name="A", expires_in=20)
    past = make_certification(
        cast.engineer_a, name="B", expires_in=-1, obtained_on=today() - timedelta(days=400)
    )
    never = make_certification(cast.engineer_a, name="C", expires_in=None)
    assert soon.is_expiring_soon and not soon.is_expired
    assert past.is_expired and not past.is_expiring_soon
    assert not never.is_expiring_soon and never.days_left() is None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.warn_expiring_certifications() == 1
    kinds = Notification.objects.filter(kind="talent.certification_expiring")
    assert set(kinds.values_list("recipient__username", flat=True)) == {"engineer_a", "lead_a"}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.warn_expiring_certifications() == 1
    assert kinds.count() == 2  # once per week


def test_certification_update_and_stale(cast):
    cert = make_certification(cast.engineer_a)
    cert = services.certification_update(
        actor=cast.engineer_a, certification=cert, expected_version=1, issuer="Amazon"
    )
    assert cert.issuer == "Amazon" and cert.version == 2
    with pytest.raises(StaleObjectError):
        services.certification_update(
            actor=cast.engineer_a, certification=cert, expected_version=1, issuer="X"
        )
    with pytest.raises(PermissionDenied):
        services.certification_update(actor=cast.engineer_b, certification=cert, issuer="X")


def test_certificate_file_is_a_registered_document(cast):
    from tests.factories.poc import make_opportunity

    opportunity = make_opportunity(cast)
    upload = SimpleUploadedFile(
        "cert.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )
    cert = make_certification(cast.engineer_a, certificate_file=upload, file_opportunity=opportunity)
    document = cert.certificate_document
    assert document is not None and document.category.kind == "other" and document.opportunity == opportunity
    upload2 = SimpleUploadedFile("cert.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    with pytest.raises(DomainError) as exc:
        make_certification(cast.engineer_a, name="X", certificate_file=upload2)
    assert "file_opportunity" in errors_of(exc)


# --- trainings ------------------------------------------------------------------------------------


def test_training_scores_and_pass_line(cast):
    training = make_training(cast.engineer_a, attendees=[cast.sales_a, cast.engineer_a2])
    assert training.pass_score == 80
    rows = {a.attendee_id: a for a in training.attendances.all()}
    services.training_record_scores(
        actor=cast.engineer_a,
        training=training,
        scores={rows[cast.sales_a.pk].pk: 80, rows[cast.engineer_a2.pk].pk: "79.5"},
    )
    results = {a.attendee_id: a.passed for a in TrainingAttendance.objects.select_related("training")}
    assert results == {cast.sales_a.pk: True, cast.engineer_a2.pk: False}
    assert selectors.training_pass_counts(training)["passed"] == 1
    training = services.training_update(
        actor=cast.engineer_a, training=training, pass_score=70, expected_version=1
    )
    assert selectors.training_pass_counts(training)["passed"] == 2
    with pytest.raises(DomainError) as exc:
        services.training_record_scores(
            actor=cast.engineer_a, training=training, scores={rows[cast.sales_a.pk].pk: 101}
        )
    assert f"score_{rows[cast.sales_a.pk].pk}" in errors_of(exc)
    attendance = TrainingAttendance.objects.get(attendee=cast.sales_a)
    assert attendance.score == Decimal("80.0")
    attendance = services.attendance_score(
        actor=cast.lead_a, attendance=attendance, score=None, expected_version=attendance.version
    )
    assert attendance.passed is None
    with pytest.raises(StaleObjectError):
        services.attendance_score(actor=cast.lead_a, attendance=attendance, score=90, expected_version=1)


def test_training_rules(cast):
    with pytest.raises(DomainError) as exc:
        services.training_create(
            actor=cast.engineer_a,
            title="",
            kind=TrainingKind.SALES_ENABLEMENT,
            held_on=today(),
            hours=0,
            pass_score=120,
        )
    assert {"title", "trainer", "hours", "pass_score"} <= set(errors_of(exc))
    with pytest.raises(DomainError) as exc:
        services.training_create(
            actor=cast.engineer_a, title="外部培训", kind=TrainingKind.RECEIVED, held_on=today()
        )
    assert "trainer" in errors_of(exc)
    with pytest.raises(PermissionDenied):
        make_training(cast.sales_a)
    training = make_training(cast.engineer_a, attendees=[cast.sales_a])
    with pytest.raises(DomainError) as exc:
        services.attendance_add(actor=cast.engineer_a, training=training, attendee=cast.sales_a)
    assert "attendee" in errors_of(exc)
    with pytest.raises(DomainError):
        services.attendance_add(actor=cast.engineer_a, training=training, attendee=cast.engineer_a)
    with pytest.raises(PermissionDenied):
        services.attendance_add(actor=cast.engineer_b, training=training, attendee=cast.engineer_b)
    attendance = services.attendance_add(actor=cast.lead_a, training=training, attendee=cast.engineer_a2)
    services.attendance_remove(actor=cast.engineer_a, attendance=attendance)
    assert training.attendances.count() == 1
    no_exam = make_training(
        cast.engineer_a, title="分享", has_exam=False, attendees=[cast.sales_a], kind=TrainingKind.INTERNAL
    )
    with pytest.raises(DomainError):
        services.attendance_score(actor=cast.engineer_a, attendance=no_exam.attendances.get(), score=90)


def test_sales_trainings_metric_counts_sessions_given_to_sales(cast):
    make_training(cast.engineer_a, days_ago=3)
    make_training(cast.engineer_a, days_ago=40, title="二")
    make_training(cast.engineer_a, days_ago=3, title="内部", kind=TrainingKind.INTERNAL)
    make_training(cast.engineer_b, days_ago=3)
    got = selectors.sales_trainings_given(
        [cast.engineer_a.pk, cast.engineer_b.pk, cast.lead_a.pk], today() - timedelta(days=30), today()
    )
    assert got == {cast.engineer_a.pk: 1, cast.engineer_b.pk: 1}


# --- mentoring ------------------------------------------------------------------------------------


def test_a_mentee_has_one_active_mentor(cast):
    pair = make_pair(cast.lead_a, cast.engineer_a, cast.engineer_a2)
    with pytest.raises(DomainError) as exc:
        make_pair(cast.manager, cast.lead_a, cast.engineer_a2)
    assert "mentee" in errors_of(exc)
    with pytest.raises(IntegrityError), transaction.atomic():
        MentoringPair.objects.create(
            mentor=cast.lead_a, mentee=cast.engineer_a2, started_on=today(), goals="x"
        )
    services.mentoring_close(actor=cast.lead_a, pair=pair, status=MentoringStatus.COMPLETED, note="达成")
    make_pair(cast.manager, cast.lead_a, cast.engineer_a2)  # a new mentor once the first pair closed
    assert MentoringPair.objects.filter(mentee=cast.engineer_a2, status=MentoringStatus.ACTIVE).count() == 1


def test_mentoring_rules_and_transitions(cast):
    with pytest.raises(PermissionDenied):
        make_pair(cast.engineer_a, cast.engineer_a, cast.engineer_a2)
    with pytest.raises(PermissionDenied):
        make_pair(cast.lead_a, cast.engineer_a, cast.engineer_b)  # not the mentee's lead
    with pytest.raises(DomainError) as exc:
        make_pair(cast.lead_a, cast.engineer_a, cast.engineer_a)
    assert "mentee" in errors_of(exc)
    pair = make_pair(cast.lead_a, cast.engineer_a, cast.engineer_a2)
    note = services.mentoring_note_add(actor=cast.engineer_a2, pair=pair, text="学习方案结构")
    assert note.author == cast.engineer_a2
    with pytest.raises(DomainError) as exc:
        services.mentoring_note_add(
            actor=cast.engineer_a, pair=pair, text="", written_on=today() + timedelta(days=1)
        )
    assert {"text", "written_on"} <= set(errors_of(exc))
    with pytest.raises(PermissionDenied):
        services.mentoring_note_add(actor=cast.engineer_b, pair=pair, text="x")
    with pytest.raises(PermissionDenied):
        services.mentoring_close(actor=cast.engineer_a, pair=pair, status=MentoringStatus.ENDED, note="x")
    with pytest.raises(DomainError) as exc:
        services.mentoring_close(actor=cast.lead_a, pair=pair, status=MentoringStatus.ENDED, note="")
    assert "note" in errors_of(exc)
    pair = services.mentoring_update(actor=cast.lead_a, pair=pair, goals="新目标", expected_version=1)
    pair = services.mentoring_close(actor=cast.lead_a, pair=pair, status=MentoringStatus.ENDED, note="调岗")
    assert pair.status == MentoringStatus.ENDED and pair.ended_on == today()
    with pytest.raises(TransitionRefused):
        services.mentoring_close(actor=cast.lead_a, pair=pair, status=MentoringStatus.COMPLETED)
    with pytest.raises(PermissionDenied):
        services.mentoring_note_add(actor=cast.engineer_a, pair=pair, text="closed")


def test_mentoring_metric_counts_pairs_active_in_the_period(cast):
    old = make_pair(cast.lead_a, cast.engineer_a, cast.engineer_a2, days_ago=100)
    services.mentoring_close(
        actor=cast.lead_a, pair=old, status=MentoringStatus.COMPLETED, ended_on=today() - timedelta(days=60)
    )
    make_pair(cast.manager, cast.engineer_a, cast.engineer_b, days_ago=10)
    got = selectors.mentoring_given([cast.engineer_a.pk], today() - timedelta(days=30), today())
    assert got == {cast.engineer_a.pk: 1}
    got = selectors.mentoring_given([cast.engineer_a.pk], today() - timedelta(days=90), today())
    assert got == {cast.engineer_a.pk: 2}


# --- onboarding -----------------------------------------------------------------------------------


def test_onboarding_camp_lasts_one_to_two_months(cast):
    for days in (20, 70):
        with pytest.raises(DomainError) as exc:
            services.onboarding_create(
                actor=cast.lead_a,
                new_hire=cast.engineer_a2,
                started_on=today(),
                ends_on=today() + timedelta(days=days),
            )
        assert "ends_on" in errors_of(exc)
    with pytest.raises(PermissionDenied):
        make_programme(cast.engineer_a, cast.engineer_a2)
    with pytest.raises(PermissionDenied):
        make_programme(cast.lead_a, cast.engineer_b)
    programme = make_programme(cast.lead_a, cast.engineer_a2, buddy=cast.engineer_a)
    assert programme.tasks.count() == len(services.DEFAULT_ONBOARDING_TASKS)
    assert 28 <= (programme.ends_on - programme.started_on).days <= 62
    with pytest.raises(DomainError) as exc:
        make_programme(cast.manager, cast.engineer_a2)
    assert "new_hire" in errors_of(exc)


def test_onboarding_progress_and_completion(cast):
    programme = make_programme(cast.lead_a, cast.engineer_a2, buddy=cast.engineer_a)
    tasks = list(programme.tasks.order_by("due_on"))
    with pytest.raises(TransitionRefused) as exc:
        services.onboarding_complete(actor=cast.lead_a, programme=programme)
    assert len(exc.value.reasons) == len(tasks)
    with pytest.raises(PermissionDenied):
        services.onboarding_task_set_done(actor=cast.engineer_b, task=tasks[0], done=True)
    services.onboarding_task_set_done(actor=cast.engineer_a2, task=tasks[0], done=True)
    row = selectors.onboarding_list(user=cast.lead_a).get()
    assert selectors.progress_percent(row.done_count, row.task_count) == round(100 / len(tasks))
    with pytest.raises(DomainError) as exc:
        services.onboarding_task_add(
            actor=cast.engineer_a, programme=programme, title="", due_on=today() + timedelta(days=300)
        )
    assert {"title", "due_on"} <= set(errors_of(exc))
    with pytest.raises(PermissionDenied):
        services.onboarding_task_add(actor=cast.engineer_a2, programme=programme, title="x", due_on=today())
    extra = services.onboarding_task_add(
        actor=cast.engineer_a, programme=programme, title="跟岗", due_on=today()
    )
    for task in [*tasks[1:], extra]:
        services.onboarding_task_set_done(actor=cast.engineer_a, task=task, done=True)
    with pytest.raises(StaleObjectError):
        services.onboarding_task_set_done(actor=cast.engineer_a, task=extra, done=False, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.onboarding_complete(actor=cast.engineer_a, programme=programme)
    programme = services.onboarding_complete(actor=cast.lead_a, programme=programme)
    assert programme.status == OnboardingStatus.COMPLETED and programme.completed_on == today()
    with pytest.raises(PermissionDenied):
        services.onboarding_task_set_done(actor=cast.engineer_a2, task=extra, done=False)
    with pytest.raises(TransitionRefused):
        services.onboarding_complete(actor=cast.lead_a, programme=programme)


# --- promotions -----------------------------------------------------------------------------------


def test_promotion_updates_the_current_level(cast):
    with pytest.raises(PermissionDenied):
        services.promotion_record(
            actor=cast.lead_a,
            person=cast.engineer_a,
            to_level=PresalesLevel.INTERMEDIATE,
            effective_on=today(),
            reason="x",
        )
    promotion = services.promotion_record(
        actor=cast.manager,
        person=cast.engineer_a,
        to_level=PresalesLevel.INTERMEDIATE,
        effective_on=today(),
        reason="表现突出",
    )
    cast.engineer_a.refresh_from_db()
    assert cast.engineer_a.presales_level == PresalesLevel.INTERMEDIATE
    assert (promotion.from_level, promotion.approved_by) == ("", cast.manager)
    second = services.promotion_record(
        actor=cast.manager,
        person=cast.engineer_a,
        to_level=PresalesLevel.SENIOR,
        to_track=CareerTrack.EXPERT,
        effective_on=today(),
        reason="专家通道",
    )
    assert second.from_level == PresalesLevel.INTERMEDIATE
    cast.engineer_a.refresh_from_db()
    assert (cast.engineer_a.presales_level, cast.engineer_a.career_track) == (
        PresalesLevel.SENIOR,
        CareerTrack.EXPERT,
    )
    with pytest.raises(DomainError) as exc:
        services.promotion_record(
            actor=cast.manager,
            person=cast.engineer_a,
            to_level=PresalesLevel.SENIOR,
            to_track=CareerTrack.EXPERT,
            effective_on=today() + timedelta(days=400),
            reason="",
        )
    assert {"to_level", "reason", "effective_on"} <= set(errors_of(exc))
    with pytest.raises(DomainError) as exc:
        services.promotion_record(
            actor=cast.manager,
            person=cast.engineer_a,
            to_level="guru",
            to_track="boss",
            effective_on=today(),
            reason="x",
        )
    assert {"to_level", "to_track"} <= set(errors_of(exc))
    assert Promotion.objects.count() == 2


# --- gold presales award --------------------------------------------------------------------------


def test_award_round_full_cycle(cast, django_capture_on_commit_callbacks):
    c1, c2 = make_committee(cast.team_b, username="c1"), make_committee(cast.team_a, username="c2")
    award_round = make_round(
        cast.manager, nominations=[(cast.lead_a, cast.engineer_a), (cast.sales_a, cast.engineer_b)]
    )
    with pytest.raises(DomainError) as exc:  # nominee must be presales
        services.nomination_create(
            actor=cast.lead_a, award_round=award_round, nominee=cast.sales_a, title="x", case_description="y"
        )
    assert "nominee" in errors_of(exc)
    with pytest.raises(PermissionDenied):
        services.nomination_create(
            actor=cast.nobody,
            award_round=award_round,
            nominee=cast.engineer_a,
            title="n",
            case_description="y",
        )
    first, second = award_round.nominations.order_by("pk")
    with pytest.raises(PermissionDenied):  # not yet scoring
        services.nomination_score(
            actor=c1, nomination=first, customer_value=5, innovation=5, reuse=5, influence=5
        )
    with pytest.raises(TransitionRefused):  # cannot skip scoring
        services.award_round_move(
            actor=cast.manager, award_round=award_round, to_status=AwardRoundStatus.ANNOUNCED
        )
    with pytest.raises(PermissionDenied):
        services.award_round_move(
            actor=cast.lead_a, award_round=award_round, to_status=AwardRoundStatus.SCORING
        )
    award_round = services.award_round_move(
        actor=cast.manager, award_round=award_round, to_status=AwardRoundStatus.SCORING, expected_version=1
    )
    with pytest.raises(PermissionDenied):  # nominations closed
        services.nomination_create(
            actor=cast.lead_a,
            award_round=award_round,
            nominee=cast.engineer_a2,
            title="n",
            case_description="y",
        )
    with pytest.raises(PermissionDenied):  # managers are not the committee
        services.nomination_score(
            actor=cast.manager, nomination=first, customer_value=5, innovation=5, reuse=5, influence=5
        )
    with pytest.raises(DomainError) as exc:
        services.nomination_score(actor=c1, nomination=first, customer_value=0, innovation=11, reuse=5)
    assert {"customer_value", "innovation", "influence"} <= set(errors_of(exc))
    services.nomination_score(
        actor=c1, nomination=first, customer_value=9, innovation=8, reuse=9, influence=10
    )
    services.nomination_score(
        actor=c2, nomination=first, customer_value=7, innovation=8, reuse=7, influence=8
    )
    with pytest.raises(TransitionRefused) as exc:  # second is not scored
        services.award_round_move(
            actor=cast.manager, award_round=award_round, to_status=AwardRoundStatus.ANNOUNCED
        )
    assert any("案例2" in r for r in exc.value.reasons)
    services.nomination_score(
        actor=c1, nomination=second, customer_value=5, innovation=5, reuse=5, influence=5
    )
    services.nomination_score(
        actor=c1, nomination=second, customer_value=6, innovation=6, reuse=6, influence=6
    )
    assert AwardScore.objects.filter(nomination=second).count() == 1  # scoring again replaces
    results = list(services.award_results(award_round))
    assert results[0].pk == first.pk and float(results[0].avg_total) == 33.0 and results[1].avg_total == 24
    with django_capture_on_commit_callbacks(execute=True):
        award_round = services.award_round_move(
            actor=cast.manager, award_round=award_round, to_status=AwardRoundStatus.ANNOUNCED
        )
    assert award_round.announced_at is not None
    assert list(AwardNomination.objects.filter(is_winner=True)) == [first]
    assert Notification.objects.filter(kind="talent.award_announced").count() >= 8  # everybody
    with pytest.raises(TransitionRefused):
        services.award_round_move(
            actor=cast.manager, award_round=award_round, to_status=AwardRoundStatus.SCORING
        )


def test_nominee_does_not_score_their_own_case(cast):
    member = make_committee(cast.team_a, username="c3")
    member.roles.add(*cast.engineer_a.roles.all())
    member.__dict__.pop("role_codes", None)
    award_round = make_round(
        cast.manager, nominations=[(cast.lead_a, member)], status=AwardRoundStatus.SCORING
    )
    with pytest.raises(PermissionDenied):
        services.nomination_score(
            actor=member,
            nomination=award_round.nominations.get(),
            customer_value=9,
            innovation=9,
            reuse=9,
            influence=9,
        )


def test_ties_all_win_and_empty_rounds_do_not_move(cast):
    c1 = make_committee(cast.team_b, username="c1")
    empty = services.award_round_create(actor=cast.manager, year=2026, quarter=2)
    with pytest.raises(TransitionRefused):
        services.award_round_move(actor=cast.manager, award_round=empty, to_status=AwardRoundStatus.SCORING)
    with pytest.raises(DomainError) as exc:
        services.award_round_create(actor=cast.manager, year=2026, quarter=2)
    assert "quarter" in errors_of(exc)
    with pytest.raises(DomainError) as exc:
        services.award_round_create(actor=cast.manager, year=1999, quarter=5)
    assert {"year", "quarter"} <= set(errors_of(exc))
    award_round = make_round(
        cast.manager,
        quarter=3,
        nominations=[(cast.lead_a, cast.engineer_a), (cast.lead_a, cast.engineer_a2)],
        status=AwardRoundStatus.SCORING,
    )
    for nomination in award_round.nominations.all():
        services.nomination_score(
            actor=c1, nomination=nomination, customer_value=7, innovation=7, reuse=7, influence=7
        )
    services.award_round_move(
        actor=cast.manager, award_round=award_round, to_status=AwardRoundStatus.ANNOUNCED
    )
    assert AwardNomination.objects.filter(round=award_round, is_winner=True).count() == 2


# --- daily report quality metric (property) --------------------------------------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ratings=st.lists(st.sampled_from([None, -1, 0, 1]), min_size=0, max_size=8))
def test_daily_report_quality_is_the_average_of_rated_reports(cast, ratings):
    DailyReport.objects.filter(author=cast.engineer_a).delete()
    for index, rating in enumerate(ratings):
        report = make_report(cast.engineer_a, days_ago=index)
        if rating is not None:
            services.daily_report_rate(actor=cast.lead_a, report=report, rating=rating, comment="c")
    got = selectors.daily_report_quality([cast.engineer_a.pk], today() - timedelta(days=30), today())
    rated = [r for r in ratings if r is not None]
    if not ratings:
        assert got == {}
        return
    row = got[cast.engineer_a.pk]
    assert row["total"] == len(ratings) and row["rated"] == len(rated)
    if rated:
        assert abs(float(row["avg"]) - sum(rated) / len(rated)) < 1e-9
    else:
        assert row["avg"] is None

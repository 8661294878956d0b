"""Talent pages: who sees what (200/403/404), forms with inline errors, htmx rating and task
toggles, stale edits, constant query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse

from presales.talent import services
from presales.talent.choices import AwardRoundStatus, MentoringStatus, ReportRating
from presales.talent.models import (
    AwardRound,
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
from tests.kit import assert_constant_queries, assert_refused, check_access

pytestmark = pytest.mark.django_db

EVERYBODY = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"]


def url(name, *args):
    return reverse(f"talent:{name}", args=args)


# --- lists: everybody logged in gets the page (scoped content) ------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "daily_report_list",
        "certification_list",
        "training_list",
        "mentoring_list",
        "onboarding_list",
        "promotion_list",
        "award_round_list",
        "certification_create",
    ],
)
def test_lists_answer_everybody_logged_in(client, cast, name):
    check_access(client, cast, url(name), permitted=EVERYBODY)


def test_my_profile_redirects_to_mine(client, cast):
    client.force_login(cast.engineer_a)
    response = client.get(url("my_profile"))
    assert response.status_code == 302 and response["Location"] == url("profile", cast.engineer_a.pk)


def test_create_pages_are_guarded(client, cast):
    check_access(
        client,
        cast,
        url("daily_report_create"),
        permitted=["manager", "lead_a", "engineer_a", "engineer_b"],
        forbidden=["sales_a", "nobody"],
    )
    check_access(
        client,
        cast,
        url("training_create"),
        permitted=["manager", "engineer_a"],
        forbidden=["sales_a", "nobody"],
    )
    check_access(
        client,
        cast,
        url("mentoring_create"),
        permitted=["manager", "lead_a"],
        forbidden=["engineer_a", "sales_a", "nobody"],
    )
    check_access(
        client,
        cast,
        url("onboarding_create"),
        permitted=["manager", "lead_a"],
        forbidden=["engineer_a", "sales_a"],
    )
    check_access(
        client, cast, url("promotion_create"), permitted=["manager"], forbidden=["lead_a", "engineer_a"]
    )
    check_access(
        client, cast, url("award_round_create"), permitted=["manager"], forbidden=["lead_a", "engineer_a"]
    )
    check_access(
        client,
        cast,
        url("daily_report_team"),
        permitted=["manager", "lead_a"],
        forbidden=["engineer_a", "engineer_b", "sales_a"],
    )


# --- daily reports --------------------------------------------------------------------------------


def test_report_pages_permissions(client, cast):
    report = make_report(cast.engineer_a)
    check_access(
        client,
        cast,
        url("daily_report_detail", report.pk),
        permitted=["manager", "lead_a", "engineer_a"],
        hidden=["engineer_a2", "sales_a", "engineer_b", "nobody"],
    )
    check_access(
        client,
        cast,
        url("daily_report_edit", report.pk),
        permitted=["engineer_a"],
        forbidden=["manager", "lead_a"],
        hidden=["engineer_a2", "engineer_b", "nobody"],
    )
    check_access(
        client,
        cast,
        url("daily_report_rate", report.pk),
        permitted=["manager", "lead_a"],
        forbidden=["engineer_a"],
        hidden=["engineer_a2", "engineer_b", "nobody"],
    )
    check_access(
        client,
        cast,
        url("profile", cast.engineer_a.pk),
        permitted=["manager", "lead_a", "engineer_a"],
        hidden=["engineer_a2", "sales_a", "engineer_b", "nobody"],
    )


def test_write_edit_and_rate_a_report(client, cast):
    client.force_login(cast.engineer_a)
    response = client.post(
        url("daily_report_create"),
        {"report_date": today().isoformat(), "work_done": "调研", "problems": "", "plan_tomorrow": "写方案"},
    )
    report = DailyReport.objects.get()
    assert response.status_code == 302 and response["Location"] == url("daily_report_detail", report.pk)
    page = client.get(url("daily_report_list")).content.decode()
    assert "调研" in page
    response = client.post(url("daily_report_edit", report.pk), {"work_done": "调研并整理纪要", "version": 1})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.work_done == "调研并整理纪要" and report.version == 2
    # stale edit refused
    response = client.post(url("daily_report_edit", report.pk), {"work_done": "旧版本", "version": 1})
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.work_done == "调研并整理纪要"
    client.force_login(cast.lead_a)
    response = client.post(
        url("daily_report_rate", report.pk), {"rating": 1, "rating_comment": "很好", "version": 2}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.rating == 1
    client.force_login(cast.engineer_a)
    assert client.get(url("daily_report_edit", report.pk)).status_code == 403


def test_report_bad_input(client, cast):
    make_report(cast.engineer_a)
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        url("daily_report_create"),
        {"report_date": today().isoformat(), "work_done": "x"},
        fields=["report_date"],
        models=[DailyReport],
    )
    assert_refused(
        client,
        url("daily_report_create"),
        {"report_date": (today() + timedelta(days=2)).isoformat(), "work_done": ""},
        fields=["report_date", "work_done"],
        models=[DailyReport],
    )


def test_team_page_quick_rating_with_htmx(client, cast):
    report = make_report(cast.engineer_a)
    other = make_report(cast.engineer_b)
    client.force_login(cast.lead_a)
    page = client.get(url("daily_report_team")).content.decode()
    assert f'id="report-{report.pk}"' in page and f'id="report-{other.pk}"' not in page  # not in the team
    response = client.post(
        url("daily_report_rate", report.pk),
        {"rating": -1, "rating_comment": "", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and 'data-testid="rate-error"' in response.content.decode()
    report.refresh_from_db()
    assert report.rating is None
    response = client.post(
        url("daily_report_rate", report.pk),
        {"rating": -1, "rating_comment": "太简略", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and f'id="report-{report.pk}"' in response.content.decode()
    report.refresh_from_db()
    assert report.rating == ReportRating.PERFUNCTORY
    response = client.post(
        url("daily_report_rate", report.pk), {"rating": 1, "version": 1}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 412
    response = client.post(
        url("daily_report_rate", report.pk), {"rating": 7, "version": 2}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422


def test_report_lists_keep_constant_queries(client, cast):
    client.force_login(cast.lead_a)
    counter = iter(range(1, 100))

    def grow():
        for person in (cast.engineer_a, cast.engineer_a2):
            report = make_report(person, days_ago=next(counter))
            services.daily_report_rate(actor=cast.lead_a, report=report, rating=1)

    grow()
    assert_constant_queries(client, url("daily_report_list"), grow)
    assert_constant_queries(client, url("daily_report_team"), grow)
    assert_constant_queries(client, url("profile", cast.engineer_a.pk), grow)


def test_report_filters(client, cast):
    rated = make_report(cast.engineer_a, days_ago=1, work_done="甲方案")
    services.daily_report_rate(actor=cast.lead_a, report=rated, rating=0)
    make_report(cast.engineer_a, work_done="乙方案")
    client.force_login(cast.engineer_a)
    page = client.get(url("daily_report_list"), {"rated": "false"}).content.decode()
    assert "乙方案" in page and "甲方案" not in page
    page = client.get(url("daily_report_list"), {"q": "甲"}, HTTP_HX_REQUEST="true").content.decode()
    assert "甲方案" in page and "乙方案" not in page


# --- certifications -------------------------------------------------------------------------------


def test_certification_pages(client, cast):
    cert = make_certification(cast.engineer_a, expires_in=10)
    check_access(
        client,
        cast,
        url("certification_detail", cert.pk),
        permitted=["manager", "lead_a", "engineer_a"],
        hidden=["engineer_a2", "sales_a", "engineer_b", "nobody"],
    )
    check_access(
        client,
        cast,
        url("certification_edit", cert.pk),
        permitted=["manager", "lead_a", "engineer_a"],
        hidden=["engineer_b"],
    )
    client.force_login(cast.engineer_a)
    assert (
        'data-testid="expiring"'
        in client.get(url("certification_list"), {"expiring": "true"}).content.decode()
    )
    response = client.post(
        url("certification_edit", cert.pk),
        {
            "name": cert.name,
            "issuer": "Amazon",
            "kind": "external",
            "credential_id": "",
            "version": 1,
            "obtained_on": cert.obtained_on.isoformat(),
            "expires_on": cert.expires_on.isoformat(),
        },
    )
    assert response.status_code == 302
    response = client.post(
        url("certification_create"),
        {
            "person": cast.engineer_a.pk,
            "name": "CCNP",
            "issuer": "Cisco",
            "kind": "external",
            "obtained_on": today().isoformat(),
        },
    )
    assert response.status_code == 302
    assert_refused(
        client,
        url("certification_create"),
        {
            "person": cast.engineer_a.pk,
            "name": "",
            "issuer": "Cisco",
            "kind": "external",
            "obtained_on": today().isoformat(),
            "expires_on": (today() - timedelta(days=3)).isoformat(),
        },
        fields=["name", "expires_on"],
        models=[Certification],
    )
    client.force_login(cast.lead_a)

    def grow():
        for person in (cast.engineer_a, cast.engineer_a2):
            make_certification(cast.lead_a, person, name=f"证书{Certification.objects.count()}")

    assert_constant_queries(client, url("certification_list"), grow)


# --- trainings ------------------------------------------------------------------------------------


def test_training_pages(client, cast):
    training = make_training(cast.engineer_a, attendees=[cast.sales_a])
    check_access(
        client,
        cast,
        url("training_detail", training.pk),
        permitted=["manager", "lead_a", "engineer_a", "sales_a"],
        hidden=["engineer_a2", "engineer_b", "nobody"],
    )
    check_access(
        client,
        cast,
        url("training_edit", training.pk),
        permitted=["manager", "lead_a", "engineer_a"],
        forbidden=["sales_a"],
        hidden=["engineer_b"],
    )
    check_access(
        client,
        cast,
        url("training_scores", training.pk),
        permitted=["engineer_a"],
        forbidden=["sales_a"],
        hidden=["engineer_b"],
    )
    client.force_login(cast.engineer_a)
    response = client.post(url("training_attendee_add", training.pk), {"attendee": cast.engineer_a2.pk})
    assert response.status_code == 302
    attendances = {a.attendee_id: a for a in TrainingAttendance.objects.all()}
    response = client.post(
        url("training_scores", training.pk),
        {
            f"score_{attendances[cast.sales_a.pk].pk}": "85",
            f"score_{attendances[cast.engineer_a2.pk].pk}": "60",
        },
    )
    assert response.status_code == 302
    page = client.get(url("training_detail", training.pk)).content.decode()
    assert 'data-testid="pass-count">1 / 2' in page
    response = client.post(url("attendance_remove", attendances[cast.engineer_a2.pk].pk))
    assert response.status_code == 302 and TrainingAttendance.objects.count() == 1
    client.force_login(cast.sales_a)
    assert client.post(url("attendance_remove", attendances[cast.sales_a.pk].pk)).status_code == 403
    client.force_login(cast.engineer_b)
    assert client.post(url("attendance_remove", attendances[cast.sales_a.pk].pk)).status_code == 404
    client.force_login(cast.engineer_a)
    response = client.post(
        url("training_create"),
        {
            "title": "储能方案",
            "kind": "sales_enablement",
            "trainer": cast.engineer_a.pk,
            "held_on": today().isoformat(),
            "hours": "2",
            "pass_score": "",
            "has_exam": "on",
            "attendees": [cast.sales_a.pk],
        },
    )
    assert response.status_code == 302
    assert Training.objects.order_by("-pk").first().pass_score == 80
    assert_refused(
        client,
        url("training_create"),
        {
            "title": "",
            "kind": "sales_enablement",
            "held_on": today().isoformat(),
            "hours": "0",
            "pass_score": "80",
        },
        fields=["title", "trainer", "hours"],
        models=[Training],
    )
    response = client.post(
        url("training_edit", training.pk),
        {
            "title": "新",
            "kind": "sales_enablement",
            "trainer": cast.engineer_a.pk,
            "held_on": today().isoformat(),
            "hours": "2",
            "pass_score": "80",
            "has_exam": "on",
            "version": 99,
        },
    )
    assert response.status_code == 200
    training.refresh_from_db()
    assert training.title != "新"

    def grow():
        make_training(cast.engineer_a, attendees=[cast.sales_a, cast.engineer_a2])

    assert_constant_queries(client, url("training_list"), grow)
    assert_constant_queries(
        client,
        url("training_detail", training.pk),
        lambda: services.attendance_add(actor=cast.engineer_a, training=training, attendee=cast.lead_a),
    )


# --- mentoring ------------------------------------------------------------------------------------


def test_mentoring_pages(client, cast):
    pair = make_pair(cast.lead_a, cast.engineer_a, cast.engineer_a2)
    check_access(
        client,
        cast,
        url("mentoring_detail", pair.pk),
        permitted=["manager", "lead_a", "engineer_a", "engineer_a2"],
        hidden=["sales_a", "engineer_b", "nobody"],
    )
    check_access(
        client,
        cast,
        url("mentoring_edit", pair.pk),
        permitted=["manager", "lead_a"],
        forbidden=["engineer_a", "engineer_a2"],
        hidden=["engineer_b"],
    )
    check_access(
        client,
        cast,
        url("mentoring_note_add", pair.pk),
        permitted=["lead_a", "engineer_a", "engineer_a2"],
        hidden=["engineer_b"],
    )
    client.force_login(cast.engineer_a2)
    response = client.post(
        url("mentoring_note_add", pair.pk), {"written_on": today().isoformat(), "text": "学习"}
    )
    assert response.status_code == 302 and MentoringNote.objects.count() == 1
    assert_refused(
        client, url("mentoring_note_add", pair.pk), {"text": ""}, fields=["text"], models=[MentoringNote]
    )
    client.force_login(cast.lead_a)
    assert client.post(url("mentoring_edit", pair.pk), {"goals": "新目标", "version": 1}).status_code == 302
    assert_refused(
        client,
        url("mentoring_create"),
        {
            "mentor": cast.lead_a.pk,
            "mentee": cast.engineer_a2.pk,
            "started_on": today().isoformat(),
            "goals": "x",
        },
        fields=["mentee"],
        models=[MentoringPair],
    )
    assert_refused(
        client,
        url("mentoring_close", pair.pk),
        {"status": "ended", "note": "", "version": 2},
        fields=["note"],
        models=[MentoringPair],
    )
    response = client.post(
        url("mentoring_close", pair.pk), {"status": "completed", "note": "达成", "version": 2}
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == MentoringStatus.COMPLETED
    check_access(client, cast, url("mentoring_close", pair.pk), forbidden=["manager", "lead_a"], permitted=[])
    client.force_login(cast.lead_a)
    response = client.post(
        url("mentoring_create"),
        {
            "mentor": cast.lead_a.pk,
            "mentee": cast.engineer_a2.pk,
            "started_on": today().isoformat(),
            "goals": "再出发",
        },
    )
    assert response.status_code == 302

    def grow():
        for p in MentoringPair.objects.filter(status=MentoringStatus.ACTIVE):
            services.mentoring_note_add(actor=cast.lead_a, pair=p, text="n")
        make_pair(cast.manager, cast.engineer_a2, cast.engineer_b) if not MentoringPair.objects.filter(
            mentee=cast.engineer_b
        ).exists() else make_pair(cast.manager, cast.engineer_a2, cast.engineer_a)

    assert_constant_queries(client, url("mentoring_list"), grow)


# --- onboarding -----------------------------------------------------------------------------------


def test_onboarding_pages(client, cast):
    programme = make_programme(cast.lead_a, cast.engineer_a2, buddy=cast.engineer_a)
    check_access(
        client,
        cast,
        url("onboarding_detail", programme.pk),
        permitted=["manager", "lead_a", "engineer_a", "engineer_a2"],
        hidden=["sales_a", "engineer_b", "nobody"],
    )
    check_access(
        client,
        cast,
        url("onboarding_task_add", programme.pk),
        permitted=["lead_a", "engineer_a"],
        forbidden=["engineer_a2"],
        hidden=["engineer_b"],
    )
    check_access(
        client,
        cast,
        url("onboarding_complete", programme.pk),
        permitted=["lead_a"],
        forbidden=["engineer_a", "engineer_a2"],
        hidden=["engineer_b"],
    )
    task = programme.tasks.order_by("due_on").first()
    client.force_login(cast.engineer_a2)
    response = client.post(
        url("onboarding_task_toggle", task.pk), {"done": "1", "version": 1}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and f'id="task-{task.pk}"' in response.content.decode()
    task.refresh_from_db()
    assert task.done
    response = client.post(
        url("onboarding_task_toggle", task.pk), {"done": "0", "version": 1}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 412
    response = client.post(url("onboarding_task_toggle", task.pk), {"done": "0", "version": 2})
    assert response.status_code == 302
    client.force_login(cast.engineer_b)
    assert client.post(url("onboarding_task_toggle", task.pk), {"done": "1"}).status_code == 404
    client.force_login(cast.sales_a)
    assert client.post(url("onboarding_task_toggle", task.pk), {"done": "1"}).status_code == 404
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        url("onboarding_task_add", programme.pk),
        {"title": "", "due_on": ""},
        fields=["title", "due_on"],
        models=[OnboardingTask],
    )
    response = client.post(
        url("onboarding_task_add", programme.pk), {"title": "跟岗", "due_on": today().isoformat()}
    )
    assert response.status_code == 302
    client.force_login(cast.lead_a)
    response = client.post(url("onboarding_complete", programme.pk), {"version": programme.version})
    assert response.status_code == 200 and "跟岗" in response.content.decode()  # refused: tasks open
    for t in programme.tasks.all():
        services.onboarding_task_set_done(actor=cast.lead_a, task=t, done=True)
    response = client.post(url("onboarding_complete", programme.pk), {"version": programme.version})
    assert response.status_code == 302
    assert_refused(
        client,
        url("onboarding_create"),
        {"new_hire": cast.engineer_a2.pk, "started_on": today().isoformat()},
        fields=["new_hire"],
        models=[OnboardingProgramme],
    )
    response = client.post(
        url("onboarding_create"), {"new_hire": cast.engineer_a.pk, "started_on": today().isoformat()}
    )
    assert response.status_code == 302

    def grow():
        from tests.factories import make_user

        person = make_user("presales_engineer", team=cast.team_a)
        make_programme(cast.lead_a, person)

    assert_constant_queries(client, url("onboarding_list"), grow)


# --- promotions and profile -----------------------------------------------------------------------


def test_promotion_pages_and_profile(client, cast):
    client.force_login(cast.manager)
    assert client.get(url("promotion_create"), {"person": cast.engineer_a.pk}).status_code == 200
    response = client.post(
        url("promotion_create"),
        {
            "person": cast.engineer_a.pk,
            "to_level": "intermediate",
            "to_track": "",
            "effective_on": today().isoformat(),
            "reason": "独立承担项目",
        },
    )
    assert response.status_code == 302
    cast.engineer_a.refresh_from_db()
    assert cast.engineer_a.presales_level == "intermediate"
    assert_refused(
        client,
        url("promotion_create"),
        {
            "person": cast.engineer_a.pk,
            "to_level": "intermediate",
            "effective_on": today().isoformat(),
            "reason": "",
        },
        fields=["to_level", "reason"],
        models=[Promotion],
    )
    make_certification(cast.engineer_a, name="AWS SAA")
    make_training(cast.engineer_a, attendees=[cast.sales_a])
    make_pair(cast.lead_a, cast.engineer_a, cast.engineer_a2)
    make_programme(cast.lead_a, cast.engineer_a)
    client.force_login(cast.engineer_a)
    page = client.get(url("profile", cast.engineer_a.pk)).content.decode()
    for text in ("AWS SAA", "储能方案销售赋能", "赵工", "独立承担项目", 'data-testid="level"'):
        assert text in page
    check_access(client, cast, url("promotion_list"), permitted=EVERYBODY)
    client.force_login(cast.engineer_a2)
    assert "独立承担项目" not in client.get(url("promotion_list")).content.decode()


# --- gold presales award --------------------------------------------------------------------------


def test_award_pages_and_cycle(client, cast):
    member = make_committee(cast.team_b, username="c1")
    award_round = make_round(cast.manager, nominations=[(cast.lead_a, cast.engineer_a)])
    nomination = award_round.nominations.get()
    check_access(
        client,
        cast,
        url("award_round_detail", award_round.pk),
        permitted=["manager", "lead_a", "engineer_a", "sales_a", "engineer_b"],
        hidden=["nobody"],
    )
    check_access(
        client,
        cast,
        url("nomination_detail", nomination.pk),
        permitted=["manager", "lead_a", "engineer_a"],
        hidden=["engineer_a2", "engineer_b", "nobody"],
    )
    check_access(
        client,
        cast,
        url("nomination_create", award_round.pk),
        permitted=["engineer_b", "sales_a"],
        hidden=["nobody"],
    )
    client.force_login(cast.engineer_b)
    response = client.post(
        url("nomination_create", award_round.pk),
        {"nominee": cast.engineer_b.pk, "title": "政务云案例", "case_description": "客户满意"},
    )
    assert response.status_code == 302
    assert_refused(
        client,
        url("nomination_create", award_round.pk),
        {"nominee": cast.sales_a.pk, "title": "x", "case_description": ""},
        fields=["nominee", "case_description"],
        models=[AwardRound],
    )
    client.force_login(cast.manager)
    assert client.get(url("award_round_move", award_round.pk)).status_code == 200
    response = client.post(url("award_round_move", award_round.pk), {"to_status": "scoring", "version": 1})
    assert response.status_code == 302
    check_access(
        client,
        cast,
        url("award_round_move", award_round.pk),
        forbidden=["lead_a", "engineer_a"],
        permitted=["manager"],
    )
    check_access(
        client,
        cast,
        url("nomination_score", nomination.pk),
        forbidden=["manager", "lead_a", "engineer_a"],
        hidden=["nobody", "engineer_b"],
        permitted=[],
    )
    client.force_login(cast.manager)
    client.force_login(member)
    page = client.get(url("award_round_detail", award_round.pk)).content.decode()
    assert url("nomination_score", nomination.pk) in page
    assert client.get(url("nomination_score", nomination.pk)).status_code == 200
    response = client.post(url("nomination_score", nomination.pk), {"customer_value": 11, "innovation": 5})
    assert response.status_code == 200 and 'data-field-error="customer_value"' in response.content.decode()
    for n in award_round.nominations.all():
        response = client.post(
            url("nomination_score", n.pk),
            {
                "customer_value": 9,
                "innovation": 8,
                "reuse": 7,
                "influence": 8 if n.pk == nomination.pk else 5,
            },
        )
        assert response.status_code == 302
    client.force_login(cast.manager)
    response = client.post(url("award_round_move", award_round.pk), {"to_status": "announced", "version": 2})
    assert response.status_code == 302
    award_round.refresh_from_db()
    assert award_round.status == AwardRoundStatus.ANNOUNCED
    client.force_login(cast.engineer_a2)  # everybody sees the announced results
    page = client.get(url("award_round_detail", award_round.pk)).content.decode()
    assert 'data-testid="winner"' in page and "award-chart" in page
    assert client.get(url("nomination_detail", nomination.pk)).status_code == 200
    client.force_login(cast.manager)
    assert client.post(url("award_round_create"), {"year": 2026, "quarter": 1}).status_code == 200  # exists
    assert (
        client.post(url("award_round_create"), {"year": 2026, "quarter": 2, "prize": "奖金"}).status_code
        == 302
    )

    def grow():
        n = AwardRound.objects.count()
        make_round(cast.manager, year=2020 + n, quarter=1, nominations=[(cast.lead_a, cast.engineer_a)])

    assert_constant_queries(client, url("award_round_list"), grow)
    open_round = AwardRound.objects.get(year=2026, quarter=2)
    titles = iter(range(100))
    assert_constant_queries(
        client,
        url("award_round_detail", open_round.pk),
        lambda: [
            services.nomination_create(
                actor=cast.lead_a,
                award_round=open_round,
                nominee=cast.engineer_a,
                title=f"案例{next(titles)}",
                case_description="d",
            )
            for _ in range(2)
        ],
    )


def test_opportunity_panel(cast, django_assert_max_num_queries):
    from django.template import Context, Template

    from tests.factories.poc import make_opportunity

    opportunity = make_opportunity(cast)
    make_report(cast.engineer_a, opportunities=[opportunity], work_done="面向此商机的调研")
    template = Template("{% load talent_tags %}{% opportunity_talent opportunity user %}")
    html = template.render(Context({"opportunity": opportunity, "user": cast.lead_a}))
    assert "面向此商机的调研" in html
    html = template.render(Context({"opportunity": opportunity, "user": cast.engineer_b}))
    assert "面向此商机的调研" not in html
    for days in range(1, 6):
        make_report(cast.engineer_a, days_ago=days, opportunities=[opportunity])
    with django_assert_max_num_queries(6):
        template.render(Context({"opportunity": opportunity, "user": cast.lead_a}))

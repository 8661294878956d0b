"""The talent API: access per member of the cast, the flows through the same services, bad input
refused with field errors and nothing changed, stale writes (412/428), constant query counts."""

import pytest

from presales.talent import services
from presales.talent.choices import AwardRoundStatus
from presales.talent.models import (
    AwardNomination,
    AwardScore,
    Certification,
    DailyReport,
    MentoringPair,
    OnboardingProgramme,
    Promotion,
    Training,
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


def api(path):
    return f"/api/{path}"


def post(client, path, data, **headers):
    return client.post(
        api(path), data, content_type="application/json", HTTP_ACCEPT="application/json", **headers
    )


def patch(client, path, data, **headers):
    return client.patch(
        api(path), data, content_type="application/json", HTTP_ACCEPT="application/json", **headers
    )


def count(client, path):
    response = client.get(api(path), HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:300]
    return response.json()["count"]


def test_daily_reports_api(client, cast):
    report = make_report(cast.engineer_a)
    check_access(client, cast, api("talent-daily-reports/"), permitted=EVERYBODY, api=True)
    check_access(
        client,
        cast,
        api(f"talent-daily-reports/{report.pk}/"),
        permitted=["manager", "lead_a", "engineer_a"],
        hidden=["engineer_a2", "sales_a", "engineer_b", "nobody"],
        api=True,
    )
    client.force_login(cast.engineer_b)
    assert count(client, "talent-daily-reports/") == 0
    response = post(
        client, "talent-daily-reports/", {"work_done": "支持投标", "report_date": today().isoformat()}
    )
    assert response.status_code == 201 and response.json()["author"] == cast.engineer_b.pk
    assert_refused(
        client,
        api("talent-daily-reports/"),
        {"work_done": "again"},
        fields=["report_date"],
        models=[DailyReport],
        api=True,
    )
    client.force_login(cast.sales_a)
    assert post(client, "talent-daily-reports/", {"work_done": "x"}).status_code == 403
    client.force_login(cast.engineer_a)
    path = f"talent-daily-reports/{report.pk}/"
    assert patch(client, path, {"work_done": "no version"}).status_code == 428
    response = patch(client, path, {"work_done": "改"}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response["ETag"] == '"2"'
    assert patch(client, path, {"work_done": "旧"}, HTTP_IF_MATCH='"1"').status_code == 412
    client.force_login(cast.lead_a)
    assert_refused(
        client,
        api(f"{path}rate/"),
        {"rating": -1, "comment": ""},
        fields=["rating_comment"],
        models=[DailyReport],
        api=True,
    )
    response = post(client, f"{path}rate/", {"rating": 1, "comment": "好", "version": 2})
    assert response.status_code == 200 and response.json()["rating"] == 1
    client.force_login(cast.engineer_a)
    assert post(client, f"{path}rate/", {"rating": 1}).status_code == 403
    assert patch(client, path, {"work_done": "x"}, HTTP_IF_MATCH='"3"').status_code == 400  # rated
    client.force_login(cast.manager)
    days = iter(range(1, 100))
    assert_constant_queries(
        client,
        api("talent-daily-reports/"),
        lambda: [make_report(p, days_ago=next(days)) for p in (cast.engineer_a, cast.lead_a)],
        api=True,
    )


def test_certifications_api(client, cast):
    cert = make_certification(cast.engineer_a)
    check_access(
        client,
        cast,
        api(f"talent-certifications/{cert.pk}/"),
        permitted=["manager", "lead_a", "engineer_a"],
        hidden=["engineer_a2", "engineer_b", "nobody"],
        api=True,
    )
    client.force_login(cast.lead_a)
    data = {
        "person": cast.engineer_a2.pk,
        "name": "CCNA",
        "issuer": "Cisco",
        "kind": "external",
        "obtained_on": today().isoformat(),
    }
    assert post(client, "talent-certifications/", data).status_code == 201
    assert post(client, "talent-certifications/", {**data, "person": cast.engineer_b.pk}).status_code == 403
    assert_refused(
        client,
        api("talent-certifications/"),
        {**data, "expires_on": "2000-01-01"},
        fields=["expires_on"],
        models=[Certification],
        api=True,
    )
    response = patch(client, f"talent-certifications/{cert.pk}/", {"issuer": "AWS China", "version": 1})
    assert response.status_code == 200 and response.json()["issuer"] == "AWS China"
    assert_constant_queries(
        client,
        api("talent-certifications/"),
        lambda: make_certification(cast.lead_a, cast.engineer_a2, name=f"N{Certification.objects.count()}"),
        api=True,
    )


def test_trainings_api(client, cast):
    training = make_training(cast.engineer_a, attendees=[cast.sales_a])
    check_access(
        client,
        cast,
        api(f"talent-trainings/{training.pk}/"),
        permitted=["manager", "lead_a", "engineer_a", "sales_a"],
        hidden=["engineer_b", "nobody"],
        api=True,
    )
    client.force_login(cast.engineer_a)
    response = post(
        client,
        "talent-trainings/",
        {
            "title": "政务云赋能",
            "kind": "sales_enablement",
            "trainer": cast.engineer_a.pk,
            "held_on": today().isoformat(),
            "hours": "1.5",
            "attendees": [cast.sales_a.pk],
        },
    )
    assert response.status_code == 201 and response.json()["pass_score"] == 80
    assert_refused(
        client,
        api("talent-trainings/"),
        {"title": "x", "kind": "sales_enablement", "held_on": today().isoformat(), "pass_score": 150},
        fields=["trainer", "pass_score"],
        models=[Training],
        api=True,
    )
    response = post(client, f"talent-trainings/{training.pk}/attendees/", {"attendee": cast.engineer_a2.pk})
    assert response.status_code == 201
    attendance_id = response.json()["id"]
    response = post(
        client, f"talent-training-attendances/{attendance_id}/score/", {"score": "92.5", "version": 1}
    )
    assert response.status_code == 200 and response.json()["passed"] is True
    assert (
        post(
            client, f"talent-training-attendances/{attendance_id}/score/", {"score": "50", "version": 1}
        ).status_code
        == 412
    )
    assert count(client, f"talent-training-attendances/?training={training.pk}") == 2
    detail = client.get(api(f"talent-training-attendances/{attendance_id}/"), HTTP_ACCEPT="application/json")
    assert detail.status_code == 200 and detail.json()["passed"] is True
    client.force_login(cast.sales_a)
    assert (
        post(client, f"talent-training-attendances/{attendance_id}/score/", {"score": "1"}).status_code == 403
    )
    client.force_login(cast.engineer_b)
    assert (
        post(client, f"talent-training-attendances/{attendance_id}/score/", {"score": "1"}).status_code == 404
    )
    client.force_login(cast.manager)
    assert_constant_queries(
        client,
        api("talent-trainings/"),
        lambda: make_training(cast.engineer_a, attendees=[cast.sales_a, cast.lead_a]),
        api=True,
    )
    assert_constant_queries(
        client,
        api("talent-training-attendances/"),
        lambda: make_training(cast.engineer_a, attendees=[cast.sales_a, cast.lead_a]),
        api=True,
    )


def test_mentoring_api(client, cast):
    pair = make_pair(cast.lead_a, cast.engineer_a, cast.engineer_a2)
    path = f"talent-mentoring-pairs/{pair.pk}/"
    check_access(
        client,
        cast,
        api(path),
        permitted=["manager", "lead_a", "engineer_a", "engineer_a2"],
        hidden=["sales_a", "engineer_b", "nobody"],
        api=True,
    )
    client.force_login(cast.lead_a)
    assert_refused(
        client,
        api("talent-mentoring-pairs/"),
        {
            "mentor": cast.lead_a.pk,
            "mentee": cast.engineer_a2.pk,
            "started_on": today().isoformat(),
            "goals": "x",
        },
        fields=["mentee"],
        models=[MentoringPair],
        api=True,
    )
    response = post(client, f"{path}notes/", {"text": "第一次辅导"})
    assert response.status_code == 201
    assert len(client.get(api(f"{path}notes/"), HTTP_ACCEPT="application/json").json()) == 1
    assert patch(client, path, {"goals": "新"}, HTTP_IF_MATCH='"1"').status_code == 200
    response = post(client, f"{path}close/", {"status": "completed", "note": "达成", "version": 2})
    assert response.status_code == 200 and response.json()["status"] == "completed"
    assert post(client, f"{path}close/", {"status": "ended", "note": "x"}).status_code == 409
    client.force_login(cast.engineer_a)
    assert (
        post(
            client,
            "talent-mentoring-pairs/",
            {
                "mentor": cast.engineer_a.pk,
                "mentee": cast.lead_a.pk,
                "started_on": today().isoformat(),
                "goals": "x",
            },
        ).status_code
        == 403
    )
    client.force_login(cast.manager)
    people = iter([cast.engineer_b, cast.sales_a, cast.nobody, cast.lead_a])
    assert_constant_queries(
        client,
        api("talent-mentoring-pairs/"),
        lambda: make_pair(cast.manager, cast.engineer_a, next(people)),
        api=True,
    )


def test_onboarding_api(client, cast):
    programme = make_programme(cast.lead_a, cast.engineer_a2, buddy=cast.engineer_a)
    check_access(
        client,
        cast,
        api(f"talent-onboarding/{programme.pk}/"),
        permitted=["manager", "lead_a", "engineer_a", "engineer_a2"],
        hidden=["engineer_b", "nobody"],
        api=True,
    )
    client.force_login(cast.engineer_a2)
    data = client.get(api(f"talent-onboarding/{programme.pk}/"), HTTP_ACCEPT="application/json").json()
    assert data["progress"] == 0 and len(data["tasks"]) == 6
    task = data["tasks"][0]
    response = patch(client, f"talent-onboarding-tasks/{task['id']}/", {"done": True}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["done"] is True
    assert (
        patch(
            client, f"talent-onboarding-tasks/{task['id']}/", {"done": False}, HTTP_IF_MATCH='"1"'
        ).status_code
        == 412
    )
    assert (
        post(
            client,
            "talent-onboarding-tasks/",
            {"programme": programme.pk, "title": "x", "due_on": today().isoformat()},
        ).status_code
        == 403
    )
    client.force_login(cast.engineer_a)
    assert (
        post(
            client,
            "talent-onboarding-tasks/",
            {"programme": programme.pk, "title": "跟岗", "due_on": today().isoformat()},
        ).status_code
        == 201
    )
    client.force_login(cast.lead_a)
    response = post(client, f"talent-onboarding/{programme.pk}/complete/", {})
    assert response.status_code == 409 and len(response.json()["reasons"]) == 6
    assert_refused(
        client,
        api("talent-onboarding/"),
        {"new_hire": cast.engineer_a.pk, "started_on": today().isoformat(), "ends_on": today().isoformat()},
        fields=["ends_on"],
        models=[OnboardingProgramme],
        api=True,
    )
    assert (
        post(
            client, "talent-onboarding/", {"new_hire": cast.engineer_a.pk, "started_on": today().isoformat()}
        ).status_code
        == 201
    )
    client.force_login(cast.manager)
    people = iter([cast.engineer_b, cast.sales_a, cast.nobody])
    assert_constant_queries(
        client, api("talent-onboarding/"), lambda: make_programme(cast.manager, next(people)), api=True
    )
    assert_constant_queries(
        client, api("talent-onboarding-tasks/"), lambda: make_programme(cast.manager, next(people)), api=True
    )


def test_promotions_api(client, cast):
    check_access(client, cast, api("talent-promotions/"), permitted=EVERYBODY, api=True)
    client.force_login(cast.lead_a)
    data = {
        "person": cast.engineer_a.pk,
        "to_level": "intermediate",
        "effective_on": today().isoformat(),
        "reason": "表现好",
    }
    assert post(client, "talent-promotions/", data).status_code == 403
    client.force_login(cast.manager)
    response = post(client, "talent-promotions/", data)
    assert response.status_code == 201 and response.json()["approved_by"] == cast.manager.pk
    promotion_url = api(f"talent-promotions/{response.json()['id']}/")
    assert client.get(promotion_url, HTTP_ACCEPT="application/json").json()["to_level"] == "intermediate"
    client.force_login(cast.engineer_a2)  # another person's promotion: not theirs to see
    assert client.get(promotion_url, HTTP_ACCEPT="application/json").status_code == 404
    client.force_login(cast.manager)
    assert_refused(client, api("talent-promotions/"), data, fields=["to_level"], models=[Promotion], api=True)
    client.force_login(cast.engineer_a)
    assert count(client, "talent-promotions/") == 1
    client.force_login(cast.engineer_a2)
    assert count(client, "talent-promotions/") == 0
    client.force_login(cast.manager)
    levels = iter(["senior", "junior", "intermediate", "senior"])
    assert_constant_queries(
        client,
        api("talent-promotions/"),
        lambda: services.promotion_record(
            actor=cast.manager,
            person=cast.engineer_a,
            to_level=next(levels),
            effective_on=today(),
            reason="r",
        ),
        api=True,
    )


def test_award_api(client, cast):
    member = make_committee(cast.team_b, username="c1")
    award_round = make_round(cast.manager, nominations=[(cast.lead_a, cast.engineer_a)])
    check_access(
        client,
        cast,
        api(f"talent-award-rounds/{award_round.pk}/"),
        permitted=["manager", "lead_a", "engineer_b", "sales_a"],
        hidden=["nobody"],
        api=True,
    )
    client.force_login(cast.engineer_b)
    response = post(
        client,
        "talent-award-nominations/",
        {
            "round": award_round.pk,
            "nominee": cast.engineer_b.pk,
            "title": "案例B",
            "case_description": "成果",
        },
    )
    assert response.status_code == 201
    nomination = client.get(api(f"talent-award-nominations/{response.json()['id']}/"), HTTP_ACCEPT="application/json")
    assert nomination.status_code == 200 and nomination.json()["title"] == "案例B"
    client.force_login(cast.nobody)  # the round is hidden from them, and so are its nominations
    assert client.get(
        api(f"talent-award-nominations/{response.json()['id']}/"), HTTP_ACCEPT="application/json"
    ).status_code == 404
    client.force_login(cast.engineer_b)
    assert_refused(
        client,
        api("talent-award-nominations/"),
        {"round": award_round.pk, "nominee": cast.sales_a.pk, "title": "x", "case_description": ""},
        fields=["nominee", "case_description"],
        models=[AwardNomination],
        api=True,
    )
    assert (
        post(client, f"talent-award-rounds/{award_round.pk}/move/", {"to_status": "scoring"}).status_code
        == 403
    )
    client.force_login(cast.manager)
    assert post(client, "talent-award-rounds/", {"year": 2026, "quarter": 4}).status_code == 201
    response = post(client, f"talent-award-rounds/{award_round.pk}/move/", {"to_status": "announced"})
    assert response.status_code == 409
    response = post(
        client, f"talent-award-rounds/{award_round.pk}/move/", {"to_status": "scoring", "version": 1}
    )
    assert response.status_code == 200 and response.json()["status"] == "scoring"
    client.force_login(member)
    for nomination in award_round.nominations.all():
        response = post(
            client,
            f"talent-award-nominations/{nomination.pk}/score/",
            {"customer_value": 8, "innovation": 7, "reuse": 9, "influence": 6, "comment": "好"},
        )
        assert response.status_code == 200
    assert_refused(
        client,
        api(f"talent-award-nominations/{nomination.pk}/score/"),
        {"customer_value": 0, "innovation": 7, "reuse": 9, "influence": 6},
        fields=["customer_value"],
        models=[AwardScore],
        api=True,
    )
    results = client.get(
        api(f"talent-award-rounds/{award_round.pk}/results/"), HTTP_ACCEPT="application/json"
    ).json()
    assert len(results) == 2 and results[0]["avg_total"] == 30.0
    client.force_login(cast.manager)
    response = post(client, f"talent-award-rounds/{award_round.pk}/move/", {"to_status": "announced"})
    assert response.status_code == 200 and response.json()["status"] == AwardRoundStatus.ANNOUNCED
    assert AwardNomination.objects.filter(is_winner=True).count() == 2  # tie
    client.force_login(cast.engineer_a2)
    assert count(client, "talent-award-nominations/") == 2
    client.force_login(cast.manager)
    years = iter(range(2010, 2030))
    assert_constant_queries(
        client,
        api("talent-award-rounds/"),
        lambda: make_round(cast.manager, year=next(years), nominations=[(cast.lead_a, cast.engineer_a)]),
        api=True,
    )
    assert_constant_queries(
        client,
        api("talent-award-nominations/"),
        lambda: make_round(cast.manager, year=next(years), nominations=[(cast.lead_a, cast.engineer_a)]),
        api=True,
    )

"""The talent demo data: every state is represented, built through the services."""

import random

import pytest

from presales.accounts.choices import PresalesLevel, RoleCode
from presales.talent import demo
from presales.talent.choices import (
    AwardRoundStatus,
    MentoringStatus,
    OnboardingStatus,
    ReportRating,
    TrainingKind,
)
from presales.talent.models import (
    AwardNomination,
    AwardRound,
    Certification,
    DailyReport,
    MentoringPair,
    OnboardingProgramme,
    Promotion,
    Training,
    TrainingAttendance,
)
from tests.factories import make_user
from tests.factories.talent import make_committee


@pytest.fixture
def people(cast):
    extra = [
        make_user(
            RoleCode.PRESALES_ENGINEER,
            team=cast.team_b,
            username="senior_b",
            presales_level=PresalesLevel.SENIOR,
        ),
        make_user(
            RoleCode.PRESALES_ENGINEER,
            team=cast.team_b,
            username="junior_b",
            presales_level=PresalesLevel.JUNIOR,
        ),
        make_user(
            RoleCode.PRESALES_ENGINEER,
            team=cast.team_a,
            username="junior_a",
            presales_level=PresalesLevel.JUNIOR,
        ),
        make_user(RoleCode.SALES, team=cast.team_a, username="sales_a2"),
        make_user(RoleCode.SALES, team=cast.team_a, username="sales_a3"),
        make_committee(cast.team_b, username="committee"),
    ]
    cast.team_b.lead = extra[0]
    cast.team_b.save()
    cast.engineer_a.presales_level = PresalesLevel.SENIOR
    cast.engineer_a.save()
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(is_active=True).order_by("pk")), extra


@pytest.mark.django_db
def test_demo_covers_every_state(people):
    users, _extra = people
    counts = demo.build(random.Random(7), [], users)
    assert counts["daily reports"] == DailyReport.objects.count() > 100
    assert {None, *ReportRating.values} <= set(DailyReport.objects.values_list("rating", flat=True))
    assert DailyReport.objects.values("author").distinct().count() >= 4
    certifications = list(Certification.objects.all())
    assert any(c.is_expiring_soon for c in certifications) and any(c.is_expired for c in certifications)
    assert Training.objects.filter(kind=TrainingKind.SALES_ENABLEMENT).exists()
    passed = {a.passed for a in TrainingAttendance.objects.select_related("training")}
    assert {True, False} <= passed
    assert set(MentoringPair.objects.values_list("status", flat=True)) == set(MentoringStatus.values)
    assert set(OnboardingProgramme.objects.values_list("status", flat=True)) == set(OnboardingStatus.values)
    assert Promotion.objects.count() >= 1
    for p in Promotion.objects.select_related("person"):
        latest = Promotion.objects.filter(person=p.person).order_by("-pk").first()
        assert p.person.presales_level == latest.to_level
    # The award rounds are built after the appraisals (presales.demo.company runs build_awards
    # later); without appraisals the best performers are nominated.
    awards = demo.build_awards(random.Random(7), [], users)
    assert awards["award rounds"] == 2
    assert set(AwardRound.objects.values_list("status", flat=True)) == {
        AwardRoundStatus.ANNOUNCED,
        AwardRoundStatus.NOMINATING,
    }
    assert AwardNomination.objects.filter(is_winner=True).exists()


def test_build_is_a_no_op_without_people():
    assert demo.build(random.Random(1), [], []) == {}
    assert demo.build_awards(random.Random(1), [], []) == {}

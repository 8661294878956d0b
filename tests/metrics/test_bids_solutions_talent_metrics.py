"""Bid win rate (bids), solution completeness and first-pass rate (solutions), trainings given to
sales, mentoring and daily report quality (talent), hand-counted. Rows are written directly with
the fields these metrics read."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from presales.metrics.base import MetricValue
from presales.metrics.registry import is_available
from presales.opportunities.choices import Stage
from tests.factories import make_user
from tests.factories.metrics import at, customer_of, project

from .conftest import AFTER, BEFORE, END, START, assert_records_explain, value_of

pytestmark = pytest.mark.django_db


def needs(code):
    return pytest.mark.skipif(not is_available(code), reason=f"{code}: source models not available")


# --- bids ------------------------------------------------------------------------------------------


def _bid(opportunity, *, result="", result_at=None, technical=None, business=None, rank=None):
    from presales.bids.choices import Status
    from presales.bids.models import Bid

    n = Bid.objects.count() + 1
    return Bid.objects.create(
        number=f"TB-T-{n:04d}",
        opportunity=opportunity,
        issuer="某市公共资源交易中心",
        project_name=f"储能项目{n}",
        deadline=timezone.now() + timedelta(days=10),
        technical_owner=technical,
        business_owner=business,
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=opportunity.presales_lead,
        result=result,
        result_at=result_at,
        our_rank=rank,
    )


@needs("bid_win_rate")
def test_bid_win_rate(cast):
    from presales.bids.choices import Result

    a, a2 = cast.engineer_a, cast.engineer_a2
    c = customer_of(a, cast.sales_a)
    led = project(c, lead=a, stage=Stage.BID)
    other = project(c, lead=a2, stage=Stage.BID)
    _bid(led, result=Result.WON, result_at=at(START, 0, 0, 0), rank=1)  # A leads: won
    _bid(led, result=Result.LOST, result_at=at(END, 23, 59, 59), technical=a)  # A twice on one bid: once
    _bid(
        other, result=Result.INVALID, result_at=at(date(2026, 2, 1)), business=a
    )  # A writes the business part
    _bid(other, result=Result.WON, result_at=at(date(2026, 2, 2)), technical=a)  # A writes the technical part
    _bid(led, result=Result.CANCELLED, result_at=at(date(2026, 2, 3)))  # tender cancelled: not decided
    _bid(led, result=Result.WON, result_at=at(AFTER, 0, 0, 0))  # after the period
    _bid(led, result=Result.WON, result_at=at(BEFORE, 23, 59, 59))  # before
    _bid(led)  # no result yet
    _bid(other, result=Result.WON, result_at=at(date(2026, 3, 1)))  # A2's alone
    # A: won 2 (first, fourth) of decided 4
    assert value_of("bid_win_rate", a) == MetricValue(Decimal("50.00"), 2, 4, 4)
    # A2 leads `other`: invalid, won, won → 2 of 3
    assert value_of("bid_win_rate", a2) == MetricValue(Decimal("66.67"), 2, 3, 3)
    assert value_of("bid_win_rate", cast.engineer_b).value is None
    records = assert_records_explain("bid_win_rate", a)
    assert [r.numerator for r in records] == [1, 0, 1, 0]


@needs("bid_win_rate")
def test_a_won_bid_is_a_project_success(cast):
    from presales.bids.choices import Result

    c = customer_of(cast.engineer_a, cast.sales_a)
    lost_later = project(c, lead=cast.engineer_a, stage=Stage.LOST, closed_at=at(date(2026, 3, 1)))
    _bid(lost_later, result=Result.WON, result_at=at(date(2026, 2, 1)))
    project(c, lead=cast.engineer_a, stage=Stage.LOST, closed_at=at(date(2026, 3, 2)))
    assert value_of("project_success_rate", cast.engineer_a) == MetricValue(Decimal("50.00"), 1, 2, 2)
    records = assert_records_explain("project_success_rate", cast.engineer_a)
    assert [r.numerator for r in records] == [1, 0]


# --- solutions -------------------------------------------------------------------------------------


def _solution(opportunity, author, *, first_pass=None, first_reviewed_at=None, current=True):
    from presales.solutions.models import Solution

    return Solution.objects.create(
        opportunity=opportunity,
        title=f"{opportunity.name} 技术方案",
        author=author,
        is_current=current,
        first_pass=first_pass,
        first_reviewed_at=first_reviewed_at,
    )


def _version(solution, number, completeness, when):
    from presales.solutions.models import SolutionVersion

    v = SolutionVersion.objects.create(
        solution=solution, number=number, author=solution.author, completeness=completeness
    )
    SolutionVersion.objects.filter(pk=v.pk).update(created_at=when)
    return v


@needs("solution_completeness")
def test_solution_completeness(cast):
    a = cast.engineer_a
    c = customer_of(a, cast.sales_a)
    s1 = _solution(project(c, lead=a), a)
    _version(s1, 1, 60, at(START, 0, 0, 0))
    _version(s1, 2, 90, at(date(2026, 2, 1)))  # s1 counts with its last submission of the period: 90
    _version(s1, 3, 100, at(AFTER, 0, 0, 0))  # after the period
    s2 = _solution(project(c, lead=a), a)
    _version(s2, 1, 75, at(END, 23, 59, 59))  # 75
    s3 = _solution(project(c, lead=a), a)
    _version(s3, 1, 10, at(BEFORE, 23, 59, 59))  # before
    s4 = _solution(project(c, lead=a), cast.engineer_a2)  # A2's
    _version(s4, 1, 50, at(date(2026, 2, 1)))
    assert value_of("solution_completeness", a) == MetricValue(Decimal("82.50"), 165, 2, 2)
    assert value_of("solution_completeness", cast.engineer_a2) == MetricValue(Decimal("50.00"), 50, 1, 1)
    assert value_of("solution_completeness", cast.engineer_b).value is None
    records = assert_records_explain("solution_completeness", a)
    assert [(r.numerator, r.denominator) for r in records] == [(0, 0), (90, 1), (75, 1)]


@needs("review_first_pass_rate")
def test_review_first_pass_rate(cast):
    a = cast.engineer_a
    c = customer_of(a, cast.sales_a)
    _solution(project(c, lead=a), a, first_pass=True, first_reviewed_at=at(START, 0, 0, 0))
    _solution(project(c, lead=a), a, first_pass=False, first_reviewed_at=at(END, 23, 59, 59))
    _solution(project(c, lead=a), a, first_pass=True, first_reviewed_at=at(date(2026, 2, 1)))
    _solution(project(c, lead=a), a, first_pass=True, first_reviewed_at=at(AFTER, 0, 0, 0))  # after
    _solution(project(c, lead=a), a)  # still in its first review
    _solution(project(c, lead=a), cast.engineer_a2, first_pass=False, first_reviewed_at=at(date(2026, 2, 1)))
    assert value_of("review_first_pass_rate", a) == MetricValue(Decimal("66.67"), 2, 3, 3)
    assert value_of("review_first_pass_rate", cast.engineer_a2) == MetricValue(Decimal("0.00"), 0, 1, 1)
    assert value_of("review_first_pass_rate", cast.engineer_b).value is None
    assert_records_explain("review_first_pass_rate", a)


# --- talent ----------------------------------------------------------------------------------------


def _training(trainer, held_on, kind=None):
    from presales.talent.choices import TrainingKind
    from presales.talent.models import Training

    return Training.objects.create(
        title=f"销售赋能：储能BMS卖点 {held_on}",
        kind=kind or TrainingKind.SALES_ENABLEMENT,
        trainer=trainer,
        held_on=held_on,
        hours=Decimal("2.0"),
    )


@needs("sales_trainings")
def test_sales_trainings(cast):
    from presales.talent.choices import TrainingKind
    from presales.talent.models import TrainingAttendance

    a = cast.engineer_a
    t = _training(a, START)
    TrainingAttendance.objects.create(training=t, attendee=cast.sales_a)
    _training(a, END)
    _training(a, AFTER)
    _training(a, BEFORE)
    _training(a, date(2026, 2, 1), kind=TrainingKind.INTERNAL)  # not given to sales
    _training(cast.engineer_a2, START)
    assert value_of("sales_trainings", a) == MetricValue(Decimal(2), 2, None, 2)
    assert value_of("sales_trainings", cast.engineer_b) == MetricValue(Decimal(0), 0, None, 0)
    records = assert_records_explain("sales_trainings", a)
    assert "1" in records[0].note  # one attendee


@needs("mentoring")
def test_mentoring(cast):
    from presales.talent.choices import MentoringStatus
    from presales.talent.models import MentoringNote, MentoringPair

    a = cast.engineer_a
    m1, m2, m3 = (make_user(team=cast.team_a) for _ in range(3))

    def pair(mentee, mentor=a, status=MentoringStatus.ACTIVE, ended=None):
        return MentoringPair.objects.create(
            mentor=mentor,
            mentee=mentee,
            started_on=date(2025, 10, 1),
            ended_on=ended,
            status=status,
            goals="三个月内独立完成方案讲解",
        )

    def note(p, day, author):
        return MentoringNote.objects.create(
            pair=p, written_on=day, author=author, text="讲解了储能BMS方案要点"
        )

    p1 = pair(m1)
    p2 = pair(m2, status=MentoringStatus.COMPLETED, ended=date(2026, 2, 1))
    p3 = pair(m3, mentor=cast.engineer_a2)
    note(p1, START, a)  # first day
    note(p1, END, m1)  # last day, written by the mentee: still a coaching record of A's pair
    note(p2, date(2026, 1, 20), cast.lead_a)  # written by the lead
    note(p1, AFTER, a)  # after
    note(p2, BEFORE, a)  # before
    note(p3, START, cast.engineer_a2)  # A2 is the mentor
    assert value_of("mentoring", a) == MetricValue(Decimal(3), 3, None, 3)
    assert value_of("mentoring", cast.engineer_a2) == MetricValue(Decimal(1), 1, None, 1)
    assert value_of("mentoring", cast.engineer_b) == MetricValue(Decimal(0), 0, None, 0)
    records = assert_records_explain("mentoring", a)
    assert [r.date for r in records] == [START, date(2026, 1, 20), END]


@needs("daily_report_quality")
def test_daily_report_quality(cast):
    from presales.talent.models import DailyReport

    a = cast.engineer_a

    def report(author, day, rating):
        rated = {} if rating is None else {"rated_by": cast.lead_a, "rated_at": timezone.now()}
        return DailyReport.objects.create(
            author=author, report_date=day, work_done="客户现场调研", rating=rating, **rated
        )

    report(a, START, 1)
    report(a, date(2026, 2, 1), 1)
    report(a, date(2026, 2, 2), -1)
    report(a, END, 0)
    report(a, date(2026, 2, 3), None)  # not rated: listed, not averaged
    report(a, AFTER, -1)
    report(a, BEFORE, -1)
    report(cast.engineer_a2, START, -1)
    assert value_of("daily_report_quality", a) == MetricValue(Decimal("0.25"), 1, 4, 4)
    assert value_of("daily_report_quality", cast.engineer_a2) == MetricValue(Decimal("-1.00"), -1, 1, 1)
    assert value_of("daily_report_quality", cast.engineer_b).value is None
    records = assert_records_explain("daily_report_quality", a)
    assert len(records) == 5

"""Rules of the customer's records (communication log, technical issues, complaints, surveys,
feedback items), through the services: each rule, each refusal leaving the database unchanged,
stale versions refused, and the database constraints behind them."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from presales.accounts.choices import RoleCode
from presales.core.errors import DomainError, PermissionDenied, StaleObjectError, TransitionRefused
from presales.customers import services
from presales.customers.choices import ComplaintStatus, FeedbackStatus, IssueStatus
from presales.customers.models import (
    CommunicationLog,
    Complaint,
    FeedbackItem,
    SatisfactionSurvey,
    TechnicalIssue,
)
from tests.factories import CustomerFactory, make_user
from tests.factories.customers import (
    CommunicationFactory,
    ComplaintFactory,
    FeedbackItemFactory,
    SurveyFactory,
    TechnicalIssueFactory,
    make_opportunity,
)
from tests.kit import snapshot

pytestmark = pytest.mark.django_db

RECORD_MODELS = (CommunicationLog, TechnicalIssue, Complaint, SatisfactionSurvey, FeedbackItem)


def today():
    return timezone.localdate()


@pytest.fixture
def customer(cast):
    return CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a, name="苏州储能科技")


@pytest.fixture
def other_customer(cast):
    return CustomerFactory(presales_owner=cast.engineer_a2, sales_owner=cast.sales_a, name="无锡机器人")


def refused(call, *, code=None, field=None, exc=DomainError):
    """Run `call`, expect the refusal, and check that no record changed."""
    before = snapshot(*RECORD_MODELS)
    with pytest.raises(exc) as info:
        call()
    assert snapshot(*RECORD_MODELS) == before, "a refused action changed the database"
    if code:
        assert info.value.code == code, info.value.code
    if field:
        assert field in info.value.errors, info.value.errors
    return info.value


# --- communication log --------------------------------------------------------------------------


def log_data(cast, customer, **kw):
    data = dict(
        actor=cast.engineer_a,
        customer=customer,
        occurred_at=timezone.now() - timedelta(hours=2),
        channel="meeting",
        participants="张工；客户李总",
        subject="方案交流",
        content="介绍BMS数据平台",
    )
    data.update(kw)
    return data


class TestCommunication:
    def test_create_records_author_and_history_user(self, cast, customer):
        log = services.communication_create(**log_data(cast, customer, next_step="安排现场调研"))
        assert log.created_by == cast.engineer_a and log.version == 1
        assert log.history.get().history_user == cast.engineer_a

    def test_required_texts_and_choices(self, cast, customer):
        error = refused(
            lambda: services.communication_create(**log_data(cast, customer, subject=" ", channel="fax"))
        )
        assert {"subject", "channel"} <= set(error.errors)

    def test_time_cannot_be_in_the_future(self, cast, customer):
        refused(
            lambda: services.communication_create(
                **log_data(cast, customer, occurred_at=timezone.now() + timedelta(days=1))
            ),
            field="occurred_at",
        )

    def test_next_contact_not_before_the_communication(self, cast, customer):
        refused(
            lambda: services.communication_create(
                **log_data(cast, customer, next_contact_on=today() - timedelta(days=3))
            ),
            field="next_contact_on",
        )

    def test_follow_up_visit_needs_an_opportunity(self, cast, customer):
        refused(
            lambda: services.communication_create(**log_data(cast, customer, is_follow_up=True)),
            code="follow_up_needs_opportunity",
            field="opportunity",
        )
        opportunity = make_opportunity(customer)
        log = services.communication_create(
            **log_data(cast, customer, is_follow_up=True, opportunity=opportunity)
        )
        assert log.is_follow_up and log.opportunity == opportunity

    def test_opportunity_of_another_customer_is_refused(self, cast, customer, other_customer):
        foreign = make_opportunity(other_customer)
        refused(
            lambda: services.communication_create(**log_data(cast, customer, opportunity=foreign)),
            code="opportunity_of_other_customer",
            field="opportunity",
        )

    def test_opportunity_the_actor_cannot_see_is_refused(self, cast, customer):
        secret = make_opportunity(customer, confidential=True, presales_lead=cast.engineer_a2)
        refused(
            lambda: services.communication_create(**log_data(cast, customer, opportunity=secret)),
            code="opportunity_not_visible",
            field="opportunity",
        )

    def test_contributors_only(self, cast, customer):
        refused(
            lambda: services.communication_create(**log_data(cast, customer, actor=cast.nobody)),
            exc=PermissionDenied,
        )

    def test_update_by_author_and_owners_not_by_other_engineers(self, cast, customer):
        log = services.communication_create(**log_data(cast, customer))
        refused(
            lambda: services.communication_update(
                actor=cast.engineer_a2, communication=log, expected_version=1, result="x"
            ),
            exc=PermissionDenied,
        )
        services.communication_update(
            actor=cast.engineer_a, communication=log, expected_version=1, result="客户认可"
        )
        services.communication_update(
            actor=cast.sales_a, communication=log, expected_version=2, result="销售补充"
        )
        log.refresh_from_db()
        assert log.version == 3 and log.result == "销售补充"
        assert log.history.first().history_user == cast.sales_a

    def test_stale_update_is_refused(self, cast, customer):
        log = services.communication_create(**log_data(cast, customer))
        services.communication_update(
            actor=cast.engineer_a, communication=log, expected_version=1, result="a"
        )
        refused(
            lambda: services.communication_update(
                actor=cast.engineer_a, communication=log, expected_version=1, result="b"
            ),
            exc=StaleObjectError,
        )

    def test_customer_cannot_be_changed(self, cast, customer, other_customer):
        log = services.communication_create(**log_data(cast, customer))
        refused(
            lambda: services.communication_update(
                actor=cast.manager, communication=log, expected_version=1, customer=other_customer
            ),
            code="not_editable",
        )

    def test_an_opportunity_already_on_the_record_may_stay(self, cast, customer):
        """The author cannot see a confidential opportunity a manager linked: editing keeps it."""
        secret = make_opportunity(customer, confidential=True, presales_lead=cast.engineer_a2)
        log = services.communication_create(
            **log_data(cast, customer, actor=cast.manager, opportunity=secret)
        )
        services.communication_update(
            actor=cast.sales_a, communication=log, expected_version=1, opportunity=secret, result="ok"
        )
        log.refresh_from_db()
        assert log.opportunity == secret and log.result == "ok"


# --- technical issues ---------------------------------------------------------------------------


def issue_data(cast, customer, **kw):
    data = dict(
        actor=cast.engineer_a,
        customer=customer,
        title="数据采集频率达不到1秒",
        raised_on=today() - timedelta(days=2),
        due_on=today() + timedelta(days=5),
        owner=cast.engineer_a2,
    )
    data.update(kw)
    return data


class TestTechnicalIssue:
    def test_create(self, cast, customer):
        issue = services.technical_issue_create(**issue_data(cast, customer, severity="high"))
        assert issue.status == IssueStatus.OPEN and issue.resolved_at is None and issue.severity == "high"

    def test_due_date_not_before_raised_date(self, cast, customer):
        refused(
            lambda: services.technical_issue_create(
                **issue_data(cast, customer, due_on=today() - timedelta(days=5))
            ),
            field="due_on",
        )

    def test_raised_date_not_in_the_future(self, cast, customer):
        refused(
            lambda: services.technical_issue_create(
                **issue_data(
                    cast, customer, raised_on=today() + timedelta(days=1), due_on=today() + timedelta(days=9)
                )
            ),
            field="raised_on",
        )

    def test_owner_must_be_an_active_colleague_with_a_role(self, cast, customer):
        refused(
            lambda: services.technical_issue_create(**issue_data(cast, customer, owner=cast.nobody)),
            field="owner",
        )
        gone = make_user(RoleCode.PRESALES_ENGINEER, team=cast.team_a, is_active=False)
        refused(
            lambda: services.technical_issue_create(**issue_data(cast, customer, owner=gone)), field="owner"
        )

    def test_opportunity_of_another_customer_is_refused(self, cast, customer, other_customer):
        refused(
            lambda: services.technical_issue_create(
                **issue_data(cast, customer, opportunity=make_opportunity(other_customer))
            ),
            field="opportunity",
        )

    def test_resolve_needs_a_resolution_and_sets_the_time(self, cast, customer):
        issue = services.technical_issue_create(**issue_data(cast, customer))
        refused(
            lambda: services.technical_issue_resolve(
                actor=cast.engineer_a2, issue=issue, resolution="  ", expected_version=1
            ),
            field="resolution",
        )
        resolved = services.technical_issue_resolve(
            actor=cast.engineer_a2, issue=issue, resolution="升级固件后达到", expected_version=1
        )
        assert resolved.status == IssueStatus.RESOLVED and resolved.resolved_at is not None
        assert resolved.version == 2
        last = resolved.history.first()
        assert last.history_user == cast.engineer_a2 and last.history_change_reason == "升级固件后达到"

    def test_resolve_twice_is_refused(self, cast, customer):
        issue = services.technical_issue_create(**issue_data(cast, customer))
        services.technical_issue_resolve(
            actor=cast.engineer_a, issue=issue, resolution="done", expected_version=1
        )
        refused(
            lambda: services.technical_issue_resolve(
                actor=cast.engineer_a, issue=issue, resolution="again", expected_version=2
            ),
            exc=TransitionRefused,
        )

    def test_stale_resolve_is_refused(self, cast, customer):
        issue = services.technical_issue_create(**issue_data(cast, customer))
        services.technical_issue_update(
            actor=cast.engineer_a, issue=issue, expected_version=1, severity="critical"
        )
        refused(
            lambda: services.technical_issue_resolve(
                actor=cast.engineer_a, issue=issue, resolution="x", expected_version=1
            ),
            exc=StaleObjectError,
        )

    def test_reopen_needs_a_reason_and_clears_the_resolution(self, cast, customer):
        issue = services.technical_issue_create(**issue_data(cast, customer))
        refused(
            lambda: services.technical_issue_reopen(
                actor=cast.engineer_a, issue=issue, reason="不稳定", expected_version=1
            ),
            exc=TransitionRefused,
        )
        services.technical_issue_resolve(
            actor=cast.engineer_a, issue=issue, resolution="fixed", expected_version=1
        )
        refused(
            lambda: services.technical_issue_reopen(
                actor=cast.engineer_a, issue=issue, reason="", expected_version=2
            ),
            field="reason",
        )
        reopened = services.technical_issue_reopen(
            actor=cast.sales_a, issue=issue, reason="客户现场再次出现", expected_version=2
        )
        assert (
            reopened.status == IssueStatus.OPEN and reopened.resolved_at is None and reopened.resolution == ""
        )
        assert reopened.history.first().history_change_reason == "客户现场再次出现"
        assert reopened.history.all()[1].resolution == "fixed"  # the history keeps the old resolution

    def test_status_cannot_be_changed_by_update(self, cast, customer):
        issue = services.technical_issue_create(**issue_data(cast, customer))
        refused(
            lambda: services.technical_issue_update(
                actor=cast.manager, issue=issue, expected_version=1, status="resolved"
            ),
            code="not_editable",
        )

    def test_who_may_work_on_an_issue(self, cast, customer):
        issue = services.technical_issue_create(**issue_data(cast, customer))
        refused(
            lambda: services.technical_issue_resolve(
                actor=cast.nobody, issue=issue, resolution="x", expected_version=1
            ),
            exc=PermissionDenied,
        )
        services.technical_issue_update(
            actor=cast.engineer_a2, issue=issue, expected_version=1, title="新标题"
        )

    def test_update_keeps_an_owner_who_has_left_since(self, cast, customer):
        issue = services.technical_issue_create(**issue_data(cast, customer))
        type(cast.engineer_a2).objects.filter(pk=cast.engineer_a2.pk).update(is_active=False)
        services.technical_issue_update(
            actor=cast.engineer_a, issue=issue, expected_version=1, title="改名", owner=cast.engineer_a2
        )
        refused(
            lambda: services.technical_issue_update(
                actor=cast.engineer_a, issue=issue, expected_version=2, owner=cast.nobody
            ),
            field="owner",
        )

    def test_database_constraints(self, cast, customer):
        issue = TechnicalIssueFactory(customer=customer)
        with pytest.raises(IntegrityError), transaction.atomic():
            TechnicalIssue.objects.filter(pk=issue.pk).update(due_on=issue.raised_on - timedelta(days=1))
        with pytest.raises(IntegrityError), transaction.atomic():  # resolved needs resolved_at
            TechnicalIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.RESOLVED, resolution="x")
        with pytest.raises(IntegrityError), transaction.atomic():  # open has no resolved_at
            TechnicalIssue.objects.filter(pk=issue.pk).update(resolved_at=timezone.now())
        with pytest.raises(IntegrityError), transaction.atomic():  # resolved needs a resolution
            TechnicalIssue.objects.filter(pk=issue.pk).update(
                status=IssueStatus.RESOLVED, resolved_at=timezone.now()
            )
        TechnicalIssue.objects.filter(pk=issue.pk).update(
            status=IssueStatus.RESOLVED, resolved_at=timezone.now(), resolution="ok"
        )


# --- complaints ---------------------------------------------------------------------------------


def complaint_data(cast, customer, **kw):
    data = dict(
        actor=cast.sales_a,
        customer=customer,
        received_on=today(),
        severity="high",
        description="演示当天系统宕机，客户不满",
        against=cast.engineer_a,
    )
    data.update(kw)
    return data


class TestComplaint:
    def test_anyone_who_may_contribute_records_one(self, cast, customer):
        complaint = services.complaint_create(**complaint_data(cast, customer, actor=cast.engineer_a2))
        assert complaint.status == ComplaintStatus.OPEN and complaint.against == cast.engineer_a
        refused(
            lambda: services.complaint_create(**complaint_data(cast, customer, actor=cast.nobody)),
            exc=PermissionDenied,
        )

    def test_required_description_and_past_date(self, cast, customer):
        error = refused(
            lambda: services.complaint_create(
                **complaint_data(cast, customer, description="", received_on=today() + timedelta(days=2))
            )
        )
        assert {"description", "received_on"} <= set(error.errors)

    def test_against_must_be_active(self, cast, customer):
        gone = make_user(RoleCode.PRESALES_ENGINEER, team=cast.team_a, is_active=False)
        refused(
            lambda: services.complaint_create(**complaint_data(cast, customer, against=gone)), field="against"
        )

    def test_opportunity_of_another_customer_is_refused(self, cast, customer, other_customer):
        refused(
            lambda: services.complaint_create(
                **complaint_data(cast, customer, opportunity=make_opportunity(other_customer))
            ),
            field="opportunity",
        )

    def test_handle_needs_the_handling_and_sets_the_time(self, cast, customer):
        complaint = services.complaint_create(**complaint_data(cast, customer))
        refused(
            lambda: services.complaint_handle(
                actor=cast.lead_a, complaint=complaint, handling="", expected_version=1
            ),
            field="handling",
        )
        handled = services.complaint_handle(
            actor=cast.lead_a, complaint=complaint, handling="致歉并更换演示环境", expected_version=1
        )
        assert handled.status == ComplaintStatus.HANDLED and handled.handled_at is not None
        refused(
            lambda: services.complaint_handle(
                actor=cast.lead_a, complaint=complaint, handling="again", expected_version=2
            ),
            exc=TransitionRefused,
        )

    def test_nobody_handles_a_complaint_against_themselves(self, cast, customer):
        complaint = services.complaint_create(**complaint_data(cast, customer))
        # engineer_a owns the customer but the complaint is against them
        refused(
            lambda: services.complaint_handle(
                actor=cast.engineer_a, complaint=complaint, handling="没问题", expected_version=1
            ),
            exc=PermissionDenied,
        )
        refused(
            lambda: services.complaint_update(
                actor=cast.engineer_a, complaint=complaint, expected_version=1, against=None
            ),
            exc=PermissionDenied,
        )
        # another engineer of the team is neither owner nor lead
        refused(
            lambda: services.complaint_handle(
                actor=cast.engineer_a2, complaint=complaint, handling="x", expected_version=1
            ),
            exc=PermissionDenied,
        )
        services.complaint_handle(
            actor=cast.sales_a, complaint=complaint, handling="销售负责人回访", expected_version=1
        )

    def test_stale_update_is_refused(self, cast, customer):
        complaint = services.complaint_create(**complaint_data(cast, customer))
        services.complaint_update(
            actor=cast.manager, complaint=complaint, expected_version=1, severity="critical"
        )
        refused(
            lambda: services.complaint_update(
                actor=cast.lead_a, complaint=complaint, expected_version=1, severity="low"
            ),
            exc=StaleObjectError,
        )

    def test_database_constraints(self, cast, customer):
        complaint = ComplaintFactory(customer=customer)
        with pytest.raises(IntegrityError), transaction.atomic():
            Complaint.objects.filter(pk=complaint.pk).update(status=ComplaintStatus.HANDLED, handling="x")
        with pytest.raises(IntegrityError), transaction.atomic():
            Complaint.objects.filter(pk=complaint.pk).update(
                status=ComplaintStatus.HANDLED, handled_at=timezone.now()
            )


# --- satisfaction surveys -----------------------------------------------------------------------


def survey_data(cast, customer, **kw):
    data = dict(
        actor=cast.sales_a,
        customer=customer,
        engineer=cast.engineer_a,
        surveyed_on=today(),
        score=92,
        nps=9,
        respondent="客户CTO",
    )
    data.update(kw)
    return data


class TestSurvey:
    def test_create(self, cast, customer):
        survey = services.survey_create(**survey_data(cast, customer, opportunity=make_opportunity(customer)))
        assert survey.score == 92 and survey.created_by == cast.sales_a

    @pytest.mark.parametrize(
        "bad, field",
        [
            ({"score": 101}, "score"),
            ({"score": -1}, "score"),
            ({"nps": 11}, "nps"),
            ({"surveyed_on": None}, "surveyed_on"),
        ],
    )
    def test_ranges(self, cast, customer, bad, field):
        refused(lambda: services.survey_create(**survey_data(cast, customer, **bad)), field=field)

    def test_boundaries_are_accepted(self, cast, customer):
        services.survey_create(**survey_data(cast, customer, score=0, nps=0))
        services.survey_create(**survey_data(cast, customer, score=100, nps=10))
        services.survey_create(**survey_data(cast, customer, nps=None))

    def test_engineer_must_hold_a_presales_role(self, cast, customer):
        refused(
            lambda: services.survey_create(**survey_data(cast, customer, engineer=cast.sales_a)),
            field="engineer",
        )

    def test_date_not_in_the_future(self, cast, customer):
        refused(
            lambda: services.survey_create(
                **survey_data(cast, customer, surveyed_on=today() + timedelta(days=1))
            ),
            field="surveyed_on",
        )

    def test_opportunity_of_another_customer_is_refused(self, cast, customer, other_customer):
        refused(
            lambda: services.survey_create(
                **survey_data(cast, customer, opportunity=make_opportunity(other_customer))
            ),
            field="opportunity",
        )

    def test_fixed_once_entered_except_by_a_manager(self, cast, customer):
        survey = services.survey_create(**survey_data(cast, customer))
        for person in (cast.sales_a, cast.engineer_a, cast.lead_a):
            refused(
                lambda p=person: services.survey_update(
                    actor=p, survey=survey, expected_version=1, score=100
                ),
                exc=PermissionDenied,
            )
        services.survey_update(actor=cast.manager, survey=survey, expected_version=1, score=88)
        survey.refresh_from_db()
        assert survey.score == 88 and survey.version == 2
        refused(
            lambda: services.survey_update(actor=cast.manager, survey=survey, expected_version=1, score=10),
            exc=StaleObjectError,
        )
        refused(
            lambda: services.survey_update(actor=cast.manager, survey=survey, expected_version=2, score=300),
            field="score",
        )

    def test_database_constraints(self, cast, customer):
        survey = SurveyFactory(customer=customer)
        with pytest.raises(IntegrityError), transaction.atomic():
            SatisfactionSurvey.objects.filter(pk=survey.pk).update(score=101)
        with pytest.raises(IntegrityError), transaction.atomic():
            SatisfactionSurvey.objects.filter(pk=survey.pk).update(nps=11)
        with pytest.raises(IntegrityError), transaction.atomic():
            SatisfactionSurvey.objects.filter(pk=survey.pk).update(score=-1)
        SatisfactionSurvey.objects.filter(pk=survey.pk).update(score=100, nps=None)


# --- feedback items -----------------------------------------------------------------------------


def feedback_data(cast, customer, **kw):
    data = dict(
        actor=cast.engineer_a,
        customer=customer,
        source="demo",
        raised_on=today(),
        content="担心与现有MES的接口改造量",
        owner=cast.engineer_a2,
        due_on=today() + timedelta(days=7),
    )
    data.update(kw)
    return data


class TestFeedback:
    def test_create(self, cast, customer):
        item = services.feedback_create(**feedback_data(cast, customer))
        assert item.status == FeedbackStatus.OPEN and item.owner == cast.engineer_a2

    def test_rules(self, cast, customer, other_customer):
        refused(
            lambda: services.feedback_create(
                **feedback_data(cast, customer, due_on=today() - timedelta(days=1))
            ),
            field="due_on",
        )
        refused(
            lambda: services.feedback_create(**feedback_data(cast, customer, content=" ")), field="content"
        )
        refused(
            lambda: services.feedback_create(**feedback_data(cast, customer, owner=cast.nobody)),
            field="owner",
        )
        refused(
            lambda: services.feedback_create(
                **feedback_data(cast, customer, opportunity=make_opportunity(other_customer))
            ),
            field="opportunity",
        )
        refused(
            lambda: services.feedback_create(**feedback_data(cast, customer, actor=cast.nobody)),
            exc=PermissionDenied,
        )

    @pytest.mark.parametrize("status", [FeedbackStatus.RESOLVED, FeedbackStatus.DECLINED])
    def test_resolved_or_declined_needs_a_resolution(self, cast, customer, status):
        item = services.feedback_create(**feedback_data(cast, customer))
        refused(
            lambda: services.feedback_set_status(
                actor=cast.engineer_a2, item=item, status=status, resolution="", expected_version=1
            ),
            field="resolution",
        )
        done = services.feedback_set_status(
            actor=cast.engineer_a2,
            item=item,
            status=status,
            resolution="提供标准接口适配器",
            expected_version=1,
        )
        assert done.status == status and done.resolution == "提供标准接口适配器"

    def test_status_round_trip(self, cast, customer):
        item = services.feedback_create(**feedback_data(cast, customer))
        item = services.feedback_set_status(
            actor=cast.engineer_a2, item=item, status="in_progress", expected_version=1
        )
        refused(
            lambda: services.feedback_set_status(
                actor=cast.engineer_a2, item=item, status="in_progress", expected_version=2
            ),
            exc=TransitionRefused,
        )
        item = services.feedback_set_status(
            actor=cast.engineer_a2, item=item, status="resolved", resolution="已答复", expected_version=2
        )
        item = services.feedback_set_status(
            actor=cast.sales_a, item=item, status="open", resolution="客户仍有疑问", expected_version=3
        )
        assert item.status == "open" and item.resolution == ""
        assert item.history.first().history_change_reason == "客户仍有疑问"
        refused(
            lambda: services.feedback_set_status(
                actor=cast.engineer_a2, item=item, status="bogus", expected_version=4
            ),
            field="status",
        )
        refused(
            lambda: services.feedback_set_status(
                actor=cast.engineer_a2, item=item, status="declined", resolution="x", expected_version=3
            ),
            exc=StaleObjectError,
        )

    def test_update(self, cast, customer):
        item = services.feedback_create(**feedback_data(cast, customer))
        services.feedback_update(
            actor=cast.sales_a, item=item, expected_version=1, content="接口改造量和工期"
        )
        refused(
            lambda: services.feedback_update(
                actor=cast.sales_a, item=item, expected_version=2, status="resolved"
            ),
            code="not_editable",
        )
        refused(
            lambda: services.feedback_update(actor=cast.nobody, item=item, expected_version=2, content="x"),
            exc=PermissionDenied,
        )

    def test_database_constraints(self, cast, customer):
        item = FeedbackItemFactory(customer=customer)
        with pytest.raises(IntegrityError), transaction.atomic():
            FeedbackItem.objects.filter(pk=item.pk).update(status=FeedbackStatus.DECLINED)
        with pytest.raises(IntegrityError), transaction.atomic():
            FeedbackItem.objects.filter(pk=item.pk).update(due_on=item.raised_on - timedelta(days=1))


def test_records_follow_their_customers_visibility(cast, customer):
    secret = CustomerFactory(
        presales_owner=cast.engineer_b,
        sales_owner=make_user(RoleCode.SALES, team=cast.team_b),
        confidential=True,
    )
    records = [
        factory(customer=secret)
        for factory in (
            CommunicationFactory,
            TechnicalIssueFactory,
            ComplaintFactory,
            SurveyFactory,
            FeedbackItemFactory,
        )
    ]
    for record in records:
        model = type(record)
        assert list(model.objects.visible_to(cast.engineer_b)) == [record]
        assert not model.objects.visible_to(cast.engineer_a).exists()
        assert not model.objects.visible_to(cast.lead_a).exists()
        assert model.objects.visible_to(cast.manager).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_parallel_resolves_one_wins(django_db_blocker):
    """Two people resolve the same issue at the same moment, both from version 1: the row lock
    serialises them, the second sees version 2 and is refused; one resolution is kept."""
    from tests.kit import build_cast

    cast = build_cast()
    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    issue = TechnicalIssueFactory(customer=customer)
    barrier = threading.Barrier(2)
    outcomes = []

    def resolve(actor, text):
        try:
            barrier.wait()
            services.technical_issue_resolve(actor=actor, issue=issue, resolution=text, expected_version=1)
            outcomes.append("ok")
        except StaleObjectError:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=resolve, args=(actor, text))
        for actor, text in ((cast.engineer_a, "A"), (cast.engineer_a2, "B"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "stale"]
    issue.refresh_from_db()
    assert issue.version == 2 and issue.resolution in ("A", "B")

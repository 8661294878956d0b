"""API of the customer's records: /api/communications/, /api/technical-issues/, /api/complaints/,
/api/surveys/, /api/feedback-items/ — same rules as the pages, ETag/If-Match, state-change actions,
the pages' filters, query counts, bad input refused with nothing written."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from presales.accounts.choices import RoleCode
from presales.customers.choices import FeedbackStatus, IssueStatus
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
from tests.kit import assert_constant_queries, assert_refused, check_access, snapshot

pytestmark = pytest.mark.django_db

RECORD_MODELS = [CommunicationLog, TechnicalIssue, Complaint, SatisfactionSurvey, FeedbackItem]
EVERYONE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"]
TEAM_A = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"]


def day(offset=0):
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


@pytest.fixture
def customer(cast):
    c = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a, name="苏州新能储能科技")
    c.assistants.add(cast.nobody)  # sees the customer, holds no role: may not contribute
    return c


@pytest.fixture
def hidden(cast):
    return CustomerFactory(
        presales_owner=cast.engineer_b,
        sales_owner=make_user(RoleCode.SALES, team=cast.team_b),
        confidential=True,
    )


KINDS = {
    "communication": dict(
        model=CommunicationLog,
        factory=CommunicationFactory,
        payload=lambda cast, c: {
            "customer": c.pk,
            "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "channel": "phone",
            "participants": "张工",
            "subject": "电话沟通",
            "content": "确认测试计划",
        },
        change={"result": "客户同意"},
        edit_permitted=["manager", "lead_a", "engineer_a", "sales_a"],
        edit_forbidden=["engineer_a2", "nobody"],
        bad=[
            ({"channel": "fax"}, "channel"),
            ({"is_follow_up": True}, "opportunity"),
            ({"subject": ""}, "subject"),
        ],
    ),
    "technical-issue": dict(
        model=TechnicalIssue,
        factory=TechnicalIssueFactory,
        payload=lambda cast, c: {
            "customer": c.pk,
            "title": "协议不兼容",
            "raised_on": day(-1),
            "due_on": day(3),
            "owner": cast.engineer_a2.pk,
            "severity": "high",
        },
        change={"severity": "critical"},
        edit_permitted=TEAM_A,
        edit_forbidden=["nobody"],
        bad=[({"due_on": day(-9)}, "due_on"), ({"owner": None}, "owner"), ({"owner": 0}, "owner")],
    ),
    "complaint": dict(
        model=Complaint,
        factory=ComplaintFactory,
        payload=lambda cast, c: {
            "customer": c.pk,
            "received_on": day(),
            "description": "响应太慢",
            "against": cast.engineer_a.pk,
        },
        change={"severity": "low"},
        edit_permitted=["manager", "lead_a", "sales_a"],
        edit_forbidden=["engineer_a", "engineer_a2", "nobody"],
        bad=[({"received_on": day(5)}, "received_on"), ({"description": ""}, "description")],
    ),
    "survey": dict(
        model=SatisfactionSurvey,
        factory=SurveyFactory,
        payload=lambda cast, c: {
            "customer": c.pk,
            "engineer": cast.engineer_a.pk,
            "surveyed_on": day(),
            "score": 88,
            "nps": 8,
        },
        change={"score": 95},
        edit_permitted=["manager"],
        edit_forbidden=["lead_a", "engineer_a", "engineer_a2", "sales_a", "nobody"],
        bad=[
            ({"score": 101}, "score"),
            ({"nps": 11}, "nps"),
            ({"score": -1}, "score"),
            ({"engineer": None}, "engineer"),
        ],
    ),
    "feedback-item": dict(
        model=FeedbackItem,
        factory=FeedbackItemFactory,
        payload=lambda cast, c: {
            "customer": c.pk,
            "source": "demo",
            "raised_on": day(),
            "content": "价格偏高",
            "owner": cast.sales_a.pk,
        },
        change={"content": "价格偏高，需要分期方案"},
        edit_permitted=TEAM_A,
        edit_forbidden=["nobody"],
        bad=[({"due_on": day(-2)}, "due_on"), ({"source": "x"}, "source")],
    ),
}


def make_record(kind, customer, cast=None, **kw):
    if kind == "complaint" and cast is not None:
        kw.setdefault("against", cast.engineer_a)
    return KINDS[kind]["factory"](customer=customer, **kw)


BAD_CASES = [(kind, bad, field) for kind, spec in KINDS.items() for bad, field in spec["bad"]]


@pytest.mark.parametrize("kind", KINDS)
def test_list_and_retrieve_access(client, cast, customer, hidden, kind):
    mine, secret = make_record(kind, customer, cast), make_record(kind, hidden)
    url = reverse(f"{kind}-list")
    check_access(client, cast, url, api=True, permitted=EVERYONE)
    client.force_login(cast.engineer_a)
    assert [r["id"] for r in client.get(url).json()["results"]] == [mine.pk]
    client.force_login(cast.manager)
    assert client.get(url).json()["count"] == 2
    check_access(
        client,
        cast,
        reverse(f"{kind}-detail", args=[mine.pk]),
        api=True,
        permitted=TEAM_A + ["nobody"],
        hidden=["engineer_b"],
    )
    # guessing the id of another team's confidential customer's record
    check_access(
        client,
        cast,
        reverse(f"{kind}-detail", args=[secret.pk]),
        api=True,
        permitted=["manager", "engineer_b"],
        hidden=["lead_a", "engineer_a", "engineer_a2", "sales_a", "nobody"],
    )


@pytest.mark.parametrize("who", ["engineer_a", "manager"])
@pytest.mark.parametrize("kind", KINDS)
def test_list_queries_constant(client, cast, customer, kind, who):
    make_record(kind, customer, cast, opportunity=make_opportunity(customer))
    client.force_login(getattr(cast, who))

    def grow():
        for i in range(12):
            c = CustomerFactory(
                presales_owner=cast.engineer_a2 if i % 2 else cast.engineer_a, sales_owner=cast.sales_a
            )
            make_record(
                kind,
                c,
                cast,
                opportunity=make_opportunity(c) if i % 3 else None,
                created_by=cast.engineer_a2 if i % 2 else cast.sales_a,
            )

    assert_constant_queries(client, reverse(f"{kind}-list"), grow, api=True)


@pytest.mark.parametrize("kind", KINDS)
def test_create(client, cast, customer, hidden, kind):
    spec = KINDS[kind]
    url = reverse(f"{kind}-list")
    check_access(
        client,
        cast,
        url,
        method="post",
        api=True,
        data=spec["payload"](cast, customer),
        permitted=["manager", "engineer_a", "sales_a"],
        forbidden=["nobody"],
        ok=(201,),
    )
    client.force_login(cast.engineer_a2)
    response = client.post(url, spec["payload"](cast, customer), content_type="application/json")
    assert response.status_code == 201 and response["ETag"] == '"1"'
    body = response.json()
    assert body["customer_name"] == customer.name and body["created_by"] == cast.engineer_a2.pk
    # a customer out of scope is not a valid choice: the same answer as one that does not exist
    client.force_login(cast.engineer_a)
    assert_refused(
        client, url, spec["payload"](cast, hidden), fields=["customer"], models=RECORD_MODELS, api=True
    )
    assert_refused(
        client,
        url,
        {**spec["payload"](cast, customer), "customer": 999999},
        fields=["customer"],
        models=RECORD_MODELS,
        api=True,
    )


@pytest.mark.parametrize("kind, bad, field", BAD_CASES)
def test_create_refuses_bad_input(client, cast, customer, kind, bad, field):
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        reverse(f"{kind}-list"),
        {**KINDS[kind]["payload"](cast, customer), **bad},
        fields=[field],
        models=RECORD_MODELS,
        api=True,
    )


@pytest.mark.parametrize("kind", KINDS)
def test_create_refuses_opportunity_of_another_customer(client, cast, customer, kind):
    other = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    client.force_login(cast.engineer_a)
    response = assert_refused(
        client,
        reverse(f"{kind}-list"),
        {**KINDS[kind]["payload"](cast, customer), "opportunity": make_opportunity(other).pk},
        fields=["opportunity"],
        models=RECORD_MODELS,
        api=True,
    )
    assert response.json()["code"] == "opportunity_of_other_customer"
    own = make_opportunity(customer)
    response = client.post(
        reverse(f"{kind}-list"),
        {**KINDS[kind]["payload"](cast, customer), "opportunity": own.pk},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["opportunity_number"] == own.number


@pytest.mark.parametrize("kind", KINDS)
def test_update_with_etag(client, cast, customer, hidden, kind):
    spec = KINDS[kind]
    record = make_record(kind, customer, cast)
    url = reverse(f"{kind}-detail", args=[record.pk])
    check_access(
        client,
        cast,
        url,
        method="patch",
        api=True,
        data={**spec["change"], "version": 99},
        permitted=[],
        forbidden=spec["edit_forbidden"],
        hidden=["engineer_b"],
    )
    client.force_login(cast.manager)
    etag = client.get(url)["ETag"]
    assert etag == '"1"'
    assert client.patch(url, spec["change"], content_type="application/json").status_code == 428
    ok = client.patch(url, spec["change"], content_type="application/json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200 and ok["ETag"] == '"2"', ok.content
    before = snapshot(*RECORD_MODELS)
    stale = client.patch(url, spec["change"], content_type="application/json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    assert snapshot(*RECORD_MODELS) == before
    # the customer is fixed once the record exists
    other = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    client.patch(url, {"customer": other.pk}, content_type="application/json", HTTP_IF_MATCH='"2"')
    record.refresh_from_db()
    assert record.customer == customer
    for name in spec["edit_permitted"]:
        client.force_login(getattr(cast, name))
        version = type(record).objects.get(pk=record.pk).version
        response = client.patch(
            url, spec["change"], content_type="application/json", HTTP_IF_MATCH=f'"{version}"'
        )
        assert response.status_code == 200, (name, response.content)
    secret = make_record(kind, hidden)
    check_access(
        client,
        cast,
        reverse(f"{kind}-detail", args=[secret.pk]),
        method="patch",
        api=True,
        data={**spec["change"], "version": 1},
        permitted=[],
        hidden=["engineer_a", "lead_a", "sales_a"],
    )


@pytest.mark.parametrize("kind", KINDS)
def test_update_refuses_bad_input(client, cast, customer, kind):
    spec = KINDS[kind]
    record = make_record(kind, customer, cast)
    url = reverse(f"{kind}-detail", args=[record.pk])
    client.force_login(cast.manager)
    bad, field = spec["bad"][0]
    before = snapshot(*RECORD_MODELS)
    response = client.patch(url, bad, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400 and field in response.json().get("errors", response.json()), (
        response.json()
    )
    assert snapshot(*RECORD_MODELS) == before


def test_resolve_and_reopen_actions(client, cast, customer, hidden):
    issue = TechnicalIssueFactory(customer=customer)
    resolve = reverse("technical-issue-resolve", args=[issue.pk])
    reopen = reverse("technical-issue-reopen", args=[issue.pk])

    def reset_open():
        TechnicalIssue.objects.filter(pk=issue.pk).update(
            status=IssueStatus.OPEN, resolved_at=None, resolution="", version=1
        )

    check_access(
        client,
        cast,
        resolve,
        method="post",
        api=True,
        data={"resolution": "已修复", "version": 1},
        permitted=TEAM_A,
        forbidden=["nobody"],
        hidden=["engineer_b"],
        ok=(200,),
        reset=reset_open,
    )
    reset_open()
    client.force_login(cast.engineer_a)
    assert client.post(resolve, {"resolution": "x"}, content_type="application/json").status_code == 428
    assert_refused(
        client,
        resolve,
        {"resolution": "", "version": 1},
        fields=["resolution"],
        models=RECORD_MODELS,
        api=True,
    )
    assert_refused(
        client, resolve, {"resolution": "x", "version": 5}, models=RECORD_MODELS, api=True, status=412
    )
    assert_refused(
        client, reopen, {"reason": "again", "version": 1}, models=RECORD_MODELS, api=True, status=409
    )
    response = client.post(
        resolve, {"resolution": "更换传感器"}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200 and response["ETag"] == '"2"'
    assert response.json()["status"] == "resolved" and response.json()["resolved_at"]
    assert_refused(
        client, resolve, {"resolution": "again", "version": 2}, models=RECORD_MODELS, api=True, status=409
    )
    assert_refused(
        client, reopen, {"reason": " ", "version": 2}, fields=["reason"], models=RECORD_MODELS, api=True
    )

    def reset_resolved():
        TechnicalIssue.objects.filter(pk=issue.pk).update(
            status=IssueStatus.RESOLVED, resolved_at=timezone.now(), resolution="ok", version=2
        )

    check_access(
        client,
        cast,
        reopen,
        method="post",
        api=True,
        data={"reason": "复现", "version": 2},
        permitted=TEAM_A,
        forbidden=["nobody"],
        hidden=["engineer_b"],
        ok=(200,),
        reset=reset_resolved,
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN and issue.version == 3
    secret = TechnicalIssueFactory(customer=hidden)
    for name in ("technical-issue-resolve", "technical-issue-reopen"):
        check_access(
            client,
            cast,
            reverse(name, args=[secret.pk]),
            method="post",
            api=True,
            data={"resolution": "x", "reason": "x", "version": 1},
            permitted=[],
            hidden=["engineer_a", "lead_a", "sales_a"],
        )


def test_handle_action(client, cast, customer, hidden):
    complaint = ComplaintFactory(customer=customer, against=cast.engineer_a)
    url = reverse("complaint-handle", args=[complaint.pk])

    def reset():
        Complaint.objects.filter(pk=complaint.pk).update(
            status="open", handled_at=None, handling="", version=1
        )

    check_access(
        client,
        cast,
        url,
        method="post",
        api=True,
        data={"handling": "致歉", "version": 1},
        permitted=["manager", "lead_a", "sales_a"],
        forbidden=["engineer_a", "engineer_a2", "nobody"],
        hidden=["engineer_b"],
        ok=(200,),
        reset=reset,
    )
    reset()
    client.force_login(cast.lead_a)
    assert_refused(
        client, url, {"handling": "", "version": 1}, fields=["handling"], models=RECORD_MODELS, api=True
    )
    response = client.post(url, {"handling": "更换对接工程师", "version": 1}, content_type="application/json")
    assert (
        response.status_code == 200
        and response.json()["status"] == "handled"
        and response.json()["handled_at"]
    )
    secret = ComplaintFactory(customer=hidden)
    check_access(
        client,
        cast,
        reverse("complaint-handle", args=[secret.pk]),
        method="post",
        api=True,
        data={"handling": "x", "version": 1},
        permitted=[],
        hidden=["engineer_a", "lead_a", "sales_a"],
    )


def test_set_status_action(client, cast, customer, hidden):
    item = FeedbackItemFactory(customer=customer)
    url = reverse("feedback-item-set-status", args=[item.pk])

    def reset():
        FeedbackItem.objects.filter(pk=item.pk).update(status="open", resolution="", version=1)

    check_access(
        client,
        cast,
        url,
        method="post",
        api=True,
        data={"status": "in_progress", "version": 1},
        permitted=TEAM_A,
        forbidden=["nobody"],
        hidden=["engineer_b"],
        ok=(200,),
        reset=reset,
    )
    reset()
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        url,
        {"status": "resolved", "resolution": "", "version": 1},
        fields=["resolution"],
        models=RECORD_MODELS,
        api=True,
    )
    assert_refused(
        client, url, {"status": "nope", "version": 1}, fields=["status"], models=RECORD_MODELS, api=True
    )
    assert_refused(client, url, {"status": "open", "version": 1}, models=RECORD_MODELS, api=True, status=409)
    response = client.post(
        url,
        {"status": "resolved", "resolution": "提供分期付款方案", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == FeedbackStatus.RESOLVED
    secret = FeedbackItemFactory(customer=hidden)
    check_access(
        client,
        cast,
        reverse("feedback-item-set-status", args=[secret.pk]),
        method="post",
        api=True,
        data={"status": "resolved", "resolution": "x", "version": 1},
        permitted=[],
        hidden=["engineer_a", "lead_a", "sales_a"],
    )


def test_filters_are_those_of_the_pages(client, cast, customer, hidden):
    today = timezone.localdate()
    overdue = TechnicalIssueFactory(
        customer=customer, raised_on=today - timedelta(days=9), due_on=today - timedelta(days=2)
    )
    TechnicalIssueFactory(customer=customer)
    opportunity = make_opportunity(customer)
    log = CommunicationFactory(customer=customer, opportunity=opportunity, is_follow_up=True)
    CommunicationFactory(customer=customer)
    client.force_login(cast.engineer_a)
    issues = client.get(reverse("technical-issue-list"), {"overdue": "true"}).json()
    assert [r["id"] for r in issues["results"]] == [overdue.pk] and issues["results"][0]["is_overdue"] is True
    logs = client.get(
        reverse("communication-list"), {"follow_up": "true", "opportunity": opportunity.number}
    ).json()
    assert [r["id"] for r in logs["results"]] == [log.pk]
    # filtering by a customer out of scope is refused like an unknown one
    assert client.get(reverse("communication-list"), {"customer": hidden.pk}).status_code == 400


def test_survey_summary(client, cast, customer, hidden):
    SurveyFactory(customer=customer, score=70, nps=10)
    SurveyFactory(customer=customer, score=90, nps=9)
    SurveyFactory(customer=customer, score=80, nps=3)
    SurveyFactory(customer=hidden, score=10, nps=0)
    url = reverse("survey-summary")
    check_access(client, cast, url, api=True, permitted=EVERYONE)
    client.force_login(cast.engineer_a)
    summary = client.get(url).json()
    assert summary["count"] == 3 and summary["average_score"] == 80.0
    assert summary["promoters"] == 2 and summary["detractors"] == 1 and summary["nps"] == 33
    client.force_login(cast.manager)
    assert client.get(url, {"customer": customer.pk}).json()["count"] == 3
    assert client.get(url).json()["count"] == 4

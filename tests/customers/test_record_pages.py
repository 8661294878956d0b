"""Pages of the customer's records: add and edit forms, state-change forms, the lists across
customers with their filters, the customer page's sections. Access for each member of the cast,
out-of-scope ids answering 404, query counts, bad input refused with nothing written."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from presales.accounts.choices import RoleCode
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
from tests.kit import assert_constant_queries, assert_refused, check_access

pytestmark = pytest.mark.django_db

RECORD_MODELS = [CommunicationLog, TechnicalIssue, Complaint, SatisfactionSurvey, FeedbackItem]
EVERYONE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"]
TEAM_A = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"]


def day(offset=0):
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


@pytest.fixture
def customer(cast):
    """Team A's customer. `nobody` assists on it: sees it, but holds no role and may not contribute."""
    c = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a, name="苏州新能储能科技")
    c.assistants.add(cast.nobody)
    return c


@pytest.fixture
def hidden(cast):
    """Another team's confidential customer: team A must not reach its records by guessing ids."""
    return CustomerFactory(
        presales_owner=cast.engineer_b,
        sales_owner=make_user(RoleCode.SALES, team=cast.team_b),
        confidential=True,
        name="深圳保密客户",
    )


# What each kind of record needs in the tests: factory, URL names, valid form data, edit access.
KINDS = {
    "communication": dict(
        model=CommunicationLog,
        factory=CommunicationFactory,
        create="customers:communication_create",
        edit="customers:communication_edit",
        list="customers:communication_list",
        data=lambda cast: {
            "occurred_at": (timezone.localtime() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "channel": "meeting",
            "participants": "张工；客户李总",
            "subject": "方案交流会",
            "content": "介绍了BMS云平台方案",
        },
        edit_permitted=["manager", "lead_a", "engineer_a", "sales_a"],
        edit_forbidden=["engineer_a2", "nobody"],
    ),
    "issue": dict(
        model=TechnicalIssue,
        factory=TechnicalIssueFactory,
        create="customers:issue_create",
        edit="customers:issue_edit",
        list="customers:issue_list",
        data=lambda cast: {
            "title": "采样频率不足",
            "severity": "high",
            "owner": cast.engineer_a2.pk,
            "raised_on": day(-1),
            "due_on": day(6),
        },
        edit_permitted=TEAM_A,
        edit_forbidden=["nobody"],
    ),
    "complaint": dict(
        model=Complaint,
        factory=ComplaintFactory,
        create="customers:complaint_create",
        edit="customers:complaint_edit",
        list="customers:complaint_list",
        data=lambda cast: {
            "received_on": day(),
            "severity": "high",
            "description": "演示环境宕机",
            "against": cast.engineer_a.pk,
        },
        edit_permitted=["manager", "lead_a", "sales_a"],
        edit_forbidden=["engineer_a", "engineer_a2", "nobody"],
    ),
    "survey": dict(
        model=SatisfactionSurvey,
        factory=SurveyFactory,
        create="customers:survey_create",
        edit="customers:survey_edit",
        list="customers:survey_list",
        data=lambda cast: {"engineer": cast.engineer_a.pk, "surveyed_on": day(), "score": 90, "nps": 9},
        edit_permitted=["manager"],
        edit_forbidden=["lead_a", "engineer_a", "engineer_a2", "sales_a", "nobody"],
    ),
    "feedback": dict(
        model=FeedbackItem,
        factory=FeedbackItemFactory,
        create="customers:feedback_create",
        edit="customers:feedback_edit",
        list="customers:feedback_list",
        data=lambda cast: {
            "source": "demo",
            "raised_on": day(),
            "owner": cast.engineer_a.pk,
            "content": "担心接口改造量",
        },
        edit_permitted=TEAM_A,
        edit_forbidden=["nobody"],
    ),
}


def make_record(kind, customer, cast=None, **kw):
    if kind == "complaint" and cast is not None:
        kw.setdefault("against", cast.engineer_a)
    return KINDS[kind]["factory"](customer=customer, **kw)


# --- add forms ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_add_form_access(client, cast, customer, hidden, kind):
    url = reverse(KINDS[kind]["create"], args=[customer.pk])
    check_access(client, cast, url, permitted=TEAM_A, forbidden=["nobody"], hidden=["engineer_b"])
    check_access(
        client,
        cast,
        reverse(KINDS[kind]["create"], args=[hidden.pk]),
        permitted=["manager", "engineer_b"],
        hidden=["lead_a", "engineer_a", "sales_a", "nobody"],
    )


@pytest.mark.parametrize("kind", KINDS)
def test_add_through_the_page(client, cast, customer, kind):
    spec = KINDS[kind]
    client.force_login(cast.sales_a)
    response = client.post(reverse(spec["create"], args=[customer.pk]), spec["data"](cast))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == customer.get_absolute_url()
    record = spec["model"].objects.get()
    assert record.customer == customer and record.created_by == cast.sales_a
    # the customer page shows it
    assert client.get(customer.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "kind, bad, field",
    [
        ("communication", {"subject": ""}, "subject"),
        ("communication", {"is_follow_up": "on"}, "opportunity"),  # a follow-up visit needs the project
        ("communication", {"occurred_at": "2999-01-01T10:00"}, "occurred_at"),
        ("issue", {"due_on": day(-10)}, "due_on"),
        ("issue", {"owner": ""}, "owner"),
        ("complaint", {"received_on": day(3)}, "received_on"),
        ("complaint", {"description": ""}, "description"),
        ("survey", {"score": 150}, "score"),
        ("survey", {"nps": 11}, "nps"),
        ("survey", {"score": -5}, "score"),
        ("feedback", {"due_on": day(-3)}, "due_on"),
        ("feedback", {"source": "rumour"}, "source"),
    ],
)
def test_add_form_refuses_bad_input(client, cast, customer, kind, bad, field):
    spec = KINDS[kind]
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        reverse(spec["create"], args=[customer.pk]),
        {**spec["data"](cast), **bad},
        fields=[field],
        models=RECORD_MODELS,
    )


@pytest.mark.parametrize("kind", KINDS)
def test_add_form_refuses_opportunity_of_another_customer(client, cast, customer, kind):
    other = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    foreign = make_opportunity(other)
    own = make_opportunity(customer)
    spec = KINDS[kind]
    client.force_login(cast.engineer_a)
    url = reverse(spec["create"], args=[customer.pk])
    body = client.get(url).content.decode()
    assert own.number in body and foreign.number not in body  # only this customer's opportunities offered
    assert_refused(
        client,
        url,
        {**spec["data"](cast), "opportunity": foreign.pk},
        fields=["opportunity"],
        models=RECORD_MODELS,
    )


def test_chinese_messages_by_default(client, cast, customer):
    client.force_login(cast.engineer_a)
    response = client.post(
        reverse("customers:survey_create", args=[customer.pk]),
        {**KINDS["survey"]["data"](cast), "score": 150},
    )
    assert "分数" in response.content.decode()  # "The score is between 0 and 100." in Chinese


# --- edit forms ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_edit_form_access(client, cast, customer, hidden, kind):
    spec = KINDS[kind]
    record = make_record(kind, customer, cast)
    check_access(
        client,
        cast,
        reverse(spec["edit"], args=[record.pk]),
        permitted=spec["edit_permitted"],
        forbidden=spec["edit_forbidden"],
        hidden=["engineer_b"],
    )
    # guessing the id of another team's confidential customer's record: 404, as if it did not exist
    secret = make_record(kind, hidden)
    url = reverse(spec["edit"], args=[secret.pk])
    check_access(
        client,
        cast,
        url,
        permitted=["manager"],
        hidden=["lead_a", "engineer_a", "engineer_a2", "sales_a", "nobody"],
    )
    check_access(
        client,
        cast,
        url,
        method="post",
        data=spec["data"](cast),
        permitted=[],
        hidden=["lead_a", "engineer_a", "sales_a"],
    )
    check_access(client, cast, reverse(spec["edit"], args=[999999]), permitted=[], hidden=["manager"])


@pytest.mark.parametrize("kind", KINDS)
def test_edit_saves_and_refuses_a_stale_version(client, cast, customer, kind):
    spec = KINDS[kind]
    record = make_record(kind, customer, cast)
    url = reverse(spec["edit"], args=[record.pk])
    client.force_login(cast.manager)
    form = client.get(url).context["form"]
    assert form.initial["version"] == 1
    data = {**spec["data"](cast), "version": 1}
    assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert record.version == 2
    response = assert_refused(client, url, data, models=RECORD_MODELS)  # somebody saved in between
    assert "version" in response.content.decode() or "版本" in response.content.decode()


@pytest.mark.parametrize(
    "kind, bad, field",
    [
        ("communication", {"next_contact_on": day(-30)}, "next_contact_on"),
        ("issue", {"raised_on": day(2), "due_on": day(5)}, "raised_on"),
        ("complaint", {"severity": "apocalyptic"}, "severity"),
        ("survey", {"score": 101}, "score"),
        ("feedback", {"owner": "999999"}, "owner"),
    ],
)
def test_edit_form_refuses_bad_input(client, cast, customer, kind, bad, field):
    spec = KINDS[kind]
    record = make_record(kind, customer, cast)
    client.force_login(cast.manager)
    assert_refused(
        client,
        reverse(spec["edit"], args=[record.pk]),
        {**spec["data"](cast), "version": 1, **bad},
        fields=[field],
        models=RECORD_MODELS,
    )


# --- state changes ------------------------------------------------------------------------------


def test_issue_resolve_and_reopen_pages(client, cast, customer, hidden):
    issue = TechnicalIssueFactory(customer=customer, owner=cast.engineer_a2)
    resolve = reverse("customers:issue_resolve", args=[issue.pk])
    reopen = reverse("customers:issue_reopen", args=[issue.pk])
    for url in (resolve, reopen):
        check_access(client, cast, url, permitted=TEAM_A, forbidden=["nobody"], hidden=["engineer_b"])
    client.force_login(cast.engineer_a2)
    assert_refused(
        client, resolve, {"resolution": " ", "version": 1}, fields=["resolution"], models=RECORD_MODELS
    )
    assert_refused(client, resolve, {"resolution": "done", "version": 7}, models=RECORD_MODELS)  # stale
    assert_refused(
        client, reopen, {"reason": "again", "version": 1}, models=RECORD_MODELS
    )  # not resolved yet
    assert client.post(resolve, {"resolution": "升级固件", "version": 1}).status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED and issue.resolution == "升级固件"
    assert_refused(client, reopen, {"reason": "", "version": 2}, fields=["reason"], models=RECORD_MODELS)
    assert client.post(reopen, {"reason": "现场复现", "version": 2}).status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN and issue.resolved_at is None
    secret = TechnicalIssueFactory(customer=hidden)
    for name in ("customers:issue_resolve", "customers:issue_reopen"):
        check_access(
            client,
            cast,
            reverse(name, args=[secret.pk]),
            method="post",
            data={"resolution": "x", "reason": "x"},
            permitted=[],
            hidden=["engineer_a", "lead_a", "sales_a"],
        )


def test_complaint_handle_page(client, cast, customer, hidden):
    complaint = ComplaintFactory(customer=customer, against=cast.engineer_a)
    url = reverse("customers:complaint_handle", args=[complaint.pk])
    check_access(
        client,
        cast,
        url,
        permitted=["manager", "lead_a", "sales_a"],
        forbidden=["engineer_a", "engineer_a2", "nobody"],
        hidden=["engineer_b"],
    )
    client.force_login(cast.lead_a)
    assert_refused(client, url, {"handling": "", "version": 1}, fields=["handling"], models=RECORD_MODELS)
    assert client.post(url, {"handling": "组长致电道歉", "version": 1}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.HANDLED and complaint.handled_at is not None
    assert_refused(client, url, {"handling": "again", "version": 2}, models=RECORD_MODELS)  # handled already
    secret = ComplaintFactory(customer=hidden)
    check_access(
        client,
        cast,
        reverse("customers:complaint_handle", args=[secret.pk]),
        permitted=["manager"],
        hidden=["engineer_a", "lead_a", "sales_a"],
    )


def test_feedback_status_page(client, cast, customer, hidden):
    item = FeedbackItemFactory(customer=customer)
    url = reverse("customers:feedback_status", args=[item.pk])
    check_access(client, cast, url, permitted=TEAM_A, forbidden=["nobody"], hidden=["engineer_b"])
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        url,
        {"status": "declined", "resolution": "", "version": 1},
        fields=["resolution"],
        models=RECORD_MODELS,
    )
    assert_refused(client, url, {"status": "eaten", "version": 1}, fields=["status"], models=RECORD_MODELS)
    assert (
        client.post(url, {"status": "declined", "resolution": "超出产品范围", "version": 1}).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.status == FeedbackStatus.DECLINED and item.resolution == "超出产品范围"
    secret = FeedbackItemFactory(customer=hidden)
    check_access(
        client,
        cast,
        reverse("customers:feedback_status", args=[secret.pk]),
        permitted=["manager"],
        hidden=["engineer_a", "lead_a", "sales_a", "nobody"],
    )


# --- lists --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_list_access_and_scope(client, cast, customer, hidden, kind):
    spec = KINDS[kind]
    url = reverse(spec["list"])
    check_access(client, cast, url, permitted=EVERYONE)
    mine, secret = make_record(kind, customer, cast), make_record(kind, hidden)
    client.force_login(cast.engineer_a)
    shown = list(client.get(url).context["object_list"])
    assert shown == [mine]
    client.force_login(cast.engineer_b)
    assert list(client.get(url).context["object_list"]) == [secret]
    client.force_login(cast.manager)
    assert set(client.get(url).context["object_list"]) == {mine, secret}
    # the customer filter offers only visible customers: another's is "not a valid choice"
    client.force_login(cast.engineer_a)
    response = client.get(url, {"customer": hidden.pk})
    assert list(response.context["object_list"]) == [] and "customer" in response.context["filterset"].errors


@pytest.mark.parametrize("kind", KINDS)
def test_list_queries_constant(client, cast, customer, kind):
    spec = KINDS[kind]
    make_record(kind, customer, cast, opportunity=make_opportunity(customer))
    client.force_login(cast.engineer_a)

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

    assert_constant_queries(client, reverse(spec["list"]), grow)


def test_lists_paginate(client, cast, customer):
    CommunicationFactory.create_batch(30, customer=customer)
    client.force_login(cast.engineer_a)
    first = client.get(reverse("customers:communication_list"))
    assert len(first.context["object_list"]) == 25 and first.context["page_obj"].paginator.count == 30
    second = client.get(reverse("customers:communication_list"), {"page": 2})
    assert len(second.context["object_list"]) == 5


def test_communication_list_filters(client, cast, customer):
    other = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    opportunity = make_opportunity(customer)
    now = timezone.now()
    follow_up = CommunicationFactory(
        customer=customer,
        opportunity=opportunity,
        is_follow_up=True,
        channel="onsite",
        occurred_at=now - timedelta(days=1),
        subject="周回访",
        created_by=cast.sales_a,
    )
    old = CommunicationFactory(
        customer=customer, channel="email", occurred_at=now - timedelta(days=40), subject="初次邮件"
    )
    elsewhere = CommunicationFactory(customer=other, channel="phone", occurred_at=now - timedelta(days=2))
    url = reverse("customers:communication_list")
    client.force_login(cast.engineer_a)

    def shown(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return set(response.context["object_list"])

    assert shown() == {follow_up, old, elsewhere}
    assert shown(customer=customer.pk) == {follow_up, old}
    assert shown(channel="email") == {old}
    assert shown(follow_up="true") == {follow_up}
    assert shown(author=cast.sales_a.pk) == {follow_up}
    assert shown(date_from=day(-3)) == {follow_up, elsewhere}
    assert shown(date_to=day(-30)) == {old}
    assert shown(date_from=day(-1), date_to=day(-1)) == {follow_up}
    assert shown(opportunity=opportunity.number) == {follow_up}
    assert shown(opportunity=str(opportunity.pk)) == {follow_up}
    assert shown(q="初次") == {old}
    assert shown(customer_name=customer.name[2:6]) == {follow_up, old}
    # the customer chosen on its page shows as a badge that can be removed
    body = client.get(url, {"customer": customer.pk}).content.decode()
    assert 'data-testid="customer-filter"' in body and customer.name in body
    partial = client.get(url, {"channel": "email"}, HTTP_HX_REQUEST="true").content.decode()
    assert "初次邮件" in partial and "<html" not in partial and "周回访" not in partial


def test_issue_list_filters_and_overdue(client, cast, customer):
    today = timezone.localdate()
    overdue = TechnicalIssueFactory(
        customer=customer,
        raised_on=today - timedelta(days=10),
        due_on=today - timedelta(days=1),
        severity="critical",
        title="逾期问题",
    )
    due_today = TechnicalIssueFactory(
        customer=customer, raised_on=today - timedelta(days=3), due_on=today, owner=cast.engineer_a2
    )
    resolved = TechnicalIssueFactory(
        customer=customer,
        raised_on=today - timedelta(days=10),
        due_on=today - timedelta(days=2),
        status="resolved",
        resolved_at=timezone.now(),
        resolution="ok",
    )
    url = reverse("customers:issue_list")
    client.force_login(cast.engineer_a)

    def shown(**params):
        return set(client.get(url, params).context["object_list"])

    assert shown(overdue="true") == {overdue}
    assert shown(overdue="false") == {due_today, resolved}
    assert shown(status="resolved") == {resolved}
    assert shown(severity="critical") == {overdue}
    assert shown(owner=cast.engineer_a2.pk) == {due_today}
    assert shown(customer=customer.pk) == {overdue, due_today, resolved}
    rows = {i.pk: i.is_overdue for i in client.get(url).context["object_list"]}
    assert rows == {overdue.pk: True, due_today.pk: False, resolved.pk: False}  # computed by the database
    # actions offered: resolve for open ones, reopen for resolved ones
    body = client.get(url).content.decode()
    assert reverse("customers:issue_resolve", args=[overdue.pk]) in body
    assert reverse("customers:issue_reopen", args=[resolved.pk]) in body


def test_complaint_and_feedback_list_filters(client, cast, customer):
    c1 = ComplaintFactory(customer=customer, against=cast.engineer_a, severity="critical")
    c2 = ComplaintFactory(customer=customer, status="handled", handled_at=timezone.now(), handling="已处理")
    f1 = FeedbackItemFactory(customer=customer, source="demo", owner=cast.engineer_a2)
    f2 = FeedbackItemFactory(customer=customer, status="resolved", resolution="已答复", source="poc")
    client.force_login(cast.manager)
    complaints = reverse("customers:complaint_list")
    assert set(client.get(complaints, {"against": cast.engineer_a.pk}).context["object_list"]) == {c1}
    assert set(client.get(complaints, {"status": "handled"}).context["object_list"]) == {c2}
    assert set(client.get(complaints, {"severity": "critical"}).context["object_list"]) == {c1}
    feedback = reverse("customers:feedback_list")
    assert set(client.get(feedback, {"status": "open"}).context["object_list"]) == {f1}
    assert set(client.get(feedback, {"source": "poc"}).context["object_list"]) == {f2}
    assert set(client.get(feedback, {"owner": cast.engineer_a2.pk}).context["object_list"]) == {f1}


def test_survey_list_shows_the_average_of_the_filtered_surveys(client, cast, customer):
    other = CustomerFactory(presales_owner=cast.engineer_a2, sales_owner=cast.sales_a)
    SurveyFactory(customer=customer, score=80, nps=10)
    SurveyFactory(customer=customer, score=91, nps=5)
    SurveyFactory(customer=other, engineer=cast.engineer_a2, score=60, nps=None)
    url = reverse("customers:survey_list")
    client.force_login(cast.engineer_a)
    summary = client.get(url).context["summary"]
    assert summary["count"] == 3 and summary["average_score"] == pytest.approx(77.0)
    summary = client.get(url, {"customer": customer.pk}).context["summary"]
    assert summary["average_score"] == 85.5 and summary["nps"] == 0  # one promoter, one detractor
    summary = client.get(url, {"engineer": cast.engineer_a2.pk}).context["summary"]
    assert summary["count"] == 1 and summary["nps"] is None
    partial = client.get(url, {"customer": customer.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "85.5" in partial and "<html" not in partial


def test_record_tabs_on_the_customer_list(client, cast, customer):
    client.force_login(cast.engineer_a)
    body = client.get(reverse("customers:list")).content.decode()
    for name in ("communication_list", "issue_list", "complaint_list", "feedback_list", "survey_list"):
        assert reverse(f"customers:{name}") in body


# --- the customer page --------------------------------------------------------------------------


def test_detail_page_shows_records_and_add_buttons(client, cast, customer):
    for kind in KINDS:
        make_record(kind, customer, cast)
    client.force_login(cast.engineer_a)
    body = client.get(customer.get_absolute_url()).content.decode()
    for kind in KINDS:
        assert reverse(KINDS[kind]["create"], args=[customer.pk]) in body
    client.force_login(cast.nobody)  # sees the customer, may not add records
    body = client.get(customer.get_absolute_url()).content.decode()
    assert reverse("customers:communication_create", args=[customer.pk]) not in body


def test_detail_page_queries_constant_with_many_records(client, cast, customer):
    for kind in KINDS:
        make_record(kind, customer, cast, opportunity=make_opportunity(customer))
    client.force_login(cast.engineer_a)

    def grow():
        for i in range(15):
            opportunity = make_opportunity(customer) if i % 2 else None
            author = (cast.engineer_a, cast.engineer_a2, cast.sales_a)[i % 3]
            for kind in KINDS:
                extra = {"engineer": cast.engineer_a2} if kind == "survey" and i % 2 else {}
                make_record(kind, customer, cast, opportunity=opportunity, created_by=author, **extra)

    assert_constant_queries(client, customer.get_absolute_url(), grow)


def test_older_communications_load_page_by_page(client, cast, customer, hidden):
    start = timezone.now() - timedelta(days=100)
    logs = [
        CommunicationFactory(customer=customer, occurred_at=start + timedelta(days=i), subject=f"记录{i:02d}")
        for i in range(23)
    ]
    client.force_login(cast.engineer_a)
    body = client.get(customer.get_absolute_url()).content.decode()
    assert "记录22" in body and "记录12" not in body  # newest ten on the page
    page_url = reverse("customers:communication_page", args=[customer.pk])
    assert f"{page_url}?page=2" in body
    second = client.get(page_url, {"page": 2}, HTTP_HX_REQUEST="true").content.decode()
    assert "记录12" in second and "记录03" in second and "记录02" not in second and "<html" not in second
    assert f"{page_url}?page=3" in second
    third = client.get(page_url, {"page": 3}, HTTP_HX_REQUEST="true").content.decode()
    assert "记录00" in third and "page=4" not in third
    assert len(logs) == 23
    check_access(client, cast, page_url, permitted=TEAM_A + ["nobody"], hidden=["engineer_b"])
    check_access(
        client,
        cast,
        reverse("customers:communication_page", args=[hidden.pk]),
        permitted=["engineer_b"],
        hidden=["engineer_a", "lead_a", "sales_a"],
    )


def test_communication_page_queries_constant(client, cast, customer):
    CommunicationFactory.create_batch(12, customer=customer)
    client.force_login(cast.engineer_a)
    url = reverse("customers:communication_page", args=[customer.pk]) + "?page=2"

    def grow():
        for i in range(10):
            CommunicationFactory(
                customer=customer,
                opportunity=make_opportunity(customer),
                occurred_at=timezone.now() - timedelta(days=300 + i),
                created_by=cast.engineer_a2 if i % 2 else cast.sales_a,
            )

    assert_constant_queries(client, url, grow)


@pytest.mark.parametrize("kind", KINDS)
def test_change_history_of_a_record(client, cast, customer, hidden, kind):
    """Every list links each record to its change history (core:history), in the record's scope."""
    from presales.core.templatetags.history_tags import history_url

    record = make_record(kind, customer, cast)
    client.force_login(cast.engineer_a)
    assert history_url(record) in client.get(reverse(KINDS[kind]["list"])).content.decode()
    check_access(client, cast, history_url(record), permitted=TEAM_A, hidden=["engineer_b"])
    check_access(client, cast, history_url(make_record(kind, hidden)), permitted=["manager"],
                 hidden=["engineer_a", "lead_a", "sales_a"])


def test_admin_pages_of_the_records(client, cast, customer):
    admin = make_user(RoleCode.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    for kind in KINDS:
        record = make_record(kind, customer, cast)
        opts = record._meta
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
        assert client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        ).status_code == 200


def test_editing_keeps_an_opportunity_the_editor_cannot_see(client, cast, customer):
    """A manager linked a confidential opportunity: the author may still edit the record, the link
    stays (offered as the current choice), and other confidential opportunities are not offered."""
    secret = make_opportunity(customer, confidential=True, presales_lead=cast.engineer_a2, name="保密扩容项目")
    other_secret = make_opportunity(customer, confidential=True, presales_lead=cast.engineer_a2, name="另一保密项目")
    log = CommunicationFactory(customer=customer, opportunity=secret, created_by=cast.engineer_a)
    url = reverse("customers:communication_edit", args=[log.pk])
    client.force_login(cast.engineer_a)
    form = client.get(url).context["form"]
    offered = set(form.fields["opportunity"].queryset)
    assert secret in offered and other_secret not in offered
    data = {**KINDS["communication"]["data"](cast), "opportunity": secret.pk, "version": 1}
    assert client.post(url, data).status_code == 302
    log.refresh_from_db()
    assert log.opportunity == secret and log.version == 2
    assert_refused(client, url, {**data, "opportunity": other_secret.pk, "version": 2}, fields=["opportunity"],
                   models=RECORD_MODELS)

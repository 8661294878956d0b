"""Opportunity pages: access for each member of the cast, query counts, bad input, the move panel."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from presales.core.models import Sequence
from presales.opportunities import services
from presales.opportunities.choices import Outcome, Stage
from presales.opportunities.models import Handover, Opportunity, Retrospective, StageEvent
from tests.factories import CustomerFactory
from tests.factories.opportunities import (
    HandoverFactory,
    OpportunityFactory,
    RetrospectiveFactory,
    add_communication,
    ready_for_negotiation,
)
from tests.kit import assert_constant_queries, assert_refused, check_access, with_lazy_parts

pytestmark = pytest.mark.django_db

ALL = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"]


@pytest.fixture
def customer(cast):
    return CustomerFactory(
        presales_owner=cast.engineer_a, sales_owner=cast.sales_a, name="无锡储能科技有限公司"
    )


@pytest.fixture
def opp(cast, customer):
    return OpportunityFactory(
        customer=customer, presales_lead=cast.engineer_a, stage=Stage.DISCOVERY, name="储能电站BMS数据平台"
    )


@pytest.fixture
def secret(cast, customer):
    return OpportunityFactory(
        customer=customer, presales_lead=cast.engineer_a2, confidential=True, name="保密项目"
    )


def url(name, *args):
    return reverse(f"opportunities:{name}", args=args)


def grow_opportunities(cast, customer, n=12):
    def grow():
        for i in range(n):
            o = OpportunityFactory(
                customer=customer,
                presales_lead=cast.engineer_a,
                stage=Stage.values[i % 6],
                estimated_amount=Decimal("100000") * (i + 1),
                expected_close_on=timezone.localdate() + timedelta(days=i),
            )
            o.members.add(cast.engineer_a2)
            add_communication(o)

    return grow


# --- list and board ---------------------------------------------------------------------------------


def test_list_access_and_scope(client, cast, opp, secret):
    check_access(client, cast, url("list"), permitted=ALL)
    client.force_login(cast.engineer_a)
    body = client.get(url("list")).content.decode()
    assert opp.number in body and secret.number not in body
    client.force_login(cast.engineer_b)
    assert opp.number not in client.get(url("list")).content.decode()


def test_list_filters_search_and_htmx_partial(client, cast, customer, opp):
    other = OpportunityFactory(customer=customer, name="智能巡检机器人", stage=Stage.WON, source="partner")
    client.force_login(cast.manager)
    get = lambda **q: client.get(url("list"), q).content.decode()  # noqa: E731
    assert other.number in get(status="closed") and opp.number not in get(status="closed")
    assert opp.number in get(status="open") and other.number not in get(status="open")
    assert opp.number in get(stage="discovery") and other.number not in get(stage="discovery")
    assert other.number in get(source="partner") and opp.number not in get(source="partner")
    assert opp.number in get(q="BMS") and other.number not in get(q="BMS")
    assert opp.number in get(q=opp.number[-5:])
    assert opp.number in get(q="无锡储能") and other.number in get(q="无锡储能")
    assert opp.number in get(presales_lead=cast.engineer_a.pk) and other.number not in get(
        presales_lead=cast.engineer_a.pk
    )
    assert opp.number in get(team=cast.team_a.pk, sales_owner=cast.sales_a.pk, industry="manufacturing")
    assert opp.number in get(customer=customer.pk) and opp.number not in get(customer=customer.pk + 1)
    assert "No opportunity matches" in get(stage="nonsense") or "没有" in get(stage="nonsense")
    client.force_login(cast.engineer_a)
    assert opp.number in get(mine="true") and other.number not in get(mine="true")
    partial = client.get(url("list"), {"q": "BMS"}, HTTP_HX_REQUEST="true").content.decode()
    assert opp.number in partial and "<html" not in partial


def test_list_paginates(client, cast, customer):
    for _ in range(30):
        OpportunityFactory(customer=customer)
    client.force_login(cast.manager)
    response = client.get(url("list"))
    assert len(response.context["object_list"]) == 25
    assert len(client.get(url("list"), {"page": 2}).context["object_list"]) == 5


def test_list_queries_constant(client, cast, customer, opp):
    client.force_login(cast.manager)
    assert_constant_queries(client, url("list"), grow_opportunities(cast, customer))


def test_board_access_columns_and_scope(client, cast, customer, opp, secret):
    check_access(client, cast, url("board"), permitted=ALL)
    OpportunityFactory(customer=customer, stage=Stage.BID, estimated_amount=Decimal("300000.00"))
    OpportunityFactory(customer=customer, stage=Stage.BID, estimated_amount=Decimal("200000.50"))
    OpportunityFactory(customer=customer, stage=Stage.WON, estimated_amount=Decimal("999"))
    client.force_login(cast.engineer_a)
    response = client.get(url("board"))
    columns = {c.stage: c for c in response.context["columns"]}
    assert list(columns) == [
        Stage.LEAD,
        Stage.DISCOVERY,
        Stage.SOLUTION,
        Stage.DEMO_POC,
        Stage.BID,
        Stage.NEGOTIATION,
    ]
    assert columns[Stage.BID].count == 2 and columns[Stage.BID].amount == Decimal("500000.50")
    assert columns[Stage.LEAD].count == 0  # the confidential lead is out of engineer_a's scope
    cards = client.get(url("board_cards", Stage.DISCOVERY), HTTP_HX_REQUEST="true").context["cards"]
    assert [o.pk for o in cards] == [opp.pk]
    body = with_lazy_parts(client, response.content.decode())
    assert "50 万元" in body and opp.get_absolute_url() in body and secret.number not in body


def test_board_cards_are_capped_and_ordered_by_close_date(client, cast, customer):
    today = timezone.localdate()
    for i in range(25):
        OpportunityFactory(
            customer=customer, stage=Stage.SOLUTION, expected_close_on=today + timedelta(days=25 - i)
        )
    undated = OpportunityFactory(customer=customer, stage=Stage.SOLUTION)
    client.force_login(cast.manager)
    response = client.get(url("board"))
    column = {c.stage: c for c in response.context["columns"]}[Stage.SOLUTION]
    assert column.count == 26 and column.more == 6
    cards = client.get(url("board_cards", Stage.SOLUTION), HTTP_HX_REQUEST="true").context["cards"]
    assert len(cards) == 20
    dates = [c.expected_close_on for c in cards]
    assert dates == sorted(dates) and undated not in cards
    partial = client.get(url("board"), {"presales_lead": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "board-col" in partial


def test_board_filters(client, cast, customer, opp):
    OpportunityFactory(customer=customer, stage=Stage.DISCOVERY, source="event")
    client.force_login(cast.manager)
    columns = {c.stage: c for c in client.get(url("board"), {"source": "event"}).context["columns"]}
    assert columns[Stage.DISCOVERY].count == 1
    columns = {c.stage: c for c in client.get(url("board"), {"team": "nonsense"}).context["columns"]}
    assert all(c.count == 0 for c in columns.values())


def test_board_queries_constant(client, cast, customer, opp):
    client.force_login(cast.manager)
    assert_constant_queries(client, url("board"), grow_opportunities(cast, customer, n=30))


def test_board_loads_each_column_lazily_with_its_filters(client, cast, customer, opp):
    """The page holds the columns' headers; each column with cards asks for them itself (htmx on
    load) with the board's filters, and an empty column asks nothing."""
    OpportunityFactory(customer=customer, stage=Stage.BID, source="event", name="展会来的商机")
    OpportunityFactory(customer=customer, stage=Stage.BID, source="referral", name="转介绍的商机")
    client.force_login(cast.manager)
    page = client.get(url("board"), {"source": "event"}).content.decode()
    bid = url("board_cards", Stage.BID)
    assert f'hx-get="{bid}?source=event"' in page and "展会来的商机" not in page
    assert url("board_cards", Stage.LEAD) not in page  # nothing in that column: nothing to load
    body = with_lazy_parts(client, page)
    assert "展会来的商机" in body and "转介绍的商机" not in body
    unfiltered = with_lazy_parts(client, client.get(url("board")).content.decode())
    assert "展会来的商机" in unfiltered and "转介绍的商机" in unfiltered
    progress = client.get(url("board"), {"by": "progress"}).content.decode()
    assert f'hx-get="{url("board_cards", "bidding")}?by=progress"' in progress
    assert "展会来的商机" in with_lazy_parts(client, progress)


def test_board_cards_scope_filters_and_unknown_columns(client, cast, customer, opp, secret):
    """A column's cards: the board's scope (another team's records never appear, whatever the
    filters), its filters, and a 404 for a column that is not on the board."""
    cards_url = url("board_cards", Stage.DISCOVERY)
    check_access(client, cast, cards_url, permitted=ALL)
    other = OpportunityFactory(customer=CustomerFactory(), stage=Stage.DISCOVERY, name="别队的商机")
    client.force_login(cast.engineer_b)
    for params in ({}, {"team": cast.team_a.pk}, {"q": opp.name}, {"presales_lead": cast.engineer_a.pk}):
        content = client.get(cards_url, params).content.decode()
        assert opp.name not in content and opp.get_absolute_url() not in content, params
    client.force_login(cast.engineer_a)
    assert [o.pk for o in client.get(cards_url).context["cards"]] == [opp.pk]
    assert client.get(url("board_cards", Stage.LEAD)).context["cards"] == []  # the secret lead
    assert secret.number not in client.get(url("board_cards", Stage.LEAD)).content.decode()
    client.force_login(cast.manager)
    assert {o.pk for o in client.get(cards_url).context["cards"]} == {opp.pk, other.pk}
    assert [o.pk for o in client.get(cards_url, {"q": "别队"}).context["cards"]] == [other.pk]
    assert client.get(cards_url, {"team": "nonsense"}).context["cards"] == []
    for key, params in ((Stage.WON, {}), ("nonsense", {}), (Stage.DISCOVERY, {"by": "progress"}),
                        ("researching", {})):
        assert client.get(url("board_cards", key), params).status_code == 404, (key, params)
    assert client.get(url("board_cards", "researching"), {"by": "progress"}).status_code == 200


def test_board_cards_queries_constant(client, cast, customer, opp):
    client.force_login(cast.manager)
    assert_constant_queries(client, url("board_cards", Stage.DISCOVERY), grow_opportunities(cast, customer, n=30))


# --- detail -------------------------------------------------------------------------------------------


def test_detail_access(client, cast, opp, secret):
    check_access(
        client,
        cast,
        opp.get_absolute_url(),
        permitted=["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"],
        hidden=["engineer_b", "nobody"],
    )
    check_access(
        client,
        cast,
        secret.get_absolute_url(),
        permitted=["manager", "lead_a", "engineer_a2", "sales_a"],
        hidden=["engineer_a", "engineer_b", "nobody"],
    )
    secret.members.add(cast.engineer_b)
    check_access(client, cast, secret.get_absolute_url(), permitted=["engineer_b"], hidden=["engineer_a"])
    check_access(client, cast, url("detail", 999999), permitted=[], hidden=["manager"])


def test_detail_shows_everything(client, cast, opp):
    Opportunity.objects.filter(pk=opp.pk).update(created_at=timezone.now() - timedelta(days=2, hours=1))
    opp.refresh_from_db()
    add_communication(opp, subject="现场调研：BMS告警流程")
    client.force_login(cast.manager)
    body = client.get(opp.get_absolute_url()).content.decode()
    assert opp.number in body and "现场调研：BMS告警流程" in body and opp.customer.get_absolute_url() in body
    assert 'data-move="solution"' in body and 'data-move="lead"' in body
    assert "stage-step current" in body
    assert "2" in body.split('data-testid="early-involvement"')[1][:200]


def test_detail_lists_refusal_reasons_before_trying(client, cast, customer):
    lead = OpportunityFactory(customer=customer, stage=Stage.LEAD)
    client.force_login(cast.manager)
    body = client.get(lead.get_absolute_url()).content.decode()
    panel = body.split('id="move-panel"')[1]
    assert "售前负责人" in panel or "presales lead" in panel
    assert 'name="override"' in panel  # managers may override
    client.force_login(cast.lead_a)
    assert 'name="override"' not in client.get(lead.get_absolute_url()).content.decode()


def test_closed_detail_has_no_move_form(client, cast, customer):
    won = OpportunityFactory(customer=customer, stage=Stage.WON, presales_lead=cast.engineer_a)
    RetrospectiveFactory(opportunity=won, summary="决策者全程参与")
    HandoverFactory(opportunity=won, responsibilities="交付团队负责上线")
    client.force_login(cast.manager)
    body = client.get(won.get_absolute_url()).content.decode()
    assert 'data-testid="move-form"' not in body and "决策者全程参与" in body and "交付团队负责上线" in body


def test_detail_queries_constant(client, cast, opp):
    client.force_login(cast.manager)
    # One of each kind first (a retrospective is one per opportunity; its archive links and the
    # research gate's short cut cost the same whatever follows), then more of what can grow.
    add_communication(opp, subject="沟通")
    RetrospectiveFactory(opportunity=opp, outcome=Outcome.LOST)

    def grow():
        for i in range(8):
            add_communication(opp, subject=f"沟通{i}")
            StageEvent.objects.create(
                opportunity=opp,
                from_stage=Stage.LEAD,
                to_stage=Stage.DISCOVERY,
                actor=cast.lead_a,
                reason=f"原因{i}",
            )
        opp.members.add(cast.engineer_a2, cast.lead_a)

    assert_constant_queries(client, opp.get_absolute_url(), grow)


# --- create and edit ----------------------------------------------------------------------------------


def form_data(cast, customer_obj, **kwargs):
    return {
        "name": "低空无人机巡检平台",
        "customer": customer_obj.pk,
        "source": "inquiry",
        "procurement_method": "unknown",
        **kwargs,
    }


def test_create_access(client, cast):
    check_access(
        client,
        cast,
        url("create"),
        permitted=["manager", "engineer_a", "sales_a", "lead_a"],
        forbidden=["nobody"],
    )


def test_create_through_the_page_with_customer_preselected(client, cast, customer):
    client.force_login(cast.sales_a)
    page = client.get(url("create"), {"customer": customer.pk})
    assert page.context["form"].initial["customer"] == customer
    assert page.context["back_url"] == customer.get_absolute_url()
    client.force_login(cast.engineer_b)  # a customer out of scope is not preselected
    assert "customer" not in client.get(url("create"), {"customer": customer.pk}).context["form"].initial
    client.force_login(cast.sales_a)
    response = client.post(
        url("create"), form_data(cast, customer, estimated_amount="1500000", expected_close_on="2030-06-30")
    )
    opp = Opportunity.objects.get(name="低空无人机巡检平台")
    assert response.status_code == 302 and response["Location"] == opp.get_absolute_url()
    assert (
        opp.number.startswith("SJ-") and opp.sales_owner == cast.sales_a and opp.industry == customer.industry
    )
    assert opp.estimated_amount == Decimal("1500000")


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": ""}, "name"),
        ({"source": "bogus"}, "source"),
        ({"estimated_amount": "-10"}, "estimated_amount"),
        ({"estimated_amount": "a lot"}, "estimated_amount"),
        ({"budget": "-1"}, "budget"),
        ({"expected_close_on": "2030-13-45"}, "expected_close_on"),
        ({"industry": "moon"}, "industry"),
        ({"customer": ""}, "customer"),
    ],
)
def test_create_refuses_bad_input(client, cast, customer, data, field):
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        url("create"),
        form_data(cast, customer, **data),
        fields=[field],
        models=[Opportunity, StageEvent, Sequence],
    )


def test_create_refuses_wrong_people_and_hidden_customers(client, cast, customer):
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        url("create"),
        form_data(cast, customer, sales_owner=cast.engineer_a2.pk),
        fields=["sales_owner"],
        models=[Opportunity],
    )
    assert_refused(
        client,
        url("create"),
        form_data(cast, customer, presales_lead=cast.sales_a.pk),
        fields=["presales_lead"],
        models=[Opportunity],
    )
    client.force_login(cast.engineer_b)
    assert_refused(
        client, url("create"), form_data(cast, customer), fields=["customer"], models=[Opportunity]
    )


def test_edit_access(client, cast, opp):
    check_access(
        client,
        cast,
        url("edit", opp.pk),
        permitted=["manager", "lead_a", "engineer_a", "sales_a"],
        forbidden=["engineer_a2"],
        hidden=["engineer_b", "nobody"],
    )


def test_edit_saves_and_detects_concurrent_edit(client, cast, opp):
    edit = {
        "name": opp.name,
        "source": "inquiry",
        "procurement_method": "public_tender",
        "version": 1,
        "members": [cast.engineer_a2.pk],
        "sales_owner": cast.sales_a.pk,
        "industry": "manufacturing",
    }
    client.force_login(cast.engineer_a)
    form = client.get(url("edit", opp.pk)).context["form"]
    assert "customer" not in form.fields and "presales_lead" not in form.fields
    assert client.post(url("edit", opp.pk), edit).status_code == 302
    opp.refresh_from_db()
    assert (
        opp.procurement_method == "public_tender"
        and opp.version == 2
        and list(opp.members.all()) == [cast.engineer_a2]
    )
    client.force_login(cast.sales_a)  # opened the form at version 1 too
    response = assert_refused(
        client, url("edit", opp.pk), {**edit, "procurement_method": "direct"}, models=[Opportunity]
    )
    assert "version" in response.content.decode()
    assert_refused(
        client,
        url("edit", opp.pk),
        {**edit, "version": 2, "budget": "-3"},
        fields=["budget"],
        models=[Opportunity],
    )
    assert_refused(
        client, url("edit", opp.pk), {**edit, "version": 2, "name": ""}, fields=["name"], models=[Opportunity]
    )
    assert_refused(
        client,
        url("edit", opp.pk),
        {**edit, "version": 2, "sales_owner": ""},
        fields=["sales_owner"],
        models=[Opportunity],
    )


# --- move -----------------------------------------------------------------------------------------------


def test_move_access(client, cast, opp):
    check_access(
        client,
        cast,
        url("move", opp.pk),
        permitted=["manager", "lead_a", "engineer_a", "sales_a"],
        forbidden=["engineer_a2"],
        hidden=["engineer_b", "nobody"],
    )


@pytest.mark.usefixtures("foundation_gates")
def test_move_refused_shows_reasons_then_succeeds(client, cast, opp):
    client.force_login(cast.engineer_a)
    response = assert_refused(
        client,
        url("move", opp.pk),
        {"to_stage": "solution", "version": opp.version},
        models=[Opportunity, StageEvent],
    )
    body = response.content.decode()
    assert "communication record" in body or "沟通记录" in body
    add_communication(opp)
    response = client.post(
        url("move", opp.pk), {"to_stage": "solution", "reason": "调研完成", "version": opp.version}
    )
    assert response.status_code == 302
    opp.refresh_from_db()
    assert opp.stage == Stage.SOLUTION
    assert "调研完成" in client.get(opp.get_absolute_url()).content.decode()


def test_move_with_htmx_swaps_the_panel_or_redirects(client, cast, opp):
    client.force_login(cast.engineer_a)
    refused = client.post(
        url("move", opp.pk), {"to_stage": "solution", "version": opp.version}, HTTP_HX_REQUEST="true"
    )
    body = refused.content.decode()
    assert refused.status_code == 200 and "<html" not in body and 'id="move-panel"' in body
    back = client.post(
        url("move", opp.pk),
        {"to_stage": "lead", "reason": "客户重新立项", "version": opp.version},
        HTTP_HX_REQUEST="true",
    )
    assert back.status_code == 200 and back["HX-Redirect"] == opp.get_absolute_url()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"to_stage": "won"}, "to_stage"),  # not a move from discovery
        ({"to_stage": "nonsense"}, "to_stage"),
        ({"to_stage": "lead", "reason": ""}, "reason"),  # going back needs a reason
    ],
)
def test_move_refuses_bad_input(client, cast, opp, data, field):
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        url("move", opp.pk),
        {"version": opp.version, **data},
        fields=[field],
        models=[Opportunity, StageEvent],
    )


def test_move_stale_version_refused(client, cast, opp):
    add_communication(opp)
    client.force_login(cast.engineer_a)
    response = assert_refused(
        client, url("move", opp.pk), {"to_stage": "solution", "version": 99}, models=[Opportunity, StageEvent]
    )
    assert "version" in response.content.decode()


@pytest.mark.usefixtures("foundation_gates")
def test_manager_overrides_with_a_reason(client, cast, opp):
    client.force_login(cast.manager)
    assert_refused(
        client,
        url("move", opp.pk),
        {"to_stage": "solution", "override": "on", "version": opp.version},
        fields=["reason"],
        models=[Opportunity, StageEvent],
    )
    response = client.post(
        url("move", opp.pk),
        {"to_stage": "solution", "override": "on", "reason": "客户书面确认后补录", "version": opp.version},
    )
    assert response.status_code == 302
    event = StageEvent.objects.get(opportunity=opp, to_stage=Stage.SOLUTION)
    assert event.overridden and len(event.overridden_reasons) == 1
    assert "客户书面确认后补录" in client.get(opp.get_absolute_url()).content.decode()


def test_non_manager_cannot_override_through_the_form(client, cast, opp):
    client.force_login(cast.lead_a)
    assert_refused(
        client,
        url("move", opp.pk),
        {"to_stage": "solution", "override": "on", "reason": "试试", "version": opp.version},
        models=[Opportunity, StageEvent],
    )


# --- assignment and members -------------------------------------------------------------------------


def test_assign_access(client, cast, customer, opp):
    unled = OpportunityFactory(customer=customer)
    check_access(
        client,
        cast,
        url("assign", unled.pk),
        permitted=["manager", "lead_a", "engineer_a2"],
        forbidden=["sales_a"],
        hidden=["engineer_b", "nobody"],
    )
    check_access(
        client,
        cast,
        url("assign", opp.pk),
        permitted=["manager", "lead_a"],
        forbidden=["engineer_a2", "engineer_a"],
        hidden=["engineer_b"],
    )


def test_assign_through_the_page(client, cast, customer):
    unled = OpportunityFactory(customer=customer)
    client.force_login(cast.engineer_a2)  # claims it
    form = client.get(url("assign", unled.pk)).context["form"]
    assert list(form.fields["presales_lead"].queryset) == [cast.engineer_a2]
    assert_refused(
        client,
        url("assign", unled.pk),
        {"presales_lead": cast.engineer_a.pk, "version": 1},
        fields=["presales_lead"],
        models=[Opportunity],
    )
    assert (
        client.post(url("assign", unled.pk), {"presales_lead": cast.engineer_a2.pk, "version": 1}).status_code
        == 302
    )
    unled.refresh_from_db()
    assert unled.presales_lead == cast.engineer_a2 and unled.presales_assigned_at is not None
    client.force_login(cast.lead_a)
    assert_refused(
        client,
        url("assign", unled.pk),
        {"presales_lead": cast.engineer_a2.pk, "version": 2},
        fields=["presales_lead"],
        models=[Opportunity],
    )  # already leads it
    assert_refused(
        client,
        url("assign", unled.pk),
        {"presales_lead": cast.sales_a.pk, "version": 2},
        fields=["presales_lead"],
        models=[Opportunity],
    )  # not a presales role
    assert_refused(
        client,
        url("assign", unled.pk),
        {"presales_lead": cast.engineer_a.pk, "version": 1},
        models=[Opportunity],
    )  # stale


def test_member_pages(client, cast, opp):
    add = url("member_add", opp.pk)
    check_access(
        client,
        cast,
        add,
        permitted=["manager", "lead_a", "engineer_a", "sales_a"],
        forbidden=["engineer_a2"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.engineer_a)
    assert_refused(client, add, {"user": cast.sales_a.pk}, fields=["user"], models=[Opportunity])
    assert_refused(
        client, add, {"user": cast.engineer_a.pk}, fields=["user"], models=[Opportunity]
    )  # the lead
    assert client.post(add, {"user": cast.engineer_a2.pk}).status_code == 302
    assert list(opp.members.all()) == [cast.engineer_a2]
    remove = url("member_remove", opp.pk, cast.engineer_a2.pk)
    check_access(
        client,
        cast,
        remove,
        method="post",
        permitted=[],
        forbidden=["engineer_a2"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.engineer_a)
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not opp.members.exists()
    response = client.post(remove, follow=True)  # not a member any more: a message, nothing changes
    assert response.status_code == 200 and not opp.members.exists()


# --- retrospective and handover ------------------------------------------------------------------------


def test_retrospective_access(client, cast, opp):
    opp.members.add(cast.engineer_b)
    check_access(
        client,
        cast,
        url("retrospective", opp.pk),
        permitted=["manager", "lead_a", "engineer_a", "sales_a", "engineer_b"],
        forbidden=["engineer_a2"],
        hidden=["nobody"],
    )


def test_retrospective_write_then_edit(client, cast, opp):
    client.force_login(cast.engineer_a)
    initial = client.get(url("retrospective", opp.pk)).context["form"].initial
    assert initial["held_on"] == timezone.localdate() and str(cast.engineer_a) in initial["participants"]
    data = {
        "outcome": "lost",
        "held_on": timezone.localdate().isoformat(),
        "summary": "价格劣势",
        "lessons": "提前摸底预算",
    }
    assert client.post(url("retrospective", opp.pk), data).status_code == 302
    retro = Retrospective.objects.get(opportunity=opp)
    assert client.get(url("retrospective", opp.pk)).context["form"].initial["version"] == 1
    assert_refused(client, url("retrospective", opp.pk), {**data, "summary": "覆盖"}, models=[Retrospective])
    assert (
        client.post(
            url("retrospective", opp.pk), {**data, "summary": "价格劣势明显", "version": 1}
        ).status_code
        == 302
    )
    retro.refresh_from_db()
    assert retro.summary == "价格劣势明显" and retro.version == 2


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"summary": ""}, "summary"),
        ({"lessons": ""}, "lessons"),
        ({"outcome": "draw"}, "outcome"),
        ({"held_on": "not a date"}, "held_on"),
        ({"held_on": "2999-01-01"}, "held_on"),
    ],
)
def test_retrospective_refuses_bad_input(client, cast, opp, bad, field):
    client.force_login(cast.engineer_a)
    data = {
        "outcome": "lost",
        "held_on": timezone.localdate().isoformat(),
        "summary": "s",
        "lessons": "l",
        **bad,
    }
    assert_refused(client, url("retrospective", opp.pk), data, fields=[field], models=[Retrospective])


def test_handover_access_and_flow(client, cast, customer):
    negotiating = OpportunityFactory(
        customer=customer, stage=Stage.NEGOTIATION, presales_lead=cast.engineer_a, **ready_for_negotiation()
    )
    check_access(
        client,
        cast,
        url("handover", negotiating.pk),
        permitted=["manager", "lead_a", "engineer_a", "sales_a"],
        forbidden=["engineer_a2"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.engineer_a)
    data = {
        "delivery_owner": cast.engineer_a2.pk,
        "handover_on": "2030-01-15",
        "responsibilities": "实施与验收",
    }
    assert_refused(
        client,
        url("handover", negotiating.pk),
        {**data, "responsibilities": ""},
        fields=["responsibilities"],
        models=[Handover],
    )
    assert_refused(
        client,
        url("handover", negotiating.pk),
        {**data, "delivery_owner": 0},
        fields=["delivery_owner"],
        models=[Handover],
    )
    assert client.post(url("handover", negotiating.pk), data).status_code == 302
    assert Handover.objects.get(opportunity=negotiating).delivery_owner == cast.engineer_a2
    # with retrospective and handover in place, winning goes through
    services.retrospective_save(
        actor=cast.engineer_a,
        opportunity=negotiating,
        outcome=Outcome.WON,
        summary="s",
        lessons="l",
        held_on=timezone.localdate(),
    )
    negotiating.refresh_from_db()
    response = client.post(url("move", negotiating.pk), {"to_stage": "won", "version": negotiating.version})
    assert response.status_code == 302
    negotiating.refresh_from_db()
    assert negotiating.stage == Stage.WON and negotiating.closed_at is not None


def test_handover_refused_before_negotiation(client, cast, opp):
    client.force_login(cast.engineer_a)
    data = {
        "delivery_owner": cast.engineer_a2.pk,
        "handover_on": "2030-01-15",
        "responsibilities": "实施与验收",
    }
    response = assert_refused(client, url("handover", opp.pk), data, models=[Handover])
    assert 'class="alert alert-danger"' in response.content.decode()


def _write_retrospective(opp, actor):
    from presales.opportunities import services as opportunity_services

    return opportunity_services.retrospective_save(
        actor=actor, opportunity=opp, outcome="lost", held_on=timezone.localdate(),
        summary="价格劣势", lessons="提前摸底预算",
    )


def test_retrospective_filing_needs_a_retrospective(client, cast, opp):
    from presales.documents.models import Document

    client.force_login(cast.engineer_a)
    response = client.post(url("retrospective_file", opp.pk), {"change_summary": ""})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Document.objects.exists()


def test_retrospective_filed_as_a_document_then_as_its_new_version(client, cast, opp):
    from presales.documents.models import Document

    retro = _write_retrospective(opp, cast.engineer_a)
    client.force_login(cast.engineer_a)
    assert client.get(url("retrospective_file", opp.pk)).status_code == 200
    assert client.post(url("retrospective_file", opp.pk), {"change_summary": ""}).status_code == 302
    document = Document.objects.get(source_key=f"opportunities.retrospective:{retro.pk}:retrospective")
    assert document.number.startswith("XM") and document.opportunity == opp
    assert document.number in client.get(url("detail", opp.pk)).content.decode()
    # unchanged retrospective: filing again adds nothing
    client.post(url("retrospective_file", opp.pk), {"change_summary": ""})
    assert document.versions.count() == 1
    retro.summary = "价格劣势，且交付周期过长"
    retro.save(update_fields=["summary"])
    client.post(url("retrospective_file", opp.pk), {"change_summary": "补充交付周期"})
    document.refresh_from_db()
    assert document.versions.count() == 2 and document.current_version.change_summary == "补充交付周期"


def test_retrospective_filing_access(client, cast, opp):
    _write_retrospective(opp, cast.engineer_a)
    check_access(
        client,
        cast,
        url("retrospective_file", opp.pk),
        permitted=["manager", "lead_a", "engineer_a", "sales_a"],
        forbidden=["engineer_a2"],
        hidden=["nobody"],
    )


def test_detail_lists_the_newest_communications_with_their_total(client, cast, opp):
    """The opportunity page shows the newest DETAIL_COMMUNICATIONS records and counts them all (one
    query: a window count)."""
    from presales.opportunities.selectors import DETAIL_COMMUNICATIONS, opportunity_detail_context
    from tests.factories.opportunities import add_communication

    ctx = opportunity_detail_context(opportunity=opp, user=cast.manager)
    assert ctx["communications"] == [] and ctx["communication_count"] == 0
    logs = [add_communication(opp, subject=f"沟通{i}", occurred_at=timezone.now() - timedelta(hours=i))
            for i in range(DETAIL_COMMUNICATIONS + 3)]
    ctx = opportunity_detail_context(opportunity=opp, user=cast.manager)
    assert ctx["communication_count"] == DETAIL_COMMUNICATIONS + 3
    assert [c.pk for c in ctx["communications"]] == [log.pk for log in logs[:DETAIL_COMMUNICATIONS]]
    client.force_login(cast.manager)
    assert f"（{DETAIL_COMMUNICATIONS + 3}）" in client.get(opp.get_absolute_url()).content.decode() or \
        f"({DETAIL_COMMUNICATIONS + 3})" in client.get(opp.get_absolute_url()).content.decode()

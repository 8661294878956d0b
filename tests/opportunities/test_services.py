"""Opportunity rules through the services: creation and numbering, the early-involvement clock,
edits with versions, members, retrospective and handover, visibility."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone, translation

from presales.accounts.choices import RoleCode
from presales.accounts.models import Role
from presales.core.errors import DomainError, PermissionDenied, StaleObjectError
from presales.core.models import Sequence
from presales.opportunities import services
from presales.opportunities.choices import Outcome, Stage
from presales.opportunities.models import Handover, Opportunity, Retrospective, StageEvent
from tests.factories import CustomerFactory, make_user
from tests.factories.opportunities import HandoverFactory, OpportunityFactory, RetrospectiveFactory
from tests.kit import build_cast, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def customer(cast):
    return CustomerFactory(
        presales_owner=cast.engineer_a, sales_owner=cast.sales_a, industry="energy_storage"
    )


def create(cast, customer, **overrides):
    data = dict(actor=cast.sales_a, customer=customer, name="储能电站BMS数据平台", source="inquiry")
    data.update(overrides)
    return services.opportunity_create(**data)


class TestCreate:
    def test_number_defaults_and_first_event(self, cast, customer):
        opp = create(cast, customer)
        year = timezone.localtime(opp.created_at).year
        assert opp.number == f"SJ-{year}-00001"
        assert create(cast, customer, name="二期").number == f"SJ-{year}-00002"
        assert opp.stage == Stage.LEAD and opp.version == 1
        assert opp.industry == "energy_storage"  # the customer's
        assert opp.sales_owner == cast.sales_a  # the customer's sales owner
        assert opp.team == cast.team_a  # the customer's team, no lead given
        assert (
            opp.presales_lead is None and opp.presales_assigned_at is None and opp.early_involvement is None
        )
        event = opp.stage_events.get()
        assert (event.from_stage, event.to_stage, event.actor) == ("", Stage.LEAD, cast.sales_a)
        assert opp.history.count() == 1 and opp.created_by == cast.sales_a

    def test_lead_given_at_creation_starts_at_zero_and_sets_the_team(self, cast, customer):
        opp = create(cast, customer, presales_lead=cast.engineer_b, industry="finance")
        assert opp.presales_assigned_at is not None
        assert opp.early_involvement == timedelta(0)
        assert opp.team == cast.team_b  # the lead's team
        assert opp.industry == "finance"

    def test_number_sequence_is_per_year_in_shanghai_time(self, cast, customer, monkeypatch):
        # 2026-12-31 16:30 UTC is already 2027-01-01 00:30 in Shanghai.
        assert services.business_year(datetime(2026, 12, 31, 15, 59, tzinfo=UTC)) == 2026
        assert services.business_year(datetime(2026, 12, 31, 16, 30, tzinfo=UTC)) == 2027
        assert services.next_number(when=datetime(2026, 6, 1, tzinfo=UTC)) == "SJ-2026-00001"
        assert services.next_number(when=datetime(2026, 12, 31, 16, 30, tzinfo=UTC)) == "SJ-2027-00001"
        assert services.next_number(when=datetime(2026, 12, 31, 15, 0, tzinfo=UTC)) == "SJ-2026-00002"
        monkeypatch.setattr(services.timezone, "now", lambda: datetime(2027, 3, 1, 2, 0, tzinfo=UTC))
        assert create(cast, customer).number == "SJ-2027-00002"
        assert dict(Sequence.objects.values_list("key", "value")) == {"SJ-2026": 2, "SJ-2027": 2}

    def test_refused_creation_uses_no_number(self, cast, customer):
        with pytest.raises(DomainError):
            create(cast, customer, name="  ")
        assert not Sequence.objects.filter(key__startswith="SJ-").exists()
        assert not Opportunity.objects.exists()

    @pytest.mark.parametrize(
        "overrides, field",
        [
            ({"name": ""}, "name"),
            ({"source": "rumour"}, "source"),
            ({"industry": "space"}, "industry"),
            ({"estimated_amount": Decimal("-1")}, "estimated_amount"),
            ({"budget": Decimal("-5")}, "budget"),
            ({"procurement_method": "barter"}, "procurement_method"),
        ],
    )
    def test_bad_fields_are_refused_with_the_field(self, cast, customer, overrides, field):
        with pytest.raises(DomainError) as exc:
            create(cast, customer, **overrides)
        assert field in exc.value.errors
        assert not Opportunity.objects.exists() and not StageEvent.objects.exists()

    @pytest.mark.parametrize(
        "who, field",
        [
            ({"sales_owner": "engineer_a2"}, "sales_owner"),
            ({"presales_lead": "sales_a"}, "presales_lead"),
            ({"presales_lead": "nobody"}, "presales_lead"),
            ({"members": ["sales_a"]}, "members"),
        ],
    )
    def test_people_need_their_roles(self, cast, customer, who, field):
        people = {
            k: [getattr(cast, n) for n in v] if isinstance(v, list) else getattr(cast, v)
            for k, v in who.items()
        }
        with pytest.raises(DomainError) as exc:
            create(cast, customer, **people)
        assert field in exc.value.errors
        assert not Opportunity.objects.exists()

    def test_lead_and_sales_owner_are_two_people(self, cast, customer):
        both = make_user(RoleCode.PRESALES_ENGINEER, RoleCode.SALES, team=cast.team_a)
        with pytest.raises(DomainError) as exc:
            create(cast, customer, presales_lead=both, sales_owner=both)
        assert "sales_owner" in exc.value.errors

    def test_who_may_create(self, cast, customer):
        with pytest.raises(PermissionDenied):
            create(cast, customer, actor=cast.nobody)
        with pytest.raises(DomainError) as exc:  # a customer out of the actor's scope
            create(cast, customer, actor=cast.engineer_b)
        assert exc.value.field == "customer"
        assert create(cast, customer, actor=cast.engineer_a).created_by == cast.engineer_a

    def test_members_are_kept_without_the_lead(self, cast, customer):
        opp = create(
            cast, customer, presales_lead=cast.engineer_a, members=[cast.engineer_a, cast.engineer_a2]
        )
        assert list(opp.members.all()) == [cast.engineer_a2]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and parallel writers need PostgreSQL"
)
def test_parallel_creations_get_distinct_consecutive_numbers():
    # Transactional tests start from an emptied database: the roles (a data migration) may be gone.
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    cast = build_cast()
    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    numbers, errors = [], []
    barrier = threading.Barrier(8)

    def work(i):
        from django.db import connections

        try:
            barrier.wait()
            numbers.append(create(cast, customer, name=f"并发商机{i}").number)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    year = timezone.localtime(timezone.now()).year
    assert sorted(numbers) == [f"SJ-{year}-{n:05d}" for n in range(1, 9)]


class TestEarlyInvolvementClock:
    def test_first_assignment_stops_the_clock_later_ones_keep_it(self, cast, customer):
        opp = create(cast, customer)
        Opportunity.objects.filter(pk=opp.pk).update(created_at=timezone.now() - timedelta(days=2, hours=3))
        opp.refresh_from_db()
        services.opportunity_assign_lead(
            actor=cast.lead_a,
            opportunity=opp,
            presales_lead=cast.engineer_a,
            reason="首次拜访前指派",
            expected_version=1,
        )
        opp.refresh_from_db()
        first = opp.presales_assigned_at
        assert timedelta(days=2, hours=3) <= opp.early_involvement < timedelta(days=2, hours=3, minutes=1)
        assert opp.version == 2
        assert opp.history.first().history_change_reason == "首次拜访前指派"
        services.opportunity_assign_lead(actor=cast.manager, opportunity=opp, presales_lead=cast.engineer_a2)
        opp.refresh_from_db()
        assert opp.presales_lead == cast.engineer_a2 and opp.presales_assigned_at == first

    def test_who_assigns(self, cast, customer):
        opp = create(cast, customer)
        for user in (cast.sales_a, cast.engineer_b):
            with pytest.raises(PermissionDenied):
                services.opportunity_assign_lead(actor=user, opportunity=opp, presales_lead=cast.engineer_a)
        # an engineer of the team may claim an unled opportunity for themselves, not for others
        with pytest.raises(PermissionDenied):
            services.opportunity_assign_lead(
                actor=cast.engineer_a2, opportunity=opp, presales_lead=cast.engineer_a
            )
        services.opportunity_assign_lead(
            actor=cast.engineer_a2, opportunity=opp, presales_lead=cast.engineer_a2
        )
        opp.refresh_from_db()
        with pytest.raises(PermissionDenied):  # led now: no more claiming
            services.opportunity_assign_lead(
                actor=cast.engineer_a, opportunity=opp, presales_lead=cast.engineer_a
            )

    def test_bad_assignments(self, cast, customer):
        opp = create(cast, customer, presales_lead=cast.engineer_a)
        before = snapshot(Opportunity)
        for lead, field in (
            (cast.sales_a, "presales_lead"),
            (cast.nobody, "presales_lead"),
            (cast.engineer_a, "presales_lead"),
        ):
            with pytest.raises(DomainError) as exc:
                services.opportunity_assign_lead(actor=cast.manager, opportunity=opp, presales_lead=lead)
            assert field in exc.value.errors
        with pytest.raises(StaleObjectError):
            services.opportunity_assign_lead(
                actor=cast.manager, opportunity=opp, presales_lead=cast.engineer_a2, expected_version=7
            )
        assert snapshot(Opportunity) == before

    def test_assigned_lead_leaves_the_members(self, cast, customer):
        opp = create(cast, customer, members=[cast.engineer_a2])
        services.opportunity_assign_lead(actor=cast.lead_a, opportunity=opp, presales_lead=cast.engineer_a2)
        assert not opp.members.exists()

    def test_closed_opportunity_keeps_its_lead(self, cast):
        opp = OpportunityFactory(
            customer__presales_owner=cast.engineer_a, customer__sales_owner=cast.sales_a, stage=Stage.LOST
        )
        with pytest.raises(DomainError) as exc:
            services.opportunity_assign_lead(
                actor=cast.manager, opportunity=opp, presales_lead=cast.engineer_a
            )
        assert exc.value.code == "closed"


class TestUpdate:
    def test_bumps_version_and_refuses_stale_write(self, cast, customer):
        opp = create(cast, customer, presales_lead=cast.engineer_a)
        services.opportunity_update(
            actor=cast.engineer_a,
            opportunity=opp,
            expected_version=1,
            estimated_amount=Decimal("880000.00"),
            competitors="华为、阿里云",
        )
        opp.refresh_from_db()
        assert opp.version == 2 and opp.estimated_amount == Decimal("880000.00")
        before = snapshot(Opportunity)
        with pytest.raises(StaleObjectError):
            services.opportunity_update(
                actor=cast.sales_a, opportunity=opp, expected_version=1, name="lost edit"
            )
        assert snapshot(Opportunity) == before

    def test_no_change_keeps_the_version(self, cast, customer):
        opp = create(cast, customer)
        services.opportunity_update(
            actor=cast.sales_a, opportunity=opp, expected_version=1, name=opp.name, members=[]
        )
        opp.refresh_from_db()
        assert opp.version == 1 and opp.history.count() == 1

    def test_members_change_moves_the_version(self, cast, customer):
        opp = create(cast, customer)
        services.opportunity_update(
            actor=cast.sales_a, opportunity=opp, expected_version=1, members=[cast.engineer_a2]
        )
        opp.refresh_from_db()
        assert opp.version == 2 and list(opp.members.all()) == [cast.engineer_a2]

    @pytest.mark.parametrize(
        "field, value",
        [("stage", "won"), ("presales_lead", None), ("customer", None), ("number", "SJ-1"), ("team", None)],
    )
    def test_fields_that_have_their_own_service_are_refused(self, cast, customer, field, value):
        opp = create(cast, customer)
        with pytest.raises(DomainError) as exc:
            services.opportunity_update(
                actor=cast.manager, opportunity=opp, expected_version=1, **{field: value}
            )
        assert exc.value.code == "not_editable"

    def test_bad_values(self, cast, customer):
        opp = create(cast, customer, presales_lead=cast.engineer_a)
        before = snapshot(Opportunity)
        for changes, field in (
            ({"budget": Decimal("-1")}, "budget"),
            ({"sales_owner": cast.engineer_a2}, "sales_owner"),
            ({"name": " "}, "name"),
            ({"sales_owner": None}, "sales_owner"),
            ({"industry": "moon"}, "industry"),
        ):
            with pytest.raises(DomainError) as exc:
                services.opportunity_update(
                    actor=cast.manager, opportunity=opp, expected_version=1, **changes
                )
            assert field in exc.value.errors, changes
        both = make_user(RoleCode.PRESALES_ENGINEER, RoleCode.SALES, team=cast.team_a)
        services.opportunity_assign_lead(actor=cast.manager, opportunity=opp, presales_lead=both)
        before = snapshot(Opportunity)
        with pytest.raises(DomainError) as exc:
            services.opportunity_update(
                actor=cast.manager, opportunity=opp, expected_version=2, sales_owner=both
            )
        assert "sales_owner" in exc.value.errors
        assert snapshot(Opportunity) == before

    def test_who_edits(self, cast, customer):
        opp = create(cast, customer, presales_lead=cast.engineer_a)
        for user in (cast.engineer_a2, cast.nobody):
            with pytest.raises(PermissionDenied):
                services.opportunity_update(actor=user, opportunity=opp, expected_version=1, description="x")
        for version, user in enumerate((cast.engineer_a, cast.sales_a, cast.lead_a, cast.manager), start=1):
            services.opportunity_update(
                actor=user, opportunity=opp, expected_version=version, description=f"by {user}"
            )


class TestMembers:
    def test_add_and_remove(self, cast, customer):
        opp = create(cast, customer, presales_lead=cast.engineer_a)
        services.member_add(actor=cast.engineer_a, opportunity=opp, user=cast.engineer_a2)
        assert list(opp.members.all()) == [cast.engineer_a2]
        services.member_remove(actor=cast.lead_a, opportunity=opp, user=cast.engineer_a2)
        assert not opp.members.exists()
        opp.refresh_from_db()
        assert opp.version == 3

    def test_refusals(self, cast, customer):
        opp = create(cast, customer, presales_lead=cast.engineer_a, members=[cast.engineer_a2])
        before = snapshot(Opportunity)
        for user in (cast.sales_a, cast.engineer_a, cast.engineer_a2):  # not presales / lead / already in
            with pytest.raises(DomainError) as exc:
                services.member_add(actor=cast.manager, opportunity=opp, user=user)
            assert exc.value.field == "user"
        with pytest.raises(DomainError):
            services.member_remove(actor=cast.manager, opportunity=opp, user=cast.engineer_b)
        with pytest.raises(PermissionDenied):
            services.member_add(actor=cast.engineer_a2, opportunity=opp, user=cast.engineer_b)
        with pytest.raises(PermissionDenied):
            services.member_remove(actor=cast.engineer_a2, opportunity=opp, user=cast.engineer_a2)
        assert snapshot(Opportunity) == before


def retro_data(**kwargs):
    return {
        "outcome": Outcome.LOST,
        "summary": "价格高于竞品15%",
        "lessons": "更早了解预算",
        "held_on": timezone.localdate(),
        **kwargs,
    }


class TestRetrospective:
    def test_write_then_edit_with_version(self, cast, customer):
        opp = create(cast, customer, presales_lead=cast.engineer_a)
        retro = services.retrospective_save(actor=cast.engineer_a, opportunity=opp, **retro_data())
        assert retro.created_by == cast.engineer_a and retro.version == 1
        before = snapshot(Retrospective)
        with pytest.raises(DomainError) as exc:  # a second one without saying which version was edited
            services.retrospective_save(actor=cast.sales_a, opportunity=opp, **retro_data())
        assert exc.value.code == "exists"
        with pytest.raises(StaleObjectError):
            services.retrospective_save(
                actor=cast.sales_a, opportunity=opp, expected_version=2, **retro_data()
            )
        assert snapshot(Retrospective) == before
        services.retrospective_save(
            actor=cast.sales_a, opportunity=opp, expected_version=1, **retro_data(competitor_won="某友商")
        )
        retro.refresh_from_db()
        assert retro.version == 2 and retro.competitor_won == "某友商"

    @pytest.mark.parametrize(
        "data, field",
        [
            ({"summary": ""}, "summary"),
            ({"lessons": ""}, "lessons"),
            ({"outcome": "draw"}, "outcome"),
            ({"held_on": timezone.localdate() + timedelta(days=1)}, "held_on"),
        ],
    )
    def test_bad_input(self, cast, customer, data, field):
        opp = create(cast, customer, presales_lead=cast.engineer_a)
        with pytest.raises(DomainError) as exc:
            services.retrospective_save(actor=cast.engineer_a, opportunity=opp, **retro_data(**data))
        assert field in exc.value.errors
        assert not Retrospective.objects.exists()

    def test_closed_opportunity_keeps_its_outcome(self, cast):
        opp = OpportunityFactory(
            customer__presales_owner=cast.engineer_a,
            customer__sales_owner=cast.sales_a,
            stage=Stage.LOST,
            presales_lead=cast.engineer_a,
        )
        retro = RetrospectiveFactory(opportunity=opp, outcome=Outcome.LOST)
        with pytest.raises(DomainError) as exc:
            services.retrospective_save(
                actor=cast.engineer_a, opportunity=opp, expected_version=1, **retro_data(outcome=Outcome.WON)
            )
        assert exc.value.field == "outcome"
        services.retrospective_save(
            actor=cast.engineer_a,
            opportunity=opp,
            expected_version=retro.version,
            **retro_data(lessons="报价策略要灵活"),
        )

    def test_who_writes(self, cast, customer):
        opp = create(cast, customer, presales_lead=cast.engineer_a)
        for user in (cast.engineer_a2, cast.nobody, cast.engineer_b):
            with pytest.raises(PermissionDenied):
                services.retrospective_save(actor=user, opportunity=opp, **retro_data())
        services.member_add(actor=cast.engineer_a, opportunity=opp, user=cast.engineer_a2)
        services.retrospective_save(actor=cast.engineer_a2, opportunity=opp, **retro_data())  # members do


def handover_data(cast, **kwargs):
    return {
        "delivery_owner": cast.engineer_a2,
        "handover_on": timezone.localdate() + timedelta(days=7),
        "responsibilities": "实施经理负责部署与验收",
        **kwargs,
    }


class TestHandover:
    @pytest.mark.parametrize(
        "stage, ok",
        [
            (Stage.LEAD, False),
            (Stage.BID, False),
            (Stage.NEGOTIATION, True),
            (Stage.WON, True),
            (Stage.LOST, False),
            (Stage.ABANDONED, False),
        ],
    )
    def test_only_in_negotiation_or_won(self, cast, stage, ok):
        opp = OpportunityFactory(
            customer__presales_owner=cast.engineer_a,
            customer__sales_owner=cast.sales_a,
            stage=stage,
            presales_lead=cast.engineer_a,
        )
        if ok:
            handover = services.handover_save(actor=cast.engineer_a, opportunity=opp, **handover_data(cast))
            assert handover.delivery_owner == cast.engineer_a2
        else:
            with pytest.raises(DomainError) as exc:
                services.handover_save(actor=cast.engineer_a, opportunity=opp, **handover_data(cast))
            assert exc.value.code == "handover_not_allowed"
            assert not Handover.objects.exists()

    def test_edit_needs_the_version_and_fields(self, cast):
        opp = OpportunityFactory(
            customer__presales_owner=cast.engineer_a,
            customer__sales_owner=cast.sales_a,
            stage=Stage.WON,
            presales_lead=cast.engineer_a,
        )
        handover = HandoverFactory(opportunity=opp)
        before = snapshot(Handover)
        with pytest.raises(DomainError):
            services.handover_save(actor=cast.sales_a, opportunity=opp, **handover_data(cast))
        with pytest.raises(DomainError) as exc:
            services.handover_save(
                actor=cast.sales_a,
                opportunity=opp,
                expected_version=1,
                **handover_data(cast, responsibilities=""),
            )
        assert "responsibilities" in exc.value.errors
        with pytest.raises(PermissionDenied):
            services.handover_save(
                actor=cast.engineer_a2, opportunity=opp, expected_version=1, **handover_data(cast)
            )
        assert snapshot(Handover) == before
        services.handover_save(
            actor=cast.sales_a,
            opportunity=opp,
            expected_version=1,
            **handover_data(cast, notes="客户要求春节前上线"),
        )
        handover.refresh_from_db()
        assert handover.notes == "客户要求春节前上线" and handover.version == 2


class TestVisibility:
    def test_scope(self, cast):
        own = OpportunityFactory(
            customer__presales_owner=cast.engineer_a,
            customer__sales_owner=cast.sales_a,
            presales_lead=cast.engineer_a,
        )
        secret = OpportunityFactory(
            customer__presales_owner=cast.engineer_a,
            customer__sales_owner=cast.sales_a,
            presales_lead=cast.engineer_a2,
            confidential=True,
        )
        other = OpportunityFactory(
            customer__presales_owner=cast.engineer_b,
            customer__sales_owner=make_user(RoleCode.SALES, team=cast.team_b),
        )
        visible = lambda user: set(Opportunity.objects.visible_to(user))  # noqa: E731
        assert visible(cast.manager) == {own, secret, other}
        assert visible(cast.lead_a) == {own, secret}  # leads team A
        assert visible(cast.engineer_a) == {own}  # team A, not the confidential one
        assert visible(cast.engineer_a2) == {own, secret}  # leads the confidential one
        assert visible(cast.sales_a) == {own, secret}  # sales owner of both
        assert visible(cast.engineer_b) == {other}
        assert visible(cast.nobody) == set()

    def test_members_see_a_confidential_opportunity_of_another_team(self, cast):
        secret = OpportunityFactory(
            customer__presales_owner=cast.engineer_a,
            customer__sales_owner=cast.sales_a,
            confidential=True,
            members=[cast.engineer_b, cast.nobody],
        )
        assert list(Opportunity.objects.visible_to(cast.engineer_b)) == [secret]
        assert list(Opportunity.objects.visible_to(cast.nobody)) == [secret]
        assert Opportunity.objects.visible_to(cast.engineer_b).count() == 1

    def test_children_follow_their_opportunity(self, cast):
        secret = OpportunityFactory(
            customer__presales_owner=cast.engineer_a,
            customer__sales_owner=cast.sales_a,
            confidential=True,
            stage=Stage.WON,
        )
        RetrospectiveFactory(opportunity=secret)
        HandoverFactory(opportunity=secret)
        StageEvent.objects.create(
            opportunity=secret, from_stage=Stage.NEGOTIATION, to_stage=Stage.WON, actor=cast.sales_a
        )
        for model in (StageEvent, Retrospective, Handover):
            assert not model.objects.visible_to(cast.engineer_a).exists()
            assert model.objects.visible_to(cast.lead_a).count() == 1

"""The support request lifecycle, through the services (the functions the pages and the API call):
every allowed and refused step, the permissions per role, the events and the timestamps."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from presales.core.errors import DomainError, PermissionDenied, StaleObjectError, TransitionRefused
from presales.support import services
from presales.support.choices import EventAction, RequestStatus
from presales.support.models import SupportRequest, SupportRequestEvent
from presales.support.workflow import available_actions
from tests.factories import CustomerFactory, make_user
from tests.factories.support import OpportunityFactory, submit
from tests.kit import snapshot

pytestmark = pytest.mark.django_db

MODELS = (SupportRequest, SupportRequestEvent)


def events(req):
    return list(
        SupportRequestEvent.objects.filter(request=req)
        .order_by("at", "pk")
        .values_list("action", "from_status", "to_status", "actor__username")
    )


def freeze(monkeypatch, when):
    monkeypatch.setattr(timezone, "now", lambda: when)


# --- submit -----------------------------------------------------------------------------------------


class TestSubmit:
    def test_submit_sets_number_team_clock_and_event(self, cast, customer, opportunity, monkeypatch):
        now = datetime(2026, 5, 6, 2, 0, tzinfo=UTC)
        freeze(monkeypatch, now)
        req = submit(
            actor=cast.sales_a,
            customer=customer,
            opportunity=opportunity,
            priority="urgent",
            wanted_by=now + timedelta(days=2),
        )
        assert req.number == "ZC-2026-00001"
        assert (
            req.status == RequestStatus.NEW
            and req.requester == cast.sales_a
            and req.created_by == cast.sales_a
        )
        assert req.team == customer.team == cast.team_a
        assert req.submitted_at == now
        assert req.response_due_at == now + timedelta(hours=2)  # urgent: 2 hours
        assert req.assignee is None and req.first_response_at is None
        assert events(req) == [(EventAction.SUBMITTED, "", RequestStatus.NEW, "sales_a")]
        assert SupportRequestEvent.objects.get(request=req).at == now
        assert req.history.count() == 1

    @pytest.mark.parametrize("priority, hours", [("urgent", 2), ("high", 4), ("normal", 8), ("low", 24)])
    def test_response_due_by_priority(self, cast, customer, priority, hours, settings):
        req = submit(actor=cast.sales_a, customer=customer, priority=priority)
        assert req.response_due_at - req.submitted_at == timedelta(hours=hours)

    def test_sla_hours_come_from_settings(self, cast, customer, settings):
        settings.PRESALES_SUPPORT_RESPONSE_HOURS = {**settings.PRESALES_SUPPORT_RESPONSE_HOURS, "normal": 3}
        req = submit(actor=cast.sales_a, customer=customer, priority="normal")
        assert req.response_due_at - req.submitted_at == timedelta(hours=3)

    def test_numbers_are_sequential_per_shanghai_year(self, cast, customer, monkeypatch):
        # 2026-12-31 15:59:59 UTC is 23:59:59 in Shanghai; one second later it is 2027 there.
        last_second = datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC)
        freeze(monkeypatch, last_second)
        a = submit(actor=cast.sales_a, customer=customer, wanted_by=last_second + timedelta(days=1))
        b = submit(actor=cast.sales_a, customer=customer, wanted_by=last_second + timedelta(days=1))
        freeze(monkeypatch, last_second + timedelta(seconds=1))
        c = submit(actor=cast.sales_a, customer=customer, wanted_by=last_second + timedelta(days=1))
        assert [a.number, b.number, c.number] == ["ZC-2026-00001", "ZC-2026-00002", "ZC-2027-00001"]

    def test_refused_submission_does_not_use_a_number(self, cast, customer):
        with pytest.raises(DomainError):
            submit(actor=cast.sales_a, customer=customer, title="")
        year = timezone.localtime().year
        assert submit(actor=cast.sales_a, customer=customer).number == f"ZC-{year}-00001"

    @pytest.mark.parametrize("who", ["sales_a", "engineer_a", "manager", "lead_a"])
    def test_who_may_submit(self, cast, customer, who):
        assert submit(actor=getattr(cast, who), customer=customer).requester == getattr(cast, who)

    def test_a_colleague_without_role_may_not(self, cast, customer):
        with pytest.raises(PermissionDenied):
            submit(actor=cast.nobody, customer=customer)
        assert not SupportRequest.objects.exists()

    def test_customer_must_be_visible(self, cast, customer):
        with pytest.raises(DomainError) as exc:
            submit(actor=cast.engineer_b, customer=customer)
        assert "customer" in exc.value.errors

    def test_confidential_customer_hidden_from_team_colleague(self, cast):
        secret = CustomerFactory(presales_owner=cast.engineer_a2, sales_owner=cast.sales_a, confidential=True)
        with pytest.raises(DomainError) as exc:
            submit(actor=cast.engineer_a, customer=secret)
        assert "customer" in exc.value.errors
        assert submit(actor=cast.sales_a, customer=secret).team == cast.team_a

    def test_opportunity_must_belong_to_the_customer(self, cast, customer):
        other = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
        foreign = OpportunityFactory(customer=other)
        with pytest.raises(DomainError) as exc:
            submit(actor=cast.sales_a, customer=customer, opportunity=foreign)
        assert list(exc.value.errors) == ["opportunity"]

    def test_opportunity_must_be_open(self, cast, customer):
        lost = OpportunityFactory(customer=customer, stage="lost")
        with pytest.raises(DomainError) as exc:
            submit(actor=cast.sales_a, customer=customer, opportunity=lost)
        assert "opportunity" in exc.value.errors

    def test_opportunity_must_be_visible(self, cast, customer):
        secret = OpportunityFactory(
            customer=customer,
            confidential=True,
            presales_lead=cast.engineer_a2,
            sales_owner=make_user("sales", team=cast.team_a),
        )
        with pytest.raises(DomainError) as exc:
            submit(actor=cast.engineer_a, customer=customer, opportunity=secret)
        assert "opportunity" in exc.value.errors

    @pytest.mark.parametrize("delta", [timedelta(0), timedelta(seconds=-1), timedelta(days=-3)])
    def test_wanted_by_must_be_in_the_future(self, cast, customer, monkeypatch, delta):
        now = timezone.now()
        freeze(monkeypatch, now)
        with pytest.raises(DomainError) as exc:
            submit(actor=cast.sales_a, customer=customer, wanted_by=now + delta)
        assert list(exc.value.errors) == ["wanted_by"]
        one_second_later = submit(actor=cast.sales_a, customer=customer, wanted_by=now + timedelta(seconds=1))
        assert one_second_later.wanted_by == now + timedelta(seconds=1)

    def test_every_field_error_at_once(self, cast, customer):
        with pytest.raises(DomainError) as exc:
            submit(
                actor=cast.sales_a,
                customer=customer,
                title=" ",
                request_type="nope",
                priority="whenever",
                description="",
                wanted_by=None,
            )
        assert set(exc.value.errors) == {"title", "request_type", "priority", "description", "wanted_by"}
        assert not SupportRequest.objects.exists() and not SupportRequestEvent.objects.exists()


# --- assign -----------------------------------------------------------------------------------------


class TestAssign:
    @pytest.mark.parametrize("who", ["manager", "lead_a"])
    def test_manager_or_team_lead_assigns(self, cast, new_request, who):
        req = services.support_request_assign(
            actor=getattr(cast, who),
            support_request=new_request,
            assignee=cast.engineer_a2,
            note="赵工熟悉BMS",
            expected_version=1,
        )
        assert req.status == RequestStatus.ASSIGNED and req.assignee == cast.engineer_a2
        assert req.assigned_at is not None and req.version == 2
        event = SupportRequestEvent.objects.filter(request=req).last()
        assert (
            event.action,
            event.from_status,
            event.to_status,
            event.actor,
            event.assignee,
            event.note,
        ) == (
            EventAction.ASSIGNED,
            RequestStatus.NEW,
            RequestStatus.ASSIGNED,
            getattr(cast, who),
            cast.engineer_a2,
            "赵工熟悉BMS",
        )
        assert event.at == req.assigned_at

    @pytest.mark.parametrize("who", ["engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"])
    def test_others_may_not(self, cast, new_request, who):
        before = snapshot(*MODELS)
        with pytest.raises(PermissionDenied):
            services.support_request_assign(
                actor=getattr(cast, who), support_request=new_request, assignee=cast.engineer_a
            )
        assert snapshot(*MODELS) == before

    def test_lead_of_another_team_may_not(self, cast, new_request):
        cast.team_b.lead = cast.engineer_b
        cast.team_b.save()
        lead_b = type(cast.engineer_b).objects.get(pk=cast.engineer_b.pk)
        with pytest.raises(PermissionDenied):
            services.support_request_assign(
                actor=lead_b, support_request=new_request, assignee=cast.engineer_a
            )

    @pytest.mark.parametrize("who", ["sales_a", "nobody"])
    def test_assignee_must_hold_a_presales_role(self, cast, new_request, who):
        before = snapshot(*MODELS)
        with pytest.raises(DomainError) as exc:
            services.support_request_assign(
                actor=cast.manager, support_request=new_request, assignee=getattr(cast, who)
            )
        assert exc.value.field == "assignee"
        assert snapshot(*MODELS) == before

    def test_inactive_engineer_cannot_be_assigned(self, cast, new_request):
        gone = make_user("presales_engineer", team=cast.team_a, is_active=False)
        with pytest.raises(DomainError) as exc:
            services.support_request_assign(actor=cast.manager, support_request=new_request, assignee=gone)
        assert exc.value.field == "assignee"

    def test_engineer_of_another_team_may_be_assigned_and_then_sees_it(self, cast, new_request):
        assert not SupportRequest.objects.visible_to(cast.engineer_b).exists()
        services.support_request_assign(
            actor=cast.manager, support_request=new_request, assignee=cast.engineer_b
        )
        assert list(SupportRequest.objects.visible_to(cast.engineer_b)) == [new_request]

    def test_reassign_while_assigned_keeps_status(self, cast, assigned_request):
        req = services.support_request_assign(
            actor=cast.lead_a, support_request=assigned_request, assignee=cast.engineer_a2, expected_version=2
        )
        assert req.status == RequestStatus.ASSIGNED and req.assignee == cast.engineer_a2
        assert events(req)[-1] == (
            EventAction.REASSIGNED,
            RequestStatus.ASSIGNED,
            RequestStatus.ASSIGNED,
            "lead_a",
        )

    def test_reassign_in_progress_keeps_first_response(self, cast, in_progress_request):
        first = in_progress_request.first_response_at
        req = services.support_request_assign(
            actor=cast.manager, support_request=in_progress_request, assignee=cast.engineer_a2
        )
        assert req.status == RequestStatus.IN_PROGRESS and req.first_response_at == first
        assert req.assignee == cast.engineer_a2
        assert events(req)[-1][0] == EventAction.REASSIGNED

    def test_reassign_to_the_same_engineer_is_refused(self, cast, assigned_request):
        with pytest.raises(DomainError) as exc:
            services.support_request_assign(
                actor=cast.lead_a, support_request=assigned_request, assignee=cast.engineer_a
            )
        assert exc.value.field == "assignee" and exc.value.code == "unchanged"

    @pytest.mark.parametrize("final", ["done", "cancelled"])
    def test_closed_request_cannot_be_assigned(self, cast, in_progress_request, final):
        close(cast, in_progress_request, final)
        before = snapshot(*MODELS)
        with pytest.raises(TransitionRefused) as exc:
            services.support_request_assign(
                actor=cast.manager, support_request=in_progress_request, assignee=cast.engineer_a2
            )
        assert exc.value.reasons  # which statuses would allow it
        assert snapshot(*MODELS) == before


def close(cast, req, final):
    if final == "done":
        return services.support_request_complete(
            actor=cast.engineer_a, support_request=req, outcome="演示完成"
        )
    return services.support_request_cancel(actor=cast.sales_a, support_request=req, reason="客户推迟")


# --- respond ----------------------------------------------------------------------------------------


class TestRespond:
    def test_first_response_starts_the_work(self, cast, assigned_request, monkeypatch):
        when = timezone.now() + timedelta(minutes=30)
        freeze(monkeypatch, when)
        req = services.support_request_respond(
            actor=cast.engineer_a,
            support_request=assigned_request,
            note="收到，今天下午电话沟通",
            expected_version=2,
        )
        assert req.status == RequestStatus.IN_PROGRESS and req.first_response_at == when and req.version == 3
        assert events(req)[-1] == (
            EventAction.RESPONDED,
            RequestStatus.ASSIGNED,
            RequestStatus.IN_PROGRESS,
            "engineer_a",
        )

    def test_later_responses_are_notes(self, cast, in_progress_request):
        first = in_progress_request.first_response_at
        req = services.support_request_respond(
            actor=cast.engineer_a, support_request=in_progress_request, note="演示环境已准备好"
        )
        assert req.status == RequestStatus.IN_PROGRESS and req.first_response_at == first
        assert events(req)[-1] == (
            EventAction.NOTE,
            RequestStatus.IN_PROGRESS,
            RequestStatus.IN_PROGRESS,
            "engineer_a",
        )

    @pytest.mark.parametrize("who", ["manager", "lead_a", "engineer_a2", "sales_a"])
    def test_only_the_assignee(self, cast, assigned_request, who):
        with pytest.raises(PermissionDenied):
            services.support_request_respond(
                actor=getattr(cast, who), support_request=assigned_request, note="x"
            )

    def test_a_new_request_has_nobody_to_respond(self, cast, new_request):
        with pytest.raises(PermissionDenied):
            services.support_request_respond(actor=cast.engineer_a, support_request=new_request, note="x")

    @pytest.mark.parametrize("note", ["", "   ", None])
    def test_note_required(self, cast, assigned_request, note):
        before = snapshot(*MODELS)
        with pytest.raises(DomainError) as exc:
            services.support_request_respond(
                actor=cast.engineer_a, support_request=assigned_request, note=note
            )
        assert exc.value.field == "note"
        assert snapshot(*MODELS) == before

    @pytest.mark.parametrize("final", ["done", "cancelled"])
    def test_not_after_closing(self, cast, in_progress_request, final):
        close(cast, in_progress_request, final)
        with pytest.raises(TransitionRefused):
            services.support_request_respond(
                actor=cast.engineer_a, support_request=in_progress_request, note="x"
            )


# --- complete ---------------------------------------------------------------------------------------


class TestComplete:
    @pytest.mark.parametrize("who", ["engineer_a", "manager"])
    def test_assignee_or_manager_completes(self, cast, in_progress_request, who):
        req = services.support_request_complete(
            actor=getattr(cast, who),
            support_request=in_progress_request,
            outcome="完成现场演示，客户认可",
            expected_version=3,
        )
        assert (
            req.status == RequestStatus.DONE
            and req.done_at is not None
            and req.outcome == "完成现场演示，客户认可"
        )
        event = SupportRequestEvent.objects.filter(request=req).last()
        assert (event.action, event.from_status, event.to_status, event.note) == (
            EventAction.DONE,
            RequestStatus.IN_PROGRESS,
            RequestStatus.DONE,
            "完成现场演示，客户认可",
        )
        assert event.at == req.done_at

    @pytest.mark.parametrize("who", ["lead_a", "engineer_a2", "sales_a"])
    def test_others_may_not(self, cast, in_progress_request, who):
        with pytest.raises(PermissionDenied):
            services.support_request_complete(
                actor=getattr(cast, who), support_request=in_progress_request, outcome="x"
            )

    def test_outcome_required(self, cast, in_progress_request):
        with pytest.raises(DomainError) as exc:
            services.support_request_complete(
                actor=cast.engineer_a, support_request=in_progress_request, outcome=" "
            )
        assert exc.value.field == "outcome"

    def test_not_before_the_first_response(self, cast, assigned_request):
        before = snapshot(*MODELS)
        with pytest.raises(TransitionRefused) as exc:
            services.support_request_complete(
                actor=cast.engineer_a, support_request=assigned_request, outcome="直接完成"
            )
        assert exc.value.status_code == 409 and exc.value.reasons
        assert snapshot(*MODELS) == before

    def test_not_twice(self, cast, in_progress_request):
        close(cast, in_progress_request, "done")
        with pytest.raises(TransitionRefused):
            services.support_request_complete(
                actor=cast.manager, support_request=in_progress_request, outcome="x"
            )

    def test_guard_reports_missing_first_response(self, cast, in_progress_request):
        SupportRequest.objects.filter(pk=in_progress_request.pk).update(first_response_at=None)
        with translation.override("zh-hans"), pytest.raises(TransitionRefused) as exc:
            services.support_request_complete(
                actor=cast.engineer_a, support_request=in_progress_request, outcome="x"
            )
        assert exc.value.reasons == ["指派的工程师尚未响应。"]
        with translation.override("en"), pytest.raises(TransitionRefused) as exc:
            services.support_request_complete(
                actor=cast.engineer_a, support_request=in_progress_request, outcome="x"
            )
        assert exc.value.message == "“Complete” is not possible yet."


# --- cancel -----------------------------------------------------------------------------------------


class TestCancel:
    @pytest.mark.parametrize("fixture", ["new_request", "assigned_request", "in_progress_request"])
    @pytest.mark.parametrize("who", ["sales_a", "manager"])
    def test_requester_or_manager_cancels_any_open_request(self, cast, request, fixture, who):
        req = request.getfixturevalue(fixture)
        from_status = req.status
        req = services.support_request_cancel(
            actor=getattr(cast, who), support_request=req, reason="客户项目暂停"
        )
        assert req.status == RequestStatus.CANCELLED
        assert events(req)[-1] == (EventAction.CANCELLED, from_status, RequestStatus.CANCELLED, who)
        assert SupportRequestEvent.objects.filter(request=req).last().note == "客户项目暂停"

    @pytest.mark.parametrize("who", ["engineer_a", "lead_a", "engineer_a2"])
    def test_others_may_not(self, cast, assigned_request, who):
        with pytest.raises(PermissionDenied):
            services.support_request_cancel(
                actor=getattr(cast, who), support_request=assigned_request, reason="x"
            )

    def test_reason_required(self, cast, new_request):
        with pytest.raises(DomainError) as exc:
            services.support_request_cancel(actor=cast.sales_a, support_request=new_request, reason="")
        assert exc.value.field == "reason"

    @pytest.mark.parametrize("final", ["done", "cancelled"])
    def test_closed_is_final(self, cast, in_progress_request, final):
        close(cast, in_progress_request, final)
        with pytest.raises(TransitionRefused):
            services.support_request_cancel(
                actor=cast.manager, support_request=in_progress_request, reason="x"
            )


# --- versions, the whole path, available actions ------------------------------------------------------


def test_stale_version_is_refused_and_changes_nothing(cast, new_request):
    services.support_request_assign(
        actor=cast.lead_a, support_request=new_request, assignee=cast.engineer_a, expected_version=1
    )
    before = snapshot(*MODELS)
    with pytest.raises(StaleObjectError) as exc:  # the manager's page still showed version 1
        services.support_request_assign(
            actor=cast.manager, support_request=new_request, assignee=cast.engineer_a2, expected_version=1
        )
    assert exc.value.current_version == 2
    with pytest.raises(StaleObjectError):
        services.support_request_cancel(
            actor=cast.sales_a, support_request=new_request, reason="x", expected_version=1
        )
    assert snapshot(*MODELS) == before


def test_the_whole_path_records_every_step(cast, new_request):
    req = services.support_request_assign(
        actor=cast.lead_a, support_request=new_request, assignee=cast.engineer_a
    )
    req = services.support_request_assign(actor=cast.manager, support_request=req, assignee=cast.engineer_a2)
    req = services.support_request_respond(actor=cast.engineer_a2, support_request=req, note="收到")
    req = services.support_request_respond(actor=cast.engineer_a2, support_request=req, note="方案初稿完成")
    req = services.support_request_complete(actor=cast.engineer_a2, support_request=req, outcome="方案已交付")
    assert [e[0] for e in events(req)] == ["submitted", "assigned", "reassigned", "responded", "note", "done"]
    req.refresh_from_db()
    assert req.submitted_at <= req.assigned_at <= req.first_response_at <= req.done_at
    assert req.version == 5 and req.history.count() == 5


def test_available_actions_per_person_and_status(cast, new_request):
    acts = lambda who, req: available_actions(getattr(cast, who), req)  # noqa: E731
    assert acts("manager", new_request) == ["assign", "cancel"]
    assert acts("lead_a", new_request) == ["assign"]
    assert acts("sales_a", new_request) == ["cancel"]
    assert acts("engineer_a", new_request) == []
    req = services.support_request_assign(
        actor=cast.lead_a, support_request=new_request, assignee=cast.engineer_a
    )
    assert acts("engineer_a", req) == ["respond"]
    req = services.support_request_respond(actor=cast.engineer_a, support_request=req, note="收到")
    assert acts("engineer_a", req) == ["respond", "complete"]
    assert acts("manager", req) == ["assign", "complete", "cancel"]
    req = services.support_request_complete(actor=cast.engineer_a, support_request=req, outcome="完成")
    for who in ("manager", "lead_a", "engineer_a", "sales_a"):
        assert acts(who, req) == []


class TestVisibility:
    def test_scope(self, cast, customer):
        own = submit(actor=cast.sales_a, customer=customer)
        other_customer = CustomerFactory(presales_owner=cast.engineer_b, sales_owner=make_user("sales"))
        other = submit(actor=cast.manager, customer=other_customer)
        visible = lambda user: set(SupportRequest.objects.visible_to(user))  # noqa: E731
        assert visible(cast.manager) == {own, other}
        assert visible(cast.lead_a) == visible(cast.engineer_a) == visible(cast.engineer_a2) == {own}
        assert visible(cast.sales_a) == {own}
        assert visible(cast.engineer_b) == {other}
        assert visible(cast.nobody) == set()

    def test_requester_without_team_role_still_sees_own(self, cast, customer):
        req = submit(actor=cast.manager, customer=customer)
        SupportRequest.objects.filter(pk=req.pk).update(requester=cast.nobody)
        assert list(SupportRequest.objects.visible_to(cast.nobody)) == [req]
        assert SupportRequestEvent.objects.visible_to(cast.nobody).count() == 1
        assert SupportRequestEvent.objects.visible_to(cast.engineer_b).count() == 0

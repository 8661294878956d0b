"""The demo services: the plan's rules, the preparation checklist (every open item named), the
state machine (every move allowed and refused), delivery, customer questions feeding the feedback
list without duplicates, the archived summary report, the opportunity gate, the progress selector
and the presenters' reminder. Refused writes change nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from presales.core.errors import DomainError, PermissionDenied, StaleObjectError, TransitionRefused
from presales.customers.models import FeedbackItem
from presales.demos import services
from presales.demos.choices import Status
from presales.demos.models import Demo, DemoAttendee, DemoEvent, DemoMaterial, DemoQuestion
from presales.demos.selectors import progress_by_opportunity
from presales.documents.models import Document
from tests.factories.customers import CustomerFactory
from tests.factories.demos import (
    SUMMARY,
    attendees,
    complete_checklist,
    contact,
    deck_file,
    delivered_demo,
    make_demo,
    make_opportunity,
    prepared_demo,
    summarised_demo,
)
from tests.kit import snapshot

pytestmark = pytest.mark.django_db

CHECKLIST = ("deck", "materials", "environment", "check", "rehearsal")


def refused(fn, *models, **kwargs):
    before = snapshot(*models)
    with pytest.raises(DomainError) as info:
        fn(**kwargs)
    assert snapshot(*models) == before, "a refused write changed the database"
    return info.value


# --- plan ------------------------------------------------------------


def test_create_plans_the_demo_with_the_default_checklist(cast, opportunity):
    demo = make_demo(cast, opportunity=opportunity, presenters=[cast.engineer_a, cast.engineer_a2])
    assert demo.status == Status.PLANNED and demo.customer_id == opportunity.customer_id
    assert set(demo.presenters.values_list("username", flat=True)) == {"engineer_a", "engineer_a2"}
    kinds = list(demo.materials.values_list("kind", "required"))
    assert kinds == [("deck", True), ("script", True), ("data", True), ("handout", False)]
    assert DemoEvent.objects.get(demo=demo).to_status == Status.PLANNED


@translation.override("en")
def test_create_refuses_bad_input(cast, opportunity):
    error = refused(
        services.demo_create,
        Demo,
        DemoMaterial,
        actor=cast.engineer_a,
        opportunity=opportunity,
        title="",
        planned_at=timezone.now(),
        presenters=[],
        mode="remote",
        location="",
    )
    assert {"title", "presenters", "location"} <= set(error.errors)
    error = refused(
        services.demo_create,
        Demo,
        actor=cast.engineer_a,
        opportunity=opportunity,
        title="t",
        planned_at=timezone.now(),
        presenters=[cast.nobody],
    )
    assert "presenters" in error.errors


def test_create_needs_a_visible_open_opportunity_and_the_right_person(cast, opportunity):
    with pytest.raises(DomainError) as info:
        make_demo(cast, opportunity=opportunity, actor=cast.engineer_b)
    assert "opportunity" in info.value.errors
    with pytest.raises(PermissionDenied):
        make_demo(cast, opportunity=opportunity, actor=cast.sales_a)
    closed = make_opportunity(cast, stage="lost")
    with pytest.raises(DomainError) as info:
        make_demo(cast, opportunity=closed)
    assert info.value.code == "opportunity_closed"
    assert make_demo(cast, opportunity=opportunity, actor=cast.engineer_a2).pk  # a member may


def test_update_reschedules_and_refuses_stale_versions(cast, demo):
    later = timezone.now() + timedelta(days=10)
    updated = services.demo_update(
        actor=cast.engineer_a,
        demo=demo,
        expected_version=demo.version,
        planned_at=later,
        presenters=[cast.engineer_a2],
    )
    assert updated.planned_at == later and list(updated.presenters.all()) == [cast.engineer_a2]
    assert updated.version == demo.version + 1
    refused(
        services.demo_update,
        Demo,
        actor=cast.engineer_a,
        demo=demo,
        expected_version=demo.version,
        title="旧版本",
    )
    with pytest.raises(StaleObjectError):
        services.demo_update(actor=cast.engineer_a, demo=demo, expected_version=demo.version, title="x")
    with pytest.raises(DomainError) as info:
        services.demo_update(actor=cast.engineer_a, demo=demo, expected_version=None, status="delivered")
    assert info.value.code == "not_editable"
    with pytest.raises(PermissionDenied):
        services.demo_update(actor=cast.sales_a, demo=demo, expected_version=None, title="x")


# --- preparation checklist ------------------------------------------------------------


@translation.override("en")
def test_prepare_names_every_open_item(cast, demo):
    error = refused(
        services.demo_move, Demo, DemoEvent, actor=cast.engineer_a, demo=demo, to_status="prepared"
    )
    assert isinstance(error, TransitionRefused)
    text = " ".join(error.reasons)
    for expected in (
        "“Demo deck” is not ready",
        "“Demo script” is not ready",
        "“Demo data” is not ready",
        "deck is not uploaded",
        "environment is not described",
        "not been checked",
        "rehearsal is not done",
    ):
        assert expected in text
    assert "Handouts" not in text  # optional


@pytest.mark.parametrize("missing", CHECKLIST)
def test_each_missing_item_refuses_the_prepared_status(cast, demo, missing):
    demo = complete_checklist(demo, cast.engineer_a, skip=(missing,))
    with pytest.raises(TransitionRefused) as info:
        services.demo_move(actor=cast.engineer_a, demo=demo, to_status="prepared")
    assert len(info.value.reasons) >= 1
    assert Demo.objects.get(pk=demo.pk).status == Status.PLANNED


def test_complete_checklist_prepares_and_the_deck_is_a_registered_document(cast, demo):
    demo = complete_checklist(demo, cast.engineer_a)
    deck = Document.objects.get(pk=demo.deck_document_id)
    assert deck.category.kind == "demo" and deck.opportunity_id == demo.opportunity_id
    assert demo.materials.get(kind="deck").document_id == deck.pk
    assert demo.environment_checked and demo.environment_checked_by == cast.engineer_a
    demo = services.demo_move(actor=cast.engineer_a, demo=demo, to_status="prepared")
    assert demo.status == Status.PREPARED
    # the preparation is frozen while prepared: reopen (with a reason) to change it
    with pytest.raises(TransitionRefused):
        services.preparation_update(
            actor=cast.engineer_a, demo=demo, expected_version=None, rehearsal_notes="x"
        )
    with pytest.raises(DomainError) as info:
        services.demo_move(actor=cast.engineer_a, demo=demo, to_status="planned")
    assert info.value.code == "reason_required"
    demo = services.demo_move(actor=cast.engineer_a, demo=demo, to_status="planned", reason="换新版演示文稿")
    assert demo.status == Status.PLANNED


def test_deck_upload_again_adds_a_version(cast, demo):
    demo = services.deck_upload(actor=cast.engineer_a, demo=demo, file=deck_file("v1"))
    first = demo.deck_document_id
    demo = services.deck_upload(
        actor=cast.engineer_a, demo=demo, file=deck_file("v2"), change_summary="新增案例"
    )
    assert demo.deck_document_id == first
    assert Document.objects.get(pk=first).versions.count() == 2


def test_bad_deck_is_refused(cast, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("deck.pdf", b"not a pdf at all", content_type="application/pdf")
    error = refused(
        services.deck_upload, Demo, DemoMaterial, Document, actor=cast.engineer_a, demo=demo, file=bad
    )
    assert "file" in error.errors


def test_environment_change_needs_a_new_check(cast, demo):
    demo = complete_checklist(demo, cast.engineer_a)
    demo = services.preparation_update(
        actor=cast.engineer_a,
        demo=demo,
        expected_version=demo.version,
        environment_url="https://demo2.example.com",
    )
    assert not demo.environment_checked and demo.environment_checked_by is None


@translation.override("en")
def test_preparation_rules(cast, demo):
    error = refused(
        services.preparation_update,
        Demo,
        actor=cast.engineer_a,
        demo=demo,
        expected_version=None,
        rehearsal_done=True,
        rehearsal_on=timezone.localdate() + timedelta(days=2),
    )
    assert {"rehearsal_on", "rehearsal_participants"} <= set(error.errors)
    error = refused(services.environment_check, Demo, actor=cast.engineer_a, demo=demo)
    assert "environment_url" in error.errors
    material = demo.materials.get(kind="deck")
    error = refused(
        services.material_update,
        DemoMaterial,
        actor=cast.engineer_a,
        material=material,
        expected_version=None,
        ready=True,
    )
    assert "ready" in error.errors  # the deck is ready once uploaded
    error = refused(services.material_create, DemoMaterial, actor=cast.engineer_a, demo=demo, kind="other")
    assert "description" in error.errors
    extra = services.material_create(actor=cast.engineer_a, demo=demo, kind="case", description="宁德案例")
    assert extra.position == 5 and extra.required
    with pytest.raises(StaleObjectError):
        services.material_update(
            actor=cast.engineer_a, material=extra, expected_version=extra.version + 1, ready=True
        )


# --- state machine ------------------------------------------------------------


def test_cancel_needs_a_reason_and_a_steering_person(cast, demo):
    with pytest.raises(DomainError) as info:
        services.demo_move(actor=cast.engineer_a, demo=demo, to_status="cancelled")
    assert info.value.code == "reason_required"
    with pytest.raises(PermissionDenied):
        services.demo_move(actor=cast.engineer_a2, demo=demo, to_status="cancelled", reason="客户改期")
    demo = services.demo_move(actor=cast.lead_a, demo=demo, to_status="cancelled", reason="客户改期")
    assert demo.status == Status.CANCELLED and demo.cancel_reason == "客户改期"
    # final
    for target in Status.values:
        with pytest.raises((TransitionRefused, PermissionDenied)):
            services.demo_move(actor=cast.manager, demo=demo, to_status=target, reason="r")


def test_invalid_transitions_are_refused(cast, demo):
    for target in ("delivered", "summarised", "planned", "bogus"):
        with pytest.raises(TransitionRefused) as info:
            services.demo_move(actor=cast.engineer_a, demo=demo, to_status=target, reason="r")
        assert info.value.code in ("invalid_transition", "transition_refused")
    with pytest.raises(StaleObjectError):
        services.demo_move(
            actor=cast.engineer_a,
            demo=demo,
            to_status="cancelled",
            reason="r",
            expected_version=demo.version + 3,
        )


def test_a_prepared_demo_can_be_cancelled(cast):
    demo = prepared_demo(cast)
    demo = services.demo_move(actor=cast.engineer_a, demo=demo, to_status="cancelled", reason="客户取消")
    assert demo.status == Status.CANCELLED
    assert list(demo.events.values_list("to_status", flat=True)) == ["planned", "prepared", "cancelled"]


# --- delivery ------------------------------------------------------------


@translation.override("en")
def test_delivery_rules(cast):
    demo = prepared_demo(cast)
    other = contact(CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a), name="外人")
    error = refused(
        services.delivery_record,
        Demo,
        DemoAttendee,
        actor=cast.engineer_a,
        demo=demo,
        delivered_at=timezone.now() + timedelta(days=1),
        duration_minutes=None,
        attendees=[{"side": "customer", "contact": other}],
    )
    assert {"delivered_at", "duration_minutes", "attendees"} <= set(error.errors)
    error = refused(
        services.delivery_record,
        Demo,
        DemoAttendee,
        actor=cast.engineer_a,
        demo=demo,
        delivered_at=timezone.now(),
        duration_minutes=0,
        attendees=attendees(cast, demo),
    )
    assert "duration_minutes" in error.errors
    with pytest.raises(TransitionRefused):  # a planned demo is prepared first
        services.delivery_record(
            actor=cast.engineer_a,
            demo=make_demo(cast),
            delivered_at=timezone.now(),
            duration_minutes=60,
            attendees=attendees(cast, demo),
        )


def test_delivery_uses_the_customer_contacts_and_moves_to_delivered(cast):
    demo = prepared_demo(cast)
    boss = contact(demo.customer)
    demo = services.delivery_record(
        actor=cast.engineer_a,
        demo=demo,
        delivered_at=timezone.now(),
        duration_minutes=90,
        attendees=attendees(cast, demo, contacts=[boss]),
        notes="顺利",
    )
    assert demo.status == Status.DELIVERED
    rows = list(DemoAttendee.objects.filter(demo=demo).order_by("side"))
    assert [(a.side, a.name) for a in rows] == [("customer", "陈总"), ("ours", str(cast.engineer_a))]
    assert rows[0].contact == boss and rows[0].role  # the contact's role
    # corrected later: the list is replaced, not appended
    demo = services.delivery_record(
        actor=cast.engineer_a,
        demo=demo,
        delivered_at=demo.delivered_at,
        duration_minutes=80,
        attendees=attendees(cast, demo),
        expected_version=demo.version,
    )
    assert DemoAttendee.objects.filter(demo=demo).count() == 2 and demo.duration_minutes == 80


# --- questions and the feedback list ------------------------------------------------------------


def test_open_questions_feed_the_feedback_list_without_duplicates(cast):
    demo = delivered_demo(cast)
    boss = contact(demo.customer)
    question = services.question_create(
        actor=cast.engineer_a, demo=demo, question="支持本地化部署吗？", asked_by_contact=boss
    )
    item = FeedbackItem.objects.get()
    assert question.feedback_item == item and question.asked_by == "陈总"
    assert (item.source, item.content, item.status) == ("demo", "支持本地化部署吗？", "open")
    assert item.opportunity_id == demo.opportunity_id and item.owner == demo.opportunity.presales_lead
    # edited again and again: still one item, kept in step
    question = services.question_update(
        actor=cast.engineer_a,
        demo_question=question,
        expected_version=question.version,
        question="支持私有化部署吗？",
    )
    services.question_update(
        actor=cast.engineer_a, demo_question=question, expected_version=None, asked_by="陈总监"
    )
    assert FeedbackItem.objects.count() == 1 and FeedbackItem.objects.get().content == "支持私有化部署吗？"
    # answered: the item is resolved with the answer
    question = services.question_update(
        actor=cast.engineer_a,
        demo_question=question,
        expected_version=None,
        status="answered",
        answer="支持，提供私有化部署包",
    )
    item.refresh_from_db()
    assert (item.status, item.resolution) == ("resolved", "支持，提供私有化部署包")
    # reopened: the same item opens again
    services.question_update(
        actor=cast.engineer_a, demo_question=question, expected_version=None, status="open"
    )
    item.refresh_from_db()
    assert item.status == "open" and FeedbackItem.objects.count() == 1


def test_an_answered_question_creates_no_feedback_item(cast):
    demo = delivered_demo(cast)
    question = services.question_create(
        actor=cast.engineer_a, demo=demo, question="能对接ERP吗？", answer="可以", status="answered"
    )
    assert question.feedback_item is None and not FeedbackItem.objects.exists()


def test_an_identical_open_feedback_item_is_linked_not_duplicated(cast):
    from presales.customers.services import feedback_create

    demo = delivered_demo(cast)
    existing = feedback_create(
        actor=cast.engineer_a,
        customer=demo.customer,
        source="demo",
        raised_on=timezone.localdate(),
        content="有同行案例吗？",
        owner=cast.engineer_a,
        opportunity=demo.opportunity,
    )
    question = services.question_create(actor=cast.engineer_a, demo=demo, question="有同行案例吗？")
    assert question.feedback_item == existing and FeedbackItem.objects.count() == 1
    second = services.question_create(actor=cast.engineer_a, demo=demo, question="有同行案例吗？")
    assert second.feedback_item != existing and FeedbackItem.objects.count() == 2  # one item per question


@translation.override("en")
def test_question_rules_and_permissions(cast):
    demo = delivered_demo(cast)
    other = contact(CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a), name="外人")
    error = refused(
        services.question_create,
        DemoQuestion,
        FeedbackItem,
        actor=cast.engineer_a,
        demo=demo,
        question="",
        status="answered",
        asked_by_contact=other,
    )
    assert {"question", "answer", "asked_by_contact"} <= set(error.errors)
    assert services.question_create(
        actor=cast.sales_a, demo=demo, question="价格？"
    ).feedback_item  # sales owner
    with pytest.raises(PermissionDenied):
        services.question_create(actor=cast.engineer_b, demo=demo, question="x")
    with pytest.raises(TransitionRefused):  # not delivered yet
        services.question_create(actor=cast.engineer_a, demo=make_demo(cast), question="x")
    question = DemoQuestion.objects.get()
    with pytest.raises(StaleObjectError):
        services.question_update(
            actor=cast.engineer_a, demo_question=question, expected_version=question.version + 1, question="y"
        )


# --- summary ------------------------------------------------------------


@translation.override("en")
def test_summary_needs_every_section(cast):
    demo = delivered_demo(cast)
    error = refused(
        services.summary_record,
        Demo,
        Document,
        actor=cast.engineer_a,
        demo=demo,
        **{**SUMMARY, "issues": " ", "next_steps": ""},
    )
    assert set(error.errors) == {"issues", "next_steps"}
    with pytest.raises(TransitionRefused) as info:
        services.demo_move(actor=cast.engineer_a, demo=demo, to_status="summarised")
    assert any("Customer reaction" in r or "customer reaction" in r for r in info.value.reasons)
    with pytest.raises(TransitionRefused):  # only once delivered
        services.summary_record(actor=cast.engineer_a, demo=prepared_demo(cast), **SUMMARY)


def test_summary_is_archived_as_a_docx_document_and_versioned(cast):
    demo = summarised_demo(cast)
    assert demo.status == Status.SUMMARISED and demo.summarised_at
    document = Document.objects.get(pk=demo.summary_document_id)
    assert document.category.kind == "demo" and document.source_key.endswith(":demo_summary")
    assert document.current_version.blob.size > 0
    services.summary_record(
        actor=cast.engineer_a,
        demo=demo,
        expected_version=demo.version,
        **{**SUMMARY, "next_steps": "安排高层拜访"},
    )
    document.refresh_from_db()
    assert document.versions.count() == 2
    # saving unchanged adds nothing
    demo.refresh_from_db()
    services.summary_record(actor=cast.engineer_a, demo=demo, **{**SUMMARY, "next_steps": "安排高层拜访"})
    assert document.versions.count() == 2
    with pytest.raises(StaleObjectError):
        services.summary_record(actor=cast.engineer_a, demo=demo, expected_version=1, **SUMMARY)


def test_summary_docx_reads_back(cast):
    import io

    from docx import Document as Docx

    from presales.demos import exports

    demo = summarised_demo(cast)
    services.question_create(actor=cast.engineer_a, demo=demo, question="支持私有化吗？")
    content, name = exports.summary_docx(demo)
    text = "\n".join(p.text for p in Docx(io.BytesIO(content)).paragraphs)
    assert name.endswith(".docx") and SUMMARY["follow_up_actions"] in text


# --- gate ------------------------------------------------------------


@translation.override("en")
def test_gate_on_bid_and_negotiation(cast):
    from presales.opportunities.choices import Stage
    from presales.opportunities.workflow import opportunity_flow

    opportunity = make_opportunity(cast)
    to_bid = opportunity_flow.get(Stage.DEMO_POC, Stage.BID)
    to_negotiation = opportunity_flow.get(Stage.DEMO_POC, Stage.NEGOTIATION)
    back = opportunity_flow.get(Stage.DEMO_POC, Stage.SOLUTION)

    def demo_reasons(transition):
        return [r for r in opportunity_flow.unmet_conditions(opportunity, transition) if "Demo “" in r]

    assert demo_reasons(to_bid) == []  # no demo: not affected
    upcoming = make_demo(cast, opportunity=opportunity, title="下周演示")
    assert demo_reasons(to_bid) == []  # planned in the future is fine
    stale = make_demo(
        cast, opportunity=opportunity, title="过期演示", planned_at=timezone.now() - timedelta(days=1)
    )
    [reason] = demo_reasons(to_bid)
    assert "过期演示" in reason and "reschedule" in reason and demo_reasons(to_negotiation) == [reason]
    assert demo_reasons(back) == []
    assert demo_reasons(opportunity_flow.get(Stage.SOLUTION, Stage.BID))  # a skip cannot jump over it
    services.demo_move(actor=cast.engineer_a, demo=stale, to_status="cancelled", reason="客户取消")
    assert demo_reasons(to_bid) == []
    delivered = delivered_demo(cast, opportunity=opportunity, title="已演示")
    [reason] = demo_reasons(to_bid)
    assert "已演示" in reason and "summary" in reason
    services.summary_record(actor=cast.engineer_a, demo=delivered, **SUMMARY)
    assert demo_reasons(to_bid) == [] and demo_reasons(to_negotiation) == []
    services.demo_update(
        actor=cast.engineer_a,
        demo=upcoming,
        expected_version=None,
        planned_at=timezone.now() - timedelta(hours=2),
    )
    assert len(demo_reasons(to_bid)) == 1


def test_gate_refuses_the_move_and_a_manager_can_override(cast):
    from presales.opportunities.services import opportunity_move

    opportunity = make_opportunity(cast, stage="demo_poc")
    opportunity.expected_close_on = timezone.localdate() + timedelta(days=30)
    opportunity.estimated_amount = 100
    opportunity.save()
    delivered_demo(cast, opportunity=opportunity, title="未总结演示")
    with pytest.raises(TransitionRefused) as info:
        opportunity_move(actor=cast.engineer_a, opportunity=opportunity, to_stage="bid")
    assert any("未总结演示" in r for r in info.value.reasons)


# --- progress selector ------------------------------------------------------------


def test_progress_by_opportunity_covers_every_state_in_one_query(cast, django_assert_num_queries):
    none, cancelled, preparing, delivered, summarised, mixed = (make_opportunity(cast) for _ in range(6))
    services.demo_move(
        actor=cast.engineer_a, demo=make_demo(cast, opportunity=cancelled), to_status="cancelled", reason="r"
    )
    make_demo(cast, opportunity=preparing)
    delivered_demo(cast, opportunity=delivered)
    summarised_demo(cast, opportunity=summarised)
    summarised_demo(cast, opportunity=mixed)
    prepared_demo(cast, opportunity=mixed)
    ids = [o.pk for o in (none, cancelled, preparing, delivered, summarised, mixed)]
    with django_assert_num_queries(1):
        progress = progress_by_opportunity(ids)
    assert [progress[i] for i in ids] == ["none", "none", "preparing", "delivered", "summarised", "preparing"]
    with django_assert_num_queries(0):
        assert progress_by_opportunity([]) == {}


# --- reminder ------------------------------------------------------------


def test_presenters_are_reminded_the_day_before_once(cast, django_capture_on_commit_callbacks):
    from presales.demos.tasks import remind_presenters
    from presales.notifications.models import Notification

    tomorrow = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)
    demo = make_demo(cast, planned_at=tomorrow, presenters=[cast.engineer_a, cast.engineer_a2])
    make_demo(cast, planned_at=tomorrow + timedelta(days=2))  # not tomorrow
    cancelled = make_demo(cast, planned_at=tomorrow)
    services.demo_move(actor=cast.engineer_a, demo=cancelled, to_status="cancelled", reason="r")
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_presenters() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_presenters() == 1  # the same reminder is not sent twice
    rows = Notification.objects.filter(kind="demos.reminder")
    assert sorted(rows.values_list("recipient__username", flat=True)) == ["engineer_a", "engineer_a2"]
    assert all(demo.title in n.title for n in rows)

"""The research rules, through the services: plan, activities, attachments, report, requirement
items, confirmation rounds and when they go out of date."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from presales.core.errors import DomainError, PermissionDenied, StaleObjectError, TransitionRefused
from presales.discovery import selectors, services
from presales.discovery.choices import ActivityStatus, RequirementStatus
from presales.discovery.models import (
    RequirementConfirmation,
    RequirementItem,
    ResearchActivity,
    ResearchPlan,
    ResearchReport,
)
from presales.documents.models import Document
from presales.opportunities.choices import Stage
from tests.factories.customers import CustomerFactory
from tests.factories.discovery import (
    add_activity,
    add_item,
    confirm,
    make_contact,
    make_opportunity,
    make_plan,
)
from tests.kit import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the Chinese catalogue is checked by test_chinese_reasons)."""
    from django.utils import translation

    with translation.override("en"):
        yield

MODELS = (ResearchPlan, ResearchActivity, ResearchReport, RequirementItem, RequirementConfirmation)


def refused(exc_type, fn, *, field=None, code=None):
    """`fn` raises `exc_type` (naming `field`/`code`) and no research row changed."""
    before = snapshot(*MODELS)
    with pytest.raises(exc_type) as info:
        fn()
    if field:
        assert field in info.value.errors, info.value.errors
    if code:
        assert info.value.code == code
    assert snapshot(*MODELS) == before
    return info.value


# --- plan -----------------------------------------------------------------------------------------


def test_plan_created_with_people_of_both_sides(cast, opportunity):
    contact = make_contact(opportunity.customer)
    plan = make_plan(cast, opportunity, customer_contacts=[contact], our_participants=[cast.engineer_a,
                                                                                         cast.engineer_a2])
    assert plan.methods == ["interview", "site_visit"]
    assert set(plan.our_participants.all()) == {cast.engineer_a, cast.engineer_a2}
    assert list(plan.customer_contacts.all()) == [contact]
    assert plan.history.count() == 1 and plan.history.first().history_user == cast.engineer_a


@pytest.mark.parametrize("changes, field", [
    ({"ends_on": timezone.localdate() - timedelta(days=30)}, "ends_on"),
    ({"methods": []}, "methods"),
    ({"methods": ["telepathy"]}, "methods"),
    ({"goals": "  "}, "goals"),
    ({"content": ""}, "content"),
])
def test_plan_bad_input_refused_by_field(cast, opportunity, changes, field):
    refused(DomainError, lambda: make_plan(cast, opportunity, **changes), field=field)


def test_plan_start_equal_to_end_is_allowed(cast, opportunity):
    today = timezone.localdate()
    assert make_plan(cast, opportunity, starts_on=today, ends_on=today).pk


def test_plan_people_must_belong(cast, opportunity):
    other = make_contact(CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a))
    refused(DomainError, lambda: make_plan(cast, opportunity, customer_contacts=[other]), field="customer_contacts")
    cast.engineer_a2.is_active = False
    cast.engineer_a2.save()
    refused(DomainError, lambda: make_plan(cast, opportunity, our_participants=[cast.engineer_a2]),
            field="our_participants")


def test_one_plan_per_opportunity(cast, plan, opportunity):
    refused(DomainError, lambda: make_plan(cast, opportunity), code="plan_exists")


@pytest.mark.parametrize("name", ["sales_a", "nobody"])
def test_plan_permission(cast, opportunity, name):
    exc = PermissionDenied if name == "sales_a" else DomainError
    refused(exc, lambda: make_plan(cast, opportunity, actor=getattr(cast, name)))


def test_out_of_scope_opportunity_refused(cast, opportunity):
    refused(DomainError, lambda: make_plan(cast, opportunity, actor=cast.engineer_b), field="opportunity")


def test_closed_opportunity_is_read_only(cast):
    closed = make_opportunity(cast, stage=Stage.LOST)
    refused(TransitionRefused, lambda: make_plan(cast, closed), code="opportunity_closed")


def test_plan_update_versioned_and_stale_refused(cast, plan, opportunity):
    contact = make_contact(opportunity.customer)
    updated = services.plan_update(actor=cast.engineer_a2, plan=plan, expected_version=plan.version,
                                   goals="新目标", customer_contacts=[contact])
    assert updated.version == 2 and updated.goals == "新目标"
    assert list(updated.customer_contacts.all()) == [contact]
    assert plan.history.count() == 2
    refused(StaleObjectError, lambda: services.plan_update(actor=cast.engineer_a, plan=plan, expected_version=1,
                                                           goals="覆盖"))
    refused(DomainError, lambda: services.plan_update(actor=cast.engineer_a, plan=plan, expected_version=2,
                                                      starts_on=timezone.localdate() + timedelta(days=60)),
            field="ends_on")
    refused(DomainError, lambda: services.plan_update(actor=cast.engineer_a, plan=plan, expected_version=2,
                                                      requirements_revision=9), code="not_editable")


# --- activities -------------------------------------------------------------------------------------


def test_activity_needs_a_plan(cast, opportunity):
    refused(DomainError, lambda: add_activity(cast, opportunity), code="no_plan")


def test_activity_planned_then_done(cast, plan, opportunity):
    activity = add_activity(cast, opportunity, scheduled_at=timezone.now() - timedelta(hours=2))
    assert activity.status == ActivityStatus.PLANNED
    refused(DomainError, lambda: services.activity_complete(actor=cast.engineer_a, activity=activity, notes=" "),
            field="notes")
    done = services.activity_complete(actor=cast.engineer_a2, activity=activity, notes="客户希望手机告警",
                                      expected_version=activity.version)
    assert done.status == ActivityStatus.DONE and done.done_at and done.version == 2
    refused(TransitionRefused, lambda: services.activity_complete(actor=cast.engineer_a, activity=activity,
                                                                  notes="again"), code="not_planned")
    refused(TransitionRefused, lambda: services.activity_cancel(actor=cast.engineer_a, activity=activity),
            code="not_planned")


def test_activity_done_in_the_future_refused(cast, plan, opportunity):
    future = add_activity(cast, opportunity)
    refused(DomainError, lambda: services.activity_complete(actor=cast.engineer_a, activity=future, notes="记录"),
            field="scheduled_at")
    refused(DomainError, lambda: add_activity(cast, opportunity, done=True,
                                              scheduled_at=timezone.now() + timedelta(days=1)), field="scheduled_at")
    refused(DomainError, lambda: add_activity(cast, opportunity, done=True, notes=""), field="notes")
    refused(DomainError, lambda: add_activity(cast, opportunity, subject=""), field="subject")


def test_activity_cancel_and_update(cast, plan, opportunity):
    activity = add_activity(cast, opportunity)
    contact = make_contact(opportunity.customer)
    activity = services.activity_update(actor=cast.engineer_a, activity=activity, expected_version=1,
                                        location="客户总部", customer_contacts=[contact])
    assert activity.location == "客户总部" and activity.version == 2
    refused(StaleObjectError, lambda: services.activity_update(actor=cast.engineer_a, activity=activity,
                                                               expected_version=1, location="x"))
    cancelled = services.activity_cancel(actor=cast.engineer_a, activity=activity, expected_version=2)
    assert cancelled.status == ActivityStatus.CANCELLED


def test_sales_owner_may_not_record_activities(cast, plan, opportunity):
    refused(PermissionDenied, lambda: add_activity(cast, opportunity, actor=cast.sales_a))


def test_attachment_is_a_research_document(cast, plan, opportunity):
    activity = add_activity(cast, opportunity, done=True)
    upload = SimpleUploadedFile("访谈记录.txt", "访谈记录：告警误报多".encode(), content_type="text/plain")
    document = services.activity_attach(actor=cast.engineer_a, activity=activity, file=upload)
    assert document.category.kind == "research" and document.number.startswith("QD")
    assert document.opportunity_id == opportunity.pk
    assert list(activity.attachments.all()) == [document]
    activity.refresh_from_db()
    assert activity.version == 2


def test_bad_attachment_refused(cast, plan, opportunity):
    activity = add_activity(cast, opportunity, done=True)
    upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00binary", content_type="application/octet-stream")
    documents = Document.objects.count()
    with pytest.raises(DomainError) as info:
        services.activity_attach(actor=cast.engineer_a, activity=activity, file=upload)
    assert "file" in info.value.errors
    assert Document.objects.count() == documents and not activity.attachments.exists()


# --- report ------------------------------------------------------------------------------------------


def test_report_create_update_archive(cast, plan, opportunity):
    refused(DomainError, lambda: services.report_create(actor=cast.engineer_a, opportunity=opportunity, summary=""),
            field="summary")
    report = services.report_create(actor=cast.engineer_a, opportunity=opportunity, summary="总体结论",
                                    pain_points="误报多")
    refused(DomainError, lambda: services.report_create(actor=cast.engineer_a, opportunity=opportunity,
                                                        summary="再来"), code="report_exists")
    document = services.report_archive(actor=cast.engineer_a, report=report)
    assert document.category.kind == "research" and document.current_version.number == 1
    again = services.report_archive(actor=cast.engineer_a, report=report)
    assert again.pk == document.pk and again.current_version.number == 1  # same content: nothing added
    report = services.report_update(actor=cast.engineer_a, report=report, expected_version=1, findings="新发现")
    newer = services.report_archive(actor=cast.engineer_a, report=report)
    assert newer.pk == document.pk and newer.current_version.number == 2
    refused(StaleObjectError, lambda: services.report_update(actor=cast.engineer_a, report=report,
                                                             expected_version=1, summary="x"))


def test_report_needs_a_plan(cast, opportunity):
    refused(DomainError, lambda: services.report_create(actor=cast.engineer_a, opportunity=opportunity,
                                                        summary="总结"), code="no_plan")


# --- requirement items ------------------------------------------------------------------------------


def test_items_numbered_per_opportunity(cast, plan, opportunity):
    first, second = add_item(cast, opportunity), add_item(cast, opportunity, title="报表导出")
    assert (first.code, second.code) == ("REQ-001", "REQ-002")
    other = make_opportunity(cast)
    make_plan(cast, other)
    assert add_item(cast, other).code == "REQ-001"


def test_item_needs_plan_title_and_own_sources(cast, opportunity):
    refused(DomainError, lambda: add_item(cast, opportunity), code="no_plan")
    make_plan(cast, opportunity)
    refused(DomainError, lambda: add_item(cast, opportunity, title=" "), field="title")
    elsewhere = make_opportunity(cast)
    make_plan(cast, elsewhere)
    foreign_activity = add_activity(cast, elsewhere)
    refused(DomainError, lambda: add_item(cast, opportunity, source_activity=foreign_activity),
            field="source_activity")
    foreign_contact = make_contact(CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a))
    refused(DomainError, lambda: add_item(cast, opportunity, source_contact=foreign_contact), field="source_contact")
    refused(PermissionDenied, lambda: add_item(cast, opportunity, actor=cast.sales_a))


def test_item_update_stale_refused(cast, plan, opportunity):
    item = add_item(cast, opportunity)
    services.item_update(actor=cast.engineer_a, item=item, expected_version=1, priority="could")
    refused(StaleObjectError, lambda: services.item_update(actor=cast.engineer_a, item=item, expected_version=1,
                                                           title="x"))


# --- confirmation ------------------------------------------------------------------------------------


def test_nothing_to_confirm(cast, plan, opportunity):
    refused(DomainError, lambda: confirm(cast, opportunity), code="no_items")


def test_confirmation_snapshots_the_set(cast, plan, opportunity):
    contact = make_contact(opportunity.customer, name="陈总", title="副总经理")
    activity = add_activity(cast, opportunity, done=True)
    add_item(cast, opportunity, source_contact=contact, source_activity=activity)
    add_item(cast, opportunity, title="撤销的需求", status=RequirementStatus.WITHDRAWN)
    confirmation = confirm(cast, opportunity, contact=contact, signatory_name="", signatory_title="")
    assert confirmation.round == 1 and confirmation.item_count == 1
    assert (confirmation.signatory_name, confirmation.signatory_title) == ("陈总", "副总经理")
    entry = confirmation.snapshot[0]
    assert entry["title"] == "告警分级推送" and entry["priority"] == "must" and "陈总" in entry["source"]
    assert selectors.confirmation_state(opportunity.pk)["current"]
    refused(DomainError, lambda: confirm(cast, opportunity), code="already_confirmed")


@pytest.mark.parametrize("fields, field", [
    ({"method": "email", "reference": ""}, "reference"),
    ({"method": "meeting", "reference": " "}, "reference"),
    ({"signatory_name": ""}, "signatory_name"),
    ({"confirmed_on": timezone.localdate() + timedelta(days=2)}, "confirmed_on"),
    ({"method": "fax"}, "method"),
])
def test_confirmation_bad_input(cast, plan, opportunity, fields, field):
    add_item(cast, opportunity)
    refused(DomainError, lambda: confirm(cast, opportunity, **fields), field=field)


def test_confirmation_contact_of_another_customer_refused(cast, plan, opportunity):
    add_item(cast, opportunity)
    foreign = make_contact(CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a))
    refused(DomainError, lambda: confirm(cast, opportunity, contact=foreign), field="contact")


def test_sales_owner_records_the_confirmation_others_may_not(cast, plan, opportunity):
    add_item(cast, opportunity)
    refused(DomainError, lambda: confirm(cast, opportunity, actor=cast.engineer_b), field="opportunity")
    assert confirm(cast, opportunity, actor=cast.sales_a).round == 1


@pytest.mark.parametrize("change", ["title", "priority", "status", "withdraw", "add"])
def test_any_change_outdates_the_confirmation(cast, plan, opportunity, change):
    item = add_item(cast, opportunity)
    first = confirm(cast, opportunity, confirmed_on=timezone.localdate() - timedelta(days=3))
    if change == "add":
        add_item(cast, opportunity, title="新增需求")
    else:
        value = {"title": ("title", "改过的标题"), "priority": ("priority", "could"),
                 "status": ("status", RequirementStatus.IN_SCOPE),
                 "withdraw": ("status", RequirementStatus.WITHDRAWN)}[change]
        services.item_update(actor=cast.engineer_a, item=item, expected_version=item.version, **{value[0]: value[1]})
    state = selectors.confirmation_state(opportunity.pk)
    assert not state["current"] and state["latest"].pk == first.pk
    if change == "withdraw":
        assert state["reasons"] and "No requirement item" in state["reasons"][0]
        return
    assert selectors.diff_size(state["diff"]) == 1
    second = confirm(cast, opportunity)
    assert second.round == 2 and selectors.confirmation_state(opportunity.pk)["current"]
    assert RequirementConfirmation.objects.filter(opportunity=opportunity).count() == 2  # history of rounds


def test_source_change_and_withdrawn_items_do_not_outdate(cast, plan, opportunity):
    item = add_item(cast, opportunity)
    confirm(cast, opportunity)
    contact = make_contact(opportunity.customer)
    services.item_update(actor=cast.engineer_a, item=item, expected_version=1, source_contact=contact)
    add_item(cast, opportunity, title="已撤销", status=RequirementStatus.WITHDRAWN)
    assert selectors.confirmation_state(opportunity.pk)["current"]


def test_change_and_revert_is_current_again(cast, plan, opportunity):
    item = add_item(cast, opportunity)
    confirm(cast, opportunity)
    item = services.item_update(actor=cast.engineer_a, item=item, expected_version=1, title="临时改动")
    assert not selectors.confirmation_state(opportunity.pk)["current"]
    services.item_update(actor=cast.engineer_a, item=item, expected_version=2, title="告警分级推送")
    assert selectors.confirmation_state(opportunity.pk)["current"]
    assert selectors.progress_by_opportunity([opportunity.pk]) == {opportunity.pk: "confirmed"}


def test_round_cannot_predate_the_previous(cast, plan, opportunity):
    add_item(cast, opportunity)
    confirm(cast, opportunity)
    add_item(cast, opportunity, title="新增")
    refused(DomainError, lambda: confirm(cast, opportunity, confirmed_on=timezone.localdate() - timedelta(days=1)),
            field="confirmed_on")


def test_confirmation_archive(cast, plan, opportunity):
    add_item(cast, opportunity)
    confirmation = confirm(cast, opportunity)
    document = services.confirmation_archive(actor=cast.sales_a, confirmation=confirmation)
    assert document.category.kind == "research" and document.source_key.endswith(":requirement_confirmation")
    with pytest.raises(PermissionDenied):
        services.confirmation_archive(actor=cast.engineer_b, confirmation=confirmation)

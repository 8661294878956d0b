"""The approval flow through the services: approve at each step, return at each step, resubmit,
the final review by a leader or a meeting, configurable steps, the history and notifications.
A refused action changes nothing."""

import pytest

from presales.core.errors import DomainError, PermissionDenied, TransitionRefused
from presales.documents import services
from presales.documents.choices import DocumentStatus as S
from presales.documents.choices import EventAction
from presales.documents.models import Document, DocumentCategory, DocumentEvent
from presales.notifications.models import Notification
from tests.factories import TeamFactory, make_user
from tests.factories.documents import make_document, pdf_bytes, upload
from tests.kit import snapshot

pytestmark = pytest.mark.django_db(transaction=False)


def submit(document, actor):
    return services.document_submit(actor=actor, document=document)


def approve(document, actor, **kw):
    return services.document_approve(actor=actor, document=document, **kw)


def to_final(document, cast, head):
    submit(document, cast.engineer_a)
    approve(document, cast.lead_a)
    approve(document, cast.manager)
    document.refresh_from_db()
    assert document.status == S.FINAL_REVIEW
    return document


@pytest.fixture
def meeting_people(cast, head):
    return [cast.manager, cast.engineer_b, head]


def test_full_chain_approve_at_each_step_then_published(
    cast, head, document, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(document, cast.engineer_a)
    document.refresh_from_db()
    assert document.status == S.DEPARTMENT_REVIEW and document.submitted_at
    # the department step's deciders hear of it: the team lead and the department head
    assert set(
        Notification.objects.filter(kind="documents.review").values_list("recipient__username", flat=True)
    ) == {"lead_a", "head"}

    with django_capture_on_commit_callbacks(execute=True):
        approve(document, cast.lead_a, comment="结构清晰")
    document.refresh_from_db()
    assert document.status == S.MANAGER_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        approve(document, cast.manager)
    document.refresh_from_db()
    assert document.status == S.FINAL_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        approve(document, head, final_mode="leader", comment="同意发布")
    document.refresh_from_db()
    assert document.status == S.PUBLISHED
    assert document.published_at and document.published_version == document.current_version

    events = list(
        document.events.order_by("at", "pk").values_list("action", "step", "from_status", "to_status")
    )
    assert events == [
        ("created", "", "", "draft"),
        ("submitted", "", "draft", "department_review"),
        ("approved", "department_head", "department_review", "manager_review"),
        ("approved", "presales_manager", "manager_review", "final_review"),
        ("approved", "final", "final_review", "published"),
    ]
    # the author is told of each decision
    author_titles = list(
        Notification.objects.filter(recipient=cast.engineer_a).values_list("title", flat=True)
    )
    assert len(author_titles) == 3 and any("发布" in t for t in author_titles)


@pytest.mark.parametrize("steps_before_return", [0, 1, 2])
def test_return_at_each_step_goes_back_to_the_author_who_resubmits(
    cast, head, document, steps_before_return, django_capture_on_commit_callbacks
):
    submit(document, cast.engineer_a)
    deciders = [cast.lead_a, cast.manager, head]
    for decider in deciders[:steps_before_return]:
        approve(document, decider)
    document.refresh_from_db()
    decider = deciders[steps_before_return]
    extra = {"final_mode": "leader"} if steps_before_return == 2 else {}
    with django_capture_on_commit_callbacks(execute=True):
        services.document_return(actor=decider, document=document, comment="请补充储能柜的接入方案", **extra)
    document.refresh_from_db()
    assert document.status == S.RETURNED
    returned = document.events.get(action=EventAction.RETURNED)
    assert returned.comment == "请补充储能柜的接入方案" and returned.actor == decider
    assert Notification.objects.filter(recipient=cast.engineer_a, title__contains="退回").exists()

    # the author revises (new version) and resubmits: the chain starts again at its first step
    services.document_add_version(
        actor=cast.engineer_a,
        document=document,
        file=upload("v2.pdf", pdf_bytes("v2")),
        change_summary="补充接入方案",
    )
    submit(document, cast.engineer_a)
    document.refresh_from_db()
    assert document.status == S.DEPARTMENT_REVIEW and document.current_version.number == 2


def test_return_needs_a_comment_and_changes_nothing(cast, document):
    submit(document, cast.engineer_a)
    before = snapshot(Document, DocumentEvent)
    with pytest.raises(DomainError) as exc:
        services.document_return(actor=cast.lead_a, document=document, comment="  ")
    assert "comment" in exc.value.errors
    assert snapshot(Document, DocumentEvent) == before


def test_final_review_by_meeting_records_participants(cast, head, document, meeting_people):
    to_final(document, cast, head)
    approve(
        document, cast.manager, final_mode="meeting", participants=meeting_people, comment="跨部门评审会通过"
    )
    document.refresh_from_db()
    assert document.status == S.PUBLISHED
    event = document.events.get(step="final")
    assert event.final_mode == "meeting" and set(event.participants.all()) == set(meeting_people)


def test_final_review_rules(cast, head, document):
    to_final(document, cast, head)
    before = snapshot(Document, DocumentEvent)
    with pytest.raises(DomainError) as exc:  # the mode is required
        approve(document, head)
    assert "final_mode" in exc.value.errors
    with pytest.raises(DomainError) as exc:  # a presales manager does not decide alone as "leader"
        approve(document, cast.manager, final_mode="leader")
    assert "final_mode" in exc.value.errors
    with pytest.raises(DomainError) as exc:  # a meeting of one team is not cross-department
        approve(document, cast.manager, final_mode="meeting", participants=[cast.lead_a, cast.engineer_a2])
    assert "participants" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        approve(document, cast.manager, final_mode="meeting", participants=[cast.lead_a])
    assert "participants" in exc.value.errors
    assert snapshot(Document, DocumentEvent) == before


def test_who_may_decide_each_step(cast, head, document):
    submit(document, cast.engineer_a)
    for outsider in (cast.engineer_a2, cast.sales_a, cast.engineer_b, cast.manager):
        with pytest.raises(PermissionDenied):
            approve(document, outsider)  # the department step: team lead or department head only
    with pytest.raises(PermissionDenied):
        approve(document, cast.engineer_a)  # nobody reviews their own document
    approve(document, head)  # the department head may decide it for any team
    for outsider in (cast.lead_a, cast.engineer_b):
        with pytest.raises(PermissionDenied):
            approve(document, outsider)
    approve(document, cast.manager)


def test_author_who_is_a_reviewer_cannot_review_own_document(cast, opportunity):
    own = make_document(author=cast.lead_a, opportunity=opportunity)
    submit(own, cast.lead_a)
    with pytest.raises(PermissionDenied):
        approve(own, cast.lead_a)


def test_only_the_author_submits_and_only_from_draft_or_returned(cast, head, document):
    with pytest.raises(TransitionRefused) as exc:
        approve(document, cast.lead_a)  # a draft is not under review
    assert exc.value.reasons
    with pytest.raises(PermissionDenied):
        submit(document, cast.lead_a)
    submit(document, cast.engineer_a)
    with pytest.raises(TransitionRefused):
        submit(document, cast.engineer_a)  # already under review


def test_under_review_the_document_is_frozen(cast, document):
    submit(document, cast.engineer_a)
    with pytest.raises(TransitionRefused):
        services.document_add_version(
            actor=cast.engineer_a, document=document, file=upload("x.pdf"), change_summary="x"
        )
    with pytest.raises(TransitionRefused):
        services.document_update(actor=cast.engineer_a, document=document, title="改名")


def test_steps_are_configurable_per_category(cast, head, opportunity):
    DocumentCategory.objects.filter(kind="other").update(
        needs_department_head=False, needs_presales_manager=True, needs_final_review=False
    )
    document = make_document(author=cast.engineer_a, opportunity=opportunity, kind="other")
    submit(document, cast.engineer_a)
    document.refresh_from_db()
    assert document.status == S.MANAGER_REVIEW
    approve(document, cast.manager)
    document.refresh_from_db()
    assert document.status == S.PUBLISHED


def test_a_category_without_steps_publishes_on_submission(cast, opportunity):
    DocumentCategory.objects.filter(kind="other").update(
        needs_department_head=False, needs_presales_manager=False, needs_final_review=False
    )
    document = make_document(author=cast.engineer_a, opportunity=opportunity, kind="other")
    submit(document, cast.engineer_a)
    document.refresh_from_db()
    assert document.status == S.PUBLISHED and document.published_at is not None


def test_new_version_of_a_published_document_is_a_draft_again(cast, head, document):
    to_final(document, cast, head)
    approve(document, head, final_mode="leader")
    document.refresh_from_db()
    published_version = document.published_version
    version = services.document_add_version(
        actor=cast.engineer_a,
        document=document,
        file=upload("v2.pdf", pdf_bytes("rev")),
        change_summary="更新报价",
    )
    document.refresh_from_db()
    assert document.status == S.DRAFT and version.number == 2
    assert document.published_version == published_version  # the approved version stays recorded
    assert document.events.filter(action=EventAction.VERSION_ADDED, from_status=S.PUBLISHED).exists()


def test_stale_version_is_refused(cast, document):
    from presales.core.errors import StaleObjectError

    with pytest.raises(StaleObjectError):
        services.document_submit(
            actor=cast.engineer_a, document=document, expected_version=document.version + 5
        )
    document.refresh_from_db()
    assert document.status == S.DRAFT


def test_a_meeting_needs_people_of_two_teams(cast, head, document):
    to_final(document, cast, head)
    other_team = TeamFactory(name="交付部")
    delivery = make_user(team=other_team, username="delivery", display_name="交付经理")
    approve(document, head, final_mode="meeting", participants=[cast.lead_a, delivery])
    document.refresh_from_db()
    assert document.status == S.PUBLISHED

"""Who may read and who may find a document, for each access level and each role; access requests
and time-limited grants; every refusal changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from presales.core.errors import DomainError, PermissionDenied, TransitionRefused
from presales.documents import services
from presales.documents.choices import AccessRequestStatus
from presales.documents.models import AccessRequest, Document, DocumentEvent
from presales.notifications.models import Notification
from tests.factories.documents import make_document
from tests.kit import snapshot

pytestmark = pytest.mark.django_db

EVERYONE = ("manager", "lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody", "head")


def people(cast, head):
    return {**cast.users(), "head": head}


def readers(cast, head, document) -> set[str]:
    return {
        name
        for name, user in people(cast, head).items()
        if Document.objects.visible_to(user).filter(pk=document.pk).exists()
    }


def finders(cast, head, document) -> set[str]:
    return {
        name
        for name, user in people(cast, head).items()
        if Document.objects.findable_to(user).filter(pk=document.pk).exists()
    }


def test_project_team_document(cast, head, document):
    assert readers(cast, head, document) == {"engineer_a", "sales_a", "lead_a", "manager", "head"}
    # a colleague of the same team who is not on the project finds it and may ask for access
    assert finders(cast, head, document) == readers(cast, head, document) | {"engineer_a2"}


def test_project_members_read_it(cast, head, opportunity, document):
    opportunity.members.add(cast.engineer_a2)
    assert "engineer_a2" in readers(cast, head, document)


def test_company_wide_document_is_read_by_everybody_once_published(cast, head, opportunity):
    from presales.documents.models import DocumentCategory

    DocumentCategory.objects.filter(kind="other").update(
        needs_department_head=False, needs_presales_manager=False, needs_final_review=False
    )
    document = make_document(
        author=cast.engineer_a, opportunity=opportunity, kind="other", access_level="public"
    )
    assert "engineer_b" not in readers(cast, head, document)  # a draft stays with the project team
    services.document_submit(actor=cast.engineer_a, document=document)
    assert readers(cast, head, document) == set(EVERYONE)


def test_confidential_document_is_read_by_named_people_only(cast, head, opportunity):
    document = make_document(
        author=cast.engineer_a,
        opportunity=opportunity,
        access_level="confidential",
        named_readers=[cast.engineer_a2],
    )
    assert readers(cast, head, document) == {"engineer_a", "engineer_a2"}
    assert finders(cast, head, document) == {"engineer_a", "engineer_a2"}  # not even findable by others


def test_confidential_document_is_shown_to_the_reviewers_of_its_pending_step(cast, head, opportunity):
    document = make_document(author=cast.engineer_a, opportunity=opportunity, access_level="confidential")
    services.document_submit(actor=cast.engineer_a, document=document)
    assert readers(cast, head, document) == {"engineer_a", "lead_a", "head"}
    services.document_approve(actor=cast.lead_a, document=document)
    # the presales manager decides now; the team lead reviewed it and keeps reading it; the department
    # head, who neither reviewed it nor decides this step, no longer sees it
    assert readers(cast, head, document) == {"engineer_a", "lead_a", "manager"}


def test_customer_only_document(cast, head, customer):
    customer.assistants.add(cast.engineer_a2)
    document = make_document(author=cast.engineer_a, customer=customer, kind="other")
    assert document.opportunity is None and document.team == cast.team_a
    assert readers(cast, head, document) == {
        "engineer_a",
        "engineer_a2",
        "sales_a",
        "lead_a",
        "manager",
        "head",
    }


def test_documents_of_an_opportunity_belong_to_its_customer(cast, opportunity, document):
    assert document.customer == opportunity.customer and document.team == opportunity.team


# --- access requests and grants -------------------------------------------------------------------


def test_request_grant_then_the_grant_expires(cast, head, document, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.access_request_create(
            actor=cast.engineer_a2, document=document, reason="参考方案结构"
        )
    assert Notification.objects.filter(recipient=cast.engineer_a, kind="documents.access_request").exists()
    assert "engineer_a2" not in readers(cast, head, document)
    until = timezone.localdate() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.access_request_decide(actor=cast.engineer_a, access_request=request, grant=True, until=until)
    request.refresh_from_db()
    assert request.status == AccessRequestStatus.GRANTED and request.decided_by == cast.engineer_a
    assert Notification.objects.filter(recipient=cast.engineer_a2, kind="documents.access_decision").exists()
    assert "engineer_a2" in readers(cast, head, document)
    assert document.events.filter(action="access_granted").exists()
    # four days later the grant has lapsed by itself
    later = timezone.now() + timedelta(days=4)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: later)
        assert "engineer_a2" not in readers(cast, head, document)
        assert "engineer_a2" in finders(cast, head, document)  # may ask again


def test_grant_lasts_to_the_end_of_its_last_day(cast, document):
    request = services.access_request_create(actor=cast.engineer_a2, document=document, reason="学习")
    today = timezone.localdate()
    services.access_request_decide(actor=cast.lead_a, access_request=request, grant=True, until=today)
    request.refresh_from_db()
    assert timezone.localtime(request.expires_at).date() == today + timedelta(days=1)
    assert timezone.localtime(request.expires_at).hour == 0


def test_grant_default_length_and_limits(cast, document, settings):
    settings.PRESALES_DOCUMENT_GRANT_DAYS = 10
    settings.PRESALES_DOCUMENT_GRANT_MAX_DAYS = 20
    request = services.access_request_create(actor=cast.engineer_a2, document=document, reason="学习")
    before = snapshot(AccessRequest, DocumentEvent)
    with pytest.raises(DomainError) as exc:
        services.access_request_decide(
            actor=cast.lead_a,
            access_request=request,
            grant=True,
            until=timezone.localdate() + timedelta(days=21),
        )
    assert "until" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        services.access_request_decide(
            actor=cast.lead_a,
            access_request=request,
            grant=True,
            until=timezone.localdate() - timedelta(days=1),
        )
    assert "until" in exc.value.errors
    assert snapshot(AccessRequest, DocumentEvent) == before
    services.access_request_decide(actor=cast.lead_a, access_request=request, grant=True)
    request.refresh_from_db()
    assert timezone.localtime(request.expires_at).date() == timezone.localdate() + timedelta(days=11)


def test_refusal_needs_a_reason_and_then_is_final(cast, head, document):
    request = services.access_request_create(actor=cast.engineer_a2, document=document, reason="学习")
    with pytest.raises(DomainError) as exc:
        services.access_request_decide(actor=cast.lead_a, access_request=request, grant=False)
    assert "note" in exc.value.errors
    services.access_request_decide(
        actor=cast.lead_a, access_request=request, grant=False, note="涉及报价，暂不开放"
    )
    assert "engineer_a2" not in readers(cast, head, document)
    with pytest.raises(TransitionRefused):
        services.access_request_decide(actor=cast.lead_a, access_request=request, grant=True)


def test_who_decides_access(cast, document):
    request = services.access_request_create(actor=cast.engineer_a2, document=document, reason="学习")
    for outsider in (cast.sales_a, cast.engineer_b, cast.engineer_a2):
        with pytest.raises(PermissionDenied):
            services.access_request_decide(actor=outsider, access_request=request, grant=True)
    # the author, the project's presales lead, the team lead and managers may
    assert AccessRequest.objects.visible_to(cast.manager).filter(pk=request.pk).exists()
    assert AccessRequest.objects.visible_to(cast.engineer_a2).filter(pk=request.pk).exists()
    assert not AccessRequest.objects.visible_to(cast.engineer_b).filter(pk=request.pk).exists()


def test_request_refusals(cast, head, document):
    before = snapshot(AccessRequest)
    with pytest.raises(DomainError) as exc:  # no reason
        services.access_request_create(actor=cast.engineer_a2, document=document, reason=" ")
    assert "reason" in exc.value.errors
    with pytest.raises(DomainError) as exc:  # can read it already
        services.access_request_create(actor=cast.sales_a, document=document, reason="x")
    assert exc.value.code == "already_readable"
    with pytest.raises(DomainError) as exc:  # cannot even find it (another team)
        services.access_request_create(actor=cast.engineer_b, document=document, reason="x")
    assert exc.value.code == "not_found"
    assert snapshot(AccessRequest) == before
    services.access_request_create(actor=cast.engineer_a2, document=document, reason="学习")
    with pytest.raises(DomainError) as exc:  # one pending request at a time
        services.access_request_create(actor=cast.engineer_a2, document=document, reason="再问一次")
    assert exc.value.code == "already_pending"


# --- the access level itself -----------------------------------------------------------------------


def test_responsible_people_change_the_access_level(cast, head, document):
    services.document_set_access(
        actor=cast.engineer_a, document=document, access_level="confidential", named_readers=[cast.sales_a]
    )
    assert readers(cast, head, document) == {"engineer_a", "sales_a"}
    assert document.events.filter(action="access_changed").exists()
    with pytest.raises(PermissionDenied):
        services.document_set_access(actor=cast.sales_a, document=document, access_level="team")


def test_set_access_refuses_bad_input(cast, document):
    from presales.accounts.models import User

    inactive = User.objects.create(username="gone", is_active=False)
    before = snapshot(Document, DocumentEvent)
    with pytest.raises(DomainError) as exc:
        services.document_set_access(actor=cast.engineer_a, document=document, access_level="secret")
    assert "access_level" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        services.document_set_access(
            actor=cast.engineer_a, document=document, access_level="team", named_readers=[inactive]
        )
    assert "named_readers" in exc.value.errors
    assert snapshot(Document, DocumentEvent) == before

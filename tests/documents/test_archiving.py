"""The periodic archiving job: documents of closed projects (after a grace period) and documents past
their validity date are archived; archived documents are read-only and still findable."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from presales.core.errors import DomainError, PermissionDenied, TransitionRefused
from presales.documents import services, tasks
from presales.documents.choices import ArchiveReason, DocumentStatus
from presales.documents.models import Document
from presales.opportunities.models import Opportunity
from tests.factories.documents import make_document, pdf_bytes, upload
from tests.factories.opportunities import OpportunityFactory

pytestmark = pytest.mark.django_db


def close(opportunity, days_ago):
    Opportunity.objects.filter(pk=opportunity.pk).update(
        stage="won", closed_at=timezone.now() - timedelta(days=days_ago)
    )


def test_the_job_is_scheduled_daily():
    entry = django_settings.CELERY_BEAT_SCHEDULE["documents-archive"]
    assert entry["task"] == "presales.documents.tasks.archive_documents"
    assert tasks.archive_documents.name == entry["task"]


def test_documents_of_projects_closed_long_enough_are_archived(
    cast, customer, settings, django_capture_on_commit_callbacks
):
    settings.PRESALES_DOCUMENT_ARCHIVE_CLOSED_AFTER_DAYS = 30
    old = OpportunityFactory(customer=customer, presales_lead=cast.engineer_a)
    recent = OpportunityFactory(customer=customer, presales_lead=cast.engineer_a)
    running = OpportunityFactory(customer=customer, presales_lead=cast.engineer_a)
    docs = {
        name: make_document(author=cast.engineer_a, opportunity=o)
        for name, o in (("old", old), ("recent", recent), ("running", running))
    }
    close(old, 31)
    close(recent, 5)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.archive_documents.delay().get() == 1
    for d in docs.values():
        d.refresh_from_db()
    assert docs["old"].status == DocumentStatus.ARCHIVED
    assert docs["old"].archive_reason == ArchiveReason.PROJECT_CLOSED and docs["old"].archived_at
    assert docs["recent"].status == docs["running"].status == DocumentStatus.DRAFT
    event = docs["old"].events.get(action="archived")
    assert event.actor is None and event.from_status == DocumentStatus.DRAFT
    assert cast.engineer_a.notifications.filter(kind="documents.archived").count() == 1
    assert tasks.archive_documents() == 0  # nothing left to do


def test_documents_past_their_validity_are_archived(cast, opportunity, document):
    expiring = make_document(author=cast.engineer_a, opportunity=opportunity)
    yesterday = timezone.localdate() - timedelta(days=1)
    Document.objects.filter(pk=expiring.pk).update(valid_until=yesterday)
    Document.objects.filter(pk=document.pk).update(valid_until=timezone.localdate())  # valid through today
    assert services.archive_due_documents() == 1
    expiring.refresh_from_db()
    document.refresh_from_db()
    assert expiring.status == DocumentStatus.ARCHIVED and expiring.archive_reason == ArchiveReason.EXPIRED
    assert document.status == DocumentStatus.DRAFT


def test_archived_documents_are_read_only_but_findable_and_readable(cast, document):
    services.document_archive(actor=cast.engineer_a, document=document, comment="方案已过时")
    document.refresh_from_db()
    assert document.status == DocumentStatus.ARCHIVED and document.archive_reason == ArchiveReason.MANUAL
    for call in (
        lambda: services.document_update(actor=cast.engineer_a, document=document, title="x"),
        lambda: services.document_add_version(
            actor=cast.engineer_a, document=document, file=upload("x.pdf", pdf_bytes("x")), change_summary="x"
        ),
        lambda: services.document_submit(actor=cast.engineer_a, document=document),
        lambda: services.document_set_access(actor=cast.engineer_a, document=document, access_level="public"),
        lambda: services.document_archive(actor=cast.engineer_a, document=document, comment="again"),
    ):
        with pytest.raises(TransitionRefused):
            call()
    assert Document.objects.visible_to(cast.sales_a).filter(pk=document.pk).exists()
    assert Document.objects.findable_to(cast.engineer_a2).filter(pk=document.pk).exists()


def test_manual_archive_rules(cast, document):
    with pytest.raises(PermissionDenied):
        services.document_archive(actor=cast.sales_a, document=document, comment="x")
    with pytest.raises(DomainError) as exc:
        services.document_archive(actor=cast.engineer_a, document=document, comment="")
    assert "comment" in exc.value.errors
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT

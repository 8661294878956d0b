"""Reads. Lists start from `findable_to(user)`, everything that shows content from
`visible_to(user)` (readable)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import permissions
from .choices import AccessLevel, AccessRequestStatus
from .models import AccessRequest, Document, DocumentEvent, DocumentVersion, DownloadLog

DETAIL_EVENTS = 50
DETAIL_DOWNLOADS = 20

LIST_RELATED = ("category", "customer", "opportunity", "author", "current_version__blob")
# The API also shows the current version's author and the published version's number.
API_RELATED = (*LIST_RELATED, "current_version__author", "published_version")


def document_list(*, user) -> QuerySet[Document]:
    """Documents the user may find, newest first, with what the list shows."""
    return Document.objects.findable_to(user).select_related(*LIST_RELATED).order_by("-created_at", "-pk")


def readable_ids(*, user, documents) -> set[int]:
    """Which of these documents the user may read (one query for a page of a list)."""
    ids = [d.pk for d in documents]
    if not ids:
        return set()
    return set(Document.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def detail_queryset(*, user, readable: bool = True) -> QuerySet[Document]:
    qs = Document.objects.visible_to(user) if readable else Document.objects.findable_to(user)
    return qs.select_related(
        "category",
        "customer",
        "opportunity",
        "team",
        "author",
        "current_version__blob",
        "published_version",
        "created_by",
    )


def document_detail_context(*, document: Document, user) -> dict:
    """What the document page shows to a reader: versions, the full history of events, the
    access requests the user may decide (or made), the download log for the responsible people."""
    versions = list(
        DocumentVersion.objects.filter(document=document).select_related("author", "blob").order_by("-number")
    )
    for v in versions:
        v.document = document
    events = list(
        DocumentEvent.objects.filter(document=document)
        .select_related("actor", "version")
        .prefetch_related("participants")
        .order_by("-at", "-pk")[:DETAIL_EVENTS]
    )
    responsible = permissions.is_responsible(user, document)
    requests_qs = AccessRequest.objects.filter(document=document).select_related("requester", "decided_by")
    if not responsible:
        requests_qs = requests_qs.filter(requester=user)
    access_requests = list(requests_qs.order_by("-requested_at", "-pk")[:20])
    now = timezone.now()
    for r in access_requests:
        r.document = document
        r.active = r.is_active_grant(now)
        r.expired = r.status == AccessRequestStatus.GRANTED and not r.active
        r.can_decide = permissions.can_decide_request(user, r)
    downloads = []
    if document.access_level == AccessLevel.CONFIDENTIAL and permissions.can_see_downloads(user, document):
        downloads = list(
            DownloadLog.objects.filter(document=document)
            .select_related("user", "version")
            .order_by("-at", "-pk")[:DETAIL_DOWNLOADS]
        )
    return {
        "versions": versions,
        "events": events,
        "access_requests": access_requests,
        "downloads": downloads,
        "named_readers": list(document.named_readers.order_by("display_name", "username")),
        "is_responsible": responsible,
    }


def version_of(*, document: Document, number: int) -> DocumentVersion:
    version = get_object_or_404(
        DocumentVersion.objects.select_related("blob", "author"), document=document, number=number
    )
    version.document = document
    return version


def access_request_list(*, user) -> QuerySet[AccessRequest]:
    return (
        AccessRequest.objects.visible_to(user)
        .select_related(
            "document__opportunity", "document__customer", "document__category", "requester", "decided_by"
        )
        .order_by("-requested_at", "-pk")
    )


def access_request_prefetch():
    return Prefetch("access_requests", queryset=AccessRequest.objects.select_related("requester"))

"""Other modules' generated files as registered documents (documents.artefacts): one document per
source record and kind, new content as a new version, identical content as nothing, archived or
in-review documents refused; and the POC's launch confirmation filed from its page."""

import pytest
from django.urls import reverse

from presales.core.errors import TransitionRefused
from presales.documents import services
from presales.documents.artefacts import archive_artefact, artefact_documents, source_key
from presales.documents.choices import DocumentStatus
from presales.documents.models import Document
from tests.factories.documents import docx_bytes, pdf_bytes
from tests.factories.poc import complete, make_opportunity, make_poc
from tests.kit import check_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def poc(cast):
    opportunity = make_opportunity(cast, members=[cast.engineer_a2])
    return complete(make_poc(cast, opportunity=opportunity, title="高温BMS验证"), cast.engineer_a)


def archive(cast, poc, content: bytes, *, kind="report", actor=None, summary="", ext="pdf"):
    return archive_artefact(
        actor=actor or cast.engineer_a,
        source=poc,
        kind=kind,
        title="验证报告",
        category_kind="demo",
        filename=f"{poc.number}-{kind}.{ext}",
        content=content,
        opportunity=poc.opportunity,
        change_summary=summary,
    )


def test_first_archiving_registers_a_numbered_document_of_the_project(cast, poc):
    document = archive(cast, poc, pdf_bytes("first"))
    assert document.number.startswith("YS") and len(document.number) == 11
    assert document.opportunity == poc.opportunity and document.customer == poc.customer
    assert document.category.kind == "demo"
    assert document.source_key == source_key(poc, "report") == f"poc.poc:{poc.pk}:report"
    assert document.current_version.number == 1
    assert document.status == DocumentStatus.DRAFT


def test_archiving_again_adds_a_version_to_the_same_document(cast, poc):
    first = archive(cast, poc, pdf_bytes("first"))
    second = archive(cast, poc, pdf_bytes("second"), summary="criteria re-measured")
    assert second.pk == first.pk and second.number == first.number
    assert [v.number for v in second.versions.order_by("number")] == [1, 2]
    assert second.current_version.change_summary == "criteria re-measured"
    assert Document.objects.filter(source_key__startswith=f"poc.poc:{poc.pk}:").count() == 1


def test_identical_content_adds_nothing(cast, poc):
    first = archive(cast, poc, pdf_bytes("same"))
    again = archive(cast, poc, pdf_bytes("same"))
    assert again.pk == first.pk and again.versions.count() == 1


def test_each_kind_is_its_own_document(cast, poc):
    report = archive(cast, poc, pdf_bytes("a"), kind="report")
    other = archive(cast, poc, pdf_bytes("b"), kind="summary")
    assert report.pk != other.pk and report.number != other.number
    assert [d.pk for d in artefact_documents(poc)] == sorted([report.pk, other.pk], key=lambda pk: Document.objects.get(pk=pk).number)


def test_a_published_document_takes_the_new_version_as_a_draft(cast, poc):
    document = archive(cast, poc, pdf_bytes("v1"))
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.PUBLISHED)
    again = archive(cast, poc, pdf_bytes("v2"))
    assert again.status == DocumentStatus.DRAFT and again.current_version.number == 2


def test_a_document_in_review_refuses_a_new_version_and_keeps_its_file(cast, poc):
    document = archive(cast, poc, pdf_bytes("v1"))
    services.document_submit(actor=cast.engineer_a, document=document)
    document.refresh_from_db()
    assert document.status not in (DocumentStatus.DRAFT, DocumentStatus.RETURNED)
    with pytest.raises(TransitionRefused):
        archive(cast, poc, pdf_bytes("v2"))
    document.refresh_from_db()
    assert document.versions.count() == 1


def test_an_archived_document_is_read_only(cast, poc):
    document = archive(cast, poc, pdf_bytes("v1"))
    services.document_archive(actor=cast.manager, document=document, comment="project closed")
    with pytest.raises(TransitionRefused) as refused:
        archive(cast, poc, pdf_bytes("v2"))
    assert document.number in str(refused.value)
    assert Document.objects.get(pk=document.pk).versions.count() == 1


def test_listing_respects_who_may_read(cast, poc):
    archive(cast, poc, pdf_bytes("v1"))
    assert artefact_documents(poc, cast.engineer_a).count() == 1
    assert artefact_documents(poc, cast.engineer_b).count() == 0


def test_filing_from_the_poc_page_then_refiling_as_a_new_version(client, cast, poc):
    url = reverse("poc:archive_export", args=[poc.pk])
    client.force_login(cast.engineer_a)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"document": "confirmation", "fmt": "docx", "change_summary": ""})
    assert response.status_code == 302
    document = Document.objects.get(source_key=f"poc.poc:{poc.pk}:confirmation.docx")
    assert document.title.startswith("POC") or poc.number in document.title
    detail = client.get(reverse("poc:detail", args=[poc.pk]))
    assert document.number in detail.content.decode()
    poc.title = "高温BMS验证（第二轮）"
    poc.save(update_fields=["title"])
    client.post(url, {"document": "confirmation", "fmt": "docx", "change_summary": "第二轮"})
    document.refresh_from_db()
    assert document.versions.count() == 2 and document.current_version.change_summary == "第二轮"


def test_filing_refuses_an_unknown_document(client, cast, poc):
    client.force_login(cast.engineer_a)
    response = client.post(reverse("poc:archive_export", args=[poc.pk]), {"document": "nope", "fmt": "pdf"})
    assert response.status_code == 200 and "document" in response.context["form"].errors
    assert not Document.objects.filter(source_key__startswith=f"poc.poc:{poc.pk}:").exists()


def test_who_may_file_a_poc_document(client, cast, poc):
    check_access(
        client,
        cast,
        reverse("poc:archive_export", args=[poc.pk]),
        permitted=["manager", "lead_a", "engineer_a", "engineer_a2"],
        forbidden=["sales_a"],
        hidden=["engineer_b", "nobody"],
    )


def test_docx_content_type_is_accepted(cast, poc):
    document = archive(cast, poc, docx_bytes("确认书"), kind="confirmation.docx", ext="docx")
    assert document.current_version.blob.file_type == "docx"

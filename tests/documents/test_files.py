"""Uploads: type, size, empty and extension checks with translated field errors; storage through
the storage API, de-duplicated by SHA-256; generated files registered the same way."""

import hashlib

import pytest
from django.core.files.storage import default_storage

from presales.core.errors import DomainError
from presales.documents import files, services
from presales.documents.models import Document, DocumentVersion, FileBlob
from tests.factories.documents import category, docx_bytes, make_document, pdf_bytes, png_bytes, upload
from tests.kit import snapshot

pytestmark = pytest.mark.django_db

MODELS = (Document, DocumentVersion, FileBlob)


def create(cast, opportunity, name, content):
    return services.document_create(
        actor=cast.engineer_a,
        title="方案",
        category=category(),
        opportunity=opportunity,
        file=upload(name, content),
    )


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("tool.exe", b"MZ\x90\x00\x03" + b"\x00" * 200, "不接受"),  # type not on the allow-list
        ("empty.pdf", b"", "空"),  # empty
        ("report.pdf", docx_bytes(), ".pdf"),  # extension says PDF, content is a Word file
        ("photo.png", pdf_bytes(), ".png"),  # extension says PNG, content is a PDF
        ("notes.docx", b"just text, not a zip\n", ".docx"),  # not an Office file at all
        ("noextension", pdf_bytes(), "不接受"),
    ],
)
def test_refused_uploads_name_the_problem_and_change_nothing(
    cast, opportunity, media, name, content, fragment
):
    before = snapshot(*MODELS)
    with pytest.raises(DomainError) as exc:
        create(cast, opportunity, name, content)
    assert "file" in exc.value.errors
    assert any(fragment in str(m) for m in exc.value.errors["file"]), exc.value.errors
    assert snapshot(*MODELS) == before
    assert not (media / "documents").exists()


def test_too_big(cast, opportunity, settings):
    settings.PRESALES_DOCUMENT_MAX_UPLOAD_MB = 1
    with pytest.raises(DomainError) as exc:
        create(cast, opportunity, "big.txt", b"x" * (1024 * 1024 + 1))
    assert "1 MB" in exc.value.errors["file"][0]


def test_allow_list_is_configurable(cast, opportunity, settings):
    settings.PRESALES_DOCUMENT_ALLOWED_TYPES = ["pdf"]
    with pytest.raises(DomainError):
        create(cast, opportunity, "a.png", png_bytes())
    assert create(cast, opportunity, "a.pdf", pdf_bytes()).current_version.blob.file_type == "pdf"


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("方案.pdf", pdf_bytes(), "pdf"),
        ("架构图.png", png_bytes(), "png"),
        ("方案.docx", docx_bytes(), "docx"),
        ("清单.csv", "序号,名称\n1,储能柜\n".encode(), "txt"),
        ("说明.txt", "中文说明".encode("gb18030"), "txt"),
    ],
)
def test_accepted_types_are_stored_through_the_storage_api(cast, opportunity, name, content, kind):
    document = create(cast, opportunity, name, content)
    blob = document.current_version.blob
    assert blob.file_type == kind and blob.size == len(content)
    assert blob.sha256 == hashlib.sha256(content).hexdigest()
    assert blob.name == f"documents/blobs/{blob.sha256[:2]}/{blob.sha256}"
    with default_storage.open(blob.name, "rb") as f:
        assert f.read() == content
    assert document.current_version.filename == name


def test_same_content_is_stored_once(cast, opportunity, media):
    content = pdf_bytes("shared")
    first = create(cast, opportunity, "a.pdf", content)
    second = create(cast, opportunity, "b.pdf", content)
    assert first.current_version.blob_id == second.current_version.blob_id
    assert FileBlob.objects.count() == 1
    stored = [p for p in (media / "documents" / "blobs").rglob("*") if p.is_file()]
    assert len(stored) == 1


def test_an_unchanged_file_is_not_a_new_version(cast, document):
    same = document.current_version.blob
    with default_storage.open(same.name, "rb") as f:
        content = f.read()
    with pytest.raises(DomainError) as exc:
        services.document_add_version(
            actor=cast.engineer_a,
            document=document,
            file=upload("again.pdf", content),
            change_summary="再传一次",
        )
    assert "file" in exc.value.errors


def test_new_version_needs_a_change_summary(cast, document):
    before = snapshot(*MODELS)
    with pytest.raises(DomainError) as exc:
        services.document_add_version(
            actor=cast.engineer_a, document=document, file=upload("v2.pdf"), change_summary=""
        )
    assert "change_summary" in exc.value.errors
    assert snapshot(*MODELS) == before


def test_versions_keep_metadata_snapshots_and_diff(cast, document):
    from presales.documents import metadata

    services.document_add_version(
        actor=cast.engineer_a,
        document=document,
        file=upload("方案v2.pdf", pdf_bytes("2")),
        change_summary="更新架构",
        title="储能BMS解决方案（第二版）",
    )
    v1, v2 = document.versions.order_by("number")
    changes = {c["key"]: c for c in metadata.diff(v1.metadata, v2.metadata)}
    assert set(changes) == {"title", "filename", "size", "sha256"} or set(changes) == {
        "title",
        "filename",
        "sha256",
    }
    assert changes["title"]["new"] == "储能BMS解决方案（第二版）"
    assert v2.author == cast.engineer_a and v2.change_summary == "更新架构"


def test_generated_documents_are_registered_like_uploads(cast, opportunity):
    document = services.document_register_generated(
        actor=cast.engineer_a,
        opportunity=opportunity,
        title="POC报告",
        category_kind="demo",
        filename="poc-report.pdf",
        content=pdf_bytes("report"),
    )
    assert document.number.startswith("YS") and document.current_version.blob.file_type == "pdf"
    with pytest.raises(DomainError):
        services.document_register_generated(
            actor=cast.engineer_a,
            opportunity=opportunity,
            title="x",
            category_kind="demo",
            filename="x.pdf",
            content=b"not a pdf",
        )


def test_upload_errors_helper_without_a_file():
    assert files.upload_errors(None)


def test_document_needs_a_place(cast, opportunity, customer):
    with pytest.raises(DomainError) as exc:
        services.document_create(actor=cast.engineer_a, title="x", category=category(), file=upload())
    assert "opportunity" in exc.value.errors
    from tests.factories import CustomerFactory

    other = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    with pytest.raises(DomainError) as exc:
        services.document_create(
            actor=cast.engineer_a,
            title="x",
            category=category(),
            file=upload(),
            opportunity=opportunity,
            customer=other,
        )
    assert "customer" in exc.value.errors
    with pytest.raises(DomainError) as exc:  # not on the project's team
        services.document_create(
            actor=cast.engineer_a2, title="x", category=category(), file=upload(), opportunity=opportunity
        )
    assert "opportunity" in exc.value.errors
    with pytest.raises(DomainError) as exc:  # cannot see the project
        services.document_create(
            actor=cast.engineer_b, title="x", category=category(), file=upload(), opportunity=opportunity
        )
    assert "opportunity" in exc.value.errors


def test_title_and_validity_are_checked(cast, opportunity):
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(DomainError) as exc:
        services.document_create(
            actor=cast.engineer_a,
            title=" ",
            category=category(),
            file=upload(),
            opportunity=opportunity,
            valid_until=timezone.localdate() - timedelta(days=1),
        )
    assert {"title", "valid_until"} <= set(exc.value.errors)


def test_edit_details(cast, document):
    services.document_update(actor=cast.engineer_a, document=document, title="新标题", description="说明")
    document.refresh_from_db()
    assert document.title == "新标题" and document.version == 2
    with pytest.raises(DomainError):
        services.document_update(actor=cast.engineer_a, document=document, number="X")
    from presales.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.document_update(actor=cast.engineer_a2, document=document, title="x")


def test_make_document_helper(cast, opportunity):
    assert make_document(author=cast.engineer_a, opportunity=opportunity).versions.count() == 1

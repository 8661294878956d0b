"""`presales backup` / `presales restore`: a backup round-trips into an empty database and an empty
storage with nothing lost (every row of every model, every file byte for byte), and the restore
refuses what it must."""

import json
import shutil
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone

from presales.accounts.models import User
from presales.documents import backup, services
from presales.documents.models import Document, FileBlob
from tests.factories.documents import make_document, pdf_bytes, png_bytes, upload

# Real transactions: the restore flushes and reloads the database as it would in production (on
# PostgreSQL a TRUNCATE inside a test transaction with pending constraint checks is refused).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _normalise(model, row: dict) -> tuple:
    """A row as comparable values; ids of content types and permissions (re-created by migrate with
    other ids) are replaced by their natural keys."""
    out = []
    for field in model._meta.concrete_fields:
        if model._meta.auto_created and field.primary_key:
            continue  # a many-to-many link is its pair of ids; the link row's own id is not data
        value = row[field.attname]
        target = getattr(field, "related_model", None)
        if value is not None and target is ContentType:
            value = ContentType.objects.get_for_id(value).natural_key()
        elif value is not None and target is Permission:
            value = Permission.objects.get(pk=value).natural_key()
        out.append((field.attname, repr(value)))
    return tuple(out)


def everything() -> dict[str, list]:
    picture = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.app_label in backup.EXCLUDED or label in backup.EXCLUDED:
            continue
        ContentType.objects.clear_cache()
        picture[label] = sorted(
            _normalise(model, r)
            for r in model._base_manager.values(*[f.attname for f in model._meta.concrete_fields])
        )
    return picture


def stored_files(media) -> dict[str, bytes]:
    return {str(p.relative_to(media)): p.read_bytes() for p in media.rglob("*") if p.is_file()}


@pytest.fixture
def company(cast, head, opportunity, customer, django_capture_on_commit_callbacks):
    """A bit of everything: documents in several states with versions, a published one with a
    meeting, an access grant, a confidential download, notifications, history rows."""
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_document(
            author=cast.engineer_a, opportunity=opportunity, title="需求调研报告", kind="research"
        )
        image = make_document(
            author=cast.engineer_a, customer=customer, kind="other", filename="架构.png", content=png_bytes(7)
        )
        secret = make_document(
            author=cast.engineer_a,
            opportunity=opportunity,
            access_level="confidential",
            named_readers=[cast.engineer_a2],
            filename="报价.pdf",
        )
        published = make_document(
            author=cast.engineer_a, opportunity=opportunity, title="投标文件", kind="bid"
        )
        services.document_add_version(
            actor=cast.engineer_a,
            document=published,
            file=upload("v2.pdf", pdf_bytes("v2")),
            change_summary="补充资质",
        )
        services.document_submit(actor=cast.engineer_a, document=published)
        services.document_return(actor=cast.lead_a, document=published, comment="缺少业绩证明")
        services.document_submit(actor=cast.engineer_a, document=published)
        services.document_approve(actor=cast.lead_a, document=published)
        services.document_approve(actor=cast.manager, document=published)
        services.document_approve(
            actor=cast.manager,
            document=published,
            final_mode="meeting",
            participants=[cast.manager, cast.engineer_b, head],
        )
        request = services.access_request_create(actor=cast.engineer_a2, document=draft, reason="参考")
        services.access_request_decide(
            actor=cast.engineer_a,
            access_request=request,
            grant=True,
            until=timezone.localdate() + timedelta(days=5),
        )
        services.document_download_record(
            user=cast.engineer_a2, document=secret, version=secret.current_version, inline=False
        )
        services.document_archive(actor=cast.engineer_a, document=image, comment="过期")
    return {"draft": draft, "published": published, "secret": secret, "image": image}


def test_round_trip_into_an_empty_database_loses_nothing(company, media, tmp_path, cast, opportunity):
    before = everything()
    files_before = stored_files(media)
    assert len(files_before) == FileBlob.objects.count() == 5
    assert before["documents.document"] and before["documents.documentevent_participants"]
    assert before["documents.historicaldocument"] and before["notifications.notification"]

    target = tmp_path / "backups" / "presales.zip"
    call_command("backup", str(target), verbosity=0)
    assert target.exists() and not target.with_name("presales.zip.partial").exists()

    # an empty system: no rows, no files
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    assert not User.objects.exists() and not Document.objects.exists()

    call_command("restore", str(target), verbosity=0)
    after = everything()
    for label in before:
        assert after[label] == before[label], (label, set(after[label]) ^ set(before[label]))
    assert stored_files(media) == files_before

    # the restored system works: numbers continue where they were, files are served
    new = make_document(
        author=User.objects.get(username="engineer_a"), opportunity=opportunity, kind="research"
    )
    assert int(new.number[-3:]) == int(company["draft"].number[-3:]) + 1


def test_backup_manifest(company, tmp_path):
    summary = backup.create_backup(tmp_path / "b.zip")
    with zipfile.ZipFile(summary.path) as archive:
        manifest = backup.read_manifest(archive)
        names = set(archive.namelist())
    assert manifest["counts"]["documents.document"] == 4
    assert "documents" in manifest["migrations"] and manifest["database"] in ("sqlite", "postgresql")
    assert {f"files/{f['name']}" for f in manifest["files"]} <= names and "db.pjsonl" in names
    assert summary.files == 5 and summary.rows > 0
    assert "tables" in backup.describe(summary)


def test_restore_refuses_a_non_empty_database_unless_forced(company, tmp_path):
    target = tmp_path / "b.zip"
    backup.create_backup(target)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(target), verbosity=0)
    Document.objects.filter(pk=company["draft"].pk).update(title="改过的标题")
    call_command("restore", str(target), "--force", verbosity=0)
    assert Document.objects.get(pk=company["draft"].pk).title == "需求调研报告"


def test_restore_refuses_damaged_or_foreign_files(company, tmp_path):
    target = tmp_path / "b.zip"
    backup.create_backup(target)
    call_command("flush", interactive=False, verbosity=0)

    not_zip = tmp_path / "x.zip"
    not_zip.write_bytes(b"hello")
    with pytest.raises(CommandError, match="not a ZIP"):
        call_command("restore", str(not_zip), verbosity=0)
    with pytest.raises(CommandError, match="No such file"):
        call_command("restore", str(tmp_path / "missing.zip"), verbosity=0)

    def rewrite(name, change):
        copy = tmp_path / name
        with zipfile.ZipFile(target) as src, zipfile.ZipFile(copy, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                dst.writestr(item, change(item.filename, data))
        return copy

    def other_schema(filename, data):
        if filename != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["documents"].append("9999_future")
        return json.dumps(manifest).encode()

    with pytest.raises(CommandError, match="schema differs"):
        call_command("restore", str(rewrite("schema.zip", other_schema)), verbosity=0)

    def damaged(filename, data):
        return data[:-1] + b"!" if filename.startswith("files/") else data

    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(rewrite("damaged.zip", damaged)), verbosity=0)
    assert not User.objects.exists()  # the failed restore changed nothing

    def foreign(filename, data):
        return json.dumps({"format": "other"}).encode() if filename == "manifest.json" else data

    with pytest.raises(CommandError, match="Not a presales backup"):
        call_command("restore", str(rewrite("foreign.zip", foreign)), verbosity=0)


def test_backup_refuses_when_a_stored_file_is_missing(company, media, tmp_path):
    blob = FileBlob.objects.first()
    (media / blob.name).unlink()
    with pytest.raises(CommandError, match="missing"):
        call_command("backup", str(tmp_path / "b.zip"), verbosity=0)
    assert not (tmp_path / "b.zip").exists()


def test_default_backup_path(settings, tmp_path):
    assert backup.default_backup_path(tmp_path).parent == tmp_path / "backups"
    assert backup.default_backup_path(tmp_path).suffix == ".zip"

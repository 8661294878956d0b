"""One consistent backup of the whole system — database and stored files — in one ZIP file, and its
restore into an empty database. Used by `presales backup` and `presales restore`.

Format (`presales-backup`, version 1):

    manifest.json   format, version, time, Django version, database vendor, the applied migrations,
                    the row count of every model, every stored file with its size and SHA-256
    db.pjsonl       Django's `dumpdata` of every model as JSON Lines with times to the microsecond
                    (precise_jsonl.py), with natural foreign keys so that references to content
                    types and permissions survive their re-creation; content types, permissions and
                    sessions are left out (a migrated database makes them itself)
    files/<name>    every file of the default storage (local folder or S3 bucket), by its name

Consistency: the database is read in one transaction (REPEATABLE READ on PostgreSQL; on SQLite the
transaction holds the write lock, so writers wait a moment), which is one snapshot. Document files
are content-addressed and never change or disappear while a version refers to them, and a blob's
file is written before its row commits; so every file the snapshot names exists when the files are
copied afterwards (files created meanwhile are copied too and are harmless). A missing file is an
error, not a silent gap.

Restore checks the manifest, that the database is migrated to the same migrations, and that it is
empty (no users; `force` replaces a non-empty one), then, in one transaction, flushes it, loads the
rows, writes the files and verifies every count and every file's SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from presales.accounts import authz

from . import precise_jsonl

FORMAT = "presales-backup"
FORMAT_VERSION = 1
# Rebuilt by `migrate` (content types, permissions) or not worth keeping (sessions).
EXCLUDED = ("contenttypes", "auth.permission", "sessions")
FILES_PREFIX = "files/"
DUMP_NAME = f"db.{precise_jsonl.FORMAT}"


class BackupError(Exception):
    """The backup or the restore cannot be done; the message says why (nothing was changed)."""


@dataclass
class Summary:
    path: Path
    models: int
    rows: int
    files: int
    bytes: int


def _excluded(model) -> bool:
    label = model._meta.label_lower
    return model._meta.app_label in EXCLUDED or label in EXCLUDED


def backed_up_models() -> list:
    return [m for m in apps.get_models() if not _excluded(m) and m._meta.managed and not m._meta.proxy]


def row_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in backed_up_models()}


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def storage_files(storage=default_storage, folder: str = "") -> list[str]:
    """Every file name in the storage, recursively (works for local folders and S3 alike)."""
    try:
        directories, names = storage.listdir(folder)
    except FileNotFoundError:
        return []
    found = [f"{folder}/{n}" if folder else n for n in names]
    for directory in directories:
        found += storage_files(storage, f"{folder}/{directory}" if folder else directory)
    return sorted(found)


def _sha256_of(fileobj) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _dump_database(target: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """dumpdata into `target` inside one read snapshot; returns the counts and migrations seen."""
    connection = connections[DEFAULT_DB_ALIAS]
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        counts = row_counts()
        migrations = applied_migrations()
        precise_jsonl.register()
        call_command(
            "dumpdata",
            exclude=list(EXCLUDED),
            natural_foreign=True,
            format=precise_jsonl.FORMAT,
            output=str(target),
            verbosity=0,
        )
        missing = _missing_blob_files()
    if missing:
        raise BackupError(
            f"{len(missing)} stored document file(s) are missing from the storage, e.g. {missing[0]}; "
            "the backup would be incomplete."
        )
    return counts, migrations


def _missing_blob_files() -> list[str]:
    from .models import FileBlob

    return [
        name for name in FileBlob.objects.values_list("name", flat=True) if not default_storage.exists(name)
    ]


def create_backup(path: str | os.PathLike) -> Summary:
    """Write the backup ZIP to `path` (its folder is created if needed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="presales-backup-") as work:
        dump = Path(work) / DUMP_NAME
        counts, migrations = _dump_database(dump)
        partial = path.with_name(path.name + ".partial")
        file_entries = []
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.write(dump, DUMP_NAME)
            for name in storage_files():
                with (
                    default_storage.open(name, "rb") as source,
                    archive.open(FILES_PREFIX + name, "w", force_zip64=True) as target,
                ):
                    digest, size = hashlib.sha256(), 0
                    for chunk in iter(lambda: source.read(1024 * 1024), b""):
                        target.write(chunk)
                        digest.update(chunk)
                        size += len(chunk)
                file_entries.append({"name": name, "size": size, "sha256": digest.hexdigest()})
            manifest = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "django": django.get_version(),
                "database": connections[DEFAULT_DB_ALIAS].vendor,
                "migrations": migrations,
                "counts": counts,
                "files": file_entries,
            }
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        partial.replace(path)  # a backup file exists only once complete
    return Summary(
        path=path,
        models=len(counts),
        rows=sum(counts.values()),
        files=len(file_entries),
        bytes=sum(f["size"] for f in file_entries),
    )


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise BackupError("Not a presales backup: manifest.json is missing or unreadable.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError("Not a presales backup (unknown format).")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"Backup format version {manifest.get('version')} is not supported (expected {FORMAT_VERSION})."
        )
    return manifest


def _check_migrations(manifest: dict) -> None:
    here = applied_migrations()
    theirs = manifest.get("migrations", {})
    missing = sorted(
        f"{app}.{m}" for app, names in theirs.items() for m in names if m not in here.get(app, [])
    )
    extra = sorted(f"{app}.{m}" for app, names in here.items() for m in names if m not in theirs.get(app, []))
    if missing or extra:
        detail = []
        if missing:
            detail.append(f"not applied here: {', '.join(missing[:5])}")
        if extra:
            detail.append(f"applied here but not in the backup: {', '.join(extra[:5])}")
        raise BackupError(
            "The database schema differs from the backup's (" + "; ".join(detail) + "). Restore with the "
            "release that made the backup, into a database migrated by it (`presales migrate`)."
        )


def database_is_empty() -> bool:
    from django.contrib.auth import get_user_model

    return not get_user_model()._base_manager.exists()


def restore_backup(path: str | os.PathLike, *, force: bool = False) -> Summary:
    """Restore the backup at `path` into this (migrated, empty) database and the default storage."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"No such file: {path}")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise BackupError(f"Not a presales backup (not a ZIP file): {path}") from exc
    with archive, tempfile.TemporaryDirectory(prefix="presales-restore-") as work:
        manifest = read_manifest(archive)
        _check_migrations(manifest)
        if not force and not database_is_empty():
            raise BackupError(
                "The database is not empty (it has users). Restore into an empty database, "
                "or pass --force to replace everything in it."
            )
        dump = Path(work) / DUMP_NAME
        with archive.open(DUMP_NAME) as source, open(dump, "wb") as target:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                target.write(chunk)
        with transaction.atomic(), _history_paused(), authz.loading():
            call_command("flush", interactive=False, verbosity=0)
            precise_jsonl.register()
            call_command("loaddata", str(dump), verbosity=0)
            counts = row_counts()
            wrong = {k: (v, counts.get(k)) for k, v in manifest["counts"].items() if counts.get(k) != v}
            if wrong:
                label, (expected, got) = next(iter(wrong.items()))
                raise BackupError(
                    f"Restored row counts differ from the backup's, e.g. {label}: {got} instead of "
                    f"{expected}. Nothing was restored."
                )
            written = _restore_files(archive, manifest["files"])
    return Summary(
        path=path,
        models=len(counts),
        rows=sum(counts.values()),
        files=written,
        bytes=sum(f["size"] for f in manifest["files"]),
    )


@contextmanager
def _history_paused():
    """Loading rows must not write history rows of its own (the backup has the history already):
    django-simple-history records many-to-many changes even for raw loads."""
    had = hasattr(settings, "SIMPLE_HISTORY_ENABLED")
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        if had:
            settings.SIMPLE_HISTORY_ENABLED = previous
        else:
            del settings.SIMPLE_HISTORY_ENABLED


def _restore_files(archive: zipfile.ZipFile, entries: list[dict]) -> int:
    """Write every file of the backup into the default storage (an existing file with the same
    content is kept, one with other content replaced) and check each one's SHA-256."""
    written = 0
    for entry in entries:
        name = entry["name"]
        data = archive.read(FILES_PREFIX + name)
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["sha256"]:
            raise BackupError(f"The backup's copy of {name} is damaged (SHA-256 differs).")
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as existing:
                if _sha256_of(existing)[0] == digest:
                    continue
            default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:
            raise BackupError(f"The storage renamed {name} to {saved}; restore into an empty storage.")
        with default_storage.open(name, "rb") as check:
            if _sha256_of(check)[0] != digest:
                raise BackupError(f"{name} was not written correctly.")
        written += 1
    return written


def default_backup_path(data_dir: Path) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(data_dir) / "backups" / f"presales-{stamp}.zip"


def describe(summary: Summary) -> str:
    return (
        f"{summary.path}: {summary.rows} rows in {summary.models} tables, {summary.files} files "
        f"({summary.bytes / 1024 / 1024:.1f} MB)"
    )

"""Storing and reading document files through Django's storage API (a local folder by default,
S3-compatible storage by settings).

Content is stored once per SHA-256 under `documents/blobs/<2 hex>/<hash>`: uploading the same bytes
again (a second document, an unchanged version) reuses the stored file and its FileBlob row. The
storage name carries no extension and no original name, so nothing in it can be guessed or
executed; the original name lives on the version and is given back on download. Files are served
only by the views that check access (FileResponse), never from a public media URL.
"""

from __future__ import annotations

import errno
import hashlib
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from presales.core.errors import DomainError

from . import filetypes
from .models import FileBlob

logger = logging.getLogger("presales.documents")

CHUNK = 1024 * 1024


def max_upload_bytes() -> int:
    return int(settings.PRESALES_DOCUMENT_MAX_UPLOAD_MB) * 1024 * 1024


def allowed_types() -> list[str]:
    return [t.lower() for t in settings.PRESALES_DOCUMENT_ALLOWED_TYPES]


def allowed_extensions_text() -> str:
    """The accepted extensions for messages and help texts, e.g. "pdf, docx, png"."""
    known = {ext for t in filetypes.TYPES.values() for ext in t.extensions}
    return ", ".join(ext for ext in dict.fromkeys(e.lstrip(".") for e in allowed_types()) if ext in known)


def upload_errors(upload) -> list[str]:
    """Translated messages for everything wrong with an uploaded file (empty list: accepted)."""
    if upload is None:
        return [_("Choose the file to upload.")]
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    detected = filetypes.sniff_file(upload, extension=filetypes.extension_of(name)) if size else None
    codes = filetypes.check_upload(
        filename=name, size=size, detected=detected, allowed=allowed_types(), max_bytes=max_upload_bytes()
    )
    messages = []
    for code in codes:
        if code == "empty":
            messages.append(_("The file is empty."))
        elif code == "too_big":
            messages.append(
                _("The file is too big: %(size)s MB, the limit is %(limit)s MB.")
                % {"size": f"{size / 1024 / 1024:.1f}", "limit": settings.PRESALES_DOCUMENT_MAX_UPLOAD_MB}
            )
        elif code == "type_not_allowed":
            messages.append(
                _("This type of file is not accepted (%(extension)s). Accepted: %(allowed)s.")
                % {
                    "extension": filetypes.extension_of(name) or _("no extension"),
                    "allowed": allowed_extensions_text(),
                }
            )
        elif code == "extension_mismatch":
            detected_text = (
                filetypes.TYPES[detected].extensions[0] if detected in filetypes.TYPES else _("unknown")
            )
            messages.append(
                _(
                    "The file name ends in .%(extension)s but its content is %(detected)s: rename it "
                    "or upload the right file."
                )
                % {"extension": filetypes.extension_of(name), "detected": detected_text}
            )
    return messages


def check_upload_or_raise(upload, *, field: str = "file") -> str:
    """Raise a DomainError on `field` listing every problem; return the detected kind."""
    messages = upload_errors(upload)
    if messages:
        raise DomainError(messages[0], code="invalid_file", errors={field: messages})
    return filetypes.sniff_file(upload, extension=filetypes.extension_of(upload.name))


def content_hash(upload) -> tuple[str, int]:
    """SHA-256 (hex) and size of an upload, read in chunks; the file is rewound."""
    digest, size = hashlib.sha256(), 0
    upload.seek(0)
    for chunk in upload.chunks(CHUNK) if hasattr(upload, "chunks") else iter(lambda: upload.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


def blob_name(sha256: str) -> str:
    return f"documents/blobs/{sha256[:2]}/{sha256}"


class StorageUnavailable(DomainError):
    """The file could not be written (disk full, quota, storage unreachable): nothing is kept —
    no partial file, and the caller's transaction rolls back, so no row either."""

    status_code = 507

    def __init__(self, exc: OSError):
        if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
            message = _(
                "The server has no room to store this file. Nothing was saved; tell an administrator."
            )
        else:
            message = _("The file could not be stored. Nothing was saved; try again later.")
        super().__init__(message, code="storage_unavailable", field="file")
        logger.error("document storage: could not store an upload: %s", exc)


def _discard_partial(name: str) -> None:
    try:
        if default_storage.exists(name):
            default_storage.delete(name)
    except OSError:
        logger.exception("document storage: could not remove the partial file %s", name)


def store_blob(upload, *, kind: str) -> FileBlob:
    """The FileBlob for the upload's content, storing the bytes only if this content is new.
    Race-free: the file name is the hash, the row is unique by hash (a parallel writer of the same
    content makes us reuse its row)."""
    sha256, size = content_hash(upload)
    existing = FileBlob.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    name = blob_name(sha256)
    if not default_storage.exists(name):
        try:
            saved = default_storage.save(name, upload)
        except OSError as exc:
            _discard_partial(name)
            raise StorageUnavailable(exc) from exc
        if saved != name:  # a parallel writer stored the same content a moment earlier
            default_storage.delete(saved)
    try:
        with transaction.atomic():
            return FileBlob.objects.create(
                sha256=sha256,
                size=size,
                file_type=kind,
                content_type=filetypes.content_type_of(kind),
                name=name,
            )
    except IntegrityError:
        return FileBlob.objects.get(sha256=sha256)


def open_blob(blob: FileBlob):
    return default_storage.open(blob.name, "rb")

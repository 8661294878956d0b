"""Documents for tests. Documents are made through the service (numbers, versions, blobs, events),
with small real files; `upload` wraps bytes as an uploaded file."""

from __future__ import annotations

import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from presales.documents import services
from presales.documents.models import DocumentCategory
from presales.documents.samples import minimal_docx, minimal_pdf, tiny_png

_counter = itertools.count(1)


def pdf_bytes(text: str = "") -> bytes:
    return minimal_pdf(["Presales document", text or f"sample {next(_counter)}"])


def png_bytes(seed: int | None = None) -> bytes:
    return tiny_png(seed=next(_counter) if seed is None else seed)


def docx_bytes(text: str = "") -> bytes:
    return minimal_docx("方案", [text or f"第{next(_counter)}段"])


def upload(
    name: str = "方案.pdf", content: bytes | None = None, content_type: str = "application/octet-stream"
):
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type=content_type)


def category(kind: str = "solution") -> DocumentCategory:
    return DocumentCategory.objects.get(kind=kind)


def make_document(
    *,
    author,
    opportunity=None,
    customer=None,
    kind: str = "solution",
    title: str | None = None,
    access_level: str = "team",
    filename: str = "方案.pdf",
    content: bytes | None = None,
    **kwargs,
):
    """A document created by `author` through the service (a draft with version 1)."""
    return services.document_create(
        actor=author,
        title=title or f"测试文档{next(_counter)}",
        category=category(kind),
        file=upload(filename, content),
        opportunity=opportunity,
        customer=customer,
        access_level=access_level,
        **kwargs,
    )

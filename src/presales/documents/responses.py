"""Serving a version's file, shared by the pages and the API. The caller has already fetched the
document from the readable scope (404 otherwise); this logs confidential downloads and streams the
file from the storage."""

from __future__ import annotations

from django.http import FileResponse, Http404

from . import files, filetypes, services


def serve_version(*, user, document, version, inline: bool) -> FileResponse:
    blob = version.blob
    if inline and not filetypes.is_previewable(blob.file_type):
        raise Http404  # only PDF and raster images are shown in the browser; the rest downloads
    services.document_download_record(user=user, document=document, version=version, inline=inline)
    response = FileResponse(
        files.open_blob(blob),
        as_attachment=not inline,
        filename=version.filename,
        content_type=blob.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response

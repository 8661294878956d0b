"""What an uploaded file really is, from its first bytes (no libmagic: pure Python, so it runs
everywhere the application does).

`sniff(head)` names the type the content shows; `check_upload(...)` compares it with the allow-list,
the size limit and the file name's extension, and returns the problem codes (empty = accepted).
The extension must agree with the content: a `report.pdf` that is really a ZIP is refused, and so
is an executable renamed to `.docx`.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO

# Bytes read from the start of a file for sniffing; OOXML needs the ZIP's central directory, which
# `sniff_file` reads from the file itself (see there).
HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    kind: str  # short name used in settings' allow-list (pdf, docx, png...)
    content_type: str
    extensions: tuple[str, ...]
    previewable: bool = False  # shown inline in the browser (PDF and raster images only)


TYPES = {
    t.kind: t
    for t in (
        FileType("pdf", "application/pdf", ("pdf",), previewable=True),
        FileType("png", "image/png", ("png",), previewable=True),
        FileType("jpg", "image/jpeg", ("jpg", "jpeg"), previewable=True),
        FileType("gif", "image/gif", ("gif",), previewable=True),
        FileType("webp", "image/webp", ("webp",), previewable=True),
        FileType(
            "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)
        ),
        FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
        FileType(
            "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",)
        ),
        # The legacy binary Office formats share one container (OLE2): the extension tells them apart.
        FileType("doc", "application/msword", ("doc",)),
        FileType("xls", "application/vnd.ms-excel", ("xls",)),
        FileType("ppt", "application/vnd.ms-powerpoint", ("ppt",)),
        FileType("zip", "application/zip", ("zip",)),
        FileType("txt", "text/plain", ("txt", "md", "csv", "log")),
    )
}
OLE2_KINDS = ("doc", "xls", "ppt")
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def extension_of(filename: str) -> str:
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still text
        if exc.start < len(head) - 3:
            try:
                head.decode("gb18030")  # common for Chinese text files saved on Windows
            except UnicodeDecodeError:
                return False
    return True


def _zip_kind(data: bytes) -> str:
    """docx / xlsx / pptx for Office Open XML packages, zip for any other archive."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "zip"
    if "[Content_Types].xml" in names:
        for kind, prefix in OOXML_PARTS.items():
            if any(n.startswith(prefix) for n in names):
                return kind
    return "zip"


def sniff(data: bytes, *, extension: str = "") -> str | None:
    """The kind of file `data` (the whole file, or at least its head for non-ZIP types) is, or None
    when it is none of the known types. `extension` only chooses among the OLE2 Office formats,
    which the first bytes cannot tell apart."""
    head = data[:HEAD_BYTES]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return extension if extension in OLE2_KINDS else "doc"
    if head and _looks_like_text(head):
        return "txt"
    return None


def sniff_file(fileobj, *, extension: str = "", max_zip_bytes: int = 64 * 1024 * 1024) -> str | None:
    """`sniff` for an open file (an upload): reads the head, and the whole file only when it is a
    ZIP container (to look for the Office parts), up to `max_zip_bytes`."""
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    if head.startswith(b"PK"):
        fileobj.seek(0)
        data = fileobj.read(max_zip_bytes)
    else:
        data = head
    fileobj.seek(0)
    return sniff(data, extension=extension)


def check_upload(
    *, filename: str, size: int, detected: str | None, allowed: list[str], max_bytes: int
) -> list[str]:
    """Problem codes of an upload: `empty`, `too_big`, `type_not_allowed` (the extension is not in
    the allow-list, or is one this module cannot check), `extension_mismatch` (the content is not
    what the extension says)."""
    if size == 0:
        return ["empty"]
    problems = []
    if size > max_bytes:
        problems.append("too_big")
    extension = extension_of(filename)
    extension_kind = next((t.kind for t in TYPES.values() if extension in t.extensions), None)
    if extension_kind is None or extension not in {a.lower().lstrip(".") for a in allowed}:
        problems.append("type_not_allowed")
    elif detected != extension_kind:
        problems.append("extension_mismatch")
    return problems


def content_type_of(kind: str) -> str:
    return TYPES[kind].content_type if kind in TYPES else "application/octet-stream"


def is_previewable(kind: str) -> bool:
    return kind in TYPES and TYPES[kind].previewable

"""The metadata recorded with each version, and the difference between two versions (pure).

A version keeps a snapshot of the document's description at the time it was recorded (title,
category, access level, validity...) and of its file (name, size, type, SHA-256). Comparing two
snapshots tells what changed between the versions, file and metadata alike.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Snapshot key -> label, in display order.
FIELDS = {
    "title": _("Title"),
    "category": _("Category"),
    "access_level": _("Access level"),
    "valid_until": _("Valid until"),
    "description": _("Description"),
    "named_readers": _("Named readers"),
    "filename": _("File name"),
    "file_type": _("File type"),
    "size": _("Size (bytes)"),
    "sha256": _("Content (SHA-256)"),
}


def diff(old: dict, new: dict) -> list[dict]:
    """Rows {key, field, old, new} for every snapshot key whose value differs, in FIELDS order
    (keys unknown to FIELDS come last, so older snapshots with other keys still compare)."""
    keys = [k for k in FIELDS if k in old or k in new]
    keys += sorted((set(old) | set(new)) - set(FIELDS))
    changes = []
    for key in keys:
        before, after = old.get(key), new.get(key)
        if before != after:
            changes.append(
                {
                    "key": key,
                    "field": FIELDS.get(key, key),
                    "old": display(key, before),
                    "new": display(key, after),
                }
            )
    return changes


def _labels() -> dict[str, dict]:
    from .choices import AccessLevel, CategoryKind

    return {"category": dict(CategoryKind.choices), "access_level": dict(AccessLevel.choices)}


def display(key: str, value) -> str:
    """A snapshot value as shown to people (choice codes as their translated labels)."""
    labels = _labels().get(key)
    if labels is not None and value in labels:
        return str(labels[value])
    return _show(value)


def rows(snapshot: dict) -> list[dict]:
    """The snapshot as {field, value} rows in display order (for a version's page)."""
    return [
        {"key": k, "field": label, "value": display(k, snapshot.get(k))}
        for k, label in FIELDS.items()
        if k in snapshot
    ]


def _show(value) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)

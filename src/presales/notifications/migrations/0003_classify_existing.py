"""Existing notifications: give each its event and "waits for you" flag from its kind, and a group
key from its link (one inbox line per record). Their texts stay the frozen ones they were sent with
(no parameters were kept then): `title` and `body` are what they show, in any language."""

from django.db import migrations

# The kinds as they were when this migration was written (kinds.py may change later).
KINDS = {
    "support.response_overdue": ("sla", True),
    "support.overdue": ("sla", True),
    "poc.incident": ("poc", True),
    "poc.incident_overdue": ("poc", True),
    "bids.deadline": ("bid", True),
    "bids.milestone": ("bid", True),
    "documents.review": ("approval", True),
    "documents.access_request": ("approval", True),
    "solutions.review_requested": ("approval", True),
    "solutions.departments": ("approval", True),
    "appraisal.step": ("appraisal", True),
    "appraisal.reminder": ("appraisal", True),
    "talent.report_missing": ("info", True),
}


def classify(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for kind, (event, actionable) in KINDS.items():
        Notification.objects.filter(kind=kind).update(event=event, actionable=actionable)
    batch = []
    for n in (
        Notification.objects.exclude(url="").filter(group_key="").only("pk", "url").iterator(chunk_size=2000)
    ):
        n.group_key = f"url:{n.url}"[:320]
        batch.append(n)
        if len(batch) >= 2000:
            Notification.objects.bulk_update(batch, ["group_key"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["group_key"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_kinds_params_channels")]

    operations = [migrations.RunPython(classify, migrations.RunPython.noop)]

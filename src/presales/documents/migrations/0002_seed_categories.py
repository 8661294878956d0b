"""The six document categories with their default stage codes (seed 003 §4: XM, QD, FJ, YS, TB, QT).
Every category goes through the full approval chain by default; administrators change codes and
steps in the admin."""

from django.db import migrations

CATEGORIES = [
    ("project_info", "XM"),
    ("research", "QD"),
    ("solution", "FJ"),
    ("demo", "YS"),
    ("bid", "TB"),
    ("other", "QT"),
]


def seed(apps, schema_editor):
    DocumentCategory = apps.get_model("documents", "DocumentCategory")
    for position, (kind, code) in enumerate(CATEGORIES, start=1):
        DocumentCategory.objects.get_or_create(kind=kind, defaults={"code": code, "position": position})


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

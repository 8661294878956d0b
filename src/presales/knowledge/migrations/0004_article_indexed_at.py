"""`Article.indexed_at`: when what similar-case matching reads (the segmented text, the status) last
changed, so that each process updates its TF-IDF model from the rows stamped since its last look
instead of refitting it (knowledge/similar.py). Existing rows take their `updated_at`."""

from django.db import migrations, models
from django.db.models import F


def stamp(apps, schema_editor):
    Article = apps.get_model("knowledge", "Article")
    Article.objects.using(schema_editor.connection.alias).update(indexed_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0003_list_indexes_search_vector_inline"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="indexed_at",
            field=models.DateTimeField(blank=True, db_index=True, editable=False, null=True, verbose_name="indexed at"),
        ),
        migrations.RunPython(stamp, migrations.RunPython.noop),
    ]

"""Two indexes for the article list at 100k articles (newest first; the permission scope's columns,
so PostgreSQL counts the list from the index alone), and, on PostgreSQL, `search_vector` kept in
the row (storage MAIN: compressed, moved out of line only as
a last resort), so that ranking a few thousand matches does not fetch each one's vector from the
TOAST table (about 2.5 extra page reads a match; docs/benchmarks.md, issue 10). The body and the
segmented text, read for one page of results only, are moved out of line instead. Existing rows are
rewritten once. Nothing to do on SQLite (FTS5 keeps its own table)."""

from django.db import migrations, models

INLINE = "ALTER TABLE knowledge_article ALTER COLUMN search_vector SET STORAGE MAIN"
REWRITE = "UPDATE knowledge_article SET search_vector = search_vector || ''::tsvector WHERE search_vector IS NOT NULL"
BACK = "ALTER TABLE knowledge_article ALTER COLUMN search_vector SET STORAGE EXTENDED"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INLINE)
        schema_editor.execute(REWRITE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACK)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_index")]
    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-updated_at", "-id"], name="knowledge_article_recent"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["access_level", "status", "team", "owner", "reviewer", "opportunity", "customer"],
                include=["id"], name="knowledge_article_scope",
            ),
        ),
    ]

"""The database-native full-text index, per vendor: on PostgreSQL a GIN index over
`search_vector`; on SQLite an FTS5 table over the same segmented text (rowid = article id). Other
vendors get neither (search then finds nothing)."""

from django.db import migrations

FTS_CREATE = "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_article_fts USING fts5(title, body, tokenize='unicode61')"
GIN_CREATE = "CREATE INDEX IF NOT EXISTS knowledge_article_fts_gin ON knowledge_article USING gin (search_vector)"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(GIN_CREATE)
    elif vendor == "sqlite":
        schema_editor.execute(FTS_CREATE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS knowledge_article_fts_gin")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS knowledge_article_fts")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

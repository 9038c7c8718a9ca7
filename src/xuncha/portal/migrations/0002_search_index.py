"""The full-text index of published notices' bigrams: FTS5 on SQLite, GIN on PostgreSQL."""

from django.db import migrations

SQLITE_UP = "CREATE VIRTUAL TABLE portal_search_fts USING fts5(grams, tokenize='unicode61')"
SQLITE_DOWN = "DROP TABLE IF EXISTS portal_search_fts"
PG_UP = ("CREATE INDEX portal_search_grams_gin ON portal_searchentry "
         "USING gin (to_tsvector('simple', grams))")
PG_DOWN = "DROP INDEX IF EXISTS portal_search_grams_gin"


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        schema_editor.execute(PG_UP)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(up, down)]

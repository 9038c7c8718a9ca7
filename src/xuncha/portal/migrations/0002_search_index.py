"""The full-text index of published notices' bigrams: FTS5 on SQLite, a stored tsvector with a
GIN index on PostgreSQL."""

from django.db import migrations

SQLITE_UP = "CREATE VIRTUAL TABLE portal_search_fts USING fts5(grams, tokenize='unicode61')"
SQLITE_DOWN = "DROP TABLE IF EXISTS portal_search_fts"
# A stored vector, not an expression index: phrase queries recheck each candidate row, and
# recomputing the vector of a 3,000-character notice per candidate took seconds on 10,000.
PG_UP = ("ALTER TABLE portal_searchentry ADD COLUMN grams_tsv tsvector "
         "GENERATED ALWAYS AS (to_tsvector('simple', grams)) STORED; "
         "CREATE INDEX portal_search_grams_gin ON portal_searchentry USING gin (grams_tsv)")
PG_DOWN = ("DROP INDEX IF EXISTS portal_search_grams_gin; "
           "ALTER TABLE portal_searchentry DROP COLUMN IF EXISTS grams_tsv")


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

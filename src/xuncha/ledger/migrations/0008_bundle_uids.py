"""A stable identifier (UUID) on every ledger object that travels between installations.

Existing rows get distinct values in one statement per table (PostgreSQL's gen_random_uuid(),
SQLite's randomblob), or in batches on any other database; only then is the column made unique,
so a province of a million measures is filled without a million round trips.
"""

import uuid

from django.db import migrations, models

MODELS = ("unit", "team", "staff", "round", "inspection", "finding", "measure", "progressreport",
          "evidence", "closeout", "extensionrequest", "lookback", "notice")
BATCH = 5000
# A version-4 UUID as the 32 hex digits Django keeps in SQLite (version nibble 4, variant 8–b).
SQLITE_UUID4 = ("lower(hex(randomblob(4)) || hex(randomblob(2)) || '4' || substr(hex(randomblob(2)), 2)"
                " || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)"
                " || hex(randomblob(6)))")


def fill(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name in MODELS:
        model = apps.get_model("ledger", name)
        table = schema_editor.quote_name(model._meta.db_table)
        if vendor == "postgresql":
            schema_editor.execute(f"UPDATE {table} SET uid = gen_random_uuid() WHERE uid IS NULL")
        elif vendor == "sqlite":
            schema_editor.execute(f"UPDATE {table} SET uid = {SQLITE_UUID4} WHERE uid IS NULL")
        else:
            _fill_in_batches(model)


def _fill_in_batches(model):
    while True:
        rows = list(model.objects.filter(uid=None).only("pk")[:BATCH])
        if not rows:
            return
        for row in rows:
            row.uid = uuid.uuid4()
        model.objects.bulk_update(rows, ["uid"])


class Migration(migrations.Migration):

    dependencies = [("ledger", "0007_merge")]

    operations = [
        *(migrations.AddField(name, "uid", models.UUIDField(null=True, editable=False)) for name in MODELS),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        *(migrations.AlterField(name, "uid", models.UUIDField(default=uuid.uuid4, unique=True, editable=False))
          for name in MODELS),
    ]

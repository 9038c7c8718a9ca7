"""The cache table of XUNCHA_CACHE_URL=db, made by `xuncha migrate` like every other table."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Does nothing when the cache is not a database cache (Redis, locmem, none).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0003_reuse"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]

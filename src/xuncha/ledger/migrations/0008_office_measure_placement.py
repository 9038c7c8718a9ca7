# Each measure carries its finding's inspection and round, so the measure list filters and sorts a
# province's measures on one table. Existing rows are filled in batches of ids, each batch its own
# transaction, so a province's million measures never hold the write lock for long.
import django.db.models.deletion
from django.db import migrations, models, transaction

BATCH = 50_000


def fill(apps, schema_editor):
    Measure = apps.get_model("ledger", "Measure")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Measure._meta.db_table)
    findings = connection.ops.quote_name(apps.get_model("ledger", "Finding")._meta.db_table)
    inspections = connection.ops.quote_name(apps.get_model("ledger", "Inspection")._meta.db_table)
    top = Measure.objects.aggregate(top=models.Max("id"))["top"] or 0
    if connection.vendor == "postgresql":
        sql = (f"UPDATE {table} AS m SET inspection_id = f.inspection_id, round_id = i.round_id "
               f"FROM {findings} AS f JOIN {inspections} AS i ON i.id = f.inspection_id "
               f"WHERE f.id = m.finding_id AND m.id > %s AND m.id <= %s")
    else:
        sql = (f"UPDATE {table} SET inspection_id = (SELECT f.inspection_id FROM {findings} AS f "
               f"WHERE f.id = {table}.finding_id), round_id = (SELECT i.round_id FROM {findings} AS f "
               f"JOIN {inspections} AS i ON i.id = f.inspection_id WHERE f.id = {table}.finding_id) "
               f"WHERE id > %s AND id <= %s")
    for low in range(0, top, BATCH):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(sql, [low, low + BATCH])


OPEN = models.Q(("status__in", ["in_progress", "planned"]))


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch of the fill

    dependencies = [
        ("ledger", "0007_merge"),
    ]

    operations = [
        migrations.AddField(
            model_name="measure",
            name="inspection",
            field=models.ForeignKey(db_index=False, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="ledger.inspection"),
        ),
        migrations.AddField(
            model_name="measure",
            name="round",
            field=models.ForeignKey(db_index=False, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="ledger.round"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="measure",
            name="inspection",
            field=models.ForeignKey(db_index=False, editable=False,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="ledger.inspection"),
        ),
        migrations.AlterField(
            model_name="measure",
            name="round",
            field=models.ForeignKey(db_index=False, editable=False,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="ledger.round"),
        ),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(condition=OPEN, fields=["round", "deadline", "id"], name="measure_round_deadline"),
        ),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(condition=OPEN, fields=["inspection", "deadline", "id"],
                               name="measure_insp_deadline"),
        ),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(fields=["deadline", "id"], name="measure_deadline_all"),
        ),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(fields=["round", "deadline", "id"], name="measure_round_all"),
        ),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(fields=["inspection", "deadline", "id"], name="measure_insp_all"),
        ),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(fields=["status", "completed_on", "id"], name="measure_status_completed"),
        ),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(condition=models.Q(("completed_on__gt", models.F("deadline"))),
                               fields=["completed_on", "id"], name="measure_finished_late"),
        ),
    ]

"""The audit trail's hash chain: seq/prev_hash/hash on every record, result and unit path,
the chain head, archive cuts and verification results. Existing records are chained in the
order they were written (time, then id)."""

from django.db import migrations, models


def chain_existing(apps, schema_editor):
    from xuncha.ledger.services.audit_chain import GENESIS, HEAD_PK, canonical_json, content_hash

    AuditEvent = apps.get_model("ledger", "AuditEvent")
    AuditChainHead = apps.get_model("ledger", "AuditChainHead")
    Inspection = apps.get_model("ledger", "Inspection")
    paths = dict(Inspection.objects.values_list("pk", "unit__path"))
    prev, seq = GENESIS, 0
    for event in AuditEvent.objects.order_by("at", "id").iterator(chunk_size=2000):
        seq += 1
        event.seq, event.prev_hash, event.result = seq, prev, "ok"
        event.unit_path = paths.get(event.inspection_id, "") if event.inspection_id else ""
        event.before, event.after = canonical_json(event.before), canonical_json(event.after)
        event.hash = content_hash({name: getattr(event, name) for name in (
            "seq", "prev_hash", "at", "actor_id", "actor_name", "ip", "action", "object_type",
            "object_id", "summary", "before", "after", "inspection_id", "finding_id", "result",
            "unit_path")})
        event.save(update_fields=["seq", "prev_hash", "hash", "result", "unit_path", "before", "after"])
        prev = event.hash
    AuditChainHead.objects.create(pk=HEAD_PK, seq=seq, hash=prev if seq else "")


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0005_staff_password_changed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="result",
            field=models.CharField(default="ok", max_length=20),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="unit_path",
            field=models.CharField(blank=True, db_index=True, max_length=255),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["at", "seq"], name="audit_at_seq"),
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(blank=True, max_length=64)),
            ],
            options={"verbose_name": "审计链末端", "verbose_name_plural": "审计链末端"},
        ),
        migrations.CreateModel(
            name="AuditArchive",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField()),
                ("before", models.DateField()),
                ("first_seq", models.BigIntegerField()),
                ("through_seq", models.BigIntegerField()),
                ("last_hash", models.CharField(max_length=64)),
                ("count", models.PositiveIntegerField()),
                ("file_name", models.CharField(max_length=500)),
                ("sha256", models.CharField(max_length=64)),
                ("removed", models.BooleanField(default=False)),
            ],
            options={"verbose_name": "审计归档", "verbose_name_plural": "审计归档",
                     "ordering": ["-through_seq"]},
        ),
        migrations.CreateModel(
            name="AuditVerification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField()),
                ("ok", models.BooleanField()),
                ("checked", models.PositiveIntegerField(default=0)),
                ("head_seq", models.BigIntegerField(default=0)),
                ("head_hash", models.CharField(blank=True, max_length=64)),
                ("bad_seq", models.BigIntegerField(blank=True, null=True)),
                ("problem", models.CharField(blank=True, max_length=300)),
                ("bad_count", models.PositiveIntegerField(default=0)),
                ("kind", models.CharField(default="chain", max_length=20)),
            ],
            options={"verbose_name": "审计校验结果", "verbose_name_plural": "审计校验结果",
                     "ordering": ["-at", "-id"]},
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]

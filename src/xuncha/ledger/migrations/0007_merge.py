# The ledger's changes of one release, made side by side, joined here (no operations of its own).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_accounts_roles"),
        ("ledger", "0006_analytics_self_check_source"),
        ("ledger", "0006_audit_chain"),
        ("ledger", "0006_documents_notes"),
        ("ledger", "0006_workflow_transitions"),
    ]

    operations = []

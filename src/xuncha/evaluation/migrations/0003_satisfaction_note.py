"""The default 群众满意度 item no longer says 无评价按100: a unit nobody rated is 不适用 now
(core.scoring.BASES). Only a note the office has not edited is rewritten."""

from django.db import migrations


def rewrite(apps, schema_editor):
    from xuncha.evaluation.defaults import OLD_SATISFACTION_NOTE, SATISFACTION_NOTE

    apps.get_model("evaluation", "SchemeItem").objects.filter(note=OLD_SATISFACTION_NOTE).update(
        note=SATISFACTION_NOTE)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0002_default_scheme")]

    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]

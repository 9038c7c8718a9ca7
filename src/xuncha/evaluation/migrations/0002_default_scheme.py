"""The default evaluation scheme (evaluation.defaults), so the office starts from a complete one."""

from django.db import migrations


def create(apps, schema_editor):
    from xuncha.evaluation.defaults import create_default

    Scheme = apps.get_model("evaluation", "Scheme")
    if not Scheme.objects.exists():
        create_default(Scheme, apps.get_model("evaluation", "SchemeItem"))


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

"""The three administrator roles (三员); no account keeps a Django superuser flag."""

from django.db import migrations, models


def drop_superusers(apps, schema_editor):
    """Roles come from Staff.role alone; only the system administrator opens the Django admin."""
    User = apps.get_model("auth", "User")
    Staff = apps.get_model("ledger", "Staff")
    User.objects.filter(is_superuser=True).update(is_superuser=False)
    admins = Staff.objects.filter(role="sys_admin").values("user_id")
    User.objects.exclude(pk__in=admins).filter(is_staff=True).update(is_staff=False)


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0005_staff_password_changed_at'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.AlterField(
            model_name='staff',
            name='role',
            field=models.CharField(choices=[('office_admin', '巡察办管理员'), ('team_member', '巡察组成员'), ('unit_editor', '被巡察单位联络员'), ('unit_leader', '被巡察单位负责人'), ('supervisor', '监督查看（纪委/组织部）'), ('sys_admin', '系统管理员'), ('security_admin', '安全管理员'), ('audit_admin', '审计管理员')], max_length=20, verbose_name='角色'),
        ),
        migrations.AddField(
            model_name='staff',
            name='must_change_password',
            field=models.BooleanField(default=False, verbose_name='须修改密码'),
        ),
        migrations.RunPython(drop_superusers, migrations.RunPython.noop),
    ]

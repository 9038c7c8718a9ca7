"""Django admin for reference data only, for the system administrator only, all audited.

Units, teams and rounds, and the names of user accounts. Accounts are created, given roles,
deactivated and reset at /accounts/ (ledger.services.accounts, which keeps the 三员 apart);
findings, measures and sign-offs change only through the services. Every save, delete and
password change made here writes an audit record (services.audit), like every other door.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpResponseRedirect

from xuncha.ledger.actor import actor_for
from xuncha.ledger.adminsite import is_sys_admin
from xuncha.ledger.models import Round, Team, Unit
from xuncha.ledger.services import audit
from xuncha.ledger.services.logins import mark_password_set
from xuncha.web.proxy import client_ip


def _actor(request):
    return actor_for(request.user, client_ip(request))


class SysAdminOnly:
    """Every permission of a page is the system administrator's role, nothing else."""

    def has_module_permission(self, request) -> bool:
        return is_sys_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_sys_admin(request)

    def has_add_permission(self, request) -> bool:
        return is_sys_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_sys_admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_sys_admin(request)


class AuditedAdmin(SysAdminOnly, admin.ModelAdmin):
    def save_model(self, request, obj, form, change) -> None:
        before = {name: str(form.initial.get(name, "")) for name in form.changed_data} if change else None
        super().save_model(request, obj, form, change)
        verb = "修改" if change else "新建"
        audit.record(_actor(request), f"{obj._meta.model_name}.{'update' if change else 'create'}", obj,
                     f"基础数据：{verb}{obj._meta.verbose_name} {obj}", before=before,
                     after={name: str(form.cleaned_data[name]) for name in form.changed_data})

    def delete_model(self, request, obj) -> None:
        self._record_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:  # one record per object, as every bulk act is audited
            self._record_delete(request, obj)
        super().delete_queryset(request, queryset)

    def _record_delete(self, request, obj) -> None:
        audit.record(_actor(request), f"{obj._meta.model_name}.delete", obj,
                     f"基础数据：删除{obj._meta.verbose_name} {obj}", before={"name": str(obj)})


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "kind", "parent"]
    search_fields = ["name", "short_name"]
    list_filter = ["kind"]
    autocomplete_fields = ["parent"]


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    search_fields = ["name"]


@admin.register(Round)
class RoundAdmin(AuditedAdmin):
    list_display = ["name", "type", "level", "start", "end"]
    list_filter = ["type"]
    search_fields = ["name"]


admin.site.unregister(Group)  # roles are xuncha's (Staff.role), not Django groups
if admin.site.is_registered(get_user_model()):
    admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AccountAdmin(AuditedAdmin, UserAdmin):
    """Names and e-mail of an account; no superuser flag, permissions or groups to hand out."""

    fieldsets = [(None, {"fields": ["username", "password"]}),
                 ("姓名与邮箱", {"fields": ["first_name", "last_name", "email"]}),
                 ("状态", {"fields": ["is_active", "last_login", "date_joined"]})]
    readonly_fields = ["is_active", "last_login", "date_joined"]
    list_display = ["username", "first_name", "is_active", "last_login"]
    list_filter = ["is_active"]
    filter_horizontal = []

    def has_add_permission(self, request) -> bool:
        return False  # an account without a role is no one's: /accounts/ creates them

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # accounts are deactivated, never deleted: the audit names them

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():  # the new password and its record, or neither
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and isinstance(response, HttpResponseRedirect):
                user = get_user_model().objects.get(pk=id)
                mark_password_set(user)
                audit.record(_actor(request), "user.password", user,
                             f"基础数据：重设账号 {user.get_username()} 的密码")
        return response

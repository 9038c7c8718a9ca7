"""Django admin for reference data only: units, teams, rounds, staff accounts.

Findings, measures and sign-offs change only through the services (and so the staff site).
"""

from __future__ import annotations

from django.contrib import admin

from xuncha.ledger.actor import actor_for
from xuncha.ledger.models import AuditEvent, Round, Staff, Team, Unit
from xuncha.ledger.services import audit
from xuncha.web.proxy import client_ip


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        actor = actor_for(request.user, client_ip(request))
        audit.record(actor, f"{obj._meta.model_name}.{'update' if change else 'create'}", obj,
                     f"基础数据：{'修改' if change else '新建'}{obj._meta.verbose_name} {obj}",
                     after={name: str(form.cleaned_data[name]) for name in form.changed_data})


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


@admin.register(Staff)
class StaffAdmin(AuditedAdmin):
    list_display = ["user", "display_name", "role", "unit", "team"]
    list_filter = ["role"]
    autocomplete_fields = ["unit", "team"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "ip", "action", "summary"]
    list_filter = ["action"]
    search_fields = ["summary", "actor_name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

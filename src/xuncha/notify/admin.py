from django.contrib import admin

from xuncha.notify.models import LadderConfig


@admin.register(LadderConfig)
class LadderConfigAdmin(admin.ModelAdmin):
    """Read-only here: the office edits the ladder on its own page (audited through the service)."""

    list_display = ("reminder_days", "interview_days", "reply_days", "issuer", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

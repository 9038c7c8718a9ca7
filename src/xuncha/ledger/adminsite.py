"""The Django admin, kept for the system administrator alone (三员分立, docs/security.md).

Daily work never needs it: accounts are managed at /accounts/, the set-up in the staff site.
Whatever remains is open only to an active account whose role is `sys_admin`, logs in through
the staff site's login (and so its lockout and second factor), and audits every change
(ledger.admin).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.db.models.base import ModelBase
from django.http import HttpRequest

ROLE = "sys_admin"
OTHER_APPS = frozenset({"otp_totp", "otp_static", "django_q", "axes", "jobs"})


def is_sys_admin(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.is_authenticated:
        return False
    staff = getattr(user, "staff", None)
    return staff is not None and staff.role == ROLE


class SysAdminSite(admin.AdminSite):
    site_header = "xuncha 巡察整改 · 基础数据管理"
    site_title = "xuncha 管理"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_sys_admin(request)

    def admin_view(self, view, cacheable=False):
        """A signed-in account of another role is refused here (403), not sent to the login page:
        so a write it attempts is answered, and recorded, as a refusal (web.refusals)."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def refuse_others(request: HttpRequest, *args, **kwargs):
            if request.user.is_authenticated and not is_sys_admin(request):
                raise PermissionDenied("基础数据管理只对系统管理员开放。")
            return inner(request, *args, **kwargs)

        return refuse_others

    def password_change(self, request: HttpRequest, extra_context=None):
        """One's own password is changed on the staff site's page, with its rules and its audit
        record (account.password); the admin's own form would change it unrecorded."""
        from xuncha.web.views.account import password_change

        return password_change(request)

    def login(self, request: HttpRequest, extra_context=None):
        # One login page for everything: the staff site's, with its lockout and second factor.
        from django.contrib.auth.views import redirect_to_login

        if request.user.is_authenticated:  # logged in, but not the system administrator
            raise PermissionDenied("基础数据管理只对系统管理员开放。")
        return redirect_to_login(request.GET.get("next") or self.index_url(request))

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        """Registers only xuncha's reference data and accounts; the admin pages other apps
        bring (queue, second factor, lockouts) are managed through xuncha's own pages."""
        models = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        kept = [m for m in models if m._meta.app_label not in OTHER_APPS]
        if kept:
            super().register(kept, admin_class, **options)

    def index_url(self, request: HttpRequest) -> str:
        from django.urls import reverse

        return reverse("admin:index", current_app=self.name)


class SysAdminConfig(AdminConfig):
    default_site = "xuncha.ledger.adminsite.SysAdminSite"

"""账号管理: staff accounts, for the system administrator (accounts) and the security
administrator (roles, lockouts, second factors). Every act goes through
ledger.services.accounts, logins or twofactor, which check the role and write the audit."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xuncha.core.statuses import ROLE
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput, ServiceError
from xuncha.ledger.services import accounts, logins, twofactor
from xuncha.web.account_forms import AccountCreateForm, RoleForm
from xuncha.web.views.common import paginate, run_action, staff_view


def _abilities(actor: Actor) -> dict:
    return {"can_manage": permissions.allowed(actor, "manage_accounts"),
            "can_roles": permissions.allowed(actor, "manage_roles"),
            "can_unlock": permissions.allowed(actor, "release_lockout"),
            "can_reset_2fa": permissions.allowed(actor, "reset_second_factor")}


@staff_view
def account_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    query, role = request.GET.get("q", ""), request.GET.get("status", "")  # "status": the pager's
    page = paginate(request, accounts.account_list(actor, query, role))
    return render(request, "web/account_list.html", {
        "page": page, "q": query, "status": role if role in ROLE else "", "roles": ROLE,
        "form": AccountCreateForm(), **_abilities(actor)})


@require_POST
@staff_view
def account_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    permissions.require(actor, "manage_accounts")
    form = AccountCreateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            staff, password = accounts.create_with_generated_password(
                actor, data["username"], data["role"], data["unit"], data["team"],
                data["display_name"])
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # Shown in this response only: never in a message, a redirect or a log.
            return render(request, "web/account_password.html", {
                "staff": staff, "password": password, "created": True})
    page = paginate(request, accounts.account_list(actor))
    return render(request, "web/account_list.html", {
        "page": page, "q": "", "status": "", "roles": ROLE, "form": form, "open_form": True,
        **_abilities(actor)}, status=400)


@staff_view
def account_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    staff = accounts.staff_by_pk(actor, pk)
    return render(request, "web/account_detail.html", {
        "staff": staff, "role_form": RoleForm(initial={
            "role": staff.role, "unit": staff.unit_id, "team": staff.team_id}),
        "enrolled": twofactor.enrolled(staff.user), "self": staff.user_id == actor.user_id,
        **_abilities(actor)})


def _back(pk: int) -> str:
    return reverse("account", args=[pk])


@require_POST
@staff_view
def account_active(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    staff = accounts.staff_by_pk(actor, pk)
    active = request.POST.get("active") == "1"
    return run_action(request, _back(pk), lambda: accounts.set_active(actor, staff, active),
                      "账号已启用。" if active else "账号已停用，其登录会话已全部结束。")


@require_POST
@staff_view
def account_password(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    staff = accounts.staff_by_pk(actor, pk)
    try:
        password = accounts.reset_password(actor, staff)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(_back(pk))
    return render(request, "web/account_password.html", {"staff": staff, "password": password})


@require_POST
@staff_view
def account_role(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    staff = accounts.staff_by_pk(actor, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择角色。")
        return redirect(_back(pk))
    data = form.cleaned_data
    return run_action(request, _back(pk), lambda: accounts.change_role(
        actor, staff, data["role"], data["unit"], data["team"]),
        f"角色已改为{ROLE.label(data['role'])}，该账号需重新登录。")


@require_POST
@staff_view
def account_unlock(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    staff = accounts.staff_by_pk(actor, pk)
    return run_action(request, _back(pk),
                      lambda: logins.release_lockout(actor, staff.user.username), "登录锁定已解除。")


@require_POST
@staff_view
def account_reset_2fa(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    staff = accounts.staff_by_pk(actor, pk)
    return run_action(request, _back(pk), lambda: twofactor.reset(actor, staff),
                      "双因素认证已重置，该账号下次登录时重新绑定身份验证器。")

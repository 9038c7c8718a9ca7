"""The person's own account: changing the password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput
from xuncha.ledger.services import logins
from xuncha.web.forms import PasswordChangeForm
from xuncha.web.views.common import staff_view


@staff_view
def password_change(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            logins.change_own_password(actor, data["old_password"], data["new_password1"])
        except InvalidInput as exc:
            form.add_error(exc.field, exc.message)
        else:
            # The password hash is part of the session: without this the change would log out.
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            return redirect("workbench")
    return render(request, "web/password_change.html", {
        "form": form, "rules": password_validators_help_texts(),
        "expired": logins.password_expired(request.user),
        "must_change": getattr(getattr(request.user, "staff", None), "must_change_password", False)})

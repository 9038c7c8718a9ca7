"""接口令牌: a person's own API tokens on the staff site (created, shown once, revoked)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from xuncha.api import tokens
from xuncha.api.models import SCOPES
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import PermissionDenied, ServiceError
from xuncha.web.forms import StaffForm
from xuncha.web.views.common import staff_view

SCOPE_CHOICES = {"read": "只读（read）：只能查询", "write": "读写（write）：可报送进展、审核等"}


@csrf_exempt  # a client's POST here is refused 405 in the error shape, not by the CSRF page
@require_safe
def to_docs(request: HttpRequest) -> HttpResponse:
    """/api/ and /api/v1/: the documentation page (another method answers 405 in the error shape)."""
    return redirect("api:openapi-view")


class TokenForm(StaffForm):
    name = forms.CharField(label="用途", max_length=100, required=False,
                           help_text="如“区纪委监督平台”，便于日后辨认")
    scope = forms.ChoiceField(label="权限范围", choices=list(SCOPE_CHOICES.items()))
    days = forms.IntegerField(label="有效天数", min_value=1, max_value=tokens.MAX_DAYS,
                              initial=tokens.DEFAULT_DAYS)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        scope = self.fields["scope"]
        scope.choices = [(code, SCOPE_CHOICES[code]) for code in tokens.scopes_for(user)]
        if len(scope.choices) == 1:  # a read-only role: 只读 is all it is offered, and all it gets
            scope.help_text = "您的角色只能查看，只能创建只读令牌。"
            scope.error_messages["invalid_choice"] = tokens.READ_ONLY_MESSAGE


def _require(actor: Actor) -> None:
    if not permissions.holds(actor, "use_api"):
        raise PermissionDenied(permissions.DENIED_MESSAGES["use_api"])


@staff_view
def token_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    _require(actor)
    form, issued = TokenForm(request.POST or None, user=request.user), None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = tokens.create_token(actor, request.user, data["name"], data["scope"], data["days"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            form = TokenForm(user=request.user)
    rows = list(tokens.own_tokens(actor).select_related("user"))
    writes = permissions.may_write(actor)  # the tokens are all the actor's own
    for token in rows:
        token.state = tokens.state(token)
        token.scope_label = tokens.scope_label(token, writes)
    # The new token is in this page only (never in the session or a redirect): shown once.
    return render(request, "api/tokens.html", {"form": form, "issued": issued, "tokens": rows,
                                               "scopes": SCOPES})


@require_POST
@staff_view
def token_revoke(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    _require(actor)
    try:
        token = tokens.revoke_token(actor, tokens.get_own_token(actor, pk))
    except ServiceError as exc:
        if exc.code == "not_found":
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已吊销令牌 {token.prefix}。")
    return redirect("api-tokens")

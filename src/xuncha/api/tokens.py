"""Per-person API tokens: created, revoked, checked and their uses recorded.

A token is `xc_<prefix>_<secret>`. Only the sha256 of the whole token is stored, so a stolen
database does not give working tokens; the prefix is kept in clear to tell tokens apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from xuncha import clock
from xuncha.api.models import SCOPES, ApiToken, TokenUse
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor, actor_for
from xuncha.ledger.errors import InvalidInput, NotFound, PermissionDenied
from xuncha.ledger.services import audit

MAX_DAYS = 3650
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str  # the whole token, shown once


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


READ_ONLY_MESSAGE = "该账号的角色只能查看、不能修改任何数据，只能创建只读（read）令牌，不能创建读写（write）令牌。"


def may_write(user) -> bool:
    """May this person's role write anything (permissions.WRITES)? Only then a write-scoped token."""
    return permissions.may_write(actor_for(user))


def scopes_for(user) -> dict[str, str]:
    """The scopes a token of this person may have: read always, write when the role writes."""
    return SCOPES if may_write(user) else {"read": SCOPES["read"]}


def _check(scope: str, days: int | None) -> None:
    if scope not in SCOPES:
        raise InvalidInput("权限范围只能是 read（只读）或 write（读写）。", field="scope")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"有效期应为 1 至 {MAX_DAYS} 天。", field="days")


@transaction.atomic
def create_token(actor: Actor, user, name: str = "", scope: str = "read",
                 days: int | None = DEFAULT_DAYS) -> Issued:
    """A new token for `user`: people make their own; the system (the CLI) makes anyone's."""
    if actor.role != "system" and actor.user_id != user.pk:
        raise PermissionDenied("只能为自己创建接口令牌。")
    if not user.is_active:
        raise InvalidInput("该账号已停用，不能创建接口令牌。", field="user")
    if not permissions.holds(actor_for(user), "use_api"):
        raise InvalidInput("该账号的角色不使用数据接口，不能创建接口令牌。", field="user")
    _check(scope, days)
    if scope == "write" and not may_write(user):
        raise InvalidInput(READ_ONLY_MESSAGE, field="scope")
    prefix = secrets.token_hex(4)
    secret = f"xc_{prefix}_{secrets.token_urlsafe(32)}"
    now = clock.now()
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], prefix=prefix, digest=digest(secret), scope=scope,
        created_at=now, expires_at=now + dt.timedelta(days=days) if days else None)
    audit.record(actor, "token.create", token, f"创建接口令牌 {prefix}（{SCOPES[scope]}）：{user.get_username()}",
                 after={"user": user.pk, "prefix": prefix, "scope": scope,
                        "expires_at": audit.plain(token.expires_at)})
    return Issued(token, secret)


@transaction.atomic
def revoke_token(actor: Actor, token: ApiToken) -> ApiToken:
    if actor.role != "system" and actor.user_id != token.user_id:
        raise NotFound()
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise InvalidInput("该令牌已吊销。")
    locked.revoked_at = clock.now()
    ApiToken.objects.filter(pk=locked.pk).update(revoked_at=locked.revoked_at)
    audit.record(actor, "token.revoke", locked, f"吊销接口令牌 {locked.prefix}",
                 after={"user": locked.user_id, "prefix": locked.prefix})
    return locked


def own_tokens(actor: Actor):
    return ApiToken.objects.filter(user_id=actor.user_id).order_by("-created_at", "-id")


def get_own_token(actor: Actor, pk: int) -> ApiToken:
    token = own_tokens(actor).filter(pk=pk).first()
    if token is None:
        raise NotFound()
    return token


def find(secret: str) -> ApiToken | None:
    """The token a request presented (revoked and expired ones included, so their uses are logged)."""
    if not secret.startswith("xc_") or len(secret) > 100:
        return None
    return ApiToken.objects.select_related("user").filter(digest=digest(secret)).first()


def refusal(token: ApiToken) -> str | None:
    """Why this token may not be used now (None: it may)."""
    if token.revoked_at is not None:
        return "接口令牌已吊销。"
    if token.expires_at is not None and token.expires_at <= clock.now():
        return "接口令牌已过期。"
    if not token.user.is_active:
        return "该账号已停用。"
    return None


def record_use(token: ApiToken, method: str, path: str, status: int, ip: str | None) -> None:
    now = clock.now()
    with transaction.atomic():
        TokenUse.objects.create(token=token, at=now, method=method[:10], path=path[:300], status=status, ip=ip)
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def user_by_name(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise InvalidInput(f"没有登录名为 {username} 的账号。", field="user")
    return user


def effective_scope(token: ApiToken, writes: bool | None = None) -> str:
    """The scope the token works with: a write token of a person whose role cannot write (made
    before that rule, or before the role changed) only reads (xuncha.api.auth). `writes`: whether
    the owner's role writes, when the caller knows it already."""
    if token.scope != "write":
        return token.scope
    return "write" if (may_write(token.user) if writes is None else writes) else "read"


def scope_label(token: ApiToken, writes: bool | None = None) -> str:
    """读写 or 只读, as the token works (a write token of a read-only role says so)."""
    scope = effective_scope(token, writes)
    return SCOPES[scope] if scope == token.scope else f"{SCOPES[scope]}（角色只能查看）"


def state(token: ApiToken) -> str:
    """The token's state as its owner reads it in the list."""
    if token.revoked_at is not None:
        return "已吊销"
    if token.expires_at is not None and token.expires_at <= clock.now():
        return "已过期"
    return "有效" if token.user.is_active else "账号已停用"

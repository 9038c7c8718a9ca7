"""`xuncha token create USERNAME [--scope read|write] [--days N] [--name NAME]`, `revoke`, `list`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from xuncha.api import tokens
from xuncha.api.models import SCOPES, ApiToken
from xuncha.ledger.actor import system_actor
from xuncha.ledger.errors import ServiceError


class Command(BaseCommand):
    help = "创建、吊销、列出接口令牌（Create, revoke and list API tokens）"

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        create = commands.add_parser("create", help="为账号创建令牌，令牌只显示这一次（输出的最后一个词）")
        create.add_argument("username", help="登录名")
        create.add_argument("--scope", choices=sorted(SCOPES), default="read",
                            help="read 只读（默认）或 write 读写（角色只能查看的账号只能 read）")
        create.add_argument("--days", type=int, default=tokens.DEFAULT_DAYS,
                            help=f"有效天数（默认 {tokens.DEFAULT_DAYS}，0 为永不过期）")
        create.add_argument("--name", default="", help="用途说明，如“区纪委平台”")
        revoke = commands.add_parser("revoke", help="吊销令牌（以前缀指明）")
        revoke.add_argument("prefix", help="令牌前缀（xuncha token list 中显示）")
        listing = commands.add_parser("list", help="列出令牌（不显示令牌本身）")
        listing.add_argument("username", nargs="?", help="只列出该账号的令牌")

    def handle(self, *args, command: str, **options) -> None:
        try:
            getattr(self, f"_{command}")(**options)
        except ServiceError as exc:
            raise CommandError(exc.message) from None

    def _create(self, username: str, scope: str, days: int, name: str, **_) -> None:
        user = tokens.user_by_name(username)
        issued = tokens.create_token(system_actor(), user, name, scope, days or None)
        expiry = f"{issued.token.expires_at:%Y-%m-%d}" if issued.token.expires_at else "永不过期"
        self.stdout.write(f"已为 {username} 创建{SCOPES[scope]}接口令牌（前缀 {issued.token.prefix}，"
                          f"有效期至 {expiry}）。令牌只显示这一次，请妥善保存：")
        self.stdout.write(issued.secret)

    def _revoke(self, prefix: str, **_) -> None:
        token = ApiToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"没有前缀为 {prefix} 的令牌。")
        tokens.revoke_token(system_actor(), token)
        self.stdout.write(f"已吊销令牌 {prefix}。")

    def _list(self, username: str | None = None, **_) -> None:
        rows = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if username:
            rows = rows.filter(user=tokens.user_by_name(username))
        for token in rows:
            expiry = f"{token.expires_at:%Y-%m-%d}" if token.expires_at else "永不过期"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "未使用"
            scope = tokens.effective_scope(token)
            self.stdout.write(f"{token.prefix}  {token.user.username}  {scope}  {tokens.state(token)}  "
                              f"到期 {expiry}  最近使用 {used}  {token.name}")

"""`xuncha unlock USERNAME`: end a login lockout before its time (audited)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from xuncha.ledger.actor import system_actor
from xuncha.ledger.errors import ServiceError
from xuncha.ledger.services import logins


class Command(BaseCommand):
    help = "解除账号的登录锁定（Release a login lockout）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="登录名")

    def handle(self, *args, username: str, **options) -> None:
        try:
            count = logins.release_lockout(system_actor(), username)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已解除账号 {username} 的登录锁定（清除 {count} 条登录失败记录）。")

"""`xuncha audit verify` and `xuncha audit archive --before DATE OUT`: the audit trail's chain."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xuncha.ledger.actor import system_actor
from xuncha.ledger.errors import ServiceError
from xuncha.ledger.services import audit_archive, audit_chain


class Command(BaseCommand):
    help = "审计日志：校验哈希链（verify）、归档旧记录（archive）"

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        verify = commands.add_parser("verify", help="校验审计记录的哈希链；有断裂、缺失或顺序错乱时退出码为 1")
        verify.add_argument("files", nargs="*", type=Path, help="另外校验的归档文件")
        archive = commands.add_parser("archive", help="把某日之前的审计记录连同哈希链写入文件")
        archive.add_argument("--before", required=True, type=_date, help="归档此日期（YYYY-MM-DD）之前的记录")
        archive.add_argument("out", type=Path, help="输出文件（JSON Lines）")

    def handle(self, *args, subcommand: str, **options) -> None:
        if subcommand == "verify":
            self._verify(options["files"])
        else:
            self._archive(options["before"], options["out"])

    def _verify(self, files: list[Path]) -> None:
        failed = False
        for path in files:
            if not path.is_file():
                raise CommandError(f"找不到归档文件：{path}")
            verdict = audit_archive.verify_file(path)
            self.stdout.write(f"{path.name}：{verdict.line()}")
            failed |= not verdict.ok
        verdict, _ = audit_chain.verify_and_store()
        self.stdout.write(verdict.line())
        if failed or not verdict.ok:
            raise SystemExit(1)

    def _archive(self, before: dt.date, out: Path) -> None:
        try:
            result = audit_archive.archive(system_actor(), before, out)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        if not result.count:
            self.stdout.write(f"{before.isoformat()} 之前没有待归档的审计记录；已写出空的归档文件 {out}。")
            return
        kept = "已从数据库移除" if result.removed else "数据库中仍保留（XUNCHA_AUDIT_ARCHIVE_DELETE 未开启）"
        self.stdout.write(f"已归档第 {result.first_seq}–{result.through_seq} 条审计记录（共 {result.count} 条）"
                          f"到 {out}，SHA-256 {result.sha256}；{kept}。")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from None

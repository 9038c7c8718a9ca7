"""`xuncha restore PATH`: an archive of `xuncha backup` into an empty database and data folder."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from xuncha.ops import Refused
from xuncha.ops import backup as ops


class Command(BaseCommand):
    help = "从 xuncha backup 的归档恢复到空数据库和空数据目录（Restore an archive）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="xuncha backup 写出的归档文件")

    def handle(self, *args, path: str, **options) -> None:
        try:
            result = ops.restore(Path(path))
        except Refused as exc:
            self.stderr.write(f"恢复失败：{exc.message}")
            raise SystemExit(2) from None
        except OSError as exc:  # e.g. the disk is full: nothing half-written is left
            where = exc.filename or ""
            self.stderr.write(f"恢复失败：读写文件出错（{exc.strerror or exc}：{where}）。")
            raise SystemExit(1) from None
        manifest = result.manifest
        members = len(manifest["members"])
        self.stdout.write(f"已从 {result.archive} 恢复（备份时间 {manifest['created_utc']} UTC，"
                          f"xuncha {manifest['xuncha_version']}）：")
        self.stdout.write(f"  {members} 个成员的 sha256 校验无误，数据库与备份时一致。")
        if result.migrated:
            self.stdout.write(f"备份来自较早版本，已执行 {result.migrated} 个数据库迁移。")
        keys = manifest["keys"]
        if keys["included"]:
            self.stdout.write(f"已恢复密钥：{'、'.join(keys['names'])}。")
        elif keys["names"]:
            self.stdout.write(keys["note"])

"""`xuncha backup PATH [--with-keys]`: the database, stored files and a manifest in one archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from xuncha.ops import Refused
from xuncha.ops import backup as ops


class Command(BaseCommand):
    help = "备份数据库、佐证材料、通报文件和雷同检测索引到一个归档文件（Back up to one archive）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="归档文件路径（.tar）；给出目录时在其中按时间命名")
        parser.add_argument("--with-keys", action="store_true",
                            help="把密钥（secret_key 等）也放进备份；默认不放，须另行保管")

    def handle(self, *args, path: str, with_keys: bool, **options) -> None:
        try:
            result = ops.backup(Path(path), with_keys=with_keys)
        except Refused as exc:
            self.stderr.write(f"备份失败：{exc.message}")
            raise SystemExit(2) from None
        except OSError as exc:  # e.g. the disk is full: nothing half-written is left
            where = exc.filename or ""
            self.stderr.write(f"备份失败：读写文件出错（{exc.strerror or exc}：{where}）。")
            raise SystemExit(1) from None
        manifest = result.manifest
        size = result.archive.stat().st_size
        rows = sum(manifest["tables"].values())
        members, tables = len(manifest["members"]), len(manifest["tables"])
        self.stdout.write(f"已备份到 {result.archive}（{size / 1e6:.1f} MB，{members} 个成员，"
                          f"{tables} 张表共 {rows} 行）。")
        keys = manifest["keys"]
        if keys["included"]:
            self.stdout.write(f"备份中含密钥（{'、'.join(keys['names'])}）：请像保管密钥一样保管这份备份。")
        elif keys["names"]:
            self.stdout.write(keys["note"])

"""`xuncha purge-orphans`: delete stored files that no row references (older than an hour)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from xuncha.ledger.services import orphans


class Command(BaseCommand):
    help = "删除没有任何记录引用的存储文件（Delete stored files no row references）"

    def handle(self, *args, **options) -> None:
        removed = orphans.purge_orphans()
        self.stdout.write(f"已删除无引用的文件：佐证材料 {removed['evidence']} 个，通报文件 {removed['notices']} 个。")

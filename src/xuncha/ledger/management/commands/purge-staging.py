"""`xuncha purge-staging`: delete uploads left unconfirmed in the import preview."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from xuncha.ledger.services import imports


class Command(BaseCommand):
    help = "删除超过保留时间仍未确认的待导入文件（Delete expired staged imports）"

    def handle(self, *args, **options) -> None:
        removed = imports.purge_staged_imports()
        self.stdout.write(f"已删除 {removed} 个超过 {settings.IMPORT_STAGING_HOURS} 小时未确认的待导入文件。")

"""`xuncha reindex`: add every progress report and notice text missing from the 雷同 index."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from xuncha.ledger.actor import system_actor
from xuncha.ledger.services import audit, reuse


class Command(BaseCommand):
    help = "把尚未入库的整改进展和通报加入雷同检测索引（Index texts missing from the reuse index）"

    def handle(self, *args, **options) -> None:
        added = reuse.reindex()
        audit.record_now(system_actor(), "reuse.reindex", None, f"补建雷同检测索引：新增 {added} 份文本",
                         after={"added": added})
        self.stdout.write(f"雷同检测索引：新增 {added} 份文本，共 {reuse.store().documents} 份。")

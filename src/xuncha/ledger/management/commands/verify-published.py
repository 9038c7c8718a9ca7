"""`xuncha verify-published`: every published notice file still matches its stored sha256."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from xuncha.ledger.actor import system_actor
from xuncha.ledger.services import published


class Command(BaseCommand):
    help = "校验已发布通报的文件与发布时的 SHA-256 是否一致；不一致时退出码为 1"

    def handle(self, *args, **options) -> None:
        checked, mismatches = published.verify_all(system_actor())
        for m in mismatches:
            state = "文件缺失" if m.actual is None else "内容已改变"
            self.stdout.write(f"不一致：通报 {m.notice.pk}（第{m.notice.version}版）{m.entry.get('name')}：{state}")
        if mismatches:
            self.stdout.write(f"共校验 {checked} 个发布文件，{len(mismatches)} 个与发布时不一致，已记入审计日志。")
            raise SystemExit(1)
        self.stdout.write(f"共校验 {checked} 个发布文件，全部与发布时一致。")

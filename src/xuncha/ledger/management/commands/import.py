"""`xuncha import FILE --inspection ID [--yes]`: a notice or an Excel ledger into an inspection.

Shows a preview, asks for confirmation (or takes --yes), then imports in one transaction.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xuncha.core.parse.loaders import LoadError, read_file
from xuncha.ledger.actor import system_actor
from xuncha.ledger.errors import ServiceError
from xuncha.ledger.models import Inspection
from xuncha.ledger.services import imports


class Command(BaseCommand):
    help = "导入通报（.txt/.docx/.html/.pdf）或台账（.xlsx）到一次巡察（Import a notice or ledger）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--inspection", type=int, required=True,
                            help="巡察编号（网址 /inspections/编号/ 中的数字）")
        parser.add_argument("--yes", action="store_true", help="不询问，预览无误即导入")

    def handle(self, *args, file: str, inspection: int, yes: bool, **options) -> None:
        target = Inspection.objects.select_related("unit", "round").filter(pk=inspection).first()
        if target is None:
            raise CommandError(f"找不到编号为 {inspection} 的巡察。")
        path = Path(file)
        try:
            data = read_file(path)  # refuses a file too big to be a notice or ledger, unread
        except LoadError as exc:
            raise CommandError(f"{file}：{exc.message}") from None
        prepared = imports.preview(path.name, data)
        self.stdout.write(f"预览：{path.name} → {target.round.name} · {target.unit.name}")
        for number, title, items in prepared.findings:
            self.stdout.write(f"  {number} {title}（措施 {len(items)} 条）")
        if prepared.errors:
            raise CommandError("文件有错误，未导入任何内容：\n  " + "\n  ".join(prepared.errors))
        if not yes:
            answer = input(f"确认导入以上 {len(prepared.findings)} 个问题？[y/N] ").strip().lower()
            if answer not in {"y", "yes", "是"}:
                self.stdout.write("已取消，未导入任何内容。")
                return
        try:
            result = imports.commit(system_actor(), target, prepared)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已导入 {result.findings} 个问题、{result.measures} 条整改措施。")

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
        parser.add_argument("--accept-mismatch", action="store_true",
                            help="文件的被巡察单位、巡察组或日期与本次巡察不一致时仍导入")

    def handle(self, *args, file: str, inspection: int, yes: bool, accept_mismatch: bool = False,
               **options) -> None:
        target = Inspection.objects.select_related("unit", "round").filter(pk=inspection).first()
        if target is None:
            raise CommandError(f"找不到编号为 {inspection} 的巡察。")
        path = Path(file)
        try:
            data = read_file(path)  # refuses a file too big to be a notice or ledger, unread
        except LoadError as exc:
            raise CommandError(f"{file}：{exc.message}") from None
        prepared = imports.check_against(target, imports.preview(path.name, data, target.unit.name))
        self.stdout.write(f"预览：{path.name} → {target.round.name} · {target.unit.name}")
        self.stdout.write(f"导入类型：{prepared.kind_label}")
        for number, title, items in prepared.findings:
            self.stdout.write(f"  {number} {title}（措施 {len(items)} 条）")
        for line in prepared.warnings:
            self.stdout.write(f"  提示：{line}")
        for line in prepared.diagnostics:
            self.stdout.write(f"  体检：{line}")
        for line in prepared.mismatches:
            self.stdout.write(f"  不一致：{line}")
        if prepared.errors:
            raise CommandError("文件有错误，未导入任何内容：\n  " + "\n  ".join(prepared.errors))
        if prepared.mismatches and not accept_mismatch:
            if yes:
                raise CommandError("文件与本次巡察的信息不一致，未导入任何内容；"
                                   "核对无误后加 --accept-mismatch 再导入。")
            answer = input("文件与本次巡察的信息不一致，仍导入到本次巡察？[y/N] ").strip().lower()
            if answer not in {"y", "yes", "是"}:
                self.stdout.write("已取消，未导入任何内容。")
                return
            accept_mismatch = True
        if not yes:
            answer = input(f"确认导入以上 {len(prepared.findings)} 个问题？[y/N] ").strip().lower()
            if answer not in {"y", "yes", "是"}:
                self.stdout.write("已取消，未导入任何内容。")
                return
        try:
            result = imports.commit(system_actor(), target, prepared, accept_mismatch=accept_mismatch)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已导入 {result.findings} 个问题、{result.measures} 条整改措施。")

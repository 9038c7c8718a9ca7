"""`xuncha bundle key | register-key | export | import | conflicts | decide`: offline exchange."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xuncha.exchange import keys, selectors, services
from xuncha.ledger.actor import system_actor
from xuncha.ledger.errors import ServiceError


class Command(BaseCommand):
    help = "离线交换：本机公钥、登记对方公钥、导出和导入数据包、决定冲突"

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        commands.add_parser("key", help="输出本机的公钥（交给对方登记）")
        register = commands.add_parser("register-key", help="登记对方安装的公钥")
        register.add_argument("name", help="对方的名称，如：区委巡察办、第四巡察组笔记本")
        register.add_argument("public_key_file", type=Path, help="对方 xuncha bundle key 输出的公钥文件")
        export = commands.add_parser("export", help="导出一次巡察自对方上次确认以来的改动")
        export.add_argument("--inspection", required=True, help="巡察编号，或各安装通用的巡察标识（UUID）")
        export.add_argument("--to", required=True, dest="peer", help="已登记的对方名称")
        export.add_argument("out", type=Path, help="输出的数据包（.zip）")
        load = commands.add_parser("import", help="校验并导入对方的数据包")
        load.add_argument("file", type=Path, help="数据包（.zip）")
        commands.add_parser("conflicts", help="列出待决定的冲突")
        decide = commands.add_parser("decide", help="决定一处冲突：ours 保留本方，theirs 采用对方")
        decide.add_argument("conflict", type=int, help="冲突编号（见 xuncha bundle conflicts）")
        decide.add_argument("choice", choices=["ours", "theirs"])

    def handle(self, *args, subcommand: str, **options) -> None:
        try:
            getattr(self, "_" + subcommand.replace("-", "_"))(**options)
        except ServiceError as exc:
            raise CommandError(exc.message) from None

    def _key(self, **options) -> None:
        self.stdout.write(f"本机公钥（指纹 {keys.own_fingerprint()}），请交给对方用 xuncha bundle register-key 登记：")
        self.stdout.write(keys.public_text())

    def _register_key(self, name: str, public_key_file: Path, **options) -> None:
        if not public_key_file.is_file():
            raise CommandError(f"找不到公钥文件：{public_key_file}")
        text = public_key_file.read_text(encoding="utf-8", errors="replace")
        peer = services.register_key(system_actor(), name, text)
        self.stdout.write(f"已登记“{peer.name}”的公钥，指纹 {peer.fingerprint}。")

    def _export(self, inspection: str, peer: str, out: Path, **options) -> None:
        exported = services.export_bundle(system_actor(), _inspection_id(inspection), peer)
        # Written beside the target and renamed into place: a failed export leaves no partial file.
        handle, temporary = tempfile.mkstemp(dir=out.parent if str(out.parent) else ".", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as target, exported.file:
                shutil.copyfileobj(exported.file, target)
            os.replace(temporary, out)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        t = exported.transfer
        self.stdout.write(f"已导出第 {t.seq} 号数据包到 {out}：{t.objects_count} 个对象，{t.files_count} 个文件，"
                          f"SHA-256 {exported.sha256}。")

    def _import(self, file: Path, **options) -> None:
        if not file.is_file():
            raise CommandError(f"找不到数据包：{file}")
        result = services.import_bundle(system_actor(), file.read_bytes(), file.name)
        self.stdout.write(result.line())

    def _conflicts(self, **options) -> None:
        rows = selectors.open_conflicts()
        if not rows:
            self.stdout.write("没有待决定的冲突。")
        for row in rows:
            self.stdout.write(f"{row.pk}\t{row.peer.name}\t{row.kind_label}\t{row.field_label}\t"
                              f"本方：{row.ours}\t对方：{row.theirs}")

    def _decide(self, conflict: int, choice: str, **options) -> None:
        decided = services.decide(system_actor(), conflict, choice)
        self.stdout.write(f"冲突 {decided.pk} 已决定：{services.CHOICES[choice]}。")


def _inspection_id(text: str) -> int:
    """An inspection's id here, from its id or its uid (the same on every installation)."""
    from xuncha.ledger.models import Inspection

    if text.isdigit():
        return int(text)
    try:
        uid = uuid.UUID(text)
    except ValueError:
        raise CommandError(f"巡察编号应为数字或 UUID：{text}") from None
    found = Inspection.objects.filter(uid=uid).values_list("pk", flat=True).first()
    if found is None:
        raise CommandError(f"本机没有标识为 {text} 的巡察。")
    return found

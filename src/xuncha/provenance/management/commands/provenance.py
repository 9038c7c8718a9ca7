"""`xuncha provenance [--backfill N]`: check every evidence file of the province now."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "佐证材料核验：为全部佐证材料计算指纹并重算提示（Check every evidence file now）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--backfill", type=int, default=None, metavar="N",
                            help="最多为 N 个尚无指纹的旧文件计算指纹（默认全部）")

    def handle(self, *args, backfill: int | None, **options) -> None:
        from xuncha.ledger.actor import system_actor
        from xuncha.provenance import scan

        result = scan.run(system_actor(), backfill_limit=backfill)
        self.stdout.write(f"{result.summary()}（用时 {result.seconds:.1f} 秒）")

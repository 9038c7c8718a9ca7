"""`xuncha serve`: the staff site under waitress, a production WSGI server."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = "运行工作人员网站（Run the staff site with waitress）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host: str, port: int, threads: int, **options) -> None:
        from waitress import serve

        from xuncha.wsgi import application

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stderr.write("数据库结构不是最新的，请先运行 `xuncha migrate`。")
        self.stdout.write(f"xuncha 已启动：http://{host}:{port}/  （按 Ctrl+C 停止）")
        serve(application, host=host, port=port, threads=threads, ident="xuncha")

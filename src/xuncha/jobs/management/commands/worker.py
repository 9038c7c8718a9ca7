"""`xuncha worker`: the django-q2 cluster that runs background jobs and the schedules."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation


class Command(BaseCommand):
    help = "运行后台任务进程（Run the background job workers: a django-q2 cluster）"

    def handle(self, *args, **options) -> None:
        from django_q.cluster import Cluster

        from xuncha.jobs import runner, schedule

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stderr.write("数据库结构不是最新的，请先运行 `xuncha migrate`。")
            return
        schedule.ensure_schedules()
        swept = runner.sweep()
        broker = "Redis" if "redis" in settings.Q_CLUSTER else "数据库"
        self.stdout.write(f"xuncha 后台任务进程已启动：{settings.Q_CLUSTER['workers']} 个工作进程，"
                          f"队列在{broker}；重新排队 {swept} 项中断的任务。（按 Ctrl+C 停止）")
        self.stdout.flush()
        connection.close()  # the cluster's processes open their own
        translation.activate("en")  # django-q2's log lines, like ours, in English
        cluster = Cluster()  # installs its SIGTERM/SIGINT handlers: they stop it cleanly
        cluster.start()
        while cluster.sentinel is not None and cluster.sentinel.is_alive():
            time.sleep(0.5)
        self.stdout.write("xuncha 后台任务进程已停止。")

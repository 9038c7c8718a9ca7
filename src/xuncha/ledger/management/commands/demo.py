"""`xuncha demo`: migrate, load the sample notices and demo accounts once, print them, serve.

The data folder is kept between runs: a second run loads nothing new and gives the demo accounts
fresh random passwords (`make demo-reset` starts again from nothing).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import unicodedata

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from xuncha.ledger import demo
from xuncha.ledger.models import Unit
from xuncha.ledger.services import reuse


class Command(BaseCommand):
    help = "载入示例通报和演示账号，并启动网站（Load the demo data and serve it）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--load-only", action="store_true", help="只载入数据，不启动网站")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")

    def handle(self, *args, load_only: bool, host: str, port: int, no_worker: bool = False,
               **options) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        if "XUNCHA_2FA" not in os.environ:
            # The demo's accounts are shared by everyone trying it: no authenticator to enrol.
            settings.TWO_FACTOR = "off"
        if settings.TWO_FACTOR == "off":
            self.stdout.write("演示环境：双因素认证已关闭（XUNCHA_2FA=off）；正式部署默认对巡察办、"
                              "巡察组和三员开启（XUNCHA_2FA=office）。")
        if demo.is_loaded():
            accounts = demo.renew_passwords()
            self.stdout.write("演示数据已存在，未重新载入（make demo-reset 可清除后重新载入）。")
        elif Unit.objects.exists():
            raise CommandError(
                "数据库中已有非演示数据，演示数据只能载入到空的数据目录（可设置 XUNCHA_DATA_DIR 指向新目录）。")
        else:
            inspections = demo.load_notices()
            accounts = demo.create_accounts(inspections)
            published = demo.publish_notices(inspections)
            reuse.reindex()  # the demo's progress reports and notices, for the 雷同 checks of new ones
            run_ladder()  # today's reminders and 督办, so 通知 and 督办 have something to show
            self.stdout.write(f"已从 {len(inspections)} 份示例通报载入演示数据，发布通报 {published} 份。")
        self.stdout.write("演示账号（密码只显示这一次，每次运行重新生成）：")
        for account in accounts:
            who = f"{account.role_label}（{demo.PEOPLE[account.username]}）"
            self.stdout.write(f"  {padded(who, 34)} 用户名 {account.username:<11} 密码 {account.password}"
                              f"  范围：{account.scope}")
        if load_only:
            return
        self.stdout.write(f"工作人员网站：http://{host}:{port}/ （用上面的账号登录）")
        self.stdout.write(f"公开网站（群众监督）：http://{host}:{port}/public/ （无需登录）")
        worker = None if no_worker else start_worker()
        # A SIGTERM (an init system, `timeout`) must still stop the worker: raise, so `finally` runs.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("serve", host=host, port=port)
        finally:
            if worker is not None:
                stop_worker(worker)


def padded(text: str, width: int) -> str:
    """Padded to a width in terminal columns: a Chinese character takes two, so columns line up."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def run_ladder() -> None:
    """The day's 督办 ladder as the schedule would run it (keyed by the date: once a day)."""
    from xuncha.jobs import runner, schedule

    runner.run(schedule.run_daily("ladder", dispatch=False).pk)


def start_worker() -> subprocess.Popen:
    """The laptop is one command: a `xuncha worker` beside the server, on the same data folder."""
    process = subprocess.Popen([sys.executable, "-m", "xuncha.cli", "worker"], start_new_session=True)
    return process


def stop_worker(process: subprocess.Popen) -> None:
    """SIGTERM to the worker alone: its cluster stops its own processes in order (a signal to the
    whole group hit them at once and left the cluster waiting); the group is killed only if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)

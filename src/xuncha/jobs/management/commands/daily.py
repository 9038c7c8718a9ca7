"""`xuncha daily [--date YYYY-MM-DD]`: run the day's scheduled work now, in this process."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from xuncha.core.statuses import JOB_STATE, JobState


class Command(BaseCommand):
    help = "立即运行当天的定时任务（Run the day's scheduled work now; once per day）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", default="", help="YYYY-MM-DD（默认今天）")

    def handle(self, *args, date: str, **options) -> None:
        from xuncha.jobs import schedule

        try:
            day = dt.date.fromisoformat(date) if date else schedule.today()
        except ValueError:
            raise CommandError(f"日期“{date}”无效，请写成 YYYY-MM-DD。") from None
        failed = 0
        ran = {}
        for entry, job, outcome in schedule.run_day(day):
            note = "" if outcome != "skipped" else "（当天已运行过，未重复执行）"
            reason = f"：{job.error}" if job.error else ""
            self.stdout.write(f"{entry.title}：{JOB_STATE.label(job.state)}{note}{reason}")
            failed += job.state != JobState.DONE
            ran[entry.name] = outcome
        from xuncha.ledger.actor import system_actor
        from xuncha.ledger.services import audit

        audit.record_now(system_actor(), "daily.run", None,
                         f"运行 {day} 的定时任务（{len(ran)} 项，未完成 {failed} 项）",
                         after={"day": day.isoformat(), "jobs": ran}, result="ok" if not failed else "failed")
        if failed:
            raise CommandError(f"{day} 的定时任务有 {failed} 项未完成，详见后台任务页面。")

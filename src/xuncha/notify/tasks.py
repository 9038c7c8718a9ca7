"""The notify app's background jobs: the daily ladder, notifications of audited events,
e-mail and the daily digest (all sending happens here, never in a request)."""

from __future__ import annotations

import datetime as dt
import logging

from xuncha.jobs.registry import job
from xuncha.notify import events, ladder, mail

log = logging.getLogger(__name__)


@job("notify.ladder", title="督办阶梯：到期提醒、逾期督办、约谈")
def run_ladder(day: str) -> None:
    counts = ladder.run(dt.date.fromisoformat(day))
    log.info("ladder %s: %s", day, counts)


@job("notify.audit_event", title="生成通知")
def audit_event(event: int) -> None:
    events.notify_event(event)


@job("notify.email", title="发送通知邮件", atomic=False, max_attempts=5)
def email(**_: object) -> None:
    while mail.send_pending():
        pass


@job("notify.digest", title="发送每日通知汇总邮件", atomic=False, max_attempts=5)
def digest(day: str) -> None:
    mail.send_digests(dt.date.fromisoformat(day))

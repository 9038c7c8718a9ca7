"""The notify tests' clock: one patched seam (`xuncha.clock.now`), moved day by day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone


class Clock:
    def __init__(self) -> None:
        self.day = dt.date(2025, 11, 20)

    def now(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.day, dt.time(6, 0)))

    def set(self, day: dt.date) -> dt.date:
        self.day = day
        return day


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr("xuncha.clock.now", fake.now)
    return fake


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a block leaves for "on commit" (the audit → notification job), as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def notice(cast, today):
    """The cast's inspection's notice, published (its files stored with their sha256)."""
    from xuncha.ledger.services import measures, notices

    measures.report_progress(cast.actor("editor"), cast.measure, today, "已召开5次支部会议", mark="done")
    draft = notices.draft_from_ledger(cast.actor("editor"), cast.inspection)
    return notices.publish(cast.actor("admin"), notices.approve(cast.actor("leader"), draft),
                           override_reason="测试")

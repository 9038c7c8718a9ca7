"""Working days for reply deadlines: weekends and the office's holidays skipped, 调休 days worked."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput
from xuncha.ledger.services import audit
from xuncha.portal.models import Holiday
from xuncha.portal.vocabulary import HOLIDAY_KIND


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after start (start itself not counted)."""
    horizon = start + dt.timedelta(days=days * 3 + 60)
    special = dict(Holiday.objects.filter(date__gt=start, date__lte=horizon).values_list("date", "kind"))
    current, left = start, days
    while left > 0:
        current += dt.timedelta(days=1)
        kind = special.get(current)
        if kind == "workday" or (kind is None and current.weekday() < 5):
            left -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after start up to and including end (0 when end is not after start)."""
    special = dict(Holiday.objects.filter(date__gt=start, date__lte=end).values_list("date", "kind"))
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        kind = special.get(current)
        count += kind == "workday" or (kind is None and current.weekday() < 5)
    return count


@transaction.atomic
def set_day(actor: Actor, date: dt.date, kind: str, name: str = "") -> Holiday:
    """Mark a day a holiday or a worked weekend (the office's calendar)."""
    permissions.require(actor, "manage_portal")
    if kind not in HOLIDAY_KIND:
        raise InvalidInput("请选择放假或调休上班。")
    day, _ = Holiday.objects.update_or_create(date=date, defaults={"kind": kind, "name": name.strip()[:50]})
    audit.record(actor, "portal.holiday", day, f"节假日：{date.isoformat()} {HOLIDAY_KIND.label(kind)}",
                 after={"date": date.isoformat(), "kind": kind})
    return day


@transaction.atomic
def remove_day(actor: Actor, date: dt.date) -> None:
    permissions.require(actor, "manage_portal")
    day = Holiday.objects.filter(date=date).first()
    if day is None:
        raise InvalidInput("该日期不在节假日表中。")
    audit.record(actor, "portal.holiday.remove", day, f"删除节假日：{date.isoformat()}")
    day.delete()

"""The ladder's 报结 step: a 督办 whose 报结 date passed without the unit's answer is told to the
unit head and the office, once: the rows are locked and marked (Supervision.reply_overdue_on) in
the run's transaction, so a second run, or one at the same moment, finds nothing."""

from __future__ import annotations

import datetime as dt

from xuncha.core.dates import format_date
from xuncha.ledger.actor import system_actor
from xuncha.ledger.services import audit_chain
from xuncha.notify import deliver
from xuncha.notify.choices import SUPERVISION_OPEN
from xuncha.notify.ladder_config import Ladder
from xuncha.notify.models import Supervision

CHUNK = 2000


def due(day: dt.date):
    """督办 still waiting for the unit's answer after their 报结 date, not yet told."""
    return Supervision.objects.filter(state__in=sorted(SUPERVISION_OPEN), reply_due__lt=day,
                                      reply_overdue_on__isnull=True)


def run(day: dt.date, ladder: Ladder, messages: list[deliver.Message]) -> int:
    """Claim the day's overdue 报结, audit each and add its message; returns how many."""
    rows = list(due(day).select_for_update(of=("self",)).values_list(
        "pk", "inspection_id", "inspection__unit_id", "unit_name", "reply_due", "opened_on").order_by("pk"))
    if not rows:
        return 0
    ids = [r[0] for r in rows]
    for start in range(0, len(ids), CHUNK):
        Supervision.objects.filter(pk__in=ids[start:start + CHUNK]).update(reply_overdue_on=day)
    actor = system_actor()
    audit_chain.append_many([
        {"actor_id": actor.user_id, "actor_name": actor.name, "action": "ladder.reply_overdue",
         "object_type": "supervision", "object_id": pk, "inspection_id": inspection_id,
         "summary": f"督办巡督〔{opened.year}〕{pk}号逾期未报结：报结期限 {format_date(reply_due)} 已过"}
        for pk, inspection_id, _, _, reply_due, opened in rows])
    people = deliver.People.of_units({r[2] for r in rows})
    for pk, _, unit_id, unit_name, reply_due, opened in rows:
        messages.append(deliver.Message(
            "reply_overdue", f"reply_overdue:{pk}",
            f"督办逾期未报结：{unit_name}（巡督〔{opened.year}〕{pk}号）",
            f"报结期限 {format_date(reply_due)} 已过，{unit_name}尚未报结。请单位负责人督促报结，巡察办跟踪督办。",
            f"/supervisions/{pk}/", people.audience(ladder.audience("reply_overdue"), unit_id)))
    return len(rows)

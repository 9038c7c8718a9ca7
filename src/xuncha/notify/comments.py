"""The ladder's step for public comments: a reply past its deadline (xuncha.portal) tells the
unit's editor and leader, once per comment and deadline (CommentStep, unique like LadderStep).

Set-based like the measures' steps: one query for the comments overdue today with no such step,
bulk inserts of the steps and of one audit record per comment, one notification per unit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, OuterRef

from xuncha.core.dates import format_date
from xuncha.ledger.actor import system_actor
from xuncha.ledger.services import audit_chain
from xuncha.notify import bulk, deliver
from xuncha.notify.choices import COMMENT_OVERDUE
from xuncha.notify.ladder_config import Ladder
from xuncha.notify.models import CommentStep
from xuncha.portal.models import PublicComment
from xuncha.portal.vocabulary import OPEN_STATES


def due(day: dt.date) -> list[tuple]:
    """(comment, reply_due, inspection, unit, unit name, text) of replies overdue, not yet told."""
    taken = Exists(CommentStep.objects.filter(comment_id=OuterRef("pk"), reply_due=OuterRef("reply_due"),
                                              step=COMMENT_OVERDUE))
    return list(PublicComment.objects.filter(state__in=OPEN_STATES, reply="", reply_due__lt=day)
                .exclude(taken).order_by("pk")
                .values_list("pk", "reply_due", "inspection_id", "unit_id", "unit__name", "text"))


def run(day: dt.date, ladder: Ladder, messages: list[deliver.Message]) -> int:
    rows = due(day)
    if not rows:
        return 0
    bulk.insert(CommentStep, ["comment_id", "reply_due", "step", "day", "inspection_id"],
                [(pk, reply_due, COMMENT_OVERDUE, day, inspection_id)
                 for pk, reply_due, inspection_id, *_ in rows])
    actor = system_actor()
    audit_chain.append_many([
        {"actor_id": actor.user_id, "actor_name": actor.name, "action": "comment.reply_overdue",
         "object_type": "publiccomment", "object_id": pk, "inspection_id": inspection_id,
         "summary": f"群众意见逾期未答复：答复期限 {format_date(reply_due)} 已过（{unit_name}）"}
        for pk, reply_due, inspection_id, _, unit_name, _ in rows])
    by_unit: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        by_unit[row[3]].append(row)
    people = deliver.People.of_units(by_unit)
    for unit_id, group in by_unit.items():
        unit_name = group[0][4]
        lines = [f"{i}. {text[:60]}（答复期限：{format_date(reply_due)}）"
                 for i, (_, reply_due, _, _, _, text) in enumerate(group[:20], start=1)]
        link = f"/comments/{group[0][0]}/" if len(group) == 1 else "/comments/"
        messages.append(deliver.Message(
            "comment_overdue", f"comment_overdue:{unit_id}:{day}",
            f"群众意见逾期未答复：{unit_name}有 {len(group)} 条意见已超过答复期限", "\n".join(lines),
            link, people.audience(ladder.audience("comment_overdue"), unit_id)))
    return len(rows)

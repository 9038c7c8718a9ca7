"""Every change of the notify app outside the daily run: 报结 and its decision (moves as data),
约谈 records, the inbox, preferences and the office's ladder settings. Each in a transaction,
checked against the permission table, written by compare-and-swap and audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from xuncha import clock
from xuncha.ledger import permissions, transitions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from xuncha.ledger.services import audit
from xuncha.notify import moves  # noqa: F401  (registers the 督办's transition table)
from xuncha.notify.choices import AUDIENCE, KIND, SUPERVISION_MOVES
from xuncha.notify.ladder_config import clean_audiences, parse_days
from xuncha.notify.models import Interview, LadderConfig, Notification, Preference, Supervision


def possible_moves(actor: Actor, supervision: Supervision) -> list[str]:
    """The moves the actor may make now (templates ask this instead of repeating rules)."""
    return [m.name for m in transitions.available_moves(actor, supervision)]


@transaction.atomic
def move(actor: Actor, supervision: Supervision, name: str, text: str = "") -> Supervision:
    """Apply one move of SUPERVISION_MOVES (answer 报结, accept, return) through the ledger's
    transition tables: compare-and-swap, a StatusChange row and one audit record of the 督办."""
    if name not in SUPERVISION_MOVES:
        raise InvalidInput(f"未知的操作：{name}")
    text = (text or "").strip()
    transitions.check(actor, supervision, name, text or "-")
    if SUPERVISION_MOVES[name].needs_reason and not text:
        raise InvalidInput("请填写报结情况。" if name == "answer" else "退回时请写明理由。", field="text")
    now = clock.now()
    fields = ({"answer": text, "answered_by_id": actor.user_id, "answered_at": now} if name == "answer"
              else {"decision_comment": text, "decided_by_id": actor.user_id, "decided_at": now})
    transitions.apply(actor, supervision, name, text, changes=fields, expected_version=supervision.version,
                      audit_after={"text": text})
    supervision.refresh_from_db()
    return supervision


@transaction.atomic
def record_interview(actor: Actor, interview: Interview, held_on: dt.date, people: str,
                     notes: str) -> Interview:
    permissions.require(actor, "record_interview")
    if held_on > clock.today():
        raise InvalidInput("约谈日期不能晚于今天。", field="held_on")
    if not people.strip():
        raise InvalidInput("请填写约谈人员。", field="people")
    changed = Interview.objects.filter(pk=interview.pk, version=interview.version).update(
        state="held", held_on=held_on, people=people.strip(), notes=notes.strip(), recorded_by=actor.user,
        version=F("version") + 1)
    if not changed:
        raise Conflict()
    interview.refresh_from_db()
    audit.record(actor, "interview.record", interview, f"登记约谈：{held_on.isoformat()}，{people[:60]}",
                 after={"held_on": held_on.isoformat(), "people": people, "notes": notes})
    return interview


@transaction.atomic
def mark_read(actor: Actor, pk: int) -> Notification:
    notification = Notification.objects.filter(pk=pk, recipient_id=actor.user_id).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        Notification.objects.filter(pk=pk, read_at__isnull=True).update(read_at=clock.now())
        # Every change is audited, the reader's own inbox included (one record per act).
        audit.record(actor, "notification.read", notification, f"通知标为已读：{notification.title[:60]}")
    return notification


@transaction.atomic
def mark_all_read(actor: Actor) -> int:
    count = Notification.objects.filter(recipient_id=actor.user_id, read_at__isnull=True).update(
        read_at=clock.now())
    audit.record(actor, "notification.read_all", None, f"{count}条通知全部标为已读", after={"count": count})
    return count


@transaction.atomic
def save_preferences(actor: Actor, email_kinds: list[str], digest: bool) -> Preference:
    if actor.user_id is None:
        raise PermissionDenied()
    unknown = [k for k in email_kinds if k not in KIND]
    if unknown:
        raise InvalidInput("通知类型不正确。", field="email_kinds")
    row = Preference.objects.filter(user_id=actor.user_id).first()
    before = {"email_kinds": row.email_kinds, "digest": row.digest} if row else None
    preference, _ = Preference.objects.update_or_create(
        user_id=actor.user_id, defaults={"email_kinds": [k.value for k in KIND if k.value in email_kinds],
                                         "digest": digest})
    audit.record(actor, "notify.preferences", preference, "修改通知设置", before=before,
                 after={"email_kinds": preference.email_kinds, "digest": preference.digest})
    return preference


@transaction.atomic
def save_ladder(actor: Actor, reminder_days: str, interview_days: int, reply_days: int, issuer: str,
                audiences: dict[str, list[str]]) -> LadderConfig:
    permissions.require(actor, "manage_ladder")
    try:
        days = parse_days(reminder_days)
    except ValueError:
        raise InvalidInput("提醒天数应为 0 至 365 之间的整数，用逗号分隔，如：20,10,0。",
                           field="reminder_days") from None
    if not 1 <= interview_days <= 365:
        raise InvalidInput("约谈天数应在 1 至 365 之间。", field="interview_days")
    if not 1 <= reply_days <= 90:
        raise InvalidInput("报结期限应在 1 至 90 天之间。", field="reply_days")
    if not issuer.strip():
        raise InvalidInput("请填写督办单位。", field="issuer")
    bad = [a for chosen in audiences.values() for a in chosen if a not in AUDIENCE]
    if bad:
        raise InvalidInput("通知对象不正确。", field="audiences")
    values = {"reminder_days": ",".join(str(d) for d in sorted(days, reverse=True)),
              "interview_days": interview_days, "reply_days": reply_days, "issuer": issuer.strip(),
              "audiences": {k: list(v) for k, v in clean_audiences(audiences).items()},
              "updated_at": clock.now()}
    row = LadderConfig.objects.select_for_update().filter(pk=1).first()
    before = {k: getattr(row, k) for k in values if k != "updated_at"} if row else None
    if row is None:
        row = LadderConfig.objects.create(pk=1, **values)
    else:
        LadderConfig.objects.filter(pk=1).update(version=F("version") + 1, **values)
        row.refresh_from_db()
    audit.record(actor, "ladder.settings", row, "修改督办设置", before=before,
                 after={k: v for k, v in values.items() if k != "updated_at"})
    return row

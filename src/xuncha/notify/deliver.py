"""Who hears what, and putting notifications in inboxes: one bulk path for every sender.

A notification's `key` names its event; the unique (recipient, key) means the same event
never reaches the same person twice, however often a sender runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from xuncha import clock
from xuncha.ledger.models import Staff
from xuncha.notify import bulk
from xuncha.notify.models import Notification, Preference


@dataclass
class Message:
    """One notification for a set of people."""

    kind: str
    key: str
    title: str
    body: str = ""
    link: str = ""
    users: set[int] = field(default_factory=set)


# Roles whose people hear of every unit's events (no unit of their own).
GLOBAL_ROLES = ("office_admin", "sys_admin", "security_admin")


@dataclass
class People:
    """Active staff of some units, and the office and the administrators: the audience's pool
    (one query)."""

    by_unit: dict[int, list[dict]]
    office: list[int]
    by_role: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of_units(cls, unit_ids: Iterable[int]) -> People:
        unit_ids = set(unit_ids)
        by_unit: dict[int, list[dict]] = defaultdict(list)
        by_role: dict[str, list[int]] = defaultdict(list)
        rows = Staff.objects.filter(user__is_active=True).filter(
            role__in=["unit_editor", "unit_leader", *GLOBAL_ROLES]).values(
            "user_id", "role", "unit_id", "display_name")
        for row in rows:
            if row["role"] in GLOBAL_ROLES:
                by_role[row["role"]].append(row["user_id"])
            elif row["unit_id"] in unit_ids:
                by_unit[row["unit_id"]].append(row)
        return cls(by_unit, by_role["office_admin"], dict(by_role))

    def audience(self, audiences: Iterable[str], unit_id: int | None,
                 owners: Iterable[str] = (), requester: int | None = None) -> set[int]:
        """User ids of the audiences for a unit; `owners` are Measure.owner texts."""
        chosen: set[int] = set()
        staff = self.by_unit.get(unit_id, []) if unit_id is not None else []
        for audience in audiences:
            if audience == "office_admin":
                chosen.update(self.office)
            elif audience in GLOBAL_ROLES:
                chosen.update(self.by_role.get(audience, ()))
            elif audience in ("unit_editor", "unit_leader"):
                chosen.update(s["user_id"] for s in staff if s["role"] == audience)
            elif audience == "owner":
                chosen.update(s["user_id"] for s in staff if owner_matches(s["display_name"], owners))
            elif audience == "requester" and requester is not None:
                chosen.add(requester)
        return chosen


def owner_matches(name: str, owners: Iterable[str]) -> bool:
    """Measure.owner is free text ("社区党委 张伟"): a person matches when their name is in it."""
    name = (name or "").strip()
    return len(name) >= 2 and any(name in (owner or "") for owner in owners)


def _email_kinds(user_ids: set[int]) -> dict[int, set[str]]:
    default = set(settings.NOTIFY_EMAIL_KINDS)
    kinds = {uid: default for uid in user_ids}
    for uid, chosen in Preference.objects.filter(user_id__in=user_ids).values_list("user_id", "email_kinds"):
        kinds[uid] = set(chosen or ())
    return kinds


def deliver(messages: list[Message]) -> int:
    """Insert every message for each of its people; duplicates (same key) are skipped.

    Returns how many were new. E-mail is sent after commit by the notify.email job.
    """
    users = set().union(*(m.users for m in messages)) if messages else set()
    if not users:
        return 0
    email = _email_kinds(users)
    now = clock.now()
    keys = {(u, m.key) for m in messages for u in m.users}
    existing = _existing(keys)
    rows = [(u, m.kind, m.title[:200], m.body, m.link, m.key[:120], now, m.kind in email.get(u, ()))
            for m in messages for u in sorted(m.users) if (u, m.key[:120]) not in existing]
    # The unique (recipient, key) still guards against a sender running twice at the same moment.
    bulk.insert(Notification, ["recipient_id", "kind", "title", "body", "link", "key", "created_at",
                               "email_wanted"], rows, ignore_conflicts=True)
    if any(row[-1] for row in rows):
        transaction.on_commit(_queue_email, robust=True)
    return len(rows)


def _existing(keys: set[tuple[int, str]]) -> set[tuple[int, str]]:
    names = sorted({k for _, k in keys})
    found: set[tuple[int, str]] = set()
    for start in range(0, len(names), 2000):
        found.update(Notification.objects.filter(key__in=names[start:start + 2000]).values_list(
            "recipient_id", "key"))
    return found


def _queue_email() -> None:
    from xuncha.jobs.queue import enqueue

    enqueue("notify.email", {})

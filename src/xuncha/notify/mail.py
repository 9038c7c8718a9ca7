"""E-mail of notifications: each one the recipient wants by mail, and the daily digest.

Sent through Django's mail settings (XUNCHA_EMAIL_*; the console in the demo). A message is
claimed (emailed_at set by a conditional UPDATE) before it is sent and released again if the
server refuses, so two workers never send the same one and a failure is retried.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from xuncha import clock
from xuncha.core.dates import format_date
from xuncha.notify.choices import KIND
from xuncha.notify.models import DigestSent, Notification, Preference

log = logging.getLogger(__name__)
SUBJECT_PREFIX = "【巡察整改】"


def _url(link: str) -> str:
    return settings.SITE_URL.rstrip("/") + link if link else settings.SITE_URL


def send_pending(limit: int = 500) -> int:
    """Send up to `limit` notifications waiting for e-mail; returns how many were taken."""
    taken = 0
    pending = Notification.objects.filter(email_wanted=True, emailed_at__isnull=True).order_by("pk")
    for note in pending.select_related("recipient")[:limit]:
        address = note.recipient.email
        if not Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(emailed_at=clock.now()):
            continue  # another worker has it
        taken += 1
        if not address:
            continue  # nowhere to send: marked so it is not tried again
        try:
            send_mail(SUBJECT_PREFIX + note.title, f"{note.body}\n\n查看：{_url(note.link)}",
                      settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:
            Notification.objects.filter(pk=note.pk).update(emailed_at=None)
            raise
    return taken


def _wants_digest(user_ids: set[int]) -> set[int]:
    off = set(Preference.objects.filter(user_id__in=user_ids, digest=False).values_list("user_id", flat=True))
    return user_ids - off


def digest_start(day: dt.date) -> dt.datetime:
    """A digest never reaches back past the start of the day before (a first digest included)."""
    return timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), dt.time()))


def digest_text(notes: list[Notification], unread_total: int) -> str:
    lines = [f"上次汇总以来新增通知 {len(notes)} 条，目前共有未读通知 {unread_total} 条。", ""]
    for note in notes:
        lines.append(f"【{KIND.label(note.kind)}】{note.title}")
        lines.append(f"    {_url(note.link)}")
    lines += ["", f"全部通知：{_url('/inbox/')}", "如不需要每日汇总邮件，可在“通知 → 通知设置”中关闭。"]
    return "\n".join(lines)


def send_digests(day: dt.date) -> int:
    """One digest per person: the unread notifications since their last digest (so the morning's
    督办 are in the morning's digest), at most once per day."""
    start, now = digest_start(day), clock.now()
    last = dict(DigestSent.objects.filter(sent_at__gte=start).values_list("user_id").annotate(at=Max("sent_at")))
    notes: dict[int, list[Notification]] = defaultdict(list)
    for note in Notification.objects.filter(created_at__gte=start, created_at__lte=now,
                                            read_at__isnull=True).order_by("created_at", "pk"):
        if note.created_at > last.get(note.recipient_id, start - dt.timedelta(seconds=1)):
            notes[note.recipient_id].append(note)
    users = get_user_model().objects.in_bulk(_wants_digest(set(notes)))
    sent = 0
    for user_id, user in sorted(users.items()):
        if not user.email or not user.is_active:
            continue
        unread = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()
        try:
            with transaction.atomic():
                DigestSent.objects.create(user_id=user_id, day=day, count=len(notes[user_id]), sent_at=now)
                send_mail(f"{SUBJECT_PREFIX}每日通知汇总（{format_date(day)}）：{len(notes[user_id])} 条新通知",
                          digest_text(notes[user_id], unread), settings.DEFAULT_FROM_EMAIL, [user.email])
        except IntegrityError:
            continue  # sent already today
        sent += 1
    return sent

"""Reads of the notify app, scoped to the actor: the inbox, the 督办 lists and the counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from xuncha import clock
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import NotFound
from xuncha.ledger.models import Measure
from xuncha.notify.choices import SUPERVISION_OPEN
from xuncha.notify.models import Interview, LadderStep, Notification, Supervision


def unread_count(user_id: int | None) -> int:
    """The badge: one COUNT over the (recipient, read_at) index."""
    if user_id is None:
        return 0
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()


def inbox(actor: Actor, unread_only: bool = False) -> QuerySet[Notification]:
    notes = Notification.objects.filter(recipient_id=actor.user_id).order_by("-created_at", "-id")
    return notes.filter(read_at__isnull=True) if unread_only else notes


SUPERVISION_FILTERS = {
    "open": Q(state__in=SUPERVISION_OPEN),
    "answered": Q(state="answered"),
    "overdue": Q(state__in=SUPERVISION_OPEN),  # and reply_due before today, added below
    "closed": Q(state="closed"),
}


def supervisions(actor: Actor, status: str = "") -> QuerySet[Supervision]:
    rows = Supervision.objects.filter(permissions.scope_filter(actor, "view_supervisions", via="inspection__"))
    if status in SUPERVISION_FILTERS:
        rows = rows.filter(SUPERVISION_FILTERS[status])
    if status == "overdue":
        rows = rows.filter(reply_due__lt=clock.today())
    return rows.annotate(measure_count=Count("steps")).order_by("-opened_on", "-id")


def supervision(actor: Actor, pk: int) -> Supervision:
    found = Supervision.objects.select_related("inspection__unit", "inspection__round").filter(pk=pk).first()
    if found is None or not permissions.allowed(actor, "view_supervisions", found.inspection):
        raise NotFound()
    return found


@dataclass
class SupervisedMeasure:
    measure: Measure
    deadline: dt.date


def supervised_measures(supervision: Supervision) -> list[SupervisedMeasure]:
    steps = LadderStep.objects.filter(supervision=supervision).select_related("measure__finding").order_by(
        "measure__finding__position", "measure__position", "measure_id")
    return [SupervisedMeasure(step.measure, step.deadline) for step in steps]


def interviews(actor: Actor, state: str = "") -> QuerySet[Interview]:
    rows = Interview.objects.filter(permissions.scope_filter(actor, "view_supervisions", via="inspection__"))
    return (rows.filter(state=state) if state else rows).annotate(measure_count=Count("steps")).order_by(
        "-opened_on", "-id")


def interview(actor: Actor, pk: int) -> Interview:
    found = Interview.objects.select_related("inspection__unit").filter(pk=pk).first()
    if found is None or not permissions.allowed(actor, "view_supervisions", found.inspection):
        raise NotFound()
    return found


def ladder_counts(actor: Actor, since: dt.date | None = None, until: dt.date | None = None) -> dict:
    """For analytics: steps taken by kind, 督办 by state (and 报结 overdue), 约谈 by state."""
    scope = permissions.scope_filter(actor, "view_supervisions", via="inspection__")
    steps = LadderStep.objects.filter(permissions.scope_filter(actor, "view_supervisions", via="inspection_id"))
    supervised = Supervision.objects.filter(scope)
    talks = Interview.objects.filter(scope)
    if since:
        steps, supervised, talks = (steps.filter(day__gte=since), supervised.filter(opened_on__gte=since),
                                    talks.filter(opened_on__gte=since))
    if until:
        steps, supervised, talks = (steps.filter(day__lte=until), supervised.filter(opened_on__lte=until),
                                    talks.filter(opened_on__lte=until))
    return {
        "steps": dict(steps.values_list("step").annotate(n=Count("id")).order_by("step")),
        "supervisions": dict(supervised.values_list("state").annotate(n=Count("id")).order_by("state")),
        "supervisions_waiting": supervised.filter(state__in=SUPERVISION_OPEN).count(),
        "supervisions_reply_overdue": supervised.filter(state__in=SUPERVISION_OPEN,
                                                        reply_due__lt=clock.today()).count(),
        "interviews": dict(talks.values_list("state").annotate(n=Count("id")).order_by("state")),
    }

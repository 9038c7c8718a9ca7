"""Reads of the notify app, scoped to the actor: the inbox, the 督办 lists and the counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from xuncha import clock
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import NotFound
from xuncha.ledger.models import Inspection, Measure, Unit
from xuncha.notify.choices import SUPERVISION_OPEN
from xuncha.notify.models import CommentStep, Interview, LadderStep, Notification, Supervision


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


def supervisions(actor: Actor, status: str = "", unit_id: int | None = None,
                 inspection_id: int | None = None) -> QuerySet[Supervision]:
    """督办 the actor may see; by status, by unit (with its sub-units) and by inspection."""
    rows = Supervision.objects.filter(permissions.scope_filter(actor, "view_supervisions", via="inspection__"))
    if status in SUPERVISION_FILTERS:
        rows = rows.filter(SUPERVISION_FILTERS[status])
    if status == "overdue":
        rows = rows.filter(reply_due__lt=clock.today())
    rows = _narrow(rows, unit_id, inspection_id)
    return rows.annotate(measure_count=Count("steps")).order_by("-opened_on", "-id")


def answers_to_review(actor: Actor) -> QuerySet[Supervision]:
    """督办 whose 报结 waits for the actor's decision (同意办结 or 退回), the oldest answer first:
    the 工作台's 待审核的督办报结."""
    return (Supervision.objects.filter(permissions.scope_filter(actor, "decide_supervision", via="inspection__"),
                                       SUPERVISION_FILTERS["answered"])
            .select_related("inspection__unit").order_by("answered_at", "id"))


def _narrow(rows: QuerySet, unit_id: int | None, inspection_id: int | None) -> QuerySet:
    """Rows of one unit (with its sub-units) or one inspection; rows of Inspection itself too."""
    via = "" if rows.model is Inspection else "inspection__"
    if unit_id:
        path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
        rows = rows.filter(**{f"{via}unit__path__startswith": path}) if path else rows.none()
    if inspection_id:
        rows = rows.filter(**{"pk" if not via else "inspection_id": inspection_id})
    return rows


@dataclass
class Choices:
    """What the filters of a 督办 or 约谈 list offer: the units and inspections that have one."""
    units: list[tuple[int, str]]
    inspections: list[tuple[int, str]]


def choices(actor: Actor, model: type[Supervision] | type[Interview]) -> Choices:
    """Drawn from the rows the actor may see (distinct in the database), so a list offers no unit
    it would show empty."""
    rows = model.objects.filter(permissions.scope_filter(actor, "view_supervisions", via="inspection__")).order_by()
    units = sorted(rows.values_list("inspection__unit_id", "inspection__unit__name").distinct(), key=lambda u: u[1])
    inspections = sorted(
        ((pk, f"{round_name} · {unit_name}") for pk, round_name, unit_name in rows.values_list(
            "inspection_id", "inspection__round__name", "inspection__unit__name").distinct()), key=lambda i: i[1])
    return Choices(units, inspections)


def supervision(actor: Actor, pk: int) -> Supervision:
    found = Supervision.objects.select_related("inspection__unit", "inspection__round").filter(pk=pk).first()
    if found is None or not permissions.allowed(actor, "view_supervisions", found.inspection):
        raise NotFound()
    return found


@dataclass
class SupervisedMeasure:
    measure: Measure
    deadline: dt.date

    def as_dict(self) -> dict:
        """As the API answers it (督办 and 约谈 alike)."""
        return {"measure_id": self.measure.pk, "finding_id": self.measure.finding_id, "text": self.measure.text,
                "owner": self.measure.owner, "deadline": self.deadline}


def supervised_measures(supervision: Supervision) -> list[SupervisedMeasure]:
    return _stepped_measures(supervision=supervision)


def _stepped_measures(**step) -> list[SupervisedMeasure]:
    """The measures a 督办 or a 约谈 names, in their finding's and their own order."""
    steps = LadderStep.objects.filter(**step).select_related("measure__finding").order_by(
        "measure__finding__position", "measure__position", "measure_id")
    return [SupervisedMeasure(step.measure, step.deadline) for step in steps]


def interviews(actor: Actor, state: str = "", unit_id: int | None = None,
               inspection_id: int | None = None) -> QuerySet[Interview]:
    """约谈 the actor may see; by state, by unit (with its sub-units, as the inspections list) and
    by inspection."""
    rows = Interview.objects.filter(permissions.scope_filter(actor, "view_supervisions", via="inspection__"))
    if state:
        rows = rows.filter(state=state)
    rows = _narrow(rows, unit_id, inspection_id)
    return rows.annotate(measure_count=Count("steps")).order_by("-opened_on", "-id")


def interview(actor: Actor, pk: int) -> Interview:
    found = Interview.objects.select_related("inspection__unit").filter(pk=pk).first()
    if found is None or not permissions.allowed(actor, "view_supervisions", found.inspection):
        raise NotFound()
    return found


def interviewed_measures(interview: Interview) -> list[SupervisedMeasure]:
    return _stepped_measures(interview=interview)


def ladder_counts(actor: Actor, since: dt.date | None = None, until: dt.date | None = None,
                  unit_id: int | None = None, inspection_id: int | None = None) -> dict:
    """For analytics and the 督办 page: steps taken by kind, 督办 by state (and 报结 overdue),
    约谈 by state; narrowed like the lists when a unit or an inspection is given."""
    scope = permissions.scope_filter(actor, "view_supervisions", via="inspection__")
    in_scope = permissions.scope_filter(actor, "view_supervisions", via="inspection_id")
    steps = LadderStep.objects.filter(in_scope)
    comment_steps = CommentStep.objects.filter(in_scope)
    supervised = _narrow(Supervision.objects.filter(scope), unit_id, inspection_id)
    talks = _narrow(Interview.objects.filter(scope), unit_id, inspection_id)
    if unit_id or inspection_id:
        narrowed = _narrow(Inspection.objects.all(), unit_id, inspection_id)
        steps = steps.filter(inspection_id__in=narrowed.values("pk"))
        comment_steps = comment_steps.filter(inspection_id__in=narrowed.values("pk"))
    if since:
        steps, supervised, talks = (steps.filter(day__gte=since), supervised.filter(opened_on__gte=since),
                                    talks.filter(opened_on__gte=since))
        comment_steps = comment_steps.filter(day__gte=since)
    if until:
        steps, supervised, talks = (steps.filter(day__lte=until), supervised.filter(opened_on__lte=until),
                                    talks.filter(opened_on__lte=until))
        comment_steps = comment_steps.filter(day__lte=until)
    by_step = dict(steps.values_list("step").annotate(n=Count("id")).order_by("step"))
    by_step.update(comment_steps.values_list("step").annotate(n=Count("id")).order_by("step"))
    return {
        "steps": by_step,
        "supervisions": dict(supervised.values_list("state").annotate(n=Count("id")).order_by("state")),
        "supervisions_waiting": supervised.filter(state__in=SUPERVISION_OPEN).count(),
        "supervisions_reply_overdue": supervised.filter(state__in=SUPERVISION_OPEN,
                                                        reply_due__lt=clock.today()).count(),
        "interviews": dict(talks.values_list("state").annotate(n=Count("id")).order_by("state")),
    }

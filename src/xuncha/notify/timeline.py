"""A 督办 is one act over several findings: its records reach each finding's timeline from here."""

from __future__ import annotations

from django.db.models import Q

from xuncha.notify.models import LadderStep


def supervision_records(finding_id: int) -> Q:
    """The audit records of every 督办 covering one of the finding's measures."""
    covering = LadderStep.objects.filter(measure__finding_id=finding_id, supervision__isnull=False)
    return Q(object_type="supervision", object_id__in=covering.values("supervision_id"))

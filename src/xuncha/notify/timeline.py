"""A 督办 or a 约谈 is one act over several findings: its records reach each finding's timeline
from here (ledger.selectors.TIMELINE_SOURCES)."""

from __future__ import annotations

from django.db.models import Q

from xuncha.notify.models import LadderStep


def supervision_records(finding_id: int) -> Q:
    """The audit records of every 督办 and 约谈 covering one of the finding's measures."""
    steps = LadderStep.objects.filter(measure__finding_id=finding_id)
    return (Q(object_type="supervision",
              object_id__in=steps.filter(supervision__isnull=False).values("supervision_id"))
            | Q(object_type="interview",
                object_id__in=steps.filter(interview__isnull=False).values("interview_id")))

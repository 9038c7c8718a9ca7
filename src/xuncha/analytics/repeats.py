"""屡查屡犯: earlier findings of the same unit that a finding repeats, proposed to the team."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from xuncha.analytics.models import RepeatDecision
from xuncha.core import similar
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import NotFound
from xuncha.ledger.models import Finding

# A unit has some dozens of findings a round; a long history is read this far back.
MAX_EARLIER = 2000


@dataclass
class Proposal:
    earlier: Finding
    score: float


def _earlier(finding: Finding):
    """Findings of the same unit from the other, earlier inspections."""
    mine = finding.inspection
    earlier = Finding.objects.filter(inspection__unit_id=mine.unit_id).exclude(inspection_id=mine.pk)
    if mine.feedback_date:
        earlier = earlier.filter(Q(inspection__feedback_date__lt=mine.feedback_date)
                                 | Q(inspection__feedback_date__isnull=True, inspection_id__lt=mine.pk))
    else:
        earlier = earlier.filter(inspection_id__lt=mine.pk)
    return earlier


def proposals(actor: Actor, finding: Finding) -> list[Proposal]:
    """Proposed repeats not yet answered, best first (the confirmed one is `finding.previous`).

    The team that decides sees the unit's whole history (earlier rounds were often inspected
    by another team); anyone else only the earlier findings they may view anyway.
    """
    answered = set(RepeatDecision.objects.filter(finding=finding).values_list("earlier_id", flat=True))
    earlier = _earlier(finding)
    if not permissions.allowed(actor, "confirm_repeats", finding.inspection):
        earlier = earlier.filter(permissions.scope_filter(actor, via="inspection__"))
    rows = list(earlier.exclude(pk__in=answered).exclude(pk=finding.previous_id or 0)
                .values_list("pk", "inspection__unit_id", "title")[:MAX_EARLIER])
    items = [similar.Item(pk, unit, title) for pk, unit, title in rows]
    found = similar.repeat_candidates(finding.title, items)
    by_id = Finding.objects.select_related("inspection__round").in_bulk([i.id for i, _ in found])
    return [Proposal(by_id[item.id], score) for item, score in found]


def earlier_finding(actor: Actor, finding: Finding, pk: int) -> Finding:
    earlier = _earlier(finding).select_related("inspection").filter(pk=pk).first()
    if earlier is None:
        raise NotFound()
    permissions.require(actor, "confirm_repeats", finding.inspection)
    return earlier

"""Who on the staff side may see and handle which public comments (the ledger's ACTIONS table).

A comment is scoped by the unit it is assigned to (unit roles: that unit and its sub-units)
or by the inspection it came from (team members), like every other row of the ledger.
"""

from __future__ import annotations

from django.db.models import Q

from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import PermissionDenied
from xuncha.portal.models import PublicComment


def can(actor: Actor, action: str, comment: PublicComment) -> bool:
    scope = permissions.ACTIONS[action].get(actor.role)
    if scope == permissions.ALL:
        return True
    if scope == permissions.UNIT:
        return actor.unit is not None and comment.unit.path.startswith(actor.unit.path)
    if scope == permissions.TEAM:
        return actor.team is not None and comment.inspection.team_id == actor.team.pk
    return False


def require(actor: Actor, action: str, comment: PublicComment) -> None:
    if not can(actor, action, comment):
        raise PermissionDenied(permissions.DENIED_MESSAGES[action])


def comment_filter(actor: Actor, action: str = "view_comments") -> Q:
    scope = permissions.ACTIONS[action].get(actor.role)
    if scope == permissions.ALL:
        return Q()
    if scope == permissions.UNIT and actor.unit is not None:
        return Q(unit__path__startswith=actor.unit.path)
    if scope == permissions.TEAM and actor.team is not None:
        return Q(inspection__team_id=actor.team.pk)
    return Q(pk__in=[])

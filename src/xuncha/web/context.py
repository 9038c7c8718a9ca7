"""Template context shared by every staff page."""

from __future__ import annotations

from xuncha.core.statuses import ROLE
from xuncha.ledger import permissions
from xuncha.ledger.actor import actor_for
from xuncha.ledger.services import twofactor
from xuncha.web.proxy import client_ip


def actor(request):
    """The Actor of this request, built once per request."""
    if not hasattr(request, "_xuncha_actor"):
        request._xuncha_actor = actor_for(getattr(request, "user", None), client_ip(request))
    return request._xuncha_actor


def staff(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    current = actor(request)
    return {"actor": current, "role_label": ROLE.label(current.role),
            "can_check_reuse": permissions.allowed(current, "check_reuse"),
            "can_view_jobs": permissions.allowed(current, "view_jobs"),
            "can_view_accounts": permissions.allowed(current, "view_accounts"),
            "two_factor_on": twofactor.required_for(current.role),
            "can_view_audit": permissions.allowed(current, "view_audit"),
            "can_setup": permissions.allowed(current, "manage_setup"),
            "can_use_api": permissions.holds(current, "use_api"),
            # Business pages only for roles that hold the action in some scope (the security and audit
            # administrators see no business data, so their nav leaves these out).
            "can_view_ledger": permissions.holds(current, "view"),
            "can_view_analytics": permissions.holds(current, "view_analytics"),
            "can_view_evaluation": permissions.holds(current, "view_evaluation"),
            "can_view_comments": permissions.holds(current, "view_comments")}

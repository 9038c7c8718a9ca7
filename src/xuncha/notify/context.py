"""The unread count on every staff page (the 通知 nav item): one indexed COUNT per request."""

from __future__ import annotations

from xuncha.ledger import permissions
from xuncha.notify.selectors import unread_count


def inbox(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from xuncha.web.context import actor

    # A scoped role sees the 督办 of its own unit or team; the list filters them.
    return {"unread_notifications": unread_count(user.pk),
            "can_view_supervisions": actor(request).role in permissions.ACTIONS["view_supervisions"]}

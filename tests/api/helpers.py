"""What the API tests check again and again: the one error shape, and the audit records an act wrote."""

from __future__ import annotations

from xuncha.ledger.models import AuditEvent


def shape(response) -> dict:
    """The body of an error answer, asserted to be the one error shape."""
    body = response.json()
    assert set(body) == {"code", "message", "errors"}, body
    return body


def last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def actions_since(since: int) -> list[str]:
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq").values_list("action", flat=True))

"""One-time form tokens: a form posted twice (back button, double click) is saved once.

The token is claimed in the same transaction as the change it submits: if the change is
refused, the claim goes with it and the corrected form can be sent again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction

from xuncha import clock
from xuncha.ledger.errors import ServiceError
from xuncha.ledger.models import FormSubmission

T = TypeVar("T")
TOKEN_MAX = 64


class AlreadySubmitted(ServiceError):
    code = "already_submitted"

    def __init__(self) -> None:
        super().__init__("该表单已经提交过，本次没有重复保存。")


def once(user, token: str, call: Callable[[], T]) -> T:
    """Run `call` unless this user's form token was used already (no token: just run it)."""
    token = (token or "").strip()[:TOKEN_MAX]
    if not token:
        return call()
    with transaction.atomic():
        try:
            with transaction.atomic():
                FormSubmission.objects.create(token=token, user=user, at=clock.now())
        except IntegrityError:
            raise AlreadySubmitted() from None
        return call()


def forget_before(moment) -> int:
    """Drop tokens used before `moment` (a resubmission days later is a new form)."""
    deleted, _ = FormSubmission.objects.filter(at__lt=moment).delete()
    return deleted

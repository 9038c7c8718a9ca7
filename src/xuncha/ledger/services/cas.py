"""Compare-and-swap updates: the only way services change a row another request may change."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F

from xuncha.ledger.errors import Conflict


def swap(model: type[models.Model], pk: int, expect: dict[str, Any], version_field: str = "version",
         **changes: Any) -> None:
    """UPDATE … WHERE pk AND every `expect` field still holds; bump the version; else Conflict.

    Without this, two people saving at once would each overwrite the other's change unseen.
    """
    filters = {"pk": pk, **{k: v for k, v in expect.items() if v is not None}}
    count = model.objects.filter(**filters).update(**changes, **{version_field: F(version_field) + 1})
    if count != 1:
        raise Conflict()

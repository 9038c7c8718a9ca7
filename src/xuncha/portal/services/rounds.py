"""The office's switch for a round: show the live ledger (实时进展) on the portal, or only notices."""

from __future__ import annotations

from django.db import transaction

from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.models import Round
from xuncha.ledger.services import audit
from xuncha.portal.models import RoundPortal
from xuncha.portal.services import pages


@transaction.atomic
def set_live_progress(actor: Actor, round_: Round, on: bool) -> RoundPortal:
    permissions.require(actor, "manage_portal")
    row, _ = RoundPortal.objects.get_or_create(round=round_)
    if row.live_progress != on:
        RoundPortal.objects.filter(pk=row.pk).update(live_progress=on)
        row.live_progress = on
        audit.record(actor, "portal.live_progress", round_,
                     f"{'开启' if on else '关闭'}公开实时整改进展：{round_.name}", after={"live_progress": on})
        pages.changed()
    return row

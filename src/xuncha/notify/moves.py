"""The 督办's moves joined to the ledger's transition tables: one mechanism for every status.

`choices.SUPERVISION_MOVES` stays the one definition (from, to, permission, reason); this module
registers it with `ledger.transitions`, so `transitions.apply` moves a 督办 like any other row
(compare-and-swap, a StatusChange history row, one audit record) and templates ask
`transitions.available_moves`.
"""

from __future__ import annotations

from xuncha.ledger import transitions
from xuncha.notify.choices import SUPERVISION_MOVES, SUPERVISION_STATE
from xuncha.notify.models import Supervision

SUPERVISION = transitions.register(transitions.Table(
    kind="supervision", title="督办", model=Supervision, choices=SUPERVISION_STATE, field="state",
    inspection=lambda s: s.inspection, finding_id=lambda s: None,
    heading=lambda s: f"督办{s.number}",
    moves=tuple(transitions.Move(m.name, frozenset(m.sources), m.target, m.label, m.action,
                                 reason=m.needs_reason) for m in SUPERVISION_MOVES.values()),
))

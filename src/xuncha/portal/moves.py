"""Moderating a public comment: a table of the ledger's transitions (ledger/transitions.py).

The moves are applied by `transitions.apply`, which checks the table, swaps the state, writes
the StatusChange history row and the audit record; pages ask `transitions.available_moves`.
A comment is scoped by the unit it is assigned to, so the table brings its own permission check.
"""

from __future__ import annotations

from xuncha.ledger import transitions
from xuncha.ledger.transitions import Move, Table
from xuncha.portal import access
from xuncha.portal.models import PublicComment
from xuncha.portal.vocabulary import COMMENT_STATE, MOVE_LABELS

_S = frozenset
ACTION = "moderate_comments"

COMMENT = transitions.register(Table(
    kind="comment", title="群众意见", model=PublicComment, choices=COMMENT_STATE, field="state",
    inspection=lambda c: c.inspection, finding_id=lambda c: None, allowed=access.can,
    moves=(
        Move("publish", _S({"held"}), "published", MOVE_LABELS["publish"], ACTION),
        Move("merge", _S({"held", "published"}), "merged", MOVE_LABELS["merge"], ACTION, reason=True),
        Move("decline", _S({"held"}), "declined", MOVE_LABELS["decline"], ACTION, reason=True),
    )))

"""佐证材料核验's background work: the whole province's pass, daily and on demand."""

from __future__ import annotations

from xuncha.jobs.registry import job
from xuncha.jobs.runner import step


# Not atomic: fingerprinting old files reads storage and the pass runs for seconds; it works in
# short transactions and a rerun gives the same flags.
@job("provenance.scan", title="佐证材料核验（全省）", atomic=False)
def scan(day: str = "") -> None:
    from xuncha.ledger.actor import system_actor
    from xuncha.provenance import scan as province

    step("核验佐证材料")
    province.run(system_actor())

"""axe-core (vendored under tests/browser/vendor, MPL-2.0) run on a page; serious findings returned."""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core-4.10.3" / "axe.min.js"
SERIOUS = {"serious", "critical"}


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def serious_violations(page) -> list[str]:
    """Rule ids and targets of serious or critical violations (WCAG 2.x A/AA rules)."""
    # Evaluated through the devtools protocol, so the page's CSP (no inline script) still holds.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    results = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in results if v["impact"] in SERIOUS]

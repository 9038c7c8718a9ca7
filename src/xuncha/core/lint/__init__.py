"""体检: automatic checks of notices. Each rule is one module in `rules/`, listed in RULES.

`lint(doc)` runs every enabled rule and returns Diagnostics sorted by position. Rules can be
switched off or re-graded with a `LintConfig`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from xuncha.core.document import NoticeDoc
from xuncha.core.lint.base import SEVERITIES, Diagnostic, Rule
from xuncha.core.lint.rules import RULES

__all__ = ["RULES", "SEVERITIES", "Diagnostic", "LintConfig", "Rule", "configured", "lint"]


@dataclass
class LintConfig:
    """Which rules run, and at what severity (rule slug → "error" | "warning" | "info" | "off")."""

    only: set[str] | None = None
    severities: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from xuncha.core.lint.corpus import CORPUS_RULES
        from xuncha.core.lint.ledger import LEDGER_RULES

        known = {rule.slug for rule in (*RULES, *LEDGER_RULES, *CORPUS_RULES)}
        unknown = (set(self.only or ()) | set(self.severities)) - known
        if unknown:
            raise ValueError(f"未知的体检规则：{'、'.join(sorted(unknown))}")
        bad = {v for v in self.severities.values() if v not in (*SEVERITIES, "off")}
        if bad:
            raise ValueError(f"未知的严重程度：{'、'.join(sorted(bad))}（可选 error、warning、info、off）")


def configured(overrides: dict[str, str] | None = None, **extra: str) -> LintConfig:
    """A config from XUNCHA_LINT (or the overrides given), with `extra` severities on top."""
    if overrides is None:
        from xuncha import config

        overrides = config.load()["XUNCHA_LINT"]
    return LintConfig(severities={**overrides, **extra})


def lint(doc: NoticeDoc, config: LintConfig | None = None) -> list[Diagnostic]:
    config = config or LintConfig()
    found: list[Diagnostic] = []
    for rule in RULES:
        if config.only is not None and rule.slug not in config.only:
            continue
        severity = config.severities.get(rule.slug, rule.severity)
        if severity == "off":
            continue
        for diagnostic in rule.check(doc):
            diagnostic.severity = severity
            found.append(diagnostic)
    place_in_findings(doc, found)
    return sorted(found, key=lambda d: (d.span[0] if d.span else -1, d.rule))


def place_in_findings(doc: NoticeDoc, diagnostics: list[Diagnostic]) -> None:
    """Give every diagnostic whose span lies inside a finding that finding's path.

    Rules that scan the whole text (numbering, personal-info, wording …) do not know the
    findings; without this, a reader could not tell which finding a hint is about.
    """
    spans = sorted((f.span[0], f.span[1], f.path) for f in doc.findings if f.span[1] > f.span[0])
    starts = [start for start, _, _ in spans]
    for diagnostic in diagnostics:
        if diagnostic.finding is not None or not diagnostic.span:
            continue
        index = bisect.bisect_right(starts, diagnostic.span[0]) - 1
        if index >= 0 and diagnostic.span[0] < spans[index][1]:
            diagnostic.finding = list(spans[index][2])

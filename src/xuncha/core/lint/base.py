"""What a rule is and what it reports."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from xuncha.core.document import NoticeDoc

SEVERITIES = ("error", "warning", "info")


@dataclass
class Diagnostic:
    rule: str
    severity: str
    message: str  # Chinese: what is wrong and what to do
    span: tuple[int, int] | None = None
    finding: list[str] | None = None
    element: str | None = None

    def to_dict(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "message": self.message,
                "span": list(self.span) if self.span else None, "finding": self.finding, "element": self.element}


@dataclass(frozen=True)
class Rule:
    slug: str
    severity: str
    description: str  # Chinese, for docs and the staff site
    check: Callable[[NoticeDoc], Iterable[Diagnostic]]
    catches: list[str] = field(default_factory=list)  # example texts it must catch
    passes: list[str] = field(default_factory=list)  # example texts it must not catch

    def diagnostic(self, message: str, **where) -> Diagnostic:
        return Diagnostic(rule=self.slug, severity=self.severity, message=message, **where)

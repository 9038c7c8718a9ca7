"""NoticeDoc: the one model of a rectification notice that parsers, renderers, lint and the ledger share.

Its JSON form (to_json / from_json) is a public contract read by other tools; see
docs/notice-json.md. Every span is [start, end) into `text`, the normalised notice text.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("done", "partly", "not_done", "ongoing")
CLAIM_SUBJECTS = ("findings", "measures", "units", "other")

Span = tuple[int, int]


@dataclass
class Claim:
    """A stated count, e.g. "反馈的12个具体问题，已完成整改12个"."""

    subject: str
    total: int | None = None
    done: int | None = None
    partly: int | None = None
    not_done: int | None = None
    rate: float | None = None
    span: Span = (0, 0)


@dataclass
class DocFinding:
    """One problem fed back (a leaf), with its category heading and what the notice says of it."""

    path: list[str]
    title: str
    category: str | None = None
    description: str | None = None
    status: str | None = None
    status_text: str | None = None
    measures: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
    span: Span = (0, 0)


@dataclass
class DocSection:
    """A heading that is not a finding (总体情况, 下一步打算, a category …) and its extent."""

    path: list[str]
    heading: str
    span: Span = (0, 0)


@dataclass
class Contacts:
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)

    def any(self) -> bool:
        return bool(self.phones or self.emails or self.addresses)


@dataclass
class NoticeDoc:
    text: str = ""
    source: str | None = None
    title: str | None = None
    issuer: str | None = None
    team: str | None = None
    unit: str | None = None
    round: str | None = None
    inspection_start: dt.date | None = None
    inspection_end: dt.date | None = None
    feedback_date: dt.date | None = None
    notice_date: dt.date | None = None
    claims: list[Claim] = field(default_factory=list)
    findings: list[DocFinding] = field(default_factory=list)
    sections: list[DocSection] = field(default_factory=list)
    contacts: Contacts = field(default_factory=Contacts)
    # What the parser looked for and did not find, in Chinese; in the JSON only when not empty.
    warnings: list[str] = field(default_factory=list)

    DATE_FIELDS = ("inspection_start", "inspection_end", "feedback_date", "notice_date")
    KEYS = ("source", "title", "issuer", "team", "unit", "round", "inspection_start", "inspection_end",
            "feedback_date", "notice_date", "claims", "findings", "sections", "contacts", "text",
            "warnings")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in self.DATE_FIELDS:
            value = getattr(self, name)
            data[name] = value.isoformat() if value else None
        for part in ("claims", "findings", "sections"):
            for item in data[part]:
                item["span"] = list(item["span"])
        return {key: data[key] for key in self.KEYS}

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NoticeDoc:
        """Build from the JSON form; raise ValueError with the offending key on bad input."""
        if not isinstance(data, dict):
            raise ValueError("a NoticeDoc must be a JSON object")
        try:
            dates = {name: dt.date.fromisoformat(data[name]) if data.get(name) else None
                     for name in cls.DATE_FIELDS}
            return cls(
                text=data.get("text") or "",
                source=data.get("source"), title=data.get("title"), issuer=data.get("issuer"),
                team=data.get("team"), unit=data.get("unit"), round=data.get("round"), **dates,
                claims=[Claim(**{**c, "span": tuple(c.get("span") or (0, 0))}) for c in data.get("claims") or []],
                findings=[DocFinding(**{**f, "span": tuple(f.get("span") or (0, 0))})
                          for f in data.get("findings") or []],
                sections=[DocSection(**{**s, "span": tuple(s.get("span") or (0, 0))})
                          for s in data.get("sections") or []],
                contacts=Contacts(**(data.get("contacts") or {})),
                warnings=[str(w) for w in data.get("warnings") or []],
            )
        except (TypeError, ValueError, KeyError) as exc:
            raise ValueError(f"not a valid NoticeDoc: {exc}") from None

    @classmethod
    def from_json(cls, raw: str) -> NoticeDoc:
        return cls.from_dict(json.loads(raw))

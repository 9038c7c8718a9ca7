"""Score the parser against the hand-annotated real corpus (tests/corpus/real, see README.md).

Every document is read through `xuncha parse`'s own entry point (`parse_file`); a text it refuses
as not a notice is still read (`parse_text` on the same loaded text) so its metadata is scored,
and the refusal is counted apart.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xuncha.core.document import NoticeDoc
from xuncha.core.parse import NotANotice, load_path, parse_file, parse_text

REAL = Path(__file__).resolve().parent / "real"
STRING_FIELDS = ("title", "team", "unit", "issuer", "round")
DATE_FIELDS = ("inspection_start", "inspection_end", "feedback_date", "notice_date")
CONTACT_FIELDS = ("phones", "emails", "addresses")
FIELDS = STRING_FIELDS + DATE_FIELDS + ("claims", "findings") + CONTACT_FIELDS
_ASCII_TO_WIDE = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", ";": "；"})


def canon(value: str | None) -> str | None:
    """Spaces and quotation marks dropped, ASCII punctuation made full-width: how pages differ."""
    if value is None:
        return None
    return re.sub(r"[\s\"“”‘’']", "", value).translate(_ASCII_TO_WIDE) or None


def annotations() -> list[dict[str, Any]]:
    return json.loads((REAL / "annotations.json").read_text(encoding="utf-8"))["documents"]


def read(path: Path) -> tuple[NoticeDoc, bool]:
    """(doc, refused): the doc `xuncha parse` gives, or the same text read anyway if refused."""
    try:
        return parse_file(path), False
    except NotANotice:
        return parse_text(load_path(path), source=path.name), True


def found(doc: NoticeDoc, name: str) -> Any:
    """The parser's value of one annotated field, in the annotation's form."""
    if name in STRING_FIELDS:
        return canon(getattr(doc, name))
    if name in DATE_FIELDS:
        value = getattr(doc, name)
        return value.isoformat() if value else None
    if name == "claims":
        stated = [c for c in doc.claims if c.total is not None or c.done is not None]
        return sorted((c.total, c.done) for c in stated)
    if name == "findings":
        return len(doc.findings)
    return sorted({canon(v) for v in getattr(doc.contacts, name)})


def expected(entry: dict[str, Any], name: str) -> Any:
    if name in STRING_FIELDS:
        return canon(entry[name])
    if name in DATE_FIELDS or name == "findings":
        return entry[name]
    if name == "claims":
        return sorted((c["total"], c["done"]) for c in entry["claims"])
    return sorted({canon(v) for v in entry["contacts"][name]})


@dataclass
class Score:
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    documents: int = 0
    refused: list[str] = field(default_factory=list)
    right_served: int = 0  # right in the documents `xuncha parse` did not refuse
    filled: int = 0  # annotated fields with a value (not null, not empty, not 0)
    filled_right: int = 0
    held_out: int = 0  # documents annotated after the parser was tuned, and never tuned on
    held_out_right: int = 0
    misses: list[tuple[str, str, Any, Any]] = field(default_factory=list)  # file, field, want, got

    @property
    def total(self) -> int:
        return self.documents * len(FIELDS)

    @property
    def overall(self) -> float:
        return sum(self.right.values()) / self.total if self.total else 0.0

    def table(self) -> dict[str, Any]:
        return {"documents": self.documents, "refused": len(self.refused),
                "fields_right": sum(self.right.values()), "fields": self.total,
                "overall": round(self.overall, 4),
                "overall_refusals_wrong": round(self.right_served / self.total, 4),
                "filled_right": round(self.filled_right / self.filled, 4),
                "held_out_documents": self.held_out,
                "held_out": (round(self.held_out_right / (self.held_out * len(FIELDS)), 4)
                             if self.held_out else None),
                "per_field": {name: round(self.right[name] / self.documents, 4) for name in FIELDS}}

    def text_table(self) -> str:
        lines = [f"真实通报语料：{self.documents} 篇，被拒 {len(self.refused)} 篇，"
                 f"字段正确 {sum(self.right.values())}/{self.total} = {self.overall:.1%}"
                 f"（被拒算错：{self.right_served / self.total:.1%}；"
                 f"有值字段 {self.filled_right}/{self.filled} = {self.filled_right / self.filled:.1%}；"
                 f"留出集 {self.held_out} 篇 {self.held_out_right}/{self.held_out * len(FIELDS)}）"]
        for name in FIELDS:
            share = self.right[name] / self.documents
            lines.append(f"  {name:<17}{self.right[name]:>3}/{self.documents}  {share:6.1%}")
        return "\n".join(lines)


def score() -> Score:
    result = Score()
    for entry in annotations():
        doc, refused = read(REAL / entry["file"])
        result.documents += 1
        result.held_out += bool(entry.get("held_out"))
        if refused:
            result.refused.append(entry["file"])
        for name in FIELDS:
            want, got = expected(entry, name), found(doc, name)
            result.filled += bool(want)
            if want == got:
                result.right[name] += 1
                result.right_served += not refused
                result.filled_right += bool(want)
                result.held_out_right += bool(entry.get("held_out"))
            else:
                result.misses.append((entry["file"], name, want, got))
    return result

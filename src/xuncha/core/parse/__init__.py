"""Notices in: text, .docx, .html, .pdf → NoticeDoc (see xuncha.core.document)."""

from __future__ import annotations

import re
from pathlib import Path

from xuncha.core.document import NoticeDoc
from xuncha.core.parse import meta
from xuncha.core.parse.loaders import LOADERS, LoadError, load_path
from xuncha.core.parse.normalize import normalise
from xuncha.core.parse.structure import findings_and_sections

__all__ = ["LOADERS", "LoadError", "NotANotice", "load_path", "missing_parts", "notice_features",
           "parse_file", "parse_text"]


class NotANotice(ValueError):
    """The text has none of what makes a rectification notice; `message` says what is missing."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_text(raw: str, source: str | None = None) -> NoticeDoc:
    """Parse any text into a NoticeDoc. Never raises on odd input: missing parts stay empty."""
    text = normalise(raw)
    found = meta.extract(text)
    findings, sections = findings_and_sections(text)
    doc = NoticeDoc(
        text=text, source=source, title=found.title, issuer=found.issuer, team=found.team, unit=found.unit,
        round=found.round, inspection_start=found.inspection_start, inspection_end=found.inspection_end,
        feedback_date=found.feedback_date, notice_date=found.notice_date, claims=meta.claims(text),
        findings=findings, sections=sections, contacts=meta.contacts(text),
    )
    doc.warnings = _not_found(doc) + found.warnings if text else []
    return doc


def _not_found(doc: NoticeDoc) -> list[str]:
    """What a notice should show and this text does not, as the JSON's warnings say it."""
    warnings = []
    if not doc.findings:
        warnings.append("未找到逐条列出的反馈问题（原文可能在问题清单之前截断）。")
    if not doc.team:
        warnings.append("未找到巡察组（巡视组）。")
    if not doc.inspection_start:
        warnings.append("未找到巡察（巡视）时间。")
    return warnings


def notice_features(doc: NoticeDoc) -> bool:
    """Does the text show anything of a notice: a team, an inspection date, 整改/巡察/巡视 wording?"""
    return bool(doc.team or doc.inspection_start or re.search(r"整改|巡察|巡视", doc.text))


def missing_parts(doc: NoticeDoc) -> list[str]:
    """What a text lacks to count as a rectification notice (empty: it is one)."""
    missing = []
    if not doc.findings:
        missing.append("反馈问题及整改情况（如“（一）……”）")
    if not (doc.team or doc.inspection_start or "巡察" in doc.text):
        missing.append("巡察组或巡察时间")
    return missing


def parse_file(path: str | Path) -> NoticeDoc:
    """Load and parse a file; raise LoadError, or NotANotice (Chinese message) for a text with
    nothing of a notice. A notice lacking parts is read anyway: its `warnings` say what lacks."""
    path = Path(path)
    doc = parse_text(load_path(path), source=path.name)
    if not notice_features(doc):
        raise NotANotice("不像是巡察整改通报：缺少反馈问题、巡察组和巡察时间，也没有巡察、巡视或整改的字样。")
    return doc

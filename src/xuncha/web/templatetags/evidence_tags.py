"""What the evidence review shows of a file: its sniffed kind, a thumbnail, an inline view."""

from __future__ import annotations

from django import template

from xuncha.ledger.services import evidence_review

register = template.Library()


@register.filter
def evidence_kind(evidence) -> str:
    return evidence_review.kind_label(evidence.content_type)


@register.filter
def has_thumbnail(evidence) -> bool:
    return evidence_review.has_thumbnail(evidence)


@register.filter
def shown_inline(evidence) -> bool:
    return evidence_review.shown_inline(evidence)

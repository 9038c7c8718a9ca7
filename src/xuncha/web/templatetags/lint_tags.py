"""体检 in templates: a rule's Chinese name (core.lint.names) and a severity's word."""

from __future__ import annotations

from django import template

from xuncha.core.lint.names import rule_name as _rule_name

register = template.Library()

SEVERITY_WORDS = {"error": "错误", "warning": "警告", "info": "提示"}


@register.filter
def rule_name(slug: str) -> str:
    return _rule_name(slug)


@register.filter
def severity_word(severity: str) -> str:
    return SEVERITY_WORDS.get(severity, severity)

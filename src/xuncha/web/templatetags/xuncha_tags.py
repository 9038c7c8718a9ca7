"""Badges and small formatters; labels and colours come from core.statuses only."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from xuncha.core import statuses

register = template.Library()

SETS = {
    "finding": statuses.FINDING_STATUS,
    "measure": statuses.MEASURE_STATUS,
    "kind": statuses.MEASURE_KIND,
    "closeout": statuses.CLOSEOUT_STATE,
    "lookback": statuses.LOOKBACK_RESULT,
    "notice": statuses.NOTICE_STATE,
    "source": statuses.FINDING_SOURCE,
    "round_type": statuses.ROUND_TYPE,
    "unit_kind": statuses.UNIT_KIND,
}


@register.simple_tag
def badge(value: str, kind: str) -> str:
    choices = SETS[kind]
    return format_html('<span class="badge badge-{}">{}</span>', choices.colour(value), choices.label(value))


@register.simple_tag
def label(value: str, kind: str) -> str:
    return SETS[kind].label(value)


@register.simple_tag
def warning_badge(level) -> str:
    if level is None or level.value == "green":
        return ""
    return format_html('<span class="warn warn-{}" title="{}">{}</span>', level.value, level.label, level.label)


@register.filter
def percent(part, whole) -> str:
    if not whole:
        return "—"
    return f"{100 * (part or 0) / whole:.1f}%"


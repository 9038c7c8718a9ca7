"""Badges and small formatters; labels and colours come from core.statuses only."""

from __future__ import annotations

from django import template
from django.contrib.auth import get_user_model
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
    "extension": statuses.EXTENSION_STATE,
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


@register.filter
def share(fraction) -> str:
    """A share (0.8155) as the 雷同 reports print it: 81.5%, one decimal, the same everywhere."""
    return "—" if fraction is None else f"{fraction:.1%}"



@register.simple_tag
def measure_badge(measure) -> str:
    """A measure's status; 逾期完成 when it was finished after its deadline."""
    if statuses.finished_late(measure.status, measure.deadline, measure.completed_on):
        return format_html('<span class="badge badge-orange">{}</span>', statuses.LATE_LABEL)
    return badge(measure.status, "measure")


@register.simple_tag
def deadline_text(measure) -> str:
    """完成时限, with the original one beside it when a 延期 moved it."""
    if measure.deadline is None:
        return "长期坚持" if measure.kind == "ongoing" else "—"
    shown = measure.deadline.strftime("%Y-%m-%d")
    if measure.original_deadline and measure.original_deadline != measure.deadline:
        return format_html('{} <small class="muted">（原 {}，已延期）</small>', shown,
                           measure.original_deadline.strftime("%Y-%m-%d"))
    return shown


@register.simple_tag
def form_token() -> str:
    """A one-time token: the same form posted twice (back, double click) is saved once."""
    import secrets

    return format_html('<input type="hidden" name="form_token" value="{}">', secrets.token_urlsafe(24))


@register.filter
def person(user) -> str:
    """A person by name, never by login name, without a query: the staff row's name when it came
    with the user; else the account's full name (accounts.create_staff sets it to the same name);
    the login name only for an unnamed account. Also a tag: {% person user %}."""
    if user is None:
        return "系统"
    staff = getattr(user, "staff", None) if get_user_model().staff.is_cached(user) else None
    if staff is not None and staff.display_name:
        return staff.display_name
    return user.get_full_name() or user.get_username()


register.simple_tag(person, name="person")

"""Labels and colours of the statuses a published notice states, read from core.statuses."""

from django import template

from xuncha.core.statuses import FINDING_STATUS

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    return FINDING_STATUS.label(value) if value in FINDING_STATUS else "未说明"


@register.filter
def status_colour(value: str) -> str:
    return FINDING_STATUS.colour(value)


@register.filter
def state_colour(value: str) -> str:
    from xuncha.portal.vocabulary import COMMENT_STATE

    return COMMENT_STATE.colour(value)


@register.filter
def flip_label(value: str) -> str:
    from xuncha.portal.vocabulary import FLIP_LABELS

    return FLIP_LABELS.get(value, value)


@register.filter
def state_label(value: str) -> str:
    from xuncha.portal.vocabulary import COMMENT_STATE

    return COMMENT_STATE.label(value) if value else "—"

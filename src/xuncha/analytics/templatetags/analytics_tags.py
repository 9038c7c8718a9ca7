from django import template

from xuncha.analytics import repeats
from xuncha.ledger import permissions

register = template.Library()


@register.inclusion_tag("analytics/_repeat_panel.html")
def repeat_panel(finding, actor) -> dict:
    """Proposed 屡查屡犯 links of a finding, with confirm/reject for its team."""
    return {"finding": finding, "proposals": repeats.proposals(actor, finding),
            "can_decide": permissions.allowed(actor, "confirm_repeats", finding.inspection)}


@register.filter
def chart_json(value) -> str:
    """JSON for a <script type="application/json"> block, escaped so it cannot end the block."""
    import json

    from django.utils.safestring import mark_safe

    text = json.dumps(value, ensure_ascii=False)
    for char, escape in (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return mark_safe(text)

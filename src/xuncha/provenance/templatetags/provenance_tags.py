from django import template

from xuncha.provenance import selectors

register = template.Library()


@register.simple_tag
def provenance_flags(finding, actor) -> list[selectors.FlagView]:
    """The finding's 佐证材料核验 flags as the actor may read them."""
    return selectors.finding_flags(actor, finding)

from django import template

register = template.Library()


@register.filter
def index(values: list, position: int):
    return values[position] if 0 <= position < len(values) else None


@register.filter
def grade_colour(grade: str) -> str:
    return {"好": "green", "较好": "teal", "一般": "orange", "差": "red"}.get(grade, "grey")

"""Finding numbers made by the system: （一）（二）… within a category, the category's own
number before it (二/（三）), never typed by hand."""

from __future__ import annotations

from xuncha.core.numerals import cn_number
from xuncha.ledger.models import Finding, Inspection


def next_number(inspection: Inspection, category: str) -> str:
    """The number of a new finding appended to the inspection under `category` (or none)."""
    rows = list(Finding.objects.filter(inspection=inspection).order_by("position", "id")
                .values_list("category", flat=True))
    if not category:
        return f"（{cn_number(sum(1 for c in rows if not c) + 1)}）"
    categories = list(dict.fromkeys(c for c in rows if c))
    index = categories.index(category) + 1 if category in categories else len(categories) + 1
    return f"{cn_number(index)}/（{cn_number(rows.count(category) + 1)}）"


def categories(inspection: Inspection) -> list[str]:
    """The inspection's categories in the order they first appear: the choices of the finding form."""
    rows = (Finding.objects.filter(inspection=inspection).exclude(category="")
            .order_by("position", "id").values_list("category", flat=True))
    return list(dict.fromkeys(rows))

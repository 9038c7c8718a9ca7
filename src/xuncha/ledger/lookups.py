"""Text filters that the query planner can estimate.

Django's `icontains` is `UPPER(col) LIKE UPPER(%term%)` on PostgreSQL: the planner has no
statistics for the UPPER expression and guesses that almost nothing matches, so a common word
(社区, 书记) in a sorted, paged list turns an index walk of 1 ms into a full scan of 300 ms at a
million rows. Chinese has no letter case, so a term without cased letters is matched with plain
`contains`, which the planner estimates from the column's own statistics; a term with Latin
letters keeps the case-insensitive match.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q


def has_case(term: str) -> bool:
    """The term holds a letter whose case could differ (Latin, Greek, Cyrillic…)."""
    return term.lower() != term.upper()


def contains_any(fields: list[str], term: str) -> Q:
    """Rows where any of the fields contains the term (case-insensitively where case exists)."""
    lookup = "icontains" if has_case(term) else "contains"
    return reduce(or_, (Q(**{f"{field}__{lookup}": term}) for field in fields))

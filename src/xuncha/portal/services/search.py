"""Search over published notices: CJK bigrams in a full-text index.

Chinese has no spaces, so each run of Han characters is written as its overlapping bigrams
("消防栓无水" → "消防 防栓 栓无 无水"), Latin words and numbers as they are, lowercased. A query is
turned into the same tokens and matched as a phrase, so "消防栓" finds "消防 防栓" in that order.
SQLite keeps the tokens in an FTS5 table (unicode61 tokenizer), PostgreSQL in a GIN index over
to_tsvector('simple', grams) (migration 0002); one-character queries fall back to LIKE on titles.
"""

from __future__ import annotations

import re

from django.db import connection, transaction
from django.db.models import Max

from xuncha.ledger.models import Notice
from xuncha.portal.models import SearchEntry
from xuncha.portal.services import pages

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z0-9]+")
MAX_QUERY = 50
FTS_TABLE = "portal_search_fts"


def grams(text: str) -> str:
    """Text as the index's tokens: Han runs as overlapping bigrams, other words lowercased."""
    out: list[str] = []
    for run in HAN.findall(text):
        if run.isascii():
            out.append(run.lower())
        elif len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return " ".join(out)


def query_tokens(query: str) -> list[list[str]]:
    """Each space-separated part of a query as its phrase of tokens (all parts must match)."""
    return [tokens for part in query[:MAX_QUERY].split() if (tokens := grams(part).split())]


def _sqlite_match(phrases: list[list[str]]) -> str:
    return " AND ".join('"' + " ".join(tokens) + '"' for tokens in phrases)


def _pg_query(phrases: list[list[str]]) -> str:
    return " & ".join("(" + " <-> ".join(tokens) + ")" for tokens in phrases)


def matching_ids(query: str, limit: int = 200) -> list[int] | None:
    """SearchEntry ids of current notices matching the query, best first; None: no usable words."""
    phrases = query_tokens(query)
    if not phrases:
        return None
    if any(len(tokens) == 1 and len(tokens[0]) == 1 for tokens in phrases):
        return _title_like(query, limit)  # a single character has no bigram
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id FROM portal_searchentry WHERE current AND "
                "to_tsvector('simple', grams) @@ to_tsquery('simple', %s) "
                "ORDER BY published_at DESC LIMIT %s", [_pg_query(phrases), limit])
        else:
            cursor.execute(
                f"SELECT e.id FROM {FTS_TABLE} f JOIN portal_searchentry e ON e.id = f.rowid "
                f"WHERE {FTS_TABLE} MATCH %s AND e.current ORDER BY e.published_at DESC LIMIT %s",
                [_sqlite_match(phrases), limit])
        return [row[0] for row in cursor.fetchall()]


def _title_like(query: str, limit: int) -> list[int]:
    words = query.split()[:5]
    rows = SearchEntry.objects.filter(current=True)
    for word in words:
        rows = rows.filter(title__contains=word)
    return list(rows.order_by("-published_at").values_list("id", flat=True)[:limit])


@transaction.atomic
def sync() -> int:
    """Index published notices not indexed yet and mark superseded versions; returns how many.

    Publishing belongs to the ledger; the portal picks new publications up here, on its list
    and search pages and in the daily run, so the ledger knows nothing of the portal.
    """
    new = list(Notice.objects.filter(state="published", search_entry__isnull=True)
               .select_related("inspection").order_by("published_at", "pk"))
    for notice in new:
        doc = notice.doc or {}
        title = (doc.get("title") or "")[:500]
        entry = SearchEntry.objects.create(
            notice=notice, inspection=notice.inspection, title=title,
            grams=grams(title + "\n" + (doc.get("text") or "")), published_at=notice.published_at)
        _index_row(entry)
    inspections = {n.inspection_id for n in new}
    for inspection_id in inspections:
        _mark_current(inspection_id)
    if new:
        pages.changed()
    return len(new)


def _mark_current(inspection_id: int) -> None:
    entries = SearchEntry.objects.filter(inspection_id=inspection_id)
    newest = entries.aggregate(v=Max("notice__version"))["v"]
    entries.exclude(notice__version=newest).update(current=False)
    entries.filter(notice__version=newest).update(current=True)


def _index_row(entry: SearchEntry) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}(rowid, grams) VALUES (%s, %s)", [entry.pk, entry.grams])


def pending() -> bool:
    """Is any published notice missing from the index (one anti-join)?"""
    return Notice.objects.filter(state="published", search_entry__isnull=True).exists()

"""Search over published notices: CJK bigrams in a full-text index.

Chinese has no spaces, so each run of Han characters is written as its overlapping bigrams
("消防栓无水" → "消防 防栓 栓无 无水"), Latin words and numbers as they are, lowercased. A query is
turned into the same tokens and matched as a phrase, so "消防栓" finds "消防 防栓" in that order
(SQLite); on PostgreSQL every bigram must occur, not necessarily adjacent (see _pg_query).
SQLite keeps the tokens in an FTS5 table (unicode61 tokenizer), PostgreSQL in a stored tsvector
column with a GIN index (migration 0002); one-character queries fall back to LIKE on titles.
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
    # Every bigram, not the phrase (<->): a phrase makes PostgreSQL recheck each candidate's
    # positions, reading its whole stored vector; 10,000 notices took 230–800 ms that way.
    return " & ".join(token for tokens in phrases for token in tokens)


def matching_ids(query: str) -> list[int] | None:
    """SearchEntry ids of current notices matching the query, newest first (ids are given in
    publication order); None: the query has no usable words. One pass over the index: the count
    and every page come from this one list."""
    phrases = query_tokens(query)
    if not phrases:
        return None
    if any(len(tokens) == 1 and len(tokens[0]) == 1 for tokens in phrases):
        return _title_like(query)  # a single character has no bigram
    if connection.vendor == "postgresql":
        return _pg_ids(_pg_query(phrases))
    with connection.cursor() as cursor:  # the FTS table holds current versions only, in rowid order
        cursor.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY rowid DESC",
                       [_sqlite_match(phrases)])
        return [row[0] for row in cursor.fetchall()]


def _pg_ids(query: str) -> list[int]:
    """The GIN index, always: the planner prices a sequential scan of the small main table low,
    not counting the stored vectors it must read for every row (seconds on 10,000 notices)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SELECT id FROM portal_searchentry WHERE grams_tsv @@ to_tsquery('simple', %s) "
                       "ORDER BY id DESC", [query])
        ids = [row[0] for row in cursor.fetchall()]
    superseded = set(SearchEntry.objects.filter(current=False).values_list("pk", flat=True))
    return [pk for pk in ids if pk not in superseded]


def _title_like(query: str) -> list[int]:
    rows = SearchEntry.objects.filter(current=True)
    for word in query.split()[:5]:
        rows = rows.filter(title__contains=word)
    return list(rows.order_by("-id").values_list("id", flat=True))


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
    old = list(entries.exclude(notice__version=newest).filter(current=True).values_list("pk", flat=True))
    entries.filter(pk__in=old).update(current=False)
    entries.filter(notice__version=newest).update(current=True)
    if connection.vendor == "sqlite" and old:  # superseded versions leave the FTS table
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(pk,) for pk in old])


def _index_row(entry: SearchEntry) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}(rowid, grams) VALUES (%s, %s)", [entry.pk, entry.grams])


def pending() -> bool:
    """Is any published notice missing from the index (one anti-join)?"""
    return Notice.objects.filter(state="published", search_entry__isnull=True).exists()

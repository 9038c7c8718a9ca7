"""Plain-tuple bulk inserts for the daily run: COPY on PostgreSQL, executemany on SQLite.

Building model objects for bulk_create cost more than the writing itself, and on PostgreSQL
executemany is a round trip per row; COPY writes 100,000s of rows in seconds.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.db.models import Model

CHUNK = 5000


def value(item):
    """A Python value as the database takes it in a plain statement (dates as SQLite text)."""
    if connection.vendor != "sqlite":
        return item
    if isinstance(item, dt.datetime):
        return connection.ops.adapt_datetimefield_value(item)
    if isinstance(item, dt.date):
        return connection.ops.adapt_datefield_value(item)
    return item


def sqlite_rows(rows: list[tuple]) -> list[tuple]:
    """The rows with their dates as SQLite text. Dates repeat (a day's run has a few hundred
    deadlines and one moment), so each distinct value is adapted once: asking the connection
    per value cost more than the inserts."""
    memo: dict = {}

    def adapt(item):
        if not isinstance(item, dt.date):
            return item
        found = memo.get(item)
        if found is None:
            found = memo[item] = value(item)
        return found

    dated = [i for i in range(len(rows[0]) if rows else 0)
             if isinstance(next((row[i] for row in rows if row[i] is not None), None), dt.date)]
    if not dated:
        return rows
    out = []
    for row in rows:
        row = list(row)
        for i in dated:
            row[i] = adapt(row[i])
        out.append(tuple(row))
    return out


def insert(model: type[Model], columns: list[str], rows: list[tuple], ignore_conflicts: bool = False) -> None:
    """Insert the rows; with `ignore_conflicts`, rows that break a unique constraint are skipped."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic(), connection.cursor() as cursor, \
                    cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        except IntegrityError:
            if not ignore_conflicts:
                raise
        # A conflict (another run at the same moment): the slow path that skips it.
        sql = (f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))}) "
               "ON CONFLICT DO NOTHING")
    else:
        verb = "INSERT OR IGNORE" if ignore_conflicts else "INSERT"
        sql = f"{verb} INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        rows = sqlite_rows(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start:start + CHUNK])

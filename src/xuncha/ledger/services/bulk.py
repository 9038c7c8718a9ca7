"""Fast inserts for bulk work (a 10,000-row ledger import) that hold the write lock briefly.

On SQLite one writer holds the database at a time, so an import must not keep the lock while
Python builds its rows. `prepare` does everything that needs no lock (field conversion, as
Django's own bulk_create would do it); inside the transaction `insert` takes ids and writes
with one `executemany` per table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Model


@dataclass
class Prepared:
    """A table's rows ready to write; the id and the named foreign keys are filled in later."""

    model: type[Model]
    columns: list[str]
    rows: list[list]
    slots: dict[str, int]  # attname → position in a row


def prepare(model: type[Model], objects: list[Model], later: tuple[str, ...] = ()) -> Prepared:
    """Convert every field to its database value (auto_now dates included), outside any lock."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = [[None] + [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
            for obj in objects]
    columns = [model._meta.pk.column] + [f.column for f in fields]
    slots = {f.attname: index + 1 for index, f in enumerate(fields) if f.attname in later}
    return Prepared(model, columns, rows, slots)


def _reserve(model: type[Model], count: int) -> list[int]:
    """Ids no other row has or will get; the caller holds the write lock (SQLite) or uses the
    table's own sequence (PostgreSQL), so concurrent inserts never collide."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [model._meta.db_table, model._meta.pk.column, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        top = cursor.fetchone()[0]
        if connection.vendor == "sqlite":  # AUTOINCREMENT never reuses the id of a deleted row
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [model._meta.db_table])
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
        return list(range(top + 1, top + 1 + count))


def insert(prepared: Prepared, **foreign: list[int]) -> list[int]:
    """Write the rows inside the caller's transaction; returns their ids in order."""
    if not prepared.rows:
        return []
    ids = _reserve(prepared.model, len(prepared.rows))
    for name, values in foreign.items():
        slot = prepared.slots[name]
        for row, value in zip(prepared.rows, values, strict=True):
            row[slot] = value
    for row, pk in zip(prepared.rows, ids, strict=True):
        row[0] = pk
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(prepared.model._meta.db_table)} "
           f"({', '.join(quote(c) for c in prepared.columns)}) "
           f"VALUES ({', '.join(['%s'] * len(prepared.columns))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared.rows)
    return ids

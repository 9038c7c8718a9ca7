"""Applying a bundle's objects: create what is new, three-way merge what exists, note conflicts.

For each field of an object the bundle carries: the same value here → nothing; only the other
side changed it since the last exchange (ours still equals the base) → take theirs; only this
side changed it (theirs equals the base) → keep ours, it goes back in our next bundle; both
changed it, or there is no base to tell → a Conflict for a person to decide. The base then
records theirs, so that either decision converges: kept values differ from the base and travel
back; taken values equal it and stay.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection

from xuncha import clock
from xuncha.exchange import travel
from xuncha.exchange.models import Base, Conflict, Peer, Transfer
from xuncha.exchange.pack import BundleRefused, Opened
from xuncha.ledger import derived, transitions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import Conflict as Changed
from xuncha.ledger.models import Closeout, Finding, Measure, Team, Unit
from xuncha.ledger.services import evidence as evidence_files
from xuncha.ledger.services import storage

MISSING = object()
# Rows whose changes move a finding's derived status, and the fields that do (None: any field).
FINDING_OF = {"measure": Measure, "closeout": Closeout}
DERIVING = {"finding": {"reopened", "returned"}, "measure": {"status", "deadline", "finding"}, "closeout": None}


class Links:
    """uid → local id, for links to objects created here or already present."""

    def __init__(self) -> None:
        self.pks: dict[str, int] = {}
        self.users: dict[str, int] = {}
        self.new_users: list[str] = []

    def resolve(self, kind_name: str, uids: Iterable[str]) -> None:
        wanted = sorted({uid for uid in uids if uid and uid not in self.pks})
        model = travel.BY_NAME[kind_name].model
        for start in range(0, len(wanted), travel.CHUNK):
            for uid, pk in model.objects.filter(uid__in=wanted[start:start + travel.CHUNK]).values_list("uid", "pk"):
                self.pks[str(uid)] = pk

    def pk(self, kind: travel.Kind, name: str, uid: str | None) -> int | None:
        if uid is None:
            return None
        pk = self.pks.get(uid)
        if pk is None and not kind.model._meta.get_field(name).null:
            target = travel.BY_NAME[kind.links[name]].label
            raise BundleRefused(f"数据包中的{kind.label}引用了本机没有的{target}，请对方导出完整的数据包。")
        return pk  # an optional link to what this side never had (an earlier round's finding) stays empty

    def accounts(self, names: Iterable[str]) -> None:
        """Local accounts by username; a person unknown here gets a disabled account of that name."""
        wanted = sorted({name for name in names if name and name not in self.users})
        if not wanted:
            return
        User = get_user_model()
        self.users |= dict(User.objects.filter(username__in=wanted).values_list("username", "pk"))
        for name in wanted:
            if name not in self.users:
                self.users[name] = User.objects.create_user(name[:150], password=None, is_active=False).pk
                self.new_users.append(name)


def db_values(kind: travel.Kind, fields: dict[str, Any], links: Links) -> dict[str, Any]:
    """Travelled values as model column values."""
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name in kind.links:
            values[f"{name}_id"] = links.pk(kind, name, value)
        elif name in kind.users:
            values[f"{name}_id"] = links.users[value] if value else None
        else:
            values[name] = travel.python_value(kind, name, value)
    return values


def update_object(actor: Actor, kind: travel.Kind, row: travel.Row, changes: dict[str, Any],
                  links: Links) -> None:
    """Write changed fields with a compare-and-swap on the version; history for a status move."""
    values = db_values(kind, changes, links)
    if kind.name == "unit":  # the path follows the parent: Unit.save moves the sub-tree
        unit = Unit.objects.get(pk=row.pk)
        for name, value in values.items():
            setattr(unit, name, value)
        unit.save()
        return
    if any(f.name == "updated_at" for f in kind.model._meta.concrete_fields):
        values["updated_at"] = clock.now()
    columns = tuple(sorted(values))
    params = [kind.model._meta.get_field(name).get_db_prep_save(values[name], connection) for name in columns]
    params += [row.pk] + ([row.version] if kind.version else [])
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(kind.name, columns), params)
        if cursor.rowcount != 1:
            raise Changed("导入时对象正被他人修改，请稍后重新导入。")
    status = travel.STATUS_FIELDS.get(kind.name)
    if status and status[0] in changes:
        obj = kind.model.objects.get(pk=row.pk)
        transitions.record_derived(actor, status[1], obj, row.fields[status[0]], changes[status[0]])


@cache
def _update_sql(kind_name: str, columns: tuple[str, ...]) -> str:
    """One row's UPDATE as plain SQL: for a thousand rows the ORM's query building costs more
    than the statements (bench/bundle.py)."""
    kind, quote = travel.BY_NAME[kind_name], connection.ops.quote_name
    sets = [f"{quote(kind.model._meta.get_field(name).column)} = %s" for name in columns]
    where = f"{quote('id')} = %s"
    if kind.version:
        sets.append(f"{quote(kind.version)} = {quote(kind.version)} + 1")
        where += f" AND {quote(kind.version)} = %s"
    return f"UPDATE {quote(kind.model._meta.db_table)} SET {', '.join(sets)} WHERE {where}"


class Applier:
    """One bundle's objects applied inside the import's transaction."""

    def __init__(self, actor: Actor, peer: Peer, transfer: Transfer, opened: Opened) -> None:
        self.actor, self.peer, self.transfer, self.opened = actor, peer, transfer, opened
        self.links = Links()
        self.created: dict[str, list[int]] = defaultdict(list)
        self.updated: dict[str, list[int]] = defaultdict(list)
        self.conflicts: list[Conflict] = []
        self.bases: dict[str, tuple[str, dict]] = {}
        self.findings: set[int] = set()
        self.stored: list[str] = []
        self.rows_touched: dict[str, set[int]] = defaultdict(set)

    def run(self) -> None:
        groups = self._grouped()
        uids = [item["uid"] for items in groups.values() for item in items]
        existing = {str(b.uid): b for b in _bases(self.peer, uids)}
        self._open = _open_conflicts(self.peer, uids)
        for kind in travel.KINDS:
            items = groups.get(kind.name)
            if items:
                self._kind(kind, items, existing)
        self._save_bases(existing)
        self._refresh()

    def _grouped(self) -> dict[str, list[dict]]:
        groups: dict[str, list[dict]] = defaultdict(list)
        for item in self.opened.objects:
            try:
                kind = travel.BY_NAME[item["kind"]]
                item["uid"] = str(uuid.UUID(str(item["uid"])))
                fields = item["fields"]
                if not isinstance(fields, dict) or set(fields) - set(kind.names()):
                    raise ValueError
            except (KeyError, TypeError, ValueError):
                raise BundleRefused("数据包中的对象数据格式不正确。") from None
            groups[kind.name].append(item)
        return groups

    def _kind(self, kind: travel.Kind, items: list[dict], existing: dict[str, Base]) -> None:
        local = travel.by_uid(kind, [item["uid"] for item in items])
        for row in local.values():
            self.links.pks[row.uid] = row.pk
        for link, target in kind.links.items():
            self.links.resolve(target, (item["fields"].get(link) for item in items))
        self.links.accounts(item["fields"].get(user) for item in items for user in kind.users)
        new = [item for item in items if item["uid"] not in local]
        if kind.name == "team":
            new = self._adopt_teams(new)
        for item in items:
            if item["uid"] in local:
                base = existing.get(item["uid"])
                self._merge(kind, local[item["uid"]], item, base.fields if base else None)
        if new:
            self._create(kind, new)

    def _adopt_teams(self, items: list[dict]) -> list[dict]:
        """A team of the same name made on both sides is one team (names are unique)."""
        names = {item["fields"].get("name"): item for item in items}
        for team in Team.objects.filter(name__in=[n for n in names if n]):
            item = names[team.name]
            Team.objects.filter(pk=team.pk).update(uid=item["uid"])
            self.links.pks[item["uid"]] = team.pk
            self.updated["team"].append(team.pk)  # named in the import's record like any change
            self.bases[item["uid"]] = ("team", item["fields"])
        return [item for item in items if item["uid"] not in self.links.pks]

    def _merge(self, kind: travel.Kind, row: travel.Row, item: dict, base: dict | None) -> None:
        uid, theirs = item["uid"], item["fields"]
        changes, new_base = {}, dict(base or {})
        for name, value in theirs.items():
            ours = row.fields[name]
            old = base.get(name, MISSING) if base is not None else MISSING
            new_base[name] = value
            if value == ours:
                continue
            if (uid, name) in self._open:
                self._conflict(kind, row, name, old, ours, value)
            elif old is not MISSING and ours == old:
                changes[name] = value
            elif old is not MISSING and value == old:
                new_base[name] = old  # ours changed alone: it travels back
            else:
                self._conflict(kind, row, name, old, ours, value)
        self.bases[uid] = (kind.name, new_base)
        if changes:
            update_object(self.actor, kind, row, changes, self.links)
            self.updated[kind.name].append(row.pk)
            if kind.name in DERIVING and (DERIVING[kind.name] is None or DERIVING[kind.name] & set(changes)):
                self._touch(kind, row.pk)

    def _conflict(self, kind: travel.Kind, row: travel.Row, name: str, old: Any, ours: Any, theirs: Any) -> None:
        base = None if old is MISSING else old
        open_one = Conflict.objects.filter(peer=self.peer, uid=row.uid, field=name, state="open")
        if open_one.update(theirs=theirs, base=base, ours=ours, transfer=self.transfer):
            self.conflicts.append(open_one.get())
            return
        self.conflicts.append(Conflict.objects.create(
            transfer=self.transfer, peer=self.peer, kind=kind.name, uid=row.uid, object_id=row.pk,
            inspection_id=self.transfer.inspection_id, field=name, base=base, ours=ours, theirs=theirs))

    def _create(self, kind: travel.Kind, items: list[dict]) -> None:
        if kind.name == "unit":  # one by one: a parent needs its id before its children
            for item in items:
                unit = Unit(uid=item["uid"], **db_values(kind, self._complete(kind, item), self.links))
                unit.save()
                self._created(kind, item, unit.pk)
            return
        objects = []
        for item in items:
            values = db_values(kind, self._complete(kind, item), self.links)
            if kind.name == "evidence":
                values["stored_name"] = self._store(item["fields"]["sha256"])
            objects.append(kind.model(uid=item["uid"], **values))
        if kind.model is Measure:
            self._place(objects)
        kind.model.objects.bulk_create(objects, batch_size=500)
        for item, obj in zip(items, objects, strict=True):
            self._created(kind, item, obj.pk)
            if kind.name in DERIVING:
                self._touch(kind, obj.pk)

    @staticmethod
    def _place(measures: list[Measure]) -> None:
        """New measures carry their finding's inspection and round (derived.placement)."""
        ids = {m.finding_id for m in measures}
        places = {f.pk: derived.placement(f.inspection)
                  for f in Finding.objects.filter(pk__in=ids).select_related("inspection")}
        for measure in measures:
            for name, value in places[measure.finding_id].items():
                setattr(measure, name, value)

    def _complete(self, kind: travel.Kind, item: dict) -> dict:
        missing = set(kind.names()) - set(item["fields"])
        if missing:
            raise BundleRefused(f"数据包中的新{kind.label}缺少字段（{sorted(missing)[0]}），请对方重新导出。")
        return item["fields"]

    def _created(self, kind: travel.Kind, item: dict, pk: int) -> None:
        self.links.pks[item["uid"]] = pk
        self.created[kind.name].append(pk)
        self.bases[item["uid"]] = (kind.name, dict(item["fields"]))

    def _store(self, sha256: str) -> str:
        content = self.opened.files.get(sha256)
        if content is None:
            raise BundleRefused("数据包缺少佐证材料文件，请对方重新导出。")
        name = storage.save_bytes(evidence_files.KIND, storage.unique_name(), content)
        storage.delete_on_rollback(evidence_files.KIND, [name])  # a failed import keeps no file
        self.stored.append(name)
        return name

    def _touch(self, kind: travel.Kind, pk: int) -> None:
        """Note the finding whose derived status this change may move."""
        if kind.name == "finding":
            self.findings.add(pk)
        elif kind.name in FINDING_OF:
            self.rows_touched[kind.name].add(pk)

    def _refresh(self) -> None:
        findings = set(self.findings)
        for name, pks in self.rows_touched.items():
            findings.update(FINDING_OF[name].objects.filter(pk__in=pks).values_list("finding_id", flat=True))
        # A finding made by this import starts in its derived state (no move, so no history row,
        # as with a ledger import); one that was here already gets the row of its move.
        made = findings & set(self.created.get("finding", []))
        if made:
            derived.refresh_findings(sorted(made))
        if findings - made:
            derived.refresh_findings(sorted(findings - made), self.actor)
        if not findings and self.created and self.transfer.inspection_id:
            derived.refresh_inspection(self.transfer.inspection_id)

    def _save_bases(self, existing: dict[str, Base]) -> None:
        rows = [Base(peer=self.peer, uid=uid, kind=kind, fields=fields) for uid, (kind, fields) in self.bases.items()
                if uid not in existing or existing[uid].fields != fields]
        save_bases(self.peer, rows, [existing[row_.uid].pk for row_ in rows if row_.uid in existing])


def save_bases(peer: Peer, rows: list[Base], replaced: list[int]) -> None:
    """Write base rows, replacing older ones (a delete and an insert: far cheaper than an UPDATE
    per row of JSON)."""
    for start in range(0, len(replaced), travel.CHUNK):
        Base.objects.filter(pk__in=replaced[start:start + travel.CHUNK]).delete()
    Base.objects.bulk_create(rows, batch_size=500)


def _bases(peer: Peer, uids: list[str]) -> list[Base]:
    found = []
    for start in range(0, len(uids), travel.CHUNK):
        found += Base.objects.filter(peer=peer, uid__in=uids[start:start + travel.CHUNK])
    return found


def _open_conflicts(peer: Peer, uids: list[str]) -> set[tuple[str, str]]:
    return {(str(uid), name) for uid, name in
            Conflict.objects.filter(peer=peer, state="open").values_list("uid", "field")}

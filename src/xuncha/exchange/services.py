"""Every act of the exchange: register a peer's key, export a bundle, import one, decide a
conflict. Each is one transaction and one audit record naming its objects."""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import IO

from django.db import IntegrityError, transaction

from xuncha import clock
from xuncha.exchange import apply, keys, pack, travel
from xuncha.exchange.models import Base, Conflict, Peer, Transfer
from xuncha.ledger import derived, permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput, NotFound, ServiceError
from xuncha.ledger.models import Evidence, Inspection
from xuncha.ledger.services import audit, storage
from xuncha.ledger.services import evidence as evidence_files


@dataclass
class Exported:
    file: IO[bytes]
    sha256: str
    size: int
    transfer: Transfer
    name: str


@dataclass
class Imported:
    transfer: Transfer | None
    replay: bool = False
    created: dict[str, list[int]] = field(default_factory=dict)
    updated: dict[str, list[int]] = field(default_factory=dict)
    conflicts: int = 0
    peer: str = ""

    def line(self) -> str:
        if self.replay:
            return f"该数据包（来自 {self.peer}）此前已导入，本次未作任何改动。"
        made = sum(len(v) for v in self.created.values())
        changed = sum(len(v) for v in self.updated.values())
        text = f"已导入来自 {self.peer} 的数据包：新增 {made} 个对象，更新 {changed} 个对象"
        return text + (f"，{self.conflicts} 处冲突待决定。" if self.conflicts else "，无冲突。")


# -- peers ---------------------------------------------------------------------------------------

def register_key(actor: Actor, name: str, public_text: str) -> Peer:
    """Register another installation's public key under a name of our choosing."""
    permissions.require(actor, "manage_peers")
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise InvalidInput("请填写对方安装的名称（不超过 100 字）。", field="name")
    try:
        fingerprint = keys.fingerprint(public_text)
    except keys.BadKey as exc:
        raise InvalidInput(exc.message, field="public_key") from None
    if fingerprint == keys.own_fingerprint():
        raise InvalidInput("这是本机自己的公钥，无需登记。", field="public_key")
    public = keys.public_text(keys.parse_public(public_text))
    with transaction.atomic():
        if Peer.objects.filter(name=name).exists() or Peer.objects.filter(fingerprint=fingerprint).exists():
            raise InvalidInput("同名的对象或相同的公钥已经登记过。", field="name")
        peer = Peer.objects.create(name=name, public_key=public, fingerprint=fingerprint, created_at=clock.now())
        audit.record(actor, "bundle.register_key", peer, f"登记交换对象的公钥：{name}（指纹 {fingerprint}）",
                     after={"peer": name, "fingerprint": fingerprint})
    return peer


def get_peer(name: str) -> Peer:
    peer = Peer.objects.filter(name=name).first()
    if peer is None:
        raise InvalidInput(f"没有登记名为“{name}”的交换对象，请先登记对方的公钥。", field="peer")
    return peer


# -- export --------------------------------------------------------------------------------------

def export_bundle(actor: Actor, inspection_id: int, peer_name: str) -> Exported:
    """A signed bundle of the inspection's changes since the last bundle the peer acknowledged."""
    permissions.require(actor, "exchange_bundles")
    inspection = Inspection.objects.select_related("unit", "round").filter(pk=inspection_id).first()
    if inspection is None or not permissions.allowed(actor, "view", inspection):
        raise NotFound()
    with transaction.atomic():
        peer = Peer.objects.select_for_update().filter(pk=get_peer(peer_name).pk).get()
        objects, files = _changes(inspection, peer)
        seq = peer.sent_seq + 1
        Peer.objects.filter(pk=peer.pk).update(sent_seq=seq)
        bundle_id = uuid.uuid4()
        header = {"bundle_id": str(bundle_id), "sender": keys.own_fingerprint(), "recipient": peer.fingerprint,
                  "seq": seq, "ack": peer.received_seq, "inspection": str(inspection.uid),
                  "inspection_label": str(inspection), "created_at": clock.now().isoformat()}
        spool, sha256, size = pack.write(header, objects, files)
        transfer = Transfer.objects.create(
            direction="out", peer=peer, seq=seq, bundle_id=bundle_id, inspection=inspection,
            inspection_uid=inspection.uid, at=clock.now(), actor_id=actor.user_id, actor_name=actor.name,
            sha256=sha256, size=size, objects_count=len(objects), files_count=len(files),
            sent={item["uid"]: {"kind": item["kind"], "fields": item["fields"]} for item in objects})
        kinds = Counter(item["kind"] for item in objects)
        audit.record(actor, "bundle.export", inspection,
                     f"导出数据包：{inspection} → {peer.name}（第 {seq} 号，{len(objects)} 个对象）",
                     after={"peer": peer.name, "seq": seq, "sha256": sha256, "objects": dict(kinds),
                            "uids": [item["uid"] for item in objects], "files": len(files)})
    name = f"xuncha-{inspection.uid.hex[:8]}-to-{peer.fingerprint[:8]}-{seq}.zip"
    return Exported(spool, sha256, size, transfer, name)


def _changes(inspection: Inspection, peer: Peer) -> tuple[list[dict], dict]:
    """The objects whose values differ from the base held with this peer (fields awaiting a
    conflict decision stay out), and the evidence files they need."""
    rows = list(travel.of_inspection(inspection))
    bases = {str(b.uid): b.fields for b in apply._bases(peer, [row.uid for row in rows])}
    held = apply._open_conflicts(peer, [])
    objects, evidence = [], []
    for row in rows:
        fields = {k: v for k, v in row.fields.items() if (row.uid, k) not in held}
        base = bases.get(row.uid)
        if base is not None and all(base.get(k, apply.MISSING) == v for k, v in fields.items()):
            continue
        objects.append({"kind": row.kind, "uid": row.uid, "fields": fields})
        if row.kind == "evidence":
            evidence.append(row.pk)
    stored = dict(Evidence.objects.filter(pk__in=evidence).values_list("sha256", "stored_name"))
    return objects, {sha: _loader(name) for sha, name in stored.items()}


def _loader(stored_name: str):
    def load() -> bytes:
        try:
            return storage.read_bytes(evidence_files.KIND, stored_name)
        except FileNotFoundError:
            raise ServiceError("有佐证材料文件在存储中缺失，无法导出；请联系系统管理员。") from None

    return load


# -- import --------------------------------------------------------------------------------------

def _registered(fingerprint: str) -> str | None:
    return Peer.objects.filter(fingerprint=fingerprint).values_list("public_key", flat=True).first()


def import_bundle(actor: Actor, data: bytes, file_name: str = "") -> Imported:
    """Verify a bundle and apply it; a refused or failed one changes nothing (the refusal is recorded)."""
    permissions.require(actor, "exchange_bundles")
    digest = hashlib.sha256(data).hexdigest()
    try:
        opened = pack.read_signed(data, _registered)
        return _import(actor, opened, digest, len(data))
    except pack.BundleRefused as exc:
        audit.record_now(actor, "bundle.refused", None, f"拒绝导入数据包：{exc.message}",
                         after={"sha256": digest, "name": file_name[:200]}, result="refused")
        raise


def _import(actor: Actor, opened: pack.Opened, digest: str, size: int) -> Imported:
    manifest = opened.manifest
    try:
        seq, ack = int(manifest["seq"]), int(manifest.get("ack", 0))
        bundle_id, inspection_uid = uuid.UUID(manifest["bundle_id"]), uuid.UUID(manifest["inspection"])
    except (KeyError, TypeError, ValueError):
        raise pack.BundleRefused("数据包的清单不完整。") from None
    try:
        with transaction.atomic():
            peer = Peer.objects.select_for_update().get(fingerprint=manifest["sender"])
            if seq <= peer.received_seq:
                audit.record(actor, "bundle.import", peer, f"重复导入来自 {peer.name} 的第 {seq} 号数据包，未作改动",
                             after={"peer": peer.name, "seq": seq, "sha256": digest, "replay": True})
                return Imported(None, replay=True, peer=peer.name)
            _promote(peer, ack)
            transfer = Transfer.objects.create(
                direction="in", peer=peer, seq=seq, bundle_id=bundle_id,
                inspection=Inspection.objects.filter(uid=inspection_uid).first(), inspection_uid=inspection_uid,
                at=clock.now(), actor_id=actor.user_id, actor_name=actor.name, sha256=digest, size=size,
                objects_count=len(opened.objects), files_count=len(opened.files))
            applier = apply.Applier(actor, peer, transfer, opened)
            applier.run()
            return _finish(actor, peer, transfer, applier, seq, inspection_uid)
    except IntegrityError:
        raise pack.BundleRefused("数据包与本机已有的数据相抵触（如同一单位在同一轮次已有另一次巡察），"
                                 "未作任何改动。") from None


def _finish(actor: Actor, peer: Peer, transfer: Transfer, applier: apply.Applier, seq: int,
            inspection_uid: uuid.UUID) -> Imported:
    inspection = transfer.inspection or Inspection.objects.filter(uid=inspection_uid).first()
    Transfer.objects.filter(pk=transfer.pk).update(
        inspection=inspection, created_count=sum(map(len, applier.created.values())),
        updated_count=sum(map(len, applier.updated.values())), conflicts_count=len(applier.conflicts))
    Peer.objects.filter(pk=peer.pk).update(received_seq=seq)
    result = Imported(transfer, created=dict(applier.created), updated=dict(applier.updated),
                      conflicts=len(applier.conflicts), peer=peer.name)
    audit.record(actor, "bundle.import", inspection or peer, result.line()[:300], after={
        "peer": peer.name, "seq": seq, "sha256": transfer.sha256, "created": result.created,
        "updated": result.updated, "conflicts": [c.pk for c in applier.conflicts],
        "accounts_created": applier.links.new_users, "files": len(applier.stored)})
    transfer.refresh_from_db()
    return result


def _promote(peer: Peer, ack: int) -> None:
    """Our bundles the peer acknowledged: their values become the base held with it."""
    ack = min(ack, peer.sent_seq)
    for sent in Transfer.objects.filter(peer=peer, direction="out", seq__lte=ack, promoted=False).order_by("seq"):
        items = sent.sent or {}
        bases = {str(b.uid): b for b in apply._bases(peer, list(items))}
        rows = [Base(peer=peer, uid=uid, kind=item["kind"],
                     fields={**(bases[uid].fields if uid in bases else {}), **item["fields"]})
                for uid, item in items.items()]
        apply.save_bases(peer, rows, [base.pk for base in bases.values()])
        Transfer.objects.filter(pk=sent.pk).update(promoted=True)
    if ack > peer.acked_seq:
        Peer.objects.filter(pk=peer.pk).update(acked_seq=ack)


# -- conflicts -----------------------------------------------------------------------------------

CHOICES = {"ours": "保留本方", "theirs": "采用对方"}


def decide(actor: Actor, conflict_id: int, choice: str) -> Conflict:
    """Keep our value (it travels back in the next bundle) or take theirs (written now)."""
    permissions.require(actor, "exchange_bundles")
    if choice not in CHOICES:
        raise InvalidInput("请选择“保留本方”或“采用对方”。", field="choice")
    with transaction.atomic():
        conflict = Conflict.objects.select_for_update().filter(pk=conflict_id).first()
        if conflict is None:
            raise NotFound()
        if conflict.state != "open":
            raise ServiceError("这处冲突已经决定过了。")
        kind = travel.BY_NAME[conflict.kind]
        row = next(iter(travel.read(kind, kind.model.objects.filter(pk=conflict.object_id))), None)
        if row is None:
            raise NotFound()
        if choice == "theirs" and row.fields[conflict.field] != conflict.theirs:
            links = apply.Links()
            if conflict.field in kind.links:
                links.resolve(kind.links[conflict.field], [conflict.theirs])
            links.accounts([conflict.theirs] if conflict.field in kind.users else [])
            apply.update_object(actor, kind, row, {conflict.field: conflict.theirs}, links)
            _refresh(kind, conflict.object_id, actor)
        Conflict.objects.filter(pk=conflict.pk).update(state=choice, decided_by_id=actor.user_id,
                                                       decided_at=clock.now())
        obj = kind.model.objects.get(pk=conflict.object_id)
        chosen = conflict.theirs if choice == "theirs" else row.fields[conflict.field]
        audit.record(actor, "bundle.conflict", obj, f"交换冲突：{kind.label}的“{_label(kind, conflict.field)}”"
                     f"{CHOICES[choice]}", before={conflict.field: row.fields[conflict.field]},
                     after={conflict.field: chosen, "choice": choice, "conflict": conflict.pk,
                            "peer": conflict.peer.name, "uid": str(conflict.uid)})
    conflict.refresh_from_db()
    return conflict


def _refresh(kind: travel.Kind, pk: int, actor: Actor) -> None:
    if kind.name == "finding":
        derived.refresh_finding(pk, actor)
    elif kind.name in apply.FINDING_OF:
        derived.refresh_finding(kind.model.objects.values_list("finding_id", flat=True).get(pk=pk), actor)


def _label(kind: travel.Kind, name: str) -> str:
    return str(kind.model._meta.get_field(name).verbose_name)

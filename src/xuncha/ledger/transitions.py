"""Status changes as data: each object kind's legal moves in one table, applied by one function.

A table lists, for one kind of object (a measure, a sign-off request, a finding, a notice, a
延期 request), every legal move: from which states to which, the permission action naming the
roles that may make it (ledger.permissions.ACTIONS), and what it requires (a written reason,
evidence, a second person). `apply` is the only code that moves a status: it checks the table,
updates with a compare-and-swap, writes a StatusChange history row and an audit record, all in
the caller's transaction. Templates ask `available_moves` instead of repeating the rules.

Other apps' kinds call `register` with their own table (public comments: xuncha.portal.moves).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Length

from xuncha import clock
from xuncha.core.statuses import (
    CLOSEOUT_OPEN,
    CLOSEOUT_STATE,
    EXTENSION_STATE,
    FINDING_STATUS,
    MEASURE_FINISHED,
    MEASURE_STATUS,
    NOTICE_STATE,
    ChoiceSet,
)
from xuncha.ledger import permissions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput, InvalidMove, PermissionDenied
from xuncha.ledger.models import (
    Closeout,
    Evidence,
    ExtensionRequest,
    Finding,
    Measure,
    Notice,
    ProgressReport,
    StatusChange,
)


def _always() -> bool:
    return True


@dataclass(frozen=True)
class Move:
    """One legal move. `target` None: an act allowed from these states that keeps the status."""

    name: str
    sources: frozenset[str]
    target: str | None
    label: str  # the button, in Chinese
    action: str  # a permissions.ACTIONS entry: which roles, in which scope
    reason: bool = False  # a written reason is required
    evidence: bool = False  # the table's evidence check must pass
    second_person: str = ""  # a user field of the object the actor must not be (e.g. requested_by)
    enabled: Callable[[], bool] = _always  # a policy switch (settings) that turns the move on
    guard: Callable[[Any], str | None] | None = None  # a further refusal, as a Chinese message
    wrong_state: str = ""  # the refusal when the object is in none of `sources`

    @property
    def roles(self) -> dict[str, str]:
        """Role → scope of the actors who may make this move."""
        return permissions.ACTIONS[self.action]


@dataclass(frozen=True)
class Table:
    kind: str
    title: str  # how the object is named in history lines, e.g. 措施, 销号申请
    model: type[models.Model]
    choices: ChoiceSet
    moves: tuple[Move, ...]
    inspection: Callable[[Any], Any]  # the object's Inspection, for the permission scope
    finding_id: Callable[[Any], int | None]
    field: str = "status"
    version_field: str = "version"
    frozen: Callable[[Any], str | None] | None = None  # why no move is possible right now
    evidence: Callable[[Any], str | None] | None = None  # why the evidence requirement fails
    # Who may act, for objects not scoped by their inspection (a public comment: by the unit it is
    # assigned to): (actor, permission action, object) → bool. None: permissions.allowed.
    allowed: Callable[[Actor, str, Any], bool] | None = None
    heading: Callable[[Any], str] | None = None  # names one object in history lines (else `title`)


REGISTRY: dict[str, Table] = {}


def register(table: Table) -> Table:
    """Add (or replace) a kind's table; returns it, so modules can keep a name for it."""
    REGISTRY[table.kind] = table
    return table


def table_for(obj: models.Model) -> Table:
    for table in REGISTRY.values():
        if isinstance(obj, table.model):
            return table
    raise LookupError(f"no transition table for {type(obj).__name__}")


def _candidates(table: Table, obj: models.Model, name: str | None = None) -> list[Move]:
    current = getattr(obj, table.field)
    return [m for m in table.moves if (name is None or m.name == name) and current in m.sources
            and m.enabled()]


def _refusal(table: Table, actor: Actor, obj: models.Model, move: Move, reason: str | None) -> str | None:
    """Why this actor may not make this move now (None: allowed). `reason` None: not yet asked."""
    if table.frozen is not None:
        message = table.frozen(obj)
        if message:
            return message
    if move.guard is not None:
        message = move.guard(obj)
        if message:
            return message
    if (move.second_person and actor.user_id is not None
            and getattr(obj, f"{move.second_person}_id", None) == actor.user_id):
        return "申请人不能审核自己的申请，须由另一人办理。"
    if move.evidence and table.evidence is not None:
        message = table.evidence(obj)
        if message:
            return message
    if move.reason and reason is not None and not reason.strip():
        return f"{move.label}须写明理由。"
    return None


def _permitted(actor: Actor, table: Table, obj: models.Model, move: Move) -> bool:
    if table.allowed is not None:
        return table.allowed(actor, move.action, obj)
    return permissions.allowed(actor, move.action, table.inspection(obj))


def available_moves(actor: Actor, obj: models.Model) -> list[Move]:
    """The moves this actor could make on this object now (a reason may still be asked for)."""
    table = table_for(obj)
    moves, seen = [], set()
    for move in _candidates(table, obj):
        if move.name in seen or not _permitted(actor, table, obj, move):
            continue
        if _refusal(table, actor, obj, move, None) is None:
            moves.append(move)
            seen.add(move.name)
    return moves


def move_names(actor: Actor, obj: models.Model) -> set[str]:
    return {m.name for m in available_moves(actor, obj)}


def check(actor: Actor, obj: models.Model, name: str, reason: str = "", cascade: bool = False) -> Move:
    """The move `name` as the table allows it to this actor now; else a Chinese refusal.

    `cascade`: the move follows from another the actor was already allowed to make (a sign-off
    closing its finding), so the roles are not asked again; the rest of the table still is.
    """
    table = table_for(obj)
    candidates = _candidates(table, obj, name)
    if not candidates:
        current = table.choices.label(getattr(obj, table.field))
        named = [m for m in table.moves if m.name == name]
        if not named:
            raise InvalidInput(f"未知的操作：{name}")
        if not cascade and not any(_permitted(actor, table, obj, m) for m in named if m.enabled()):
            raise PermissionDenied(permissions.DENIED_MESSAGES.get(named[0].action, "您没有权限进行此操作。"))
        if named[0].wrong_state:
            raise InvalidMove(named[0].wrong_state)
        raise InvalidMove(f"{table.title}当前为“{current}”，不能进行此操作。")
    allowed = candidates if cascade else [m for m in candidates if _permitted(actor, table, obj, m)]
    if not allowed:
        raise PermissionDenied(permissions.DENIED_MESSAGES.get(candidates[0].action, "您没有权限进行此操作。"))
    move = allowed[0]
    message = _refusal(table, actor, obj, move, reason)
    if message:
        raise (InvalidInput(message, field="comment") if move.reason and not reason.strip()
               else InvalidMove(message))
    return move


@transaction.atomic
def apply(actor: Actor, obj: models.Model, name: str, reason: str = "", *,
          changes: dict[str, Any] | None = None, expected_version: int | None = None,
          cascade: bool = False, audit_after: dict | None = None) -> StatusChange | None:
    """Make a move: check it, compare-and-swap the status (and `changes`), write the history
    row and the audit record. Returns the history row (None for a move that keeps the status)."""
    from xuncha.ledger.services import audit  # services sit above this module
    from xuncha.ledger.services.cas import swap

    table = table_for(obj)
    move = check(actor, obj, name, reason, cascade)
    if move.target is None:
        return None
    old = getattr(obj, table.field)
    changes = dict(changes or {})
    expect = {table.field: old, table.version_field: expected_version}
    swap(table.model, obj.pk, expect, version_field=table.version_field, **{table.field: move.target}, **changes)
    setattr(obj, table.field, move.target)
    for key, value in changes.items():
        setattr(obj, key, value)
    setattr(obj, table.version_field, getattr(obj, table.version_field) + 1)
    title = table.heading(obj) if table.heading is not None else table.title
    summary = f"{title}：{table.choices.label(old)} → {table.choices.label(move.target)}"
    if reason.strip():
        summary += f"（{reason.strip()[:80]}）"
    after = {table.field: move.target, **{k: audit.plain(v) for k, v in changes.items()}, **(audit_after or {})}
    if reason.strip() and reason.strip() not in after.values():  # not again when a change keeps it
        after["reason"] = reason.strip()
    event = audit.record(actor, f"{table.kind}.{move.name}", obj, summary, before={table.field: old}, after=after)
    return _history(actor, table, obj, move.name, old, move.target, reason, event)


def record_derived(actor: Actor, table_kind: str, obj: models.Model, old: str, new: str) -> StatusChange:
    """A status that follows from other rows (a finding's from its measures): history only,
    the change itself was made by the service that changed those rows."""
    return _history(actor, REGISTRY[table_kind], obj, "derive", old, new, "", None)


def record_created(actor: Actor, obj: models.Model, move: str, event=None) -> StatusChange:
    """The history row of an object created in its first state (a request made)."""
    table = table_for(obj)
    return _history(actor, table, obj, move, "", getattr(obj, table.field), "", event)


def _history(actor: Actor, table: Table, obj: models.Model, move: str, old: str, new: str, reason: str,
             event) -> StatusChange:
    inspection = table.inspection(obj)
    return StatusChange.objects.create(
        object_kind=table.kind, object_id=obj.pk, move=move, from_status=old, to_status=new,
        actor_id=actor.user_id, actor_name=actor.name, at=clock.now(), reason=reason.strip(), event=event,
        inspection_id=getattr(inspection, "pk", None), finding_id=table.finding_id(obj))


def describe() -> list[dict]:
    """Every table as plain data (docs, tests, an API): kind, moves, roles, requirements."""
    return [{"kind": t.kind, "title": t.title, "field": t.field,
             "moves": [{"name": m.name, "from": sorted(m.sources), "to": m.target, "label": m.label,
                        "roles": sorted(m.roles), "reason": m.reason, "evidence": m.evidence,
                        "second_person": bool(m.second_person), "enabled": m.enabled()} for m in t.moves]}
            for t in REGISTRY.values()]


# ---- the ledger's own tables ------------------------------------------------------------------
# Each rule below is written here once; services apply the moves, templates list them.

def _measure_frozen(measure) -> str | None:
    """Measures of a signed-off finding, or of one awaiting sign-off, do not change."""
    finding = measure.finding
    if finding.status == "closed":
        return "该问题已销号，不能再修改整改措施；如问题反弹，请通过回头看重新打开。"
    if open_closeout(finding) is not None:
        return "该问题正在等待销号审核，审核完成前不能修改整改措施。"
    return None


def open_closeout(finding):
    """The finding's sign-off request awaiting a decision, if any (cached on the object:
    pages ask it once per measure)."""
    if not hasattr(finding, "_open_closeout"):
        finding._open_closeout = (Closeout.objects.filter(finding_id=finding.pk, state__in=CLOSEOUT_OPEN)
                                  .first())
    return finding._open_closeout


def _closeout_ready(finding) -> str | None:
    """Ready for sign-off: every measure finished (a reopened finding: with new work since)."""
    from xuncha.ledger import derived  # derived writes history rows through this module

    if derived.ready_for_closeout(finding):
        return None
    if finding.status == "reopened":
        return "该问题因回头看发现反弹而重新打开，须补充并完成新的整改措施后才能再次销号。"
    return f"该问题当前为“{FINDING_STATUS.label(finding.status)}”，还有整改措施未完成，不能销号。"


def _closeout_requestable(finding) -> str | None:
    if open_closeout(finding) is not None:
        return "该问题已有待审核的销号申请。"
    return _closeout_ready(finding)


def _extendable(measure) -> str | None:
    if measure.deadline is None:
        return "只有有完成时限的措施可以申请延期。"
    if hasattr(measure, "pending_extension"):  # pages load it with the measure
        pending = measure.pending_extension is not None
    else:
        pending = measure.extensions.filter(state="requested").exists()
    if pending:
        return "该措施已有待审核的延期申请。"
    return None


def _ongoing_only(measure) -> str | None:
    return None if measure.kind == "ongoing" else "只有“长期坚持”类措施可以标为长期坚持。"


def _setting(name: str) -> Callable[[], bool]:
    def enabled() -> bool:
        return bool(getattr(settings, name))
    return enabled


def _not_setting(name: str) -> Callable[[], bool]:
    def enabled() -> bool:
        return not getattr(settings, name)
    return enabled


def closeout_evidence_problem(finding) -> str | None:
    """XUNCHA_CLOSEOUT_EVIDENCE: each finished measure has an evidence file or a written account
    (a progress report of at least XUNCHA_CLOSEOUT_ACCOUNT_MIN_CHARS characters). No photo is
    compulsory: a written account is enough."""
    if not settings.CLOSEOUT_EVIDENCE:
        return None
    short = settings.CLOSEOUT_ACCOUNT_MIN_CHARS
    with_files = Evidence.objects.filter(report__measure__finding_id=finding.pk).values("report__measure_id")
    with_account = (ProgressReport.objects.filter(measure__finding_id=finding.pk)
                    .annotate(chars=Length("text")).filter(chars__gte=short).values("measure_id"))
    lacking = list(Measure.objects.filter(finding_id=finding.pk, status__in=MEASURE_FINISHED)
                   .exclude(pk__in=with_files).exclude(pk__in=with_account)
                   .order_by("position", "id").values_list("position", flat=True))
    if not lacking:
        return None
    numbers = "、".join(f"第{p}项" for p in lacking[:5])
    return (f"{numbers}整改措施已完成，但既没有佐证材料，也没有不少于{short}字的书面说明；"
            "请补充后再办理销号。")


def _closeout_evidence(closeout) -> str | None:
    return closeout_evidence_problem(closeout.finding)


def _finding_evidence(finding) -> str | None:
    return closeout_evidence_problem(finding)


_S = frozenset
READY = _S({"done", "ongoing", "reopened", "returned"})
FINDING_RETURNABLE = READY
LOOKBACK_ONLY_CLOSED = "只能对已销号的问题开展回头看。"

MEASURE = register(Table(
    kind="measure", title="措施状态", model=Measure, choices=MEASURE_STATUS,
    inspection=lambda m: m.finding.inspection, finding_id=lambda m: m.finding_id, frozen=_measure_frozen,
    moves=(
        Move("start", _S({"planned"}), "in_progress", "正在整改", "report_progress"),
        Move("resume", _S({"done", "ongoing"}), "in_progress", "恢复整改", "report_progress"),
        Move("finish", _S({"planned", "in_progress", "ongoing"}), "done", "已完成", "report_progress"),
        Move("sustain", _S({"planned", "in_progress"}), "ongoing", "长期坚持", "report_progress",
             guard=_ongoing_only),
        # 延期: a request, decided by the office (EXTENSION below); the status stays.
        Move("extend", _S({"planned", "in_progress"}), None, "申请延期", "request_extension", reason=True,
             guard=_extendable, wrong_state="只有尚未完成的措施可以申请延期。"),
    )))

CLOSEOUT = register(Table(
    kind="closeout", title="销号申请", model=Closeout, choices=CLOSEOUT_STATE, field="state",
    inspection=lambda c: c.finding.inspection, finding_id=lambda c: c.finding_id, evidence=_closeout_evidence,
    moves=(
        # 单位负责人审核 (XUNCHA_CLOSEOUT_ENDORSEMENT): the unit leader endorses before the office decides.
        Move("endorse", _S({"requested"}), "endorsed", "同意并报巡察办", "endorse_closeout",
             second_person="requested_by", enabled=_setting("CLOSEOUT_ENDORSEMENT")),
        Move("return", _S({"requested"}), "returned", "退回补充", "endorse_closeout", reason=True,
             enabled=_setting("CLOSEOUT_ENDORSEMENT")),
        Move("approve", _S({"endorsed"}), "approved", "同意销号", "decide_closeout", evidence=True,
             second_person="requested_by", enabled=_setting("CLOSEOUT_SEPARATE_APPROVER")),
        Move("approve", _S({"endorsed"}), "approved", "同意销号", "decide_closeout", evidence=True,
             enabled=_not_setting("CLOSEOUT_SEPARATE_APPROVER")),
        Move("approve", _S({"requested"}), "approved", "同意销号", "decide_closeout", evidence=True,
             second_person="requested_by",
             enabled=lambda: not settings.CLOSEOUT_ENDORSEMENT and settings.CLOSEOUT_SEPARATE_APPROVER),
        Move("approve", _S({"requested"}), "approved", "同意销号", "decide_closeout", evidence=True,
             enabled=lambda: not settings.CLOSEOUT_ENDORSEMENT and not settings.CLOSEOUT_SEPARATE_APPROVER),
        Move("return", _S({"requested", "endorsed"}), "returned", "退回", "decide_closeout", reason=True),
    )))

FINDING = register(Table(
    kind="finding", title="问题状态", model=Finding, choices=FINDING_STATUS,
    inspection=lambda f: f.inspection, finding_id=lambda f: f.pk, evidence=_finding_evidence,
    moves=(
        Move("request_closeout", READY, None, "申请销号", "request_closeout", evidence=True,
             guard=_closeout_requestable, wrong_state="该问题还有整改措施未完成，不能申请销号。"),
        Move("close", READY, "closed", "销号", "decide_closeout", guard=_closeout_ready),
        Move("return", READY, "returned", "退回补充", "decide_closeout", reason=True),
        Move("lookback", _S({"closed"}), None, "回头看", "lookback", wrong_state=LOOKBACK_ONLY_CLOSED),
        Move("reopen", _S({"closed"}), "reopened", "问题反弹，重新打开", "lookback", reason=True,
             wrong_state=LOOKBACK_ONLY_CLOSED),
        # 随机抽查 (xuncha.evaluation): a failed re-check of a signed-off finding reopens it.
        Move("recheck_reopen", _S({"closed"}), "reopened", "抽查未通过，重新打开", "random_checks", reason=True,
             wrong_state="只能对已销号的问题开展随机抽查。"),
    )))

NOTICE = register(Table(
    kind="notice", title="通报", model=Notice, choices=NOTICE_STATE, field="state", version_field="row_version",
    inspection=lambda n: n.inspection, finding_id=lambda n: None,
    moves=(
        Move("approve", _S({"draft"}), "approved", "审定", "approve_notice"),
        Move("publish", _S({"approved"}), "published", "发布", "publish_notice"),
    )))

EXTENSION = register(Table(
    kind="extension", title="延期申请", model=ExtensionRequest, choices=EXTENSION_STATE, field="state",
    inspection=lambda e: e.measure.finding.inspection, finding_id=lambda e: e.measure.finding_id,
    # Named by its measure: the decision's notice and record say which deadline it is about.
    heading=lambda e: f"延期申请（措施“{e.measure.text[:20]}{'…' if len(e.measure.text) > 20 else ''}”）",
    moves=(
        Move("approve", _S({"requested"}), "approved", "同意延期", "decide_extension",
             second_person="requested_by", enabled=_setting("CLOSEOUT_SEPARATE_APPROVER")),
        Move("approve", _S({"requested"}), "approved", "同意延期", "decide_extension",
             enabled=_not_setting("CLOSEOUT_SEPARATE_APPROVER")),
        Move("refuse", _S({"requested"}), "refused", "不同意延期", "decide_extension", reason=True),
    )))

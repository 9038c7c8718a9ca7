"""Reads for the portal and for the staff comments page; nothing here writes but the index sync.

Only published notices reach the public; the live ledger shows only for rounds whose live
progress the office switched on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from xuncha import clock
from xuncha.core.statuses import FINDING_STATUS
from xuncha.core.vocabulary import item_heading
from xuncha.ledger.actor import Actor, shown_actor
from xuncha.ledger.errors import NotFound
from xuncha.ledger.models import Finding, Notice, Round, Unit
from xuncha.portal import access
from xuncha.portal.models import PublicComment, RoundPortal, SearchEntry
from xuncha.portal.services import search
from xuncha.portal.vocabulary import OPEN_STATES, RATING


def refresh_index() -> None:
    if search.pending():
        search.sync()


def current_entries() -> QuerySet[SearchEntry]:
    return (SearchEntry.objects.filter(current=True)
            .select_related("inspection__unit", "inspection__round", "inspection__team"))


@dataclass
class Filters:
    query: str = ""
    round_id: int | None = None
    unit_id: int | None = None
    year: int | None = None


def notices(filters: Filters) -> QuerySet[SearchEntry] | list[int]:
    """Current published notices matching the filters, newest first: a query set, or with a
    search query the matching ids (one pass over the index; see entries_for)."""
    rows = _filtered(filters)
    if not filters.query.strip():
        return rows.order_by("-published_at", "-id")
    ids = search.matching_ids(filters.query) or []
    if filters.round_id or filters.unit_id or filters.year:
        allowed = set(rows.values_list("pk", flat=True))
        ids = [pk for pk in ids if pk in allowed]
    return ids


def entries_for(ids: list[int]) -> list[SearchEntry]:
    """The entries of a page of ids, in the ids' order."""
    found = {e.pk: e for e in current_entries().filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def _filtered(filters: Filters) -> QuerySet[SearchEntry]:
    rows = current_entries()
    if filters.round_id:
        rows = rows.filter(inspection__round_id=filters.round_id)
    if filters.unit_id:
        unit = Unit.objects.filter(pk=filters.unit_id).first()
        rows = rows.filter(inspection__unit__path__startswith=unit.path) if unit else rows.none()
    if filters.year:
        rows = rows.filter(published_at__year=filters.year)
    return rows


def rounds() -> list[Round]:
    ids = current_entries().values("inspection__round_id")
    return list(Round.objects.filter(pk__in=ids))


def years() -> list[int]:
    return sorted({d.year for d in SearchEntry.objects.filter(current=True).dates("published_at", "year")},
                  reverse=True)


@dataclass
class TreeNode:
    unit: Unit
    notices: int
    children: list[TreeNode] = field(default_factory=list)


def unit_tree() -> list[TreeNode]:
    """Units with published notices, under their ancestors (the tree 区委 → 街道 → 社区)."""
    counts = dict(current_entries().values_list("inspection__unit_id").annotate(n=Count("id")))
    if not counts:
        return []
    paths = Unit.objects.filter(pk__in=counts).values_list("path", flat=True)
    wanted = {int(part) for path in paths for part in path.strip("/").split("/")}
    nodes = {u.pk: TreeNode(u, counts.get(u.pk, 0)) for u in Unit.objects.filter(pk__in=wanted)}
    roots = []
    for node in sorted(nodes.values(), key=lambda n: n.unit.path):
        parent = nodes.get(node.unit.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


def published_notice(pk: int) -> Notice:
    notice = (Notice.objects.select_related("inspection__unit", "inspection__round", "inspection__team")
              .filter(pk=pk, state="published").first())
    if notice is None:
        raise NotFound()
    return notice


def versions(notice: Notice) -> list[Notice]:
    """The published versions of the notice, newest first, each with `public_version`: its number
    among the published ones (a draft never published leaves no gap on the portal)."""
    rows = list(Notice.objects.filter(inspection_id=notice.inspection_id, state="published")
                .order_by("-version").only("pk", "version", "published_at", "inspection_id"))
    for number, row in enumerate(reversed(rows), start=1):
        row.public_version = number
    return rows


def published_comments(inspection_ids: list[int]) -> list[PublicComment]:
    """Published comments on any published version of the inspections' notices: a correction
    does not hide what the public said about the version before it."""
    return list(PublicComment.objects.filter(inspection_id__in=inspection_ids, state="published")
                .select_related("unit").order_by("created_at", "id"))


def public_unit(pk: int) -> Unit:
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise NotFound()
    return unit


def child_units(unit: Unit) -> list[TreeNode]:
    """The unit's direct sub-units that have published notices below them."""
    paths = list(current_entries().values_list("inspection__unit__path", flat=True))
    children = [c for c in unit.children.all() if any(p.startswith(c.path) for p in paths)]
    return [TreeNode(c, sum(p.startswith(c.path) for p in paths)) for c in children]


@dataclass
class UnitItem:
    label: str
    status: str  # NoticeDoc status: done / partly / not_done / ongoing
    live: str | None  # the ledger's status label, only with live progress on
    comments: list[PublicComment]


@dataclass
class UnitNotice:
    entry: SearchEntry
    items: list[UnitItem]
    general: list[PublicComment]  # on the whole notice, or on an earlier version


def unit_notices(unit: Unit) -> list[UnitNotice]:
    """The unit's current published notices, item by item, with replies to public comments."""
    entries = list(current_entries().filter(inspection__unit=unit).select_related("notice"))
    comments = published_comments([e.inspection_id for e in entries])
    live_rounds = set(RoundPortal.objects.filter(live_progress=True).values_list("round_id", flat=True))
    out = []
    for entry in entries:
        doc = entry.notice.doc or {}
        mine = [c for c in comments if c.inspection_id == entry.inspection_id]
        live = _live_statuses(entry) if entry.inspection.round_id in live_rounds else {}
        # An item number belongs to its version: comments on an earlier version's items are
        # listed with the whole notice's, under the label they were made on.
        on_item = [c for c in mine if c.notice_id == entry.notice_id and c.item is not None]
        items = [UnitItem(label=item_heading(f.get("path") or [], f.get("title") or ""),
                          status=f.get("status") or "", live=live.get(index),
                          comments=[c for c in on_item if c.item == index])
                 for index, f in enumerate(doc.get("findings") or [])]
        out.append(UnitNotice(entry, items, [c for c in mine if c not in on_item]))
    return out


def _live_statuses(entry: SearchEntry) -> dict[int, str]:
    """Ledger findings in notice order (the order notices are composed in) → status label."""
    rows = Finding.objects.filter(inspection_id=entry.inspection_id).order_by("position", "id")
    return {index: FINDING_STATUS.label(status) for index, status in enumerate(rows.values_list("status", flat=True))}


# -- reads for other parts of xuncha: to-do lists, the 督办 ladder, analytics --

def to_answer(actor: Actor) -> QuerySet[PublicComment]:
    """Comments the actor's unit is to answer (not declined or merged, no reply yet), the
    earliest reply deadline first: the 工作台's 待答复的群众意见."""
    return (PublicComment.objects.filter(access.comment_filter(actor, "reply_comments"),
                                         state__in=OPEN_STATES, reply="")
            .select_related("notice", "unit").order_by("reply_due", "id"))


def overdue_replies(unit: Unit, today: dt.date | None = None, subunits: bool = False) -> QuerySet[PublicComment]:
    """Comments assigned to the unit, not declined or merged, unanswered past their deadline."""
    today = today or clock.today()
    where = Q(unit__path__startswith=unit.path) if subunits else Q(unit=unit)
    return (PublicComment.objects.filter(where, state__in=OPEN_STATES, reply="", reply_due__lt=today)
            .select_related("notice", "unit").order_by("reply_due", "id"))


@dataclass
class CommentStats:
    total: int
    by_state: dict[str, int]
    replied: int
    overdue: int
    ratings: dict[str, int]
    rated: int
    satisfaction: float | None  # (满意 + 基本满意) / rated, 0…1


def comment_stats(unit: Unit | None = None, round_: Round | None = None,
                  today: dt.date | None = None) -> CommentStats:
    """Counts and satisfaction of public comments, for analytics (a unit's sub-tree, a round)."""
    today = today or clock.today()
    rows = PublicComment.objects.all()
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    if round_ is not None:
        rows = rows.filter(inspection__round=round_)
    by_state = dict(rows.values_list("state").annotate(n=Count("id")))
    ratings = dict(rows.exclude(rating="").values_list("rating").annotate(n=Count("id")))
    rated = sum(ratings.values())
    good = ratings.get("satisfied", 0) + ratings.get("basically", 0)
    return CommentStats(
        total=sum(by_state.values()), by_state=by_state, replied=rows.exclude(reply="").count(),
        overdue=rows.filter(state__in=OPEN_STATES, reply="", reply_due__lt=today).count(),
        ratings={c.value: ratings.get(c.value, 0) for c in RATING}, rated=rated,
        satisfaction=round(good / rated, 4) if rated else None)


# -- the staff side --

def staff_comments(actor: Actor, state: str = "") -> QuerySet[PublicComment]:
    rows = PublicComment.objects.filter(access.comment_filter(actor)).select_related("unit", "notice")
    return rows.filter(state=state) if state else rows


def staff_comment(actor: Actor, pk: int) -> PublicComment:
    comment = (PublicComment.objects.select_related("unit", "notice", "inspection", "merged_into")
               .filter(pk=pk).first())
    if comment is None or not access.can(actor, "view_comments", comment):
        raise NotFound()
    return comment


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    actor_name: str
    move: str
    old_state: str
    new_state: str


def moderation_decision(comment: PublicComment):
    """The last moderation move on a comment (a StatusChange: who, when, the reason), or None while held."""
    from xuncha.ledger.models import StatusChange

    if comment.state == "held":
        return None
    return (StatusChange.objects.filter(object_kind="comment", object_id=comment.pk)
            .order_by("-at", "-id").first())


def comment_history(comment: PublicComment) -> list[HistoryLine]:
    """办理记录: the moderation moves' history rows (StatusChange) and the other acts
    (CommentFlip: posted, replied, rated), in order. Two small indexed queries."""
    from xuncha.ledger.models import StatusChange

    moves = StatusChange.objects.filter(object_kind="comment", object_id=comment.pk)
    kind = PublicComment._meta.model_name
    lines = [HistoryLine(c.at, shown_actor(c.actor_name, kind), c.move, c.from_status, c.to_status)
             for c in moves]
    lines += [HistoryLine(f.at, shown_actor(f.actor_name, kind), f.move, f.old_state, f.new_state)
              for f in comment.flips.all()]
    return sorted(lines, key=lambda line: line.at)

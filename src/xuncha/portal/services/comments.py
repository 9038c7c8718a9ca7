"""Public comments (群众监督): posted anonymously, moderated, assigned, answered, rated.

Every change is one function: it checks the act, updates with a compare-and-swap, writes a
history row and an audit record in the same transaction, and raises the portal's cache
generation once the transaction commits. Moderation moves are a table of the ledger's
transitions (portal/moves.py), applied by `transitions.apply` (history: StatusChange); posting,
replying and rating keep the state and write a CommentFlip.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from xuncha import clock
from xuncha.core import privacy
from xuncha.core.vocabulary import item_heading
from xuncha.ledger import permissions, transitions
from xuncha.ledger.actor import Actor, as_commenter
from xuncha.ledger.errors import InvalidInput, InvalidMove
from xuncha.ledger.models import Notice, Unit
from xuncha.ledger.services import audit
from xuncha.ledger.services.cas import swap
from xuncha.portal import access
from xuncha.portal.models import CommentFlip, PublicComment
from xuncha.portal.moves import ACTION
from xuncha.portal.services import calendar, pages, sealing
from xuncha.portal.vocabulary import MOVE_LABELS, RATING

TEXT_MIN, TEXT_MAX, NAME_MAX, REASON_MAX, REPLY_MAX = 5, 1000, 30, 500, 2000
# 16 characters of 31 (no 0/O, 1/I/L): about 79 bits, read out over a phone without mistakes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16
PHONE = re.compile(r"^[0-9+\- ]{5,20}$")


@dataclass(frozen=True)
class Posted:
    comment: PublicComment
    code: str  # shown once, to the commenter


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def code_digest(code: str) -> str:
    """The stored form of a 查询码: dashes, spaces and case do not matter."""
    plain = re.sub(r"[\s\-－]", "", code).upper()
    return hashlib.sha256(plain.encode()).hexdigest()


def item_label(notice: Notice, item: int | None) -> str:
    if item is None:
        return ""
    findings = (notice.doc or {}).get("findings") or []
    if not 0 <= item < len(findings):
        raise InvalidInput("通报中没有这个事项。")
    found = findings[item]
    return item_heading(found.get("path") or [], found.get("title") or "")[:300]


def _mask(text: str, name: str) -> tuple[str, int]:
    """The gate of core/privacy on the text, and the commenter's own name taken out of it."""
    found = privacy.find_personal_info(text, cautious=True)
    masked = privacy.mask_personal_info(text, cautious=True)
    if name and len(name) >= 2 and name in masked:
        masked = masked.replace(name, privacy.mask_name(name))
        found = [*found, None]
    return masked, len(found)


def _clean_post(text: str, name: str, phone: str) -> tuple[str, str, str]:
    text, name, phone = text.strip(), name.strip(), phone.strip()
    if len(text) < TEXT_MIN:
        raise InvalidInput(f"意见内容至少 {TEXT_MIN} 个字。")
    if len(text) > TEXT_MAX:
        raise InvalidInput(f"意见内容不能超过 {TEXT_MAX} 个字。")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"姓名不能超过 {NAME_MAX} 个字。")
    if phone and not PHONE.fullmatch(phone):
        raise InvalidInput("联系电话只能填写数字、空格、+ 和 -，5 到 20 位。")
    return text, name, phone


@transaction.atomic
def post(actor: Actor, notice: Notice, text: str, name: str = "", phone: str = "",
         item: int | None = None) -> Posted:
    """A comment from the public, held for moderation; returns it with its 查询码."""
    actor = as_commenter(actor)
    if notice.state != "published":
        raise InvalidInput("只能对已发布的通报提出意见。")
    text, name, phone = _clean_post(text, name, phone)
    label = item_label(notice, item)
    shown, masked = _mask(text, name)
    code = new_code()
    comment = PublicComment.objects.create(
        notice=notice, inspection=notice.inspection, item=item, item_label=label, text=shown,
        sealed_text=sealing.seal(text), sealed_name=sealing.seal(name), sealed_phone=sealing.seal(phone),
        masked=masked, code_digest=code_digest(code), unit=notice.inspection.unit,
        reply_due=calendar.add_working_days(clock.today(), settings.PORTAL_REPLY_DAYS),
        created_at=clock.now())
    _flip(comment, "post", "", "held", actor)
    audit.record(actor, "comment.post", comment, f"收到群众意见（{label or '整篇通报'}）",
                 after={"item": label or "整篇通报", "masked": masked, "anonymous": not (name or phone)})
    return Posted(comment, code)


def find_by_code(code: str) -> PublicComment | None:
    """The comment of a 查询码, or None; a wrong code and an unknown one are the same None."""
    plain = re.sub(r"[\s\-－]", "", code or "")
    if not 12 <= len(plain) <= 40:
        return None
    return (PublicComment.objects.select_related("notice", "unit", "merged_into")
            .filter(code_digest=code_digest(plain)).first())


def _flip(comment: PublicComment, move: str, old: str, new: str, actor: Actor) -> None:
    CommentFlip.objects.create(comment=comment, at=clock.now(), move=move, old_state=old, new_state=new,
                               actor_name=actor.name)


def _changed(comment: PublicComment) -> PublicComment:
    pages.changed()
    comment.refresh_from_db()
    return comment


@transaction.atomic
def moderate(actor: Actor, comment: PublicComment, move: str, reason: str = "",
             into: PublicComment | None = None) -> PublicComment:
    """公开, 合并 (into another published comment on the same inspection) or 不予公开."""
    if move not in MOVE_LABELS:
        raise InvalidInput("未知的审核操作。")
    reason = reason.strip()[:REASON_MAX]
    transitions.check(actor, comment, move, reason)  # who, from which state, a reason
    changes: dict = {"reason": reason}
    if move == "merge":
        if into is None or into.pk == comment.pk or into.inspection_id != comment.inspection_id \
                or into.state != "published":
            raise InvalidInput("只能合并到同一通报下已公开的另一条意见。")
        changes["merged_into"] = into
    # Declined or merged by the unit itself (not the office): the office is told (notify.events).
    by_unit = permissions.ACTIONS[ACTION].get(actor.role) == permissions.UNIT
    transitions.apply(actor, comment, move, reason, changes=changes, expected_version=comment.version,
                      audit_after={"by_unit": True} if by_unit and move != "publish" else None)
    return _changed(comment)


@transaction.atomic
def assign(actor: Actor, comment: PublicComment, unit: Unit) -> PublicComment:
    """The office hands a comment to another unit to answer; the deadline stays."""
    access.require(actor, "manage_portal", comment)
    if unit.pk == comment.unit_id:
        return comment
    swap(PublicComment, comment.pk, {"version": comment.version}, unit=unit)
    audit.record(actor, "comment.assign", comment, f"群众意见交由{unit.name}办理",
                 before={"unit": comment.unit_id}, after={"unit": unit.pk})
    return _changed(comment)


@transaction.atomic
def reply(actor: Actor, comment: PublicComment, text: str) -> PublicComment:
    """The unit's answer; public once the comment is (the same gate masks personal information)."""
    access.require(actor, "reply_comments", comment)
    if comment.state in {"declined", "merged"}:
        raise InvalidMove("不予公开或已合并的意见无需答复。")
    text = text.strip()
    if len(text) < TEXT_MIN or len(text) > REPLY_MAX:
        raise InvalidInput(f"答复内容应为 {TEXT_MIN} 到 {REPLY_MAX} 个字。")
    swap(PublicComment, comment.pk, {"version": comment.version}, reply=privacy.mask_personal_info(text),
         replied_at=clock.now(), replied_by=actor.user, rating="", rated_at=None)
    _flip(comment, "reply", comment.state, comment.state, actor)
    audit.record(actor, "comment.reply", comment, "答复群众意见", after={"length": len(text)})
    return _changed(comment)


@transaction.atomic
def rate(actor: Actor, comment: PublicComment, rating: str) -> PublicComment:
    """The commenter, holding the 查询码, rates the reply once."""
    actor = as_commenter(actor)
    if rating not in RATING:
        raise InvalidInput("请选择满意、基本满意或不满意。")
    if not comment.reply:
        raise InvalidMove("答复之后才能评价。")
    if comment.rating:
        raise InvalidMove("您已经评价过这条答复。")
    swap(PublicComment, comment.pk, {"version": comment.version, "rating": ""}, rating=rating,
         rated_at=clock.now())
    _flip(comment, "rate", comment.state, comment.state, actor)
    audit.record(actor, "comment.rate", comment, f"留言人评价答复：{RATING.label(rating)}",
                 after={"rating": rating})
    return _changed(comment)


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    text: str  # as written, before masking


@transaction.atomic
def reveal(actor: Actor, comment: PublicComment) -> Contact:
    """The commenter's name, phone and unmasked text for staff handling it; every look is audited."""
    access.require(actor, "view_commenter", comment)
    audit.record(actor, "comment.reveal", comment, "查看留言人联系方式")
    return Contact(sealing.unseal(comment.sealed_name), sealing.unseal(comment.sealed_phone),
                   sealing.unseal(comment.sealed_text))

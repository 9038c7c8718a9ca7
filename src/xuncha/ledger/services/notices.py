"""Notices (通报): composed from the ledger, draft → approved → published.

A published notice never changes: its rendered files are stored with their sha256, and a
correction is a new version. Publishing stores the files under a folder no row references
yet; if its transaction fails they are removed, so the same version can be published again.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from xuncha import clock
from xuncha.core import privacy
from xuncha.core.document import Claim, DocFinding, NoticeDoc
from xuncha.core.lint import Diagnostic, configured, lint
from xuncha.core.lint.corpus import copied_from
from xuncha.core.lint.rules.missing_element import MESSAGES as MISSING_MESSAGES
from xuncha.core.numerals import strip_marker
from xuncha.core.render import RENDERERS, PdfUnavailable, render_bytes
from xuncha.core.render.compose import FreeParts, compose, free_parts, mask_names
from xuncha.core.render.outline import cn_number
from xuncha.core.statuses import LATE_LABEL, finished_late
from xuncha.ledger import permissions, transitions
from xuncha.ledger.actor import Actor
from xuncha.ledger.errors import InvalidInput, InvalidMove
from xuncha.ledger.models import Finding, Inspection, Measure, Notice
from xuncha.ledger.services import audit, reuse, storage
from xuncha.ledger.services.cas import swap

# A finding's ledger status → what the notice says of it.
DOC_STATUS = {"done": "done", "closed": "done", "partly": "partly", "ongoing": "ongoing", "not_done": "not_done",
              "open": "not_done", "reopened": "not_done", "returned": "not_done"}
DEFAULT_PLANS = ["一是巩固整改成果，定期开展“回头看”，防止问题反弹。",
                 "二是建立健全长效机制，对照问题修订完善制度，规范工作流程。"]
PUBLISHED_FORMATS = ("html", "docx", "pdf", "txt")


def _extended(measure: Measure) -> str:
    """A measure whose deadline was moved by 延期 says so, with the original deadline."""
    if measure.original_deadline is None or measure.deadline is None:
        return ""
    return (f"（完成时限由{measure.original_deadline:%Y年%-m月%-d日}"
            f"延期至{measure.deadline:%Y年%-m月%-d日}）")


def notice_doc_for(inspection: Inspection) -> NoticeDoc:
    """The ledger's findings, statuses and counts as a NoticeDoc (no text yet)."""
    rows = list(Finding.objects.filter(inspection=inspection).order_by("position", "id")
                .prefetch_related("measures"))
    categories = list(dict.fromkeys(f.category for f in rows if f.category))
    counters: dict[str, int] = {}
    items = []
    for index, finding in enumerate(rows, start=1):
        if finding.category:
            counters[finding.category] = counters.get(finding.category, 0) + 1
            path = ["二", f"（{cn_number(categories.index(finding.category) + 1)}）",
                    str(counters[finding.category])]
        else:
            path = ["二", f"（{cn_number(index)}）"]
        ordered = sorted(finding.measures.all(), key=lambda m: (m.position, m.pk))
        measures = [m.text + _extended(m) for m in ordered]
        late = any(finished_late(m.status, m.deadline, m.completed_on) for m in ordered)
        status = DOC_STATUS[finding.status]
        # A category typed with its own marker (“一、……”) would print as “（一）一、……”.
        category = strip_marker(finding.category) or None
        items.append(DocFinding(path=path, title=finding.title.rstrip("。"), category=category,
                                description=finding.description or None, status=status,
                                status_text=LATE_LABEL if late and status == "done" else None,
                                measures=measures))
    done = sum(1 for f in items if f.status in {"done", "ongoing"})
    partly = sum(1 for f in items if f.status == "partly")
    measure_rows = Measure.objects.filter(finding__inspection=inspection)
    measures_done = measure_rows.filter(status__in=["done", "ongoing"]).count()
    claims = []
    if items:
        claims.append(Claim("findings", total=len(items), done=done, partly=partly,
                            not_done=len(items) - done - partly, rate=round(100 * done / len(items), 2)))
        claims.append(Claim("measures", total=measure_rows.count(), done=measures_done))
    unit = inspection.unit.name
    return NoticeDoc(
        title=f"{unit}关于{inspection.round.name}整改进展情况的通报", issuer=unit, team=inspection.team.name,
        unit=unit, round=inspection.round.name, inspection_start=inspection.start, inspection_end=inspection.end,
        feedback_date=inspection.feedback_date, claims=claims, findings=items)


def _compose(inspection: Inspection, parts: FreeParts, notice_date=None, masks: list[str] | None = None) -> dict:
    doc = notice_doc_for(inspection)
    doc.notice_date = notice_date
    return mask_names(compose(doc, parts), masks or []).to_dict()


def stored_parts(notice: Notice) -> FreeParts:
    return free_parts(NoticeDoc.from_dict(notice.doc))


@transaction.atomic
def _index(notice: Notice) -> None:
    """Every text a notice takes is indexed for 雷同 checks of other units' drafts."""
    reuse.index_later(reuse.notice_name(notice), notice.doc.get("text", ""))


@transaction.atomic
def create_draft(actor: Actor, inspection: Inspection, doc: dict, masks: list[str] | None = None) -> Notice:
    """A new version; earlier versions, published ones included, stay as they were. `masks` are the
    names and numbers hidden in the version before, hidden again in this one."""
    permissions.require(actor, "draft_notice", inspection)
    if not isinstance(doc, dict):
        raise InvalidInput("通报内容格式不正确。")
    # Serialises version numbering; on PostgreSQL the row lock needs the transaction above.
    Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
    version = (Notice.objects.filter(inspection=inspection).aggregate(v=Max("version"))["v"] or 0) + 1
    masks = list(masks or [])
    if masks:
        doc = mask_names(NoticeDoc.from_dict(doc), masks).to_dict()
    notice = Notice.objects.create(inspection=inspection, version=version, doc=doc, created_by=actor.user,
                                   masks=masks)
    _index(notice)
    audit.record(actor, "notice.draft", notice, f"起草通报（第{version}版）")
    return notice


def draft_from_ledger(actor: Actor, inspection: Inspection, parts: FreeParts | None = None) -> Notice:
    """A draft composed from the ledger; free parts default to the latest version's."""
    permissions.require(actor, "draft_notice", inspection)
    if not inspection.findings.exists():
        raise InvalidInput("该巡察还没有反馈问题，无法生成通报。")
    latest = Notice.objects.filter(inspection=inspection).order_by("-version").first()
    if parts is None:
        parts = stored_parts(latest) if latest else FreeParts(plans=list(DEFAULT_PLANS))
    # A name masked in an earlier version stays masked: recomposing from the ledger must not bring it back.
    return create_draft(actor, inspection, _compose(inspection, parts), masks=latest.masks if latest else [])


def _unplaced(value):
    """A part of a notice without its positions in the text (they move when a paragraph above does)."""
    if isinstance(value, dict):
        return {k: _unplaced(v) for k, v in value.items() if k != "span"}
    if isinstance(value, list):
        return [_unplaced(v) for v in value]
    return value


@transaction.atomic
def update_draft(actor: Actor, notice: Notice, parts: FreeParts, expected_row_version: int,
                 notice_date: dt.date | None = None) -> Notice:
    """Rewrite the free parts and the 成文日期; findings and counts are taken afresh from the ledger."""
    permissions.require(actor, "draft_notice", notice.inspection)
    if notice.state != "draft":
        raise InvalidMove("只有草稿状态的通报可以修改；已审定或已发布的通报如需更正，请另起新版本。")
    doc = _compose(notice.inspection, parts, notice_date=notice_date, masks=notice.masks)
    before = notice.doc or {}
    swap(Notice, notice.pk, {"row_version": expected_row_version, "state": "draft"}, version_field="row_version",
         doc=doc)
    notice.refresh_from_db()
    _index(notice)
    # The parts that changed, not the whole text (the audit log lists them field by field).
    changed = [k for k in dict.fromkeys([*before, *doc])
               if k != "text" and _unplaced(before.get(k)) != _unplaced(doc.get(k))]
    audit.record(actor, "notice.edit", notice, f"修改通报草稿（第{notice.version}版）",
                 before={"doc": {k: before.get(k) for k in changed}}, after={"doc": {k: doc.get(k) for k in changed}})
    return notice


@transaction.atomic
def approve(actor: Actor, notice: Notice) -> Notice:
    """The unit leader signs: the notice takes today's date (成文日期)."""
    permissions.require(actor, "approve_notice", notice.inspection)
    if notice.state != "draft":
        raise InvalidMove("只有草稿状态的通报可以审定。")
    numbers = personal_numbers(notice, lint_checks(notice))
    if numbers:  # never publishable, and a signed draft cannot be changed: the one-click masks come first
        raise InvalidMove(f"通报中还有 {len(numbers)} 处身份证号、手机号或银行卡号未隐去"
                          f"（如：{privacy.mask_number(numbers[0])}），请先在草稿中隐去，再审定。")
    # A 成文日期 set in the draft stays; without one the notice takes the day it is approved.
    notice_date = notice.doc.get("notice_date") or clock.today().isoformat()
    dated = NoticeDoc.from_dict({**notice.doc, "notice_date": notice_date})
    # A notice composed from the ledger is written again around its date; a unit's own document
    # (it names its source file) keeps its own wording, which states its totals its own way.
    doc = mask_names(dated if dated.source else compose(dated, stored_parts(notice)), notice.masks).to_dict()
    transitions.apply(actor, notice, "approve", changes={
        "approved_by": actor.user, "approved_at": clock.now(), "doc": doc},
        expected_version=notice.row_version, audit_after={"version": notice.version})
    notice.refresh_from_db()
    _index(notice)
    return notice


FILES = "notices"  # the storage kind of published files


def stored_name(notice: Notice, entry: dict) -> str:
    """Where a published file is kept: its own key, or the fixed folder of notices published
    before keys were recorded."""
    return entry.get("key") or f"{notice.inspection_id}/v{notice.version}/{entry['name']}"


def _store_files(notice: Notice, rendered: list[tuple[str, bytes]]) -> list[dict]:
    """Keep every rendered format under a new folder of this version, removed again unless
    the publishing transaction commits; a retry writes a fresh folder, so it never collides."""
    folder = storage.unique_name(f"{notice.inspection_id}/v{notice.version}/") + "/"
    files = []
    for fmt, data in rendered:
        name = f"notice-v{notice.version}{RENDERERS[fmt].suffix}"
        key = storage.save_bytes(FILES, folder + name, data)
        storage.delete_on_rollback(FILES, [key])
        files.append({"format": fmt, "name": name, "key": key,
                      "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
    return files


def publish_checks(notice: Notice) -> list[Diagnostic]:
    """体检 as publishing sees it: XUNCHA_LINT applies, personal information is an error, and the
    text is compared with other units' and earlier rounds' notices (boilerplate).
    The notice page reads the same two parts through the cache (services.notice_checks)."""
    return lint_checks(notice) + boilerplate_checks(notice)


def lint_checks(notice: Notice) -> list[Diagnostic]:
    """The rules on the notice itself: depend only on its doc and XUNCHA_LINT."""
    overrides = settings.LINT_OVERRIDES
    extra = {} if overrides.get("personal-info") == "off" else {"personal-info": "error"}
    found = lint(NoticeDoc.from_dict(notice.doc), configured(overrides, **extra))
    if notice.state == "draft":  # a draft without 成文日期 takes the day it is approved: nothing missing
        found = [d for d in found if not (d.rule == "missing-element" and d.message == UNDATED)]
    return found


UNDATED = MISSING_MESSAGES["notice_date"]


def boilerplate_checks(notice: Notice) -> list[Diagnostic]:
    """The text against the persisted 雷同 index: depends on every other indexed text too."""
    overrides = settings.LINT_OVERRIDES
    if overrides.get("boilerplate") == "off":
        return []
    found = []
    text = notice.doc.get("text") or ""
    sources = reuse.copied_sources(text, notice.inspection, me=f"draft:{notice.pk}")
    for diagnostic in copied_from((s.label, s.share, s.spans) for s in sources):
        diagnostic.severity = overrides.get("boilerplate", diagnostic.severity)
        found.append(diagnostic)
    return found


def mask_name(actor: Actor, notice: Notice, name: str) -> Notice:
    """Mask a personal name in a draft (李建新 → 李某); kept for every later recomposition."""
    permissions.require(actor, "draft_notice", notice.inspection)
    name = name.strip()
    if len(name) < 2 or privacy.number_kind(name) or name not in notice.doc.get("text", ""):
        raise InvalidInput(f"通报中没有“{name}”。")
    return _add_mask(actor, notice, name, f"通报中隐去姓名：{name[:1]}**")


def mask_number(actor: Actor, notice: Notice, number: str) -> Notice:
    """Mask an ID, mobile or bank card number in a draft (13812345678 → 138＊＊＊＊5678), as it is
    written there; kept for every later recomposition."""
    permissions.require(actor, "draft_notice", notice.inspection)
    number = number.strip()
    kind = privacy.number_kind(number)
    text = notice.doc.get("text", "")
    if not kind or not any(f.text == number for f in privacy.find_personal_info(text)):
        raise InvalidInput("通报中没有这个身份证号、手机号或银行卡号。")
    label = privacy.LABELS[kind]
    return _add_mask(actor, notice, number, f"通报中隐去{label}：{privacy.mask_number(number, kind)}")


@transaction.atomic
def _add_mask(actor: Actor, notice: Notice, mask: str, summary: str) -> Notice:
    if notice.state != "draft":
        raise InvalidMove("只有草稿状态的通报可以修改；已审定或已发布的通报如需更正，请另起新版本。")
    masks = [*notice.masks, mask]
    doc = mask_names(NoticeDoc.from_dict(notice.doc), [mask]).to_dict()
    swap(Notice, notice.pk, {"row_version": notice.row_version, "state": "draft"},
         version_field="row_version", doc=doc, masks=masks)
    notice.refresh_from_db()
    _index(notice)
    audit.record(actor, "notice.mask", notice, summary, after={"masks": len(masks)})
    return notice


def personal_numbers(notice: Notice, diagnostics: list[Diagnostic]) -> list[str]:
    """The ID, mobile and bank card numbers that personal-info diagnostics point at."""
    text = notice.doc.get("text") or ""
    spans = [d.span for d in diagnostics if d.rule == "personal-info" and d.span]
    return [text[a:b] for a, b in spans if privacy.number_kind(text[a:b])]


NUMBERS_REFUSED = ("通报中有 {count} 处身份证号、手机号或银行卡号（如：{example}）。身份证号、手机号、银行卡号"
                   "属于个人信息，不能强制发布，必须隐去中间数字或从通报中删除后才能发布。")


def public_address(notice: Notice) -> str | None:
    """The notice's page on the public portal, for the QR code printed by its signature: known only
    where the portal has its own host name (XUNCHA_PORTAL_HOST), in the scheme of XUNCHA_SITE_URL."""
    if not settings.PORTAL_HOST:
        return None
    from urllib.parse import urlsplit

    from django.urls import reverse

    scheme = urlsplit(settings.SITE_URL).scheme or "https"
    return f"{scheme}://{settings.PORTAL_HOST}{reverse('portal:notice', args=[notice.pk])}"


def newer_published(notice: Notice) -> Notice | None:
    """The latest published version after this one, if any: this one can no longer be published."""
    return (Notice.objects.filter(inspection_id=notice.inspection_id, state="published", version__gt=notice.version)
            .order_by("-version").first())


@transaction.atomic
def publish(actor: Actor, notice: Notice, override_reason: str = "") -> Notice:
    """Publish an approved notice. 体检 errors stop it; an office admin may override with a reason."""
    permissions.require(actor, "publish_notice", notice.inspection)
    if notice.state != "approved":
        raise InvalidMove("通报须经单位负责人审定后才能发布。")
    newer = newer_published(notice)
    if newer is not None:
        raise InvalidMove(f"本巡察已发布更新的第{newer.version}版通报，第{notice.version}版不能再发布；"
                          "如需更正，请在最新版本基础上另起新版本。")
    errors = [d for d in publish_checks(notice) if d.severity == "error"]
    numbers = personal_numbers(notice, errors)
    if numbers:  # no override: a published number cannot be taken back
        raise InvalidMove(NUMBERS_REFUSED.format(count=len(numbers),
                                                 example=privacy.mask_number(numbers[0])))
    if errors and not override_reason.strip():
        raise InvalidMove(f"通报体检发现 {len(errors)} 处错误（如：{errors[0].message}），修改后才能发布；"
                          "确需发布的，巡察办管理员可填写理由后强制发布。")
    if errors and actor.role not in {"office_admin", "system"}:
        raise InvalidMove("只有巡察办管理员可以在体检有错误时强制发布。")
    doc = NoticeDoc.from_dict(notice.doc)
    qr = public_address(notice)
    try:  # every format is rendered before anything is stored
        rendered = [(fmt, render_bytes(doc, fmt, qr=qr)) for fmt in PUBLISHED_FORMATS]
    except PdfUnavailable as exc:
        raise InvalidMove(exc.message) from None
    files = _store_files(notice, rendered)
    transitions.apply(
        actor, notice, "publish", changes={"published_by": actor.user, "published_at": clock.now(), "files": files},
        expected_version=notice.row_version,
        audit_after={"version": notice.version, "override_reason": override_reason.strip() or None,
                     "errors": [{"rule": d.rule, "message": d.message} for d in errors]})
    notice.refresh_from_db()
    return notice

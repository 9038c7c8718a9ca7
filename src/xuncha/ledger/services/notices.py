"""Notices (通报): draft → approved → published. A published notice never changes."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xuncha.ledger import permissions
from xuncha.ledger.models import Inspection, Notice
from xuncha.ledger.services import audit
from xuncha.ledger.services.actor import Actor
from xuncha.ledger.services.cas import swap
from xuncha.ledger.services.errors import InvalidInput, InvalidMove


@transaction.atomic
def create_draft(actor: Actor, inspection: Inspection, doc: dict) -> Notice:
    """A new version; earlier versions, published ones included, stay as they were."""
    permissions.require(actor, "draft_notice", inspection)
    if not isinstance(doc, dict):
        raise InvalidInput("通报内容格式不正确。")
    Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
    version = (Notice.objects.filter(inspection=inspection).aggregate(v=Max("version"))["v"] or 0) + 1
    notice = Notice.objects.create(inspection=inspection, version=version, doc=doc, created_by=actor.user)
    audit.record(actor, "notice.draft", notice, f"起草通报（第{version}版）")
    return notice


@transaction.atomic
def update_draft(actor: Actor, notice: Notice, doc: dict, expected_row_version: int) -> Notice:
    permissions.require(actor, "draft_notice", notice.inspection)
    if notice.state != "draft":
        raise InvalidMove("只有草稿状态的通报可以修改；已发布的通报如需更正，请另起新版本。")
    swap(Notice, notice.pk, {"row_version": expected_row_version, "state": "draft"},
         version_field="row_version", doc=doc)
    notice.refresh_from_db()
    audit.record(actor, "notice.edit", notice, f"修改通报草稿（第{notice.version}版）")
    return notice


@transaction.atomic
def approve(actor: Actor, notice: Notice) -> Notice:
    permissions.require(actor, "approve_notice", notice.inspection)
    if notice.state != "draft":
        raise InvalidMove("只有草稿状态的通报可以审定。")
    swap(Notice, notice.pk, {"row_version": notice.row_version, "state": "draft"}, version_field="row_version",
         state="approved", approved_by=actor.user, approved_at=timezone.now())
    notice.refresh_from_db()
    audit.record(actor, "notice.approve", notice, f"审定通报（第{notice.version}版）",
                 before={"state": "draft"}, after={"state": "approved"})
    return notice


@transaction.atomic
def publish(actor: Actor, notice: Notice, files: list[dict] | None = None) -> Notice:
    permissions.require(actor, "publish_notice", notice.inspection)
    if notice.state != "approved":
        raise InvalidMove("通报须经单位负责人审定后才能发布。")
    swap(Notice, notice.pk, {"row_version": notice.row_version, "state": "approved"},
         version_field="row_version", state="published", published_by=actor.user,
         published_at=timezone.now(), files=files or [])
    notice.refresh_from_db()
    audit.record(actor, "notice.publish", notice, f"发布通报（第{notice.version}版）",
                 before={"state": "approved"}, after={"state": "published", "files": files or []})
    return notice

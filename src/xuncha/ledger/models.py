"""The ledger's tables. Rows change only through xuncha.ledger.services."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from xuncha.core.statuses import (
    CLOSEOUT_STATE,
    EXTENSION_STATE,
    FINDING_SOURCE,
    FINDING_STATUS,
    LOOKBACK_RESULT,
    MEASURE_KIND,
    MEASURE_STATUS,
    NOTICE_STATE,
    REUSE_CHECK_STATE,
    ROLE,
    ROUND_TYPE,
    UNIT_KIND,
)


class Unit(models.Model):
    """A party organisation in the tree 区委 → 街道党工委 → 社区党委 → 支部."""

    # The same object on every installation (xuncha.exchange bundles name objects by it).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("名称", max_length=200)
    short_name = models.CharField("简称", max_length=100, blank=True)
    kind = models.CharField("类型", max_length=20, choices=UNIT_KIND.django_choices(), default="community")
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    # Materialised path "/1/5/12/": a sub-tree is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The Django admin checks the same rule as the staff site (one home: services.setup).
        from django.core.exceptions import ValidationError

        from xuncha.ledger.errors import InvalidInput
        from xuncha.ledger.services.setup import refuse_sibling_name

        try:
            refuse_sibling_name(self.name.strip(), self.parent, exclude=self.pk)
        except InvalidInput as exc:
            raise ValidationError({exc.field or "__all__": exc.message}) from None

    def save(self, *args, **kwargs) -> None:
        # The path needs the primary key, so a new row is written twice inside one transaction.
        with transaction.atomic():
            super().save(*args, **kwargs)
            prefix = self.parent.path if self.parent_id else "/"
            path = f"{prefix}{self.pk}/"
            if path != self.path:
                old, self.path = self.path, path
                Unit.objects.filter(pk=self.pk).update(path=path)
                if old:  # a moved unit takes its sub-tree along
                    Unit.objects.filter(path__startswith=old).exclude(pk=self.pk).update(
                        path=Concat(Value(path), Substr("path", len(old) + 1)))


class Team(models.Model):
    """An inspection team (巡察组)."""

    # The same object on every installation (xuncha.exchange bundles name objects by it).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("名称", max_length=100, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "巡察组"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A user's role and the unit or team it applies to."""

    # The same object on every installation (xuncha.exchange bundles name objects by it).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField("角色", max_length=20, choices=ROLE.django_choices())
    unit = models.ForeignKey(Unit, verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT)
    team = models.ForeignKey(Team, verbose_name="巡察组", null=True, blank=True, on_delete=models.PROTECT)
    display_name = models.CharField("姓名", max_length=50, blank=True)
    # When the password was last set: XUNCHA_PASSWORD_MAX_DAYS counts from here (empty: joined).
    password_changed_at = models.DateTimeField("密码设置时间", null=True, blank=True)
    # A password an administrator set (generated, shown once) is the person's only until first
    # used: they are sent to the change-password page until they choose their own.
    must_change_password = models.BooleanField("须修改密码", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return f"{self.display_name or self.user.username}（{ROLE.label(self.role)}）"


class Round(models.Model):
    """A round (轮次/批次) of inspections."""

    # The same object on every installation (xuncha.exchange bundles name objects by it).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("名称", max_length=200)
    level = models.CharField("巡察主体", max_length=100, blank=True, help_text="如：区委、党工委")
    type = models.CharField("类型", max_length=20, choices=ROUND_TYPE.django_choices(), default="regular")
    start = models.DateField("开始日期", null=True, blank=True)
    end = models.DateField("结束日期", null=True, blank=True)
    rectification_months = models.PositiveSmallIntegerField(
        "集中整改期（月）", null=True, blank=True, help_text="留空则使用系统默认值")
    # 红黄绿 thresholds of this round's measures; empty: XUNCHA_WARNING_DAYS.
    warning_days = models.PositiveSmallIntegerField(
        "黄色预警天数", null=True, blank=True, help_text="完成时限前多少天显示黄色预警；留空则使用系统默认值")

    class Meta:
        verbose_name = verbose_name_plural = "巡察轮次"
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The Django admin checks the same rule as the staff site (one home: services.setup).
        from django.core.exceptions import ValidationError

        from xuncha.ledger.errors import InvalidInput
        from xuncha.ledger.services.setup import check_round_dates

        try:
            check_round_dates(self.start, self.end)
        except InvalidInput as exc:
            raise ValidationError({exc.field or "__all__": exc.message}) from None


class Inspection(models.Model):
    """One team inspecting one unit in one round."""

    # The same object on every installation (xuncha.exchange bundles name objects by it).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(Round, verbose_name="轮次", on_delete=models.PROTECT, related_name="inspections")
    team = models.ForeignKey(Team, verbose_name="巡察组", on_delete=models.PROTECT, related_name="inspections")
    unit = models.ForeignKey(Unit, verbose_name="被巡察单位", on_delete=models.PROTECT,
                             related_name="inspections")
    start = models.DateField("进驻日期", null=True, blank=True)
    end = models.DateField("结束日期", null=True, blank=True)
    feedback_date = models.DateField("反馈日期", null=True, blank=True)
    rectification_end = models.DateField("集中整改期截止", null=True, blank=True)
    # Maintained summary, rewritten by services.summaries in the transaction of every change.
    findings_total = models.PositiveIntegerField(default=0, editable=False)
    findings_finished = models.PositiveIntegerField(default=0, editable=False)
    findings_closed = models.PositiveIntegerField(default=0, editable=False)
    measures_total = models.PositiveIntegerField(default=0, editable=False)
    measures_finished = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "巡察"
        ordering = ["-feedback_date", "-id"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="one_inspection_per_unit_round")]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit}"


class Finding(models.Model):
    """One problem fed back (反馈问题)."""

    # The same object on every installation (xuncha.exchange bundles name objects by it).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    inspection = models.ForeignKey(Inspection, verbose_name="巡察", on_delete=models.PROTECT,
                                   related_name="findings")
    category = models.CharField("问题类别", max_length=300, blank=True)
    number = models.CharField("编号", max_length=60, blank=True, help_text="如：二/（一）/1")
    position = models.PositiveIntegerField("排序", default=0)
    title = models.CharField("问题", max_length=500)
    description = models.TextField("具体表现", blank=True)
    source = models.CharField("来源", max_length=20, choices=FINDING_SOURCE.django_choices(),
                              default="feedback")
    previous = models.ForeignKey("self", verbose_name="上轮同类问题", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="repeats")
    status = models.CharField("整改状态", max_length=20, choices=FINDING_STATUS.django_choices(),
                              default="open", editable=False, db_index=True)
    reopened = models.BooleanField(default=False, editable=False)
    # A sign-off request was returned (待补充) and not yet requested again.
    returned = models.BooleanField(default=False, editable=False)
    # Earliest deadline among unfinished measures: the finding's warning level follows from it.
    next_deadline = models.DateField(null=True, blank=True, editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    effects = models.TextField("取得成效", blank=True)  # as a notice states them, one a line

    class Meta:
        verbose_name = verbose_name_plural = "反馈问题"
        ordering = ["inspection", "position", "id"]
        indexes = [models.Index(fields=["inspection", "position", "id"]),
                   # Findings of one status by id, read from the index alone (the to-do lists).
                   models.Index(fields=["status", "id"], name="finding_status_id")]

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    """One rectification action (整改措施)."""

    # The same object on every installation (xuncha.exchange bundles name objects by it).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    finding = models.ForeignKey(Finding, verbose_name="反馈问题", on_delete=models.PROTECT,
                                related_name="measures")
    # The finding's inspection and round, copied when the measure is created (a finding never
    # changes inspection, an inspection never changes round): the measure list filters and sorts
    # a province's million measures on one table, along the indexes below.
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="+",
                                   editable=False, db_index=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="+", editable=False,
                              db_index=False)
    position = models.PositiveIntegerField("排序", default=0)
    text = models.TextField("整改措施")
    lead = models.CharField("责任领导", max_length=100, blank=True)
    owner = models.CharField("责任部门/责任人", max_length=200, blank=True)
    kind = models.CharField("类型", max_length=20, choices=MEASURE_KIND.django_choices(), default="deadline")
    deadline = models.DateField("完成时限", null=True, blank=True, db_index=True)
    status = models.CharField("状态", max_length=20, choices=MEASURE_STATUS.django_choices(),
                              default="planned", editable=False, db_index=True)
    completed_on = models.DateField("完成日期", null=True, blank=True, editable=False)
    # The first deadline, kept when a 延期 request moves it (shown beside the current one).
    original_deadline = models.DateField("原完成时限", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # A ledger's 佐证材料 and 备注 columns as written (the files themselves hang on progress reports).
    evidence_note = models.TextField("佐证材料", blank=True)
    remarks = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改措施"
        ordering = ["finding", "position", "id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            # The measure list's urgency order (unfinished by deadline) read straight from an index.
            # (The status list is spelled as the query spells it, sorted: SQLite matches it textually.)
            models.Index(fields=["deadline", "id"], condition=models.Q(status__in=["in_progress", "planned"]),
                         name="measure_open_by_deadline"),
            # The same order within a round or an inspection (a unit's, a team's or an editor's
            # scope is a list of inspections), for unfinished measures and for all of them.
            models.Index(fields=["round", "deadline", "id"], name="measure_round_deadline",
                         condition=models.Q(status__in=["in_progress", "planned"])),
            models.Index(fields=["inspection", "deadline", "id"], name="measure_insp_deadline",
                         condition=models.Q(status__in=["in_progress", "planned"])),
            models.Index(fields=["deadline", "id"], name="measure_deadline_all"),
            models.Index(fields=["round", "deadline", "id"], name="measure_round_all"),
            models.Index(fields=["inspection", "deadline", "id"], name="measure_insp_all"),
            # Finished measures, latest completion first (the 已完成 list), and those finished
            # after their deadline (逾期完成: few, so a list of none reads no done measure at all).
            models.Index(fields=["status", "completed_on", "id"], name="measure_status_completed"),
            # (Only a done measure has a completion date, so the condition needs no status: with
            # one, SQLite preferred the (status, completed_on) index and read every done measure.)
            models.Index(fields=["completed_on", "id"], name="measure_finished_late",
                         condition=models.Q(completed_on__gt=models.F("deadline"))),
            # A finding's unfinished measures, answered from the index alone: the supervisor's
            # 已销号但仍有措施未完成 list probes it for every signed-off finding.
            models.Index(fields=["finding", "id"], name="measure_open_by_finding",
                         condition=models.Q(status__in=["in_progress", "planned"])),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class ProgressReport(models.Model):
    """A dated report on a measure (整改进展)."""

    # The same object on every installation (xuncha.exchange bundles name objects by it).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="reports")
    date = models.DateField("日期")
    text = models.TextField("进展情况")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # 雷同 found when it was reported: the share copied from another unit's or round's text, and whose.
    copied_share = models.FloatField("雷同比例", null=True, blank=True, editable=False)
    copied_from = models.CharField("雷同来源", max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "整改进展"
        ordering = ["-date", "-id"]


class Evidence(models.Model):
    """A supporting file (佐证材料), stored under a generated name outside static."""

    # The same object on every installation (xuncha.exchange bundles name objects by it).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="evidence")
    original_name = models.CharField("文件名", max_length=255)
    stored_name = models.CharField(max_length=80, unique=True, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"
        ordering = ["id"]


class Closeout(models.Model):
    """A sign-off (销号) request on a finding and the office's decision."""

    # The same object on every installation (xuncha.exchange bundles name objects by it).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="closeouts")
    state = models.CharField(max_length=20, choices=CLOSEOUT_STATE.django_choices(), default="requested",
                             db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    request_comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    # 销号 sheet: optional analysis, and the unit leader's endorsement (单位负责人审核).
    root_cause = models.TextField("问题根源", blank=True)
    lessons = models.TextField("举一反三", blank=True)
    endorsed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    endorsed_at = models.DateTimeField(null=True, blank=True)
    endorse_comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "销号"
        ordering = ["-requested_at", "-id"]
        constraints = [
            # At most one open request per finding, enforced by the database itself.
            models.UniqueConstraint(fields=["finding"], condition=models.Q(state__in=["requested", "endorsed"]),
                                    name="one_open_closeout_per_finding"),
        ]


class ExtensionRequest(models.Model):
    """A request to move a measure's deadline (延期), decided by the office."""

    # The same object on every installation (xuncha.exchange bundles name objects by it).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="extensions")
    state = models.CharField(max_length=20, choices=EXTENSION_STATE.django_choices(), default="requested",
                             db_index=True)
    old_deadline = models.DateField("原完成时限")
    new_deadline = models.DateField("申请延至")
    reason = models.TextField("延期理由")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["measure"], condition=models.Q(state="requested"),
                                    name="one_open_extension_per_measure"),
        ]


class Lookback(models.Model):
    """A later check (回头看) of a signed-off finding."""

    # The same object on every installation (xuncha.exchange bundles name objects by it).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="lookbacks")
    date = models.DateField("日期")
    result = models.CharField("结论", max_length=20, choices=LOOKBACK_RESULT.django_choices())
    comment = models.TextField("情况说明", blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "回头看"
        ordering = ["-date", "-id"]


class Notice(models.Model):
    """A public progress notice (通报): NoticeDoc JSON plus its publishing state."""

    # The same object on every installation (xuncha.exchange bundles name objects by it).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="notices")
    version = models.PositiveIntegerField(default=1)
    doc = models.JSONField(default=dict)
    state = models.CharField(max_length=20, choices=NOTICE_STATE.django_choices(), default="draft",
                             editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    # Rendered files of a published notice: [{"format", "name", "sha256", "size"}].
    files = models.JSONField(default=list, blank=True)
    # Personal names masked in this notice (李建新 → 李某); the ledger keeps them as they are.
    masks = models.JSONField(default=list, blank=True)
    row_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "通报"
        ordering = ["inspection", "-version"]
        constraints = [models.UniqueConstraint(fields=["inspection", "version"], name="notice_version_unique")]


class ReuseCheck(models.Model):
    """A batch of uploaded documents checked for 雷同 in the background, and its report."""

    title = models.CharField("名称", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=20, choices=REUSE_CHECK_STATE.django_choices(), default="queued",
                             editable=False)
    progress = models.FloatField(default=0.0, editable=False)  # 0…1
    stage = models.CharField(max_length=100, blank=True, editable=False)
    heartbeat = models.DateTimeField(null=True, blank=True, editable=False)
    min_run = models.PositiveIntegerField("最短雷同字数", default=13)
    threshold = models.FloatField("复制比阈值", default=0.3)
    files = models.PositiveIntegerField(default=0, editable=False)
    documents = models.PositiveIntegerField(default=0, editable=False)
    pair_count = models.PositiveIntegerField(default=0, editable=False)
    skipped = models.JSONField(default=list, blank=True, editable=False)  # [{"name", "reason"}]
    # {"pairs": [Pair.to_dict()], "common": [{"text", "documents"}]}; texts are kept in the batch folder.
    result = models.JSONField(null=True, blank=True, editable=False)
    error = models.CharField(max_length=300, blank=True, editable=False)
    seconds = models.FloatField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "雷同检测"
        ordering = ["-created_at", "-id"]


class AuditEvent(models.Model):
    """Who changed what, when and from where. Written by services, never by signals."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField(null=True)
    summary = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # Denormalised scope, so a finding's timeline and a unit's recent changes are single indexed queries.
    inspection_id = models.BigIntegerField(null=True)
    finding_id = models.BigIntegerField(null=True)
    # The hash chain (ledger.services.audit_chain): position, the previous record's hash, this one's.
    seq = models.BigIntegerField(unique=True, null=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)
    # ok (done), denied (refused for lack of permission), mismatch (a published file changed on disk).
    result = models.CharField(max_length=20, default="ok")
    # The unit path ("/1/5/12/") of the object's unit, so the viewer filters a sub-tree with a prefix.
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["finding_id", "at"]),
            models.Index(fields=["inspection_id", "at"]),
            models.Index(fields=["at", "seq"], name="audit_at_seq"),
        ]


class AuditChainHead(models.Model):
    """One row: the last record of the chain. Appending locks it, so writers queue and the chain
    never forks; `xuncha audit verify` compares it with the last row, so a deleted tail shows."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计链末端"


class AuditArchive(models.Model):
    """One `xuncha audit archive` run: the records it wrote to a file, and the cut's anchor."""

    at = models.DateTimeField()
    before = models.DateField()
    first_seq = models.BigIntegerField()
    through_seq = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)  # the chain continues from here after removal
    count = models.PositiveIntegerField()
    file_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    removed = models.BooleanField(default=False)

    class Meta:
        verbose_name = verbose_name_plural = "审计归档"
        ordering = ["-through_seq"]


class AuditVerification(models.Model):
    """The result of one chain verification (the daily task or `xuncha audit verify`)."""

    at = models.DateTimeField()
    ok = models.BooleanField()
    checked = models.PositiveIntegerField(default=0)
    head_seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)
    bad_seq = models.BigIntegerField(null=True, blank=True)
    problem = models.CharField(max_length=300, blank=True)
    bad_count = models.PositiveIntegerField(default=0)  # records (or published files) found wrong
    kind = models.CharField(max_length=20, default="chain")  # chain | published

    class Meta:
        verbose_name = verbose_name_plural = "审计校验结果"
        ordering = ["-at", "-id"]
class StatusChange(models.Model):
    """One status move of a ledger object (a history row, written by ledger.transitions only).

    Timelines and "as of date X" counts read these rows, not audit JSON.
    """

    object_kind = models.CharField(max_length=30)  # a transitions table: measure, closeout, finding, …
    object_id = models.BigIntegerField()
    move = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(max_length=150)
    at = models.DateTimeField()
    reason = models.TextField(blank=True)
    event = models.ForeignKey(AuditEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    # Denormalised scope, like AuditEvent's: a finding's timeline is one indexed query.
    inspection_id = models.BigIntegerField(null=True)
    finding_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = verbose_name_plural = "状态变更"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_kind", "object_id", "at"]),
            models.Index(fields=["finding_id", "at"]),
        ]


class FormSubmission(models.Model):
    """A one-time form token already used: a resubmitted form (back, double click) creates nothing twice."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(db_index=True)

"""The notify app's tables. Rows change only through xuncha.notify.services and .ladder."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.ledger.models import Inspection, Measure
from xuncha.notify.choices import INTERVIEW_STATE, KIND, SUPERVISION_OPEN, SUPERVISION_STATE
from xuncha.portal.models import PublicComment


class LadderConfig(models.Model):
    """The office's ladder: one row (pk 1); missing fields fall back to settings.NOTIFY_LADDER."""

    reminder_days = models.CharField(
        "提醒天数", max_length=60, help_text="完成时限前多少天提醒，逗号分隔；0 表示到期当日。如：20,10,0")
    interview_days = models.PositiveSmallIntegerField("约谈天数", help_text="逾期超过多少天转为约谈")
    reply_days = models.PositiveSmallIntegerField("报结期限（天）", help_text="督办函发出后多少天内报结")
    issuer = models.CharField("督办单位", max_length=100)
    # {kind: [audience, …]}: who hears what (choices.AUDIENCE).
    audiences = models.JSONField("通知对象", default=dict)
    updated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "督办设置"

    def __str__(self) -> str:
        return "督办设置"


class Supervision(models.Model):
    """A 督办 of one inspection's overdue measures: open until the unit's answer is accepted."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField("督办对象", max_length=200)
    issuer = models.CharField("督办单位", max_length=100)
    opened_on = models.DateField("督办日期", db_index=True)
    reply_due = models.DateField("报结期限", db_index=True)
    state = models.CharField(max_length=20, choices=SUPERVISION_STATE.django_choices(), default="open",
                             db_index=True)
    answer = models.TextField("报结情况", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField("审核意见", blank=True)
    # The day the unit head and the office were told the 报结 date passed unanswered (once).
    reply_overdue_on = models.DateField("逾期未报结提醒日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "督办"
        ordering = ["-opened_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "opened_on"],
                                               name="one_supervision_per_inspection_day")]

    def __str__(self) -> str:
        return f"{self.number} {self.unit_name}"

    @property
    def number(self) -> str:
        return f"巡督〔{self.opened_on.year}〕{self.pk}号"

    @property
    def state_colour(self) -> str:
        return SUPERVISION_STATE.colour(self.state)

    @property
    def reply_overdue(self) -> bool:
        from xuncha import clock

        return self.state in SUPERVISION_OPEN and self.reply_due < clock.today()


class LetterFile(models.Model):
    """A 督办函 as first rendered and stored (at its first download): later downloads serve these
    bytes while their sha256 matches, so the letter stays the one issued."""

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="letters")
    fmt = models.CharField(max_length=8)
    name = models.CharField(max_length=200)  # in the "letters" storage
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    made_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["supervision", "fmt"], name="one_letter_per_format")]


class Interview(models.Model):
    """A 约谈 to be held with a unit whose measures stay overdue beyond M days."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField("约谈对象", max_length=200)
    opened_on = models.DateField("生成日期", db_index=True)
    state = models.CharField(max_length=20, choices=INTERVIEW_STATE.django_choices(), default="planned",
                             db_index=True)
    held_on = models.DateField("约谈日期", null=True, blank=True)
    people = models.CharField("约谈人员", max_length=300, blank=True)
    notes = models.TextField("约谈情况", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "约谈"
        ordering = ["-opened_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "opened_on"],
                                               name="one_interview_per_inspection_day")]


class LadderStep(models.Model):
    """One step of the ladder taken for one measure and its deadline: the idempotency key.

    The unique (measure, deadline, step) makes a second daily run a no-op; a changed
    deadline (延期) starts the ladder again for the new date.
    """

    # No index of its own: the unique (measure, deadline, step) below starts with it. Every index
    # is paid for on the first day, when a province's whole backlog of overdue measures steps up.
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+", db_index=False)
    deadline = models.DateField()
    step = models.CharField(max_length=20)
    day = models.DateField()
    inspection_id = models.BigIntegerField(db_index=True)
    supervision = models.ForeignKey(Supervision, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="steps")
    interview = models.ForeignKey(Interview, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="steps")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "deadline", "step"],
                                               name="one_ladder_step_per_measure_deadline")]
        indexes = [models.Index(fields=["step", "day"])]


class CommentStep(models.Model):
    """One ladder step taken for a public comment and its reply deadline (once, like LadderStep)."""

    comment = models.ForeignKey(PublicComment, on_delete=models.CASCADE, related_name="+", db_index=False)
    reply_due = models.DateField()
    step = models.CharField(max_length=20)
    day = models.DateField()
    inspection_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reply_due", "step"],
                                               name="one_comment_step_per_deadline")]
        indexes = [models.Index(fields=["step", "day"])]


class Notification(models.Model):
    """A message in someone's inbox (通知); `key` names the event, once per recipient."""

    # Indexed by the (recipient, …) indexes below.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  db_index=False)
    kind = models.CharField(max_length=30, choices=KIND.django_choices())
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # E-mail: wanted by the recipient's preferences when created; sent once by notify.email.
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    @property
    def kind_colour(self) -> str:
        return KIND.colour(self.kind)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_event")]
        indexes = [
            # The unread badge on every page: one index-only count.
            models.Index(fields=["recipient", "read_at"], name="notify_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notify_inbox"),
            models.Index(fields=["email_wanted", "emailed_at"], name="notify_email_due",
                         condition=models.Q(email_wanted=True, emailed_at__isnull=True)),
        ]


class Preference(models.Model):
    """Which kinds someone receives by e-mail, and whether the daily digest is sent."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notify_preference")
    email_kinds = models.JSONField(default=list, blank=True)
    digest = models.BooleanField("每日汇总邮件", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知偏好"


class DigestSent(models.Model):
    """The daily digest sent to one person for one day (a second run sends nothing)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_day")]

"""The portal's tables: public comments and their history, the reply calendar, round settings.

Rows change only through xuncha.portal.services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.ledger.models import Inspection, Notice, Round, Unit
from xuncha.portal.vocabulary import COMMENT_STATE, HOLIDAY_KIND, OPEN_STATES, RATING


class PublicComment(models.Model):
    """A comment from the public (群众监督) on a published notice or one item of it."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="public_comments")
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="+")
    # Index into the published notice's findings; None: the comment is on the whole notice.
    item = models.PositiveIntegerField("事项", null=True, blank=True)
    item_label = models.CharField("事项", max_length=300, blank=True)
    # The text as shown: personal information masked when it was posted.
    text = models.TextField("意见内容")
    # The text as written, name and phone: Fernet tokens (services.sealing), never shown publicly.
    sealed_text = models.TextField(editable=False)
    sealed_name = models.TextField(blank=True, editable=False)
    sealed_phone = models.TextField(blank=True, editable=False)
    masked = models.PositiveSmallIntegerField("隐去个人信息处数", default=0, editable=False)
    # sha256 of the 查询码: the code itself is shown once and kept by nobody but the commenter.
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    state = models.CharField("状态", max_length=20, choices=COMMENT_STATE.django_choices(), default="held",
                             editable=False, db_index=True)
    reason = models.CharField("理由", max_length=500, blank=True, editable=False)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged", editable=False)
    unit = models.ForeignKey(Unit, verbose_name="承办单位", on_delete=models.PROTECT, related_name="+")
    reply_due = models.DateField("答复期限", db_index=True)
    reply = models.TextField("答复", blank=True, editable=False)
    replied_at = models.DateTimeField(null=True, blank=True, editable=False)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    rating = models.CharField("评价", max_length=20, choices=RATING.django_choices(), blank=True,
                              editable=False)
    rated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "群众意见"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "state", "reply_due"]),
                   models.Index(fields=["notice", "state"])]

    @property
    def is_reply_overdue(self) -> bool:
        """Still to be answered after its reply deadline (the ladder's comment-overdue step)."""
        from xuncha import clock

        return not self.reply and self.state in OPEN_STATES and self.reply_due < clock.today()


class CommentFlip(models.Model):
    """One change of a comment's state (or its reply or rating), written by the winning update."""

    comment = models.ForeignKey(PublicComment, on_delete=models.CASCADE, related_name="flips")
    at = models.DateTimeField()
    move = models.CharField(max_length=20)
    old_state = models.CharField(max_length=20)
    new_state = models.CharField(max_length=20)
    actor_name = models.CharField(max_length=150)

    class Meta:
        ordering = ["at", "id"]


class Holiday(models.Model):
    """A day of the reply calendar the office keeps: a public holiday, or a weekend worked (调休)."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=20, choices=HOLIDAY_KIND.django_choices(), default="holiday")
    name = models.CharField("名称", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日"
        ordering = ["date"]


class RoundPortal(models.Model):
    """What the portal shows of a round beyond its published notices."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="portal")
    # On: unit pages show the ledger's current status of each finding (实时进展), not only notices.
    live_progress = models.BooleanField("公开实时整改进展", default=False)


class SearchEntry(models.Model):
    """A published notice as the portal's search sees it: its title and text as CJK bigrams.

    The full-text index over `grams` is SQLite FTS5 or a PostgreSQL GIN index (migration 0002).
    """

    notice = models.OneToOneField(Notice, on_delete=models.CASCADE, related_name="search_entry")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=500)
    grams = models.TextField()
    published_at = models.DateTimeField(db_index=True)
    # The newest published version of its inspection; older ones are superseded.
    current = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]

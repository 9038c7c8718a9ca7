"""A background job as people see it: what, its state, its attempts and why it failed."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha import clock
from xuncha.core.statuses import JOB_STATE, JobState


class Job(models.Model):
    name = models.CharField("任务类型", max_length=100)  # a key of registry.TASKS
    title = models.CharField("任务", max_length=200)
    args = models.JSONField(default=dict, blank=True)
    state = models.CharField("状态", max_length=20, choices=JOB_STATE.django_choices(),
                             default=JobState.QUEUED.value)
    attempts = models.PositiveIntegerField("尝试次数", default=0)  # runs started so far
    max_attempts = models.PositiveIntegerField(default=3)
    next_attempt_at = models.DateTimeField("下次重试", null=True, blank=True)
    # A running job's worker is taken to be dead after this.
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField("提交时间", default=clock.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField("失败原因", max_length=300, blank=True)  # Chinese, shown to people
    error_detail = models.TextField(blank=True)  # English, the traceback's last lines, for the log
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)  # idempotency key
    stage = models.CharField(max_length=100, blank=True)  # the step being run

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    @property
    def state_colour(self) -> str:
        return JOB_STATE.colour(self.state)

    def __str__(self) -> str:
        return f"{self.title}（{JOB_STATE.label(self.state)}）"

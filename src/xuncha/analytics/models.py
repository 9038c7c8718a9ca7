"""Analytics tables: maintained summaries, 共性问题 and their pushes, repeat decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.ledger.models import Finding, Inspection, Round

CLUSTER_RUN_STATE = [("queued", "排队中"), ("running", "计算中"), ("done", "已完成"), ("failed", "失败")]
REPEAT_DECISION = [("confirmed", "确认屡查屡犯"), ("rejected", "不是同一问题")]


class Summary(models.Model):
    """Counts of one inspection's findings of one chart category, as of a day.

    Rewritten in the transaction of every change of the inspection (ledger.derived hooks) and
    rebuilt nightly, since overdue ages and warning colours move with the calendar.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="+")
    # Copied from the inspection so the pages group without a join.
    round_id = models.IntegerField(db_index=True)
    team_id = models.IntegerField(db_index=True)
    unit_id = models.IntegerField(db_index=True)
    category = models.CharField(max_length=20)
    as_of = models.DateField(db_index=True)
    findings = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    red = models.IntegerField(default=0)
    yellow = models.IntegerField(default=0)
    repeats = models.IntegerField(default=0)
    self_checks = models.IntegerField(default=0)
    pending_closeouts = models.IntegerField(default=0)
    measures = models.IntegerField(default=0)
    measures_finished = models.IntegerField(default=0)
    age_1_7 = models.IntegerField(default=0)
    age_8_30 = models.IntegerField(default=0)
    age_31_90 = models.IntegerField(default=0)
    age_over_90 = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "category"],
                                               name="analytics_summary_unique")]


class WeekCount(models.Model):
    """Measures of one inspection completed in one week (its Monday)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="+")
    round_id = models.IntegerField()
    team_id = models.IntegerField()
    unit_id = models.IntegerField()
    week = models.DateField(db_index=True)
    done = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "week"], name="analytics_week_unique")]


class ClusterRun(models.Model):
    """One 共性问题 clustering of the findings of some rounds, computed as a background job."""

    rounds = models.JSONField(default=list)  # round ids
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    state = models.CharField(max_length=20, choices=CLUSTER_RUN_STATE, default="queued")
    findings = models.IntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    # [{"category", "theme", "units": [unit ids], "findings": [finding ids], "sample": str}]
    clusters = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class CommonIssue(models.Model):
    """A cluster the office named and pushed to other units as a 自查自纠 task."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=200)
    category = models.CharField(max_length=20, blank=True)
    sources = models.ManyToManyField(Finding, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]


class CommonIssuePush(models.Model):
    """The 自查 finding a common issue created in one unit's inspection."""

    issue = models.ForeignKey(CommonIssue, on_delete=models.CASCADE, related_name="pushes")
    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="+")


class RepeatDecision(models.Model):
    """The team's answer to a proposed 屡查屡犯 link (a confirmed one also sets Finding.previous)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="+")
    earlier = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=20, choices=REPEAT_DECISION)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["finding", "earlier"], name="analytics_repeat_once")]


# Totals for the whole-province view (office, supervisor): the sums of Summary and WeekCount
# rows per team, unit and week, kept by adding each refresh's differences, so the page reads a
# few thousand rows at most instead of grouping every inspection's. Round 0 means all rounds.
class TeamTotal(models.Model):
    round_id = models.IntegerField()
    team_id = models.IntegerField()
    category = models.CharField(max_length=20)
    findings = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    red = models.IntegerField(default=0)
    yellow = models.IntegerField(default=0)
    repeats = models.IntegerField(default=0)
    self_checks = models.IntegerField(default=0)
    pending_closeouts = models.IntegerField(default=0)
    measures = models.IntegerField(default=0)
    measures_finished = models.IntegerField(default=0)
    age_1_7 = models.IntegerField(default=0)
    age_8_30 = models.IntegerField(default=0)
    age_31_90 = models.IntegerField(default=0)
    age_over_90 = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round_id", "team_id", "category"],
                                               name="analytics_team_total_unique")]


class UnitTotal(models.Model):
    round_id = models.IntegerField()  # 0: all rounds
    unit_id = models.IntegerField()
    overdue = models.IntegerField(default=0)
    repeats = models.IntegerField(default=0)
    age_1_7 = models.IntegerField(default=0)
    age_8_30 = models.IntegerField(default=0)
    age_31_90 = models.IntegerField(default=0)
    age_over_90 = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round_id", "unit_id"], name="analytics_unit_total_unique")]
        indexes = [models.Index(fields=["round_id", "overdue"]), models.Index(fields=["round_id", "repeats"])]


class WeekTotal(models.Model):
    round_id = models.IntegerField()  # 0: all rounds
    week = models.DateField()
    done = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round_id", "week"], name="analytics_week_total_unique")]


class PendingRefresh(models.Model):
    """An inspection changed since its summary rows were written: the queued job
    `analytics.refresh` (or the next 统计分析 page) rewrites them and deletes this row."""

    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, primary_key=True,
                                      related_name="+")
    since = models.DateTimeField()

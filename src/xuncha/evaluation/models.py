"""整改成效评估 and 随机抽查: the scheme, rater scores, scoring runs and their results, draws."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property

from xuncha.core.scoring import FACT_KEYS, KINDS, NOT_ASSESSABLE
from xuncha.ledger.models import Finding, Inspection, Round, Unit

RUN_STATE = [("queued", "排队中"), ("running", "计算中"), ("done", "已完成"), ("failed", "失败")]
CHECK_RESULT = [("", "待抽查"), ("passed", "通过"), ("failed", "未通过")]
DRAW_MODE = [("count", "按数量"), ("percent", "按比例")]


class Scheme(models.Model):
    """The office's evaluation scheme (one is current: the one runs use)."""

    name = models.CharField("方案名称", max_length=200)
    # [[label, lowest total], …] best first, e.g. [["好", 90], ["较好", 80], ["一般", 60], ["差", 0]]
    grades = models.JSONField("等次", default=list)
    rater_groups = models.JSONField("评分组", default=list)  # names, e.g. four groups as 峨山 has
    sources = models.TextField("依据", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评估方案"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class SchemeItem(models.Model):
    """An indicator (weight, formula giving a rate), a deduction (cap, points) or a veto (condition)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("类型", max_length=20, choices=list(KINDS.items()))
    name = models.CharField("名称", max_length=200)
    weight = models.DecimalField("分值", max_digits=6, decimal_places=2, default=0)
    formula = models.CharField("公式", max_length=500)
    rated = models.BooleanField("由评分组打分", default=False)
    note = models.CharField("说明", max_length=300, blank=True)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "评估项目"
        ordering = ["scheme", "position", "id"]


class Rating(models.Model):
    """One rater group's score (0–100) of one rated indicator for one unit in one round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(SchemeItem, on_delete=models.CASCADE, related_name="ratings")
    group = models.CharField("评分组", max_length=100)
    score = models.DecimalField("得分", max_digits=5, decimal_places=2)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "unit", "item", "group"],
                                               name="evaluation_rating_once")]


class Run(models.Model):
    """One scoring of every unit of a round, computed as a background job."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    scheme_version = models.PositiveIntegerField(default=1)
    # The scheme as it was scored: {"items": [{key, kind, name, weight, formula}], "grades": […]}.
    snapshot = models.JSONField(default=dict)
    state = models.CharField(max_length=20, choices=RUN_STATE, default="queued")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    units = models.IntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Result(models.Model):
    """One unit's score in a run."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    # Compact JSON text: {"f": fact values in FACT_KEYS order, "p": [[value, points, unrated, not
    # applicable], …] in
    # the run snapshot's item order, "v": vetoing items}. Not JSONFields of named items: writing a
    # 1,000-unit round's results (1.7 MB of JSON) took 4–5 of its 10 s on PostgreSQL (measured).
    detail = models.TextField(default="{}")
    indicators = models.FloatField(default=0)
    deductions = models.FloatField(default=0)
    total = models.FloatField(default=0, db_index=True)
    grade = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-total", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="evaluation_result_once")]

    @cached_property
    def data(self) -> dict:
        return json.loads(self.detail)

    @property
    def facts(self) -> dict[str, float]:
        return dict(zip(FACT_KEYS, self.data.get("f", []), strict=False))

    @property
    def points(self) -> list[float]:
        """Each item's points, in the order of the run's snapshot."""
        return [p[1] for p in self.data.get("p", [])]

    @property
    def not_applicable(self) -> list[bool]:
        """Each item: whether it did not apply (an indicator over an empty base), in snapshot order."""
        return [len(p) > 3 and bool(p[3]) for p in self.data.get("p", [])]

    @property
    def assessable(self) -> bool:
        return self.grade != NOT_ASSESSABLE

    @property
    def vetoed(self) -> list[str]:
        return self.data.get("v", [])


class Draw(models.Model):
    """A 随机抽查 draw: N or N % of a round's signed-off findings, reproducible from its seed."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="+")
    seed = models.BigIntegerField("随机种子")
    mode = models.CharField(max_length=10, choices=DRAW_MODE, default="count")
    size = models.PositiveIntegerField("数量或比例")
    population = models.JSONField(default=list)  # the signed-off finding ids, sorted, at the draw
    checklist = models.JSONField(default=list)  # the default checklist the drawn items start with
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]


class CheckItem(models.Model):
    """One drawn finding: its checklist and the re-check's result."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="items")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)
    checklist = models.JSONField(default=list)  # [{"text": str, "ok": bool | None}]
    result = models.CharField("结果", max_length=10, choices=CHECK_RESULT, blank=True, db_index=True)
    note = models.TextField("情况说明", blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["draw", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["draw", "finding"], name="evaluation_check_once")]

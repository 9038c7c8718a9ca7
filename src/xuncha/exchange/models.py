"""The exchange's own tables: registered peers, bundles sent and received, the base values of
the last exchange with each peer (for the three-way compare) and the conflicts awaiting a decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.ledger.models import Inspection

DIRECTION_CHOICES = [("out", "导出"), ("in", "导入")]
CONFLICT_CHOICES = [("open", "待决定"), ("ours", "保留本方"), ("theirs", "采用对方")]


class Peer(models.Model):
    """Another installation whose public key is registered here (a laptop, or the centre)."""

    name = models.CharField("名称", max_length=100, unique=True)
    public_key = models.CharField("公钥", max_length=100)
    fingerprint = models.CharField("指纹", max_length=16, unique=True)
    created_at = models.DateTimeField()
    # Watermarks: our last bundle to it, its last bundle imported here, our last it acknowledged.
    sent_seq = models.PositiveIntegerField(default=0, editable=False)
    received_seq = models.PositiveIntegerField(default=0, editable=False)
    acked_seq = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "交换对象"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Transfer(models.Model):
    """One bundle exported to a peer or imported from it."""

    direction = models.CharField(max_length=3, choices=DIRECTION_CHOICES)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="transfers")
    seq = models.PositiveIntegerField()
    bundle_id = models.UUIDField()
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    inspection_uid = models.UUIDField()
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(max_length=150)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    objects_count = models.PositiveIntegerField(default=0)
    files_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    conflicts_count = models.PositiveIntegerField(default=0)
    # An exported bundle's values by uid: they become the base once the peer acknowledges it.
    sent = models.JSONField(null=True, blank=True)
    promoted = models.BooleanField(default=False)

    class Meta:
        verbose_name = verbose_name_plural = "交换记录"
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["peer", "direction", "seq"], name="one_transfer_per_seq")]


class Base(models.Model):
    """The values of one object both sides held after the last exchange with a peer."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="+")
    uid = models.UUIDField()
    kind = models.CharField(max_length=30)
    fields = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["peer", "uid"], name="one_base_per_peer_object")]


class Conflict(models.Model):
    """The same field of the same object changed on both sides since the last exchange."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="conflicts")
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30)
    uid = models.UUIDField()
    object_id = models.BigIntegerField()
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    field = models.CharField(max_length=60)
    base = models.JSONField(null=True, blank=True)
    ours = models.JSONField(null=True, blank=True)
    theirs = models.JSONField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=CONFLICT_CHOICES, default="open", db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "交换冲突"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["peer", "uid", "field"], condition=models.Q(state="open"),
                                               name="one_open_conflict_per_field")]

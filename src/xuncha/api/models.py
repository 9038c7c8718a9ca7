"""API tokens and their use log. Rows change only through xuncha.api.tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models

SCOPES = {"read": "只读", "write": "读写"}


class ApiToken(models.Model):
    """A person's API token: only a sha256 of the secret is kept; the prefix names it in lists."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=100, blank=True)
    prefix = models.CharField("前缀", max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField("权限范围", max_length=10, choices=list(SCOPES.items()), default="read")
    created_at = models.DateTimeField("创建时间")
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}…（{self.user}）"


class TokenUse(models.Model):
    """One request made with a token: when, what, the answer's status and from where."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌使用记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["token", "at"])]

"""The cast of tests/conftest.py, each with an API token; requests as a client system makes them."""

from __future__ import annotations

import pytest
from django.test import Client

from xuncha import clock
from xuncha.api import tokens
from xuncha.api.models import ApiToken
from xuncha.ledger.errors import InvalidInput


class TokenClient:
    """A client that sends `Authorization: Bearer …` and JSON bodies."""

    def __init__(self, secret: str | None) -> None:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
        self.client = Client(**headers)

    def get(self, path: str, **extra):
        return self.client.get(path, **extra)

    def post(self, path: str, data=None, **extra):
        return self.client.post(path, data or {}, content_type="application/json", **extra)

    def patch(self, path: str, data=None, **extra):
        return self.client.patch(path, data or {}, content_type="application/json", **extra)

    def upload(self, path: str, data: dict, **extra):
        return self.client.post(path, data, **extra)


def _token(cast, user) -> str:
    """A write token; for the 三员, who get none, and the read-only 监督查看, who gets no write token,
    one made before the account took that role (the API must refuse it, or its writes, all the same)."""
    try:
        return tokens.create_token(cast.system, user, scope="write").secret
    except InvalidInput:
        secret = f"xc_{user.pk:08x}_legacy-token-of-{user.get_username()}"
        ApiToken.objects.create(user=user, prefix=f"{user.pk:08x}", digest=tokens.digest(secret), scope="write",
                                created_at=clock.now())
        return secret


@pytest.fixture
def secrets_(cast):
    """A write token for everyone in the cast, and a read-only one for the editor."""
    made = {name: _token(cast, user) for name, user in cast.users.items()}
    made["editor_read"] = tokens.create_token(cast.system, cast.users["editor"], scope="read").secret
    return made


@pytest.fixture
def api(secrets_):
    def as_(name: str | None) -> TokenClient:
        return TokenClient(secrets_[name] if name else None)

    return as_

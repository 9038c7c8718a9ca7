"""Commenters' names, phones and unmasked texts, encrypted at rest with Fernet.

The key lives in the data folder (`portal_key`, owner-only), never in the database, so a copy
of the database alone reveals nobody. `xuncha backup --with-keys` carries it like the secret key.
The file may hold several keys, one a line: the first encrypts, all decrypt (rotation).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

KEY_FILE = "portal_key"


def key_path() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE


def _create(path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use that one
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(Fernet.generate_key() + b"\n")


@cache
def _fernet(path: str) -> MultiFernet:
    file = Path(path)
    if not file.exists():
        _create(file)
    keys = [line.strip() for line in file.read_bytes().splitlines() if line.strip()]
    return MultiFernet([Fernet(key) for key in keys])


def seal(value: str) -> str:
    """The value encrypted (an ASCII token), or "" for an empty value."""
    if not value:
        return ""
    return _fernet(str(key_path())).encrypt(value.encode()).decode()


def unseal(token: str) -> str:
    """The value back; a token the keys cannot open reads as a note, not a crash."""
    if not token:
        return ""
    try:
        return _fernet(str(key_path())).decrypt(token.encode()).decode()
    except InvalidToken:
        return "（无法解密：密钥与数据不匹配）"

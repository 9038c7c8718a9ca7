"""The installation's identity: an Ed25519 key pair, its private half in the data folder.

The private key (`bundle_key`, owner-only, beside `portal_key`) signs every bundle this
installation exports; `xuncha backup --with-keys` carries it. Its public half is printed by
`xuncha bundle key` and registered by the other side. A public key is written as one line,
"ed25519:" and the 32 raw bytes in base64; its fingerprint is the first 16 hex digits of their
SHA-256, which bundles use to name sender and recipient.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

KEY_FILE = "bundle_key"
PREFIX = "ed25519:"


class BadKey(ValueError):
    """A public key that cannot be read; `message` is for people."""

    def __init__(self, message: str = "公钥格式不正确：应为一行以 ed25519: 开头的文本（由 xuncha bundle key 输出）。"):
        super().__init__(message)
        self.message = message


def key_path() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE


def _create(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use that one
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def private_key() -> Ed25519PrivateKey:
    """This installation's key, made on first use."""
    path = key_path()
    if not path.exists():
        _create(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise BadKey(f"数据目录中的 {KEY_FILE} 不是 Ed25519 私钥。")
    return key


def public_text(key: Ed25519PublicKey | None = None) -> str:
    """The public key as one line of text, for the other side to register."""
    key = key or private_key().public_key()
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PREFIX + base64.b64encode(raw).decode("ascii")


def parse_public(text: str) -> Ed25519PublicKey:
    """A public key from its line of text; BadKey when it is not one."""
    words = text.strip().split()
    line = next((word for word in words if word.startswith(PREFIX)), "")
    try:
        raw = base64.b64decode(line.removeprefix(PREFIX), validate=True)
        if not line or len(raw) != 32:
            raise BadKey()
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        if isinstance(exc, BadKey):
            raise
        raise BadKey() from None


def fingerprint(text: str) -> str:
    """The short name of a public key (its line of text)."""
    key = parse_public(text)
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def own_fingerprint() -> str:
    return fingerprint(public_text())


def sign(data: bytes) -> str:
    return base64.b64encode(private_key().sign(data)).decode("ascii")


def verify(public: str, data: bytes, signature: str) -> bool:
    try:
        parse_public(public).verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True

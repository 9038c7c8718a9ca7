"""The bundle file: a zip of objects.json, the evidence files (files/<sha256>), and manifest.json
listing the SHA-256 of every other member, signed (manifest.sig) with the sender's Ed25519 key.

Reading checks, in this order, before anything is believed: a sound zip within limits, a known
sender, the signature over the manifest's exact bytes, this installation as the recipient, and
every member's digest, with no member missing or added.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import IO, Any

from xuncha.core import safezip
from xuncha.exchange import keys
from xuncha.ledger.errors import ServiceError

FORMAT = 1
MANIFEST, SIGNATURE, OBJECTS = "manifest.json", "manifest.sig", "objects.json"
FILES = "files/"
SPOOL_BYTES = 8 * 1024 * 1024


class BundleRefused(ServiceError):
    """A bundle that is not taken: tampered, unsigned, unknown sender, not for us."""

    code = "bundle_refused"


@dataclass
class Opened:
    manifest: dict[str, Any]
    objects: list[dict[str, Any]]
    files: dict[str, bytes]  # sha256 → content


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def write(header: dict[str, Any], objects: list[dict[str, Any]],
          files: dict[str, Callable[[], bytes]],
          sign: Callable[[bytes], str] = keys.sign) -> tuple[IO[bytes], str, int]:
    """The signed bundle in a temporary file (rewound), its SHA-256 and size."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned open)
    members: dict[str, str] = {}
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        data = _json({"objects": objects})
        archive.writestr(OBJECTS, data)
        members[OBJECTS] = hashlib.sha256(data).hexdigest()
        for sha256, load in sorted(files.items()):
            content = load()
            archive.writestr(FILES + sha256, content, compress_type=zipfile.ZIP_STORED)
            members[FILES + sha256] = hashlib.sha256(content).hexdigest()
        manifest = _json({**header, "format": FORMAT, "members": members})
        archive.writestr(MANIFEST, manifest)
        archive.writestr(SIGNATURE, sign(manifest))
    size = spool.tell()
    spool.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: spool.read(1 << 20), b""):
        digest.update(chunk)
    spool.seek(0)
    return spool, digest.hexdigest(), size


def _limits() -> safezip.ZipLimits:
    # A bundle holds one member per evidence file: more than an Office file's parts.
    return replace(safezip.LIMITS, max_members=200_000)


def read_signed(data: bytes, public_key_of: Callable[[str], str | None]) -> Opened:
    """The bundle's content, once every check has passed; BundleRefused otherwise.

    `public_key_of(fingerprint)` gives the registered key of a sender, or None.
    """
    try:
        members = safezip.read_members(data, limits=_limits())
    except safezip.NotAZip:
        raise BundleRefused("这不是 xuncha 数据包：文件不是 zip 压缩包，或已损坏。") from None
    except safezip.ZipRefused as exc:
        raise BundleRefused(f"数据包无法读取：{exc.message}") from None
    if MANIFEST not in members or SIGNATURE not in members:
        raise BundleRefused("这不是 xuncha 数据包：缺少清单或签名。")
    raw = members.pop(MANIFEST)
    signature = members.pop(SIGNATURE).decode("ascii", "replace")
    try:
        manifest = json.loads(raw)
        sender = str(manifest["sender"])
    except (ValueError, KeyError, TypeError):
        raise BundleRefused("数据包的清单已损坏，无法读取。") from None
    public = public_key_of(sender)
    if public is None:
        raise BundleRefused(f"数据包来自未登记的安装（公钥指纹 {sender[:16]}），已拒绝。"
                            "请先登记对方的公钥（xuncha bundle register-key）。")
    if not keys.verify(public, raw, signature):
        raise BundleRefused("数据包的签名无效：清单已被改动，或不是由登记的公钥签名，已拒绝。")
    if manifest.get("format") != FORMAT:
        raise BundleRefused("数据包的格式版本不受支持，请升级 xuncha 后再导入。")
    if manifest.get("recipient") != keys.own_fingerprint():
        raise BundleRefused("这个数据包是发给其他安装的，不能在本机导入。")
    _check_members(manifest.get("members") or {}, members)
    try:
        objects = json.loads(members.pop(OBJECTS))["objects"]
    except (ValueError, KeyError, TypeError):
        raise BundleRefused("数据包中的对象数据已损坏。") from None
    files = {name.removeprefix(FILES): content for name, content in members.items()}
    return Opened(manifest, objects, files)


def _check_members(listed: dict[str, str], present: dict[str, bytes]) -> None:
    if set(listed) != set(present):
        extra = sorted(set(present) - set(listed)) or sorted(set(listed) - set(present))
        raise BundleRefused(f"数据包的内容与清单不符（“{extra[0][:60]}”），可能已被改动，已拒绝。")
    for name, content in present.items():
        if hashlib.sha256(content).hexdigest() != listed[name]:
            raise BundleRefused(f"数据包中的“{name[:60]}”与清单中的校验值不符，可能已被改动，已拒绝。")
        if name.startswith(FILES) and name.removeprefix(FILES) != listed[name]:
            raise BundleRefused(f"数据包中的“{name[:60]}”名称与内容不符，已拒绝。")

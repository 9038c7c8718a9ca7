"""Another installation played in-process: its own key pair, and bundles signed with it."""

from __future__ import annotations

import base64
import json
import uuid
import zipfile
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from xuncha.exchange import keys, pack, services


@dataclass
class Remote:
    """A laptop whose key the centre registered: it reads what we send and signs what it sends."""

    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    seq: int = 0
    received: int = 0  # our last bundle it took

    @property
    def public(self) -> str:
        return keys.public_text(self.key.public_key())

    @property
    def fingerprint(self) -> str:
        return keys.fingerprint(self.public)

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self.key.sign(data)).decode("ascii")

    def take(self, exported: services.Exported) -> list[dict]:
        """Our bundle, opened on its side: the objects it now holds."""
        with zipfile.ZipFile(exported.file) as archive:
            manifest = json.loads(archive.read(pack.MANIFEST))
            self.received = manifest["seq"]
            return json.loads(archive.read(pack.OBJECTS))["objects"]

    def bundle(self, objects: list[dict], inspection_uid, files: dict[str, bytes] | None = None,
               seq: int | None = None, recipient: str | None = None, sign=None) -> bytes:
        self.seq = seq if seq is not None else self.seq + 1
        header = {"bundle_id": str(uuid.uuid4()), "sender": self.fingerprint,
                  "recipient": recipient or keys.own_fingerprint(), "seq": self.seq, "ack": self.received,
                  "inspection": str(inspection_uid), "created_at": "2025-11-20T08:00:00+00:00"}
        loaders = {sha: (lambda content=content: content) for sha, content in (files or {}).items()}
        spool, _, _ = pack.write(header, objects, loaders, sign=sign or self.sign)
        return spool.read()

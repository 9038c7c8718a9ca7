"""The Django storage aliases that keep xuncha's files, built from the XUNCHA_* settings.

One alias per kind of file, so a deployment can see (and back up, or give a lifecycle rule)
each kind on its own: locally a folder per kind under the data folder, on S3 a key prefix per
kind in one bucket. Plain Python (no Django import), so settings.py and the tests share it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# kind → folder under the data folder (local) or key prefix in the bucket (s3).
KINDS: dict[str, str] = {
    "evidence": "evidence",  # 佐证材料, under generated names
    # published notices: <inspection>/v<version>/<token>/notice-v<version>.<suffix>
    "notices": "notices",
    "imports": "imports",  # uploads waiting in the import preview
    "reuse": "reuse-checks",  # batch 雷同 checks: <check>/files/<name> and <check>/texts.json
    "thumbs": "thumbnails",  # evidence image thumbnails, made on first view: <evidence stored name>.jpg
    "exports": "exports",  # round workbooks built by a job: round-<round>-<token>.xlsx
    "letters": "letters",  # 督办函, rendered at their first download: <督办>/<token>.<docx|pdf>
}


def alias(kind: str) -> str:
    """The key of a kind in Django's STORAGES."""
    return f"xuncha-{kind}"


def local(data_dir: Path) -> dict[str, dict[str, Any]]:
    """Folders under the data folder, readable by the server's account only."""
    return {alias(kind): {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(Path(data_dir) / folder), "file_permissions_mode": 0o600,
                    "directory_permissions_mode": 0o700},
    } for kind, folder in KINDS.items()}


def s3(bucket: str, endpoint_url: str = "", region: str = "", access_key: str = "",
       secret_key: str = "") -> dict[str, dict[str, Any]]:
    """One bucket, a prefix per kind; objects stay private and are streamed through the app."""
    options: dict[str, Any] = {
        "bucket_name": bucket, "default_acl": None, "querystring_auth": False,
        "file_overwrite": True,  # names are generated and never reused, so no existence check
        "signature_version": "s3v4",
        # Path-style addressing works with MinIO, Ceph and other self-hosted servers.
        "addressing_style": "path",
    }
    for key, value in (("endpoint_url", endpoint_url), ("region_name", region),
                       ("access_key", access_key), ("secret_key", secret_key)):
        if value:
            options[key] = value
    return {alias(kind): {"BACKEND": "storages.backends.s3.S3Storage",
                          "OPTIONS": {**options, "location": prefix}}
            for kind, prefix in KINDS.items()}

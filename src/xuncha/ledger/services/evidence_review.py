"""Reviewing evidence in the page: thumbnails of images and which files may be shown inline.

Only raster images get a thumbnail and only PDFs are shown inline (in a sandboxed frame);
SVG and HTML are never shown, whatever their name says: they can carry scripts.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings

from xuncha.ledger.models import Evidence
from xuncha.ledger.services import storage
from xuncha.ledger.services.evidence import ALLOWED_TYPES
from xuncha.ledger.services.evidence import KIND as EVIDENCE

log = logging.getLogger(__name__)

THUMBS = "thumbs"
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
INLINE_TYPES = frozenset({"application/pdf"})
THUMB_SIZE = (320, 320)
# A 20 MB upload can still decode to gigabytes (a decompression bomb): refuse big canvases.
MAX_PIXELS = 40_000_000


def kind_label(content_type: str) -> str:
    return ALLOWED_TYPES.get(content_type, content_type or "未知类型")


def has_thumbnail(evidence: Evidence) -> bool:
    return evidence.content_type in IMAGE_TYPES


def shown_inline(evidence: Evidence) -> bool:
    return evidence.content_type in INLINE_TYPES


def make_thumbnail(data: bytes) -> bytes | None:
    """A JPEG at most 320×320 px, turned upright, without the original's metadata; None when the
    image cannot be read safely."""
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    return None
                image.draft("RGB", THUMB_SIZE)  # JPEG: decode at a reduced scale, much faster
                image = ImageOps.exif_transpose(image)
                image.thumbnail(THUMB_SIZE)
                if image.mode not in ("RGB", "L"):
                    image = image.convert("RGBA")
                    background = Image.new("RGB", image.size, "white")
                    background.paste(image, mask=image.getchannel("A"))
                    image = background
                out = io.BytesIO()
                image.save(out, "JPEG", quality=80, optimize=True)
                return out.getvalue()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        log.warning("no thumbnail for an evidence image: %s", exc)
        return None


def thumbnail(evidence: Evidence) -> bytes | None:
    """The stored thumbnail, made and stored on first view."""
    if not has_thumbnail(evidence):
        return None
    name = f"{evidence.stored_name}.jpg"
    if storage.exists(THUMBS, name):
        return storage.read_bytes(THUMBS, name)
    data = make_thumbnail(storage.read_bytes(EVIDENCE, evidence.stored_name))
    if data is not None:
        # Another request may have stored it a moment ago, or storage is down: serve it anyway.
        with contextlib.suppress(storage.StorageUnavailable):
            storage.save_bytes(THUMBS, name, data)
    return data

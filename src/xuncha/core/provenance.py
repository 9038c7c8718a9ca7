"""What an evidence file says about itself: a perceptual hash of an image, and when it was made.

Everything here is bounded, whatever the upload: an image is decoded at a reduced scale (a
JPEG's DCT scaling gives 1/8 of each side for nothing) and a canvas above MAX_PIXELS is not
decoded at all; a document gives only its small metadata (a PDF's first and last
METADATA_BYTES, an Office file's docProps/core.xml up to METADATA_BYTES). Nothing raises on a
hostile or broken file: it simply says nothing.

The perceptual hash is the 64-bit pHash (the sign of the 8×8 lowest frequencies of a 32×32
DCT against their median), written with numpy, which the project has already: the usual
library for it pulls scipy and PyWavelets in for the same twenty lines.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import BinaryIO

log = logging.getLogger(__name__)

MAX_PIXELS = 40_000_000  # as the thumbnails: a larger canvas may be a decompression bomb
METADATA_BYTES = 256 * 1024
HASH_SIDE = 32  # the DCT's input, in pixels
LOW = 8  # the low frequencies kept: 8 × 8 = 64 bits
BAND_BITS = 16
BANDS = 64 // BAND_BITS
FLAT_STD = 4.0  # grey levels: below this spread a picture has nothing to compare

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
PDF = "application/pdf"
OFFICE_TYPES = frozenset({
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
})

# Where a "made at" date came from (the label is what people read next to the date).
SOURCES = {"exif": "照片拍摄时间（EXIF）", "pdf": "PDF 文档创建时间", "office": "Office 文档创建时间"}


@dataclass(frozen=True)
class Traits:
    phash: int | None = None  # 64 bits, unsigned
    made_at: dt.datetime | None = None  # aware when the file gave an offset, naive otherwise
    made_source: str = ""  # a key of SOURCES


def read(handle: BinaryIO, content_type: str) -> Traits:
    """The traits of a stored or spooled file (read from its start; the position is not kept)."""
    try:
        if content_type in IMAGE_TYPES:
            return _image(handle)
        if content_type == PDF:
            return _pdf(handle)
        if content_type in OFFICE_TYPES:
            return _office(handle)
    except Exception as exc:  # a broken file says nothing; the upload itself is not refused here
        log.info("no provenance traits for a %s file: %s", content_type, exc)
    return Traits()


# -- images ---------------------------------------------------------------------------------

def _image(handle: BinaryIO) -> Traits:
    from PIL import Image, ImageOps

    handle.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(handle) as image:
            if image.width * image.height > MAX_PIXELS:
                return Traits(made_at=None)
            exif = image.getexif()
            made_at = _exif_date(exif)
            image.draft("L", (HASH_SIDE * 4, HASH_SIDE * 4))
            small = image.convert("L")
            orientation = exif.get(0x0112)
            if orientation and orientation != 1:
                small.getexif()[0x0112] = orientation
                small = ImageOps.exif_transpose(small)
            return Traits(phash=phash(small), made_at=made_at, made_source="exif" if made_at else "")


def phash(image) -> int | None:
    """The 64-bit pHash of a Pillow image; None for a near-flat picture (a blank page, a dark
    frame), whose hash is noise and "near" every other such picture."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(image.convert("L").resize((HASH_SIDE, HASH_SIDE), Image.Resampling.LANCZOS),
                        dtype=np.float64)
    if pixels.std() < FLAT_STD:
        return None
    matrix = _dct_matrix()
    low = (matrix @ pixels @ matrix.T)[:LOW, :LOW]
    bits = (low > np.median(low)).flatten()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value


@lru_cache(maxsize=1)
def _dct_matrix():
    """The orthonormal DCT-II matrix: C @ X @ C.T is the 2-D DCT of X."""
    import numpy as np

    n = HASH_SIDE
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    matrix = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * np.sqrt(2.0 / n)
    matrix[0, :] = np.sqrt(1.0 / n)
    return matrix


_EXIF_IFD = 0x8769
_ORIGINAL, _DIGITIZED, _OFFSET_ORIGINAL = 36867, 36868, 36881


def _exif_date(exif) -> dt.datetime | None:
    ifd = exif.get_ifd(_EXIF_IFD)
    raw = ifd.get(_ORIGINAL) or ifd.get(_DIGITIZED)
    if not isinstance(raw, str):
        return None
    match = re.match(r"\s*(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})", raw)
    if not match:
        return None
    offset = ifd.get(_OFFSET_ORIGINAL)
    return _datetime(*match.groups(), offset=offset if isinstance(offset, str) else "")


# -- documents ------------------------------------------------------------------------------

_PDF_INFO = re.compile(rb"/CreationDate\s*\(\s*D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
                       rb"([Zz]|[+-]\d{2}'?\d{2}'?)?")
_XMP = re.compile(rb"xmp:CreateDate(?:>|=\")\s*(\d{4})-(\d{2})-(\d{2})"
                  rb"(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2})?)?")
_OOXML = re.compile(r"<dcterms:created[^>]*>\s*(\d{4})-(\d{2})-(\d{2})"
                    r"(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2})?)?")


def _pdf(handle: BinaryIO) -> Traits:
    handle.seek(0)
    head = handle.read(METADATA_BYTES)
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    tail = b""
    if size > METADATA_BYTES:
        handle.seek(max(METADATA_BYTES, size - METADATA_BYTES))
        tail = handle.read(METADATA_BYTES)
    # The last Info dictionary wins (an incremental update rewrites it at the end).
    for pattern in (_PDF_INFO, _XMP):
        for chunk in (tail, head):
            found = list(pattern.finditer(chunk))
            if found:
                groups = [g.decode("ascii") if g else None for g in found[-1].groups()]
                made = _datetime(*groups[:6], offset=(groups[6] or "").replace("'", ""))
                if made is not None:
                    return Traits(made_at=made, made_source="pdf")
    return Traits()


def _office(handle: BinaryIO) -> Traits:
    handle.seek(0)
    with zipfile.ZipFile(handle) as archive:
        try:
            info = archive.getinfo("docProps/core.xml")
        except KeyError:
            return Traits()
        if info.file_size > METADATA_BYTES:
            return Traits()
        with archive.open(info) as part:
            text = part.read(METADATA_BYTES + 1)[:METADATA_BYTES].decode("utf-8", "replace")
    match = _OOXML.search(text)
    if not match:
        return Traits()
    made = _datetime(*match.groups()[:6], offset=match.group(7) or "")
    return Traits(made_at=made, made_source="office") if made else Traits()


def _datetime(year, month=None, day=None, hour=None, minute=None, second=None,
              offset: str = "") -> dt.datetime | None:
    """A date and time from text fields; None when impossible (a camera with no clock set
    writes 0000:00:00; a year before digital cameras is as meaningless)."""
    try:
        made = dt.datetime(int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0),
                           int(second or 0))
    except (TypeError, ValueError):
        return None
    if made.year < 1990:
        return None
    offset = offset.strip()
    if offset in ("Z", "z"):
        return made.replace(tzinfo=dt.UTC)
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", offset)
    if match:
        delta = dt.timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
        return made.replace(tzinfo=dt.timezone(delta if match.group(1) == "+" else -delta))
    return made


# -- comparing hashes -----------------------------------------------------------------------

def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def bands(value: int) -> tuple[int, ...]:
    """The hash cut into BANDS pieces of BAND_BITS bits, most significant first."""
    mask = (1 << BAND_BITS) - 1
    return tuple((value >> (BAND_BITS * (BANDS - 1 - i))) & mask for i in range(BANDS))


def band_radius(threshold: int) -> int:
    """Two hashes within `threshold` bits agree within this many bits in at least one band
    (pigeonhole over BANDS bands), so probing each band to this radius finds every pair."""
    return max(0, threshold) // BANDS


def probes(band: int, radius: int) -> Iterator[int]:
    """Every BAND_BITS-bit value within `radius` bits of `band` (itself first)."""
    yield band
    for flips in range(1, radius + 1):
        for positions in combinations(range(BAND_BITS), flips):
            value = band
            for position in positions:
                value ^= 1 << position
            yield value


def to_signed(value: int) -> int:
    """A 64-bit hash as the database's signed BIGINT."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def near_pairs(hashes, threshold: int, chunk: int = 20_000, bucket_cap: int = 256):
    """Every pair (newer, older) of positions whose hashes are within `threshold` bits, for a
    whole province at once: an array of shape (k, 2), positions in the order given (oldest
    first), so each pair is found once.

    Multi-index hashing: each 16-bit band is sorted once, with a table of where each of its
    values starts, and each hash looks up the values within `band_radius(threshold)` bits of
    its own band there; candidates are compared as they come. The work grows with the
    candidates (about rows² × 68 / 65,536 for random hashes at the default threshold), not with
    every pair of rows. A band value shared by more
    than `bucket_cap` hashes (a degenerate picture family) offers only its `bucket_cap` most
    recent ones.
    """
    import numpy as np

    values = np.asarray(hashes, dtype=np.uint64)
    count = len(values)
    if count < 2:
        return np.zeros((0, 2), dtype=np.int64)
    radius = band_radius(threshold)
    mask = np.uint64((1 << BAND_BITS) - 1)
    columns = [((values >> np.uint64(BAND_BITS * (BANDS - 1 - i))) & mask).astype(np.int64)
               for i in range(BANDS)]
    orders = [np.argsort(column, kind="stable") for column in columns]
    # Where each of the 65,536 band values starts in its sorted band: a lookup is two reads.
    starts = [np.searchsorted(column[order], np.arange((1 << BAND_BITS) + 1))
              for column, order in zip(columns, orders, strict=True)]
    flips = [0] + [sum(1 << p for p in positions) for r in range(1, radius + 1)
                   for positions in combinations(range(BAND_BITS), r)]
    found = []
    for start in range(0, count, chunk):
        queries = np.arange(start, min(count, start + chunk), dtype=np.int64)
        pairs = []
        for column, order, start_of in zip(columns, orders, starts, strict=True):
            for flip in flips:
                probe = column[queries] ^ flip
                lo, hi = start_of[probe], start_of[probe + 1]
                lo = np.maximum(lo, hi - bucket_cap)
                sizes = hi - lo
                total = int(sizes.sum())
                if not total:
                    continue
                owners = np.repeat(queries, sizes)
                steps = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
                others = order[np.repeat(lo, sizes) + steps]
                # Compared at once, so only true pairs are kept (candidates are many at scale).
                keep = (others < owners) & (np.bitwise_count(values[owners] ^ values[others]) <= threshold)
                pairs.append(owners[keep] * count + others[keep])
        if pairs:
            found.append(np.concatenate(pairs))
    codes = np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    if not len(codes):
        return np.zeros((0, 2), dtype=np.int64)
    # A pair found through several bands counts once.
    codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
    return np.stack([codes // count, codes % count], axis=1)

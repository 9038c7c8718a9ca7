"""Zip containers (.docx, .xlsx) checked before anything in them is parsed.

A zip's central directory says how many members it has and how big they unpack; a hostile
file (a zip bomb) says the truth and is huge, or lies and is huge anyway. So `read_members`
first refuses on the directory (member count, total size, compression ratio, encryption),
then reads every member through a stream with a hard cap, and refuses XML that declares a
DTD (OOXML never does; a DTD is how entity-expansion attacks start). Only then may a caller
hand the bytes to an XML parser, and it should use `xml_parser()`, which never expands
entities nor touches the network.

The limits are core defaults; the Django side and the command line override the total
from `XUNCHA_ZIP_MAX_MB` through `configure`.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

MB = 1024 * 1024
CHUNK = 64 * 1024


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 5000  # a .docx has about 20 parts, an .xlsx a few per sheet
    max_total_bytes: int = 200 * MB  # everything unpacked
    max_ratio: int = 100  # unpacked / packed, checked for members above ratio_floor
    ratio_floor: int = 1 * MB  # small XML parts compress far better than 100:1 and are harmless


LIMITS = ZipLimits()


def configure(max_total_mb: int | None = None) -> ZipLimits:
    """Override the defaults (from XUNCHA_ZIP_MAX_MB); returns the limits now in force."""
    global LIMITS
    if max_total_mb is not None:
        LIMITS = replace(LIMITS, max_total_bytes=max_total_mb * MB)
    return LIMITS


class ZipRefused(ValueError):
    """The container is not a usable zip or exceeds a limit; `message` is for people (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAZip(ZipRefused):
    """Not a zip at all (a photo renamed, a damaged file): callers may say what they expected."""


def _too_big(limits: ZipLimits) -> ZipRefused:
    return ZipRefused(f"压缩文件解压后超过 {limits.max_total_bytes // MB} MB，已拒绝读取"
                      "（可能是恶意构造的“压缩炸弹”）。")


def _check_directory(archive: zipfile.ZipFile, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise ZipRefused(f"压缩文件包含 {len(members)} 个部件，超过上限 {limits.max_members} 个。")
    if sum(info.file_size for info in members) > limits.max_total_bytes:
        raise _too_big(limits)
    for info in members:
        if info.flag_bits & 0x1:
            raise ZipRefused("文件已加密，请先取消密码保护再上传。")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise ZipRefused(f"压缩文件中的“{info.filename[:60]}”压缩比异常（{ratio:.0f} 倍），"
                             "已拒绝读取（可能是恶意构造的“压缩炸弹”）。")
    return members


_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int,
                 limits: ZipLimits, keep: bool) -> tuple[bytes, int]:
    """(the member's bytes if kept, bytes read); never reads past the budget left."""
    parts: list[bytes] = []
    size, tail = 0, b""
    is_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            # The declared size may lie: count what really comes out.
            if size > budget or size > info.file_size:
                raise _too_big(limits)
            if is_xml and _DTD.search(tail + chunk):
                raise ZipRefused(f"“{info.filename[:60]}”含有文档类型声明（DTD），不是正常的 Office 文件。")
            tail = chunk[-16:]
            if keep:
                parts.append(chunk)
    return b"".join(parts), size


def read_members(data: bytes, keep: Callable[[str], bool] = lambda name: True,
                 limits: ZipLimits | None = None) -> dict[str, bytes]:
    """Every member checked and read under the limits; the ones `keep` names are returned.

    Raises ZipRefused for anything that is not a sound zip within the limits.
    """
    limits = limits or LIMITS
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise NotAZip("不是有效的压缩文件（文件已损坏，或不是 Office 2007 及以后的格式）。") from None
    kept: dict[str, bytes] = {}
    with archive:
        budget = limits.max_total_bytes
        for info in _check_directory(archive, limits):
            wanted = keep(info.filename)
            try:
                blob, size = _read_capped(archive, info, budget, limits, wanted)
            except ZipRefused:
                raise
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError,
                    NotImplementedError):
                # CRC mismatch, truncated data, an unknown compression method…
                raise ZipRefused(f"压缩文件中的“{info.filename[:60]}”已损坏，无法读取。") from None
            budget -= size
            if wanted:
                kept[info.filename] = blob
    return kept


def check(data: bytes, limits: ZipLimits | None = None) -> None:
    """Read every member under the limits, keeping nothing: the file is then safe to open."""
    read_members(data, keep=lambda name: False, limits=limits)


def check_inflated(data: bytes, starts: Iterable[int], limits: ZipLimits | None = None) -> None:
    """The zlib streams starting at these offsets (a PDF's FlateDecode streams) unpack within the
    same total as a zip. pdfminer inflates each stream whole, so a 1 MB stream of a gigabyte
    would fill memory. Each stream is fed in slices and inflated in chunks, up to its own end
    (not up to an `endstream` the attacker may have planted); streams that are not zlib are
    skipped."""
    limits = limits or LIMITS
    view = memoryview(data)
    total = fed = 0
    for start in starts:
        inflater = zlib.decompressobj()
        try:
            for offset in range(start, len(data), CHUNK):
                piece = pending = view[offset:offset + CHUNK]
                while pending and not inflater.eof:
                    total += len(inflater.decompress(pending, CHUNK))
                    if total > limits.max_total_bytes:
                        raise ZipRefused(f"文件中的压缩内容解压后超过 {limits.max_total_bytes // MB} MB，"
                                         "已拒绝读取（可能是恶意构造的“压缩炸弹”）。")
                    pending = inflater.unconsumed_tail
                # Real streams do not overlap, so together they consume at most the file once;
                # streams crafted to overlap could make this loop quadratic.
                fed += len(piece) - len(inflater.unused_data)
                if fed > len(data) + MB:
                    raise ZipRefused("文件中的压缩内容结构异常，已拒绝读取。")
                if inflater.eof:
                    break
        except zlib.error:
            continue


def xml_parser(huge: bool = False):
    """An lxml parser that never expands entities, loads a DTD or reaches the network."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=huge)

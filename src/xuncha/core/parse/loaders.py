"""Loaders: a file's bytes → raw text. One entry per format in LOADERS."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


class LoadError(ValueError):
    """The file could not be read as text; `message` is for people (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise LoadError("无法识别文件编码（既不是 UTF-8 也不是 GB18030）。") from None


def load_text(data: bytes) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("这不是文本文件。")
    return decode_text(data)


LOADERS: dict[str, Callable[[bytes], str]] = {
    ".txt": load_text,
    ".text": load_text,
    ".md": load_text,
}


def load_path(path: Path) -> str:
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        supported = "、".join(sorted(LOADERS))
        raise LoadError(f"不支持的文件类型“{path.suffix or '无扩展名'}”（支持：{supported}）。")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"无法读取文件：{exc.strerror or exc}") from None
    if not data.strip():
        raise LoadError("文件是空的。")
    return loader(data)

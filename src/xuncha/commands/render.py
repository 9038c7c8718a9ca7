"""`xuncha render FILE.json --to txt|html|docx|pdf -o OUT`: a NoticeDoc JSON file → a notice."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from xuncha.core.document import NoticeDoc
from xuncha.core.render import RENDERERS, PdfUnavailable, render_bytes


def write_atomically(path: Path, data: bytes) -> None:
    """Write next to the target and rename: a failed render never leaves half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes owner-only files; an output is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="xuncha render", description="由 NoticeDoc JSON 生成通报文件")
    parser.add_argument("file", metavar="FILE.json", help="NoticeDoc JSON（如 xuncha parse --json 的一行）")
    parser.add_argument("--to", required=True, choices=sorted(RENDERERS))
    parser.add_argument("-o", "--output", required=True, metavar="OUT")
    args = parser.parse_args(argv)
    try:
        raw = Path(args.file).read_text(encoding="utf-8")
        doc = NoticeDoc.from_json(raw.strip().splitlines()[0] if raw.strip() else raw)
    except OSError as exc:
        print(f"{args.file}：无法读取文件（{exc.strerror}）", file=sys.stderr)
        return 1
    except (ValueError, json.JSONDecodeError) as exc:
        print(f"{args.file}：不是有效的 NoticeDoc JSON（{exc}）", file=sys.stderr)
        return 1
    try:
        data = render_bytes(doc, args.to)
    except PdfUnavailable as exc:
        print(exc.message, file=sys.stderr)
        return 1
    write_atomically(Path(args.output), data)
    print(f"已生成 {args.output}（{len(data)} 字节）")
    return 0

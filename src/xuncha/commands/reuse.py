"""`xuncha reuse PATH... [--min-run 13] [--threshold 0.3] [--index DIR] [--json | --html OUT | --xlsx OUT]`.

Copied passages across documents; with `--index`, also against every document indexed there before
(earlier rounds, other units), and the documents are then added to that index.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from xuncha.commands.render import write_atomically
from xuncha.core.parse.loaders import LOADERS, LoadError, load_path
from xuncha.core.reuse import MIN_RUN, Document, Pair, ReuseIndex
from xuncha.core.reuse.report import html_report, xlsx_report
from xuncha.core.reuse.store import IndexStore, StoreError


def collect(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in LOADERS)
        else:
            files.append(path)
    return sorted(set(files))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="xuncha reuse", description="检测文档之间的雷同段落")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="文件或目录（txt、docx、html、pdf）")
    parser.add_argument("--min-run", type=int, default=MIN_RUN, help="最短雷同字数（默认 13）")
    parser.add_argument("--threshold", type=float, default=0.3, help="报告复制比不低于此值的文档对（默认 0.3）")
    parser.add_argument("--max-mb", type=float, default=20.0, help="单个文件大小上限（MB）")
    parser.add_argument("--include-common", action="store_true",
                        help="常用套话也计入雷同（默认单独列出、不计入）")
    parser.add_argument("--index", metavar="DIR", help="持久索引目录：同时与此前入库的文档比对，并把本次文档加入索引")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    out.add_argument("--html", metavar="OUT", help="写出可打印的 HTML 报告")
    out.add_argument("--xlsx", metavar="OUT", help="写出 Excel 报告")
    args = parser.parse_args(argv)
    if args.min_run < 4:
        print("--min-run 至少为 4。", file=sys.stderr)
        return 2
    index = ReuseIndex(min_run=args.min_run)
    skipped = []
    for path in collect(args.paths):
        try:
            if path.stat().st_size > args.max_mb * 1024 * 1024:
                raise LoadError(f"文件超过 {args.max_mb:g} MB 的上限")
            text = load_path(path)
        except LoadError as exc:
            skipped.append({"path": str(path), "reason": exc.message})
            continue
        except OSError as exc:
            skipped.append({"path": str(path), "reason": f"无法读取文件：{exc.strerror}"})
            continue
        if not text.strip():
            skipped.append({"path": str(path), "reason": "文件没有文字内容"})
            continue
        index.add(str(path), text)
    pairs = index.pairs(threshold=args.threshold, exclude_common=not args.include_common)
    count = len(index.documents)
    common = [{"text": text, "documents": count} for text, count in index.common_phrases()]
    if args.index:
        try:
            pairs = _with_index(Path(args.index), index, pairs, args.min_run, args.threshold)
        except (StoreError, OSError) as exc:
            print(f"无法使用索引目录 {args.index}：{exc}", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps({"documents": count, "pairs": [p.to_dict() for p in pairs],
                          "common": common, "skipped": skipped}, ensure_ascii=False))
        return 0
    if args.html or args.xlsx:
        phrases = [(c["text"], c["documents"]) for c in common]
        data = (html_report(index, pairs, phrases, args.threshold).encode("utf-8") if args.html
                else xlsx_report(index, pairs, phrases))
        write_atomically(Path(args.html or args.xlsx), data)
        print(f"已写出 {args.html or args.xlsx}：{count} 份文档，{len(pairs)} 对雷同。")
        for item in skipped:
            print(f"  已跳过 {item['path']}：{item['reason']}", file=sys.stderr)
        return 0
    print(f"共 {count} 份文档，{len(pairs)} 对复制比不低于 {args.threshold:.0%}：")
    for pair in pairs:
        print(f"  {pair.a} ↔ {pair.b}  复制比 {pair.share_a:.1%} / {pair.share_b:.1%}，"
              f"雷同段落 {len(pair.passages)} 处")
        for passage in pair.passages[:3]:
            print(f"    “{passage.text[:40]}{'…' if len(passage.text) > 40 else ''}”")
    for item in skipped:
        print(f"  已跳过 {item['path']}：{item['reason']}", file=sys.stderr)
    return 0


def _with_index(folder: Path, index: ReuseIndex, pairs: list[Pair], min_run: int, threshold: float) -> list[Pair]:
    """Add the pairs with documents indexed before, then index this run's documents."""
    store = IndexStore(folder, min_run=min_run)
    mine = {d.name for d in index.documents}
    found = {(p.a, p.b): p for p in pairs}
    earlier: dict[str, Document] = {}
    for document in list(index.documents):
        for pair in store.query(document.name, document.original, threshold):
            other = pair.side(document.name)[0]
            if other in mine:
                continue  # compared in this run already
            found.setdefault((pair.a, pair.b), pair)
            if other not in earlier:
                earlier[other] = Document(other, store.text(store.names[other])[1])
    index.documents.extend(earlier.values())  # the reports show both texts side by side
    store.add_many([(d.name, d.original) for d in index.documents if d.name in mine])
    return sorted(found.values(), key=lambda p: (-max(p.share_a, p.share_b), p.a, p.b))

"""`xuncha lint FILE... [--json] [--rules a,b] [--corpus DIR]`: 体检 of notices; exit 1 on any error."""

from __future__ import annotations

import argparse
import json
import sys

from xuncha.commands.inputs import Notices
from xuncha.config import ConfigError
from xuncha.core.lint import RULES, LintConfig, configured, lint
from xuncha.core.lint.corpus import load_corpus, repeats

LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="xuncha lint", description="对巡察整改通报进行自动体检")
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
    parser.add_argument("--rules", help="只运行这些规则（逗号分隔）：" + ",".join(r.slug for r in RULES))
    parser.add_argument("--corpus", metavar="DIR",
                        help="历史通报目录：找出与同一单位此前通报相同或相近的问题（repeat-finding）")
    args = parser.parse_args(argv)
    try:
        base = configured()  # XUNCHA_LINT
        config = LintConfig(only=set(args.rules.split(",")) if args.rules else None, severities=base.severities)
    except (ValueError, ConfigError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    corpus = load_corpus(args.corpus) if args.corpus else []
    status = 0
    notices = Notices(args.files)
    for name, doc in notices:
        diagnostics = lint(doc, config)
        if corpus and config.severities.get("repeat-finding") != "off":
            diagnostics += list(repeats(doc, corpus))
        if any(d.severity == "error" for d in diagnostics):
            status = 1
        if args.json:
            print(json.dumps({"source": name, "diagnostics": [d.to_dict() for d in diagnostics]},
                             ensure_ascii=False), flush=True)
            continue
        print(f"【{name}】{len(diagnostics)} 条体检意见")
        whole = {tuple(f.span) for f in doc.findings}  # a finding's own span needs no quote
        for d in diagnostics:
            where = f"{'/'.join(d.finding)} " if d.finding else ""
            quoted = d.span and tuple(d.span) not in whole
            quote = f"“{doc.text[d.span[0]:d.span[1]][:30]}”" if quoted else ""
            print(f"  [{LABELS[d.severity]}] {d.rule} {where}{quote} {d.message}")
    return 1 if notices.failed else status

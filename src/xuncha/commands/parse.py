"""`xuncha parse FILE... [--json]`: notices → NoticeDoc JSON lines or a summary in Chinese.

Excel ledgers (.xlsx) are read too, into their findings and measures and row errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from xuncha.commands.inputs import Notices, configure_limits
from xuncha.core.document import NoticeDoc
from xuncha.core.ledger_xlsx import LedgerBook, LedgerFileError, read_xlsx
from xuncha.core.parse.loaders import LoadError, read_file
from xuncha.core.vocabulary import STATUS_LABELS


def summary(doc: NoticeDoc) -> str:
    def day(value) -> str:
        return value.isoformat() if value else "（未写明）"

    lines = [f"【{doc.source}】{doc.title or '（无标题）'}",
             f"  发文单位：{doc.issuer or '（未写明）'}    巡察组：{doc.team or '（未写明）'}"
             f"    被巡察单位：{doc.unit or '（未写明）'}",
             f"  巡察时间：{day(doc.inspection_start)} 至 {day(doc.inspection_end)}    反馈：{day(doc.feedback_date)}"
             f"    通报日期：{day(doc.notice_date)}",
             f"  反馈问题 {len(doc.findings)} 个："]
    for item in doc.findings:
        status = STATUS_LABELS.get(item.status or "", "未写明状态")
        lines.append(f"    {'/'.join(item.path)} {item.title}  [{status}]  措施 {len(item.measures)} 条"
                     + (f"，成效 {len(item.effects)} 条" if item.effects else ""))
    for claim in doc.claims:
        lines.append(f"  数字表述：{doc.text[claim.span[0]:claim.span[1]]}")
    contacts = doc.contacts.phones + doc.contacts.emails + doc.contacts.addresses
    lines.append(f"  联系方式：{'；'.join(contacts) if contacts else '（无）'}")
    lines += [f"  提示：{warning}" for warning in doc.warnings]
    return "\n".join(lines)


LEDGER_SUFFIXES = (".xlsx", ".xlsm")


def ledger_summary(name: str, book: LedgerBook) -> str:
    lines = [f"【{name}】Excel 台账：反馈问题 {len(book.findings)} 个，整改措施 {len(book.rows)} 条"]
    lines += [f"    {f.number or '-'} {f.text}  措施 {len(f.rows)} 条" for f in book.findings]
    lines += [f"  错误：{error}" for error in book.errors]
    return "\n".join(lines)


def ledger_json(name: str, book: LedgerBook) -> str:
    findings = [{"number": f.number, "category": f.category, "text": f.text,
                 "measures": [r.measure for r in f.rows]} for f in book.findings]
    return json.dumps({"source": name, "kind": "ledger", "errors": [str(e) for e in book.errors],
                       "findings": findings}, ensure_ascii=False)


def parse_ledger(name: str, as_json: bool) -> bool:
    """Print one Excel ledger; False (after a Chinese message) when it cannot be read."""
    try:
        book = read_xlsx(read_file(Path(name)))
    except (LoadError, LedgerFileError) as exc:
        print(f"{name}：{exc.message}", file=sys.stderr)
        return False
    print(ledger_json(name, book) if as_json else ledger_summary(name, book), flush=True)
    return not book.errors


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="xuncha parse", description="把巡察整改通报解析为结构化数据")
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--json", action="store_true", help="每个文件输出一行 JSON（NoticeDoc）")
    args = parser.parse_args(argv)
    configure_limits()
    ledgers = [name for name in args.files if name.lower().endswith(LEDGER_SUFFIXES)]
    ledgers_ok = all([parse_ledger(name, args.json) for name in ledgers])
    notices = Notices([name for name in args.files if name not in ledgers])
    for _, doc in notices:
        print(doc.to_json() if args.json else summary(doc), flush=True)
    return 1 if notices.failed or not ledgers_ok else 0

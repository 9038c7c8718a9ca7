"""`xuncha parse FILE... [--json]`: notices → NoticeDoc JSON lines or a summary in Chinese."""

from __future__ import annotations

import argparse

from xuncha.commands.inputs import Notices
from xuncha.core.document import STATUSES, NoticeDoc

STATUS_LABELS = dict(zip(STATUSES, ("已完成", "基本完成", "未完成", "长期坚持"), strict=True))


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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="xuncha parse", description="把巡察整改通报解析为结构化数据")
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--json", action="store_true", help="每个文件输出一行 JSON（NoticeDoc）")
    args = parser.parse_args(argv)
    notices = Notices(args.files)
    for _, doc in notices:
        print(doc.to_json() if args.json else summary(doc), flush=True)
    return 1 if notices.failed else 0

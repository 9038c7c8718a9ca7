"""Each 体检 rule's short Chinese name, shown beside the passage it marks (the staff notice
page, reports). One home: a test fails when a rule has no name here."""

from __future__ import annotations

RULE_NAMES: dict[str, str] = {
    "claim-count-mismatch": "总数与所列不符",
    "claim-arithmetic": "分项与总数不符",
    "ratio-arithmetic": "比例计算有误",
    "status-under-wrong-heading": "整改结果与标题矛盾",
    "done-but-pending": "已完成却仍有未完工作",
    "completion-contradicted": "全部完成说法自相矛盾",
    "date-order": "日期先后矛盾",
    "missing-element": "缺少公开要素",
    "vague-measure": "措施空泛",
    "personal-info": "公开个人信息",
    "numbering": "序号跳号或重复",
    "wording": "用字错误",
    "term-two-ways": "同一说法两种写法",
    "unit-count-mismatch": "单位个数与名称不符",
    "measure-without-owner": "措施无责任人",
    "measure-without-deadline": "措施无完成时限",
    "deadline-after-period": "时限超出集中整改期",
    "done-without-evidence": "已完成无佐证",
    "closeout-without-progress": "销号措施无进展",
    "repeat-finding": "问题重复出现",
    "boilerplate": "雷同照搬",
}


def rule_name(slug: str) -> str:
    """The rule's Chinese name; an unknown slug is shown as it is."""
    return RULE_NAMES.get(slug, slug)

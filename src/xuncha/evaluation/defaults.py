"""The default evaluation scheme, modelled on published county schemes (docs/evaluation.md).

扶风: 组织领导 15 / 责任落实 15 / 整改任务完成 60 / 群众满意度 10 of 100, with deduction items;
衡水: five or more items where the report contradicts the facts score the unit 0;
峨山: four rater groups; public satisfaction counted 满意 100 / 基本满意 70 / 不满意 30.
"""

from __future__ import annotations

NAME = "巡察整改成效评估方案（默认）"
SOURCES = ("参照扶风县巡察整改评估（组织领导15分、责任落实15分、整改任务完成60分、群众满意度10分，"
           "另设扣分项）、衡水市“报告与事实不符达5项以上计0分”的一票否决、峨山县四个评分组打分。")
GRADES = [["好", 90], ["较好", 80], ["一般", 60], ["差", 0]]
RATER_GROUPS = ["巡察办", "纪检监察机关", "组织部门", "群众代表"]
DEFAULT_CHECKLIST = [
    "整改措施已按方案落实到位",
    "佐证材料真实、完整，与整改事项相符",
    "现场核查情况与整改报告一致",
    "未发现问题反弹或新的同类问题",
]

OLD_SATISFACTION_NOTE = "满意100、基本满意70、不满意30的平均；无评价按100"
SATISFACTION_NOTE = "满意100、基本满意70、不满意30的平均（满意度得分，百分制）；无群众评价时不适用"
# (kind, name, weight, formula, rated, note)
ITEMS: tuple[tuple[str, str, float, str, bool, str], ...] = (
    ("indicator", "组织领导", 15, "评分", True, "四个评分组打分（0–100）的平均数"),
    ("indicator", "责任落实", 15, "按期完成率", False, "按期完成的整改措施占应完成措施的比例"),
    ("indicator", "整改任务完成", 60, "完成率 * 0.6 + 销号率 * 0.4", False, "问题完成率占六成、销号率占四成"),
    ("indicator", "群众满意度", 10, "群众满意度", False, SATISFACTION_NOTE),
    ("deduction", "整改措施逾期未完成", 10, "逾期措施数 * 1", False, "每项扣1分，最多扣10分"),
    ("deduction", "被督办", 10, "督办次数 * 2", False, "每次扣2分，最多扣10分"),
    ("deduction", "申请延期", 5, "延期次数 * 0.5", False, "每次扣0.5分，最多扣5分"),
    ("deduction", "整改通报体检发现错误", 5, "体检错误数 * 1", False, "每处扣1分，最多扣5分"),
    ("deduction", "屡查屡犯", 10, "屡查屡犯数 * 2", False, "每个问题扣2分，最多扣10分"),
    ("deduction", "随机抽查未通过", 20, "抽查未通过数 * 5", False, "每项扣5分，最多扣20分"),
    ("deduction", "回头看发现问题反弹", 15, "回头看反弹数 * 3", False, "每项扣3分，最多扣15分"),
    ("veto", "整改报告与事实不符达5项以上", 0, "报告与事实不符数 >= 5", False,
     "随机抽查未通过与回头看反弹合计5项以上，计0分"),
)


def create_default(scheme_model, item_model):
    """Create the default scheme with the given model classes (the migration's or the app's)."""
    scheme = scheme_model.objects.create(name=NAME, grades=GRADES, rater_groups=RATER_GROUPS, sources=SOURCES)
    item_model.objects.bulk_create([
        item_model(scheme=scheme, kind=kind, name=name, weight=weight, formula=formula, rated=rated, note=note,
                   position=position)
        for position, (kind, name, weight, formula, rated, note) in enumerate(ITEMS, start=1)])
    return scheme

"""Audit records in words: Chinese names of actions and fields, before/after as sentences."""

from __future__ import annotations

import datetime as dt
import functools

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from xuncha.core import statuses

ACTIONS: dict[str, str] = {
    "login": "登录", "logout": "退出", "login.failed": "登录失败", "login.locked": "登录被锁定",
    "login.release": "解除登录锁定", "account.password": "修改本人密码",
    "staff.create": "新建账号", "staff.password": "重设账号密码", "staff.update": "修改账号",
    "unit.create": "新建单位", "unit.update": "修改单位", "team.create": "新建巡察组",
    "team.update": "修改巡察组", "round.create": "新建巡察轮次", "round.update": "修改巡察轮次",
    "inspection.create": "新建巡察安排",
    "finding.create": "新增问题", "finding.update": "修改问题",
    "measure.create": "新增整改措施", "measure.update": "修改整改措施", "measure.status": "变更措施状态",
    "progress.report": "报送整改进展",
    "closeout.request": "申请销号", "closeout.approve": "同意销号", "closeout.return": "退回销号申请",
    "lookback.record": "回头看",
    "notice.draft": "起草通报", "notice.edit": "修改通报", "notice.approve": "审定通报",
    "notice.publish": "发布通报", "notice.mask": "隐去通报中的个人信息", "notice.download": "下载通报",
    "notice.import": "导入通报", "ledger.import": "导入台账",
    "findings.import": "导入反馈问题清单", "measures.import": "导入整改措施和进展", "import.stage": "上传待导入文件",
    "import.cancel": "取消导入", "ledger.export": "导出台账",
    "evidence.download": "下载佐证材料",
    "reuse.check": "提交雷同检测", "reuse.purge": "删除过期雷同检测", "reuse.export": "导出雷同检测报告",
    "job.enqueue": "提交后台任务", "job.retry": "重试后台任务",
    "request.denied": "拒绝越权操作",
    "published_file.mismatch": "发布文件被改动",
    "published.verify": "发布文件完整性校验", "files.purge_orphans": "删除无引用文件",
    "imports.purge": "删除过期待导入文件", "reuse.reindex": "补建雷同索引",
    "daily.run": "运行定时任务", "provenance.scan": "佐证材料核验",
    "audit.verify": "审计日志完整性校验", "audit.archive": "归档审计日志", "audit.export": "导出审计日志",
    # 账号管理, 双因素认证 and the Django admin's reference data
    "staff.activate": "启用账号", "staff.deactivate": "停用账号", "staff.role": "变更账号角色",
    "staff.team": "调整巡察组成员", "user.password": "重设账号密码（基础数据）", "user.update": "修改账号信息",
    "unit.delete": "删除单位", "team.delete": "删除巡察组", "round.delete": "删除巡察轮次",
    "2fa.enrolled": "绑定身份验证器", "2fa.verified": "双因素认证通过", "2fa.failed": "双因素认证失败",
    "2fa.recovery_used": "使用恢复码", "2fa.recovery_renewed": "重新生成恢复码", "2fa.reset": "重置双因素认证",
    # 巡察安排, sign-off moves, 延期, evidence
    "inspection.update": "修改巡察安排", "round.export": "导出轮次台账", "round.export_download": "下载轮次台账",
    "measure.start": "措施开始整改", "measure.resume": "措施恢复整改", "measure.finish": "措施已完成",
    "measure.sustain": "措施长期坚持", "measure.extend": "延长完成时限",
    "extension.request": "申请延期", "extension.approve": "同意延期", "extension.refuse": "不同意延期",
    "closeout.endorse": "单位负责人审核销号", "finding.request_closeout": "问题申请销号", "finding.close": "问题销号",
    "finding.return": "问题退回补充", "finding.lookback": "问题回头看", "finding.reopen": "问题反弹重新打开",
    "evidence.view": "查看佐证材料", "evidence.withdraw": "撤回佐证材料", "evidence.remove": "删除佐证材料",
    # 通知, 督办 and 约谈
    "notification.read": "通知标为已读", "notification.read_all": "通知全部标为已读",
    "notify.preferences": "修改通知设置", "ladder.settings": "修改督办设置", "ladder.remind": "到期提醒",
    "ladder.supervise": "逾期督办", "ladder.interview": "转为约谈", "ladder.reply_overdue": "督办逾期未报结",
    "comment.reply_overdue": "群众意见逾期未答复",
    "supervision.answer": "督办报结", "supervision.accept": "督办办结", "supervision.return": "督办退回",
    "supervision.letter": "下载督办函", "interview.record": "登记约谈",
    # 群众监督 (the portal)
    "comment.post": "收到群众意见", "comment.publish": "公开群众意见", "comment.merge": "合并群众意见",
    "comment.decline": "不予公开群众意见", "comment.assign": "交办群众意见", "comment.reply": "答复群众意见",
    "comment.rate": "评价答复", "comment.reveal": "查看留言人联系方式",
    "portal.holiday": "设置节假日", "portal.holiday.remove": "删除节假日", "portal.live_progress": "设置实时进展公开",
    # 统计分析
    "analytics.export": "导出统计", "common_issue.push": "推送共性问题",
    "finding.repeat_confirm": "确认屡查屡犯", "finding.repeat_reject": "否认屡查屡犯",
    # 整改成效评估 and 随机抽查
    "evaluation.scheme_update": "修改评估方案", "evaluation.item_save": "保存评估项目",
    "evaluation.item_delete": "删除评估项目", "evaluation.rate": "录入评估评分", "evaluation.report": "下载评估报告",
    "random_check.draw": "随机抽查抽取", "random_check.record": "登记抽查结果",
    "finding.recheck_reopen": "抽查未通过重新打开",
    # 离线交换 and 接口令牌
    "bundle.export": "导出交换数据包", "bundle.import": "导入交换数据包", "bundle.refused": "拒收交换数据包",
    "bundle.conflict": "决定交换冲突", "bundle.register_key": "登记交换公钥",
    "token.create": "创建接口令牌", "token.revoke": "吊销接口令牌",
}

RESULTS = {"ok": "成功", "denied": "已拒绝", "refused": "已拒收", "mismatch": "不一致", "broken": "异常",
           "failed": "未完成"}

OBJECTS = {"finding": "问题", "measure": "整改措施", "progressreport": "整改进展", "evidence": "佐证材料",
           "closeout": "销号", "lookback": "回头看", "notice": "通报", "inspection": "巡察",
           "round": "巡察轮次", "unit": "单位", "team": "巡察组", "staff": "工作人员", "user": "账号",
           "reusecheck": "雷同检测", "job": "后台任务", "auditverification": "校验结果",
           "extensionrequest": "延期申请", "publiccomment": "群众意见", "holiday": "节假日",
           "supervision": "督办", "interview": "约谈", "ladderconfig": "督办设置", "notification": "通知",
           "preference": "通知设置", "scheme": "评估方案", "schemeitem": "评估项目"}

# Keys written by services that are not model fields.
EXTRA_FIELDS = {
    "state": "状态", "status": "状态", "finding_status": "问题状态", "comment": "意见", "files": "文件",
    "file": "文件", "format": "格式", "sha256": "SHA-256", "size": "大小（字节）", "missing": "文件缺失",
    "masks": "隐去处数", "override_reason": "强制发布理由", "errors": "体检错误", "method": "请求方式",
    "path": "地址", "reason": "原因", "source": "来源", "staged": "待导入文件", "findings": "问题数",
    "measures": "措施数", "finding_ids": "问题", "measure_ids": "措施", "progress_ids": "进展",
    "ok": "校验通过", "checked": "校验条数", "head_seq": "末条序号", "bad_seq": "问题序号",
    "first_seq": "起始序号", "through_seq": "截止序号", "last_hash": "末条哈希", "removed": "已从数据库移除",
    "rows": "行数", "mismatches": "不一致个数", "added": "新增", "day": "日期", "jobs": "任务",
    "with_keys": "含密钥", "created_utc": "备份时间（UTC）", "evidence": "佐证材料", "notices": "通报文件",
    "chart": "图表", "old_deadline": "原完成时限", "new_deadline": "申请延至", "by_unit": "由被巡察单位办理",
    "filters": "筛选条件", "count": "条数", "role": "角色", "text": "内容",
    "title": "标题", "description": "问题描述", "deadline": "完成时限", "lead": "责任领导",
    "owner": "责任部门/责任人", "kind": "类型", "version": "版本",
    # sign-off, notices and jobs
    "decided_at": "审核时间", "decided_by": "审核人", "decision_comment": "审核意见",
    "endorsed_at": "单位负责人审核时间", "endorsed_by": "单位负责人", "endorse_comment": "单位负责人意见",
    "approved_at": "审定时间", "approved_by": "审定人", "published_at": "发布时间", "published_by": "发布人",
    "reopened": "重新打开", "returned": "被退回", "next_deadline": "最近完成时限", "args": "任务参数", "pk": "编号",
    "job": "后台任务", "attempts": "已尝试次数", "error": "错误信息", "measure": "整改措施",
    "flags": "核验提示", "doc": "通报内容", "units": "单位数", "name": "名称", "unit": "单位",
    "team": "巡察组", "round": "巡察轮次", "date": "日期", "user": "账号", "is_active": "启用",
    # the NoticeDoc's parts (a notice's doc before and after)
    "issuer": "发文单位", "inspection_start": "巡察开始日期", "inspection_end": "巡察结束日期",
    "feedback_date": "反馈日期", "notice_date": "通报日期", "claims": "通报所列数字", "sections": "章节",
    "contacts": "联系方式", "phones": "电话", "emails": "电子邮箱", "addresses": "地址", "warnings": "提示",
    # 群众监督, 督办 and 约谈, 评估 and 随机抽查, 离线交换, 接口令牌
    "item": "针对事项", "masked": "隐去个人信息处数", "anonymous": "匿名", "rating": "评价",
    "length": "字数", "live_progress": "公开实时进展", "held_on": "约谈日期", "people": "参加人员",
    "notes": "约谈记录", "email_kinds": "邮件提醒", "digest": "每日汇总", "earlier": "此前轮次问题",
    "issue": "共性问题", "scores": "评分", "check": "抽查事项", "note": "说明", "result": "结果",
    "draw": "抽查批次", "seed": "随机种子", "mode": "抽取方式", "population": "已销号问题数",
    "peer": "交换对象", "seq": "数据包编号", "replay": "重复导入", "fingerprint": "公钥指纹",
    "objects": "对象数", "prefix": "令牌前缀", "scope": "权限", "expires_at": "到期时间",
    "created": "新增", "updated": "更新", "conflict": "冲突", "conflicts": "冲突", "choice": "决定",
    "accounts_created": "新建账号数", "uid": "全局编号", "uids": "全局编号", "checklist": "检查清单",
    "root_cause": "问题根源", "lessons": "举一反三", "original_deadline": "原完成时限", "rule": "规则",
    "message": "说明", "sources": "依据", "fingerprinted": "已核验文件数",
}

# The same key means another thing in some records: {action: {key: label}}.
ACTION_FIELDS: dict[str, dict[str, str]] = {
    "random_check.draw": {"size": "抽取数量", "findings": "抽中的问题"},
    "random_check.record": {"draw": "抽查批次"},
    "common_issue.push": {"units": "推送单位"},
    # A decision's reason is the reviewer's comment, not the request's 延期理由.
    "extension.approve": {"reason": "审核意见", "decision_comment": "审核意见"},
    "extension.refuse": {"reason": "审核意见", "decision_comment": "审核意见"},
}

# Codes of small choice sets that records keep as they are.
VALUE_WORDS: dict[str, dict[str, str]] = {
    "mode": {"count": "按数量", "percent": "按比例"},
    "result": {"passed": "通过", "failed": "未通过", "ok": "未反弹", "rebounded": "反弹"},
    "scope": {"read": "只读", "write": "读写"},
    "choice": {"ours": "保留本方", "theirs": "采用对方"},
}

# Values of these keys are codes of a choice set: shown by their labels.
CHOICES = {
    "status": (statuses.MEASURE_STATUS, statuses.FINDING_STATUS),
    "finding_status": (statuses.FINDING_STATUS,),
    "state": (statuses.NOTICE_STATE, statuses.CLOSEOUT_STATE),
    "kind": (statuses.MEASURE_KIND, statuses.UNIT_KIND),
    "source": (statuses.FINDING_SOURCE,),
    "role": (statuses.ROLE,),
    "type": (statuses.ROUND_TYPE,),
}


@functools.cache
def _typed_choices() -> dict[tuple[str, str], object]:
    """Choice sets that belong to one kind of record (a comment's "published" is 已公开, a notice's
    已发布). Imported here, not at the top: these apps' vocabularies import the ledger."""
    from xuncha.notify.choices import INTERVIEW_STATE, SUPERVISION_STATE
    from xuncha.portal.vocabulary import COMMENT_STATE, HOLIDAY_KIND, RATING

    return {("publiccomment", "state"): COMMENT_STATE, ("publiccomment", "rating"): RATING,
            ("holiday", "kind"): HOLIDAY_KIND, ("supervision", "state"): SUPERVISION_STATE,
            ("interview", "state"): INTERVIEW_STATE, ("extensionrequest", "state"): statuses.EXTENSION_STATE,
            ("closeout", "state"): statuses.CLOSEOUT_STATE,
            ("notice", "state"): statuses.NOTICE_STATE}


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@functools.cache
def _models() -> dict:
    return {m._meta.model_name: m for m in apps.get_models()}


def _model(object_type: str):
    """The model a record's object type names, whichever app it belongs to (None if none does)."""
    return _models().get(object_type) if object_type else None


def _model_label(object_type: str, name: str) -> str | None:
    """The field's own Chinese name on the record's model (Measure.text is 整改措施)."""
    model = _model(object_type)
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None
    label = str(getattr(field, "verbose_name", "") or "")
    return label if _chinese(label) else None


def object_label(object_type: str) -> str:
    """A kind of object in words: the table above, else the model's own Chinese name."""
    if object_type in OBJECTS:
        return OBJECTS[object_type]
    model = _model(object_type)
    label = str(model._meta.verbose_name) if model else ""
    return label if _chinese(label) else object_type


def field_label(name: str, object_type: str = "", action: str = "") -> str:
    # A key that is a kind of object (a bundle's counts: {"finding": 8}) is named as the object.
    return (ACTION_FIELDS.get(action, {}).get(name) or _model_label(object_type, name)
            or EXTRA_FIELDS.get(name) or (object_label(name) if _model(name) else name))


def _moment(text: str) -> str | None:
    """An ISO time as records keep it (UTC), in Beijing time as the page shows every time."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        return None
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _coded(key: str, value, people: dict[int, str]) -> str | None:
    """A person for a "…_by" id, a time for a "…_at", a label for a known code; None otherwise."""
    if key.endswith("_by") and isinstance(value, int) and not isinstance(value, bool):
        return people.get(value) or f"账号 {value}"
    if key.endswith("_at") and isinstance(value, str):
        return _moment(value)
    if key == "flags" and isinstance(value, list):
        return "、".join(_flag_label(str(v)) for v in value) or "（无）"
    if isinstance(value, str):
        return VALUE_WORDS.get(key, {}).get(value)
    return None


def _flag_label(code: str) -> str:
    from xuncha.provenance.kinds import FLAG_KIND

    return FLAG_KIND.label(code) if code in FLAG_KIND else code


def people_of(events) -> dict[int, str]:
    """Every person the records name by id under a "…_by" key, by name (one query)."""
    from xuncha.ledger.models import Staff

    ids = {v for e in events for side in (e.before, e.after) if isinstance(side, dict)
           for k, v in side.items() if k.endswith("_by") and isinstance(v, int)}
    if not ids:
        return {}
    rows = Staff.objects.filter(user_id__in=ids).values_list("user_id", "display_name", "user__username")
    return {uid: name or username for uid, name, username in rows}


def value_words(key: str, value, people: dict[int, str] | None = None, object_type: str = "") -> str:
    if value is None or value == "":
        return "（空）"
    coded = _coded(key, value, people or {})
    if coded is not None:
        return coded
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list):
        if all(isinstance(v, int | str) for v in value) and len(value) <= 8:
            return "、".join(str(v) for v in value) or "（无）"
        return f"{len(value)} 项"
    if isinstance(value, dict):
        return "；".join(f"{field_label(str(k))}：{value_words(str(k), v, people)}" for k, v in value.items())
    text = str(value)
    typed = _typed_choices().get((object_type, key))
    for choice_set in ((typed,) if typed is not None else CHOICES.get(key, ())):
        if text in choice_set:
            return choice_set.label(text)
    return text if len(text) <= 120 else text[:120] + "…"


def changes(before: dict | None, after: dict | None, object_type: str = "", action: str = "",
            people: dict[int, str] | None = None) -> list[str]:
    """One sentence per field: "状态：正在整改 → 已完成", or "文件：notice-v1.txt" when only one side."""
    before, after = before or {}, after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [f"{value_words('', before)} → {value_words('', after)}"]
    lines = []
    for key in dict.fromkeys([*before, *after]):
        label = field_label(key, object_type, action)
        if isinstance(before.get(key), dict) and isinstance(after.get(key), dict):
            # A nested record (a notice's doc): its parts that changed, each in words.
            lines += [f"{label}·{line}" for line in changes(before[key], after[key], people=people)]
            continue
        if key in before and key in after:
            if before[key] == after[key]:
                continue
            lines.append(f"{label}：{value_words(key, before[key], people, object_type)} → "
                         f"{value_words(key, after[key], people, object_type)}")
        elif key in after:
            lines.append(f"{label}：{value_words(key, after[key], people, object_type)}")
        else:
            lines.append(f"{label}（原）：{value_words(key, before[key], people, object_type)}")
    return lines


def object_words(object_type: str, object_id) -> str:
    if not object_type:
        return ""
    name = object_label(object_type)
    return f"{name} {object_id}" if object_id is not None else name

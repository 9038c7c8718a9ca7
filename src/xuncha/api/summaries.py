"""Each operation's name in Chinese, as the documentation page and the schema show it (django-ninja
would title-case the function's name: "Round List")."""

from __future__ import annotations

from ninja import Router

SUMMARIES = {
    "round_list": "巡察轮次列表", "round_create": "新建巡察轮次", "round_detail": "巡察轮次详情",
    "round_update": "修改巡察轮次",
    "unit_list": "单位列表", "unit_create": "新建单位", "unit_detail": "单位详情", "unit_update": "修改单位",
    "team_list": "巡察组列表", "team_create": "新建巡察组", "team_detail": "巡察组详情", "team_update": "修改巡察组",
    "member_list": "巡察组成员列表", "member_add": "添加巡察组成员", "member_remove": "移出巡察组成员",
    "inspection_list": "巡察列表", "inspection_create": "安排一次巡察", "inspection_detail": "巡察详情",
    "inspection_update": "修改巡察安排", "inspections_bulk": "为一轮巡察批量安排被巡察单位",
    "finding_list": "反馈问题列表", "finding_detail": "反馈问题详情", "finding_update": "修改反馈问题",
    "finding_create": "录入反馈问题",
    "measure_list": "整改措施列表", "measure_detail": "整改措施详情", "measure_update": "修改整改措施",
    "measure_create": "新增整改措施", "measure_status": "改变整改措施状态",
    "report_list": "整改进展列表", "report_create": "报送整改进展（可附佐证材料）",
    "evidence_download": "下载佐证材料",
    "closeout_list": "销号申请列表", "closeout_request": "申请销号", "closeout_detail": "销号申请详情",
    "closeout_decide": "审核销号申请（单位负责人审核、巡察办同意或退回）",
    "lookback_list": "回头看记录列表", "lookback_create": "登记回头看",
    "extension_list": "延期申请列表", "extension_request": "申请延期", "extension_detail": "延期申请详情",
    "extension_decide": "审核延期申请",
    "notice_list": "通报列表", "notice_detail": "通报详情", "notice_create": "起草通报",
    "notice_approve": "审定通报", "notice_publish": "发布通报", "notice_download": "下载通报（txt、docx、pdf、html）",
    "comment_list": "群众意见列表", "comment_detail": "群众意见详情", "comment_reply": "答复群众意见",
    "comment_moderate": "处理群众意见（公开、合并、不予公开）",
    "reuse_check_list": "雷同检测列表", "reuse_check_start": "提交雷同检测", "reuse_check_detail": "雷同检测结果",
    "analytics_summary": "统计分析汇总",
    "supervision_list": "督办列表", "supervision_detail": "督办详情",
    "supervision_move": "督办报结、同意办结或退回", "supervision_letter": "下载督办函",
    "interview_list": "约谈列表", "interview_detail": "约谈详情", "interview_record": "登记约谈情况",
}


def name_operations(router: Router) -> None:
    """Give every operation of the router its Chinese name; a missing one is a programming error."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            operation.summary = SUMMARIES[operation.view_func.__name__]

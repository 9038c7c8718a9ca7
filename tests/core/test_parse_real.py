"""Real notices as pages print them: cut off, 巡视 as well as 巡察, dates and page furniture."""

import datetime as dt

import pytest

from xuncha.core.document import NoticeDoc
from xuncha.core.parse import NotANotice, parse_file, parse_text

D = dt.date.fromisoformat
INTRO = ("根据区委统一部署，2023年7月6日至9月6日，区委第二巡察组对建设社区进行了巡察。"
         "9月20日，区委第二巡察组向建设社区反馈了巡察意见。")


def test_a_notice_cut_off_before_its_findings_is_read_with_warnings(tmp_path):
    path = tmp_path / "cut.txt"
    text = "关于巡察整改进展情况的通报\n" + INTRO + "现将巡察整改进展情况予以公布。\n一、整改工作总体"
    path.write_text(text, "utf-8")
    doc = parse_file(path)
    assert (doc.team, doc.unit, doc.feedback_date) == ("区委第二巡察组", "建设社区", D("2023-09-20"))
    assert doc.findings == [] and any("反馈问题" in w for w in doc.warnings)
    assert NoticeDoc.from_json(doc.to_json()).warnings == doc.warnings
    assert "warnings" in doc.to_dict()


def test_only_a_text_with_nothing_of_a_notice_is_refused(tmp_path):
    path = tmp_path / "minutes.txt"
    path.write_text("会议纪要：本周例会讨论了卫生检查安排。", "utf-8")
    with pytest.raises(NotANotice):
        parse_file(path)
    path.write_text("9月2日，集团党委第七轮政治巡察三个巡察组分别向三户企业反馈了巡察意见。", "utf-8")
    assert parse_file(path).round == "集团党委第七轮政治巡察"


def test_a_complete_notice_has_an_empty_warnings_list():
    doc = parse_text(INTRO + "\n一、反馈问题整改情况\n（一）问题甲\n整改结果：已完成\n")
    assert doc.warnings == [] and doc.to_dict()["warnings"] == []


@pytest.mark.parametrize("team", [
    "区委第四巡察组", "区委巡察五组", "党工委第三巡察组", "市委第六轮巡察组", "市委对村巡察第四组",
    "区委第一联动巡察组", "县委上下联动巡察组", "市委机动巡察一组", "市委第五专项巡察组",
    "中央第三巡视组", "省委第五巡视组", "市委第三轮对村（社区）提级巡察“回头看”第一组",
])
def test_teams_of_every_level_and_kind(team):
    doc = parse_text(f"根据统一部署，2024年3月1日至4月30日，{team}对某某社区党委开展了巡察。")
    assert doc.team == team


def test_a_bare_or_counted_team_is_no_team():
    assert parse_text("2024年3月1日至4月30日，区委巡察组对某社区开展了巡察。").team is None
    assert parse_text("15个省委巡视组分别向41个被巡视党组织进行了现场反馈。").team is None
    assert parse_text("近日，市委第三、四巡察组分别召开进驻动员会。后来市委第三巡察组公布了电话。").team is None


def test_a_巡视_notice_reads_like_a_巡察_one():
    doc = parse_text(
        "中共湖北省高级人民法院党组关于十二届省委第八轮巡视整改进展情况的通报\n发布时间:2026-01-08  访问次数:424\n"
        "根据省委巡视工作统一部署,2024年10月15日至12月31日,省委第五巡视组对省法院党组开展了巡视,"
        "并于2025年2月12日反馈了巡视意见。按照巡视工作有关要求,现将巡视整改进展情况予以公布。")
    assert doc.title.endswith("巡视整改进展情况的通报") and doc.issuer == "中共湖北省高级人民法院党组"
    assert (doc.team, doc.unit, doc.round) == ("省委第五巡视组", "省法院党组", "十二届省委第八轮巡视")
    assert (doc.inspection_start, doc.inspection_end) == (D("2024-10-15"), D("2024-12-31"))
    assert (doc.feedback_date, doc.notice_date) == (D("2025-02-12"), D("2026-01-08"))


def test_a_巡察_team_takes_its_own_round_not_the_巡视_it_follows():
    doc = parse_text("根据十二届省委第四轮巡视工作带巡察有关要求，2024年3月22日至4月22日，"
                     "区委第一联动巡察组对区法院党组进行了政治巡察。")
    assert doc.round is None and doc.unit == "区法院党组"


@pytest.mark.parametrize("written, start, end", [
    ("2023年7月6日-9月6日", "2023-07-06", "2023-09-06"),
    ("2023 年 7 月 6 日至 9 月 6 日", "2023-07-06", "2023-09-06"),
    ("2018年11月26日——2019年1月26日", "2018-11-26", "2019-01-26"),
    ("2020年5月6日6月5日", "2020-05-06", "2020-06-05"),  # 至 lost, every digit there
])
def test_inspection_periods_as_pages_write_them(written, start, end):
    doc = parse_text(f"根据统一部署，{written}，市委第二巡察组对某某医院党委开展了巡察。")
    assert (doc.inspection_start, doc.inspection_end) == (D(start), D(end))


@pytest.mark.parametrize("written, flagged", [
    ("2022年8月下旬至9月底", "8月下旬"),
    ("201944日至615日", "201944日"),
    ("2024717日至816日", "2024717日"),
])
def test_approximate_or_garbled_dates_give_nothing_and_a_warning(written, flagged):
    doc = parse_text(f"根据统一部署，{written}，省委第五巡视组对省卫生健康委党组开展了专项巡视。")
    assert (doc.inspection_start, doc.inspection_end) == (None, None)
    assert any(flagged in w for w in doc.warnings)


def test_a_date_without_its_year_takes_the_year_of_the_page_or_the_text():
    doc = parse_text("市委第五专项巡察组向市第二人民医院党委反馈巡察情况\n时间：2024/1/19 11:27:48\n"
                     "根据市委统一安排，1月17日，市委第五专项巡察组巡察市第二人民医院党委情况反馈会议召开。")
    assert (doc.feedback_date, doc.notice_date) == (D("2024-01-17"), D("2024-01-19"))
    later = parse_text("十八届区委第一轮巡察从6月9日至8月23日，对某街道开展常规巡察。\n"
                       "中共某区委巡察工作领导小组办公室\n2022年6月9日")
    assert (later.inspection_start, later.inspection_end) == (D("2022-06-09"), D("2022-08-23"))
    assert later.notice_date == D("2022-06-09") and later.issuer == "中共某区委巡察工作领导小组办公室"


def test_a_date_printed_in_the_headline_line_is_the_notice_date():
    doc = parse_text("关于巡察整改进展情况的通报 2024-03-01\n" + INTRO)
    assert doc.notice_date == D("2024-03-01") and doc.inspection_start == D("2023-07-06")


def test_the_inquiry_period_is_not_the_inspection():
    doc = parse_text("区委第二巡察组自2024年9月20日起，进驻凉城新村街道开展为期3个月的巡察。"
                     "本轮巡察受理信访时间为2024年9月20日至12月5日。")
    assert (doc.inspection_start, doc.inspection_end, doc.unit) == (D("2024-09-20"), None, "凉城新村街道")


def test_the_headline_is_found_past_page_furniture():
    doc = parse_text("首页 > 向阳区 > 巡视巡察\n\n本级巡察整改:向阳区开展巡察整改专项督查\n\n"
                     "来源:向阳区委巡察办发布时间:2020-12-10 16:02:43\n\n向阳区开展巡察整改专项督查\n\n"
                     "为扎实做好“巡察后半篇文章”,2020年8月,区纪委监委组成专项督查组开展督查。")
    assert (doc.title, doc.notice_date) == ("向阳区开展巡察整改专项督查", D("2020-12-10"))
    block = parse_text("- 索 引 号:3704063704060004/2023-00364\n- 发布机构:中共徐庄镇委员会\n"
                       "- 成文时间:2023年11月23日\n- 标 题:徐庄镇党委关于九届区委第三轮巡察整改进展情况的通报\n"
                       "徐庄镇党委关于九届区委第三轮巡察整改进展情况的通报\n根据区委统一部署，……")
    assert block.title == "徐庄镇党委关于九届区委第三轮巡察整改进展情况的通报"
    assert (block.issuer, block.round, block.notice_date) == ("徐庄镇党委", "九届区委第三轮巡察", D("2023-11-23"))
    body = parse_text("2025年7月7日，市委第六巡察组向南通市中级人民法院党组反馈巡察情况。会议由院长主持。")
    assert body.title is None and body.unit == "南通市中级人民法院党组"


def test_several_units_are_no_unit_and_我院_is_the_issuer():
    several = parse_text("2022年3月1日至4月4日，县委第一巡察组对东北街社区、寺脚社区开展常规巡察。")
    assert several.unit is None
    own = parse_text("中共某区人民法院党组关于巡察整改进展情况的通报\n"
                     "根据市委统一部署，2024年9月20日至12月31日，市委第五巡察组对我院党组开展了巡察。")
    assert own.unit == "某区人民法院党组"


def test_problems_listed_in_one_sentence_are_findings():
    doc = parse_text("2020年1月3日至1月17日，区委第一巡察组对姜南社区开展巡察。会上，巡察组反馈了存在的3类"
                     "主要问题：一、日常党建工作不扎实；二、财务管理不规范；三、群众服务意识有待提高。"
                     "巡察组并提出意见建议：一是加强学习；二是规范财务。")
    assert [(f.path, f.title) for f in doc.findings] == [
        (["一"], "日常党建工作不扎实"), (["二"], "财务管理不规范"), (["三"], "群众服务意识有待提高")]


def test_claims_take_the_total_nearest_the_done_count():
    doc = parse_text("区委巡察组共反馈问题4个大方面，党委将反馈问题梳理分解整改任务106个，已完成整改98个。"
                     "截至目前，巡察问题8个，已完成整改7个。本科生院的29项整改措施已完成。")
    assert [(c.total, c.done) for c in doc.claims] == [(106, 98), (8, 7), (29, 29)]


def test_contacts_in_tables_and_after_chinese():
    doc = parse_text("设专门值班电话17365353495，电子信箱：a@b.cn。\n"
                     "通信地址 | 莆田市B30071邮政专用信箱一组收 | 莆田市B30072邮政专用信箱二组收 |\n"
                     "（一）来访接待室：区教体局南三楼301室")
    assert doc.contacts.phones == ["17365353495"]
    assert doc.contacts.addresses == ["莆田市B30071邮政专用信箱一组收", "莆田市B30072邮政专用信箱二组收",
                                      "区教体局南三楼301室"]


def test_a_period_recalled_after_a_later_date_keeps_that_dates_year():
    doc = parse_text("根据区委统一部署，2025年4月14日，区委第三巡察组巡察新川社区党委工作动员会召开。"
                     "据悉，巡察期间（3月27日—5月30日）设专门联系电话。")
    assert (doc.inspection_start, doc.inspection_end) == (D("2025-03-27"), D("2025-05-30"))
    december = parse_text("2023年11月20日至12月30日，区委第一巡察组对某社区开展巡察。1月15日，区委第一巡察组"
                          "向某社区反馈了巡察意见。")
    assert december.feedback_date == D("2024-01-15")


def test_an_organisations_own_team_is_named_without_a_number():
    doc = parse_text("按照统一部署，从2018年8月30日开始，集团公司党委巡察组对常林公司进行了巡察。")
    assert (doc.team, doc.inspection_start) == ("集团公司党委巡察组", D("2018-08-30"))


def test_units_behind_a_long_description_and_villages_covered():
    court = parse_text("3月1日上午，市委提级巡察第二巡察组对某区人民法院开展巩固政法队伍教育整顿成果专项巡察"
                       "情况反馈会在区委召开。")
    assert court.unit == "某区人民法院"
    town = parse_text("2019年9月19日，县委第七轮巡察第五巡察组召开专题会议向佘家镇党委反馈村级全覆盖巡察情况。")
    assert (town.unit, town.feedback_date) == (None, D("2019-09-19"))
    office = parse_text("今天（11月23日）上午，市委第三巡察组进驻市委办公室系统单位，"
                        "开始对市委办公室、市保密局进行巡察。")
    assert office.unit is None


def test_a_signature_run_into_the_last_line_and_two_rounds_named_together():
    doc = parse_text("根据省委统一安排，3月6日至5月6日，省委第六巡视组对某县进行集中巡视。特此公告。 省委第六巡视组 "
                     "2018年5月5日")
    assert (doc.issuer, doc.notice_date) == ("省委第六巡视组", D("2018-05-05"))
    rounds = parse_text("12月25日，省委巡视工作领导小组召开会议，听取第十一、十二轮巡视工作情况汇报，"
                        "研究第十三轮巡视任务。")
    assert rounds.round == "第十一、十二轮巡视"


def test_a_letters_address_is_a_contact():
    doc = parse_text("2024年3月1日至4月30日，县委第二巡察组对某镇开展巡察。\n"
                     "4.来信请寄：县行政四号楼十一楼县委第二巡察组。")
    assert doc.contacts.addresses == ["县行政四号楼十一楼县委第二巡察组"]

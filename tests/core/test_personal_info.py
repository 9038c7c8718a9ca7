"""core.privacy: which numbers and names in a text are personal information, and their masks."""

import pytest

from xuncha.core import privacy
from xuncha.core.document import NoticeDoc
from xuncha.core.lint import lint
from xuncha.core.parse import parse_text
from xuncha.core.privacy import (
    BANK_CARD,
    ID_CARD,
    MOBILE,
    NAME,
    find_personal_info,
    luhn,
    mask_number,
    mask_personal_info,
    number_kind,
    valid_id,
)
from xuncha.core.render.compose import mask_names

ID = "110101199003071233"  # check digit 3 is right
ID_X = "11010519491231002X"  # the example of GB 11643-1999
CARD = "6222021234567890128"  # 19 digits, Luhn-valid
CARD16 = "6217000012345670"  # 16 digits, Luhn-valid

# (text, what must be found: (kind, the text it covers)); an empty list: nothing may be found.
CASES = [
    # ID numbers in every written form
    (f"身份证号{ID}", [(ID_CARD, ID)]),
    (f"身份证号：{ID}。", [(ID_CARD, ID)]),
    ("身份证号110101 19900307 1233", [(ID_CARD, "110101 19900307 1233")]),
    ("身份证号110101-19900307-1233", [(ID_CARD, "110101-19900307-1233")]),
    ("身份证号１１０１０１１９９００３０７１２３３", [(ID_CARD, "１１０１０１１９９００３０７１２３３")]),
    (f"身份证号{ID_X}", [(ID_CARD, ID_X)]),
    ("身份证号11010519491231002x", [(ID_CARD, "11010519491231002x")]),
    ("身份证号１１０１０５１９４９１２３１００２Ｘ", [(ID_CARD, "１１０１０５１９４９１２３１００２Ｘ")]),
    ("身份证号440304198512120023、320106197001010017",
     [(ID_CARD, "440304198512120023"), (ID_CARD, "320106197001010017")]),
    # ID-shaped numbers that are not IDs
    ("档案号110101199003071234", []),  # wrong check digit: an archive number
    ("档案号110101 19900307 1234", []),
    ("档案号11010519491231002Y", []),
    ("编号110101199013071233", []),  # month 13
    ("编号110101199002301230", []),  # 30 February
    ("编号110101230003071231", []),  # born in 2300
    ("编号000101199003071233", []),  # no province 00
    (f"编号9{ID}", []),  # 19 digits: inside a longer run
    (f"编号{ID}5", []),
    # mobile numbers in every form
    ("联系人手机13812345678", [(MOBILE, "13812345678")]),
    ("手机：138 1234 5678。", [(MOBILE, "138 1234 5678")]),
    ("手机：138-1234-5678", [(MOBILE, "138-1234-5678")]),
    ("手机：１３８１２３４５６７８", [(MOBILE, "１３８１２３４５６７８")]),
    ("手机：１３８－１２３４－５６７８", [(MOBILE, "１３８－１２３４－５６７８")]),
    ("手机：+8613812345678", [(MOBILE, "13812345678")]),
    ("手机：+86 138 1234 5678", [(MOBILE, "138 1234 5678")]),
    ("手机：＋86-138-1234-5678", [(MOBILE, "138-1234-5678")]),
    ("手机：008613812345678", [(MOBILE, "13812345678")]),
    ("手机：(+86)13812345678", [(MOBILE, "13812345678")]),
    ("手机：（+86）199 8765 4321", [(MOBILE, "199 8765 4321")]),
    ("电话13812345678或15900001111", [(MOBILE, "13812345678"), (MOBILE, "15900001111")]),
    # numbers that are not mobiles
    ("联系电话：0433-5750316", []),  # an office landline, published for public supervision
    ("联系电话：010-65123456、0433－5750316", []),
    ("联系电话：(0433)5750316", []),
    ("编号138123456789", []),  # 12 digits
    ("编号913812345678", []),
    ("编号2025 138 1234 5678", []),  # inside a longer spaced run
    ("手机12812345678", []),  # no mobile starts 12
    ("手机138****5678", []),  # masked by its author
    ("手机138＊＊＊＊5678", []),  # already masked
    ("整改资金13800000000元", []),  # an amount of money
    # bank cards
    (f"退款至银行卡{CARD}", [(BANK_CARD, CARD)]),
    (f"卡号{CARD16}", [(BANK_CARD, CARD16)]),
    ("卡号6222 0212 3456 7890 128", [(BANK_CARD, "6222 0212 3456 7890 128")]),
    ("卡号6217-0000-1234-5670", [(BANK_CARD, "6217-0000-1234-5670")]),
    ("卡号４５３９１４８８０３４３６４６７", [(BANK_CARD, "４５３９１４８８０３４３６４６７")]),
    ("卡号6222021234567890127", []),  # Luhn fails
    ("卡号6217 0000 1234 5671", []),
    ("卡号622202＊＊＊＊＊＊0128", []),  # already masked
    # long archive numbers, dates and amounts
    ("档案编号20250101000123456", []),  # starts as no card does
    ("档案编号62220212345678901280", []),  # 20 digits
    ("统一社会信用代码911101087178755420", []),  # Luhn-valid, but a company's code
    ("文号2025-12-11-0003", []),
    ("截至2025年12月11日，共退赔资金1234567.89元", []),
    ("追缴资金12,345,678元，涉及农户1358户", []),
    # names beside 处分, 违法, 疾病 and not
    ("社区负责安全工作人员李建新受到政务警告处分", [(NAME, "李建新")]),
    ("村会计王小明涉嫌违法被立案调查", [(NAME, "王小明")]),
    ("网格员张丽因疾病住院", [(NAME, "张丽")]),
    ("原物业负责人张某因吸毒赌博被公安机关逮捕", []),
    ("社区书记李建新同志主持召开整改专题会议", []),
    ("工作人员李建新。受到表彰", []),  # another sentence
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_it_finds_exactly_the_personal_information(text, expected):
    assert [(f.kind, f.text) for f in find_personal_info(text)] == expected
    for finding in find_personal_info(text):
        assert text[finding.start:finding.end] == finding.text


def test_the_table_has_enough_cases_of_both_kinds():
    assert len([c for c in CASES if c[1]]) >= 20 and len([c for c in CASES if not c[1]]) >= 20


def test_it_checks_the_id_check_digit_and_the_card_luhn_sum():
    assert valid_id(ID_X) and valid_id(ID)
    assert [valid_id(ID[:17] + d) for d in "0123456789X"].count(True) == 1
    assert luhn(CARD) and luhn("4539148803436467") and not luhn("4539148803436468")


@pytest.mark.parametrize(("number", "masked"), [
    (ID, "110101＊＊＊＊＊＊＊＊1233"), (ID_X, "110105＊＊＊＊＊＊＊＊002X"),
    ("110101 19900307 1233", "110101 ＊＊＊＊＊＊＊＊ 1233"),
    ("13812345678", "138＊＊＊＊5678"), ("138-1234-5678", "138-＊＊＊＊-5678"),
    ("１３８１２３４５６７８", "１３８＊＊＊＊５６７８"),
    (CARD, "622202＊＊＊＊＊＊＊＊＊0128"), (CARD16, "621700＊＊＊＊＊＊5670"),
])
def test_a_number_mask_keeps_its_head_and_tail(number, masked):
    assert mask_number(number) == masked
    assert not find_personal_info(masked)


def test_number_kind_takes_only_a_whole_number():
    assert number_kind(ID) == ID_CARD and number_kind("138 1234 5678") == MOBILE
    assert number_kind(CARD) == BANK_CARD
    assert number_kind("李建新") is None and number_kind(f"手机{ID}") is None
    assert number_kind("0433-5750316") is None


def test_mask_personal_info_leaves_nothing_to_find():
    text = (f"工作人员李建新受到警告处分，身份证号{ID}，手机+86 138-1234-5678，"
            f"银行卡{CARD}；联系电话：0433-5750316。")
    masked = mask_personal_info(text)
    assert masked == ("工作人员李某受到警告处分，身份证号110101＊＊＊＊＊＊＊＊1233，手机+86 138-＊＊＊＊-5678，"
                      "银行卡622202＊＊＊＊＊＊＊＊＊0128；联系电话：0433-5750316。")
    assert find_personal_info(masked) == []


def test_the_rule_reports_each_finding_without_repeating_the_number():
    doc = parse_text(f"关于整改进展情况的通报\n联系人手机138-1234-5678，身份证号{ID}。\n")
    found = [d for d in lint(doc) if d.rule == "personal-info"]
    assert [doc.text[d.span[0]:d.span[1]] for d in found] == ["138-1234-5678", ID]
    assert "138-＊＊＊＊-5678" in found[0].message and "1234-5678" not in found[0].message
    assert "手机号码" in found[0].message and "身份证号码" in found[1].message


def test_a_number_mask_replaces_the_number_only_where_it_stands_alone():
    doc = parse_text("关于整改进展情况的通报\n手机13812345678；编号913812345678。\n")
    text = mask_names(doc, ["13812345678"]).text
    assert "手机138＊＊＊＊5678" in text and "编号913812345678" in text


def test_a_masked_number_survives_parsing_again():
    for number in (ID, "13812345678", CARD):
        doc = parse_text(f"关于整改进展情况的通报\n号码{number}，**四是**加强管理。\n")
        assert mask_number(number) in mask_names(doc, [number]).text


def test_name_and_number_masks_apply_together():
    doc = NoticeDoc(text="")
    assert mask_names(doc, []) is doc
    doc = parse_text(f"关于整改进展情况的通报\n工作人员李建新受到警告处分，身份证号{ID}。\n")
    text = mask_names(doc, ["李建新", ID]).text
    assert "李某受到警告处分" in text and "110101＊＊＊＊＊＊＊＊1233" in text and ID not in text


def test_what_the_public_writes_is_read_cautiously():
    text = "身份证号110101199003074512，银行卡6222020200112233445，档案号110101199003071234"
    assert privacy.find_personal_info(text) == []  # a notice's 体检 keeps the exact rules
    cautious = privacy.mask_personal_info(text, cautious=True)
    assert "199003074512" not in cautious and "0200112233" not in cautious
    assert "110101＊＊＊＊＊＊＊＊4512" in cautious and "622202＊＊＊＊＊＊＊＊＊3445" in cautious

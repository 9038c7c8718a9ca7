"""Personal information in a text meant for the public, and how to mask it.

Four kinds are found:
- an 18-digit resident ID number (居民身份证号) whose GB 11643-1999 check digit is right and
  whose digits 7–14 are a plausible birth date;
- a mainland mobile number (1[3-9] and nine more digits), with an optional +86 / 0086 prefix;
- a bank card number of 16–19 digits that passes the Luhn check and starts as cards do;
- a full name in the same sentence as discipline, criminal or health matters.

Numbers may be written with spaces or dashes between the digits and with full-width digits;
a number inside a longer run of digits is not one of these. Office landlines (0433-5750316)
are published for public supervision and are not found.

Used by the personal-info 体检 rule on notices and by the moderation of public comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

ID_CARD, MOBILE, BANK_CARD, NAME = "id_card", "mobile", "bank_card", "name"
NUMBER_KINDS = (ID_CARD, MOBILE, BANK_CARD)
LABELS = {ID_CARD: "身份证号码", MOBILE: "手机号码", BANK_CARD: "银行卡号", NAME: "姓名"}
# How many digits a mask keeps at the start and at the end of each kind of number.
KEEP = {ID_CARD: (6, 4), MOBILE: (3, 4), BANK_CARD: (6, 4)}
# The full-width star: the parser strips **…** as stray markup, so ASCII stars in a composed
# notice would be eaten in pairs when the text is parsed again.
STAR = "＊"

# Full-width digits, letters and signs read as their ASCII twins, one character for one, so
# positions in the normalised text are positions in the original.
_WIDE = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                       "Ｘ": "X", "ｘ": "x", "＋": "+", "－": "-", "\u3000": " ",
                       "（": "(", "）": ")"})
_SEP = r"[ \-]"
_BEFORE = rf"(?<!\d)(?<!\d{_SEP})"  # not the tail of a longer run of digits
_AFTER = rf"(?!{_SEP}?\d)(?!\s*[元万亿])"  # nor its head; an amount of money is not a number
ID_PATTERN = re.compile(rf"{_BEFORE}(?<![Xx])\d(?:{_SEP}?\d){{16}}{_SEP}?[\dXx](?!{_SEP}?[\dXx])"
                        r"(?!\s*[元万亿])")
MOBILE_PATTERN = re.compile(rf"{_BEFORE}(?:(?:\+86|0086|\(\+86\)){_SEP}?)?"
                            rf"(?P<number>1[3-9]\d(?:{_SEP}?\d){{8}}){_AFTER}")
CARD_WORDS = re.compile(r"卡号?|账号|帐号|账户|帐户")  # "银行卡6222…" (cautious: whatever its check digit)
CARD_PATTERN = re.compile(rf"{_BEFORE}[3-69]\d(?:{_SEP}?\d){{14,17}}{_AFTER}")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# 省级行政区划代码: the first two digits of every ID number.
PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
             50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
            "戴莫孔向汤臧")
ROLE = (r"(?:人员|书记|副书记|主任|副主任|委员|负责人|会计|出纳|干部|同志|网格员|组长|站长|支书|村医|社工"
        r"|职工)")
AFTER_NAME = r"(?=受到|被|因|同志|涉嫌|违规|违纪|等人|、|，|。|的|在|于|对)"
NAME_PATTERN = re.compile(rf"{ROLE}([{SURNAMES}][\u4e00-\u9fa5]{{1,2}}?){AFTER_NAME}")
SENSITIVE = re.compile(r"处分|警告|记过|撤职|开除|留党察看|诫勉|通报批评|立案|审查调查|逮捕|拘留|判刑|刑事"
                       r"|违法|吸毒|赌博|酗酒|精神病|艾滋|传染病|疾病|住院|病故|自杀")
SENTENCE = re.compile(r"[^。；\n]+")


@dataclass(frozen=True)
class Finding:
    """One piece of personal information: its kind, where it is and what it says."""

    kind: str  # ID_CARD, MOBILE, BANK_CARD or NAME
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def masked(self) -> str:
        return mask_name(self.text) if self.kind == NAME else mask_number(self.text, self.kind)


def digits_of(text: str) -> str:
    """The digits (and a final X) of a written number, without spaces, dashes or width."""
    return re.sub(r"[^\dX]", "", text.translate(_WIDE).upper())


def valid_id(digits: str) -> bool:
    """GB 11643-1999: the area, a real birth date, and the check digit over the first 17."""
    if not re.fullmatch(r"\d{17}[\dX]", digits) or int(digits[:2]) not in PROVINCES:
        return False
    try:
        born = date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= date.today():
        return False
    return _with_check(digits) == digits


def id_shaped(digits: str) -> bool:
    """18 digits with an area and a birth date where an ID has them: an ID number, or one
    miswritten, or an archive number built the same way; never a bank card."""
    return len(digits) == 18 and int(digits[:2]) in PROVINCES and valid_id(_with_check(digits))


def _with_check(digits: str) -> str:
    total = sum(int(d) * w for d, w in zip(digits[:17], ID_WEIGHTS, strict=True))
    return digits[:17] + ID_CHECK[total % 11]


def credit_code_shaped(digits: str) -> bool:
    """18 digits starting as a 统一社会信用代码 of a company or a social organisation does
    (91…, 52…); no bank issues 18-digit cards under those prefixes."""
    return len(digits) == 18 and digits[0] in "59" and digits[1] in "1239"


def luhn(digits: str) -> bool:
    total = 0
    for index, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def number_kind(text: str) -> str | None:
    """Which kind of personal number the whole of text is, or None."""
    found = _numbers(text.strip())
    return found[0].kind if len(found) == 1 and found[0].text == text.strip() else None


def _numbers(text: str, cautious: bool = False) -> list[Finding]:
    plain = text.translate(_WIDE)
    spans: list[tuple[str, tuple[int, int]]] = []
    for match in ID_PATTERN.finditer(plain):
        digits = digits_of(match.group(0))
        # Cautious: an ID number with a digit mistyped still names its holder (area and birth date).
        if valid_id(digits) or (cautious and id_shaped(digits)):
            spans.append((ID_CARD, match.span()))
    for match in CARD_PATTERN.finditer(plain):
        digits = digits_of(match.group(0))
        called_a_card = cautious and CARD_WORDS.search(plain, max(0, match.start() - 8), match.start())
        if (luhn(digits) or called_a_card) and not id_shaped(digits) and not credit_code_shaped(digits):
            spans.append((BANK_CARD, match.span()))
    spans += [(MOBILE, match.span("number")) for match in MOBILE_PATTERN.finditer(plain)]
    return [Finding(kind, start, end, text[start:end]) for kind, (start, end) in spans]


def _names(text: str) -> list[Finding]:
    found = []
    for sentence in SENTENCE.finditer(text):
        if not SENSITIVE.search(sentence.group(0)):
            continue
        for match in NAME_PATTERN.finditer(sentence.group(0)):
            name = match.group(1)
            if "某" not in name:
                start = sentence.start() + match.start(1)
                found.append(Finding(NAME, start, start + len(name), name))
    return found


def find_personal_info(text: str, cautious: bool = False) -> list[Finding]:
    """Every piece of personal information in text, in the order it appears.

    `cautious` is for what the public writes: a number shaped as an ID with a wrong check digit,
    or one called a card (卡号, 账号) whatever its check digit, is taken as personal too. A notice's
    体检 keeps the exact rules, so a clerk is not sent after archive numbers."""
    return sorted(_numbers(text, cautious) + _names(text), key=lambda f: (f.start, f.end))


def mask_name(name: str) -> str:
    """李建新 → 李某: the surname stays, the given name goes."""
    return name[:1] + "某"


def mask_number(text: str, kind: str | None = None) -> str:
    """The written number with its middle digits starred, spaces and dashes kept in place:
    110101＊＊＊＊＊＊＊＊1234, 138＊＊＊＊5678, 622202＊＊＊＊＊＊＊＊＊1234."""
    kind = kind or number_kind(text) or BANK_CARD
    head, tail = KEEP[kind]
    count = len(digits_of(text))
    out, seen = [], 0
    for char in text:
        if digits_of(char):
            out.append(char if seen < head or seen >= count - tail else STAR)
            seen += 1
        else:
            out.append(char)
    return "".join(out)


def mask_personal_info(text: str, cautious: bool = False) -> str:
    """text with every piece of personal information masked."""
    for finding in sorted(find_personal_info(text, cautious), key=lambda f: f.start, reverse=True):
        text = text[:finding.start] + finding.masked + text[finding.end:]
    return text

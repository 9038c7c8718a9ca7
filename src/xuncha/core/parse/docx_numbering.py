"""Word's automatic numbering (word/numbering.xml), turned back into the numbers it shows.

A paragraph typed "（一）…" in Word with automatic lists on keeps only "…" in its text; the
"（一）" lives in numbering.xml: a `w:num` points at a `w:abstractNum` whose `w:lvl` gives the
start, the format (`w:numFmt`) and the pattern (`w:lvlText`, "（%2）"). The paragraph names
its list and level through `w:numPr` (its own, or its style's). Counting follows Word: lists
sharing an abstractNum share their counters, a deeper level restarts when a higher one
advances, and a `w:lvlOverride/w:startOverride` restarts a level the first time its list is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xuncha.core.numerals import DIGITS, cn_number

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TRADITIONAL = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
          (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter: a … z, aa … zz, aaa …
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _cycle(symbols: str, n: int) -> str:
    return symbols[(n - 1) % len(symbols)]


def _legal(n: int) -> str:
    plain = cn_number(n)
    table = str.maketrans(DIGITS + "十百千", _LEGAL + "拾佰仟")
    return plain.translate(table)


def _circled(n: int) -> str:
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)


FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalFullWidth2": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalHalfWidth": str,
    "decimalEnclosedCircle": _circled,
    "decimalEnclosedCircleChinese": _circled,
    "decimalEnclosedParen": lambda n: chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})",
    "decimalEnclosedFullstop": lambda n: chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}.",
    "chineseCounting": cn_number,
    "chineseCountingThousand": cn_number,
    "japaneseCounting": cn_number,
    "taiwaneseCounting": cn_number,
    "ideographDigital": lambda n: "".join("〇一二三四五六七八九"[int(d)] for d in str(n)),
    "chineseLegalSimplified": _legal,
    "ideographLegalTraditional": _legal,
    "ideographTraditional": lambda n: _cycle(_TRADITIONAL, n),
    "ideographZodiac": lambda n: _cycle(_ZODIAC, n),
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerLetter": _letters,
    "upperRoman": lambda n: _roman(n).upper(),
    "lowerRoman": _roman,
    "ordinal": str,
    "cardinalText": str,
    "ordinalText": str,
}


def format_number(n: int, fmt: str) -> str:
    """A counter value in a w:numFmt; an unknown format falls back to Arabic digits."""
    if n <= 0:
        return "0" if fmt.startswith("decimal") else ""
    return FORMATS.get(fmt, str)(n)


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    style: str | None = None  # a paragraph style linked to this level (w:pStyle)


@dataclass
class Numbering:
    """The definitions of one document and the counters while its paragraphs are read."""

    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    # numId → (abstractNumId, {level: start override})
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)
    # numId → levels a w:lvlOverride redefines (its own format and pattern) for that list only
    redefined: dict[str, dict[int, Level]] = field(default_factory=dict)
    styles: dict[str, tuple[str | None, int | None, str | None]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def label(self, p_element) -> str:
        """The number text Word shows before this paragraph ("" when it has none)."""
        found = self._num_pr(p_element)
        if found is None:
            return ""
        num_id, level = found
        if num_id not in self.nums:
            return ""
        abstract_id, restarts = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {}) | self.redefined.get(num_id, {})
        if level not in levels or levels[level].fmt == "bullet":
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.used:
            self.used.add(num_id)
            for overridden, start in restarts.items():
                counters[overridden] = start - 1
                for deeper in [k for k in counters if k > overridden]:
                    del counters[deeper]
        counters[level] = counters.get(level, levels[level].start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        return self._text(levels, counters, level)

    @staticmethod
    def _text(levels: dict[int, Level], counters: dict[int, int], level: int) -> str:
        text = levels[level].text
        if levels[level].fmt == "none":
            return "".join(part for part in text.split("%") if not part[:1].isdigit())
        for k in range(9, 0, -1):
            if f"%{k}" in text:
                shown = levels.get(k - 1, Level())
                value = counters.get(k - 1, shown.start)
                text = text.replace(f"%{k}", format_number(value, shown.fmt))
        return text

    def _num_pr(self, p_element) -> tuple[str, int] | None:
        ppr = p_element.find(f"{W}pPr")
        num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
        num_id = _val(num_pr, "numId") if num_pr is not None else None
        level = _int(_val(num_pr, "ilvl")) if num_pr is not None else None
        if num_id is None:
            style = _val(ppr, "pStyle") if ppr is not None else None
            num_id, style_level = self._style_num(style)
            level = style_level if style_level is not None else self._linked_level(num_id, style)
        if num_id is None or num_id == "0":  # numId 0 switches a style's numbering off
            return None
        return num_id, level or 0

    def _chain(self, style: str | None) -> list[str]:
        """The style and the styles it is based on, guarded against loops."""
        chain: list[str] = []
        while style and style not in chain:
            chain.append(style)
            style = self.styles.get(style, (None, None, None))[2]
        return chain

    def _style_num(self, style: str | None) -> tuple[str | None, int | None]:
        for name in self._chain(style):
            num_id, level, _ = self.styles.get(name, (None, None, None))
            if num_id is not None:
                return num_id, level
        return None, None

    def _linked_level(self, num_id: str | None, style: str | None) -> int:
        """A style-numbered paragraph sits on the level that names its style (w:pStyle)."""
        levels = self.abstract.get(self.nums.get(num_id or "", ("", {}))[0], {})
        for name in self._chain(style):
            for index, level in levels.items():
                if level.style == name:
                    return index
        return 0


def _val(element, tag: str) -> str | None:
    child = element.find(f"{W}{tag}") if element is not None else None
    return child.get(f"{W}val") if child is not None else None


def _int(text: str | None, default: int | None = None) -> int | None:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _levels(element) -> dict[int, Level]:
    levels = {}
    for lvl in element.iter(f"{W}lvl"):
        index = _int(lvl.get(f"{W}ilvl"), 0) or 0
        text = _val(lvl, "lvlText")
        levels[index] = Level(start=_int(_val(lvl, "start"), 1) or 0,
                              fmt=_val(lvl, "numFmt") or "decimal",
                              text=text if text is not None else "", style=_val(lvl, "pStyle"))
    return levels


def read_numbering(numbering_element, styles_element) -> Numbering:
    """The definitions from numbering.xml and styles.xml (either may be None)."""
    numbering = Numbering()
    if numbering_element is not None:
        for abstract in numbering_element.iter(f"{W}abstractNum"):
            numbering.abstract[abstract.get(f"{W}abstractNumId") or ""] = _levels(abstract)
        for num in numbering_element.iter(f"{W}num"):
            num_id = num.get(f"{W}numId") or ""
            restarts = {}
            for override in num.iter(f"{W}lvlOverride"):
                index = _int(override.get(f"{W}ilvl"), 0) or 0
                redefined = _levels(override)
                if index in redefined:  # a whole level redefined: it starts at its own start
                    numbering.redefined.setdefault(num_id, {})[index] = redefined[index]
                    restarts[index] = redefined[index].start
                start = _int(_val(override, "startOverride"))
                if start is not None:
                    restarts[index] = start
            numbering.nums[num_id] = (_val(num, "abstractNumId") or "", restarts)
    if styles_element is not None:
        for style in styles_element.iter(f"{W}style"):
            ppr = style.find(f"{W}pPr")
            num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
            numbering.styles[style.get(f"{W}styleId") or ""] = (
                _val(num_pr, "numId") if num_pr is not None else None,
                _int(_val(num_pr, "ilvl")) if num_pr is not None else None,
                _val(style, "basedOn"))
    return numbering

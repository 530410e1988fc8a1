"""The input grammar of a letter's `format:`: font names, font sizes (号 or points), line
spacing and lengths, as Chinese bid teams and tenders write them (仿宋_GB2312 三号, 宋体小四,
1.5倍行距, 固定值28磅, 37mm).

Only reading lives here (layer 1); which embedded face draws a font in the PDF is the render
layer's (generator/render/formatting.py), keyed by the `FontStyle` a name reads as.
"""

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class FontStyle(StrEnum):
    """The kind of face a font name stands for; the PDF embeds a free face of that kind."""

    SONG = "song"
    """宋体/明体 (SimSun, 新細明體): serif body text."""
    HEI = "hei"
    """黑体 (SimHei, 微软雅黑): sans headings."""
    FANGSONG = "fangsong"
    """仿宋 (仿宋_GB2312): the body face of official documents."""
    KAI = "kai"
    """楷体 (楷体_GB2312, 標楷體): second-level headings of official documents, Taiwan forms."""
    XIAOBIAOSONG = "xiaobiaosong"
    """小标宋 (方正小标宋简体): the title face of official documents (a heavy Song)."""


# Every name a Word user picks for a face, folded (casefold, no blanks); the DOCX keeps the
# name as written, so Word and WPS use the real face when the reader has it.
FONT_NAMES: dict[str, FontStyle] = {
    **dict.fromkeys(
        [
            "宋体",
            "宋體",
            "simsun",
            "nsimsun",
            "新宋体",
            "明体",
            "明體",
            "新细明体",
            "新細明體",
            "pmingliu",
            "mingliu",
            "细明体",
            "細明體",
            "songti",
            "stsong",
            "华文宋体",
        ],
        FontStyle.SONG,
    ),
    **dict.fromkeys(
        [
            "黑体",
            "黑體",
            "simhei",
            "微软雅黑",
            "微軟正黑體",
            "microsoftyahei",
            "heiti",
            "stheiti",
            "华文黑体",
            "方正黑体",
            "方正黑体简体",
        ],
        FontStyle.HEI,
    ),
    **dict.fromkeys(
        [
            "仿宋",
            "仿宋_gb2312",
            "仿宋体",
            "仿宋體",
            "fangsong",
            "fangsong_gb2312",
            "stfangsong",
            "华文仿宋",
            "方正仿宋",
            "方正仿宋简体",
            "方正仿宋_gbk",
        ],
        FontStyle.FANGSONG,
    ),
    **dict.fromkeys(
        [
            "楷体",
            "楷體",
            "楷体_gb2312",
            "标楷体",
            "標楷體",
            "kaiti",
            "kaiti_gb2312",
            "dfkai-sb",
            "stkaiti",
            "华文楷体",
            "方正楷体",
            "方正楷体简体",
            "方正楷体_gbk",
        ],
        FontStyle.KAI,
    ),
    **dict.fromkeys(
        ["小标宋", "方正小标宋", "方正小标宋简体", "方正小标宋_gbk", "小標宋", "华文中宋"],
        FontStyle.XIAOBIAOSONG,
    ),
}


def font_style(name: str) -> FontStyle | None:
    """The kind of face `name` stands for, or None for a name the tool does not know."""
    return FONT_NAMES.get(re.sub(r"\s+", "", name).casefold())


# 字号: the Chinese type sizes, in points (GB/T 9704 and Word's size list).
SIZE_NAMES: dict[str, Decimal] = {
    "初号": Decimal("42"),
    "小初": Decimal("36"),
    "一号": Decimal("26"),
    "小一": Decimal("24"),
    "二号": Decimal("22"),
    "小二": Decimal("18"),
    "三号": Decimal("16"),
    "小三": Decimal("15"),
    "四号": Decimal("14"),
    "小四": Decimal("12"),
    "五号": Decimal("10.5"),
    "小五": Decimal("9"),
    "六号": Decimal("7.5"),
    "小六": Decimal("6.5"),
    "七号": Decimal("5.5"),
    "八号": Decimal("5"),
}
_TRADITIONAL = str.maketrans({"號": "号", "體": "体"})
_POINTS = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:pt|磅|points?)?$", re.IGNORECASE)
_MULTIPLE = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:倍(?:行距)?|x|×|lines?)?$", re.IGNORECASE)
_EXACT = re.compile(r"^(?:固定值|固定|exactly)?\s*(\d+(?:\.\d+)?)\s*(?:pt|磅)$", re.IGNORECASE)
_MULTIPLE_WORDS = {
    "单倍": Decimal(1),
    "单倍行距": Decimal(1),
    "1.5倍行距": Decimal("1.5"),
    "双倍": Decimal(2),
    "双倍行距": Decimal(2),
    "single": Decimal(1),
    "double": Decimal(2),
}
_LENGTH = re.compile(r"^(\d+(?:\.\d+)?)\s*(mm|毫米|cm|厘米|公分|in|英寸|pt|磅)$", re.IGNORECASE)
_MM_PER = {
    "mm": Decimal(1),
    "毫米": Decimal(1),
    "cm": Decimal(10),
    "厘米": Decimal(10),
    "公分": Decimal(10),
    "in": Decimal("25.4"),
    "英寸": Decimal("25.4"),
    "pt": Decimal("25.4") / 72,
    "磅": Decimal("25.4") / 72,
}


def _number(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:  # the patterns only pass digits; kept for safety
        raise ValueError(f"{text!r} is not a number") from None


def parse_size(text: str) -> Decimal:
    """A font size in points: 小四, 三号, 五號, 12pt, 10.5磅, 12 (points)."""
    folded = re.sub(r"\s+", "", text).translate(_TRADITIONAL)
    if folded.endswith("字"):
        folded = folded[:-1]
    if folded in SIZE_NAMES:
        return SIZE_NAMES[folded]
    if (m := _POINTS.match(folded)) and Decimal(0) < (size := _number(m[1])) <= 72:
        return size
    names = "、".join(SIZE_NAMES)
    raise ValueError(f'"{text}" is not a font size: write a 字号 ({names}) or points (12pt)')


def parse_spacing(text: str) -> tuple[str, Decimal]:
    """Line spacing as ("multiple", 1.5) or ("exact", points): 1.5, 1.5倍, 单倍, 28pt,
    固定值28磅 (a multiple of the font's line, or a fixed line height)."""
    folded = re.sub(r"\s+", "", text)
    if folded in _MULTIPLE_WORDS:
        return "multiple", _MULTIPLE_WORDS[folded]
    if (m := _EXACT.match(folded)) and Decimal(4) <= (points := _number(m[1])) <= 200:
        return "exact", points
    if (m := _MULTIPLE.match(folded)) and Decimal("0.5") <= (factor := _number(m[1])) <= 5:
        return "multiple", factor
    raise ValueError(
        f'"{text}" is not a line spacing: write a multiple (1.5, 1.5倍, 单倍) or a fixed line '
        "height (28pt, 固定值28磅)"
    )


def parse_length(text: str) -> Decimal:
    """A length in millimetres: 25mm, 2.5cm, 37毫米, 1in, 72pt (0–100 mm)."""
    folded = re.sub(r"\s+", "", text)
    if (m := _LENGTH.match(folded)) is None:
        raise ValueError(f'"{text}" is not a length: write it with its unit (25mm, 2.5cm)')
    mm = _number(m[1]) * _MM_PER[m[2].lower()]
    if mm > 100:
        raise ValueError(f'"{text}" is longer than a page margin can be (100 mm)')
    return mm.quantize(Decimal("0.01"))


# `header:` words that mean "no header", as a bid team writes them (none; 无, 不要页眉 …):
# printed, they would put the word itself at the top of every page.
NO_HEADER_WORDS = frozenset(
    {"none", "no", "false", "无", "無", "不要", "无页眉", "無頁眉", "不设页眉", "不要页眉"}
)


def no_header(text: str) -> bool:
    """Whether a `header:` value asks for no header."""
    return re.sub(r"\s+", "", text).casefold() in NO_HEADER_WORDS

"""Typed quantities: durations, frequencies and daily on-duty windows.

Each value is parsed once from YAML text (English or Chinese), keeps its unit, and is compared
by its type, so no code ever compares a bare number. `str()` of every type is a canonical
English form that `parse` reads back to an equal value; how a reader sees a value is the
locale's (`generator.locale.Locale.value`).
"""

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from generator.errors import GeneratorError

__all__ = [
    "Bound",
    "Count",
    "DailyWindow",
    "DailyWindowField",
    "Duration",
    "DurationField",
    "Frequency",
    "FrequencyField",
    "NotComparable",
    "QuantityError",
    "Unit",
    "WorkingDayRule",
    "chinese_number",
    "parse_bound",
]


class QuantityError(ValueError):
    """Text that is not a valid quantity; `str()` is the message to print.

    A ValueError so pydantic validators report it as a validation error with this message.
    `key` names the same message in the locale's catalog (`problem.quantity.<key>`, said with
    `said` as its arguments) for readers of another language, such as the workspace's form;
    "" when the catalog has no wording for it.
    """

    def __init__(self, message: str, key: str = "", **said: str) -> None:
        super().__init__(message)
        self.key = key
        self.said = said

    def __reduce__(self) -> tuple[type["QuantityError"], tuple[str]]:
        return (QuantityError, (str(self),))


class NotComparable(GeneratorError):
    """Two quantities cannot be compared without an assumption the caller did not give."""


class Unit(StrEnum):
    """Units of a duration. Values are the canonical English unit words used by `str()`."""

    MINUTE = "min"
    HOUR = "h"
    DAY = "day"  # calendar (natural) day, 自然日 / 天
    WORKING_DAY = "working day"
    MONTH = "month"
    YEAR = "year"


# Each family converts exactly inside itself, in its base unit (minutes / months / working days).
_TIME_MINUTES: dict[Unit, int] = {Unit.MINUTE: 1, Unit.HOUR: 60, Unit.DAY: 1440}
_CALENDAR_MONTHS: dict[Unit, int] = {Unit.MONTH: 1, Unit.YEAR: 12}


def _family(unit: Unit) -> str:
    if unit in _TIME_MINUTES:
        return "time"
    if unit in _CALENDAR_MONTHS:
        return "calendar"
    return "working"


def _blocker(a: Unit, b: Unit, rule: "WorkingDayRule | None") -> str | None:
    """Why durations in units `a` and `b` cannot be compared, or None if they can."""
    families = {_family(a), _family(b)}
    if len(families) == 1:
        return None
    if families == {"time", "calendar"}:
        return "because months and years have no fixed length in days"
    if "calendar" in families:
        return "because working days do not convert to months or years"
    return None if rule is not None else "without a working-day rule"


@dataclass(frozen=True)
class WorkingDayRule:
    """The assumption that lets working days be compared with minutes, hours and days.

    With a rule, 1 working day counts as `hours_per_working_day` hours. Use 24 to treat a
    working day as one elapsed day, 8 to count only office hours; the choice is the caller's.
    Working days never convert to months or years.
    """

    hours_per_working_day: Decimal

    def __post_init__(self) -> None:
        hours = Decimal(self.hours_per_working_day)
        if not hours.is_finite() or not 0 < hours <= 24:
            raise QuantityError(
                f"a working day must count as more than 0 and at most 24 hours, not {hours}"
            )
        object.__setattr__(self, "hours_per_working_day", hours)


_EXAMPLE = 'write e.g. "18 months" or "18个月"'
# Words for "no limit" on a length of time (终身质保, 不限工时) and on a count (不限次数).
_UNLIMITED_TIME = {
    *("终身", "终生", "永久", "无限期", "不限期", "不限时", "不限时间", "无限工时", "不限工时"),
    *("不限", "无限", "unlimited", "lifetime", "no limit"),
}
_UNLIMITED_COUNT = {
    "不限",
    "无限",
    "不限次数",
    "无限次",
    "无限次数",
    "不限次",
    "unlimited",
    "no limit",
}
_IMMEDIATE = {"立即", "立刻", "马上", "immediately", "immediate"}

# English unit words: alias -> (unit, multiplier). Weeks become days so no WEEK unit is needed.
_EN_UNITS: dict[str, tuple[Unit, int]] = {
    **dict.fromkeys(("min", "mins", "minute", "minutes"), (Unit.MINUTE, 1)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), (Unit.HOUR, 1)),
    **dict.fromkeys(
        ("d", "day", "days", "calendar day", "calendar days", "natural day", "natural days"),
        (Unit.DAY, 1),
    ),
    **dict.fromkeys(("week", "weeks", "wk", "wks"), (Unit.DAY, 7)),
    **dict.fromkeys(
        (
            "working day",
            "working days",
            "business day",
            "business days",
            "workday",
            "workdays",
            "work day",
            "work days",
            "weekday",
            "weekdays",
        ),
        (Unit.WORKING_DAY, 1),
    ),
    **dict.fromkeys(("month", "months", "mo", "mos"), (Unit.MONTH, 1)),
    **dict.fromkeys(("year", "years", "y", "yr", "yrs"), (Unit.YEAR, 1)),
}
# Chinese unit words. A bare 月 is left out on purpose: "3月" reads as March, so it must be 3个月.
# 自然日 / 日历天 (natural, calendar) say plainly that weekends count; 工作天 is Taiwan's 工作日.
_ZH_UNITS: dict[str, tuple[Unit, int]] = {
    "分钟": (Unit.MINUTE, 1),
    "分": (Unit.MINUTE, 1),
    "小时": (Unit.HOUR, 1),
    "钟头": (Unit.HOUR, 1),
    "天": (Unit.DAY, 1),
    "日": (Unit.DAY, 1),
    "自然日": (Unit.DAY, 1),
    "自然天": (Unit.DAY, 1),
    "日历日": (Unit.DAY, 1),
    "日历天": (Unit.DAY, 1),
    "周": (Unit.DAY, 7),
    "星期": (Unit.DAY, 7),
    "工作日": (Unit.WORKING_DAY, 1),
    "工作天": (Unit.WORKING_DAY, 1),
    "个月": (Unit.MONTH, 1),
    "自然月": (Unit.MONTH, 1),
    "年": (Unit.YEAR, 1),
    "自然年": (Unit.YEAR, 1),
}

# Everyday numerals and the financial (大写) ones contracts use so a digit cannot be altered.
_ZH_DIGITS = {
    **dict.fromkeys("零〇", 0),
    **dict.fromkeys("一壹", 1),
    **dict.fromkeys("二两俩贰", 2),
    **dict.fromkeys("三叁", 3),
    **dict.fromkeys("四肆", 4),
    **dict.fromkeys("五伍", 5),
    **dict.fromkeys("六陆", 6),
    **dict.fromkeys("七柒", 7),
    **dict.fromkeys("八捌", 8),
    **dict.fromkeys("九玖", 9),
}
_ZH_MULTIPLIERS = {
    **dict.fromkeys("十拾", 10),
    **dict.fromkeys("百佰", 100),
    **dict.fromkeys("千仟", 1000),
}
_NUMBER_CHARS = "0123456789." + "".join(_ZH_DIGITS) + "".join(_ZH_MULTIPLIERS)
_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u3000-\u9fff]")


# Traditional characters that occur in quantities, mapped to Simplified so Taiwan and Hong Kong
# spellings (3個月, 24小時, 每週一次, 終身, 貳年) read like mainland ones. A short table rather
# than a conversion library: only these words are ever parsed, and every entry is one to one.
_TRADITIONAL = str.maketrans(
    {
        "個": "个",
        "時": "时",
        "鐘": "钟",
        "週": "周",
        "終": "终",
        "內": "内",
        "於": "于",
        "兩": "两",
        "倆": "俩",
        "貳": "贰",
        "參": "叁",
        "陸": "陆",
        "曆": "历",
        "歷": "历",
        "數": "数",
        "無": "无",
        "間": "间",
        "斷": "断",
        "應": "应",
        "檢": "检",
        "臺": "台",
        "場": "场",
        "備": "备",
        "維": "维",
        "護": "护",
        "養": "养",
        "進": "进",
        "頭": "头",
        "項": "项",
    }
)


def _normalise(text: str) -> str:
    """NFKC turns full-width digits, colons and letters into ASCII (１８ -> 18, ： -> :), and
    Traditional characters that occur in quantities become Simplified (個月 -> 个月)."""
    return unicodedata.normalize("NFKC", text).translate(_TRADITIONAL).strip()


def chinese_number(text: str) -> Decimal:
    """Read a non-negative number written in Arabic digits or Chinese numerals.

    Accepts `18`, `１８`, `1.5`, `十八`, `二十四`, `两`, `一百二十`, `一百零五`.
    Raises QuantityError for anything else.
    """
    s = _normalise(text)
    if _ARABIC.fullmatch(s):
        return Decimal(s)
    total = 0
    pending: int | None = None  # a digit waiting for its multiplier (or for the end)
    last_multiplier = 10**9  # multipliers must fall, as in 一百二十
    for ch in s:
        if ch in _ZH_DIGITS:
            if pending not in (None, 0):  # 二三 is not a number; 零 may be followed by a digit
                break
            pending = _ZH_DIGITS[ch]
        elif ch in _ZH_MULTIPLIERS:
            multiplier = _ZH_MULTIPLIERS[ch]
            if multiplier >= last_multiplier or pending == 0:
                break
            total += (1 if pending is None else pending) * multiplier
            last_multiplier, pending = multiplier, None
        else:
            break
    else:
        if s:
            return Decimal(total + (pending or 0))
    raise QuantityError(f'"{text.strip()}" is not a number')


Bound = Literal["at_least", "at_most", "more_than", "less_than"]
"""What a bound word says about the number it qualifies.

at_least / at_most include the number itself, as 以上 / 以下 / 以内 do in Chinese law
(民法典 第1259条); more_than / less_than (超过, 少于, 不满) exclude it.
"""

# Bound words that may stand anywhere (不少于2年, 每季度不少于1次, at least twice a year).
# Longest first, and each strict word only after the inclusive ones that contain it
# (不少于 before 少于, 不超过 before 超过), which are removed from the text once found.
_BOUND_WORDS: tuple[tuple[str, Bound], ...] = (
    *((w, "at_least") for w in ("大于或等于", "大于等于", "不得少于", "不得低于", "不得短于")),
    *((w, "at_least") for w in ("不少于", "不低于", "不小于", "不短于", "至少", "最少", "最低")),
    *((w, "at_least") for w in ("≥", "≧", ">=", "at least", "no less than", "not less than")),
    *((w, "at_most") for w in ("小于或等于", "小于等于", "不得超过", "不得多于", "不得长于")),
    *((w, "at_most") for w in ("不超过", "不多于", "不高于", "不大于", "不长于", "不迟于")),
    *((w, "at_most") for w in ("至多", "最多", "最长", "最迟", "≤", "≦", "<=")),
    *((w, "at_most") for w in ("at most", "no more than", "not more than", "within", "up to")),
    *((w, "more_than") for w in ("超过", "多于", "大于", "高于", "长于", ">", "more than")),
    *((w, "less_than") for w in ("少于", "低于", "小于", "短于", "不满", "不足", "<", "less than")),
)
# Bound words that close the text: 2年以上, 24小时以内, 内24小时 (a leading 内 as in 内24小时).
_BOUND_SUFFIXES: tuple[tuple[str, Bound], ...] = (
    *((w, "at_least") for w in ("及以上", "或以上", "以上", "or more", "or longer", "+")),
    *((w, "at_most") for w in ("及以下", "或以下", "以下", "以内", "之内", "内", "or less")),
)
# (含) / (含6年) / (含本数) only repeat that the number itself is included.
_INCLUSIVE = re.compile(r"\(含[^()]*\)")
_BOUND_NAMES: dict[Bound, str] = {
    "at_least": "at least",
    "at_most": "at most",
    "more_than": "more than",
    "less_than": "less than",
}


def parse_bound(text: str) -> tuple[Bound | None, str]:
    """Split a value copied from a tender into its bound and the value itself.

    `不少于2年` -> ("at_least", "2年"), `24小时以内` -> ("at_most", "24小时"),
    `6年(含6年)以上` -> ("at_least", "6年"), `每季度不少于1次` -> ("at_least", "每季度1次"),
    `≤24小时` -> ("at_most", "24小时"), `超过2年` -> ("more_than", "2年"), `2年` -> (None, "2年").
    The rest is normalised (full-width and Traditional forms folded) and stripped of spaces
    at its ends. QuantityError when the text names two different bounds (不少于2年以内).
    """
    s = _INCLUSIVE.sub("", _normalise(text)).strip()
    found: list[tuple[str, Bound]] = []
    for word, bound in _BOUND_WORDS:
        at = s.lower().find(word)
        if at >= 0:
            s = (s[:at] + s[at + len(word) :]).strip()
            found.append((word, bound))
    for word, bound in _BOUND_SUFFIXES:
        if s.lower().endswith(word) and len(s) > len(word):
            s = s[: -len(word)].strip()
            found.append((word, bound))
            break
    if s.startswith("内") and len(s) > 1:
        s = s[1:]
        found.append(("内", "at_most"))
    kinds = {bound for _, bound in found}
    if len(kinds) > 1:
        words = " and ".join(f'"{word}" ({_BOUND_NAMES[bound]})' for word, bound in found)
        raise QuantityError(
            f"{_quote(text)} has two bounds that disagree: {words}", "bounds", value=_bare(text)
        )
    s = _INCLUSIVE.sub("", s).strip()
    return (found[0][1] if found else None), s


def _without_bound(text: str) -> str:
    """The value of `text` with an inclusive bound word removed; strict bounds are refused
    because the value they name is not itself allowed (超过2年 is not 2 years)."""
    bound, rest = parse_bound(text)
    if bound in ("more_than", "less_than"):
        raise QuantityError(
            f"{_quote(text)} excludes the number itself ({_BOUND_NAMES[bound]}); "
            "write the limit it includes, with 不少于, 以上, 不超过 or 以内",
            "strict",
            value=_bare(text),
        )
    return rest


def format_number(value: Decimal) -> str:
    """Arabic digits, no exponent, no trailing zeros: 18, 1.5, 0.25."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


MAX_VALUE = 1_000_000


def _bare(text: str) -> str:
    """The input as a message quotes it, without the quotes (for the locale's own marks)."""
    return _quote(text)[1:-1]


def _quote(text: str, limit: int = 40) -> str:
    """The input as messages quote it, cut short so a runaway value cannot flood the screen."""
    text = text.strip()
    return f'"{text[:limit]}…"' if len(text) > limit else f'"{text}"'


def _check_value(value: Decimal | int, what: str) -> Decimal:
    try:
        # str() first so a float 0.1 becomes 0.1, not its binary expansion.
        number = Decimal(str(value) if isinstance(value, float) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise QuantityError(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise QuantityError(f"{what} must be a finite number, not {number}")
    if number < 0:
        raise QuantityError(f"{what} must be 0 or more, not {number}")
    if number > MAX_VALUE:
        # No promise runs a million units; the cap also keeps huge inputs from exhausting
        # Python's int conversion limits when the value is printed.
        raise QuantityError(
            f"{what} of more than {MAX_VALUE} is not a real promise",
            "too_large",
            max=str(MAX_VALUE),
        )
    return _tidy(number)


def _tidy(number: Decimal) -> Decimal:
    """Drop trailing zeros without an exponent, so 18.0 prints as 18 and 20 stays 20."""
    return Decimal(int(number)) if number == number.to_integral_value() else number.normalize()


@dataclass(frozen=True)
class Duration:
    """A length of time with its unit, e.g. 8 h, 30 min, 3 working days, 18 months.

    `==` compares value and unit as written (36 months != 3 years); use `same_as` for quantity
    equality and `<`/`compare` for order. Comparing across unit families (time, working days,
    months/years) raises NotComparable unless a WorkingDayRule bridges working days and time.
    """

    value: Decimal
    unit: Unit

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _check_value(self.value, "a duration"))
        object.__setattr__(self, "unit", Unit(self.unit))

    @classmethod
    def unlimited(cls) -> "Duration":
        """终身 / 不限 / unlimited: longer than any finite duration in any unit.

        Its value is Decimal('Infinity') in years, so arithmetic and `to` stay infinite rather
        than turning into a number; `is_unlimited` tells it apart. It cannot be built with the
        constructor, which takes finite values only.
        """
        return _UNLIMITED_DURATION

    @property
    def is_unlimited(self) -> bool:
        """True for `Duration.unlimited()` (终身, 不限, 无限工时)."""
        return not self.value.is_finite()

    @classmethod
    def parse(cls, text: str, *, unlimited: bool = False) -> "Duration":
        """Read English (`8h`, `3 working days`) or Chinese (`8小时`, `十八个月`) text.

        半小时 reads as 30 min, 半年 as 6 months and 一年半 as 18 months, so halves of hours
        and years come out whole. 立即 / immediately / 0min read as 0 min. Traditional
        (3個月, 24小時) and financial numerals (叁年) read as their everyday forms. An inclusive
        bound word is dropped (不少于2年, 2年(含)以上, 24小时以内 read as 2 years / 24 h; use
        `parse_bound` to learn it); a strict one (超过2年) is refused.

        终身 / 不限 / 无限工时 / unlimited read as `Duration.unlimited()` only when `unlimited` is
        True (the caller knows an unlimited value makes sense there and can word it).
        """
        quoted = _quote(text)
        if not _normalise(text):
            raise QuantityError(f"a duration cannot be empty ({_EXAMPLE})", "empty")
        s = _without_bound(text)
        if not s:
            raise QuantityError(
                f"{quoted} has no number ({_EXAMPLE})", "no_number", value=quoted[1:-1]
            )
        if re.sub(r"\s+", " ", s.lower()) in _UNLIMITED_TIME:
            if not unlimited:
                raise QuantityError(
                    f"{quoted} means unlimited, which this value cannot be",
                    "unlimited",
                    value=quoted[1:-1],
                )
            return _UNLIMITED_DURATION
        if s.lower() in _IMMEDIATE:
            return cls(Decimal(0), Unit.MINUTE)
        if s.startswith("-"):
            raise QuantityError(
                f"{quoted} is negative; a duration must be 0 or more",
                "negative",
                value=quoted[1:-1],
            )
        if _CJK.search(s):
            return cls._parse_zh(s, quoted)
        return cls._parse_en(s.lower(), quoted)

    @classmethod
    def _parse_en(cls, s: str, quoted: str) -> "Duration":
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([a-z][a-z ]*?)?", s)
        if match is None:
            raise QuantityError(
                f"{quoted} is not a duration ({_EXAMPLE})",
                "not_a",
                value=quoted[1:-1],
                what="duration",
            )
        number, word = match.group(1), re.sub(r"\s+", " ", match.group(2) or "")
        if not word:
            raise QuantityError(f"{quoted} has no unit ({_EXAMPLE})", "no_unit", value=quoted[1:-1])
        if word not in _EN_UNITS:
            # Suggest only spelled-out words: "mounths" -> "months", never "mo".
            words = [w for w in _EN_UNITS if len(w) > 3]
            raise _unknown_unit(quoted, word, number + " ", words)
        unit, multiplier = _EN_UNITS[word]
        return cls(Decimal(number) * multiplier, unit)

    @classmethod
    def _parse_zh(cls, s: str, quoted: str) -> "Duration":
        s = re.sub(r"\s+", "", s)
        split = len(s) - len(s.lstrip(_NUMBER_CHARS))
        number_text, rest = s[:split], s[split:]
        number = chinese_number(number_text) if number_text else None
        # 一个半小时 / 一年半 add a half; 半小时 / 半年 / 半个月 are a half on their own.
        half = False
        if rest.startswith("个半") and number is not None:
            rest, half = "个" + rest[2:], True
        elif rest.startswith("半") and number is None:
            rest, half = rest[1:], True
        elif rest.endswith("半") and number is not None:
            rest, half = rest[:-1], True
        if rest.startswith("个") and rest != "个月":
            rest = rest[1:]
        if not rest:
            raise QuantityError(f"{quoted} has no unit ({_EXAMPLE})", "no_unit", value=quoted[1:-1])
        if half and rest == "月":
            rest = "个月"  # 半月 is half a month, as 半个月
        if rest not in _ZH_UNITS:
            # The number as written, halves and 个 included; None when the unit is not last.
            before = s.removesuffix(rest) if s.endswith(rest) else None
            raise _unknown_unit(quoted, rest, before, list(_ZH_UNITS))
        if number is None and not half:
            raise QuantityError(
                f"{quoted} has no number ({_EXAMPLE})", "no_number", value=quoted[1:-1]
            )
        unit, multiplier = _ZH_UNITS[rest]
        value = ((number or Decimal(0)) + (Decimal("0.5") if half else 0)) * multiplier
        if half and unit is Unit.HOUR and number is None:
            return cls(Decimal(30), Unit.MINUTE)
        if half and unit is Unit.YEAR:
            return cls(value * 12, Unit.MONTH)
        return cls(value, unit)

    def to(self, unit: Unit, rule: WorkingDayRule | None = None) -> Decimal:
        """This duration expressed in `unit` (exact within a family, 28 significant digits)."""
        target = Unit(unit)
        if target is self.unit or self.is_unlimited:
            return self.value
        reason = _blocker(self.unit, target, rule)
        if reason is not None:
            name = target.name.lower().replace("_", " ")
            raise NotComparable(f"cannot convert {self} to {name}s {reason}")
        one = Duration(Decimal(1), target)
        return self._in_base(target, rule) / one._in_base(self.unit, rule)

    def _in_base(self, other: Unit, rule: WorkingDayRule | None) -> Decimal:
        """Value in the base unit shared with `other`: months, working days or minutes."""
        if self.unit in _CALENDAR_MONTHS:
            return self.value * _CALENDAR_MONTHS[self.unit]
        if self.unit is Unit.WORKING_DAY:
            if other is Unit.WORKING_DAY or rule is None:
                return self.value
            return self.value * rule.hours_per_working_day * 60
        return self.value * _TIME_MINUTES[self.unit]

    def compare(self, other: "Duration", rule: WorkingDayRule | None = None) -> int:
        """-1, 0 or 1 as this duration is shorter than, as long as, or longer than `other`."""
        if self.is_unlimited or other.is_unlimited:
            return self.is_unlimited - other.is_unlimited
        reason = _blocker(self.unit, other.unit, rule)
        if reason is not None:
            raise NotComparable(f"cannot compare {self} with {other} {reason}")
        mine, theirs = self._in_base(other.unit, rule), other._in_base(self.unit, rule)
        return (mine > theirs) - (mine < theirs)

    def same_as(self, other: "Duration", rule: WorkingDayRule | None = None) -> bool:
        """Quantity equality: 36 months is the same as 3 years. Raises NotComparable."""
        return self.compare(other, rule) == 0

    def bounds_in_minutes(self, rule: WorkingDayRule | None = None) -> tuple[Decimal, Decimal]:
        """The shortest and longest this duration can last, in minutes, on any calendar.

        Minutes, hours and days are exact (a day is 24 hours, as everywhere here). Months and
        years follow the Gregorian calendar: 12 consecutive months are 365 or 366 days, and the
        months left over are as short or as long as that many consecutive months can be (1: 28
        to 31 days, 2: 59 to 62, ...). Unlimited is (Infinity, Infinity).

        Working days are exact under a `rule`. Without one, N working days last at least N days
        (each is a day; 调休 make-up days can put seven or more in a row, so no weekend is
        counted on) and at most W + 2⌈W/5⌉ days, where W = N + H weekdays: the longest W
        weekdays take is starting on a Saturday with a weekend every five, and H is the
        weekdays that public holidays can close, min(7⌈N/15⌉, 28⌈N/240⌉): at most 7 in a month
        (国庆 with 中秋 closes 6 or 7), at most 28 in a year's working days (about 18 a year:
        13 statutory days and the weekdays swapped for make-up weekend days, plus a second 春节
        when the lunar calendar puts two into one span). So 1 working day lasts 1 to 12 days,
        3 last 3 to 14: wide, but never narrower than a real calendar.
        """
        if self.is_unlimited:
            return self.value, self.value
        if _family(self.unit) == "time":
            exact = self.value * _TIME_MINUTES[self.unit]
            return exact, exact
        if self.unit is Unit.WORKING_DAY:
            if rule is not None:
                exact = self.value * rule.hours_per_working_day * 60
                return exact, exact
            n = self.value
            weekdays = n + min(7 * _ceil(n / 15), 28 * _ceil(n / 240))
            return n * 1440, (weekdays + 2 * _ceil(weekdays / 5)) * 1440
        low, high = _month_span_days(self.value * _CALENDAR_MONTHS[self.unit])
        return low * 1440, high * 1440

    def compare_bounds(self, other: "Duration", rule: WorkingDayRule | None = None) -> int | None:
        """Like `compare`, but across unit families by the possible ranges: None if undecided.

        Within a family (or working days and time under a `rule`) this is `compare`. Across
        families it is -1 or 1 when one range lies wholly below the other (1 day < 1 year,
        400 days > 1 year), and None when they overlap or touch (365 days against 1 year:
        1 year may be 365 or 366 days). Never raises NotComparable.
        """
        if _blocker(self.unit, other.unit, rule) is None or self.is_unlimited or other.is_unlimited:
            return self.compare(other, rule)
        (mine_lo, mine_hi), (theirs_lo, theirs_hi) = (
            self.bounds_in_minutes(rule),
            other.bounds_in_minutes(rule),
        )
        if mine_lo > theirs_hi:
            return 1
        if mine_hi < theirs_lo:
            return -1
        return None

    def is_at_least(self, other: "Duration", rule: WorkingDayRule | None = None) -> bool | None:
        """True if this lasts at least as long as `other` on every calendar, False if it is
        shorter on every calendar, None if that depends on the calendar.

        366 days is at least 1 year (True); 365 days is at least 1 year only in common years
        (None); 3 working days is at least 72 hours (True).
        """
        if _blocker(self.unit, other.unit, rule) is None or self.is_unlimited or other.is_unlimited:
            return self.compare(other, rule) >= 0
        (mine_lo, mine_hi), (theirs_lo, theirs_hi) = (
            self.bounds_in_minutes(rule),
            other.bounds_in_minutes(rule),
        )
        if mine_lo >= theirs_hi:
            return True
        if mine_hi < theirs_lo:
            return False
        return None

    def is_at_most(self, other: "Duration", rule: WorkingDayRule | None = None) -> bool | None:
        """True if this lasts no longer than `other` on every calendar, False if it is longer
        on every calendar, None if that depends on the calendar (365 days is at most 1 year)."""
        return other.is_at_least(self, rule)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Duration):
            return NotImplemented
        return self.compare(other) < 0

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Duration):
            return NotImplemented
        return self.compare(other) <= 0

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Duration):
            return NotImplemented
        return self.compare(other) > 0

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Duration):
            return NotImplemented
        return self.compare(other) >= 0

    @property
    def is_immediate(self) -> bool:
        """Zero minutes, hours, days or working days (立即); zero months is just zero."""
        return self.value == 0 and _family(self.unit) != "calendar"

    # How a reader sees the value is the locale's (Locale.value, messages/quantity.yaml);
    # this is only the form the parser reads back, for diagnostics and files.
    def __str__(self) -> str:
        """Canonical form that `parse` reads back: 8 h, 30 min, 3 working days, 18 months."""
        if self.is_unlimited:
            return "unlimited"
        number = format_number(self.value)
        if self.unit in (Unit.MINUTE, Unit.HOUR):
            return f"{number} {self.unit}"
        return f"{number} {self.unit}{'' if self.value == 1 else 's'}"


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)


def _consecutive_month_days(leap: bool) -> list[tuple[int, int]]:
    """(fewest, most) days in r consecutive months, for r = 0..12, February 28 or 29 days."""
    lengths = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] * 2
    sums = [[sum(lengths[start : start + r]) for start in range(12)] for r in range(13)]
    return [(min(s), max(s)) for s in sums]


# Fewest days in r months: every February short; most: every February long.
_SHORT_MONTHS = [low for low, _ in _consecutive_month_days(leap=False)]
_LONG_MONTHS = [high for _, high in _consecutive_month_days(leap=True)]


def _month_span_days(months: Decimal) -> tuple[Decimal, Decimal]:
    """(fewest, most) days that `months` consecutive calendar months can last.

    Whole years are 365 days plus at most one leap day per started four years and at least
    one per full four years, less the century years that skip it; the months left over are
    bounded by the table above, and a fraction of a month by at least 28 days a month and at
    most a whole month more. Wider than the truth where it must be, never narrower (checked
    against every start date from 1995 to 2110 in the tests).
    """
    years = int(months // 12)
    rest = months - 12 * years
    whole, part = int(rest), rest - int(rest)
    leap_low = max(0, years // 4 - (years + 99) // 100)
    leap_high = -(-years // 4)
    low = 365 * years + leap_low + _SHORT_MONTHS[whole] + part * 28
    high = 365 * years + leap_high + _LONG_MONTHS[whole + (1 if part else 0)]
    return Decimal(low), Decimal(high)


# Characters that carry a Chinese unit's meaning. A suggestion must keep all of them, so a typo
# is mended and a missing character supplied (18月 -> 18个月, 3工作 -> 3工作日), but 自然月 is
# never "corrected" to 自然日, nor 日历月 to 日历日.
_ZH_MEANING = frozenset("分钟时头天日周星期工作月年自然历")


def _same_meaning(word: str, candidate: str) -> bool:
    """True if suggesting `candidate` for the unknown unit `word` only mends its spelling."""
    if any(ch in _NUMBER_CHARS or ch.isdigit() for ch in word):
        return False  # 个月3天: a second quantity in the text, not a misspelt unit
    if _CJK.search(word):
        meaning = {c for c in word if c in _ZH_MEANING}
        return bool(meaning) and meaning <= {c for c in candidate if c in _ZH_MEANING}
    # English: a typo keeps the first letter of every word and each word stays close to the
    # one it mends (wdays is not "days", weeks days is not "work days").
    words, candidates = word.split(), candidate.split()
    return len(words) == len(candidates) and all(
        w[0] == c[0] and difflib.SequenceMatcher(None, w, c).ratio() >= 0.6
        for w, c in zip(words, candidates, strict=True)
    )


def _unknown_unit(quoted: str, word: str, number: str | None, known: list[str]) -> QuantityError:
    """The message for an unknown unit, with a suggestion only when it means the same.

    `number` is the text before the unit as written, so the suggestion keeps the number (None:
    suggest the unit alone). Candidates that would change the meaning are dropped, and if the
    remaining close ones are different units (自然 could be 自然日 or 自然月) there is none.
    """
    word = word[:40]
    ranked = difflib.get_close_matches(word, known, n=len(known), cutoff=0.6)
    close = [c for c in ranked if _same_meaning(word, c)]
    units = _EN_UNITS | _ZH_UNITS
    score = {c: difflib.SequenceMatcher(None, word, c).ratio() for c in close}
    if any(units[c] != units[close[0]] and score[c] >= score[close[0]] - 0.1 for c in close):
        close = []  # about as close to another unit: any guess could change the meaning
    value = quoted[1:-1]
    if close and number is not None and len(number) <= 12:
        near = f"{number}{close[0]}"
        message = f'{quoted} is not a duration (did you mean "{near}"?)'
        return QuantityError(message, "near", value=value, near=near)
    if close:
        message = f'{quoted} is not a duration (did you mean the unit "{close[0]}"?)'
        return QuantityError(message, "near_unit", value=value, near=close[0])
    message = f'{quoted} is not a duration (unknown unit "{word[:20]}"; {_EXAMPLE})'
    return QuantityError(message, "unit", value=value, unit=word[:20])


_ONE_YEAR = Duration(Decimal(1), Unit.YEAR)
# Built around the constructor, which refuses infinite values so no arithmetic slip makes one.
_UNLIMITED_DURATION = object.__new__(Duration)
object.__setattr__(_UNLIMITED_DURATION, "value", Decimal("Infinity"))
object.__setattr__(_UNLIMITED_DURATION, "unit", Unit.YEAR)
_FREQ_EXAMPLE = 'write e.g. "twice a year", "every 6 months" or "每半年一次"'
_EN_TIMES = {"once": 1, "twice": 2, "thrice": 3}
_EN_ADVERBS: dict[str, Duration] = {
    "daily": Duration(Decimal(1), Unit.DAY),
    "weekly": Duration(Decimal(7), Unit.DAY),
    "monthly": Duration(Decimal(1), Unit.MONTH),
    "quarterly": Duration(Decimal(3), Unit.MONTH),
    "semiannually": Duration(Decimal(6), Unit.MONTH),
    "semi-annually": Duration(Decimal(6), Unit.MONTH),
    "half-yearly": Duration(Decimal(6), Unit.MONTH),
    "yearly": _ONE_YEAR,
    "annually": _ONE_YEAR,
}
_EN_PERIODS: dict[str, Duration] = {
    "week": Duration(Decimal(7), Unit.DAY),
    "fortnight": Duration(Decimal(14), Unit.DAY),
    "quarter": Duration(Decimal(3), Unit.MONTH),
    "half year": Duration(Decimal(6), Unit.MONTH),
    "half a year": Duration(Decimal(6), Unit.MONTH),
    "half-year": Duration(Decimal(6), Unit.MONTH),
}
_ZH_PERIODS: dict[str, Duration] = {
    "年": _ONE_YEAR,
    "半年": Duration(Decimal(6), Unit.MONTH),
    "月": Duration(Decimal(1), Unit.MONTH),
    "个月": Duration(Decimal(1), Unit.MONTH),
    "季度": Duration(Decimal(3), Unit.MONTH),
    "季": Duration(Decimal(3), Unit.MONTH),
    "年度": _ONE_YEAR,
    "半月": Duration(Decimal("0.5"), Unit.MONTH),
    "半个月": Duration(Decimal("0.5"), Unit.MONTH),
    "周": Duration(Decimal(7), Unit.DAY),
    "星期": Duration(Decimal(7), Unit.DAY),
    "天": Duration(Decimal(1), Unit.DAY),
    "日": Duration(Decimal(1), Unit.DAY),
}


def _is_deed(text: str) -> bool:
    """Words naming what is done (巡检, 上门服务): Chinese letters, no number, no half."""
    return bool(text) and all(_CJK.match(ch) and ch not in _NUMBER_CHARS + "半" for ch in text)


def _zh_period_prefix(head: str) -> Duration | None:
    """The period that `head` starts with, the rest being what is done: 月巡检 -> 1 month.

    The longest prefix that reads as a period wins, so 3个月巡检 is 3 months, not 3 minutes.
    """
    for end in range(len(head), 0, -1):
        prefix, deed = head[:end], head[end:]
        if deed and not _is_deed(deed):
            continue
        if prefix in _ZH_PERIODS:
            return _ZH_PERIODS[prefix]
        # 每小时 / 每个工作日: a bare unit is one of that unit.
        text = prefix if prefix[0] in _NUMBER_CHARS + "半" else "1" + prefix
        try:
            return Duration.parse(text)
        except QuantityError:
            continue
    return None


# Shortest month and year, longest month and year, in days: bounds for months vs days.
_MONTH_DAYS = (Decimal(28), Decimal(31))
_YEAR_DAYS = (Decimal(365), Decimal(366))


@dataclass(frozen=True)
class Frequency:
    """How often something happens: `times` per `per`, e.g. twice a year = (2, 1 year).

    `==` compares as written; `compare` compares rates, so every 6 months equals twice a year.
    """

    times: int
    per: Duration

    def __post_init__(self) -> None:
        if isinstance(self.times, bool) or not isinstance(self.times, int) or self.times < 1:
            raise QuantityError(f"a frequency must happen at least once, not {self.times!r} times")
        if self.times > MAX_VALUE:
            raise QuantityError(f"a frequency of more than {MAX_VALUE} times is not a real promise")
        if self.per.value == 0:
            raise QuantityError("a frequency needs a period longer than 0")

    @classmethod
    def parse(cls, text: str) -> "Frequency":
        """Read `twice a year`, `every 6 months`, `quarterly`, `2 per year`, `每半年一次`.

        Chinese may name what is done between period and count (每月巡检一次), count halves
        (每半月一次) and carry an inclusive bound word, which is dropped (每季度不少于1次 reads
        as 每季度1次; `parse_bound` reports it).
        """
        quoted = _quote(text)
        try:
            s = _without_bound(text).lower()
            if _CJK.search(s):
                return cls._parse_zh(re.sub(r"\s+", "", s), quoted)
            return cls._parse_en(re.sub(r"\s+", " ", s), quoted)
        except QuantityError as error:
            if str(error).startswith(quoted):
                raise
            raise QuantityError(
                f"{quoted} is not a frequency ({_FREQ_EXAMPLE})",
                "not_a",
                value=quoted[1:-1],
                what="frequency",
            ) from None

    @classmethod
    def _parse_en(cls, s: str, quoted: str) -> "Frequency":
        if s in _EN_ADVERBS:
            return cls(1, _EN_ADVERBS[s])
        match = re.fullmatch(r"every (?P<per>.+)", s) or re.fullmatch(
            r"(?P<times>\d+|once|twice|thrice)(?: ?(?:times?|x))? ?"
            r"(?:/ ?|(?:per|an|a|every|each) )(?P<per>.+)",
            s,
        )
        if match is None:
            raise QuantityError(
                f"{quoted} is not a frequency ({_FREQ_EXAMPLE})",
                "not_a",
                value=quoted[1:-1],
                what="frequency",
            )
        times_text = match.groupdict().get("times") or "1"
        if len(times_text) > len(str(MAX_VALUE)):
            raise QuantityError(
                f"{quoted} counts more than {MAX_VALUE} times", "too_large", max=str(MAX_VALUE)
            )
        times = _EN_TIMES.get(times_text) or int(times_text)
        per_text = match.group("per")
        if per_text in _EN_PERIODS:
            per = _EN_PERIODS[per_text]
        else:
            # "a year", "per month": a bare unit word is one of that unit.
            per = Duration.parse(per_text if per_text[0].isdigit() else "1 " + per_text)
        return cls._make(times, per, quoted)

    @classmethod
    def _parse_zh(cls, s: str, quoted: str) -> "Frequency":
        # Period, then what is done (巡检, 上门), then the count; the deed may also follow it.
        match = re.fullmatch(
            rf"(?:每隔|每)?(?P<head>.+?)(?P<times>[{_NUMBER_CHARS}]+)次(?P<tail>[^{_NUMBER_CHARS}每]*)",
            s,
        )
        if match is None or (match.group("tail") and not _is_deed(match.group("tail"))):
            raise QuantityError(
                f"{quoted} is not a frequency ({_FREQ_EXAMPLE})",
                "not_a",
                value=quoted[1:-1],
                what="frequency",
            )
        per = _zh_period_prefix(match.group("head"))
        if per is None:
            raise QuantityError(
                f"{quoted} is not a frequency ({_FREQ_EXAMPLE})",
                "not_a",
                value=quoted[1:-1],
                what="frequency",
            )
        times = chinese_number(match.group("times"))
        if times > MAX_VALUE:
            raise QuantityError(
                f"{quoted} counts more than {MAX_VALUE} times", "too_large", max=str(MAX_VALUE)
            )
        if times != times.to_integral_value():
            raise QuantityError(f"{quoted} must count whole times", "whole", value=quoted[1:-1])
        return cls._make(int(times), per, quoted)

    @classmethod
    def _make(cls, times: int, per: Duration, quoted: str) -> "Frequency":
        if times < 1:
            raise QuantityError(f"{quoted} must happen at least once", "once", value=quoted[1:-1])
        if per.value == 0:
            raise QuantityError(f"{quoted} needs a period longer than 0")
        return cls(times, per)

    def rate_per_year(self) -> Decimal:
        """Times per year. Periods in minutes, hours or days count a year as 365 days.

        Raises NotComparable for periods in working days. Use `compare` to decide which of
        two frequencies is higher; it does not rely on the 365-day approximation.
        """
        if _family(self.per.unit) == "calendar":
            return self.times * 12 / self.per.to(Unit.MONTH)
        minutes = self.per.to(Unit.MINUTE)  # raises NotComparable for working days
        return self.times * 365 * 1440 / minutes

    def compare(self, other: "Frequency", rule: WorkingDayRule | None = None) -> int:
        """1 if this happens more often than `other`, 0 as often, -1 less often.

        Months against days is decided with the shortest and longest month (28-31 days) and
        year (365-366 days); when those bounds overlap the answer is NotComparable.
        """
        reason = _blocker(self.per.unit, other.per.unit, rule)
        if reason is None:
            # self is more often <=> self.times / self.per > other.times / other.per
            a = self.times * other.per._in_base(self.per.unit, rule)
            b = other.times * self.per._in_base(other.per.unit, rule)
            return (a > b) - (a < b)
        if Unit.WORKING_DAY in (self.per.unit, other.per.unit):
            raise NotComparable(f"cannot compare {self} with {other} {reason}")
        mine_lo, mine_hi = self._days()
        theirs_lo, theirs_hi = other._days()
        # Cross-multiplied rates: self.times / mine_days against other.times / theirs_days.
        if self.times * theirs_lo > other.times * mine_hi:
            return 1
        if self.times * theirs_hi < other.times * mine_lo:
            return -1
        raise NotComparable(
            f"cannot compare {self} with {other} "
            "because a month is 28 to 31 days and a year 365 or 366"
        )

    def _days(self) -> tuple[Decimal, Decimal]:
        """The period in days, as (shortest, longest) when it is in months or years."""
        if self.per.unit is Unit.YEAR:
            return self.per.value * _YEAR_DAYS[0], self.per.value * _YEAR_DAYS[1]
        if self.per.unit is Unit.MONTH:
            return self.per.value * _MONTH_DAYS[0], self.per.value * _MONTH_DAYS[1]
        days = self.per.to(Unit.DAY)
        return days, days

    def __str__(self) -> str:
        """Canonical form that `parse` reads back: 2 per year, 1 per 6 months."""
        per = str(self.per)
        return f"{self.times} per {per.removeprefix('1 ') if self.per.value == 1 else per}"


_WINDOW_EXAMPLE = 'write e.g. "8:00-24:00", "7x24" or "工作日9:00至17:30"'
_WORKING_PREFIXES = (
    "工作日",
    "working days",
    "working day",
    "workdays",
    "weekdays",
    "business days",
)
_ALL_PREFIXES = ("每天", "每日", "全年", "every day", "daily", "all days")
_ALWAYS = {"7x24", "7×24", "7*24", "24/7", "24x7", "24×7", "全天候"}
# 7天×24小时, 365天24小时, 365×24, 24小时×365天: every hour of every day of the year.
_ALWAYS_FORM = re.compile(
    r"(?:7|365)(?:天|日)?[x×*]?24(?:小时|h)?|24(?:小时|h)?[x×*](?:7|365)(?:天|日)?"
)
_WHOLE_DAY = {"24小时", "全天24小时", "全天", "24h", "0-24"}
_FIVE_BY_EIGHT = {"5x8", "5×8", "5*8"}
_FIVE_BY_EIGHT_FORM = re.compile(r"5(?:天|日)?[x×*]8(?:小时|h)?")
# What a tender says is on duty (24小时应急, 24小时不间断服务): the hours are the same.
_ON_DUTY_WORDS = re.compile(r"(?<=.)(?:应急|不间断|值守|值班|服务|响应|在线|待命|热线)+$")
_TIME = r"(?P<{n}m>早上|早|上午|下午|晚上|晚)?(?P<{n}h>\d{{1,2}})(?::(?P<{n}i>\d{{2}}))?(?:点|时)?"
_RANGE = re.compile(_TIME.format(n="a") + r"(?:-|–|—|~|to|至|到)" + _TIME.format(n="b"))


@dataclass(frozen=True)
class DailyWindow:
    """Hours on duty each day: `start`-`end` in minutes since midnight (end up to 1440 = 24:00).

    `days` is "all" (every day, 365 天) or "working" (working days only). Windows do not cross
    midnight: write 7x24 rather than 22:00-6:00.
    """

    start: int
    end: int
    days: Literal["all", "working"] = "all"

    def __post_init__(self) -> None:
        if self.days not in ("all", "working"):
            raise QuantityError(f'days must be "all" or "working", not {self.days!r}')
        if not 0 <= self.start < self.end <= 1440:
            raise QuantityError(
                f"a daily window must run forward within one day, "
                f"not {_clock(self.start)}-{_clock(self.end)}"
            )

    @classmethod
    def parse(cls, text: str) -> "DailyWindow":
        """Read `8:00-24:00`, `早8:00至晚12:00`, `7×24`, `24小时`, `工作日 9:00-17:30`, `5x8`.

        Round the clock is also 7天×24小时, 365天24小时, 全天候 and 24小时应急 / 24小时不间断
        (words naming the service on duty are dropped).

        Without a day prefix a window holds every day. 5x8 means working days 9:00-17:00.
        晚/下午 add 12 hours to 1-11 o'clock, and 晚12:00 is midnight at the end of the day.
        """
        s = _normalise(text).lower()
        quoted = _quote(text)
        days: Literal["all", "working"] | None = None
        for prefixes, kind in ((_WORKING_PREFIXES, "working"), (_ALL_PREFIXES, "all")):
            prefix = next((p for p in prefixes if s.startswith(p)), None)
            if prefix is not None:
                s, days = s[len(prefix) :].strip(" :,，"), "working" if kind == "working" else "all"
                break
        s = _ON_DUTY_WORDS.sub("", re.sub(r"\s+", "", s))
        always = (
            s in _ALWAYS or s in {w + "h" for w in _ALWAYS} or s in {w + "小时" for w in _ALWAYS}
        )
        if always or _ALWAYS_FORM.fullmatch(s):
            if days == "working":
                raise QuantityError(
                    f"{quoted} says both working days and 7x24", "working_7x24", value=quoted[1:-1]
                )
            return cls(0, 1440, "all")
        if s in _WHOLE_DAY:
            return cls(0, 1440, days or "all")
        if s in _FIVE_BY_EIGHT or _FIVE_BY_EIGHT_FORM.fullmatch(s):
            return cls(9 * 60, 17 * 60, "working")
        match = _RANGE.fullmatch(s)
        if match is None:
            raise QuantityError(
                f"{quoted} is not a daily window ({_WINDOW_EXAMPLE})",
                "not_a",
                value=quoted[1:-1],
                what="window",
            )
        start = _minutes(match, "a", quoted, is_end=False)
        end = _minutes(match, "b", quoted, is_end=True)
        if end == start:
            raise QuantityError(f"{quoted} ends when it starts", "window_empty", value=quoted[1:-1])
        if end < start:
            raise QuantityError(
                f"{quoted} ends before it starts (overnight windows are not supported; "
                f'write "7x24" or a window within one day)',
                "backwards",
                value=quoted[1:-1],
            )
        return cls(start, end, days or "all")

    def hours(self) -> Decimal:
        """Hours on duty per day, e.g. 16 for 8:00-24:00."""
        return _tidy(Decimal(self.end - self.start) / 60)

    @property
    def is_round_the_clock(self) -> bool:
        """24 hours every day (7×24)."""
        return self.start == 0 and self.end == 1440 and self.days == "all"

    def covers(self, other: "DailyWindow") -> bool:
        """True if this window holds at every time and on every day that `other` does."""
        days_ok = self.days == "all" or other.days == "working"
        return days_ok and self.start <= other.start and other.end <= self.end

    # How a reader sees the value is the locale's (Locale.value, messages/quantity.yaml);
    # this is only the form the parser reads back, for diagnostics and files.
    def __str__(self) -> str:
        """Canonical form that `parse` reads back: 7x24, 8:00-24:00, working days 9:00-17:30."""
        if self.is_round_the_clock:
            return "7x24"
        prefix = "working days " if self.days == "working" else ""
        return f"{prefix}{_clock(self.start)}-{_clock(self.end)}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _minutes(match: re.Match[str], n: str, quoted: str, *, is_end: bool) -> int:
    hour, minute = int(match.group(n + "h")), int(match.group(n + "i") or 0)
    marker = match.group(n + "m")
    if marker in ("下午", "晚上", "晚") and 1 <= hour <= 11:
        hour += 12
    elif marker in ("晚上", "晚") and hour == 12 and is_end:
        hour = 24  # 晚12:00 closes the day
    if minute >= 60 or hour > 24 or (hour == 24 and minute > 0):
        raise QuantityError(
            f"{quoted}: {hour}:{minute:02d} is not a time of day",
            "clock",
            value=quoted[1:-1],
            time=f"{hour}:{minute:02d}",
        )
    return hour * 60 + minute


_COUNT_EXAMPLE = 'write e.g. "3", "3人", "两次" or "不限次数"'
# Measure words a count may carry (3人, 两次, 2台). Time units are not among them, so 2年 is
# never read as a count; longest first so 人次 is not read as 人 followed by 次.
_MEASURES = ("人次", "人", "名", "位", "次", "台", "套", "个", "件", "项", "份", "场", "批", "组")
_EN_MEASURES = {
    *("time", "times", "person", "persons", "people", "staff", "unit", "units", "set", "sets"),
    *("piece", "pieces", "visit", "visits", "session", "sessions"),
}


@dataclass(frozen=True)
class Count:
    """A whole number of people, visits, units... with its measure word, or unlimited.

    `value` is None for unlimited (不限次数), which is more than any number. `measure` is the
    measure word as written (人, 名, 次, 台; "" for a bare number) and is informative only:
    `compare` orders by number, so the caller decides which counts may be compared.
    """

    value: int | None
    measure: str = ""

    def __post_init__(self) -> None:
        if self.value is None:
            return
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value < 0:
            raise QuantityError(f"a count must be a whole number, 0 or more, not {self.value!r}")
        if self.value > MAX_VALUE:
            raise QuantityError(f"a count of more than {MAX_VALUE} is not a real promise")

    @classmethod
    def unlimited(cls, measure: str = "") -> "Count":
        """不限次数: more than any number."""
        return cls(None, measure)

    @property
    def is_unlimited(self) -> bool:
        return self.value is None

    @classmethod
    def parse(cls, text: str) -> "Count":
        """Read `3`, `3人`, `两次`, `2台`, `叁次`, `两个人`, `3 people`, `不限次数`.

        Inclusive bound words are dropped as in `Duration.parse` (不少于2名 reads as 2名;
        `parse_bound` reports them); strict ones (超过2名) are refused.
        """
        quoted = _quote(text)
        if not _normalise(text):
            raise QuantityError(f"a count cannot be empty ({_COUNT_EXAMPLE})", "empty")
        s = re.sub(r"\s+", " ", _without_bound(text).lower())
        if s in _UNLIMITED_COUNT:
            return cls.unlimited("次" if "次" in s else "")
        if s.startswith("-"):
            raise QuantityError(
                f"{quoted} is negative; a count must be 0 or more", "negative", value=quoted[1:-1]
            )
        if _CJK.search(s):
            s = s.replace(" ", "")
            split = len(s) - len(s.lstrip(_NUMBER_CHARS))
            number_text, measure = s[:split], s[split:]
            if measure.startswith("个") and measure[1:] in _MEASURES:
                measure = measure[1:]  # 两个人
            if measure and measure not in _MEASURES:
                raise QuantityError(
                    f'{quoted} is not a count (unknown measure word "{measure[:10]}"; '
                    f"{_COUNT_EXAMPLE})"
                )
        else:
            match = re.fullmatch(r"(\d+)(?: ?([a-z]+))?", s)
            if match is None or (match.group(2) and match.group(2) not in _EN_MEASURES):
                raise QuantityError(
                    f"{quoted} is not a count ({_COUNT_EXAMPLE})",
                    "not_a",
                    value=quoted[1:-1],
                    what="count",
                )
            number_text, measure = match.group(1), ""
        if not number_text:
            raise QuantityError(
                f"{quoted} has no number ({_COUNT_EXAMPLE})", "no_number", value=quoted[1:-1]
            )
        number = chinese_number(number_text)
        if number != number.to_integral_value():
            raise QuantityError(f"{quoted} must count whole units", "whole", value=quoted[1:-1])
        if number > MAX_VALUE:
            raise QuantityError(
                f"{quoted} counts more than {MAX_VALUE}", "too_large", max=str(MAX_VALUE)
            )
        return cls(int(number), measure)

    def compare(self, other: "Count") -> int:
        """-1, 0 or 1 as this count is smaller than, equal to or larger than `other`."""
        if self.value is None or other.value is None:
            return (self.value is None) - (other.value is None)
        return (self.value > other.value) - (self.value < other.value)

    def __str__(self) -> str:
        """Canonical form that `parse` reads back: 3, 3人, unlimited."""
        return "unlimited" if self.value is None else f"{self.value}{self.measure}"


# Pydantic integration: YAML scalars arrive as text and are parsed here, once.
_Q = TypeVar("_Q", Duration, Frequency, DailyWindow)


def _validator(cls: type[_Q], parse: Callable[[str], _Q], example: str) -> Callable[[Any], _Q]:
    what = {Duration: "duration", Frequency: "frequency", DailyWindow: "daily window"}[cls]

    def validate(value: Any) -> _Q:
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            return parse(value)
        if isinstance(value, bool):
            raise QuantityError(f"{str(value).lower()} is not a {what} (write e.g. {example})")
        if isinstance(value, int | float | Decimal):
            message = f"{value} has no unit; write a unit, e.g. {example}"
            raise QuantityError(message, "no_unit", value=str(value))
        raise QuantityError(f"a {what} must be text, e.g. {example}")

    return validate


DurationField = Annotated[
    Duration,
    BeforeValidator(_validator(Duration, Duration.parse, '"18 months"')),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": "A duration with its unit, in English or Chinese.",
            "examples": [
                "8 h",
                "30 min",
                "3 working days",
                "18 months",
                "8小时",
                "半小时",
                "18个月",
            ],
        }
    ),
]
FrequencyField = Annotated[
    Frequency,
    BeforeValidator(_validator(Frequency, Frequency.parse, '"twice a year"')),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": "How often: times per period, in English or Chinese.",
            "examples": ["twice a year", "every 6 months", "quarterly", "每半年一次", "每年2次"],
        }
    ),
]
DailyWindowField = Annotated[
    DailyWindow,
    BeforeValidator(_validator(DailyWindow, DailyWindow.parse, '"8:00-24:00"')),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": "Daily on-duty hours, every day or on working days only.",
            "examples": ["8:00-24:00", "7x24", "working days 9:00-17:30", "工作日9:00至17:30"],
        }
    ),
]

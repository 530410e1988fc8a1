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
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from generator.errors import GeneratorError

__all__ = [
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
]


class QuantityError(ValueError):
    """Text that is not a valid quantity; `str()` is the message to print.

    A ValueError so pydantic validators report it as a validation error with this message.
    """


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
        ),
        (Unit.WORKING_DAY, 1),
    ),
    **dict.fromkeys(("month", "months", "mo", "mos"), (Unit.MONTH, 1)),
    **dict.fromkeys(("year", "years", "y", "yr", "yrs"), (Unit.YEAR, 1)),
}
# Chinese unit words. A bare 月 is left out on purpose: "3月" reads as March, so it must be 3个月.
_ZH_UNITS: dict[str, tuple[Unit, int]] = {
    "分钟": (Unit.MINUTE, 1),
    "分": (Unit.MINUTE, 1),
    "小时": (Unit.HOUR, 1),
    "钟头": (Unit.HOUR, 1),
    "天": (Unit.DAY, 1),
    "日": (Unit.DAY, 1),
    "自然日": (Unit.DAY, 1),
    "日历日": (Unit.DAY, 1),
    "周": (Unit.DAY, 7),
    "星期": (Unit.DAY, 7),
    "工作日": (Unit.WORKING_DAY, 1),
    "个月": (Unit.MONTH, 1),
    "年": (Unit.YEAR, 1),
}

_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
_NUMBER_CHARS = "0123456789." + "".join(_ZH_DIGITS) + "".join(_ZH_MULTIPLIERS)
_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u3000-\u9fff]")


def _normalise(text: str) -> str:
    """NFKC turns full-width digits, colons and letters into ASCII (１８ -> 18, ： -> :)."""
    return unicodedata.normalize("NFKC", text).strip()


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


def format_number(value: Decimal) -> str:
    """Arabic digits, no exponent, no trailing zeros: 18, 1.5, 0.25."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


MAX_VALUE = 1_000_000


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
        raise QuantityError(f"{what} of more than {MAX_VALUE} is not a real promise")
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
    def parse(cls, text: str) -> "Duration":
        """Read English (`8h`, `3 working days`) or Chinese (`8小时`, `十八个月`) text.

        半小时 reads as 30 min, 半年 as 6 months and 一年半 as 18 months, so halves of hours
        and years come out whole. 立即 / immediately / 0min read as 0 min.
        """
        s = _normalise(text)
        quoted = _quote(text)
        if not s:
            raise QuantityError(f"a duration cannot be empty ({_EXAMPLE})")
        if s.lower() in _IMMEDIATE:
            return cls(Decimal(0), Unit.MINUTE)
        if s.startswith("-"):
            raise QuantityError(f"{quoted} is negative; a duration must be 0 or more")
        if _CJK.search(s):
            return cls._parse_zh(s, quoted)
        return cls._parse_en(s.lower(), quoted)

    @classmethod
    def _parse_en(cls, s: str, quoted: str) -> "Duration":
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([a-z][a-z ]*?)?", s)
        if match is None:
            raise QuantityError(f"{quoted} is not a duration ({_EXAMPLE})")
        number, word = match.group(1), re.sub(r"\s+", " ", match.group(2) or "")
        if not word:
            raise QuantityError(f"{quoted} has no unit ({_EXAMPLE})")
        if word not in _EN_UNITS:
            # Suggest only spelled-out words: "mounths" -> "months", never "mo".
            words = [w for w in _EN_UNITS if len(w) > 3]
            raise QuantityError(_unknown_unit(quoted, word, number + " ", words))
        unit, multiplier = _EN_UNITS[word]
        return cls(Decimal(number) * multiplier, unit)

    @classmethod
    def _parse_zh(cls, s: str, quoted: str) -> "Duration":
        s = re.sub(r"\s+", "", s)
        s = re.sub(r"^内|(?:以内|之内|内)$", "", s)  # 24小时内 / 2小时以内 state a limit
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
            raise QuantityError(f"{quoted} has no unit ({_EXAMPLE})")
        if rest not in _ZH_UNITS:
            raise QuantityError(_unknown_unit(quoted, rest, number_text, list(_ZH_UNITS)))
        if number is None and not half:
            raise QuantityError(f"{quoted} has no number ({_EXAMPLE})")
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
        if target is self.unit:
            return self.value
        reason = _blocker(self.unit, target, rule)
        if reason is not None:
            plural = Duration(Decimal(2), target).en().removeprefix("2 ")
            raise NotComparable(f"cannot convert {self.en()} to {plural} {reason}")
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
        reason = _blocker(self.unit, other.unit, rule)
        if reason is not None:
            raise NotComparable(f"cannot compare {self.en()} with {other.en()} {reason}")
        mine, theirs = self._in_base(other.unit, rule), other._in_base(self.unit, rule)
        return (mine > theirs) - (mine < theirs)

    def same_as(self, other: "Duration", rule: WorkingDayRule | None = None) -> bool:
        """Quantity equality: 36 months is the same as 3 years. Raises NotComparable."""
        return self.compare(other, rule) == 0

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

    # Transitional: readers' wording is Locale.value (templates/<lang>/messages/quantity.yaml).
    # zh()/en() stay only while check.py, flowchart.py and pdffile.py (other branches) call them.
    def zh(self) -> str:
        """Chinese with Arabic digits: 8小时, 30分钟, 3个工作日, 3天, 18个月, 3年, 立即."""
        if self.is_immediate:
            return "立即"
        suffix = {
            Unit.MINUTE: "分钟",
            Unit.HOUR: "小时",
            Unit.DAY: "天",
            Unit.WORKING_DAY: "个工作日",
            Unit.MONTH: "个月",
            Unit.YEAR: "年",
        }[self.unit]
        return format_number(self.value) + suffix

    def en(self) -> str:
        """English for letters: 8 hours, 1 hour, 30 minutes, 3 working days, immediately."""
        if self.is_immediate:
            return "immediately"
        word = {Unit.MINUTE: "minute", Unit.HOUR: "hour"}.get(self.unit, str(self.unit))
        return f"{format_number(self.value)} {word}{'' if self.value == 1 else 's'}"

    def __str__(self) -> str:
        """Canonical form that `parse` reads back: 8 h, 30 min, 3 working days, 18 months."""
        number = format_number(self.value)
        if self.unit in (Unit.MINUTE, Unit.HOUR):
            return f"{number} {self.unit}"
        return f"{number} {self.unit}{'' if self.value == 1 else 's'}"


def _unknown_unit(quoted: str, word: str, number: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word[:40], known, n=1, cutoff=0.6)
    if close and len(number) <= 12:
        return f'{quoted} is not a duration (did you mean "{number}{close[0]}"?)'
    if close:
        return f'{quoted} is not a duration (did you mean the unit "{close[0]}"?)'
    return f'{quoted} is not a duration (unknown unit "{word[:20]}"; {_EXAMPLE})'


_ONE_YEAR = Duration(Decimal(1), Unit.YEAR)
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
    "周": Duration(Decimal(7), Unit.DAY),
    "星期": Duration(Decimal(7), Unit.DAY),
    "天": Duration(Decimal(1), Unit.DAY),
    "日": Duration(Decimal(1), Unit.DAY),
}
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
        """Read `twice a year`, `every 6 months`, `quarterly`, `2 per year`, `每半年一次`."""
        s = _normalise(text).lower()
        quoted = _quote(text)
        try:
            if _CJK.search(s):
                return cls._parse_zh(re.sub(r"\s+", "", s), quoted)
            return cls._parse_en(re.sub(r"\s+", " ", s), quoted)
        except QuantityError as error:
            if str(error).startswith(quoted):
                raise
            raise QuantityError(f"{quoted} is not a frequency ({_FREQ_EXAMPLE})") from None

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
            raise QuantityError(f"{quoted} is not a frequency ({_FREQ_EXAMPLE})")
        times_text = match.groupdict().get("times") or "1"
        if len(times_text) > len(str(MAX_VALUE)):
            raise QuantityError(f"{quoted} counts more than {MAX_VALUE} times")
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
        # 每年不少于2次 states the same minimum as 每年2次.
        match = re.fullmatch(
            rf"每?(?P<per>.+?)(?:至少|不少于|不低于)?(?P<times>[{_NUMBER_CHARS}]+)次", s
        )
        if match is None:
            raise QuantityError(f"{quoted} is not a frequency ({_FREQ_EXAMPLE})")
        per_text = match.group("per")
        if per_text not in _ZH_PERIODS and per_text[0] not in _NUMBER_CHARS + "半":
            per_text = "1" + per_text  # 每小时 / 每个工作日: one of that unit
        per = _ZH_PERIODS.get(per_text) or Duration.parse(per_text)
        times = chinese_number(match.group("times"))
        if times > MAX_VALUE:
            raise QuantityError(f"{quoted} counts more than {MAX_VALUE} times")
        if times != times.to_integral_value():
            raise QuantityError(f"{quoted} must count whole times")
        return cls._make(int(times), per, quoted)

    @classmethod
    def _make(cls, times: int, per: Duration, quoted: str) -> "Frequency":
        if times < 1:
            raise QuantityError(f"{quoted} must happen at least once")
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
            raise NotComparable(f"cannot compare {self.en()} with {other.en()} {reason}")
        mine_lo, mine_hi = self._days()
        theirs_lo, theirs_hi = other._days()
        # Cross-multiplied rates: self.times / mine_days against other.times / theirs_days.
        if self.times * theirs_lo > other.times * mine_hi:
            return 1
        if self.times * theirs_hi < other.times * mine_lo:
            return -1
        raise NotComparable(
            f"cannot compare {self.en()} with {other.en()} "
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

    def _zh_period(self) -> str:
        per = self.per
        if per.unit is Unit.MONTH and per.value in (1, 3, 6, 12):
            return {1: "月", 3: "季度", 6: "半年", 12: "年"}[int(per.value)]
        if per.value == 1:
            return per.zh().removeprefix("1")  # 每小时, 每天, 每个工作日
        if per.unit is Unit.DAY and per.value % 7 == 0:
            weeks = int(per.value) // 7
            return "周" if weeks == 1 else f"{weeks}周"
        return per.zh()

    # Transitional: readers' wording is Locale.value (templates/<lang>/messages/quantity.yaml).
    # zh()/en() stay only while check.py, flowchart.py and pdffile.py (other branches) call them.
    def zh(self) -> str:
        """每半年一次, 每年2次, 每月一次, 每季度一次, 每周一次, 每3个月一次."""
        count = "一次" if self.times == 1 else f"{self.times}次"
        return f"每{self._zh_period()}{count}"

    def en(self) -> str:
        """twice a year, once a month, once a quarter, once every 6 months, 3 times a week."""
        count = {1: "once", 2: "twice"}.get(self.times, f"{self.times} times")
        per = self.per
        if per.unit is Unit.DAY and per.value == 7:
            return f"{count} a week"
        if per.unit is Unit.MONTH and per.value == 3:
            return f"{count} a quarter"
        if per.value == 1:
            word = per.en().removeprefix("1 ")
            return f"{count} {'an' if word == 'hour' else 'a'} {word}"
        return f"{count} every {per.en()}"

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
_ALWAYS = {"7x24", "7×24", "7*24", "24/7", "24x7", "24×7"}
_WHOLE_DAY = {"24小时", "全天24小时", "全天", "24h", "0-24"}
_FIVE_BY_EIGHT = {"5x8", "5×8", "5*8"}
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
        s = re.sub(r"\s+", "", s)
        if s in _ALWAYS or s in {w + "h" for w in _ALWAYS} or s in {w + "小时" for w in _ALWAYS}:
            if days == "working":
                raise QuantityError(f"{quoted} says both working days and 7x24")
            return cls(0, 1440, "all")
        if s in _WHOLE_DAY:
            return cls(0, 1440, days or "all")
        if s in _FIVE_BY_EIGHT:
            return cls(9 * 60, 17 * 60, "working")
        match = _RANGE.fullmatch(s)
        if match is None:
            raise QuantityError(f"{quoted} is not a daily window ({_WINDOW_EXAMPLE})")
        start = _minutes(match, "a", quoted, is_end=False)
        end = _minutes(match, "b", quoted, is_end=True)
        if end == start:
            raise QuantityError(f"{quoted} ends when it starts")
        if end < start:
            raise QuantityError(
                f"{quoted} ends before it starts (overnight windows are not supported; "
                f'write "7x24" or a window within one day)'
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

    # Transitional: readers' wording is Locale.value (templates/<lang>/messages/quantity.yaml).
    # zh()/en() stay only while check.py, flowchart.py and pdffile.py (other branches) call them.
    def zh(self) -> str:
        """7×24小时, 8:00至24:00, 工作日9:00至17:30."""
        if self.is_round_the_clock:
            return "7×24小时"
        prefix = "工作日" if self.days == "working" else ""
        return f"{prefix}{_clock(self.start)}至{_clock(self.end)}"

    def en(self) -> str:
        """24 hours a day, 7 days a week; 8:00–24:00 every day; 9:00–17:30 on working days."""
        if self.is_round_the_clock:
            return "24 hours a day, 7 days a week"
        days = "on working days" if self.days == "working" else "every day"
        return f"{_clock(self.start)}–{_clock(self.end)} {days}"

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
        raise QuantityError(f"{quoted}: {hour}:{minute:02d} is not a time of day")
    return hour * 60 + minute


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
            raise QuantityError(f"{value} has no unit; write a unit, e.g. {example}")
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

"""Value kinds of commitments: one entry each in `KINDS`, holding how to parse and compare.

A commitment path holds one kind of value (a duration, a frequency, a daily window, a count,
a percentage, a choice, a yes/no or a text). Tender requirements, capacity limits and scoring
tiers are parsed by the kind of the path they name, and offers are compared by it, so a tender
and a profile always compare like with like. Formatting is the locale's job
(`generator.locale.Locale.value`); a kind names the message its values are said with.

To add a kind: subclass `ValueKind`, register one instance in `KINDS`, and use its Python type
on a commitment field (see `generator.profiles.paths`).
"""

import re
import typing
import unicodedata
from collections.abc import Callable, Iterable
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from enum import Enum, StrEnum
from typing import Any, ClassVar, TypeVar

from generator.profiles.quantities import (
    Count,
    DailyWindow,
    Duration,
    Frequency,
    NotComparable,
    QuantityError,
    Unit,
    WorkingDayRule,
    parse_bound,
)

__all__ = [
    "KINDS",
    "Better",
    "Quantity",
    "StepMaker",
    "Straddles",
    "ValueKind",
    "canonical",
    "class_label",
    "kind_of_type",
    "list_items",
    "rank_of",
    "ranked",
]

Quantity = (
    Duration
    | Frequency
    | DailyWindow
    | Decimal
    | int
    | Count
    | bool
    | StrEnum
    | str
    | tuple[str | StrEnum, ...]
)
"""A parsed requirement or commitment value (a tuple is a list of items to cover)."""

_E = TypeVar("_E", bound=type[StrEnum])
_RANKS: dict[type[StrEnum], tuple[StrEnum, ...]] = {}


def canonical(value: Quantity) -> str:
    """A value as machines read it (JSON, SARIF), and as a file may write it again: 3 years,
    unlimited, cost, 2名; a list's items joined by "、" (each a choice id or the text)."""
    if isinstance(value, tuple):
        return "、".join(canonical(v) for v in value)
    if isinstance(value, StrEnum):
        return str(value.value)
    return str(value)


def ranked(choice: _E) -> _E:
    """Declare a choice's members ordered for the buyer, best first (免费 before 成本价).

    The one place a choice's order is said: the check then compares its values by it
    (`equals 优惠价` is met, better, by 成本价) and at_least/at_most apply to it.
    """
    _RANKS[choice] = tuple(choice)
    return choice


def rank_of(choice: Any) -> tuple[StrEnum, ...] | None:
    """The members of a ranked choice type, best first; None if it has no order."""
    return _RANKS.get(choice) if isinstance(choice, type) else None


class Straddles(NotComparable):
    """Two values whose possible ranges overlap the threshold (365 days against 1 year): the
    answer depends on the calendar. The check says how to make them comparable."""


StepMaker = Callable[[int], Quantity | None]
"""The value k scoring steps better than the start (None when there is no such value)."""


class Better(StrEnum):
    """Which way a commitment is better for the customer."""

    LARGER = "larger"
    """longer periods, more visits, higher uptime, wider on-duty windows."""
    SMALLER = "smaller"
    """time limits and counts of failures: the sooner or fewer, the better."""
    NONE = "none"
    """yes/no, choices and texts: a value is either the one asked for or not."""


class ValueKind:
    """One kind of commitment value: how it is read from text and how two of it compare."""

    name: ClassVar[str]
    """the kind's id, e.g. duration; also names its message `check.value.<name>`."""
    ordered: ClassVar[bool] = True
    """values have an order (at_least/at_most apply); otherwise only equal/unequal."""
    steppable: ClassVar[bool] = False
    """scoring may count steps (每增加一年加1分)."""
    scorable: ClassVar[bool] = True
    """scoring tiers apply."""
    stated: ClassVar[bool] = True
    """a tender may state a value for it to equal (a yes/no can only be required)."""
    use: ClassVar[str] = "at_least or at_most"
    """the comparators to suggest when one does not fit this kind (input-error hint)."""
    noun: ClassVar[str] = "a value"
    """how input errors name the kind, e.g. yes/no, a choice."""
    way: ClassVar[str | None] = None
    """how a better value is worded in suggestions (check.way.*); None = by the path's
    better direction (larger/smaller)."""

    def holds(self, core: Any) -> bool:
        """Whether a field of Python type `core` holds this kind."""
        raise NotImplementedError

    def parse(self, core: Any, text: str) -> Quantity:
        """`text` (a tender's or a profile's value) as a value of a field of type `core`."""
        raise NotImplementedError

    def goodness(
        self, offer: Quantity, wanted: Quantity, better: Better, rule: WorkingDayRule | None
    ) -> int:
        """1 if `offer` is better for the customer than `wanted`, 0 if as good, -1 if worse.

        Raises NotComparable when the two cannot be compared (e.g. working days against hours).
        """
        return 0 if offer == wanted else -1

    def steps(
        self,
        offer: Quantity,
        start: Quantity,
        step: Quantity,
        sign: int,
        rule: WorkingDayRule | None,
    ) -> tuple[int, StepMaker]:
        """Whole steps `offer` is past `start` in direction `sign`, and a maker for the value
        k steps past it."""
        raise NotComparable(f"cannot count steps of {step!r} between {start!r} and {offer!r}")

    def positive(self, value: Quantity) -> bool:
        """Whether a scoring step of this size moves at all."""
        return True

    def misuse(self, path: str) -> str:
        """The input error for a comparator this kind does not accept."""
        return f"{path} is {self.noun}; use {self.use}"

    def wrong_way(self, path: str, better: Better, right: str | None) -> str:
        """The input error for a comparator pointing against the path's better direction."""
        way = "shorter/fewer" if better is Better.SMALLER else "longer/more"
        return f"{way} is better for {path}; use {right}"

    def message_key(self) -> str:
        """The message a value of this kind is said with (templates/*/messages/check.yaml)."""
        return f"check.value.{self.name}"

    def shown(self, value: Quantity) -> Any:
        """The value as the locale should say it (a count's bare int becomes a Count)."""
        return value

    def shortfall(self, offer: Quantity, wanted: Quantity) -> Quantity | None:
        """What of `wanted` the offer lacks, when the kind can name it (a list's missing items);
        None when the shortfall is the whole value."""
        return None


def _signed(c: int, better: Better) -> int:
    return -c if better is Better.SMALLER else c


class DurationKind(ValueKind):
    name = "duration"
    noun = "a duration"
    steppable = True

    def holds(self, core: Any) -> bool:
        return core is Duration

    def parse(self, core: Any, text: str) -> Quantity:
        return Duration.parse(text.strip(), unlimited=True)

    def goodness(
        self, offer: Quantity, wanted: Quantity, better: Better, rule: WorkingDayRule | None
    ) -> int:
        """By the range each value can last on any calendar: 1 day is shorter than 1 year and
        400 days longer; only ranges that straddle the threshold (365 days against 1 year,
        3 working days against at most 72 hours) raise `Straddles`."""
        if not (isinstance(offer, Duration) and isinstance(wanted, Duration)):
            raise NotComparable(f"cannot compare {offer!r} with {wanted!r}")
        if better is Better.SMALLER:
            meets = offer.is_at_most(wanted, rule)
        else:
            meets = offer.is_at_least(wanted, rule)
        if meets is None:
            # check.py's hint names the one rule a tender can add for working days.
            working = Unit.WORKING_DAY in (offer.unit, wanted.unit) and rule is None
            rule_note = " (no working-day rule)" if working else ""
            raise Straddles(
                f"{offer} may be longer or shorter than {wanted}, by the calendar" + rule_note
            )
        if not meets:
            return -1
        return max(0, _signed(offer.compare_bounds(wanted, rule) or 0, better))

    def steps(
        self,
        offer: Quantity,
        start: Quantity,
        step: Quantity,
        sign: int,
        rule: WorkingDayRule | None,
    ) -> tuple[int, StepMaker]:
        if not (
            isinstance(step, Duration)
            and isinstance(offer, Duration)
            and isinstance(start, Duration)
        ):
            return super().steps(offer, start, step, sign, rule)
        unit, size = step.unit, step.value
        origin = start.to(unit, rule)
        gap = (offer.to(unit, rule) - origin) * sign

        def make(k: int) -> Quantity | None:
            value = origin + sign * k * size
            return Duration(value, unit) if value >= 0 else None

        return int((gap / size).to_integral_value(ROUND_FLOOR)), make

    def positive(self, value: Quantity) -> bool:
        return isinstance(value, Duration) and value.value > 0


class FrequencyKind(ValueKind):
    name = "frequency"
    noun = "a frequency"

    def holds(self, core: Any) -> bool:
        return core is Frequency

    def parse(self, core: Any, text: str) -> Quantity:
        return Frequency.parse(text.strip())

    def goodness(
        self, offer: Quantity, wanted: Quantity, better: Better, rule: WorkingDayRule | None
    ) -> int:
        if not (isinstance(offer, Frequency) and isinstance(wanted, Frequency)):
            raise NotComparable(f"cannot compare {offer!r} with {wanted!r}")
        try:
            return _signed(offer.compare(wanted, rule), better)
        except NotComparable:
            return _signed(_rate_bounds(offer, wanted, rule), better)


def _rate_bounds(a: Frequency, b: Frequency, rule: WorkingDayRule | None) -> int:
    """Which happens more often, by the range each period can last on any calendar (every
    working day is more often than twice a year); `Straddles` when the ranges overlap."""
    a_lo, a_hi = a.per.bounds_in_minutes(rule)
    b_lo, b_hi = b.per.bounds_in_minutes(rule)
    if a.times * b_lo > b.times * a_hi:
        return 1
    if a.times * b_hi < b.times * a_lo:
        return -1
    working = Unit.WORKING_DAY in (a.per.unit, b.per.unit) and rule is None
    raise Straddles(
        f"{a} may be more or less often than {b}, by the calendar"
        + (" (no working-day rule)" if working else "")
    )


class WindowKind(ValueKind):
    """A daily on-duty window: better when it covers the wanted one."""

    name = "window"
    noun = "a daily window"
    way = "cover"

    def holds(self, core: Any) -> bool:
        return core is DailyWindow

    def parse(self, core: Any, text: str) -> Quantity:
        return DailyWindow.parse(text.strip())

    def goodness(
        self, offer: Quantity, wanted: Quantity, better: Better, rule: WorkingDayRule | None
    ) -> int:
        if not (isinstance(offer, DailyWindow) and isinstance(wanted, DailyWindow)):
            raise NotComparable(f"cannot compare {offer!r} with {wanted!r}")
        ahead, behind = offer.covers(wanted), wanted.covers(offer)
        return 0 if ahead and behind else 1 if ahead else -1

    def wrong_way(self, path: str, better: Better, right: str | None) -> str:
        return f"an on-duty window must cover; use {right}"


class _NumberKind(ValueKind):
    steppable = True

    def goodness(
        self, offer: Quantity, wanted: Quantity, better: Better, rule: WorkingDayRule | None
    ) -> int:
        if isinstance(offer, bool) or not isinstance(offer, Decimal | int):
            raise NotComparable(f"cannot compare {offer!r} with {wanted!r}")
        if isinstance(wanted, bool) or not isinstance(wanted, Decimal | int):
            raise NotComparable(f"cannot compare {offer!r} with {wanted!r}")
        return _signed((offer > wanted) - (offer < wanted), better)

    def _fits(self, value: Decimal) -> Quantity | None:
        return value if value >= 0 else None

    def steps(
        self,
        offer: Quantity,
        start: Quantity,
        step: Quantity,
        sign: int,
        rule: WorkingDayRule | None,
    ) -> tuple[int, StepMaker]:
        numbers = [v for v in (offer, start, step) if isinstance(v, Decimal | int)]
        if len(numbers) != 3 or any(isinstance(v, bool) for v in numbers):
            return super().steps(offer, start, step, sign, rule)
        o, s, size = (Decimal(v) for v in numbers)

        def make(k: int) -> Quantity | None:
            return self._fits(s + sign * k * size)

        return int(((o - s) * sign / size).to_integral_value(ROUND_FLOOR)), make

    def positive(self, value: Quantity) -> bool:
        return isinstance(value, int | Decimal) and not isinstance(value, bool) and value > 0


class PercentKind(_NumberKind):
    name = "percent"
    noun = "a percentage"

    def holds(self, core: Any) -> bool:
        return core is Decimal

    def parse(self, core: Any, text: str) -> Quantity:
        s = text.strip()
        bound, rest = parse_bound(s)  # 95%以上, 不低于95%
        if bound in ("more_than", "less_than"):
            raise QuantityError(f'"{s}" excludes the number itself; write 不低于 or 以上')
        try:
            number = Decimal(rest.removesuffix("%").strip())
        except InvalidOperation:
            raise QuantityError(f'"{s}" is not a percentage (write e.g. "95%")') from None
        if not number.is_finite() or not 0 <= number <= 100:
            raise QuantityError(f'"{s}" must be between 0% and 100%')
        return number

    def _fits(self, value: Decimal) -> Quantity | None:
        return value if 0 <= value <= 100 else None


def _count(value: Quantity) -> Count:
    if isinstance(value, Count):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Count(value)
    raise NotComparable(f"{value!r} is not a count")


class CountKind(_NumberKind):
    """A number of people, visits, units ... (3人, 两次, 不少于2名), or 不限次数."""

    name = "count"
    noun = "a count"

    def holds(self, core: Any) -> bool:
        return core is int or core is Count

    def parse(self, core: Any, text: str) -> Quantity:
        # Count.parse's pattern takes any Unicode digit (², ①, ٣); a count is written with
        # ASCII digits or Chinese numerals.
        if any(ch.isdigit() and not ch.isascii() for ch in text):
            raise QuantityError(f'"{text.strip()}" is not a whole number')
        return Count.parse(text)

    def goodness(
        self, offer: Quantity, wanted: Quantity, better: Better, rule: WorkingDayRule | None
    ) -> int:
        return _signed(_count(offer).compare(_count(wanted)), better)

    def steps(
        self,
        offer: Quantity,
        start: Quantity,
        step: Quantity,
        sign: int,
        rule: WorkingDayRule | None,
    ) -> tuple[int, StepMaker]:
        o, s, size = (_count(v) for v in (offer, start, step))
        if s.value is None or size.value is None:
            return super().steps(offer, start, step, sign, rule)
        base, each = s.value, size.value

        def make(k: int) -> Quantity | None:
            n = base + sign * k * each
            return Count(n, s.measure) if n >= 0 else None

        if o.value is None:  # unlimited: as many steps as any maximum needs
            return (10**6 if sign > 0 else -(10**6)), make
        return (o.value - base) * sign // each, make

    def positive(self, value: Quantity) -> bool:
        return isinstance(value, Count | int) and (_count(value).value or 1) > 0

    def shown(self, value: Quantity) -> Any:
        return _count(value) if isinstance(value, int) and not isinstance(value, bool) else value


_TRUE = {"true", "yes", "y", "1", "是", "须", "提供", "有", "需要", "须提供", "应提供"}
_FALSE = {"false", "no", "n", "0", "否", "不", "无", "不提供", "没有"}


class FlagKind(ValueKind):
    """A yes/no promise: it is made or not; a tender can only require it."""

    name = "flag"
    ordered = False
    scorable = False
    stated = False
    noun = "yes/no"
    use = "required"

    def holds(self, core: Any) -> bool:
        return core is bool

    def parse(self, core: Any, text: str) -> Quantity:
        s = text.strip()
        if s.lower() in _FALSE:
            raise QuantityError(
                f'"{s}" (no): a tender can only require that a promise is made; '
                "leave the item out, or write it as required"
            )
        if s.lower() not in _TRUE:
            raise QuantityError(f'"{s}": a yes/no commitment can only be required (write "true")')
        return True


class ChoiceKind(ValueKind):
    """One of an enum's values (价格基准, 起算点 ...)."""

    name = "choice"
    ordered = False
    scorable = False
    noun = "a choice"
    use = "equals"

    def holds(self, core: Any) -> bool:
        return isinstance(core, type) and issubclass(core, Enum)

    def parse(self, core: Any, text: str) -> Quantity:
        return _choice(core, text)


def _choice(core: Any, text: str) -> StrEnum:
    # The enum reads its own words (免费, 成本价, 上门 ...) through its `_missing_`.
    s = text.strip()
    try:
        value = core(s)
    except ValueError:
        choices = ", ".join(str(m.value) for m in core)
        raise QuantityError(f'"{s}" is not one of {choices}') from None
    assert isinstance(value, StrEnum)
    return value


class RankedKind(ValueKind):
    """A choice ordered for the buyer (免费 > 成本价 > 优惠价 > 市场价; 上门 > 送修), declared with
    `ranked` on the choice: compared by that order."""

    name = "ranked"
    noun = "a ranked choice"
    way = "rank"

    def holds(self, core: Any) -> bool:
        return rank_of(core) is not None

    def parse(self, core: Any, text: str) -> Quantity:
        bound, rest = parse_bound(text)
        if bound in ("more_than", "less_than"):
            raise QuantityError(f'"{text.strip()}": write the choice it includes')
        return _choice(core, rest)

    def goodness(
        self, offer: Quantity, wanted: Quantity, better: Better, rule: WorkingDayRule | None
    ) -> int:
        order = rank_of(type(wanted))
        if order is None or offer not in order:
            raise NotComparable(f"cannot compare {offer!r} with {wanted!r}")
        # Earlier in the order is better for the buyer.
        a, b = order.index(offer), order.index(wanted)
        return (a < b) - (a > b)


# 、 , ; / separate items as tenders list them, and 及/和/与/以及 join the last one
# (维护手册及中文译本); inside parentheses nothing separates (维护手册(含维修密码及接口数据)).
_SEPARATORS = ("以及", "、", ",", "，", ";", "；", "/", "及", "和", "与")
_ALL_OF = ("全部", "所有", "全套", "整套", "一切", "各类", "各种")


def list_items(text: str) -> list[str]:
    """The items of a list as a tender writes it (维护手册(含维修密码及接口数据)及中文译本: two)."""
    return _items(text)


# Class labels compare without the words tenders add or leave off: 急救类设备 is 急救类 is 急救,
# 其它非紧急类设备 is 非紧急类.
_CLASS_SUFFIXES = ("设备", "設備", "故障", "类", "類")


def class_label(text: str) -> str:
    """A class label (设备类别, 故障类别 ...) as labels are matched."""
    label = "".join(text.split()).removeprefix("其它").removeprefix("其他")
    for suffix in _CLASS_SUFFIXES:
        label = label.removesuffix(suffix)
    return label or "".join(text.split())


def _items(text: str) -> list[str]:
    out: list[str] = []
    depth, current, i = 0, "", 0
    while i < len(text):
        ch = text[i]
        depth = max(0, depth + (ch in "(（[【") - (ch in ")）]】"))
        sep = next((w for w in _SEPARATORS if text.startswith(w, i)), None) if not depth else None
        if sep is None:
            current += ch
            i += 1
            continue
        out.append(current)
        current, i = "", i + len(sep)
    out.append(current)
    return [item.strip() for item in out if item.strip()]


def _plain(item: str | StrEnum) -> str:
    text = str(item.value if isinstance(item, StrEnum) else item)
    for word in _ALL_OF:
        text = text.removeprefix(word)
    # How it was typed is not what it names: 维护手册（含…） and 维护手册(含…) are one document
    # (full and half width folded, as a tender and a profile are written on different keyboards).
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _covered(item: str | StrEnum, offered: Iterable[str | StrEnum]) -> bool:
    if isinstance(item, StrEnum):
        return item in offered
    want = _plain(item)
    return any(want in _plain(o) or _plain(o) in want for o in offered if _plain(o))


class ListKind(ValueKind):
    """A list the bidder covers or hands over (移交资料, 保修覆盖的配件, 服务方式): an offer meets a
    requirement when it names every item asked for (an item matches one that contains it, or
    one it contains: 技术资料 meets 全部技术资料)."""

    name = "list"
    ordered = False
    scorable = False
    noun = "a list"
    use = "contains"
    way = "cover"

    def holds(self, core: Any) -> bool:
        if typing.get_origin(core) is not list:
            return False
        item = typing.get_args(core)[0]
        while typing.get_origin(item) is typing.Annotated:
            item = typing.get_args(item)[0]
        return item is str or (isinstance(item, type) and issubclass(item, StrEnum))

    def _item_type(self, core: Any) -> Any:
        item = typing.get_args(core)[0]
        while typing.get_origin(item) is typing.Annotated:
            item = typing.get_args(item)[0]
        return item

    def parse(self, core: Any, text: str) -> Quantity:
        item = self._item_type(core)
        parts = _items(text)
        if not parts:
            raise QuantityError(f'"{text.strip()}" names no item (write e.g. "维护手册、接口数据")')
        if item is str:
            return tuple(parts)
        return tuple(_choice(item, p) for p in parts)

    def goodness(
        self, offer: Quantity, wanted: Quantity, better: Better, rule: WorkingDayRule | None
    ) -> int:
        mine, theirs = _as_items(offer), _as_items(wanted)
        if any(not _covered(w, mine) for w in theirs):
            return -1
        return 1 if any(not _covered(o, theirs) for o in mine) else 0

    def shortfall(self, offer: Quantity, wanted: Quantity) -> Quantity | None:
        mine = _as_items(offer)
        return tuple(w for w in _as_items(wanted) if not _covered(w, mine)) or None


def _as_items(value: Quantity) -> tuple[str | StrEnum, ...]:
    if isinstance(value, tuple | list):
        return tuple(value)
    raise NotComparable(f"{value!r} is not a list")


class TextKind(ValueKind):
    """Free text: equal or not (no commitment field holds one yet)."""

    name = "text"
    ordered = False
    scorable = False
    noun = "a text"
    use = "equals"

    def holds(self, core: Any) -> bool:
        return core is str

    def parse(self, core: Any, text: str) -> Quantity:
        return text.strip()


KINDS: dict[str, ValueKind] = {
    k.name: k
    for k in (
        DurationKind(),
        FrequencyKind(),
        WindowKind(),
        PercentKind(),
        CountKind(),
        FlagKind(),
        ListKind(),
        RankedKind(),
        ChoiceKind(),
        TextKind(),
    )
}
"""Every value kind by name. Order matters only where two kinds could hold one type."""


def kind_of_type(core: Any) -> ValueKind | None:
    """The kind whose values a field of Python type `core` holds, if any."""
    for kind in KINDS.values():
        if kind.holds(core):
            return kind
    return None

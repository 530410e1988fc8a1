"""Value kinds of commitments: one entry each in `KINDS`, holding how to parse and compare.

A commitment path holds one kind of value (a duration, a frequency, a daily window, a count,
a percentage, a choice, a yes/no or a text). Tender requirements, capacity limits and scoring
tiers are parsed by the kind of the path they name, and offers are compared by it, so a tender
and a profile always compare like with like. Formatting is the locale's job
(`generator.locale.Locale.value`); a kind names the message its values are said with.

To add a kind: subclass `ValueKind`, register one instance in `KINDS`, and use its Python type
on a commitment field (see `generator.profiles.paths`).
"""

from collections.abc import Callable
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from enum import Enum, StrEnum
from typing import Any, ClassVar

from generator.profiles.quantities import (
    DailyWindow,
    Duration,
    Frequency,
    NotComparable,
    QuantityError,
    WorkingDayRule,
)

__all__ = ["KINDS", "Better", "Quantity", "StepMaker", "ValueKind", "kind_of_type"]

Quantity = Duration | Frequency | DailyWindow | Decimal | int | bool | StrEnum | str
"""A parsed requirement or commitment value."""

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


def _signed(c: int, better: Better) -> int:
    return -c if better is Better.SMALLER else c


class DurationKind(ValueKind):
    name = "duration"
    steppable = True

    def holds(self, core: Any) -> bool:
        return core is Duration

    def parse(self, core: Any, text: str) -> Quantity:
        return Duration.parse(text.strip())

    def goodness(
        self, offer: Quantity, wanted: Quantity, better: Better, rule: WorkingDayRule | None
    ) -> int:
        if not (isinstance(offer, Duration) and isinstance(wanted, Duration)):
            raise NotComparable(f"cannot compare {offer!r} with {wanted!r}")
        return _signed(offer.compare(wanted, rule), better)

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

    def holds(self, core: Any) -> bool:
        return core is Frequency

    def parse(self, core: Any, text: str) -> Quantity:
        return Frequency.parse(text.strip())

    def goodness(
        self, offer: Quantity, wanted: Quantity, better: Better, rule: WorkingDayRule | None
    ) -> int:
        if not (isinstance(offer, Frequency) and isinstance(wanted, Frequency)):
            raise NotComparable(f"cannot compare {offer!r} with {wanted!r}")
        return _signed(offer.compare(wanted, rule), better)


class WindowKind(ValueKind):
    """A daily on-duty window: better when it covers the wanted one."""

    name = "window"
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

    def holds(self, core: Any) -> bool:
        return core is Decimal

    def parse(self, core: Any, text: str) -> Quantity:
        s = text.strip()
        try:
            number = Decimal(s.removesuffix("%").strip())
        except InvalidOperation:
            raise QuantityError(f'"{s}" is not a percentage (write e.g. "95%")') from None
        if not number.is_finite() or not 0 <= number <= 100:
            raise QuantityError(f'"{s}" must be between 0% and 100%')
        return number

    def _fits(self, value: Decimal) -> Quantity | None:
        return value if 0 <= value <= 100 else None


class CountKind(_NumberKind):
    name = "count"

    def holds(self, core: Any) -> bool:
        return core is int

    def parse(self, core: Any, text: str) -> Quantity:
        s = text.strip()
        if not (s.isascii() and s.isdigit()):
            raise QuantityError(f'"{s}" is not a whole number')
        return int(s)

    def _fits(self, value: Decimal) -> Quantity | None:
        return int(value) if value >= 0 else None


_TRUE = {"true", "yes", "y", "1", "是", "须", "提供"}


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
        s = text.strip()
        try:
            value = core(s)
        except ValueError:
            choices = ", ".join(str(m.value) for m in core)
            raise QuantityError(f'"{s}" is not one of {choices}') from None
        assert isinstance(value, StrEnum)
        return value


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

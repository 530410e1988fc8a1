"""Comparators of tender requirements (比较方式): one object each in `COMPARATORS`.

A comparator validates a requirement against the path it names (which value kinds it accepts,
which direction the path must be better in), judges an offer against the requirement's value
(the verdict is its score's sign), and names the message that words it (`check.comparator.*`
in `templates/<lang>/messages/check.yaml`).

To add a comparator: subclass `Comparator`, give it a name and the tender's words for it
(`aliases`), override what differs, and `register` one instance. Its message key needs a
sentence in every language's check.yaml.
"""

from typing import Any, ClassVar

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from generator.profiles.kinds import Better, Quantity
from generator.profiles.paths import PathInfo
from generator.profiles.quantities import QuantityError, WorkingDayRule, parse_bound

__all__ = [
    "AT_LEAST",
    "AT_MOST",
    "COMPARATORS",
    "CONTAINS",
    "EQUALS",
    "REQUIRED",
    "Comparator",
    "comparator_named",
    "register",
    "unregister",
]


class Comparator:
    """How a requirement's value is compared with an offer."""

    name: ClassVar[str]
    """the id written in tender files, e.g. at_least."""
    aliases: ClassVar[tuple[str, ...]] = ()
    """the tender's own words for it (不少于, ≥ ...), accepted as input."""
    needs_value: ClassVar[bool] = True
    """the requirement must give a value to compare with."""
    needs_order: ClassVar[bool] = False
    """only kinds with an order (durations, counts ...) can be compared this way."""
    direction: ClassVar[Better | None] = None
    """the way the path must be better (at_least: larger); None = either."""

    @property
    def value(self) -> str:
        """The name, as the enum this replaces had it (reports write `comparator.value`)."""
        return self.name

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<comparator {self.name}>"

    def __reduce__(self) -> tuple[Any, ...]:
        # One object per comparator, also in worker processes.
        return (comparator_named, (self.name,))

    @property
    def message_key(self) -> str:
        """The locale message wording it, e.g. 不少于."""
        return f"check.comparator.{self.name}"

    def accepts(self, info: PathInfo) -> bool:
        """Whether a requirement on `info` may use this comparator at all."""
        return info.kind.ordered or not self.needs_order

    def problem(self, info: PathInfo) -> str | None:
        """Why a requirement on `info` cannot use this comparator (an input error), or None."""
        if not self.accepts(info):
            return info.kind.misuse(info.path)
        if self.direction is not None and info.better is not self.direction:
            right = next((c.name for c in COMPARATORS.values() if c.direction is info.better), None)
            return info.kind.wrong_way(info.path, info.better, right)
        return None

    def bound_problem(self, text: str, info: PathInfo) -> str | None:
        """Why a value copied with its bound word (不少于2年, 24小时以内) contradicts this
        comparator, or None. Only ordered values carry bounds (a list item may end in 内)."""
        if not info.kind.ordered:
            return None
        try:
            bound, _ = parse_bound(text)
            unlimited = getattr(info.parse(text), "is_unlimited", False)
        except QuantityError:
            return None  # the value's own parse error says it
        if unlimited and info.better is Better.SMALLER:
            return f'"{text.strip()}" is unlimited, which is no limit for {info.path}'
        if bound is None or bound == (self.bound or bound):
            return None
        right = next((c.name for c in COMPARATORS.values() if c.bound == bound), None)
        if right is None:
            return None  # a strict bound: the value's own parse error says it
        return f'"{text.strip()}" says {right}, but the comparator is {self.name}; use {right}'

    bound: ClassVar[str | None] = None
    """the bound word this comparator means in a value (at_least for 不少于); None = none
    allowed (equals)."""

    def score(
        self, offer: Quantity, wanted: Quantity | None, info: PathInfo, rule: WorkingDayRule | None
    ) -> int:
        """1 if `offer` is better than required, 0 if as required, -1 if worse.

        Raises NotComparable when the two cannot be compared (e.g. working days against hours).
        By default any offer meets a requirement without a value, and otherwise the path's
        kind and better direction decide.
        """
        if wanted is None:
            return 0
        return info.kind.goodness(offer, wanted, info.better, rule)

    @classmethod
    def __reference__(cls) -> str:
        """How docs/profiles.md names the type: every registered comparator."""
        return "one of " + ", ".join(f"`{name}`" for name in COMPARATORS)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # A field typed Comparator holds the registered object; files hold its name.
        return core_schema.no_info_plain_validator_function(
            _validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda c: c.name, return_schema=core_schema.str_schema()
            ),
        )


class AtLeast(Comparator):
    """不少于/不低于: for periods, frequencies, windows and percentages (larger is better)."""

    name = "at_least"
    aliases = ("≥", ">=", "不少于", "不低于", "至少", "以上")
    needs_order = True
    direction = Better.LARGER
    bound = "at_least"


class AtMost(Comparator):
    """不超过/以内: for time limits (smaller is better)."""

    name = "at_most"
    aliases = ("≤", "<=", "不超过", "不多于", "以内", "内")
    needs_order = True
    direction = Better.SMALLER
    bound = "at_most"


class Equals(Comparator):
    """为/等于: a stated value. An offer better than it on an ordered path still counts as a
    positive deviation (a buyer asking for 3 years is not harmed by 5); on a choice or text
    anything else is a negative one."""

    name = "equals"
    aliases = ("=", "为", "等于")

    def accepts(self, info: PathInfo) -> bool:
        return info.kind.stated

    def bound_problem(self, text: str, info: PathInfo) -> str | None:
        if not info.kind.ordered:
            return None
        try:
            bound, _ = parse_bound(text)
        except QuantityError:
            return None
        right = next((c.name for c in COMPARATORS.values() if c.bound == bound), None)
        if bound is None or right is None:
            return None
        return f'"{text.strip()}" says {right}, not equals; use {right}'


class Contains(Comparator):
    """包含/包括: a list the bidder covers or hands over must name every item asked for
    (维护手册、维修密码、接口数据); the reason names the items missing."""

    name = "contains"
    aliases = ("包含", "包括", "含", "包含全部", "覆盖", "includes", "includes_all")

    def accepts(self, info: PathInfo) -> bool:
        return info.kind.name == "list"

    def problem(self, info: PathInfo) -> str | None:
        if not self.accepts(info):
            return f"{info.path} is {info.kind.noun}, not a list; use {info.kind.use}"
        return None


class Required(Comparator):
    """须提供: the commitment must be made (yes/no items, or any value)."""

    name = "required"
    aliases = ("须", "必须", "须提供")
    needs_value = False


COMPARATORS: dict[str, Comparator] = {}
"""Every comparator by name."""
_ALIASES: dict[str, str] = {}


def register(comparator: Comparator) -> Comparator:
    """Make `comparator` (and its aliases) usable in tender files."""
    COMPARATORS[comparator.name] = comparator
    for alias in comparator.aliases:
        _ALIASES[alias] = comparator.name
    return comparator


def unregister(name: str) -> None:
    """Forget a comparator and its aliases (for tests and plug-ins that come and go)."""
    COMPARATORS.pop(name, None)
    for alias in [a for a, n in _ALIASES.items() if n == name]:
        del _ALIASES[alias]


AT_LEAST = register(AtLeast())
AT_MOST = register(AtMost())
EQUALS = register(Equals())
REQUIRED = register(Required())
CONTAINS = register(Contains())


def comparator_named(text: str) -> Comparator:
    """The comparator a tender names by id or alias; ValueError if none."""
    name = _ALIASES.get(text.strip(), text.strip())
    found = COMPARATORS.get(name)
    if found is None:
        known = ", ".join(COMPARATORS)
        raise ValueError(f'"{text}" is not a comparator (one of: {known}, or 不少于, 不超过 ...)')
    return found


def _validate(value: Any) -> Comparator:
    if isinstance(value, Comparator):
        return value
    if not isinstance(value, str):
        raise ValueError("a comparator is a word, e.g. at_least or 不少于")
    return comparator_named(value)


def comparator_json_schema() -> dict[str, Any]:
    """The JSON Schema of a comparator field: every name and alias known at this point."""
    return {
        "type": "string",
        "enum": [*COMPARATORS, *_ALIASES],
        "description": "at_least, at_most, equals, required or contains, or the tender's "
        "words (不少于, 不低于, 不超过, 以内, 为, 须, 包含 ...).",
    }

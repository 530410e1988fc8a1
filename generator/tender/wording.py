"""Values and comparators in words, for the findings' sentences until reports say Messages.

Transitional: the locale (`generator.locale.Locale.value`) takes this over; nothing new
should call it.
"""

from decimal import Decimal
from enum import StrEnum

from generator.profiles.kinds import Quantity
from generator.profiles.models import commitment_paths
from generator.profiles.quantities import DailyWindow, Duration, Frequency, format_number
from generator.tender.model import Requirement

__all__ = ["describe", "describe_en", "enum_zh", "required_zh", "wanted_zh"]

_COMPARATOR_ZH = {
    "at_least": "不少于",
    "at_most": "不超过",
    "equals": "为",
    "required": "须为",
}


def wanted_zh(req: Requirement) -> str:
    """What a requirement asks, without its term: 不超过24小时, 须提供."""
    if req.value is None:
        return "须提供"
    word = _COMPARATOR_ZH.get(req.comparator.name, req.comparator.name)
    return f"{word}{describe(req.threshold)}"


def required_zh(req: Requirement) -> str:
    """The requirement as one phrase, e.g. 到场时间不超过24小时."""
    info = commitment_paths()[req.commitment]
    if req.value is None:
        return f"须{info.label}" if not info.kind.stated else f"须提供{info.label}"
    return f"{info.label}{wanted_zh(req)}"


def describe(value: Quantity | None) -> str:
    """A value in Chinese: 8小时, 每半年一次, 8:00至24:00, 95%, 提供."""
    if value is None:
        return "未承诺"
    if isinstance(value, Duration | Frequency | DailyWindow):
        return value.zh()
    if isinstance(value, bool):
        return "提供" if value else "不提供"
    if isinstance(value, StrEnum):
        return enum_zh(value)
    if isinstance(value, Decimal):
        return f"{format_number(value)}%"
    if isinstance(value, str):
        return value
    return f"{value}次"


def enum_zh(value: StrEnum) -> str:
    """The Chinese for an enum value, from the clause templates' word maps."""
    from generator.letter.compose import words

    maps = words()
    for name in ("START", "PRICE", "SEVERITY", "TIME", "SERVICE"):
        if value.value in maps.get(name, {}):
            return maps[name][value.value]
    return value.value


def describe_en(value: Quantity | None) -> str:
    """A value in English: 8 hours, twice a year, 95%, yes."""
    if value is None:
        return "nothing"
    if isinstance(value, Duration | Frequency | DailyWindow):
        return value.en()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Decimal):
        return f"{format_number(value)}%"
    if isinstance(value, str):
        return value
    return f"{value} times"

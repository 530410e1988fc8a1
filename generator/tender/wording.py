"""Messages of the check, and a TRANSITIONAL bridge for reports that still read text.

The check says what it found as `Message(key, args)` with keys under `check.` in
`templates/<lang>/messages/check.yaml`; `message(...)` and `value_message(...)` build them.

Transitional, to go once every report says findings through `generator.locale`:
- `Said`: a Message that is also its zh-Hans text (a `str`), so `f"{finding.reason}"`, JSON and
  XML writers that treat reasons as text keep working; `Locale.say(finding.reason)` says it in
  any language, since it is a Message.
- `english(message)`: the English the reports print beside the Chinese (`reason_en`).
- `describe`/`describe_en`: a bare value as the reports and `explain` print it today.
Both read only check.yaml and format values the way the reports always did, so they do not
depend on the locale's internals.
"""

import functools
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from generator.errors import RenderError
from generator.locale import Message
from generator.profiles.kinds import Quantity, ValueKind
from generator.profiles.quantities import DailyWindow, Duration, Frequency, format_number
from generator.profiles.yamlreader import load_document
from generator.resources import data_dir

__all__ = [
    "Said",
    "describe",
    "describe_en",
    "english",
    "enum_zh",
    "message",
    "plain",
    "said",
    "value_message",
]


class Said(str, Message):
    """A Message that reads as its zh-Hans text where text is expected (transitional)."""

    def __new__(cls, msg: Message) -> "Said":
        self = str.__new__(cls, _say(msg, "zh-Hans"))
        object.__setattr__(self, "key", msg.key)
        object.__setattr__(self, "args", msg.args)
        return self

    def __init__(self, msg: Message) -> None:
        pass  # set in __new__: Message's own __init__ would reject a frozen str

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from the message (pickling a str subclass would pass its text instead).
        return (Said, (Message(self.key, dict(self.args)),))


def message(key: str, **args: Any) -> Message:
    """`Message(check.<key>, args)`."""
    return Message(f"check.{key}", args)


def said(msg: Message | None) -> Said | None:
    """`msg` as a Said, for attributes the reports still read as text (transitional)."""
    return None if msg is None else Said(msg)


def plain(msg: Message | None) -> Message | None:
    """`msg` as a plain Message, to nest in another one (a Said would read as zh-Hans text)."""
    return None if msg is None else Message(msg.key, msg.args)


def value_message(kind: ValueKind, value: Quantity) -> Message:
    """A value said as its kind says it (95% for a percent, 3次 for a count ...)."""
    return Message(kind.message_key(), {"value": value})


def english(msg: Message | None) -> str | None:
    """The English of a check message (transitional: reports print it as `reason_en`)."""
    return None if msg is None else _say(msg, "en")


@functools.cache
def _catalog(lang: str) -> dict[str, str]:
    path = data_dir("templates") / lang / "messages" / "check.yaml"
    flat: dict[str, str] = {}

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, Mapping):
                walk(value, f"{prefix}{key}.")
            else:
                flat[f"{prefix}{key}"] = str(value)

    walk(load_document(path).data, "")
    return flat


_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@functools.cache
def _template(lang: str, key: str) -> Callable[[Mapping[str, Any]], str]:
    # Compiled on first use, and only when it has logic: compiling is most of the time a check
    # spends on words, and most sentences only fill in placeholders.
    text = _catalog(lang)[key]
    if "{%" in text or "{#" in text or _PLACEHOLDER.sub("", text).count("{{"):
        template = _env(lang).from_string(text)
        return lambda args: str(template.render(args))
    finalize = _env(lang).finalize
    assert finalize is not None

    def fill(args: Mapping[str, Any]) -> str:
        return _PLACEHOLDER.sub(lambda m: str(finalize(args[m[1]])), text)

    return fill


@functools.cache
def _env(lang: str) -> SandboxedEnvironment:
    def finalize(value: Any) -> Any:
        if isinstance(value, Message):
            return _say(value, lang)
        return _format(value, lang)

    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, finalize=finalize)


def _say(msg: Message, lang: str) -> str:
    try:
        template = _template(lang, msg.key)
    except KeyError:
        raise RenderError(f'{lang}: no message "{msg.key}" in messages/check.yaml') from None
    try:
        return template(msg.args).strip()
    except KeyError as missing:
        raise RenderError(f'{lang}: message "{msg.key}" needs {missing}') from None


def _format(value: Any, lang: str) -> Any:
    if isinstance(value, Duration | Frequency | DailyWindow):
        return value.zh() if lang == "zh-Hans" else value.en()
    if isinstance(value, StrEnum):
        return enum_zh(value) if lang == "zh-Hans" else value.value
    if isinstance(value, Decimal):
        return format_number(value)
    return value


def describe(value: Quantity | None) -> str:
    """A value in Chinese: 8小时, 每半年一次, 8:00至24:00, 95%, 提供."""
    return _say(Message("check.nothing") if value is None else _bare(value), "zh-Hans")


def describe_en(value: Quantity | None) -> str:
    """A value in English: 8 hours, twice a year, 95%, yes."""
    return _say(Message("check.nothing") if value is None else _bare(value), "en")


def _bare(value: Quantity) -> Message:
    # A value without its path: the type tells the kind, as the reports always assumed.
    if isinstance(value, bool):
        kind = "flag"
    elif isinstance(value, Decimal):
        kind = "percent"
    elif isinstance(value, int):
        kind = "count"
    else:
        kind = "duration"  # said as the value itself, like every other kind
    return Message(f"check.value.{kind}", {"value": value})


def enum_zh(value: StrEnum) -> str:
    """The Chinese for an enum value, from the clause templates' word maps."""
    from generator.letter.compose import words

    maps = words()
    for name in ("START", "PRICE", "SEVERITY", "TIME", "SERVICE"):
        if value.value in maps.get(name, {}):
            return maps[name][value.value]
    return value.value

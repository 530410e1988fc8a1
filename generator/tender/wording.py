"""How the check says what it found: `Message`s keyed under `check.` in
`templates/<lang>/messages/check.yaml`, said by a report through its locale."""

from typing import Any

from generator.locale import Message
from generator.profiles.kinds import Quantity, ValueKind

__all__ = ["message", "term", "value_message"]


def message(key: str, **args: Any) -> Message:
    """`Message(check.<key>, args)`."""
    return Message(f"check.{key}", args)


def value_message(kind: ValueKind, value: Quantity) -> Message:
    """A value said as its kind says it (95% for a percent, 3次 for a count ...)."""
    return Message(kind.message_key(), {"value": kind.shown(value)})


def term(path: str) -> Message:
    """A commitment's name (质保期, 保固期, warranty period), from `term.<path>` in
    `templates/<lang>/messages/terms.yaml`."""
    return Message(f"term.{path}")

"""The language seam: a language is a folder `templates/<name>/`, found, never registered.

A folder holds `locale.yaml` (settings: fonts, numbering, file-name suffixes, quantity words),
`messages/*.yaml` (every sentence the check, the reports and the deviation table say, as
sandboxed Jinja expressions keyed by a stable id), `clauses/` (the letter's wording), and the
DOCX and HTML/CSS templates. Python code says *what* to say (`Message(key, args)`); the locale
says it. Values in the arguments are formatted by the locale (`Locale.value`), so a quantity,
an enum or a yes/no reads the same in every report.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from generator.errors import RenderError
from generator.profiles.yamlreader import load_document
from generator.resources import data_dir

__all__ = ["DEFAULT", "Locale", "Message", "available", "get_locale"]

DEFAULT = "zh-Hans"


@dataclass(frozen=True)
class Message:
    """Something to say, not yet said: a catalog key and its arguments (values or Messages)."""

    key: str
    args: Mapping[str, Any] = field(default_factory=dict)


def available() -> list[str]:
    """The languages shipped: every folder under templates/ that holds a `locale.yaml`."""
    root = data_dir("templates")
    return sorted(p.parent.name for p in root.glob("*/locale.yaml"))


@functools.cache
def get_locale(name: str = DEFAULT) -> Locale:
    """The locale for `name` (`zh-Hans`, `zh-Hant`, `en`); an unknown name is a RenderError."""
    folder = data_dir("templates") / name
    if "/" in name or name.startswith(".") or not (folder / "locale.yaml").is_file():
        known = ", ".join(available())
        raise RenderError(f'no language "{name}" (templates/<language>/locale.yaml); have {known}')
    return Locale(name, folder)


class Locale:
    """Everything a reader sees in one language, read once from its folder."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.folder = folder
        self.settings: dict[str, Any] = load_document(folder / "locale.yaml").data
        catalog: dict[str, str] = {}
        for file in sorted((folder / "messages").glob("*.yaml")):
            for key, text in _flatten(load_document(file).data):
                catalog[key] = text
        self._catalog = catalog
        self._env = SandboxedEnvironment(
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            finalize=self.value,
        )

    def __repr__(self) -> str:
        return f"Locale({self.name!r})"

    def has(self, key: str) -> bool:
        return key in self._catalog

    def text(self, key: str, /, **args: Any) -> str:
        """The catalog sentence `key` with `args` filled in."""
        return self.say(Message(key, args))

    def say(self, message: Message) -> str:
        """A Message in this language; nested Messages in its arguments are said first."""
        try:
            template = self._template(message.key)
        except KeyError:
            raise RenderError(f'{self.name}: no message "{message.key}" in messages/') from None
        args = {k: self.say(v) if isinstance(v, Message) else v for k, v in message.args.items()}
        try:
            return str(template.render(args)).strip()
        except TemplateError as exc:
            raise RenderError(f'{self.name}: message "{message.key}": {exc}') from None

    @functools.cache  # noqa: B019 - a locale lives as long as the process
    def _template(self, key: str) -> Any:
        return self._env.from_string(self._catalog[key])

    def value(self, value: Any) -> Any:
        """How a value reads in this language: quantities, numbers, yes/no, enums."""
        # Filled in by the language seam: quantities and enums are formatted from this folder.
        if hasattr(value, "zh") and callable(value.zh):
            return value.zh()
        return value


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out += _flatten(value, full + ".")
        else:
            out.append((full, str(value)))
    return out

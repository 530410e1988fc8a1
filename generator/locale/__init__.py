"""The language seam: a language is a folder `templates/<name>/`, found, never registered.

A folder holds `locale.yaml` (settings: name, html_lang, fonts, numbering, file-name
suffixes), `messages/*.yaml` (every sentence and word the check, the reports, the deviation
table, quantities and the CLI say, as sandboxed Jinja templates keyed by a stable dotted id),
`clauses/` (the letter's wording and `_words.j2`, the word maps for enum values), and the DOCX
and HTML/CSS templates. Python code says *what* to say (`Message(key, args)`); the locale says
it. Values in the arguments are formatted by the locale (`Locale.value`), so a quantity, an
enum or a yes/no reads the same in every report.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from generator.cache import cache_file, write_quietly
from generator.errors import RenderError
from generator.profiles.quantities import (
    Count,
    DailyWindow,
    Duration,
    Frequency,
    Unit,
    format_number,
)
from generator.profiles.yamlreader import load_document
from generator.resources import data_dir, languages

__all__ = [
    "DEFAULT",
    "Locale",
    "Message",
    "Vocabulary",
    "available",
    "get_locale",
    "read_words",
]

DEFAULT = "zh-Hans"
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")

# The message id of each duration unit: quantity.unit.<id>, said with the number as `n`.
_UNIT_KEYS = {
    Unit.MINUTE: "minute",
    Unit.HOUR: "hour",
    Unit.DAY: "day",
    Unit.WORKING_DAY: "working_day",
    Unit.MONTH: "month",
    Unit.YEAR: "year",
}
# Which word map of `_words.j2` names an enum value, searched in this order.
_ENUM_MAPS = ("START", "PRICE", "SEVERITY", "TIME", "SERVICE", "PROVIDER")


@dataclass(frozen=True)
class Message:
    """Something to say, not yet said: a catalog key and its arguments (values or Messages)."""

    key: str
    args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Vocabulary:
    """The words that follow the procurement method (招标 vs 磋商/谈判/询价), from `_words.j2`."""

    buyer: str
    """招标人 / 采购人."""
    bidder: str
    """投标人 / 供应商."""
    solicitation: str
    """招标文件 / 磋商文件 / 谈判文件 / 询价通知书."""
    response_document: str
    """投标文件 / 响应文件."""
    award_notice: str
    """中标通知书 / 成交通知书."""
    win: str
    """中标 / 成交."""
    number_label: str
    """招标编号 / 项目编号."""
    bid: bool = True
    """False for a retail letter: no tender, no award, the reader is the customer."""


def available(templates: Path | None = None) -> list[str]:
    """The languages shipped: every folder under templates/ that holds a `locale.yaml`."""
    return languages(templates)


def get_locale(name: str = DEFAULT, templates: Path | None = None) -> Locale:
    """The locale for `name` (`zh-Hans`, `zh-Hant`, `en`) from the bundled templates or from
    the `templates` root given; an unknown name is a RenderError listing the languages."""
    root = (data_dir("templates") if templates is None else templates).resolve()
    return _load(name, root)


@functools.cache
def _load(name: str, root: Path) -> Locale:
    folder = root / name
    if (
        "/" in name
        or "\\" in name
        or name.startswith(".")
        or not (folder / "locale.yaml").is_file()
    ):
        known = ", ".join(available(root))
        raise RenderError(f'no language "{name}" (templates/<language>/locale.yaml); have {known}')
    return Locale(name, folder)


@functools.cache
def read_words(clauses: Path) -> dict[str, Any]:
    """The upper-case names `_words.j2` in the `clauses` folder sets (word maps, VOCABULARY),
    from the cache while the file is unchanged (running the template needs Jinja: ~50 ms at
    every start of `check`)."""
    source = clauses / "_words.j2"
    try:
        stat = source.stat()
    except OSError:
        return _run_words(clauses)  # says what is wrong with the file
    entry = cache_file("words", f"1|{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}")
    try:
        return dict(json.loads(entry.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        pass  # absent, damaged or not cached yet: run the template
    words = _run_words(clauses)
    # A value JSON cannot hold leaves the words uncached: read from the template every time.
    with contextlib.suppress(TypeError, ValueError):
        write_quietly(entry, json.dumps(words, ensure_ascii=False))
    return words


def _run_words(clauses: Path) -> dict[str, Any]:
    from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=FileSystemLoader(clauses, encoding="utf-8"), undefined=StrictUndefined
    )
    try:
        module = env.get_template("_words.j2").module
    except TemplateError as exc:
        raise RenderError(f"{clauses / '_words.j2'}: {exc}") from None
    return {name: value for name, value in vars(module).items() if name.isupper()}


class Locale:
    """Everything a reader sees in one language, read once from its folder."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.folder = folder
        self.settings: dict[str, Any] = load_document(folder / "locale.yaml").data
        self._catalog = _catalog(folder / "messages")
        self._values: dict[Any, str] = {}
        self._said: dict[Any, str] = {}

    def __repr__(self) -> str:
        return f"Locale({self.name!r})"

    # ------------------------------------------------------------ messages

    def has(self, key: str) -> bool:
        return key in self._catalog

    def message_keys(self) -> set[str]:
        return set(self._catalog)

    def text(self, key: str, /, **args: Any) -> str:
        """The catalog sentence `key` with `args` filled in."""
        # A letter says the same few things hundreds of times (heading numbers, lists): the
        # same key and arguments give the same text, so it is rendered once.
        try:
            memo = (key, *((k, tuple(v) if isinstance(v, list) else v) for k, v in args.items()))
            said = self._said.get(memo)
        except TypeError:  # an argument that cannot be a key
            return self.say(Message(key, args))
        if said is None:
            if len(self._said) > 4096:
                self._said.clear()
            said = self._said[memo] = self.say(Message(key, args))
        return said

    def say(self, message: Message) -> str:
        """A Message in this language; nested Messages in its arguments are said first."""
        try:
            template = self._template(message.key)
        except KeyError:
            raise RenderError(f'{self.name}: no message "{message.key}" in messages/') from None
        args = {k: self.say(v) if isinstance(v, Message) else v for k, v in message.args.items()}
        try:
            return template(args).strip()
        except KeyError as missing:
            raise RenderError(f'{self.name}: message "{message.key}" needs {missing}') from None

    @functools.cache  # noqa: B019 - a locale lives as long as the process
    def _template(self, key: str) -> Callable[[Mapping[str, Any]], str]:
        # Most sentences only fill in `{{ name }}`: those are filled directly, and Jinja (its
        # import and a compile per sentence) is paid only for sentences with logic.
        text = self._catalog[key]
        if "{%" in text or "{#" in text or _PLACEHOLDER.sub("", text).count("{{"):
            from jinja2 import TemplateError

            try:
                template = self._env.from_string(text)
            except TemplateError as exc:
                raise RenderError(f'{self.name}: message "{key}": {exc}') from None

            def render(args: Mapping[str, Any]) -> str:
                try:
                    return str(template.render(args))
                except TemplateError as exc:
                    raise RenderError(f'{self.name}: message "{key}": {exc}') from None

            return render
        return lambda args: _PLACEHOLDER.sub(lambda m: str(self.value(args[m[1]])), text)

    @functools.cached_property
    def _env(self) -> Any:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        return SandboxedEnvironment(
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            finalize=self.value,
        )

    # ------------------------------------------------------------ values

    def value(self, value: Any) -> Any:
        """How a value reads in this language: quantities, numbers, yes/no, enums, None."""
        if isinstance(value, str) and not isinstance(value, Enum):
            return value
        if isinstance(value, Message):
            return self.say(value)
        if isinstance(value, Duration | Frequency | DailyWindow):
            said = self._values.get(value)
            if said is None:
                said = self._values[value] = self._quantity(value)
            return said
        if isinstance(value, Count):
            return self.text(
                "quantity.count",
                n=value.value,
                measure=value.measure,
                unlimited=value.is_unlimited,
            )
        if isinstance(value, tuple | list):
            return self.text("list.join", items=[str(self.value(v)) for v in value])
        if isinstance(value, bool):
            return self.text("quantity.yes" if value else "quantity.no")
        if value is None:
            return self.text("quantity.none")
        if isinstance(value, StrEnum):
            return self.enum(value)
        if isinstance(value, Decimal):
            return format_number(value)
        return value

    def describe(self, value: Any) -> str:
        """A commitment value as the check reads it: numbers are percentages (Decimal) or
        counts (int); everything else as `value` says it."""
        if isinstance(value, Decimal):
            return self.text("quantity.percent", n=value)
        if isinstance(value, int) and not isinstance(value, bool):
            return self.text("quantity.count", n=value, measure="", unlimited=False)
        return str(self.value(value))

    def _quantity(self, value: Duration | Frequency | DailyWindow) -> str:
        if isinstance(value, Duration):
            if value.is_unlimited:
                return self.text("quantity.unlimited")
            if value.is_immediate:
                return self.text("quantity.immediate")
            unit = self.text(f"quantity.unit.{_UNIT_KEYS[value.unit]}", n=value.value)
            return self.text("quantity.duration", n=value.value, unit=unit)
        if isinstance(value, Frequency):
            per = value.per
            return self.text(
                "quantity.frequency",
                times=value.times,
                n=per.value,
                unit=_UNIT_KEYS[per.unit],
                one=self.text(f"quantity.unit.{_UNIT_KEYS[per.unit]}", n=1),
                period=self.value(per),
            )
        return self.text(
            "quantity.window",
            always=value.is_round_the_clock,
            days=value.days,
            start=_clock(value.start),
            end=_clock(value.end),
        )

    def enum(self, value: StrEnum) -> str:
        """An enum value in words, from the word maps of `clauses/_words.j2`."""
        maps = self.words()
        for name in _ENUM_MAPS:
            if value.value in maps.get(name, {}):
                return str(maps[name][value.value])
        return str(value.value)

    def series(self, items: Sequence[str], last: str | None = None) -> str:
        """Items joined as a list reads: 防潮、防雨及防震 (`last` before the final item)."""
        return self.text("list.series", items=list(items), last=last)

    # ------------------------------------------------------------ words and settings

    @property
    def clauses(self) -> Path:
        return self.folder / "clauses"

    def words(self) -> dict[str, dict[str, str]]:
        """The word maps of `_words.j2` (START, PRICE, SEVERITY, TIME …): the words for each
        enum value, shared by the letter, the check and `explain`."""
        return {
            name: value
            for name, value in read_words(self.clauses).items()
            if isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        }

    def vocabulary(self, method: StrEnum | str) -> Vocabulary:
        """The terms a letter uses under a procurement `method`, from VOCABULARY in `_words.j2`."""
        key = method.value if isinstance(method, StrEnum) else method
        return Vocabulary(**read_words(self.clauses)["VOCABULARY"][key])

    def verdict(self, verdict: StrEnum) -> str:
        """The locale's word for a verdict (正偏离 …); a tender's own words come first, see
        `generator.tender.reports.verdict_word`."""
        return self.text(f"verdict.{verdict.value}")

    def number(self, depth: int, n: int, parents: Sequence[int] = ()) -> str:
        """The number of the `n`th heading or point at `depth` (1 = top), by `numbering` in
        locale.yaml: {n} the number, {cn} the locale's counting word (number.ordinal),
        {path} the numbers from the top joined by dots (1.2.3)."""
        styles: list[str] = self.settings["numbering"]
        style = styles[min(depth, len(styles)) - 1]
        fields = {"n": n, "path": ".".join(str(i) for i in (*parents, n))}
        if "{cn}" in style:
            fields["cn"] = self.text("number.ordinal", n=n)
        return style.format_map(fields)

    def file_suffix(self, kind: str) -> str:
        """The file-name ending of a document kind: `letter` or `deviation`."""
        return str(self.settings["files"][kind])

    def fonts(self, medium: str) -> dict[str, Any]:
        """The font families of `medium` (`pdf`, `docx`) by role (body, heading, latin): a
        family, or a list of families tried in order."""
        return dict(self.settings["fonts"][medium])


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _catalog(messages: Path) -> dict[str, str]:
    """Every sentence of a language, flattened by key. Read from the YAML files once and then
    from the cache (a dozen YAML files cost ~0.1 s at every start of `validate`); the cache
    entry is named by each file's path, size and time, so an edited file is read again."""
    files = sorted(messages.glob("*.yaml"))
    stamps = []
    for file in files:
        stat = file.stat()
        stamps.append(f"{file.resolve()}|{stat.st_size}|{stat.st_mtime_ns}")
    entry = cache_file("catalog", "1\n" + "\n".join(stamps), ".json")
    try:
        cached = json.loads(entry.read_text(encoding="utf-8"))
        if isinstance(cached, dict) and all(isinstance(v, str) for v in cached.values()):
            return cached
    except (OSError, ValueError):
        pass  # absent or damaged: read the files
    catalog: dict[str, str] = {}
    for file in files:
        for key, text in _flatten(load_document(file).data):
            catalog[key] = text
    write_quietly(entry, json.dumps(catalog, ensure_ascii=False))
    return catalog


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out += _flatten(value, full + ".")
        else:
            out.append((full, str(value)))
    return out

"""The commitment path table, built from markers declared on the commitment fields.

A commitment field says what it is next to its type, with a `Commit` marker in its
`Annotated` metadata (usually through an alias in `generator.profiles.models`, e.g.
`TimeLimit`, `Period`, `Promise`): which direction is better and its unit family. Its value
kind comes from its type (`generator.profiles.kinds`), its Chinese term from its docstring.
`build_table(Commitments)` walks the models and returns every path a tender or a capacity
entry may name (`warranty.period`, `response.arrive` ...).

Lists of sub-models are not single values; a marker on the list says how its items are
reached: `Tiers` flattens a tier's fields to `<list's parent>.<field>` (looked up by place,
severity, time and the tender's class labels), `Components` lets `<parent>.<field>` be
narrowed to named components (each named one must meet it), `StaffRecords` makes
`<parent>.<name>` the number of staff holding a qualification. A list of texts or choices
marked `Commit` is one value: a list the bidder covers or hands over (compared by `contains`).

This module knows no model: `generator.profiles.models` declares, and calls `build_table`.
"""

import difflib
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Union

from pydantic import BaseModel

from generator.profiles.kinds import Better, Quantity, ValueKind, kind_of_type
from generator.profiles.quantities import Count

__all__ = [
    "Commit",
    "Components",
    "Lookup",
    "PathInfo",
    "PathTable",
    "StaffRecords",
    "Tiers",
    "build_table",
    "chinese_term",
]


@dataclass(frozen=True)
class Commit:
    """Marker of a commitment field: a tender may name it and the check compares it."""

    better: Better
    """which way is better for the customer."""
    unit: str | None = None
    """unit family for the reader and the authoring tools: time (minutes to days, working
    days), calendar (days to years), or None when the kind says it all; for a count, its
    measure word (名; 次 when None)."""


@dataclass(frozen=True)
class Tiers:
    """Marker of a list of tiers: each marked field of an item is the path
    `<parent>.<field>`, offered per place, severity and time."""


@dataclass(frozen=True)
class Components:
    """Marker of a list of components: `<parent>.<field>` may be narrowed by a requirement's
    scope.component to the component of that name (falling back to the whole unit)."""

    field: str
    """the sibling field the components refine, e.g. period."""


@dataclass(frozen=True)
class StaffRecords:
    """Marker of a list of staff roles (role, count, qualification): `<parent>.<name>` is the
    number of people holding the qualification a requirement's scope names, counted in these
    roles and in the company's staff records."""

    name: str
    """the path's last part, e.g. qualified_staff."""
    label: str
    """its Chinese term, e.g. 持证服务人员."""


class Lookup(StrEnum):
    """How the check finds a path's offers in a profile."""

    PLAIN = "plain"
    """the one value at the path."""
    TIERS = "tiers"
    """one value per tier that applies at the place, severity and time."""
    COMPONENTS = "components"
    """the value of each named component, else of the whole unit."""
    STAFF = "staff"
    """the number of staff holding the scope's qualification (staff records)."""


@dataclass(frozen=True)
class PathInfo:
    """What a commitment path holds: its kind and type, which way is better, its Chinese term."""

    path: str
    kind: ValueKind
    type: type
    better: Better
    label: str
    """承诺项名称, e.g. 质保期, 到场时间."""
    unit: str | None = None
    lookup: Lookup = Lookup.PLAIN
    via: str | None = None
    """the list field holding the tiers or components (lookup TIERS or COMPONENTS)."""

    @property
    def smaller_is_better(self) -> bool:
        return self.better is Better.SMALLER

    def parse(self, text: str) -> Quantity:
        """Read `text` as a value of this path; QuantityError if it is not one."""
        return self.typed(self.kind.parse(self.type, text))

    def typed(self, value: Quantity) -> Quantity:
        """A value as the check holds it: a count carries the path's measure word (名, else
        次) when written bare, and a list is a tuple."""
        if self.kind.name == "count":
            if isinstance(value, int) and not isinstance(value, bool):
                return Count(value, self.unit or "次")
            if isinstance(value, Count) and not value.measure:
                return Count(value.value, self.unit or "次")
        if isinstance(value, list):
            return tuple(value)
        return value


class PathTable(Mapping[str, PathInfo]):
    """Every commitment path by name, in declaration order."""

    def __init__(self, paths: dict[str, PathInfo]) -> None:
        self._paths = paths

    def __getitem__(self, path: str) -> PathInfo:
        return self._paths[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def suggest(self, path: str) -> str | None:
        """The known path closest to `path`, if any is close."""
        close = difflib.get_close_matches(path, list(self._paths), n=1, cutoff=0.5)
        return close[0] if close else None


def chinese_term(description: str | None, fallback: str) -> str:
    """The Chinese term a field docstring starts with (质保期, 到场时间 …), else `fallback`."""
    text = (description or "").strip()
    end = 0
    while end < len(text) and ("\u3400" <= text[end] <= "\u9fff" or text[end] in "（）、/"):
        end += 1
    return text[:end] or fallback


def strip_optional(annotation: Any) -> tuple[Any, list[Any]]:
    """The core type of `X | None` and `Annotated[X, ...]`, with every Annotated metadata."""
    meta: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = typing.get_args(annotation)
            meta.extend(extra)
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation, meta
            annotation = args[0]
        else:
            return annotation, meta


def _marker(meta: list[Any], cls: type[Any]) -> Any:
    return next((m for m in meta if isinstance(m, cls)), None)


@cache
def build_table(root: type[BaseModel]) -> PathTable:
    """Every marked field under `root`, by dotted path. A marked field whose type is no
    value kind is a programming error and raises TypeError at once."""
    out: dict[str, PathInfo] = {}
    _walk_model(root, "", out)
    return PathTable(out)


def _info(
    path: str, model: type[BaseModel], name: str, lookup: Lookup, via: str | None = None
) -> PathInfo | None:
    field = model.model_fields[name]
    # pydantic keeps Annotated metadata of the field in `metadata`; of `X | None` in the type.
    core, meta = strip_optional(field.annotation)
    meta = [*field.metadata, *meta]
    commit = _marker(meta, Commit)
    if commit is None:
        return None
    kind = kind_of_type(core)
    if kind is None:
        raise TypeError(f"{model.__name__}.{name}: {core!r} is no value kind")
    label = chinese_term(field.description, name)
    return PathInfo(path, kind, core, commit.better, label, commit.unit, lookup, via)


def _walk_model(model: type[BaseModel], prefix: str, out: dict[str, PathInfo]) -> None:
    refined: dict[str, str] = {}  # field -> the Components list refining it
    for name, field in model.model_fields.items():
        core, meta = strip_optional(field.annotation)
        meta = [*field.metadata, *meta]
        parts = _marker(meta, Components)
        if parts is not None:
            refined[parts.field] = name
    for name, field in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        core, meta = strip_optional(field.annotation)
        meta = [*field.metadata, *meta]
        if typing.get_origin(core) is list and _marker(meta, Commit) is None:
            # A list is a value only when marked (and a kind holds it); otherwise it may hold
            # tiers, components or prose.
            item = typing.get_args(core)[0]
            staff = _marker(meta, StaffRecords)
            if staff is not None:
                count = kind_of_type(int)
                assert count is not None
                at = f"{prefix}.{staff.name}" if prefix else staff.name
                out[at] = PathInfo(
                    at, count, int, Better.LARGER, staff.label, "名", Lookup.STAFF, name
                )
            if _marker(meta, Tiers) is not None:
                for sub in item.model_fields:
                    info = _info(f"{prefix}.{sub}", item, sub, Lookup.TIERS, name)
                    if info is not None:
                        out[info.path] = info
            continue
        if isinstance(core, type) and issubclass(core, BaseModel):
            _walk_model(core, path, out)
            continue
        via = refined.get(name)
        lookup = Lookup.PLAIN if via is None else Lookup.COMPONENTS
        info = _info(path, model, name, lookup, via)
        if info is not None:
            out[path] = info

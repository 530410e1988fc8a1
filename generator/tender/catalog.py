"""The commitment paths as a tender's author sees them, and the JSON Schemas that offer them.

`path_rows()` lists every path of the path table (`generator.profiles.paths`, built from the
markers on the commitment fields) with its Chinese term, value kind, unit family, better
direction and the comparators of `generator.tender.comparators` it accepts. `aftersales paths`
prints it; `file_schema("tender")` enumerates the same paths (with descriptions) wherever a
file names a commitment, and per path the comparators it accepts, so an editor completes
both. Nothing here is a hand-kept list: a new field with a `Commit` marker, or a newly
registered comparator, appears in both at once.
"""

import json
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from generator.profiles.models import commitment_paths
from generator.profiles.paths import PathInfo
from generator.profiles.schema import json_schema
from generator.tender.comparators import COMPARATORS, comparator_named
from generator.tender.loading import FILE_MODELS
from generator.terminal import format_table

__all__ = [
    "PATH_FORMATS",
    "PathRow",
    "file_schema",
    "file_schema_text",
    "path_rows",
    "paths_report",
]


@dataclass(frozen=True)
class PathRow:
    """One commitment path, as `aftersales paths` lists it."""

    path: str
    term: str
    """承诺项名称, e.g. 质保期."""
    kind: str
    """value kind (duration, frequency, window, percent, count, flag, choice, text)."""
    unit: str | None
    """unit family of a duration: time (minutes to days, working days) or calendar."""
    better: str
    """larger, smaller or none (a yes/no or a choice is met or not)."""
    comparators: tuple[str, ...]
    """the comparators a requirement on this path may use."""
    lookup: str
    """plain, tiers (per place, severity and time) or components (per named component)."""
    values: tuple[str, ...] = ()
    """the allowed values of a choice."""

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "term": self.term,
            "kind": self.kind,
            "unit": self.unit,
            "better": self.better,
            "comparators": list(self.comparators),
            "lookup": self.lookup,
            "values": list(self.values),
        }

    @property
    def summary(self) -> str:
        """One line for an editor's hover and completion list."""
        parts = [self.term, self.kind + (f" ({self.unit})" if self.unit else "")]
        if self.better != "none":
            parts.append(f"{self.better} is better")
        if self.values:
            parts.append("one of " + " / ".join(self.values))
        parts.append("comparators: " + ", ".join(self.comparators))
        if self.lookup != "plain":
            parts.append(f"looked up by {self.lookup}")
        return "; ".join(parts)


def accepted(info: PathInfo) -> tuple[str, ...]:
    """The comparators a requirement on `info` may use, in registration order."""
    return tuple(name for name, c in COMPARATORS.items() if c.problem(info) is None)


def _choices(core: Any) -> list[Enum]:
    """The members of a choice, or of the choice a list holds; none for other kinds."""
    if typing.get_origin(core) is list:
        core = typing.get_args(core)[0]
    if isinstance(core, type) and not typing.get_args(core) and issubclass(core, Enum):
        return list(core)
    return []


def path_rows() -> list[PathRow]:
    """Every commitment path, in declaration order."""
    rows = []
    for path, info in commitment_paths().items():
        values = tuple(str(m.value) for m in _choices(info.type))
        rows.append(
            PathRow(
                path=path,
                term=info.label,
                kind=info.kind.name,
                unit=info.unit,
                better=info.better.value,
                comparators=accepted(info),
                lookup=info.lookup.value,
                values=values,
            )
        )
    return rows


PATH_FORMATS = ("text", "json", "markdown")


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def paths_report(fmt: str = "text", rows: Sequence[PathRow] | None = None) -> str:
    """The path table as text (a terminal table), json or markdown."""
    rows = path_rows() if rows is None else rows
    header = ("path", "term", "kind", "unit", "better", "comparators", "values")

    def cells(r: PathRow) -> tuple[str, ...]:
        lookup = "" if r.lookup == "plain" else f" [{r.lookup}]"
        return (
            r.path + lookup,
            r.term,
            r.kind,
            r.unit or "",
            r.better,
            ", ".join(r.comparators),
            " / ".join(r.values),
        )

    if fmt == "json":
        return json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for r in rows:
            c = list(cells(r))
            c[0] = f"`{c[0]}`"
            lines.append("| " + " | ".join(_md(x) for x in c) + " |")
        return "\n".join(lines) + "\n"
    if fmt == "text":
        return format_table(header, [cells(r) for r in rows]) + "\n"
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(PATH_FORMATS)}")


# ---------------------------------------------------------------- JSON Schema


def _names(comparators: Sequence[str]) -> list[str]:
    """The ids and the tender's words (不少于 ...) of `comparators`, as a file may write them."""
    out = list(comparators)
    for name in comparators:
        out.extend(a for a in COMPARATORS[name].aliases if comparator_named(a) is COMPARATORS[name])
    return out


def _string_schema(prop: dict[str, Any]) -> dict[str, Any] | None:
    """The string schema of a property (itself, or its string option when it may be null)."""
    if prop.get("type") == "string":
        return prop
    return next((o for o in prop.get("anyOf", []) if o.get("type") == "string"), None)


def _enum_paths(node: Any, rows: Sequence[PathRow]) -> None:
    """Every `commitment` property (a tender's requirement, a capacity limit, an approval)
    becomes an enum of the paths, with a description per value: yaml-language-server shows
    `enumDescriptions` / `markdownEnumDescriptions` beside the completions, and validators
    ignore both keywords."""
    if isinstance(node, list):
        for item in node:
            _enum_paths(item, rows)
        return
    if not isinstance(node, dict):
        return
    prop = node.get("properties", {}).get("commitment")
    text = _string_schema(prop) if isinstance(prop, dict) else None
    if text is not None:
        text.pop("pattern", None)  # the enum is stricter
        text["enum"] = [r.path for r in rows]
        text["enumDescriptions"] = [r.summary for r in rows]
        text["markdownEnumDescriptions"] = [f"**{r.term}** — {r.summary}" for r in rows]
    for value in node.values():
        _enum_paths(value, rows)


def _comparators_by_path(definition: dict[str, Any], rows: Sequence[PathRow]) -> None:
    """A requirement's comparator offered per path: paths that accept the same comparators
    share one if/then (draft-07), so the schema stays small."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for r in rows:
        groups.setdefault(r.comparators, []).append(r.path)
    rules = [
        {
            "if": {"properties": {"commitment": {"enum": paths}}, "required": ["commitment"]},
            "then": {"properties": {"comparator": {"enum": _names(names)}}},
        }
        for names, paths in groups.items()
    ]
    definition.setdefault("allOf", []).extend(rules)


def file_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a kind of file (company, project, overlay, tender): the models'
    schema, with every commitment path enumerated and, for a tender, the comparators each
    path accepts."""
    schema = json_schema(kind, FILE_MODELS)
    rows = path_rows()
    _enum_paths(schema, rows)
    for definition in schema.get("definitions", {}).values():
        props = definition.get("properties", {})
        if "commitment" in props and "comparator" in props:
            _comparators_by_path(definition, rows)
    return schema


def file_schema_text(kind: str) -> str:
    return json.dumps(file_schema(kind), ensure_ascii=False, indent=2) + "\n"

"""The field reference (docs/profiles.md), generated from the models so it cannot drift.

Run as `python -m generator.app.reference` (or `make docs`).
"""

import datetime as dt
import enum
import types
import typing
from decimal import Decimal
from typing import Any, Literal, Union

from pydantic import BaseModel

from generator.profiles.models import CompanyFile, OverlayFile, ProjectFile
from generator.profiles.quantities import DailyWindow, Duration, Frequency
from generator.tender.model import TenderFile

_SCALARS: dict[Any, str] = {
    str: "text",
    int: "integer",
    bool: "yes/no",
    Decimal: "number",
    dt.date: "date (2026-11-28)",
    Duration: "duration (`8h`, `30min`, `3 working days`, `18个月`, `立即`)",
    Frequency: "frequency (`每半年一次`, `2 per year`)",
    DailyWindow: "daily window (`8:00-24:00`, `7x24`)",
}


def _type_name(annotation: Any, nested: list[type[BaseModel]]) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0], nested)
    if origin in (Union, types.UnionType):
        return " or ".join(_type_name(a, nested) for a in args if a is not type(None))
    if origin is list:
        return "list of " + _type_name(args[0], nested)
    if origin is Literal:
        return " / ".join(f"`{a}`" for a in args)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in nested:
            nested.append(annotation)
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "one of " + ", ".join(f"`{m.value}`" for m in annotation)
    own = getattr(annotation, "__reference__", None)  # a type that words itself (Comparator)
    if callable(own):
        return str(own())
    return _SCALARS.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _section(model: type[BaseModel], nested: list[type[BaseModel]]) -> list[str]:
    doc = (model.__doc__ or "").strip().replace("\n", " ")
    lines = [f"## {model.__name__}", "", " ".join(doc.split()), ""]
    lines += ["| key | type | required | meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        kind = _type_name(field.annotation, nested).replace("|", "\\|")
        meaning = " ".join((field.description or "").split()).replace("|", "\\|")
        required = "yes" if field.is_required() else ""
        lines.append(f"| `{name}` | {kind} | {required} | {meaning} |")
    return [*lines, ""]


def reference() -> str:
    """The whole reference as Markdown."""
    out = [
        "# Profile reference",
        "",
        "Generated from `generator/profiles/models.py` by `make docs`; do not edit by hand.",
        "Every file declares its `kind`. Quantities are written as text in English or Chinese.",
        "",
    ]

    nested: list[type[BaseModel]] = [CompanyFile, ProjectFile, OverlayFile, TenderFile]
    done: set[type[BaseModel]] = set()
    while len(done) < len(nested):
        model = next(m for m in nested if m not in done)
        done.add(model)
        out += _section(model, nested)
    return "\n".join(out)


if __name__ == "__main__":
    print(reference(), end="")

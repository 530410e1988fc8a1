"""The resolved commitments as rows a sales person can read: what, value, where it came from."""

from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from generator.errors import Location
from generator.profiles.loading import Resolved
from generator.profiles.paths import chinese_term


@dataclass(frozen=True)
class Row:
    path: str
    term: str
    """the Chinese term from the field's docstring."""
    value: str
    source: Location


def _term(model: type[BaseModel], name: str) -> str:
    return chinese_term(model.model_fields[name].description, name)


def _walk(obj: Any, path: str, term: str, resolved: Resolved, out: list[Row]) -> None:
    if isinstance(obj, BaseModel):
        cls = type(obj)
        for name in cls.model_fields:
            value = getattr(obj, name)
            unset = value is None or value is False or (isinstance(value, list) and not value)
            if name not in obj.model_fields_set or unset:
                continue
            _walk(value, f"{path}.{name}" if path else name, _term(cls, name), resolved, out)
        return
    if isinstance(obj, list):
        if all(not isinstance(v, BaseModel) for v in obj):
            text = "、".join(_text(v) for v in obj)
            out.append(Row(path, term, text, resolved.where(path)))
            return
        for n, item in enumerate(obj):
            _walk(item, f"{path}[{n}]", term, resolved, out)
        return
    out.append(Row(path, term, _text(obj), resolved.where(path)))


def _text(value: Any) -> str:
    from generator.tender.wording import describe

    if value is True:
        return "是"
    if isinstance(value, str) and not isinstance(value, Enum):
        return value
    return describe(value)


def explain_rows(resolved: Resolved) -> list[Row]:
    """Every commitment that is set, in model order, with its source location."""
    rows: list[Row] = []
    _walk(resolved.profile.commitments, "commitments", "", resolved, rows)
    return rows

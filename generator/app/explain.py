"""The resolved commitments as rows a sales person can read: what, value, where it came from."""

from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from generator.errors import Location
from generator.locale import Locale, get_locale
from generator.profiles.loading import Resolved
from generator.profiles.models import chinese_term


@dataclass(frozen=True)
class Row:
    path: str
    term: str
    """the Chinese term from the field's docstring."""
    value: str
    source: Location


def _term(model: type[BaseModel], name: str) -> str:
    return chinese_term(model.model_fields[name].description, name)


def _walk(obj: Any, path: str, term: str, resolved: Resolved, out: list[Row], say: Locale) -> None:
    if isinstance(obj, BaseModel):
        cls = type(obj)
        for name in cls.model_fields:
            value = getattr(obj, name)
            unset = value is None or value is False or (isinstance(value, list) and not value)
            if name not in obj.model_fields_set or unset:
                continue
            where = f"{path}.{name}" if path else name
            _walk(value, where, _term(cls, name), resolved, out, say)
        return
    if isinstance(obj, list):
        if all(not isinstance(v, BaseModel) for v in obj):
            text = say.text("list.join", items=[_text(v, say) for v in obj])
            out.append(Row(path, term, text, resolved.where(path)))
            return
        for n, item in enumerate(obj):
            _walk(item, f"{path}[{n}]", term, resolved, out, say)
        return
    out.append(Row(path, term, _text(obj, say), resolved.where(path)))


def _text(value: Any, say: Locale) -> str:
    if value is True:
        return say.text("explain.yes")
    if isinstance(value, str) and not isinstance(value, Enum):
        return value
    return say.describe(value)


def explain_rows(resolved: Resolved, language: str | None = None) -> list[Row]:
    """Every commitment that is set, in model order, with its source location, its values
    worded in `language` (else the project's `language:`)."""
    say = get_locale(language or resolved.profile.project.language)
    rows: list[Row] = []
    _walk(resolved.profile.commitments, "commitments", "", resolved, rows, say)
    return rows


def explain_header(resolved: Resolved, language: str | None = None) -> tuple[str, ...]:
    """The column headings of the `explain` table, in the language of `explain_rows`."""
    say = get_locale(language or resolved.profile.project.language)
    return tuple(say.text(f"explain.column.{c}") for c in ("term", "value", "path", "source"))

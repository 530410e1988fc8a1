"""The resolved commitments as rows a sales person can read: what, value, where it came from,
and for each value an overlay or `--set` changed, what it was before and where that came from."""

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from generator.errors import Location
from generator.locale import Locale, get_locale
from generator.profiles.loading import Change, Resolved
from generator.profiles.models import Deviation


@dataclass(frozen=True)
class Row:
    path: str
    term: str
    """the field's name in the locale (`term.<path>` in messages/terms.yaml)."""
    value: str
    source: Location
    keyed: str = ""
    """the path with list items named by identity (`response.tiers[region=本省].arrive`)."""
    old: str | None = None
    """what an overlay or `--set` changed: the value before ("" when it added the value)."""
    old_source: Location | None = None
    """where the value before came from."""


def term_of(path: str, say: Locale) -> str:
    """The locale's name of the field or section a dotted path (with item selectors) ends
    at: `term.warranty.period` for commitments.warranty.period, `term.response.tiers.arrive`
    for commitments.response.tiers[0].arrive, `term.responses.note` for responses[0].note."""
    field = re.sub(r"\[[^\]]*\]", "", path).removeprefix("commitments.")
    key = f"term.{field}"
    return say.text(key) if say.has(key) else field.rsplit(".", 1)[-1]


def _walk(obj: Any, path: str, resolved: Resolved, out: list[Row], say: Locale) -> None:
    if isinstance(obj, BaseModel):
        cls = type(obj)
        for name in cls.model_fields:
            value = getattr(obj, name)
            unset = value is None or value is False or (isinstance(value, list) and not value)
            if name not in obj.model_fields_set or unset:
                continue
            where = f"{path}.{name}" if path else name
            _walk(value, where, resolved, out, say)
        return
    if isinstance(obj, list):
        if all(not isinstance(v, BaseModel) for v in obj):
            text = say.text("list.join", items=[value_text(v, say) for v in obj])
            out.append(Row(path, term_of(path, say), text, resolved.where(path)))
            return
        for n, item in enumerate(obj):
            _walk(item, f"{path}[{n}]", resolved, out, say)
        return
    out.append(Row(path, term_of(path, say), value_text(obj, say), resolved.where(path)))


def value_text(value: Any, say: Locale) -> str:
    """A resolved value worded for a reader (a flag reads 是, a quantity in the locale)."""
    if value is True:
        return say.text("explain.yes")
    if isinstance(value, Deviation):  # a response's deviation, as the 偏离表 words it
        return say.text(f"verdict.{value.value}")
    if isinstance(value, str) and not isinstance(value, Enum):
        return value
    return say.describe(value)


def _plain(value: Any, say: Locale) -> str:
    """A value as written in YAML (text, lists, mappings) on one line."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v, say)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return say.text("list.join", items=[_plain(v, say) for v in value])
    return "" if value is None else str(value)


def _last_change(path: str, latest: dict[str, tuple[int, Change]]) -> Change | None:
    """The latest change of `path` or of an item or section holding it (added whole)."""
    holders = [path] + [path[:n] for n, char in enumerate(path) if char in ".["]
    found = [latest[h] for h in holders if h in latest]
    return max(found, key=lambda pair: pair[0])[1] if found else None


def explain_rows(resolved: Resolved, language: str | None = None) -> list[Row]:
    """Every commitment that is set, in model order, with its source location and its values
    worded in `language` (else the project's `language:`); a value an overlay or `--set`
    changed also shows the value before it and that value's source, and every removal is a
    row of its own at the end."""
    say = get_locale(language or resolved.profile.project.language)
    rows: list[Row] = []
    _walk(resolved.profile.commitments, "commitments", resolved, rows, say)
    # the bid's own answers to tender clauses, where each was written (and what an overlay
    # changed), like the commitments
    _walk(resolved.profile.project.responses, "responses", resolved, rows, say)
    changes = list(resolved.changes)
    latest = {c.path: (n, c) for n, c in enumerate(changes) if c.kind != "removed"}
    out: list[Row] = []
    for row in rows:
        keyed = resolved.keyed(row.path)
        change = _last_change(keyed, latest)
        if change is None:
            out.append(Row(row.path, row.term, row.value, row.source, keyed))
        elif change.kind == "added":
            out.append(
                Row(row.path, row.term, row.value, row.source, keyed, say.text("explain.added"))
            )
        else:
            old = _plain(change.old, say) + (
                say.text("explain.replaced") if change.kind == "replaced" else ""
            )
            was = change.old_source
            out.append(Row(row.path, row.term, row.value, row.source, keyed, old, was))
    for change in changes:
        if change.kind == "removed":
            term = term_of(change.path, say)
            old, where = _plain(change.old, say), change.old_source
            out.append(
                Row(
                    change.path,
                    term,
                    say.text("explain.removed"),
                    change.source,
                    change.path,
                    old,
                    where,
                )
            )
    return out


def explain_header(resolved: Resolved, language: str | None = None) -> tuple[str, ...]:
    """The column headings of the `explain` table, in the language of `explain_rows`."""
    say = get_locale(language or resolved.profile.project.language)
    columns = ("term", "value", "path", "source", "was", "was_from")
    return tuple(say.text(f"explain.column.{c}") for c in columns)

"""Load profile files, layer them (company < project < overlays < --set) and validate.

Every resolved value keeps the file:line:col it came from, so every error and every finding
points at the line a person has to change.
"""

import copy
import difflib
import re
import types
import typing
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import BaseModel, ValidationError

from generator.errors import InputError, Location, Problem
from generator.profiles.identity import (
    IDENTITIES,
    REMOVE,
    REMOVE_KEY,
    Identity,
    identity_of,
    key_of,
    key_text,
    pattern,
    selector,
)
from generator.profiles.models import CompanyFile, OverlayFile, Profile, ProjectFile
from generator.profiles.quantities import QuantityError
from generator.profiles.yamlreader import Document, Path_, dotted, load_document, parse_document

FileKind = Literal["company", "project", "overlay", "tender"]
"""The `kind:` of a YAML file. Tender files are read by generator.tender.loading."""

PROFILE_MODELS: Mapping[str, type[BaseModel]] = {
    "company": CompanyFile,
    "project": ProjectFile,
    "overlay": OverlayFile,
}
"""The model of each kind of profile file; generator.tender.loading adds the tender."""


@dataclass(frozen=True)
class Resolved:
    """A project profile with everything layered on it."""

    profile: Profile
    provenance: dict[str, Location]
    """where each resolved value came from, by dotted path ("commitments.warranty.period")."""
    files: tuple[Path, ...]
    asset_dirs: tuple[Path, ...]
    """folders images may be read from: those of the company, project and overlay files."""
    changes: tuple["Change", ...] = ()
    """what the overlays and `--set` changed, in the order they changed it."""
    notices: tuple[Problem, ...] = ()
    """warnings for the user (every removal), printed by `render` and `explain`."""
    labels: dict[str, str] = field(default_factory=dict)
    """dotted path of each item of a keyed list → the same path naming it by identity."""

    def keyed(self, path: str) -> str:
        """`path` (`commitments.response.tiers[1].arrive`) with items named by identity
        (`commitments.response.tiers[region=其它地区].arrive`)."""
        ends = [n + 1 for n, char in enumerate(path) if char == "]"]
        for end in reversed(ends):  # the innermost item's label holds those around it
            label = self.labels.get(path[:end])
            if label is not None:
                return label + path[end:]
        return path

    def where(self, path: str) -> Location:
        """The location of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.provenance:
                return self.provenance[path]
            parent = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", path)
            path = "" if parent == path else parent
        return Location(str(self.files[0]), 1, 1)


@dataclass(frozen=True)
class Change:
    """A value an overlay or `--set` changed, added, removed or replaced (a whole plain list)."""

    path: str
    """dotted, items named by identity: commitments.response.tiers[region=本省].arrive"""
    kind: Literal["changed", "added", "removed", "replaced"]
    old: Any
    """the value below (plain YAML data), None when added."""
    old_source: Location | None
    new: Any
    """the value now (plain YAML data), None when removed."""
    source: Location
    """where the change was written."""


_MISSING: Any = object()
"""A value that is not there (unlike None, an empty value the user wrote)."""


def _sub(where: dict[Path_, Location], prefix: Path_) -> dict[Path_, Location]:
    """The locations under `prefix`, relative to it (`()` is the value's own location)."""
    n = len(prefix)
    return {p[n:]: loc for p, loc in where.items() if p[:n] == prefix}


def _children(where: dict[Path_, Location]) -> dict[str | int, dict[Path_, Location]]:
    """The locations under each key or item, relative to it, in one pass."""
    out: dict[str | int, dict[Path_, Location]] = {}
    for p, loc in where.items():
        if p:
            out.setdefault(p[0], {})[p[1:]] = loc
    return out


def _absent(value: Any) -> bool:
    return value is _MISSING or value is None or value == {} or value == []


def _short(value: Any, room: int = 100) -> str:
    """A value in one line for messages, cut to about `room` characters."""
    if isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, list):
        text = "[" + ", ".join(_short(v) for v in value) + "]"
    else:
        text = "" if value is None else str(value)
    return text if len(text) <= room else text[:room] + "…"


def _has_marker(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_marker(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_marker(v) for v in value)
    return isinstance(value, str) and value.strip() == REMOVE


@dataclass
class _Layer:
    """Merged data and where each value came from, built up one file at a time.

    Mappings merge key by key; lists of named items (see `identity`) merge item by item by
    their identity; other values and plain lists replace what was below. `~remove` and
    `remove: true` remove explicitly; every removal is a notice, every change made while
    `record` is on (overlays, `--set`) is a `Change`.
    """

    data: dict[str, Any]
    where: dict[Path_, Location]
    keys: dict[Path_, Location]
    changes: list[Change] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    record: bool = False

    def put(self, path: Path_, value: Any, where: dict[Path_, Location]) -> None:
        """Layer `value` (with its locations `where`, absolute paths) over the value at `path`.

        Every step but a list index must lead through mappings; the caller checks that.
        """
        parent: Any = self.data
        for step in path[:-1]:
            parent = parent.setdefault(step, {}) if isinstance(step, str) else parent[step]
        last = path[-1]
        current = parent.get(last, _MISSING) if isinstance(parent, dict) else parent[last]
        label = self.label(path)
        merged, merged_where = self._merge(
            path, label, current, _sub(self.where, path), value, _sub(where, path), self.record
        )
        if isinstance(last, int) and merged is _MISSING:
            # An item removed by index: the items after it move up one place.
            list_path = path[:-1]
            items = _sub(self.where, list_path)
            for old in [p for p in self.where if p[: len(list_path)] == list_path]:
                del self.where[old]
            del parent[last]
            for rel, loc in items.items():
                if not rel:
                    self.where[list_path] = loc
                elif rel[0] != last:
                    index = rel[0] - 1 if isinstance(rel[0], int) and rel[0] > last else rel[0]
                    self.where[(*list_path, index, *rel[1:])] = loc
            return
        for old in [p for p in self.where if p[: len(path)] == path]:
            del self.where[old]
        if merged is _MISSING:
            parent.pop(last, None)
            return
        parent[last] = merged
        for rel, loc in merged_where.items():
            self.where[(*path, *rel)] = loc

    def label(self, path: Path_) -> str:
        """`path` for messages, with the items of keyed lists named by identity."""
        out = ""
        node: Any = self.data
        for n, step in enumerate(path):
            if isinstance(step, int):
                identity = identity_of(path[:n])
                item = node[step] if isinstance(node, list) and step < len(node) else None
                if identity is not None and isinstance(item, dict):
                    out += selector(identity, key_of(identity, item))
                else:
                    out += f"[{step}]"
                node = item
            else:
                out += f".{step}" if out else step
                node = node.get(step) if isinstance(node, dict) else None
        return out

    def _note(self, change: Change, record: bool) -> None:
        if record:
            self.changes.append(change)

    def _merge(
        self,
        path: Path_,
        label: str,
        base: Any,
        bwhere: dict[Path_, Location],
        over: Any,
        owhere: dict[Path_, Location],
        record: bool,
    ) -> tuple[Any, dict[Path_, Location]]:
        """`over` layered on `base`; both with locations relative to `path`."""
        loc = owhere.get((), Location("?"))
        old_loc = bwhere.get(())
        if isinstance(over, str) and over.strip() == REMOVE:
            if _absent(base):
                self.problems.append(Problem(loc, label, f"{REMOVE}: nothing below to remove"))
                return base, bwhere
            was = f"was {_short(base)}" + (f", from {old_loc}" if old_loc else "")
            self.notices.append(Problem(loc, label, f"removed ({was})"))
            self._note(Change(label, "removed", base, old_loc, None, loc), record)
            return _MISSING, {}
        if over is None or (over == [] and isinstance(base, list)):
            if not _absent(base):
                message = (
                    f"empty, which would drop {_short(base)} (from {old_loc}); write {REMOVE} to"
                    " remove it, or leave the key out to keep it"
                )
                self.problems.append(Problem(loc, label, message))
                return base, bwhere
            return copy.deepcopy(over), dict(owhere)
        if isinstance(over, dict) and (isinstance(base, dict) or _absent(base)):
            new = not isinstance(base, dict)
            merged: dict[str, Any] = {} if new else dict(base)
            below = {} if new else _children(bwhere)
            given = _children(owhere)
            for key, sub in over.items():
                value, sub_where = self._merge(
                    (*path, key),
                    f"{label}.{key}",
                    merged.get(key, _MISSING),
                    below.get(key, {}),
                    sub,
                    given.get(key, {}),
                    record and not new,
                )
                if value is _MISSING:
                    merged.pop(key, None)
                    below.pop(key, None)
                    continue
                merged[key] = value
                below[key] = sub_where
            where: dict[Path_, Location] = {(): loc if new else bwhere.get((), loc)}
            for key, sub_where in below.items():
                where.update({(key, *p): at for p, at in sub_where.items()})
            if new and over:
                self._note(Change(label, "added", None, None, merged, loc), record)
            return merged, where
        identity = identity_of(path)
        keyed = isinstance(over, list) and (isinstance(base, list) or _absent(base))
        if identity is not None and keyed:
            return self._merge_keyed(path, label, identity, base, bwhere, over, owhere, record)
        if _has_marker(over):
            message = f"{REMOVE} stands for a whole value, section or named item, not part of one"
            self.problems.append(Problem(loc, label, message))
            return base, bwhere
        if over != base:
            kind: Literal["changed", "added", "replaced"] = (
                "added" if _absent(base) else "replaced" if isinstance(over, list) else "changed"
            )
            before = None if base is _MISSING else base
            self._note(Change(label, kind, before, old_loc, over, loc), record)
        return copy.deepcopy(over), dict(owhere)

    def _merge_keyed(
        self,
        path: Path_,
        label: str,
        identity: Identity,
        base: Any,
        bwhere: dict[Path_, Location],
        over: list[Any],
        owhere: dict[Path_, Location],
        record: bool,
    ) -> tuple[Any, dict[Path_, Location]]:
        """Items of `over` change the item below with the same identity, or are added."""
        below = base if isinstance(base, list) else []
        by_number = _children(bwhere)
        # Removed items become None, so the numbers in `index` stay right until the end.
        items: list[tuple[Any, dict[Path_, Location]] | None] = [
            (item, by_number.get(n, {})) for n, item in enumerate(below)
        ]
        index = {
            key_of(identity, item): n
            for n, item in reversed(list(enumerate(below)))
            if isinstance(item, dict)
        }
        given = _children(owhere)
        fields = ", ".join(identity.fields)
        seen: dict[tuple[str | None, ...], Location] = {}

        def there() -> str:
            names = [
                selector(identity, key_of(identity, it[0]))
                for it in items
                if it is not None and isinstance(it[0], dict)
            ]
            return f" (there are: {', '.join(names)})" if names else ""

        for j, item in enumerate(over):
            iw = given.get(j, {})
            loc = iw.get((), owhere.get((), Location("?")))
            if not isinstance(item, dict):
                items.append((copy.deepcopy(item), iw))  # validation says what is wrong
                continue
            key = key_of(identity, item)
            name = label + selector(identity, key)
            if not identity.all_empty_ok and None in key:
                message = (
                    f"a {identity.noun} is named by {fields}: give {fields} to change the"
                    f" {identity.noun} of that name or to add one"
                )
                self.problems.append(Problem(loc, f"{label}[{j}]", message))
                continue
            if key in seen:
                first = seen[key].line
                message = f"the same {identity.noun} twice in one file (first at line {first})"
                self.problems.append(Problem(loc, name, message))
                continue
            seen[key] = loc
            found = index.get(key)
            if REMOVE_KEY in item:
                flag = item[REMOVE_KEY]
                rest = [k for k in item if k not in identity.fields and k != REMOVE_KEY]
                if not isinstance(flag, str) or flag.strip().lower() != "true":
                    where_flag = iw.get((REMOVE_KEY,), loc)
                    message = f'write "{REMOVE_KEY}: true" to remove this {identity.noun}'
                    self.problems.append(Problem(where_flag, f"{name}.{REMOVE_KEY}", message))
                elif rest:
                    message = (
                        f"a {identity.noun} to remove gives only {fields} and"
                        f" {REMOVE_KEY}: true (also has: {', '.join(rest)})"
                    )
                    self.problems.append(Problem(loc, name, message))
                elif found is None:
                    message = f"no {identity.noun} {selector(identity, key)} below to remove"
                    self.problems.append(Problem(loc, name, message + there()))
                else:
                    old, old_where = typing.cast(tuple[Any, dict[Path_, Location]], items[found])
                    items[found] = None
                    del index[key]
                    old_loc = old_where.get(())
                    was = f", from {old_loc}" if old_loc else ""
                    self.notices.append(Problem(loc, name, f"removed (was {_short(old)}{was})"))
                    self._note(Change(name, "removed", old, old_loc, None, loc), record)
                continue
            if found is not None:
                old, old_where = typing.cast(tuple[Any, dict[Path_, Location]], items[found])
                items[found] = self._merge((*path, found), name, old, old_where, item, iw, record)
                continue
            if all(k is None for k in key) and any(it is not None for it in items):
                message = (
                    f"names no {fields.replace(', ', ' or ')}, and no {identity.noun} below"
                    f" applies everywhere: name the {identity.noun} to change"
                )
                self.problems.append(Problem(loc, f"{label}[{j}]", message + there()))
                continue
            index[key] = len(items)
            items.append(self._merge((*path, len(items)), name, _MISSING, {}, item, iw, record))
        kept = [it for it in items if it is not None]
        where: dict[Path_, Location] = {}
        start = bwhere.get((), owhere.get(()))
        if start is not None:
            where[()] = start
        for n, (_, item_where) in enumerate(kept):
            where.update({(n, *p): at for p, at in item_where.items()})
        return [it for it, _ in kept], where


def _kind_of(doc: Document, kinds: Collection[str] = typing.get_args(FileKind)) -> FileKind:
    kind = doc.data.get("kind")
    if kind in kinds:
        return typing.cast(FileKind, kind)
    loc = doc.where.get(("kind",), Location(doc.file, 1, 1))
    wanted = ", ".join(kinds)
    msg = (
        f'"{kind}" is not a kind of file (one of: {wanted})'
        if kind
        else f"missing (one of: {wanted})"
    )
    raise InputError([Problem(loc, "kind", msg)])


def load_file(
    path: Path, models: Mapping[str, type[BaseModel]] = PROFILE_MODELS
) -> tuple[FileKind, BaseModel, Document]:
    """Read and validate one file on its own, of any kind in `models`."""
    doc = load_document(path)
    kind = _kind_of(doc, models)
    model = models[kind]
    if kind in ("project", "overlay"):
        return kind, _validate_layer(model, doc), doc
    return kind, validate(model, doc.data, doc.where, doc.key_where, doc.file), doc


M = typing.TypeVar("M", bound=BaseModel)


def load_model(path: Path, kind: FileKind, model: type[M]) -> tuple[M, dict[str, Location]]:
    """A validated file of one kind and where each of its values is, by dotted path."""
    doc = _load_kind(path, kind)
    validated = validate(model, doc.data, doc.where, doc.key_where, doc.file)
    return typing.cast(M, validated), {dotted(p): loc for p, loc in doc.where.items()}


def load_any(
    path: Path, models: Mapping[str, type[BaseModel]] = PROFILE_MODELS
) -> tuple[FileKind, BaseModel]:
    """Validate any kind of file in `models`; a project is resolved with its company (for
    `validate`)."""
    kind, model, _ = load_file(path, models)
    if kind == "project":
        return kind, load_profile(path).profile
    return kind, model


def load_profile(
    project: Path, overlays: Sequence[Path] = (), sets: Sequence[str] = ()
) -> Resolved:
    """Resolve a project profile: its company, then the project, overlays and `--set` values."""
    problems: list[Problem] = []
    p_doc = _load_kind(project, "project")
    company_ref = p_doc.data.get("company")
    if not isinstance(company_ref, str) or not company_ref.strip():
        loc = p_doc.where.get(("company",), Location(p_doc.file, 1, 1))
        raise InputError([Problem(loc, "company", "name the company profile this project uses")])
    loc = p_doc.where[("company",)]
    try:
        company_path = (project.parent / company_ref.strip()).resolve()
        found = company_path.is_file()
    except (OSError, RuntimeError, ValueError) as err:  # a link loop, a NUL, a name too long
        raise InputError([Problem(loc, "company", f'cannot use "{company_ref}": {err}')]) from None
    if not found:
        raise InputError([Problem(loc, "company", f'company profile "{company_ref}" not found')])
    c_doc = _load_kind(company_path, "company", display=_display(company_path))
    o_docs = [_load_kind(o, "overlay") for o in overlays]

    # Each file must be right on its own first: its errors point at its own lines.
    # A project or overlay may name an item below by its key fields alone, so those are
    # checked leniently here and in full once merged.
    checks: list[tuple[Document, type[BaseModel]]] = [(p_doc, ProjectFile)]
    try:
        validate(CompanyFile, c_doc.data, c_doc.where, c_doc.key_where, c_doc.file)
    except InputError as err:
        problems.extend(err.problems)
    for doc, model in checks + [(o, OverlayFile) for o in o_docs]:
        try:
            _validate_layer(model, doc)
        except InputError as err:
            problems.extend(err.problems)
    if problems:
        raise InputError(problems)

    company_data = dict(c_doc.data)
    # The company's voice is layered under the project's below: the project carries it.
    company_data.pop("voice", None)
    company_data.pop("motto", None)
    if isinstance(company_data.get("seal_image"), str):
        company_data["seal_image"] = str(company_path.parent / company_data["seal_image"])
    if isinstance(company_data.get("logo_image"), str):
        company_data["logo_image"] = str(company_path.parent / company_data["logo_image"])
    if isinstance(company_data.get("docx_template"), str):
        company_data["docx_template"] = str(company_path.parent / company_data["docx_template"])

    layer = _Layer({}, {}, {})
    layer.put(("commitments",), c_doc.data.get("commitments") or {}, c_doc.where)
    layer.put(("voice",), *_company_voice(c_doc))
    if isinstance(c_doc.data.get("format"), dict):  # the company's format, key by key under
        layer.put(("format",), c_doc.data["format"], c_doc.where)  # the project's
    for key, value in p_doc.data.items():
        layer.put((key,), value if value is not None else {}, p_doc.where)
    customer = p_doc.data.get("customer")
    # Approvals add up across the project and its overlays, each keeping its own lines.
    approvals: list[Any] = []
    approvals_where: dict[Path_, Location] = {}
    for doc in [p_doc, *o_docs]:
        offset = len(approvals)
        approvals.extend(doc.data.get("approvals") or [])
        for p, where in doc.where.items():
            if p[:1] == ("approvals",) and len(p) > 1 and isinstance(p[1], int):
                approvals_where[("approvals", offset + p[1], *p[2:])] = where
    layer.put(("approvals",), approvals, approvals_where)
    layer.record = True  # from here on, every change is shown by `explain`
    for o_doc in o_docs:
        layer.put(("commitments",), o_doc.data.get("commitments") or {}, o_doc.where)
        if o_doc.data.get("responses") is not None:  # answers merge by clause, like tiers
            layer.put(("responses",), o_doc.data["responses"], o_doc.where)
        named = o_doc.data.get("customer")
        if isinstance(named, str) and named.strip() == REMOVE:
            where = o_doc.locate(("customer",))
            problems.append(Problem(where, "customer", f"{REMOVE} removes commitments only"))
        customer = named or customer
    for n, assignment in enumerate(sets, start=1):
        problems.extend(_apply_set(layer, assignment, n))
    problems.extend(layer.problems)
    if problems:
        raise InputError(problems)
    # Item numbers of the project file no longer hold once its lists merged with the company's.
    layer.keys = {
        p: at for p, at in p_doc.key_where.items() if not any(isinstance(s, int) for s in p)
    }

    project_model = validate(ProjectFile, layer.data, layer.where, layer.keys, p_doc.file)
    company_model = CompanyFile.model_validate(company_data)
    profile = Profile(
        company=company_model,
        project=typing.cast(ProjectFile, project_model),
        customer=customer if isinstance(customer, str) else None,
    )
    provenance = {dotted(p): loc for p, loc in layer.where.items() if p}
    for p, loc in c_doc.where.items():
        if p and p[0] != "commitments":
            provenance.setdefault("company." + dotted(p), loc)
    files = (project, company_path, *overlays)
    dirs = tuple(dict.fromkeys(f.resolve().parent for f in files))
    labels = {dotted(p): layer.label(p) for p in _item_paths(layer.data, ())}
    return Resolved(
        profile, provenance, files, dirs, tuple(layer.changes), tuple(layer.notices), labels
    )


def _company_voice(doc: Document) -> tuple[dict[str, Any], dict[Path_, Location]]:
    """The company's `voice` with the older top-level `motto` read as `voice.motto` (the
    model refuses the two together)."""
    voice = doc.data.get("voice")
    voice = dict(voice) if isinstance(voice, dict) else {}
    where = dict(doc.where)
    where.setdefault(("voice",), doc.locate(("voice",)))
    motto = doc.data.get("motto")
    if motto is not None:
        voice["motto"] = motto
        if ("motto",) in doc.where:
            where[("voice", "motto")] = doc.where[("motto",)]
    return voice, where


def _item_paths(value: Any, path: Path_) -> Iterable[Path_]:
    """The path of every item of a keyed list inside `value`."""
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _item_paths(sub, (*path, key))
    elif isinstance(value, list):
        keyed = identity_of(path) is not None
        for n, item in enumerate(value):
            if keyed:
                yield (*path, n)
            yield from _item_paths(item, (*path, n))


def _display(path: Path) -> str:
    """A short path for messages: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _load_kind(path: Path, kind: FileKind, display: str | None = None) -> Document:
    doc = load_document(path, display=display)
    found = _kind_of(doc)
    if found != kind:
        loc = doc.where.get(("kind",), Location(doc.file, 1, 1))
        raise InputError(
            [Problem(loc, "kind", f'expected "kind: {kind}", this file has "kind: {found}"')]
        )
    return doc


_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_STEP = re.compile(rf"\.?({_NAME})|\[([^\[\]]*)\]")
_PATH = re.compile(rf"{_NAME}(?:\.{_NAME}|\[[^\[\]]*\])*")


def _split_set(assignment: str) -> tuple[str, str] | None:
    """`path=value` split at the first "=" outside brackets (selectors hold "=" too)."""
    depth = 0
    for n, char in enumerate(assignment):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "=" and depth == 0:
            return assignment[:n].strip(), assignment[n + 1 :]
    return None


def _set_path(layer: _Layer, text: str, loc: Location) -> tuple[list[str | int], list[Problem]]:
    """The path of a `--set`, with every `[field=value]` selector turned into an item number.

    Unknown fields, no matching item and more than one matching item are errors.
    """
    path: list[str | int] = []
    for m in _STEP.finditer(text):
        name, inside = m.group(1), m.group(2)
        if name is not None:
            path.append(name)
            continue
        if re.fullmatch(r"\s*\d+\s*", inside):
            path.append(int(inside))
            continue
        if not path or isinstance(path[0], int):
            return path, [Problem(loc, text, f"[{inside}] must follow a list name")]
        if path[0] not in ProjectFile.model_fields:
            path.insert(0, "commitments")
        shown = layer.label(tuple(path))
        identity = identity_of(tuple(path))
        if identity is None:
            message = f"not a list of named items; use an item number, e.g. {shown}[0]"
            return path, [Problem(loc, shown, message)]
        wanted: dict[str, str | None] = {}
        for pair in inside.split(","):
            field_name, equals, value = pair.partition("=")
            field_name = field_name.strip()
            if not equals or field_name not in identity.fields:
                fields = ", ".join(identity.fields)
                message = f'"{pair.strip()}": a {identity.noun} is named by {fields} (field=value)'
                return path, [Problem(loc, shown + f"[{inside}]", message)]
            wanted[field_name] = key_text(value)
        items = _node(layer.data, path)
        items = items if isinstance(items, list) else []
        found = [
            n
            for n, item in enumerate(items)
            if isinstance(item, dict) and all(key_text(item.get(f)) == v for f, v in wanted.items())
        ]
        if len(found) != 1:
            names = [selector(identity, key_of(identity, i)) for i in items if isinstance(i, dict)]
            there = f" (there are: {', '.join(names)})" if names else ""
            what = "no" if not found else f"{len(found)} {identity.noun}s match; name one"
            message = f"{what} {identity.noun} [{inside}]{there}" if not found else what + there
            return path, [Problem(loc, shown + f"[{inside}]", message)]
        path.append(found[0])
    return path, []


def _node(data: Any, path: Sequence[str | int]) -> Any:
    for step in path:
        if isinstance(step, int):
            data = data[step] if isinstance(data, list) and step < len(data) else None
        else:
            data = data.get(step) if isinstance(data, dict) else None
    return data


def _apply_set(layer: _Layer, assignment: str, n: int) -> list[Problem]:
    """Apply one `--set path=value`; the value is read as a YAML value (strings stay strings).

    A list item is addressed by number (`tiers[0]`) or, in a list of named items, by its key
    fields (`tiers[region=其它地区]`, `steps[id=repair]`, `tiers[region=本省,time=off_hours]`).
    """
    loc = Location("--set", 1, n)
    split = _split_set(assignment.strip())
    if split is None or not _PATH.fullmatch(split[0]):
        return [Problem(loc, "", f'"{assignment}" is not path=value (e.g. warranty.period=3y)')]
    text, raw = split
    path, problems = _set_path(layer, text, loc)
    if problems:
        return problems
    if path[0] not in ProjectFile.model_fields:
        path.insert(0, "commitments")
    if path[0] in ("kind", "company"):
        return [Problem(loc, str(path[0]), f"{path[0]} cannot be changed with --set")]
    if "\n" in raw or "\r" in raw:
        return [Problem(loc, text, "a --set value must be on one line")]
    if not raw.strip(" \t\u3000"):
        return [Problem(loc, text, "a --set value cannot be empty")]
    try:
        value_doc = parse_document(("v: " + raw).encode(), "--set")
    except InputError as err:
        return [Problem(loc, text, p.message) for p in err.problems]
    value = value_doc.data.get("v")
    parent: Any = layer.data
    for n_step, step in enumerate(path[:-1]):
        if isinstance(step, int):
            if not isinstance(parent, list) or step >= len(parent):
                return [Problem(loc, dotted(tuple(path)), f"there is no item [{step}] to set")]
            parent = parent[step]
        else:
            if not isinstance(parent, dict):
                return [Problem(loc, dotted(tuple(path)), "cannot set a key inside a value")]
            if step not in parent:  # a key this option adds: an unknown one is said here
                layer.where[tuple(path[: n_step + 1])] = loc
            parent = parent.setdefault(step, {})
    last = path[-1]
    if isinstance(last, int) and (not isinstance(parent, list) or last >= len(parent)):
        return [Problem(loc, dotted(tuple(path)), f"there is no item [{last}] to set")]
    if isinstance(last, str) and not isinstance(parent, dict):
        return [Problem(loc, dotted(tuple(path)), "cannot set a key inside a value")]
    # Every part of the value, however deep, came from this option.
    layer.put(tuple(path), value, {(*path, *p[1:]): loc for p in value_doc.where if p})
    return []


# ---------------------------------------------------------------- validation with locations


def validate(
    model: type[BaseModel],
    data: dict[str, Any],
    where: dict[Path_, Location],
    keys: dict[Path_, Location],
    file: str,
) -> BaseModel:
    """Validate `data` and turn every pydantic error into a located, readable Problem."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        problems = [_problem(model, e, where, keys, file) for e in err.errors()]
        raise InputError(problems) from None


def _locate(path: Path_, where: dict[Path_, Location], file: str) -> Location:
    for n in range(len(path), -1, -1):
        if path[:n] in where:
            return where[path[:n]]
    return Location(file, 1, 1)


def _validate_layer(model: type[BaseModel], doc: Document) -> BaseModel:
    """Validate a project or overlay file on its own, as far as it can be on its own.

    Removal markers are taken out first (the merge checks them), and commitments need not be
    complete: an item of a keyed list may name an item below by its key fields and change one
    value, a section may change one field. The merged profile is validated in full.
    """
    data = dict(doc.data)
    if isinstance(data.get("commitments"), dict):  # markers remove commitments only
        data["commitments"] = _unmarked(data["commitments"], ("commitments",))
    voice = data.get("voice")  # ... and the company's words a project drops
    if isinstance(voice, dict):
        data["voice"] = _unmarked(voice, ("voice",))
    elif isinstance(voice, str) and voice.strip() == REMOVE:
        del data["voice"]
    if isinstance(data.get("responses"), list):  # ... and a bid's answers, by clause
        data["responses"] = _unmarked(data["responses"], ("responses",))
    try:
        return model.model_validate(data)
    except ValidationError as err:
        problems = [
            _problem(model, e, doc.where, doc.key_where, doc.file)
            for e in err.errors()
            if not _partial_item_error(model, e) and not _partial_answer(model, e)
        ]
    if problems:
        raise InputError(problems)
    # Complete only once merged: what `validate` shows of the file alone is its own data.
    return model.model_construct(**data)


def _unmarked(value: Any, path: Path_) -> Any:
    """`value` without `~remove` values and with `remove: true` items reduced to their keys."""
    if isinstance(value, dict):
        return {
            k: _unmarked(v, (*path, k))
            for k, v in value.items()
            if not (isinstance(v, str) and v.strip() == REMOVE)
        }
    if isinstance(value, list):
        identity = identity_of(path)
        out = []
        for n, item in enumerate(value):
            if identity is not None and isinstance(item, dict) and REMOVE_KEY in item:
                item = {k: v for k, v in item.items() if k in identity.fields}
            out.append(_unmarked(item, (*path, n)))
        return out
    return value


def _partial_item_error(model: type[BaseModel], error: Any) -> bool:
    """Is this an error that only says a commitment is not complete on its own?"""
    loc = _strip_union_tags(model, tuple(p for p in error["loc"] if isinstance(p, str | int)))
    kind = error["type"]
    if kind == "missing" and loc[:1] == ("commitments",):
        # A required commitment field may come from the file below; the merge checks it.
        return True
    if kind == "too_short":
        return identity_of(loc) is not None
    if kind == "value_error":
        # A model check over a keyed list (the process graph) needs the merged list.
        prefix = pattern(loc) + "."
        return any(p.startswith(prefix) for p in IDENTITIES)
    return False


def _partial_answer(model: type[BaseModel], error: Any) -> bool:
    """An overlay's response may name a clause answered below and change one field of it."""
    loc = tuple(p for p in error["loc"] if isinstance(p, str | int))
    return model is OverlayFile and error["type"] == "missing" and loc[:1] == ("responses",)


def _problem(
    model: type[BaseModel],
    error: Any,
    where: dict[Path_, Location],
    keys: dict[Path_, Location],
    file: str,
) -> Problem:
    loc: Path_ = tuple(p for p in error["loc"] if isinstance(p, str | int))
    path = _strip_union_tags(model, loc)
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        key = str(path[-1])
        known = _fields_at(model, path[:-1])
        near = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f' (did you mean "{near[0]}"?)' if near else ""
        return Problem(
            keys.get(path, _locate(path, where, file)), dotted(path), f'unknown key "{key}"{hint}'
        )
    if kind == "missing":
        return Problem(
            _locate(path[:-1], where, file), dotted(path), "required, but missing", "missing"
        )
    message = str(error["msg"])
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, QuantityError) and cause.key:
            said = tuple(sorted(cause.said.items()))
            key = f"quantity.{cause.key}"
            return Problem(_locate(path, where, file), dotted(path), message, key, said)
    elif isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        message = f'"{shown}": {message[0].lower()}{message[1:]}'
        options = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        near = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
        if near:
            message += f' (did you mean "{near[0]}"?)'
    elif value is None and kind not in ("value_error", "assertion_error"):
        message = f"empty: {message[0].lower()}{message[1:]}"
    else:
        message = message[0].lower() + message[1:]
    return Problem(_locate(path, where, file), dotted(path), message)


def _unwrap(annotation: Any) -> list[Any]:
    """The model classes an annotation can hold (through Optional, list, Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType, list, tuple):
        return [t for a in typing.get_args(annotation) for t in _unwrap(a)]
    return [annotation]


def _model_at(model: type[BaseModel], path: Iterable[str | int]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for step in path:
        if current is None:
            return None
        if isinstance(step, int):
            continue
        field = current.model_fields.get(step)
        if field is None:
            return None
        subs = [
            t for t in _unwrap(field.annotation) if isinstance(t, type) and issubclass(t, BaseModel)
        ]
        current = subs[0] if subs else None
    return current


def _fields_at(model: type[BaseModel], path: Path_) -> list[str]:
    found = _model_at(model, path)
    return list(found.model_fields) if found else []


def _strip_union_tags(model: type[BaseModel], loc: Path_) -> Path_:
    """Drop the type names pydantic adds to error paths inside unions (e.g. "Duration")."""
    out: list[str | int] = []
    for step in loc:
        if isinstance(step, str) and out and _model_at(model, out) is not None:
            known = _fields_at(model, tuple(out))
            if step not in known and step[:1].isupper():
                continue
        out.append(step)
    return tuple(out)

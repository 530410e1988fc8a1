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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import BaseModel, ValidationError

from generator.errors import InputError, Location, Problem
from generator.profiles.models import CompanyFile, OverlayFile, Profile, ProjectFile
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

    def where(self, path: str) -> Location:
        """The location of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.provenance:
                return self.provenance[path]
            parent = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", path)
            path = "" if parent == path else parent
        return Location(str(self.files[0]), 1, 1)


@dataclass
class _Layer:
    """Merged data and where each value came from, built up one file at a time."""

    data: dict[str, Any]
    where: dict[Path_, Location]
    keys: dict[Path_, Location]

    def put(self, path: Path_, value: Any, where: dict[Path_, Location]) -> None:
        """Set `path` to `value` (deep-merging mappings) and take over its provenance.

        Every step but a list index must lead through mappings; the caller checks that.
        """
        parent: Any = self.data
        for step in path[:-1]:
            parent = parent.setdefault(step, {}) if isinstance(step, str) else parent[step]
        last = path[-1]
        current = parent.get(last) if isinstance(parent, dict) else parent[last]
        if isinstance(current, dict) and isinstance(value, dict):
            for key, sub in value.items():
                self.put((*path, key), sub, where)
            return
        # A list or scalar replaces what was there, so its old provenance must go too.
        for old in [p for p in self.where if p[: len(path)] == path]:
            del self.where[old]
        parent[last] = copy.deepcopy(value)
        for p, loc in where.items():
            if p[: len(path)] == path:
                self.where[p] = loc


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
    return kind, validate(models[kind], doc.data, doc.where, doc.key_where, doc.file), doc


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
    checks: list[tuple[Document, type[BaseModel]]] = [(c_doc, CompanyFile), (p_doc, ProjectFile)]
    for doc, model in checks + [(o, OverlayFile) for o in o_docs]:
        try:
            validate(model, doc.data, doc.where, doc.key_where, doc.file)
        except InputError as err:
            problems.extend(err.problems)
    if problems:
        raise InputError(problems)

    company_data = dict(c_doc.data)
    if isinstance(company_data.get("seal_image"), str):
        company_data["seal_image"] = str(company_path.parent / company_data["seal_image"])
    if isinstance(company_data.get("logo_image"), str):
        company_data["logo_image"] = str(company_path.parent / company_data["logo_image"])

    layer = _Layer({}, {}, {})
    layer.put(("commitments",), c_doc.data.get("commitments") or {}, c_doc.where)
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
    for o_doc in o_docs:
        layer.put(("commitments",), o_doc.data.get("commitments") or {}, o_doc.where)
        customer = o_doc.data.get("customer") or customer
    for n, assignment in enumerate(sets, start=1):
        problems.extend(_apply_set(layer, assignment, n))
    if problems:
        raise InputError(problems)
    layer.keys = {**p_doc.key_where}

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
    return Resolved(profile, provenance, files, dirs)


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


_SET = re.compile(
    r"^(?P<path>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)=(?P<v>.*)$", re.S
)


def _apply_set(layer: _Layer, assignment: str, n: int) -> list[Problem]:
    """Apply one `--set path=value`; the value is read as a YAML value (strings stay strings)."""
    loc = Location("--set", 1, n)
    match = _SET.match(assignment.strip())
    if not match:
        return [Problem(loc, "", f'"{assignment}" is not path=value (e.g. warranty.period=3y)')]
    path: list[str | int] = [
        int(part[1:-1]) if part.startswith("[") else part
        for part in re.findall(r"[A-Za-z_][A-Za-z0-9_]*|\[\d+\]", match["path"])
    ]
    if path[0] not in ProjectFile.model_fields:
        path.insert(0, "commitments")
    if path[0] in ("kind", "company"):
        return [Problem(loc, str(path[0]), f"{path[0]} cannot be changed with --set")]
    if "\n" in match["v"] or "\r" in match["v"]:
        return [Problem(loc, match["path"], "a --set value must be on one line")]
    if not match["v"].strip(" \t\u3000"):
        return [Problem(loc, match["path"], "a --set value cannot be empty")]
    try:
        value_doc = parse_document(("v: " + match["v"]).encode(), "--set")
    except InputError as err:
        return [Problem(loc, match["path"], p.message) for p in err.problems]
    value = value_doc.data.get("v")
    parent: Any = layer.data
    for step in path[:-1]:
        if isinstance(step, int):
            if not isinstance(parent, list) or step >= len(parent):
                return [Problem(loc, dotted(tuple(path)), f"there is no item [{step}] to set")]
            parent = parent[step]
        else:
            if not isinstance(parent, dict):
                return [Problem(loc, dotted(tuple(path)), "cannot set a key inside a value")]
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
        return Problem(_locate(path[:-1], where, file), dotted(path), "required, but missing")
    message = str(error["msg"])
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
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

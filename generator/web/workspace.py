"""The sales workspace's logic, without the web: the projects in a folder, a customer version's
form, the overlay a form's values make, what that overlay means (check, caps, diff, preview)
and saving it without losing another person's save.

Every value from the browser goes the way a file goes: the form's changes are applied to the
customer's overlay as data, the overlay is dumped as YAML text, read back with the project's
YAML reader (no tags, anchors or aliases), layered on the project and validated by the models,
exactly as `aftersales render --overlay` would. The overlay file stays the source of truth.
"""

import dataclasses
import hashlib
import io
import os
import re
import tempfile
import threading
import time
import typing
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.app.diff import CapStatus, Difference, Direction, cap_of, cap_text, diff_profiles
from generator.app.explain import term_of, value_text
from generator.app.validate import review
from generator.errors import GeneratorError, InputError, Location, Problem
from generator.locale import Locale, get_locale
from generator.profiles.identity import IDENTITIES, REMOVE, REMOVE_KEY, key_text
from generator.profiles.kinds import list_items
from generator.profiles.loading import Resolved, load_profile
from generator.profiles.models import (
    Commitments,
    ComponentWarranty,
    ResponseTier,
    commitment_paths,
)
from generator.profiles.paths import Lookup, PathInfo
from generator.profiles.yamlreader import parse_document
from generator.render.output import safe_stem, write_atomic
from generator.tender.capacity import capacity_review
from generator.tender.check import check
from generator.tender.findings import CheckResult
from generator.tender.loading import load_tender
from generator.tender.model import TenderFile

__all__ = [
    "Conflict",
    "Evaluation",
    "FormField",
    "NewRows",
    "OutsideRoot",
    "Workspace",
    "said",
]

MAX_FILES = 2000
"""Files looked at when listing a folder: a workspace over a huge tree stays quick."""
ABSENT = "absent"
"""The content hash of a file that does not exist yet (a new customer version)."""


class OutsideRoot(InputError):
    """A request named a file outside the workspace folder (or through a link out of it)."""


class Conflict(GeneratorError):
    """The file changed on disk since the form was loaded: saving would lose that change."""

    exit_code = 1


Stamp = tuple[int, int, int]
"""A file's modification time (ns), size and inode: it changed when its stamp did."""


def _stamps(files: Sequence[Path]) -> tuple[Stamp, ...]:
    out = []
    for path in files:
        try:
            st = path.stat()
        except OSError:
            return ()  # a file gone: never equal to a stamp taken while it was there
        out.append((st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(out)


def content_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return ABSENT


@dataclass(frozen=True)
class Project:
    path: str
    """relative to the workspace folder."""
    name: str
    company: str
    versions: tuple[tuple[str, str], ...]
    """customer versions: (overlay path relative to the folder, customer name)."""
    tender: str | None


@dataclass(frozen=True)
class FormField:
    """One editable commitment of a customer version."""

    name: str
    """its path below `commitments`, list items by position: response.tiers[0].arrive."""
    path: str
    """its path-table path: response.arrive."""
    label: str
    section: str
    context: str
    """the tier or component it belongs to (本省, 曳引机), "" for a plain value."""
    standard: str
    """the company standard's value as text a user may type back ("" when not promised)."""
    value: str
    """this customer's value as text."""
    options: tuple[tuple[str, str], ...] = ()
    """(value, label) for a choice or a yes/no promise; empty for typed text."""
    hint: str = ""
    row: str = ""
    """the tier or component the field belongs to (response.tiers[0]), "" for a plain value."""


ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "response.tiers": ("region", "areas", "severity", "time", "respond", "arrive", "repair"),
    "warranty.components": ("name", "period"),
}
"""The lists whose items the form adds and removes, and the inputs of a new item: the fields
that name it (a tier's class labels, rare in a customer's version, stay for the files) and
the commitments it holds."""
_NEW = re.compile(r"^(?P<list>[a-z_]+\.[a-z_]+)\[\+(?P<n>\d{1,4})\]\.(?P<field>[a-z_]+)$")
"""A field of a new item: response.tiers[+1].arrive."""


@dataclass(frozen=True)
class NewRows:
    """A list the form adds items to: its path, its name and the inputs of one new item."""

    path: str
    label: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class ApprovalRow:
    """An approval a customer version records for one limited commitment (form `a:` fields)."""

    commitment: str
    label: str
    value: str
    approved_by: str
    reference: str


@dataclass
class Evaluation:
    """What a customer version's values mean."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    """messages by form field name ("" for those that belong to no field)."""
    resolved: Resolved | None = None
    diffs: list[Difference] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    """guardrail errors: promises beyond a limit without approval."""
    warnings: list[str] = field(default_factory=list)
    result: CheckResult | None = None
    caps: dict[str, tuple[str, str]] = field(default_factory=dict)
    """by field name: (status, words) for every field a limit holds for."""
    verdicts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """by field name: (verdict value, words) of each tender item the field decided."""
    overlay_text: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _choice_options(info: PathInfo, say: Locale) -> tuple[tuple[str, str], ...]:
    if info.kind.name == "flag":
        return (("", say.text("web.flag.unset")), ("yes", say.text("web.flag.yes")))
    if isinstance(info.type, type) and issubclass(info.type, StrEnum):
        return (("", say.text("web.flag.unset")), *((str(m.value), say.enum(m)) for m in info.type))
    return ()


def as_input(value: Any, info: PathInfo, say: Locale) -> str:
    """A resolved value as text the same field reads back (8小时, 2年, 是)."""
    if value is None or value is False or value == []:
        return ""
    if info.kind.name == "flag":
        return "yes" if value else ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list | tuple):
        return say.text("list.join", items=[as_input(v, info, say) for v in value])
    if isinstance(value, Decimal):
        return f"{value}%"
    return value_text(value, say)


def _sections(say: Locale) -> dict[str, str]:
    return {name: term_of(name, say) for name in Commitments.model_fields}


def _identity(item: Any, fields: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        v = getattr(item, f, None)
        if isinstance(v, Enum):
            v = v.value
        if v not in (None, [], ""):
            out[f] = list(v) if isinstance(v, list) else v
    return out


@dataclass(frozen=True)
class _Slot:
    name: str
    info: PathInfo
    value: Any
    context: str
    list_path: str | None = None
    """the list holding the item (response.tiers), None for a plain value."""
    identity: Mapping[str, Any] = field(default_factory=dict)
    leaf: str = ""
    row: str = ""
    """the item's name in the form (response.tiers[0]), "" for a plain value."""

    @property
    def item(self) -> "ItemKey":
        """The list and the name of the item the slot belongs to."""
        assert self.list_path is not None
        return (self.list_path, _item_key(self.list_path, self.identity))

    @property
    def key(self) -> str:
        """The slot named by its item's identity, not its position: the same commitment in
        the company standard and in the customer's version, whatever items either adds or
        removes."""
        if self.list_path is None:
            return self.name
        return f"{self.list_path}{_item_key(self.list_path, self.identity)}.{self.leaf}"


ItemKey = tuple[str, tuple[str | None, ...]]


def _item_key(list_path: str, identity: Mapping[str, Any]) -> tuple[str | None, ...]:
    return tuple(key_text(identity.get(f)) for f in IDENTITIES[f"commitments.{list_path}"].fields)


def _slots(resolved: Resolved) -> Iterator[_Slot]:
    """Every editable commitment of a resolved profile, in path-table order."""
    commitments = resolved.profile.commitments

    def node(path: str) -> Any:
        n: Any = commitments
        for part in path.split("."):
            n = getattr(n, part, None)
            if n is None:
                return None
        return n

    for info in commitment_paths().values():
        if info.lookup is Lookup.PLAIN:
            yield _Slot(info.path, info, node(info.path), "")
        elif info.lookup in (Lookup.TIERS, Lookup.COMPONENTS):
            parent, leaf = info.path.rsplit(".", 1)
            assert info.via is not None
            if info.lookup is Lookup.COMPONENTS:
                yield _Slot(info.path, info, node(info.path), "")
            items = getattr(node(parent), info.via, None) or []
            list_path = f"{parent}.{info.via}"
            fields = IDENTITIES[f"commitments.{list_path}"].fields
            for i, item in enumerate(items):
                ident = _identity(item, fields)
                context = " ".join(key_text(v) or "" for v in ident.values()).strip() or get_locale(
                    resolved.profile.project.language
                ).text("web.everywhere")
                yield _Slot(
                    f"{list_path}[{i}].{leaf}",
                    info,
                    getattr(item, leaf, None),
                    context,
                    list_path,
                    ident,
                    leaf,
                    f"{list_path}[{i}]",
                )


class Workspace:
    """A folder of profiles; every path a request names is checked to stay inside it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._lock = threading.Lock()
        self._tenders: dict[tuple[str, float], tuple[TenderFile, dict[str, Location]]] = {}
        self._profiles: dict[tuple[Path, tuple[Path, ...]], tuple[Resolved, tuple[Stamp, ...]]] = {}

    # ------------------------------------------------------------------ paths

    def inside(self, relative: str) -> Path:
        """The file `relative` names under the folder; OutsideRoot for an absolute path, `..`,
        a link out of the folder or a name that is not a YAML file."""
        bad = OutsideRoot([Problem(Location(relative[:200]), "", "not a file of this workspace")])
        if (
            not relative
            or "\0" in relative
            or relative.startswith(("/", "\\"))
            or len(relative) > 400
        ):
            raise bad
        parts = Path(relative).parts
        if any(p in ("..", ".") for p in parts) or not relative.endswith(".yaml"):
            raise bad
        path = self.root / relative
        # Every component that exists must be a real folder or file inside the root: a link is
        # refused even when it points inside (it could be changed to point out between checks).
        probe = self.root
        for part in parts:
            probe = probe / part
            if probe.is_symlink():
                raise bad
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root):
            raise bad
        return resolved

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    def _yaml_files(self) -> Iterator[Path]:
        seen = 0
        for folder, dirs, files in os.walk(self.root, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "schemas")
            for name in sorted(files):
                path = Path(folder) / name
                if name.endswith(".yaml") and not path.is_symlink():
                    seen += 1
                    if seen > MAX_FILES:
                        return
                    yield path

    @staticmethod
    def _kind(path: Path) -> str | None:
        try:
            with path.open("rb") as f:
                head = f.read(4096).decode("utf-8", errors="replace")
        except OSError:
            return None
        match = re.search(r"^kind:\s*(\w+)", head, re.M)
        return match[1] if match else None

    def projects(self) -> list[Project]:
        files = list(self._yaml_files())
        kinds = {p: self._kind(p) for p in files}
        tenders = [p for p, k in kinds.items() if k == "tender"]
        out: list[Project] = []
        for path, kind in kinds.items():
            if kind != "project":
                continue
            try:
                resolved = load_profile(path)
            except GeneratorError:
                out.append(Project(self.relative(path), path.stem, "?", (), None))
                continue
            versions = tuple(
                (self.relative(p), self._customer(p))
                for p, k in kinds.items()
                if k == "overlay" and p.parent == path.parent
            )
            out.append(
                Project(
                    self.relative(path),
                    resolved.profile.project.project_name,
                    resolved.profile.company.name,
                    versions,
                    self._tender_for(resolved, tenders),
                )
            )
        return out

    def _customer(self, path: Path) -> str:
        match = re.search(r"^customer:\s*(.+?)\s*(#.*)?$", path.read_text("utf-8", "replace"), re.M)
        return match[1].strip("\"'") if match else path.stem

    def _tender_for(self, resolved: Resolved, tenders: Sequence[Path]) -> str | None:
        """The tender in the project's folder, else the one naming the project."""
        project_dir = resolved.files[0].parent if resolved.files else None
        name = resolved.profile.project.project_name
        for t in tenders:
            if project_dir is not None and t.parent == project_dir.resolve():
                return self.relative(t)
        for t in tenders:
            text = t.read_text("utf-8", "replace")
            if re.search(rf"^name:\s*{re.escape(name)}\s*$", text, re.M):
                return self.relative(t)
        return None

    def tender(self, relative: str | None) -> tuple[TenderFile, dict[str, Location]] | None:
        if not relative:
            return None
        path = self.inside(relative)
        key = (str(path), path.stat().st_mtime)
        if key not in self._tenders:
            self._tenders[key] = load_tender(path)
        return self._tenders[key]

    # ------------------------------------------------------------------ versions

    def new_version_path(self, project: str, customer: str) -> str:
        """The overlay file for a new customer version: customer-<name>.yaml beside the project."""
        folder = self.inside(project).parent
        stem = safe_stem("customer", customer.strip() or "new")[:120]
        return (
            self.relative(folder / f"{stem}.yaml")
            if (folder / f"{stem}.yaml").resolve().is_relative_to(self.root)
            else ""
        )

    def standard(self, project: str) -> Resolved:
        return self._loaded(self.inside(project), ())

    def _loaded(self, project: Path, overlays: tuple[Path, ...]) -> Resolved:
        """`load_profile`, kept while no file it read changes: every edit of a form reads the
        company standard and the saved version, two of its four loads. As git does with
        "racily clean" files, a result is not kept while any of its files is younger than
        the clock's step could tell apart from an edit during the load."""
        key = (project, overlays)
        hit = self._profiles.get(key)
        if hit is not None and hit[1] == _stamps(hit[0].files):
            return hit[0]
        resolved = load_profile(project, list(overlays))
        stamps = _stamps(resolved.files)
        if stamps and all(s[0] < time.time_ns() - 2_000_000_000 for s in stamps):
            if len(self._profiles) > 256:
                self._profiles.clear()
            self._profiles[key] = (resolved, stamps)
        return resolved

    def form(self, project: str, overlay: str | None, language: str = "zh-Hans") -> list[FormField]:
        """The fields of a customer version: every commitment the path table names, with the
        company standard's value and this customer's."""
        say = get_locale(language)
        standard = self.standard(project)
        exists = overlay is not None and self.inside(overlay).exists()
        current = self.load(project, overlay) if exists else standard
        std = {s.key: s for s in _slots(standard)}
        sections = _sections(say)
        out: list[FormField] = []
        for slot in _slots(current):
            base = std.get(slot.key)
            out.append(
                FormField(
                    slot.name,
                    slot.info.path,
                    term_of(slot.info.path, say),
                    sections.get(slot.info.path.split(".")[0], ""),
                    slot.context,
                    as_input(base.value, base.info, say) if base else "",
                    as_input(slot.value, slot.info, say),
                    _choice_options(slot.info, say),
                    say.text(f"web.hint.{slot.info.kind.name}")
                    if say.has(f"web.hint.{slot.info.kind.name}")
                    else "",
                    slot.row,
                )
            )
        # The path table lists every tier's arrival, then every tier's repair: the form shows
        # one item's fields together, where the item first appears.
        first: dict[str, int] = {}
        for i, f in enumerate(out):
            first.setdefault(f.row or f.name, i)
        return sorted(out, key=lambda f: first[f.row or f.name])

    def new_rows(self, language: str = "zh-Hans") -> list[NewRows]:
        """The lists a customer version may add items to, with the inputs of one new item
        (names hold `__N__`, which the page replaces with the item's number)."""
        say = get_locale(language)
        out = []
        for list_path, wanted in ROW_FIELDS.items():
            inputs = []
            for name in wanted:
                info = commitment_paths().get(f"{list_path.split('.')[0]}.{name}")
                if info is not None and info.via == list_path.rsplit(".", 1)[1]:
                    options, hint = _choice_options(info, say), f"web.hint.{info.kind.name}"
                else:
                    options, hint = _identity_options(list_path, name, say), "web.hint.list"
                    hint = hint if name == "areas" else ""
                inputs.append(
                    FormField(
                        f"{list_path}[+__N__].{name}",
                        info.path if info else "",
                        term_of(f"{list_path}.{name}", say),
                        "",
                        "",
                        "",
                        "",
                        options,
                        say.text(hint) if hint else "",
                        f"{list_path}[+__N__]",
                    )
                )
            out.append(NewRows(list_path, term_of(list_path, say), tuple(inputs)))
        return out

    def removed_rows(
        self, project: str, overlay: str | None, language: str = "zh-Hans"
    ) -> list[str]:
        """The tiers and components of the company standard this customer's version removes."""
        if not overlay or not self.inside(overlay).exists():
            return []
        say = get_locale(language)
        now = {s.item for s in _slots(self.load(project, overlay)) if s.list_path}
        out: dict[str, None] = {}
        for s in _slots(self.standard(project)):
            if s.list_path and s.item not in now:
                out[f"{term_of(s.list_path, say)} {s.context}"] = None
        return list(out)

    def approvals(self, project: str, overlay: str | None) -> list[ApprovalRow]:
        """One row per commitment the company limits: the approval this customer's file
        records for it (value, approver, reference), empty when it records none."""
        standard = self.standard(project)
        paths = dict.fromkeys(c.commitment for c in standard.profile.company.capacity)
        recorded: dict[str, Any] = {}
        if overlay and self.inside(overlay).exists():
            data = _yaml().load(self.inside(overlay).read_text("utf-8"))
            for item in (data or {}).get("approvals") or []:
                if isinstance(item, dict) and item.get("commitment") in paths:
                    recorded[str(item["commitment"])] = item
        rows = []
        for path in paths:
            item = recorded.get(path) or {}
            rows.append(
                ApprovalRow(
                    path,
                    commitment_paths()[path].label,
                    str(item.get("value") or ""),
                    str(item.get("approved_by") or ""),
                    str(item.get("reference") or ""),
                )
            )
        return rows

    # ------------------------------------------------------------------ the overlay

    def overlay_text(
        self,
        project: str,
        overlay: str,
        values: Mapping[str, str],
        customer: str | None,
        language: str = "zh-Hans",
        approvals: Mapping[str, Mapping[str, str]] | None = None,
        removed: Collection[str] = (),
    ) -> tuple[str, dict[str, list[str]]]:
        """The overlay file's text with the form's values: each field that differs from what
        the file gives now is set (or, when it equals the company standard, left out of the
        file), the items `removed` names and the form's new items are removed and added,
        and everything else in the file stays as written. Also the problems found in values
        before any YAML is made (a tag or anchor, a control character, a name taken)."""
        text, problems, _ = self._overlay(
            project, overlay, values, customer, language, approvals, removed
        )
        return text, problems

    def _overlay(
        self,
        project: str,
        overlay: str,
        values: Mapping[str, str],
        customer: str | None,
        language: str,
        approvals: Mapping[str, Mapping[str, str]] | None,
        removed: Collection[str],
    ) -> tuple[str, dict[str, list[str]], "_Layout"]:
        say = get_locale(language)
        path = self.inside(overlay)
        yaml = _yaml()
        if path.exists():  # the file as the CLI reads it first: a hand-made tag is refused
            parse_document(path.read_bytes(), overlay)
        data: Any = yaml.load(path.read_text("utf-8")) if path.exists() else None
        if not isinstance(data, CommentedMap):
            data = CommentedMap([("kind", "overlay")])
        if customer is not None and customer.strip():
            data["customer"] = customer.strip()
        problems: dict[str, list[str]] = {}
        standard = self.standard(project)
        current = self.load(project, overlay if path.exists() else None)
        std = {s.key: s for s in _slots(standard)}
        now = {s.name: s for s in _slots(current)}
        commitments = data.setdefault("commitments", CommentedMap())
        items = {s.row: s for s in now.values() if s.list_path}
        std_items = {s.item for s in std.values() if s.list_path}
        for row in removed:
            if row not in items:
                problems.setdefault("", []).append(
                    say.text("web.error.unknown_field", name=row[:80])
                )
                continue
            _remove_item(commitments, items[row], items[row].item in std_items)
        new, values = _new_rows(values)
        for name, text in values.items():
            if name.split("].", 1)[0] + "]" in removed:
                continue  # a field of an item the form removes
            slot = now.get(name)
            if slot is None:
                problems.setdefault("", []).append(say.text("web.error.unknown_field", name=name))
                continue
            text = text.strip()
            bad = _raw_problem(text, say)
            if bad:
                problems.setdefault(name, []).append(bad)
                continue
            shown = as_input(slot.value, slot.info, say)
            if text == shown:
                continue
            base = std.get(slot.key)
            base_text = as_input(base.value, base.info, say) if base else ""
            if text == base_text:
                _unset(commitments, slot)
            elif text == "" and base_text:
                _set(commitments, slot, REMOVE)
            else:
                _set(commitments, slot, _typed_text(text, slot.info))
        taken = {s.item for s in items.values() if s.row not in removed}
        for (list_path, number), fields in new.items():
            _add_item(commitments, list_path, number, fields, taken, std_items, problems, say)
        _set_approvals(data, approvals or {}, problems, say)
        if "commitments" in data and not data["commitments"]:
            del data["commitments"]
        out = io.StringIO()
        yaml.dump(data, out)
        fresh = [
            (lp, n, _item_key(lp, {f: v.strip() for f, v in fields.items() if v.strip()}))
            for (lp, n), fields in new.items()
        ]
        rows = {s.item: s.row for s in items.values() if s.row not in removed}
        rows.update(((lp, k), f"{lp}[+{n}]") for lp, n, k in fresh)
        positions = _positions(std.values(), now.values(), removed, fresh)
        return out.getvalue(), problems, _Layout(positions, rows)

    def load(self, project: str, overlay: str | None) -> Resolved:
        return self._loaded(self.inside(project), (self.inside(overlay),) if overlay else ())

    def evaluate(
        self,
        project: str,
        overlay: str,
        values: Mapping[str, str],
        customer: str | None,
        tender: str | None,
        language: str = "zh-Hans",
        approvals: Mapping[str, Mapping[str, str]] | None = None,
        removed: Collection[str] = (),
    ) -> Evaluation:
        """What the form's values mean, through the loaders and validators of the CLI. Caps,
        verdicts and errors are keyed by the form's field names."""
        say = get_locale(language)
        result = Evaluation()
        text, early, layout = self._overlay(
            project, overlay, values, customer, language, approvals, removed
        )
        positions = layout.positions
        result.overlay_text = text
        if early:
            result.errors = early
            return result
        try:
            resolved = self.try_overlay(project, overlay, text)
        except InputError as err:
            where = layout.in_file(overlay, text)
            result.errors = _by_field(err.problems, values, say, where)
            return result
        result.resolved = resolved
        standard = self.standard(project)
        result.diffs = diff_profiles(standard, resolved, language)
        found = review(resolved, language=language)
        result.refusals = [p.message for p in found.errors]
        result.warnings = [p.message for p in found.warnings]
        findings = capacity_review(resolved)
        for slot in _slots(resolved):
            if slot.value in (None, False, []):
                continue
            status, limit, approval, approver = cap_of(
                resolved, findings, f"commitments.{slot.name}", slot.value, say
            )
            if status is not CapStatus.NONE:
                said = Difference(
                    "", "", None, None, None, None, Direction.UNKNOWN, status, limit, approval,
                    approver,
                )  # fmt: skip
                result.caps[_renamed(slot.name, positions)] = (status.value, cap_text(said, say))
        loaded = self.tender(tender)
        if loaded is not None:
            try:
                result.result = check(resolved, loaded[0], tender_where=loaded[1])
            except InputError as err:
                result.errors = _by_field(err.problems, values, say, layout.in_file(overlay, text))
                return result
            for f in result.result.findings:
                if f.offer is None:
                    continue
                name = _renamed(f.offer.key.removeprefix("commitments."), positions)
                words = f"{f.requirement.clause} {say.verdict(f.verdict)}"
                if f.max_points:
                    words += " " + say.text(
                        "web.item_points", points=f.points or 0, max=f.max_points
                    )
                result.verdicts.setdefault(name, []).append((f.verdict.value, words))
        return result

    def try_overlay(self, project: str, overlay: str, text: str) -> Resolved:
        """The project with `text` as its overlay, read by the project's YAML reader and the
        models (the file itself is not touched): an InputError says what is wrong."""
        display = overlay
        parse_document(text.encode(), display)  # tags, anchors, aliases, size: refused here
        with tempfile.TemporaryDirectory(prefix="aftersales-web-") as tmp:
            candidate = Path(tmp) / Path(overlay).name
            candidate.write_text(text, encoding="utf-8")
            try:
                return load_profile(self.inside(project), [candidate])
            except InputError as err:  # located in the file it is about to become
                raise InputError(
                    dataclasses.replace(p, location=dataclasses.replace(p.location, file=display))
                    if p.location.file == str(candidate)
                    else p
                    for p in err.problems
                ) from None

    def save(self, overlay: str, text: str, base_hash: str) -> str:
        """Write the overlay atomically unless it changed on disk since `base_hash` was read
        (Conflict); the new content hash."""
        path = self.inside(overlay)
        with self._lock:
            if content_hash(path) != base_hash:
                raise Conflict(overlay)
            write_atomic(path, text.encode("utf-8"), follow_symlinks=False)
        return content_hash(path)


def _set_approvals(
    data: CommentedMap,
    wanted: Mapping[str, Mapping[str, str]],
    problems: dict[str, list[str]],
    say: Locale,
) -> None:
    """The overlay's approval of each commitment the form names: replaced by the form's
    (value, approver, reference), removed when the form's value is empty; the file's other
    approvals stay."""
    if not wanted:
        return
    kept = [
        a
        for a in data.get("approvals") or []
        if not (isinstance(a, dict) and a.get("commitment") in wanted)
    ]
    for commitment, fields in wanted.items():
        if commitment not in commitment_paths():
            problems.setdefault("", []).append(
                say.text("web.error.unknown_field", name=commitment[:80])
            )
            continue
        value = fields.get("value", "").strip()
        if not value:
            continue
        item = CommentedMap([("commitment", commitment), ("value", value)])
        for key in ("approved_by", "reference"):
            text = fields.get(key, "").strip()
            if text:
                item[key] = text
        for text in item.values():
            bad = _raw_problem(str(text), say)
            if bad:
                problems.setdefault("approvals", []).append(bad)
        kept.append(item)
    if kept:
        data["approvals"] = CommentedSeq(kept)
    elif "approvals" in data:
        del data["approvals"]


def _identity_options(list_path: str, name: str, say: Locale) -> tuple[tuple[str, str], ...]:
    """A select's options for a field naming an item (a tier's severity or time)."""
    model: type[BaseModel] = ResponseTier if list_path == "response.tiers" else ComponentWarranty
    annotation = model.model_fields[name].annotation
    enum = next(
        (a for a in typing.get_args(annotation) if isinstance(a, type) and issubclass(a, StrEnum)),
        None,
    )
    if enum is None:
        return ()
    return (("", say.text("web.row.any")), *((str(m.value), say.enum(m)) for m in enum))


def _new_rows(
    values: Mapping[str, str],
) -> tuple[dict[tuple[str, int], dict[str, str]], dict[str, str]]:
    """The form's values of new items, by (list, number), and the other values."""
    new: dict[tuple[str, int], dict[str, str]] = {}
    rest: dict[str, str] = {}
    for name, text in values.items():
        match = _NEW.match(name)
        if match and match["list"] in ROW_FIELDS and match["field"] in ROW_FIELDS[match["list"]]:
            new.setdefault((match["list"], int(match["n"])), {})[match["field"]] = text
        else:
            rest[name] = text
    return dict(sorted(new.items())), rest


def _list_at(commitments: CommentedMap, list_path: str, create: bool) -> CommentedSeq | None:
    *parents, last = list_path.split(".")
    node: Any = commitments
    for part in parents:
        if part not in node:
            if not create:
                return None
            node[part] = CommentedMap()
        node = node[part]
    if node.get(last) is None:
        if not create:
            return None
        node[last] = CommentedSeq()
    items: CommentedSeq = node[last]
    return items


def _prune(commitments: CommentedMap, list_path: str) -> None:
    """Drop an overlay list left empty, and the sections it leaves empty."""
    *parents, last = list_path.split(".")
    chain: list[tuple[Any, str]] = []
    node: Any = commitments
    for part in parents:
        chain.append((node, part))
        node = node[part]
    if node.get(last) == []:
        del node[last]
    for holder, key in reversed(chain):
        if not holder[key]:
            del holder[key]


def _remove_item(commitments: CommentedMap, slot: _Slot, from_standard: bool) -> None:
    """Remove an item from the customer's version: a tier or component of the company
    standard by `remove: true` beside its name (the files' way), one this version added by
    taking it out of the file."""
    assert slot.list_path is not None
    if from_standard:
        item = _item(commitments, slot, create=True)
        assert item is not None
        for key in [k for k in item if k not in slot.identity]:
            del item[key]
        item[REMOVE_KEY] = True
        return
    item = _item(commitments, slot, create=False)
    items = _list_at(commitments, slot.list_path, create=False)
    if item is not None and items is not None:
        items.remove(item)
        _prune(commitments, slot.list_path)


def _add_item(
    commitments: CommentedMap,
    list_path: str,
    number: int,
    fields: Mapping[str, str],
    taken: set[ItemKey],
    std_items: set[ItemKey],
    problems: dict[str, list[str]],
    say: Locale,
) -> None:
    """A new tier or component from the form's row `number`: named by its fields, refused
    when another item has that name, written as the files write one (an item of the company
    standard that this version had removed comes back with the row's values)."""
    texts = {k: v.strip() for k, v in fields.items()}
    if not any(texts.values()):
        return  # a row added and left empty
    prefix = f"{list_path}[+{number}]"
    bad = False
    for name, text in texts.items():
        problem = _raw_problem(text, say)
        if problem:
            problems.setdefault(f"{prefix}.{name}", []).append(problem)
            bad = True
    if bad:
        return
    identity_fields = IDENTITIES[f"commitments.{list_path}"].fields
    identity: dict[str, Any] = {f: texts[f] for f in identity_fields if texts.get(f)}
    first = next(f for f in ROW_FIELDS[list_path] if f in identity_fields)
    if not identity and not IDENTITIES[f"commitments.{list_path}"].all_empty_ok:
        problems.setdefault(f"{prefix}.{first}", []).append(say.text("problem.quantity.empty"))
        return
    key = (list_path, _item_key(list_path, identity))
    if key in taken:
        problems.setdefault(f"{prefix}.{first}", []).append(say.text("web.error.row_taken"))
        return
    taken.add(key)
    pseudo = _Slot(prefix, commitment_paths()["warranty.period"], None, "", list_path, identity)
    if key in std_items:  # back from a removal
        item = _item(commitments, pseudo, create=True)
        assert item is not None
        item.pop(REMOVE_KEY, None)
    else:
        items = _list_at(commitments, list_path, create=True)
        assert items is not None
        item = CommentedMap(identity)
        items.append(item)
    for name, text in texts.items():
        if name in identity_fields or not text:
            continue
        item[name] = CommentedSeq(list_items(text)) if name == "areas" else text


def _positions(
    std: Iterable[_Slot],
    now: Iterable[_Slot],
    removed: Collection[str],
    new: Iterable[tuple[str, int, tuple[str | None, ...]]],
) -> dict[str, str]:
    """Where each item of the merged list stands in the form: `response.tiers[2]` of the
    profile the overlay makes → `response.tiers[1]` (an item shown) or `response.tiers[+1]`
    (a new row). The files merge by name: the standard's items keep their order, then the
    items this version added, then the new rows."""
    out: dict[str, str] = {}
    for list_path in ROW_FIELDS:
        shown = {
            _item_key(list_path, s.identity): s.row
            for s in now
            if s.list_path == list_path and s.row not in removed
        }
        added = {k: f"{list_path}[+{n}]" for lp, n, k in new if lp == list_path}
        order: list[str] = []
        std_keys: list[tuple[str | None, ...]] = []
        for s in std:
            k = _item_key(list_path, s.identity)
            if s.list_path == list_path and k not in std_keys:
                std_keys.append(k)
                if k in shown or k in added:
                    order.append(shown.get(k) or added[k])
        order += [row for k, row in shown.items() if k not in std_keys]
        order += [row for k, row in added.items() if k not in std_keys]
        out.update({f"{list_path}[{i}]": row for i, row in enumerate(order)})
    return out


@dataclass(frozen=True)
class _Layout:
    """How the items of a customer version's lists stand in the form."""

    positions: dict[str, str]
    """merged profile's item (response.tiers[2]) → the form's (response.tiers[1] or [+1])."""
    rows: dict[ItemKey, str]
    """an item's name → the form's item."""

    def in_file(self, overlay: str, text: str) -> Callable[[Problem], str]:
        """The form's name for a problem's path. The loader names an item of a list by its
        place in the file it read (an overlay's list holds only the items it changes) or in
        the merged list; a problem located in the overlay is placed by its line."""
        data: Any = None

        def where(problem: Problem) -> str:
            nonlocal data
            path = problem.path.removeprefix("commitments.")
            match = re.match(r"^([a-z_]+\.[a-z_]+)\[(\d+)\]\.(.+)$", path)
            if match is None or match[1] not in ROW_FIELDS:
                return path
            if problem.location.file != overlay or not problem.location.line:
                return _renamed(path, self.positions)
            if data is None:
                data = _yaml().load(text) or {}
            node: Any = data.get("commitments") or {}
            for part in match[1].split("."):
                node = node.get(part) if isinstance(node, dict) else None
            starts = [
                (item.lc.line + 1, item)
                for item in node or []
                if isinstance(item, CommentedMap) and item.lc.line + 1 <= problem.location.line
            ]
            if not starts:
                return _renamed(path, self.positions)
            item = max(starts, key=lambda pair: pair[0])[1]
            row = self.rows.get((match[1], _item_key(match[1], item)))
            return f"{row}.{match[3]}" if row else path

        return where


def _renamed(name: str, positions: Mapping[str, str]) -> str:
    """A field name of the merged profile as the form names it (see `_positions`)."""
    head, dot, rest = name.partition("].")
    return f"{positions.get(head + ']', head + ']')}.{rest}" if dot else name


def _raw_problem(text: str, say: Locale) -> str:
    """A value refused before it becomes YAML: one that would read as a tag, an anchor or an
    alias if a person typed it into the file, and control characters."""
    if text[:1] in ("!", "&", "*"):
        return say.text("web.error.yaml_syntax")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text):
        return say.text("web.error.control")
    return ""


def _typed_text(text: str, info: PathInfo) -> Any:
    if info.kind.name == "flag":
        return "yes" if text else REMOVE
    if info.kind.name == "list":
        return CommentedSeq(list_items(text))  # the list grammar tenders are read with
    return text


def _item(commitments: CommentedMap, slot: _Slot, create: bool) -> CommentedMap | None:
    assert slot.list_path is not None
    items = _list_at(commitments, slot.list_path, create)
    if items is None:
        return None
    fields = IDENTITIES[f"commitments.{slot.list_path}"].fields
    want = tuple(key_text(slot.identity.get(f)) for f in fields)
    for item in items:
        if isinstance(item, CommentedMap) and tuple(key_text(item.get(f)) for f in fields) == want:
            return item
    if not create:
        return None
    new = CommentedMap(
        (k, CommentedSeq(v) if isinstance(v, list) else v) for k, v in slot.identity.items()
    )
    items.append(new)
    return new


def _set(commitments: CommentedMap, slot: _Slot, value: Any) -> None:
    if slot.list_path is None:
        *parents, last = slot.name.split(".")
        node: Any = commitments
        for part in parents:
            node = node.setdefault(part, CommentedMap())
        node[last] = value
        return
    item = _item(commitments, slot, create=True)
    assert item is not None
    item[slot.leaf] = value


def _unset(commitments: CommentedMap, slot: _Slot) -> None:
    """Leave the value to the files below (the company standard): drop it from the overlay,
    and drop what is left empty (an item that names itself only, an empty section)."""
    if slot.list_path is None:
        *parents, last = slot.name.split(".")
        chain: list[tuple[Any, str]] = []
        node: Any = commitments
        for part in parents:
            if not isinstance(node, dict) or part not in node:
                return
            chain.append((node, part))
            node = node[part]
        if isinstance(node, dict):
            node.pop(last, None)
        for holder, key in reversed(chain):
            if not holder[key]:
                del holder[key]
        return
    item = _item(commitments, slot, create=False)
    if item is None:
        return
    item.pop(slot.leaf, None)
    if set(item) <= set(slot.identity):
        *parents, last = slot.list_path.split(".")
        node = commitments
        for part in parents:
            node = node[part]
        node[last].remove(item)
        if not node[last]:
            del node[last]
        if not node and parents:
            holder = commitments
            for part in parents[:-1]:
                holder = holder[part]
            del holder[parents[-1]]


def _by_field(
    problems: Sequence[Problem],
    values: Mapping[str, str],
    say: Locale,
    where: Callable[[Problem], str],
) -> dict[str, list[str]]:
    """Problems by the form field they are about ("" when they name no field), each said in
    the workspace's language."""
    out: dict[str, list[str]] = {}
    names = sorted(values, key=len, reverse=True)
    for p in problems:
        path = where(p)
        plain = re.sub(r"\[[^\]]*\]", "[]", path)
        hit = next((n for n in names if n == path), None)
        if hit is None:
            hit = next((n for n in names if re.sub(r"\[\d+\]", "[]", n) == plain), "")
        if not hit and path.startswith("approvals"):
            hit = "approvals"  # shown beside the approvals the form records
        out.setdefault(hit, []).append(said(p, values.get(hit, ""), _kind_of(hit), say))
    return out


def _kind_of(name: str) -> str:
    """The value kind of a form field (duration, frequency ...), "" for none."""
    info = commitment_paths().get(re.sub(r"\.\w+\[[^\]]*\]", "", name))
    if info is None and _NEW.match(name):
        return "text"  # a new item's name or area: a value, not the whole file
    return info.kind.name if info else ""


def said(problem: Problem, value: str, kind: str, say: Locale) -> str:
    """A loader's problem with a value of the form, in the workspace's language: by the
    problem's catalog key when it has one, else as a value this field cannot take; with the
    field's input hint (如 4小时、2年) when the value is not understood."""
    args = dict(problem.said)
    if "what" in args:
        args["what"] = say.text(f"problem.what.{args['what']}")
    key = f"problem.{problem.key}"
    if problem.key and say.has(key):
        text = say.text(key, **args)
    elif not kind:  # about no value of the form: the loader's own words are all there is
        return say.text("web.error.invalid", message=problem.message)
    elif value.strip():
        text = say.text("problem.invalid", value=value.strip()[:40])
    else:
        text = say.text("problem.quantity.empty")
    hint = f"web.hint.{kind}"
    if problem.key in _HINTED and value.strip() and say.has(hint):
        text = say.text("web.error.with_hint", message=text, hint=say.text(hint))
    return text


_HINTED = ("", "quantity.not_a", "quantity.no_unit", "quantity.no_number", "quantity.unit")
"""Problems of a value not understood: the field's hint says how such a value is written."""

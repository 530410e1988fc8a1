"""The difference between two resolved sets of promises (`aftersales diff`, the 变更说明).

Both sides are loaded as the CLI loads them (a project, a project with overlays, a file at a
git revision); their commitments are walked to leaf values, matched by path with list items
named by identity (`response.tiers[region=本省].arrive`, so two projects whose tiers are in
another order still match), and every value that differs is one `Difference`: its term,
both values worded by the locale, which way it goes for the buyer (from the path table),
how the new value stands against the company's capacity and the approval that covers it,
and where each side was written.
"""

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator.app.explain import term_of, value_text
from generator.errors import InputError, Location, Problem, escape
from generator.locale import Locale, get_locale
from generator.profiles.loading import Resolved, load_profile
from generator.profiles.models import Approval, commitment_paths
from generator.profiles.paths import PathInfo
from generator.profiles.quantities import NotComparable
from generator.tender.capacity import capacity_review
from generator.tender.findings import CapacityFinding

__all__ = [
    "CapStatus",
    "Difference",
    "Direction",
    "diff_profiles",
    "diff_report",
    "load_at_revision",
]


class Direction(StrEnum):
    """Which way a change goes for the buyer."""

    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    """another wording of an equal value (1年 → 12个月)."""
    UNKNOWN = "unknown"
    """no order: prose, a plain choice, or values no calendar decides (365天 against 1年)."""


class CapStatus(StrEnum):
    """How the new value stands against the company's capacity limits."""

    NONE = "none"
    """no limit holds for this commitment (or the promise was removed)."""
    WITHIN = "within"
    APPROVED = "approved"
    EXCEEDED = "exceeded"
    NOT_COMPARABLE = "not_comparable"


@dataclass(frozen=True)
class Difference:
    """One commitment whose value differs between the two sides."""

    path: str
    """the path below `commitments`, list items named by identity."""
    term: str
    """the Chinese term of the field (到场时间, 质保期 …)."""
    old: str | None
    """the value on side A, worded; None when B added it."""
    new: str | None
    """the value on side B, worded; None when B removed it."""
    old_source: Location | None
    new_source: Location | None
    direction: Direction
    cap: CapStatus
    limit: str = ""
    """the capacity limit that holds, worded ("" without one)."""
    approval: Approval | None = None
    """the approval covering the new value (APPROVED) or falling short of it (EXCEEDED)."""
    approver: str = ""
    """who must approve going beyond the limit."""


@dataclass(frozen=True)
class _Leaf:
    path: str
    keyed: str
    value: Any


def _leaves(obj: Any, path: str, resolved: Resolved) -> Iterator[_Leaf]:
    """Every value that is set, as `explain` shows them (a list of plain items is one value)."""
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            unset = value is None or value is False or (isinstance(value, list) and not value)
            if name in obj.model_fields_set and not unset:
                yield from _leaves(value, f"{path}.{name}", resolved)
        return
    if isinstance(obj, list) and any(isinstance(v, BaseModel) for v in obj):
        for n, item in enumerate(obj):
            yield from _leaves(item, f"{path}[{n}]", resolved)
        return
    yield _Leaf(path, resolved.keyed(path), obj)


_ITEM = re.compile(r"\.[A-Za-z_]+\[\d+\]")


def path_info(path: str) -> PathInfo | None:
    """The path-table entry of a leaf (`commitments.response.tiers[0].arrive` is the path
    `response.arrive`; a component's period is `warranty.period`), if it is a commitment."""
    plain = _ITEM.sub("", path.removeprefix("commitments."))
    return commitment_paths().get(plain)


def _direction(info: PathInfo | None, old: Any, new: Any) -> Direction:
    if info is None:
        return Direction.UNKNOWN
    if old is None:  # a promise added is more for the buyer, one removed is less
        return Direction.BETTER
    if new is None:
        return Direction.WORSE
    try:
        sign = info.kind.goodness(info.typed(new), info.typed(old), info.better, None)
    except (NotComparable, TypeError, ValueError):
        return Direction.UNKNOWN
    if sign > 0:
        return Direction.BETTER
    if sign < 0:
        return Direction.WORSE
    return Direction.SAME


def _component_of(resolved: Resolved, path: str) -> str | None:
    match = re.match(r"^(commitments\.[a-z_.]*components\[\d+\])\.", path)
    if match is None:
        return None
    node: Any = resolved.profile
    for part in re.split(r"\.|(?=\[)", match[1]):
        node = node[int(part[1:-1])] if part.startswith("[") else getattr(node, part)
    return str(node.name)


def cap_of(
    resolved: Resolved, findings: Sequence[CapacityFinding], path: str, value: Any, say: Locale
) -> tuple[CapStatus, str, Approval | None, str]:
    """The value at `path` (commitments.…) against the limit that holds for it at the
    project's site: the one the guardrails checked for this very value, else the applicable
    one for its commitment. Also the limit worded, the approval and who must approve."""
    return _cap(resolved, findings, _Leaf(path, path, value), say)


def _cap(
    resolved: Resolved, findings: Sequence[CapacityFinding], leaf: _Leaf, say: Locale
) -> tuple[CapStatus, str, Approval | None, str]:
    info = path_info(leaf.path)
    if info is None:
        return CapStatus.NONE, "", None, ""
    component = _component_of(resolved, leaf.path)
    mine = [f for f in findings if f.offer.key == leaf.path]
    if not mine:
        mine = [
            f
            for f in findings
            if f.capacity.commitment == info.path
            and (f.capacity.component is None or f.capacity.component.strip() == component)
        ]
        mine.sort(key=lambda f: f.capacity.component is None)  # a component's own limit first
    if not mine:
        return CapStatus.NONE, "", None, ""
    found = mine[0]
    limit = say.describe(found.limit)
    approver = found.capacity.approver or ""
    if found.offer.key == leaf.path:
        return CapStatus(found.status.value), limit, found.approval, approver
    value = info.typed(leaf.value)
    try:
        beyond = info.kind.goodness(value, found.limit, info.better, None) > 0
    except NotComparable:
        return CapStatus.NOT_COMPARABLE, limit, None, approver
    if not beyond:
        return CapStatus.WITHIN, limit, None, approver
    approvals = [a for a in resolved.profile.project.approvals if a.commitment == info.path]
    for approval in approvals:
        try:
            if info.kind.goodness(value, info.parse(approval.value), info.better, None) <= 0:
                return CapStatus.APPROVED, limit, approval, approver
        except NotComparable:
            continue
    return CapStatus.EXCEEDED, limit, approvals[-1] if approvals else None, approver


def diff_profiles(a: Resolved, b: Resolved, language: str | None = None) -> list[Difference]:
    """Every commitment whose value differs from A to B, in B's order (then what B removed),
    worded in `language` (else B's `language:`). Cap status and approvals are B's."""
    say = get_locale(language or b.profile.project.language)
    old = {leaf.keyed: leaf for leaf in _leaves(a.profile.commitments, "commitments", a)}
    new = list(_leaves(b.profile.commitments, "commitments", b))
    findings = capacity_review(b)
    out: list[Difference] = []

    def short(keyed: str) -> str:
        return keyed.removeprefix("commitments.")

    seen: set[str] = set()
    for leaf in new:
        seen.add(leaf.keyed)
        before = old.get(leaf.keyed)
        if before is not None and before.value == leaf.value:
            continue
        info = path_info(leaf.path)
        status, limit, approval, approver = _cap(b, findings, leaf, say)
        out.append(
            Difference(
                short(leaf.keyed),
                term_of(leaf.keyed, say),
                value_text(before.value, say) if before is not None else None,
                value_text(leaf.value, say),
                a.where(before.path) if before is not None else None,
                b.where(leaf.path),
                _direction(info, before.value if before else None, leaf.value),
                status,
                limit,
                approval,
                approver,
            )
        )
    for keyed, gone in old.items():
        if keyed in seen:
            continue
        out.append(
            Difference(
                short(keyed),
                term_of(keyed, say),
                value_text(gone.value, say),
                None,
                a.where(gone.path),
                None,
                _direction(path_info(gone.path), gone.value, None),
                CapStatus.NONE,
            )
        )
    return out


# ------------------------------------------------------------------------- the formats

DIFF_FORMATS = ("text", "markdown", "json")


def _approval_text(d: Difference, say: Locale) -> str:
    a = d.approval
    if a is None:
        return ""
    try:
        value = say.describe(commitment_paths()[a.commitment].parse(a.value))
    except (KeyError, ValueError):
        value = a.value
    return say.text(
        "diff.approval",
        value=value,
        by=a.approved_by or "",
        date=a.date.isoformat() if a.date else "",
        reference=a.reference or "",
    )


def cap_text(d: Difference, say: Locale) -> str:
    """How the new value stands against the capacity, in words (上限4小时以内 …)."""
    if d.cap is CapStatus.NONE:
        return say.text("diff.cap.none")
    return say.text(
        f"diff.cap.{d.cap.value}",
        limit=d.limit,
        approval=_approval_text(d, say),
        approver=d.approver,
    )


def cells(d: Difference, say: Locale) -> list[str]:
    """One row of the diff table as text: term, path, old, new, direction, cap, sources."""
    return [
        d.term,
        d.path,
        d.old if d.old is not None else say.text("diff.absent"),
        d.new if d.new is not None else say.text("diff.removed"),
        say.text(f"diff.direction.{d.direction.value}"),
        cap_text(d, say),
        str(d.old_source or ""),
        str(d.new_source or ""),
    ]


def header(say: Locale) -> list[str]:
    columns = ("term", "path", "old", "new", "direction", "cap", "old_source", "new_source")
    return [say.text(f"diff.column.{c}") for c in columns]


def diff_report(
    diffs: Sequence[Difference], fmt: str, language: str = "zh-Hans", title: str = ""
) -> str:
    """The differences as `text` (a table), `markdown` (escaped) or `json` (machine keys,
    the locale's words beside them)."""
    say = get_locale(language)
    if fmt == "json":
        items = [
            {
                "path": d.path,
                "term": d.term,
                "old": d.old,
                "new": d.new,
                "old_source": str(d.old_source) if d.old_source else None,
                "new_source": str(d.new_source) if d.new_source else None,
                "direction": d.direction.value,
                "cap": d.cap.value,
                "limit": d.limit or None,
                "approval": (
                    {
                        "value": d.approval.value,
                        "approved_by": d.approval.approved_by,
                        "date": d.approval.date.isoformat() if d.approval.date else None,
                        "reference": d.approval.reference,
                    }
                    if d.approval
                    else None
                ),
                "approver": d.approver or None,
                "cap_text": cap_text(d, say),
            }
            for d in diffs
        ]
        return json.dumps({"changes": items}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        from generator.tender.reports import markdown_cell

        lines = [f"## {markdown_cell(title)}", ""] if title else []
        if not diffs:
            return "\n".join([*lines, say.text("diff.no_change"), ""])
        cols = header(say)
        lines.append("| " + " | ".join(cols) + " |")
        lines.append("|" + "---|" * len(cols))
        for d in diffs:
            lines.append("| " + " | ".join(markdown_cell(c) for c in cells(d, say)) + " |")
        return "\n".join(lines) + "\n"
    if fmt != "text":
        raise InputError([Problem(Location("--format"), "", f'unknown format "{fmt}"')])
    from generator.terminal import format_table

    if not diffs:
        return say.text("diff.no_change") + "\n"
    rows = [[escape(c) for c in cells(d, say)] for d in diffs]
    return format_table(header(say), rows, max_widths=(20, 60, 40, 40, 16, 60, 300, 300)) + "\n"


# ------------------------------------------------------------------ a file at a revision


def _git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)


@contextmanager
def load_at_revision(
    project: Path, rev: str, overlays: Sequence[Path] = (), sets: Sequence[str] = ()
) -> Iterator[Resolved]:
    """The project as it was at git revision `rev`: every file the project reads now (company,
    project, overlays) is taken from `rev` (`git show REV:path`) into a temporary folder at the
    same place relative to the repository, and loaded from there. Locations read `REV:path`."""
    if rev.startswith("-"):
        raise InputError([Problem(Location("--rev"), "", f'"{rev}" is not a revision')])
    current = load_profile(project, overlays, sets)
    top_run = _git(["rev-parse", "--show-toplevel"], project.resolve().parent)
    if top_run.returncode != 0:
        raise InputError([Problem(Location(str(project)), "", "--rev: not in a git repository")])
    top = Path(top_run.stdout.decode().strip())
    tmp = Path(tempfile.mkdtemp(prefix="aftersales-rev-"))
    try:
        for file in current.files:
            rel = file.resolve().relative_to(top)
            shown = _git(["show", f"{rev}:{rel.as_posix()}"], top)
            if shown.returncode != 0:
                why = shown.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
                raise InputError([Problem(Location(str(file)), "", f"--rev {rev}: {why[0]}")])
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(shown.stdout)
        (project_rel, *overlay_rels) = [
            tmp / p.resolve().relative_to(top) for p in (project, *overlays)
        ]
        old = load_profile(project_rel, overlay_rels, sets)
        prefix = str(tmp) + "/"

        def moved(loc: Location) -> Location:
            file = loc.file
            for candidate in (file, str(Path(file).resolve())):
                if candidate.startswith(prefix):
                    return Location(f"{rev}:{candidate[len(prefix) :]}", loc.line, loc.col)
            return loc

        yield Resolved(
            old.profile,
            {k: moved(v) for k, v in old.provenance.items()},
            old.files,
            old.asset_dirs,
            old.changes,
            old.notices,
            old.labels,
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

"""`import-tender`: read a tender document, draft the tender file, validate it with the tender
loader, and write it with the review list. Items the loader refuses are made `manual` (their
quote kept) and listed; a draft that still does not validate is never written.

Re-import: when the output already exists, it is the confirmed file and is never overwritten;
the new draft is written beside it (`NAME.revised.yaml`) and the changes are listed item by
item (added, removed, value changed), matched by clause and commitment.
"""

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from generator.errors import InputError, Location, Problem
from generator.intake.drafting import Draft, Review, draft_items
from generator.intake.grammar import grammar
from generator.intake.reading import Block, read_document
from generator.locale import get_locale
from generator.tender.check import clause_key
from generator.tender.loading import load_tender
from generator.tender.model import TenderFile

__all__ = ["Change", "Imported", "import_tender", "review_lines"]

_ROUNDS = 5
_INDEX = re.compile(r"^requirements\[(\d+)\]")


@dataclass(frozen=True)
class Change:
    """One item that differs between the confirmed file and the new draft."""

    kind: str  # added | removed | changed
    clause: str
    commitment: str
    before: str = ""
    after: str = ""


@dataclass
class Imported:
    draft: Draft
    written: Path
    changes: list[Change] = field(default_factory=list)
    revised: bool = False


def _document_fields(blocks: list[Block], source: Path) -> dict[str, Any]:
    g = grammar()
    name = number = None
    for block in blocks[:400]:
        folded = g.fold(block.text)
        if name is None and (m := g.document_name.search(folded)):
            name = block.text[m.start(1) : m.end(1)].strip()
        if number is None and (m := g.document_number.search(folded)):
            number = block.text[m.start(1) : m.end(1)].strip()
    out: dict[str, Any] = {"kind": "tender", "name": name or source.stem}
    if number:
        out["number"] = number
    return out


def _dump(data: dict[str, Any], path: Path) -> None:
    yaml = YAML()
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    with path.open("w", encoding="utf-8") as stream:
        stream.write("# yaml-language-server: $schema=../schemas/tender.schema.json\n")
        stream.write(
            "# Drafted by aftersales import-tender: confirm every item against its quote.\n"
        )
        yaml.dump(data, stream)


def _validated(data: dict[str, Any], draft: Draft, folder: Path) -> tuple[Path, TenderFile]:
    """The draft written to a temporary file in `folder` and loaded by the tender loader; items
    it refuses become manual (their scoring dropped first, if only the scoring was refused)."""
    for _ in range(_ROUNDS):
        fd, name = tempfile.mkstemp(prefix=".import-", suffix=".yaml", dir=folder)
        os.close(fd)
        temp = Path(name)
        _dump(data, temp)
        try:
            tender, _ = load_tender(temp)
            return temp, tender
        except InputError as exc:
            temp.unlink()
            bad = _demote(data, draft, exc.problems)
            if not bad:
                raise
    raise InputError([Problem(Location(str(folder)), "", "the draft does not validate")])


def _demote(data: dict[str, Any], draft: Draft, problems: list[Problem]) -> bool:
    items: list[dict[str, Any]] = data["requirements"]
    done = False
    for problem in problems:
        found = _INDEX.match(problem.path)
        if not found or int(found.group(1)) >= len(items):
            continue
        item = items[int(found.group(1))]
        if item.get("manual"):
            continue
        if ".scoring" in problem.path or problem.path.endswith("scoring"):
            item.pop("scoring", None)
            for check in item.get("checks", []):
                check.pop("scoring", None)
        else:
            for key in ("commitment", "comparator", "value", "scope", "checks", "scoring"):
                item.pop(key, None)
            item["manual"] = True
            item["confidence"] = "0.3"
        where = f"{item.get('source')} ¶{item.get('paragraph')}"
        draft.review.append(Review("unread", item["clause"], where, item["text"], problem.message))
        done = True
    return done


def _describe(item: dict[str, Any]) -> dict[str, str]:
    """Each comparison of an item by commitment: `comparator value` (manual: its words)."""
    if item.get("manual"):
        return {"manual": str(item.get("text", ""))}
    checks = item.get("checks") or [item]
    return {
        str(c.get("commitment")): f"{c.get('comparator', '')} {c.get('value', '')}".strip()
        for c in checks
    }


def _changes(old: TenderFile, new: dict[str, Any]) -> list[Change]:
    before: dict[tuple[str, str], tuple[str, str]] = {}
    for req in old.requirements:
        for path, said in _describe(req.model_dump(exclude_none=True)).items():
            before[(clause_key(req.clause), path)] = (req.clause, said)
    after: dict[tuple[str, str], tuple[str, str]] = {}
    for item in new["requirements"]:
        for path, said in _describe(item).items():
            after[(clause_key(item["clause"]), path)] = (item["clause"], said)
    out: list[Change] = []
    for key, (clause, said) in after.items():
        if key not in before:
            out.append(Change("added", clause, key[1], after=said))
        elif before[key][1] != said:
            out.append(Change("changed", clause, key[1], before[key][1], said))
    for key, (clause, said) in before.items():
        if key not in after:
            out.append(Change("removed", clause, key[1], before=said))
    return out


def import_tender(source: Path, output: Path, chapter: str | None = None) -> Imported:
    """Draft `output` from the tender document `source` (see the module docstring)."""
    blocks = read_document(source)
    draft = draft_items(blocks, source.name, chapter)
    if not draft.items:
        raise InputError(
            [Problem(Location(str(source)), "", "no after-sales requirement was found")]
        )
    data = _document_fields(blocks, source)
    if draft.markers:
        data["markers"] = draft.markers
    data["requirements"] = draft.items
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise InputError([Problem(Location(str(output)), "", "the folder does not exist")])
    confirmed: TenderFile | None = None
    target = output
    if output.exists():
        confirmed, _ = load_tender(output)
        target = output.with_name(output.stem + ".revised" + output.suffix)
    temp, _ = _validated(data, draft, folder)
    try:
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise InputError([Problem(Location(str(target)), "", str(exc.strerror))]) from None
    changes = _changes(confirmed, data) if confirmed is not None else []
    return Imported(draft, target, changes, revised=confirmed is not None)


def review_lines(imported: Imported, language: str = "zh-Hans") -> list[str]:
    """The review list (and the changes of a re-import), as the locale says them."""
    say = get_locale(language).text
    items = imported.draft.items
    lines = [
        say(
            "intake.summary",
            items=len(items),
            manual=sum(1 for i in items if i.get("manual")),
            output=str(imported.written),
        )
    ]
    for r in imported.draft.review:
        lines.append(
            say(
                f"intake.review.{r.kind}",
                clause=r.clause,
                where=r.where,
                text=r.text,
                detail=r.detail,
            )
        )
    if imported.revised:
        lines.append(say("intake.changes", n=len(imported.changes)))
        for c in imported.changes:
            lines.append(
                say(
                    f"intake.change.{c.kind}",
                    clause=c.clause,
                    commitment=c.commitment,
                    before=c.before,
                    after=c.after,
                )
            )
    return lines

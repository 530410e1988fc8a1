"""Which field(s) name an item of each list of models: the merge key when files layer.

When a project or overlay gives a list of named things (response tiers, warranty components,
process steps …), each item changes the item below it with the same identity and every other
item stays; an item with a new identity is added at the end. Lists of plain text (exclusions,
materials …) have no identity and replace the list below them whole.

Paths use `[]` for "any item of a list". Every list of models in the profile files is named
here (a test checks that), so a new list cannot silently fall back to replacing whole.
"""

from dataclasses import dataclass

from generator.profiles.yamlreader import Path_

REMOVE = "~remove"
"""The value that removes a promise (a field, a section or a keyed item) set by a file below."""
REMOVE_KEY = "remove"
"""`remove: true` beside an item's key fields removes that item from the list below."""


@dataclass(frozen=True)
class Identity:
    fields: tuple[str, ...]
    """the fields that together name an item."""
    noun: str
    """what one item is called in messages."""
    all_empty_ok: bool = False
    """True when an item may leave every key field empty (a tier that applies everywhere)."""
    shown_empty: tuple[str, ...] = ()
    """the fields that name an item whose key fields are all empty (default: all of them);
    a `--set` selector leaves the others open."""


IDENTITIES: dict[str, Identity] = {
    # commitments: layered company < project < overlays < --set
    "commitments.response.tiers": Identity(
        ("region", "severity", "time", "equipment", "faults", "repairs"),
        "tier",
        True,
        ("region", "severity", "time"),
    ),
    "commitments.warranty.components": Identity(("name",), "component"),
    "commitments.warranty.service_plans": Identity(("item", "mode"), "service plan"),
    "commitments.staffing.members": Identity(("role",), "staff role"),
    "commitments.training.audiences": Identity(("name",), "training audience"),
    "commitments.service_process.steps": Identity(("id",), "step"),
    "commitments.service_process.steps[].branches": Identity(("label",), "branch"),
    "commitments.extra_clauses": Identity(("title",), "clause"),
    # a bid's own answers to tender clauses: an overlay changes one answer by its clause
    "responses": Identity(("clause",), "response"),
    # company file only (no other file layers over them today); named so that they merge by
    # identity the day they do, and so the table stays complete.
    "hotlines": Identity(("number",), "hotline"),
    "contacts": Identity(("name",), "contact"),
    "service_network": Identity(("name",), "service centre"),
    "staff": Identity(("role",), "staff role"),
    "capacity": Identity(("commitment", "where", "component", "cities"), "capacity limit"),
}
"""The identity of every list of models, by list path. `approvals` is not here: approvals of
the project and of every overlay add up (see loading)."""


def pattern(path: Path_) -> str:
    """`path` with every list index written `[]`, the form IDENTITIES is keyed by."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += "[]"
        else:
            out += f".{part}" if out else part
    return out


def identity_of(path: Path_) -> Identity | None:
    """The identity of the items of the list at `path`, or None for a plain list."""
    return IDENTITIES.get(pattern(path))


def key_text(value: object) -> str | None:
    """A key field's value as compared: text without surrounding blanks, or None when empty."""
    if value is None:
        return None
    if isinstance(value, list):  # class labels of a tier, a limit's cities: [a, b]
        # joined by +, which a `--set` selector does not split at (it splits at ",")
        text = "+".join(t for t in (key_text(v) for v in value) if t)
        return text or None
    text = str(value).strip()
    return text or None


def key_of(identity: Identity, item: dict[str, object]) -> tuple[str | None, ...]:
    return tuple(key_text(item.get(f)) for f in identity.fields)


def selector(identity: Identity, key: tuple[str | None, ...]) -> str:
    """How an item is named in paths and messages: `[region=其它地区]`, `[id=repair]`.

    Empty key fields are left out unless all are empty (`[region=,severity=,time=]`), so the
    text is also a `--set` selector that matches exactly this item.
    """
    pairs = [(f, v) for f, v in zip(identity.fields, key, strict=True) if v is not None]
    if not pairs:
        return "[" + ",".join(f"{f}=" for f in identity.shown_empty or identity.fields) + "]"
    return "[" + ",".join(f"{f}={v}" for f, v in pairs) + "]"

"""Placeholders left in text a reader sees (某某, XX, ____, TODO, 待定, 示例), and the core
promises a bid's letter lacks. Both are found here as data; `generator.app.validate` words them
through the locale (warnings, or errors with `--final`)."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.profiles.models import Commitments, ProcurementMethod, Profile

__all__ = [
    "HIDDEN",
    "Placeholder",
    "missing_promises",
    "placeholders",
    "profile_placeholders",
    "texts",
]

# Each pattern and how it is named in messages. Underscores count from two on: a value
# expected and left as a blank to fill by hand (`____项目`, a phone `________`).
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("某某", re.compile("某某")),
    ("××", re.compile("[×╳]{2,}")),
    ("XX", re.compile(r"(?<![A-Za-z])(?:X{2,}|x{2,})(?![A-Za-z])")),
    ("____", re.compile(r"_{2,}|＿+")),
    ("TODO", re.compile(r"(?<![A-Za-z])(?:TODO|TBD|FIXME)(?![A-Za-z])", re.IGNORECASE)),
    ("待定", re.compile("待定|待补充|待補充|待填")),
    ("示例", re.compile("示例|范例|範例")),
)

# Keys whose values no reader sees: file kinds and references, ids a flowchart links by,
# languages, dates and methods (typed), the department's own notes, limits and approvals.
HIDDEN = frozenset(
    {
        "kind",
        "company",
        "language",
        "method",
        "date",
        "id",
        "next",
        "to",
        "seal_image",
        "logo_image",
        "capacity",
        "approvals",
        "note",
    }
)


@dataclass(frozen=True)
class Placeholder:
    """A placeholder in a value a reader sees."""

    path: str
    """dotted path of the value (`project_name`, `company.hotlines[0].number`)."""
    token: str
    """which placeholder (`某某`, `XX`, `____` …)."""
    text: str
    """the whole value, for the message."""


def placeholders(data: Any, prefix: str = "") -> list[Placeholder]:
    """Every placeholder in the plain data of a file or a resolved profile (`model_dump`),
    skipping what no reader sees."""
    return [
        Placeholder(path, token, text)
        for path, text in texts(data, prefix)
        for token, pattern in PATTERNS
        if pattern.search(text)
    ]


def profile_placeholders(profile: Profile) -> list[Placeholder]:
    """The placeholders of a resolved profile: the project (with the merged commitments) and
    the company's own texts (its commitments are the project's now)."""
    company = profile.company.model_dump(mode="json", exclude={"commitments"})
    return [
        *placeholders(profile.project.model_dump(mode="json")),
        *placeholders(company, "company"),
    ]


def texts(value: Any, path: str = "", hidden: frozenset[str] = HIDDEN) -> Iterator[tuple[str, str]]:
    """Every string in dumped profile data, with its dotted path (`a.b[2].c`); keys in
    `hidden` (the ones no reader sees) are skipped."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in hidden:
                yield from texts(item, f"{path}.{key}" if path else str(key), hidden)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from texts(item, f"{path}[{n}]", hidden)


def missing_promises(profile: Profile) -> list[str]:
    """The core promises a bid for goods lacks, by name: `warranty.period` (no warranty period
    at all: neither the unit's, a component's, a service plan's nor 三包), `response.tiers` (no
    response, arrival or repair time), `after_warranty` (no terms after the warranty).

    A bid for goods: any procurement method but 零售 (a shop's letter to its customers), with
    products listed or quality, delivery or a warranty promised."""
    project = profile.project
    c = profile.commitments
    if project.method is ProcurementMethod.RETAIL:
        return []
    if not (project.products or c.quality or c.delivery or c.warranty):
        return []
    missing = []
    if not _warranty_period(c):
        missing.append("warranty.period")
    tiers = c.response.tiers if c.response else []
    if not any(t.respond or t.arrive or t.repair for t in tiers):
        missing.append("response.tiers")
    if c.after_warranty is None:
        missing.append("after_warranty")
    return missing


def _warranty_period(c: Commitments) -> bool:
    w = c.warranty
    if w is None:
        return False
    return bool(
        w.period
        or any(part.period for part in w.components)
        or any(plan.until for plan in w.service_plans)
        or w.statutory_three_guarantees
    )

"""Rule ids for CI reports (SARIF `ruleId`, JUnit test names, the JSON `id`) that survive
editing the tender file.

An id numbered by position (R1, R2 ...) renumbers every later item when a requirement is
inserted, and code scanning then closes and reopens alerts that did not change. So an id is the
requirement's own `id:` when it has one, else it is derived from what names the item in the
tender: its clause number and the commitment it constrains, e.g. `第五章 3.2(1)` on
`response.arrive` -> `5.3.2.1-response.arrive`. Chinese numerals become digits, other words
are dropped (a clause without any number gets a hash of its text). Only items with the same
clause and commitment (one clause scoped by region or component) are told apart by their order
among themselves, with `-2`, `-3` ...; give those an `id:` to pin them. An item that compares
no commitment (a manual item) is `<clause>-manual`; a compound one is `<clause>-checks`, its
checks `<clause>-checks.1`, `.2` ....
"""

import hashlib
import re
import unicodedata
from collections.abc import Sequence

from generator.profiles.quantities import QuantityError, chinese_number
from generator.tender.model import Requirement

__all__ = ["clause_slug", "rule_ids"]

_NUMERALS = re.compile("[零〇一壹二两贰三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟]+")
_TOKEN = re.compile(r"[A-Za-z0-9]+")


def _digits(match: re.Match[str]) -> str:
    try:
        return f" {chinese_number(match.group(0))} "
    except QuantityError:
        return " "


def clause_slug(clause: str) -> str:
    """The clause number in ASCII: 第五章 3.2(1) -> 5.3.2.1, ３．２ -> 3.2."""
    text = unicodedata.normalize("NFKC", clause)
    tokens = _TOKEN.findall(_NUMERALS.sub(_digits, text))
    if tokens:
        return ".".join(tokens)
    return "c" + hashlib.sha256(text.strip().encode()).hexdigest()[:8]


def rule_ids(requirements: Sequence[Requirement]) -> list[str]:
    """The stable id of each requirement, in order (see the module's docstring)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for req in requirements:
        what = req.commitment or ("checks" if req.checks else "manual")
        base = req.id or f"{clause_slug(req.clause)}-{what}"
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return out

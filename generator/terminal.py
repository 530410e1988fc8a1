"""Plain-text tables that line up in a terminal, where a CJK character takes two columns."""

import unicodedata
from collections.abc import Sequence


def width(text: str) -> int:
    """Columns `text` takes in a monospace terminal."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def fit(text: str, columns: int) -> str:
    """`text` cut to `columns` (ending in "…" when cut)."""
    if width(text) <= columns:
        return text
    out = ""
    for c in text:
        if width(out + c) > columns - 1:
            break
        out += c
    return out + "…"


def format_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    max_widths: Sequence[int] | None = None,
) -> str:
    """A table with a rule under the header; cells are single-line strings, cut to
    `max_widths` when given."""
    cells = [list(header), *[list(r) for r in rows]]
    if max_widths:
        cells = [[fit(c, m) for c, m in zip(row, max_widths, strict=True)] for row in cells]
    widths = [max(width(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)

"""Plain-text tables that line up in a terminal, where a CJK character takes two columns."""

import unicodedata
from collections.abc import Sequence


def width(text: str) -> int:
    """Columns `text` takes in a monospace terminal."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table with a rule under the header; cells are single-line strings."""
    cells = [list(header), *[list(r) for r in rows]]
    widths = [max(width(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)

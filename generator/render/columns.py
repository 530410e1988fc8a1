"""Table column widths from the text, the same in the DOCX and the PDF.

Both renderers lay tables out with fixed column widths: a table can then never be wider than
the text area (a long unbreakable run in a cell is broken, not allowed to push the columns
off the page), and WeasyPrint does not measure every possible break of a long run to find a
column's minimum width (a 1,890-character token took 15 s that way).
"""

import unicodedata

from generator.letter.document import Table

MAX_CELL_CHARS = 24
"""A column wider than this many characters of text wraps rather than crowd the others."""


def text_width(text: str) -> float:
    """Width in 五号 characters: CJK and full-width forms one, Latin and digits about half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def content_widths(table: Table) -> tuple[int, ...]:
    """Relative widths from the text, as a browser's automatic table layout would give them.

    Without this every column gets an equal share: a 区域 column of long names wraps onto
    three lines beside two half-empty time columns.
    """
    header = [text_width(h) for h in table.header]
    longest = [max([text_width(r[i]) for r in table.rows] or [0.0]) for i in range(len(header))]
    # A heading never wraps; a long cell shares the rest of the line with the other long cells.
    return tuple(
        max(round(4 * (h + 1)), round(4 * min(n + 1, MAX_CELL_CHARS)))
        for h, n in zip(header, longest, strict=True)
    )


def column_percents(table: Table) -> tuple[float, ...]:
    """Each column's share of the table width in percent: the table's own widths, else
    `content_widths`."""
    widths = table.widths or content_widths(table)
    total = sum(widths)
    return tuple(100 * w / total for w in widths)

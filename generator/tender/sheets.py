"""The findings as a sheet a bid team sorts and annotates: `check --format xlsx` and `csv`.

One row per requirement, in tender order: 序号, 条目号, 标记, 招标要求 (the tender's words),
投标响应, 偏离, 得分 (a number, so the column sorts), 说明 (why, and the smallest change that
would help) and the file:line of the promise that decided it (else of the tender item).
Headings are the report language's deviation-table words; a tender that labels a column in its
`deviation_table` gets its own label, as in the 偏离表.

The workbook is written with XlsxWriter: it only writes (we never read a workbook back in the
tool), has no dependencies of its own, writes frozen panes, autofilters and column widths
directly, and gives the same bytes for the same input once the creation date is fixed (zip
entries carry a constant time), which keeps `check` reproducible like the letters.
"""

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.clock import ZIP_EPOCH, known_instant
from generator.locale import Locale
from generator.tender.check import CheckResult, Finding, Gate
from generator.tender.model import Column
from generator.tender.reports import (
    column_words,
    render_report,
    report_locale,
    table_title,
    verdict_word,
)
from generator.terminal import width

__all__ = ["SHEET_FORMATS", "SheetRow", "csv_report", "report_bytes", "sheet_rows", "xlsx_report"]

# (column key, the deviation-table column whose label the tender may set, width in characters)
_COLUMNS: tuple[tuple[str, Column | None, int], ...] = (
    ("index", Column.INDEX, 6),
    ("clause", Column.CLAUSE, 16),
    ("marker", Column.MARKER, 6),
    ("requirement", Column.REQUIREMENT, 48),
    ("response", Column.RESPONSE, 30),
    ("deviation", Column.DEVIATION, 10),
    ("points", Column.POINTS, 8),
    ("note", Column.NOTE, 48),
    ("source", None, 36),
)


@dataclass(frozen=True)
class SheetRow:
    """One requirement as the sheet shows it."""

    index: int
    clause: str
    marker: str
    requirement: str
    response: str
    deviation: str
    points: Decimal | None
    note: str
    source: str

    def cells(self) -> tuple["Cell", ...]:
        return (
            self.index,
            self.clause,
            self.marker,
            self.requirement,
            self.response,
            self.deviation,
            self.points,
            self.note,
            self.source,
        )


def sheet_header(result: CheckResult, say: Locale) -> tuple[str, ...]:
    """The headings in the report language; the tender's own labels win."""
    own = {c.key: c.label for c in result.tender.deviation_table.columns if c.label}
    words = column_words(result.tender, say)
    return tuple(
        (own.get(column) if column is not None else None)
        or say.text(f"deviation.column.{key}", **words)
        for key, column, _ in _COLUMNS
    )


def _note(f: Finding, say: Locale) -> str:
    reason = say.say(f.reason)
    return f"{reason} → {say.say(f.suggestion)}" if f.suggestion else reason


def _source(f: Finding) -> str:
    where = f.offer.where if f.offer and f.offer.where else f.requirement_where
    if where is None:
        return ""
    return f"{where.file}:{where.line}" if where.line else where.file


def sheet_rows(result: CheckResult, say: Locale) -> list[SheetRow]:
    """Every requirement, in tender order (the sheet never leaves one out)."""
    return [
        SheetRow(
            index=f.index,
            clause=f.requirement.clause,
            marker=f.requirement.marker or "",
            requirement=f.requirement.text,
            response=say.say(f.response),
            deviation=verdict_word(f.verdict, result.tender, say),
            points=f.points,
            note=_note(f, say),
            source=_source(f),
        )
        for f in result.findings
    ]


def _csv_cell(value: int | str | Decimal | None) -> str:
    return "" if value is None else str(value)


def csv_report(result: CheckResult, *, locale: Locale | None = None, **_gate: object) -> str:
    """The sheet as CSV (RFC 4180, CRLF). It starts with a byte-order mark: Excel on a Chinese
    Windows reads a CSV without one as GBK and garbles every heading. The gate options of the
    other formats change nothing here: the sheet lists every verdict."""
    say = locale or report_locale(result)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(sheet_header(result, say))
    for row in sheet_rows(result, say):
        writer.writerow([_csv_cell(c) for c in row.cells()])
    return "\ufeff" + out.getvalue()


def _sheet_name(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\ .
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return cleaned[:31] or "Sheet1"


Cell = int | str | Decimal | None


def capacity_sheet(result: CheckResult, say: Locale) -> tuple[tuple[str, ...], list[list[Cell]]]:
    """The capacity guardrails as rows: commitment, promised, limit, status, reason, source."""
    keys = ("commitment", "promised", "limit", "status", "reason")
    header = (
        *(say.text(f"capacity.column.{k}") for k in keys),
        say.text("deviation.column.source"),
    )
    rows: list[list[Cell]] = []
    for c in result.capacity:
        where = c.offer.where
        rows.append(
            [
                c.capacity.commitment,
                say.describe(c.offer.value),
                say.describe(c.limit),
                say.text(f"capacity.status.{c.status.value}"),
                say.say(c.reason),
                "" if where is None else f"{where.file}:{where.line}" if where.line else where.file,
            ]
        )
    return header, rows


def xlsx_report(result: CheckResult, *, locale: Locale | None = None, **_gate: object) -> bytes:
    """The sheet as an Excel workbook: a frozen header row, an autofilter over every column,
    widths that fit the headings and wrap long text, 得分 as numbers; and, when the company
    has capacity limits, a second sheet with them."""
    import xlsxwriter  # only this format needs it; `check` starts without it

    say = locale or report_locale(result)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    # The same input gives the same bytes: the creation date is the letter date or
    # SOURCE_DATE_EPOCH, never the clock. XlsxWriter always writes one, so an unknown date is
    # the zip format's zero (1980-01-01, as the DOCX's entries), never a plausible made-up day.
    moment = known_instant(result.profile.project.date) or ZIP_EPOCH
    created = moment.astimezone(dt.UTC).replace(tzinfo=None)
    title = table_title(result.tender, say)
    book.set_properties(
        {
            "title": title,
            "subject": result.tender.name,
            "author": result.profile.company.name,
            "created": created,
        }
    )
    formats = {
        "head": book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1}),
        "text": book.add_format({"text_wrap": True, "valign": "top"}),
        "number": book.add_format({"valign": "top", "num_format": "0.##"}),
    }
    findings = [list(row.cells()) for row in sheet_rows(result, say)]
    widths = [chars for _, _, chars in _COLUMNS]
    _write_sheet(book, formats, _sheet_name(title), sheet_header(result, say), findings, widths)
    if result.capacity:
        header, rows = capacity_sheet(result, say)
        sheet = _sheet_name(say.text("capacity.sheet"))
        _write_sheet(book, formats, sheet, header, rows, [24, 20, 14, 14, 48, 36])
    book.close()
    return buffer.getvalue()


def _write_sheet(
    book: Any,
    formats: dict[str, Any],
    name: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[int],
) -> None:
    """One worksheet: the header row frozen and filtered, columns as wide as `widths` (in
    characters) or their heading, text wrapped, numbers as numbers."""
    sheet = book.add_worksheet(name)
    for col, (text, chars) in enumerate(zip(header, widths, strict=True)):
        sheet.set_column(col, col, max(chars, width(text) + 4))
        sheet.write_string(0, col, text, formats["head"])
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None:
                sheet.write_blank(r, col, None, formats["text"])
            elif isinstance(value, int | Decimal):
                sheet.write_number(r, col, float(value), formats["number"])
            else:
                sheet.write_string(r, col, value, formats["text"])
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(header) - 1)


SHEET_FORMATS = ("xlsx", "csv")


def report_bytes(
    result: CheckResult, fmt: str, *, language: str | None = None, gate: Gate = Gate.DEFAULT
) -> bytes:
    """The report in any format as the bytes to write: the sheets and every format of
    `generator.tender.reports.REPORT_FORMATS` (UTF-8); `gate` decides what those formats call
    failures."""
    say = report_locale(result, language)
    if fmt == "xlsx":
        return xlsx_report(result, locale=say)
    if fmt == "csv":
        return csv_report(result, locale=say).encode("utf-8")
    return render_report(result, fmt, language=language, gate=gate).encode("utf-8")

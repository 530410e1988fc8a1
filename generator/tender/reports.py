"""Turn a CheckResult into the formats people and CI read; every function returns text.

text (terminal table), json (the canonical findings, see docs/findings.md), junit (Jenkins/Ant
JUnit XML), sarif (SARIF 2.1.0), github (workflow commands), markdown (the deviation table for a
job summary), and `deviation_letter`, the 偏离表 as a document model for the letter renderers.
"""

import html
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

from generator.clock import known_instant
from generator.errors import Location, escape
from generator.letter.document import Letter, Paragraph, Section, Signature, Table
from generator.locale import Locale, Message, get_locale
from generator.profiles.kinds import canonical
from generator.profiles.models import Profile
from generator.tender.check import (
    CapacityFinding,
    CapacityStatus,
    CheckResult,
    Finding,
    Gate,
    Offer,
)
from generator.tender.findings import worst
from generator.tender.model import Column, Requirement, TenderFile, Verdict
from generator.tender.ruleids import clause_slug
from generator.terminal import format_table, width
from generator.version import __version__

__all__ = [
    "FINDINGS_SCHEMA_ID",
    "REPORT_FORMATS",
    "Row",
    "deviation_letter",
    "deviation_rows",
    "findings_json",
    "github_report",
    "json_report",
    "junit_report",
    "markdown_report",
    "render_report",
    "sarif_log",
    "sarif_report",
    "text_report",
    "verdict_word",
]

FINDINGS_SCHEMA_ID = "aftersales-findings/1"


def report_locale(result: CheckResult, language: str | None = None) -> Locale:
    """The locale a report speaks: `language` (the CLI's --language), else the project's."""
    return get_locale(language or result.profile.project.language)


def verdict_word(verdict: Verdict, tender: TenderFile, locale: Locale) -> str:
    """The one word for a verdict in every format: the tender's own `verdict_words` where it
    sets them (正偏差 …), else the locale's `verdict.*`."""
    own = tender.deviation_table.verdict_words.word(verdict)
    return own if own is not None else locale.verdict(verdict)


def _said(wording: Message | None, locale: Locale) -> str:
    """What the check says (a Message), in the report's language."""
    return "" if wording is None else locale.say(wording)


def _offer(offer: Offer | None, locale: Locale) -> str:
    """A promise as the reports show it: 8小时（其它地区）; 未承诺 when there is none."""
    if offer is None:
        return locale.describe(None)
    return locale.text("report.offer", value=locale.describe(offer.value), context=offer.context)


def _num(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _points(f: Finding) -> str:
    if f.max_points is None:
        return ""
    got = "?" if f.points is None else str(_num(f.points))
    return f"{got}/{_num(f.max_points)}"


# ---------------------------------------------------------------- text


def _score(result: CheckResult, locale: Locale) -> str:
    points, most = _num(result.total_points), _num(result.max_points)
    return locale.text("report.score", points=str(points), max=str(most))


def cited_clause(req: Requirement, say: Locale) -> str:
    """The clause number, with the tender's page when the item records it (import-tender)."""
    if req.page is None:
        return req.clause
    return say.text("report.cited", clause=req.clause, page=req.page)


def text_report(
    result: CheckResult, *, gate: Gate = Gate.DEFAULT, locale: Locale | None = None
) -> str:
    """A table for the terminal (CJK-aware column widths), then failures and suggestions."""
    say = locale or report_locale(result)
    t = result.tender
    # User text (names, clauses) is escaped: a line of its own could be read by CI as a command.
    lines = [escape(say.text("report.title", name=t.name, number=t.number))]
    project = result.profile.project.project_name
    lines.append(escape(say.text("report.project", project=project, site=result.site)))
    columns = ("index", "clause", "marker", "requirement", "response", "deviation", "points")
    header = tuple(say.text(f"report.column.{c}") for c in columns)
    rows = [
        (
            str(f.index),
            cited_clause(f.requirement, say),
            f.requirement.marker or "",
            _said(f.required, say),
            f.answer.response.response if f.answer else _offer(f.offer, say),
            verdict_word(f.verdict, t, say),
            _points(f),
        )
        for f in result.findings
    ]
    # The verdict column fits its longest word (负偏离 is 6 columns, an English verdict more).
    shown = [tuple(escape(cell) for cell in row) for row in rows]
    verdict_width = max([6, *(width(row[5]) for row in shown)])
    lines.append(format_table(header, shown, max_widths=(3, 16, 4, 30, 26, verdict_width, 6)))
    counts = result.counts()
    lines.append("")
    lines.append(
        "  ".join(
            say.text("report.count", word=verdict_word(v, t, say), n=n)
            for v, n in counts.items()
            if n
        )
        + (f"  {_score(result, say)}" if result.max_points else "")
    )
    for f in result.findings:
        if f.verdict in (Verdict.NEGATIVE, Verdict.MISSING, Verdict.NOT_COMPARABLE) or f.suggestion:
            where = f.offer.where if f.offer and f.offer.where else f.requirement_where
            at = f"{where}: " if where else ""
            tip = f" → {_said(f.suggestion, say)}" if f.suggestion else ""
            lines.append(escape(f"{at}[{f.requirement.clause}] {_said(f.reason, say)}{tip}"))
    for c in result.capacity:
        if c.status is not CapacityStatus.WITHIN:
            where = c.offer.where or c.limit_where
            title = say.text("capacity.title", commitment=c.capacity.commitment)
            lines.append(escape(f"{where or ''}: {title}: {_said(c.reason, say)}"))
    failures = result.failures(gate, say)
    lines.append("")
    lines.append(
        say.text("report.passed") if not failures else say.text("report.failed", n=len(failures))
    )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- JSON


def _ids(result: CheckResult) -> list[str]:
    """Rule ids that do not renumber when a requirement is inserted (see tender.ruleids)."""
    return [f.id for f in result.findings]


def _loc(where: Location | None) -> dict[str, Any] | None:
    if where is None:
        return None
    return {"file": where.file, "line": where.line or None, "column": where.col or None}


def _offered(value: object) -> str | bool:
    """A commitment in the JSON findings: yes/no stays a boolean, the rest its canonical text."""
    return value if isinstance(value, bool) else canonical(value)  # type: ignore[arg-type]


def _finding_json(f: Finding, tender: TenderFile, say: Locale, rule_id: str) -> dict[str, Any]:
    req = f.requirement
    return {
        "index": f.index,
        "id": rule_id,
        "clause": req.clause,
        "text": req.text,
        "part": f.part,
        "manual": req.manual,
        "commitment": req.commitment,
        "comparator": req.comparator.value if req.comparator else None,
        "required": canonical(req.threshold) if req.threshold is not None else None,
        "required_zh": _said(f.required, say),
        "scope": req.scope.model_dump(mode="json", exclude_defaults=True),
        "marker": req.marker,
        "substantive": f.substantive,
        "verdict": f.verdict.value,
        "verdict_zh": verdict_word(f.verdict, tender, say),
        "offered": _offered(f.offer.value) if f.offer else None,
        "offered_zh": _offer(f.offer, say) if f.offer else None,
        "offer_context": _said(f.offer.context, say) or None if f.offer else None,
        "response_zh": _said(f.response, say),
        "reason": _said(f.reason, say),
        "reason_en": f.reason_en,
        "points": _num(f.points),
        "max_points": _num(f.max_points),
        "suggestion": _said(f.suggestion, say) if f.suggestion else None,
        "suggestion_en": f.suggestion_en,
        "commitment_location": _loc(f.offer.where if f.offer else None),
        "requirement_location": _loc(f.requirement_where),
        "computed_verdict": f.computed.value if f.computed else None,
        "answer": (
            {
                "response": f.answer.response.response,
                "deviation": f.answer.response.deviation.value,
                "note": f.answer.response.note,
                "location": _loc(f.answer.where),
            }
            if f.answer
            else None
        ),
    }


def _capacity_json(c: CapacityFinding, say: Locale) -> dict[str, Any]:
    a = c.approval
    return {
        "commitment": c.capacity.commitment,
        "limit": str(c.limit),
        "where": c.capacity.where,
        "promised": canonical(c.offer.value),
        "promised_zh": _offer(c.offer, say),
        "status": c.status.value,
        "approval": (
            {
                "value": a.value,
                "approved_by": a.approved_by,
                "date": a.date.isoformat() if a.date else None,
                "reference": a.reference,
            }
            if a
            else None
        ),
        "location": _loc(c.offer.where),
        "limit_location": _loc(c.limit_where),
        "reason": _said(c.reason, say),
        "reason_en": c.reason_en,
    }


def findings_json(result: CheckResult, *, locale: Locale | None = None) -> dict[str, Any]:
    """The canonical findings as plain JSON data (documented in docs/findings.md)."""
    say = locale or report_locale(result)
    t, p = result.tender, result.profile
    return {
        "schema": FINDINGS_SCHEMA_ID,
        "tender": {"name": t.name, "number": t.number, "tenderer": t.tenderer},
        "project": {
            "name": p.project.project_name,
            "company": p.company.name,
            "customer": p.customer,
            "site": result.site,
        },
        "passed": result.passed(),
        "passed_strict": result.passed(Gate.STRICT),
        "passed_stars_only": result.passed(Gate.STARS_ONLY),
        "summary": {
            "counts": {v.value: n for v, n in result.counts().items()},
            "points": _num(result.total_points),
            "max_points": _num(result.max_points),
        },
        "findings": [
            _finding_json(f, t, say, i) for f, i in zip(result.findings, _ids(result), strict=True)
        ],
        "capacity": [_capacity_json(c, say) for c in result.capacity],
        "failures": result.failures(locale=say),
        "failures_strict": result.failures(Gate.STRICT, locale=say),
        "failures_stars_only": result.failures(Gate.STARS_ONLY, locale=say),
        "unanswered": [f.id for f in result.unanswered()],
        "notices": [str(n) for n in result.notices],
    }


def json_report(
    result: CheckResult, *, gate: Gate = Gate.DEFAULT, locale: Locale | None = None
) -> str:
    """The canonical findings, pretty-printed (UTF-8, Chinese kept readable)."""
    del gate  # every gate's outcome is in the document
    data = findings_json(result, locale=locale)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- JUnit XML


def junit_report(
    result: CheckResult, *, gate: Gate = Gate.DEFAULT, locale: Locale | None = None
) -> str:
    """Jenkins/Ant JUnit XML: a test case per requirement and per capacity guardrail.

    Negative deviations and missing responses are failures, not-comparable items are
    skipped; the check's own pass/fail (exit code) stays with `passed()`.
    """
    del gate
    say = locale or report_locale(result)
    suites = ET.Element("testsuites", name="aftersales check")
    t = result.tender
    req_suite = _suite(suites, f"{t.name}" + (f" ({t.number})" if t.number else ""))
    classname = f"tender.{t.number or 'requirements'}"
    for f, rule_id in zip(result.findings, _ids(result), strict=True):
        case = ET.SubElement(
            req_suite,
            "testcase",
            name=f"{rule_id} {f.requirement.clause} {f.requirement.commitment or 'manual'}",
            classname=classname,
            time="0",
        )
        where = f.offer.where if f.offer and f.offer.where else f.requirement_where
        if where is not None:
            case.set("file", where.file)
            if where.line:
                case.set("line", str(where.line))
        word = verdict_word(f.verdict, t, say)
        detail = f"[{word}] {f.requirement.text}\n{_said(f.reason, say)}\n{f.reason_en}"
        if f.suggestion:
            detail += f"\n{_said(f.suggestion, say)}"
        if f.verdict in (Verdict.NEGATIVE, Verdict.MISSING):
            fail = ET.SubElement(
                case, "failure", message=_said(f.reason, say), type=f.verdict.value
            )
            fail.text = detail
        elif f.verdict is Verdict.NOT_COMPARABLE:
            ET.SubElement(case, "skipped", message=_said(f.reason, say))
        else:
            ET.SubElement(case, "system-out").text = detail
    if result.capacity:
        cap_suite = _suite(suites, "capacity guardrails")
        for c in result.capacity:
            case = ET.SubElement(
                cap_suite,
                "testcase",
                name=f"capacity {c.capacity.commitment} {c.capacity.where or 'everywhere'}",
                classname="capacity",
                time="0",
            )
            if c.offer.where is not None:
                case.set("file", c.offer.where.file)
                if c.offer.where.line:
                    case.set("line", str(c.offer.where.line))
            if c.status is CapacityStatus.EXCEEDED:
                ET.SubElement(
                    case, "failure", message=_said(c.reason, say), type="capacity"
                ).text = c.reason_en
            elif c.status is CapacityStatus.NOT_COMPARABLE:
                ET.SubElement(case, "skipped", message=_said(c.reason, say))
            else:
                ET.SubElement(case, "system-out").text = _said(c.reason, say)
    for suite in [suites, *suites.findall("testsuite")]:
        cases = suite.iter("testcase")
        tally = {"tests": 0, "failures": 0, "skipped": 0}
        for case in cases:
            tally["tests"] += 1
            tally["failures"] += case.find("failure") is not None
            tally["skipped"] += case.find("skipped") is not None
        for key, n in tally.items():
            suite.set(key, str(n))
        suite.set("errors", "0")
        suite.set("time", "0")
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    # A line of user text (a tender's words hold line breaks) must not start "::", a workflow
    # command when CI prints the file: its colon as a character reference reads the same.
    body = re.sub(r"(?m)^(\s*):", r"\1&#58;", body)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _suite(parent: ET.Element, name: str) -> ET.Element:
    # The same input gives the same report: the time comes from SOURCE_DATE_EPOCH, not a clock;
    # without it the optional timestamp is left out rather than made up.
    suite = ET.SubElement(parent, "testsuite", name=name, hostname="localhost")
    moment = known_instant(None)
    if moment is not None:
        suite.set("timestamp", moment.replace(tzinfo=None).isoformat())
    return suite


# ---------------------------------------------------------------- SARIF 2.1.0


def _capacity_ids(result: CheckResult) -> list[str]:
    """capacity.<commitment>, with the scope's clause-style slug when the limit has one: by
    what the limit is about, not its position."""
    where = [c.capacity.where for c in result.capacity]
    bases = [
        f"capacity.{c.capacity.commitment}" + (f".{clause_slug(w)}" if w else "")
        for c, w in zip(result.capacity, where, strict=True)
    ]
    seen: dict[str, int] = {}
    out = []
    for base in bases:
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return out


_SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(file: str) -> str:
    return quote(file.replace("\\", "/"), safe="/:._-~")


def _physical(where: Location) -> dict[str, Any]:
    loc: dict[str, Any] = {"artifactLocation": {"uri": _uri(where.file)}}
    if where.line:
        region: dict[str, Any] = {"startLine": where.line}
        if where.col:
            region["startColumn"] = where.col
        loc["region"] = region
    return loc


def _level(f: Finding) -> str:
    if f.verdict in (Verdict.POSITIVE, Verdict.NONE):
        return "none"
    if f.fails():
        return "error"
    return "note" if f.verdict is Verdict.NOT_COMPARABLE else "warning"


def sarif_log(result: CheckResult, *, locale: Locale | None = None) -> dict[str, Any]:
    """The SARIF 2.1.0 log as data: one rule per requirement and per capacity guardrail."""
    say = locale or report_locale(result)
    t = result.tender
    rules: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for f, rule_id in zip(result.findings, _ids(result), strict=True):
        req = f.requirement
        rules.append(
            {
                "id": rule_id,
                "name": f"{req.commitment or 'manual'}",
                "shortDescription": {"text": f"{req.clause} {_said(f.required, say)}"},
                "fullDescription": {"text": req.text},
                "defaultConfiguration": {"level": "error" if f.substantive else "warning"},
                "properties": {
                    "clause": req.clause,
                    "commitment": req.commitment,
                    "marker": req.marker,
                    "substantive": f.substantive,
                },
            }
        )
        level = _level(f)
        entry: dict[str, Any] = {
            "ruleId": rule_id,
            "ruleIndex": len(rules) - 1,
            "kind": "pass" if level == "none" else "review" if level == "note" else "fail",
            "level": level,
            "message": {"text": f"{req.clause} {_said(f.reason, say)} ({f.reason_en})"},
            "properties": {
                "verdict": f.verdict.value,
                "verdict_word": verdict_word(f.verdict, t, say),
                "points": _num(f.points),
            },
        }
        primary = f.offer.where if f.offer and f.offer.where else f.requirement_where
        if primary is not None:
            entry["locations"] = [{"physicalLocation": _physical(primary)}]
        if f.requirement_where is not None and primary is not f.requirement_where:
            entry["relatedLocations"] = [
                {
                    "id": 1,
                    "physicalLocation": _physical(f.requirement_where),
                    "message": {"text": say.text("report.requirement_at", clause=req.clause)},
                }
            ]
        results.append(entry)
    for c, rule_id in zip(result.capacity, _capacity_ids(result), strict=True):
        rules.append(
            {
                "id": rule_id,
                "name": f"capacity {c.capacity.commitment}",
                "shortDescription": {
                    "text": say.text("capacity.title", commitment=c.capacity.commitment)
                    + f" {say.describe(c.limit)}"
                },
                "defaultConfiguration": {"level": "error"},
            }
        )
        failed = c.status is CapacityStatus.EXCEEDED
        entry = {
            "ruleId": rule_id,
            "ruleIndex": len(rules) - 1,
            "kind": "fail" if failed else "pass",
            "level": "error" if failed else "none",
            "message": {"text": f"{_said(c.reason, say)} ({c.reason_en})"},
            "properties": {"status": c.status.value},
        }
        if c.offer.where is not None:
            entry["locations"] = [{"physicalLocation": _physical(c.offer.where)}]
        results.append(entry)
    return {
        "$schema": _SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "aftersales",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/aftersales/",
                        "rules": rules,
                    }
                },
                # One analysis per tender and bid (project, and customer overlay): code
                # scanning keeps the alerts of each apart; upload-sarif's `category` input does
                # not override an id given here.
                "automationDetails": {"id": _analysis_id(result)},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _analysis_id(result: CheckResult) -> str:
    parts = [result.tender.number or result.tender.name, result.profile.project.project_name]
    if result.profile.customer:
        parts.append(result.profile.customer)
    return "aftersales/" + "".join(f"{p.replace('/', '_')}/" for p in parts)


def sarif_report(
    result: CheckResult, *, gate: Gate = Gate.DEFAULT, locale: Locale | None = None
) -> str:
    del gate
    return json.dumps(sarif_log(result, locale=locale), ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- GitHub workflow commands


def _escape_data(text: str) -> str:
    # %0A and %0D first (a newline must not end the command), then every other control or
    # bidi character of a user value shown escaped.
    return escape(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, where: Location | None, title: str, message: str) -> str:
    props = []
    if where is not None:
        props.append(f"file={_escape_property(where.file)}")
        if where.line:
            props.append(f"line={where.line}")
        if where.col:
            props.append(f"col={where.col}")
    props.append(f"title={_escape_property(title)}")
    return f"::{kind} {','.join(props)}::{_escape_data(message)}"


def github_report(
    result: CheckResult, *, gate: Gate = Gate.DEFAULT, locale: Locale | None = None
) -> str:
    """GitHub Actions workflow commands: errors for what fails the check, warnings for the rest
    of the deviations, notices for approved capacity overruns."""
    say = locale or report_locale(result)
    lines = []
    for f in result.findings:
        if f.verdict in (Verdict.POSITIVE, Verdict.NONE):
            continue
        kind = "error" if f.fails(gate) else "warning"
        where = f.offer.where if f.offer and f.offer.where else f.requirement_where
        title = f"{f.requirement.clause} {verdict_word(f.verdict, result.tender, say)}"
        tip = f" → {_said(f.suggestion, say)}" if f.suggestion else ""
        lines.append(_command(kind, where, title, f"{_said(f.reason, say)}{tip} ({f.reason_en})"))
    for c in result.capacity:
        if c.status is CapacityStatus.WITHIN:
            continue
        kind = {"exceeded": "error", "approved": "notice"}.get(c.status.value, "warning")
        title = say.text("capacity.title", commitment=c.capacity.commitment)
        lines.append(
            _command(kind, c.offer.where, title, f"{_said(c.reason, say)} ({c.reason_en})")
        )
    return "".join(line + "\n" for line in lines)


# ---------------------------------------------------------------- deviation table


@dataclass(frozen=True)
class Row:
    """One row of the 偏离表: one tender clause, with every check it holds."""

    findings: tuple[Finding, ...]

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def verdict(self) -> Verdict:
        """The worst verdict of the clause's checks (a bidder's answer included)."""
        return worst([f.verdict for f in self.findings])

    def response(self, say: Locale) -> str:
        """投标响应: the bidder's answer, else what the commitments promise, one per check."""
        if self.first.answer is not None:
            return self.first.answer.response.response
        return say.text("deviation.joined", parts=[_said(f.response, say) for f in self.findings])

    def note(self, say: Locale) -> str:
        """说明: the bidder's note, else how the promise stands (never advice to the user:
        an undecided check says nothing here)."""
        if self.first.answer is not None:
            return self.first.answer.response.note or ""
        notes = [
            _said(f.reason, say) for f in self.findings if f.verdict is not Verdict.NOT_COMPARABLE
        ]
        return say.text("deviation.joined", parts=notes)


def table_rows(findings: Sequence[Finding]) -> list[Row]:
    """The findings grouped by clause (a compound clause's checks share one row), in order."""
    rows: dict[int, list[Finding]] = {}
    for f in findings:
        rows.setdefault(f.index, []).append(f)
    return [Row(tuple(group)) for group in rows.values()]


def deviation_rows(
    findings: Sequence[Finding], tender: TenderFile, locale: Locale | None = None
) -> tuple[tuple[str, ...], list[tuple[str, ...]], list[Row]]:
    """Header, rows and the clauses behind them, as the tender's column set asks; headings
    are the tender's own labels when it lists its columns, else the locale's. Every tender
    requirement is one row (with `rows: all`), whatever number of checks it holds."""
    say = locale or get_locale()
    spec = tender.deviation_table
    chosen = [
        r for r in table_rows(findings) if spec.rows == "all" or r.verdict is not Verdict.NONE
    ]
    cells: dict[Column, Callable[[int, Row], str]] = {
        Column.INDEX: lambda n, r: str(n),
        Column.CLAUSE: lambda n, r: cited_clause(r.first.requirement, say),
        Column.REQUIREMENT: lambda n, r: r.first.requirement.text,
        Column.RESPONSE: lambda n, r: r.response(say),
        Column.DEVIATION: lambda n, r: verdict_word(r.verdict, tender, say),
        Column.NOTE: lambda n, r: r.note(say),
        Column.MARKER: lambda n, r: r.first.requirement.marker or "",
        Column.POINTS: lambda n, r: _row_points(r),
    }
    words = column_words(tender, say)
    header = tuple(
        c.label or say.text(f"deviation.column.{c.key.value}", **words) for c in spec.columns
    )
    rows = [tuple(cells[c.key](n, r) for c in spec.columns) for n, r in enumerate(chosen, start=1)]
    return header, rows, chosen


def _row_points(row: Row) -> str:
    scored = [f for f in row.findings if f.max_points is not None]
    if not scored:
        return ""
    if len(scored) == 1:
        return _points(scored[0])
    most = sum((f.max_points or Decimal(0) for f in scored), Decimal(0))
    if any(f.points is None for f in scored):
        return f"?/{_num(most)}"
    got = sum((f.points or Decimal(0) for f in scored), Decimal(0))
    return f"{_num(got)}/{_num(most)}"


def table_title(tender: TenderFile, locale: Locale) -> str:
    """The deviation table's title: the tender's own, else the locale's."""
    spec = tender.deviation_table
    return spec.title or locale.text("deviation.title")


def _md(text: str) -> str:
    """User text for a Markdown table cell or line: no raw HTML (`<script>` is shown, not
    run), no line break that ends the table, control and bidi characters shown escaped."""
    text = html.escape(text, quote=False).replace("\\", "\\\\").replace("|", "\\|")
    return escape(text.replace("\r\n", "\n").replace("\n", "<br>"))


markdown_cell = _md
"""User text for a Markdown table cell (other reports, e.g. `aftersales diff`, use it too)."""


def markdown_report(
    result: CheckResult, *, gate: Gate = Gate.DEFAULT, locale: Locale | None = None
) -> str:
    """The deviation table and the guardrails in GitHub-flavoured Markdown (job summary)."""
    say = locale or report_locale(result)
    t = result.tender
    header, rows, _ = deviation_rows(result.findings, t, say)
    ok = result.passed(gate)
    title, name = _md(table_title(t, say)), _md(t.name)
    out = [say.text("report.markdown.heading", title=title, name=name), ""]
    verdict = say.text("report.markdown.passed" if ok else "report.markdown.failed")
    project = say.text("report.markdown.project", project=_md(result.profile.project.project_name))
    out.append(
        f"**{verdict}** · {project}" + (f" · {_score(result, say)}" if result.max_points else "")
    )
    out.append("")
    out.append("| " + " | ".join(_md(h) for h in header) + " |")
    out.append("|" + "|".join("---" for _ in header) + "|")
    out.extend("| " + " | ".join(_md(c) for c in row) + " |" for row in rows)
    if statement := closing_statement(t, say):
        out += ["", statement]
    suggestions = [f for f in result.findings if f.suggestion]
    if suggestions:
        out += ["", say.text("report.markdown.suggestions"), ""]
        out.extend(
            say.text(
                "report.markdown.suggestion",
                clause=_md(f.requirement.clause),
                suggestion=_md(_said(f.suggestion, say)),
            )
            for f in suggestions
        )
    if result.capacity:
        columns = ("commitment", "promised", "limit", "status")
        labels = " | ".join(say.text(f"capacity.column.{c}") for c in columns)
        out += ["", say.text("report.markdown.capacity"), "", f"| {labels} |", "|---|---|---|---|"]
        out.extend(
            f"| {_md(c.capacity.commitment)} | {_md(_offer(c.offer, say))} | "
            f"{_md(say.describe(c.limit))} | {say.text(f'capacity.status.{c.status.value}')} |"
            for c in result.capacity
        )
    failures = result.failures(gate, say)
    if failures:
        out += ["", say.text("report.markdown.failures"), ""]
        out.extend(f"- {_md(line)}" for line in failures)
    return "\n".join(out) + "\n"


def closing_statement(tender: TenderFile, locale: Locale | None = None) -> str | None:
    """The row under the deviation table: the tender's own, or the usual one for its method."""
    say = locale or get_locale()
    spec = tender.deviation_table
    if spec.omit_statement:
        return None
    solicitation = say.vocabulary(tender.method).solicitation
    return spec.statement or say.text("deviation.statement", solicitation=solicitation)


def column_words(tender: TenderFile, say: Locale) -> dict[str, str]:
    """The procurement method's words the 偏离表's default column labels are made of
    (招标文件条目号 / 磋商文件条目号, 投标人响应 / 供应商响应): one vocabulary with the letter."""
    words = say.vocabulary(tender.method)
    return {"solicitation": words.solicitation, "bidder": words.bidder}


def in_own_voice(text: str, profile: Profile, say: Locale) -> str:
    """A tender's prescribed sentence (the statement under the 偏离表: 我方完全响应…) with the
    bidder's own 自称, so the table names the company as its letter does (SELF in
    `_words.j2`; an English letter's "we" leaves a Chinese statement as written)."""
    selves = say.words().get("SELF", {})
    we = selves.get(profile.company.self_reference.value)
    if not we or we.isascii():
        return text
    others = {w for pair in selves.items() for w in pair if w != we}
    for other in sorted(others, key=len, reverse=True):
        text = text.replace(other, we)
    return text


def deviation_letter(
    findings: Sequence[Finding],
    profile: Profile,
    tender: TenderFile,
    *,
    signature: Signature | None = None,
    asset_dirs: tuple[Path, ...] = (),
    language: str | None = None,
) -> Letter:
    """The 偏离表 as a Letter (one untitled section holding the table) for the renderers.

    `signature` is the letter's own signature block, so table and letter are signed alike;
    without one, the letter's is composed from the profile. `language` overrides the
    project's `language:`.
    """
    from generator.letter.compose import compose

    say = get_locale(language or profile.project.language)
    header, rows, _ = deviation_rows(findings, tender, say)
    words = say.vocabulary(tender.method)
    if signature is None:
        signature = compose(profile, asset_dirs=asset_dirs, language=say.name).signature
    project = profile.project
    # Millimetres of the 157 mm A4 text width at 五号 (3.7 mm a character, 3.6 mm cell padding):
    # 序号 stays on one line, 偏离情况 and the clause column hold exactly four characters a line
    # (招标文件/条目号, 第五章/6.2(1)), and the requirement gets the room that is left.
    widths = {
        Column.INDEX: 12,
        Column.CLAUSE: 20,
        Column.REQUIREMENT: 45,
        Column.RESPONSE: 28,
        Column.DEVIATION: 20,
        Column.NOTE: 32,
        Column.MARKER: 12,
        Column.POINTS: 14,
    }
    table = Table(
        caption="",  # the document title names the table
        header=header,
        rows=tuple(rows),
        widths=tuple(widths[c.key] for c in tender.deviation_table.columns),
    )
    opening = [Paragraph(say.text("deviation.project", name=tender.name))]
    if tender.number:
        opening.append(
            Paragraph(say.text("deviation.number", label=words.number_label, number=tender.number))
        )
    statement = closing_statement(tender, say)
    closing = (Paragraph(in_own_voice(statement, profile, say)),) if statement else ()
    title = table_title(tender, say)
    return Letter(
        title=title,
        addressee=say.text(
            "deviation.addressee", name=tender.tenderer or project.tenderer, buyer=words.buyer
        ),
        opening=tuple(opening),
        sections=(Section(number="", title="", level=1, blocks=(table,)),),
        closing=closing,
        signature=signature,
        header_text=" ".join(x for x in (tender.name, tender.number) if x),
        meta_title=say.text("deviation.meta_title", title=title, name=tender.name),
        meta_author=profile.company.name,
        meta_subject=title,
        date=project.date,
        language=say.name,
        asset_dirs=asset_dirs,
    )


REPORT_FORMATS: dict[str, Callable[..., str]] = {
    "text": text_report,
    "json": json_report,
    "junit": junit_report,
    "sarif": sarif_report,
    "github": github_report,
    "markdown": markdown_report,
}


def render_report(
    result: CheckResult, fmt: str, *, gate: Gate = Gate.DEFAULT, language: str | None = None
) -> str:
    """The report in `fmt` (one of REPORT_FORMATS), in `language` (else the project's
    `language:`); `gate` decides which findings the report calls failures."""
    return REPORT_FORMATS[fmt](result, gate=gate, locale=report_locale(result, language))

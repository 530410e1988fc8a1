"""Reports of a check: each format validated against its schema, and the deviation table in DOCX
and PDF agreeing with the JSON findings row by row."""

import io
import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
from documents import shown
from docx import Document as DocxDocument
from lxml import etree

from conftest import check_example, example, tender_path
from generator.letter.document import Table
from generator.profiles.loading import load_file, load_profile
from generator.render.docxfile import render_docx
from generator.render.pdffile import render_pdf
from generator.tender.check import CheckResult, Gate, check
from generator.tender.loading import FILE_MODELS
from generator.tender.model import TenderFile
from generator.tender.reports import (
    deviation_letter,
    deviation_rows,
    findings_json,
    github_report,
    json_report,
    junit_report,
    markdown_report,
    sarif_log,
    sarif_report,
    text_report,
)
from generator.tender.ruleids import clause_slug

SCHEMAS = Path(__file__).resolve().parent / "schemas"
PAIRS = [
    ("highway-monitoring", "ex2-highway-monitoring"),
    ("medical-ultrasound", "ex1-weighing"),
    ("elevator", "ex4-lightbox-signage"),
    ("office-supply", "ex3-trading-supply"),
]


def run(tender_name: str, example: str) -> CheckResult:
    return check_example(tender_name, example)


@pytest.fixture(scope="module", params=PAIRS, ids=[p[0] for p in PAIRS])
def result(request: pytest.FixtureRequest) -> CheckResult:
    tender_name, example = request.param
    return run(tender_name, example)


@pytest.fixture(scope="module")
def medical() -> CheckResult:
    return run("medical-ultrasound", "ex1-weighing")


# ---------------------------------------------------------------- JSON


def test_json_validates_against_the_documented_schema(result: CheckResult) -> None:
    schema = json.loads((SCHEMAS / "findings.schema.json").read_text(encoding="utf-8"))
    data = json.loads(json_report(result))
    jsonschema.validate(data, schema)
    assert data["passed"] is result.passed()
    assert len({f["index"] for f in data["findings"]}) == len(result.tender.requirements)
    assert sum(data["summary"]["counts"].values()) == len(data["findings"])


def test_json_carries_verdicts_and_locations(medical: CheckResult) -> None:
    data = findings_json(medical)
    first = data["findings"][0]
    assert first["verdict"] == "negative" and first["verdict_zh"] == "负偏差"
    assert first["required"] == "3 years" and first["offered"] == "18 months"
    assert first["commitment_location"]["file"].endswith("ex1-weighing/company.yaml")
    assert first["requirement_location"]["line"] > 1
    assert data["failures"] and data["passed"] is False


# ---------------------------------------------------------------- JUnit


def test_junit_validates_against_the_xsd(result: CheckResult) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit.xsd")))
    tree = etree.fromstring(junit_report(result).encode("utf-8"))
    schema.assertValid(tree)
    cases = tree.findall(".//testcase")
    assert len(cases) == len(result.findings) + len(result.capacity)
    assert int(tree.get("tests")) == len(cases)


def test_junit_marks_negatives_and_missing_as_failures(medical: CheckResult) -> None:
    tree = etree.fromstring(junit_report(medical).encode("utf-8"))
    failures = tree.findall(".//testcase/failure")
    assert [f.get("type") for f in failures] == [
        "negative",
        "negative",
        "missing",
        "negative",
        "negative",
        "missing",
        "missing",
        "negative",
    ]
    assert tree.get("failures") == "8"
    first = tree.find(".//testcase")
    assert first is not None and first.get("line") is not None


def test_junit_skips_not_comparable_items() -> None:
    # ex3 answers the 不可比 item 2.1 in its responses; without that answer it is skipped
    resolved = load_profile(example("ex3"), sets=["responses[clause=第六章 2.1]=~remove"])
    _, tender, _ = load_file(tender_path("office-supply"), FILE_MODELS)
    assert isinstance(tender, TenderFile)
    tree = etree.fromstring(junit_report(check(resolved, tender)).encode())
    skipped = tree.findall(".//testcase/skipped")
    assert len(skipped) == 1 and "无法比较" in (skipped[0].get("message") or "")


# ---------------------------------------------------------------- SARIF


def test_sarif_validates_against_the_schema(result: CheckResult) -> None:
    schema = json.loads((SCHEMAS / "sarif-2.1.0-subset.schema.json").read_text(encoding="utf-8"))
    log = json.loads(sarif_report(result))
    jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    ).validate(log)
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    for entry in run_["results"]:
        assert rules[entry["ruleIndex"]]["id"] == entry["ruleId"]


def test_sarif_has_one_rule_per_requirement_and_points_at_yaml_lines(medical: CheckResult) -> None:
    log = sarif_log(medical)
    results = log["runs"][0]["results"]
    req_results = results[: len(medical.findings)]
    # Ids come from clause and commitment (tender.ruleids), so inserting an item renumbers none.
    assert [r["ruleId"] for r in req_results] == [
        f"{clause_slug(f.requirement.clause)}-{f.requirement.commitment}" for f in medical.findings
    ]
    assert [r["level"] for r in req_results[:4]] == ["error", "error", "error", "error"]
    assert req_results[4]["level"] == "error"  # 第三章 四、5: 72小时 from the report > 48小时
    assert req_results[7]["kind"] == "pass" and req_results[7]["level"] == "none"
    assert req_results[8]["level"] == "error"  # a non-substantive negative fails too
    location = req_results[0]["locations"][0]["physicalLocation"]
    uri, line = location["artifactLocation"]["uri"], location["region"]["startLine"]
    text = (Path.cwd() / uri).read_text(encoding="utf-8").splitlines()[line - 1]
    assert "period: 18 months" in text
    related = req_results[0]["relatedLocations"][0]["physicalLocation"]
    tender_line = (
        (Path.cwd() / related["artifactLocation"]["uri"])
        .read_text(encoding="utf-8")
        .splitlines()[related["region"]["startLine"] - 1]
    )
    assert "3 years" in tender_line


# ---------------------------------------------------------------- GitHub, Markdown, text


def test_github_annotations(medical: CheckResult) -> None:
    lines = github_report(medical).splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(errors) == 8 and not warnings  # every negative or missing item fails
    assert re.match(
        r"::error file=[^,]+company\.yaml,line=45,col=13,title=第三章 四、1 负偏差::", errors[0]
    )
    # "%" in data and ":" / "," in properties are escaped as the runner expects
    assert any("95%25" in e for e in errors)
    stars = github_report(medical, gate=Gate.STARS_ONLY).splitlines()
    # the non-★ failures (四、5 ▲, 6, 7, 9) are warnings under the ★-only gate
    assert sum(line.startswith("::error ") for line in stars) == 4
    assert sum(line.startswith("::warning ") for line in stars) == 4


def test_github_escapes_properties_and_data() -> None:
    res = run("highway-monitoring", "ex2-highway-monitoring")
    assert github_report(res) == ""  # everything answered
    resolved = load_profile(example("ex2"), sets=["responses[clause=第五章 6.5]=~remove"])
    (line,) = github_report(check(resolved, res.tender)).splitlines()  # the ▲ inspection item
    assert line.startswith("::error title=第五章 6.5 未响应::")  # fails the default gate
    odd = res.tender.requirements[6].model_copy(update={"clause": "6.5: a,b"})
    tender = res.tender.model_copy(update={"requirements": [odd]})
    out = github_report(check(resolved, tender))
    assert "title=6.5%3A a%2Cb 未响应::" in out


def test_markdown_is_the_deviation_table(medical: CheckResult) -> None:
    md = markdown_report(medical)
    _, rows, _ = deviation_rows(medical.findings, medical.tender)
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert table[0] == "| 序号 | 招标文件条目号 | 招标文件要求 | 投标文件应答 | 偏差 | 说明 |"
    assert medical.capacity == () and len(table) == 1 + len(rows)
    assert "除本表所列偏差外，完全响应招标文件要求。" in md
    assert "❌ 检查未通过" in md and "得分 0/10" in md


def test_text_report_lines_up_chinese_columns(medical: CheckResult) -> None:
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    out = text_report(medical).splitlines()
    rule = next(i for i, line in enumerate(out) if line.startswith("--"))
    starts = [m.start() for m in re.finditer(r"-+", out[rule])]
    for line in out[rule + 1 : rule + 12]:
        # each cell starts where the rule's dashes start, counted in display columns
        offsets = [width(line[:i]) for i in range(len(line) + 1)]
        verdict_col = starts[5]
        assert any(
            line[i : i + 3] in ("负偏差", "正偏差", "无偏差", "未响应")
            for i, o in enumerate(offsets[:-1])
            if o == verdict_col
        ), line
    assert "检查未通过 (failed): 8 项" in out[-1]


# ---------------------------------------------------------------- the deviation table document


@pytest.fixture(scope="module")
def letter_files(medical: CheckResult) -> tuple[bytes, bytes]:
    letter = deviation_letter(medical.findings, medical.profile, medical.tender)
    return render_docx(letter), render_pdf(letter)


def test_deviation_letter_model(medical: CheckResult) -> None:
    letter = deviation_letter(medical.findings, medical.profile, medical.tender)
    assert letter.title == "售后服务条款偏离表"
    (section,) = letter.sections
    (table,) = section.blocks
    assert isinstance(table, Table)
    data = findings_json(medical)["findings"]
    assert table.header == (
        "序号",
        "招标文件条目号",
        "招标文件要求",
        "投标文件应答",
        "偏差",
        "说明",
    )
    for row, finding in zip(table.rows, data, strict=True):
        assert row == (
            str(finding["index"]),
            finding["clause"],
            finding["text"],
            finding["response_zh"],
            finding["verdict_zh"],
            finding["reason"],
        )
    assert letter.closing[0].text == "除本表所列偏差外，完全响应招标文件要求。"
    assert letter.signature.company_label == "投标人（盖章）"


def test_deviation_rows_can_list_only_deviations(medical: CheckResult) -> None:
    only = medical.tender.model_copy(
        update={
            "deviation_table": medical.tender.deviation_table.model_copy(
                update={"rows": "deviations"}
            )
        }
    )
    _, rows, chosen = deviation_rows(medical.findings, only)
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    assert all(f.verdict.value != "none" for f in chosen) and len(rows) == 9


@pytest.mark.slow
def test_deviation_table_docx_agrees_with_json(
    medical: CheckResult, letter_files: tuple[bytes, bytes]
) -> None:
    doc = DocxDocument(io.BytesIO(letter_files[0]))
    (table,) = doc.tables
    cells = [tuple(shown(c.text) for c in row.cells) for row in table.rows]
    data = findings_json(medical)["findings"]
    assert cells[0][4] == "偏差"
    assert [(r[1], r[4], r[5]) for r in cells[1:]] == [
        (f["clause"], f["verdict_zh"], f["reason"]) for f in data
    ]


@pytest.mark.slow
def test_deviation_table_pdf_agrees_with_json(
    medical: CheckResult, letter_files: tuple[bytes, bytes], tmp_path: Path
) -> None:
    pdf = tmp_path / "table.pdf"
    pdf.write_bytes(letter_files[1])
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    data = findings_json(medical)["findings"]
    for f in data:
        assert all(part in flat for part in f["clause"].split()), f["clause"]
    # Cells wrap, but rows come out top to bottom: the verdict column read down the pages
    # must be the JSON findings' verdicts in order.
    words = re.findall(r"正偏差|无偏差|负偏差|未响应|不可比", flat)
    assert words == [f["verdict_zh"] for f in data]
    assert "除本表所列偏差外，完全响应招标文件要求。" in flat


def test_default_column_labels_speak_the_tenders_procurement_method() -> None:
    """A 磋商 tender's 偏离表 says 磋商文件 and 供应商 in its headings, as its letter does; a 招标
    one 招标文件 and 投标人. A tender's own labels still win (ex8's tender)."""
    from generator.locale import get_locale
    from generator.profiles.models import ProcurementMethod

    result = check_example("highway-monitoring", "ex2")
    say = get_locale("zh-Hans")
    header, _, _ = deviation_rows(result.findings, result.tender, say)
    assert "招标文件条目号" in header and "招标文件要求" in header and "投标人响应" in header
    tender = result.tender.model_copy(update={"method": ProcurementMethod.CONSULTATION})
    header, _, _ = deviation_rows(result.findings, tender, say)
    assert "磋商文件条目号" in header and "磋商文件要求" in header and "供应商响应" in header
    assert not any("招标" in h or "投标" in h for h in header), header

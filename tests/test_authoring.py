"""Writing a tender file and using the check's results: `aftersales paths`, the schemas that
enumerate the paths, the starter tender, the xlsx/csv sheet, and CI rule ids that survive an
inserted requirement."""

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
from ruamel.yaml import YAML

from conftest import PROFILES, example, invoke, run, tender_path
from generator.profiles.loading import load_any
from generator.profiles.models import commitment_paths
from generator.tender.comparators import COMPARATORS
from generator.tender.loading import FILE_MODELS
from generator.tender.model import TenderFile
from generator.tender.ruleids import clause_slug

STARTER_TENDER = PROFILES / "starter" / "tender.yaml"
EX2 = example("ex2")
HIGHWAY = tender_path("highway-monitoring")
MEDICAL = tender_path("medical-ultrasound")


def _accepted(path: str) -> list[str]:
    info = commitment_paths()[path]
    return [name for name, c in COMPARATORS.items() if c.problem(info) is None]


# ---------------------------------------------------------------- aftersales paths


def test_paths_json_lists_every_path_with_its_term_kind_and_comparators() -> None:
    code, out, _ = run("paths", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    table = commitment_paths()
    assert [r["path"] for r in rows] == list(table)
    for r in rows:
        info = table[r["path"]]
        assert r["term"] == info.label and r["kind"] == info.kind.name
        assert r["better"] == info.better.value and r["unit"] == info.unit
        assert r["comparators"] == _accepted(r["path"])
    by_path = {r["path"]: r for r in rows}
    assert by_path["warranty.period"] == {
        "path": "warranty.period",
        "term": "质保期",
        "kind": "duration",
        "unit": "calendar",
        "better": "larger",
        "comparators": ["at_least", "equals", "required"],
        "lookup": "components",
        "values": [],
    }
    assert by_path["response.arrive"]["lookup"] == "tiers"
    assert by_path["response.arrive"]["comparators"][0] == "at_most"
    assert by_path["training.free"]["comparators"] == ["required"]
    assert "cost" in by_path["spare_parts.price_basis"]["values"]


def test_paths_text_and_markdown_hold_one_row_per_path() -> None:
    table = commitment_paths()
    code, text, _ = run("paths")
    assert code == 0
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["path", "term", "kind", "unit"]
    assert len(lines) == 2 + len(table)  # header, rule, one line a path
    arrive = next(line for line in lines if line.startswith("response.arrive"))
    assert "到场时间" in arrive and "[tiers]" in arrive and "at_most" in arrive
    code, md, _ = run("paths", "--format", "markdown")
    assert code == 0
    rows = [line for line in md.splitlines() if line.startswith("| `")]
    assert [re.match(r"\| `([a-z_.]+)", r)[1] for r in rows] == list(table)  # type: ignore[index]
    assert md.splitlines()[1].count("---") == 7


def test_paths_refuses_an_unknown_format() -> None:
    code, _, err = run("paths", "--format", "yaml")
    assert code == 2 and "yaml" in err


# ---------------------------------------------------------------- schemas


def _commitment_enums(node: Any) -> list[list[str]]:
    found: list[list[str]] = []
    if isinstance(node, dict):
        prop = node.get("properties", {}).get("commitment")
        if isinstance(prop, dict):
            options = [prop, *prop.get("anyOf", [])]
            found.extend(o["enum"] for o in options if "enum" in o)
        for key, value in node.items():
            if key != "allOf":  # the tender's per-path comparators (tested below)
                found.extend(_commitment_enums(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_commitment_enums(item))
    return found


@pytest.mark.parametrize("kind", ["company", "project", "overlay", "tender"])
def test_every_commitment_field_of_every_schema_enumerates_the_path_table(kind: str) -> None:
    schema = json.loads(run("schema", kind)[1])
    enums = _commitment_enums(schema)
    assert enums, f"no commitment field in the {kind} schema"
    assert all(e == list(commitment_paths()) for e in enums)


def test_the_tender_schema_offers_each_path_its_comparators() -> None:
    schema = json.loads(run("schema", "tender")[1])
    requirement = schema["definitions"]["Requirement"]
    commitment = requirement["properties"]["commitment"]
    # The path's string schema, also when the field may be left out (a manual item).
    (text,) = [o for o in [commitment, *commitment.get("anyOf", [])] if "enum" in o]
    described = text["enumDescriptions"]
    assert described[list(commitment_paths()).index("warranty.period")].startswith("质保期")
    offered: dict[str, list[str]] = {}
    for rule in requirement["allOf"]:
        names = rule["then"]["properties"]["comparator"]["enum"]
        for path in rule["if"]["properties"]["commitment"]["enum"]:
            assert path not in offered
            offered[path] = names
    assert set(offered) == set(commitment_paths())
    for path, names in offered.items():
        assert [n for n in names if n in COMPARATORS] == _accepted(path)
    assert "不少于" in offered["warranty.period"] and "不超过" not in offered["warranty.period"]


def test_the_tender_schema_rejects_what_the_tender_model_rejects() -> None:
    validator = jsonschema.Draft7Validator(json.loads(run("schema", "tender")[1]))

    def tender(**item: str) -> dict[str, Any]:
        base = {"clause": "1", "text": "要求", "value": "3年"}
        return {"kind": "tender", "name": "x", "requirements": [{**base, **item}]}

    assert validator.is_valid(tender(commitment="warranty.period", comparator="不少于"))
    assert not validator.is_valid(tender(commitment="warranty.period", comparator="at_most"))
    assert not validator.is_valid(tender(commitment="warranty.perod", comparator="at_least"))


# ---------------------------------------------------------------- the starter tender


def test_starter_tender_validates_and_checks() -> None:
    kind, model = load_any(STARTER_TENDER, FILE_MODELS)
    assert kind == "tender" and isinstance(model, TenderFile)
    code, _, err = run("validate", STARTER_TENDER)
    assert code == 0, err
    schema = json.loads(run("schema", "tender")[1])
    # As an editor reads it (YAML 1.2 typing: true is a boolean).
    data = YAML(typ="safe", pure=True).load(STARTER_TENDER.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(json.loads(json.dumps(data, default=str)))
    code, _, err = run("check", PROFILES / "starter" / "project.yaml", "--tender", STARTER_TENDER)
    assert code in (0, 1), err  # a verdict, not an input error


def test_starter_tender_shows_every_key_of_the_tender_format(tmp_path: Path) -> None:
    text = STARTER_TENDER.read_text(encoding="utf-8")
    keys = {"kind", "name", "number", "tenderer", "method", "site", "markers", "meaning"}
    keys |= {"substantive", "working_day_hours", "requirements", "clause", "text"}
    keys |= {"commitment", "comparator", "value", "scope", "component", "region", "areas"}
    keys |= {"severity", "time", "marker", "scoring", "tiers", "points", "step"}
    keys |= {"points_per_step", "base", "max", "id", "deviation_table", "title", "columns"}
    keys |= {"key", "label", "rows", "verdict_words", "statement", "omit_statement"}
    missing = sorted(k for k in keys if not re.search(rf"(^|[\s#{{-]){k}:", text, re.M))
    assert not missing
    # The commented-out example (scoring.base) is valid when switched on.
    switched = re.sub(r"^(\s*)# (base: .*)$", r"\1\2", text, flags=re.M)
    assert switched != text
    (tmp_path / "tender.yaml").write_text(switched, encoding="utf-8")
    assert run("validate", tmp_path / "tender.yaml")[0] == 0


# ---------------------------------------------------------------- xlsx and csv


def _findings(*extra: str) -> dict[str, Any]:
    code, out, err = run("check", EX2, "--tender", HIGHWAY, "--format", "json", *extra)
    assert code in (0, 1), err
    data: dict[str, Any] = json.loads(out)
    return data


def _expected_rows(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    rows = []
    for f in data["findings"]:
        where = f["commitment_location"] or f["requirement_location"]
        note = f["reason"] + (f" → {f['suggestion']}" if f["suggestion"] else "")
        rows.append(
            (
                f["index"],
                f["clause"],
                f["marker"] or None,
                f["text"],
                f["response_zh"],
                f["verdict_zh"],
                f["points"],
                note,
                f"{where['file']}:{where['line']}",
            )
        )
    return rows


def test_xlsx_holds_the_json_findings_row_by_row(tmp_path: Path) -> None:
    out = tmp_path / "check.xlsx"
    code, _, err = run("check", EX2, "--tender", HIGHWAY, "--format", "xlsx", "-o", out)
    assert code in (0, 1), err
    book = openpyxl.load_workbook(out)
    sheet = book.active
    assert sheet is not None and sheet.title == "售后服务偏离表"
    cells = list(sheet.iter_rows(values_only=True))
    header = ("序号", "招标文件条目号", "标记", "招标文件要求", "投标人响应", "偏离情况", "得分")
    assert cells[0] == (*header, "说明", "出处")
    assert cells[1:] == _expected_rows(_findings())
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:I{len(cells)}"
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFGHI"]
    assert widths[3] > 40 and widths[0] < 12  # 招标文件要求 wide, 序号 narrow
    assert isinstance(cells[1][6], int | float)  # 得分 sorts as a number
    # The company's capacity limits on a second sheet, as the JSON has them.
    assert book.sheetnames == ["售后服务偏离表", "能力上限"]
    capacity = list(book["能力上限"].iter_rows(values_only=True))
    assert capacity[0] == ("承诺项", "承诺", "上限", "结论", "说明", "出处")
    data = _findings()
    assert [(r[0], r[4]) for r in capacity[1:]] == [
        (c["commitment"], c["reason"]) for c in data["capacity"]
    ]
    assert [r[5] for r in capacity[1:]] == [
        f"{c['location']['file']}:{c['location']['line']}" for c in data["capacity"]
    ]
    assert book["能力上限"].freeze_panes == "A2"


def test_xlsx_is_the_same_bytes_for_the_same_input_and_speaks_the_report_language(
    tmp_path: Path,
) -> None:
    a, b, en = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "en.xlsx"
    for out in (a, b):
        run("check", EX2, "--tender", HIGHWAY, "--format", "xlsx", "-o", out)
    assert a.read_bytes() == b.read_bytes()
    run("check", EX2, "--tender", HIGHWAY, "--format", "xlsx", "--language", "en", "-o", en)
    sheet = openpyxl.load_workbook(en).active
    assert sheet is not None
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    assert header[0] == "No." and header[-1] == "Source"
    data = _findings("--language", "en")
    assert [r[5] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        f["verdict_zh"] for f in data["findings"]
    ]


def test_a_tenders_own_column_labels_head_the_sheet(tmp_path: Path) -> None:
    out = tmp_path / "starter.xlsx"
    starter = PROFILES / "starter" / "project.yaml"
    run("check", starter, "--tender", STARTER_TENDER, "--format", "xlsx", "-o", out)
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None and sheet.title == "商务条款偏离表"
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    assert header[3] == "招标文件要求" and header[2] == "标记"  # its own, and the language's


def test_csv_holds_the_same_rows_as_the_sheet() -> None:
    code, out, _ = run("check", EX2, "--tender", HIGHWAY, "--format", "csv")
    assert code in (0, 1)
    assert out.startswith("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    assert rows[0][0] == "序号" and rows[0][-1] == "出处"
    expected = [["" if c is None else str(c) for c in row] for row in _expected_rows(_findings())]
    assert rows[1:] == expected


@pytest.mark.slow
def test_xlsx_to_a_terminal_needs_o_but_a_pipe_is_fine() -> None:
    import pty

    cmd = [sys.executable, "-m", "cli", "check", str(EX2), "--tender", str(HIGHWAY)]
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "NO_COLOR": "1"}
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [*cmd, "--format", "xlsx"], stdout=follower, stderr=subprocess.PIPE, cwd=root, env=env
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2 and b"-o FILE.xlsx" in done.stderr
    piped = subprocess.run([*cmd, "--format", "xlsx"], capture_output=True, cwd=root, env=env)
    assert piped.returncode in (0, 1) and piped.stdout[:2] == b"PK"  # a zip: the workbook


# ---------------------------------------------------------------- rule ids


def _ids(tender: Path, tmp_path: Path) -> dict[str, dict[str, str]]:
    """Per clause: the SARIF rule id, the JUnit test name's id and the JSON id."""
    out: dict[str, dict[str, str]] = {}
    sarif = json.loads(run("check", EX2, "--tender", tender, "--format", "sarif")[1])
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        if "clause" in rule.get("properties", {}):
            out.setdefault(rule["properties"]["clause"], {})["sarif"] = rule["id"]
    junit = run("check", EX2, "--tender", tender, "--format", "junit")[1]
    for name in re.findall(r'testcase name="([^"]+)" classname="tender', junit):
        rule_id, clause = name.split(" ", 1)
        clause = clause.rsplit(" ", 1)[0]
        out.setdefault(clause, {})["junit"] = rule_id
    data = json.loads(run("check", EX2, "--tender", tender, "--format", "json")[1])
    for f in data["findings"]:
        out.setdefault(f["clause"], {})["json"] = f["id"]
    return out


def test_rule_ids_stay_when_a_requirement_is_inserted_before_another(tmp_path: Path) -> None:
    text = HIGHWAY.read_text(encoding="utf-8")
    inserted = """  - clause: 第五章 6.0
    text: 质保期内免费上门维修。
    commitment: warranty.system_maintenance
    comparator: required

"""
    at = text.index("  - clause: 第五章 6.1")
    edited = tmp_path / "highway.yaml"
    edited.write_text(text[:at] + inserted + text[at:], encoding="utf-8")
    schema = (PROFILES / "schemas" / "tender.schema.json").as_uri()
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("../schemas/tender.schema.json", schema),
        encoding="utf-8",
    )
    before = _ids(HIGHWAY, tmp_path)
    after = _ids(edited, tmp_path)
    assert set(after) == set(before) | {"第五章 6.0"}
    for clause, ids in before.items():
        assert after[clause] == ids, clause
        assert ids["sarif"] == ids["junit"] == ids["json"]
    assert before["第五章 6.2(2)"]["sarif"] == "5.6.2.2-response.arrive"
    assert after["第五章 6.0"]["sarif"] == "5.6.0-warranty.system_maintenance"


def test_rule_ids_come_from_clause_numbers_and_only_repeats_are_counted() -> None:
    assert clause_slug("第五章 3.2(1)") == "5.3.2.1"
    assert clause_slug("３．２（１）") == "3.2.1"
    assert clause_slug("第十二条") == "12"
    assert clause_slug("附件一 第3条") == "1.3"
    assert re.fullmatch(r"c[0-9a-f]{8}", clause_slug("售后服务要求"))
    from conftest import req, tender
    from generator.tender.ruleids import rule_ids

    t = tender(
        req("response.arrive", "at_most", "4h", clause="2.1", scope={"severity": "critical"}),
        req("response.arrive", "at_most", "8h", clause="2.1", scope={"severity": "general"}),
        req("warranty.period", "at_least", "1y", clause="2.2", id="WARRANTY"),
    )
    assert rule_ids(t.requirements) == ["2.1-response.arrive", "2.1-response.arrive-2", "WARRANTY"]


def test_cli_help_lists_the_new_formats_and_the_paths_command() -> None:
    assert "xlsx" in invoke("check", "--help").stdout
    assert "comparators" in invoke("paths", "--help").stdout
    assert MEDICAL.exists()


# ---------------------------------------------------------------- docs/tenders.md


def test_the_requirement_examples_in_docs_tenders_validate(tmp_path: Path) -> None:
    from conftest import ROOT
    from generator.tender.model import Requirement

    text = (ROOT / "docs" / "tenders.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    items = [b for b in blocks if b.startswith(("requirements:", "  - {clause", "  - clause"))]
    assert len(items) == 5
    compound = "manual" in Requirement.model_fields  # checks: and manual: items
    tried = 0
    for n, block in enumerate(items):
        if not compound and re.search(r"^\s*(checks|manual):", block, re.M):
            continue
        body = block if block.startswith("requirements:") else "requirements:\n" + block
        path = tmp_path / f"t{n}.yaml"
        path.write_text(f"kind: tender\nname: 文档示例\n{body}", encoding="utf-8")
        code, _, err = run("validate", path)
        assert code == 0, (block, err)
        tried += 1
    assert tried == (5 if compound else 2)


# ---------------------------------------------------------------- docs/ci.md


def test_each_bid_is_its_own_code_scanning_analysis() -> None:
    overlay = EX2.parent / "overlay-faster.yaml"
    plain = json.loads(run("check", EX2, "--tender", HIGHWAY, "--format", "sarif")[1])
    custom = json.loads(
        run("check", EX2, "--tender", HIGHWAY, "--overlay", overlay, "--format", "sarif")[1]
    )
    ids = [log["runs"][0]["automationDetails"]["id"] for log in (plain, custom)]
    assert ids[0] == "aftersales/NXJT-2026-0117/宁夏高速公路监控系统/"
    assert ids[1] == ids[0] + "宁夏高速公路管理中心/"


def test_the_ci_snippets_parse_and_name_hooks_that_exist() -> None:
    from conftest import ROOT

    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert len(blocks) == 4
    for block in blocks:
        assert isinstance(YAML(typ="safe", pure=True).load(block), dict)
    hooks = YAML(typ="safe", pure=True).load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    offered = {h["id"] for h in hooks}
    config = YAML(typ="safe", pure=True).load(blocks[-1])
    used = {h["id"] for repo in config["repos"] for h in repo["hooks"]}
    assert used and used <= offered
    # Every pinned install names a tag of the documented form (vMAJOR.MINOR.PATCH).
    pins = re.findall(r"git\+https://[^@\s]+@([^\"\s]+)\"", text)
    assert pins and all(re.fullmatch(r"v\d+\.\d+\.\d+|<40-hex commit>", p) for p in pins)


def test_starter_tender_compound_and_manual_examples_validate_switched_on(tmp_path: Path) -> None:
    from generator.tender.model import Requirement

    if "manual" not in Requirement.model_fields:
        pytest.skip("compound (checks:) and manual items are not in this version's format")
    text = STARTER_TENDER.read_text(encoding="utf-8")
    switched = "\n".join(
        re.sub(r"^(\s*)# (\s*(?:- |[a-z_]+:).*)$", r"\1\2", line) for line in text.splitlines()
    )
    assert "\n  - clause: 第三章 2.9\n    text:" in switched
    (tmp_path / "tender.yaml").write_text(switched + "\n", encoding="utf-8")
    code, _, err = run("validate", tmp_path / "tender.yaml")
    assert code == 0, err


def test_docs_paths_is_the_current_path_table() -> None:
    from conftest import ROOT

    text = (ROOT / "docs" / "paths.md").read_text(encoding="utf-8")
    assert text.startswith("# Commitment paths\n")
    assert text.endswith("\n\n" + run("paths", "--format", "markdown")[1]), (
        "docs/paths.md is stale: run `make docs`"
    )

"""`aftersales diff`: every changed promise with its term, both values, the direction for the
buyer, the capacity status (and the approval covering it) and both sources, in text, markdown
and json; a project against its overlay, two projects, a file at a git revision."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from documents import docx_lines, pdf_lines, squash

from conftest import example, run

EX2 = example("ex2").parent


def _json(*args: str | Path) -> list[dict[str, object]]:
    code, out, err = run("diff", *args, "--format", "json")
    assert code == 0, err
    changes: list[dict[str, object]] = json.loads(out)["changes"]
    return changes


def test_the_example_overlay_in_json() -> None:
    changes = _json(EX2 / "project.yaml", "--overlay", EX2 / "overlay-faster.yaml")
    by_path = {c["path"]: c for c in changes}
    assert set(by_path) == {"warranty.period", "response.tiers[region=,severity=,time=].arrive"}
    period = by_path["warranty.period"]
    assert (period["term"], period["old"], period["new"]) == ("质保期", "1年", "2年")
    assert period["direction"] == "better" and period["cap"] == "within"
    assert period["limit"] == "5年" and period["approval"] is None
    assert str(period["old_source"]).endswith("ex2-highway-monitoring/company.yaml:39:13")
    assert str(period["new_source"]).endswith("ex2-highway-monitoring/overlay-faster.yaml:15:13")
    arrive = by_path["response.tiers[region=,severity=,time=].arrive"]
    assert (arrive["term"], arrive["old"], arrive["new"]) == ("到场时间", "8小时", "4小时")
    assert arrive["direction"] == "better" and arrive["cap"] == "within"
    assert arrive["limit"] == "4小时"
    assert str(arrive["old_source"]).endswith("company.yaml:56:17")
    assert str(arrive["new_source"]).endswith("overlay-faster.yaml:13:17")


def test_the_example_overlay_in_text_and_markdown() -> None:
    code, out, _ = run("diff", EX2 / "project.yaml", "--overlay", EX2 / "overlay-faster.yaml")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:6] == ["承诺项", "路径", "原值", "新值", "对采购人", "能力上限"]
    period = next(line for line in lines if line.startswith("质保期"))
    assert period.split()[1:6] == ["warranty.period", "1年", "2年", "更优", "上限5年以内"]
    assert "company.yaml:39:13" in period and "overlay-faster.yaml:15:13" in period
    assert any(line.startswith("到场时间") and "8小时  4小时" in line for line in lines)
    code, out, _ = run(
        "diff", EX2 / "project.yaml", "--overlay", EX2 / "overlay-faster.yaml", "--format",
        "markdown",
    )  # fmt: skip
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert len(rows) == 3  # the header and two changes
    assert "| 质保期 | warranty.period | 1年 | 2年 | 更优 | 上限5年以内 |" in out
    arrive = next(row for row in rows if row.startswith("| 到场时间 "))
    cells = [c.strip() for c in arrive.strip("|").split("|")]
    assert cells[2:6] == ["8小时", "4小时", "更优", "上限4小时以内"]
    assert cells[6].endswith("company.yaml:56:17")
    assert cells[7].endswith("overlay-faster.yaml:13:17")
    code, out, _ = run(
        "diff", EX2 / "project.yaml", "--overlay", EX2 / "overlay-faster.yaml", "--language", "en"
    )
    assert "within the limit of 5 years" in out and "better" in out


@pytest.fixture
def ex2(tmp_path: Path) -> Path:
    shutil.copytree(EX2, tmp_path / "ex2")
    return tmp_path / "ex2"


def test_approved_exceeded_worse_and_removed(ex2: Path) -> None:
    (ex2 / "customer.yaml").write_text(
        "kind: overlay\ncustomer: 甲\n"
        "approvals:\n  - {commitment: response.arrive, value: 2h, approved_by: 王五,"
        " reference: SP-1}\n"
        "commitments:\n"
        "  response:\n    tiers:\n      - arrive: 2h\n"
        "  warranty:\n    period: 6 years\n"
        "  spare_parts:\n    stock_for_operation: 1 year\n"
        "  after_warranty:\n    at_cost_period: ~remove\n    fee_items: ~remove\n",
        encoding="utf-8",
    )
    changes = {
        c["path"]: c for c in _json(ex2 / "project.yaml", "--overlay", ex2 / "customer.yaml")
    }
    arrive = changes["response.tiers[region=,severity=,time=].arrive"]
    assert arrive["cap"] == "approved" and arrive["new"] == "2小时"
    assert arrive["approval"] == {
        "value": "2h", "approved_by": "王五", "date": None, "reference": "SP-1"
    }  # fmt: skip
    assert "已审批：批准至2小时，王五，SP-1" in str(arrive["cap_text"])
    period = changes["warranty.period"]
    assert period["cap"] == "exceeded" and period["approver"] == "总经理"
    assert period["cap_text"] == "超出上限5年，未经审批；须经总经理审批"
    stock = changes["spare_parts.stock_for_operation"]
    assert stock["direction"] == "worse" and (stock["old"], stock["new"]) == ("2年", "1年")
    removed = changes["after_warranty.at_cost_period"]
    assert removed["new"] is None and removed["direction"] == "worse"
    assert str(removed["old_source"]).endswith("company.yaml:68:21")
    assert removed["new_source"] is None
    prose = changes["after_warranty.fee_items"]  # no path: no order for the buyer
    assert prose["new"] is None and prose["direction"] == "unknown"


def test_two_projects_and_nothing_changed(ex2: Path) -> None:
    assert _json(ex2 / "project.yaml", EX2 / "project.yaml") == []
    code, out, _ = run("diff", ex2 / "project.yaml", EX2 / "project.yaml")
    assert (code, out) == (0, "承诺无变化。\n")
    other = example("ex1")
    changes = _json(ex2 / "project.yaml", other)
    assert any(c["old"] is None and c["path"] == "quality.packaging" for c in changes)


def test_a_file_at_a_git_revision(ex2: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=ex2, check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    company = ex2 / "company.yaml"
    company.write_text(
        company.read_text(encoding="utf-8").replace("period: 1 year", "period: 3 years"),
        encoding="utf-8",
    )
    (change,) = _json(ex2 / "project.yaml", "--rev", "HEAD")
    assert (change["path"], change["old"], change["new"]) == ("warranty.period", "1年", "3年")
    assert change["old_source"] == "HEAD:company.yaml:39:13"
    assert str(change["new_source"]).endswith("ex2/company.yaml:39:13")
    code, _, err = run("diff", ex2 / "project.yaml", "--rev", "no-such-rev")
    assert code == 2 and "no-such-rev" in err


def test_something_to_compare_with() -> None:
    code, _, err = run("diff", EX2 / "project.yaml")
    assert code == 2 and "give B" in err


@pytest.mark.slow
def test_render_writes_the_change_note_beside_the_letter(ex2: Path, tmp_path: Path) -> None:
    (ex2 / "customer.yaml").write_text(
        "kind: overlay\ncustomer: 甲公司\n"
        "approvals:\n  - {commitment: response.arrive, value: 2h, approved_by: 王五}\n"
        "commitments:\n  response:\n    tiers:\n      - arrive: 2h\n"
        "  spare_parts:\n    stock_for_operation: 1 year\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, _, err = run(
        "render", ex2 / "project.yaml", "--overlay", ex2 / "customer.yaml", "--change-note",
        "-o", out,
    )  # fmt: skip
    assert code == 0, err
    stem = "宁夏高速公路监控系统-甲公司-售后服务变更说明"
    pdf = pdf_lines(out / f"{stem}.pdf")
    text = squash("".join(pdf))
    assert "变更说明" in text and "致：甲公司" in text
    assert squash("到场时间 8小时 2小时 更优 超出上限4小时，已审批：批准至2小时，王五") in text
    assert squash("备品备件保障运行期 2年 1年 更差 无上限") in text
    assert "华通智能交通科技有限公司" in text  # signed like the letter
    info = subprocess.run(["pdfinfo", out / f"{stem}.pdf"], capture_output=True, text=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M)  # one page
    docx = squash("".join(docx_lines(out / f"{stem}.docx")))
    assert squash("到场时间 8小时 2小时 更优") in docx and "王五" in docx
    # Without the option, no change note.
    code, _, _ = run("render", ex2 / "project.yaml", "-o", tmp_path / "plain", "--format", "pdf")
    assert code == 0 and not list((tmp_path / "plain").glob("*变更说明*"))

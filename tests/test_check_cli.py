"""`aftersales check` and `render --tender` through the CLI: exit codes, formats, files."""

import json
from pathlib import Path

import pytest
from documents import docx_lines, pdf_lines, squash
from lxml import etree

from conftest import EXAMPLES, TENDERS, example, run

EX2 = str(example("ex2"))
HIGHWAY = str(TENDERS / "highway-monitoring.yaml")


def test_met_tender_exits_0() -> None:
    code, out, err = run("check", EX2, "--tender", HIGHWAY)
    assert code == 0, err
    assert "检查通过" in out


def test_a_missing_non_substantive_item_fails_unless_stars_only() -> None:
    unanswered = "responses[clause=第五章 6.5]=~remove"  # ex2 answers the ▲ inspection item
    code, _, err = run("check", EX2, "--tender", HIGHWAY, "--set", unanswered)
    assert code == 1
    assert "第五章 6.5" in err
    code, _, _ = run("check", EX2, "--tender", HIGHWAY, "--set", unanswered, "--stars-only")
    assert code == 0


def test_substantive_negative_exits_1_and_names_the_clauses() -> None:
    project = str(EXAMPLES / "ex1-weighing" / "project.yaml")
    code, out, err = run("check", project, "--tender", str(TENDERS / "medical-ultrasound.yaml"))
    assert code == 1
    # medical-ultrasound.yaml words verdicts 正偏差/无偏差/负偏差: every format says them
    assert "负偏差" in out and "检查未通过" in out
    assert "第三章 四、1" in err


def test_overlay_and_set_change_the_verdict() -> None:
    overlay = str(EXAMPLES / "ex2-highway-monitoring" / "overlay-faster.yaml")
    code, out, _ = run("check", EX2, "--tender", HIGHWAY, "--overlay", overlay, "--format", "json")
    assert code == 0
    points = json.loads(out)["summary"]["points"]
    code, out, _ = run("check", EX2, "--tender", HIGHWAY, "--format", "json")
    assert json.loads(out)["summary"]["points"] < points
    code, _, err = run("check", EX2, "--tender", HIGHWAY, "--set", "warranty.period=6 months")
    assert code == 1 and "第五章 6.1" in err


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif", "github", "markdown"])
def test_every_format_to_stdout_and_to_a_file(fmt: str, tmp_path: Path) -> None:
    code, out, _ = run("check", EX2, "--tender", HIGHWAY, "--format", fmt)
    assert code == 0 and (out or fmt == "github")  # a passing check annotates nothing
    target = tmp_path / f"report.{fmt}"
    code, again, _ = run("check", EX2, "--tender", HIGHWAY, "--format", fmt, "-o", str(target))
    assert code == 0 and again == ""
    assert target.read_text(encoding="utf-8") == out
    if fmt in ("json", "sarif"):
        json.loads(out)
    if fmt == "junit":
        assert etree.fromstring(out.encode()).tag == "testsuites"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--tender", "nowhere.yaml"], "nowhere.yaml: cannot read file"),
        (["--tender", EX2], 'kind: expected "kind: tender", this file has "kind: project"'),
    ],
)
def test_bad_tender_input_exits_2(args: list[str], expected: str) -> None:
    code, _, err = run("check", EX2, *args)
    assert code == 2
    assert expected in err and "Traceback" not in err


def test_a_tender_error_points_at_its_line(tmp_path: Path) -> None:
    text = Path(HIGHWAY).read_text(encoding="utf-8")
    bad = tmp_path / "tender.yaml"
    bad.write_text(text.replace("commitment: warranty.period", "commitment: warranty.perod", 1))
    code, _, err = run("check", EX2, "--tender", str(bad))
    assert code == 2
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "warranty.period" in t)
    assert f"tender.yaml:{line}:" in err and 'did you mean "warranty.period"' in err


@pytest.mark.slow
def test_render_with_tender_writes_the_deviation_table_that_matches_the_findings(
    tmp_path: Path,
) -> None:
    code, _, err = run("render", EX2, "--tender", HIGHWAY, "-o", str(tmp_path))
    assert code == 0, err
    (docx_table,) = tmp_path.glob("*售后服务偏离表.docx")
    (pdf_table,) = tmp_path.glob("*售后服务偏离表.pdf")
    findings = json.loads(run("check", EX2, "--tender", HIGHWAY, "--format", "json")[1])
    lines = docx_lines(docx_table)
    pdf = squash("".join(pdf_lines(pdf_table)))
    for finding in findings["findings"]:
        assert finding["clause"] in lines
        assert squash(finding["clause"]) in pdf
    assert "除本表所列偏离外，完全响应招标文件要求。" in squash("".join(lines))
    assert "除本表所列偏离外，完全响应招标文件要求。" in pdf


def test_closing_statement_follows_the_procurement_method() -> None:
    project = str(EXAMPLES / "ex4-lightbox-signage" / "project.yaml")
    _, out, _ = run(
        "check", project, "--tender", str(TENDERS / "elevator.yaml"), "--format", "markdown"
    )
    assert "除本表所列偏离外，完全响应磋商文件要求。" in out
    assert "招标文件要求" not in out
    _, out, _ = run("check", EX2, "--tender", HIGHWAY, "--format", "markdown")
    assert "除本表所列偏离外，完全响应招标文件要求。" in out


def _tender_with(tmp_path: Path, old: str, new: str) -> str:
    text = Path(HIGHWAY).read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "t.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return str(tmp_path / "t.yaml")


def test_a_scoring_step_of_zero_is_a_located_error(tmp_path: Path) -> None:
    text = Path(HIGHWAY).read_text(encoding="utf-8")
    step = next(line for line in text.splitlines() if line.strip().startswith("step:"))
    tender = _tender_with(tmp_path, step, step.split("step:")[0] + "step: 0 years")
    code, _, err = run("check", EX2, "--tender", tender)
    assert code == 2 and "scoring.step: a scoring step must be more than 0" in err


def test_a_character_no_font_has_in_the_tender_stops_render_before_any_file(
    tmp_path: Path,
) -> None:
    tender = _tender_with(tmp_path, "    text: ★系统自验收", "    text: 😀★系统自验收")
    code, _, err = run("render", EX2, "--tender", tender, "-o", str(tmp_path / "out"))
    assert code == 2
    assert 't.yaml:25:11: requirements[0].text: character "😀" (U+1F600)' in err
    assert not (tmp_path / "out").exists()


def test_yes_no_commitments_are_booleans_in_the_json_findings() -> None:
    findings = json.loads(run("check", EX2, "--tender", HIGHWAY, "--format", "json")[1])
    flags = [f for f in findings["findings"] if f["commitment"] == "training.free"]
    assert flags and flags[0]["offered"] is True


def test_reports_go_to_a_device_as_it_is_and_through_links(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    (tmp_path / "link.json").symlink_to(target)
    link = str(tmp_path / "link.json")
    code, _, err = run("check", EX2, "--tender", HIGHWAY, "--format", "json", "-o", link)
    assert code == 2 and "is a symbolic link" in err and target.read_text() == "old"
    code, _, _ = run(
        "check", EX2, "--tender", HIGHWAY, "--format", "json", "-o", link, "--follow-symlinks"
    )
    assert code == 0
    assert (tmp_path / "link.json").is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["passed"] is True
    code, _, err = run("check", EX2, "--tender", HIGHWAY, "-o", "/dev/null")
    assert code == 0 and Path("/dev/null").is_char_device()
    code, _, err = run("check", EX2, "--tender", HIGHWAY, "-o", str(tmp_path))
    assert code == 2 and "is a directory" in err


@pytest.mark.parametrize("text", ["²", "①", "٣"])
def test_digits_that_are_not_ascii_are_not_counts(text: str) -> None:
    from generator.profiles.models import commitment_paths
    from generator.profiles.quantities import QuantityError

    with pytest.raises(QuantityError, match="is not a whole number"):
        commitment_paths()["training.sessions"].parse(text)

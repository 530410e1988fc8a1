"""The CLI through click's CliRunner: exit codes, stderr lines, schema, explain."""

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from conftest import EXAMPLES, PROFILES, ROOT, TENDERS, example, invoke, run

COMPANY = """\
kind: company
name: 测试科技有限公司
commitments:
  warranty:
    period: 1 year
"""

PROJECT = """\
kind: project
company: company.yaml
project_name: 某监控系统项目
commitments:
  warranty:
    start: acceptance
"""

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<rest>.*)$")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "company.yaml").write_text(COMPANY, encoding="utf-8")
    return tmp_path


# Each case: the project file's text and the one stderr line it must produce.
BAD_INPUTS: list[tuple[str, bytes, str]] = [
    (
        "bad duration",
        PROJECT.replace("start: acceptance", "period: 18 mounths").encode(),
        'p.yaml:6:13: commitments.warranty.period: "18 mounths" is not a duration '
        '(did you mean "18 months"?)',
    ),
    (
        "unknown key",
        PROJECT.replace("start:", "strat:").encode(),
        'p.yaml:6:5: commitments.warranty.strat: unknown key "strat" (did you mean "start"?)',
    ),
    (
        "bad enum",
        PROJECT.replace("acceptance", "acceptence").encode(),
        "p.yaml:6:12: commitments.warranty.start: \"acceptence\": input should be 'acceptance', "
        "'commissioning', 'delivery' or 'purchase' (did you mean \"acceptance\"?)",
    ),
    (
        "missing field",
        PROJECT.replace("project_name: 某监控系统项目\n", "").encode(),
        "p.yaml:1:1: project_name: required, but missing",
    ),
    (
        "wrong type: mapping where text",
        PROJECT.replace("project_name: 某监控系统项目", "project_name: {a: b}").encode(),
        "p.yaml:3:15: project_name: input should be a valid string",
    ),
    (
        "wrong type: bool",
        (PROJECT + "  quality:\n    genuine_goods: maybe\n").encode(),
        'p.yaml:8:20: commitments.quality.genuine_goods: "maybe": input should be a valid '
        "boolean, unable to interpret input",
    ),
    (
        "number without unit",
        PROJECT.replace("start: acceptance", "period: 18").encode(),
        'p.yaml:6:13: commitments.warranty.period: "18" has no unit',
    ),
    ("duplicate key", (PROJECT + "project_name: again\n").encode(), 'duplicate key "project_name"'),
    ("anchor", PROJECT.replace("acceptance", "&a acceptance").encode(), "anchor"),
    ("alias", (PROJECT + "tenderer: *a\n").encode(), "alias"),
    ("merge key", (PROJECT + "site:\n  <<: {province: 宁夏}\n").encode(), "merge key"),
    ("tag", PROJECT.replace("acceptance", "!!str acceptance").encode(), "tag"),
    ("not utf-8", PROJECT.encode("gb18030"), "UTF-8"),
    ("full-width colon", PROJECT.replace("start: ", "start：").encode(), "全角冒号"),
    (
        "ideographic space indent",
        PROJECT.replace("    start", "\u3000\u3000start").encode(),
        "U+3000",
    ),
    ("tab indent", PROJECT.replace("    start", "\tstart").encode(), "tab"),
    ("syntax error", PROJECT.replace("start: acceptance", "start: [acceptance").encode(), ""),
    ("not a mapping", b"- a\n- b\n", "mapping"),
    ("too deep", b"kind: project\n" + b"".join(b"  " * i + b"a:\n" for i in range(40)), "deep"),
    ("no kind", b"name: x\n", "kind: missing"),
    ("empty file", b"", ""),
]


@pytest.mark.parametrize(("name", "text", "expected"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_gives_located_errors_and_exit_2(
    folder: Path, name: str, text: bytes, expected: str
) -> None:
    (folder / "p.yaml").write_bytes(text)
    code, out, err = run("validate", "p.yaml")
    assert code == 2, (name, out, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines, name
    for line in lines:
        match = LINE.match(line)
        assert match and match["file"] == "p.yaml", line
    assert any(expected in line for line in lines), (expected, lines)


def test_validate_reports_every_file(folder: Path) -> None:
    (folder / "p.yaml").write_text(PROJECT.replace("start:", "strat:"))
    (folder / "q.yaml").write_text(PROJECT.replace("acceptance", "acceptence"))
    code, _, err = run("validate", "p.yaml", "q.yaml", "missing.yaml")
    assert code == 2
    files = sorted({line.split(":")[0] for line in err.splitlines()})
    assert files == ["missing.yaml", "p.yaml", "q.yaml"]


def test_validate_good_files_prints_a_summary(folder: Path) -> None:
    (folder / "p.yaml").write_text(PROJECT)
    code, out, err = run("validate", "p.yaml", "company.yaml")
    assert code == 0, err
    assert "某监控系统项目" in out and "测试科技有限公司" in out
    assert "2 file(s) valid" in err
    code, out, err = run("-q", "validate", "p.yaml")
    assert (code, out, err) == (0, "", "")


def test_explain_shows_each_value_with_its_source(folder: Path) -> None:
    (folder / "p.yaml").write_text(PROJECT)
    code, out, _ = run("explain", "p.yaml", "--set", "warranty.period=2年")
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert "2年" in rows["质保期"] and "--set:1:1" in rows["质保期"]
    assert "p.yaml:6:12" in rows["起算点"]


def test_explain_refuses_other_kinds(folder: Path) -> None:
    code, _, err = run("explain", "company.yaml")
    assert code == 2
    assert (
        err.strip()
        == 'company.yaml:1:7: kind: expected "kind: project", this file has "kind: company"'
    )


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["company", "project", "overlay", "tender"])
def test_schema_is_draft07_and_accepts_the_examples(kind: str) -> None:
    code, out, _ = run("schema", kind)
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in out
    jsonschema.Draft7Validator.check_schema(schema)
    examples = [p for p in sorted(PROFILES.rglob("*.yaml")) if _kind(p) == kind]
    assert examples, f"no example {kind} files"
    validator = jsonschema.Draft7Validator(schema)
    for path in examples:
        errors = list(validator.iter_errors(_as_an_editor_reads_it(path)))
        assert not errors, (path, [e.message for e in errors])
        assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")


def _kind(path: Path) -> str:
    return str(_as_an_editor_reads_it(path).get("kind"))


def _as_an_editor_reads_it(path: Path) -> Any:
    """Plain YAML 1.2 typing, as the VS Code YAML extension reads a file (true is a boolean)."""
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=str))


def test_schema_rejects_what_the_models_reject() -> None:
    schema = json.loads(run("schema", "project")[1])
    validator = jsonschema.Draft7Validator(schema)
    assert list(validator.iter_errors({"kind": "project", "company": "c", "bogus": 1}))
    assert not list(validator.iter_errors({"kind": "project", "company": "c", "project_name": "x"}))
    # What the model accepts, the editor accepts too (aliases of the procurement method).
    aliased = {"kind": "project", "company": "c", "project_name": "x", "method": "竞争性磋商"}
    assert not list(validator.iter_errors(aliased))
    assert list(validator.iter_errors({**aliased, "method": "拍卖"}))


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and re.search(r"aftersales, version \d+\.\d+\.\d+", out)
    code, out, _ = run("--help")
    assert "Exit codes" in out and "validate" in out and "explain" in out


def test_no_color_is_respected(folder: Path) -> None:
    (folder / "p.yaml").write_text(PROJECT.replace("start:", "strat:"))
    result = invoke("validate", "p.yaml", color=True, env={"NO_COLOR": "1"})
    assert "\x1b[" not in result.stderr
    result = invoke("validate", "p.yaml", color=True, env={"NO_COLOR": ""})
    assert "\x1b[31m" in result.stderr


def test_explain_example_2_shows_every_commitment_with_its_line() -> None:
    from generator.app.explain import explain_rows
    from generator.profiles.loading import load_profile

    project = example("ex2")
    code, out, _ = run("explain", str(project))
    assert code == 0
    lines = out.splitlines()[2:]
    rows = explain_rows(load_profile(project))
    assert len(lines) == len(rows) > 40
    for line, row in zip(lines, rows, strict=True):
        assert re.search(r"(company|project)\.yaml:\d+:\d+$", line), line
        assert row.keyed.removeprefix("commitments.") in line
    for expected in ("1年", "8:00至24:00", "8小时", "24小时", "立即", "2年", "3年", "24小时"):
        assert any(expected in line for line in lines), expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["validate", "ex2-highway-monitoring/project.yaml"],
        ["check", "ex2-highway-monitoring/project.yaml", "--tender", "TENDER", "--format", "json"],
    ],
)
def test_validate_and_check_never_load_the_renderers(args: list[str]) -> None:
    """They run in CI on every commit: they must start fast, without WeasyPrint or docxtpl."""
    import subprocess
    import sys

    tender = TENDERS / "highway-monitoring.yaml"
    argv = [str(tender) if a == "TENDER" else (str(EXAMPLES / a) if "/" in a else a) for a in args]
    probe = (
        "import sys, contextlib, io, cli\n"
        f"sys.argv = ['aftersales', '-q', *{argv!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: cli.main()\n"
        "    except SystemExit as e: code = e.code\n"
        "heavy = [m for m in ('weasyprint', 'docxtpl', 'docx', 'fontTools') if m in sys.modules]\n"
        "print(code, heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 []"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "date: 2200-01-01\n",
            'p.yaml:7:7: date: "2200-01-01": input should be less than or equal to 2099-12-31',
        ),
        (
            "    period: " + "9" * 5000 + "y\n",
            "commitments.warranty.period: a duration of more than 1000000 is not a real promise",
        ),
        (
            "  extra_clauses:\n" + "    - {title: 条款, text: [正文]}\n" * 31,
            "commitments.extra_clauses: list should have at most 30 items after validation",
        ),
    ],
    ids=["date out of range", "huge number", "too many clauses"],
)
def test_extreme_values_are_located_errors(folder: Path, extra: str, expected: str) -> None:
    (folder / "p.yaml").write_text(PROJECT + extra)
    code, _, err = run("validate", "p.yaml")
    assert code == 2, err
    assert expected in err, err
    assert len(err) < 2000


@pytest.mark.slow
def test_flowchart_command_draws_svg_and_png(tmp_path: Path) -> None:
    project = str(example("ex2"))
    code, _, err = run("flowchart", project, "-o", str(tmp_path / "chart.svg"))
    assert code == 0, err
    svg = (tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert "售后服务登记" in svg and "全流程24小时内完成" in svg
    code, _, err = run("flowchart", project, "-o", str(tmp_path / "chart.png"))
    assert code == 0 and (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, _, err = run("flowchart", project, "-o", str(tmp_path / "chart.gif"))
    assert code == 2 and ".svg or .png" in err
    code, _, err = run("flowchart", example("ex1"), "-o", "x.svg")
    assert code == 2 and err.strip().endswith("commitments.service_process: no process to draw")


PROCESS = """\
  service_process:
    total_limit: 24h
    steps:
      - {id: a, label: 售后服务登记, limit: 2h, next: b}
      - {id: b, label: 能否远程解决？, branches: [{label: 是, to: c}, {label: 否, to: d}]}
      - {id: c, label: 远程处理, limit: 4h, next: e}
      - {id: d, label: 到场维修, limit: 21h, next: e}
      - {id: e, label: 用户签认维修维护记录, limit: LAST}
"""


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ("1h", None),
        (
            "2h",
            "p.yaml:8:5: commitments.service_process: the steps take up to 25 h (售后服务登记 → "
            "能否远程解决？ → 到场维修 → 用户签认维修维护记录), over the promised total of 24 h",
        ),
    ],
)
def test_a_process_longer_than_its_promised_total_is_refused(
    folder: Path, last: str, expected: str | None
) -> None:
    (folder / "p.yaml").write_text(PROJECT + PROCESS.replace("LAST", last), encoding="utf-8")
    code, _, err = run("validate", "p.yaml")
    if expected is None:
        assert code == 0, err
    else:
        assert code == 2 and err.strip() == expected


def test_a_process_that_loops_is_refused(folder: Path) -> None:
    looping = PROCESS.replace("limit: LAST}", "limit: 1h, next: a}")
    (folder / "p.yaml").write_text(PROJECT + looping, encoding="utf-8")
    code, _, err = run("validate", "p.yaml")
    assert code == 2
    assert "the service process loops back on itself" in err


def test_a_pipe_is_refused_not_waited_on(folder: Path) -> None:
    import os

    os.mkfifo(folder / "pipe.yaml")
    code, _, err = run("validate", "pipe.yaml")
    assert code == 2 and err.strip() == "pipe.yaml: not a regular file"


def test_a_process_timed_in_units_that_do_not_add_up_is_located(folder: Path) -> None:
    text = PROJECT + PROCESS.replace("LAST", "1h").replace("limit: 21h", "limit: 3 working days")
    (folder / "p.yaml").write_text(text, encoding="utf-8")
    code, _, err = run("validate", "p.yaml")
    assert code == 2
    assert err.strip() == (
        "p.yaml:8:5: commitments.service_process: step limits cannot be checked against "
        "total_limit: cannot compare 3 working days with 24 h without a working-day rule"
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "args", [["paths"], ["schema", "tender"], ["explain", str(example("ex2"))]]
)
def test_a_reader_that_goes_away_is_not_a_bug(args: list[str]) -> None:
    # `aftersales … | head`: the pipe closes before the output is written.
    proc = subprocess.Popen(
        [sys.executable, "-c", "import cli; cli.main()", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    with proc.stderr:
        assert proc.wait(timeout=60) == 141
        assert "internal error" not in proc.stderr.read().decode()

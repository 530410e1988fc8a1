"""Output files: safe names from customer text, atomic writes, no overwriting between inputs."""

import os
from pathlib import Path

import pytest

from conftest import EXAMPLES, TENDERS, invoke
from generator.render.output import distinct_stems, inside, safe_stem, write_atomic


@pytest.mark.parametrize(
    ("parts", "stem"),
    [
        (("宁夏高速公路监控系统", "银川市交通局"), "宁夏高速公路监控系统-银川市交通局"),
        (("../../etc/passwd",), "etc_passwd"),
        (('a/b\\c:d*e?f"g<h>i|j',), "a_b_c_d_e_f_g_h_i_j"),
        (("  ..hidden  ",), "hidden"),
        (("项目\n名称\t一",), "项目_名称_一"),
        (("CON",), "letter-CON"),
        (("",), "letter"),
        (("/",), "letter"),
    ],
)
def test_safe_stem(parts: tuple[str, ...], stem: str) -> None:
    assert safe_stem(*parts) == stem


def test_long_project_names_are_cut_never_the_kind_of_document(tmp_path: Path) -> None:
    project = str(EXAMPLES / "ex2-highway-monitoring" / "project.yaml")
    # the letter and the deviation table name one project: the tender's name is as long
    text = (TENDERS / "highway-monitoring.yaml").read_text(encoding="utf-8")
    tender = tmp_path / "tender.yaml"
    tender.write_text(text.replace("name: 宁夏高速公路监控系统", "name: " + "监" * 120, 1))
    out = tmp_path / "out"
    result = invoke(
        "render", project, "--tender", tender, "--set", "project_name=" + "监" * 120,
        "--format", "docx,html", "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    # The folder's own records (.aftersales-manifest.json, .aftersales.lock) are hidden.
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert len(names) == 4
    assert all(len(n.encode()) <= 255 for n in names)
    endings = sorted(n[n.index("-") :] for n in names)
    assert endings == [
        "-售后服务偏离表.docx",
        "-售后服务偏离表.html",
        "-售后服务承诺书.docx",
        "-售后服务承诺书.html",
    ]


def test_equal_stems_of_different_inputs_become_distinct() -> None:
    stems = distinct_stems(["项目", "项目", "其它"], ["a", "b", "c"])
    assert len(set(stems)) == 3 and stems[2] == "其它"
    assert distinct_stems(["项目", "项目"], ["a", "a"]) == ["项目", "项目"]


def test_inside_refuses_names_that_leave_the_folder(tmp_path: Path) -> None:
    assert inside(tmp_path, "x.pdf") == (tmp_path / "x.pdf").resolve()
    with pytest.raises(ValueError, match="leaves the output folder"):
        inside(tmp_path, "../x.pdf")


def test_interrupted_write_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "letter.pdf"
    write_atomic(target, b"old")

    def crash(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.pdf"]  # no temp file left


def test_distinct_inputs_with_the_same_name_never_overwrite(tmp_path: Path) -> None:
    source = EXAMPLES / "ex5-computer-shop"
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        for name in ("company.yaml", "project.yaml"):
            (tmp_path / folder / name).write_bytes((source / name).read_bytes())
    (tmp_path / "b" / "company.yaml").write_text(
        (source / "company.yaml")
        .read_text(encoding="utf-8")
        .replace("星辰电脑公司", "晨星电脑公司"),
        encoding="utf-8",
    )
    projects = [str(tmp_path / f / "project.yaml") for f in ("a", "b")]
    result = invoke("render", *projects, "--format", "html", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    pages = sorted((tmp_path / "out").glob("*.html"))
    assert len(pages) == 2
    texts = [p.read_text(encoding="utf-8") for p in pages]
    assert sum("星辰电脑公司" in t for t in texts) == 1
    assert sum("晨星电脑公司" in t for t in texts) == 1


def test_unwritable_output_is_an_input_error_not_a_crash(tmp_path: Path) -> None:
    project = str(EXAMPLES / "ex5-computer-shop" / "project.yaml")
    (tmp_path / "file").write_text("x")
    result = invoke("render", project, "--format", "html", "-o", str(tmp_path / "file" / "sub"))
    assert result.exit_code == 2
    assert "cannot create the output folder" in result.stderr
    tender = str(TENDERS / "office-supply.yaml")
    project = str(EXAMPLES / "ex3-trading-supply" / "project.yaml")
    result = invoke("check", project, "--tender", tender, "-o", str(tmp_path / "file" / "r.txt"))
    assert result.exit_code == 2
    assert "cannot write here" in result.stderr and "Traceback" not in result.stderr


def test_input_error_crosses_process_boundaries_intact() -> None:
    import pickle

    from generator.errors import InputError, Location, Problem

    error = InputError(
        [Problem(Location("a.yaml", 3, 5), "x.y", "bad"), Problem(Location("b"), "", "z")]
    )
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error) == "a.yaml:3:5: x.y: bad\nb: z"


def test_write_atomic_refuses_a_folder_and_writes_through_a_link(tmp_path: Path) -> None:
    from generator.errors import OutputError

    with pytest.raises(OutputError, match="is a folder, not a file"):
        write_atomic(tmp_path, b"x")
    (tmp_path / "real.txt").write_bytes(b"old")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    write_atomic(tmp_path / "link.txt", b"new")
    assert (tmp_path / "link.txt").is_symlink()
    assert (tmp_path / "real.txt").read_bytes() == b"new"

"""The workspace keeps a loaded profile while none of its files changes, and never shows one a
file has changed under: an edit by hand (even one that keeps the modification time) is read."""

import os
import shutil
from pathlib import Path

from generator.resources import data_dir
from generator.web.workspace import Workspace

EX2 = "examples/ex2-highway-monitoring/project.yaml"


def _period(workspace: Workspace) -> str:
    (field,) = [f for f in workspace.form(EX2, None) if f.name == "warranty.period"]
    return field.standard


def test_an_edited_company_file_is_read_again(tmp_path: Path) -> None:
    root = tmp_path / "profiles"
    shutil.copytree(data_dir("profiles"), root, ignore=shutil.ignore_patterns("schemas"))
    company = root / "examples/ex2-highway-monitoring/company.yaml"
    old = company.stat().st_mtime_ns - 10_000_000_000
    os.utime(company, ns=(old, old))  # older than the clock's step: the result is kept
    workspace = Workspace(root)
    assert _period(workspace) == "1年"
    assert workspace.standard(EX2) is workspace.standard(EX2)  # kept, not loaded again
    text = company.read_text(encoding="utf-8")
    company.write_text(text.replace("period: 1 year", "period: 3 years", 1), encoding="utf-8")
    assert _period(workspace) == "3年"  # a fresh file: read again
    company.write_text(text.replace("period: 1 year", "period: 30 months", 1), encoding="utf-8")
    os.utime(company, ns=(old, old))  # the same time as before, another size
    assert _period(workspace) == "30个月"

"""What many tests share: the CLI runner, a file-tree writer, the bundled example paths, and
small profile and tender builders.

Plain names are imported where a module needs them at import time (`parametrize`, module
constants): `from conftest import EXAMPLES, run`. Fixtures (`tree`) wrap the ones that need a
test's `tmp_path`. Tests marked `slow` (wheel build, LibreOffice, whole-letter renders, pixel
comparisons) are left out by `make test-fast` (`pytest -m "not slow"`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner, Result

from cli import main
from generator.resources import data_dir

if TYPE_CHECKING:
    # Imported where used, so that a module moved by a refactoring breaks only its own tests.
    from generator.errors import Location
    from generator.profiles.models import Profile
    from generator.tender.check import CheckResult
    from generator.tender.model import TenderFile

ROOT = Path(__file__).resolve().parent.parent
"""The checkout (for files that never ship in the wheel: docs/, pyproject.toml)."""
PROFILES = data_dir("profiles")
EXAMPLES = PROFILES / "examples"
"""profiles/examples: one folder per seed letter, each with company.yaml and project.yaml."""
TENDERS = PROFILES / "tenders"
EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())


def example(name: str) -> Path:
    """The project.yaml of an example, by folder name or its `exN` prefix: `example("ex2")`."""
    (folder,) = [n for n in EXAMPLE_NAMES if n == name or n.startswith(name + "-")]
    return EXAMPLES / folder / "project.yaml"


def tender_path(name: str) -> Path:
    """A bundled tender by its file stem: `tender_path("highway-monitoring")`."""
    return TENDERS / f"{name}.yaml"


# ---------------------------------------------------------------- the CLI


def invoke(*args: str | Path, env: Mapping[str, str] | None = None, color: bool = False) -> Result:
    """Run `aftersales ARGS` in-process through click; stdout and stderr kept apart."""
    return CliRunner().invoke(main, [str(a) for a in args], env=env, color=color)


def run(*args: str | Path) -> tuple[int, str, str]:
    """`invoke`, unpacked: (exit code, stdout, stderr)."""
    result = invoke(*args)
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------- files


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write `relative path -> text (UTF-8) or bytes` under `root`, making folders; `root`."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Callable[[Mapping[str, str | bytes]], Path]:
    """`tree({"company.yaml": "...", "sub/p.yaml": "..."})` writes into tmp_path, returns it."""

    def write(files: Mapping[str, str | bytes]) -> Path:
        return write_tree(tmp_path, files)

    return write


# ---------------------------------------------------------------- builders


def build_profile(
    commitments: Mapping[str, Any] | None = None,
    company: Mapping[str, Any] | None = None,
    **project: Any,
) -> Profile:
    """A Profile built the way YAML reaches the models: strings typed by validation."""
    from generator.profiles.models import CompanyFile, Profile, ProjectFile

    return Profile(
        company=CompanyFile.model_validate(
            company or {"kind": "company", "name": "宁夏华通科技有限公司"}
        ),
        project=ProjectFile.model_validate(
            {
                "kind": "project",
                "company": "company.yaml",
                "project_name": "宁夏高速公路监控系统",
                "commitments": commitments or {},
                **project,
            }
        ),
    )


@dataclass(frozen=True)
class Resolved:
    """What the check needs of a loaded profile, without files: the profile and provenance."""

    profile: Profile
    provenance: Mapping[str, Location] = field(default_factory=dict)


def profile(
    commitments: dict[str, Any],
    *,
    site: dict[str, str] | None = None,
    capacity: list[dict[str, str]] | None = None,
    approvals: list[dict[str, str]] | None = None,
    centres: tuple[str, ...] | list[str] = (),
) -> Resolved:
    """A checkable profile of a test company: commitments, and optionally a site, capacity
    limits, approvals and service centres (one per city named)."""
    from generator.profiles.models import Profile

    company = {
        "kind": "company",
        "name": "测试科技有限公司",
        "capacity": capacity or [],
        "service_network": [
            {"name": f"{c}服务中心", "province": "某省", "city": c} for c in centres
        ],
    }
    project: dict[str, Any] = {
        "kind": "project",
        "company": "company.yaml",
        "project_name": "测试项目",
        "commitments": commitments,
        "approvals": approvals or [],
    }
    if site is not None:
        project["site"] = site
    return Resolved(Profile.model_validate({"company": company, "project": project}))


def tender(*requirements: dict[str, Any], **extra: Any) -> TenderFile:
    """A tender with the usual ★ (substantive) and ▲ markers and these requirements."""
    from generator.tender.model import TenderFile

    return TenderFile.model_validate(
        {
            "kind": "tender",
            "name": "测试招标",
            "markers": {"★": {"meaning": "实质性", "substantive": True}, "▲": {"meaning": "重要"}},
            "requirements": list(requirements),
            **extra,
        }
    )


def req(commitment: str, comparator: str, value: str | None = None, **extra: Any) -> dict[str, Any]:
    """One tender requirement (clause 1.1) as YAML would give it."""
    out: dict[str, Any] = {
        "clause": "1.1",
        "text": "要求",
        "commitment": commitment,
        "comparator": comparator,
        **extra,
    }
    if value is not None:
        out["value"] = value
    return out


def check_example(tender_name: str, example_name: str, overlays: Sequence[str] = ()) -> CheckResult:
    """A bundled tender checked against a bundled example (with overlays from its folder),
    with the tender's line numbers, as `aftersales check` does it."""
    from generator.profiles.loading import load_file, load_profile
    from generator.profiles.yamlreader import dotted
    from generator.tender.check import check
    from generator.tender.loading import FILE_MODELS
    from generator.tender.model import TenderFile

    _, model, doc = load_file(tender_path(tender_name), FILE_MODELS)
    assert isinstance(model, TenderFile)
    where = {dotted(p): loc for p, loc in doc.where.items()}
    project = example(example_name)
    resolved = load_profile(project, [project.parent / o for o in overlays])
    return check(resolved, model, tender_where=where)

"""`pip install .` elsewhere gives a working `aftersales`: templates and examples ship in the
wheel, and nothing reaches back into the checkout."""

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout by its build backend (hatchling, as `pip wheel` would
    call it, without pip's own start-up)."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-c", "import sys, hatchling.build as b; b.build_wheel(sys.argv[1])",
         str(dist)],
        cwd=ROOT, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (built,) = dist.glob("aftersales-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with the wheel installed in it.

    The third-party dependencies are not installed again (that was most of this suite's time):
    a .pth file puts this environment's site-packages *after* the new one's. A .pth line only
    adds a folder to sys.path; the .pth files inside it (the editable install pointing at the
    checkout) are not run, so `generator` and `cli` can only come from the wheel.
    """
    env = tmp_path_factory.mktemp("wheel") / "env"
    venv.create(env, with_pip=False)
    env_python = env / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(env_python), "install", "-q",
         "--no-deps", "--no-index", str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    site = subprocess.run(
        [str(env_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    deps = sysconfig.get_paths()["purelib"]
    (Path(site) / "_aftersales_test_deps.pth").write_text(deps + "\n", encoding="utf-8")
    return env / "bin"


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "aftersales"), *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_wheel_ships_the_type_marker_and_the_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "generator/py.typed" in names
    assert "cli.py" in names
    assert "generator/_data/templates/zh-Hans/letter.docx" in names
    assert "generator/_data/profiles/examples/ex2-highway-monitoring/project.yaml" in names
    assert not any(n.startswith("tests/") for n in names)


def test_installed_package_is_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [str(installed / "python"), "-c",
         "import generator, cli; print(generator.__file__); print(cli.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    for path in map(Path, where):
        assert path.is_relative_to(installed.parent), path
        assert not path.is_relative_to(ROOT)


def test_installed_command_validates_and_renders_the_bundled_examples(
    installed: Path, tmp_path: Path
) -> None:
    data = subprocess.run(
        [str(installed / "python"), "-c",
         "from generator.resources import data_dir; print(data_dir('profiles'))"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    profiles = Path(data)
    assert profiles.is_relative_to(installed.parent)
    project = profiles / "examples" / "ex2-highway-monitoring" / "project.yaml"
    done = run(installed, "validate", str(project), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = run(installed, "render", str(project), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "out" / "宁夏高速公路监控系统-售后服务承诺书.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "售后服务承诺书" in text and "华通智能交通科技有限公司" in text
    assert (tmp_path / "out" / "宁夏高速公路监控系统-售后服务承诺书.docx").stat().st_size > 5000
    done = run(installed, "--version", cwd=tmp_path)
    assert done.stdout.startswith("aftersales, version ")

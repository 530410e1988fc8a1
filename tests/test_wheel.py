"""`pip install .` elsewhere gives a working `aftersales`: templates and examples ship in the
wheel, and nothing reaches back into the checkout."""

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with the wheel built from this checkout installed in it."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(work / "dist"), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = (work / "dist").glob("aftersales-*.whl")
    venv.create(work / "env", with_pip=True)
    bin_dir = work / "env" / "bin"
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return bin_dir


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "aftersales"), *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_installed_package_is_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [str(installed / "python"), "-c", "import generator, cli; print(generator.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert Path(where).is_relative_to(installed.parent), where
    assert not Path(where).is_relative_to(ROOT)


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

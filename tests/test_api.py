"""The library API of `generator/__init__.py`: what it names, that importing it is cheap, and
that its names do what the command does."""

import io
import subprocess
import sys
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from documents import pdf_lines, squash

import generator
from conftest import example, tender_path
from generator.tender.findings import Gate
from generator.tender.model import Verdict


def test_every_public_name_resolves_to_what_it_names() -> None:
    from generator.letter.compose import compose
    from generator.profiles.loading import load_profile
    from generator.tender.check import check

    for name in generator.__all__:
        assert getattr(generator, name) is not None, name
    assert generator.compose is compose
    assert generator.load_profile is load_profile
    assert generator.check is check
    assert issubclass(generator.InputError, generator.GeneratorError)
    assert set(generator.__all__) <= set(dir(generator))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = generator.nothing


def test_importing_the_package_loads_no_models_and_no_renderers() -> None:
    probe = (
        "import sys, generator\n"
        "heavy = ('weasyprint', 'docxtpl', 'docx', 'pydantic', 'jinja2', 'ruamel',\n"
        "         'generator.profiles.models', 'generator.tender.check')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_load_compose_check_and_docx_end_to_end() -> None:
    resolved = generator.load_profile(example("ex2"))
    letter = generator.compose(resolved.profile, asset_dirs=resolved.asset_dirs)
    assert letter.title == "售后服务承诺书"
    assert letter.signature.company == "华通智能交通科技有限公司"

    tender, where = generator.load_tender(tender_path("highway-monitoring"))
    result = generator.check(resolved, tender, tender_where=where)
    assert result.passed() and not result.failures()
    verdicts = {f.requirement.clause: f.verdict for f in result.findings}
    assert verdicts["第五章 6.1"] is Verdict.NONE  # 质保1年 = 1年
    assert verdicts["第五章 6.5"] is Verdict.NONE  # answered in 例文2's responses
    assert result.passed(Gate.STRICT) and result.passed(generator.Gate.STARS_ONLY)

    docx = generator.render_docx(letter)
    body = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert "华通智能交通科技有限公司" in body


@pytest.mark.slow
def test_render_pdf_gives_the_letter(tmp_path: Path) -> None:
    resolved = generator.load_profile(example("ex2"))
    letter = generator.compose(resolved.profile, asset_dirs=resolved.asset_dirs)
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(generator.render_pdf(letter))
    text = squash("".join(pdf_lines(pdf)))
    assert "售后服务承诺书" in text and "华通智能交通科技有限公司" in text


def test_bad_input_is_one_error_type_with_located_problems(
    tree: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    folder = tree(
        {
            "company.yaml": "kind: company\nname: 测试有限公司\n",
            "project.yaml": "kind: project\ncompany: company.yaml\nproject_name: 项目\n"
            "commitments:\n  warranty:\n    period: 18 mounths\n",
        },
    )
    with pytest.raises(generator.GeneratorError) as caught:
        generator.load_profile(folder / "project.yaml")
    assert isinstance(caught.value, generator.InputError)
    assert "project.yaml:6:13: commitments.warranty.period: " in str(caught.value)

"""The letters as users get them: every example rendered to DOCX and PDF, read back with
python-docx, LibreOffice and poppler, and compared by content."""

import json
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import docx.shared
import pytest
from documents import (
    SECTION,
    docx_header_footer,
    docx_lines,
    pdf_fonts,
    pdf_lines,
    sections,
    shown,
    squash,
)
from pydantic import BaseModel
from pypdf import PdfReader

from conftest import EXAMPLES, invoke
from generator.app.batch import Job, render_many
from generator.letter.compose import compose
from generator.letter.document import Block, Letter, Section, Table
from generator.locale import get_locale
from generator.profiles.loading import load_profile
from generator.profiles.quantities import DailyWindow, Duration, Frequency
from generator.render.flowchart import layout
from seed_promises import SEED_PROMISES, SEED_VOICE


@dataclass(frozen=True)
class Rendered:
    letter: Letter
    docx: Path
    pdf: Path
    pages: int


def _render(out: Path, names: list[str], workers: int) -> dict[str, Rendered]:
    jobs = [Job(EXAMPLES / name / "project.yaml") for name in names]
    results = render_many(jobs, out, ("docx", "pdf"), workers)
    rendered = {}
    for name, result in zip(names, results, strict=True):
        resolved = load_profile(result.job.project)
        letter = compose(resolved.profile, asset_dirs=resolved.asset_dirs)
        by_suffix = {w.path.suffix: w for w in result.files}
        pages = by_suffix[".pdf"].pages or 0
        rendered[name] = Rendered(letter, by_suffix[".docx"].path, by_suffix[".pdf"].path, pages)
    return rendered


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    """Every example letter, rendered once for the module with two workers."""
    return _render(tmp_path_factory.mktemp("letters"), sorted(SEED_PROMISES), 2)


def _is_footer(line: str) -> bool:
    return re.fullmatch(r"第\s*\d+\s*页\s*共\s*\d+\s*页", line.strip()) is not None


def _pdf_text(item: Rendered) -> list[str]:
    drop = {squash(item.letter.header_text)}
    for figure in item.letter.figures():
        chart = layout(figure.process, figure.note, figure.limits, figure.subs)
        drop |= {squash(run.text) for run in chart.texts}
    return [
        line for line in pdf_lines(item.pdf) if squash(line) not in drop and not _is_footer(line)
    ]


# ---------------------------------------------------------------- readers accept the files


@pytest.mark.slow
def test_libreoffice_converts_every_docx(letters: dict[str, Rendered], tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is part of the test setup (make test installs it)"
    for item in letters.values():
        shutil.copy(item.docx, tmp_path / f"{item.docx.stem[:20]}-{len(item.docx.name)}.docx")
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *sorted(map(str, tmp_path.glob("*.docx"))),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    converted = sorted((tmp_path / "pdf").glob("*.pdf"))
    assert len(converted) == len(letters)
    for pdf in converted:
        text = squash("".join(pdf_lines(pdf)))
        assert "售后服务承诺书" in text
        assert any(squash(i.letter.signature.company) in text for i in letters.values())


@pytest.mark.slow
def test_docx_structure(letters: dict[str, Rendered]) -> None:
    import docx

    for item in letters.values():
        document = docx.Document(str(item.docx))
        section = document.sections[0]
        assert section.page_width is not None and section.page_height is not None
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        headings = [
            shown(p.text)
            for p in document.paragraphs
            if p.style is not None and (p.style.name or "").startswith("Heading")
        ]
        assert [h for h in headings if SECTION.match(h)] == [
            s.number + s.title for s in item.letter.sections
        ]
        header, footer_xml = docx_header_footer(item.docx)
        assert squash(header) == squash(item.letter.header_text)
        assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml


@pytest.mark.slow
def test_pdf_fonts_are_embedded_and_subset(letters: dict[str, Rendered]) -> None:
    for item in letters.values():
        fonts = pdf_fonts(item.pdf)
        assert fonts, item.pdf
        assert all(emb == "yes" and sub == "yes" for _, emb, sub in fonts), fonts
        faces = sorted(name.split("+")[-1] for name, _, _ in fonts)
        assert faces == ["Noto-Sans-CJK-SC-Bold", "Noto-Serif-CJK-SC"], faces


@pytest.mark.slow
def test_pdf_metadata_and_bookmarks(letters: dict[str, Rendered]) -> None:
    for item in letters.values():
        reader = PdfReader(item.pdf)
        meta = reader.metadata
        assert meta is not None
        assert meta.title == item.letter.meta_title
        assert meta.author == item.letter.meta_author
        assert meta.subject == item.letter.meta_subject
        titles = [t for t in _outline_titles(reader.outline) if SECTION.match(t)]
        assert titles == [s.number + s.title for s in item.letter.sections]
        assert not reader.is_encrypted
        assert len(reader.pages) == item.pages


def _outline_titles(items: list[Any]) -> list[str]:
    out: list[str] = []
    for item in items:
        out += _outline_titles(item) if isinstance(item, list) else [str(item["/Title"])]
    return out


# ---------------------------------------------------------------- both say the same thing


def _headers(blocks: tuple[Block, ...]) -> set[str]:
    out: set[str] = set()
    for block in blocks:
        if isinstance(block, Table):
            out.add(squash("".join(block.header)))
        elif isinstance(block, Section):
            out |= _headers(block.blocks)
    return out


def _header_once(text: str, headers: set[str]) -> str:
    """A table's header row once: the PDF repeats it on every page a table runs onto."""
    for header in headers:
        first = text.find(header)
        if first >= 0:
            end = first + len(header)
            text = text[:end] + text[end:].replace(header, "")
    return text


@pytest.mark.slow
def test_docx_and_pdf_say_the_same_section_by_section(letters: dict[str, Rendered]) -> None:
    for name, item in letters.items():
        in_docx = sections(docx_lines(item.docx))
        in_pdf = sections(_pdf_text(item))
        assert list(in_docx) == list(in_pdf), name
        headers = _headers(item.letter.sections)
        for heading, text in in_docx.items():
            assert text == _header_once(in_pdf[heading], headers), (name, heading)


def _leaves(value: Any, path: str) -> list[tuple[str, str]]:
    """(path, text a reader must find) for every set value under `value`."""
    if isinstance(value, BaseModel):
        out: list[tuple[str, str]] = []
        for field in type(value).model_fields:
            if field in ("id", "branches", "next"):  # flowchart wiring, drawn not written
                continue
            out += _leaves(getattr(value, field), f"{path}.{field}")
        return out
    if isinstance(value, list):
        return [leaf for n, v in enumerate(value) for leaf in _leaves(v, f"{path}[{n}]")]
    if isinstance(value, Duration | Frequency | DailyWindow):
        return [(path, get_locale().value(value))]
    if isinstance(value, bool) or value is None or hasattr(value, "value"):
        return []  # flags and enums are wording, not values
    if isinstance(value, int | Decimal):
        return [(path, f"{value:f}" if isinstance(value, Decimal) else str(value))]
    return [(path, str(value))]


@pytest.mark.slow
def test_every_commitment_value_appears_in_both(letters: dict[str, Rendered]) -> None:
    for name, item in letters.items():
        resolved = load_profile(EXAMPLES / name / "project.yaml")
        leaves = _leaves(resolved.profile.commitments, "commitments")
        assert leaves, name
        in_docx = squash("".join(docx_lines(item.docx)))
        in_pdf = squash("".join(pdf_lines(item.pdf)))
        for path, text in leaves:
            assert squash(text) in in_docx, (name, path, text, "docx")
            assert squash(text) in in_pdf, (name, path, text, "pdf")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SEED_PROMISES))
def test_seed_letter_promises_are_in_both(letters: dict[str, Rendered], name: str) -> None:
    item = letters[name]
    in_docx = squash("".join(docx_lines(item.docx)))
    in_pdf = squash("".join(pdf_lines(item.pdf)))
    missing = [p for p in SEED_PROMISES[name] if squash(p) not in in_docx]
    assert not missing, ("docx", missing)
    missing = [p for p in SEED_PROMISES[name] if squash(p) not in in_pdf]
    assert not missing, ("pdf", missing)


def _plain(text: str) -> str:
    """Squashed, and without invisible format characters (a joiner keeping a number with its
    unit is not a difference in wording)."""
    return squash("".join(c for c in text if unicodedata.category(c) != "Cf"))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SEED_VOICE))
def test_seed_letter_voice_is_in_both(letters: dict[str, Rendered], name: str) -> None:
    # The seed letter's motto, pledge, purposes and closing words (the profile's `voice`),
    # and the closing in its order: service lines and the company's words, then the
    # statement last.
    item = letters[name]
    closing = [_plain(p.text) for p in item.letter.closing]
    for kind, lines in (("docx", docx_lines(item.docx)), ("pdf", pdf_lines(item.pdf))):
        text = _plain("".join(lines))
        missing = [p for p in SEED_VOICE[name] if _plain(p) not in text]
        assert not missing, (kind, missing)
        statement = text.rindex(closing[-1])
        assert closing[-1].startswith(_plain("以上承诺真实有效"))
        assert all(text.index(p) < statement for p in closing[:-1]), kind
    # The closing stands apart from the last section in the DOCX too (the PDF's .closing).
    document = docx.Document(str(item.docx))
    (first,) = [p for p in document.paragraphs if _plain(p.text) == closing[0]]
    assert (first.paragraph_format.space_before or 0) >= docx.shared.Pt(12)


# ---------------------------------------------------------------- special characters


SPECIAL = "A&B <甲> \"乙\" '丙'"


@pytest.mark.slow
def test_markup_characters_survive_everywhere(tmp_path: Path) -> None:
    q = json.dumps  # a JSON string is a YAML double-quoted scalar
    (tmp_path / "company.yaml").write_text(
        f"kind: company\nname: {q('特殊字符' + SPECIAL + '有限公司', ensure_ascii=False)}\n"
        f"motto: {q(SPECIAL, ensure_ascii=False)}\n"
        "commitments:\n  staffing:\n    members:\n"
        f"      - role: {q('工程师' + SPECIAL, ensure_ascii=False)}\n        count: 2\n"
        "      - role: 项目经理\n        count: 1\n",
        encoding="utf-8",
    )
    (tmp_path / "project.yaml").write_text(
        "kind: project\ncompany: company.yaml\n"
        f"project_name: {q('项目' + SPECIAL, ensure_ascii=False)}\n"
        "tender_number: T&1<2>\n",
        encoding="utf-8",
    )
    result = invoke("render", str(tmp_path / "project.yaml"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    (docx_path,) = (tmp_path / "out").glob("*.docx")
    (pdf_path,) = (tmp_path / "out").glob("*.pdf")
    header, _ = docx_header_footer(docx_path)
    assert f"项目{SPECIAL}" in header and "T&1<2>" in header
    body = docx_lines(docx_path)
    assert any(f"特殊字符{SPECIAL}有限公司" in line for line in body)
    assert any(SPECIAL in line and "本着" in line for line in body)
    assert f"工程师{SPECIAL}" in body  # a table cell, verbatim
    pdf = pdf_lines(pdf_path)
    assert any(f"项目{SPECIAL}" in line and "T&1<2>" in line for line in pdf)  # header
    assert squash(f"工程师{SPECIAL}") in squash("".join(pdf))
    assert squash(f"特殊字符{SPECIAL}有限公司") in squash("".join(pdf))


# ---------------------------------------------------------------- same input, same bytes


@pytest.mark.slow
def test_renders_are_reproducible(letters: dict[str, Rendered], tmp_path: Path) -> None:
    name = "ex2-highway-monitoring"
    again = _render(tmp_path, [name], 1)[name]
    assert again.docx.read_bytes() == letters[name].docx.read_bytes()
    assert again.pdf.read_bytes() == letters[name].pdf.read_bytes()


@pytest.mark.slow
def test_source_date_epoch_fixes_undated_letters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "ex2-highway-monitoring"  # has no letter date
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    first = _render(tmp_path / "a", [name], 1)[name]
    second = _render(tmp_path / "b", [name], 1)[name]
    assert first.pdf.read_bytes() == second.pdf.read_bytes()
    assert first.docx.read_bytes() == second.docx.read_bytes()
    meta = PdfReader(first.pdf).metadata
    assert meta is not None and str(meta["/CreationDate"]).startswith("D:20260101")


# ---------------------------------------------------------------- bad input writes nothing


def test_uncovered_character_is_a_located_error_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "company.yaml").write_text("kind: company\nname: 测试有限公司\n", encoding="utf-8")
    (tmp_path / "project.yaml").write_text(
        "kind: project\ncompany: company.yaml\nproject_name: 项目\n"
        "commitments:\n  warranty:\n    exclusions: [天灾, 人为𠀀损害]\n",
        encoding="utf-8",
    )
    result = invoke("render", str(tmp_path / "project.yaml"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(
        'project.yaml:6:22: commitments.warranty.exclusions[1]: character "𠀀" (U+20000) '
        "is not covered by any installed font (Noto Serif CJK SC, Noto Sans CJK SC)"
    )
    assert not (tmp_path / "out").exists()


def test_bad_profiles_among_good_ones_stop_the_run_before_any_file(tmp_path: Path) -> None:
    (tmp_path / "project.yaml").write_text("kind: project\ncompany: nowhere.yaml\n")
    good = str(EXAMPLES / "ex5-computer-shop" / "project.yaml")
    result = invoke("render", good, str(tmp_path / "project.yaml"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert 'company: company profile "nowhere.yaml" not found' in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_bad_seal_image_is_reported_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "company.yaml").write_text(
        "kind: company\nname: 测试有限公司\nseal_image: seal.png\n", encoding="utf-8"
    )
    (tmp_path / "project.yaml").write_text(
        "kind: project\ncompany: company.yaml\nproject_name: 项目\n", encoding="utf-8"
    )
    (tmp_path / "seal.png").write_text("not an image")
    result = invoke("render", str(tmp_path / "project.yaml"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "company.yaml:3:13: company.seal_image: " in result.stderr
    assert "not a readable PNG or JPEG image" in result.stderr
    assert not (tmp_path / "out").exists()

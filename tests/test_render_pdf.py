"""The PDF renderer: content, fonts, metadata, bookmarks, page furniture, strictness."""

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from generator.errors import RenderError
from generator.letter.document import Figure, Letter, Paragraph, Section, Signature, Table
from generator.profiles.models import ServiceProcess
from generator.render import fonts
from generator.render.pdffile import (
    PdfRenderer,
    pdf_timestamp,
    render_html,
    render_pdf,
    render_pdf_counted,
    subsetter_problem,
)
from generator.resources import templates_dir

# Every test here lays out a PDF with WeasyPrint: slow by the suite's definition.
pytestmark = pytest.mark.slow

SPECIAL = "A&B <tag> \"q\" 'a' back\\slash"
HEADER = "银川智慧交通监控项目 & <东区> \"一期\" '二标' C:\\ 招标编号：NXJT-2026-001"
COMPANY = "上海庆衡电子科技有限公司"
PROJECT = "银川智慧交通监控项目"
SPARE_ROWS = 70


def _process() -> ServiceProcess:
    return ServiceProcess.model_validate(
        {
            "total_limit": "24h",
            "steps": [
                {
                    "id": "a",
                    "label": "售后服务登记",
                    "owner": "客服中心",
                    "limit": "1h",
                    "next": "b",
                },
                {
                    "id": "b",
                    "label": "能否远程解决？",
                    "branches": [{"label": "是", "to": "c"}, {"label": "否", "to": "d"}],
                },
                {"id": "c", "label": "远程指导排除故障", "limit": "2h", "next": "e"},
                {"id": "d", "label": "工程师赶赴现场", "limit": "8h", "next": "e"},
                {"id": "e", "label": "用户签认维修记录"},
            ],
        }
    )


def _letter(**changes: object) -> Letter:
    warranty = Table(
        caption="表1 质保期",
        header=("序号", "部件名称", "质保期", "起算"),
        rows=(
            ("1", "称体", "3年", "自验收合格之日起"),
            ("2", f"电气部件 {SPECIAL}", "18个月", "自验收合格之日起"),
        ),
        widths=(1, 4, 2, 3),
    )
    spares = Table(
        caption="表2 备品备件清单",
        header=("备件序号", "备件名称", "供应承诺"),
        rows=tuple((str(i), f"第{i}号备件", "保证供应15年") for i in range(1, SPARE_ROWS + 1)),
    )
    letter = Letter(
        title="售后服务承诺书",
        addressee="致：宁夏回族自治区交通运输厅（招标人）",
        opening=(Paragraph(f"本着“为顾客提供最满意的产品和服务”的宗旨，郑重承诺：{SPECIAL}"),),
        sections=(
            Section(
                "一、",
                "质量保证",
                1,
                (
                    Paragraph("所供设备均为原厂原包装，附合格证。", number="1."),
                    Section(
                        "（一）",
                        "质保期限",
                        2,
                        (Paragraph("整机质保18个月。", number="（1）"), warranty),
                    ),
                ),
            ),
            Section(
                "二、",
                "响应时间",
                1,
                (
                    Paragraph("接到通知后8小时内到达现场，24小时内修复。"),
                    Figure("图1 售后服务流程图", _process(), "全流程24小时内完成"),
                ),
            ),
            Section("三、", "备品备件", 1, (spares,)),
        ),
        closing=(Paragraph("特此承诺。"),),
        signature=Signature(
            company_label="投标人（盖章）",
            company=COMPANY,
            signatory_label="法定代表人或授权代表（签字）",
            signatory=None,
            date_label="日期",
            date_text="2026年11月28日",
        ),
        header_text=HEADER,
        meta_title="售后服务承诺书",
        meta_author=COMPANY,
        meta_subject=PROJECT,
        date=dt.date(2026, 11, 28),
    )
    return dataclasses.replace(letter, **changes)  # type: ignore[arg-type]


def _short_letter(**changes: object) -> Letter:
    return _letter(
        sections=(Section("一、", "质量保证", 1, (Paragraph("原厂原包装。"),)),), **changes
    )


def _run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def renderer() -> PdfRenderer:
    return PdfRenderer()


@pytest.fixture(scope="module")
def pdf(renderer: PdfRenderer) -> bytes:
    return renderer.render(_letter())


@pytest.fixture(scope="module")
def pdf_path(pdf: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "letter.pdf"
    path.write_bytes(pdf)
    return path


@pytest.fixture(scope="module")
def pages(pdf_path: Path) -> list[str]:
    """pdftotext of each page (form feeds separate pages)."""
    return _run("pdftotext", "-raw", pdf_path, "-").split("\f")[:-1]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.slow
def test_fonts_are_the_two_noto_faces_embedded_and_subset(pdf_path: Path) -> None:
    rows = _run("pdffonts", pdf_path).splitlines()[2:]
    names = set()
    for row in rows:
        name, *_, emb, sub, _uni, _obj, _gen = row.split()
        assert (emb, sub) == ("yes", "yes"), row
        assert re.fullmatch(r"[A-Z]{6}\+.+", name), row
        names.add(name.split("+", 1)[1])
    assert names == {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"}


def test_text_headings_table_and_page_furniture(pages: list[str]) -> None:
    text = "\n".join(pages)
    assert "售后服务承诺书" in _flat(text)
    for heading in ("一、质量保证", "（一）质保期限", "二、响应时间", "三、备品备件"):
        assert heading in text
    assert "自验收合格之日起" in text
    assert "第1号备件" in text
    assert "第 1 页 共 " in pages[0]
    assert f"第 {len(pages)} 页 共 {len(pages)} 页" in pages[-1]
    assert all(HEADER in page for page in pages)


def test_flowchart_text_is_real_text(pages: list[str]) -> None:
    text = "\n".join(pages)
    for label in ("远程指导排除故障", "工程师赶赴现场", "全流程24小时内完成"):
        assert label in text


def test_special_characters_verbatim_in_body_table_and_header(pages: list[str]) -> None:
    text = " ".join(" ".join(pages).split())  # a line may wrap at a space
    assert f"郑重承诺：{SPECIAL}" in text
    assert f"电气部件 {SPECIAL}" in text
    assert HEADER in pages[0]


def test_html_escapes_text(renderer: PdfRenderer) -> None:
    html = renderer.html(_short_letter())
    assert "A&amp;B &lt;tag&gt;" in html
    assert "<tag>" not in html


def test_metadata(pdf: bytes) -> None:
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None
    assert (meta.title, meta.author, meta.subject) == ("售后服务承诺书", COMPANY, PROJECT)
    china = dt.timezone(dt.timedelta(hours=8))
    assert meta.creation_date == dt.datetime(2026, 11, 28, tzinfo=china)
    assert meta.modification_date == meta.creation_date


def test_bookmarks_follow_the_headings(pdf: bytes) -> None:
    def titles(items: list[Any]) -> list[Any]:
        return [titles(i) if isinstance(i, list) else i.title for i in items]

    assert titles(PdfReader(io.BytesIO(pdf)).outline) == [
        "售后服务承诺书",
        ["一、质量保证", ["（一）质保期限"], "二、响应时间", "三、备品备件"],
    ]


def test_a4_size_and_pages(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert 3 <= len(reader.pages) <= 5
    assert len(pdf) < 350_000


def test_long_table_repeats_its_header_on_the_next_page(pages: list[str]) -> None:
    first = next(i for i, p in enumerate(pages) if "第1号备件" in p)
    last = next(i for i, p in enumerate(pages) if f"第{SPARE_ROWS}号备件" in p)
    assert last > first
    for page in pages[first : last + 1]:
        assert re.search(r"备件序号\s+备件名称\s+供应承诺", page), page


@pytest.mark.slow
def test_same_letter_same_bytes(renderer: PdfRenderer, pdf: bytes) -> None:
    assert renderer.render(_letter()) == pdf


@pytest.mark.slow
def test_module_functions_use_the_bundled_template() -> None:
    letter = _short_letter()
    data, pages = render_pdf_counted(letter)
    assert render_pdf(letter) == data
    assert pages == len(PdfReader(io.BytesIO(data)).pages) == 1
    assert '<h2 class="heading">一、质量保证</h2>' in render_html(letter)


def test_signature_with_seal_image(renderer: PdfRenderer, tmp_path: Path) -> None:
    seal = tmp_path / "seal.png"
    Image.new("RGBA", (300, 300), (200, 0, 0, 128)).save(seal)
    letter = _short_letter(
        signature=dataclasses.replace(_letter().signature, seal_image=seal),
        asset_dirs=(tmp_path,),
    )
    reader = PdfReader(io.BytesIO(renderer.render(letter)))
    images = [img for page in reader.pages for img in page.images]
    assert len(images) == 1
    assert images[0].image is not None and images[0].image.size == (300, 300)


def test_missing_seal_image_is_named(renderer: PdfRenderer, tmp_path: Path) -> None:
    missing = tmp_path / "missing-seal.png"
    letter = _short_letter(
        signature=dataclasses.replace(_letter().signature, seal_image=missing),
        asset_dirs=(tmp_path,),
    )
    with pytest.raises(RenderError, match=r"missing-seal\.png"):
        renderer.render(letter)


def test_seal_outside_the_asset_folders_is_refused(renderer: PdfRenderer, tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    seal = tmp_path / "seal.png"
    Image.new("RGB", (50, 50)).save(seal)
    letter = _short_letter(
        signature=dataclasses.replace(_letter().signature, seal_image=seal),
        asset_dirs=(tmp_path / "assets",),
    )
    with pytest.raises(RenderError, match="outside the allowed folders"):
        renderer.render(letter)


def _user_templates(tmp_path: Path, html_extra: str = "", css_extra: str = "") -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    html = (folder / "letter.html.j2").read_text(encoding="utf-8")
    (folder / "letter.html.j2").write_text(
        html.replace("</body>", f"{html_extra}</body>"), encoding="utf-8"
    )
    with (folder / "letter.css").open("a", encoding="utf-8") as css:
        css.write(css_extra)
    return folder


def test_missing_image_in_a_template_fails_the_render(tmp_path: Path) -> None:
    folder = _user_templates(tmp_path, html_extra='<img src="logo-not-there.png" alt="">')
    with pytest.raises(RenderError, match=r"WeasyPrint reported problems:[\s\S]*logo-not-there"):
        PdfRenderer(folder).render(_short_letter())


def test_network_image_in_a_template_is_refused(tmp_path: Path) -> None:
    folder = _user_templates(tmp_path, html_extra='<img src="http://example.com/x.png" alt="">')
    with pytest.raises(RenderError, match=r"http://example\.com/x\.png"):
        PdfRenderer(folder).render(_short_letter())


def test_unknown_css_fails_when_the_renderer_is_made(tmp_path: Path) -> None:
    folder = _user_templates(tmp_path, css_extra="p { colr: red; }\n")
    with pytest.raises(RenderError, match="colr"):
        PdfRenderer(folder)


def test_user_template_is_sandboxed(tmp_path: Path) -> None:
    folder = _user_templates(tmp_path, html_extra="{{ letter.__class__.__mro__ }}")
    with pytest.raises(RenderError, match=r"letter\.html\.j2: .*__class__"):
        PdfRenderer(folder).html(_short_letter())


def test_typo_in_a_template_is_an_error(tmp_path: Path) -> None:
    folder = _user_templates(tmp_path, html_extra="{{ letter.titel }}")
    with pytest.raises(RenderError, match="titel"):
        PdfRenderer(folder).html(_short_letter())


def test_uncovered_character_names_character_and_field(renderer: PdfRenderer) -> None:
    exclusions = Table("表1 除外责任", ("序号", "情形"), (("1", "人为损坏"), ("2", "天灾𠀀除外")))
    letter = _letter(sections=(Section("一、", "质保", 1, (Paragraph("质保一年。"), exclusions)),))
    with pytest.raises(RenderError) as caught:
        renderer.render(letter)
    assert str(caught.value) == (
        'field letter.sections[0].blocks[1].rows[1][1]: character "𠀀" (U+20000) '
        "is not covered by any installed font (Noto Serif CJK SC, Noto Sans CJK SC)"
    )


def test_uncovered_lists_each_missing_character_once() -> None:
    assert fonts.uncovered("质保期 18 months\n𠀀★①℃—𠀀😀\u0007") == ["𠀀", "😀", "\u0007"]
    assert fonts.uncovered("") == []


def test_check_text_fields_message() -> None:
    assert fonts.check_text_fields(
        [("commitments.warranty.exclusions[0]", "天灾𠀀"), ("company.name", "上海公司")]
    ) == [
        'field commitments.warranty.exclusions[0]: character "𠀀" (U+20000) is not covered '
        "by any installed font (Noto Serif CJK SC, Noto Sans CJK SC)"
    ]


def test_faces_are_the_installed_noto_cjk_sc() -> None:
    assert [(f.family, f.style) for f in fonts.faces()] == [
        ("Noto Serif CJK SC", "Regular"),
        ("Noto Sans CJK SC", "Bold"),
    ]
    assert all(f.path.is_file() for f in fonts.faces())


def test_fast_font_subsetter_is_available() -> None:
    assert subsetter_problem() is None


def test_timestamps(monkeypatch: pytest.MonkeyPatch) -> None:
    assert pdf_timestamp(dt.date(2026, 1, 5)) == "2026-01-05T00:00:00+08:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert pdf_timestamp(None) == "2023-11-14T22:13:20Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert pdf_timestamp(None) is None  # no made-up date: CreationDate and ModDate left out
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(RenderError, match="SOURCE_DATE_EPOCH"):
        pdf_timestamp(None)

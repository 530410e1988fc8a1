"""The DOCX renderer: styles, page, tables, figure, signature, escaping, reproducibility."""

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree as ET

import docx
import pytest
from documents import shown
from docx.shared import Mm
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree
from PIL import Image, ImageDraw

from generator.errors import RenderError
from generator.letter.document import Figure, Letter, Paragraph, Section, Signature, Table
from generator.profiles.models import ServiceProcess
from generator.render.docxfile import default_template, render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {
    "w": W[1:-1],
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
SPECIAL = "A&B <c> \"d\" 'e'"
PROJECT = "银川至某某高速公路监控系统采购项目"
TENDER_NO = "NXJT-2026-001"
BODY = "我公司郑重承诺，严格按照招标文件要求提供售后服务，质保期自验收合格之日起计算。" * 3


def _process() -> ServiceProcess:
    return ServiceProcess.model_validate(
        {
            "steps": [
                {
                    "id": "reg",
                    "label": "售后服务登记",
                    "owner": "客服中心",
                    "limit": "1h",
                    "next": "go",
                },
                {"id": "go", "label": "派工赶赴现场", "limit": "8h", "next": "fix"},
                {"id": "fix", "label": "维修", "limit": "8h", "next": "sign"},
                {"id": "sign", "label": "用户签认维修维护记录"},
            ],
            "total_limit": "24h",
        }
    )


def _letter(
    *, seal: Path | None = None, asset_dirs: tuple[Path, ...] = (), date: dt.date | None = None
) -> Letter:
    rows = tuple((str(i), f"银川市区{i}", "8小时内", "24小时内") for i in range(1, 31))
    return Letter(
        title="售后服务承诺书",
        addressee="致：宁夏回族自治区交通运输厅（招标人）",
        opening=(Paragraph(BODY), Paragraph(f"特殊字符：{SPECIAL}")),
        sections=(
            Section(
                "一、",
                "售后服务机构及人员配备",
                1,
                (
                    Paragraph(BODY),
                    Section(
                        "（一）",
                        "本地服务队伍",
                        2,
                        (
                            Paragraph("项目经理常驻银川。", number="1."),
                            Section(
                                "1.",
                                "值班安排",
                                3,
                                (Section("（1）", "节假日值守", 4, (Paragraph("专人值守。"),)),),
                            ),
                        ),
                    ),
                ),
            ),
            Section(
                "二、",
                "响应时间",
                1,
                (
                    Table(
                        "表1 响应时间",
                        ("序号", "地区", "到达现场", "修复时限"),
                        (("0", f"郊县 {SPECIAL}", "12小时内", "36小时内"), *rows),
                        widths=(1, 3, 2, 2),
                    ),
                    Paragraph("注：时限自接到通知时起算。", style="note"),
                ),
            ),
            Section("三、", "售后服务流程", 1, (Figure("图1 售后服务流程图", _process()),)),
        ),
        closing=(Paragraph("特此承诺。"),),
        signature=Signature(
            company_label="投标人（盖章）",
            company=f"宁夏某某科技有限公司 {SPECIAL}",
            signatory_label="法定代表人或授权代表（签字）",
            signatory=None,
            date_label="日期",
            date_text="2026年11月28日",
            phone="0951-1234567",
            phone_label="联系电话",
            seal_image=seal,
        ),
        header_text=f"{PROJECT}  招标编号：{TENDER_NO}",
        meta_title="售后服务承诺书",
        meta_author="宁夏某某科技有限公司",
        meta_subject=TENDER_NO,
        date=dt.date(2026, 11, 28) if date is None else date,
        asset_dirs=asset_dirs,
    )


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_docx(_letter())


@pytest.fixture(scope="module")
def document(rendered: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(rendered))


def _part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def _style(styles: etree._Element, style_id: str) -> etree._Element:
    found = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
    assert found is not None, style_id
    return found


def _style_name(paragraph: DocxParagraph) -> str | None:
    return paragraph.style.name if paragraph.style is not None else None


def _body_texts(document: docx.document.Document) -> list[tuple[str | None, str]]:
    return [(_style_name(p), shown(p.text)) for p in document.paragraphs]


def _seal_area(document: docx.document.Document) -> DocxParagraph:
    return next(p for p in document.paragraphs if _style_name(p) == "Seal Area")


def test_sections_use_the_heading_styles(document: docx.document.Document) -> None:
    texts = _body_texts(document)
    assert ("Title", "售后服务承诺书") in texts
    assert ("Heading 1", "一、售后服务机构及人员配备") in texts
    assert ("Heading 2", "（一）本地服务队伍") in texts
    assert ("Heading 3", "1.值班安排") in texts
    assert ("Heading 4", "（1）节假日值守") in texts
    assert ("Normal", "1.项目经理常驻银川。") in texts
    assert ("Note", "注：时限自接到通知时起算。") in texts


def test_fonts_sizes_and_spacing_in_styles(rendered: bytes) -> None:
    styles = _part(rendered, "word/styles.xml")

    def east_asian(style_id: str) -> str | None:
        fonts = _style(styles, style_id).find("w:rPr/w:rFonts", NS)
        return None if fonts is None else fonts.get(f"{W}eastAsia")

    assert east_asian("Normal") == "宋体"
    for level in (1, 2, 3, 4):
        assert east_asian(f"Heading{level}") == "黑体"
        outline = _style(styles, f"Heading{level}").find("w:pPr/w:outlineLvl", NS)
        assert outline is not None and outline.get(f"{W}val") == str(level - 1)
    assert east_asian("Title") == "黑体"

    normal = _style(styles, "Normal")
    assert normal.find("w:rPr/w:sz", NS).get(f"{W}val") == "24"  # 小四
    spacing = normal.find("w:pPr/w:spacing", NS)
    assert (spacing.get(f"{W}line"), spacing.get(f"{W}lineRule")) == ("360", "auto")  # 1.5
    assert normal.find("w:pPr/w:ind", NS).get(f"{W}firstLineChars") == "200"
    for table_style in ("LetterTable", "TableText", "TableHeading"):
        size = _style(styles, table_style).find("w:rPr/w:sz", NS)
        assert table_style == "TableHeading" or size.get(f"{W}val") == "21"  # 五号


def test_page_is_a4_with_header_and_page_fields(document: docx.document.Document) -> None:
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    header = "".join(p.text for p in section.header.paragraphs)
    assert PROJECT in header and TENDER_NO in header
    footer = section.footer._element
    fields = "".join(footer.itertext())
    instructions = [t.text.split()[0] for t in footer.iter(f"{W}instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert fields.startswith("第 ") and " 页 共 " in fields


def test_table_repeats_its_header_row(document: docx.document.Document) -> None:
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "地区", "到达现场", "修复时限"]
    assert shown(table.rows[5].cells[1].text) == "银川市区4"
    assert table.style is not None and table.style.name == "Letter Table"
    rows = table._tbl.findall(f"{W}tr")
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    widths = [c.width for c in table.rows[0].cells]
    assert widths[1] / widths[0] == pytest.approx(3, rel=0.01)
    assert widths[2] / widths[0] == pytest.approx(2, rel=0.01)
    assert sum(widths) == pytest.approx(Mm(210 - 28 - 26), rel=0.01)
    assert table.rows[0].cells[0].paragraphs[0].style.name == "Table Heading"
    assert table.rows[1].cells[0].paragraphs[0].style.name == "Table Text"


def test_flowchart_fallback_picture_is_200_dpi_or_more(rendered: bytes) -> None:
    body = _part(rendered, "word/document.xml")
    # The chart is shapes; its PNG is only the fallback for a reader without them, and both
    # take the same room (tests/test_flowchart_docx.py tests the shapes).
    (chart,) = body.findall(f".//{{{MC}}}AlternateContent")
    (shapes,) = chart.findall(f"{{{MC}}}Choice//wp:inline", NS)
    (drawing,) = chart.findall(f"{{{MC}}}Fallback//wp:inline", NS)
    assert body.findall(".//wp:inline", NS) == [shapes, drawing]
    extents = [int(e.find("wp:extent", NS).get("cx")) for e in (shapes, drawing)]
    assert abs(extents[0] - extents[1]) < 100, extents
    width_inches = int(drawing.find("wp:extent", NS).get("cx")) / 914400
    rid = drawing.find(".//a:blip", NS).get(f"{{{NS['r']}}}embed")
    rels = _part(rendered, "word/_rels/document.xml.rels")
    target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    with zipfile.ZipFile(io.BytesIO(rendered)) as package:
        png = Image.open(io.BytesIO(package.read(f"word/{target}")))
    assert png.format == "PNG"
    assert png.width / width_inches >= 199.5


def test_special_characters_survive_verbatim(
    document: docx.document.Document,
) -> None:
    texts = [shown(p.text) for p in document.paragraphs]
    assert f"特殊字符：{SPECIAL}" in texts
    assert f"投标人（盖章）：宁夏某某科技有限公司 {SPECIAL}" in texts
    assert shown(document.tables[0].rows[1].cells[1].text) == f"郊县 {SPECIAL}"


def test_template_fields_are_escaped() -> None:
    # header_text, title and the signature go through Jinja (autoescape), not python-docx.
    letter = replace(_letter(), header_text=f"{PROJECT} {SPECIAL}", title=f"承诺书 {SPECIAL}")
    out = docx.Document(io.BytesIO(render_docx(letter)))
    assert out.sections[0].header.paragraphs[0].text == f"{PROJECT} {SPECIAL}"
    assert out.paragraphs[0].text == f"承诺书 {SPECIAL}"


def test_signature_block_with_empty_seal_area(document: docx.document.Document) -> None:
    texts = _body_texts(document)
    seal = _seal_area(document)
    assert seal.text == "" and not seal._p.findall(f".//{W}drawing")
    assert seal.style is not None
    assert seal.style.paragraph_format.line_spacing >= Mm(45)
    after = [text for _, text in texts[texts.index(("Seal Area", "")) + 1 :]]
    assert after == [
        f"投标人（盖章）：宁夏某某科技有限公司 {SPECIAL}",
        "法定代表人或授权代表（签字）：",
        "联系电话：0951-1234567",
        "日期：2026年11月28日",
    ]


def test_seal_image_is_placed_when_given(tmp_path: Path) -> None:
    seal = tmp_path / "seal.png"
    image = Image.new("RGB", (300, 300), "white")
    ImageDraw.Draw(image).ellipse((5, 5, 295, 295), outline="red", width=10)
    image.save(seal)
    out = docx.Document(io.BytesIO(render_docx(_letter(seal=seal, asset_dirs=(tmp_path,)))))
    extent = _seal_area(out)._p.find(f".//{{{NS['wp']}}}extent")
    assert extent is not None
    assert round(int(extent.get("cx")) / 36000) == 40  # mm


def test_seal_outside_the_profile_folders_is_refused(tmp_path: Path) -> None:
    outside, allowed = tmp_path / "seal.png", tmp_path / "profile"
    allowed.mkdir()
    Image.new("RGB", (10, 10)).save(outside)
    with pytest.raises(RenderError, match="outside"):
        render_docx(_letter(seal=outside, asset_dirs=(allowed,)))


def test_two_renders_are_byte_identical_and_dated_by_the_letter(rendered: bytes) -> None:
    assert render_docx(_letter()) == rendered
    with zipfile.ZipFile(io.BytesIO(rendered)) as package:
        names = package.namelist()
        assert names[0] == "[Content_Types].xml"
        assert {i.date_time for i in package.infolist()} == {(2026, 11, 28, 0, 0, 0)}
    props = docx.Document(io.BytesIO(rendered)).core_properties
    assert (
        props.created == props.modified == dt.datetime(2026, 11, 27, 16, tzinfo=dt.UTC)
    )  # 0:00 +08:00
    # python-docx cannot read cp:revision here: docxcompose rebinds its "cp" prefix.
    core = _core(rendered)
    assert (core["title"], core["subject"], core["revision"]) == ("售后服务承诺书", TENDER_NO, "1")


def _core(data: bytes) -> dict[str, str]:
    """docProps/core.xml by local name; a property written twice fails the test."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = ET.fromstring(package.read("docProps/core.xml"))
    names = [child.tag.rsplit("}", 1)[-1] for child in root]
    assert len(names) == len(set(names)), names
    return {child.tag.rsplit("}", 1)[-1]: child.text or "" for child in root}


def test_docprops_name_aftersales_and_no_page_count(rendered: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(rendered)) as package:
        app = ET.fromstring(package.read("docProps/app.xml"))
    fields = {child.tag.rsplit("}", 1)[-1]: child.text for child in app}
    assert fields == {"Application": "aftersales"}  # no template's "Microsoft Word", no Pages
    assert _core(rendered)["creator"] == "宁夏某某科技有限公司"


def test_undated_letter_records_no_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = render_docx(replace(_letter(), date=None))
    core = _core(data)
    assert "created" not in core and "modified" not in core
    with zipfile.ZipFile(io.BytesIO(data)) as package:  # zip entries need a time: the zip epoch
        assert {i.date_time for i in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert b"2000-01-01" not in data


def test_undated_letter_uses_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    letter = replace(_letter(), date=None)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    first = render_docx(letter)
    props = docx.Document(io.BytesIO(first)).core_properties
    assert props.created == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert render_docx(letter) == first


def test_template_typo_is_an_error(tmp_path: Path) -> None:
    template = docx.Document(str(default_template()))
    template.paragraphs[0].runs[0].text = "{{ titel }}"
    broken = tmp_path / "typo.docx"
    template.save(str(broken))
    with pytest.raises(RenderError, match="titel"):
        render_docx(_letter(), template=broken)


def test_template_without_the_styles_is_an_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain.docx"
    docx.Document().save(str(plain))
    with pytest.raises(RenderError, match="Letter Table"):
        render_docx(_letter(), template=plain)


@pytest.fixture(scope="module")
def pdf_text(rendered: bytes, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("lo")
    source = folder / "letter.docx"
    source.write_bytes(rendered)
    profile = Path(f"/tmp/lo-profile-{os.getpid()}")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = folder / "letter.pdf"
    assert pdf.is_file(), "LibreOffice wrote no PDF"
    result = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    )
    yield result.stdout
    shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.slow
def test_libreoffice_lays_it_out(pdf_text: str) -> None:
    # pdftotext adds or drops spaces between CJK characters and digits.
    text = re.sub(r"\s+", "", pdf_text)
    assert "售后服务承诺书" in text
    assert "银川市区17" in text
    assert "日期：2026年11月28日" in text
    pages = re.findall(r"第(\d+)页共(\d+)页", text)
    assert pages[0] == ("1", pages[0][1]) and int(pages[0][1]) >= 2
    assert [int(p) for p, _ in pages] == list(range(1, len(pages) + 1))
    # The header row repeats on the page the table continues on.
    assert text.count("修复时限") >= 2

"""The letter's `format:` (presets, fonts, sizes, spacing, margins, header, footer, page
numbers) and the company's own Word template (`docx_template:`, `--docx-template`): read,
checked, and applied alike to the DOCX and the PDF."""

import io
import shutil
import subprocess
import unicodedata
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from documents import docx_header_footer, docx_lines, pdf_fonts, pdf_lines, squash
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import Image

from conftest import example, run, tender_path
from generator.profiles.models import Format, PageNumbers, Preset
from generator.profiles.typography import parse_length, parse_size, parse_spacing
from generator.render.formatting import format_fonts, page_format, stylesheet

HEADER_TEXT = "华通智能交通科技有限公司 信誉至上"
FOOTER_TEXT = "地址：银川市金凤区 电话：0951-1234567"

# ---------------------------------------------------------------- the grammar


@pytest.mark.parametrize(
    ("text", "points"),
    [
        ("小四", "12"),
        ("三号", "16"),
        ("五號", "10.5"),
        ("二号字", "22"),
        ("12pt", "12"),
        ("10.5磅", "10.5"),
        ("14", "14"),
    ],
)
def test_sizes_read_in_hao_or_points(text: str, points: str) -> None:
    assert parse_size(text) == Decimal(points)


@pytest.mark.parametrize("text", ["十三号", "0pt", "100pt", "big"])
def test_a_size_that_is_none_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a font size"):
        parse_size(text)


def test_line_spacing_and_lengths() -> None:
    assert parse_spacing("1.5倍") == ("multiple", Decimal("1.5"))
    assert parse_spacing("单倍行距") == ("multiple", Decimal(1))
    assert parse_spacing("固定值28磅") == ("exact", Decimal(28))
    assert parse_spacing("28.95pt") == ("exact", Decimal("28.95"))
    assert parse_length("2.5cm") == Decimal("25.00")
    assert parse_length("37毫米") == Decimal("37.00")
    with pytest.raises(ValueError, match="unit"):
        parse_length("25")
    with pytest.raises(ValueError, match="line spacing"):
        parse_spacing("宽松")


# ---------------------------------------------------------------- presets and CSS


def test_the_gbt9704_preset_is_the_official_document_layout() -> None:
    fmt = page_format(Format(preset=Preset.GBT9704))
    assert (fmt.body_font, fmt.body_size) == ("仿宋_GB2312", Decimal(16))
    assert (fmt.title_font, fmt.title_size) == ("小标宋", Decimal(22))
    assert fmt.subheading_font == "楷体_GB2312"
    # 版心 156 × 225 mm: 37 mm from the top, 28 mm from the left; 22 lines a page.
    assert fmt.margins == (Decimal(37), Decimal(26), Decimal(35), Decimal(28))
    assert fmt.spacing == ("exact", Decimal("28.95"))
    assert not fmt.header and fmt.page_numbers is PageNumbers.DASH


def test_fields_change_the_preset_and_fonts_map_to_embedded_faces() -> None:
    fmt = page_format(
        Format.model_validate(
            {
                "body_font": "楷体",
                "body_size": "三号",
                "margins": {"left": "3cm"},
                "header": "某项目投标文件",
                "page_numbers": "plain",
            }
        )
    )
    assert fmt.body_size == Decimal(16) and fmt.margins[3] == Decimal(30)
    assert fmt.margins[0] == Decimal(25)  # the business preset's, not given
    assert fmt.header and fmt.header_text == "某项目投标文件"
    sc = format_fonts(fmt, {"body": "Noto Serif CJK SC", "heading": "Noto Sans CJK SC"})
    assert sc["body"] == "AR PL UKai CN" and sc["heading"] == "Noto Sans CJK SC"
    tc = format_fonts(fmt, {"body": "Noto Serif CJK TC", "heading": "Noto Sans CJK TC"})
    assert tc["body"] == "AR PL UKai TW"
    # English keeps its Latin face first; the CJK fallback follows the format.
    en = format_fonts(fmt, {"body": "DejaVu Serif, Noto Serif CJK SC", "heading": "DejaVu Sans"})
    assert en["body"] == "DejaVu Serif, AR PL UKai CN"
    css = stylesheet(fmt, sc, "第 {page} 页 共 {pages} 页")
    assert "margin: 25mm 26mm 25mm 30mm" in css
    assert 'html { font-family: "AR PL UKai CN"; font-size: 16pt' in css
    assert "@bottom-center { content: counter(page);" in css


def test_a_footer_line_and_the_languages_page_words_in_css() -> None:
    fmt = page_format(Format.model_validate({"footer": 'A "quoted" line\\'}))
    css = stylesheet(
        fmt,
        {"body": "a", "heading": "b", "subheading": "b", "title": "b"},
        "Page {page} of {pages}",
    )
    # The user's text is a CSS string with its quotes and backslashes escaped.
    assert '"A \\22 quoted\\22  line\\5c " "\\A" "Page " counter(page) " of "' in css


# ---------------------------------------------------------------- profiles


def _copy_example(tmp_path: Path, name: str = "ex2") -> Path:
    source = example(name).parent
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target / "project.yaml"


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_project_changes_what_it_names_of_the_companys_format(tmp_path: Path) -> None:
    from generator.profiles.loading import load_profile

    project = _copy_example(tmp_path)
    _append(project.parent / "company.yaml", "format:\n  preset: gbt9704\n  body_size: 三号\n")
    _append(project, "format:\n  body_size: 小四\n  margins: {top: 30mm}\n")
    fmt = load_profile(project).profile.project.format
    assert fmt is not None
    assert (fmt.preset, fmt.body_size) == (Preset.GBT9704, "小四")
    assert fmt.margins is not None and fmt.margins.top == "30mm"


def test_an_unknown_font_is_a_located_error(tmp_path: Path) -> None:
    project = _copy_example(tmp_path)
    _append(project, "format:\n  body_font: Comic Sans\n  line_spacing: 宽松\n")
    code, _, err = run("validate", project)
    assert code == 2, err
    line = len(project.read_text(encoding="utf-8").splitlines())
    assert f"project.yaml:{line - 1}:14: format.body_font: " in err
    assert '"Comic Sans" is not a font' in err
    assert f"project.yaml:{line}:17: format.line_spacing: " in err


# ---------------------------------------------------------------- hostile templates


def _brand_docx() -> bytes:
    """A company template as Word users make one: 楷体 14 pt body, 黑体 headings, a header
    with a logo and the company's line, a footer with its address."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "楷体_GB2312")
    heading = document.styles["Heading 1"]
    heading.font.size = Pt(18)
    heading.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")
    section = document.sections[0]
    section.top_margin, section.left_margin = Mm(30), Mm(30)
    logo = io.BytesIO()
    Image.new("RGB", (120, 40), (200, 30, 30)).save(logo, "PNG")
    first = section.header.paragraphs[0]
    first.add_run().add_picture(io.BytesIO(logo.getvalue()), height=Mm(8))
    first.add_run(f"  {HEADER_TEXT}")
    section.footer.paragraphs[0].text = FOOTER_TEXT
    document.add_paragraph("the template's own body, never taken")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _rezip(
    data: bytes,
    change: Callable[[str, bytes], bytes | None],
    extra: tuple[tuple[str, bytes], ...] = (),
) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for entry in source.infolist():
            changed = change(entry.filename, source.read(entry))
            if changed is not None:
                target.writestr(entry.filename, changed)
        for name, content in extra:
            target.writestr(name, content)
    return out.getvalue()


def _same(_name: str, data: bytes) -> bytes:
    return data


def _dtd(name: str, data: bytes) -> bytes:
    if name == "word/styles.xml":
        return data.replace(b"?>", b'?>\n<!DOCTYPE w:styles [<!ENTITY a "aaaa">]>', 1)
    return data


def _code(name: str, data: bytes) -> bytes:
    if name.startswith("word/header"):
        return data.replace("华通".encode(), b"{{ signature.company }}", 1)
    return data


def _macro_type(name: str, data: bytes) -> bytes:
    if name == "[Content_Types].xml":  # a .docm's main part under a .docx name
        main = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        return data.replace(main, b"application/vnd.ms-word.document.macroEnabled.main+xml")
    return data


def _external(name: str, data: bytes) -> bytes:
    if name.startswith("word/_rels/header"):
        return data.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/image" Target="http://example.invalid/x.png" '
            b'TargetMode="External"/></Relationships>',
        )
    return data


def _dtd16(name: str, data: bytes) -> bytes:
    if name == "word/styles.xml":
        text = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
        return text.replace("?>", '?>\n<!DOCTYPE w:styles [<!ENTITY a "aaaa">]>', 1).encode(
            "utf-16"
        )
    return data


def _bad_value(name: str, data: bytes) -> bytes:
    if name == "word/styles.xml":  # Normal's 14 pt as a word (exit 70 before)
        return data.replace(b'<w:sz w:val="28"/>', b'<w:sz w:val="abc"/>', 1)
    return data


def _bad_spacing(name: str, data: bytes) -> bytes:
    if name == "word/styles.xml":  # in a style the look does not read (exit 70 before)
        head = b'w:styleId="ListParagraph"><w:name w:val="List Paragraph"/>'
        assert head in data
        return data.replace(head, head + b'<w:pPr><w:spacing w:before="x"/></w:pPr>', 1)
    return data


HOSTILE: dict[str, tuple[str, Callable[[bytes], bytes], str]] = {
    "dtd": ("brand.docx", lambda b: _rezip(b, _dtd), "word/styles.xml:2:1: declares a DOCTYPE"),
    "dtd in utf-16": (
        "brand.docx",
        lambda b: _rezip(b, _dtd16),
        "word/styles.xml:2:1: declares a DOCTYPE",
    ),
    "macro": ("brand.docm", lambda b: b, "a macro-enabled document (.docm) is refused"),
    "macro content type": (
        "brand.docx",
        lambda b: _rezip(b, _macro_type),
        "[Content_Types].xml:2:",
    ),
    "vba": (
        "brand.docx",
        lambda b: _rezip(b, _same, (("word/vbaProject.bin", b"\0" * 64),)),
        "word/vbaProject.bin: macros or ActiveX controls are refused",
    ),
    "zip bomb": (
        "brand.docx",
        lambda b: _rezip(b, _same, (("word/media/pad.xml", b"\0" * (8 * 1024 * 1024)),)),
        "word/media/pad.xml: packed",
    ),
    "100 MB part": (
        "brand.docx",
        lambda b: _rezip(b, _same, (("word/media/big.bin", b"\0" * (100 * 1024 * 1024)),)),
        "word/media/big.bin: unpacks to 104857600 bytes, over the limit of 20971520",
    ),
    "bad value": (
        "brand.docx",
        lambda b: _rezip(b, _bad_value),
        "a style or page value Word would not write",
    ),
    "bad value in another style": (
        "brand.docx",
        lambda b: _rezip(b, _bad_spacing),
        "a style or page value Word would not write",
    ),
    "bad value in the footer": (  # copied as it was into the letter, which Word would repair
        "brand.docx",
        lambda b: _rezip(
            b,
            lambda name, data: (
                data.replace(b"<w:p>", b'<w:p><w:pPr><w:ind w:left="z"/></w:pPr>', 1)
                if name.startswith("word/footer")
                else data
            ),
        ),
        "a style or page value Word would not write",
    ),
    "template code": ("brand.docx", lambda b: _rezip(b, _code), "holds template code ('{{')"),
    "external link": ("brand.docx", lambda b: _rezip(b, _external), "an external link"),
    "not a zip": ("brand.docx", lambda b: b"PK\x03\x04 broken", "not a .docx"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_templates_are_refused_before_anything_is_written(
    tmp_path: Path, kind: str
) -> None:
    name, make, said = HOSTILE[kind]
    template = tmp_path / name
    template.write_bytes(make(_brand_docx()))
    out = tmp_path / "out"
    code, _, err = run(
        "render", example("ex2"), "-o", out, "--format", "docx", "--docx-template", template
    )
    assert code == 2, err
    assert err.startswith(f"{template}: --docx-template: "), err
    assert said in err
    assert "Traceback" not in err and not out.exists()


def test_a_companys_bad_template_is_located_at_the_line_naming_it(tmp_path: Path) -> None:
    project = _copy_example(tmp_path)
    (project.parent / "brand.docx").write_bytes(_rezip(_brand_docx(), _dtd))
    company = project.parent / "company.yaml"
    _append(company, "docx_template: brand.docx\n")
    line = len(company.read_text(encoding="utf-8").splitlines())
    code, _, err = run("validate", project)
    assert code == 2
    assert f"company.yaml:{line}:16: company.docx_template: brand.docx: word/styles.xml:2:1:" in err


# ---------------------------------------------------------------- rendered


def _page_words(pdf: Path, page: int) -> list[tuple[float, float, float]]:
    """(xMin, yMin, xMax) in points of every word on `page`."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = []
    for line in out.splitlines():
        if line.strip().startswith("<word "):
            attrs = dict(part.split("=", 1) for part in line.strip()[6:].split(">")[0].split())
            x0, y0, x1 = (float(attrs[k].strip('"')) for k in ("xMin", "yMin", "xMax"))
            words.append((x0, y0, x1))
    return words


@pytest.mark.slow
def test_the_gbt9704_letter_in_docx_and_pdf(tmp_path: Path) -> None:
    project = _copy_example(tmp_path)
    _append(project, "format:\n  preset: gbt9704\n  footer: 宁夏高速公路监控系统投标文件\n")
    out = tmp_path / "out"
    code, _, err = run("render", project, "-o", out)
    assert code == 0, err
    (pdf,) = out.glob("*.pdf")
    (docx_file,) = out.glob("*.docx")

    faces = {name.split("+", 1)[1]: (emb, sub) for name, emb, sub in pdf_fonts(pdf)}
    assert faces["AR-PL-UKai-CN"] == ("yes", "yes")  # 仿宋 body, 楷体 sub-headings
    assert "Noto-Serif-CJK-SC-Bold" in faces  # 小标宋 title
    assert "Noto-Sans-CJK-SC-Bold" in faces  # 黑体 headings
    assert all(flags == ("yes", "yes") for flags in faces.values())

    first = " ".join(pdf_lines(pdf, first=1, last=1))
    second = " ".join(pdf_lines(pdf, first=2, last=2))
    assert "— 1 —" in first and "— 2 —" in second
    assert "宁夏高速公路监控系统投标文件" in first
    assert "第 1 页" not in first
    # 28 characters a full line (三号 condensed by 0.25 pt, as a Word 文档网格 sets them).
    wide = [
        sum(unicodedata.east_asian_width(c) in "WF" for c in line)
        for line in pdf_lines(pdf, first=2, last=2)
    ]
    assert max(wide) == 28
    # The text block: 28 mm from the left, at most 210 − 26 mm to the right (in points).
    words = [w for w in _page_words(pdf, 1) if w[1] < 297 / 25.4 * 72 - 35 / 25.4 * 72]
    left, right = min(w[0] for w in words), max(w[2] for w in words)
    assert abs(left - 28 / 25.4 * 72) < 1.5, left
    assert right <= (210 - 26) / 25.4 * 72 + 1

    document = docx.Document(str(docx_file))
    section = document.sections[0]
    assert section.top_margin is not None and section.left_margin is not None
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert section.header.is_linked_to_previous  # no header
    normal = document.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing == Pt(28.95)
    assert normal.element.rPr.find(qn("w:spacing")).get(qn("w:val")) == "-5"
    assert document.styles["Title"].element.rPr.rFonts.get(qn("w:eastAsia")) == "小标宋"
    assert document.settings.odd_and_even_pages_header_footer
    _, footer_xml = docx_header_footer(docx_file)
    assert (
        "— " in footer_xml
        and " PAGE " in footer_xml
        and "宁夏高速公路监控系统投标文件" in footer_xml
    )
    even = section.even_page_footer
    assert not even.is_linked_to_previous and " PAGE " in even._element.xml
    # The same letter: DOCX and PDF say the same.
    assert squash("".join(docx_lines(docx_file)))[:200] in squash("".join(pdf_lines(pdf)))


@pytest.mark.slow
def test_a_company_template_gives_the_docx_and_the_pdf_its_look(tmp_path: Path) -> None:
    project = _copy_example(tmp_path)
    (project.parent / "brand.docx").write_bytes(_brand_docx())
    _append(project.parent / "company.yaml", "docx_template: brand.docx\n")
    out = tmp_path / "out"
    code, _, err = run("render", project, "-o", out)
    assert code == 0, err
    (pdf,) = out.glob("*.pdf")
    (docx_file,) = out.glob("*.docx")

    document = docx.Document(str(docx_file))
    normal = document.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    assert normal.font.size == Pt(14)
    section = document.sections[0]
    assert section.top_margin is not None and section.left_margin is not None
    assert round(section.top_margin.mm) == 30 and round(section.left_margin.mm) == 30
    header, footer_xml = docx_header_footer(docx_file)
    assert HEADER_TEXT in header
    assert "<a:blip" in section.header._element.xml  # the logo came with the header
    assert FOOTER_TEXT in footer_xml and " PAGE " in footer_xml  # our page numbers below it
    lines = docx_lines(docx_file)
    assert "the template's own body, never taken" not in lines
    assert any("售后服务" in line for line in lines)

    first = pdf_lines(pdf, first=1, last=1)
    assert HEADER_TEXT in " ".join(first) and FOOTER_TEXT in " ".join(first)
    assert any(name.endswith("AR-PL-UKai-CN") for name, _, _ in pdf_fonts(pdf))
    images = subprocess.run(
        ["pdfimages", "-list", "-f", "1", "-l", "1", str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    assert any(" 120    40 " in row for row in images), images  # the header's logo

    # LibreOffice opens it and lays out the header and the body.
    converted = tmp_path / "lo"
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(converted),
            str(docx_file),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    (lo_pdf,) = converted.glob("*.pdf")
    lo_first = squash("".join(pdf_lines(lo_pdf, first=1, last=1)))
    assert squash(HEADER_TEXT) in lo_first and "售后服务承诺书" in lo_first


def test_a_tenders_prescribed_format_wins_over_the_projects(tmp_path: Path) -> None:
    from generator.app.batch import _format, _Task
    from generator.profiles.loading import load_profile
    from generator.tender.loading import load_tender

    project = _copy_example(tmp_path)
    _append(project, "format:\n  body_size: 小四\n  margins: {top: 30mm, left: 30mm}\n")
    tender = tmp_path / "tender.yaml"
    tender.write_text(
        tender_path("highway-monitoring").read_text(encoding="utf-8")
        + "format:\n  body_font: 仿宋_GB2312\n  body_size: 三号\n  margins: {top: 37mm}\n",
        encoding="utf-8",
    )
    resolved = load_profile(project)
    task = _Task(resolved, "stem", ("pdf",), load_tender(tender))
    fmt = _format(task)
    assert fmt is not None and fmt.margins is not None
    assert (fmt.body_font, fmt.body_size) == ("仿宋_GB2312", "三号")
    assert (fmt.margins.top, fmt.margins.left) == ("37mm", "30mm")
    assert _format(_Task(resolved, "stem", ("pdf",))) == resolved.profile.project.format


@pytest.mark.slow
def test_a_company_template_under_the_gbt9704_page_numbers(tmp_path: Path) -> None:
    project = _copy_example(tmp_path)
    template = tmp_path / "brand.docx"
    template.write_bytes(_brand_docx())
    _append(project, "format:\n  preset: gbt9704\n")
    out = tmp_path / "out"
    code, _, err = run("render", project, "-o", out, "--docx-template", template)
    assert code == 0, err
    (pdf,) = out.glob("*.pdf")
    (docx_file,) = out.glob("*.docx")
    section = docx.Document(str(docx_file)).sections[0]
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert FOOTER_TEXT in xml and "— " in xml and " PAGE " in xml
    for header in (section.header, section.even_page_header):  # the letterhead, logo and all
        assert HEADER_TEXT in header._element.xml and "<a:blip" in header._element.xml
    # The preset is the base; the template's face and margins over it (30 mm top, not 37).
    normal = docx.Document(str(docx_file)).styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    assert section.top_margin is not None and round(section.top_margin.mm) == 30
    text = " ".join(pdf_lines(pdf, first=2, last=2))
    assert "— 2 —" in text and HEADER_TEXT in text and FOOTER_TEXT in text


def test_a_templates_look_keeps_only_what_a_format_may_hold(tmp_path: Path) -> None:
    from generator.render.docxtemplate import template_look

    document = docx.Document()
    document.styles["Normal"].font.size = Pt(100)  # no format holds it: the preset's stays
    document.sections[0].header.paragraphs[0].text = "\u202e" + "公司" * 150
    path = tmp_path / "odd.docx"
    document.save(str(path))
    look = template_look(path)
    assert "body_size" not in look.fields
    assert look.header_text is not None and len(look.header_text) == 200
    assert "\u202e" not in look.header_text
    assert look.footer_text is None and look.logo_png is None


def test_the_template_is_checked_for_a_pdf_alone_too(tmp_path: Path) -> None:
    template = tmp_path / "brand.docx"
    template.write_bytes(_rezip(_brand_docx(), _dtd))
    code, _, err = run(
        "render",
        example("ex2"),
        "-o",
        tmp_path / "out",
        "--format",
        "pdf",
        "--docx-template",
        template,
    )
    assert code == 2 and "declares a DOCTYPE" in err, err


# ---------------------------------------------------------------- 暗标 and the company template


def test_an_anonymous_letter_refuses_the_companys_template(tmp_path: Path) -> None:
    """A company template's header and footer are its letterhead and logo: a 暗标 letter
    refuses it (the company's field at its line, --docx-template at the file), writing nothing."""
    project = _copy_example(tmp_path)
    (project.parent / "brand.docx").write_bytes(_brand_docx())
    company = project.parent / "company.yaml"
    out = tmp_path / "out"
    flag = tmp_path / "flag.docx"
    flag.write_bytes(_brand_docx())
    code, _, err = run(
        "render", project, "-o", out, "--anonymous", "--docx-template", flag, "--format", "docx"
    )
    assert code == 2 and not out.exists(), err
    assert err.startswith(f"{flag}: --docx-template: 暗标不能使用公司Word模板"), err
    code, _, err = run("render", project, "-o", out, "--docx-template", flag, "--format", "docx")
    assert code == 0, err  # the same template is fine for a named bid

    _append(company, "docx_template: brand.docx\n")
    line = len(company.read_text(encoding="utf-8").splitlines())
    code, _, err = run("render", project, "-o", tmp_path / "out2", "--anonymous")
    assert code == 2 and not (tmp_path / "out2").exists(), err
    assert f"company.yaml:{line}:16: company.docx_template: 暗标不能使用公司Word模板" in err


def test_a_header_line_in_a_table_reaches_the_pdf(tmp_path: Path) -> None:
    # Letterheads are often laid out in a table (logo left, name right). The DOCX takes the
    # header whole, so the PDF must read the same words, not fall back to the letter's own.
    from generator.render.docxtemplate import template_look

    document = docx.Document()
    header = document.sections[0].header
    table = header.add_table(1, 2, Mm(150))
    table.cell(0, 0).text = "华通智能"
    table.cell(0, 1).text = "信誉至上"
    path = tmp_path / "table.docx"
    document.save(str(path))
    look = template_look(path)
    assert look.header_text == "华通智能\n信誉至上"  # a line each, as in the DOCX


@pytest.mark.parametrize("side", [12_000, 20_000])
def test_a_decompression_bomb_in_the_templates_header_is_refused(tmp_path: Path, side: int) -> None:
    from generator.render.docxtemplate import TemplateRefused, check_template

    picture = io.BytesIO()
    Image.new("1", (side, side)).save(picture, "PNG", optimize=True)
    document = docx.Document()
    document.sections[0].header.paragraphs[0].add_run().add_picture(picture, width=Mm(20))
    path = tmp_path / "bomb.docx"
    document.save(str(path))
    with pytest.raises(TemplateRefused, match="pixels"):
        check_template(path)


@pytest.mark.parametrize(
    ("company", "project", "said"),
    [
        (
            "  margins: {left: 100mm}\n",
            "format:\n  margins: {right: 100mm}\n",
            "company.yaml:{line}:19: format.margins.left: the left and right margins leave 10 mm "
            "of the A4 page",
        ),
        (
            "  body_size: 72pt\n",
            "",
            "format.body_size: the left and right margins leave 156 mm of the A4 page, less "
            "than 15 characters of the 72 pt body",
        ),
        (
            "  margins: {top: 100mm, bottom: 100mm}\n  line_spacing: 固定值28磅\n",
            "",
            "format.margins.top: the top and bottom margins leave 97 mm of the A4 page, less "
            "than 10 lines",
        ),
        (
            "  header: " + "页眉" * 30 + "\n",
            "",
            "format.header: a line about 190 mm wide in 9 pt type, wider than the 156 mm between",
        ),
        (
            "  footer: " + "Ab" * 64 + "\n",
            "",
            "format.footer: a line about 244 mm wide in 9 pt type, wider than the 156 mm between",
        ),
        (
            "  line_spacing: 固定值6磅\n",
            "",
            "format.line_spacing: a fixed line height of 6 pt is smaller than the 12 pt body",
        ),
    ],
)
def test_a_format_with_no_room_for_a_letter_is_a_located_error(
    tmp_path: Path, company: str, project: str, said: str
) -> None:
    # Before: every value in range, and the render failed late with "text would leave the
    # page" at some sentence, or printed lines over each other, or a header or footer off the
    # page (exit 0), never at the margin, size or text that caused it.
    path = _copy_example(tmp_path)
    _append(path.parent / "company.yaml", "format:\n" + company)
    _append(path, project)
    line = len((path.parent / "company.yaml").read_text(encoding="utf-8").splitlines())
    code, _, err = run("validate", path)
    assert code == 2, err
    assert said.format(line=line) in err, err
    assert err.count("\n") == 1 and err.startswith(str(path.parent)), err


def test_a_tenders_format_with_no_room_is_located_in_the_tender(tmp_path: Path) -> None:
    project = _copy_example(tmp_path)
    tender = tmp_path / "tender.yaml"
    text = tender_path("highway-monitoring").read_text(encoding="utf-8")
    tender.write_text(text + "format:\n  margins: {left: 100mm, right: 100mm}\n", encoding="utf-8")
    line = len(tender.read_text(encoding="utf-8").splitlines())
    out = tmp_path / "out"
    code, _, err = run("render", project, "--tender", tender, "-o", out)
    assert code == 2, err
    assert (
        f"tender.yaml:{line}:19: format.margins.left: the left and right margins leave 10 mm" in err
    )
    assert not out.exists()


def test_a_companys_template_outside_the_profile_folders_is_refused(tmp_path: Path) -> None:
    # As a seal or a logo: a profile must not pull in a letterhead from elsewhere on the machine.
    project = _copy_example(tmp_path)
    (tmp_path / "brand.docx").write_bytes(_brand_docx())
    company = project.parent / "company.yaml"
    _append(company, "docx_template: ../brand.docx\n")
    line = len(company.read_text(encoding="utf-8").splitlines())
    code, _, err = run("validate", project)
    assert code == 2, err
    assert f"company.yaml:{line}:16: company.docx_template: " in err
    assert "outside the allowed folders" in err


def _roomless_docx() -> bytes:
    document = docx.Document()
    section = document.sections[0]
    section.left_margin, section.right_margin = Mm(95), Mm(95)
    document.styles["Normal"].font.size = Pt(40)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_templates_page_with_no_room_is_a_located_error(tmp_path: Path) -> None:
    # Before: each value passed, and the render failed late, "text would leave the page".
    said = "format.margins.left: the left and right margins leave 20 mm of the A4 page"
    template = tmp_path / "roomless.docx"
    template.write_bytes(_roomless_docx())
    out = tmp_path / "out"
    code, _, err = run("render", example("ex2"), "-o", out, "--docx-template", template)
    assert code == 2, err
    assert err.startswith(f"{template}: {said}"), err
    assert not out.exists()

    project = _copy_example(tmp_path)
    (project.parent / "roomless.docx").write_bytes(_roomless_docx())
    company = project.parent / "company.yaml"
    _append(company, "docx_template: roomless.docx\n")
    line = len(company.read_text(encoding="utf-8").splitlines())
    code, _, err = run("validate", project)
    assert code == 2, err
    assert f"company.yaml:{line}:16: {said}" in err, err


@pytest.mark.parametrize("word", ["none", "None", "无", "不要页眉"])
def test_no_header_in_the_words_a_bid_team_writes(word: str) -> None:
    # Before: `header: 无` printed 无 at the top of every page.
    fmt = page_format(Format(header=word))
    assert not fmt.header and fmt.header_text is None
    assert page_format(Format(header="无锡分公司")).header_text == "无锡分公司"


FOOTER_LINES = (
    "华通智能交通科技有限公司",
    "地址：宁夏回族自治区银川市金凤区某某路123号某某大厦15层 邮编：750001",
    "电话：0951-1234567 传真：0951-7654321 网址：www.example.com",
)


def _footer_docx(lines: tuple[str, ...]) -> bytes:
    document = docx.Document()
    footer = document.sections[0].footer
    footer.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        footer.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.slow
def test_a_templates_footer_lines_stay_lines_on_the_pdf_page(tmp_path: Path) -> None:
    # Before: the three lines were joined into one that ran off both sides of the page.
    template = tmp_path / "footer.docx"
    template.write_bytes(_footer_docx(FOOTER_LINES))
    out = tmp_path / "out"
    code, _, err = run(
        "render", example("ex2"), "-o", out, "--format", "pdf", "--docx-template", template
    )
    assert code == 0, err
    (pdf,) = out.glob("*.pdf")
    lines = pdf_lines(pdf, first=2, last=2)
    assert all(line in lines for line in FOOTER_LINES), lines[-5:]
    assert all(x_min >= 0 and x_max <= 595.3 for x_min, _, x_max in _page_words(pdf, 2))


def test_a_templates_footer_too_long_for_the_margin_is_refused(tmp_path: Path) -> None:
    template = tmp_path / "footer.docx"
    template.write_bytes(_footer_docx(FOOTER_LINES * 2))
    code, _, err = run(
        "render", example("ex2"), "-o", tmp_path / "out", "--docx-template", template
    )
    assert code == 2, err
    assert f"{template}: --docx-template: its footer has 6 lines, more than the 3" in err


def test_a_first_page_letterhead_the_letter_does_not_take_is_a_warning(tmp_path: Path) -> None:
    """Only the default header and footer are taken: a template whose letterhead sits in its
    first-page header would lose it without a word; render says so on stderr (exit 0)."""
    document = docx.Document(io.BytesIO(_brand_docx()))
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "首页信头"
    buffer = io.BytesIO()
    document.save(buffer)
    template = tmp_path / "brand.docx"
    template.write_bytes(buffer.getvalue())
    out = tmp_path / "out"
    args = ("render", example("ex2"), "-o", out, "--format", "docx", "--docx-template", template)
    code, _, err = run(*args)
    assert code == 0, err
    assert f"{template}: --docx-template: its first-page header is not used" in err
    plain = tmp_path / "plain.docx"
    plain.write_bytes(_brand_docx())
    code, _, err = run(
        "render",
        example("ex2"),
        "-o",
        tmp_path / "o2",
        "--format",
        "docx",
        "--docx-template",
        plain,
    )
    assert code == 0 and "is not used" not in err, err

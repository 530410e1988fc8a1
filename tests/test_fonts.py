"""The one font lookup, per-language faces in the PDF, and the WeasyPrint version guards."""

import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import weasyprint
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from generator.errors import RenderError
from generator.letter.document import Letter, Paragraph, Section, Signature
from generator.render import fonts, pdf_fonts
from generator.render.flowchart import _png_face
from generator.render.pdffile import PdfRenderer, weasyprint_problem
from generator.resources import templates_dir

TC = {"body": "Noto Serif CJK TC", "heading": "Noto Sans CJK TC"}
TO_TC = {"Noto Serif CJK SC": '"Noto Serif CJK TC"', "Noto Sans CJK SC": '"Noto Sans CJK TC"'}
LATIN = {"body": "DejaVu Serif, Noto Serif CJK SC", "heading": "DejaVu Sans, Noto Sans CJK SC"}


@pytest.mark.parametrize(
    ("family", "weight", "style", "cff"),
    [
        ("Noto Serif CJK SC", "regular", "Regular", True),
        ("Noto Sans CJK SC", "bold", "Bold", True),
        ("Noto Serif CJK TC", "regular", "Regular", True),
        ("Noto Sans CJK TC", "bold", "Bold", True),
        ("Noto Sans CJK SC", "regular", "Regular", True),
        ("DejaVu Serif", "regular", "Book", False),
        ("DejaVu Sans", "bold", "Bold", False),
    ],
)
def test_each_family_resolves_to_its_own_face(
    family: str, weight: str, style: str, cff: bool
) -> None:
    face = fonts.find_face(family, weight)
    assert (face.family, face.style, face.cff) == (family, style, cff)
    # The file and index name that very face: what WeasyPrint, the check and Pillow all open.
    with TTFont(str(face.path), fontNumber=face.index, lazy=True) as font:
        assert font["name"].getDebugName(1) == family
        assert ("CFF " in font) == cff


def test_sc_and_tc_are_two_faces_of_one_collection() -> None:
    sc, tc = fonts.find_face("Noto Serif CJK SC"), fonts.find_face("Noto Serif CJK TC")
    assert sc.path == tc.path and sc.index != tc.index


def test_an_unknown_family_is_a_render_error() -> None:
    with pytest.raises(RenderError, match='font "No Such Family" is not installed'):
        fonts.find_face("No Such Family")
    with pytest.raises(RenderError, match='font "No Such Family" is not installed'):
        PdfRenderer(fonts={"body": "No Such Family", "heading": "Noto Sans CJK SC"})


def test_fonts_must_name_body_and_heading() -> None:
    with pytest.raises(RenderError, match="expected the roles body, heading, got body"):
        fonts.faces({"body": "Noto Serif CJK SC"})
    with pytest.raises(RenderError, match="a family name with"):
        fonts.faces({"body": 'Noto"</style>', "heading": "Noto Sans CJK SC"})
    with pytest.raises(RenderError, match="an empty family name"):
        fonts.faces({"body": "Noto Serif CJK SC,", "heading": "Noto Sans CJK SC"})


def test_family_lists() -> None:
    assert fonts.families("\"DejaVu Serif\", 'Noto Serif CJK SC'") == (
        "DejaVu Serif",
        "Noto Serif CJK SC",
    )
    assert fonts.css_families("DejaVu Serif,Noto Serif CJK SC") == (
        '"DejaVu Serif", "Noto Serif CJK SC"'
    )


def test_the_glyph_check_follows_the_fonts() -> None:
    assert fonts.uncovered("售后服务 18 months") == []
    # Latin-only faces cannot draw a Chinese name; with the CJK fallback they can.
    latin_only = {"body": "DejaVu Serif", "heading": "DejaVu Sans"}
    assert fonts.uncovered("Service 售后", latin_only) == ["售", "后"]
    assert fonts.uncovered("Service 售后", LATIN) == []
    assert fonts.uncovered_fields([("company.name", "上海𠀀")], TC) == [
        (
            "company.name",
            'character "𠀀" (U+20000) is not covered by any installed font '
            "(Noto Serif CJK TC, Noto Sans CJK TC)",
        )
    ]


def test_flowchart_png_takes_the_first_face_that_draws_the_chart() -> None:
    assert _png_face(LATIN["heading"], ["Repair"]).family == "DejaVu Sans"
    assert _png_face(LATIN["heading"], ["维修 Repair"]).family == "Noto Sans CJK SC"


def _letter() -> Letter:
    return Letter(
        title="售後服務承諾書",
        addressee="致：臺北市政府（機關）",
        opening=(Paragraph("本廠商鄭重承諾：保固期內免費維修。"),),
        sections=(Section("一、", "保固期限", 1, (Paragraph("整機保固18個月。"),)),),
        closing=(Paragraph("特此承諾。"),),
        signature=Signature(
            company_label="廠商（蓋章）",
            company="臺灣範例股份有限公司",
            signatory_label="代表人",
            signatory=None,
            date_label="日期",
            date_text="2026年11月28日",
        ),
        header_text="標案案號：TW-2026-001",
        meta_title="售後服務承諾書",
        meta_author="臺灣範例股份有限公司",
        meta_subject="範例標案",
        date=dt.date(2026, 11, 28),
    )


def _templates(tmp_path: Path, replace: dict[str, str]) -> Path:
    """The bundled zh-Hans templates with the stylesheet's families replaced."""
    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    css = (folder / "letter.css").read_text(encoding="utf-8")
    for old, new in replace.items():
        css = css.replace(f'"{old}"', new)
    (folder / "letter.css").write_text(css, encoding="utf-8")
    return folder


def _embedded(pdf: bytes) -> dict[str, str]:
    """BaseFont (without the subset tag) → the font program's subtype, for every font."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            key = next(k for k in ("/FontFile3", "/FontFile2") if k in descriptor)
            program = descriptor[key].get_object()
            found[str(font.get_object()["/BaseFont"]).split("+", 1)[1]] = str(
                program.get("/Subtype", key)
            )
    return found


def _text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.slow
def test_tc_faces_are_embedded_when_tc_families_are_passed(tmp_path: Path) -> None:
    folder = _templates(tmp_path, TO_TC)
    pdf = PdfRenderer(folder, fonts=TC).render(_letter())
    # Exactly the two TC faces, each re-subset to a bare CID-keyed CFF.
    assert _embedded(pdf) == {
        "Noto-Serif-CJK-TC": "/CIDFontType0C",
        "Noto-Sans-CJK-TC-Bold": "/CIDFontType0C",
    }
    assert "整機保固18個月。" in _text(pdf)
    assert len(pdf) < 80_000


@pytest.mark.slow
def test_a_latin_truetype_body_with_cjk_fallback(tmp_path: Path) -> None:
    folder = _templates(
        tmp_path,
        {
            "Noto Serif CJK SC": fonts.css_families(LATIN["body"]),
            "Noto Sans CJK SC": fonts.css_families(LATIN["heading"]),
        },
    )
    letter = _letter()
    pdf = PdfRenderer(folder, fonts=LATIN).render(letter)
    embedded = _embedded(pdf)
    # The TrueType faces are left as WeasyPrint subset them; the CJK fallbacks are shrunk.
    assert embedded["Noto-Serif-CJK-SC"] == embedded["Noto-Sans-CJK-SC-Bold"] == "/CIDFontType0C"
    assert embedded["DejaVu-Serif"] == "/FontFile2"
    assert "TW-2026-001" in _text(pdf) and "整機保固18個月。" in _text(pdf)


def _glyphs(pdf: bytes) -> dict[str, list[tuple[str, int, list[Any]]]]:
    """Each embedded CFF font (BaseFont without the tag) → (glyph name, FD, outline) in order."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            data = descendant["/FontDescriptor"]["/FontFile3"].get_object().get_data()
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(data), None)
            top = cff[cff.fontNames[0]]
            glyphs = []
            for glyph, fd in zip(top.charset, top.FDSelect, strict=True):
                charstring = top.CharStrings[glyph]
                charstring.decompile()
                glyphs.append((glyph, fd, charstring.program))
            found[str(font.get_object()["/BaseFont"]).split("+", 1)[1]] = glyphs
    return found


@pytest.mark.slow
def test_the_opt_in_one_pass_route_gives_the_same_tc_glyphs(tmp_path: Path) -> None:
    """HarfBuzz lays the CFF out in another order when subsetting the .ttc face itself, so
    compare the fonts' content: the same glyphs (CIDs), outlines and font dicts, same text."""
    folder = _templates(tmp_path, TO_TC)
    public = PdfRenderer(folder, fonts=TC, one_pass=False).render(_letter())
    once = PdfRenderer(folder, fonts=TC, one_pass=True).render(_letter())
    assert _glyphs(once) == _glyphs(public)
    assert sorted(_glyphs(public)) == ["Noto-Sans-CJK-TC-Bold", "Noto-Serif-CJK-TC"]
    assert _text(once) == _text(public)


@pytest.mark.parametrize(
    ("version", "problem"),
    [
        ("62.3", "WeasyPrint 62.3 is older than 68.0"),
        ("67.0", "WeasyPrint 67.0 is older than 68.0"),
        ("68.0", None),
        ("70.0", None),
        ("dev", "cannot read the WeasyPrint version 'dev'"),
    ],
)
def test_weasyprint_version_guard(version: str, problem: str | None) -> None:
    found = weasyprint_problem(version)
    assert found == problem if problem is None else problem in (found or "")


def test_an_old_weasyprint_is_a_render_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weasyprint, "__version__", "67.0")
    with pytest.raises(RenderError, match=r"WeasyPrint 67\.0 is older than 68\.0"):
        PdfRenderer()


def test_the_installed_weasyprint_is_in_the_declared_range() -> None:
    assert weasyprint_problem(weasyprint.__version__) is None
    assert pdf_fonts.one_pass_problem() is None


@pytest.mark.slow
def test_one_pass_is_refused_on_an_untested_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    assert "not tested with WeasyPrint 71.0" in (pdf_fonts.one_pass_problem() or "")
    with pytest.raises(pdf_fonts.NotShrunk), pdf_fonts.subsetting_once():
        pass
    # The renderer then takes the public route: the same PDF.
    assert PdfRenderer(one_pass=True).render(_letter()) == PdfRenderer().render(_letter())


def test_one_pass_is_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AFTERSALES_PDF_ONE_PASS", raising=False)
    assert not PdfRenderer()._one_pass
    monkeypatch.setenv("AFTERSALES_PDF_ONE_PASS", "1")
    assert PdfRenderer()._one_pass


@pytest.mark.slow
def test_importing_the_image_checks_does_not_load_weasyprint() -> None:
    probe = (
        "import sys, generator.render.assets, generator.render.fonts, generator.render.docxfile\n"
        "print('weasyprint' in sys.modules, 'fontTools' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_the_template_gets_the_families_for_its_stylesheet(tmp_path: Path) -> None:
    folder = _templates(tmp_path, {})
    page = folder / "letter.html.j2"
    style = "<style>body { font-family: {{ fonts.body }} }</style></head>"
    page.write_text(page.read_text(encoding="utf-8").replace("</head>", style), encoding="utf-8")
    html = PdfRenderer(folder, fonts=LATIN).html(_letter())
    assert '<style>body { font-family: "DejaVu Serif", "Noto Serif CJK SC" }</style>' in html

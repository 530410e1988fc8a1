"""Font shrinking: the example letters get small and read, look and extract exactly as before."""

import io
import logging
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
import uharfbuzz as hb  # type: ignore[import-untyped, unused-ignore]
from fontTools.cffLib import CFFFontSet
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from PIL import Image, ImageChops
from pypdf import PdfReader
from weasyprint import HTML

from conftest import EXAMPLE_NAMES as EXAMPLES  # folder names
from conftest import example
from generator.letter.compose import compose
from generator.letter.document import Letter
from generator.profiles.loading import load_profile
from generator.render import fonts
from generator.render.pdf_fonts import (
    NotShrunk,
    Shrunk,
    cid_cff_subset,
    cids_are_glyph_ids,
    one_pass_problem,
    shrink_fonts,
    subsetting_once,
)
from generator.render.pdffile import PdfRenderer, letter_texts

# Every test here lays out a PDF with WeasyPrint: slow by the suite's definition.
pytestmark = pytest.mark.slow

TWO_FACES = (
    "<p style=\"font-family: 'Noto Serif CJK SC'\">售后服务承诺书，质保期三年。</p>"
    "<h1 style=\"font-family: 'Noto Sans CJK SC'; font-weight: bold\">一、响应时间</h1>"
)

Renders = dict[str, tuple[bytes, bytes]]


def _letter(name: str) -> Letter:
    resolved = load_profile(example(name))
    return compose(resolved.profile, asset_dirs=resolved.asset_dirs)


@pytest.fixture(scope="module")
def renders() -> Renders:
    """Each example letter as (WeasyPrint's own PDF, the shrunk PDF)."""
    plain, shrinking = PdfRenderer(shrink_fonts=False), PdfRenderer()
    return {
        name: (plain.render(_letter(name)), shrinking.render(_letter(name))) for name in EXAMPLES
    }


def _run(*command: str, data: bytes) -> str:
    return subprocess.run([*command], input=data, capture_output=True, check=True).stdout.decode()


def _text(pdf: bytes) -> str:
    return _run("pdftotext", "-layout", "-", "-", data=pdf)


def _pages(pdf: bytes) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as folder:
        _run("pdftoppm", "-r", "60", "-png", "-", f"{folder}/page", data=pdf)
        return [Image.open(p).convert("RGB") for p in sorted(Path(folder).glob("page*.png"))]


def _fonts(pdf: bytes) -> list[list[str]]:
    """pdffonts rows as [name, type, encoding, emb, sub, uni]."""
    rows = _run("pdffonts", "-", data=pdf).splitlines()[2:]
    # The type column has spaces ("CID Type 0C"): cut the row at pdffonts' fixed columns.
    return [[r[:36].strip(), r[37:54].strip(), r[55:71].strip(), *r[72:83].split()] for r in rows]


def _font_programs(pdf: bytes) -> list[bytes]:
    reader = PdfReader(io.BytesIO(pdf))
    programs = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            stream = descriptor.raw_get("/FontFile3")
            programs[stream.idnum] = stream.get_object().get_data()
    return list(programs.values())


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_example_is_far_smaller(renders: Renders, name: str) -> None:
    before, after = renders[name]
    assert len(after) < 150_000
    assert len(before) - len(after) > 200_000  # ~140 KB a face


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_same_text(renders: Renders, name: str) -> None:
    before, after = renders[name]
    text = _text(after)
    assert "售后服务承诺书" in text.replace(" ", "")
    assert text == _text(before)


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_same_pixels(renders: Renders, name: str) -> None:
    before, after = (_pages(pdf) for pdf in renders[name])
    assert len(after) == len(before) >= 1
    for number, (old, new) in enumerate(zip(before, after, strict=True), 1):
        assert ImageChops.difference(old, new).getbbox() is None, f"page {number} differs"


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_fonts_embedded_subset_bare_cff(renders: Renders, name: str) -> None:
    rows = _fonts(renders[name][1])
    assert [r[0].split("+", 1)[1] for r in rows] == ["Noto-Sans-CJK-SC-Bold", "Noto-Serif-CJK-SC"]
    for font, kind, encoding, emb, sub, uni in rows:
        assert len(font.split("+")[0]) == 6, font  # the subset tag
        assert (kind, encoding, emb, sub, uni) == ("CID Type 0C", "Identity-H", "yes", "yes", "yes")


@pytest.mark.slow
def test_shrunk_pdf_is_reproducible(renders: Renders) -> None:
    name = EXAMPLES[0]
    assert PdfRenderer().render(_letter(name)) == renders[name][1]


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_one_pass_gives_the_bytes_of_two(renders: Renders, name: str) -> None:
    """The opt-in one-pass route gives exactly the bytes of the default (finisher) route."""
    assert one_pass_problem() is None  # on every WeasyPrint pyproject.toml allows
    assert PdfRenderer(one_pass=True).render(_letter(name)) == renders[name][1]


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_pypdf_reads_it_silently(
    renders: Renders, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    before, after = renders[name]
    with caplog.at_level(logging.WARNING, logger="pypdf"):
        texts = [p.extract_text() for p in PdfReader(io.BytesIO(after), strict=True).pages]
    assert not caplog.records
    assert texts == [p.extract_text() for p in PdfReader(io.BytesIO(before)).pages]


@pytest.mark.slow
def test_program_keeps_the_cids_it_is_asked_for(renders: Renders) -> None:
    """The example's serif program: CIDs kept (they are the codes the text shows)."""
    before, _ = renders[EXAMPLES[0]]
    program = max(_font_programs(before), key=len)
    shown = {1, 15, 18, 19, 2000, 40000}
    cff = cid_cff_subset(program, shown)
    assert cff is not None
    assert len(cff) < len(program) / 20
    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(cff), None)
    top = fonts[fonts.fontNames[0]]
    assert top.ROS == ("Adobe", "Identity", 0)
    assert top.charset == [".notdef", *(f"cid{cid:05d}" for cid in sorted(shown))]


@pytest.mark.slow
def test_program_whose_glyph_ids_are_not_its_cids_is_refused(renders: Renders) -> None:
    before, _ = renders[EXAMPLES[0]]
    program = max(_font_programs(before), key=len)
    plan = hb.SubsetInput()
    for glyph in (0, 2000, 40000):
        plan.glyph_set.add(glyph)
    renumbered = hb.subset(hb.Face(hb.Blob(program)), plan).blob.data  # gid 1 is CID 2000
    assert cid_cff_subset(renumbered, {2000}) is None  # no glyph 2000
    assert cid_cff_subset(renumbered, {1}) is None  # glyph 1 is CID 2000, not 1
    assert cid_cff_subset(renumbered, {1, 2}) is None


def _latin_font(*, cff: bool) -> bytes:
    """A two-glyph font, name-keyed CFF or TrueType: not the CID-keyed CFF we shrink."""
    names = [".notdef", "A"]
    builder = FontBuilder(1000, isTTF=not cff)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord("A"): "A"})
    if cff:
        charstrings = {}
        for name in names:
            pen = T2CharStringPen(500, None)
            pen.moveTo((0, 0))
            pen.lineTo((400, 700))
            pen.lineTo((400, 0))
            pen.closePath()
            charstrings[name] = pen.getCharString()
        builder.setupCFF("Latin", {"FullName": "Latin"}, charstrings, {})
    else:
        glyphs = {}
        for name in names:
            glyph_pen = TTGlyphPen(None)
            glyph_pen.moveTo((0, 0))
            glyph_pen.lineTo((400, 700))
            glyph_pen.lineTo((400, 0))
            glyph_pen.closePath()
            glyphs[name] = glyph_pen.glyph()
        builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (500, 0) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Latin", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


@pytest.mark.parametrize("cff", [True, False], ids=["name-keyed CFF", "TrueType"])
def test_other_fonts_are_refused(cff: bool) -> None:
    assert cid_cff_subset(_latin_font(cff=cff), {1}) is None


def test_garbage_is_refused() -> None:
    assert cid_cff_subset(b"OTTO" + bytes(200), {1}) is None


def _weasyprint(finisher: Any) -> bytes:
    pdf: bytes = HTML(string=TWO_FACES).render().write_pdf(finisher=finisher)
    return pdf


@pytest.mark.slow
def test_shrink_fonts_reports_both_faces() -> None:
    report: list[Shrunk] = []
    pdf = _weasyprint(lambda _document, pdf: report.extend(shrink_fonts(pdf)))
    assert sorted(s.font.split("+")[1] for s in report) == [
        "Noto-Sans-CJK-SC-Bold",
        "Noto-Serif-CJK-SC",
    ]
    assert all(s.after < s.before / 20 for s in report)
    assert [r[1] for r in _fonts(pdf)] == ["CID Type 0C", "CID Type 0C"]
    assert "售后服务承诺书，质保期三年。" in _text(pdf)
    assert "一、响应时间" in _text(pdf)


def test_font_with_another_encoding_is_left_alone() -> None:
    def finisher(_document: object, pdf: Any) -> None:
        for obj in pdf.objects:
            if isinstance(obj, dict) and obj.get("Subtype") == "/Type0":
                obj["Encoding"] = "/Identity-V"
        assert shrink_fonts(pdf) == []

    rows = _fonts(_weasyprint(finisher))
    assert [r[1:3] for r in rows] == [["CID Type 0C (OT)", "Identity-V"]] * 2


def _examples_text_html() -> str:
    """Every text of the example letters, in the body face and in the heading face."""
    texts = "".join(text for name in EXAMPLES for _, text in letter_texts(_letter(name)))
    serif, sans = (f"'{fonts.DEFAULT_FONTS[role]}'" for role in ("body", "heading"))
    return (
        f'<p style="font-family: {serif}">{texts}</p>'
        f'<p style="font-family: {sans}; font-weight: bold">{texts}</p>'
    )


@pytest.mark.slow
def test_one_pass_takes_both_faces_with_the_examples_text() -> None:
    source = _examples_text_html()
    report: list[Shrunk] = []
    with subsetting_once() as session:
        once = (
            HTML(string=source)
            .render()
            .write_pdf(
                pdf_identifier=True,
                finisher=lambda _document, pdf: report.extend(session.shrink_fonts(pdf)),
            )
        )
    assert len(session.subsets) == 2
    assert sorted(s.font.split("+")[1] for s in report) == [
        "Noto-Sans-CJK-SC-Bold",
        "Noto-Serif-CJK-SC",
    ]
    twice = (
        HTML(string=source)
        .render()
        .write_pdf(pdf_identifier=True, finisher=lambda _document, pdf: shrink_fonts(pdf))
    )
    assert once == twice


def test_outside_a_session_weasyprint_subsets_as_before() -> None:
    with subsetting_once():
        pass
    pdf = _weasyprint(None)
    assert [r[1] for r in _fonts(pdf)] == ["CID Type 0C (OT)"] * 2
    # WeasyPrint's own subsets keep every glyph id up to the highest shown.
    assert all(hb.Face(hb.Blob(p)).glyph_count > 9000 for p in _font_programs(pdf))


def test_a_one_pass_font_the_finisher_cannot_embed_is_an_error() -> None:
    def finisher(_document: object, pdf: Any) -> None:
        for obj in pdf.objects:
            if isinstance(obj, dict) and obj.get("Subtype") == "/Type0":
                obj["Encoding"] = "/Identity-V"
        session.shrink_fonts(pdf)

    with subsetting_once() as session, pytest.raises(NotShrunk):
        HTML(string=TWO_FACES).render().write_pdf(finisher=finisher)
    assert len(session.subsets) == 2


def test_font_whose_glyph_ids_are_not_cids_is_left_to_weasyprint(tmp_path: Path) -> None:
    """A CID-keyed CFF font with glyph 1 = CID 9513 (三): not subset in one pass, not shrunk."""
    face = _body_face()
    plan = hb.SubsetInput()
    for char in "三年":
        plan.unicode_set.add(ord(char))
    (tmp_path / "renumbered.otf").write_bytes(hb.subset(face, plan).blob.data)
    source = (
        "<style>@font-face { font-family: Renumbered; src: url(renumbered.otf) }</style>"
        '<p style="font-family: Renumbered">三年三</p>'
    )
    report: list[Shrunk] = []
    with subsetting_once() as session:
        pdf = (
            HTML(string=source, base_url=str(tmp_path))
            .render()
            .write_pdf(finisher=lambda _document, pdf: report.extend(session.shrink_fonts(pdf)))
        )
    assert session.subsets == [] and report == []
    assert [r[1] for r in _fonts(pdf)] == ["CID Type 0C (OT)"]
    plain = HTML(string=source, base_url=str(tmp_path)).render().write_pdf()
    assert "三年三" in _text(pdf) == _text(plain)
    (page,), (expected,) = _pages(pdf), _pages(plain)
    assert ImageChops.difference(page, expected).getbbox() is None


def _body_face() -> Any:
    body = fonts.find_face(fonts.DEFAULT_FONTS["body"])
    return hb.Face(hb.Blob.from_file_path(str(body.path)), body.index)


def _cff(face: Any, glyphs: list[int], flags: Any = 0) -> bytes:
    plan = hb.SubsetInput()
    for glyph in glyphs:
        plan.glyph_set.add(glyph)
    plan.flags = flags
    cff: bytes = hb.subset(face, plan).reference_table("CFF ").data
    return cff


def test_cids_are_glyph_ids_reads_the_charset() -> None:
    face = _body_face()
    whole = face.reference_table("CFF ").data  # charset format 2: one range
    assert cids_are_glyph_ids(whole, [0, 1, 1405, 40000, 58960, 65534])
    assert cids_are_glyph_ids(_cff(face, [0, 1, 2, 3, 4]), [0, 1, 2, 3, 4])  # format 1
    retained = _cff(face, [0, 5, 9, 300], hb.SubsetFlags.RETAIN_GIDS)
    assert cids_are_glyph_ids(retained, [0, 5, 9, 300])
    # Format 0, glyphs 1, 2, 3 are CIDs 1, 3, 5.
    assert not cids_are_glyph_ids(_cff(face, [0, 1, 3, 5]), [0, 1, 2, 3])
    assert cids_are_glyph_ids(_cff(face, [0, 1, 3, 5]), [0, 1])
    assert not cids_are_glyph_ids(_cff(face, [0, 9513, 16869]), [0, 1])  # glyph 1 is CID 9513
    assert not cids_are_glyph_ids(_cff(face, [0, 9513, 16869]), [0, 9513])  # no such glyph


@pytest.mark.parametrize("cff", [True, False], ids=["name-keyed CFF", "TrueType"])
def test_cids_are_glyph_ids_refuses_other_fonts(cff: bool) -> None:
    program = _latin_font(cff=cff)
    table = hb.Face(hb.Blob(program)).reference_table("CFF ").data
    assert not cids_are_glyph_ids(table, [0, 1])


def test_cids_are_glyph_ids_refuses_garbage() -> None:
    assert not cids_are_glyph_ids(b"", [0, 1])
    assert not cids_are_glyph_ids(bytes(100), [0, 1])

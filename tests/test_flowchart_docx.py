"""The DOCX flowchart is DrawingML a user can edit: shapes with their labels as text, arrows,
and the PNG only as the fallback; LibreOffice draws it from the shapes."""

import io
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx.oxml import parse_xml
from lxml import etree

from conftest import example, run
from generator.letter.compose import compose
from generator.letter.document import Figure
from generator.profiles.loading import load_profile
from generator.profiles.models import ServiceProcess
from generator.render import drawingml
from generator.render.flowchart import Layout, layout

NS = {**drawingml.NS, "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
W = f"{{{NS['w']}}}"

# A three-way decision, an arrow skipping a rank, and characters XML must escape.
TANGLED = ServiceProcess.model_validate(
    {
        "steps": [
            {"id": "a", "label": "受理 R&D <报修> \"紧急\"", "owner": "客服 & 调度",
             "limit": "30min", "next": "b"},
            {"id": "b", "label": "故障等级判定？", "branches": [
                {"label": "一般", "to": "c"}, {"label": "<重大>", "to": "e"},
                {"label": "较大", "to": "z"}]},
            {"id": "c", "label": "电话指导用户排除故障", "limit": "1h", "next": "z"},
            {"id": "e", "label": "启动应急预案，派专家组赶赴现场", "owner": "技术部",
             "limit": "2h", "next": "z"},
            {"id": "z", "label": "回访并归档", "owner": "客服中心"},
        ],
        "total_limit": "24h",
    }
)  # fmt: skip


def ex2_figure() -> Figure:
    (figure,) = compose(load_profile(example("ex2")).profile).figures()
    return figure


def chart(lay: Layout, factor: float = 0.8) -> etree._Element:
    return parse_xml(drawingml.chart_xml(lay, factor, name="售后服务流程图", shape_id=7))


def text_of(shape: etree._Element) -> str:
    """A text box's text: lines joined by "\n", paragraphs by "|"."""
    paragraphs = []
    for p in shape.iterfind(".//w:txbxContent/w:p", NS):
        parts = []
        for el in p.iter(f"{W}t", f"{W}br"):
            parts.append("\n" if el.tag == f"{W}br" else el.text or "")
        paragraphs.append("".join(parts))
    return "|".join(paragraphs)


def shapes(xml: etree._Element) -> list[etree._Element]:
    return list(xml.iterfind(".//wpg:wgp/wps:wsp", NS))


@pytest.mark.parametrize("case", ["ex2", "tangled"])
def test_every_step_is_a_shape_holding_its_lines_as_text(case: str) -> None:
    if case == "ex2":
        figure = ex2_figure()
        process, lay = figure.process, layout(figure.process, figure.note, subs=figure.subs)
    else:
        process, lay = TANGLED, layout(TANGLED, "全流程24小时内完成")
    xml = chart(lay)
    (choice,) = xml.findall("mc:Choice", NS)
    assert choice.get("Requires") == "wpg"
    by_name = {s.find("wps:cNvPr", NS).get("name"): s for s in shapes(xml)}
    kinds = {"terminal": "roundRect", "process": "rect", "decision": "flowChartDecision"}
    for node in lay.nodes:
        shape = by_name[f"step {node.step_id}"]
        assert shape.find(".//a:prstGeom", NS).get("prst") == kinds[node.shape]
        labels = [t.text for t in node.texts if t.role == "label"]
        subs = [t.text for t in node.texts if t.role == "sub"]
        # The lines the layout broke between words, each ended by an explicit break.
        assert text_of(shape) == "|".join(["\n".join(labels), "\n".join(subs)][: 1 + bool(subs)])
    step = next(s for s in process.steps if s.id == lay.nodes[0].step_id)
    # A line broken at a space loses the space, nothing else.
    squash = "".join(text_of(by_name[f"step {step.id}"]).split())
    assert squash.startswith("".join(step.label.split()))
    # Branch labels and the note are text boxes too.
    captions = [
        text_of(s) for s in shapes(xml) if s.find("wps:cNvSpPr[@txBox='1']", NS) is not None
    ]
    expected = [e.label.text for e in lay.edges if e.label] + [
        lay.footer.text if lay.footer else ""
    ]
    assert captions == [t for t in expected if t]
    # Nothing is locked: a user may move, resize and retype every shape.
    assert not xml.findall(".//a:spLocks", NS) and not xml.findall(".//a:grpSpLocks", NS)


def test_arrows_are_connectors_ending_in_a_triangle_at_their_target() -> None:
    lay = layout(TANGLED)
    factor = 0.8
    xml = chart(lay, factor)
    arrows = [s for s in shapes(xml) if s.find("wps:cNvCnPr", NS) is not None]
    assert len(arrows) == len(lay.edges)
    boxes = {n.step_id: n.box for n in lay.nodes}
    emu = drawingml.EMU_PER_MM * factor
    for edge, arrow in zip(lay.edges, arrows, strict=True):
        assert arrow.find(".//a:ln/a:tailEnd", NS).get("type") == "triangle"
        off = arrow.find(".//a:xfrm/a:off", NS)
        points = arrow.findall(".//a:path/*/a:pt", NS)
        assert len(points) == len(edge.points)
        tip = points[-1]
        x = (int(off.get("x")) + int(tip.get("x"))) / emu
        y = (int(off.get("y")) + int(tip.get("y"))) / emu
        box = boxes[edge.target]
        # The tip touches its target's outline (a rounding of an EMU aside).
        assert box.x - 0.05 <= x <= box.right + 0.05 and box.y - 0.05 <= y <= box.bottom + 0.05


def test_every_shape_lies_inside_the_group() -> None:
    lay = layout(TANGLED, "全流程24小时内完成")
    xml = chart(lay)
    ext = xml.find(".//wp:extent", NS)
    width, height = int(ext.get("cx")), int(ext.get("cy"))
    for shape in shapes(xml):
        off, size = shape.find(".//a:xfrm/a:off", NS), shape.find(".//a:xfrm/a:ext", NS)
        x, y = int(off.get("x")), int(off.get("y"))
        assert x >= 0 and x + int(size.get("cx")) <= width + 1
        assert y >= 0 and y + int(size.get("cy")) <= height + 1


# ---------------------------------------------------------------- in a letter, and in LibreOffice


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("flowchart-docx")
    code, _, err = run("render", example("ex2"), "-o", folder)
    assert code == 0, err
    (docx_file,) = folder.glob("*.docx")
    (pdf_file,) = folder.glob("*.pdf")
    converted = folder / "lo"
    converted.mkdir()
    profile = Path(f"/tmp/lo-profile-flowchart-{os.getpid()}")
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(converted), str(docx_file)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    shutil.rmtree(profile, ignore_errors=True)
    (lo_pdf,) = converted.glob("*.pdf")
    yield {"docx": docx_file, "pdf": pdf_file, "lo": lo_pdf}


def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def chart_lines() -> list[str]:
    figure = ex2_figure()
    return [t.text for t in layout(figure.process, figure.note, subs=figure.subs).texts]


@pytest.mark.slow
def test_letter_docx_holds_the_labels_as_text_and_the_png_only_as_fallback(
    outputs: dict[str, Path],
) -> None:
    with zipfile.ZipFile(outputs["docx"]) as package:
        body = etree.fromstring(package.read("word/document.xml"))
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        (chart_xml,) = body.findall(".//mc:AlternateContent", NS)
        boxed = [t.text for t in chart_xml.iterfind("mc:Choice//w:txbxContent//w:t", NS)]
        assert boxed == chart_lines()
        # The fallback: the same chart as a PNG, the only picture of it in the package.
        (blip,) = chart_xml.findall("mc:Fallback//a:blip", NS)
        target = next(
            r.get("Target") for r in rels if r.get("Id") == blip.get(f"{{{NS['r']}}}embed")
        )
        assert package.read(f"word/{target}").startswith(b"\x89PNG")
        assert not body.findall(".//a:blip", NS)[1:], "a second picture in the letter"


def words(pdf: Path, page_text: str) -> list[tuple[str, float, float]]:
    """(text, centre x, centre y) of each word pdftotext finds, in points."""
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        page_text,
    )
    return [(t, (float(a) + float(c)) / 2, (float(b) + float(d)) / 2) for a, b, c, d, t in found]


@pytest.mark.slow
def test_libreoffice_draws_the_chart_from_the_shapes(outputs: dict[str, Path]) -> None:
    text = re.sub(r"\s+", "", pdftotext(outputs["lo"]))
    for line in chart_lines():
        assert re.sub(r"\s+", "", line) in text, line
    # No picture at all in LibreOffice's PDF: it drew the shapes, not the fallback PNG.
    images = subprocess.run(
        ["pdfimages", "-list", str(outputs["lo"])], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert images == []
    # Each step's first line sits where the layout put it, relative to the first step (within
    # 3 pt and 5 % of the distance: LibreOffice's substitute faces and its group bounds).
    figure = ex2_figure()
    lay = layout(figure.process, figure.note, subs=figure.subs)
    with zipfile.ZipFile(outputs["docx"]) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    cx = int(body.find(".//mc:Choice//wp:extent", NS).get("cx"))
    pt_per_mm = cx / lay.width / 12700  # EMU per point
    found = {t: (x, y) for t, x, y in words(outputs["lo"], pdftotext(outputs["lo"], "-bbox"))}
    firsts = [next(t for t in n.texts if t.role == "label") for n in lay.nodes]
    origin = found[firsts[0].text]
    for run_ in firsts:
        x, y = found[run_.text]
        want_x = (run_.x - firsts[0].x) * pt_per_mm
        want_y = (run_.y - firsts[0].y) * pt_per_mm
        assert abs(x - origin[0] - want_x) < 3 + 0.05 * abs(want_x), run_.text
        assert abs(y - origin[1] - want_y) < 3 + 0.05 * abs(want_y), run_.text


@pytest.mark.slow
def test_the_pdf_letter_still_has_the_chart(outputs: dict[str, Path]) -> None:
    text = re.sub(r"\s+", "", pdftotext(outputs["pdf"]))
    for line in chart_lines():
        assert re.sub(r"\s+", "", line) in text, line


def test_fallback_png_is_not_read_by_the_shapes() -> None:
    # The chart XML names no picture: the shapes stand without the PNG.
    xml = chart(layout(TANGLED))
    assert xml.find("mc:Fallback", NS) is not None and not xml.findall(".//a:blip", NS)
    assert io.BytesIO(etree.tostring(xml)).getvalue().count(b"<w:t") >= len(TANGLED.steps)

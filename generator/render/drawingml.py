"""The flowchart as editable Word drawing: a DrawingML group of shapes, text boxes and arrows.

`chart_xml()` paints a flowchart `Layout` (the one the SVG and PNG paint) as a
`mc:AlternateContent`: the Choice is an inline Word 2010 group (`wpg:wgp`) of `wps:wsp`
shapes, each step a rectangle, rounded rectangle or diamond holding its label as text in a
text box, each arrow a connector with a triangle at its end, branch labels and the note under
the chart as borderless text boxes, nothing locked: a user moves any shape and retypes any
label. Word 2010 and later and WPS write such groups themselves; LibreOffice draws them (the
tests convert a letter with it). The Fallback (for a reader that knows no `wpg`, such as
Word 2007) is the PNG the caller adds: the picture only stands in where shapes cannot be drawn.

Lines are broken where the layout broke them (between words): each line ends in an explicit
break and the boxes are wider than their lines, so Word does not break them again.
"""

import itertools
import math
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from generator.render.flowchart import (
    LEADING,
    STROKE,
    Edge,
    Layout,
    Node,
    TextRun,
    text_span,
)

EMU_PER_MM = 36000
NS = {
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
}
GROUP_URI = NS["wpg"]
FILL = {"terminal": "FFFFFF", "process": "FFFFFF", "decision": "F2F2F2"}
TEXT_COLOUR = {"label": "000000", "sub": "333333", "edge": "000000", "footer": "000000"}
TERMINAL_RADIUS = 3.0  # mm, as the SVG's rx
ARROW_END = '<a:tailEnd type="triangle" w="med" len="med"/>'
PRESET = {"terminal": "roundRect", "process": "rect", "decision": "flowChartDecision"}


class _Scale:
    """Natural layout millimetres to EMU and type sizes, at the size the chart is shown."""

    def __init__(self, factor: float) -> None:
        self.factor = factor

    def emu(self, mm: float) -> int:
        return round(mm * self.factor * EMU_PER_MM)

    def half_points(self, mm: float) -> int:
        # Down to a half point: a line set a little smaller still fits the box it was measured for.
        return max(2, math.floor(mm * self.factor / 25.4 * 72 * 2))

    def twips(self, mm: float) -> int:
        return max(1, round(mm * self.factor / 25.4 * 1440))


def chart_xml(
    lay: Layout,
    factor: float,
    *,
    name: str,
    shape_id: int,
) -> str:
    """A `w:r` child: the chart as an inline group, `factor` times its natural size, with an
    empty `mc:Fallback` for the caller's picture."""
    s = _Scale(factor)
    width, height = s.emu(lay.width), s.emu(lay.height)
    children: list[str] = []
    # Ids of their own for the shapes inside: a document's drawing ids should not repeat.
    ids = itertools.count(shape_id * 1000 + 1)
    for node in lay.nodes:
        children.append(_step(node, s, next(ids)))
    for edge in lay.edges:
        children.append(_arrow(edge, s, next(ids)))
    labels = [e.label for e in lay.edges if e.label] + ([lay.footer] if lay.footer else [])
    for run in labels:
        children.append(_caption(run, s, next(ids)))
    declarations = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
    return (
        f"<mc:AlternateContent {declarations}>"
        '<mc:Choice Requires="wpg"><w:drawing>'
        '<wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{width}" cy="{height}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{shape_id}" name={quoteattr(name)}/>'
        "<wp:cNvGraphicFramePr/>"
        f'<a:graphic><a:graphicData uri="{GROUP_URI}"><wpg:wgp>'
        "<wpg:cNvGrpSpPr/>"
        "<wpg:grpSpPr><a:xfrm>"
        f'<a:off x="0" y="0"/><a:ext cx="{width}" cy="{height}"/>'
        f'<a:chOff x="0" y="0"/><a:chExt cx="{width}" cy="{height}"/>'
        "</a:xfrm></wpg:grpSpPr>"
        f"{''.join(children)}"
        "</wpg:wgp></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice>"
        "<mc:Fallback/></mc:AlternateContent>"
    )


def _xfrm(s: _Scale, x: float, y: float, w: float, h: float) -> str:
    return (
        f'<a:xfrm><a:off x="{s.emu(x)}" y="{s.emu(y)}"/>'
        f'<a:ext cx="{max(1, s.emu(w))}" cy="{max(1, s.emu(h))}"/></a:xfrm>'
    )


def _line(s: _Scale, inner: str = "") -> str:
    return (
        f'<a:ln w="{s.emu(STROKE)}"><a:solidFill><a:srgbClr val="000000"/></a:solidFill>'
        f'<a:miter lim="800000"/>{inner}</a:ln>'
    )


def _step(node: Node, s: _Scale, shape_id: int) -> str:
    b = node.box
    geometry = f'<a:prstGeom prst="{PRESET[node.shape]}"><a:avLst/></a:prstGeom>'
    if node.shape == "terminal":
        # roundRect's adjustment is the radius as a share of the shorter side (50000 = half).
        adj = round(TERMINAL_RADIUS / min(b.w, b.h) * 100000)
        geometry = (
            '<a:prstGeom prst="roundRect"><a:avLst>'
            f'<a:gd name="adj" fmla="val {adj}"/></a:avLst></a:prstGeom>'
        )
    return (
        "<wps:wsp>"
        f'<wps:cNvPr id="{shape_id}" name={quoteattr("step " + node.step_id)}/>'
        "<wps:cNvSpPr/>"
        f"<wps:spPr>{_xfrm(s, b.x, b.y, b.w, b.h)}{geometry}"
        f'<a:solidFill><a:srgbClr val="{FILL[node.shape]}"/></a:solidFill>{_line(s)}</wps:spPr>'
        f"<wps:txbx><w:txbxContent>{_paragraphs(node.texts, s, 'center')}"
        "</w:txbxContent></wps:txbx>"
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
        'anchor="ctr" anchorCtr="0"><a:noAutofit/></wps:bodyPr>'
        "</wps:wsp>"
    )


def _arrow(edge: Edge, s: _Scale, shape_id: int) -> str:
    xs = [p[0] for p in edge.points]
    ys = [p[1] for p in edge.points]
    left, top = min(xs), min(ys)
    w, h = max(1, s.emu(max(xs) - left)), max(1, s.emu(max(ys) - top))
    steps = [f'<a:pt x="{s.emu(x - left)}" y="{s.emu(y - top)}"/>' for x, y in edge.points]
    path = f"<a:moveTo>{steps[0]}</a:moveTo>" + "".join(f"<a:lnTo>{p}</a:lnTo>" for p in steps[1:])
    name = f"arrow {edge.source} to {edge.target}"
    return (
        "<wps:wsp>"
        f'<wps:cNvPr id="{shape_id}" name={quoteattr(name)}/>'
        "<wps:cNvCnPr/>"
        f"<wps:spPr>{_xfrm(s, left, top, max(xs) - left, max(ys) - top)}"
        "<a:custGeom><a:avLst/><a:gdLst/><a:ahLst/><a:cxnLst/>"
        '<a:rect l="0" t="0" r="r" b="b"/>'
        f'<a:pathLst><a:path w="{w}" h="{h}" fill="none">{path}</a:path></a:pathLst>'
        "</a:custGeom><a:noFill/>"
        f"{_line(s, ARROW_END)}</wps:spPr>"
        "<wps:bodyPr/>"
        "</wps:wsp>"
    )


def _caption(run: TextRun, s: _Scale, shape_id: int) -> str:
    """A branch label or the note: a borderless text box around the text, never wrapped."""
    left, right = text_span(run)
    pad = run.size * 0.3
    line = run.size * LEADING
    # The layout gives a baseline; in a line of LEADING ems the baseline sits about 1 em down.
    top = run.y - run.size - (line - run.size) / 2
    align = {"start": "left", "middle": "center", "end": "right"}[run.anchor]
    return (
        "<wps:wsp>"
        f'<wps:cNvPr id="{shape_id}" name={quoteattr(run.role + " " + run.text)}/>'
        '<wps:cNvSpPr txBox="1"/>'
        f"<wps:spPr>{_xfrm(s, left - pad, top, right - left + 2 * pad, line)}"
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln>'
        "</wps:spPr>"
        f"<wps:txbx><w:txbxContent>{_paragraphs([run], s, align)}"
        "</w:txbxContent></wps:txbx>"
        '<wps:bodyPr rot="0" vert="horz" wrap="none" lIns="0" tIns="0" rIns="0" bIns="0" '
        'anchor="t" anchorCtr="0"><a:noAutofit/></wps:bodyPr>'
        "</wps:wsp>"
    )


def _paragraphs(runs: Iterable[TextRun], s: _Scale, align: str) -> str:
    """One paragraph per role (the label, the line under it), its lines joined by breaks."""
    groups: list[list[TextRun]] = []
    for run in runs:
        if groups and groups[-1][0].role == run.role:
            groups[-1].append(run)
        else:
            groups.append([run])
    out = []
    for group in groups:
        first = group[0]
        size = s.half_points(first.size)
        r_pr = (
            # No fonts named: the chart's text takes the document's body faces, as the PDF's.
            f'<w:rPr><w:color w:val="{TEXT_COLOUR[first.role]}"/>'
            f'<w:kern w:val="0"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
        )
        p_pr = (
            "<w:pPr>"
            f'<w:spacing w:before="0" w:after="0" w:line="{s.twips(first.size * LEADING)}" '
            'w:lineRule="exact"/>'
            '<w:ind w:left="0" w:leftChars="0" w:right="0" w:rightChars="0" '
            'w:firstLine="0" w:firstLineChars="0"/>'
            f'<w:jc w:val="{align}"/>{r_pr}</w:pPr>'
        )
        lines = "<w:br/>".join(
            f'<w:t xml:space="preserve">{escape(run.text)}</w:t>' for run in group
        )
        out.append(f"<w:p>{p_pr}<w:r>{r_pr}{lines}</w:r></w:p>")
    return "".join(out)

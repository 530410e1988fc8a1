"""The service flowchart: layout, SVG (for WeasyPrint) and PNG (for the DOCX)."""

import base64
import io
import itertools
import random
import subprocess
from pathlib import Path
from typing import Any, cast

import pytest
from lxml import etree
from PIL import Image, ImageFont
from weasyprint import HTML

from generator.errors import RenderError
from generator.locale import get_locale
from generator.profiles.models import ServiceProcess
from generator.render import flowchart
from generator.render.flowchart import Layout, Rect, draw_png, draw_svg, layout, size_mm, wrap

SVG = "{http://www.w3.org/2000/svg}"
NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def process(steps: list[dict[str, Any]], total: str | None = None) -> ServiceProcess:
    data: dict[str, Any] = {"steps": steps}
    if total:
        data["total_limit"] = total
    return ServiceProcess.model_validate(data)


EXAMPLE_2 = process(
    [
        {"id": "register", "label": "售后服务登记", "owner": "客服中心", "limit": "0.5h",
         "next": "diagnose"},
        {"id": "diagnose", "label": "故障诊断", "owner": "技术支持工程师", "limit": "1h",
         "next": "remote"},
        {"id": "remote", "label": "能否远程解决？",
         "branches": [{"label": "是", "to": "fix_remote"}, {"label": "否", "to": "dispatch"}]},
        {"id": "fix_remote", "label": "远程处理", "owner": "技术支持工程师", "limit": "2h",
         "next": "sign"},
        {"id": "dispatch", "label": "派工程师到达现场", "owner": "服务调度", "limit": "8h",
         "next": "repair"},
        {"id": "repair", "label": "现场修复", "owner": "现场工程师", "limit": "12h",
         "next": "sign"},
        {"id": "sign", "label": "用户签认维修维护记录", "owner": "用户", "limit": "2h"},
    ],
    total="24h",
)  # fmt: skip

# Three-way decision, a decision off the centre, an arrow skipping a rank, and markup
# characters in labels.
TANGLED = process(
    [
        {"id": "a", "label": "受理 R&D <报修> \"紧急\" 'A'", "owner": "客服 & 调度",
         "limit": "30min", "next": "b"},
        {"id": "b", "label": "故障等级判定？", "owner": "值班工程师", "limit": "1h",
         "branches": [{"label": "一般", "to": "c"}, {"label": "较大", "to": "d"},
                      {"label": "<重大>", "to": "e"}]},
        {"id": "c", "label": "电话指导用户排除故障", "limit": "1h", "next": "z"},
        {"id": "d", "label": "是否有备件？",
         "branches": [{"label": "是", "to": "d1"}, {"label": "否", "to": "d2"}]},
        {"id": "d1", "label": "更换备件", "owner": "现场工程师", "limit": "4h", "next": "z"},
        {"id": "d2", "label": "调拨备件并提供备用设备（代用机）", "owner": "备件中心",
         "limit": "24h", "next": "d1"},
        {"id": "e", "label": "启动应急预案，派专家组赶赴现场", "owner": "技术部",
         "limit": "2h", "next": "e2"},
        {"id": "e2", "label": "现场抢修", "owner": "专家组", "limit": "8h", "next": "z"},
        {"id": "z", "label": "回访并归档", "owner": "客服中心", "limit": "3个工作日"},
    ]
)  # fmt: skip

PROCESSES = {"example2": EXAMPLE_2, "tangled": TANGLED}


def edge_count(p: ServiceProcess) -> int:
    return sum(len(p.successors(s)) for s in p.steps)


@pytest.fixture(scope="module", params=list(PROCESSES))
def case(request: pytest.FixtureRequest) -> tuple[ServiceProcess, etree._Element, Layout]:
    p = PROCESSES[request.param]
    return p, etree.fromstring(draw_svg(p).encode()), layout(p)


@pytest.fixture(scope="module")
def png() -> bytes:
    return draw_png(EXAMPLE_2)


def texts_of(el: etree._Element) -> list[str]:
    return [t.text or "" for t in el.iter(f"{SVG}text")]


# ---------------------------------------------------------------- SVG content


def test_one_shape_per_step_of_the_right_kind(case: Any) -> None:
    p, svg, _ = case
    shapes = svg.xpath("//*[@class='terminal' or @class='process' or @class='decision']")
    assert len(shapes) == len(p.steps)
    kinds = {s.getparent().get("data-step"): s.get("class") for s in shapes}
    assert kinds[p.steps[0].id] == "terminal"
    for s in p.steps:
        if s.is_decision:
            assert kinds[s.id] == "decision"
            assert svg.xpath(f"//*[@data-step='{s.id}']/*[local-name()='polygon']")
        elif not p.successors(s):
            assert kinds[s.id] == "terminal"
    ends = [s for s in p.steps if not p.successors(s)]
    decisions = [s for s in p.steps if s.is_decision]
    assert len(svg.xpath("//*[@class='decision']")) == len(decisions)
    assert len(svg.xpath("//*[@class='terminal']")) == 1 + len(ends)


def test_every_label_owner_and_limit_is_text(case: Any) -> None:
    p, svg, _ = case
    for s in p.steps:
        (group,) = svg.xpath(f"//*[@data-step='{s.id}']")
        words = "".join(texts_of(group)).replace(" ", "")
        assert s.label.replace(" ", "") in words
        if s.owner:
            assert s.owner.replace(" ", "") in words
        if s.limit:
            assert get_locale().value(s.limit) in words


def test_markup_characters_round_trip() -> None:
    svg = etree.fromstring(draw_svg(TANGLED).encode())
    (group,) = svg.xpath("//*[@data-step='a']")
    words = "".join(texts_of(group)).replace(" ", "")
    assert "受理R&D<报修>\"紧急\"'A'" in words
    assert "客服&调度" in words
    edge_labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "edge"]
    assert sorted(edge_labels) == sorted(["一般", "较大", "<重大>", "是", "否"])


def test_note_under_the_chart() -> None:
    svg = etree.fromstring(draw_svg(EXAMPLE_2, note="全流程24小时内完成").encode())
    assert "全流程24小时内完成" in texts_of(svg)
    without = etree.fromstring(draw_svg(EXAMPLE_2).encode())
    assert not any("全流程" in t for t in texts_of(without))


def diamond_norm(x: float, y: float, b: Rect) -> float:
    """1 on the edge of the rhombus inscribed in b, below 1 inside."""
    return abs(x - b.cx) / (b.w / 2) + abs(y - b.cy) / (b.h / 2)


def test_one_arrow_per_edge_tip_on_the_target(case: Any) -> None:
    p, svg, lay = case
    assert len(svg.xpath("//*[@class='arrow']")) == edge_count(p) == len(lay.edges)
    nodes = {n.step_id: n for n in lay.nodes}
    for e in lay.edges:
        x, y = e.points[-1]
        n = nodes[e.target]
        b = n.box
        if n.shape == "decision":
            assert diamond_norm(x, y, b) == pytest.approx(1.0, abs=0.01), e
            continue
        on_edge = (
            (abs(y - b.y) < 0.01 or abs(x - b.x) < 0.01 or abs(x - b.right) < 0.01)
            and b.x - 0.01 <= x <= b.right + 0.01
            and b.y - 0.01 <= y <= b.bottom + 0.01
        )
        assert on_edge, (e.source, e.target, e.points)


def test_branch_labels_sit_at_the_start_of_their_arrow() -> None:
    lay = layout(EXAMPLE_2)
    for e in lay.edges:
        if e.label:
            x0, y0 = e.points[0]
            assert abs(e.label.x - x0) < 2 and abs(e.label.y - y0) < 4.5, e


def test_main_path_runs_straight_down_the_centre() -> None:
    lay = layout(EXAMPLE_2)
    nodes = {n.step_id: n for n in lay.nodes}
    main = ["register", "diagnose", "remote", "dispatch", "repair", "sign"]
    assert [nodes[i].rank for i in main] == [0, 1, 2, 3, 4, 5]
    assert {nodes[i].column for i in main} == {0}
    assert {round(nodes[i].box.cx, 3) for i in main} == {round(nodes["register"].box.cx, 3)}
    assert nodes["fix_remote"].column != 0 and nodes["fix_remote"].rank == 3
    for e in lay.edges:
        if e.source in main and e.target in main:
            assert len(e.points) == 2 and e.points[0][0] == e.points[1][0]


# ---------------------------------------------------------------- geometry


def crosses(a: tuple[float, float], b: tuple[float, float], r: Rect) -> bool:
    """Does the axis-aligned segment a-b pass through the inside of r?"""
    eps = 0.05
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    return x0 < r.right - eps and x1 > r.x + eps and y0 < r.bottom - eps and y1 > r.y + eps


def test_boxes_do_not_overlap(case: Any) -> None:
    _, _, lay = case
    for m, n in itertools.combinations(lay.nodes, 2):
        assert not m.box.overlaps(n.box), (m.step_id, n.step_id)


def test_arrows_are_orthogonal_and_avoid_boxes(case: Any) -> None:
    _, _, lay = case
    for e in lay.edges:
        segments = list(itertools.pairwise(e.points))
        for i, (a, b) in enumerate(segments):
            assert a[0] == pytest.approx(b[0]) or a[1] == pytest.approx(b[1]), e
            for n in lay.nodes:
                if i == len(segments) - 1 and n.step_id == e.target and n.shape == "decision":
                    # Into a diamond's slanted side: the bounding box is entered, the
                    # diamond is not.
                    assert diamond_norm(a[0], a[1], n.box) > 1
                    continue
                assert not crosses(a, b, n.box), (e.source, e.target, n.step_id)


def test_text_fits_its_shape(case: Any) -> None:
    _, _, lay = case
    for n in lay.nodes:
        b = n.box
        for t in n.texts:
            font = ImageFont.truetype(NOTO, 100, index=2)
            half = font.getlength(t.text) / 100 * t.size / 2
            if n.shape == "decision":
                # Both top corners of the line stay inside the rhombus.
                dy = abs(t.y - t.size * 0.9 - b.cy)
                assert half / (b.w / 2) + dy / (b.h / 2) <= 1.0, t.text
            else:
                assert half * 2 <= b.w - 2, t.text
            assert b.y < t.y - t.size * 0.85 and t.y < b.bottom, t.text


def test_wrap_keeps_lines_short_and_punctuation_attached() -> None:
    lines = wrap("启动应急预案，派专家组赶赴现场并在二十四小时内完成抢修和调试工作", 3.5, 35)
    assert 2 <= len(lines) <= 3
    assert "".join(lines) == "启动应急预案，派专家组赶赴现场并在二十四小时内完成抢修和调试工作"
    assert not any(line[0] in "，。？）" for line in lines)
    assert wrap("售后服务登记", 3.5, 35) == ("售后服务登记",)
    assert wrap("check ServiceNow ticket", 3.5, 25) == ("check", "ServiceNow ticket")


def test_wide_charts_are_scaled_to_the_text_width() -> None:
    many = process(
        [
            {"id": "s", "label": "故障类型？", "branches": [
                {"label": f"类型{i}", "to": f"t{i}"} for i in range(5)]},
            *[{"id": f"t{i}", "label": f"第{i}类故障处理流程", "owner": "专职工程师",
               "limit": "4h"} for i in range(5)],
        ]
    )  # fmt: skip
    w, h = size_mm(many)
    assert w == pytest.approx(flowchart.MAX_WIDTH_MM)
    svg = etree.fromstring(draw_svg(many).encode())
    assert svg.get("width") == f"{w:g}mm" and svg.get("height") == f"{h:g}mm"
    view = [float(v) for v in svg.get("viewBox").split()]
    assert view[2] > w  # drawn larger, shown smaller


def _chain(n: int) -> ServiceProcess:
    steps = [
        {"id": f"s{i}", "label": f"第{i}步", "owner": "工程师", "limit": "10min"} for i in range(n)
    ]
    for i, step in enumerate(steps[:-1]):
        step["next"] = f"s{i + 1}"
    return process(steps)


def test_a_chart_too_long_to_read_on_the_page_is_refused() -> None:
    # Before: 40 steps in a row were printed at 21% (labels about 2 pt), exit 0.
    with pytest.raises(RenderError, match=r"40 steps \(40 rows\) would be printed at 2\d%"):
        layout(_chain(40))
    assert layout(_chain(12)).scale >= flowchart.MIN_SCALE  # a long but readable process


# ---------------------------------------------------------------- PNG


def test_png_size_and_dpi_match_size_mm(png: bytes) -> None:
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG"
    assert all(round(d) >= 200 for d in img.info["dpi"])
    w, h = size_mm(EXAMPLE_2)
    assert abs(img.width - w / 25.4 * 200) <= 2
    assert abs(img.height - h / 25.4 * 200) <= 2
    bigger = Image.open(io.BytesIO(draw_png(EXAMPLE_2, dpi=300)))
    assert round(bigger.info["dpi"][0]) == 300
    assert abs(bigger.width - w / 25.4 * 300) <= 2


def test_png_has_text_in_every_box(png: bytes) -> None:
    img = Image.open(io.BytesIO(png)).convert("L")
    lay = layout(EXAMPLE_2)
    k = 200 / 25.4 * lay.scale
    for n in lay.nodes:
        b = n.box
        # The middle half of the box: no border in it, only text.
        inner = (
            round((b.x + b.w / 4) * k),
            round((b.y + b.h / 4) * k),
            round((b.right - b.w / 4) * k),
            round((b.bottom - b.h / 4) * k),
        )
        lo, _ = cast(tuple[int, int], img.crop(inner).getextrema())
        assert lo < 80, n.step_id
    # And the margin outside the chart stays white.
    assert img.crop((0, 0, 3, 3)).getextrema() == (255, 255)


def test_png_is_deterministic(png: bytes) -> None:
    assert draw_png(EXAMPLE_2) == png
    assert b"tIME" not in png


def test_missing_font_is_an_error() -> None:
    with pytest.raises(RenderError, match="No Such Font Family"):
        draw_png(EXAMPLE_2, font_family="No Such Font Family")


# ---------------------------------------------------------------- WeasyPrint


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    svg = draw_svg(EXAMPLE_2, note="全流程24小时内完成")
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    html = f"""<html><head><meta charset="utf-8"><style>
      @page {{ size: A4; margin: 20mm 25mm }}
      body {{ font-family: "Noto Sans CJK SC" }}
      section {{ break-after: page }}
    </style></head><body>
      <section><p>内联</p>{svg}</section>
      <section><p>图片</p><img src="{uri}"></section>
    </body></html>"""
    out = tmp_path_factory.mktemp("flowchart") / "chart.pdf"
    HTML(string=html).write_pdf(out)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("page", [1, 2], ids=["inline-svg", "img-data-uri"])
def test_weasyprint_keeps_labels_as_text(pdf: Path, page: int) -> None:
    text = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for s in EXAMPLE_2.steps:
        for run in layout(EXAMPLE_2).nodes[EXAMPLE_2.steps.index(s)].texts:
            assert run.text in text
    assert "全流程24小时内完成" in text
    assert "是" in text and "否" in text


@pytest.mark.slow
def test_weasyprint_embeds_the_cjk_font(pdf: Path) -> None:
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    cjk = [line for line in fonts if "Noto-Sans-CJK-SC" in line]
    assert cjk and all(" yes " in line for line in cjk)
    assert all(" yes " in line for line in fonts)


def random_process(seed: int) -> ServiceProcess | None:
    """A random acyclic process with every step reachable from the first, or None."""
    rnd = random.Random(seed)
    n = rnd.randint(3, 12)
    steps: list[dict[str, Any]] = []
    for i in range(n):
        step: dict[str, Any] = {"id": f"s{i}", "label": "步骤" * rnd.randint(1, 8), "limit": "1h"}
        later = list(range(i + 1, n))
        if len(later) >= 2 and rnd.random() < 0.3:
            chosen = rnd.sample(later, rnd.randint(2, min(4, len(later))))
            step["branches"] = [{"label": f"b{j}", "to": f"s{t}"} for j, t in enumerate(chosen)]
        elif later:
            step["next"] = f"s{rnd.choice(later[:3])}"
        steps.append(step)
    reached: set[str | None] = {"s0"}
    for step in steps:
        if step["id"] in reached:
            reached |= {step.get("next")} | {b["to"] for b in step.get("branches", [])}
    return process(steps) if len(reached - {None}) == n else None


Segment = tuple[tuple[float, float], tuple[float, float]]


def shared_stretch(s: Segment, t: Segment) -> float:
    """Length two axis-aligned segments run on top of each other."""
    (a, b), (c, d) = s, t
    for axis in (0, 1):
        other = 1 - axis
        if a[axis] == b[axis] == c[axis] == d[axis]:
            lo1, hi1 = sorted((a[other], b[other]))
            lo2, hi2 = sorted((c[other], d[other]))
            return min(hi1, hi2) - max(lo1, lo2)
    return 0.0


def test_random_processes_route_cleanly() -> None:
    charts = [p for p in map(random_process, range(400)) if p is not None]
    assert len(charts) > 50
    for p in charts:
        lay = layout(p)
        for m, n in itertools.combinations(lay.nodes, 2):
            assert not m.box.overlaps(n.box)
        for e in lay.edges:
            segments = list(itertools.pairwise(e.points))
            for i, (a, b) in enumerate(segments):
                for n in lay.nodes:
                    last_into = i == len(segments) - 1 and n.step_id == e.target
                    if not (last_into and n.shape == "decision"):
                        assert not crosses(a, b, n.box), (p, e, n.step_id)
        # Arrows of unrelated steps never run along the same line.
        for e, f in itertools.combinations(lay.edges, 2):
            if e.source != f.source and e.target != f.target:
                for s, t in itertools.product(
                    itertools.pairwise(e.points), itertools.pairwise(f.points)
                ):
                    assert shared_stretch(s, t) < 0.5, (e, f)

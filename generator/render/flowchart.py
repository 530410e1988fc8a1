"""The service flowchart: one layout of a ServiceProcess, drawn as SVG (PDF), as DrawingML
shapes (DOCX, `render/drawingml.py`) or as PNG (the DOCX's fallback, `aftersales flowchart`).

`layout()` places every step and routes every arrow in millimetres, without any drawing
library, and breaks labels between words (`render/words.py`); `draw_svg()`, `draw_png()` and
`drawingml.chart_xml()` only paint that layout, so the outputs agree.
"""

import functools
import io
import math
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from generator.errors import RenderError
from generator.locale import get_locale
from generator.profiles.models import ServiceProcess, ServiceStep
from generator.render.fonts import Face, cmap, families, find_face
from generator.render.words import words

FONT_FAMILY = "Noto Sans CJK SC"
MAX_WIDTH_MM = 160.0
"""A4 text width: wider charts are scaled down to this."""
MAX_HEIGHT_MM = 220.0
"""Leaves room on an A4 page for the caption."""

MIN_SCALE = 0.5
"""The smallest a chart is printed at to fit the page: labels of about 5 pt."""

LABEL_SIZE = 3.5  # mm, about 10 pt
SUB_SIZE = 2.8  # mm, about 8 pt
EDGE_LABEL_SIZE = 3.0
FOOTER_SIZE = 3.5
LEADING = 1.3
PAD_X = 3.0
PAD_Y = 2.0
BOX_EMS = 10.0  # longest label line in a box, in ems of LABEL_SIZE
DIAMOND_EMS = 5.0
MIN_BOX_W = 32.0
COL_GAP = 14.0
ROW_GAP = 10.0
MARGIN = 1.5
LANE = 1.6  # distance between parallel arrows sharing a channel
GAP_LANE = 1.1  # the same, in the gap between two columns
ARROW_LEN = 2.2
ARROW_HALF = 1.0
STROKE = 0.3
FOOTER_GAP = 3.0

Shape = Literal["terminal", "process", "decision"]
Anchor = Literal["start", "middle", "end"]
Point = tuple[float, float]
_PAUSES = set("，、；：,;")


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle in mm, top-left origin."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def overlaps(self, other: "Rect") -> bool:
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )


@dataclass(frozen=True)
class TextRun:
    """One line of text: `y` is the baseline, `x` the anchor point."""

    text: str
    x: float
    y: float
    size: float
    anchor: Anchor
    role: Literal["label", "sub", "edge", "footer"]


@dataclass(frozen=True)
class Node:
    """A placed step."""

    step_id: str
    shape: Shape
    box: Rect
    rank: int
    column: int
    texts: tuple[TextRun, ...]


@dataclass(frozen=True)
class Edge:
    """A routed arrow: an orthogonal polyline whose last point is the arrow tip."""

    source: str
    target: str
    points: tuple[Point, ...]
    label: TextRun | None


@dataclass(frozen=True)
class Layout:
    """The whole chart in natural mm; `scale` shrinks it to fit the page."""

    width: float
    height: float
    scale: float
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    footer: TextRun | None

    @property
    def texts(self) -> Iterator[TextRun]:
        for n in self.nodes:
            yield from n.texts
        for e in self.edges:
            if e.label:
                yield e.label
        if self.footer:
            yield self.footer


# ---------------------------------------------------------------- text measure and wrap


def text_width(text: str, size: float) -> float:
    """Estimated advance width: CJK and full-width characters 1 em, the rest 0.6 em."""
    ems = sum(1.0 if _wide(c) or c in "MWmw@%" else 0.6 for c in text)
    return ems * size


def _wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in "WF"


def _tokens(text: str, size: float, max_width: float) -> list[str]:
    # Words stay whole (a dictionary segmenter finds them); only a word wider than a whole
    # line is cut, between its characters, as before.
    out: list[str] = []
    for word in words(text):
        # A number with its unit (30 minutes) may stretch its line by half rather than split.
        room = max_width * (1.5 if any(c.isdigit() for c in word) else 1.0)
        if text_width(word, size) <= room:
            out.append(word)
        else:
            out.extend(word)
    return out


def wrap(text: str, size: float, max_width: float, max_lines: int = 3) -> tuple[str, ...]:
    """Balanced lines no wider than max_width where possible, at most max_lines."""
    text = " ".join(text.split())
    total = text_width(text, size)
    if total <= max_width:
        return (text,)
    count = min(max_lines, math.ceil(total / max_width))
    target = total / count
    tokens = _tokens(text, size, max_width)
    if count == 2:
        # Two lines that both fit: break after a comma when one allows it (值班工程师，/
        # 30分钟内), the most even such break.
        splits = [
            ("".join(tokens[:i]).strip(), "".join(tokens[i:]).strip())
            for i in range(1, len(tokens))
            if tokens[i - 1][-1:] in _PAUSES
        ]
        fitting = [
            (a, b)
            for a, b in splits
            if text_width(a, size) <= max_width and text_width(b, size) <= max_width
        ]
        if fitting:
            return min(fitting, key=lambda ab: abs(text_width(ab[0], size) - target))
    lines: list[str] = []
    current = ""
    for tok in tokens:
        remaining_lines = count - len(lines)
        grown = text_width(current + tok, size)
        # Break when the line is full, or at a comma once it is well filled.
        # A clause that still fits ends its line at its comma rather than lose its last word.
        full = grown > target + size * 0.5 and not (tok[-1:] in _PAUSES and grown <= max_width)
        filled = text_width(current, size)
        pause = current[-1:] in _PAUSES and filled >= 0.6 * target
        # A bracketed remark reads best on a line of its own: break before "（".
        aside = tok[:1] in "（(" and filled >= 0.5 * target
        if current and remaining_lines > 1 and (full or pause or aside):
            lines.append(current.strip())
            current = tok.lstrip()
        else:
            current += tok
    lines.append(current.strip())
    return tuple(line for line in lines if line)


def _sub_text(step: ServiceStep, limits: Mapping[str, str], subs: Mapping[str, str] | None) -> str:
    """The line under the label: who, and by when, as the letter words it (the Figure's
    `subs`); without them, said by the default locale from the step and `limits`."""
    if subs:
        return subs.get(step.id, "")
    owner = step.owner or ""
    if step.limit is None:
        return owner
    limit = limits.get(step.id) or get_locale().value(step.limit)
    key = "flowchart.owner_limit" if owner else "flowchart.limit"
    return get_locale().text(key, owner=owner, limit=limit)


def _sub_lines(
    step: ServiceStep, max_width: float, limits: Mapping[str, str], subs: Mapping[str, str] | None
) -> tuple[str, ...]:
    text = _sub_text(step, limits, subs)
    return wrap(text, SUB_SIZE, max_width) if text else ()


# ---------------------------------------------------------------- layout


def _ranks(process: ServiceProcess) -> dict[str, int]:
    """Longest distance in arrows from the first step (the graph is acyclic)."""
    rank: dict[str, int] = {}

    order: list[ServiceStep] = []
    seen: set[str] = set()

    def visit(step: ServiceStep) -> None:
        if step.id in seen:
            return
        seen.add(step.id)
        for nxt in process.successors(step):
            visit(nxt)
        order.append(step)

    for s in process.steps:
        visit(s)
    for s in reversed(order):  # topological order
        rank.setdefault(s.id, 0)
        for nxt in process.successors(s):
            rank[nxt.id] = max(rank.get(nxt.id, 0), rank[s.id] + 1)
    return rank


def _columns(process: ServiceProcess, rank: dict[str, int]) -> dict[str, int]:
    """Main (longest) path in column 0, other steps to the right, then left, of it."""
    main = process.longest_path() or [process.steps[0]]
    column = {s.id: 0 for s in main}
    taken = {(rank[s.id], 0) for s in main}
    preds: dict[str, list[str]] = {}
    for s in process.steps:
        for nxt in process.successors(s):
            preds.setdefault(nxt.id, []).append(s.id)
    candidates = [c for k in range(1, 41) for c in (k, -k)]
    for s in sorted(process.steps, key=lambda st: rank[st.id]):
        if s.id in column:
            continue
        r = rank[s.id]
        # Stay in the column of a side-branch predecessor so a branch reads as one line.
        wish = [column[p] for p in preds.get(s.id, []) if column.get(p, 0) != 0]
        for c in [*wish, *candidates]:
            if (r, c) not in taken:
                column[s.id] = c
                taken.add((r, c))
                break
    return column


@dataclass
class _Box:
    step: ServiceStep
    shape: Shape
    lines: tuple[str, ...]
    sub: tuple[str, ...]
    w: float
    h: float


def _measure(
    process: ServiceProcess, limits: Mapping[str, str], subs: Mapping[str, str] | None
) -> list[_Box]:
    last = {s.id for s in process.steps if not process.successors(s)}
    boxes: list[_Box] = []
    for i, s in enumerate(process.steps):
        shape: Shape = (
            "decision" if s.is_decision else "terminal" if i == 0 or s.id in last else "process"
        )
        ems = DIAMOND_EMS if shape == "decision" else BOX_EMS
        lines = wrap(s.label, LABEL_SIZE, ems * LABEL_SIZE)
        sub = _sub_lines(s, ems * LABEL_SIZE, limits, subs)
        tw = max(
            [text_width(t, LABEL_SIZE) for t in lines] + [text_width(t, SUB_SIZE) for t in sub]
        )
        th = len(lines) * LABEL_SIZE * LEADING + len(sub) * SUB_SIZE * LEADING
        if shape == "decision":
            # A text block of half-size (p, q) fits a rhombus of half-size (2p, 2q).
            w, h = 2 * (tw + 2), 2 * (th + 1)
        else:
            w, h = max(MIN_BOX_W, tw + 2 * PAD_X), th + 2 * PAD_Y
        boxes.append(_Box(s, shape, lines, sub, w, h))
    # One width for every rectangle keeps the columns tidy.
    rect_w = max((b.w for b in boxes if b.shape != "decision"), default=MIN_BOX_W)
    for b in boxes:
        if b.shape != "decision":
            b.w = rect_w
    return boxes


def _node_texts(b: _Box, box: Rect) -> tuple[TextRun, ...]:
    heights = [LABEL_SIZE * LEADING] * len(b.lines) + [SUB_SIZE * LEADING] * len(b.sub)
    y = box.cy - sum(heights) / 2
    runs: list[TextRun] = []
    for i, (line, lh) in enumerate(zip([*b.lines, *b.sub], heights, strict=True)):
        size = LABEL_SIZE if i < len(b.lines) else SUB_SIZE
        # The ideographic centre sits about 0.36 em above the baseline in Noto Sans CJK.
        runs.append(
            TextRun(
                line,
                box.cx,
                y + lh / 2 + 0.36 * size,
                size,
                "middle",
                "label" if i < len(b.lines) else "sub",
            )
        )
        y += lh
    return tuple(runs)


class _Router:
    """Orthogonal arrows that keep to the free channels between rows and columns."""

    def __init__(
        self,
        nodes: dict[str, Node],
        col_x: dict[int, float],
        col_w: dict[int, float],
        row_y: list[float],
        row_h: list[float],
    ) -> None:
        self.nodes = nodes
        self.col_x, self.col_w, self.row_y, self.row_h = col_x, col_w, row_y, row_h
        self.cells = {(n.rank, n.column) for n in nodes.values()}
        self.lanes: dict[tuple[str, int], int] = {}
        self.entries: dict[tuple[str, str], int] = {}

    def _free(self, col: int, ranks: range) -> bool:
        return all((r, col) not in self.cells for r in ranks)

    def _between_free(self, rank: int, a: int, b: int) -> bool:
        lo, hi = sorted((a, b))
        return all((rank, c) not in self.cells for c in range(lo + 1, hi))

    def _lane(self, key: tuple[str, int]) -> float:
        k = self.lanes.get(key, 0)
        self.lanes[key] = k + 1
        # 0, +1, -1, +2, -2 ... lanes around the channel centre.
        return LANE * ((k + 1) // 2) * (1 if k % 2 else -1)

    def _channel_below(self, rank: int) -> float:
        return self.row_y[rank] + self.row_h[rank] + ROW_GAP / 2 + self._lane(("row", rank))

    def _gap_x(self, col: int, side: int) -> float:
        # Each column keeps to its own half of the gap beside it, so arrows leaving two
        # facing boxes at the same height never run into each other.
        key = ("right of" if side > 0 else "left of", col)
        k = self.lanes.get(key, 0)
        self.lanes[key] = k + 1
        # Six lanes of GAP_LANE fit in half a gap; a seventh arrow reuses the first lane.
        from_box = COL_GAP / 2 - GAP_LANE / 2 - GAP_LANE * (k % 6)
        return self.col_x[col] + side * (self.col_w[col] / 2 + from_box)

    def _side_entry(self, v: Node, side: int) -> Point:
        # Arrows into the same side of a box spread out instead of sharing one point.
        k = self.entries.get((v.step_id, "R" if side > 0 else "L"), 0)
        self.entries[(v.step_id, "R" if side > 0 else "L")] = k + 1
        dy = LANE * ((k + 1) // 2) * (1 if k % 2 else -1)
        if v.shape != "decision":
            x = v.box.right if side > 0 else v.box.x
            return (x, v.box.cy + dy)
        # Into the upper slanted edge, clear of the corner where a branch may leave.
        dy -= v.box.h / 4
        reach = v.box.w / 2 * (1 - abs(dy) / (v.box.h / 2))
        return (v.box.cx + side * reach, v.box.cy + dy)

    def ports(self, u: Node, targets: list[Node]) -> list[str]:
        """Bottom for the branch straight below, sides toward the others."""
        free = ["bottom", "right", "left"]
        wanted: list[list[str]] = []
        for t in targets:
            if t.column == u.column and self._free(u.column, range(u.rank + 1, t.rank)):
                wanted.append(["bottom", "right", "left"])
            elif t.column > u.column:
                wanted.append(["right", "bottom", "left"])
            elif t.column < u.column:
                wanted.append(["left", "bottom", "right"])
            else:  # same column but blocked: either side will do
                wanted.append(["right", "left", "bottom"])
        chosen = [w[0] for w in wanted]
        # Straight branches pick first, then those with a side of their own, then the rest;
        # past three branches, arrows share a port.
        order = sorted(range(len(targets)), key=lambda i: (wanted[i][0] != "bottom", i))
        order.sort(key=lambda i: wanted[i] == ["right", "left", "bottom"])
        for i in order:
            for port in wanted[i]:
                if port in free:
                    chosen[i] = port
                    free.remove(port)
                    break
        return chosen

    def route(self, u: Node, v: Node, port: str) -> tuple[Point, ...]:
        top_v = (v.box.cx, v.box.y)
        between = range(u.rank + 1, v.rank)
        if port == "bottom":
            start = (u.box.cx, u.box.bottom)
            if v.column == u.column and self._free(u.column, between):
                return (start, top_v)
            if (
                v.column != u.column
                and self._free(u.column, range(u.rank + 1, v.rank + 1))
                and self._between_free(v.rank, u.column, v.column)
            ):
                # Down beside the boxes, then into the side of the target (a rejoin).
                end = self._side_entry(v, 1 if v.column < u.column else -1)
                return (start, (start[0], end[1]), end)
            y1 = self._channel_below(u.rank)
            if self._free(v.column, between):
                return (start, (start[0], y1), (top_v[0], y1), top_v)
            side = -1 if v.column > u.column else 1
            gx = self._gap_x(v.column, side)
            end = self._side_entry(v, side)
            return (start, (start[0], y1), (gx, y1), (gx, end[1]), end)
        side = 1 if port == "right" else -1
        start = (u.box.right if side > 0 else u.box.x, u.box.cy)
        if (
            (v.column - u.column) * side > 0
            and (u.rank, v.column) not in self.cells
            and self._between_free(u.rank, u.column, v.column)
            and self._free(v.column, between)
        ):
            return (start, (top_v[0], start[1]), top_v)
        gx = self._gap_x(u.column, side)
        if v.column in (u.column, u.column + side):
            # The gap runs beside the target: enter it from that side.
            end = self._side_entry(v, side if v.column == u.column else -side)
            return (start, (gx, start[1]), (gx, end[1]), end)
        y2 = self._channel_below(v.rank - 1)
        return (start, (gx, start[1]), (gx, y2), (top_v[0], y2), top_v)


def _edge_label(text: str, start: Point, port: str, nth: int) -> TextRun:
    # `nth` stacks the labels of arrows that share a port (a decision of four or more ways).
    x, y = start
    step = nth * EDGE_LABEL_SIZE * 1.1
    if port == "bottom":
        baseline = y + EDGE_LABEL_SIZE + 0.6 + step
        return TextRun(text, x + 1.2, baseline, EDGE_LABEL_SIZE, "start", "edge")
    dx = 1.2 if port == "right" else -1.2
    anchor: Anchor = "start" if port == "right" else "end"
    return TextRun(text, x + dx, y - 0.9 - step, EDGE_LABEL_SIZE, anchor, "edge")


def layout(
    process: ServiceProcess,
    note: str | None = None,
    limits: Mapping[str, str] | None = None,
    subs: Mapping[str, str] | None = None,
) -> Layout:
    """Place the steps (rank = rows, columns around the main path) and route the arrows;
    `note` (e.g. 全流程24小时内完成, worded by the clause templates) goes under the chart;
    `limits` are the steps' time limits as the letter words them (default: zh-Hans), `subs`
    the whole line under each label (the Figure's; none or empty: said from owner and limit)."""
    rank = _ranks(process)
    column = _columns(process, rank)
    boxes = _measure(process, limits or {}, subs)
    rows = max(rank.values()) + 1
    row_h = [max(b.h for b in boxes if rank[b.step.id] == r) for r in range(rows)]
    cols = sorted(set(column.values()))
    col_w = {c: max(b.w for b in boxes if column[b.step.id] == c) for c in cols}
    col_x: dict[int, float] = {}
    x = COL_GAP
    for c in cols:
        col_x[c] = x + col_w[c] / 2
        x += col_w[c] + COL_GAP
    row_y: list[float] = []
    y = MARGIN
    for h in row_h:
        row_y.append(y)
        y += h + ROW_GAP
    chart_bottom = y - ROW_GAP

    nodes: dict[str, Node] = {}
    for b in boxes:
        r, c = rank[b.step.id], column[b.step.id]
        box = Rect(col_x[c] - b.w / 2, row_y[r] + (row_h[r] - b.h) / 2, b.w, b.h)
        nodes[b.step.id] = Node(b.step.id, b.shape, box, r, c, _node_texts(b, box))

    router = _Router(nodes, col_x, col_w, row_y, row_h)
    edges: list[Edge] = []
    for s in process.steps:
        u = nodes[s.id]
        targets = [nodes[t.id] for t in process.successors(s)]
        ports = router.ports(u, targets) if s.is_decision else ["bottom"] * len(targets)
        labels: list[str | None] = [b.label for b in s.branches] or [None] * len(targets)
        for i, (v, port, text) in enumerate(zip(targets, ports, labels, strict=True)):
            points = _simplify(router.route(u, v, port))
            label = _edge_label(text, points[0], port, ports[:i].count(port)) if text else None
            edges.append(Edge(s.id, v.step_id, points, label))

    footer_text = note
    # Trim the unused outer gaps so the chart is centred on the page.
    left, right = _extent(nodes.values(), edges)
    if footer_text:
        spare = text_width(footer_text, FOOTER_SIZE) - (right - left)
        if spare > 0:
            left, right = left - spare / 2, right + spare / 2
    dx = MARGIN - left
    width = right - left + 2 * MARGIN
    placed = tuple(_shift_node(n, dx) for n in nodes.values())
    routed = tuple(_shift_edge(e, dx) for e in edges)
    footer = None
    height = chart_bottom + MARGIN
    if footer_text:
        baseline = chart_bottom + FOOTER_GAP + FOOTER_SIZE
        footer = TextRun(footer_text, width / 2, baseline, FOOTER_SIZE, "middle", "footer")
        height = chart_bottom + FOOTER_GAP + FOOTER_SIZE * LEADING + MARGIN
    scale = min(1.0, MAX_WIDTH_MM / width, MAX_HEIGHT_MM / height)
    if scale < MIN_SCALE:
        # Fitted to the page, the chart would print its labels too small to read (40 steps
        # in one chain: 2 pt); a chart nobody can read is not a chart.
        raise RenderError(
            f"commitments.service_process.steps: the flowchart of {len(process.steps)} steps "
            f"({rows} rows) would be printed at {scale:.0%} of its size to fit the page, its "
            f"labels about {LABEL_SIZE * scale * 72 / 25.4:.0f} pt: too small to read; use "
            "fewer steps one after another (a step may name several actions)"
        )
    return Layout(width, height, scale, placed, routed, footer)


def text_span(run: TextRun) -> tuple[float, float]:
    """Left and right x of a line of text (estimated)."""
    w = text_width(run.text, run.size)
    left = {"start": run.x, "middle": run.x - w / 2, "end": run.x - w}[run.anchor]
    return left, left + w


def _extent(nodes: Iterable[Node], edges: Iterable[Edge]) -> tuple[float, float]:
    xs: list[float] = []
    for n in nodes:
        xs += [n.box.x, n.box.right]
    for e in edges:
        xs += [p[0] for p in e.points]
        if e.label:
            xs += text_span(e.label)
    return min(xs), max(xs)


def _shift_run(run: TextRun, dx: float) -> TextRun:
    return replace(run, x=run.x + dx)


def _shift_node(n: Node, dx: float) -> Node:
    box = replace(n.box, x=n.box.x + dx)
    return replace(n, box=box, texts=tuple(_shift_run(t, dx) for t in n.texts))


def _shift_edge(e: Edge, dx: float) -> Edge:
    points = tuple((x + dx, y) for x, y in e.points)
    return replace(e, points=points, label=_shift_run(e.label, dx) if e.label else None)


def _simplify(points: tuple[Point, ...]) -> tuple[Point, ...]:
    """Drop repeated and collinear points so every corner is a real corner."""
    out: list[Point] = []
    for p in points:
        if out and math.isclose(out[-1][0], p[0]) and math.isclose(out[-1][1], p[1]):
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            same_x = math.isclose(a[0], b[0]) and math.isclose(b[0], p[0])
            same_y = math.isclose(a[1], b[1]) and math.isclose(b[1], p[1])
            if same_x or same_y:
                out[-1] = p
                continue
        out.append(p)
    return tuple(out)


def size_mm(
    process: ServiceProcess,
    note: str | None = None,
    limits: Mapping[str, str] | None = None,
    subs: Mapping[str, str] | None = None,
) -> tuple[float, float]:
    """Display size of the chart in mm, scaled down to fit the A4 text block."""
    lay = layout(process, note, limits, subs)
    return (round(lay.width * lay.scale, 2), round(lay.height * lay.scale, 2))


def arrow_head(points: tuple[Point, ...]) -> tuple[Point, Point, Point]:
    """The triangle at the end of a polyline, tip on the last point."""
    (x0, y0), (x1, y1) = points[-2], points[-1]
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    bx, by = x1 - ux * ARROW_LEN, y1 - uy * ARROW_LEN
    return (
        (x1, y1),
        (bx - uy * ARROW_HALF, by + ux * ARROW_HALF),
        (bx + uy * ARROW_HALF, by - ux * ARROW_HALF),
    )


def _shaft(points: tuple[Point, ...]) -> tuple[Point, ...]:
    # Stop the line at the arrow's base so the square line end does not poke past the tip.
    (x0, y0), (x1, y1) = points[-2], points[-1]
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    k = min(ARROW_LEN * 0.8, length) / length
    return (*points[:-1], (x1 - (x1 - x0) * k, y1 - (y1 - y0) * k))


def diamond(box: Rect) -> tuple[Point, Point, Point, Point]:
    """Top, right, bottom, left corners of a decision."""
    return ((box.cx, box.y), (box.right, box.cy), (box.cx, box.bottom), (box.x, box.cy))


# ---------------------------------------------------------------- SVG


def _n(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _pts(points: tuple[Point, ...]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def draw_svg(
    process: ServiceProcess,
    *,
    note: str | None = None,
    title: str | None = None,
    font_family: str = FONT_FAMILY,
    limits: Mapping[str, str] | None = None,
    subs: Mapping[str, str] | None = None,
) -> str:
    """A standalone SVG (size in mm) with real text, for WeasyPrint."""
    lay = layout(process, note, limits, subs)
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "version": "1.1",
            "width": f"{_n(lay.width * lay.scale)}mm",
            "height": f"{_n(lay.height * lay.scale)}mm",
            "viewBox": f"0 0 {_n(lay.width)} {_n(lay.height)}",
            # Unquoted: WeasyPrint's SVG reader takes a quoted list as one unknown family and
            # falls back to fontconfig's default face (a CJK JP face in an English letter).
            "font-family": ", ".join(families(font_family)),
        },
    )
    if title:
        ET.SubElement(svg, "title").text = title
    common = {"stroke": "#000", "stroke-width": _n(STROKE)}
    for node in lay.nodes:
        g = ET.SubElement(svg, "g", {"class": "step", "data-step": node.step_id})
        b = node.box
        if node.shape == "decision":
            ET.SubElement(
                g,
                "polygon",
                {"class": "decision", "points": _pts(diamond(b)), "fill": "#f2f2f2", **common},
            )
        else:
            attrs = {"x": _n(b.x), "y": _n(b.y), "width": _n(b.w), "height": _n(b.h)}
            if node.shape == "terminal":
                attrs |= {"rx": "3", "ry": "3"}
            ET.SubElement(g, "rect", {"class": node.shape, **attrs, "fill": "#fff", **common})
        for run in node.texts:
            _svg_text(g, run)
    for edge in lay.edges:
        g = ET.SubElement(
            svg, "g", {"class": "edge", "data-from": edge.source, "data-to": edge.target}
        )
        ET.SubElement(
            g, "polyline", {"points": _pts(_shaft(edge.points)), "fill": "none", **common}
        )
        ET.SubElement(
            g,
            "polygon",
            {"class": "arrow", "points": _pts(arrow_head(edge.points)), "fill": "#000"},
        )
        if edge.label:
            _svg_text(g, edge.label)
    if lay.footer:
        _svg_text(svg, lay.footer)
    return ET.tostring(svg, encoding="unicode", xml_declaration=False) + "\n"


def _svg_text(parent: ET.Element, run: TextRun) -> None:
    fill = "#333" if run.role == "sub" else "#000"
    el = ET.SubElement(
        parent,
        "text",
        {
            "class": run.role,
            "x": _n(run.x),
            "y": _n(run.y),
            "font-size": _n(run.size),
            "text-anchor": run.anchor,
            "fill": fill,
        },
    )
    el.text = run.text


# ---------------------------------------------------------------- PNG

_SUPERSAMPLE = 3


@functools.cache
def _pil_font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    # Opening the 20 MB font collection costs more than drawing the whole chart.
    return ImageFont.truetype(path, size, index=index)


def _png_face(spec: str, texts: Iterable[str]) -> Face:
    """The first face of the families `spec` that draws every character of `texts` (Pillow has
    no fallback font), else the first; found by the one lookup the PDF uses too."""
    found = [find_face(name) for name in families(spec)]
    wanted = {ord(c) for text in texts for c in text if not c.isspace()}
    for face in found:
        if len(found) == 1 or wanted <= cmap(face):
            return face
    return found[0]


def draw_png(
    process: ServiceProcess,
    *,
    note: str | None = None,
    dpi: int = 200,
    font_family: str = FONT_FAMILY,
    limits: Mapping[str, str] | None = None,
    subs: Mapping[str, str] | None = None,
) -> bytes:
    """The same chart as a PNG at `dpi` (the DOCX's fallback), the same for the same input."""
    lay = layout(process, note, limits, subs)
    runs = [run for node in lay.nodes for run in node.texts]
    runs += [edge.label for edge in lay.edges if edge.label] + ([lay.footer] if lay.footer else [])
    face = _png_face(font_family, (run.text for run in runs))
    path, index = str(face.path), face.index
    px_per_mm = dpi / 25.4 * lay.scale
    size = (round(lay.width * px_per_mm), round(lay.height * px_per_mm))
    k = px_per_mm * _SUPERSAMPLE
    # Pillow does not antialias lines; draw large and shrink with a good filter.
    img = Image.new("L", (size[0] * _SUPERSAMPLE, size[1] * _SUPERSAMPLE), 255)
    draw = ImageDraw.Draw(img)
    line = max(round(STROKE * k), round(1.5 * _SUPERSAMPLE))

    def p(pt: Point) -> tuple[float, float]:
        return (pt[0] * k, pt[1] * k)

    def text(run: TextRun) -> None:
        font = _pil_font(path, index, round(run.size * k))
        anchor = {"start": "ls", "middle": "ms", "end": "rs"}[run.anchor]
        fill = 0x33 if run.role == "sub" else 0
        draw.text(p((run.x, run.y)), run.text, font=font, fill=fill, anchor=anchor)

    for node in lay.nodes:
        b = node.box
        if node.shape == "decision":
            draw.polygon([p(c) for c in diamond(b)], fill=0xF2, outline=0, width=line)
        else:
            xy = (p((b.x, b.y)), p((b.right, b.bottom)))
            radius = round(3 * k) if node.shape == "terminal" else 0
            draw.rounded_rectangle(xy, radius=radius, fill=255, outline=0, width=line)
        for run in node.texts:
            text(run)
    for edge in lay.edges:
        draw.line([p(pt) for pt in _shaft(edge.points)], fill=0, width=line, joint="curve")
        draw.polygon([p(pt) for pt in arrow_head(edge.points)], fill=0)
        if edge.label:
            text(edge.label)
    if lay.footer:
        text(lay.footer)
    out = img.reduce(_SUPERSAMPLE)  # a box filter: each pixel the mean of its 3×3 block
    buf = io.BytesIO()
    out.save(buf, format="PNG", dpi=(dpi, dpi))
    return buf.getvalue()

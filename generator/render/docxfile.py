"""Lay a Letter out as DOCX through docxtpl and a real .docx template users can restyle.

The template (templates/<language>/letter.docx, built by scripts/make_docx_template.py) owns
the look: page setup, header and footer, and the named styles this module uses. The body is a
docxtpl subdocument built with python-docx, so sections nest freely and tables and figures
need no template loops. Output is reproducible: same Letter, same bytes.

A template (bundled or the user's own) is rendered by a sandboxed Jinja with StrictUndefined
and autoescape, and may use: `title`, `addressee`, `header_text`, `body` (as `{{p body }}`),
`seal` (the seal image or empty) and `signature.` `company_label`, `company`,
`signatory_label`, `signatory`, `date_label`, `date_text`, `phone`. It must define the styles
in PARAGRAPH_STYLES and TABLE_STYLE.
"""

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import jinja2
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, Twips
from docxtpl import DocxTemplate, InlineImage
from jinja2.sandbox import SandboxedEnvironment

from generator.clock import ZIP_EPOCH, known_instant
from generator.errors import RenderError
from generator.letter.document import Block, Figure, Letter, Paragraph, Section, Signature, Table
from generator.locale import get_locale
from generator.render import drawingml, flowchart
from generator.render.assets import prepare_image
from generator.render.columns import content_widths
from generator.render.docxtemplate import apply_template, check_template
from generator.render.formatting import apply_docx, formatted
from generator.render.typeset import Rules, join, pieces, rules
from generator.resources import templates_dir

FIGURE_DPI = 200
HEADER_FILL = "F0F0F0"
"""The header row's shading, the grey of the PDF's table heads."""
TABLE_GAP = Pt(12)
"""Room between a table and the next line; the PDF has 3 mm plus the heading's own margin."""
CLOSING_GAP = Pt(12)
"""Room above the closing, as the PDF's `.closing` margin (4 mm)."""
SEAL_WIDTH_MM = 40.0
"""A round company seal is 40–42 mm across; the template's seal area is 45 mm high."""
LOGO_HEIGHT_MM = 10.0
"""The letterhead logo's height in the page header, as in the PDF (at most 40 mm wide)."""
LOGO_MAX_WIDTH_MM = 40.0

PARAGRAPH_STYLES = (
    "Normal",
    "Note",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Heading 4",
    "Caption",
    "Figure",
    "Table Text",
    "Table Heading",
)
TABLE_STYLE = "Letter Table"


def default_template(language: str = "zh-Hans") -> Path:
    """The bundled letter.docx for `language` (source tree or installed wheel)."""
    path = templates_dir(language) / "letter.docx"
    if not path.is_file():
        raise RenderError(f"{path}: no DOCX template for language {language!r}")
    return path


def render_docx(letter: Letter, *, template: Path | None = None) -> bytes:
    """The letter as .docx bytes, laid out by `template` (default: the bundled one)."""
    path = template or default_template(letter.language)
    try:
        tpl = DocxTemplate(path)
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise RenderError(f"{path}: not a usable .docx template: {exc}") from exc
    _check_styles(tpl, path)
    letterhead = False  # whether the company template's header brings its own picture
    if letter.docx_template is not None:  # its look first; the profile's `format:` over it
        letterhead = apply_template(tpl.docx, check_template(letter.docx_template))
    letter, fmt = formatted(letter)
    if fmt is not None:
        page_of = str(get_locale(letter.language).settings["page_of"])
        apply_docx(tpl.docx, fmt, page_of, template=letter.docx_template is not None)

    body = tpl.new_subdoc()
    # Style ids by name, looked up once for the letter (see `_paragraph`).
    body.style_ids = {name: tpl.docx.styles[name].style_id for name in PARAGRAPH_STYLES}
    # Where a line must not break (a number and its unit, a paragraph's last letters): `_text`.
    body.nobreak = rules(letter.language)
    width, height = _text_area(tpl)
    # The chart's face is the PDF body face of the letter's language (TC for zh-Hant).
    chart_font = get_locale(letter.language).fonts("pdf")["body"]
    for part in (letter.opening, letter.sections):
        _blocks(body, part, width, height, chart_font)
    closing_at = len(body.paragraphs)
    _blocks(body, letter.closing, width, height, chart_font)
    _space_after_tables(body)
    if letter.closing:
        # Apart from the last section, as in the PDF (.closing): never read as its last point.
        body.paragraphs[closing_at].paragraph_format.space_before = CLOSING_GAP
    # The closing ("以上承诺真实有效…", "特此承诺。") moves with the signature block (the
    # template's Signature style keeps its own lines together) rather than leave it alone.
    for paragraph in body.paragraphs[closing_at:]:
        paragraph.paragraph_format.keep_with_next = True

    context = {
        "title": letter.title,
        "addressee": letter.addressee,
        "header_text": letter.header_text,
        "body": body,
        "seal": _seal(tpl, letter.signature, letter.asset_dirs),
        "signature": _signature(letter.signature),
        "footer_text": fmt.footer if fmt is not None and fmt.footer else "",
    }
    if letter.logo_image is not None and not letterhead and (fmt is None or fmt.header):
        # Before rendering: docxtpl replaces the header parts with rendered copies of them.
        _letterhead(tpl, letter.logo_image, letter.asset_dirs)
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        tpl.render(context, jinja_env=env, autoescape=True)
    except jinja2.TemplateError as exc:
        raise RenderError(f"{path}: {exc}") from exc

    when = known_instant(letter.date)
    language = str(get_locale(letter.language).settings["html_lang"])
    tpl.docx.core_properties.revision = 1  # makes the part when a template has none
    out = io.BytesIO()
    tpl.save(out)
    # docProps are written whole, not edited: the template's (or a company's) own carry
    # another application and a page count, and python-docx writes some core properties
    # twice once docxcompose (imported by docxtpl) has rebound the "cp" prefix to the
    # custom-properties namespace.
    parts = {
        CORE_PART: core_xml(
            letter.meta_title, letter.meta_subject, letter.meta_author, language, when
        ),
        APP_PART: APP_XML,
    }
    return fixed_zip(out.getvalue(), when or ZIP_EPOCH, parts)


CORE_PART = "docProps/core.xml"
APP_PART = "docProps/app.xml"
APPLICATION = "aftersales"
"""What docProps/app.xml names as the application that wrote the file."""
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    f"<Application>{APPLICATION}</Application></Properties>"
).encode()
"""No page, word or line counts: only a word processor laying the DOCX out knows them, and a
count of 1 (the template's) is wrong; Word and LibreOffice recount when they save."""


def core_xml(
    title: str, subject: str, author: str, language: str, when: dt.datetime | None
) -> bytes:
    """docProps/core.xml with each property once; an empty value and an unknown date are left
    out rather than written blank or made up."""
    fields = [
        ("dc:title", title),
        ("dc:subject", subject),
        ("dc:creator", author),
        ("cp:lastModifiedBy", author),
        ("dc:language", language),
        ("cp:revision", "1"),
    ]
    body = "".join(f"<{tag}>{escape(value)}</{tag}>" for tag, value in fields if value)
    if when is not None:
        stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for tag in ("dcterms:created", "dcterms:modified"):
            body += f'<{tag} xsi:type="dcterms:W3CDTF">{stamp}</{tag}>'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{body}</cp:coreProperties>"
    ).encode()


def _letterhead(tpl: DocxTemplate, logo: Path, asset_dirs: tuple[Path, ...]) -> None:
    """The logo at the start of every section's page header, before the header text (as the
    PDF's letterhead): the template's header stays the user's to restyle."""
    image = prepare_image(logo, asset_dirs)
    height = LOGO_HEIGHT_MM
    width = height * image.info.width / max(image.info.height, 1)
    if width > LOGO_MAX_WIDTH_MM:
        width, height = LOGO_MAX_WIDTH_MM, LOGO_MAX_WIDTH_MM * image.info.height / image.info.width
    # Odd and even pages (a `format:` with — 1 — page numbers) each have their header.
    even = tpl.docx.settings.odd_and_even_pages_header_footer
    headers = [h for s in tpl.docx.sections for h in (s.header, *([s.even_page_header] * even))]
    for header in headers:
        first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        run = first.add_run()
        run.add_picture(io.BytesIO(image.data), width=Mm(width), height=Mm(height))
        run.add_text("  ")
        # The picture goes first: move the run before the header's own text.
        first._p.remove(run._r)
        anchor = first._p.find(qn("w:pPr"))
        if anchor is None:
            first._p.insert(0, run._r)
        else:
            anchor.addnext(run._r)


def fixed_zip(data: bytes, when: dt.datetime, parts: Mapping[str, bytes] | None = None) -> bytes:
    """Rewrite a zip package with every entry dated `when`, keeping the entry order, with the
    entries named in `parts` replaced by their bytes (when present).

    python-docx writes [Content_Types].xml first, as Word expects; only the clock-dependent
    and platform-dependent header fields change.
    """
    # Zip times have no zone: record the wall-clock time of `when` in its own zone.
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    parts = parts or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, parts.get(entry.filename) or source.read(entry))
    return out.getvalue()


def _check_styles(tpl: DocxTemplate, path: Path) -> None:
    styles = tpl.docx.styles
    names = {(s.name, s.type) for s in styles}
    missing = [n for n in PARAGRAPH_STYLES if (n, WD_STYLE_TYPE.PARAGRAPH) not in names]
    if (TABLE_STYLE, WD_STYLE_TYPE.TABLE) not in names:
        missing.append(TABLE_STYLE)
    if missing:
        raise RenderError(f"{path}: the template lacks the styles {', '.join(missing)}")


def _text_area(tpl: DocxTemplate) -> tuple[int, int]:
    """Width and height (EMU) between the margins of the template's last section."""
    section = tpl.docx.sections[-1]
    width = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    return int(width), int(height)


def _blocks(doc: Any, blocks: Iterable[Block], width: int, height: int, font: str) -> None:
    for block in blocks:
        if isinstance(block, Section):
            level = min(max(block.level, 1), 4)
            if block.number or block.title:  # an untitled section only groups blocks
                _paragraph(doc, block.title, f"Heading {level}", number=block.number)
            _blocks(doc, block.blocks, width, height, font)
        elif isinstance(block, Paragraph):
            style = "Note" if block.style == "note" else "Normal"
            _paragraph(doc, block.text, style, number=block.number or "", body=True)
        elif isinstance(block, Table):
            _table(doc, block, width)
        else:
            _figure(doc, block, width, height, font)


def _paragraph(doc: Any, text: str, style: str, *, number: str = "", body: bool = False) -> Any:
    """A paragraph of `style`: `number` (a list marker), then `text` (`_text`; `body`: a body
    paragraph, whose last letters stay together too)."""
    # python-docx resolves a style name by scanning every style on each call; the id, from
    # the table built once per letter, is set on the paragraph's XML directly instead.
    paragraph = doc.add_paragraph(number)
    paragraph._p.style = doc.style_ids[style]
    _text(paragraph, text, doc.nobreak, body=body)
    return paragraph


def _text(paragraph: Any, text: str, nobreak: Rules, *, body: bool = False) -> None:
    """`text` as runs of `paragraph`: each stretch that must stay on one line (a number with
    its unit; `body`: also the last letters) is a run of its own, its letters joined by word
    joiners and its East Asian language the locale's `docx_language`, which LibreOffice's line
    breaker needs to keep them (generator/render/typeset.py says why)."""
    for piece, keep in pieces(text, nobreak, paragraph=body):
        run = paragraph.add_run(join(piece) if keep else piece)
        if keep and nobreak.docx_language:
            lang = OxmlElement("w:lang")
            lang.set(qn("w:eastAsia"), nobreak.docx_language)
            run._r.get_or_add_rPr().append(lang)


def _table(doc: Any, table: Table, width: int) -> None:
    if table.caption:  # the deviation table's title is its caption already
        caption = _paragraph(doc, table.caption, "Caption")
        caption.paragraph_format.keep_with_next = True

    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = doc.styles[TABLE_STYLE]
    widths = _column_widths(table.widths or content_widths(table), int(Emu(width).twips))
    grid.autofit = False  # fixed layout: Word keeps the widths below instead of re-fitting
    tbl_w = grid._tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:w"), str(sum(widths)))
    tbl_w.set(qn("w:type"), "dxa")

    for column, twips in zip(grid.columns, widths, strict=True):
        column.width = Twips(twips)
    for index, (row, values) in enumerate(zip(grid.rows, (table.header, *table.rows), strict=True)):
        tr_pr = row._tr.get_or_add_trPr()
        # A row never breaks across pages; the header row repeats on each page the table spans.
        tr_pr.append(OxmlElement("w:cantSplit"))
        if index == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))
        for cell, text, twips in zip(row.cells, values, widths, strict=True):
            cell.width = Twips(twips)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph._p.style = doc.style_ids["Table Heading" if index == 0 else "Table Text"]
            _text(paragraph, text, doc.nobreak)
            if index == 0:
                _shade(cell, HEADER_FILL)


def _shade(cell: Any, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    # CT_TcPr's schema order: w:shd comes before the w:vAlign already set on the cell.
    successors = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign")
    cell._tc.get_or_add_tcPr().insert_element_before(shd, *successors, "w:hideMark")


def _space_after_tables(doc: Any) -> None:
    """Give the paragraph after each table at least TABLE_GAP before it.

    Word has no space below a table, so without this the next line sits on the bottom border
    (the PDF keeps 3 mm there).
    """
    paragraphs = {p._p: p for p in doc.paragraphs}
    for tbl in doc.element.body.iterchildren(qn("w:tbl")):
        following = paragraphs.get(tbl.getnext())
        if following is None:
            continue
        own = following.paragraph_format.space_before
        styled = following.style.paragraph_format.space_before if following.style else None
        if max(own or 0, styled or 0) < TABLE_GAP:
            following.paragraph_format.space_before = TABLE_GAP


def _column_widths(relative: tuple[int, ...], total: int) -> list[int]:
    """Relative widths scaled to `total` twips; the last column takes the rounding rest."""
    weight = sum(relative)
    widths = [total * r // weight for r in relative[:-1]]
    return [*widths, total - sum(widths)]


def _figure(doc: Any, figure: Figure, width: int, height: int, font: str) -> None:
    """The chart as editable shapes (DrawingML), with its PNG as the fallback picture for a
    reader that cannot draw them."""
    lay = flowchart.layout(figure.process, figure.note, figure.limits, figure.subs)
    png = flowchart.draw_png(
        figure.process,
        note=figure.note,
        dpi=FIGURE_DPI,
        limits=figure.limits,
        subs=figure.subs,
        font_family=font,
    )
    w_mm, h_mm = lay.width * lay.scale, lay.height * lay.scale
    # Shrink to the text area (leaving room for the caption), never enlarge: scaling down only
    # raises the effective resolution above FIGURE_DPI.
    max_h = height - int(Mm(30))
    scale = min(1.0, width / int(Mm(w_mm)), max_h / int(Mm(h_mm)))
    paragraph = doc.add_paragraph(style="Figure")
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run()
    run.add_picture(
        io.BytesIO(png), width=Emu(int(Mm(w_mm) * scale)), height=Emu(int(Mm(h_mm) * scale))
    )
    picture = run._r.find(qn("w:drawing"))
    # The group shares the picture's drawing id: only one of the two is ever shown.
    shape_id = int(picture.find(f".//{qn('wp:docPr')}").get("id"))
    chart = parse_xml(
        drawingml.chart_xml(lay, lay.scale * scale, name=figure.caption, shape_id=shape_id)
    )
    run._r.remove(picture)
    chart.find(f"{{{drawingml.NS['mc']}}}Fallback").append(picture)
    run._r.append(chart)
    doc.add_paragraph(figure.caption, style="Caption")


def _seal(tpl: DocxTemplate, signature: Signature, asset_dirs: tuple[Path, ...]) -> Any:
    if signature.seal_image is None:
        return ""
    # The normalised bytes (8-bit PNG or JFIF JPEG): python-docx reads a JPEG's size from its
    # JFIF/Exif header and refuses a scan without one.
    image = prepare_image(signature.seal_image, asset_dirs)
    return InlineImage(tpl, io.BytesIO(image.data), width=Mm(SEAL_WIDTH_MM))


def _signature(signature: Signature) -> dict[str, str]:
    return {
        "company_label": signature.company_label,
        "company": signature.company,
        "signatory_label": signature.signatory_label,
        # An empty signatory leaves the line blank for a handwritten signature.
        "signatory": signature.signatory or "",
        "date_label": signature.date_label,
        "date_text": signature.date_text,
        "phone": signature.phone or "",
        "phone_label": signature.phone_label,
    }

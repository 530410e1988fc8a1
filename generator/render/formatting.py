"""A letter's `format:` made concrete and applied alike to the DOCX and the PDF.

`page_format` resolves a profile's `Format` (a preset and the fields that change it) into
sizes in points, lengths in millimetres and font names; `format_fonts` maps each font name to
the free face the PDF embeds (by the kind of face it names: 宋体 → Noto Serif CJK, 黑体 →
Noto Sans CJK, 楷体 and 仿宋 → AR PL UKai, 小标宋 → Noto Serif CJK bold); `stylesheet` writes the
CSS laid over letter.css, and `apply_docx` changes the DOCX template's styles, page margins,
header and footer the same way. A letter without `format:` is laid out by the templates as
they are.
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from generator.letter.document import Letter
from generator.profiles.models import Format, PageNumbers, Preset
from generator.profiles.typography import (
    FontStyle,
    font_style,
    no_header,
    parse_length,
    parse_size,
    parse_spacing,
)
from generator.render.docxtemplate import Look, copy_story, has_page_field, template_look
from generator.render.fonts import Fonts, css_families, families

NO_HEADER = "none"
"""`header: none` leaves the page header out (公文 have none)."""


@dataclass(frozen=True)
class PageFormat:
    """Everything `format:` decides, resolved: DOCX font names as written, sizes in points,
    margins in millimetres (top, right, bottom, left)."""

    preset: Preset
    body_font: str
    heading_font: str
    subheading_font: str
    title_font: str
    body_size: Decimal
    heading_size: Decimal
    title_size: Decimal
    spacing: tuple[str, Decimal]
    """("multiple", 1.5) or ("exact", points)."""
    margins: tuple[Decimal, Decimal, Decimal, Decimal]
    header: bool
    header_text: str | None
    """None: the letter's own (project name and tender number)."""
    footer: str | None
    page_numbers: PageNumbers
    page_number_size: Decimal
    char_spacing: Decimal = Decimal(0)
    """points added after each character (negative: condensed), as Word's 字符间距."""
    logo_png: bytes | None = None
    """the company template's header picture, the PDF's letterhead logo."""


_PRESETS: dict[Preset, dict[str, str]] = {
    # The bundled templates' look: 宋体 小四 1.5倍, 黑体 headings, 三号 title.
    Preset.BUSINESS: {
        "body_font": "宋体",
        "heading_font": "黑体",
        "body_size": "12pt",
        "heading_size": "15pt",
        "title_size": "16pt",
        "line_spacing": "1.5",
        "top": "25mm",
        "right": "26mm",
        "bottom": "25mm",
        "left": "28mm",
        "page_numbers": "page_of",
        "page_number_size": "9pt",
    },
    # GB/T 9704-2012: 版心 156 mm × 225 mm from 37 mm top and 28 mm left; 22 lines of 28
    # characters of 三号 (16 pt) 仿宋_GB2312, so a line is 225 mm / 22 = 28.95 pt; title 二号
    # 小标宋, 一级标题 黑体, 二级 楷体; page numbers 四号 — 1 — outside.
    Preset.GBT9704: {
        "body_font": "仿宋_GB2312",
        "heading_font": "黑体",
        "subheading_font": "楷体_GB2312",
        "title_font": "小标宋",
        "body_size": "16pt",
        "heading_size": "16pt",
        "title_size": "22pt",
        "line_spacing": "28.95pt",
        "top": "37mm",
        "right": "26mm",
        "bottom": "35mm",
        "left": "28mm",
        "header": NO_HEADER,
        "page_numbers": "dash",
        "page_number_size": "14pt",
        # 28 characters of 16 pt take 158 mm; the 156 mm block holds them condensed by
        # 0.25 pt each (Word's 字符间距 紧缩 0.25 磅; a Word 文档网格 does the same).
        "char_spacing": "-0.25",
    },
}


def page_format(fmt: Format) -> PageFormat:
    """The preset with the fields `fmt` sets laid over it."""
    base = _PRESETS[fmt.preset]
    given = fmt.model_dump(exclude_none=True, exclude={"preset", "margins"})
    margins = fmt.margins.model_dump(exclude_none=True) if fmt.margins else {}
    values = {**base, **given, **margins}
    heading = values["heading_font"]
    header = values.get("header")
    return PageFormat(
        preset=fmt.preset,
        body_font=values["body_font"],
        heading_font=heading,
        subheading_font=values.get("subheading_font", heading),
        title_font=values.get("title_font", heading),
        body_size=parse_size(values["body_size"]),
        heading_size=parse_size(values["heading_size"]),
        title_size=parse_size(values["title_size"]),
        spacing=parse_spacing(values["line_spacing"]),
        margins=(
            parse_length(values["top"]),
            parse_length(values["right"]),
            parse_length(values["bottom"]),
            parse_length(values["left"]),
        ),
        header=header is None or not no_header(header),
        header_text=None if header is None or no_header(header) else header,
        footer=values.get("footer"),
        page_numbers=PageNumbers(values["page_numbers"]),
        page_number_size=parse_size(base["page_number_size"]),
        char_spacing=Decimal(base.get("char_spacing", "0")),
    )


# The free face (fonts-noto-cjk, fonts-arphic-ukai) that draws each kind of face, for the
# Simplified and the Traditional letters. Debian has no FangSong face covering GB 2312 (cwTeX's
# covers Big5 only), so 仿宋 is drawn by the Kai face (both brush-derived; a Song face would
# read as 宋体); the DOCX keeps the name, so Word shows the real 仿宋_GB2312.
_FACES: dict[FontStyle, tuple[str, str]] = {
    FontStyle.SONG: ("Noto Serif CJK SC", "Noto Serif CJK TC"),
    FontStyle.HEI: ("Noto Sans CJK SC", "Noto Sans CJK TC"),
    FontStyle.FANGSONG: ("AR PL UKai CN", "AR PL UKai TW"),
    FontStyle.KAI: ("AR PL UKai CN", "AR PL UKai TW"),
    FontStyle.XIAOBIAOSONG: ("Noto Serif CJK SC", "Noto Serif CJK TC"),
}


def _face(name: str, traditional: bool) -> str:
    style = font_style(name)
    if style is None:  # the model refuses such names; a PageFormat made by hand may not
        raise ValueError(f"{name!r}: no embedded face for this font")
    return _FACES[style][1 if traditional else 0]


def format_fonts(fmt: PageFormat, fonts: Fonts) -> dict[str, str]:
    """The language's PDF families by role with the CJK face of each role replaced by the
    face `fmt` names (a Latin face an English letter puts first stays first)."""
    traditional = any(name.endswith(" TC") for name in families(fonts["body"]))

    def swap(spec: str, name: str) -> str:
        face = _face(name, traditional)
        listed = [face if "CJK" in f else f for f in families(spec)]
        if face not in listed:
            listed.append(face)
        return ", ".join(dict.fromkeys(listed))

    heading = fonts["heading"]
    return {
        "body": swap(fonts["body"], fmt.body_font),
        "heading": swap(heading, fmt.heading_font),
        "subheading": swap(heading, fmt.subheading_font),
        "title": swap(heading, fmt.title_font),
    }


def _pt(value: Decimal) -> str:
    return f"{value.normalize():f}pt"


def _mm(value: Decimal) -> str:
    return f"{value.normalize():f}mm"


def _line_height(fmt: PageFormat) -> str:
    kind, amount = fmt.spacing
    return f"{amount.normalize():f}" if kind == "multiple" else _pt(amount)


def _css_string(text: str) -> str:
    """`text` as a CSS string (quotes, backslashes and controls escaped as code points)."""
    escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def _weight(name: str) -> str:
    """Headings in 黑体 or 小标宋 are set bold (the heavy Noto faces); in 宋体, 仿宋 or 楷体
    at regular weight, as 公文 set them (no synthetic bold)."""
    heavy = font_style(name) in (FontStyle.HEI, FontStyle.XIAOBIAOSONG)
    return "bold" if heavy else "normal"


SIGNATURE_MM = Decimal(105)
"""The signature block's width at 小四 (letter.css), at the right of the text block."""


def signature_width(fmt: PageFormat) -> Decimal:
    """Wider with a larger body size (the company name stays on one line at 三号), never wider
    than the text block."""
    text = Decimal(210) - fmt.margins[1] - fmt.margins[3]
    return min(text, SIGNATURE_MM * max(Decimal(1), fmt.body_size / 12)).quantize(Decimal(1))


def _words(page_of: str) -> tuple[str, str, str]:
    """The language's footer words around the page number and count (locale.yaml page_of)."""
    before, _, rest = page_of.partition("{page}")
    between, _, after = rest.partition("{pages}")
    return before, between, after


NEWLINE = '"\\A"'
DASHED = '"\\2014  " counter(page) "  \\2014"'


def stylesheet(fmt: PageFormat, fonts: Mapping[str, str], page_of: str) -> str:
    """The CSS laid over letter.css (same selectors, later, so it wins): the page, the faces
    and sizes, the spacing, the header, the footer line and the page numbers."""
    top, right, bottom, left = (_mm(m) for m in fmt.margins)
    body, heading = css_families(fonts["body"]), css_families(fonts["heading"])
    sub, title = css_families(fonts["subheading"]), css_families(fonts["title"])
    line = _line_height(fmt)
    size = _pt(fmt.page_number_size)
    rules = [
        f"@page {{ margin: {top} {right} {bottom} {left}; }}",
        f"html {{ font-family: {body}; font-size: {_pt(fmt.body_size)}; line-height: {line}; }}",
        f"h1.title {{ font-family: {title}; font-size: {_pt(fmt.title_size)};"
        f" font-weight: {_weight(fmt.title_font)}; }}",
        f"h2 {{ font-family: {heading}; font-size: {_pt(fmt.heading_size)};"
        f" font-weight: {_weight(fmt.heading_font)}; }}",
        f"h3, h4, h5, h6 {{ font-family: {sub}; font-size: {_pt(fmt.body_size)};"
        f" font-weight: {_weight(fmt.subheading_font)}; }}",
        f"h2, h3, h4, h5, h6 {{ line-height: {line}; }}",
        # A company template's letterhead keeps its lines (name, address, telephone).
        f"@page {{ @top-center {{ font-family: {body}; white-space: pre-line; }} }}",
        ".letterhead { white-space: pre-line; }",
    ]
    rules.append(f".signature {{ width: {_mm(signature_width(fmt))}; }}")
    if fmt.char_spacing:
        rules.append(f"body {{ letter-spacing: {_pt(fmt.char_spacing)}; }}")
    if fmt.spacing[0] == "exact":
        # A fixed line height is a grid (公文: 22 lines a page): headings take lines of it,
        # no extra space between.
        rules.append("h2, h3, h4, h5, h6 { margin-top: 0; margin-bottom: 0; }")
    if not fmt.header:
        for page in ("@page", "@page letterhead"):
            rules.append(f"{page} {{ @top-center {{ content: none; border-bottom: none; }} }}")
    before, between, after = _words(page_of)
    numbers = {
        PageNumbers.PAGE_OF: (
            f"{_css_string(before)} counter(page) {_css_string(between)} counter(pages) "
            f"{_css_string(after)}"
        ),
        PageNumbers.PLAIN: "counter(page)",
        PageNumbers.DASH: "",  # at the sides, below
        PageNumbers.NONE: "",
    }[fmt.page_numbers]
    centre = [_css_string(fmt.footer)] if fmt.footer else []
    if numbers:
        centre += [NEWLINE, numbers] if centre else [numbers]
    rules.append(
        f"@page {{ @bottom-center {{ content: {' '.join(centre) or 'none'}; white-space: pre; "
        f"font-family: {body}; font-size: {size}; }} }}"
    )
    if fmt.page_numbers is PageNumbers.DASH:
        # 单页码居右空一字，双页码居左空一字 (GB/T 9704 7.5): odd pages right, even pages left.
        common = f"content: {DASHED}; font-family: {body}; font-size: {size};"
        rules.append(f"@page :right {{ @bottom-right {{ {common} padding-right: 1em; }} }}")
        rules.append(f"@page :left {{ @bottom-left {{ {common} padding-left: 1em; }} }}")
    return "\n".join(rules) + "\n"


# ---------------------------------------------------------------- DOCX


def _east_asian(style: Any, name: str) -> None:
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.attrib.pop(qn("w:eastAsiaTheme"), None)


def _spacing(style: Any, fmt: PageFormat) -> None:
    paragraph = style.paragraph_format
    kind, amount = fmt.spacing
    if kind == "multiple":
        paragraph.line_spacing = float(amount)
    else:
        paragraph.line_spacing = Pt(float(amount))
        paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY


def _indent(style: Any, size: Decimal) -> None:
    # A two-character first-line indent: w:firstLineChars is what Word and WPS use; w:firstLine
    # (twips) is the fallback some readers take, so it follows the size.
    p_pr = style.element.pPr
    ind = p_pr.find(qn("w:ind")) if p_pr is not None else None
    if ind is not None and ind.get(qn("w:firstLineChars")) not in (None, "0"):
        chars = int(ind.get(qn("w:firstLineChars"))) / 100
        ind.set(qn("w:firstLine"), str(round(chars * float(size) * 20)))


def apply_docx(
    document: Document, fmt: PageFormat, page_of: str, *, template: bool = False
) -> None:
    """Change the template's styles, page margins, header and footer as `fmt` says (before
    docxtpl renders it: the footer line is the placeholder `{{ footer_text }}`, so the user's
    text is escaped like every other value). With a company `template`, its header and footer
    stay; page numbers its footer lacks are added below it."""
    styles = document.styles
    names = {s.name for s in styles}
    sized = [
        ("Normal", fmt.body_font, fmt.body_size),
        ("Title", fmt.title_font, fmt.title_size),
        ("Heading 1", fmt.heading_font, fmt.heading_size),
        *((f"Heading {n}", fmt.subheading_font, fmt.body_size) for n in (2, 3, 4)),
    ]
    for name, font, size in sized:
        if name not in names:
            continue
        style = styles[name]
        _east_asian(style, font)
        style.font.size = Pt(float(size))
        if name != "Title":
            _spacing(style, fmt)
            _indent(style, size)
            if fmt.spacing[0] == "exact":  # the line grid, as in the PDF
                style.paragraph_format.space_before = style.paragraph_format.space_after = 0
    for name in ("Header", "Footer"):
        if name in names:
            _east_asian(styles[name], fmt.body_font)
    if fmt.char_spacing:  # w:spacing in twentieths of a point, inherited from Normal
        r_pr = styles["Normal"].element.get_or_add_rPr()
        spacing = r_pr.find(qn("w:spacing"))
        if spacing is None:
            spacing = OxmlElement("w:spacing")
            r_pr.insert_element_before(spacing, *_AFTER_SPACING)
        spacing.set(qn("w:val"), str(int(fmt.char_spacing * 20)))
    if "Signature" in names:  # the block at the right, as wide as the PDF's
        text = Decimal(210) - fmt.margins[1] - fmt.margins[3]
        indent = Mm(float(text - signature_width(fmt)))
        styles["Signature"].paragraph_format.left_indent = indent
    top, right, bottom, left = fmt.margins
    for section in document.sections:
        section.top_margin, section.bottom_margin = Mm(float(top)), Mm(float(bottom))
        section.left_margin, section.right_margin = Mm(float(left)), Mm(float(right))
        if not fmt.header:
            section.header.is_linked_to_previous = True  # no header part: no header at all
        _footers(document, section, fmt, page_of, template=template)


# CT_RPr's schema order: what comes after w:spacing.
_AFTER_SPACING = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
    "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath"
)  # fmt: skip


def _clear(part: Any) -> None:
    for child in list(part._element):
        part._element.remove(child)


def _footers(
    document: Document, section: Any, fmt: PageFormat, page_of: str, *, template: bool
) -> None:
    """The footer line (if any) and the page numbers. A company template's footer stays as it
    is; only page numbers it lacks are added below it."""
    footer = section.footer
    footer.is_linked_to_previous = False
    if not template:
        _clear(footer)
    numbered = template and has_page_field(footer._element)
    sides = [(footer, WD_ALIGN_PARAGRAPH.RIGHT)]
    if fmt.page_numbers is PageNumbers.DASH and not numbered:
        # Odd and even pages differ: Word shows the even footer (and header) on even pages.
        document.settings.odd_and_even_pages_header_footer = True
        even = section.even_page_footer
        even.is_linked_to_previous = False
        copy_story(footer, even)  # empty, or the company's footer
        sides.append((even, WD_ALIGN_PARAGRAPH.LEFT))
        if fmt.header:  # even pages need the same header, or they would have none
            even_header = section.even_page_header
            even_header.is_linked_to_previous = False
            copy_story(section.header, even_header)
    for part, side in sides:
        added = []
        if fmt.footer and not template:
            added.append(part.add_paragraph("{{ footer_text }}", style="Footer"))
            added[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if numbered or fmt.page_numbers is PageNumbers.NONE:
            pass
        elif fmt.page_numbers is PageNumbers.DASH:
            added.append(_dash_numbers(part, side, fmt))
        else:
            paragraph = part.add_paragraph(style="Footer")
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if fmt.page_numbers is PageNumbers.PLAIN:
                _field(paragraph, "PAGE")
            else:
                before, between, after = _words(page_of)
                paragraph.add_run(before)
                _field(paragraph, "PAGE")
                paragraph.add_run(between)
                _field(paragraph, "NUMPAGES")
                paragraph.add_run(after)
            added.append(paragraph)
        if not part.paragraphs:  # a footer part must hold a paragraph
            part.add_paragraph(style="Footer")
        for paragraph in added:
            for run in paragraph.runs:
                run.font.size = Pt(float(fmt.page_number_size))


def _dash_numbers(part: Any, align: WD_ALIGN_PARAGRAPH, fmt: PageFormat) -> Any:
    paragraph = part.add_paragraph(style="Footer")
    paragraph.alignment = align
    # 空一字: one character's room from the edge of the text block.
    room = Pt(float(fmt.page_number_size))
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = room
    else:
        paragraph.paragraph_format.left_indent = room
    paragraph.add_run("\u2014 ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" \u2014")
    return paragraph


def _field(paragraph: Any, instruction: str) -> None:
    # A complex field (begin/instr/separate/result/end), as Word writes it and the bundled
    # template's footer has it; Word, WPS and LibreOffice update it on layout.
    w = nsdecls("w")
    for inner in (
        '<w:fldChar w:fldCharType="begin"/>',
        f'<w:instrText xml:space="preserve"> {instruction} </w:instrText>',
        '<w:fldChar w:fldCharType="separate"/>',
        "<w:t>1</w:t>",
        '<w:fldChar w:fldCharType="end"/>',
    ):
        paragraph._p.append(parse_xml(f"<w:r {w}>{inner}</w:r>"))


def over_template(fmt: Format | None, look: Look | None) -> Format:
    """The profile's `format:` laid over the look a company template gives."""
    given = fmt.model_dump(mode="json", exclude_unset=True) if fmt else {}
    merged = dict(look.fields) if look else {}
    margins = {**merged.pop("margins", {}), **(given.pop("margins", None) or {})}
    merged.update(given)
    if margins:
        merged["margins"] = margins
    return Format.model_validate(merged)


def formatted(letter: Letter) -> tuple[Letter, PageFormat | None]:
    """The letter with the header text its format sets, and the resolved format: the
    profile's `format:` over what the company's Word template says (its styles and page, its
    header and footer text and picture), so the PDF follows the template the DOCX takes.
    None when the letter has neither."""
    look = template_look(letter.docx_template) if letter.docx_template is not None else None
    if letter.format is None and look is None:
        return letter, None
    given = letter.format.model_dump(mode="json", exclude_unset=True) if letter.format else {}
    fmt = page_format(over_template(letter.format, look))
    if look is not None and "header" not in given:  # the template's letterhead
        fmt = dataclasses.replace(
            fmt,
            header=True,
            header_text=look.header_text or fmt.header_text,
            logo_png=look.logo_png,
        )
    if look is not None and "footer" not in given and look.footer_text:
        fmt = dataclasses.replace(fmt, footer=look.footer_text)
    if fmt.header_text is not None:
        letter = dataclasses.replace(letter, header_text=fmt.header_text)
    return letter, fmt

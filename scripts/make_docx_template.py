"""Build templates/<language>/letter.docx, the DOCX templates to restyle in Word/WPS/LibreOffice.

Run from the repository root: `python scripts/make_docx_template.py [LANGUAGE ...]` (default:
every language in LANGUAGES). The output is byte-stable, so a committed binary only changes when
this script or the language's `fonts.docx` in locale.yaml does.

The template carries every style the renderer uses (by name), the page setup, the header and
footer, and the Jinja placeholders docxtpl fills: `title`, `addressee`, `body` (a subdocument
built by generator/render/docxfile.py), `seal`, `signature.*` and `header_text`.
"""

import datetime as dt
import io
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.profiles.yamlreader import load_document  # noqa: E402
from generator.render.docxfile import fixed_zip  # noqa: E402

TEMPLATES = ROOT / "templates"
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

SONG = "宋体"  # SimSun: body, tables
HEI = "黑体"  # SimHei: title, headings, captions, table headers
SERIF = "Times New Roman"
SANS = "Arial"

# The East Asian faces Word and WPS know by these entries of the font table, even on systems
# with English font names: name -> (altName, panose, charset: 86 GB2312, 88 Big5).
FONT_TABLE = {
    SONG: ("SimSun", "02010600030101010101", "86"),
    HEI: ("SimHei", "02010609060101010101", "86"),
    "新細明體": ("PMingLiU", "02020500000000000000", "88"),
    "標楷體": ("DFKai-SB", "03000509000000000000", "88"),
}

# Half-points, the unit of w:sz: 三号 16 pt, 小三 15, 四号 14, 小四 12, 五号 10.5, 小五 9.
SANHAO, XIAOSAN, SIHAO, XIAOSI, WUHAO, XIAOWU = 32, 30, 28, 24, 21, 18
SEAL_AREA_TWIPS = math.ceil(45 / 25.4 * 1440)  # a 45 mm round company seal
SIGNATURE_INDENT_TWIPS = round(60 / 25.4 * 1440)


@dataclass(frozen=True)
class Fonts:
    """Faces by role: East Asian (w:eastAsia) and Latin (w:ascii/w:hAnsi) for body and headings."""

    body: str = SONG
    heading: str = HEI
    latin: str = SERIF
    latin_heading: str = SANS


@dataclass(frozen=True)
class Language:
    """What one language's letter.docx says and how it sets text, beyond its fonts."""

    fonts: Fonts
    east_asian_lang: str
    """w:lang w:eastAsia and the settings' themeFontLang: zh-CN, zh-TW."""
    footer: tuple[str, str, str]
    """The footer around PAGE and NUMPAGES: 第 1 页 共 3 页 / Page 1 of 3."""
    colon: str
    """Between a signature label and its value."""
    title: str
    """The template's own document title (core properties)."""
    indent_chars: int = 2
    """First-line indent of body text in characters (Chinese); 0 for block paragraphs."""
    justify: str = "both"
    after: int = 0
    """Space after a body paragraph, in twips (Western block paragraphs)."""
    line: int = 360
    """Body line spacing in 240ths of a line: 360 is 1.5 lines."""
    bold_headings: bool = False
    """False for 黑体, already heavy; True for faces with a real or usual bold (Kai, Arial)."""
    cjk_text: bool = True
    """True when the text itself is Chinese: the fonts from locale.yaml are the East Asian
    faces and `latin` the Latin one. False (English): they are the Latin faces, and Chinese
    names take the East Asian faces in `fonts`."""


LANGUAGES = {
    "zh-Hans": Language(
        fonts=Fonts(),
        east_asian_lang="zh-CN",
        footer=("第 ", " 页 共 ", " 页"),
        colon="：",
        title="售后服务承诺书模板",
    ),
    # Taiwan: 新細明體 body (the Ming face of every Traditional-Chinese Windows, like the PDF's
    # Noto Serif CJK TC) and 標楷體 titles and headings, set bold as Taiwan documents do.
    "zh-Hant": Language(
        fonts=Fonts(body="新細明體", heading="標楷體"),
        east_asian_lang="zh-TW",
        footer=("第 ", " 頁，共 ", " 頁"),
        colon="：",
        title="售後服務承諾書範本",
        bold_headings=True,
    ),
    # English: Times New Roman body, Arial bold headings, block paragraphs; 宋体/黑体 for any
    # Chinese name in the text.
    "en": Language(
        fonts=Fonts(),
        east_asian_lang="zh-CN",
        footer=("Page ", " of ", ""),
        colon=": ",
        title="After-Sales Service Commitment template",
        indent_chars=0,
        justify="left",
        after=120,
        line=276,
        bold_headings=True,
        cjk_text=False,
    ),
}


def _language(name: str) -> Language:
    """LANGUAGES[name] with the fonts of templates/<name>/locale.yaml `fonts.docx`, if given."""
    language = LANGUAGES[name]
    settings = load_document(TEMPLATES / name / "locale.yaml").data
    docx_fonts = (settings.get("fonts") or {}).get("docx")
    if not docx_fonts:
        return language
    base = language.fonts
    if language.cjk_text:
        fonts = Fonts(docx_fonts["body"], docx_fonts["heading"], docx_fonts["latin"], SANS)
    else:
        fonts = Fonts(base.body, base.heading, docx_fonts["body"], docx_fonts["heading"])
    return Language(**{**vars(language), "fonts": fonts})


def _fonts(latin: str, east_asian: str) -> str:
    # Explicit names, no theme fonts: w:asciiTheme would override w:ascii.
    return (
        f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asian}" w:cs="{latin}"/>'
    )


def _size(half_points: int) -> str:
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def _no_indent() -> str:
    # Normal indents by characters; w:firstLineChars wins over w:firstLine, so reset both.
    return '<w:ind w:firstLineChars="0" w:firstLine="0"/>'


def _indent_chars(chars: int, half_points: int) -> str:
    # firstLine (twips) is the fallback for readers that ignore the character unit.
    return f'<w:ind w:firstLineChars="{chars * 100}" w:firstLine="{chars * half_points * 10}"/>'


def _single() -> str:
    return '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'


def _style(
    kind: str,
    style_id: str,
    name: str,
    *,
    based_on: str | None = "Normal",
    next_style: str | None = None,
    ppr: str = "",
    rpr: str = "",
    tblpr: str = "",
    priority: int = 99,
    default: bool = False,
    hidden: bool = False,
) -> str:
    parts = [f'<w:name w:val="{name}"/>']
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_style:
        parts.append(f'<w:next w:val="{next_style}"/>')
    parts.append(f'<w:uiPriority w:val="{priority}"/>')
    parts.append("<w:semiHidden/><w:unhideWhenUsed/>" if hidden else "<w:qFormat/>")
    if ppr:
        parts.append(f"<w:pPr>{ppr}</w:pPr>")
    if rpr:
        parts.append(f"<w:rPr>{rpr}</w:rPr>")
    if tblpr:
        parts.append(f"<w:tblPr>{tblpr}</w:tblPr>")
    flag = ' w:default="1"' if default else ""
    return f'<w:style w:type="{kind}"{flag} w:styleId="{style_id}">{"".join(parts)}</w:style>'


def _body_font(lang: Language) -> str:
    return _fonts(lang.fonts.latin, lang.fonts.body)


def _heading_font(lang: Language) -> str:
    return _fonts(lang.fonts.latin_heading, lang.fonts.heading)


def _bold(lang: Language) -> str:
    return "<w:b/><w:bCs/>" if lang.bold_headings else ""


def _heading(lang: Language, level: int, half_points: int, indent_chars: int) -> str:
    indent_chars = indent_chars if lang.indent_chars else 0
    ind = _indent_chars(indent_chars, half_points) if indent_chars else _no_indent()
    return _style(
        "paragraph",
        f"Heading{level}",
        f"heading {level}",
        next_style="Normal",
        priority=9,
        ppr=(
            "<w:keepNext/><w:keepLines/>"
            f'<w:spacing w:before="{240 if level == 1 else 120}" w:after="60" w:line="360"'
            ' w:lineRule="auto"/>'
            f'{ind}<w:jc w:val="left"/><w:outlineLvl w:val="{level - 1}"/>'
        ),
        rpr=_heading_font(lang)
        + (_bold(lang) or '<w:b w:val="0"/><w:bCs w:val="0"/>')
        + _size(half_points),
    )


def _normal_ppr(lang: Language) -> str:
    indent = _indent_chars(lang.indent_chars, XIAOSI) if lang.indent_chars else _no_indent()
    return (
        f'<w:widowControl/><w:spacing w:before="0" w:after="{lang.after}" w:line="{lang.line}"'
        f' w:lineRule="auto"/>{indent}<w:jc w:val="{lang.justify}"/>'
    )


def _styles(lang: Language) -> list[str]:
    border = 'w:val="single" w:sz="4" w:space="0" w:color="auto"'
    return [
        _style(
            "paragraph",
            "Normal",
            "Normal",
            based_on=None,
            default=True,
            priority=0,
            ppr=_normal_ppr(lang),
            rpr=_body_font(lang) + _size(XIAOSI),
        ),
        _style(
            "character",
            "DefaultParagraphFont",
            "Default Paragraph Font",
            based_on=None,
            priority=1,
            default=True,
            hidden=True,
        ),
        _style(
            "table",
            "TableNormal",
            "Normal Table",
            based_on=None,
            default=True,
            hidden=True,
            tblpr=(
                '<w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
                '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
                '<w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
            ),
        ),
        _style("numbering", "NoList", "No List", based_on=None, default=True, hidden=True),
        _style(
            "paragraph",
            "Title",
            "Title",
            next_style="Salutation",
            priority=10,
            ppr=(
                '<w:keepNext/><w:spacing w:before="240" w:after="360" w:line="240"'
                f' w:lineRule="auto"/>{_no_indent()}<w:jc w:val="center"/>'
            ),
            rpr=_heading_font(lang) + _bold(lang) + _size(SANHAO),
        ),
        _heading(lang, 1, XIAOSAN, 0),
        _heading(lang, 2, SIHAO, 2),
        _heading(lang, 3, XIAOSI, 2),
        _heading(lang, 4, XIAOSI, 2),
        _style(
            "paragraph",
            "Salutation",
            "Salutation",
            next_style="Normal",
            priority=99,
            ppr=f"<w:keepNext/>{_no_indent()}",
        ),
        _style("paragraph", "Note", "Note", priority=99, rpr=_size(WUHAO)),
        _style(
            "paragraph",
            "Caption",
            "caption",
            next_style="Normal",
            priority=35,
            ppr=(
                '<w:spacing w:before="60" w:after="120" w:line="240" w:lineRule="auto"/>'
                f'{_no_indent()}<w:jc w:val="center"/>'
            ),
            rpr=_heading_font(lang) + _size(WUHAO),
        ),
        _style(
            "paragraph",
            "Figure",
            "Figure",
            next_style="Caption",
            ppr=(
                '<w:keepNext/><w:spacing w:before="120" w:after="0" w:line="240"'
                f' w:lineRule="auto"/>{_no_indent()}<w:jc w:val="center"/>'
            ),
        ),
        _style(
            "paragraph",
            "TableText",
            "Table Text",
            ppr=f'{_single()}{_no_indent()}<w:jc w:val="left"/>',
            rpr=_size(WUHAO),
        ),
        _style(
            "paragraph",
            "TableHeading",
            "Table Heading",
            based_on="TableText",
            ppr='<w:keepNext/><w:jc w:val="center"/>',
            rpr=_heading_font(lang),
        ),
        _style(
            "table",
            "LetterTable",
            "Letter Table",
            based_on="TableNormal",
            ppr=f"{_single()}{_no_indent()}",
            rpr=_size(WUHAO),
            tblpr=(
                '<w:jc w:val="center"/>'
                f"<w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/>"
                f"<w:right {border}/><w:insideH {border}/><w:insideV {border}/></w:tblBorders>"
                '<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
                '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
            ),
        ),
        _style(
            "paragraph",
            "Signature",
            "Signature",
            ppr=(
                f'<w:keepNext/><w:keepLines/><w:ind w:left="{SIGNATURE_INDENT_TWIPS}"'
                ' w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/>'
            ),
        ),
        _style(
            "paragraph",
            "SealArea",
            "Seal Area",
            based_on="Signature",
            next_style="Signature",
            ppr=(
                f'<w:spacing w:before="240" w:after="0" w:line="{SEAL_AREA_TWIPS}"'
                ' w:lineRule="atLeast"/>'
            ),
        ),
        _style(
            "paragraph",
            "Header",
            "header",
            priority=99,
            hidden=True,
            ppr=(
                '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="auto"/></w:pBdr>'
                f'{_single()}{_no_indent()}<w:jc w:val="center"/>'
            ),
            rpr=_size(XIAOWU),
        ),
        _style(
            "paragraph",
            "Footer",
            "footer",
            priority=99,
            hidden=True,
            ppr=f'{_single()}{_no_indent()}<w:jc w:val="center"/>',
            rpr=_size(XIAOWU),
        ),
    ]


def _replace_styles(document: docx.document.Document, lang: Language) -> None:
    root = document.styles.element
    for style in root.findall(qn("w:style")):
        root.remove(style)
    for xml in _styles(lang):
        root.append(parse_xml(xml.replace("<w:style ", f"<w:style {nsdecls('w')} ", 1)))
    defaults = root.find(qn("w:docDefaults"))
    assert defaults is not None
    root.remove(defaults)
    root.insert(
        0,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>{_body_font(lang)}"
            f'{_size(XIAOSI)}<w:lang w:val="en-US" w:eastAsia="{lang.east_asian_lang}"'
            ' w:bidi="ar-SA"/>'
            "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
            "</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )


def _drop_clutter(document: docx.document.Document) -> None:
    # Parts of python-docx's default template a letter template has no use for: a thumbnail of
    # someone else's page, Word 2010's duplicate style sheet, a bibliography store.
    unwanted = {
        RT.THUMBNAIL,
        RT.CUSTOM_XML,
        RT.NUMBERING,
        "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    }
    package = document.part.package
    for rels in (package.rels, document.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype in unwanted:
                del rels[rid]


def _settings(document: docx.document.Document, language: Language) -> None:
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), language.east_asian_lang)
    # The default template asks Word to compress nothing but punctuation is set per language.
    control = settings.find(qn("w:characterSpacingControl"))
    if control is not None:
        control.set(qn("w:val"), "compressPunctuation")
    # Word 2013+ layout: no "[兼容模式]" in Word's title bar, and table borders line up with the
    # text margins instead of standing out by the cell padding (Word 2010's rule).
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


def _font_table(document: docx.document.Document, lang: Language) -> None:
    # Word and WPS find 宋体/黑体 (新細明體/標楷體) by these entries even on systems with English
    # font names.
    part = next(r.target_part for r in document.part.rels.values() if r.reltype == RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for name in dict.fromkeys((lang.fonts.body, lang.fonts.heading)):
        if name not in FONT_TABLE:
            raise SystemExit(f"{name}: add its altName, panose and charset to FONT_TABLE")
        alt, panose, charset = FONT_TABLE[name]
        root.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
                f'<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
                '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
            )
        )
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(document: docx.document.Document, lang: Language) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(25)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(15)

    header = section.header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = "{{ header_text }}"
    header.paragraphs[0].style = document.styles["Header"]

    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = document.styles["Footer"]
    before, between, after = lang.footer
    paragraph.add_run(before)
    _field(paragraph, "PAGE")
    paragraph.add_run(between)
    _field(paragraph, "NUMPAGES")
    if after:
        paragraph.add_run(after)


def _field(paragraph: Paragraph, instruction: str) -> None:
    # A complex field (begin/instr/separate/result/end) is what Word itself writes; Word, WPS
    # and LibreOffice all update it on layout.
    w = nsdecls("w")
    for xml in (
        f'<w:r {w}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {w}><w:instrText xml:space="preserve"> {instruction} \\* MERGEFORMAT </w:instrText>'
        "</w:r>",
        f'<w:r {w}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {w}><w:t>1</w:t></w:r>",
        f'<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraph._p.append(parse_xml(xml))


def _body(document: docx.document.Document, lang: Language) -> None:
    colon = lang.colon
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    document.add_paragraph("{{ title }}", style="Title")
    document.add_paragraph("{{ addressee }}", style="Salutation")
    document.add_paragraph("{{p body }}", style="Normal")
    document.add_paragraph("{{ seal }}", style="Seal Area")
    # A line is left out when what decides it is empty: no phone, or (暗标) no company or
    # signatory line at all, so nothing invites a seal or a signature.
    for label, value, shown in (
        ("company_label", "company", "company_label"),
        ("signatory_label", "signatory", "signatory_label"),
        ("phone_label", "phone", "phone"),
        ("date_label", "date_text", None),
    ):
        if shown:
            document.add_paragraph(f"{{%p if signature.{shown} %}}", style="Signature")
        document.add_paragraph(
            f"{{{{ signature.{label} }}}}{colon}{{{{ signature.{value} }}}}", style="Signature"
        )
        if shown:
            document.add_paragraph("{%p endif %}", style="Signature")


def _properties(document: docx.document.Document, lang: Language) -> None:
    props = document.core_properties
    props.title = lang.title
    props.subject = "aftersales DOCX template"
    props.author = props.last_modified_by = "aftersales"
    props.comments = props.keywords = props.category = ""
    props.created = props.modified = STAMP.replace(tzinfo=None)
    props.revision = 1


def build(language: str = "zh-Hans") -> bytes:
    """The template of `language` as .docx bytes."""
    lang = _language(language)
    document = docx.Document()
    _drop_clutter(document)
    _replace_styles(document, lang)
    _settings(document, lang)
    _font_table(document, lang)
    _page(document, lang)
    _body(document, lang)
    _properties(document, lang)
    out = io.BytesIO()
    document.save(out)
    return fixed_zip(out.getvalue(), STAMP)


def main() -> None:
    names = sys.argv[1:] or list(LANGUAGES)
    unknown = [name for name in names if name not in LANGUAGES]
    if unknown:
        raise SystemExit(f"no DOCX layout for {', '.join(unknown)}; have {', '.join(LANGUAGES)}")
    for name in names:
        out = TEMPLATES / name / "letter.docx"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(build(name))
        print(out.relative_to(ROOT))


if __name__ == "__main__":
    main()

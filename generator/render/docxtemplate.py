"""The company's own Word template (`docx_template:`, `render --docx-template`): checked before
use, then only its look is taken into the letter's DOCX.

A .docx is a zip of XML parts anyone can craft, and docxtpl runs Jinja over headers and
footers, so nothing is trusted: the file is refused (with the part, and the line and column
inside it, that broke a rule) when it is over MAX_BYTES, has more than MAX_PARTS parts, a part
unpacking to more than MAX_PART or all to more than MAX_TOTAL, a part packed more than
MAX_RATIO times (a zip bomb), an encrypted or oddly named part, a DTD or entity declaration in
any XML part, macros (a .docm, a vbaProject part or a macro-enabled content type), external
relationships in a header or footer, template code ({{ … }}, {% … %}) in a header or footer,
or an image that is not a PNG/JPEG within the seal and logo limits.

What is taken (`apply_template`): the styles the letter uses (their paragraph and run
properties, and the document defaults), the theme (its fonts), the page margins, and the
default header and footer with their images. The body, numbering, settings, macros, fields'
data and anything else stay the bundled template's.
"""

import copy
import functools
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree
from PIL import UnidentifiedImageError

from generator.errors import RenderError
from generator.profiles.typography import font_style, parse_length, parse_size, parse_spacing
from generator.render.assets import (
    IMAGE_FORMATS,
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    TooManyPixels,
    open_image,
)

MAX_BYTES = 20 * 1024 * 1024
"""The .docx file itself (letterhead templates are tens of KB to a few MB)."""
MAX_PARTS = 1000
MAX_PART = 20 * 1024 * 1024
"""One part unpacked."""
MAX_TOTAL = 60 * 1024 * 1024
"""All parts unpacked."""
MAX_RATIO = 100
"""Unpacked size over packed size of a part above 1 MB; XML packs 5–20 times, bombs 1000+."""

MAX_STORY_TEXT = 200
"""Characters of a template's header or footer line the PDF shows (a letterhead line)."""

MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_SUFFIXES = {".docm", ".dotm"}
_MACRO = re.compile(rb"macroEnabled|vbaProject|vbaData|activeX", re.IGNORECASE)
_PAGE_FIELDS = ("top_margin", "bottom_margin", "left_margin", "right_margin")
# A DTD or entity declaration: Word never writes one, and entities can expand or reach out.
DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_TEMPLATE_CODE = re.compile(r"\{[{%#]|[}%#]\}")
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


class TemplateRefused(RenderError):
    """A company template that must not be used; the message names the part and place."""


@dataclass(frozen=True)
class CompanyTemplate:
    """A checked company template, opened with python-docx."""

    path: Path
    document: Document


def as_utf8(data: bytes) -> bytes:
    """An XML part's bytes as UTF-8 for the declaration scan: a part in UTF-16 (a byte-order
    mark, or NUL bytes in its first characters) would hide `<!DOCTYPE` from a byte search."""
    head = data[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        encoding = (
            "utf-16"
            if head.startswith((b"\xff\xfe", b"\xfe\xff"))
            else ("utf-16-le" if head[1:2] == b"\x00" else "utf-16-be")
        )
        return data.decode(encoding, errors="replace").encode("utf-8")
    return data


def _read_typed_values(root: Any) -> None:
    """Read every typed attribute python-docx declares under `root` (its xmlchemy properties,
    whose getters convert w:sz="24" to a number), so a value it cannot convert fails here."""
    for element in root.iter():
        for name in _typed_names(element.__class__):
            getattr(element, name)


@functools.cache
def _typed_names(klass: type) -> tuple[str, ...]:
    return tuple(
        name
        for cls in klass.__mro__
        for name, member in vars(cls).items()
        if isinstance(member, property) and getattr(member.fget, "__name__", "") == "get_attr_value"
    )


def _where(part: str, data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return f"{part}:{line}:{col}"


def _read_parts(path: Path) -> dict[str, bytes]:
    """Every part of the package, each read with a cap (sizes in zip headers can lie)."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise TemplateRefused(f"cannot read the template: {err.strerror or err}") from None
    if size > MAX_BYTES:
        raise TemplateRefused(f"the file is {size} bytes, over the limit of {MAX_BYTES}")
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise TemplateRefused(f"not a .docx (a Word document is a zip package): {err}") from None
    parts: dict[str, bytes] = {}
    total = 0
    with package:
        entries = package.infolist()
        if len(entries) > MAX_PARTS:
            raise TemplateRefused(f"{len(entries)} parts, over the limit of {MAX_PARTS}")
        for entry in entries:
            name = entry.filename
            if name.startswith("/") or ".." in name.split("/") or "\\" in name:
                raise TemplateRefused(f"{name!r}: a part name outside the package")
            if entry.flag_bits & 0x1:
                raise TemplateRefused(f"{name}: an encrypted part")
            if entry.file_size > MAX_PART:
                raise TemplateRefused(
                    f"{name}: unpacks to {entry.file_size} bytes, over the limit of "
                    f"{MAX_PART} for one part"
                )
            if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(
                entry.compress_size, 1
            ):
                raise TemplateRefused(
                    f"{name}: packed {entry.file_size // max(entry.compress_size, 1)} times "
                    f"(over {MAX_RATIO}): a zip bomb"
                )
            try:
                with package.open(entry) as stream:
                    data = stream.read(MAX_PART + 1)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as err:
                raise TemplateRefused(f"{name}: cannot unpack it ({err})") from None
            if len(data) > MAX_PART:
                raise TemplateRefused(f"{name}: unpacks to over {MAX_PART} bytes")
            total += len(data)
            if total > MAX_TOTAL:
                raise TemplateRefused(f"unpacks to over {MAX_TOTAL} bytes: a zip bomb")
            parts[name] = data
    return parts


def _check_xml(name: str, data: bytes) -> Any:
    """The part parsed, refusing any DTD or entity declaration (entity expansion, external
    entities) before the parser sees it."""
    text = as_utf8(data)
    found = DECLARATION.search(text)
    if found:
        kind = found[1].decode().upper()
        raise TemplateRefused(
            f"{_where(name, text, found.start())}: declares a {kind} (a DTD or entity "
            "declaration); Word never writes one, refused"
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        line, col = err.position
        raise TemplateRefused(f"{name}:{line}:{col}: not well-formed XML ({err.msg})") from None


def _rels_of(name: str) -> str:
    folder, _, file = name.rpartition("/")
    return f"{folder}/_rels/{file}.rels" if folder else f"_rels/{file}.rels"


def _check_image(name: str, data: bytes) -> None:
    if len(data) > MAX_IMAGE_BYTES:
        raise TemplateRefused(f"{name}: image is {len(data)} bytes, over {MAX_IMAGE_BYTES}")
    try:
        with open_image(data) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise TemplateRefused(f"{name}: image is {image.width}×{image.height} pixels")
            if image.format not in IMAGE_FORMATS:
                raise TemplateRefused(
                    f"{name}: a {image.format} image in a header or footer; only PNG or JPEG"
                )
            image.load()
    except TemplateRefused:
        raise
    except TooManyPixels as err:
        raise TemplateRefused(f"{name}: {err}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise TemplateRefused(
            f"{name}: not a readable PNG or JPEG image in a header or footer ({err})"
        ) from None


def _check_story(name: str, root: Any, parts: dict[str, bytes]) -> None:
    """A header or footer: no template code, only image relationships, inside the package."""
    text = "".join(root.itertext())
    found = _TEMPLATE_CODE.search(text)
    if found:
        raise TemplateRefused(
            f"{name}: holds template code ({found[0]!r}); a company template's header and "
            "footer are taken as they are, never run"
        )
    rels_name = _rels_of(name)
    if rels_name not in parts:
        return
    rels = _check_xml(rels_name, parts[rels_name])
    folder = name.rpartition("/")[0]
    for rel in rels.iter(f"{{{_RELS}}}Relationship"):
        kind, target = rel.get("Type", ""), rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            raise TemplateRefused(f"{rels_name}: an external link ({target!r}); refused")
        if kind != RT.IMAGE:
            raise TemplateRefused(
                f"{rels_name}: a {kind.rsplit('/', 1)[-1]} relationship; a header or footer "
                "may hold text and images only"
            )
        image = _resolve(folder, target)
        if image not in parts:
            raise TemplateRefused(f"{rels_name}: the image {target!r} is not in the package")
        _check_image(image, parts[image])


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    path: list[str] = folder.split("/") if folder else []
    for step in target.split("/"):
        if step == "..":
            if path:
                path.pop()
        elif step not in ("", "."):
            path.append(step)
    return "/".join(path)


def check_template(path: Path) -> CompanyTemplate:
    """The company template checked and opened; TemplateRefused naming what broke a rule."""
    suffix = path.suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise TemplateRefused(
            f"a macro-enabled document ({suffix}) is refused: save it as a Word document (.docx)"
        )
    if suffix != ".docx":
        raise TemplateRefused(f"a {suffix or 'file without suffix'}: give a Word .docx file")
    parts = _read_parts(path)
    macros = [name for name in parts if _MACRO.search(name.encode())]
    if macros:
        raise TemplateRefused(f"{macros[0]}: macros or ActiveX controls are refused")
    if "[Content_Types].xml" not in parts:
        raise TemplateRefused("[Content_Types].xml is missing: not a Word document")
    roots = {}
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            roots[name] = _check_xml(name, data)
    types = parts["[Content_Types].xml"]
    found = _MACRO.search(types)
    if found:
        raise TemplateRefused(
            f"{_where('[Content_Types].xml', types, found.start())}: a macro-enabled content "
            "type; macros are refused"
        )
    if MAIN_TYPE.encode() not in types:
        raise TemplateRefused(
            "[Content_Types].xml: no Word document part (a .dotx template, or another kind of "
            "file): save it as a Word document (.docx)"
        )
    for name, root in roots.items():
        if re.fullmatch(r"word/(header|footer)\d*\.xml", name):
            _check_story(name, root, parts)
    import docx  # python-docx: the checks above passed, so it reads a plain package

    try:
        document = docx.Document(io.BytesIO(path.read_bytes()))
    except Exception as err:  # python-docx raises many kinds for a broken package
        raise TemplateRefused(f"python-docx cannot open it: {err}") from None
    try:
        # The values taken from it are read here, once: python-docx reads an attribute only
        # when asked, and w:sz="abc" then raised ValueError in the middle of a render.
        _read_typed_values(document.styles.element)
        first = document.sections[0]
        _read_typed_values(first._sectPr)
        for story in (first.header, first.footer):  # copied into the letter's DOCX
            if not story.is_linked_to_previous:
                _read_typed_values(story._element)
        _style_fields(document)
    except (ValueError, TypeError, KeyError) as err:
        raise TemplateRefused(f"a style or page value Word would not write: {err}") from None
    return CompanyTemplate(path, document)


def unused_stories(template: CompanyTemplate) -> list[str]:
    """The template's headers and footers that are not taken (only the default pair is):
    a first-page letterhead or even-page footer the company expects and will not see."""
    first = template.document.sections[0]
    stories = []
    if first.different_first_page_header_footer:
        stories += [
            ("first-page header", first.first_page_header),
            ("first-page footer", first.first_page_footer),
        ]
    if template.document.settings.odd_and_even_pages_header_footer:
        stories += [
            ("even-page header", first.even_page_header),
            ("even-page footer", first.even_page_footer),
        ]
    return [name for name, story in stories if not story.is_linked_to_previous]


# ---------------------------------------------------------------- taking its look


def _style_elements(document: Document) -> dict[tuple[str, str], Any]:
    found = {}
    for style in document.styles:
        found[(style.name or "", str(style.type))] = style.element
    return found


def apply_template(target: Document, template: CompanyTemplate) -> bool:
    """Take the template's look into `target` (the bundled letter template, before docxtpl
    renders it). Returns whether its header holds a picture (the letterhead logo)."""
    source = template.document
    # Styles by name and type: their paragraph and run properties replace ours; the style
    # ids, links and next-style chains the renderer relies on stay ours.
    theirs = _style_elements(source)
    for key, element in _style_elements(target).items():
        other = theirs.get(key)
        if other is None:
            continue
        for tag in ("w:pPr", "w:rPr", "w:tblPr"):
            mine, given = element.find(qn(tag)), other.find(qn(tag))
            if given is None:
                continue
            if mine is not None:
                element.remove(mine)
            _insert_property(element, copy.deepcopy(given))
    defaults, given = (
        target.styles.element.find(qn("w:docDefaults")),
        source.styles.element.find(qn("w:docDefaults")),
    )
    if defaults is not None and given is not None:
        defaults.getparent().replace(defaults, copy.deepcopy(given))
    _take_theme(target, source)

    mine_section, their_section = target.sections[0], source.sections[0]
    for name in (*_PAGE_FIELDS, "header_distance", "footer_distance"):
        value = getattr(their_section, name)
        if value is not None:
            for section in target.sections:
                setattr(section, name, value)
    pictures = False
    if not their_section.header.is_linked_to_previous:
        pictures = copy_story(their_section.header, mine_section.header)
    if not their_section.footer.is_linked_to_previous:
        # Page numbers it lacks are added by the format (formatting.apply_docx).
        copy_story(their_section.footer, mine_section.footer)
    return pictures


def has_page_field(element: Any) -> bool:
    instructions = [node.text or "" for node in element.iter(qn("w:instrText"))]
    instructions += [node.get(qn("w:instr"), "") for node in element.iter(qn("w:fldSimple"))]
    return any(re.search(r"\bPAGE\b", text) for text in instructions)


_PROPERTY_ORDER = ("w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr")


def _insert_property(style: Any, prop: Any) -> None:
    # CT_Style's schema order: the property elements come after name/basedOn/… and in this
    # order among themselves.
    later = _PROPERTY_ORDER[_PROPERTY_ORDER.index(prop.tag.replace(f"{{{_W}}}", "w:")) + 1 :]
    for tag in later:
        found = style.find(qn(tag))
        if found is not None:
            found.addprevious(prop)
            return
    style.append(prop)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _take_theme(target: Document, source: Document) -> None:
    def theme(document: Document) -> Any:
        return next(
            (r.target_part for r in document.part.rels.values() if r.reltype == RT.THEME), None
        )

    mine, theirs = theme(target), theme(source)
    if mine is not None and theirs is not None:
        mine._blob = theirs.blob


def copy_story(theirs: Any, mine: Any) -> bool:
    """A header's (or footer's) content replaces another's, in the same or another document,
    its images re-added to the receiving part. Returns whether it holds a picture."""
    element = mine._element
    for child in list(element):
        element.remove(child)
    pictures = False
    for child in theirs._element:
        copied = copy.deepcopy(child)
        for node in copied.iter():
            for attr, value in list(node.attrib.items()):
                if not attr.startswith(f"{{{_R}}}"):
                    continue
                rel = theirs.part.rels.get(value)
                if rel is None or rel.reltype != RT.IMAGE or rel.is_external:
                    del node.attrib[attr]  # checked before: cannot happen for a real image
                    continue
                new_id, _ = mine.part.get_or_add_image(io.BytesIO(rel.target_part.blob))
                node.set(attr, new_id)
                pictures = True
        element.append(copied)
    return pictures


# ---------------------------------------------------------------- its look, for the PDF


@dataclass(frozen=True)
class Look:
    """What the PDF takes from a company template so the two files stay one document: the
    `format:` fields its styles and page say, its header and footer text, its header picture."""

    fields: dict[str, Any]
    header_text: str | None
    footer_text: str | None
    logo_png: bytes | None


def _inherited(style: Any, read: Any) -> Any:
    """A value of `style` or the nearest style it is based on that sets it."""
    seen = 0
    while style is not None and seen < 20:
        value = read(style)
        if value is not None:
            return value
        style, seen = style.base_style, seen + 1
    return None


def _east_asia_font(style: Any) -> str | None:
    r_pr = style.element.rPr
    fonts = r_pr.find(qn("w:rFonts")) if r_pr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def _points(value: Any) -> str | None:
    return None if value is None else f"{value.pt:g}pt"


def _reads(parse: Any, text: str) -> bool:
    """Whether a value read from the template is one a `format:` may hold (a 100 pt size or a
    negative margin is left to the preset rather than refused: the DOCX keeps it anyway)."""
    try:
        parse(text)
    except ValueError:
        return False
    return True


def _style_fields(document: Document) -> dict[str, Any]:
    from docx.enum.text import WD_LINE_SPACING

    names = {s.name for s in document.styles}
    fields: dict[str, Any] = {}
    for style_name, font_field, size_field in (
        ("Normal", "body_font", "body_size"),
        ("Heading 1", "heading_font", "heading_size"),
        ("Title", "title_font", "title_size"),
    ):
        if style_name not in names:
            continue
        style = document.styles[style_name]
        font = _inherited(style, _east_asia_font)
        if font and font_style(font) is not None:
            fields[font_field] = font
        size = _points(_inherited(style, lambda s: s.font.size))
        if size and _reads(parse_size, size):
            fields[size_field] = size
    if "Normal" in names:
        paragraph = document.styles["Normal"].paragraph_format
        spacing, rule = paragraph.line_spacing, paragraph.line_spacing_rule
        said = None
        if isinstance(spacing, float):
            said = f"{spacing:g}"
        elif spacing is not None and rule in (WD_LINE_SPACING.EXACTLY, WD_LINE_SPACING.AT_LEAST):
            said = f"{spacing.pt:g}pt"
        if said and _reads(parse_spacing, said):
            fields["line_spacing"] = said
    section = document.sections[0]
    margins = {
        side: f"{getattr(section, f'{side}_margin').mm:.1f}mm"
        for side in ("top", "bottom", "left", "right")
        if getattr(section, f"{side}_margin") is not None
    }
    margins = {side: text for side, text in margins.items() if _reads(parse_length, text)}
    if margins:
        fields["margins"] = margins
    return fields


def _story_text(story: Any) -> str | None:
    """The text of a header or footer, without page-number fields' results."""
    from docx.text.paragraph import Paragraph

    lines = []
    # Every paragraph of the story in reading order, also those in a table or a text box (a
    # letterhead is often a table): the DOCX takes the header whole, so the PDF reads all of
    # it. A text box's Fallback (VML) repeats its Choice, so it is read once.
    fallback = f"{{{_MC}}}Fallback"
    for p in story._element.iter(qn("w:p")):
        if any(ancestor.tag == fallback for ancestor in p.iterancestors()):
            continue
        paragraph = Paragraph(p, story)
        if has_page_field(paragraph._p):
            continue
        # Controls and invisible format characters (a bidi override) are left out: the text
        # goes into the PDF's header, where the pre-flight never saw it.
        shown = "".join(c for c in paragraph.text if unicodedata.category(c) not in {"Cc", "Cf"})
        text = " ".join(shown.split())[:MAX_STORY_TEXT]
        if text:
            lines.append(text)
    # One line each, as the DOCX shows them (the PDF's header and footer keep line breaks).
    return "\n".join(lines) or None


def _first_picture(story: Any) -> bytes | None:
    for node in story._element.iter():
        for attr, value in node.attrib.items():
            if attr.startswith(f"{{{_R}}}"):
                rel = story.part.rels.get(value)
                if rel is not None and rel.reltype == RT.IMAGE and not rel.is_external:
                    with open_image(rel.target_part.blob) as image:
                        out = io.BytesIO()
                        # One kind for the PDF's data: URL (a CMYK JPEG, a 16-bit PNG …).
                        image.convert("RGBA").save(out, format="PNG")
                        return out.getvalue()
    return None


def template_look(path: Path) -> Look:
    """The look of the checked template at `path` (cached by its time and size)."""
    stat = path.stat()
    return _look(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _look(path: Path, _mtime: int, _size: int) -> Look:
    document = check_template(path).document
    section = document.sections[0]
    header, footer = section.header, section.footer
    linked_header, linked_footer = header.is_linked_to_previous, footer.is_linked_to_previous
    return Look(
        _style_fields(document),
        None if linked_header else _story_text(header),
        None if linked_footer else _story_text(footer),
        None if linked_header else _first_picture(header),
    )

"""Shrinks the CID-keyed CFF fonts (Noto CJK) WeasyPrint embeds in a PDF, ~140 KB a face.

WeasyPrint 70 subsets fonts with HarfBuzz keeping every glyph id up to the highest one used
(RETAIN_GIDS): its text shows glyph ids, and Chinese text uses ids up to ~62,000, so each face
carries tens of thousands of empty glyphs. Noto CJK's CFF is CID-keyed with CID = glyph id, and
a Type 0 CIDFont whose program is a *bare* CID-keyed CFF (FontFile3 /CIDFontType0C) selects
glyphs by CID through the CFF charset. So each such font is subset again without retained ids
(HarfBuzz keeps every glyph's CID in the charset) and embedded as bare CFF; content streams,
widths and ToUnicode stay exactly as WeasyPrint wrote them. Inside its OpenType wrapper the
subset would not do: poppler takes the codes of an OpenType CFF CIDFont as glyph ids.

Every assumption is checked on the PDF and on the new program (CID-keyed, Identity-H, each kept
glyph's CID equal to its old glyph id); a font that fails any check is left as it was.
"""

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pydyf
import uharfbuzz as hb
from fontTools.cffLib import CFFFontSet

CFF_TAG = "CFF "
# As WeasyPrint subsets (passthrough tables, no subroutines), plus NOTDEF_OUTLINE so .notdef
# keeps whatever outline WeasyPrint kept. Not CFF_IDENTITY_CHARSET: the CIDs must survive.
SUBSET_FLAGS = (
    hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
    | hb.SubsetFlags.DESUBROUTINIZE
    | hb.SubsetFlags.NOTDEF_OUTLINE
)


@dataclass(frozen=True)
class Shrunk:
    """One font program replaced: its name and its size before and after, uncompressed."""

    font: str
    before: int
    after: int


def cid_cff_subset(program: bytes, cids: Iterable[int]) -> bytes | None:
    """The bare CFF of an OpenType CFF font with just these CIDs and .notdef, or None.

    None unless the CFF is CID-keyed and every CID kept is its glyph id in `program` (so a
    glyph is the same one whether a reader looks it up by CID or by glyph id).
    """
    wanted = sorted({0, *cids})
    face = hb.Face(hb.Blob(program))
    if wanted[-1] >= face.glyph_count:
        return None
    plan = hb.SubsetInput()
    for glyph in wanted:
        plan.glyph_set.add(glyph)
    plan.flags = SUBSET_FLAGS
    try:
        subset = hb.subset(face, plan)
    except RuntimeError:
        return None
    cff: bytes = subset.reference_table(CFF_TAG).data
    return cff if cff and _charset_cids(cff) == wanted else None


def _charset_cids(cff: bytes) -> list[int] | None:
    """The CID of each glyph of a bare CID-keyed CFF, in glyph order; None if not CID-keyed."""
    fonts = CFFFontSet()
    try:
        fonts.decompile(io.BytesIO(cff), None)
        top = fonts[fonts.fontNames[0]]
        if len(fonts.fontNames) != 1 or not hasattr(top, "ROS"):
            return None
        # fontTools names CID-keyed glyphs "cid00042", and CID 0 ".notdef".
        return [0 if name == ".notdef" else int(name.removeprefix("cid")) for name in top.charset]
    except Exception:  # a malformed table is a "no", whatever fontTools raises
        return None


def shrink_fonts(pdf: Any) -> list[Shrunk]:
    """Re-subset the CID-keyed CFF fonts of WeasyPrint's pydyf PDF in place, before it is written.

    Returns what was replaced; any font whose structure is not the expected one is left alone.
    """
    programs: dict[int, set[int]] = {}  # font program's object number → CIDs shown
    unusable: set[int] = set()
    cid_fonts: dict[int, list[Any]] = {}
    for font in _type0_fonts(pdf):
        found = _cid_font_program(pdf, font)
        if found is None:
            continue
        number, cid_font, cids = found
        if cids is None:
            unusable.add(number)
        else:
            programs.setdefault(number, set()).update(cids)
        cid_fonts.setdefault(number, []).append(cid_font)

    shrunk = []
    for number, cids in programs.items():
        stream = pdf.objects[number]
        if number in unusable or not _is_opentype_stream(stream):
            continue
        program = b"".join(stream.stream)
        cff = cid_cff_subset(program, cids)
        if cff is None:
            continue
        stream.stream = [cff]
        stream.extra["Subtype"] = "/CIDFontType0C"
        for cid_font in cid_fonts[number]:
            # Only Type 2 (TrueType) CIDFonts have one.
            cid_font.pop("CIDToGIDMap", None)
        shrunk.append(Shrunk(_name(cid_fonts[number][0].get("BaseFont")), len(program), len(cff)))
    return shrunk


def _name(value: object) -> str:
    """A PDF name (pydyf keeps WeasyPrint's font names as bytes) without its slash."""
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return text.removeprefix("/")


def _resolve(pdf: Any, value: object) -> object:
    """The object an indirect reference (b"12 0 R", as pydyf writes it) points at."""
    if isinstance(value, bytes) and value.endswith(b" 0 R"):
        try:
            return pdf.objects[int(value.split()[0])]
        except (ValueError, IndexError):
            return None
    return value


def _type0_fonts(pdf: Any) -> Iterator[Any]:
    for obj in pdf.objects:
        is_font = isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Font"
        if is_font and obj.get("Subtype") == "/Type0":
            yield obj


def _cid_font_program(pdf: Any, font: Any) -> tuple[int, Any, set[int] | None] | None:
    """(font program's object number, CIDFont, CIDs it shows or None if unusable), or None."""
    descendants = _resolve(pdf, font.get("DescendantFonts"))
    if not isinstance(descendants, list) or len(descendants) != 1:
        return None
    cid_font = _resolve(pdf, descendants[0])
    if not isinstance(cid_font, pydyf.Dictionary):
        return None
    if cid_font.get("Subtype") != "/CIDFontType0":
        return None
    descriptor = _resolve(pdf, cid_font.get("FontDescriptor"))
    if not isinstance(descriptor, pydyf.Dictionary):
        return None
    reference = descriptor.get("FontFile3")
    stream = _resolve(pdf, reference)
    if not isinstance(stream, pydyf.Stream) or not isinstance(reference, bytes):
        return None
    number = int(reference.split()[0])
    usable = font.get("Encoding") == "/Identity-H" and cid_font.get("CIDToGIDMap") in (
        None,
        "/Identity",
    )
    cids = _widths_cids(pdf, cid_font.get("W")) if usable else None
    return number, cid_font, cids


def _widths_cids(pdf: Any, widths: object) -> set[int] | None:
    """The CIDs a W array gives widths for (every glyph WeasyPrint shows has one)."""
    items = _resolve(pdf, widths)
    if not isinstance(items, list):
        return None
    cids: set[int] = set()
    i = 0
    while i < len(items):
        first = items[i]
        following = _resolve(pdf, items[i + 1]) if i + 1 < len(items) else None
        if not isinstance(first, int):
            return None
        if isinstance(following, list):  # c [w1 w2 …]
            cids.update(range(first, first + len(following)))
            i += 2
        elif isinstance(following, int) and i + 2 < len(items):  # c_first c_last w
            cids.update(range(first, following + 1))
            i += 3
        else:
            return None
    return cids


def _is_opentype_stream(stream: Any) -> bool:
    extra = getattr(stream, "extra", None)
    parts = getattr(stream, "stream", None)
    return (
        isinstance(extra, dict)
        and extra.get("Subtype") == "/OpenType"
        and isinstance(parts, list)
        and all(isinstance(part, bytes) for part in parts)
    )

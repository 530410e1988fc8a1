"""Shrinks the CID-keyed CFF fonts (Noto CJK) WeasyPrint embeds in a PDF, ~140 KB a face.

WeasyPrint 68–70 subsets fonts with HarfBuzz keeping every glyph id up to the highest one used
(RETAIN_GIDS): its text shows glyph ids, and Chinese text uses ids up to ~62,000, so each face
carries tens of thousands of empty glyphs. Noto CJK's CFF is CID-keyed with CID = glyph id, and
a Type 0 CIDFont whose program is a *bare* CID-keyed CFF (FontFile3 /CIDFontType0C) selects
glyphs by CID through the CFF charset. So each such font is subset again without retained ids
(HarfBuzz keeps every glyph's CID in the charset) and embedded as bare CFF; content streams,
widths and ToUnicode stay exactly as WeasyPrint wrote them. Inside its OpenType wrapper the
subset would not do: poppler takes the codes of an OpenType CFF CIDFont as glyph ids.

Every assumption is checked on the PDF and on the new program (CID-keyed, Identity-H, each kept
glyph's CID equal to its old glyph id); a font that fails any check is left as it was, and so
is any TrueType face (a Latin body font): WeasyPrint's own subset of it has no empty glyphs to
drop. This runs as a `write_pdf` finisher, WeasyPrint's public hook: the default route.

Opt-in only (`AFTERSALES_PDF_ONE_PASS=1`, on the WeasyPrint versions `one_pass_problem` accepts):
inside `subsetting_once()` WeasyPrint's own subsetting (two HarfBuzz passes with
retained ids over each 65,535-glyph face, ~35 ms a face) is replaced by the one pass we need
(~6 ms), made on the very HarfBuzz face WeasyPrint shaped with: its `Font.subset` is wrapped,
and only a font that passes every check takes that route (CID = glyph id read from the face's
own charset, the new charset exactly the glyphs shown); any other is subset by WeasyPrint as
before. HarfBuzz 6 also keeps the variation-sequence glyphs of the characters shown; a second
pass over the small subset drops them. The program WeasyPrint then embeds is an OpenType whose
glyph ids are no longer the codes the page shows, so such a PDF is only right once the session's
`shrink_fonts` has swapped in the bare CFF; if it cannot, it raises `NotShrunk` and the caller
must render again without the session. (`write_pdf(full_fonts=True)` skips WeasyPrint's
subsetting too, but then reads every glyph of both faces with fontTools for the W array and
ToUnicode, ~1 s a letter, and embeds both whole .ttc collections, 37 MB, before any finisher.)
"""

import inspect
import io
import struct
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import pydyf
import uharfbuzz as hb
from fontTools.cffLib import CFFFontSet, Index, TopDictDecompiler

CFF_TAG = "CFF "
HEAD_BYTES = 4096  # room for a CFF's header, Name INDEX and Top DICT INDEX
KEPT_TABLES = (CFF_TAG, "maxp")  # the one-pass subset: its CFF, and maxp for its glyph count
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


class NotShrunk(Exception):
    """A font subset in one pass could not be put in the PDF as bare CFF: render again."""


@dataclass(frozen=True)
class _OnePass:
    """A font WeasyPrint embeds as `program`, whose bare CFF `cff` keeps exactly `cids`."""

    program: bytes
    cff: bytes
    cids: frozenset[int]


@dataclass
class Session:
    """The fonts subset in one pass during one `write_pdf`, and the finisher that embeds them."""

    subsets: list[_OnePass] = field(default_factory=list)

    def subset(self, font: Any, to_unicode: dict[int, str], hinting: bool) -> bool:
        """Subset WeasyPrint's font in one pass, keeping CIDs; False leaves it to WeasyPrint."""
        # WeasyPrint 68 has no COLR support, so no `colr` attribute.
        colr = getattr(font, "colr", False)
        plain = not (font.missing or font.bitmap or font.png or font.svg or colr)
        if not plain or "CFF " not in font.tables or "fvar" in font.tables or not to_unicode:
            return False
        wanted = sorted({0, *to_unicode})
        if wanted[-1] >= font.glyph_count:
            return False
        # The page shows WeasyPrint's glyph ids: each must be its glyph's CID.
        if not _face_cids_are_glyph_ids(font.hb_face, wanted):
            return False
        found = _harfbuzz_subset(font.hb_face, wanted, font.tables, hinting)
        if found is None or found[0][:4] != b"OTTO":
            return False
        program, cff = found
        if _charset_cids(cff) != wanted:
            # HarfBuzz 6 keeps the variation-sequence glyphs of the characters too.
            cff = _drop_other_cids(program, cff, wanted) or b""
            if not cff:
                return False
        font.file_content = program
        self.subsets.append(_OnePass(program, cff, frozenset(wanted)))
        return True

    def shrink_fonts(self, pdf: Any) -> list[Shrunk]:
        """Re-subset the CID-keyed CFF fonts of WeasyPrint's pydyf PDF in place, before it is
        written, and embed the one-pass subsets as bare CFF.

        Returns what was replaced; any other font whose structure is not the expected one is
        left alone. Raises NotShrunk if a one-pass subset cannot be embedded.
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
        embedded: set[int] = set()
        for number, cids in programs.items():
            stream = pdf.objects[number]
            if number in unusable or not _is_opentype_stream(stream):
                continue
            one_pass = self._made(stream)
            if one_pass is not None:
                if not cids <= one_pass.cids:
                    continue  # NotShrunk below
                program, cff = one_pass.program, one_pass.cff
                embedded.add(id(one_pass))
            else:
                program = b"".join(stream.stream)
                subset = cid_cff_subset(program, cids)
                if subset is None:
                    continue
                cff = subset
            stream.stream = [cff]
            stream.extra["Subtype"] = "/CIDFontType0C"
            for cid_font in cid_fonts[number]:
                # Only Type 2 (TrueType) CIDFonts have one.
                cid_font.pop("CIDToGIDMap", None)
            name = _name(cid_fonts[number][0].get("BaseFont"))
            shrunk.append(Shrunk(name, len(program), len(cff)))
        missed = [s for s in self.subsets if id(s) not in embedded]
        if missed:
            raise NotShrunk(f"{len(missed)} font(s) subset in one pass are not embedded as CFF")
        return shrunk

    def _made(self, stream: Any) -> _OnePass | None:
        # WeasyPrint embeds the font's file_content object itself.
        for one_pass in self.subsets:
            if len(stream.stream) == 1 and stream.stream[0] is one_pass.program:
                return one_pass
        return None


def shrink_fonts(pdf: Any) -> list[Shrunk]:
    """Re-subset the CID-keyed CFF fonts of WeasyPrint's pydyf PDF in place, before it is written.

    Returns what was replaced; any font whose structure is not the expected one is left alone.
    """
    return Session().shrink_fonts(pdf)


_SESSION: ContextVar[Session | None] = ContextVar("pdf_fonts_session", default=None)
_INSTALL = threading.Lock()


@contextmanager
def subsetting_once() -> Iterator[Session]:
    """Within it (on this thread), WeasyPrint's CID-keyed CFF fonts are subset in one pass for
    the session; the PDF is only right once the session's `shrink_fonts` ran as its finisher.
    Raises NotShrunk (before anything is rendered) if `one_pass_problem()` finds a problem."""
    _install()
    session = Session()
    token = _SESSION.set(session)
    try:
        yield session
    finally:
        _SESSION.reset(token)


ONE_PASS_TESTED = ((68, 0), (71, 0))
"""WeasyPrint versions the one-pass route was tested with: 68.0 ≤ version < 71 (68.0, 70.0)."""


def one_pass_problem() -> str | None:
    """Why the one-pass route (private WeasyPrint API) cannot be used here, or None."""
    import weasyprint

    version = weasyprint.__version__
    try:
        numbers = tuple(int(part) for part in version.split(".")[:2])
    except ValueError:
        return f"cannot read the WeasyPrint version {version!r}"
    low, high = ONE_PASS_TESTED
    if not low <= numbers < high:
        return f"the one-pass font route is not tested with WeasyPrint {version}"
    try:
        from weasyprint.pdf.fonts import Font
        from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset  # noqa: F401
        from weasyprint.text.fonts import get_hb_object_data  # noqa: F401
    except ImportError as error:
        return f"WeasyPrint {version} lacks what the one-pass font route uses ({error})"
    if harfbuzz_subset is None:
        return "libharfbuzz-subset is not installed"
    subset = getattr(Font.subset, "__wrapped__", Font.subset)
    if list(inspect.signature(subset).parameters) != ["self", "to_unicode", "hinting"]:
        return f"WeasyPrint {version}'s Font.subset is not the one the one-pass route wraps"
    return None


def _install() -> None:
    """Wrap WeasyPrint's Font.subset once; NotShrunk if this WeasyPrint is not one it fits."""
    problem = one_pass_problem()
    if problem:
        raise NotShrunk(problem)
    from weasyprint.pdf import fonts

    with _INSTALL:
        original = fonts.Font.subset
        if getattr(original, "one_pass", False):
            return

        def subset(font: Any, to_unicode: dict[int, str], hinting: bool) -> None:
            session = _SESSION.get()
            try:
                done = session is not None and session.subset(font, to_unicode, hinting)
            except AttributeError:  # a Font unlike WeasyPrint 70's: WeasyPrint's own subset
                done = False
            if not done:
                original(font, to_unicode, hinting)

        subset.one_pass = True  # type: ignore[attr-defined]
        subset.__wrapped__ = original  # type: ignore[attr-defined]
        fonts.Font.subset = subset


def _drop_other_cids(program: bytes, cff: bytes, wanted: list[int]) -> bytes | None:
    """The bare CFF of `program` (whose CFF is `cff`) with only the glyphs of these CIDs."""
    cids, keep = _charset_cids(cff), set(wanted)
    if cids is None or len(set(cids)) != len(cids) or not keep <= set(cids):
        return None
    plan = hb.SubsetInput()
    for glyph, cid in enumerate(cids):
        if cid in keep:
            plan.glyph_set.add(glyph)
    plan.flags = SUBSET_FLAGS
    try:
        subset = hb.subset(hb.Face(hb.Blob(program)), plan)
    except RuntimeError:
        return None
    kept: bytes = subset.reference_table(CFF_TAG).data
    return kept if kept and _charset_cids(kept) == wanted else None


def _face_cids_are_glyph_ids(face: Any, glyphs: list[int]) -> bool:
    """`cids_are_glyph_ids` on the CFF of a HarfBuzz face (WeasyPrint's cffi pointer)."""
    from weasyprint.text.ffi import ffi, harfbuzz

    blob = harfbuzz.hb_face_reference_table(face, harfbuzz.hb_tag_from_string(b"CFF ", -1))
    try:
        length = harfbuzz.hb_blob_get_length(blob)
        data = harfbuzz.hb_blob_get_data(blob, ffi.NULL) if length else ffi.NULL
        if data == ffi.NULL:
            return False
        # The face's own memory, not a copy of its 17–23 MB.
        return cids_are_glyph_ids(memoryview(ffi.buffer(data, length)), glyphs)
    finally:
        harfbuzz.hb_blob_destroy(blob)


class _StringIds:
    """Stands for the String INDEX when decoding a top DICT: a string id decodes to itself."""

    def __getitem__(self, sid: int) -> int:
        return sid


def cids_are_glyph_ids(cff: bytes | memoryview, glyphs: list[int]) -> bool:
    """Whether a bare CFF is CID-keyed and each of these sorted glyph ids (below its glyph
    count) is its glyph's CID. Reads only the top DICT and the charset: parsing all of a
    65,535-glyph CFF would cost more than the subsetting this check enables."""
    try:
        return _charset_is_identity(memoryview(cff), glyphs)
    except (ValueError, IndexError, KeyError, AssertionError, struct.error):
        return False  # a malformed table is a "no", whatever the parsers raise


def _charset_is_identity(table: memoryview, glyphs: list[int]) -> bool:
    # The header, the Name INDEX and the Top DICT INDEX come first and are small.
    head = io.BytesIO(table[:HEAD_BYTES])
    head.seek(table[2])  # hdrSize
    names = Index(head)
    tops = Index(head)
    if len(names) != 1 or len(tops) != 1 or head.tell() > HEAD_BYTES:
        return False
    top = TopDictDecompiler(_StringIds())
    top.decompile(tops[0])
    raw = top.getDict()
    charset = raw.get("charset")
    if "ROS" not in raw or not isinstance(charset, int) or charset < 4:
        return False
    # The CID of each glyph g ≥ 1 (.notdef is CID 0): format 0 lists them; 1 and 2 give ranges
    # of consecutive CIDs as (first CID, glyphs - 1) with a 1- or 2-byte count.
    kind = table[charset]
    if kind == 0:
        return all(
            struct.unpack_from(">H", table, charset + 2 * g - 1)[0] == g for g in glyphs if g
        )
    if kind not in (1, 2):
        return False
    layout = ">HB" if kind == 1 else ">HH"
    position, glyph = charset + 1, 1  # the range at `position` starts at glyph `glyph`
    for target in (g for g in glyphs if g):
        first, left = struct.unpack_from(layout, table, position)
        while target > glyph + left:
            glyph, position = glyph + left + 1, position + struct.calcsize(layout)
            first, left = struct.unpack_from(layout, table, position)
        if first + target - glyph != target:
            return False
    return True


def _harfbuzz_subset(
    face: Any, glyphs: list[int], tables: list[str], hinting: bool
) -> tuple[bytes, bytes] | None:
    """(OpenType with just a CFF table, that CFF) of a HarfBuzz face (WeasyPrint's cffi
    pointer) keeping these glyphs, flagged as WeasyPrint subsets; None if HarfBuzz fails."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    if harfbuzz_subset is None:
        return None
    plan = ffi.gc(
        harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy
    )
    if plan == ffi.NULL:
        return None
    glyph_set = harfbuzz_subset.hb_subset_input_glyph_set(plan)
    harfbuzz.hb_set_add_sorted_array(
        glyph_set, ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs), len(glyphs)
    )
    # No layout closure: HarfBuzz 6 would add GSUB alternates although GSUB is dropped.
    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
        | harfbuzz_subset.HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE
    )
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    harfbuzz_subset.hb_subset_input_set_flags(plan, flags)
    # Only the CFF is embedded, and maxp gives the glyph count: subsetting no other table saves
    # time.
    drop = sorted(
        harfbuzz.hb_tag_from_string(t.encode(), -1) for t in tables if t not in KEPT_TABLES
    )
    drop_set = harfbuzz_subset.hb_subset_input_set(
        plan, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG
    )
    harfbuzz.hb_set_add_sorted_array(
        drop_set, ffi.new(f"hb_codepoint_t[{len(drop)}]", drop), len(drop)
    )
    subset = harfbuzz_subset.hb_subset_or_fail(face, plan)
    if subset == ffi.NULL:
        return None
    subset = ffi.gc(subset, harfbuzz.hb_face_destroy)
    program = get_hb_object_data(subset)
    blob = harfbuzz.hb_face_reference_table(subset, harfbuzz.hb_tag_from_string(b"CFF ", -1))
    try:
        length = harfbuzz.hb_blob_get_length(blob)
        data = harfbuzz.hb_blob_get_data(blob, ffi.NULL) if length else ffi.NULL
        cff = b"" if data == ffi.NULL else ffi.unpack(data, length)
    finally:
        harfbuzz.hb_blob_destroy(blob)
    if not isinstance(program, bytes) or not program or not cff:
        return None
    return program, cff


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

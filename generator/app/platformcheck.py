"""What e-bidding platforms reject in an OUTPUT file (`aftersales preflight FILE...`, and the
warnings at the end of `render`). Not to be confused with `app/preflight.py`, which checks a
profile's INPUT before anything is rendered.

PDF: size (default 10 MB), encryption, JavaScript, attachments, every font embedded, every page
A4 (either orientation), outline (bookmarks) at most 5 levels deep. DOCX: an Office 2007+
package (not a .doc, not macro-enabled), every XML part well-formed and without a DTD, every
part typed in [Content_Types].xml, every internal relationship pointing at a part that exists
(what makes Word and LibreOffice offer to "repair" a file), docProps without a property twice
and with dates a reader can read.

Findings are `Message`s (messages/platform.yaml), said in the caller's language.
"""

import io
import logging
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from generator.locale import Message

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB
MAX_OUTLINE_DEPTH = 5
A4_PT = (595.28, 841.89)
A4_TOLERANCE_PT = 2.0
"""About 0.7 mm: what rounding between mm, CSS pixels and points can move a page edge."""
MAX_UNPACKED = 200 * MB
"""A DOCX unpacking to more than this is not looked into (a zip bomb)."""
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
"""The start of a Word 97–2003 .doc (and of an encrypted OOXML file)."""
MACRO_TYPES = ("macroEnabled", "vbaProject")
W3CDTF = re.compile(r"^\d{4}(-\d\d(-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?)?)?$")
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"


@dataclass(frozen=True)
class Rules:
    """What the platform accepts; `--max-size` sets max_bytes."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_outline_depth: int = MAX_OUTLINE_DEPTH


def check_file(path: Path, rules: Rules | None = None) -> list[Message]:
    """Every finding for one file (PDF or DOCX, by its ending); [] when it passes."""
    rules = rules or Rules()
    kind = path.suffix.lower()
    if kind not in (".pdf", ".docx"):
        return [Message("platform.unknown_kind", {"suffix": path.suffix or "-"})]
    try:
        size = path.stat().st_size
        if size > rules.max_bytes:
            # Still looked into, up to a sane bound: the other problems are worth knowing too.
            found = [_too_big(size, rules)]
            if size > MAX_UNPACKED:
                return found
        else:
            found = []
        data = path.read_bytes()
    except OSError as error:
        return [Message("platform.unreadable", {"reason": error.strerror or str(error)})]
    return found + (
        check_pdf(data, rules, sized=True)
        if kind == ".pdf"
        else check_docx(data, rules, sized=True)
    )


def _too_big(size: int, rules: Rules) -> Message:
    return Message(
        "platform.too_big", {"size": f"{size / MB:.3g}", "limit": f"{rules.max_bytes / MB:.3g}"}
    )


# ------------------------------------------------------------------------------------- PDF


def check_pdf(data: bytes, rules: Rules | None = None, *, sized: bool = False) -> list[Message]:
    """What a platform would refuse in these PDF bytes."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    rules = rules or Rules()
    _quiet_pypdf()
    found = [] if sized or len(data) <= rules.max_bytes else [_too_big(len(data), rules)]
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return [*found, Message("platform.pdf.encrypted", {})]
        pages = list(reader.pages)
        found += _page_sizes(pages)
        found += _walk(reader)
        depth = _outline_depth(reader.outline)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as error:
        # pypdf raises plain Python errors for some damaged files.
        return [
            *found,
            Message("platform.pdf.broken", {"reason": str(error) or type(error).__name__}),
        ]
    if depth > rules.max_outline_depth:
        found.append(
            Message("platform.pdf.outline", {"depth": depth, "limit": rules.max_outline_depth})
        )
    return found


def _quiet_pypdf() -> None:
    # pypdf logs what it repairs ("EOF marker not found") and adds no handler, so Python's
    # last-resort handler printed it on stderr beside our findings, which already say the
    # file is damaged. A NullHandler is what the logging HOWTO asks of a library; an
    # application that configures logging still receives the records.
    logger = logging.getLogger("pypdf")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def _page_sizes(pages: list[Any]) -> list[Message]:
    found = []
    for number, page in enumerate(pages, start=1):
        box = page.cropbox  # what a viewer shows (the media box when no crop box is set)
        width, height = sorted((abs(float(box.width)), abs(float(box.height))))
        if abs(width - A4_PT[0]) > A4_TOLERANCE_PT or abs(height - A4_PT[1]) > A4_TOLERANCE_PT:
            size = f"{width * 25.4 / 72:.0f}×{height * 25.4 / 72:.0f}"
            found.append(Message("platform.pdf.not_a4", {"page": number, "size": size}))
    return found


def _walk(reader: Any) -> list[Message]:
    """JavaScript, attachments and unembedded fonts anywhere in the document's object graph
    (pages, annotations, forms, name trees, outlines), each object looked at once."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    javascript = attachments = False
    unembedded: set[str] = set()
    seen: set[tuple[int, int]] = set()
    todo: list[Any] = [reader.trailer]
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            keys = set(item.keys())
            if "/JS" in keys or item.get("/S") == "/JavaScript" or "/JavaScript" in keys:
                javascript = True
            if (
                "/EmbeddedFiles" in keys
                or "/EF" in keys
                or item.get("/Subtype") == "/FileAttachment"
            ):
                attachments = True
            if item.get("/Type") == "/Font" or ("/BaseFont" in keys and "/Subtype" in keys):
                name = _unembedded(item)
                if name:
                    unembedded.add(name)
            todo.extend(v for k, v in item.items() if k != "/Parent")
        elif isinstance(item, ArrayObject):
            todo.extend(item)
    found = []
    if javascript:
        found.append(Message("platform.pdf.javascript", {}))
    if attachments:
        found.append(Message("platform.pdf.attachment", {}))
    found += [Message("platform.pdf.font", {"font": name}) for name in sorted(unembedded)]
    return found


def _unembedded(font: Any) -> str | None:
    """The font's name when its glyphs are not in the file, else None."""
    subtype = font.get("/Subtype")
    if subtype == "/Type3":  # glyphs drawn by the file's own content streams
        return None
    described = font
    if subtype == "/Type0":
        descendants = font.get("/DescendantFonts")
        descendants = descendants.get_object() if descendants is not None else None
        if not descendants:
            return str(font.get("/BaseFont", "?")).lstrip("/")
        described = descendants[0].get_object()
    descriptor = described.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else None
    if descriptor is None or not any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    ):
        return str(font.get("/BaseFont", "?")).lstrip("/")
    return None


def _outline_depth(outline: Any, seen: int = 0) -> int:
    """Levels of bookmarks: pypdf gives a list whose nested list holds the children of the
    item before it."""
    if seen > 64:  # deeper than any platform allows; no need to look further
        return seen
    depth = 0
    for item in outline:
        depth = max(depth, 1 + _outline_depth(item, seen + 1) if isinstance(item, list) else 1)
    return depth


# ------------------------------------------------------------------------------------ DOCX


def check_docx(data: bytes, rules: Rules | None = None, *, sized: bool = False) -> list[Message]:
    """What a platform (or Word's "repair" prompt) would refuse in these DOCX bytes."""
    rules = rules or Rules()
    found = [] if sized or len(data) <= rules.max_bytes else [_too_big(len(data), rules)]
    if data.startswith(OLE_MAGIC):
        return [*found, Message("platform.docx.ole", {})]
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        return [*found, Message("platform.docx.not_zip", {"reason": str(error)})]
    with package:
        infos = [i for i in package.infolist() if not i.is_dir()]
        if sum(i.file_size for i in infos) > MAX_UNPACKED:
            limit = f"{MAX_UNPACKED / MB:g}"
            return [*found, Message("platform.docx.bomb", {"limit": limit})]
        try:
            parts = {i.filename: package.read(i) for i in infos}
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
            return [*found, Message("platform.docx.not_zip", {"reason": str(error)})]
    return found + list(_docx_problems(parts))


def _docx_problems(parts: dict[str, bytes]) -> Iterator[Message]:
    # python-docx: only for a DOCX
    from generator.render.docxtemplate import DECLARATION, as_utf8

    trees: dict[str, ET.Element] = {}
    for name, content in parts.items():
        if not name.endswith((".xml", ".rels")):
            continue
        if DECLARATION.search(as_utf8(content)):  # refused before parsing: entities could expand
            yield Message("platform.docx.dtd", {"part": name})
            continue
        try:
            trees[name] = ET.fromstring(content)
        except ET.ParseError as error:
            yield Message("platform.docx.xml", {"part": name, "reason": str(error)})
    types = trees.get("[Content_Types].xml")
    if types is None:
        yield Message("platform.docx.missing", {"part": "[Content_Types].xml"})
        return
    defaults = {
        e.get("Extension", "").lower(): e.get("ContentType", "")
        for e in types.iter(f"{{{CONTENT_TYPES}}}Default")
    }
    overrides = {
        e.get("PartName", "").lstrip("/"): e.get("ContentType", "")
        for e in types.iter(f"{{{CONTENT_TYPES}}}Override")
    }
    if any(
        mark.lower() in (kind + name).lower()
        for name, kind in [*overrides.items(), *((n, "") for n in parts)]
        for mark in MACRO_TYPES
    ):
        yield Message("platform.docx.macros", {})
    for name in parts:
        if name == "[Content_Types].xml":
            continue
        base = posixpath.basename(name)  # "_rels/.rels" has the extension "rels"
        extension = base.rsplit(".", 1)[-1].lower() if "." in base else ""
        if name not in overrides and extension not in defaults:
            yield Message("platform.docx.untyped", {"part": name})
    main = _relationships(trees, "_rels/.rels", "")
    if not any(t.endswith("document.xml") and t in parts for t in main):
        yield Message("platform.docx.missing", {"part": "word/document.xml"})
    for rels in (n for n in trees if n.endswith(".rels")):
        source = posixpath.dirname(posixpath.dirname(rels))
        for target in _relationships(trees, rels, source):
            if target not in parts:
                yield Message("platform.docx.target", {"part": rels, "target": target})
    for name in ("docProps/core.xml", "docProps/app.xml"):
        tree = trees.get(name)
        if tree is None:
            continue
        local = [child.tag.rsplit("}", 1)[-1] for child in tree]
        for twice in sorted({tag for tag in local if local.count(tag) > 1}):
            yield Message("platform.docx.duplicate", {"part": name, "name": twice})
        for child in tree:
            tag = child.tag.rsplit("}", 1)[-1]
            if tag in ("created", "modified") and not W3CDTF.match((child.text or "").strip()):
                yield Message(
                    "platform.docx.date", {"part": name, "name": tag, "value": child.text or ""}
                )


def _relationships(trees: dict[str, ET.Element], rels: str, source: str) -> list[str]:
    """The internal targets of a .rels part, as part names."""
    tree = trees.get(rels)
    if tree is None:
        return []
    targets = []
    for rel in tree.iter(f"{{{RELATIONSHIPS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(source, target)
        targets.append(posixpath.normpath(path))
    return targets

"""Reading a tender document (DOCX, PDF, TXT) into blocks: paragraphs and table rows, in
document order, each with its page (when the format knows pages), its paragraph number and
the clause number Word's automatic numbering shows in front of it.

Bad input is refused before anything is parsed further: a file over MAX_BYTES, a DOCX that is
not a zip (corrupt), a zip whose members would unpack to more than MAX_UNPACKED (a zip bomb),
an XML part with a DTD (entity tricks), an encrypted PDF, a PDF with no text layer (a scan).

PDF text comes from poppler's `pdftotext -layout`: poppler is already a system dependency
(the PDF tests read it), it extracts 150 pages in well under a second where pure-Python
pdfminer (pdfplumber) takes many, each page ends in a form feed (page numbers for free), and
`-layout` keeps a table's cells apart by runs of blanks.
"""

import re
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import InputError, Location, Problem
from generator.intake.grammar import Grammar, grammar

__all__ = ["MAX_BYTES", "MAX_UNPACKED", "Block", "read_document"]

MAX_BYTES = 40_000_000
"""The largest tender file read (a 300-page DOCX with its images is well below)."""
MAX_UNPACKED = 200_000_000
"""The most a DOCX's members may unpack to, declared sizes summed (python's zipfile never reads
a member past its declared size, so this bounds the memory of reading)."""
_PDF_SECONDS = 60


@dataclass(frozen=True)
class Block:
    """A paragraph or a table row of the tender."""

    text: str
    """The text (a table row: the cells joined by ` | `)."""
    paragraph: int
    """1-based, in document order (a table row counts as one)."""
    page: int | None = None
    """1-based page, when the format knows it (PDF, TXT with form feeds, DOCX page breaks)."""
    number: str = ""
    """The clause number automatic numbering shows in front of the text (DOCX), e.g. 2.3."""
    cells: tuple[str, ...] = ()
    """A table row's cells; empty for a paragraph."""


def _refuse(path: Path, message: str) -> InputError:
    return InputError([Problem(Location(str(path)), "", message)])


def read_document(path: Path) -> list[Block]:
    """The blocks of a .docx, .pdf or .txt tender; InputError (exit 2) for anything refused."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _refuse(path, f"cannot read the file: {exc.strerror}") from None
    if size > MAX_BYTES:
        raise _refuse(path, f"the file has {size} bytes, more than the {MAX_BYTES} read")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _read_docx(path)
    if suffix == ".pdf":
        return _read_pdf(path)
    if suffix == ".txt":
        return _read_txt(path)
    raise _refuse(path, "not a tender document: give a .docx, .pdf or .txt file")


# ---------------------------------------------------------------------------------------- TXT


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _refuse(path, "the text is neither UTF-8 nor GB18030")


def _read_txt(path: Path) -> list[Block]:
    text = _decode(path, path.read_bytes())
    pages = text.split("\f")
    return list(_blocks_from_lines(pages, paged=len(pages) > 1))


_CELL_GAP = re.compile(r"\s*\|\s*|\t+| {2,}|\u3000{2,}")


def _blocks_from_lines(pages: list[str], *, paged: bool, layout: bool = False) -> Iterator[Block]:
    """Lines joined into paragraphs: a line continues the one before unless that one ended a
    sentence or this one starts a clause number or marker. With `layout` (pdftotext), a line
    whose text falls in columns is a table row."""
    g = grammar()
    n = 0
    pending: list[str] = []
    pending_page: int | None = None

    def flush() -> Iterator[Block]:
        nonlocal n, pending
        if pending:
            n += 1
            yield Block("".join(pending), n, pending_page if paged else None)
            pending = []

    for index, page in enumerate(pages, start=1):
        for raw in page.splitlines():
            line = raw.strip()
            if not line or g.page_footer.fullmatch(line):
                yield from flush()
                continue
            cells = [c for c in _CELL_GAP.split(line) if c]
            if len(cells) > 1 and ("|" in line or "\t" in raw or layout):
                yield from flush()
                n += 1
                yield Block(" | ".join(cells), n, index if paged else None, cells=tuple(cells))
                continue
            if pending and (not layout or _starts_block(g, line)):
                yield from flush()
            if not pending:
                pending_page = index
            pending.append(line)
            if line[-1] in g.sentence_end:
                yield from flush()
        # A paragraph may run over the page break: it keeps the page it started on.
    yield from flush()


def _starts_block(g: Grammar, line: str) -> bool:
    return bool(g.clause_start.match(line)) or line[0] in g.marker_chars


# ---------------------------------------------------------------------------------------- PDF


def _run(path: Path, args: list[str]) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(args, capture_output=True, timeout=_PDF_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise _refuse(path, f"the PDF took more than {_PDF_SECONDS} s to read") from None
    except OSError as exc:
        raise _refuse(path, f"poppler is not installed ({exc.strerror})") from None


def _read_pdf(path: Path) -> list[Block]:
    if not path.read_bytes()[:1024].lstrip().startswith(b"%PDF-"):
        raise _refuse(path, "not a PDF file (no %PDF- header); is the file damaged?")
    info = _run(path, ["pdfinfo", str(path)])
    detail = info.stderr.decode("utf-8", "replace").strip()
    if info.returncode != 0:
        if "password" in detail.lower():
            raise _refuse(path, "the PDF is encrypted (it needs a password); give an unlocked copy")
        raise _refuse(path, f"the PDF cannot be read; is it damaged? ({detail.splitlines()[-1:]})")
    if re.search(rb"^Encrypted:\s+yes", info.stdout, re.MULTILINE):
        raise _refuse(path, "the PDF is encrypted; give an unlocked copy")
    out = _run(path, ["pdftotext", "-layout", "-enc", "UTF-8", "-q", str(path), "-"])
    if out.returncode != 0:
        raise _refuse(path, "the PDF's text cannot be extracted; is the file damaged?")
    pages = out.stdout.decode("utf-8", "replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # the form feed after the last page
    if sum(len(p.split()) for p in pages) < max(1, len(pages)) * 3:
        raise _refuse(
            path,
            "the PDF has no text layer (a scan?); run OCR first or give the DOCX: "
            "text is not recognised from images",
        )
    return list(_blocks_from_lines(pages, paged=True, layout=True))


# --------------------------------------------------------------------------------------- DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _check_zip(path: Path) -> None:
    if not zipfile.is_zipfile(path):
        raise _refuse(path, "the DOCX is damaged (not a zip archive); save it again from Word")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_UNPACKED:
                raise _refuse(
                    path, f"the DOCX would unpack to more than {MAX_UNPACKED} bytes (a zip bomb?)"
                )
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as stream:
                        head = stream.read(4096)
                    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                        raise _refuse(
                            path, f"the DOCX part {member.filename} declares a DTD; refused"
                        )
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _refuse(path, f"the DOCX is damaged ({exc})") from None


def _read_docx(path: Path) -> list[Block]:
    _check_zip(path)
    import docx  # python-docx, loaded only for DOCX input
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise _refuse(path, f"the DOCX is damaged or not a Word document ({exc})") from None
    except Exception as exc:  # lxml's XMLSyntaxError and kin: a broken part
        raise _refuse(path, f"the DOCX cannot be parsed ({type(exc).__name__})") from None
    numbering = _Numbering(document)
    body = document.element.body
    rendered = any(True for _ in body.iter(f"{_W}lastRenderedPageBreak"))
    paged = rendered or any(br.get(f"{_W}type") == "page" for br in body.iter(f"{_W}br"))
    page = 1
    n = 0
    blocks: list[Block] = []
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            text, lead, breaks = _paragraph_text(child, rendered)
            label = numbering.label(child)
            if text.strip():
                n += 1
                blocks.append(Block(text.strip(), n, page + lead if paged else None, label))
            page += breaks
        elif child.tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                cells: list[str] = []
                for cell in row.iter(f"{_W}tc"):
                    read = [_paragraph_text(p, rendered) for p in cell.iter(f"{_W}p")]
                    cells.append(" ".join(t.strip() for t, _, _ in read if t.strip()))
                    page += sum(b for _, _, b in read)
                if any(cells):
                    n += 1
                    joined = " | ".join(cells)
                    blocks.append(Block(joined, n, page if paged else None, cells=tuple(cells)))
    return blocks


def _paragraph_text(p: Any, rendered: bool) -> tuple[str, int, int]:
    """The paragraph's visible text, the page breaks before its first text and the page
    breaks in it in all (rendered breaks when Word left them, else explicit ones)."""
    parts: list[str] = []
    breaks = 0
    lead = -1
    for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}lastRenderedPageBreak"):
        if el.tag == f"{_W}t":
            if el.text and lead < 0:
                lead = breaks
            parts.append(el.text or "")
        elif el.tag == f"{_W}tab":
            parts.append(" ")
        elif el.tag == f"{_W}br":
            if el.get(f"{_W}type") == "page":
                breaks += 0 if rendered else 1
            else:
                parts.append(" ")
        elif rendered:
            breaks += 1
    return "".join(parts), max(lead, 0), breaks


class _Numbering:
    """Word's automatic numbering, counted as Word counts it: one counter per list and level,
    deeper levels restarting when a level advances, the level's text (`%1.%2`) filled in."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.legal: set[tuple[str, int]] = set()  # levels with isLgl: every number in arabic
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.styles: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        for abstract in root.iter(f"{_W}abstractNum"):
            levels: dict[int, tuple[int, str, str]] = {}
            for lvl in abstract.iter(f"{_W}lvl"):
                if lvl.find(f"{_W}isLgl") is not None:
                    key = abstract.get(f"{_W}abstractNumId", "")
                    self.legal.add((key, int(lvl.get(f"{_W}ilvl", "0"))))
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    int(_val(lvl, "start") or "1"),
                    _val(lvl, "numFmt") or "decimal",
                    _val(lvl, "lvlText") or "",
                )
            self.levels[abstract.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.abstract_of[num.get(f"{_W}numId", "")] = ref.get(f"{_W}val", "")
        for style in document.styles.element.iter(f"{_W}style"):
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                num_id = _val(num_pr, "numId")
                if num_id:
                    level = int(_val(num_pr, "ilvl") or "0")
                    self.styles[style.get(f"{_W}styleId", "")] = (num_id, level)

    def label(self, p: Any) -> str:
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        found: tuple[str, int] | None = None
        if num_pr is not None and _val(num_pr, "numId"):
            found = (_val(num_pr, "numId") or "", int(_val(num_pr, "ilvl") or "0"))
        else:
            style = p.find(f"{_W}pPr/{_W}pStyle")
            if style is not None:
                found = self.styles.get(style.get(f"{_W}val", ""))
        if found is None or found[0] == "0":
            return ""
        abstract = self.abstract_of.get(found[0], "")
        levels = self.levels.get(abstract, {})
        level = found[1]
        if level not in levels:
            return ""
        counters = self.counters.setdefault(abstract, {})
        counters[level] = counters.get(level, levels[level][0] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        text = levels[level][2]
        for k in range(level + 1):
            start, fmt, _ = levels.get(k, (1, "decimal", ""))
            value = counters.get(k, start)
            legal = (abstract, level) in self.legal and fmt != "decimalZero"
            text = text.replace(f"%{k + 1}", str(value) if legal else _format(value, fmt))
        return "" if levels[level][1] in {"bullet", "none"} else text.strip()


def _val(el: Any, name: str) -> str | None:
    child = el.find(f"{_W}{name}")
    return None if child is None else child.get(f"{_W}val")


def _format(n: int, fmt: str) -> str:
    g = grammar()
    if fmt in {"decimalEnclosedCircle", "decimalEnclosedCircleChinese"} and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in {"lowerLetter", "upperLetter"}:
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in {"lowerRoman", "upperRoman"}:
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) - 0x30 + 0xFF10) for c in str(n))
    if fmt in {
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
    }:
        return g.counting(n)
    if fmt in {"ideographDigital", "taiwaneseDigital"}:
        return "".join(g.digits[int(c)] for c in str(n))
    if fmt in {"ideographTraditional"} and 1 <= n <= len(g.stems):
        return g.stems[n - 1]
    return str(n)


def _roman(n: int) -> str:
    out = []
    for value, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)

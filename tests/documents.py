"""Read generated documents back as text, the way a reader (or an evaluator) would."""

import re
import subprocess
from pathlib import Path

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

FOOTER = re.compile(r"^第\s*\d+\s*页\s*共\s*\d+\s*页$")
SECTION = re.compile(r"^[一二三四五六七八九十]+、")


def shown(text: str) -> str:
    """DOCX text as a reader sees it: without the word joiners (U+2060) that keep a number
    with its unit on one line, no-break spaces as spaces (generator/render/typeset.py)."""
    return text.replace("\u2060", "").replace("\u00a0", " ")


def docx_lines(path: Path) -> list[str]:
    """Body paragraphs and table cells (row by row) in document order, as shown."""
    document = docx.Document(str(path))
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(DocxParagraph(child, document).text)
        elif tag == "tbl":
            for row in DocxTable(child, document).rows:
                lines.extend(cell.text for cell in row.cells)
    return [shown(line) for line in lines if line.strip()]


def docx_header_footer(path: Path) -> tuple[str, str]:
    """The text of the first section's header, and the footer's XML (it holds fields)."""
    section = docx.Document(str(path)).sections[0]
    header = "\n".join(p.text for p in section.header.paragraphs)
    return header, section.footer._element.xml


def pdf_lines(path: Path, *, first: int | None = None, last: int | None = None) -> list[str]:
    """pdftotext in content order (-raw): for WeasyPrint output that is document order."""
    args = ["pdftotext", "-raw", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    out = subprocess.run([*args, str(path), "-"], capture_output=True, check=True, text=True)
    return [line for line in out.stdout.splitlines() if line.strip()]


def squash(text: str) -> str:
    """Text with all whitespace removed: line breaks in a PDF fall anywhere."""
    return re.sub(r"\s+", "", text)


def sections(lines: list[str]) -> dict[str, str]:
    """Squashed text per top-level section, keyed by its heading (plus "" for the preamble)."""
    out: dict[str, list[str]] = {"": []}
    key = ""
    for line in lines:
        if SECTION.match(line.strip()):
            key = squash(line)
            out[key] = []
        out[key].append(line)
    return {k: squash("".join(v)) for k, v in out.items()}


def pdf_fonts(path: Path) -> list[tuple[str, str, str]]:
    """(name, embedded, subset) for every font `pdffonts` lists."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        parts = line.split()
        # name type... emb sub uni object ID: the yes/no flags are the 5th-3rd from the end.
        rows.append((parts[0], parts[-5], parts[-4]))
    return rows

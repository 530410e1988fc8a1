"""The letter as a document model: what both renderers lay out, and nothing about layout.

Compose builds it from a Profile; the DOCX and PDF renderers only walk it. All text here is
final wording (plain str, unescaped): renderers escape for their own format.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from generator.profiles.models import Format, ServiceProcess


@dataclass(frozen=True)
class Paragraph:
    """Body text. `number` is a list marker such as "1." or "（1）", kept apart from the text."""

    text: str
    number: str | None = None
    style: Literal["body", "note"] = "body"


@dataclass(frozen=True)
class Table:
    """A table with one header row; every row has as many cells as the header."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] | None = None
    """relative column widths (e.g. (1, 3, 2)); None = equal."""


@dataclass(frozen=True)
class Figure:
    """The service flowchart, drawn from the profile by each renderer (SVG or PNG)."""

    caption: str
    process: ServiceProcess
    note: str | None = None
    """a line under the chart, e.g. 全流程24小时内完成."""
    limits: Mapping[str, str] = field(default_factory=dict)
    """each step's time limit as the letter words it (step id -> 2小时), drawn in its box."""
    subs: Mapping[str, str] = field(default_factory=dict)
    """each step's owner and time limit as the letter words them (step id -> 值班工程师，2小时内),
    the small line drawn under its label."""


@dataclass(frozen=True)
class Section:
    """A numbered section: `number` is "一、", "（一）", "1." or "（1）" by depth."""

    number: str
    title: str
    level: int
    blocks: tuple["Block", ...]


Block = Paragraph | Table | Figure | Section


@dataclass(frozen=True)
class Signature:
    """落款: company with its seal area, the signatory line and the date."""

    company_label: str
    """e.g. 投标人（盖章） or 供应商（盖章）."""
    company: str
    signatory_label: str
    """e.g. 法定代表人或授权代表（签字）."""
    signatory: str | None
    date_label: str
    date_text: str
    """2026年11月28日, or blanks "    年  月  日" when the profile has no date."""
    phone: str | None = None
    phone_label: str = ""
    """e.g. 联系电话 (from the clause templates' `phone_label`)."""
    seal_image: Path | None = None


@dataclass(frozen=True)
class Letter:
    """A whole commitment letter."""

    title: str
    addressee: str
    """e.g. 致：宁夏回族自治区交通运输厅（招标人）."""
    opening: tuple[Paragraph, ...]
    sections: tuple[Section, ...]
    closing: tuple[Paragraph, ...]
    signature: Signature
    header_text: str
    """page header: project name and tender number."""
    meta_title: str
    meta_author: str
    meta_subject: str
    date: dt.date | None
    """for reproducible file timestamps; None falls back to SOURCE_DATE_EPOCH, else no date."""
    language: str = "zh-Hans"
    asset_dirs: tuple[Path, ...] = field(default=())
    """folders the renderers may read images from (the profile folders)."""
    logo_image: Path | None = None
    """the company's logo, drawn as a letterhead at the left of every page's header."""
    format: Format | None = None
    """fonts, sizes, spacing, margins, header, footer and page numbers (the profile's
    `format:`); None lays the letter out as the templates are."""
    docx_template: Path | None = None
    """the company's own .docx whose styles, margins, header and footer the DOCX takes
    (checked first: generator.render.docxtemplate)."""

    def figures(self) -> list[Figure]:
        """Every figure, in reading order."""
        found: list[Figure] = []

        def walk(blocks: tuple[Block, ...]) -> None:
            for block in blocks:
                if isinstance(block, Figure):
                    found.append(block)
                elif isinstance(block, Section):
                    walk(block.blocks)

        walk(self.sections)
        return found

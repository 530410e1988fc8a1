"""Compose a resolved Profile into a Letter, with the wording taken from clause templates.

The sentences live once, in `templates/<language>/clauses/*.j2`; this module only runs the
templates and turns their output into the document model. Each section template renders a
light line markup:

    # 标题          a section (## subsection, ### and #### deeper)
    text           a paragraph; consecutive lines join, a blank line ends it
    - text         a numbered point (1. or （1） by depth)
    > text         a note paragraph
    {{ table(...) }} / {{ figure(...) }} on a line of their own

Every value printed by `{{ }}` goes through one gate: quantities print as `.zh()`, numbers as
Arabic digits, and None, booleans, enums, lists and models are errors, so a letter can never
say "None", "True" or "acceptance". Values are fenced while parsing, so text from a profile
is never read as markup. Sections and subsections left empty disappear, and numbering is
given only after that, so it never has gaps.
"""

import datetime as dt
import functools
import re
import secrets
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, Undefined
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from generator.errors import RenderError
from generator.letter.document import Block, Figure, Letter, Paragraph, Section, Signature, Table
from generator.profiles.models import ProcurementMethod, Profile, ServiceProcess
from generator.profiles.quantities import DailyWindow, Duration, Frequency, format_number
from generator.resources import templates_dir

__all__ = ["Vocabulary", "clauses_dir", "compose", "letter_text", "vocabulary"]

# Fences around every printed value: removed after parsing, so values never become markup.
_OPEN, _CLOSE = "\x02", "\x03"
_SECTION_FILE = re.compile(r"^\d{3}_[A-Za-z0-9_\-]+\.j2$")
_HEADING = re.compile(r"^(#{1,4}) +(.+)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CJK = r"\u2e80-\u9fff\uff00-\uffef"


@dataclass(frozen=True)
class Vocabulary:
    """The words that follow the procurement method (招标 vs 磋商/谈判/询价)."""

    buyer: str
    """招标人 / 采购人."""
    bidder: str
    """投标人 / 供应商."""
    solicitation: str
    """招标文件 / 磋商文件 / 谈判文件 / 询价通知书."""
    response_document: str
    """投标文件 / 响应文件."""
    award_notice: str
    """中标通知书 / 成交通知书."""
    win: str
    """中标 / 成交."""
    number_label: str
    """招标编号 / 项目编号."""
    bid: bool = True
    """False for a retail letter: no tender, no award, the reader is the customer."""


def vocabulary(method: ProcurementMethod, templates: Path | None = None) -> Vocabulary:
    """The terms a letter uses under `method`, from VOCABULARY in `_words.j2`."""
    return Vocabulary(**_words_module(templates)["VOCABULARY"][ProcurementMethod(method).value])


def clauses_dir(templates: Path | None = None, language: str = "zh-Hans") -> Path:
    """The clause template folder: `templates` itself, or its `clauses` or `<lang>/clauses`."""
    if templates is None:
        return templates_dir(language) / "clauses"
    for candidate in (templates / language / "clauses", templates / "clauses"):
        if candidate.is_dir():
            return candidate
    return templates


@functools.cache
def _words_module(templates: Path | None = None) -> dict[str, Any]:
    """The upper-case names `_words.j2` sets, read once per template folder."""
    folder = clauses_dir(templates).resolve()
    with _Run(folder):
        module = _environment(folder).get_template("_words.j2").module
    return {name: value for name, value in vars(module).items() if name.isupper()}


def words(templates: Path | None = None) -> dict[str, dict[str, str]]:
    """The word maps of `_words.j2` (START, PRICE, SEVERITY, TIME …): the Chinese for each
    enum value, shared with the check and `explain` so every output words a value alike."""
    return {
        name: value
        for name, value in _words_module(templates).items()
        if isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    }


class _Raw(str):
    """A block marker: printed as is, never fenced."""

    __slots__ = ()


def _clean(text: str) -> str:
    """Drop control characters and join wrapped lines (no space between Chinese characters)."""
    text = _CONTROL.sub("", text)
    if "\n" not in text:
        return text  # spaces are kept: the date blanks are made of them
    text = re.sub(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])", "", text.strip())
    return re.sub(r"\s*\n\s*", " ", text)


def _text(value: Any) -> str:
    """The one way a value becomes letter text; refuses anything that would read as a bug."""
    if isinstance(value, Undefined):
        return str(value)  # StrictUndefined raises here, naming the missing variable
    if isinstance(value, str):
        return value if isinstance(value, _Raw) else _clean(value)
    if isinstance(value, Duration | Frequency | DailyWindow):
        return value.zh()
    if isinstance(value, bool) or value is None or isinstance(value, Enum):
        raise _PrintError(f"a template printed {value!r}; test it or map it to words")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, list | tuple | dict | set | BaseModel | dt.date):
        kind = type(value).__name__
        raise _PrintError(f"a template printed a {kind}; print its parts (join, fields)")
    raise _PrintError(f"a template printed a {type(value).__name__}")


class _PrintError(Exception):
    """Raised inside a template when it prints a value that has no wording."""


def _finalize(value: Any) -> str:
    text = _text(value)
    return text if isinstance(value, _Raw) or not text else _OPEN + text + _CLOSE


def _unfence(text: str) -> str:
    return text.replace(_OPEN, "").replace(_CLOSE, "")


def _series(items: Sequence[Any], last: str = "、") -> str:
    """Join items with 、 and `last` before the final one: 防潮、防雨及防震."""
    words = [_unfence(_text(i)) for i in items]
    if len(words) < 2:
        return "".join(words)
    return "、".join(words[:-1]) + last + words[-1]


class _Blocks:
    """Tables and figures a template asks for, each standing in the text as a marker line."""

    def __init__(self) -> None:
        self.nonce = secrets.token_hex(4)
        self.blocks: dict[str, Block] = {}

    def add(self, block: Block) -> _Raw:
        marker = f"\x01{self.nonce}:{len(self.blocks)}\x01"
        self.blocks[marker] = block
        return _Raw("\n" + marker + "\n")

    def table(
        self,
        caption: str,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[int] | None = None,
        blank: str = "—",
    ) -> _Raw:
        """A table; a column no row fills is left out, other empty cells print `blank`."""
        if not rows:
            return _Raw("")
        if any(len(r) != len(header) for r in rows):
            raise _PrintError(f"table {caption!r}: every row needs {len(header)} cells")
        keep = [c for c in range(len(header)) if any(_filled(r[c]) for r in rows)]
        cells = tuple(
            tuple(_unfence(_text(r[c])) if _filled(r[c]) else blank for c in keep) for r in rows
        )
        return self.add(
            Table(
                caption=_unfence(_text(caption)),
                header=tuple(_unfence(_text(header[c])) for c in keep),
                rows=cells,
                widths=tuple(widths[c] for c in keep) if widths else None,
            )
        )

    def figure(self, caption: str, process: ServiceProcess, note: str | None = None) -> _Raw:
        if not isinstance(process, ServiceProcess):
            raise _PrintError("figure() needs the service process")
        text = _unfence(_text(note)).strip() if note else None
        return self.add(Figure(caption=_unfence(_text(caption)), process=process, note=text))


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not _unfence(value).strip())


# ---------------------------------------------------------------- parsing the markup


@dataclass
class _Draft:
    title: str
    level: int
    items: list["_Draft | Block | _Point"] = field(default_factory=list)


@dataclass(frozen=True)
class _Point:
    text: str


class _MarkupError(Exception):
    pass


def _parse(text: str, blocks: dict[str, Block], root: _Draft) -> None:
    """Read one template's output into `root` (level 0), opening sections at headings."""
    stack = [root]
    lines: list[str] = []
    kind = "body"

    def flush() -> None:
        nonlocal lines
        if lines:
            joined = _join(lines)
            item: Block | _Point = (
                _Point(joined) if kind == "point" else Paragraph(joined, style=kind)  # type: ignore[arg-type]
            )
            if stack[-1] is root:
                raise _MarkupError(f"text outside any section: {joined[:40]!r}")
            stack[-1].items.append(item)
        lines = []

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        try:
            heading = _HEADING.match(line)
            if not line:
                flush()
            elif line in blocks:
                flush()
                if stack[-1] is root:
                    raise _MarkupError("a table or figure outside any section")
                stack[-1].items.append(blocks[line])
            elif "\x01" in line:
                raise _MarkupError("a table or figure must stand on a line of its own")
            elif heading:
                flush()
                level = len(heading.group(1))
                while stack[-1].level >= level:
                    stack.pop()
                if level != stack[-1].level + 1:
                    raise _MarkupError(f"heading {line!r} skips a level")
                draft = _Draft(_unfence(heading.group(2)).strip(), level)
                stack[-1].items.append(draft)
                stack.append(draft)
            elif line.startswith(("- ", "> ")):
                flush()
                kind = "point" if line[0] == "-" else "note"
                lines = [line[2:]]
            else:
                if not lines:
                    kind = "body"
                lines.append(line)
        except _MarkupError as error:
            raise _MarkupError(f"line {number} of the output: {error}") from None
    flush()


def _join(lines: list[str]) -> str:
    # Lines of one paragraph join without a space between Chinese, with one between Latin.
    text = ""
    for line in (_unfence(x).strip() for x in lines):
        if (
            text
            and line
            and not (re.match(rf"[{_CJK}]", text[-1]) or re.match(rf"[{_CJK}]", line[0]))
        ):
            text += " "
        text += line
    return re.sub(r"[ \t]+", " ", text).strip()


_CN_DIGITS = "零一二三四五六七八九"


def chinese_ordinal(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九."""
    if not 1 <= n <= 99:
        raise ValueError(f"no Chinese ordinal for {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones else "")


def _section_number(level: int, n: int) -> str:
    if level == 1:
        return chinese_ordinal(n) + "、"
    if level == 2:
        return f"（{chinese_ordinal(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def _point_number(level: int, n: int) -> str:
    # Points sit one level below the 1. headings at most: 1. under 一、 and （一）, （1） under 1.
    return f"{n}." if level <= 2 else f"（{n}）"


def _build(draft: _Draft) -> list[Block]:
    """Blocks of a draft: empty subsections dropped, lone subsections merged, all numbered."""
    kept: list[_Draft | Block | _Point] = []
    for item in draft.items:
        if isinstance(item, _Draft) and not _build(item):
            continue
        kept.append(item)
    subs = [i for i in kept if isinstance(i, _Draft)]
    if draft.level > 0 and len(kept) == 1 and len(subs) == 1:
        # One topic needs no （一）: its content stands directly under the parent heading.
        kept = list(subs[0].items)
        return _build(_Draft(draft.title, draft.level, kept))
    out: list[Block] = []
    sub_n = point_n = 0
    for item in kept:
        if isinstance(item, _Point):
            point_n += 1
            out.append(Paragraph(item.text, number=_point_number(draft.level, point_n)))
            continue
        point_n = 0
        if isinstance(item, _Draft):
            sub_n += 1
            out.append(
                Section(
                    number=_section_number(item.level, sub_n),
                    title=item.title,
                    level=item.level,
                    blocks=tuple(_build(item)),
                )
            )
        else:
            out.append(item)
    return out


# ---------------------------------------------------------------- the templates


@functools.lru_cache(maxsize=8)
def _environment(folder: Path) -> SandboxedEnvironment:
    """One environment per folder: templates compile once and reload when a file changes."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(folder, encoding="utf-8"),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
        extensions=["jinja2.ext.do"],
    )
    env.filters["series"] = _series
    return env


def _where(folder: Path, tb: TracebackType | None) -> str:
    """`file:line` of the innermost template frame in a traceback (Jinja rewrites them)."""
    found = ""
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".j2") or Path(name).parent == folder:
            found = f"{name}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


class _Run:
    """Runs templates and turns any failure into a RenderError naming the template line."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __enter__(self) -> "_Run":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: Any
    ) -> None:
        if error is None or isinstance(error, RenderError):
            return
        if isinstance(error, TemplateError | _PrintError | _MarkupError | TypeError):
            where = getattr(error, "filename", None)
            lineno = getattr(error, "lineno", None)
            place = f"{where}:{lineno}" if where and lineno else _where(self.folder, tb)
            message = getattr(error, "message", None) or str(error)
            raise RenderError(f"{place or self.folder}: clause template: {message}") from error


def _sections(
    env: SandboxedEnvironment, folder: Path, context: dict[str, Any], blocks: _Blocks
) -> tuple[Section, ...]:
    names = sorted(n for n in env.list_templates() if _SECTION_FILE.match(n))
    if not names:
        raise RenderError(f"{folder}: no clause templates (NNN_name.j2) found")
    root = _Draft("", 0)
    for name in names:
        with _Run(folder):
            output = env.get_template(name).render(context)
            try:
                _parse(output, blocks.blocks, root)
            except _MarkupError as error:
                raise RenderError(f"{folder / name}: {error}") from None
    built = _build(root)
    # Only sections can stand at the top: _parse refuses loose text there.
    return tuple(b for b in built if isinstance(b, Section))


def _paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Plain paragraphs (opening, closing): the same markup under a throwaway heading."""
    root = _Draft("", 0)
    _parse("# -\n" + text, {}, root)
    (holder,) = root.items
    assert isinstance(holder, _Draft)
    out: list[Paragraph] = []
    for item in holder.items:
        if isinstance(item, _Point):
            out.append(Paragraph(item.text))
        elif isinstance(item, Paragraph):
            out.append(item)
        else:
            raise _MarkupError("the opening and closing hold paragraphs only")
    return tuple(out)


def compose(
    profile: Profile, *, asset_dirs: tuple[Path, ...] = (), templates: Path | None = None
) -> Letter:
    """The letter for `profile`, worded by the clause templates in `templates` (or the bundled)."""
    folder = clauses_dir(templates)
    if not folder.is_dir():
        raise RenderError(f"{folder}: clause template folder not found")
    blocks = _Blocks()
    env = _environment(folder.resolve())
    project, company = profile.project, profile.company
    words = vocabulary(project.method, templates)
    context: dict[str, Any] = {
        "c": profile.commitments,
        "company": company,
        "project": project,
        "profile": profile,
        "v": words,
        "table": blocks.table,
        "figure": blocks.figure,
    }
    sections = _sections(env, folder, context, blocks)
    with _Run(folder):
        frame = env.get_template("_letter.j2").make_module(context)

        def call(macro: str) -> str:
            return _unfence(str(getattr(frame, macro)()))

        def say(macro: str) -> str:
            return call(macro).strip()

        def lines(macro: str) -> tuple[Paragraph, ...]:
            return _paragraphs(str(getattr(frame, macro)()))

        hotline = company.hotlines[0].number if company.hotlines else None
        signature = Signature(
            company_label=say("company_label"),
            company=company.name,
            signatory_label=say("signatory_label"),
            signatory=project.signatory.name,
            date_label=say("date_label"),
            date_text=call("date_text").strip("\n"),
            phone=project.signatory.phone or hotline,
            phone_label=say("phone_label"),
            seal_image=Path(company.seal_image) if company.seal_image else None,
        )
        return Letter(
            title=say("title"),
            addressee=say("addressee"),
            opening=lines("opening"),
            sections=sections,
            closing=lines("closing"),
            signature=signature,
            header_text=say("header_text"),
            meta_title=say("meta_title"),
            meta_author=company.name,
            meta_subject=project.project_name,
            date=project.date,
            asset_dirs=asset_dirs,
        )


# ---------------------------------------------------------------- plain text


def _block_lines(block: Block) -> Iterator[str]:
    if isinstance(block, Paragraph):
        yield (block.number or "") + block.text
    elif isinstance(block, Table):
        if block.caption:
            yield block.caption
        yield " ".join(block.header)
        for row in block.rows:
            yield " ".join(row)
    elif isinstance(block, Figure):
        yield block.caption
    else:
        yield block.number + block.title
        for child in block.blocks:
            yield from _block_lines(child)


def letter_text(letter: Letter) -> str:
    """The whole letter as plain text in reading order, one line per block or table row.

    Whitespace is normalised (NFKC is not applied: full-width punctuation stays as written;
    runs of spaces become one), so renderers' extracted text compares line by line or, with
    all whitespace removed, as one string.
    """
    sig = letter.signature
    parts: list[str] = [letter.title, letter.addressee]
    parts += [(p.number or "") + p.text for p in letter.opening]
    for section in letter.sections:
        parts += _block_lines(section)
    parts += [(p.number or "") + p.text for p in letter.closing]
    parts.append(f"{sig.company_label}：{sig.company}")
    parts.append(f"{sig.signatory_label}：{sig.signatory or ''}")
    if sig.phone:
        parts.append(f"{sig.phone_label}：{sig.phone}")
    parts.append(f"{sig.date_label}：{sig.date_text}")
    normal = (re.sub(r"\s+", " ", unicodedata.normalize("NFC", p)).strip() for p in parts)
    return "\n".join(p for p in normal if p)

"""Compose a resolved Profile into a Letter, with the wording taken from clause templates.

The sentences live once, in `templates/<language>/clauses/*.j2`; this module only runs the
templates and turns their output into the document model. Each section template renders a
light line markup:

    # 标题          a section (## subsection, ### and #### deeper)
    text           a paragraph; consecutive lines join, a blank line ends it
    - text         a numbered point (1. or （1） by depth)
    > text         a note paragraph
    {{ table(...) }} / {{ figure(...) }} on a line of their own

Every value printed by `{{ }}` goes through one gate: quantities print as the locale says
them (`Locale.value`: 18个月, 每半年一次), numbers as Arabic digits, and None, booleans,
enums, lists and models are errors, so a letter can never say "None", "True" or
"acceptance". Values are fenced while parsing, so text from a profile is never read as
markup. Sections and subsections left empty disappear, sub-headings over a single paragraph
fold into their section (see `_build`), and numbering is given only after that, so it never
has gaps. Numbers follow the locale's `numbering`. Headings name what their section holds:
the templates build them from the parts present.
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
from generator.locale import DEFAULT, Locale, Vocabulary, get_locale, read_words
from generator.profiles.models import (
    ProcurementMethod,
    Profile,
    SectionVoice,
    ServiceProcess,
    Voice,
    VoiceSections,
)
from generator.profiles.quantities import Count, DailyWindow, Duration, Frequency, format_number
from generator.resources import templates_dir

__all__ = ["Vocabulary", "clauses_dir", "compose", "letter_text", "vocabulary"]

# Fences around every printed value: removed after parsing, so values never become markup.
_OPEN, _CLOSE = "\x02", "\x03"
_SECTION_FILE = re.compile(r"^\d{3}_[A-Za-z0-9_\-]+\.j2$")
_HEADING = re.compile(r"^(#{1,4}) +(.+)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
# Invisible format characters (Unicode Cf: zero-width space and joiners, BOM, soft hyphen,
# bidi controls): the pre-flight refuses them in names and bidi controls everywhere, and warns
# that the others are left out of free text; here they are left out.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f]"
)
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
# A line break the user wrote, carried through the markup parser (which splits lines) inside
# the value's fences and turned back into "\n" by `_unfence`.
_BREAK = "\x04"
_CJK = r"\u2e80-\u9fff\uff00-\uffef"


def vocabulary(
    method: ProcurementMethod, templates: Path | None = None, language: str = DEFAULT
) -> Vocabulary:
    """The terms a letter uses under `method`, from VOCABULARY in `_words.j2` (of the clause
    folder in `templates`, else of the bundled `language`)."""
    words = _words_module(templates, language)["VOCABULARY"][ProcurementMethod(method).value]
    return Vocabulary(**words)


def clauses_dir(templates: Path | None = None, language: str = DEFAULT) -> Path:
    """The clause template folder: `templates` itself, or its `clauses` or `<lang>/clauses`."""
    if templates is None:
        return templates_dir(language) / "clauses"
    for candidate in (templates / language / "clauses", templates / "clauses"):
        if candidate.is_dir():
            return candidate
    return templates


def _words_module(templates: Path | None = None, language: str = DEFAULT) -> dict[str, Any]:
    """The upper-case names `_words.j2` sets, read once per template folder."""
    return read_words(clauses_dir(templates, language).resolve())


class _Raw(str):
    """A block marker: printed as is, never fenced."""

    __slots__ = ()


def _clean(text: str) -> str:
    """Drop control and invisible format characters; keep the user's line breaks.

    A line break in a value (a YAML `|` block, a "\\n") is a line break inside its paragraph
    or table cell, in the DOCX (`<w:br/>`) and the PDF (`white-space: pre-line`) alike: a
    list written one item a line stays one item a line. Blank lines do not make paragraphs.
    """
    text = _INVISIBLE.sub("", _CONTROL.sub("", text))
    if not _LINE_BREAK.search(text):
        return text  # spaces are kept: the date blanks are made of them
    lines = (line.strip() for line in _LINE_BREAK.split(text))
    return _BREAK.join(line for line in lines if line)


def _text(value: Any, locale: Locale) -> str:
    """The one way a value becomes letter text; refuses anything that would read as a bug."""
    if isinstance(value, Undefined):
        return str(value)  # StrictUndefined raises here, naming the missing variable
    if isinstance(value, str):
        return value if isinstance(value, _Raw) else _clean(value)
    if isinstance(value, Duration | Frequency | DailyWindow | Count):
        return str(locale.value(value))
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


def _finalize(value: Any, locale: Locale) -> str:
    text = _text(value, locale)
    return text if isinstance(value, _Raw) or not text else _OPEN + text + _CLOSE


def _unfence(text: str) -> str:
    return text.replace(_OPEN, "").replace(_CLOSE, "").replace(_BREAK, "\n")


def _series(items: Sequence[Any], last: str | None, locale: Locale) -> str:
    """Join items as the locale lists them, `last` before the final one: 防潮、防雨及防震."""
    return locale.series([_unfence(_text(i, locale)) for i in items], last)


class _Blocks:
    """Tables and figures a template asks for, each standing in the text as a marker line."""

    def __init__(self, locale: Locale) -> None:
        self.nonce = secrets.token_hex(4)
        self.blocks: dict[str, Block] = {}
        self.locale = locale

    def _say(self, value: Any) -> str:
        return _unfence(_text(value, self.locale))

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
            tuple(self._say(r[c]) if _filled(r[c]) else blank for c in keep) for r in rows
        )
        return self.add(
            Table(
                caption=self._say(caption),
                header=tuple(self._say(header[c]) for c in keep),
                rows=cells,
                widths=tuple(widths[c] for c in keep) if widths else None,
            )
        )

    def figure(self, caption: str, process: ServiceProcess, note: str | None = None) -> _Raw:
        if not isinstance(process, ServiceProcess):
            raise _PrintError("figure() needs the service process")
        text = self._say(note).strip() if note else None
        limits = {s.id: self._say(s.limit) for s in process.steps if s.limit is not None}
        subs: dict[str, str] = {}
        for s in process.steps:
            owner = self._say(s.owner) if s.owner else ""
            if s.id in limits:
                key = "flowchart.owner_limit" if owner else "flowchart.limit"
                subs[s.id] = self.locale.text(key, owner=owner, limit=limits[s.id])
            elif owner:
                subs[s.id] = owner
        figure = Figure(
            caption=self._say(caption), process=process, note=text, limits=limits, subs=subs
        )
        return self.add(figure)


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


def _thin(draft: _Draft, locale: Locale) -> bool:
    """A subsection holding a single paragraph (no table, list or subsection)."""
    blocks = _build(draft, locale)
    return len(blocks) == 1 and isinstance(blocks[0], Paragraph) and blocks[0].number is None


def _point_depth(level: int) -> int:
    # Points sit one level below their heading, never above the third style: 1. under 一、 and
    # （一）, （1） under 1.
    return max(level + 1, 3)


def _build(draft: _Draft, locale: Locale, path: tuple[int, ...] = ()) -> list[Block]:
    """Blocks of a draft: empty subsections dropped, lone subsections merged, all numbered
    as the locale numbers them (`path`: the numbers of the headings above)."""
    kept: list[_Draft | Block | _Point] = []
    for item in draft.items:
        if isinstance(item, _Draft) and not _build(item, locale, path):
            continue
        kept.append(item)
    subs = [i for i in kept if isinstance(i, _Draft)]
    if draft.level > 0 and subs and sum(not _thin(s, locale) for s in subs) <= 1:
        # A sub-heading over one paragraph folds into its parent, and one topic needs no
        # （一）: when at most one subsection holds more than a paragraph, every subsection's
        # content stands directly under the parent heading, in order. (With two or more
        # larger ones the headings stay: a loose paragraph between （一） and （二） would
        # read as part of （一）.)
        flat: list[_Draft | Block | _Point] = []
        for item in kept:
            flat.extend(item.items if isinstance(item, _Draft) else [item])
        return _build(_Draft(draft.title, draft.level, flat), locale, path)
    out: list[Block] = []
    sub_n = point_n = 0
    for item in kept:
        if isinstance(item, _Point):
            point_n += 1
            number = locale.number(_point_depth(draft.level), point_n, path)
            out.append(Paragraph(item.text, number=number))
            continue
        point_n = 0
        if isinstance(item, _Draft):
            sub_n += 1
            out.append(
                Section(
                    number=locale.number(item.level, sub_n, path),
                    title=item.title,
                    level=item.level,
                    blocks=tuple(_build(item, locale, (*path, sub_n))),
                )
            )
        else:
            out.append(item)
    return out


# ---------------------------------------------------------------- the templates


@functools.lru_cache(maxsize=8)
def _environment(folder: Path, locale: Locale) -> SandboxedEnvironment:
    """One environment per folder and language: templates compile once and reload when a file
    changes."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(folder, encoding="utf-8"),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=functools.partial(_finalize, locale=locale),
        extensions=["jinja2.ext.do"],
    )
    env.filters["series"] = lambda items, last=None: _series(items, last, locale)
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


# A clause template is named for the section it writes (080_training.j2); the voice names
# sections as `commitments` does.
_VOICE_KEYS = {"process": "service_process"}


def _voice_key(template: str) -> str:
    stem = template.split("_", 1)[1].removesuffix(".j2")
    return _VOICE_KEYS.get(stem, stem)


def _own_words(text: str) -> Paragraph:
    """A paragraph of the company's own text, printed as written (never read as markup)."""
    return Paragraph(re.sub(r"[ \t]+", " ", _unfence(_clean(text))).strip())


def _add_voice(
    root: _Draft, start: int, key: str, words: SectionVoice, locale: Locale, buyer: str
) -> None:
    """Put the company's purpose first in the section a template wrote (from `start` of the
    root's items) and its own paragraphs last; with no such section, they make one under a
    heading that promises nothing more (`letter.own_section.<key>`: 定期巡检, not
    定期巡检与回访)."""
    written = [item for item in root.items[start:] if isinstance(item, _Draft)]
    if written:
        target = written[0]
    else:
        target = _Draft(locale.text(f"letter.own_section.{key}", buyer=buyer), 1)
        root.items.append(target)
    if words.purpose:
        target.items.insert(0, _own_words(words.purpose))
    target.items.extend(_own_words(text) for text in words.paragraphs)


def _sections(
    env: SandboxedEnvironment,
    folder: Path,
    context: dict[str, Any],
    blocks: _Blocks,
    voice: Voice,
) -> tuple[Section, ...]:
    names = sorted(n for n in env.list_templates() if _SECTION_FILE.match(n))
    if not names:
        raise RenderError(f"{folder}: no clause templates (NNN_name.j2) found")
    root = _Draft("", 0)
    wanted = {
        key: words
        for key in VoiceSections.model_fields
        if (words := getattr(voice.sections, key)) is not None
        and (words.purpose or words.paragraphs)
    }
    for name in names:
        start = len(root.items)
        with _Run(folder):
            output = env.get_template(name).render(context)
            try:
                _parse(output, blocks.blocks, root)
            except _MarkupError as error:
                raise RenderError(f"{folder / name}: {error}") from None
        key = _voice_key(name)
        if key in wanted:
            _add_voice(root, start, key, wanted.pop(key), blocks.locale, context["v"].buyer)
    if wanted:
        # Never drop the company's words: a template folder without the section is a mistake.
        raise RenderError(f"{folder}: no clause template writes voice.sections.{min(wanted)}")
    built = _build(root, blocks.locale)
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
    profile: Profile,
    *,
    asset_dirs: tuple[Path, ...] = (),
    templates: Path | None = None,
    language: str | None = None,
) -> Letter:
    """The letter for `profile`, worded by the clause templates in `templates` (or the bundled)
    of `language` (else the project's `language:`)."""
    locale = get_locale(language or profile.project.language)
    folder = clauses_dir(templates, locale.name)
    if not folder.is_dir():
        raise RenderError(f"{folder}: clause template folder not found")
    blocks = _Blocks(locale)
    env = _environment(folder.resolve(), locale)
    project, company = profile.project, profile.company
    words = vocabulary(project.method, templates, locale.name)
    # The company's 自称, as this language says it (SELF in _words.j2; a folder without the
    # map prints the profile's word).
    selves = _words_module(templates, locale.name).get("SELF", {})
    we = selves.get(company.self_reference.value, company.self_reference.value)
    context: dict[str, Any] = {
        "we": we,
        "c": profile.commitments,
        "company": company,
        "project": project,
        "profile": profile,
        "voice": profile.voice,
        "v": words,
        "table": blocks.table,
        "figure": blocks.figure,
    }
    sections = _sections(env, folder, context, blocks, profile.voice)
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
            language=locale.name,
            asset_dirs=asset_dirs,
            logo_image=Path(company.logo_image) if company.logo_image else None,
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
    say = get_locale(letter.language)
    parts.append(say.text("letter.label", label=sig.company_label, value=sig.company))
    parts.append(say.text("letter.label", label=sig.signatory_label, value=sig.signatory or ""))
    if sig.phone:
        parts.append(say.text("letter.label", label=sig.phone_label, value=sig.phone))
    parts.append(say.text("letter.label", label=sig.date_label, value=sig.date_text))
    normal = (re.sub(r"\s+", " ", unicodedata.normalize("NFC", p)).strip() for p in parts)
    return "\n".join(p for p in normal if p)

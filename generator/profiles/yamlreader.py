"""Read one YAML file safely: text values only, no YAML tricks, and where every value came from.

Scalars stay the exact strings the user wrote (`NO`, `010010`, `1:30` are not turned into a
bool, an octal number or a sexagesimal minute count); the models type them later. The file is
read at the event level of ruamel.yaml, so anchors, aliases and tags are seen and refused
before anything could be built from them.
"""

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from generator.errors import InputError, Location, Problem

__all__ = ["Document", "Path_", "dotted", "load_document", "parse_document"]

Path_ = tuple[str | int, ...]

_BOM = b"\xef\xbb\xbf"
_MIB = 1 << 20
_KIB = 1 << 10
# Recursion in the builder is two frames per level; far below Python's limit even at this cap.
_DEPTH_CAP = 200
# What ruamel's reader refuses (outside YAML's printable set); checked first for a clear message.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# ruamel (YAML 1.2) counts only these as line breaks; the lexical checks must number lines alike.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

# The schema's keys are lower-case ASCII words; only text shaped like one before a "：" is taken
# for a mistyped key, so Chinese prose such as "第一步：接到报修" or "Tel：010…" is left alone.
_KEY_LIKE = re.compile(r"[a-z][a-z0-9_]*")
_REAL_SEPARATOR = re.compile(r":(?=[ \t]|$)")
_COMMENT = re.compile(r"(?:^|[ \t])#")
# A line opening a block scalar (`key: |`, `- >-`, `key: &a !t |2`): the lines below it that are
# more indented are text, where full-width spaces and colons are ordinary characters.
_BLOCK_HEADER = re.compile(
    r"(?:^(?:-[ \t]+)*|:[ \t]+)(?:[!&]\S*[ \t]+)*[|>][-+1-9]{0,2}[ \t]*(?:#.*)?$"
)

TAB_INDENT = "indentation contains a tab; use spaces (缩进中含有制表符，请改用空格)"
FULLWIDTH_INDENT = (
    "indentation contains full-width space U+3000; use ordinary spaces"
    " (缩进中含有全角空格，请改用半角空格)"
)
FULLWIDTH_COLON = (
    'full-width colon "：" used as key separator; use ":"'
    ' (全角冒号"："不能作为键值分隔符，请改用半角":")'
)
FULLWIDTH_SPACE_AFTER_COLON = (
    'full-width space U+3000 after ":"; use an ordinary space (冒号后面是全角空格，请改用半角空格)'
)


@dataclass(frozen=True)
class Document:
    """One parsed YAML file: plain data plus the location of every value and key."""

    file: str
    data: dict[str, Any]
    where: dict[Path_, Location] = field(default_factory=dict)
    key_where: dict[Path_, Location] = field(default_factory=dict)

    def locate(self, path: Path_) -> Location:
        """The location of `path`, or of its nearest known ancestor, or the file's start."""
        for end in range(len(path), -1, -1):
            found = self.where.get(path[:end])
            if found is not None:
                return found
        return Location(self.file, 1, 1)


def dotted(path: Path_) -> str:
    """Render a key path the way messages show it: `a.b[0].c`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def load_document(
    path: Path,
    *,
    display: str | None = None,
    max_bytes: int = 1_048_576,
    max_depth: int = 24,
) -> Document:
    """Read and parse one YAML file; `display` is the name used in messages (default: `path`)."""
    file = display if display is not None else str(path)
    try:
        if path.exists() and not path.is_file():
            # A folder, a pipe or a device: opening a pipe would wait for a writer forever.
            _fail(Problem(Location(file), "", "not a regular file"))
        with path.open("rb") as stream:
            # Read one byte past the limit so a huge file is never loaded whole.
            text = stream.read(max_bytes + 1)
            if len(text) > max_bytes:
                _fail(Problem(Location(file), "", _too_big(path.stat().st_size, max_bytes)))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputError([Problem(Location(file), "", f"cannot read file: {reason}")]) from None
    return _parse_cached(text, file, max_bytes, max_depth)


@functools.lru_cache(maxsize=256)
def _parse_cached(text: bytes, file: str, max_bytes: int, max_depth: int) -> Document:
    # One run renders many letters from the same company file: parse each text once. The
    # documents are shared, so everyone treats their data as read-only (loading copies).
    return parse_document(text, file, max_bytes=max_bytes, max_depth=max_depth)


def parse_document(
    text: bytes,
    file: str,
    *,
    max_bytes: int = 1_048_576,
    max_depth: int = 24,
) -> Document:
    """Parse YAML bytes; raise `InputError` listing every problem that one pass can find."""
    if not 1 <= max_depth <= _DEPTH_CAP:
        raise ValueError(f"max_depth must be between 1 and {_DEPTH_CAP}")
    if len(text) > max_bytes:
        _fail(Problem(Location(file), "", _too_big(len(text), max_bytes)))
    source = _decode(text, file)
    lines = _Lines(source, file)

    bad = _NON_PRINTABLE.search(source)
    if bad:
        message = f"character U+{ord(bad.group()):04X} is not allowed in YAML text"
        _fail(Problem(lines.location(bad.start()), "", message))

    traps = _lexical_traps(lines)
    # ruamel asserts (rather than raising a YAML error) on some directives such as "%YAML 1.9";
    # profiles never need directives, so any line that starts one is refused before parsing.
    directives = [
        Problem(Location(file, number, 1), "", f'YAML directive "{line.split()[0]}" is not allowed')
        for number, line in enumerate(lines.texts, 1)
        if line.startswith("%")
    ]
    if directives:
        _fail(*directives, *(trap for trap, _ in traps))
    builder = _Builder(YAML(typ="safe", pure=True).parse(source), file, max_depth)
    try:
        data = builder.document()
    except _TooDeep:
        _fail(*builder.problems, *(trap for trap, _ in traps))
    except MarkedYAMLError as exc:
        syntax = _syntax_problem(exc, file)
        # A syntax error at or after an input-method trap is almost always caused by it.
        caused = any(trap.location.line <= syntax.location.line for trap, _ in traps)
        _fail(*builder.problems, *(trap for trap, _ in traps), *([] if caused else [syntax]))
    except YAMLError as exc:  # pragma: no cover - ruamel errors without a mark are not expected
        _fail(*builder.problems, Problem(Location(file, 1, 1), "", f"YAML error: {exc}"))

    problems = builder.problems + [
        trap for trap, index in traps if not builder.inside_text(index, trap.location.line)
    ]
    if problems:
        _fail(*problems)
    return Document(file, data, builder.where, builder.key_where)


def _fail(*problems: Problem) -> NoReturn:
    raise InputError(problems)


def _too_big(size: int, limit: int) -> str:
    return f"file is {_size(size, precise=True)}, over the {_size(limit, precise=False)} limit"


def _size(n: int, *, precise: bool) -> str:
    for unit, name in ((_MIB, "MB"), (_KIB, "KB")):
        if n >= unit:
            return f"{n / unit:.1f} {name}" if precise else f"{n / unit:g} {name}"
    return f"{n} bytes"


def _decode(text: bytes, file: str) -> str:
    """UTF-8 (an optional BOM is dropped, so columns count from the first real character)."""
    skipped = len(_BOM) if text.startswith(_BOM) else 0
    text = text[skipped:]
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = text.rfind(b"\n", 0, exc.start) + 1
        line = text.count(b"\n", 0, exc.start) + 1
        # Everything before the bad byte decoded, so the prefix gives the column in characters.
        col = len(text[start : exc.start].decode("utf-8")) + 1
        byte, offset = text[exc.start], exc.start + skipped
        message = f"file is not UTF-8 text (byte 0x{byte:02X} at offset {offset}); save it as UTF-8"
        _fail(Problem(Location(file, line, col), "", message))


class _Lines:
    """The source split into lines the way ruamel counts them, with index → location."""

    def __init__(self, source: str, file: str) -> None:
        self.file = file
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(source)]
        ends = [m.start() for m in _LINE_BREAK.finditer(source)] + [len(source)]
        self.texts = [source[s:e] for s, e in zip(self.starts, ends, strict=True)]

    def location(self, index: int) -> Location:
        line = bisect.bisect_right(self.starts, index) - 1
        return Location(self.file, line + 1, index - self.starts[line] + 1)


def _lexical_traps(lines: _Lines) -> list[tuple[Problem, int]]:
    """Tabs, full-width spaces and full-width colons where YAML expects structure.

    Returns each problem with its character index, so the caller can drop those that a
    successful parse shows to sit inside quoted or multi-line text.
    """
    found: list[tuple[Problem, int]] = []

    def add(line_start: int, offset: int, message: str) -> None:
        index = line_start + offset
        found.append((Problem(lines.location(index), "", message), index))

    block_indent: int | None = None  # indentation of the line that opened a block scalar
    for start, text in zip(lines.starts, lines.texts, strict=True):
        lead = len(text) - len(text.lstrip(" \t\u3000"))
        spaces = len(text) - len(text.lstrip(" "))
        if block_indent is not None:
            if lead == len(text) or spaces > block_indent:
                continue
            block_indent = None

        indent = text[:lead]
        if "\t" in indent:
            add(start, indent.index("\t"), TAB_INDENT)
        if "\u3000" in indent:
            add(start, indent.index("\u3000"), FULLWIDTH_INDENT)

        content = text[lead:]
        if _BLOCK_HEADER.search(content):
            block_indent = spaces
            continue
        offset = lead
        while (dash := re.match(r"-[ \t]+", content)) is not None:
            offset += dash.end()
            content = content[dash.end() :]
        if not content or content[0] in "\"'|>[]{}#&*!%@`?,":
            continue
        limits = [len(content)]
        for pattern in (_REAL_SEPARATOR, _COMMENT):
            if match := pattern.search(content):
                limits.append(match.start())
        key_part = content[: min(limits)]
        for colon, message in (("：", FULLWIDTH_COLON), (":\u3000", FULLWIDTH_SPACE_AFTER_COLON)):
            at = key_part.find(colon)
            if at > 0 and _KEY_LIKE.fullmatch(key_part[:at].rstrip(" \t")):
                # For ":" + U+3000 the offending character is the space, not the colon.
                bad = at + len(colon) - 1
                add(start, offset + bad, message)
                if colon == "：" and key_part[at + 1 : at + 2] == "\u3000":
                    add(start, offset + at + 1, FULLWIDTH_SPACE_AFTER_COLON)
    return found


def _syntax_problem(exc: MarkedYAMLError, file: str) -> Problem:
    """ruamel's multi-line report as one line, at the mark of the problem."""
    mark = exc.problem_mark or exc.context_mark
    location = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)
    message = f"YAML syntax error: {_readable(exc.problem or exc.context or 'invalid YAML')}"
    if exc.problem and exc.context:
        context = _readable(exc.context)
        start = exc.context_mark
        # Where the construct began only helps when that is somewhere else.
        if start is not None and (start.line, start.column) != (mark.line, mark.column):
            context += f" at line {start.line + 1}, column {start.column + 1}"
        message += f" ({context})"
    return Problem(location, "", message)


def _readable(text: str) -> str:
    text = " ".join(str(text).split())
    return text.replace("character '\\t'", "a tab").replace("'<stream end>'", "the end of the file")


class _TooDeep(Exception):
    """Raised inside the builder to abandon a document nested beyond the limit."""


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    line: int  # 1-based line where the scalar starts
    plain: bool


class _Builder:
    """Turns ruamel's event stream into plain data, recording locations and problems."""

    def __init__(self, events: Iterator[Event], file: str, max_depth: int) -> None:
        self.events = events
        self.file = file
        self.max_depth = max_depth
        self.problems: list[Problem] = []
        self.where: dict[Path_, Location] = {}
        self.key_where: dict[Path_, Location] = {}
        self.spans: list[_Span] = []

    def inside_text(self, index: int, line: int) -> bool:
        """Is `index` inside quoted or block text, or a plain text that began on an earlier line?"""
        return any(s.start <= index < s.end and (not s.plain or s.line < line) for s in self.spans)

    def _at(self, event: Event) -> Location:
        mark = event.start_mark
        return Location(self.file, mark.line + 1, mark.column + 1)

    def _problem(self, event: Event, path: Path_, message: str) -> None:
        self.problems.append(Problem(self._at(event), dotted(path), message))

    def document(self) -> dict[str, Any]:
        """The first document's top-level mapping; later documents are a problem."""
        next(self.events)  # StreamStartEvent
        event = next(self.events)
        if isinstance(event, StreamEndEvent):
            self.problems.append(Problem(Location(self.file, 1, 1), "", _EMPTY))
            return {}
        first = next(self.events)  # the root node, after DocumentStartEvent
        self.where[()] = self._at(first)
        data = self._node(first, (), 1)
        if isinstance(first, ScalarEvent) and data is None:
            self._problem(first, (), _EMPTY)
        elif not isinstance(first, MappingStartEvent | AliasEvent):
            kind = "a list" if isinstance(first, SequenceStartEvent) else "a single value"
            self._problem(
                first, (), f'top level must be a mapping of keys ("key: value"), not {kind}'
            )
        next(self.events)  # DocumentEndEvent
        event = next(self.events)
        if isinstance(event, DocumentStartEvent):
            self._problem(event, (), "more than one YAML document in the file; keep one per file")
        return data if isinstance(data, dict) else {}

    def _node(self, event: Event, path: Path_, depth: int) -> Any:
        if isinstance(event, AliasEvent):
            self._problem(event, path, f'alias "*{event.anchor}" is not allowed; {_WRITE_OUT}')
            return None
        assert isinstance(event, NodeEvent)
        self._check_properties(event, path)
        if isinstance(event, ScalarEvent):
            self._remember(event)
            return None if _is_null(event) else event.value
        if depth > self.max_depth:
            self._problem(event, path, f"nested deeper than {self.max_depth} levels")
            # Stop here: ruamel's scanner slows down with depth times length, so reading on
            # through pathological nesting ("[[[[…" for a megabyte) would take hours.
            raise _TooDeep
        if isinstance(event, MappingStartEvent):
            return self._mapping(path, depth)
        return self._sequence(path, depth)

    def _mapping(self, path: Path_, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        while not isinstance(event := next(self.events), MappingEndEvent):
            key = self._key(event, path)
            value_event = next(self.events)
            if key is None:
                self._discard(value_event)
                continue
            key_path = (*path, key)
            key_at = self._at(event)
            if key in first_line:
                message = f'duplicate key "{key}" (first defined at line {first_line[key]})'
                self.problems.append(Problem(key_at, dotted(key_path), message))
                self._discard(value_event)
                continue
            first_line[key] = key_at.line
            self.key_where[key_path] = key_at
            # ruamel marks an empty value at the start of the next line; the key is more useful.
            empty = isinstance(value_event, ScalarEvent) and _is_empty(value_event)
            self.where[key_path] = key_at if empty else self._at(value_event)
            result[key] = self._node(value_event, key_path, depth + 1)
        return result

    def _sequence(self, path: Path_, depth: int) -> list[Any]:
        result: list[Any] = []
        while not isinstance(event := next(self.events), SequenceEndEvent):
            item_path = (*path, len(result))
            self.where[item_path] = self._at(event)
            result.append(self._node(event, item_path, depth + 1))
        return result

    def _key(self, event: Event, path: Path_) -> str | None:
        """The key's text, or None (with a problem recorded) if it cannot be a key."""
        if isinstance(event, AliasEvent):
            self._problem(event, path, f'alias "*{event.anchor}" is not allowed; {_WRITE_OUT}')
            return None
        if isinstance(event, CollectionStartEvent):
            self._check_properties(event, path)
            kind = "a mapping" if isinstance(event, MappingStartEvent) else "a list"
            self._problem(event, path, f"a key must be plain text, not {kind}")
            self._skip_collection()
            return None
        assert isinstance(event, ScalarEvent)
        self._check_properties(event, path)
        self._remember(event)
        if _is_empty(event):
            self._problem(event, path, "a key is missing before the ':'")
            return None
        if event.style is None and event.value == "<<":
            self._problem(event, path, 'merge key "<<" is not allowed; write the keys out in full')
            return None
        return str(event.value)

    def _check_properties(self, event: NodeEvent, path: Path_) -> None:
        if event.anchor is not None:
            self._problem(event, path, f'anchor "&{event.anchor}" is not allowed; {_WRITE_OUT}')
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = str(tag).replace("tag:yaml.org,2002:", "!!")
            self._problem(event, path, f'tag "{shown}" is not allowed; remove it')

    def _remember(self, event: ScalarEvent) -> None:
        self.spans.append(
            _Span(
                event.start_mark.index,
                event.end_mark.index,
                event.start_mark.line + 1,
                event.style is None,
            )
        )

    def _discard(self, event: Event) -> None:
        if isinstance(event, CollectionStartEvent):
            self._skip_collection()

    def _skip_collection(self) -> None:
        """Consume the rest of a collection whose start event was just read."""
        level = 1
        while level:
            event = next(self.events)
            if isinstance(event, CollectionStartEvent):
                level += 1
            elif isinstance(event, MappingEndEvent | SequenceEndEvent):
                level -= 1


_EMPTY = 'file is empty; expected a mapping of keys ("key: value")'
_WRITE_OUT = "write the value out in full"


def _is_null(event: ScalarEvent) -> bool:
    return event.style is None and event.tag is None and event.value in _NULLS


def _is_empty(event: ScalarEvent) -> bool:
    return event.style is None and event.tag is None and event.value == ""

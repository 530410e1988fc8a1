"""The one error root. Every error carries a ready-to-print message; the CLI catches them once."""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Self

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(text: str) -> str:
    """`text` safe to print in a diagnostic or report: control characters, invisible format
    characters (zero-width, bidi overrides) and line/paragraph separators are shown as escapes
    (`\\n`, `\\u202e`), so a user value can neither start a new line (a CI workflow command)
    nor reorder what a reader sees."""
    if text.isprintable():  # the common case: nothing to escape (spaces are printable)
        return text
    return "".join(_escaped(c) for c in text)


def _escaped(char: str) -> str:
    if char == " " or unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}:
        return char
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


@dataclass(frozen=True, order=True)
class Location:
    """Where a value came from: a file and a 1-based line and column."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}" if self.line else self.file


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the input, printed as `file:line:col: field.path: message`."""

    location: Location
    path: str
    message: str
    key: str = field(default="", compare=False)
    """The same problem as a catalog key (`problem.*`), for a reader in another language (the
    workspace's form says it in Chinese); "" when the catalog has no wording for it."""
    said: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    """The key's arguments."""

    def __str__(self) -> str:
        # Every part may hold user text (a file name, a key, a value quoted in the message).
        where = f"{escape(self.path)}: " if self.path else ""
        return f"{escape(str(self.location))}: {where}{escape(self.message)}"


class GeneratorError(Exception):
    """Root of every error aftersales raises on purpose; `str()` is the message to print."""

    exit_code = 2


class InputError(GeneratorError):
    """The input (YAML, options) is wrong; holds every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type["InputError"], tuple[list[Problem]]]:
        # Rebuilt from its problems when it crosses from a worker process.
        return (InputError, (self.problems,))


class OutputError(GeneratorError):
    """A file or folder could not be written (a path that is a file, no permission, full disk)."""


class RenderError(GeneratorError):
    """A document could not be produced as promised (missing glyph, bad image, renderer warning)."""


class RefusedError(InputError):
    """Valid input that must not become a letter: a promise beyond the company's capacity
    without a covering approval, a placeholder with `--final`. Exit 1, as a failed check."""

    exit_code = 1

    def __reduce__(self) -> tuple[type["InputError"], tuple[list[Problem]]]:
        return (RefusedError, (self.problems,))


class CheckFailed(GeneratorError):
    """The tender check failed, so nothing was written (`render --tender` as a gate); the
    message lists the failing items as `check` does."""

    exit_code = 1


@dataclass(frozen=True)
class Findings:
    """Problems a pass over the input found: warnings (said on stderr, never in a document) and
    errors, which `raise_errors` turns into the subclass's `error` (InputError: exit 2)."""

    warnings: tuple[Problem, ...] = ()
    errors: tuple[Problem, ...] = ()
    error: ClassVar[type[InputError]] = InputError

    def __add__(self, other: Self) -> Self:
        return type(self)(self.warnings + other.warnings, self.errors + other.errors)

    def raise_errors(self) -> None:
        if self.errors:
            raise self.error(list(self.errors))

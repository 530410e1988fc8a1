"""The one font lookup (PDF, glyph check, flowchart) and which characters the faces cannot draw.

A language names its PDF fonts by role, `{"body": ..., "heading": ...}` (locale.yaml
`fonts.pdf`); each value is a family or a CSS-like list of families, the first preferred and
the others fallbacks (a Latin body font, then a CJK one for Chinese names). Body text is set at
regular weight, headings in bold. `find_face` asks fontconfig, which WeasyPrint (Pango) uses
too, for the file and face index of one family; it is the only lookup, so the PDF, the glyph
check and the flowchart PNG cannot disagree about which file a family is.

A PDF must never show a box (.notdef) for a character: WeasyPrint does not warn about it, and
an unplanned fallback font would add another face. So every character of a letter must be in
the cmap of some face of each role (body and headings share text such as section titles in
bookmarks and tables).
"""

import bisect
import hashlib
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from generator.cache import cache_root, write_quietly
from generator.errors import RenderError

Fonts = Mapping[str, str]
"""Family (or comma-separated families) by role: keys "body" and "heading"."""

DEFAULT_FONTS: Fonts = MappingProxyType(
    {"body": "Noto Serif CJK SC", "heading": "Noto Sans CJK SC"}
)
"""Simplified Chinese: 宋体-style body text, tables, header and footer; 黑体-style title,
headings and table headers."""
ROLES: Mapping[str, str] = MappingProxyType({"body": "regular", "heading": "bold"})
"""The fontconfig weight each role is set in (as the stylesheets do)."""
OPTIONAL_ROLES: Mapping[str, str] = MappingProxyType({"subheading": "bold", "title": "bold"})
"""Roles a letter's `format:` may add (generator/render/formatting.py), with their weights."""
WEIGHTS: Mapping[str, str] = MappingProxyType({**ROLES, **OPTIONAL_ROLES})
FONT_PACKAGE = "fonts-noto-cjk"

# Characters a shaper draws as nothing, so a missing glyph cannot show as a box.
_IGNORABLE = frozenset(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]
)
_FORMAT = "%{file}\\n%{index}\\n%{family}\\n%{style[0]}\\n%{fontformat}\\n"


@dataclass(frozen=True)
class Face:
    """A font face as fontconfig finds it: family, style and the file (index inside a .ttc).

    `cff` is True for an OpenType CFF face (Noto CJK), whose PDF subset is shrunk further.
    """

    family: str
    style: str
    path: Path
    index: int
    cff: bool = False


def families(spec: str) -> tuple[str, ...]:
    """`'"DejaVu Serif", Noto Serif CJK SC'` → ("DejaVu Serif", "Noto Serif CJK SC")."""
    names = tuple(part.strip().strip("\"'").strip() for part in spec.split(","))
    if not spec.strip() or not all(names):
        raise RenderError(f"font family list {spec!r}: an empty family name")
    # Written into CSS and SVG as "name": these would end the string or the element.
    if any(c in name for name in names for c in '"\\<>;{}'):
        raise RenderError(f'font family list {spec!r}: a family name with " \\ < > ; {{ or }}')
    return names


def css_families(spec: str) -> str:
    """The families quoted for a CSS or SVG `font-family` value."""
    return ", ".join(f'"{name}"' for name in families(spec))


def _pattern(family: str, weight: str) -> str:
    # fontconfig's pattern syntax gives these characters a meaning; a backslash escapes them.
    escaped = "".join(f"\\{c}" if c in "\\-:," else c for c in family)
    return f"{escaped}:weight={weight}"


@cache
def find_face(family: str, weight: str = "regular") -> Face:
    """The file and face index of `family` at `weight` ("regular" or "bold"), as fontconfig
    (and so WeasyPrint) picks it; RenderError if the family is not installed."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise RenderError("fc-match not found: install fontconfig to find the PDF fonts")
    remembered = _match_cache(family, weight)
    found = _read_quietly(remembered).split("\n") if remembered else []
    if len(found) < 5 or not found[0] or not Path(found[0]).is_file():
        output = subprocess.run(
            [fc_match, "--format", _FORMAT, _pattern(family, weight)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        found = output.split("\n")
        if remembered is not None and len(found) >= 5 and found[0]:
            write_quietly(remembered, output)
    if len(found) < 5 or not found[0]:
        offered = "nothing"
    else:
        path, index, offered, style, kind = found[:5]
        if family.casefold() in {name.strip().casefold() for name in offered.split(",")}:
            # A variable font's named instance is in the high 16 bits; the face is the low ones.
            return Face(family, style, Path(path), int(index or 0) & 0xFFFF, kind == "CFF")
    hint = f" (e.g. the {FONT_PACKAGE} package)" if "CJK" in family else ""
    raise RenderError(
        f'font "{family}" is not installed (fontconfig offers {offered or "nothing"}); '
        f"install it{hint}"
    )


def _roles(fonts: Fonts | None) -> tuple[tuple[str, str], ...]:
    """The (role, families) pairs of a font mapping, checked; the SC defaults for None."""
    fonts = DEFAULT_FONTS if fonts is None else fonts
    if not set(ROLES) <= set(fonts) <= set(WEIGHTS):
        raise RenderError(
            f"PDF fonts: expected the roles {', '.join(ROLES)}, got {', '.join(fonts) or 'none'}"
            f" (optional roles: {', '.join(OPTIONAL_ROLES)})"
        )
    return tuple((role, fonts[role]) for role in WEIGHTS if role in fonts)


def role_faces(fonts: Fonts | None = None) -> dict[str, tuple[Face, ...]]:
    """Each role's faces, preferred first; RenderError if one is not installed."""
    return {
        role: tuple(find_face(name, WEIGHTS[role]) for name in families(spec))
        for role, spec in _roles(fonts)
    }


def faces(fonts: Fonts | None = None) -> tuple[Face, ...]:
    """Every face the PDF may embed (body first), each once."""
    seen: dict[Face, None] = {}
    for group in role_faces(fonts).values():
        seen.update(dict.fromkeys(group))
    return tuple(seen)


def cmap(face: Face) -> frozenset[int]:
    """The code points the face has glyphs for."""
    return _cmap(face.path, face.index)


@cache
def _cmap(path: Path, index: int) -> frozenset[int]:
    return frozenset(
        c for first, last in zip(*_spans(path, index), strict=True) for c in range(first, last + 1)
    )


@cache
def _spans(path: Path, index: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The face's code points as sorted runs (first, last): a CJK face has ~65,000 code points
    in ~4,000 runs, which are quick to read from the cache and to search (`validate`)."""
    cached = _cache_file(path, index)
    if cached is not None:
        try:
            return _read_ranges(cached.read_text(encoding="ascii"))
        except (OSError, ValueError):
            pass  # absent or damaged: read the font
    from fontTools.ttLib import TTFont  # only when the coverage is not cached yet

    try:
        with TTFont(str(path), fontNumber=index, lazy=True) as font:
            codes = frozenset(font.getBestCmap() or {})
    except Exception as error:  # fontTools raises many kinds on a damaged file
        raise RenderError(f"{path}: cannot read font #{index} ({error})") from error
    text = _ranges(codes)
    if cached is not None:
        write_quietly(cached, text)
    return _read_ranges(text)


def _has(spans: "Spans", code: int) -> bool:
    firsts, lasts = spans
    at = bisect.bisect_right(firsts, code) - 1
    return at >= 0 and code <= lasts[at]


def _cache_file(path: Path, index: int) -> Path | None:
    """The coverage cache of one face, named by the font file's path, size and time: reading a
    CJK face's cmap takes ~0.2 s, reading the cache a millisecond (`validate` runs it)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    key = f"1|{path.resolve()}|{index}|{stat.st_size}|{stat.st_mtime_ns}".encode()
    return cache_root() / f"cmap-{hashlib.sha256(key).hexdigest()[:24]}.txt"


# What fontconfig's answer depends on: its configuration and its caches (a font installed or
# removed rewrites a cache folder). A change to any of them, or to these variables, is a new key.
_FONTCONFIG_STATE = (
    "/etc/fonts",
    "/etc/fonts/conf.d",
    "/etc/fonts/fonts.conf",
    "/etc/fonts/local.conf",
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/var/cache/fontconfig",
    "~/.cache/fontconfig",
    "~/.config/fontconfig",
    "~/.config/fontconfig/fonts.conf",
    "~/.fonts",
    "~/.fonts.conf",
    "~/.local/share/fonts",
)


def _match_cache(family: str, weight: str) -> Path | None:
    """Where fc-match's answer for `family` at `weight` is kept, keyed by the state of the
    fontconfig configuration and caches: running fc-match costs ~20 ms a face at every start of
    `validate` and `check`, reading the answer back well under one."""

    stamps = [
        family,
        weight,
        *(
            os.environ.get(v, "")
            for v in (
                "FONTCONFIG_FILE",
                "FONTCONFIG_PATH",
                "XDG_CONFIG_HOME",
                "XDG_DATA_HOME",
                "XDG_CACHE_HOME",
            )
        ),
    ]
    for name in _FONTCONFIG_STATE:
        try:
            stat = os.stat(os.path.expanduser(name))
        except OSError:
            stamps.append("-")
            continue
        stamps.append(f"{stat.st_mtime_ns}:{stat.st_size}:{stat.st_ino}")
    key = hashlib.sha256("\0".join(["1", *stamps]).encode()).hexdigest()[:24]
    return cache_root() / f"match-{key}.txt"


def _read_quietly(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _ranges(codes: frozenset[int]) -> str:
    """Runs of code points, `first-last` in hex, one a line, then `end N` (N runs): a file cut
    short is never read as a smaller coverage."""
    lines: list[str] = []
    start = previous = -2
    for code in sorted(codes):
        if code != previous + 1:
            if start >= 0:
                lines.append(f"{start:x}-{previous:x}")
            start = code
        previous = code
    if start >= 0:
        lines.append(f"{start:x}-{previous:x}")
    return "\n".join([*lines, f"end {len(lines)}"]) + "\n"


def _read_ranges(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    *runs, end = text.split("\n")[:-1] if text.endswith("\n") else ["", "cut off"]
    if end != f"end {len(runs)}":
        raise ValueError("cut off")
    firsts: list[int] = []
    lasts: list[int] = []
    for line in runs:
        first, last = line.split("-")
        firsts.append(int(first, 16))
        lasts.append(int(last, 16))
    return tuple(firsts), tuple(lasts)


Spans = tuple[tuple[int, ...], tuple[int, ...]]


@cache
def _role_spans(roles: tuple[tuple[str, str], ...]) -> tuple[tuple[Spans, ...], ...]:
    return tuple(
        tuple(_spans(face.path, face.index) for face in group)
        for group in role_faces(dict(roles)).values()
    )


def _covered(groups: tuple[tuple[Spans, ...], ...], code: int) -> bool:
    """Whether some face of every role draws `code`."""
    return all(any(_has(spans, code) for spans in group) for group in groups)


def _needs_glyph(char: str) -> bool:
    code = ord(char)
    if code in _IGNORABLE or unicodedata.category(char) in {"Zl", "Zp"}:
        return False
    # Line breaks and tabs are layout, not glyphs; other control characters are errors (the
    # pre-flight, generator.app.preflight, names them for what they are before this runs).
    return char not in "\n\r\t"


def uncovered(text: str, fonts: Fonts | None = None) -> list[str]:
    """The distinct characters of `text` that the faces cannot draw, in order."""
    groups = _role_spans(_roles(fonts))
    seen: dict[str, bool] = {}
    for char in text:
        if char not in seen:
            seen[char] = _needs_glyph(char) and not _covered(groups, ord(char))
    return [char for char, missing in seen.items() if missing]


def describe(char: str) -> str:
    """`"𠀀" (U+20000)`, or just the code point for an invisible character."""
    code = f"U+{ord(char):04X}"
    if unicodedata.category(char)[0] in {"C", "Z"}:
        name = unicodedata.name(char, "")
        return f"{code} {name}".rstrip() if name else f"{code} (control character)"
    return f'"{char}" ({code})'


def uncovered_fields(
    values: Iterable[tuple[str, str]], fonts: Fonts | None = None
) -> list[tuple[str, str]]:
    """(field, message) for each character of each field that the faces do not cover."""
    listed = ", ".join(dict.fromkeys(name for _, spec in _roles(fonts) for name in families(spec)))
    return [
        (field, f"character {describe(char)} is not covered by any installed font ({listed})")
        for field, text in values
        for char in uncovered(text, fonts)
    ]


def check_text_fields(values: Iterable[tuple[str, str]], fonts: Fonts | None = None) -> list[str]:
    """One message per (field, character) that the faces do not cover."""
    return [f"field {field}: {message}" for field, message in uncovered_fields(values, fonts)]

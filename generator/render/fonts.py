"""The two CJK faces the PDF embeds, and which characters they cannot draw.

A PDF must never show a box (.notdef) for a character: WeasyPrint does not warn about it, and a
fallback font would add another ≥70 KB face. So every character of a letter must be in the cmap
of both faces (body and headings share text such as section titles in bookmarks and tables).
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from generator.errors import RenderError


@dataclass(frozen=True)
class Face:
    """A font face as fontconfig finds it: family, style and the file (index inside a .ttc)."""

    family: str
    style: str
    path: Path
    index: int


BODY = ("Noto Serif CJK SC", "Regular")
"""宋体-style body text, tables, header and footer."""
HEADING = ("Noto Sans CJK SC", "Bold")
"""黑体-style title, headings, table headers."""
FACES = (BODY, HEADING)
FONT_PACKAGE = "fonts-noto-cjk"

# Characters a shaper draws as nothing, so a missing glyph cannot show as a box.
_IGNORABLE = frozenset(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]
)


def _match(family: str, style: str) -> tuple[Path, str]:
    # Ask the very fontconfig WeasyPrint uses, so we check the faces it will embed.
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    pattern = fontconfig.FcPatternCreate()
    try:
        fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcPatternAddString(pattern, b"style", style.encode())
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
        if match == ffi.NULL:
            return Path(), ""
        try:
            out = ffi.new("FcChar8 **")
            fontconfig.FcPatternGetString(match, b"file", 0, out)
            path = Path(ffi.string(out[0]).decode())
            fontconfig.FcPatternGetString(match, b"family", 0, out)
            found = ffi.string(out[0]).decode()
        finally:
            fontconfig.FcPatternDestroy(match)
    finally:
        fontconfig.FcPatternDestroy(pattern)
        fontconfig.FcConfigDestroy(config)
    return path, found


def _read(path: Path, family: str, style: str) -> tuple[int, frozenset[int]]:
    """The face's index in its file and the code points of its cmap."""
    if path.suffix.lower() in {".ttc", ".otc"}:
        collection = TTCollection(str(path), lazy=True)
        try:
            for index, font in enumerate(collection.fonts):
                name = font["name"]
                if name.getDebugName(1) == family and name.getDebugName(2) == style:
                    return index, frozenset(font.getBestCmap())
        finally:
            collection.close()
        raise RenderError(f"font {family} {style} is not in {path}")
    with TTFont(str(path), lazy=True) as font:
        return 0, frozenset(font.getBestCmap())


@cache
def _load() -> tuple[tuple[Face, ...], frozenset[int]]:
    found: list[Face] = []
    cmaps: list[frozenset[int]] = []
    for family, style in FACES:
        path, matched = _match(family, style)
        if matched != family:
            raise RenderError(
                f"font {family} {style} is not installed (fontconfig offers "
                f"{matched or 'nothing'}); install the {FONT_PACKAGE} package"
            )
        index, cmap = _read(path, family, style)
        found.append(Face(family, style, path, index))
        cmaps.append(cmap)
    return tuple(found), frozenset.intersection(*cmaps)


def faces() -> tuple[Face, ...]:
    """Locate the body and heading faces; RenderError if either is not installed."""
    return _load()[0]


def _covered() -> frozenset[int]:
    return _load()[1]


def _needs_glyph(char: str) -> bool:
    code = ord(char)
    if code in _IGNORABLE or unicodedata.category(char) in {"Zl", "Zp"}:
        return False
    # Line breaks and tabs are layout, not glyphs; other control characters are errors.
    return char not in "\n\r\t"


def uncovered(text: str) -> list[str]:
    """The distinct characters of `text` that the embedded faces cannot draw, in order."""
    covered = _covered()
    seen: dict[str, None] = {}
    for char in text:
        if char not in seen and ord(char) not in covered and _needs_glyph(char):
            seen[char] = None
    return list(seen)


def describe(char: str) -> str:
    """`"𠀀" (U+20000)`, or just the code point for an invisible character."""
    code = f"U+{ord(char):04X}"
    if unicodedata.category(char)[0] in {"C", "Z"}:
        name = unicodedata.name(char, "")
        return f"{code} {name}".rstrip() if name else f"{code} (control character)"
    return f'"{char}" ({code})'


def uncovered_fields(values: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(field, message) for each character of each field that no embedded face covers."""
    families = ", ".join(family for family, _style in FACES)
    return [
        (field, f"character {describe(char)} is not covered by any installed font ({families})")
        for field, text in values
        for char in uncovered(text)
    ]


def check_text_fields(values: Iterable[tuple[str, str]]) -> list[str]:
    """One message per (field, character) that no embedded face covers."""
    return [f"field {field}: {message}" for field, message in uncovered_fields(values)]

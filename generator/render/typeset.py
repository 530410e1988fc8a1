"""Where a line must not break: a number with its unit and with the word before it, and the
last few letters of a paragraph.

Both renderers ask `pieces(text)` which stretches of a text stay on one line and `join` them:
U+2060 WORD JOINER (Unicode's no-break of no width) between their letters where a line could
break, a no-break space for a space (24 hours).
- PDF: the HTML text carries the joiners; Pango's line breaker honours them and draws nothing
  (pdftotext reads 24小时). `white-space: nowrap` spans did the same at ~8 % more CPU a letter.
- DOCX: each stretch is a run of its own whose East Asian language is `docx_language`
  (zh-Hans-CN). LibreOffice breaks Chinese text (language zh) anywhere but at its forbidden
  punctuation, joiner or not; a tag with a script subtag is not "zh" to its line breaker,
  which then follows the Unicode rules (the joiner holds), while fonts are still chosen as for
  Chinese (zh-Latn or zxx would draw the run in another face). U+200D ZERO WIDTH JOINER,
  which some guides offer, LibreOffice breaks at even so.
tests/test_typeset.py proves both: no line of WeasyPrint's PDF, nor of LibreOffice's PDF of
the DOCX, splits a number from its unit, where the same text without the joiners does.

The words are the language's (`typesetting:` in templates/<language>/locale.yaml):
- `units`: what may follow a number as its unit (小时, 个工作日, hours); any CJK ideograph
  right after a digit stays with it too (3家, 5名), so the list holds the units of more than
  one letter and those written after a number in words (十八个月, 两年);
- `before`: words that stay with the number after them (第3页, 共2次, 第一);
- `numerals`: the letters numbers are written with in words (一二三 … 十百千万半);
- `last_line`: the fewest letters (punctuation aside) a paragraph's last line holds, so no
  paragraph ends in a line of one or two letters (提 / 供。);
- `docx_language`: the East Asian language of the DOCX's glued runs (see above).
A language without the section keeps only the digit-and-ideograph rule.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

from generator.locale import get_locale

WORD_JOINER = "\u2060"
NO_BREAK_SPACE = "\u00a0"
LONGEST = 16
"""A stretch longer than this is not glued: moved whole to the next line it would leave a wide
gap. (A glued stretch wider than its column still breaks: `overflow-wrap: anywhere` in the PDF,
a word processor's emergency break in the DOCX.)"""

# Digits with their decimal, thousands and clock separators (1.5, 1,000, 8:00, full-width
# colon), and a range of two (2-3, 2~3 and its full-width tilde, en and em dashes).
_DIGITS = r"\d+(?:[.,:\uff1a]\d+)*"
_RANGE = rf"{_DIGITS}(?: ?[-~\uff5e\u2013\u2014] ?{_DIGITS})?"
# A CJK unified ideograph (the base block and extension A): the unit after a bare digit.
_IDEOGRAPH = r"[\u3400-\u4dbf\u4e00-\u9fff]"
# 7×24: numbers multiplied (the multiplication sign, asterisks half and full width).
_TIMES = r" ?[\u00d7*\uff0a] ?"


@dataclass(frozen=True)
class Rules:
    """A language's line-breaking rules, compiled."""

    pattern: re.Pattern[str]
    bare: re.Pattern[str]
    """a number alone (no unit, no word before it): nothing to glue."""
    last_line: int
    docx_language: str | None = None
    """the East Asian language tag of a glued run in the DOCX (None: the paragraph's)."""


@functools.cache
def rules(language: str) -> Rules:
    """The rules of `language`, from its locale.yaml `typesetting:` section."""
    settings = get_locale(language).settings.get("typesetting") or {}
    units = sorted((str(u) for u in settings.get("units") or ()), key=len, reverse=True)
    before = sorted((str(w) for w in settings.get("before") or ()), key=len, reverse=True)
    numerals = "".join(str(settings.get("numerals") or ""))
    last_line = int(settings.get("last_line") or 0)
    tag = settings.get("docx_language")
    return compile_rules(units, before, numerals, last_line, str(tag) if tag else None)


def compile_rules(
    units: list[str],
    before: list[str],
    numerals: str,
    last_line: int,
    docx_language: str | None = None,
) -> Rules:
    """Rules from the words themselves (what `rules` reads from a locale)."""

    def word(w: str) -> str:
        # A Latin word ends at a word boundary: 3 hours, not 3 hoursx.
        return re.escape(w) + (r"\b" if w[-1:].isascii() and w[-1:].isalpha() else "")

    unit = "|".join(word(u) for u in units)
    after_digits = f"(?:{unit}|{_IDEOGRAPH})" if unit else _IDEOGRAPH
    number = rf"{_RANGE}(?: ?{after_digits})?"
    bare = _RANGE
    if numerals:
        spelled = f"[{re.escape(numerals)}]+"
        number = rf"(?:{number}|{spelled}(?:{unit})?)" if unit else rf"(?:{number}|{spelled})"
        bare = rf"(?:{_RANGE}|{spelled})"
    if before:
        number = rf"(?:(?:{'|'.join(word(w) for w in before)}) ?)?{number}"
    pattern = re.compile(rf"{number}(?:{_TIMES}{number})*", re.IGNORECASE)
    return Rules(pattern, re.compile(bare), max(last_line, 0), docx_language)


def glued(text: str, rules: Rules, *, paragraph: bool = False) -> list[tuple[int, int]]:
    """The stretches of `text` (start, end) that must stay on one line, in order, apart.

    `paragraph` adds the last letters of the text (body paragraphs; a table cell or a heading
    is too narrow or too short to care). A stretch never holds a line break.
    """
    spans = [
        m.span()
        for m in rules.pattern.finditer(text)
        if m.end() - m.start() <= LONGEST and not rules.bare.fullmatch(m.group())
    ]
    if paragraph and rules.last_line:
        tail = _last_letters(text, rules.last_line)
        if tail is not None:
            spans.append(tail)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:  # overlapping: one stretch
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return [(s, e) for s, e in merged if e - s > 1 and "\n" not in text[s:e]]


def _last_letters(text: str, count: int) -> tuple[int, int] | None:
    """From the `count`th letter before the end (punctuation and spaces not counted) to the
    end; None when the last line is not longer than that (nothing to gain)."""
    end = len(text.rstrip())
    line_start = text.rfind("\n", 0, end) + 1
    seen = 0
    for index in range(end - 1, line_start - 1, -1):
        if unicodedata.category(text[index])[0] not in "PZ":
            seen += 1
            if seen == count:
                if index == line_start or end - index > LONGEST:
                    return None
                return index, end
    return None


def pieces(text: str, rules: Rules, *, paragraph: bool = False) -> list[tuple[str, bool]]:
    """`text` cut into (piece, glued) in order: the glued pieces must stay on one line."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in glued(text, rules, paragraph=paragraph):
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text):
        out.append((text[at:], False))
    return out


def join(piece: str) -> str:
    """A glued piece with a WORD JOINER at each point where a line could break, and its
    spaces made no-break spaces (what a word processor's text can say)."""
    out: list[str] = []
    for left, right in zip(piece, piece[1:] + "\0", strict=True):
        out.append(NO_BREAK_SPACE if left == " " else left)
        if right != "\0" and _may_break(left, right):
            out.append(WORD_JOINER)
    return "".join(out)


def joined(text: str, rules: Rules, *, paragraph: bool = False) -> str:
    """`text` with its glued pieces `join`ed."""
    return "".join(
        join(piece) if keep else piece for piece, keep in pieces(text, rules, paragraph=paragraph)
    )


def _may_break(left: str, right: str) -> bool:
    """Whether a line may break between two letters unless told not to; a space is no-break
    already, and 1.5, 8:00, hours, ）and 。 hold to their neighbours by the line-breaking
    rules of every word processor."""
    if " " in (left, right):
        return False
    if left.isascii() and right.isascii():
        return False
    return unicodedata.category(right) not in ("Po", "Pe", "Pf") and unicodedata.category(
        left
    ) not in ("Ps", "Pi")


def strip_joiners(text: str) -> str:
    """`text` as a reader sees it: without the joiners `joined` put in, spaces plain."""
    return text.replace(WORD_JOINER, "").replace(NO_BREAK_SPACE, " ")

"""Where a short label may break: between words, never inside one.

Chinese has no spaces, so the words come from a dictionary segmenter (jieba). Loading its
dictionary costs most of a second, so each label's words are kept in the on-disk cache
(`generator.cache`) and jieba is loaded only for a label it has not segmented before; a label
that fits on one line is never segmented at all (the caller asks only when it must wrap).
"""

import contextlib
import functools
import hashlib
import json
import logging
import unicodedata
import warnings
from typing import Any

from generator.cache import cache_file, cache_root, write_quietly
from generator.resources import data_dir

SEGMENTER = "jieba"

DOMAIN_WORDS = data_dir("templates") / "segmenter" / "words.txt"
"""After-sales words jieba's general dictionary cuts (质保/期, 备品/备件): jieba's user
dictionary format, a word, a frequency and a part of speech a line."""

MEASURE_WORDS = frozenset("个個")
"""Measure words jieba gives apart from the number before and the unit after (3/个/月)."""


def _wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in "WF"


def _punctuation(c: str) -> bool:
    return unicodedata.category(c).startswith("P") or c in "<>"


def _opening(c: str) -> bool:
    return unicodedata.category(c) in ("Ps", "Pi") or c == "<"


@functools.cache
def _tokenizer() -> Any:
    with warnings.catch_warnings():
        # jieba 0.42 imports pkg_resources where setuptools has it (a DeprecationWarning), and
        # newer Pythons warn about escapes in its regular expressions when compiling it.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        import jieba

    # It logs the dictionary load, and a cache it could not write with a traceback, on stderr;
    # neither is the user's concern (a cache that cannot be written only costs time).
    jieba.setLogLevel(logging.CRITICAL + 1)
    tokenizer = jieba.Tokenizer()
    # jieba's own cache of the parsed dictionary goes with ours, not into /tmp.
    root = cache_root()
    with contextlib.suppress(OSError):
        root.mkdir(parents=True, exist_ok=True)
    tokenizer.tmp_dir = str(root)
    with DOMAIN_WORDS.open("rb") as domain:
        tokenizer.load_userdict(domain)
    return tokenizer


@functools.cache
def _version() -> str:
    from importlib.metadata import version

    # The domain words change how labels are cut: the cached cuts follow them.
    words = hashlib.sha256(DOMAIN_WORDS.read_bytes()).hexdigest()[:12]
    return f"{version(SEGMENTER)}+{words}"


def _segment(text: str) -> tuple[str, ...]:
    entry = cache_file("segments", f"{SEGMENTER} {_version()}\n{text}", ".json")
    try:
        cached = json.loads(entry.read_text(encoding="utf-8"))
        if isinstance(cached, list) and "".join(cached) == text:
            return tuple(str(w) for w in cached)
    except (OSError, ValueError):
        pass
    # HMM on: it joins characters the dictionary lacks into words (签认), which only makes
    # a break rarer, never wrong.
    found = tuple(w for w in _tokenizer().cut(text, HMM=True) if w)
    write_quietly(entry, json.dumps(list(found), ensure_ascii=False))
    return found


@functools.cache
def words(text: str) -> tuple[str, ...]:
    """`text` cut into the pieces a line may break between (they join back to `text`).

    Dictionary words, with a number kept with the word after it (its unit: 24小时, 3个月,
    30 minutes)
    and with a one-character word before it (第3, 共2), punctuation kept with its
    neighbour (an opening bracket with what follows, the rest with what precedes), and
    spaces as pieces of their own (a line may break at them).
    """
    out: list[str] = []
    glue_next = False
    before = ""  # the segment before this one, as the segmenter gave it
    for piece in _segment(text):
        first, last_out = piece[0], out[-1][-1] if out else ""
        word = not first.isspace() and not _punctuation(first)
        joins = (
            bool(out)
            and (
                glue_next
                or (_punctuation(first) and not _opening(first))
                or (last_out.isdigit() and word)
                # a measure word after a number keeps its unit too (3个/月: 3个月, 2个小时)
                or (last_out in MEASURE_WORDS and out[-1][-2:-1].isdigit() and word)
                # a one-character word before a number (第3, 共2), also after a glued piece
                or (
                    first.isdigit()
                    and len(before) == 1
                    and _wide(before)
                    and not _punctuation(before)
                )
            )
        )
        before = piece
        if joins and not first.isspace() and not last_out.isspace():
            out[-1] += piece
        else:
            out.append(piece)
        # An opening bracket keeps what follows; so does a straight quote (or R&D's &) after a
        # space or at the start. A Chinese comma closes the word before it and keeps nothing.
        glue_next = _opening(piece[-1]) or (
            all(_punctuation(c) and not _wide(c) for c in piece)
            and (len(out) < 2 or out[-2][-1:].isspace())
        )
    # "30 minutes": a number keeps the word after one space too (its unit, in a Latin text).
    joined: list[str] = []
    for piece in out:
        if (
            len(joined) >= 2
            and joined[-1] == " "
            and joined[-2][-1:].isdigit()
            and piece[:1].isalpha()
        ):
            joined[-2:] = [joined[-2] + " " + piece]
        else:
            joined.append(piece)
    return tuple(joined)

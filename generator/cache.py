"""A small on-disk cache for what is slow to read and rarely changes (a CJK face's coverage,
fontconfig's answers, a language's message catalogs), so cold `validate` and `check` stay fast.

Entries are files named by a hash of everything their content depends on; a missing, damaged
or unwritable entry only costs the time to compute it again.
"""

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["CACHE_ENV", "cache_file", "cache_root", "write_quietly"]

CACHE_ENV = "AFTERSALES_CACHE_DIR"
"""Where the entries are kept (default: $XDG_CACHE_HOME/aftersales, else
~/.cache/aftersales); the files are small and rebuilt when missing, damaged or out of date."""


def cache_root() -> Path:
    root = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "aftersales"
    )
    return Path(root)


def cache_file(kind: str, key: str, suffix: str = ".txt") -> Path:
    """The entry of `kind` for `key` (which must name everything the content depends on)."""
    return cache_root() / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:24]}{suffix}"


def write_quietly(target: Path, text: str) -> None:
    """Write an entry atomically; a cache that cannot be written (read-only home, full disk)
    is no error."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=".entry-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(name, target)
    except OSError:
        return

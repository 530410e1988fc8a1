"""Safe output: file names built from customer text, and atomic writes."""

import datetime as dt
import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from generator.errors import OutputError, RenderError

MAX_NAME_BYTES = 255
CHINA_TIME = dt.timezone(dt.timedelta(hours=8))
FALLBACK_INSTANT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
"""File dates when neither the letter nor SOURCE_DATE_EPOCH gives one."""
# Characters Windows, macOS or Linux refuse in a name, and controls; `.` only at the start.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10))} | {
    f"LPT{n}" for n in range(1, 10)
}


def safe_stem(*parts: str | None) -> str:
    """A file name stem from free text: no separators, no controls, never empty or hidden."""
    text = "-".join(p for p in parts if p)
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip(" .-_")
    if not text or text.upper().split(".")[0] in _RESERVED:
        text = f"letter-{text}" if text else "letter"
    return text


def fit_name(stem: str, suffix: str, limit: int = MAX_NAME_BYTES) -> str:
    """`stem + suffix` cut at a character boundary so it takes at most `limit` UTF-8 bytes."""
    room = limit - len(suffix.encode())
    encoded = stem.encode()
    if len(encoded) > room:
        stem = encoded[:room].decode("utf-8", errors="ignore").rstrip(" .-_")
    return stem + suffix


def distinct_stems(stems: Sequence[str], keys: Sequence[str]) -> list[str]:
    """Make equal stems of different inputs distinct with a short hash of each input's key."""
    seen: dict[str, set[str]] = {}
    for stem, key in zip(stems, keys, strict=True):
        seen.setdefault(stem, set()).add(key)
    out = []
    for stem, key in zip(stems, keys, strict=True):
        if len(seen[stem]) > 1:
            stem = f"{stem}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
        out.append(stem)
    return out


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename, so an
    interrupted run leaves the previous file intact and never a half-written one.

    A link is followed (the file it points to is replaced, not the link). A device or pipe,
    such as /dev/stdout in CI, is written to as it is: renaming over it would destroy it.
    """
    if path.exists() and not path.is_file():
        if path.is_dir():
            raise OutputError(f"{path}: is a folder, not a file")
        try:
            with path.open("wb") as stream:
                stream.write(data)
        except OSError as err:
            raise OutputError(f"{path}: cannot write: {err.strerror or err}") from None
        return
    path = path.resolve() if path.is_symlink() else path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    except OSError as err:
        raise OutputError(f"{path}: cannot write here: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {err.strerror or err}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, checked to stay inside `folder`."""
    target = (folder / name).resolve()
    if target.parent != folder.resolve():
        raise ValueError(f"output name {name!r} leaves the output folder")
    return target


def fixed_instant(date: dt.date | None) -> dt.datetime:
    """The one instant a rendered file records, so the same input gives the same bytes: the
    letter date (midnight, China time), else SOURCE_DATE_EPOCH, else 2000-01-01."""
    if date is not None:
        return dt.datetime(date.year, date.month, date.day, tzinfo=CHINA_TIME)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else FALLBACK_INSTANT
    except (ValueError, OverflowError, OSError) as exc:
        raise RenderError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from exc
    if not 1980 <= moment.year <= 2099:  # what a zip file (DOCX) can record
        raise RenderError(f"SOURCE_DATE_EPOCH={epoch!r} is outside 1980–2099")
    return moment

"""Safe output: file names built from customer text, atomic writes, and output folders where
the files of one letter are replaced together or not at all.

What an output folder guarantees (docs/design.md, "Output"):

- Every file is written to a staging file in the target folder (`.aftersales-<hex>.part`),
  flushed to disk, and renamed over its name. A reader never sees a half-written file.
- The files of one job (letter and deviation table, each in every format) are one *set*. POSIX
  has no rename of several files at once, so a set is committed under a journal: with the
  folder locked (`.aftersales.lock`, fcntl.flock), the staged files and a journal naming them
  and the backups (hard links to the files they replace) are written first, then the renames,
  then the manifest. The manifest (`.aftersales-manifest.json`) is the commit record. A failure
  in between (full disk, a file that cannot be replaced) puts the backups back before the error
  is reported; a process killed in between leaves the journal, and the next run into the folder
  rolls the set back before it does anything else. So the window in which a new file can stand
  beside an old one is the few milliseconds of renames of a process killed with SIGKILL (or a
  power cut), and only until the next run.
- SIGINT and SIGTERM are held while a set is committed, so Ctrl-C takes effect after it.
- The manifest records, for every file written, the project it came from, its SHA-256 and when.
  A file is replaced only if it was written by aftersales from the same project and is
  unchanged since; a file from another project (also one whose name differs only in case), a
  file edited by hand, a file aftersales did not write, or a symbolic link is refused with a
  message naming both sides, unless the caller forces it (`--force`). Runs merge their records
  under the lock, so concurrent runs lose none.
- Staging files and journals left by killed runs are swept (or rolled back) at the next start.
"""

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import secrets
import signal
import stat
import threading
import time
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import OutputError

MAX_NAME_BYTES = 255
# Characters Windows, macOS or Linux refuse in a name, and controls; `.` only at the start.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10))} | {
    f"LPT{n}" for n in range(1, 10)
}
HASH_MARK = "~"
"""Separates a name from the 8 hex digits that keep a cut or sanitised name unique."""
_HASH_BYTES = 1 + 8

MANIFEST = ".aftersales-manifest.json"
LOCK = ".aftersales.lock"
_STATE = re.compile(r"^\.aftersales-[0-9a-f]{16}\.(part|bak|journal)$")
# What an earlier version's tempfile.mkstemp(prefix=".", suffix=".part") left when killed.
_OLD_PART = re.compile(r"^\.[a-z0-9_]{8}\.part$")
_STREAM_ROOTS = ("/dev/", "/proc/")


def safe_stem(*parts: str | None) -> str:
    """A file name stem from free text: no separators, no controls, never empty or hidden."""
    text = "-".join(p for p in parts if p)
    text = unicodedata.normalize("NFC", text)
    # Invisible format characters (zero-width space/joiner, BOM, bidi controls) never reach a
    # file name: two names that look the same must be the same name.
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
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


def _tag(text: str) -> str:
    return HASH_MARK + hashlib.sha256(text.encode()).hexdigest()[:8]


def distinct_stems(stems: Sequence[str], keys: Sequence[str]) -> list[str]:
    """Make stems of different inputs that are equal, or equal but for case (one file on a
    case-insensitive file system), distinct with a short hash of each input's key."""
    seen: dict[str, set[str]] = {}
    for stem, key in zip(stems, keys, strict=True):
        seen.setdefault(stem.casefold(), set()).add(key)
    return [
        stem + _tag(key) if len(seen[stem.casefold()]) > 1 else stem
        for stem, key in zip(stems, keys, strict=True)
    ]


def file_stems(texts: Sequence[Sequence[str | None]], keys: Sequence[str], room: int) -> list[str]:
    """File name stems of at most `room` UTF-8 bytes for inputs named by `texts` (the parts of
    each name) and identified by `keys`.

    A name that had to be sanitised or cut gets `~` and 8 hex digits of the text it came from,
    so `A/B` and `A_B`, or two long names equal in their first 200 bytes, never share a file
    (in one run or across runs). Inputs whose names are still equal, also but for case, get a
    second hash of their key.
    """
    raw = [unicodedata.normalize("NFC", "-".join(p for p in parts if p)) for parts in texts]
    safe = [safe_stem(*parts) for parts in texts]
    tags = [
        [_tag(text)] if stem != text or len(stem.encode()) > room else []
        for stem, text in zip(safe, raw, strict=True)
    ]
    seen: dict[str, set[str]] = {}
    for stem, tag, key in zip(safe, tags, keys, strict=True):
        seen.setdefault((stem + "".join(tag)).casefold(), set()).add(key)
    out = []
    for stem, tag, key in zip(safe, tags, keys, strict=True):
        if len(seen[(stem + "".join(tag)).casefold()]) > 1:
            tag = [*tag, _tag(key)]
        out.append(fit_name(stem, "", room - _HASH_BYTES * len(tag)) + "".join(tag))
    return out


def _is_stream(path: Path) -> bool:
    """/dev/stdout, /dev/null, /proc/self/fd/1: written as they are, never renamed over."""
    if not str(path.absolute()).startswith(_STREAM_ROOTS):
        return False
    try:  # a regular file in /dev/shm is still replaced atomically
        return not stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return True


def write_atomic(path: Path, data: bytes, *, follow_symlinks: bool = True) -> None:
    """Write `data` to `path` through a staging file in the same folder and a rename, so an
    interrupted run leaves the previous file intact and never a half-written one.

    A link is followed (the file it points to is replaced, not the link) only with
    `follow_symlinks`; otherwise it is an OutputError. A device or pipe, such as /dev/stdout
    in CI, is written to as it is: renaming over it would destroy it.
    """
    if _is_stream(path) or (path.exists() and not path.is_file()):
        if path.is_dir():
            raise OutputError(f"{path}: is a folder, not a file")
        try:
            with path.open("wb") as stream:
                stream.write(data)
        except OSError as err:
            raise OutputError(f"{path}: cannot write: {err.strerror or err}") from None
        return
    if path.is_symlink():
        if not follow_symlinks:
            raise OutputError(
                f"{path}: is a symbolic link (to {os.readlink(path)}); refusing to write where "
                "it points (pass --follow-symlinks to do so)"
            )
        path = path.resolve()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _create_staging(path.parent)
    except OSError as err:
        raise OutputError(f"{path}: cannot write here: {err.strerror or err}") from None
    try:
        _write_all(fd, data)
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {err.strerror or err}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


def _create_staging(folder: Path, kind: str = "part") -> tuple[int, Path]:
    """A new file `.aftersales-<hex>.<kind>` in `folder`, locked while it is open so that a
    sweep by another run can tell it is alive."""
    while True:
        path = folder / f".aftersales-{secrets.token_hex(8)}.{kind}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        except FileExistsError:
            continue
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd, path


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)


def _sync_folder(folder: Path) -> None:
    # The renames themselves reach the disk only with the folder's entry; best effort.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM while a set is renamed: Ctrl-C takes effect once it is complete."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@dataclass(frozen=True)
class Record:
    """What the manifest knows of one file."""

    source: str
    sha256: str
    written: str
    overlays: tuple[str, ...] = ()
    set: str = ""
    """the id shared by the files one run wrote for one letter."""

    @classmethod
    def load(cls, value: Any) -> "Record":
        return cls(
            str(value["source"]),
            str(value["sha256"]),
            str(value.get("written", "")),
            tuple(str(v) for v in value.get("overlays", ())),
            str(value.get("set", "")),
        )

    def dump(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "overlays": list(self.overlays),
            "sha256": self.sha256,
            "written": self.written,
            "set": self.set,
        }


class OutputFolder:
    """A folder that receives sets of files: see the module docstring for the guarantees."""

    def __init__(self, path: Path, *, force: bool = False, follow_symlinks: bool = False) -> None:
        self.path = path
        self.force = force
        self.follow_symlinks = follow_symlinks
        self.started = time.time()
        self._lock_fd: int | None = None

    # -- opening, locking, sweeping -------------------------------------------------------

    def __enter__(self) -> "OutputFolder":
        self.open()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def open(self) -> None:
        """Create the folder, then roll back sets of killed runs and sweep their files."""
        if self.path.is_symlink() and not self.follow_symlinks:
            raise OutputError(
                f"{self.path}: the output folder is a symbolic link (to "
                f"{os.readlink(self.path)}); pass --follow-symlinks to write where it points"
            )
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise OutputError(
                f"{self.path}: cannot create the output folder: {err.strerror or err}"
            ) from None
        try:
            self._lock_fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as err:
            raise OutputError(f"{self.path / LOCK}: cannot write: {err.strerror or err}") from None
        with self._locked():
            self._recover()
            self._sweep()

    def close(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        assert self._lock_fd is not None, "OutputFolder used before open()"
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _sweep(self) -> None:
        """Remove staging files of runs that are gone: only names aftersales makes, only ones
        older than this run, only ones nobody holds open (locked). Called under the lock, after
        the journals are rolled back, so any backup left is an orphan."""
        for entry in os.scandir(self.path):
            name = entry.name
            ours = _STATE.match(name)
            if not (ours or _OLD_PART.match(name)) or not entry.is_file(follow_symlinks=False):
                continue
            if ours and ours.group(1) == "journal":
                continue  # rolled back by _recover, never just deleted
            if ours and ours.group(1) == "bak":
                Path(entry.path).unlink(missing_ok=True)
                continue
            if entry.stat(follow_symlinks=False).st_mtime >= self.started:
                continue
            with contextlib.suppress(OSError):
                fd = os.open(entry.path, os.O_RDONLY | os.O_CLOEXEC)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails if a writer lives
                    Path(entry.path).unlink(missing_ok=True)
                finally:
                    os.close(fd)

    # -- the manifest -----------------------------------------------------------------------

    def records(self) -> dict[str, Record]:
        """The manifest: file name -> what aftersales wrote there."""
        file = self.path / MANIFEST
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            return {str(k): Record.load(v) for k, v in data["files"].items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
            if self.force:
                return {}
            raise OutputError(
                f"{file}: cannot read the record of written files ({err}); --force starts a new one"
            ) from None

    def _write_records(self, records: Mapping[str, Record]) -> None:
        listing = {e.name for e in os.scandir(self.path)}
        files = {k: v.dump() for k, v in sorted(records.items()) if k in listing}
        data = json.dumps({"version": 1, "files": files}, ensure_ascii=False, indent=1)
        fd, tmp = _create_staging(self.path)
        try:
            _write_all(fd, (data + "\n").encode())
            os.replace(tmp, self.path / MANIFEST)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            os.close(fd)

    # -- conflicts ----------------------------------------------------------------------------

    def problems(self, wanted: Mapping[str, str]) -> list[str]:
        """Why writing each file name in `wanted` (name -> source) would replace something it
        must not; nothing with --force except what cannot be replaced at all (a folder)."""
        with self._locked():
            return self._problems(self.records(), wanted)

    def _problems(self, records: Mapping[str, Record], wanted: Mapping[str, str]) -> list[str]:
        on_disk: dict[str, list[os.DirEntry[str]]] = {}
        for entry in os.scandir(self.path):
            on_disk.setdefault(entry.name.casefold(), []).append(entry)
        out = []
        for name, source in wanted.items():
            here = self.path / name
            for entry in sorted(on_disk.get(name.casefold(), []), key=lambda e: e.name):
                record = records.get(entry.name)
                other = self.path / entry.name
                same = entry.name == name
                if entry.is_dir(follow_symlinks=False):
                    out.append(f"{other}: is a folder where aftersales would write {name}")
                elif self.force:
                    continue
                elif entry.is_symlink():
                    out.append(
                        f"{other}: is a symbolic link (to {os.readlink(other)}); aftersales "
                        "never writes through a link in the output folder (remove it, or "
                        "--force replaces the link itself)"
                    )
                elif record is None:
                    out.append(
                        f"{here}: exists and was not written by aftersales (no record in "
                        f"{MANIFEST}); --force replaces it"
                        if same
                        else f"{here}: would be the same file as {entry.name}, which "
                        "aftersales did not write, on a case-insensitive file system; "
                        "--force writes it anyway"
                    )
                elif record.source != source:
                    out.append(
                        f"{here}: {entry.name} was written from {record.source}; this run "
                        f"would write it from {source} (rename one project, or --force)"
                    )
                elif same and _sha256(other) != record.sha256:
                    out.append(
                        f"{here}: changed since aftersales wrote it ({record.written}); "
                        "edited by hand? --force replaces it"
                    )
        return out

    # -- committing a set -----------------------------------------------------------------------

    def commit(
        self, files: Sequence[tuple[str, bytes]], source: str, overlays: Sequence[str] = ()
    ) -> list[Path]:
        """Write `files` (name, bytes) as one set: all of them replace their names, or, if
        anything fails, none of the previous files is replaced."""
        for name, _ in files:
            if "/" in name or "\0" in name or name in ("", ".", "..") or name.startswith("."):
                raise ValueError(f"output name {name!r} leaves the output folder or hides")
        with self._locked(), _signals_held():
            self._recover()
            records = self.records()
            problems = self._problems(records, {name: source for name, _ in files})
            if problems:
                raise OutputError("\n".join(problems))
            self._commit(files, source, tuple(overlays), records)
        return [self.path / name for name, _ in files]

    def _commit(
        self,
        files: Sequence[tuple[str, bytes]],
        source: str,
        overlays: tuple[str, ...],
        records: dict[str, Record],
    ) -> None:
        staged: list[Path] = []
        journal: Path | None = None
        committed = False
        set_id = secrets.token_hex(8)
        try:
            entries = []
            for name, data in files:
                fd, tmp = _create_staging(self.path)
                staged.append(tmp)
                try:
                    _write_all(fd, data)
                finally:
                    os.close(fd)
                backup = self.path / f".aftersales-{secrets.token_hex(8)}.bak"
                digest = hashlib.sha256(data).hexdigest()
                entries.append(
                    {"target": name, "staged": tmp.name, "backup": backup.name, "sha256": digest}
                )
            journal = self._write_journal(entries)
            for entry in entries:
                target = self.path / entry["target"]
                if os.path.lexists(target):
                    try:
                        os.link(target, self.path / entry["backup"], follow_symlinks=False)
                    except OSError:  # no hard links here (FAT, some shares): move it aside
                        os.replace(target, self.path / entry["backup"])
                os.replace(self.path / entry["staged"], target)
            _sync_folder(self.path)
            now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
            for entry in entries:
                records[entry["target"]] = Record(source, entry["sha256"], now, overlays, set_id)
            self._write_records(records)
            committed = True
            for entry in entries:
                (self.path / entry["backup"]).unlink(missing_ok=True)
            journal.unlink()
            _sync_folder(self.path)
        except BaseException as err:
            if journal is not None and not committed:
                self._roll_back(journal)
            for tmp in staged:
                tmp.unlink(missing_ok=True)
            if isinstance(err, OSError):
                names = ", ".join(name for name, _ in files)
                raise OutputError(
                    f"{self.path}: cannot write {names}: {err.strerror or err}; the previous "
                    "files are kept"
                ) from None
            raise

    def _write_journal(self, entries: list[dict[str, str]]) -> Path:
        fd, tmp = _create_staging(self.path)
        try:
            _write_all(fd, json.dumps({"version": 1, "entries": entries}).encode())
            journal = tmp.with_suffix(".journal")
            os.replace(tmp, journal)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            os.close(fd)
        _sync_folder(self.path)
        return journal

    def _recover(self) -> None:
        """Roll back every set a killed run left half-renamed (called with the folder locked,
        so any journal here belongs to a process that is gone)."""
        for journal in sorted(self.path.glob(".aftersales-*.journal")):
            if _STATE.match(journal.name):
                self._roll_back(journal)

    def _roll_back(self, journal: Path) -> None:
        try:
            entries = json.loads(journal.read_text(encoding="utf-8"))["entries"]
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise OutputError(
                f"{journal}: unreadable journal of an interrupted run: {err}"
            ) from None
        try:
            records = self.records()
        except OutputError:
            records = {}
        done = all(
            (r := records.get(e["target"])) is not None and r.sha256 == e["sha256"] for e in entries
        )
        for entry in entries:
            target = self.path / entry["target"]
            staged = self.path / entry["staged"]
            backup = self.path / entry["backup"]
            if done:  # the manifest has the set: it was complete, only the cleanup was cut
                staged.unlink(missing_ok=True)
                backup.unlink(missing_ok=True)
            elif os.path.lexists(staged):  # never renamed
                staged.unlink()
                if os.path.lexists(backup):
                    if os.path.lexists(target):
                        backup.unlink()
                    else:  # moved aside, not linked: put it back
                        os.replace(backup, target)
            elif os.path.lexists(backup):  # renamed over an earlier file: restore it
                os.replace(backup, target)
            elif _sha256(target) == entry["sha256"]:  # renamed to a new name: remove it
                target.unlink()
        _sync_folder(self.path)
        journal.unlink()


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, checked to stay inside `folder`."""
    target = (folder / name).resolve()
    if target.parent != folder.resolve():
        raise ValueError(f"output name {name!r} leaves the output folder")
    return target

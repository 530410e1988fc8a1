"""`validate`: check many files of any kind and report every problem of every file at once."""

from collections.abc import Callable, Sequence
from pathlib import Path

from generator.app.preflight import preflight_file
from generator.errors import InputError, Location, Problem
from generator.profiles.loading import load_any
from generator.tender.loading import FILE_MODELS


def validate_files(
    files: Sequence[Path], on_warning: Callable[[Problem], None] | None = None
) -> list[tuple[str, str, str]]:
    """Rows (file, kind, name) for valid files; raises InputError with all problems otherwise.
    Each file also gets the pre-flight `render` runs (`on_warning` hears its warnings)."""
    rows: list[tuple[str, str, str]] = []
    problems: list[Problem] = []
    for path in files:
        if path.is_dir():
            problems.append(Problem(Location(str(path)), "", "is a folder; name the YAML files"))
            continue
        try:
            kind, model = load_any(path, FILE_MODELS)
            found = preflight_file(path, kind)
            problems.extend(found.errors)
            for warning in found.warnings:
                if on_warning is not None:
                    on_warning(warning)
        except InputError as err:
            problems.extend(err.problems)
            continue
        rows.append((str(path), kind, _name(model)))
    if problems:
        raise InputError(problems)
    return rows


def _name(model: object) -> str:
    for attr in ("project", "name", "customer"):
        value = getattr(model, attr, None)
        value = getattr(value, "project_name", value)
        if isinstance(value, str):
            return value
    return ""

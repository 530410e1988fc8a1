"""`validate`, and the guardrails every command runs before it says a profile is fine.

`review` is the one place `validate`, `explain`, `render` and `check` learn whether a profile
may be written into a letter: a promise beyond the company's capacity that no approval covers
is an error (exit 1); a placeholder a reader would see (某某, XX, ____, TODO, 待定, 示例) is a
warning, an error with `final`; a bid for goods that lacks a core promise is a warning.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.app.preflight import preflight_file
from generator.errors import Findings, InputError, Location, Problem, RefusedError
from generator.locale import Locale, get_locale
from generator.profiles.loading import Resolved, load_file, load_profile
from generator.profiles.placeholders import (
    Placeholder,
    missing_promises,
    placeholders,
    profile_placeholders,
)
from generator.profiles.yamlreader import dotted
from generator.tender.capacity import capacity_problems, capacity_review
from generator.tender.loading import FILE_MODELS

__all__ = ["Review", "Validated", "review", "review_files", "validate_files"]


@dataclass(frozen=True)
class Review(Findings):
    """What the guardrails found in one profile: warnings are placeholders (without `final`)
    and missing core promises; errors, promises beyond a capacity limit without a covering
    approval and placeholders with `final`, refuse with RefusedError (exit 1)."""

    error = RefusedError


@dataclass(frozen=True)
class Validated:
    """`validate`'s outcome: a row (file, kind, name) per file and the guardrails' findings."""

    rows: list[tuple[str, str, str]]
    review: Review


def review(
    resolved: Resolved,
    *,
    final: bool = False,
    language: str | None = None,
    capacity: bool = True,
) -> Review:
    """The guardrails of one resolved profile, worded in `language` (default: the project's).
    `capacity=False` leaves the limits to the caller (`check` reports them as findings)."""
    say = get_locale(language or resolved.profile.project.language)
    errors: list[Problem] = []
    if capacity:
        errors.extend(capacity_problems(capacity_review(resolved), say))
    found = [
        _placeholder(p, resolved.where(p.path), resolved.keyed(p.path), say)
        for p in profile_placeholders(resolved.profile)
    ]
    warnings = [] if final else found
    if final:
        errors.extend(found)
    missing = missing_promises(resolved.profile)
    if missing:
        promises = [say.text(f"guardrail.promise.{m.replace('.', '_')}") for m in missing]
        warnings.append(
            Problem(
                resolved.where("project_name"),  # the project's letter, whoever's defaults
                "commitments",
                say.text("guardrail.missing", promises=promises),
            )
        )
    return Review(_unique(warnings), _unique(errors))


def review_files(
    project: Path,
    overlays: Sequence[Path] = (),
    sets: Sequence[str] = (),
    *,
    final: bool = False,
    language: str | None = None,
    capacity: bool = True,
) -> Review:
    """`review` of a project loaded with its overlays and `--set` values."""
    resolved = load_profile(project, overlays, sets)
    return review(resolved, final=final, language=language, capacity=capacity)


def _placeholder(p: Placeholder, where: Location, path: str, say: Locale) -> Problem:
    return Problem(where, path, say.text("guardrail.placeholder", token=p.token, text=p.text))


def validate_files(
    files: Sequence[Path], *, final: bool = False, language: str | None = None
) -> Validated:
    """Every file checked on its own (a project resolved with its company, and reviewed);
    raises InputError with all problems of all files at once."""
    rows: list[tuple[str, str, str]] = []
    problems: list[Problem] = []
    found = Review()
    for path in files:
        if path.is_dir():
            problems.append(Problem(Location(str(path)), "", "is a folder; name the YAML files"))
            continue
        try:
            kind, model, doc = load_file(path, FILE_MODELS)
            checked = preflight_file(path, kind)  # what render would refuse, refused here too
            problems.extend(checked.errors)
            found += Review(checked.warnings)
            if kind == "project":
                resolved = load_profile(path)
                found += review(resolved, final=final, language=language)
                model = resolved.profile
            elif kind in ("company", "overlay"):
                say = get_locale(language or "zh-Hans")
                where = {dotted(p): loc for p, loc in doc.where.items()}
                said = [
                    _placeholder(p, where.get(p.path, Location(doc.file)), p.path, say)
                    for p in placeholders(doc.data)  # as written: a layer may be partial
                ]
                found += Review((), tuple(said)) if final else Review(tuple(said))
        except InputError as err:
            problems.extend(err.problems)
            continue
        rows.append((str(path), kind, _name(model)))
    if problems:
        raise InputError(problems)
    return Validated(rows, Review(_unique(found.warnings), _unique(found.errors)))


def _unique(problems: Sequence[Problem]) -> tuple[Problem, ...]:
    """One problem per place and message: a company's placeholder is found in the company
    file and again through each project that uses it (under `company.`)."""
    seen: dict[tuple[Location, str], Problem] = {}
    for p in sorted(problems, key=lambda p: (p.location, len(p.path))):
        seen.setdefault((p.location, p.message), p)
    return tuple(sorted(seen.values()))


def _name(model: object) -> str:
    for attr in ("project", "name", "customer"):
        value = getattr(model, attr, None)
        value = getattr(value, "project_name", value)
        if isinstance(value, str):
            return value
    return ""

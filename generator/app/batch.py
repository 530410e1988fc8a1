"""Render many letters: load every profile first (all input errors at once), then compose and
render each in a worker process, writing every file atomically."""

import functools
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import InputError, Location, OutputError, Problem
from generator.locale import get_locale
from generator.profiles.loading import Resolved, load_profile
from generator.render.output import (
    MAX_NAME_BYTES,
    distinct_stems,
    fit_name,
    inside,
    safe_stem,
    write_atomic,
)
from generator.tender.loading import load_tender

if TYPE_CHECKING:
    from generator.letter.document import Letter
    from generator.tender.model import TenderFile

FORMATS = ("docx", "pdf", "html")


@dataclass(frozen=True)
class Job:
    """One letter to make: a project with its overlays and overrides (and a tender, if any)."""

    project: Path
    overlays: tuple[Path, ...] = ()
    sets: tuple[str, ...] = ()
    tender: Path | None = None
    language: str | None = None
    """overrides the project's `language:` (the CLI's --language)."""

    @property
    def key(self) -> str:
        parts = [str(self.project.resolve()), *map(str, self.overlays), *self.sets]
        return "\0".join([*parts, self.language or ""])

    def language_of(self, resolved: Resolved) -> str:
        return self.language or resolved.profile.project.language


@dataclass(frozen=True)
class Written:
    path: Path
    size: int
    pages: int | None = None


@dataclass(frozen=True)
class Result:
    job: Job
    files: tuple[Written, ...]
    seconds: float
    """time this job took in its worker."""


Tender = tuple["TenderFile", dict[str, Location]]


@dataclass(frozen=True)
class _Task:
    resolved: Resolved
    stem: str
    formats: tuple[str, ...]
    out_dir: Path
    tender: Tender | None = None
    """the tender and where its values are, for the deviation table."""
    language: str = "zh-Hans"


def plan(jobs: Sequence[Job]) -> tuple[list[tuple[Job, Resolved, str]], dict[Path, Tender]]:
    """Load every job (and tender) and name its files; all input problems are raised together."""
    problems: list[Problem] = []
    loaded: list[tuple[Job, Resolved]] = []
    tenders: dict[Path, Tender] = {}
    for job in dict.fromkeys(jobs):  # the same job twice is one letter
        try:
            loaded.append((job, load_profile(job.project, job.overlays, job.sets)))
            if job.tender and job.tender not in tenders:
                tenders[job.tender] = load_tender(job.tender)
        except InputError as err:
            problems.extend(err.problems)
    for _, resolved in loaded:
        problems.extend(glyph_problems(resolved))
        problems.extend(image_problems(resolved))
    for file, (tender, where) in tenders.items():
        texts = _strings(tender.model_dump(mode="json"), "")
        problems.extend(_uncovered(texts, functools.partial(_tender_line, where, file)))
    if problems:
        raise InputError(problems)
    stems = [
        fit_name(
            safe_stem(
                r.profile.project.project_name, r.profile.customer or r.profile.project.customer
            ),
            "",
            _room(job.language_of(r)),
        )
        for job, r in loaded
    ]
    stems = distinct_stems(stems, [job.key for job, _ in loaded])
    return [(job, r, stem) for (job, r), stem in zip(loaded, stems, strict=True)], tenders


def _room(language: str) -> int:
    """Bytes left for the stem beside the longest ending ("-售后服务偏离表.docx") and a
    disambiguating hash, so a long project name is cut, never the kind of document."""
    say = get_locale(language)
    longest = max(len(f"-{say.file_suffix(k)}.docx".encode()) for k in ("letter", "deviation"))
    return MAX_NAME_BYTES - longest - 9


def glyph_problems(resolved: Resolved) -> list[Problem]:
    """Every character of the profile that no embedded font can draw, at its YAML line: a
    letter must never show a box where a promise should be."""
    texts = [
        *_strings(resolved.profile.project.model_dump(mode="json"), ""),
        *_strings(resolved.profile.company.model_dump(mode="json"), "company"),
    ]
    return _uncovered(texts, resolved.where)


def _tender_line(where: dict[str, Location], file: Path, path: str) -> Location:
    return where.get(path, Location(str(file)))


def _uncovered(texts: list[tuple[str, str]], locate: Callable[[str], Location]) -> list[Problem]:
    from generator.render.fonts import uncovered_fields

    return [Problem(locate(path), path, message) for path, message in uncovered_fields(texts)]


def image_problems(resolved: Resolved) -> list[Problem]:
    """A seal or logo that is missing, outside the profile folders, not a PNG/JPEG or too
    large, at the line that names it."""
    from generator.render.assets import AssetRefused, check_image

    problems = []
    company = resolved.profile.company
    for field, value in (("seal_image", company.seal_image), ("logo_image", company.logo_image)):
        if value is None:
            continue
        try:
            check_image(Path(value), resolved.asset_dirs)
        except AssetRefused as err:
            path = f"company.{field}"
            problems.append(Problem(resolved.where(path), path, str(err)))
    return problems


def _strings(value: object, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [s for n, v in enumerate(value) for s in _strings(v, f"{path}[{n}]")]
    return []


def _timed(task: _Task) -> tuple[tuple[Written, ...], float]:
    start = time.perf_counter()
    return _render_task(task), time.perf_counter() - start


def _render_task(task: _Task) -> tuple[Written, ...]:
    """Compose one letter (and its deviation table), render every format, then write them all
    (runs in a worker): a failure in any document leaves no file of this job behind."""
    from generator.letter.compose import compose

    say = get_locale(task.language)
    letter = compose(
        task.resolved.profile, asset_dirs=task.resolved.asset_dirs, language=task.language
    )
    rendered = _render(letter, f"{task.stem}-{say.file_suffix('letter')}", task)
    if task.tender:
        from generator.tender.check import check
        from generator.tender.reports import deviation_letter

        tender, where = task.tender
        result = check(task.resolved, tender, tender_where=where)
        table = deviation_letter(
            result.findings,
            task.resolved.profile,
            tender,
            signature=letter.signature,
            asset_dirs=task.resolved.asset_dirs,
            language=task.language,
        )
        rendered += _render(table, f"{task.stem}-{say.file_suffix('deviation')}", task)
    for path, data, _ in rendered:
        write_atomic(path, data)
    return tuple(Written(path, len(data), pages) for path, data, pages in rendered)


def _render(letter: "Letter", stem: str, task: _Task) -> list[tuple[Path, bytes, int | None]]:
    out: list[tuple[Path, bytes, int | None]] = []
    for fmt in task.formats:
        path = inside(task.out_dir, f"{stem}.{fmt}")
        pages: int | None = None
        if fmt == "docx":
            from generator.render.docxfile import render_docx

            data = render_docx(letter)
        elif fmt == "pdf":
            from generator.render.pdffile import render_pdf_counted

            data, pages = render_pdf_counted(letter)
        else:
            from generator.render.pdffile import render_html

            data = render_html(letter).encode()
        out.append((path, data, pages))
    return out


def render_many(
    jobs: Sequence[Job],
    out_dir: Path,
    formats: Sequence[str] = ("docx", "pdf"),
    workers: int = 1,
    on_result: Callable[[Result], None] | None = None,
    on_notice: Callable[[Problem], None] | None = None,
) -> list[Result]:
    """Render every job into `out_dir`, results in job order; `on_result` is called as each
    job finishes (in whatever order the workers finish), `on_notice` with each warning about
    the input (a removal by an overlay) before anything is rendered."""
    planned, tenders = plan(jobs)
    if on_notice is not None:
        for notice in (n for _, resolved, _ in planned for n in resolved.notices):
            on_notice(notice)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{out_dir}: cannot create the output folder: {err.strerror}") from None
    tasks = [
        _Task(
            r,
            stem,
            tuple(formats),
            out_dir,
            tenders.get(job.tender) if job.tender else None,
            job.language_of(r),
        )
        for job, r, stem in planned
    ]
    if workers <= 1 or len(tasks) == 1:
        results = []
        for (job, _, _), task in zip(planned, tasks, strict=True):
            results.append(Result(job, *_timed(task)))
            if on_result:
                on_result(results[-1])
        return results
    # fork keeps the parent's imports: each worker starts warm instead of importing WeasyPrint.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(
        max_workers=min(workers, len(tasks), os.cpu_count() or 1),
        mp_context=multiprocessing.get_context(method),
    ) as pool:
        futures = {pool.submit(_timed, task): n for n, task in enumerate(tasks)}
        done: dict[int, Result] = {}
        for future in as_completed(futures):
            n = futures[future]
            done[n] = Result(planned[n][0], *future.result())
            if on_result:
                on_result(done[n])
    return [done[n] for n in range(len(tasks))]

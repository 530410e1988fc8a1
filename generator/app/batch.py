"""Render many letters: load every profile first (all input errors at once), then compose and
render each in a worker process; the parent writes each letter's files as one set
(generator.render.output.OutputFolder), so workers never write and die with the parent."""

import dataclasses
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.app.anonymous import anonymous_changes, anonymous_letter, anonymous_profile
from generator.app.platformcheck import Rules, check_file
from generator.app.preflight import (
    Preflight,
    preflight,
    preflight_tender,
    prescribed_format,
    room_problems,
    template_problem,
)
from generator.app.validate import Review, review
from generator.errors import CheckFailed, InputError, Location, OutputError, Problem
from generator.locale import get_locale
from generator.profiles.loading import Resolved, load_profile
from generator.render.limits import Limits
from generator.render.output import MAX_NAME_BYTES, OutputFolder, file_stems
from generator.tender.loading import load_tender

if TYPE_CHECKING:
    from generator.app.diff import Difference
    from generator.letter.document import Letter
    from generator.profiles.models import Format
    from generator.tender.findings import CheckResult, Gate
    from generator.tender.model import TenderFile

DOCUMENT_FORMATS = ("docx", "pdf", "html")
SEAL_JSON = "seal.json"
"""The extra "format" of `render --seal-json`: the PDF's seal area for platform signing
clients, written beside the PDF (it needs "pdf" before it in the formats)."""


@dataclass(frozen=True)
class Job:
    """One letter to make: a project with its overlays and overrides (and a tender, if any)."""

    project: Path
    overlays: tuple[Path, ...] = ()
    sets: tuple[str, ...] = ()
    tender: Path | None = None
    language: str | None = None
    """overrides the project's `language:` (the CLI's --language)."""
    anonymous: bool = False
    """暗标 for this run (the CLI's --anonymous); else the project's `anonymous:` decides."""

    @property
    def key(self) -> str:
        parts = [str(self.project.resolve()), *map(str, self.overlays), *self.sets]
        return "\0".join([*parts, self.language or "", "anonymous" if self.anonymous else ""])

    def language_of(self, resolved: Resolved) -> str:
        return self.language or resolved.profile.project.language

    def anonymous_of(self, resolved: Resolved) -> bool:
        return self.anonymous or resolved.profile.project.anonymous

    @property
    def source(self) -> str:
        """What the output folder's manifest records as the origin of this job's files."""
        return str(self.project.resolve())


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
    tender: Tender | None = None
    """the tender and where its values are, for the deviation table."""
    language: str = "zh-Hans"
    limits: Limits = field(default_factory=Limits)
    changes: "tuple[Difference, ...] | None" = None
    """the promises changed against the company standard, for the 变更说明 (None: none wanted)."""
    anonymous: bool = False
    """暗标: every document of the job identifies nobody (generator.app.anonymous)."""
    docx_template: Path | None = None
    """the company's own .docx the DOCX takes its look from (--docx-template or the company's
    `docx_template:`), checked by the pre-flight."""


def plan(
    jobs: Sequence[Job], limits: Limits | None = None
) -> tuple[list[tuple[Job, Resolved, str]], dict[Path, Tender], tuple[Problem, ...]]:
    """Load every job (and tender), run the pre-flight and name its files; all input problems
    are raised together. Also gives the pre-flight's warnings."""
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
    # The pre-flight validate, explain and check run too (characters, glyphs, images, size).
    found = Preflight()
    for job, resolved in loaded:
        # 暗标 (--anonymous) adds: no value may still name the bidder, in free text too.
        found += preflight(resolved, job.language_of(resolved), limits, anonymous=job.anonymous)
    for file, (tender, where) in tenders.items():
        languages = {j.language_of(r) for j, r in loaded if j.tender == file}
        found += preflight_tender(tender.model_dump(mode="json"), where, file, sorted(languages))
    problems.extend(found.errors)
    if problems:
        raise InputError(problems)
    # A letter and its 偏离表 name one tenderer, project, number and vocabulary.
    for n, (job, resolved) in enumerate(loaded):
        if job.tender:
            agreed, disagree = agree(resolved, *tenders[job.tender], job.tender)
            loaded[n] = (job, agreed)
            problems.extend(disagree)
    if problems:
        raise InputError(problems)
    languages = {job.language_of(r) for job, r in loaded}
    suffixes = sorted(
        {
            get_locale(lang).file_suffix(k)
            for lang in languages
            for k in ("letter", "deviation", "change")
        }
    )
    stems = name_stems(
        [
            (r.profile.project.project_name, r.profile.customer or r.profile.project.customer)
            for _, r in loaded
        ],
        [job.key for job, _ in loaded],
        suffixes,
    )
    named = [(job, r, stem) for (job, r), stem in zip(loaded, stems, strict=True)]
    return named, tenders, found.warnings


_AGREE = (("tenderer", "tenderer"), ("tender_number", "number"), ("project_name", "name"))


def _same(a: str, b: str) -> bool:
    # Width and blanks are how people type, not what they mean: ＮＸ-0117 is NX-0117.
    def fold(text: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))

    return fold(a) == fold(b)


def agree(
    resolved: Resolved, tender: "TenderFile", where: dict[str, Location], file: Path
) -> tuple[Resolved, list[Problem]]:
    """The project as the letter beside a 偏离表 must say it: the tenderer, tender number and
    procurement method the project leaves out are taken from the tender; a project name,
    tenderer, number or method that differs from the tender's is an input error, located
    at both files."""
    project = resolved.profile.project
    update: dict[str, object] = {}
    problems: list[Problem] = []
    pairs: list[tuple[str, str, object, object]] = [
        (mine, theirs, getattr(project, mine), getattr(tender, theirs)) for mine, theirs in _AGREE
    ]
    method_given = "method" in where
    pairs.append(("method", "method", project.method, tender.method if method_given else None))
    for mine, theirs, ours, their in pairs:
        if their is None:
            continue
        given = mine in resolved.provenance
        if not given:
            update[mine] = their
        elif ours is not None and not _same(str(ours), str(their)):
            at = where.get(theirs, Location(str(file)))
            problems.append(
                Problem(
                    resolved.where(mine),
                    mine,
                    f'"{ours}" differs from the tender\'s {theirs} "{their}" ({at}); '
                    "the letter and the deviation table must name the same",
                )
            )
    if update and not problems:
        profile = resolved.profile.model_copy(update={"project": project.model_copy(update=update)})
        resolved = dataclasses.replace(resolved, profile=profile)
    return resolved, problems


def gate_lines(result: "CheckResult", gate: "Gate", language: str) -> list[str]:
    """Why a 偏离表 cannot be written, as `check` lists failures: every item failing `gate`,
    then every 未响应 / 不可比 item the project has not answered."""
    from generator.tender.reports import verdict_word

    say = get_locale(language)
    lines = result.failures(gate, say)
    failing = {id(f) for f in result.findings if f.fails(gate)}
    for f in result.unanswered():
        if id(f) not in failing:
            word = verdict_word(f.verdict, result.tender, say)
            lines.append(say.text("gate.unanswered", clause=f.requirement.clause, verdict=word))
    return lines


def name_stems(
    texts: Sequence[tuple[str | None, ...]], keys: Sequence[str], suffixes: Sequence[str]
) -> list[str]:
    """File name stems: room is left for the longest ending (e.g. "-售后服务偏离表.docx"), so a
    long project name is cut (and marked with a hash), never the kind of document."""
    room = MAX_NAME_BYTES - max(len(f"-{suffix}.docx".encode()) for suffix in suffixes)
    return file_stems(texts, keys, room)


def file_names(stem: str, suffix: str, formats: Sequence[str]) -> list[str]:
    return [f"{stem}-{suffix}.{fmt}" for fmt in formats]


Rendered = tuple[tuple[str, bytes, int | None], ...]
"""A job's files before they are written: name, bytes, pages (PDF)."""


def _timed(task: _Task) -> tuple[Rendered, float]:
    start = time.perf_counter()
    return _render_task(task), time.perf_counter() - start


def _render_task(task: _Task) -> Rendered:
    """Compose one letter (and its deviation table) and render every format, in memory (runs
    in a worker): the parent writes them as one set."""
    from generator.letter.compose import compose

    say = get_locale(task.language)
    profile = task.resolved.profile
    if task.anonymous:  # the documents are made from the profile without who the bidder is
        profile = anonymous_profile(profile, say)
    letter = compose(profile, asset_dirs=task.resolved.asset_dirs, language=task.language)
    if task.anonymous:
        letter = anonymous_letter(letter)
    rendered = _render(letter, f"{task.stem}-{say.file_suffix('letter')}", task)
    if task.tender:
        from generator.tender.check import check
        from generator.tender.reports import deviation_letter

        tender, where = task.tender
        result = check(task.resolved, tender, tender_where=where)
        table = deviation_letter(
            result.findings,
            profile,
            tender,
            signature=letter.signature,
            asset_dirs=task.resolved.asset_dirs,
            language=task.language,
        )
        if task.anonymous:
            table = anonymous_letter(table)
        rendered += _render(table, f"{task.stem}-{say.file_suffix('deviation')}", task)
    if task.changes is not None:
        from generator.app.changenote import change_note

        shown = dataclasses.replace(task.resolved, profile=profile)
        changes = anonymous_changes(task.changes) if task.anonymous else task.changes
        note = change_note(changes, shown, letter.signature, task.language)
        if task.anonymous:
            note = anonymous_letter(note)
        rendered += _render(note, f"{task.stem}-{say.file_suffix('change')}", task)
    return tuple(rendered)


def _format(task: _Task) -> "Format | None":
    """The profile's `format:` (company < project), with the fields a tender prescribes over
    it when rendering with --tender."""
    return prescribed_format(
        task.resolved.profile.project.format, task.tender[0].format if task.tender else None
    )


def _render(letter: "Letter", stem: str, task: _Task) -> list[tuple[str, bytes, int | None]]:
    # The letter, its 偏离表 and 变更说明 share the profile's format (fonts, page, header).
    letter = dataclasses.replace(letter, format=_format(task), docx_template=task.docx_template)
    out: list[tuple[str, bytes, int | None]] = []
    seal_json = b""
    for fmt in task.formats:
        name = f"{stem}.{fmt}"
        pages: int | None = None
        if fmt == "docx":
            from generator.render.docxfile import render_docx

            data = render_docx(letter)
        elif fmt == "pdf":
            from generator.render.pdffile import render_pdf_result
            from generator.render.sealfield import no_seal_json

            fonts = get_locale(letter.language).fonts("pdf")
            result = render_pdf_result(letter, fonts, limits=task.limits)
            data, pages = result.data, result.pages
            seal_json = result.seal.as_json(name) if result.seal else no_seal_json(name)
        elif fmt == SEAL_JSON:
            data = seal_json
        else:
            from generator.render.pdffile import render_html

            data = render_html(letter, get_locale(letter.language).fonts("pdf")).encode()
        out.append((name, data, pages))
    return out


def _commit(folder: OutputFolder, job: Job, rendered: Rendered, seconds: float) -> Result:
    paths = folder.commit(
        [(name, data) for name, data, _ in rendered], job.source, [str(p) for p in job.overlays]
    )
    written = (
        Written(path, len(data), pages)
        for path, (_, data, pages) in zip(paths, rendered, strict=True)
    )
    return Result(job, tuple(written), seconds)


def render_many(
    jobs: Sequence[Job],
    out_dir: Path,
    formats: Sequence[str] = ("docx", "pdf"),
    workers: int = 1,
    on_result: Callable[[Result], None] | None = None,
    on_notice: Callable[[Problem], None] | None = None,
    *,
    force: bool = False,
    follow_symlinks: bool = False,
    final: bool = False,
    gate: "Gate | None" = None,
    allow_deviations: bool = False,
    on_warning: Callable[[str], None] | None = None,
    limits: Limits | None = None,
    change_note: bool = False,
    platform: Rules | None = None,
    docx_template: Path | None = None,
) -> list[Result]:
    """Render every job into `out_dir`, results in job order; `on_result` is called as each
    job's files are written (in whatever order the workers finish), `on_notice` with each
    warning about the input (a removal by an overlay, a placeholder, a missing core promise)
    before anything is rendered. Nothing is rendered when a guardrail refuses (RefusedError,
    exit 1): a promise beyond the company's capacity without a covering approval, or a
    placeholder with `final`.

    Nothing is rendered when a file would replace one from another project, one edited since
    it was written, or one aftersales did not write (unless `force`); see OutputFolder.

    `change_note` adds each letter's 变更说明: its promises against the project without the
    job's overlays and `--set` (the company standard), in the letter's formats.

    `platform` checks each PDF and DOCX written for what e-bidding platforms reject
    (generator.app.platformcheck) and says each finding through `on_warning`.
    `docx_template` (the CLI's --docx-template) is the company's own .docx every DOCX takes
    its look from, over the company's `docx_template:`; it is checked before anything else.
    """
    notes: list[Problem] = []
    if docx_template is not None:  # the PDF follows it too
        notes = template_problem(docx_template, Location(str(docx_template)), "--docx-template")
    planned, tenders, warnings = plan(jobs, limits)
    # The format each letter is laid out in (a tender's fields, the company template's look
    # over the profile's) leaves room for a letter: said before anything is rendered.
    room = [
        problem
        for job, resolved, _ in planned
        if (job.tender and tenders[job.tender][0].format) or docx_template
        for problem in room_problems(
            resolved,
            _prescription(tenders[job.tender]) if job.tender else None,
            docx_template or _company_template(resolved),
            None if docx_template else resolved.where("company.docx_template"),
        )
    ]
    if room:
        raise InputError(room)
    # The guardrails, as validate/explain/check apply them: nothing is written when one refuses.
    found = Review()
    for job, resolved, _ in planned:
        found += review(resolved, final=final, language=job.language_of(resolved))
    if on_notice is not None:
        for notice in (n for _, resolved, _ in planned for n in resolved.notices):
            on_notice(notice)
        for notice in (*notes, *warnings, *found.warnings):
            on_notice(notice)
    found.raise_errors()
    if docx_template is not None and any(job.anonymous_of(r) for job, r, _ in planned):
        # A company template's header and footer are its letterhead: a 暗标 identifies nobody.
        say = get_locale(planned[0][0].language_of(planned[0][1]))
        where = Location(str(docx_template))
        raise InputError([Problem(where, "--docx-template", say.text("anonymous.template"))])
    _gate(planned, tenders, gate, allow_deviations, on_notice, on_warning)
    tasks = [
        _Task(
            r,
            stem,
            tuple(formats),
            tenders.get(job.tender) if job.tender else None,
            job.language_of(r),
            limits or Limits(),
            _changes(job, r) if change_note else None,
            job.anonymous_of(r),
            docx_template or _company_template(r),
        )
        for job, r, stem in planned
    ]
    with OutputFolder(out_dir, force=force, follow_symlinks=follow_symlinks) as folder:
        wanted = {
            name: job.source
            for (job, _, _), task in zip(planned, tasks, strict=True)
            for suffix in _suffixes(task)
            for name in file_names(task.stem, suffix, task.formats)
        }
        problems = folder.problems(wanted)
        if problems:
            raise OutputError("\n".join(problems))
        if workers <= 1 or len(tasks) == 1:
            results = []
            for (job, _, _), task in zip(planned, tasks, strict=True):
                results.append(_commit(folder, job, *_timed(task)))
                if on_result:
                    on_result(results[-1])
        else:
            results = _render_parallel(folder, planned, tasks, workers, on_result)
    if platform is not None and on_warning is not None:
        languages = [task.language for task in tasks]
        for result, language in zip(results, languages, strict=True):
            for line in platform_warnings(result, platform, language):
                on_warning(line)
    return results


def platform_warnings(result: Result, rules: Rules, language: str) -> list[str]:
    """What an e-bidding platform would reject in the files just written (`render` warns)."""
    say = get_locale(language)
    return [
        say.text("platform.warning", file=str(w.path), problem=say.say(message))
        for w in result.files
        if w.path.suffix in (".pdf", ".docx")
        for message in check_file(w.path, rules)
    ]


def _prescription(
    entry: "tuple[TenderFile, dict[str, Location]]",
) -> "tuple[Format, dict[str, Location]] | None":
    tender, where = entry
    return None if tender.format is None else (tender.format, where)


def _company_template(resolved: Resolved) -> Path | None:
    given = resolved.profile.company.docx_template
    return Path(given) if given else None


def _gate(
    planned: Sequence[tuple[Job, Resolved, str]],
    tenders: dict[Path, Tender],
    gate: "Gate | None",
    allow: bool,
    on_notice: Callable[[Problem], None] | None,
    on_warning: Callable[[str], None] | None,
) -> None:
    """`render --tender` is a gate: the check runs first, with the rules of `check`, and
    nothing is written when it fails or a row is unanswered, unless `allow`."""
    from generator.tender.check import check
    from generator.tender.findings import Gate

    refused: list[str] = []
    allowed: list[str] = []
    for job, resolved, _ in planned:
        if not job.tender:
            continue
        tender, where = tenders[job.tender]
        result = check(resolved, tender, tender_where=where)
        if on_notice is not None:
            for notice in result.notices:
                on_notice(notice)
        lines = gate_lines(result, gate or Gate.DEFAULT, job.language_of(resolved))
        say = get_locale(job.language_of(resolved))
        if lines and allow:
            allowed += [*lines, say.text("gate.allowed", n=len(lines))]
        elif lines:
            refused += [*lines, say.text("gate.refused", n=len(lines))]
    if refused:
        raise CheckFailed("\n".join(refused))
    if on_warning is not None:
        for line in allowed:
            on_warning(line)


def _changes(job: Job, resolved: Resolved) -> "tuple[Difference, ...]":
    """The job's promises against the company standard (the project alone)."""
    from generator.app.diff import diff_profiles

    standard = load_profile(job.project)
    return tuple(diff_profiles(standard, resolved, job.language_of(resolved)))


def _suffixes(task: _Task) -> list[str]:
    say = get_locale(task.language)
    kinds = ["letter", *(["deviation"] if task.tender else [])]
    kinds += ["change"] if task.changes is not None else []
    return [say.file_suffix(k) for k in kinds]


def _render_parallel(
    folder: OutputFolder,
    planned: Sequence[tuple[Job, Resolved, str]],
    tasks: Sequence[_Task],
    workers: int,
    on_result: Callable[[Result], None] | None,
) -> list[Result]:
    # fork keeps the parent's imports: each worker starts warm instead of importing WeasyPrint.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(tasks), os.cpu_count() or 1),
        mp_context=multiprocessing.get_context(method),
        initializer=_worker_start,
        initargs=(os.getpid(),),
    )
    others = set(multiprocessing.active_children())
    mine: list[multiprocessing.process.BaseProcess] = []
    try:
        futures = {pool.submit(_timed, task): n for n, task in enumerate(tasks)}
        # The pool starts its workers while tasks are submitted; only these are ever killed.
        mine = [p for p in multiprocessing.active_children() if p not in others]
        done: dict[int, Result] = {}
        for future in as_completed(futures):
            n = futures[future]
            done[n] = _commit(folder, planned[n][0], *future.result())
            if on_result:
                on_result(done[n])
    except BaseException:
        # Ctrl-C, SIGTERM or a failed letter: stop the other letters now rather than wait.
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in mine or set(multiprocessing.active_children()) - others:
            worker.kill()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [done[n] for n in range(len(tasks))]


def _worker_start(parent: int) -> None:
    """In each worker: Ctrl-C is the parent's to handle (it stops the workers), and a worker
    dies with its parent, even one killed with SIGKILL, instead of rendering on unseen."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    watched = False
    if sys.platform == "linux":
        import ctypes  # only in workers

        libc = ctypes.CDLL(None, use_errno=True)
        watched = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    if not watched:  # elsewhere: look for the parent every half second
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)

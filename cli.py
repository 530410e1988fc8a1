"""The `aftersales` command: parse options, call one library function, map the outcome to an
exit code. The only module that imports click.

Exit codes: 0 success; 1 the tender check failed or a guardrail refused (a promise beyond
capacity without approval, a placeholder with --final); 2 bad input (files, options); 70 a bug;
130 interrupted (Ctrl-C, SIGINT), 141 the reader went away (a broken pipe, e.g. `| head`),
143 terminated (SIGTERM).
"""

import io
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import click

from generator import __version__
from generator.errors import GeneratorError, InputError, Location, Problem, escape

if TYPE_CHECKING:
    from generator.tender.findings import Gate

P = ParamSpec("P")
R = TypeVar("R")


def _color() -> bool | None:
    # None lets click decide (colour only on a terminal); NO_COLOR turns it off everywhere.
    return False if os.environ.get("NO_COLOR") else None


def _say(text: str, *, err: bool = False, **style: Any) -> None:
    click.echo(click.style(text, **style) if style else text, err=err, color=_color())


_signalled: list[int] = []


def _on_signal(signum: int, _frame: object) -> None:
    # Remembered, so that an interrupt a library turned into another error is still reported
    # as the interrupt it was.
    _signalled.append(signum)
    raise KeyboardInterrupt


def _interrupted() -> NoReturn:
    signum = _signalled[0] if _signalled else signal.SIGINT
    _say(f"interrupted ({signal.Signals(signum).name}); no file was left half-written", err=True)
    sys.exit(128 + signum)


def _guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Turn every GeneratorError into its message and exit code; never show a traceback.
    SIGINT and SIGTERM exit 128 + the signal (130, 143) once written files are complete."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        _signalled.clear()
        previous = {}
        if threading.current_thread() is threading.main_thread():
            previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            return func(*args, **kwargs)
        except KeyboardInterrupt:
            _interrupted()
        except BrokenPipeError:
            # The reader went away (`aftersales check … | head`): not a bug. Later writes to the
            # closed pipe are dropped, and the exit is the shell's for SIGPIPE (128 + 13).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except GeneratorError as err:
            if _signalled:
                _interrupted()
            for line in str(err).splitlines():
                _say(line, err=True, fg="red")
            sys.exit(err.exit_code)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except Exception as err:  # a bug: say so plainly, still without a traceback
            if _signalled:
                _interrupted()
            _say(f"internal error: {type(err).__name__}: {err}", err=True, fg="red")
            _say("this is a bug in aftersales; please report it with the input", err=True)
            sys.exit(70)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    return wrapper


class Context:
    def __init__(self, verbosity: int) -> None:
        self.verbosity = verbosity

    def info(self, text: str, **style: Any) -> None:
        if self.verbosity >= 0:
            _say(text, err=True, **style)

    def debug(self, text: str) -> None:
        if self.verbosity > 0:
            _say(text, err=True, dim=True)


pass_ctx = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="aftersales")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and requested output.")
@click.option("-v", "--verbose", is_flag=True, help="Print more detail on stderr.")
@click.pass_context
def main(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """After-sales service commitment letters (售后服务承诺书) from YAML profiles.

    \b
    Exit codes: 0 success, 1 tender check failed (check, render --tender) or a promise
    refused (beyond capacity without approval; a placeholder with --final), 2 bad input,
    70 internal error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM), 141 the reader of
    the output went away (| head).
    Colour follows the terminal; set NO_COLOR=1 to turn it off.
    """
    ctx.obj = Context(-1 if quiet else (1 if verbose else 0))


def _final_option(func: Callable[P, R]) -> Callable[P, R]:
    return click.option(
        "--final",
        is_flag=True,
        help="Refuse (exit 1) a placeholder a reader would see (某某, XX, ____, TODO, 待定, 示例) "
        "instead of warning about it: for letters about to be sent, and for CI.",
    )(func)


def _warn(problems: Sequence[Problem], quiet: bool = False) -> None:
    """Warnings on stderr, `warning: file:line:col: path: message`, never in a document."""
    if not quiet:
        for problem in problems:
            _say(f"warning: {problem}", err=True, fg="yellow")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_final_option
@pass_ctx
@_guarded
def validate(ctx: Context, files: Sequence[Path], final: bool) -> None:
    """Validate profile, overlay and tender FILES (any kind; the kind is declared in the file).

    Every problem in every file is reported, one per line, as file:line:col: field: message.
    A project is also held to the company's capacity limits (a promise beyond one without an
    approval covering it exits 1); placeholders and missing core promises are warnings
    (placeholders exit 1 with --final). The pre-flight of render runs too: characters
    (control and bidi characters refused, invisible ones refused in names and left out of
    free text with a warning), glyphs no PDF font has, seal and logo images, and the page
    limit.
    """
    from generator.app.validate import validate_files

    validated = validate_files(files, final=final)
    _warn(validated.review.warnings, ctx.verbosity < 0)
    validated.review.raise_errors()
    rows = [(escape(file), kind, escape(name)) for file, kind, name in validated.rows]
    if ctx.verbosity >= 0:
        from generator.terminal import format_table

        _say(format_table(["file", "kind", "name"], rows))
        ctx.info(f"{len(rows)} file(s) valid", fg="green")


@main.command()
@click.argument("kind", type=click.Choice(["company", "project", "overlay", "tender", "profile"]))
@_guarded
def schema(kind: str) -> None:
    """Print the JSON Schema (draft-07) of a KIND of file, for editors and CI.

    `profile` is another name for `project`. Every commitment path is enumerated with its
    term and kind, and a tender requirement's comparator is offered per path.
    """
    from generator.tender.catalog import file_schema_text

    click.echo(file_schema_text(kind), nl=False)


@main.command()
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "markdown"]),
    help="Output format.",
)
@_guarded
def paths(fmt: str) -> None:
    """List every commitment path a tender requirement (or a capacity limit) may name.

    \b
    For each: its Chinese term, value kind, unit family (time: minutes to working days;
    calendar: days to years), which way is better for the buyer, the comparators a
    requirement on it may use, and the values of a choice. [tiers]: offered per place,
    severity and time; [components]: may be narrowed to a named component.
    """
    from generator.tender.catalog import paths_report

    click.echo(paths_report(fmt), nl=False)


def _profile_options(func: Callable[P, R]) -> Callable[P, R]:
    func = click.option(
        "--set",
        "sets",
        multiple=True,
        metavar="PATH=VALUE",
        help=(
            "Override one value, e.g. --set warranty.period=3y; a named list item by its name, "
            "e.g. --set 'response.tiers[region=其它地区].arrive=24h'; ~remove removes "
            "(repeatable)."
        ),
    )(func)
    func = click.option(
        "--overlay",
        "overlays",
        multiple=True,
        type=click.Path(path_type=Path),
        help="A customer overlay applied over the project (repeatable, in order).",
    )(func)
    return func


def _language_option(func: Callable[P, R]) -> Callable[P, R]:
    return click.option(
        "--language",
        metavar="LANG",
        help="Language of the output (a folder under templates/: zh-Hans, zh-Hant, en); "
        "default: the project's `language:`, else zh-Hans.",
        callback=_check_language,
    )(func)


def _check_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from generator.locale import available

    if value is not None and value not in (known := available()):
        raise click.BadParameter(f'no language "{value}"; have {", ".join(known)}')
    return value


@main.command()
@click.argument("project", type=click.Path(path_type=Path))
@_profile_options
@_language_option
@_final_option
@_guarded
def explain(
    project: Path,
    overlays: Sequence[Path],
    sets: Sequence[str],
    language: str | None,
    final: bool,
) -> None:
    """Show the resolved commitments of PROJECT, each with the file and line it came from.

    The pre-flight of render runs first (as in validate): what render would refuse exits 2.
    The guardrails are those of render too: the table is shown, then a promise beyond the
    company's capacity without a covering approval is an error (exit 1)."""
    from generator.app.explain import explain_header, explain_rows
    from generator.app.preflight import preflight
    from generator.app.validate import review
    from generator.profiles.loading import load_profile
    from generator.terminal import format_table

    resolved = load_profile(project, overlays, sets)
    for notice in resolved.notices:  # every removal, as render says it
        _say(f"warning: {notice}", err=True, fg="yellow")
    checked = preflight(resolved, language)  # what render would refuse, refused here too
    _warn(checked.warnings)
    checked.raise_errors()
    found = review(resolved, final=final, language=language)
    _warn(found.warnings)
    rows = [
        (
            escape(r.term),
            escape(r.value),
            escape(r.keyed.removeprefix("commitments.")),
            escape(str(r.source)),
            escape(r.old or ""),
            escape(str(r.old_source or "")),
        )
        for r in explain_rows(resolved, language)
    ]
    header = explain_header(resolved, language)
    _say(format_table(header, rows, max_widths=(20, 44, 60, 300, 44, 300)))
    found.raise_errors()


def _gate_options(func: Callable[P, R]) -> Callable[P, R]:
    func = click.option(
        "--stars-only",
        is_flag=True,
        help="Fail only on substantive items (★ unless the tender's `markers` say otherwise) "
        "负偏离 or 未响应 (and capacity limits): a bid that is not disqualified passes.",
    )(func)
    func = click.option(
        "--strict",
        is_flag=True,
        help="Also fail on any item that is 不可比 (cannot be compared).",
    )(func)
    return func


def _gate(strict: bool, stars_only: bool) -> "Gate":
    from generator.tender.findings import Gate

    if strict and stars_only:
        raise click.UsageError("--strict and --stars-only exclude each other")
    return Gate.STRICT if strict else Gate.STARS_ONLY if stars_only else Gate.DEFAULT


def _links_option(func: Callable[P, R]) -> Callable[P, R]:
    return click.option(
        "--follow-symlinks",
        is_flag=True,
        help="Let -o be a symbolic link and write where it points (refused otherwise).",
    )(func)


class _Finite(click.FloatRange):
    """A FloatRange that also refuses nan and inf (which pass its comparisons and then broke
    int() or the timer with exit 70)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        converted = super().convert(value, param, ctx)
        if converted != converted or converted in (float("inf"), float("-inf")):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return converted


def _max_size_option(func: Callable[P, R]) -> Callable[P, R]:
    return click.option(
        "--max-size",
        default=10.0,
        show_default=True,
        type=_Finite(min=0, min_open=True, max=1024 * 1024),
        metavar="MB",
        help="The largest PDF or DOCX the e-bidding platform accepts, in megabytes.",
    )(func)


def _formats(value: str) -> tuple[str, ...]:
    from generator.app.batch import DOCUMENT_FORMATS

    chosen = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    bad = [f for f in chosen if f not in DOCUMENT_FORMATS]
    if bad or not chosen:
        raise click.BadParameter(f"choose from {', '.join(DOCUMENT_FORMATS)} (comma-separated)")
    return chosen


@main.command()
@click.argument("projects", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="output",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the generated files.",
)
@click.option(
    "--format",
    "formats",
    default="docx,pdf",
    show_default=True,
    help="Comma-separated: docx, pdf, html.",
)
@_profile_options
@click.option(
    "--tender",
    type=click.Path(path_type=Path),
    help="Also write the deviation table against this tender; the check runs first and "
    "nothing is written when it fails (see --allow-deviations).",
)
@click.option(
    "--allow-deviations",
    is_flag=True,
    help="With --tender: write the letter and the deviation table even when the check fails "
    "or an item is unanswered (said on stderr).",
)
@_gate_options
@click.option(
    "-j",
    "--jobs",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Letters rendered in parallel.",
)
@_language_option
@click.option(
    "--force",
    is_flag=True,
    help="Replace files the output folder's record does not vouch for: from another project, "
    "edited since written, not written by aftersales, or a symbolic link (the link itself).",
)
@_links_option
@_final_option
@click.option(
    "--max-pages",
    default=200,
    show_default=True,
    type=click.IntRange(1),
    help="Refuse a document with more pages (estimated from the text before rendering).",
)
@click.option(
    "--max-seconds",
    default=120.0,
    show_default=True,
    type=_Finite(min=1, max=24 * 3600),
    help="Stop rendering a document that takes longer.",
)
@click.option(
    "--change-note",
    is_flag=True,
    help="Also write the 变更说明 (change note) beside each letter: every promise the overlays "
    "and --set change against the project alone (the company standard), with its capacity "
    "limit and approval, signed like the letter (see `aftersales diff`).",
)
@click.option(
    "--anonymous",
    is_flag=True,
    help="暗标: a letter that identifies nobody (also the project's `anonymous: true`): no "
    "company name, short name, address, hotlines, contacts, seal, logo, signatory or service-"
    "centre names in text, headers, file names or metadata, signed with the date only; a "
    "value that would still identify the bidder, also inside free text, is bad input (exit 2).",
)
@click.option(
    "--seal-json",
    is_flag=True,
    help="Also write NAME.seal.json beside each PDF: the page and rectangle of the seal area "
    "(the empty signature field CompanySeal), for a platform's signing client. Needs pdf.",
)
@_max_size_option
@click.option(
    "--docx-template",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The company's own Word .docx whose styles, page margins, header and footer "
    "(letterhead, logo) the DOCX takes and the PDF follows, over the company's "
    "`docx_template:`; checked first (size, parts, zip bomb, DTD, macros, template code: "
    "refused with exit 2).",
)
@pass_ctx
@_guarded
def render(
    ctx: Context,
    projects: Sequence[Path],
    out_dir: Path,
    formats: str,
    overlays: Sequence[Path],
    sets: Sequence[str],
    tender: Path | None,
    allow_deviations: bool,
    strict: bool,
    stars_only: bool,
    jobs: int,
    language: str | None,
    force: bool,
    follow_symlinks: bool,
    final: bool,
    max_pages: int,
    max_seconds: float,
    change_note: bool,
    anonymous: bool,
    seal_json: bool,
    max_size: float,
    docx_template: Path | None,
) -> None:
    """Render the letter of each PROJECT as DOCX and PDF (and the deviation table with --tender).

    \b
    With --tender the tender check runs first, with the rules of `check`, and nothing is
    written (exit 1, the failing items on stderr) when it fails or when an item is 未响应 or
    不可比 and the project's `responses:` do not answer it; --allow-deviations writes anyway.
    The project's tenderer, tender number and method come from the tender when the project
    leaves them out; a project name, tenderer, number or method differing from the
    tender's is bad input (exit 2).

    Files are named from the project and customer (a name that had to be cut or cleaned ends
    in ~ and 8 hex digits). The files of one letter are written as a set: all of them replace
    the previous ones or none does, also when the run is interrupted (Ctrl-C exits 130, SIGTERM
    143) or the disk is full; a set cut by kill -9 is rolled back by the next run into the
    folder. .aftersales-manifest.json in the folder records what was written; a file from
    another project, edited since, not written by aftersales, or a symbolic link is not
    replaced without --force (exit 2). The same input gives the same bytes.

    Nothing is written when a promise goes beyond the company's capacity without an approval
    covering it (exit 1, naming the limit and who must approve). Placeholders (某某, XX, ____,
    TODO, 待定, 示例) and missing core promises are warnings on stderr; with --final a
    placeholder refuses the letter (exit 1). Nothing is written either when a text would
    leave the PDF page, a document would pass --max-pages or --max-seconds, or the
    pre-flight (as in validate) refuses the input (exit 2).

    Every PDF has an empty signature field, CompanySeal, over the seal area. The files
    written are then checked as `aftersales preflight` checks them; what an e-bidding
    platform would reject is a warning on stderr (-q leaves the check out).
    """
    import time

    from generator.app.batch import SEAL_JSON, Job, Result, render_many
    from generator.app.platformcheck import MB, Rules
    from generator.render.limits import Limits
    from generator.terminal import format_table

    chosen = _formats(formats)
    if seal_json:
        if "pdf" not in chosen:
            raise click.UsageError("--seal-json needs pdf in --format")
        chosen = (*chosen, SEAL_JSON)
    gate = _gate(strict, stars_only)
    if tender is None and (allow_deviations or strict or stars_only):
        raise click.UsageError("--allow-deviations, --strict and --stars-only need --tender")
    todo = [Job(p, tuple(overlays), tuple(sets), tender, language, anonymous) for p in projects]
    start = time.perf_counter()
    show = ctx.verbosity >= 0 and len(todo) > 1
    with click.progressbar(
        length=len(todo), label="rendering", file=sys.stderr if show else io.StringIO()
    ) as bar:

        def done(result: "Result") -> None:
            bar.update(1)
            ctx.debug(f"{result.job.project}: {result.seconds:.2f} s")

        def warn(notice: Problem) -> None:
            ctx.info(f"warning: {notice}", fg="yellow")

        results = render_many(
            todo,
            out_dir,
            chosen,
            jobs,
            on_result=done,
            on_notice=warn,
            force=force,
            follow_symlinks=follow_symlinks,
            final=final,
            gate=gate,
            allow_deviations=allow_deviations,
            on_warning=lambda line: _say(line, err=True, fg="yellow"),
            limits=Limits(max_pages, max_seconds),
            change_note=change_note,
            platform=Rules(max_bytes=int(max_size * MB)) if ctx.verbosity >= 0 else None,
            docx_template=docx_template,
        )
    elapsed = time.perf_counter() - start
    rows = [
        (str(w.path), str(w.pages or ""), f"{w.size / 1024:.0f} KB")
        for r in results
        for w in r.files
    ]
    if ctx.verbosity >= 0:
        _say(format_table(["file", "pages", "size"], rows))
        ctx.info(f"{len(rows)} file(s) from {len(results)} profile(s) in {elapsed:.1f} s")


@main.command("preflight")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_max_size_option
@click.option(
    "--language",
    metavar="LANG",
    default="zh-Hans",
    show_default=True,
    help="Language of the findings (a folder under templates/).",
    callback=_check_language,
)
@pass_ctx
@_guarded
def preflight_files(ctx: Context, files: Sequence[Path], max_size: float, language: str) -> None:
    """Check output FILEs (PDF, DOCX) for what e-bidding platforms reject.

    \b
    PDF: larger than --max-size, encrypted, JavaScript, attachments, a font not embedded,
    a page not A4, bookmarks more than 5 levels deep.
    DOCX: not an Office 2007+ package (an old .doc), macros, a damaged or DTD-declaring XML
    part, a part without a content type, a relationship to a missing part (Word offers to
    repair such a file), a docProps property twice or an unreadable date.

    Prints each finding as FILE: message on stdout. Exit codes: 0 every file passes, 1 a
    file fails, 2 a file that does not exist.
    """
    from generator.app.platformcheck import MB, Rules, check_file
    from generator.locale import get_locale

    missing = [
        Problem(Location(str(f)), "", "not a file (a folder)" if f.is_dir() else "no such file")
        for f in files
        if not f.is_file()
    ]
    if missing:
        raise InputError(missing)
    say = get_locale(language)
    rules = Rules(max_bytes=int(max_size * MB))
    failed = 0
    for file in files:
        found = check_file(file, rules)
        failed += bool(found)
        for message in found:
            _say(f"{escape(str(file))}: {say.say(message)}")
        if not found and ctx.verbosity >= 0:
            _say(say.text("platform.passed", file=escape(str(file))))
    if failed:
        ctx.info(say.text("platform.failed", n=failed), fg="red")
        sys.exit(1)


@main.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option(
    "--tender", required=True, type=click.Path(path_type=Path), help="The tender file to meet."
)
@_profile_options
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "junit", "sarif", "github", "markdown", "xlsx", "csv"]),
    help="Report format.",
)
@click.option(
    "-o",
    "--output",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of stdout (not through a symbolic link); "
    "required for xlsx when stdout is a terminal.",
)
@_links_option
@_gate_options
@_language_option
@_final_option
@pass_ctx
@_guarded
def check(
    ctx: Context,
    project: Path,
    tender: Path,
    overlays: Sequence[Path],
    sets: Sequence[str],
    fmt: str,
    out_file: Path | None,
    strict: bool,
    stars_only: bool,
    language: str | None,
    follow_symlinks: bool,
    final: bool,
) -> None:
    """Check the commitments of PROJECT against a TENDER's minimums, scoring and the company's
    capacity.

    \b
    Formats: text (a table), json (canonical findings, see docs/findings.md), junit,
    sarif (2.1.0), github (workflow annotations), markdown (the deviation table),
    xlsx and csv (the findings as a sheet to sort and annotate; xlsx needs -o on a terminal).
    Exit codes: 0 passed; 1 failed: any requirement 负偏离 (negative) or 未响应 (not
    answered), a substantive item (★ unless the tender's `markers` say otherwise) 不可比
    (cannot be compared), or a capacity limit exceeded without approval; --strict also fails
    on any 不可比 item; --stars-only fails only on substantive items 负偏离 or 未响应 (and
    capacity limits); with --final also a placeholder a reader would see; 2 bad input.
    Placeholders and missing core promises are warnings. A `manual` item, and an item that
    is 未响应 or 不可比, is answered by the project's `responses:` (clause, response,
    deviation); a 负偏离 answer still fails.
    2 also for what the pre-flight of render refuses (as in validate), before any report.
    """
    from generator.app.preflight import preflight_check
    from generator.app.validate import review_files
    from generator.render.output import write_atomic
    from generator.tender.check import check_files
    from generator.tender.sheets import report_bytes

    if fmt == "xlsx" and out_file is None and sys.stdout.isatty():
        raise click.UsageError("--format xlsx writes a workbook: give -o FILE.xlsx")
    gate = _gate(strict, stars_only)
    checked = preflight_check(project, tender, overlays, sets, language=language)
    _warn(checked.warnings, ctx.verbosity < 0)
    checked.raise_errors()  # what render would refuse (exit 2), before any report is written
    result = check_files(project, tender, overlays, sets)
    # The capacity limits are the check's own findings (in the report); the rest is reviewed.
    found = review_files(project, overlays, sets, final=final, language=language, capacity=False)
    _warn(found.warnings, ctx.verbosity < 0)
    ctx.debug(f"site: {result.site or 'not given (the least favourable tier counts)'}")
    for notice in result.notices:
        ctx.info(f"warning: {notice}", fg="yellow")
    report = report_bytes(result, fmt, gate=gate, language=language)
    if out_file:
        write_atomic(out_file, report, follow_symlinks=follow_symlinks)
        ctx.info(f"wrote {out_file}")
    elif fmt == "xlsx":
        click.echo(report, nl=False)  # bytes go to the binary stream as they are
    elif report:  # a passing check has no workflow commands to print
        text = report.decode("utf-8")
        click.echo(text, nl=not text.endswith("\n"))
    from generator.tender.reports import report_locale

    failures = result.failures(gate, report_locale(result, language))
    for reason in failures:
        ctx.info(escape(reason), fg="red")
    for problem in found.errors:
        _say(str(problem), err=True, fg="red")
    sys.exit(1 if failures or found.errors else 0)


@main.command()
@click.argument("project", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the chart: .svg (vector) or .png (200 dpi).",
)
@_profile_options
@_links_option
@_guarded
def flowchart(
    project: Path,
    out_file: Path,
    overlays: Sequence[Path],
    sets: Sequence[str],
    follow_symlinks: bool,
) -> None:
    """Draw the service flowchart (售后服务流程图) of PROJECT on its own."""
    from generator.app.preflight import preflight
    from generator.letter.compose import compose
    from generator.profiles.loading import load_profile
    from generator.render.flowchart import draw_png, draw_svg
    from generator.render.output import write_atomic

    if out_file.suffix.lower() not in (".svg", ".png"):
        raise click.BadParameter("the file name must end in .svg or .png", param_hint="-o")
    resolved = load_profile(project, overlays, sets)
    preflight(resolved).raise_errors()  # the characters and glyphs render would refuse
    figures = compose(resolved.profile).figures()
    if not figures:
        where = resolved.where("commitments")
        raise InputError([Problem(where, "commitments.service_process", "no process to draw")])
    chart = figures[0]
    if out_file.suffix.lower() == ".svg":
        data = draw_svg(
            chart.process,
            note=chart.note,
            title=chart.caption,
            limits=chart.limits,
            subs=chart.subs,
        ).encode()
    else:
        data = draw_png(chart.process, note=chart.note, limits=chart.limits, subs=chart.subs)
    write_atomic(out_file, data, follow_symlinks=follow_symlinks)


@main.command("import-tender")
@click.argument("document", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The tender file to draft; when it exists (a confirmed file), it is left as it is, "
    "the new draft goes to NAME.revised.yaml and the changes are listed item by item.",
)
@click.option("--chapter", metavar="TEXT", help="Read only the chapters whose heading holds TEXT.")
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the review list to this file.",
)
@click.option(
    "--language", default="zh-Hans", show_default=True, help="The review list's language."
)
@_guarded
def import_tender(
    document: Path, out_file: Path, chapter: str | None, report_file: Path | None, language: str
) -> None:
    """Draft a tender file from the tender DOCUMENT itself (.docx, .pdf with a text layer, .txt).

    \b
    Every item records its source, page (or paragraph), clause and the exact quote, and a
    confidence; a sentence not understood is a `manual` item with its quote. The review list
    (items to confirm, sentences left out, markers without a definition) is printed.
    Refused (exit 2, nothing written): files over 40 MB, damaged or encrypted files, scanned
    PDFs without text, a DOCX with a DTD or unpacking to more than 200 MB.
    """
    from generator.intake.importing import import_tender as draft
    from generator.intake.importing import review_lines
    from generator.render.output import write_atomic

    imported = draft(document, out_file, chapter)
    lines = review_lines(imported, language)
    if report_file is not None:
        write_atomic(report_file, ("\n".join(lines) + "\n").encode())
    for line in lines:
        _say(escape(line))


@main.command()
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", required=False, type=click.Path(path_type=Path))
@_profile_options
@click.option(
    "--rev",
    metavar="REV",
    help="Compare A as it was at this git revision (e.g. HEAD~1) with A as it is now.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
@_language_option
@_guarded
def diff(
    a: Path,
    b: Path | None,
    overlays: Sequence[Path],
    sets: Sequence[str],
    rev: str | None,
    fmt: str,
    language: str | None,
) -> None:
    """What changed in the promises: each commitment with its term, old and new value, better or
    worse for the buyer, its capacity limit (within, approved by whom, or exceeded) and where
    each value was written.

    \b
    aftersales diff project.yaml --overlay customer.yaml   # the project, then with the overlay
    aftersales diff a/project.yaml b/project.yaml          # two projects
    aftersales diff project.yaml --rev HEAD~1              # the project at a git revision, then now
    --overlay and --set apply to the second side (B, or A now). Exit 0 whatever changed."""
    from contextlib import nullcontext

    from generator.app.diff import diff_profiles, diff_report, load_at_revision
    from generator.profiles.loading import load_profile

    if sum(x is not None for x in (b, rev)) + (1 if (overlays or sets) and b is None else 0) > 1:
        raise click.UsageError("give B, --rev, or --overlay/--set for A, not several")
    if b is None and rev is None and not overlays and not sets:
        raise click.UsageError("give B, --rev REV, or --overlay/--set to compare A with")
    old_side = load_at_revision(a, rev) if rev else nullcontext(load_profile(a))
    with old_side as old:
        new = load_profile(b, overlays, sets) if b is not None else load_profile(a, overlays, sets)
        changes = diff_profiles(old, new, language)
        lang = language or new.profile.project.language
        click.echo(diff_report(changes, fmt, lang), nl=False)


@main.command()
@click.argument(
    "folder", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--token",
    metavar="TOKEN",
    help="Access token for a host other than 127.0.0.1 (default: one is made and printed).",
)
@click.option(
    "--allow-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Another name the workspace may be reached by (the Host header), e.g. a machine name.",
)
@_guarded
def serve(
    folder: Path, host: str, port: int, token: str | None, allowed_hosts: Sequence[str]
) -> None:
    """The sales workspace: a web page over FOLDER's projects (default: this folder) to make
    customer versions, see the check, the capacity limits and the diff after each edit,
    preview the letter, save the overlay file and download the documents.

    \b
    Listens on 127.0.0.1 only, unless --host says otherwise; then every request needs the
    access token (printed at start). Stop it with Ctrl-C."""
    import secrets

    from generator.web.app import Settings
    from generator.web.app import serve as run_server

    loopback = host in ("127.0.0.1", "localhost", "::1")
    if not loopback and token is None:
        token = secrets.token_urlsafe(24)
    settings = Settings(folder, host, port, token, tuple(allowed_hosts))
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    _say(f"aftersales workspace over {folder.resolve()}: open {url}", err=True)
    run_server(settings)


if __name__ == "__main__":
    main()

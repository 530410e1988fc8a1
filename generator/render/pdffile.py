"""Letter → HTML (Jinja2, sandboxed) → PDF (WeasyPrint), reproducible and strict.

Strict: every WeasyPrint warning or error (missing image, unknown CSS, refused URL) fails the
render, and so does a character the language's faces cannot draw. Reproducible: the PDF dates
come from the letter date (or SOURCE_DATE_EPOCH; with neither there are none) and the file
identifier is a content hash, so the same letter gives the same bytes. Signature-ready: the
same finisher adds an empty signature field over the seal area (generator.render.sealfield).
Small: the CJK fonts WeasyPrint subsets (keeping every
glyph id up to the highest used) are subset again without those empty glyphs, in a public
`write_pdf` finisher (generator.render.pdf_fonts). Fast: one PdfRenderer keeps the font
configuration, the parsed stylesheet and the compiled template for every letter it renders.

WeasyPrint's public API is used (HTML, CSS, FontConfiguration, URLFetcher,
`write_pdf(finisher=...)`), except that the overflow check (`overflowing`) and the seal area
(`sealfield.find_seal_area`) read each page's private `_page_box` by default;
`AFTERSALES_PDF_ONE_PASS=1` opts in to subsetting in one pass through a private WeasyPrint
method, on the versions it was tested with only.
"""

import base64
import datetime as dt
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from generator.clock import known_instant
from generator.errors import RenderError
from generator.letter.document import Block, Figure, Letter, Paragraph, Section, Table
from generator.locale import get_locale
from generator.render import pdf_fonts
from generator.render.assets import asset_fetcher, prepare_image
from generator.render.columns import column_percents
from generator.render.fonts import DEFAULT_FONTS, Fonts, check_text_fields, css_families, faces
from generator.render.formatting import format_fonts, formatted, stylesheet
from generator.render.limits import LimitExceeded, Limits
from generator.render.sealfield import SealArea, add_signature_field, find_seal_area
from generator.render.typeset import Rules, join, pieces, rules, strip_joiners
from generator.resources import templates_dir

TEMPLATE = "letter.html.j2"
STYLESHEET = "letter.css"

OLDEST_WEASYPRINT = (68, 0)
"""The public URLFetcher the asset checks subclass is new in 68.0 (pyproject.toml: >=68,<71)."""
ONE_PASS_ENV = "AFTERSALES_PDF_ONE_PASS"

DrawFigure = Callable[[Figure], str]


@dataclass(frozen=True)
class PdfResult:
    """A rendered PDF: its bytes, its number of pages and where the seal goes (None: the
    document has no seal area, or the renderer adds no signature field)."""

    data: bytes
    pages: int
    seal: SealArea | None


def weasyprint_problem(version: str) -> str | None:
    """Why this WeasyPrint version cannot render our PDFs, or None."""
    try:
        numbers = tuple(int(part) for part in version.split(".")[:2])
    except ValueError:
        return f"cannot read the WeasyPrint version {version!r}"
    if numbers < OLDEST_WEASYPRINT:
        oldest = ".".join(map(str, OLDEST_WEASYPRINT))
        return f"WeasyPrint {version} is older than {oldest}; install aftersales's WeasyPrint"
    return None


def subsetter_problem() -> str | None:
    """Why WeasyPrint would subset fonts with slow fontTools (12–19 s a letter), or None."""
    try:  # a private module: a WeasyPrint without it still warns, and the warning fails
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except ImportError:
        return None
    if harfbuzz_subset is None:
        return "libharfbuzz-subset is not installed"
    if not harfbuzz.hb_version_atleast(4, 1, 0):
        return "HarfBuzz is older than 4.1"
    return None


def pdf_timestamp(date: dt.date | None) -> str | None:
    """The W3C date written as CreationDate/ModDate (see `clock.known_instant`); None leaves
    both out (no letter date and no SOURCE_DATE_EPOCH)."""
    moment = known_instant(date)
    if moment is None:
        return None
    if moment.utcoffset() == dt.timedelta(0):
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat(timespec="seconds")


def letter_texts(letter: Letter) -> Iterator[tuple[str, str]]:
    """Every piece of text the letter shows, as (path in the letter, text)."""
    yield "title", letter.title
    yield "addressee", letter.addressee
    yield "header_text", letter.header_text
    yield "meta_title", letter.meta_title
    yield "meta_author", letter.meta_author
    yield "meta_subject", letter.meta_subject
    for i, p in enumerate(letter.opening):
        yield from _block_texts(f"opening[{i}]", p)
    for i, s in enumerate(letter.sections):
        yield from _block_texts(f"sections[{i}]", s)
    for i, p in enumerate(letter.closing):
        yield from _block_texts(f"closing[{i}]", p)
    sig = letter.signature
    for name in ("company_label", "company", "signatory_label", "signatory", "date_label"):
        value = getattr(sig, name)
        if value:
            yield f"signature.{name}", value
    yield "signature.date_text", sig.date_text
    if sig.phone:
        yield "signature.phone", sig.phone


def _block_texts(path: str, block: Block) -> Iterator[tuple[str, str]]:
    if isinstance(block, Paragraph):
        yield f"{path}.text", (block.number or "") + block.text
    elif isinstance(block, Table):
        yield f"{path}.caption", block.caption
        for c, head in enumerate(block.header):
            yield f"{path}.header[{c}]", head
        for r, row in enumerate(block.rows):
            for c, cell in enumerate(row):
                yield f"{path}.rows[{r}][{c}]", cell
    elif isinstance(block, Figure):
        yield f"{path}.caption", block.caption
        for s, step in enumerate(block.process.steps):
            yield f"{path}.process.steps[{s}].label", step.label
            if step.owner:
                yield f"{path}.process.steps[{s}].owner", step.owner
            if step.limit is not None:
                yield f"{path}.process.steps[{s}].limit", block.limits.get(step.id, "")
            for b, branch in enumerate(step.branches):
                yield f"{path}.process.steps[{s}].branches[{b}].label", branch.label
    else:
        yield f"{path}.title", block.number + block.title
        for i, child in enumerate(block.blocks):
            yield from _block_texts(f"{path}.blocks[{i}]", child)


class _Collect(logging.Handler):
    """Keeps WeasyPrint's warnings and errors raised on this thread."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


class _Captured:
    """`with _Captured(what):` raises RenderError listing WeasyPrint's complaints, if any."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.handler = _Collect()
        self.logger = logging.getLogger("weasyprint")

    def __enter__(self) -> "_Captured":
        # An application that quietened WeasyPrint's logger must not quieten our checks.
        self.level = self.logger.level
        if self.logger.getEffectiveLevel() > logging.WARNING:
            self.logger.setLevel(logging.WARNING)
        self.logger.addHandler(self.handler)
        return self

    def __exit__(self, kind: object, error: object, tb: object) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.setLevel(self.level)
        if kind is None and self.handler.messages:
            listed = "\n".join(f"  - {m}" for m in self.handler.messages)
            raise RenderError(f"{self.what}: WeasyPrint reported problems:\n{listed}")


class PdfRenderer:
    """Renders letters to PDF; create one per process and reuse it (fonts, CSS, template).

    fonts: the families by role, {"body": ..., "heading": ...} (each a family or a list of
    fallbacks, as the language's locale.yaml `fonts.pdf` says); the Simplified Chinese Noto
    faces by default. They drive the glyph check, the flowchart and the template's `fonts`;
    the stylesheet must name the same families.

    shrink_fonts=False keeps WeasyPrint's own font subsets, ~140 KB larger a CJK face.
    one_pass=True (default: the AFTERSALES_PDF_ONE_PASS=1 environment variable) subsets CJK
    faces once through WeasyPrint's private `Font.subset` instead of re-subsetting WeasyPrint's
    subset: the same glyphs and text (the same bytes for the examples; HarfBuzz may order a
    CFF's parts differently), ~0.08 s (a quarter) less CPU a letter; used only on a WeasyPrint
    it was tested with (`pdf_fonts.one_pass_problem`), else the public route is taken.
    seal_field=False leaves out the empty signature field over the seal area
    (generator.render.sealfield).
    """

    def __init__(
        self,
        template_dir: Path | None = None,
        draw_figure: DrawFigure | None = None,
        *,
        fonts: Fonts | None = None,
        shrink_fonts: bool = True,
        one_pass: bool | None = None,
        seal_field: bool = True,
    ) -> None:
        import weasyprint

        problem = weasyprint_problem(weasyprint.__version__)
        if problem:
            raise RenderError(problem)
        problem = subsetter_problem()
        if problem:
            raise RenderError(
                f"{problem}: WeasyPrint would subset the CJK fonts with fontTools instead "
                "(12–19 s a letter); install libharfbuzz-subset0 (HarfBuzz ≥ 4.1)"
            )
        self.fonts: Fonts = dict(DEFAULT_FONTS if fonts is None else fonts)
        faces(self.fonts)  # fail now, with the package to install, if a face is missing

        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.template_dir = (template_dir or templates_dir()).resolve()
        # False writes WeasyPrint's own font subsets (to compare against, or to rule us out).
        self._shrink_fonts = shrink_fonts
        self._seal_field = seal_field
        if one_pass is None:
            one_pass = os.environ.get(ONE_PASS_ENV, "") == "1"
        self._one_pass = one_pass and pdf_fonts.one_pass_problem() is None
        self._draw_figure = draw_figure or self._draw_chart
        self._chart_font: str | None = None  # the body face of the letter being laid out
        # For a template's <style> (raw text: no escaping); `families` refused quotes and <>.
        self._css_fonts = {role: Markup(css_families(spec)) for role, spec in self.fonts.items()}
        self._env = SandboxedEnvironment(
            loader=FileSystemLoader(self.template_dir),
            autoescape=True,
            undefined=StrictUndefined,
        )
        self._env.tests.update(
            paragraph=lambda b: isinstance(b, Paragraph),
            table=lambda b: isinstance(b, Table),
            figure=lambda b: isinstance(b, Figure),
            section=lambda b: isinstance(b, Section),
        )
        self._env.globals["figure_svg"] = self._figure_svg
        self._env.globals["column_percents"] = column_percents
        try:
            self._template = self._env.get_template(TEMPLATE)
        except TemplateError as error:
            raise RenderError(f"{self.template_dir / TEMPLATE}: {error}") from error
        css_path = self.template_dir / STYLESHEET
        self._font_config = FontConfiguration()
        with _Captured(str(css_path)):
            try:
                self._css = CSS(
                    filename=css_path,
                    font_config=self._font_config,
                    # The templates root: a language's stylesheet may @import another language's.
                    url_fetcher=asset_fetcher([self.template_dir.parent]),
                )
            except OSError as error:
                raise RenderError(f"{css_path}: cannot read the stylesheet ({error})") from error

    def _draw_chart(self, figure: Figure) -> str:
        from generator.render.flowchart import draw_svg

        # The body face: the chart then adds no third face (Sans Regular) to the PDF.
        return draw_svg(
            figure.process,
            note=figure.note,
            title=figure.caption,
            font_family=self._chart_font or self.fonts["body"],
            limits=figure.limits,
            subs=figure.subs,
        )

    def _figure_svg(self, figure: Figure) -> Markup:
        # The SVG is drawn by our own code from escaped labels, so it is trusted markup.
        return Markup(self._draw_figure(figure))

    def html(self, letter: Letter, *, joiners: bool = False) -> str:
        """The letter as an HTML document; with `joiners`, what WeasyPrint lays out: word
        joiners where a line must not break (`_NoBreak`). An HTML file for readers goes
        without them, so its text searches and copies as written."""
        # Images go in as data: URLs of their normalised bytes (8-bit PNG or baseline JPEG),
        # the same bytes the DOCX gets.
        letter, fmt = formatted(letter)  # a header text the format sets
        allowed = (*letter.asset_dirs, self.template_dir)
        seal_url = logo_url = None
        if letter.signature.seal_image is not None:
            seal_url = prepare_image(letter.signature.seal_image, allowed).data_url
        if fmt is not None and fmt.logo_png is not None:  # the company template's letterhead
            logo_url = "data:image/png;base64," + base64.b64encode(fmt.logo_png).decode()
        elif letter.logo_image is not None:
            logo_url = prepare_image(letter.logo_image, allowed).data_url
        self._chart_font = self.letter_fonts(letter)["body"]
        try:
            return self._template.render(
                letter=letter,
                seal_url=seal_url,
                logo_url=logo_url,
                timestamp=pdf_timestamp(letter.date),
                fonts=self._css_fonts,
                nb=_NoBreak(rules(letter.language) if joiners else None),
            )
        except TemplateError as error:
            raise RenderError(f"{self.template_dir / TEMPLATE}: {error}") from error

    def render(self, letter: Letter, limits: Limits | None = None) -> bytes:
        """The letter as PDF bytes; RenderError on any missing glyph, refused file or warning,
        text that leaves the page's content area, or a bound of `limits` exceeded."""
        return self.render_counted(letter, limits)[0]

    def render_counted(self, letter: Letter, limits: Limits | None = None) -> tuple[bytes, int]:
        """The PDF bytes and the number of pages."""
        result = self.render_result(letter, limits)
        return result.data, result.pages

    def render_result(self, letter: Letter, limits: Limits | None = None) -> PdfResult:
        """The PDF bytes, the number of pages and the seal area."""
        limits = limits or Limits()
        shown, fmt = formatted(letter)  # the header and footer a format or template gives
        texts = [(f"letter.{path}", text) for path, text in letter_texts(shown)]
        if fmt is not None and fmt.footer:
            texts.append(("letter.format.footer", fmt.footer))
        problems = check_text_fields(texts, self.letter_fonts(letter))
        if problems:
            raise RenderError("\n".join(problems))
        with _deadline(limits.max_seconds, letter.meta_title):
            if not self._shrink_fonts:
                return self._write(letter, None, limits)
            if not self._one_pass:
                # The default: WeasyPrint subsets, the public finisher re-subsets the CJK faces.
                return self._write(letter, pdf_fonts.Session(), limits)
            try:
                with pdf_fonts.subsetting_once() as session:
                    return self._write(letter, session, limits)
            except pdf_fonts.NotShrunk:
                # Not seen with the Noto CJK faces. Render again from scratch (WeasyPrint keeps
                # the subset fonts), with WeasyPrint's subsets re-subset: same output.
                return self._write(letter, pdf_fonts.Session(), limits)

    def letter_fonts(self, letter: Letter) -> Fonts:
        """The families by role this letter is set in: the renderer's, or its `format:`'s."""
        _, fmt = formatted(letter)
        if fmt is None:
            return self.fonts
        fonts = format_fonts(fmt, self.fonts)
        faces(fonts)  # a face the format names must be installed (fonts-arphic-ukai …)
        return fonts

    def _stylesheets(self, letter: Letter) -> list[object]:
        """letter.css, and over it the CSS of the letter's `format:` (if any)."""
        from weasyprint import CSS

        _, fmt = formatted(letter)
        if fmt is None:
            return [self._css]
        page_of = str(get_locale(letter.language).settings["page_of"])
        css = stylesheet(fmt, self.letter_fonts(letter), page_of)
        with _Captured(f"format of {letter.meta_title}"):
            return [self._css, CSS(string=css, font_config=self._font_config)]

    def _write(
        self, letter: Letter, session: pdf_fonts.Session | None, limits: Limits
    ) -> PdfResult:
        from weasyprint import HTML

        source = self.html(letter, joiners=True)
        fetcher = asset_fetcher((self.template_dir, *letter.asset_dirs))

        seal: SealArea | None = None

        def finisher(_document: object, pdf: object) -> None:
            if session is not None:  # ~140 KB less a CJK face; see generator.render.pdf_fonts
                session.shrink_fonts(pdf)
            if seal is not None:
                add_signature_field(pdf, seal)

        with _Captured(f"PDF of {letter.meta_title}"):
            document = HTML(
                string=source, base_url=self.template_dir.as_uri() + "/", url_fetcher=fetcher
            ).render(stylesheets=self._stylesheets(letter), font_config=self._font_config)
            if len(document.pages) > limits.max_pages:
                raise LimitExceeded(
                    f"PDF of {letter.meta_title}: {len(document.pages)} pages, over the limit "
                    f"of {limits.max_pages} (--max-pages)"
                )
            lost = overflowing(document, letter)
            if lost:
                raise RenderError(
                    f"PDF of {letter.meta_title}: text would leave the page (break it, e.g. "
                    "with spaces, or shorten it):\n" + "\n".join(f"  - {line}" for line in lost)
                )
            if self._seal_field:
                seal = find_seal_area(document)
            pdf: bytes = document.write_pdf(
                pdf_identifier=True,  # an MD5 of the content: stable, unlike a random one
                finisher=finisher,
            )
        return PdfResult(pdf, len(document.pages), seal)


class _NoBreak:
    """The template's `nb(text, paragraph=False)`: `text` escaped, each stretch that must stay
    on one line (generator.render.typeset) `join`ed: word joiners, which Pango's line breaker
    honours and draws as nothing (pdftotext reads 24小时). Nowrap spans did the same at ~8 %
    more CPU a letter; the joiners at 0–5 %, within the noise of the measurement."""

    def __init__(self, rules: Rules | None) -> None:
        self.rules = rules
        """None: text only escaped."""

    def __call__(self, text: str, paragraph: bool = False) -> Markup:
        if self.rules is None:
            return escape(text)
        return escape(
            "".join(
                join(piece) if keep else piece
                for piece, keep in pieces(text, self.rules, paragraph=paragraph)
            )
        )


TOLERANCE = 0.5
"""CSS pixels a box may stick out of the content area (rounding of justified lines)."""


def overflowing(document: object, letter: Letter) -> list[str]:
    """Text a laid-out document shows outside its pages' content area (the page minus its
    margins), each as `page N: letter.field: text`, located by the letter text holding it.

    WeasyPrint does not complain when a word longer than the line runs off the paper; the
    stylesheet breaks long runs (`overflow-wrap: anywhere`), and this check proves it did.
    It walks the boxes of each page (the page box's private `_page_box`, through WeasyPrint's
    layout classes); margin boxes (header, footer) are the margins' own and left out.
    """
    from weasyprint.formatting_structure import boxes

    found: list[str] = []
    fields = list(letter_texts(letter))
    for number, page in enumerate(document.pages, start=1):  # type: ignore[attr-defined]
        page_box = page._page_box
        left, top = page_box.content_box_x(), page_box.content_box_y()
        right, bottom = left + page_box.width, top + page_box.height
        for child in page_box.children:
            if isinstance(child, boxes.MarginBox):
                continue
            for box in child.descendants():
                if not isinstance(box, boxes.TextBox) or not box.text.strip():
                    continue
                x, y = box.position_x, box.position_y
                if (
                    x < left - TOLERANCE
                    or x + box.width > right + TOLERANCE
                    or y + box.height > bottom + TOLERANCE
                ):
                    text = strip_joiners(box.text).strip()
                    field = next((path for path, value in fields if text in value), "?")
                    shown = text if len(text) <= 40 else f"{text[:37]}..."
                    found.append(f"page {number}: letter.{field}: {shown!r}")
    return list(dict.fromkeys(found))


@contextmanager
def _deadline(seconds: float, what: str) -> Iterator[None]:
    """Stop a render that takes longer than `seconds` (a SIGALRM timer, in the main thread of
    the process, where the CLI and the render workers run it; elsewhere it is checked after)."""
    start = time.monotonic()

    def late() -> LimitExceeded:
        return LimitExceeded(
            f"PDF of {what}: rendering took over {seconds:g} s, the limit (--max-seconds)"
        )

    armed = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if armed:

        def on_alarm(_signum: int, _frame: object) -> None:
            raise late()

        previous = signal.signal(signal.SIGALRM, on_alarm)
        # An application's own timer is put back afterwards, less the time spent here.
        delay, interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if delay:
                left = max(delay - (time.monotonic() - start), 0.001)
                signal.setitimer(signal.ITIMER_REAL, left, interval)
    if time.monotonic() - start > seconds:
        raise late()


@cache
def _cached_renderer(language: str, fonts: tuple[tuple[str, str], ...]) -> PdfRenderer:
    return PdfRenderer(templates_dir(language), fonts=dict(fonts))


def _renderer(language: str, fonts: Fonts | None) -> PdfRenderer:
    return _cached_renderer(language, tuple(sorted((fonts or DEFAULT_FONTS).items())))


def render_pdf(
    letter: Letter, fonts: Fonts | None = None, *, limits: Limits | None = None
) -> bytes:
    """Render with the process-wide PdfRenderer of the bundled template for its language;
    `fonts` as PdfRenderer takes them (the language's locale.yaml `fonts.pdf`)."""
    return _renderer(letter.language, fonts).render(letter, limits)


def render_pdf_counted(
    letter: Letter, fonts: Fonts | None = None, *, limits: Limits | None = None
) -> tuple[bytes, int]:
    """Like render_pdf, with the page count."""
    return _renderer(letter.language, fonts).render_counted(letter, limits)


def render_pdf_result(
    letter: Letter, fonts: Fonts | None = None, *, limits: Limits | None = None
) -> PdfResult:
    """Like render_pdf, with the page count and the seal area (for `render --seal-json`)."""
    return _renderer(letter.language, fonts).render_result(letter, limits)


def render_html(letter: Letter, fonts: Fonts | None = None) -> str:
    """The HTML that render_pdf lays out (for `--format html` and debugging)."""
    return _renderer(letter.language, fonts).html(letter)

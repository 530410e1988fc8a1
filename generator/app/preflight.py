"""The pre-flight: what `render` refuses is refused, with the same located messages, by
`validate`, `explain` and `check` too, before anything is written.

It looks at every string of a resolved profile (and of a tender):
- characters: control characters (but line breaks and tabs in free text) and bidirectional
  controls (U+061C, U+200E/200F, U+202A–202E, U+2066–2069) are refused everywhere, named as
  what they are; other invisible format characters (zero-width space/joiners U+200B–200D,
  U+2060, the BOM U+FEFF, the soft hyphen) are refused in names (company, project, customer,
  tenderer, signatory, tender number, image paths: they reach file names and headers) and
  left out of free text with a warning;
- glyphs: a character no PDF face of the letter's language can draw (generator.render.fonts);
- images: the seal and the logo, which must be PNG/JPEG the renderers can be given
  (generator.render.assets.prepare_image);
- size: an estimate of the letter's pages from the amount of text, refused early when it is
  beyond the page limit (generator.render.limits), so a huge profile is not laid out at all.

Nothing here imports WeasyPrint; the glyph coverage of the faces is cached on disk
(generator.render.fonts) so `validate` stays fast.
"""

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.app.anonymous import problems as anonymity_problems
from generator.errors import Findings, InputError, Location, Problem
from generator.profiles.loading import Resolved, load_profile
from generator.profiles.models import Format
from generator.profiles.placeholders import texts
from generator.render.limits import Limits

__all__ = [
    "BIDI_CONTROLS",
    "NAME_FIELDS",
    "Preflight",
    "estimate_pages",
    "preflight",
    "preflight_files",
    "preflight_tender",
    "strings",
]

BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
"""Characters that change the order text is shown in: a promise could read otherwise than it
is written ("Trojan Source"); never accepted."""

NAME_FIELDS = frozenset(
    {
        "project_name",
        "tenderer",
        "customer",
        "tender_number",
        "signatory.name",
        "company.name",
        "company.short_name",
        "company.legal_representative",
        "company.seal_image",
        "company.logo_image",
        # a tender file's own names
        "name",
        "number",
    }
)
"""Fields that reach file names, page headers and the signature: no invisible character."""

# Control and format characters: `character_problems` names them, the glyph check skips them.
_INVISIBLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)

LINE_UNITS = 84
"""Half-width characters on one line of the densest body text (a line of the zh-Hans letter
holds ~37 Chinese characters = 74 units, of the English one ~84)."""
LINES_PER_PAGE = 48
"""Lines on a page of the densest letter (zh-Hans has ~39, English ~48): with LINE_UNITS the
estimate stays at or below the pages any bundled language lays out (a lower bound, so a
letter that fits is never refused by it; the renderer counts the real pages)."""


@dataclass(frozen=True)
class Preflight(Findings):
    """What the pre-flight found: errors refuse (exit 2), warnings are said on stderr."""


def strings(value: object, path: str = "") -> list[tuple[str, str]]:
    """Every string in a dumped model, as (dotted path, text): all of them, hidden keys too."""
    return list(texts(value, path, frozenset()))


def profile_strings(resolved: Resolved) -> list[tuple[str, str]]:
    """Every string of a resolved profile, at the paths `Resolved.where` locates."""
    profile = resolved.profile
    found = [
        *strings(profile.project.model_dump(mode="json")),
        *strings(profile.company.model_dump(mode="json"), "company"),
    ]
    if profile.customer and profile.customer != profile.project.customer:
        found.append(("customer", profile.customer))
    return found


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    code = f"U+{ord(char):04X}"
    return f"{code} {name}" if name else f"{code} (control character)"


def _is_name(path: str) -> bool:
    return path in NAME_FIELDS


def character_problems(
    texts: Iterable[tuple[str, str]], locate: Callable[[str], Location]
) -> Preflight:
    """Control, bidi and invisible characters: refused, or (in free text) left out with a
    warning. Messages name the character itself, never the fonts."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for path, text in texts:
        if text.isprintable() and "\u00ad" not in text:
            continue  # nothing invisible (the fast path for nearly every string)
        name = _is_name(path)
        seen: set[str] = set()
        for char in text:
            if char in seen:
                continue
            seen.add(char)
            category = unicodedata.category(char)
            if ord(char) in BIDI_CONTROLS:
                message = (
                    f"bidirectional control character {_describe(char)}: it changes the order "
                    "in which the text is shown, so the letter could read otherwise than "
                    "written; remove it"
                )
            elif category == "Cc" and (name or char not in "\n\t\r"):
                where = "in a name" if name and char in "\n\t\r" else ""
                message = f"control character {_describe(char)} {where}".rstrip() + "; remove it"
            elif category in {"Zl", "Zp"} and name:
                message = f"line separator {_describe(char)} in a name; remove it"
            elif category == "Cf" and name:
                message = (
                    f"invisible character {_describe(char)} in a name: it would reach file "
                    "names and headers unseen; remove it"
                )
            elif category == "Cf":
                warnings.append(
                    Problem(
                        locate(path),
                        path,
                        f"invisible character {_describe(char)} left out of the letter",
                    )
                )
                continue
            else:
                continue
            # The value is quoted around the character; Problem shows it escaped (\u202e).
            at = text.index(char)
            shown = text[max(0, at - 20) : at + 21]
            errors.append(Problem(locate(path), path, f"{message} (in {shown!r})"))
    return Preflight(tuple(warnings), tuple(errors))


def glyph_problems(
    texts: Sequence[tuple[str, str]], locate: Callable[[str], Location], language: str
) -> list[Problem]:
    """Every character no face the language's PDF embeds can draw, at its line: a letter must
    never show a box where a promise should be. Control and format characters are left to
    `character_problems`, which names them for what they are."""
    from generator.render.fonts import uncovered_fields

    fonts = _pdf_fonts(language)
    visible = [(path, _INVISIBLE.sub("", text)) for path, text in texts]
    return [
        Problem(locate(path), path, message) for path, message in uncovered_fields(visible, fonts)
    ]


@functools.cache
def _pdf_fonts(language: str) -> dict[str, str]:
    """The language's PDF fonts (locale.yaml `fonts.pdf`), read without its message catalogs:
    `validate` and `check` need only these (the catalogs cost ~0.1 s to read)."""
    from generator.profiles.yamlreader import load_document
    from generator.resources import languages, templates_dir

    if language not in languages():
        from generator.locale import get_locale  # (the catalogs only for this error)

        return dict(get_locale(language).fonts("pdf"))  # says which languages there are
    settings = load_document(templates_dir(language) / "locale.yaml").data
    return dict(settings["fonts"]["pdf"])


def image_problems(resolved: Resolved) -> list[Problem]:
    """A seal or logo that is missing, outside the profile folders, not a PNG/JPEG, too large
    or unreadable, at the line that names it."""
    problems: list[Problem] = []
    company = resolved.profile.company
    for field, value in (("seal_image", company.seal_image), ("logo_image", company.logo_image)):
        if value is None:
            continue
        from generator.render.assets import AssetRefused, prepare_image  # Pillow: only if used

        try:
            prepare_image(Path(value), resolved.asset_dirs)
        except AssetRefused as err:
            path = f"company.{field}"
            problems.append(Problem(resolved.where(path), path, str(err)))
    return problems


def template_problem(path: Path, where: Location, field: str) -> list[Problem]:
    """InputError at `where` when the company's Word template breaks a rule (size, parts, zip
    bomb, DTD, macros, template code, links): `file:line:col: field: template: part:line:col:
    what`. A template that passes gives its warnings: the headers and footers it has that the
    letter does not take (a first-page letterhead, even-page footers)."""
    from generator.render.docxtemplate import TemplateRefused, check_template, unused_stories

    # At the template itself (--docx-template) or at the line naming it, then its name.
    name = "" if where.file == str(path) else f"{path.name}: "
    try:
        template = check_template(path)
    except TemplateRefused as err:
        raise InputError([Problem(where, field, f"{name}{err}")]) from None
    return [
        Problem(
            where,
            field,
            f"{name}its {story} is not used: only the default header and footer are taken "
            "(put the letterhead in the default header)",
        )
        for story in unused_stories(template)
    ]


def template_problems(resolved: Resolved) -> Preflight:
    """The company's `docx_template:` checked, at the line that names it."""
    given = resolved.profile.company.docx_template
    if given is None:
        return Preflight()
    from generator.render.assets import AssetRefused, resolve_inside

    try:
        # Like a seal or logo: only from the profile folders (a profile in a pull request
        # must not pull in another company's letterhead, or a file elsewhere on the machine).
        resolve_inside(Path(given), resolved.asset_dirs)
    except AssetRefused as err:
        where = resolved.where("company.docx_template")
        return Preflight((), (Problem(where, "company.docx_template", str(err)),))
    try:
        notes = template_problem(
            Path(given), resolved.where("company.docx_template"), "company.docx_template"
        )
    except InputError as err:
        return Preflight((), tuple(err.problems))
    return Preflight(tuple(notes), ())


# A text block narrower than this many body characters, or lower than this many lines, is no
# letter: its tables and signature cannot be laid out, and the render used to fail with "text
# would leave the page" at some sentence, far from the margin or size that caused it.
MIN_LINE_CHARS = 15
MIN_PAGE_LINES = 10
A4_MM = (Decimal(210), Decimal(297))
HEADER_POINTS = Decimal(9)
"""The page header's type size (letter.css, `@top-center`)."""


def format_problems(fmt: Format | None, where: Callable[[str], Location]) -> list[Problem]:
    """A `format:` whose margins and body size leave no room for a letter, whose header or
    footer is longer than a line, or whose fixed line height is smaller than its type (the
    lines would print over each other), at the line that sets it (`where` a path)."""
    if fmt is None:
        return []
    from generator.render.formatting import page_format  # python-docx: only with a format

    page = page_format(fmt)
    top, right, bottom, left = page.margins
    size_mm = page.body_size * Decimal("25.4") / 72
    kind, value = page.spacing
    line_mm = (value if kind == "exact" else page.body_size * value) * Decimal("25.4") / 72
    given = fmt.margins.model_dump(exclude_none=True) if fmt.margins else {}
    problems: list[Problem] = []
    for sides, room, need, wanted in (
        (("left", "right"), A4_MM[0] - left - right, size_mm * MIN_LINE_CHARS, "characters"),
        (("top", "bottom"), A4_MM[1] - top - bottom, line_mm * MIN_PAGE_LINES, "lines"),
    ):
        if room >= need:
            continue
        named = [side for side in sides if side in given]
        path = f"format.margins.{named[0]}" if named else "format.body_size"
        if any(problem.path == path for problem in problems):
            continue  # one line for a body size too large both ways
        count = MIN_LINE_CHARS if wanted == "characters" else MIN_PAGE_LINES
        left_over = float(max(room, Decimal(0)))
        problems.append(
            Problem(
                where(path),
                path,
                f"the {sides[0]} and {sides[1]} margins leave {left_over:g} mm of "
                f"the A4 page, less than {count} {wanted} of the {page.body_size:g} pt body "
                f"need ({float(need):.0f} mm): make the margins or the type smaller",
            )
        )
    width = A4_MM[0] - left - right
    problems += _story_problems(page.header_text, HEADER_POINTS, width, "format.header", where)
    problems += _story_problems(page.footer, page.page_number_size, width, "format.footer", where)
    if kind == "exact" and value < page.body_size:
        problems.append(
            Problem(
                where("format.line_spacing"),
                "format.line_spacing",
                f"a fixed line height of {value:g} pt is smaller than the {page.body_size:g} pt "
                "body type: the lines would print over each other",
            )
        )
    return problems


def prescribed_format(own: Format | None, prescribed: Format | None) -> Format | None:
    """`own` with the fields a tender's format sets over it."""
    if prescribed is None:
        return own
    fields = own.model_dump(mode="json", exclude_unset=True) if own else {}
    given = prescribed.model_dump(mode="json", exclude_unset=True)
    margins = {**(fields.pop("margins", None) or {}), **(given.pop("margins", None) or {})}
    fields.update(given)
    if margins:
        fields["margins"] = margins
    return Format.model_validate(fields)


def _own_room(resolved: Resolved, *, ok_template: bool) -> list[Problem]:
    """The profile's format, over its company template's look when that passed its checks."""
    given = resolved.profile.company.docx_template
    if given is None or not ok_template:
        return format_problems(resolved.profile.project.format, resolved.where)
    return room_problems(
        resolved, template=Path(given), template_at=resolved.where("company.docx_template")
    )


MAX_STORY_LINES = 3
"""Lines a header or footer may take in the page margin."""


def _story_problems(
    text: str | None,
    points: Decimal,
    width: Decimal,
    path: str,
    where: Callable[[str], Location],
    whose: str = "",
) -> list[Problem]:
    """A header or footer (`whose`: the template's) with a line wider than the text block
    or more lines than the margin holds: the PDF sets each line whole (the footer does not
    wrap; the header grew out of the top of the page)."""
    lines = (text or "").split("\n")
    if len(lines) > MAX_STORY_LINES:
        return [
            Problem(
                where(path),
                path,
                f"{whose}{len(lines)} lines, more than the {MAX_STORY_LINES} the page margin "
                "holds in the PDF: shorten it",
            )
        ]
    for line in lines:
        # Latin letters counted generously at 0.6 em.
        ems = sum(Decimal(1) if _units(c) == 2 else Decimal("0.6") for c in line)
        wide = ems * points * Decimal("25.4") / 72
        if wide > width:
            return [
                Problem(
                    where(path),
                    path,
                    f"{whose}a line about {float(wide):.0f} mm wide in {points:g} pt type, wider "
                    f"than the {float(width):g} mm between the margins: shorten it",
                )
            ]
    return []


def room_problems(
    resolved: Resolved,
    tender: tuple[Format, dict[str, Location]] | None = None,
    template: Path | None = None,
    template_at: Location | None = None,
) -> list[Problem]:
    """`format_problems` of the format a letter is laid out in: the profile's, the fields a
    tender prescribes over it, both over a company template's look (its margins and sizes).
    Each problem is said where its value is set: the tender, the profile, else the template
    (`template_at`: the line naming it, or the file itself)."""
    fmt = resolved.profile.project.format
    given: dict[str, Location] = {}
    if tender is not None:
        fmt = prescribed_format(fmt, tender[0])
        given = tender[1]
    look = None
    if template is not None:
        from generator.render.docxtemplate import template_look
        from generator.render.formatting import over_template

        look = template_look(template)
        fmt = over_template(fmt, look)
    at = template_at or Location(str(template))

    def where(path: str) -> Location:
        if path in given:
            return given[path]
        if template is None or path in resolved.provenance:
            return resolved.where(path)
        return at

    found = format_problems(fmt, where)
    if template is not None and look is not None and fmt is not None:
        from generator.render.formatting import page_format

        # The template's own header and footer text, where the profile's format sets none.
        page = page_format(fmt)
        width = A4_MM[0] - page.margins[1] - page.margins[3]
        own = fmt.model_dump(exclude_none=True)
        for field, text, points in (
            ("header", look.header_text, HEADER_POINTS),
            ("footer", look.footer_text, page.page_number_size),
        ):
            if field not in own:
                # At the template itself (--docx-template), or at the line naming it.
                named = template_at is not None
                label = "company.docx_template" if named else "--docx-template"
                whose = f"{template.name}: its {field} has " if named else f"its {field} has "
                found += _story_problems(text, points, width, label, lambda _path: at, whose)
    return found


def _units(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def estimate_pages(texts: Iterable[tuple[str, str]]) -> int:
    """Pages the text needs at least: every string on its own lines, generously many
    characters a line and lines a page (LINE_UNITS, LINES_PER_PAGE)."""
    lines = sum(max(1, math.ceil(_units(text) / LINE_UNITS)) for _, text in texts)
    return math.ceil(lines / LINES_PER_PAGE)


def size_problems(
    texts: Sequence[tuple[str, str]], where: Location, limits: Limits
) -> list[Problem]:
    """The letter refused before it is laid out when its text alone would fill more pages
    than the limit."""
    pages = estimate_pages(texts)
    if pages <= limits.max_pages:
        return []
    return [
        Problem(
            where,
            "",
            f"the letter would have at least {pages} pages, over the limit of "
            f"{limits.max_pages} (--max-pages); split the profile or shorten its text",
        )
    ]


def preflight(
    resolved: Resolved,
    language: str | None = None,
    limits: Limits | None = None,
    *,
    anonymous: bool = False,
) -> Preflight:
    """The whole pre-flight of one resolved profile, for the letter in `language` (default:
    the project's). A 暗标 letter (`anonymous`, or the project's `anonymous: true`) also may
    hold no value that would identify the bidder (generator.app.anonymous)."""
    texts = profile_strings(resolved)
    found = character_problems(texts, resolved.where)
    # A character already refused for what it is is not also "not covered by any font".
    refused = {(p.path) for p in found.errors}
    glyphs = glyph_problems(
        [(path, text) for path, text in texts if path not in refused],
        resolved.where,
        language or resolved.profile.project.language,
    )
    errors = [
        *glyphs,
        *image_problems(resolved),
        *(template := template_problems(resolved)).errors,
        *_own_room(resolved, ok_template=not template.errors),
        *size_problems(texts, resolved.where("project_name"), limits or Limits()),
    ]
    if anonymous or resolved.profile.project.anonymous:
        from generator.locale import get_locale  # the catalogs only for a 暗标 letter

        say = get_locale(language or resolved.profile.project.language)
        errors.extend(anonymity_problems(resolved, say))
    return found + Preflight(template.warnings, tuple(errors))


def preflight_files(
    project: Path,
    overlays: Sequence[Path] = (),
    sets: Sequence[str] = (),
    *,
    language: str | None = None,
    limits: Limits | None = None,
) -> Preflight:
    """`preflight` of a project loaded with its overlays and `--set` values."""
    return preflight(load_profile(project, overlays, sets), language, limits)


def preflight_tender(
    data: Any, where: dict[str, Location], file: Path, languages: Iterable[str]
) -> Preflight:
    """A tender's strings (`data`: the model dumped as JSON) checked as a profile's are, in
    each language a letter or table is made in."""
    texts = strings(data)

    def locate(path: str) -> Location:
        return where.get(path, Location(str(file)))

    found = character_problems(texts, locate)
    refused = {p.path for p in found.errors}
    kept = [(path, text) for path, text in texts if path not in refused]
    glyphs = [p for language in languages for p in glyph_problems(kept, locate, language)]
    return found + Preflight((), tuple(glyphs))


def preflight_file(path: Path, kind: str) -> Preflight:
    """The pre-flight of one file `validate` was given, as it would run for a letter: a
    project resolved with its company (in its language); a company or overlay as written
    (characters; a company's glyphs in the default language and its images); a tender's
    strings in the default language."""
    if kind == "project":
        return preflight_files(path)
    from generator.profiles.yamlreader import dotted, load_document

    if kind == "tender":
        from generator.tender.loading import load_tender

        tender, where = load_tender(path)
        return preflight_tender(tender.model_dump(mode="json"), where, path, ["zh-Hans"])
    doc = load_document(path)
    where = {dotted(p): loc for p, loc in doc.where.items()}

    def locate(dotted_path: str) -> Location:
        return where.get(dotted_path, Location(doc.file, 1, 1))

    prefix = "company" if kind == "company" else ""
    texts = strings(doc.data, prefix)
    found = character_problems(texts, lambda p: locate(p.removeprefix("company.")))
    if kind != "company":
        return found
    refused = {p.path for p in found.errors}
    kept = [(p, t) for p, t in texts if p not in refused]
    errors = glyph_problems(kept, lambda p: locate(p.removeprefix("company.")), "zh-Hans")
    for field in ("seal_image", "logo_image"):
        value = doc.data.get(field)
        if isinstance(value, str) and value.strip():
            from generator.render.assets import AssetRefused, prepare_image

            try:
                prepare_image(path.parent / value.strip(), [path.parent])
            except AssetRefused as err:
                errors.append(Problem(locate(field), f"company.{field}", str(err)))
    return found + Preflight((), tuple(errors))


def preflight_check(
    project: Path,
    tender: Path,
    overlays: Sequence[Path] = (),
    sets: Sequence[str] = (),
    *,
    language: str | None = None,
) -> Preflight:
    """The pre-flight `check` runs: the project's, and the tender's strings in the report's
    language (the problems of both at once)."""
    from generator.tender.loading import load_tender

    found = Preflight()
    problems: list[Problem] = []
    languages = [language] if language else []
    try:
        resolved = load_profile(project, overlays, sets)
        found += preflight(resolved, language)
        languages = languages or [resolved.profile.project.language]
    except InputError as err:
        problems.extend(err.problems)
    try:
        model, where = load_tender(tender)
        data = model.model_dump(mode="json")
        found += preflight_tender(data, where, tender, languages[:1] or ["zh-Hans"])
    except InputError as err:
        problems.extend(err.problems)
    if problems:
        raise InputError(problems)
    return found

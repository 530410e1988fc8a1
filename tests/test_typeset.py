"""Typesetting (issue 10, part 3): a number never parts from its unit or from 第/共, a
paragraph's last line holds at least three letters, and the closing stays with the signature,
in the PDF (WeasyPrint) and in the DOCX as LibreOffice lays it out.

The rules are unit-tested on text; the layouts are tested on "sweep" letters, where the same
number sits at every position of a line (so some position would split it), each rendered once
as made and once with the rules switched off (the control: the sweep must split without them),
and on every example letter.
"""

import io
import itertools
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from documents import squash

from conftest import EXAMPLES
from generator.app.batch import Job, render_many
from generator.letter.compose import compose
from generator.letter.document import Letter, Paragraph, Section, Signature, Table
from generator.locale import get_locale
from generator.profiles.loading import load_profile
from generator.render import docxfile, pdffile
from generator.render.docxfile import render_docx
from generator.render.pdffile import PdfRenderer, letter_texts, render_pdf
from generator.render.typeset import LONGEST, join, pieces, rules

# ---------------------------------------------------------------- the rules, on text


@pytest.mark.parametrize(
    ("language", "text", "kept"),
    [
        ("zh-Hans", "接到通知后2小时内到达，24小时内修复", ["2小时", "24小时"]),
        ("zh-Hans", "质保期十八个月，每半年巡检", ["十八个月", "半年"]),
        ("zh-Hans", "是本项目售后服务的第一责任人", ["第一"]),
        ("zh-Hans", "第3页共5页", ["第3页", "共5页"]),
        ("zh-Hans", "7×24小时服务，7天×24小时值守", ["7×24小时", "7天×24小时"]),
        ("zh-Hans", "2-3个工作日内", ["2-3个工作日"]),
        ("zh-Hans", "2026年12月10日", ["2026年", "12月", "10日"]),
        ("zh-Hans", "设有5家服务网点", ["5家"]),  # any ideograph after a digit
        ("zh-Hans", "值班时间为8:00-24:00，电话0571-85120096。", []),  # numbers alone
        ("zh-Hans", "统一服务，一般情况", []),  # a numeral without a unit is a word
        ("zh-Hant", "24小時內到場，保固十八個月", ["24小時", "十八個月"]),
        ("en", "within 24 hours or 3 working days, No. 5", ["24 hours", "3 working days", "No. 5"]),
    ],
)
def test_a_number_keeps_its_unit_and_the_word_before_it(
    language: str, text: str, kept: list[str]
) -> None:
    assert [piece for piece, keep in pieces(text, rules(language)) if keep] == kept


def test_a_run_too_long_for_a_column_stays_breakable() -> None:
    text = "序列号" + "1" * LONGEST + "台"
    assert not any(keep for _, keep in pieces(text, rules("zh-Hans")))


def test_the_last_letters_of_a_paragraph_stay_together() -> None:
    zh = rules("zh-Hans")
    assert pieces("我公司保证免费提供。", zh, paragraph=True)[-1] == ("费提供。", True)
    # a number at the end joins the last letters: one stretch
    assert pieces("修复时间为24小时内。", zh, paragraph=True)[-1] == ("24小时内。", True)
    # the last line after a line break counts; a stretch never holds the break
    assert pieces("首行写满了字\n短句", zh, paragraph=True) == [("首行写满了字\n短句", False)]
    assert [p for p, keep in pieces("首行\n这行写满。", zh, paragraph=True) if keep] == ["行写满。"]
    # not asked for (a table cell, a heading): only numbers
    assert pieces("我公司保证免费提供。", zh) == [("我公司保证免费提供。", False)]
    # English counts letters too: no lone short word on the last line
    en = pieces("Spare parts are delivered to us.", rules("en"), paragraph=True)
    assert en[-1] == ("ed to us.", True)


def test_join_says_no_break_where_a_line_could_break() -> None:
    wj, nbsp = "\u2060", "\u00a0"
    assert join("24小时") == f"24{wj}小{wj}时"
    assert join("第3页") == f"第{wj}3{wj}页"
    assert join("费提供。") == f"费{wj}提{wj}供。"  # 。never starts a line anyway
    assert join("1.5小时") == f"1.5{wj}小{wj}时"  # nor does a line break inside 1.5
    assert join("24 hours") == f"24{nbsp}hours"


# ---------------------------------------------------------------- the renderers' marks


def _letter(*paragraphs: str, language: str = "zh-Hans", closing: tuple[str, ...] = ()) -> Letter:
    return Letter(
        title="售后服务承诺书",
        addressee="致：某某单位",
        opening=(),
        sections=(Section("一、", "服务", 1, tuple(Paragraph(p) for p in paragraphs)),),
        closing=tuple(Paragraph(c) for c in closing),
        signature=Signature(
            company_label="投标人（盖章）",
            company="某某科技有限公司",
            signatory_label="法定代表人或授权代表（签字）",
            signatory=None,
            date_label="日期",
            date_text="2026年12月1日",
        ),
        header_text="排版测试",
        meta_title="排版测试",
        meta_author="某某科技有限公司",
        meta_subject="排版测试",
        date=None,
        language=language,
    )


def test_the_html_weasyprint_lays_out_joins_glued_runs_and_escapes() -> None:
    letter = _letter("A&B <c> 在24小时内到达现场并修复故障。")
    html = PdfRenderer().html(letter, joiners=True)
    assert "A&amp;B &lt;c&gt; 在24\u2060小\u2060时内到达现场并修复\u2060故\u2060障。" in html
    # an HTML file for readers (--format html, the workspace's preview) reads as written
    assert "A&amp;B &lt;c&gt; 在24小时内到达现场并修复故障。" in PdfRenderer().html(letter)


def test_a_glued_run_wider_than_its_column_still_breaks_rather_than_leave_the_page() -> None:
    narrow = Table("时限表", ("时限", "说明"), (("7天×24小时内", "说明" * 20),), widths=(1, 30))
    letter = replace(_letter(), sections=(Section("一、", "服务", 1, (narrow,)),))
    assert render_pdf(letter).startswith(b"%PDF")  # the overflow check would refuse it


def test_the_docx_gives_each_glued_run_its_own_run_in_a_line_breaking_language() -> None:
    docx = render_docx(_letter("在24小时内到达现场。"))
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    run = re.search(r"<w:r>(?:(?!</w:r>).)*24\u2060小\u2060时</w:t></w:r>", xml)
    assert run is not None, xml
    assert '<w:lang w:eastAsia="zh-Hans-CN"/>' in run.group()
    assert "在" not in run.group() and "内到" not in run.group()


def test_zh_hant_glued_runs_are_traditional_chinese() -> None:
    docx = render_docx(_letter("在24小時內到場。", language="zh-Hant"))
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")
    assert b'w:eastAsia="zh-Hant-TW"' in xml


# ---------------------------------------------------------------- reading laid-out text back


def pdf_text_lines(pdf: Path, *, raw: bool = False, page: int | None = None) -> list[str]:
    """pdftotext's lines (its default reading order, or -raw content order), blank ones out."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else [])]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    out = subprocess.run([*args, str(pdf), "-"], capture_output=True, check=True, text=True)
    return [line for line in out.stdout.splitlines() if line.strip()]


def number_splits(lines: list[str], letter: Letter) -> list[str]:
    """`a | b` for each pair of lines where `a` ends with a number (digits, or numerals before
    a unit of the list) or 第/共 and `b` begins with the rest of its unit or its number, and
    the two sides are one run of the letter's text (not a phone number over 日期)."""
    settings = get_locale(letter.language).settings["typesetting"]
    units: list[str] = settings["units"]
    numerals = re.escape(settings["numerals"]) if settings["numerals"] else None
    before = "|".join(map(re.escape, settings["before"]))
    text = "\n".join(squash(t) for _, t in letter_texts(letter)).casefold()
    found = []
    for a, b in itertools.pairwise(squash(line).casefold() for line in lines):
        candidates = []
        for unit in [u.casefold() for u in units]:
            for cut in range(len(unit)):
                head, rest = re.escape(unit[:cut]), unit[cut:]
                if not b.startswith(rest):
                    continue
                number = rf"\d+{head}$" + (rf"|[{numerals}]+{head}$" if numerals else "")
                if m := re.search(number, a):
                    candidates.append(m.group() + rest)
        if re.search(r"\d$", a) and b[:1] and unicodedata.name(b[0], "").startswith("CJK UNI"):
            candidates.append(re.search(r"\d+$", a).group() + b[0])  # type: ignore[union-attr]
        spelled = rf"|[{numerals}]+" if numerals else ""
        m = re.search(rf"(?:{before})$", a) if before else None
        if m and (n := re.match(r"\d+" + spelled, b)):
            candidates.append(m.group() + n.group())
        found += [f"{a[-12:]} | {b[:12]}" for c in candidates if c in text]
    return found


def short_last_lines(lines: list[str], letter: Letter) -> list[str]:
    """The last line of each body paragraph that wraps, when it holds fewer letters than the
    language's `last_line` (punctuation and spaces not counted)."""
    minimum = rules(letter.language).last_line
    flat, starts = "", []
    for line in lines:
        starts.append(len(flat))
        flat += squash(line)
    found, cursor = [], 0
    for paragraph in _paragraphs(letter):
        whole = squash((paragraph.number or "") + paragraph.text)
        start = flat.find(whole, cursor)
        if start < 0 or "\n" in paragraph.text:
            continue
        end = cursor = start + len(whole)
        line_start = max(s for s in starts if s < end)
        if line_start > start and _letters(flat[line_start:end]) < minimum:
            found.append(flat[max(line_start - 8, start) : end])
    return found


def _letters(text: str) -> int:
    return sum(1 for c in text if unicodedata.category(c)[0] not in "PZ")


def _paragraphs(letter: Letter) -> Iterator[Paragraph]:
    def walk(blocks: tuple[object, ...]) -> Iterator[Paragraph]:
        for block in blocks:
            if isinstance(block, Paragraph):
                yield block
            elif isinstance(block, Section):
                yield from walk(block.blocks)

    yield from letter.opening
    yield from walk(letter.sections)
    yield from letter.closing


def libreoffice_pdfs(docx: list[Path], out: Path) -> list[Path]:
    """Each DOCX converted to PDF by LibreOffice (one run), in order."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is part of the test setup (make test installs it)"
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{out / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, docx),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return [out / f"{path.stem}.pdf" for path in docx]


# ---------------------------------------------------------------- sweeps: every position

FILLER = {"zh-Hans": "测", "zh-Hant": "測", "en": "word "}
NUMBER = {"zh-Hans": "24小时", "zh-Hant": "24小時", "en": "24 hours"}
PAGE = {"zh-Hans": "第3页", "zh-Hant": "第3頁", "en": "No. 3"}
END = {"zh-Hans": "提供。", "zh-Hant": "提供。", "en": "to us."}
STOP = {"zh-Hans": "。", "zh-Hant": "。", "en": "."}


def _sweep(language: str) -> Letter:
    """The number, 第3页 and a paragraph's end at every position of a line: some position
    splits each of them unless the rules hold."""
    fill, width = FILLER[language], 30 if language != "en" else 14
    span = range(width, width + 16)
    return _letter(
        *(fill * k + NUMBER[language] + STOP[language] for k in span),
        *(fill * k + PAGE[language] + STOP[language] for k in span),
        *(fill * (k + width) + END[language] for k in range(0, 40)),
        language=language,
    )


def _no_rules(text: str, rules: object, *, paragraph: bool = False) -> list[tuple[str, bool]]:
    return [(text, False)]


LANGUAGES = ("zh-Hans", "zh-Hant", "en")


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, bool], Path]:
    """(medium, language, rules on) -> the PDF: WeasyPrint's, or LibreOffice's of the DOCX."""
    out = tmp_path_factory.mktemp("sweeps")
    made: dict[tuple[str, str, bool], Path] = {}
    docx: list[Path] = []
    with pytest.MonkeyPatch.context() as patch:
        for on in (True, False):
            if not on:
                patch.setattr(pdffile, "pieces", _no_rules)
                patch.setattr(docxfile, "pieces", _no_rules)
            for language in LANGUAGES:
                letter = _sweep(language)
                name = f"{language}-{'on' if on else 'off'}"
                pdf = out / f"{name}.pdf"
                pdf.write_bytes(render_pdf(letter, get_locale(language).fonts("pdf")))
                made["pdf", language, on] = pdf
                docx.append(out / f"{name}.docx")
                docx[-1].write_bytes(render_docx(letter))
    for path in libreoffice_pdfs(docx, out / "lo"):
        lang, state = path.stem.rsplit("-", 1)
        made["docx", lang, state == "on"] = path
    return made


@pytest.mark.slow
@pytest.mark.parametrize("medium", ["pdf", "docx"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_line_parts_a_number_from_its_unit(
    sweeps: dict[tuple[str, str, bool], Path], medium: str, language: str
) -> None:
    letter = _sweep(language)
    control = number_splits(pdf_text_lines(sweeps[medium, language, False]), letter)
    assert control, "the sweep must split a number somewhere without the rules"
    assert number_splits(pdf_text_lines(sweeps[medium, language, True]), letter) == []


@pytest.mark.slow
@pytest.mark.parametrize("medium", ["pdf", "docx"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_paragraph_ends_in_a_line_of_one_or_two_letters(
    sweeps: dict[tuple[str, str, bool], Path], medium: str, language: str
) -> None:
    letter = _sweep(language)
    control = short_last_lines(pdf_text_lines(sweeps[medium, language, False], raw=True), letter)
    assert control, "the sweep must end a paragraph in a short line without the rules"
    on = short_last_lines(pdf_text_lines(sweeps[medium, language, True], raw=True), letter)
    assert on == []


# ---------------------------------------------------------------- the signature and the closing

CLOSING = ("以上承诺真实有效，我公司保证严格履行。", "特此承诺。")


def _signature_pages(pdf: Path, letter: Letter) -> tuple[int, str]:
    """The page the signature block is on, and that page's text (squashed)."""
    pages = int(re.search(r"Pages:\s+(\d+)", _pdfinfo(pdf)).group(1))  # type: ignore[union-attr]
    for page in range(pages, 0, -1):
        text = squash("".join(pdf_text_lines(pdf, page=page)))
        if squash(letter.signature.company_label) in text:
            return page, text
    raise AssertionError(f"{pdf}: no signature block")


def _pdfinfo(pdf: Path) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout


@pytest.mark.slow
def test_the_closing_stays_with_the_signature_wherever_the_page_ends(tmp_path: Path) -> None:
    """Letters one paragraph longer each: the page break falls before, inside and after the
    closing; the closing is always on the signature's page, in the PDF and the DOCX."""
    renderer = PdfRenderer()
    letters, docx, seen = [], [], set()
    for n in range(6, 26):
        letter = _letter(*["测" * 60 + "。"] * n, closing=CLOSING)
        letters.append(letter)
        pdf = tmp_path / f"{n}.pdf"
        pdf.write_bytes(renderer.render(letter))
        page, text = _signature_pages(pdf, letter)
        seen.add(page)
        assert all(squash(c) in text for c in CLOSING), (n, page)
        docx.append(tmp_path / f"{n}.docx")
        docx[-1].write_bytes(render_docx(letter))
    assert len(seen) > 1, "the sweep must move the signature to another page"
    seen.clear()
    for letter, pdf in zip(letters, libreoffice_pdfs(docx, tmp_path / "lo"), strict=True):
        page, text = _signature_pages(pdf, letter)
        seen.add(page)
        assert all(squash(c) in text for c in CLOSING), (pdf.name, page)
    assert len(seen) > 1


# ---------------------------------------------------------------- every example letter


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Letter, Path, Path]]:
    """(letter, its PDF, LibreOffice's PDF of its DOCX) for every example."""
    out = tmp_path_factory.mktemp("examples")
    projects = sorted(EXAMPLES.glob("*/project.yaml"))
    results = render_many([Job(p) for p in projects], out, ("docx", "pdf"), 2)
    made = []
    for result in results:
        resolved = load_profile(result.job.project)
        letter = compose(resolved.profile, asset_dirs=resolved.asset_dirs)
        files = {w.path.suffix: w.path for w in result.files}
        # short ASCII names for LibreOffice's output
        docx = out / f"{result.job.project.parent.name}.docx"
        shutil.copy(files[".docx"], docx)
        made.append((letter, files[".pdf"], docx))
    converted = libreoffice_pdfs([docx for _, _, docx in made], out / "lo")
    return [(letter, pdf, lo) for (letter, pdf, _), lo in zip(made, converted, strict=True)]


@pytest.mark.slow
def test_no_example_line_ends_with_a_number_whose_unit_begins_the_next(
    examples: list[tuple[Letter, Path, Path]],
) -> None:
    for letter, pdf, libreoffice in examples:
        assert number_splits(pdf_text_lines(pdf), letter) == [], pdf.name
        assert number_splits(pdf_text_lines(libreoffice), letter) == [], libreoffice.name


@pytest.mark.slow
def test_no_example_paragraph_ends_in_a_line_of_one_or_two_letters(
    examples: list[tuple[Letter, Path, Path]],
) -> None:
    for letter, pdf, libreoffice in examples:
        assert short_last_lines(pdf_text_lines(pdf, raw=True), letter) == [], pdf.name
        lines = pdf_text_lines(libreoffice, raw=True)
        assert short_last_lines(lines, letter) == [], libreoffice.name


@pytest.mark.slow
def test_every_example_signs_on_the_page_of_its_closing(
    examples: list[tuple[Letter, Path, Path]],
) -> None:
    for letter, pdf, libreoffice in examples:
        for rendered in (pdf, libreoffice):
            _, text = _signature_pages(rendered, letter)
            missing = [p.text for p in letter.closing if squash(p.text) not in text]
            assert missing == [], rendered.name


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh-Hant", "en"])
def test_every_example_in_the_other_languages_keeps_its_numbers(
    language: str, tmp_path: Path
) -> None:
    """The PDF of every example in Traditional Chinese and in English: the same checks."""
    for project in sorted(EXAMPLES.glob("*/project.yaml")):
        resolved = load_profile(project)
        letter = compose(resolved.profile, asset_dirs=resolved.asset_dirs, language=language)
        pdf = tmp_path / f"{project.parent.name}.pdf"
        pdf.write_bytes(render_pdf(letter, get_locale(language).fonts("pdf")))
        assert number_splits(pdf_text_lines(pdf), letter) == [], pdf.name
        assert short_last_lines(pdf_text_lines(pdf, raw=True), letter) == [], pdf.name

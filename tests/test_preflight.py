"""Issue 8, points 6, 7, 9 and 10: one pre-flight for every command, text never lost on the
page, safe diagnostics, bounds. Each reproduction of the issue is a test here."""

import io
import re
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import docx
import pytest
from documents import docx_lines, pdf_lines, shown, squash
from PIL import Image

from conftest import example, run
from generator.app.preflight import estimate_pages, preflight_files, profile_strings
from generator.errors import Location, Problem, escape
from generator.letter.compose import compose, letter_text
from generator.profiles.loading import load_profile
from generator.render.assets import AssetRefused, prepare_image
from generator.tender.check import check
from generator.tender.loading import load_tender
from generator.tender.reports import github_report, markdown_report, text_report

Tree = Callable[[Mapping[str, str | bytes]], Path]

COMPANY = """\
kind: company
name: 星辰电脑公司
hotlines:
  - number: 400-800-1234
service_network:
  - name: 银川维护中心
    province: 宁夏
    city: 银川
    address: {address}
commitments:
  warranty:
    period: 3年
  staffing:
    dedicated_person: true
{company_extra}
"""

PROJECT = """\
kind: project
company: company.yaml
project_name: {name}
tenderer: 宁夏交通运输厅
commitments:
  response:
    tiers:
      - respond: 30min
        arrive: 4h
  extra_clauses:
    - title: 服务说明
      text:
        - {text}
"""

TENDER = """\
kind: tender
name: 测试招标
number: T-1
requirements:
  - clause: 一
    text: 质保期不少于1年
    commitment: warranty.period
    comparator: at_least
    value: 1年
"""

COMPANY_BASE = COMPANY.format(address="银川市", company_extra="")
LONG = "A1B2C3D4E5F6G7H8I9J0" * 94 + "XYZABCDEFG"  # 1,890 characters, no break opportunity
assert len(LONG) == 1890


def files(
    name: str = "测试项目",
    text: str = "本公司提供上门服务。",
    address: str = "银川市金凤区",
    company_extra: str = "",
) -> dict[str, str | bytes]:
    return {
        "company.yaml": COMPANY.format(address=address, company_extra=company_extra),
        "project.yaml": PROJECT.format(name=name, text=text),
        "tender.yaml": TENDER,
    }


def quoted(text: str) -> str:
    """A YAML double-quoted scalar holding `text` (escapes for control characters)."""
    return '"' + text.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'


# ---------------------------------------------------------------- one pre-flight, four commands


def every_command(folder: Path, out: Path) -> dict[str, tuple[int, str, str]]:
    project, tender = folder / "project.yaml", folder / "tender.yaml"
    return {
        "validate": run("validate", project),
        "explain": run("explain", project),
        "check": run("check", project, "--tender", tender),
        "render": run("render", project, "--format", "html", "-o", out),
    }


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("组装\u202e电脑", "project_name: bidirectional control character U+202E RIGHT-TO-LEFT"),
        ("组装\u200b电脑", "project_name: invisible character U+200B ZERO WIDTH SPACE in a name"),
        ("组装\u2066电脑", "bidirectional control character U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("组装\x07电脑", "project_name: control character U+0007 (control character)"),
        ("组装𠀀电脑", 'character "𠀀" (U+20000) is not covered by any installed font'),
    ],
)
def test_validate_explain_check_and_render_refuse_alike(
    tree: Tree, tmp_path: Path, value: str, said: str
) -> None:
    # Before: validate, explain and check passed what render then refused.
    folder = tree(files(name=quoted(value)))
    results = every_command(folder, tmp_path / "out")
    for command, (code, _, err) in results.items():
        assert code == 2, (command, err)
        assert said in err, (command, err)
        assert re.search(r"project\.yaml:3:\d+: project_name: ", err), (command, err)
        if "U+202E" in said or "U+2066" in said:
            assert "not covered" not in err  # the character itself, not the fonts
    messages = {command: err for command, (_, _, err) in results.items()}
    assert len(set(messages.values())) == 1, messages  # the same located message everywhere
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.slow
def test_zero_width_in_free_text_is_left_out_with_a_warning(tree: Tree, tmp_path: Path) -> None:
    folder = tree(files(text=quoted("本公司\u200b提供\ufeff上门服务。")))
    code, _, err = run("validate", folder / "project.yaml")
    assert code == 0, err
    assert "warning:" in err and "U+200B ZERO WIDTH SPACE left out of the letter" in err
    assert "U+FEFF ZERO WIDTH NO-BREAK SPACE left out of the letter" in err
    resolved = load_profile(folder / "project.yaml")
    text = letter_text(compose(resolved.profile))
    assert "本公司提供上门服务。" in text and "\u200b" not in text and "\ufeff" not in text
    code, _, err = run("render", folder / "project.yaml", "--format", "html", "-o", tmp_path / "o")
    assert code == 0 and "U+200B ZERO WIDTH SPACE left out" in err


def test_bidi_control_in_free_text_is_refused(tree: Tree) -> None:
    folder = tree(files(text=quoted("保修\u202e期三年")))
    found = preflight_files(folder / "project.yaml")
    (problem,) = found.errors
    assert problem.path == "commitments.extra_clauses[0].text[0]"
    assert "bidirectional control character U+202E" in problem.message
    assert "\u202e" not in str(problem) and "\\u202e" in str(problem)


def test_a_missing_or_bad_image_is_refused_by_validate(tree: Tree) -> None:
    folder = tree(files(company_extra="seal_image: seal.png\nlogo_image: logo.png"))
    (folder / "logo.png").write_bytes(b"not an image")
    for target in (folder / "company.yaml", folder / "project.yaml"):
        code, _, err = run("validate", target)
        assert code == 2
        assert re.search(r"company\.yaml:\d+:\d+: company\.seal_image: .*file not found", err)
        assert re.search(r"company\.yaml:\d+:\d+: company\.logo_image: .*not a readable", err)


# ---------------------------------------------------------------- images


def _jpeg_without_jfif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "red").save(out, format="JPEG")
    raw = out.getvalue()
    at = raw.index(b"\xff\xe0")  # the APP0 (JFIF) segment, as scanners leave it out
    return raw[:at] + raw[at + 2 + int.from_bytes(raw[at + 2 : at + 4], "big") :]


def _image(mode: str, fmt: str, **save: object) -> bytes:
    out = io.BytesIO()
    if mode == "P":
        image = Image.new("P", (60, 40), 1)
        image.putpalette([0, 0, 0, 200, 0, 0] + [0] * 762)
        image.save(out, format=fmt, transparency=0)
    elif mode == "I;16":
        Image.new("I;16", (60, 40), 40000).save(out, format=fmt)
    else:
        Image.new(mode, (60, 40), "red" if mode != "CMYK" else (0, 255, 255, 0)).save(
            out, format=fmt, **save
        )
    return out.getvalue()


ODD_IMAGES: dict[str, Callable[[], bytes]] = {
    "no-jfif.jpg": _jpeg_without_jfif,
    "cmyk.jpg": lambda: _image("CMYK", "JPEG"),
    "progressive.jpg": lambda: _image("RGB", "JPEG", progressive=True),
    "grey16.png": lambda: _image("I;16", "PNG"),
    "palette.png": lambda: _image("P", "PNG"),
    "grey.png": lambda: _image("L", "PNG"),
}


@pytest.mark.parametrize("name", sorted(ODD_IMAGES))
def test_odd_images_are_normalised(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(ODD_IMAGES[name]())
    prepared = prepare_image(tmp_path / name, [tmp_path])
    with Image.open(io.BytesIO(prepared.data)) as image:
        if image.format == "JPEG":
            assert image.mode == "RGB" and "jfif" in image.info
            assert not image.info.get("progressive")
        else:
            assert image.format == "PNG" and image.mode in {"RGB", "RGBA"}
            assert prepared.data[24] == 8  # bit depth
        assert image.size == (60, 40)
        image.load()
    assert prepared.info.mime_type == f"image/{image.format.lower()}"
    if name == "grey16.png":  # scaled to 8 bits, not clipped to white
        with Image.open(io.BytesIO(prepared.data)) as image:
            assert image.getpixel((0, 0)) == (156, 156, 156)
    if name == "palette.png":  # the transparency survives
        with Image.open(io.BytesIO(prepared.data)) as image:
            assert image.mode == "RGBA" and image.getpixel((0, 0)) == (200, 0, 0, 255)


def test_a_plain_image_is_passed_on_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "seal.png").write_bytes(_image("RGBA", "PNG"))
    assert (
        prepare_image(tmp_path / "seal.png", [tmp_path]).data
        == (tmp_path / "seal.png").read_bytes()
    )


def test_huge_dimensions_are_refused_at_their_line(tree: Tree) -> None:
    folder = tree(files(company_extra="seal_image: seal.png"))
    Image.new("1", (6000, 5000)).save(folder / "seal.png")  # 30 megapixels, a small file
    code, _, err = run("validate", folder / "project.yaml")
    assert code == 2
    assert re.search(
        r"company\.yaml:\d+:\d+: company\.seal_image: .*6000×5000 pixels, over the limit", err
    )
    with pytest.raises(AssetRefused):
        prepare_image(folder / "seal.png", [folder])


@pytest.mark.parametrize("side", [12_000, 20_000])
def test_a_decompression_bomb_is_refused_at_its_line(tree: Tree, side: int) -> None:
    # Over Pillow's own limits (89 and 179 megapixels) Image.open itself warns or raises: a
    # 50 KB PNG exited 70 (DecompressionBombError) or printed Pillow's warning.
    folder = tree(files(company_extra="seal_image: seal.png"))
    Image.new("1", (side, side)).save(folder / "seal.png", optimize=True)
    code, _, err = run("validate", folder / "project.yaml")
    assert code == 2, err
    assert re.search(
        r"company\.yaml:\d+:\d+: company\.seal_image: .* pixels, over the limit of 25 megapixels",
        err,
    )
    assert "Warning" not in err and "internal error" not in err


@pytest.mark.slow
def test_odd_seals_render_in_both_formats(tree: Tree, tmp_path: Path) -> None:
    # Before: a JPEG without JFIF header or a CMYK JPEG exited 70; a 16-bit PNG failed late.
    for name, make in ODD_IMAGES.items():
        folder = tree(files(company_extra=f"seal_image: {name}\nlogo_image: {name}"))
        (folder / name).write_bytes(make())
        out = tmp_path / f"out-{name}"
        code, _, err = run("render", folder / "project.yaml", "-o", out)
        assert code == 0, (name, err)
        (docx_file,) = out.glob("*.docx")
        document = docx.Document(str(docx_file))
        pictures = [p for p in document.part.package.parts if "media" in str(p.partname)]
        assert pictures, name
        listed = subprocess.run(
            ["pdfimages", "-list", str(next(out.glob("*.pdf")))],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert len(listed.splitlines()) > 2, (name, listed)  # seal and logo are in the PDF


@pytest.mark.slow
def test_logo_is_drawn_as_a_letterhead(tree: Tree, tmp_path: Path) -> None:
    # Before: logo_image was validated and never drawn.
    folder = tree(files(company_extra="logo_image: logo.png"))
    Image.new("RGB", (300, 100), "navy").save(folder / "logo.png")
    code, _, err = run("render", folder / "project.yaml", "-o", tmp_path / "out")
    assert code == 0, err
    pdf = next((tmp_path / "out").glob("*.pdf"))
    pages = int(re.search(r"Pages:\s+(\d+)", _pdfinfo(pdf)).group(1))  # type: ignore[union-attr]
    listed = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len(listed) == pages  # once a page, in the header
    assert all(line.split()[3:5] == ["300", "100"] for line in listed)
    document = docx.Document(str(next((tmp_path / "out").glob("*.docx"))))
    header = document.sections[0].header
    assert header._element.xpath(".//pic:pic")
    assert "测试项目" in "".join(p.text for p in header.paragraphs)


def _pdfinfo(pdf: Path) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


# ---------------------------------------------------------------- text never lost


def test_a_line_break_the_user_wrote_is_kept(tree: Tree) -> None:
    block = "|\n          1. 第一条\n          2. 第二条\n          Line three"
    folder = tree(files(text=block))
    letter = compose(load_profile(folder / "project.yaml").profile)
    texts = [
        b.text
        for s in letter.sections
        for b in s.blocks
        if hasattr(b, "text") and "第一条" in b.text
    ]
    assert texts == ["1. 第一条\n2. 第二条\nLine three"]


@pytest.mark.slow
def test_line_breaks_in_docx_and_pdf_alike(tree: Tree, tmp_path: Path) -> None:
    # Before: Chinese lines were joined with no separator, a | block list became one line.
    block = "|\n          1. 第一条承诺\n          2. 第二条承诺"
    folder = tree(files(text=block))
    code, _, err = run("render", folder / "project.yaml", "-o", tmp_path)
    assert code == 0, err
    document = docx.Document(str(next(tmp_path.glob("*.docx"))))
    (paragraph,) = [p for p in document.paragraphs if "第一条承诺" in shown(p.text)]
    assert shown(paragraph.text) == "1. 第一条承诺\n2. 第二条承诺"  # one paragraph, a <w:br/>
    lines = pdf_lines(next(tmp_path.glob("*.pdf")))
    assert "1. 第一条承诺" in lines and "2. 第二条承诺" in lines
    assert "1. 第一条承诺 2. 第二条承诺" not in docx_lines(next(tmp_path.glob("*.docx")))


def _words_outside(pdf: Path) -> list[str]:
    """Words pdftotext places outside the page's content area (A4, margins 28/25 mm)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    left, right = 28 * 72 / 25.4 - 1, 595.28 - 25 * 72 / 25.4 + 1
    outside = []
    for x_min, x_max, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out
    ):
        if float(x_min) < left or float(x_max) > right:
            outside.append(word)
    return outside


@pytest.mark.slow
def test_a_long_unbreakable_token_stays_on_the_page(tree: Tree, tmp_path: Path) -> None:
    # Before: 73 of 1,890 characters survived and the table was pushed off the page; exit 0.
    folder = tree(files(text=LONG, address=LONG))
    code, _, err = run("render", folder / "project.yaml", "-o", tmp_path)
    assert code == 0, err
    pdf = next(tmp_path.glob("*.pdf"))
    # The token runs over a page break: the footer and the next header stand in it.
    text = re.sub(r"测试项目第\d+页共\d+页", "", squash("".join(pdf_lines(pdf))))
    assert text.count(LONG) == 2  # the paragraph and the table cell, every character
    assert _words_outside(pdf) == []
    assert squash("".join(docx_lines(next(tmp_path.glob("*.docx"))))).count(LONG) == 2


@pytest.mark.slow
def test_a_long_word_in_a_numbered_item_stays_on_the_page(tmp_path: Path) -> None:
    # Before: a step label (or an exclusion) of one long word exited 2, "text would leave the
    # page": after the item's number WeasyPrint did not break the run that followed.
    word = "Supercalifragilistic" * 10
    code, _, err = run(
        "render",
        example("ex2"),
        "-o",
        tmp_path,
        "--format",
        "pdf",
        "--set",
        f"service_process.steps[id=register].label={word}",
        "--set",
        f"warranty.exclusions=[{word}]",
    )
    assert code == 0, err
    pdf = next(tmp_path.glob("*.pdf"))
    text = squash("".join(pdf_lines(pdf)))
    assert text.count(word) >= 3  # the exclusion, the process step and the "从…到…" sentence
    assert _words_outside(pdf) == []


@pytest.mark.slow
def test_the_layout_check_fails_a_render_that_overflows(tree: Tree, tmp_path: Path) -> None:
    from generator.errors import RenderError
    from generator.render.pdffile import PdfRenderer
    from generator.resources import templates_dir

    # A stylesheet that lets long runs stand (as a user's own template might).
    own = tmp_path / "templates"
    own.mkdir()
    for name in ("letter.html.j2", "letter.css"):
        text = (templates_dir("zh-Hans") / name).read_text(encoding="utf-8")
        (own / name).write_text(text.replace("overflow-wrap: anywhere;", ""), encoding="utf-8")
    folder = tree(files(text=LONG))
    letter = compose(load_profile(folder / "project.yaml").profile)
    with pytest.raises(RenderError, match="text would leave the page") as caught:
        PdfRenderer(own).render(letter)
    assert re.search(
        r"page \d+: letter\.sections\[\d+\]\.blocks\[\d+\]\.text: 'A1B2", str(caught.value)
    )


# ---------------------------------------------------------------- safe diagnostics

HOSTILE = "项目\n::error::x<script>alert(1)</script>\u202e"


def test_a_hostile_name_is_escaped_in_every_message(tree: Tree) -> None:
    # Before: validate printed the name raw; in CI the line became a workflow command.
    folder = tree(files(name=quoted(HOSTILE)))
    for args in (
        ("validate", folder / "project.yaml"),
        ("check", folder / "project.yaml", "--tender", folder / "tender.yaml"),
        (
            "check",
            folder / "project.yaml",
            "--tender",
            folder / "tender.yaml",
            "--format",
            "github",
        ),
        ("explain", folder / "project.yaml"),
    ):
        code, out, err = run(*args)
        assert code == 2
        for line in (out + err).splitlines():
            assert not line.startswith("::"), line
        assert "\u202e" not in out + err
        assert "\\n::error::x" in err and "\\u202e" in err


def test_escape_shows_controls_and_bidi() -> None:
    assert escape("a\nb\t\u202e\u200b\x1b中 文") == "a\\nb\\t\\u202e\\u200b\\u001b中 文"
    problem = Problem(Location("p.yaml", 3, 1), "project_name", f"bad {HOSTILE!s}")
    assert "\n" not in str(problem) and "\u202e" not in str(problem)


def test_reports_escape_user_text(tree: Tree) -> None:
    # The library's reports, given a name the pre-flight would refuse, still print it safely.
    folder = tree(files(name=quoted(HOSTILE)))
    tender, where = load_tender(folder / "tender.yaml")
    result = check(load_profile(folder / "project.yaml"), tender, tender_where=where)
    markdown = markdown_report(result)
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert "\u202e" not in markdown and "\\u202e" in markdown
    for report in (markdown, github_report(result), text_report(result)):
        for line in report.splitlines():
            assert not line.startswith("::error::x"), line
        assert "\u202e" not in report


def test_validate_table_escapes_names(tree: Tree) -> None:
    folder = tree({"overlay.yaml": "kind: overlay\ncustomer: 客户\n"})
    code, out, _ = run("validate", folder / "overlay.yaml")
    assert code == 0 and "客户" in out


# ---------------------------------------------------------------- bounds


@pytest.mark.slow
def test_a_huge_profile_is_refused_before_rendering(tree: Tree, tmp_path: Path) -> None:
    # Before: a 1 MB profile rendered 381 pages in 76 s and 856 MB. Each file may hold up to
    # 1 MB (the reader's limit); here a company and a project of ~0.9 MB of dense text each.
    paragraph = "本公司承诺提供全面的售后服务，" * 60  # 900 characters, 2,700 bytes
    items = "".join(f"\n        - {paragraph}{n}" for n in range(320))
    project = PROJECT.format(name="大项目", text="开头").replace("\n        - 开头", items)
    company = (
        str(files()["company.yaml"]) + "  extra_clauses:\n    - title: 说明\n      text:" + items
    )
    folder = tree({**files(), "project.yaml": project, "company.yaml": str(company)})
    assert (folder / "project.yaml").stat().st_size > 800_000
    start = time.perf_counter()
    code, _, err = run("render", folder / "project.yaml", "-o", tmp_path / "out")
    assert code == 2, err
    assert re.search(r"project\.yaml:3:\d+: the letter would have at least \d+ pages, over the "
                     r"limit of 200 \(--max-pages\)", err)  # fmt: skip
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    assert time.perf_counter() - start < 30  # reading the YAML; nothing laid out
    code, _, err = run("validate", folder / "project.yaml")
    assert code == 2 and "over the limit of 200" in err
    # A smaller limit is the user's: one file alone is refused under --max-pages 100.
    alone = tree({"p2/company.yaml": files()["company.yaml"], "p2/project.yaml": project})
    code, _, err = run(
        "render", alone / "p2" / "project.yaml", "-o", tmp_path / "out", "--max-pages", "100"
    )
    assert code == 2 and "over the limit of 100 (--max-pages)" in err


def test_the_page_estimate_stays_below_the_truth() -> None:
    # The estimate must never refuse a letter that fits.
    pages = {"ex1": 3, "ex2": 5, "ex3": 2, "ex4": 2, "ex5": 1}  # as the letters lay out
    for name, real in pages.items():
        assert 1 <= estimate_pages(profile_strings(load_profile(example(name)))) <= real


@pytest.mark.slow
def test_max_pages_refuses_after_layout(tmp_path: Path) -> None:
    # The estimate (at least 3 pages) lets it through; the layout has 5.
    code, _, err = run("render", example("ex2"), "-o", tmp_path, "--max-pages", "4")
    assert code == 2
    assert "5 pages, over the limit of 4 (--max-pages)" in err
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.docx"))


# ---------------------------------------------------------------- the glyph check's caches


def test_font_coverage_and_matches_are_cached_and_damage_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.render import fonts

    def fresh() -> list[str]:
        for cached in (fonts.find_face, fonts._spans, fonts._role_spans, fonts._cmap):
            cached.cache_clear()
        return fonts.uncovered("保修期 𠀀 3 years", fonts.DEFAULT_FONTS)

    monkeypatch.setenv("AFTERSALES_CACHE_DIR", str(tmp_path))
    try:
        assert fresh() == ["𠀀"]
        coverage = sorted(tmp_path.glob("cmap-*.txt"))
        assert len(coverage) == 2 and len(list(tmp_path.glob("match-*.txt"))) == 2
        for file in coverage:  # cut off after a run: not trusted, the font is read again
            text = file.read_text(encoding="ascii")
            file.write_text(text[: text.index("\n", 50) + 1], encoding="ascii")
        for file in tmp_path.glob("match-*.txt"):  # a face file that is gone: asked again
            file.write_text("/nonexistent.ttc\n0\nX\nRegular\nCFF\n", encoding="utf-8")
        assert fresh() == ["𠀀"]
        assert all(
            f.read_text(encoding="ascii").split("\n")[-2].startswith("end ") for f in coverage
        )
        assert fonts.find_face("Noto Serif CJK SC").path.is_file()
    finally:
        monkeypatch.undo()
        fresh()


@pytest.mark.parametrize("fmt", ["text", "github", "markdown", "junit", "sarif", "json"])
def test_a_line_break_in_tender_text_starts_no_workflow_command(tree: Tree, fmt: str) -> None:
    # Free text may hold line breaks (kept in the letter); no report lets one start a line.
    tender = TENDER.replace("text: 质保期不少于1年", 'text: "质保期\\n::error::x <b>不少于</b>5年"')
    tender = tender.replace("value: 1年", "value: 5年\n    marker: ★")
    folder = tree({**files(), "tender.yaml": tender})
    code, out, err = run("check", folder / "project.yaml", "--tender", folder / "tender.yaml",
                         "--format", fmt)  # fmt: skip
    assert code == 1, err  # 3 years offered against 5: the check fails, the report is written
    for line in (out + err).splitlines():
        assert not line.lstrip().startswith("::error::x"), line
    if fmt == "markdown":
        assert "<b>" not in out and "&lt;b&gt;" in out


def test_a_render_over_its_time_is_stopped() -> None:
    from generator.render.limits import LimitExceeded
    from generator.render.pdffile import _deadline

    start = time.perf_counter()
    with (
        pytest.raises(LimitExceeded, match=r"rendering took over 0.05 s, the limit"),
        _deadline(0.05, "测试"),
    ):
        while time.perf_counter() - start < 5:
            pass
    assert time.perf_counter() - start < 1

"""暗标 mode (render --anonymous, the project's anonymous: true): no output byte names the
bidder, and a value that would still name it is a located input error (exit 2)."""

import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from conftest import EXAMPLE_NAMES, EXAMPLES, TENDERS, example, run
from generator.app.anonymous import Identifier, identifiers, problems
from generator.locale import get_locale
from generator.profiles.loading import load_profile

FileTree = Callable[[Mapping[str, str | bytes]], Path]

# Who the test bidder is beyond example 7's own company file: a legal representative, a
# contact's e-mail, a service centre's address and phone, a seal and a logo whose file names
# carry the short name.
EXTRA_COMPANY = """
legal_representative: 沈国华
seal_image: 信达数智-公章.png
logo_image: 信达数智-logo.png
"""


def _png(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((8, 8, 232, 232), outline=(*colour, 255), width=12)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _bidder(tmp_path: Path) -> Path:
    """Example 7 copied, with every identifying field the company file can hold."""
    folder = tmp_path / "ex7"
    shutil.copytree(example("ex7").parent, folder)
    company = folder / "company.yaml"
    text = company.read_text(encoding="utf-8")
    text = text.replace(
        "    phone: 0573-82291608\n",
        "    phone: 0573-82291608\n    email: service@xindashuzhi.com.cn\n",
        1,
    )
    text = text.replace(
        "  - name: 嘉兴服务中心\n",
        "  - name: 嘉兴服务中心\n    address: 嘉兴市秀洲区康和路88号\n    phone: 0573-82290001\n",
        1,
    )
    company.write_text(text + EXTRA_COMPANY, encoding="utf-8")
    (folder / "信达数智-公章.png").write_bytes(_png((200, 0, 0)))
    (folder / "信达数智-logo.png").write_bytes(_png((0, 60, 160)))
    return folder / "project.yaml"


def _forms(ident: Identifier) -> list[str]:
    """The spellings to look for: the value as written, and a phone number by its digits."""
    forms = [ident.text]
    if ident.kind == "phone":
        digits = re.sub(r"\D", "", ident.text)
        forms += [digits, digits[-8:] if len(digits) >= 10 else digits]
    return forms


def _compact(text: str) -> str:
    # Line breaks, blanks and the separators a layout may put inside a number or a name.
    return re.sub(r"[\s\-()（）\u2060\u00a0]", "", unicodedata.normalize("NFKC", text))


def _docx_texts(path: Path) -> list[str]:
    """Every part of the DOCX as text: the XML as stored and with its tags removed (a run
    boundary may split a value)."""
    texts = []
    with zipfile.ZipFile(path) as docx:
        for name in docx.namelist():
            texts.append(name)
            data = docx.read(name)
            raw = data.decode("utf-8", errors="replace")
            texts += [raw, re.sub(r"<[^>]+>", "", raw)]
    return texts


def _pdf_texts(path: Path) -> list[str]:
    """The PDF's text (pdftotext), its metadata, and every object, streams decompressed."""
    from pypdf import PdfReader
    from pypdf.generic import StreamObject

    texts = [subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout]
    reader = PdfReader(path)
    texts += [str(v) for v in (reader.metadata or {}).values()]
    size = reader.trailer["/Size"]
    assert isinstance(size, int)
    for number in range(1, size):
        try:
            obj = reader.get_object(number)
        except Exception:  # a free entry of the cross-reference table
            continue
        if isinstance(obj, StreamObject):
            data = obj.get_data()
            texts += [data.decode("latin-1"), data.decode("utf-8", errors="replace")]
            texts.append(data.decode("utf-16-be", errors="replace"))
        texts.append(repr(obj))
    raw = path.read_bytes()
    texts += [raw.decode("latin-1"), raw.decode("utf-8", errors="replace")]
    return texts


def _found(folder: Path, idents: list[Identifier]) -> dict[str, list[str]]:
    """Which identifying values appear where: file name, or inside which file."""
    hits: dict[str, list[str]] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".aftersales"):
            continue  # the output folder's own record, never submitted
        texts = [path.name]
        if path.suffix == ".docx":
            texts += _docx_texts(path)
        elif path.suffix == ".pdf":
            texts += _pdf_texts(path)
        else:
            texts.append(path.read_text(encoding="utf-8"))
        compact = [_compact(t) for t in texts]
        for ident in idents:
            forms = [_compact(f) for f in _forms(ident)]
            if any(f and f in t for f in forms for t in compact):
                hits.setdefault(ident.text, []).append(path.name)
    return hits


def _render(project: Path, out: Path, *extra: str) -> None:
    code, _, err = run(
        "render",
        project,
        "-o",
        out,
        "--format",
        "docx,pdf,html",
        "--tender",
        TENDERS / "server-procurement-qualification.yaml",
        "--allow-deviations",
        "--change-note",
        "--set",
        "commitments.training.sessions=3",
        *extra,
    )
    assert code == 0, err


@pytest.mark.slow
def test_no_output_byte_names_the_bidder(tmp_path: Path) -> None:
    project = _bidder(tmp_path)
    idents = identifiers(load_profile(project).profile)
    kinds = {i.kind for i in idents}
    assert kinds == {"name", "short_name", "address", "person", "phone", "email"}
    assert len(idents) >= 11  # the search below looks for every one of them

    named = tmp_path / "named"
    _render(project, named)
    shown = _found(named, idents)
    # The search finds what a named letter says (so an empty result below means something).
    for value in ("浙江信达数智科技有限公司", "400-880-3175", "沈嘉明", "0573-82291608"):
        assert value in shown, value
    with zipfile.ZipFile(next(named.glob("*承诺书.docx"))) as docx:
        assert any(n.startswith("word/media/") for n in docx.namelist())  # seal and logo

    anonymous = tmp_path / "anonymous"
    _render(project, anonymous, "--anonymous")
    files = sorted(p.name for p in anonymous.iterdir() if not p.name.startswith("."))
    assert len(files) == 9  # letter, 偏离表 and 变更说明, each as DOCX, PDF and HTML
    assert _found(anonymous, idents) == {}
    for docx_path in anonymous.glob("*.docx"):
        with zipfile.ZipFile(docx_path) as docx:
            assert not [n for n in docx.namelist() if n.startswith("word/media/")], docx_path
    from pypdf import PdfReader

    for pdf in anonymous.glob("*.pdf"):
        reader = PdfReader(pdf)
        assert "/Author" not in (reader.metadata or {}), pdf  # no author, not even an empty one
        for page in reader.pages:
            assert not page.images, pdf  # no seal, no logo
    # Signed with the date only: no line to seal or sign.
    letter = next(anonymous.glob("*承诺书.pdf"))
    text = subprocess.run(["pdftotext", str(letter), "-"], capture_output=True, text=True).stdout
    assert "日期：" in text and "（盖章）" not in text and "（签字）" not in text


@pytest.mark.slow
def test_the_projects_setting_makes_it_anonymous(tmp_path: Path) -> None:
    project = _bidder(tmp_path)
    text = project.read_text(encoding="utf-8")
    project.write_text(text.replace("kind: project\n", "kind: project\nanonymous: true\n"))
    out = tmp_path / "out"
    code, _, err = run("render", project, "-o", out, "--format", "docx,pdf")
    assert code == 0, err
    assert _found(out, identifiers(load_profile(project).profile)) == {}


# ---------------------------------------------------------------- located errors


COMPANY = """\
kind: company
name: 宁夏恒信智能科技有限公司
short_name: 恒信智能
motto: 恒信智能，服务到家
hotlines:
  - number: 0951-5012345
contacts:
  - name: 马建国
    phone: 13895012345
    email: mjg@hengxin.example.cn
commitments:
  warranty:
    period: 2年
"""

PROJECT = """\
kind: project
company: company.yaml
project_name: 银川市监控系统采购项目
tender_number: NX-0951-2026
products: [监控系统]
signatory:
  name: 马建国
commitments:
  training:
    schedule: 培训由马建国负责，预约电话0951 501 2345
  staffing:
    team_lead: 项目经理
  extra_clauses:
    - title: 服务网站
      text:
        - 详见 www.hengxin-zn.com 或来信 service@other.example.com
        - 投诉请拨 400-123-4567 或 138 9501 2345
"""


def _messages(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


def test_identifying_values_in_free_text_are_located_errors(tree: FileTree) -> None:
    root = tree({"company.yaml": COMPANY, "project.yaml": PROJECT})
    resolved = load_profile(root / "project.yaml")
    found = problems(resolved, get_locale("zh-Hans"))
    said = "\n".join(sorted(str(p).replace(f"{root}/", "") for p in found))
    # The short name in the motto (a company file's free text).
    assert re.search(r"company\.yaml:4:8: voice\.motto: .*公司简称“恒信智能”", said), said
    # A contact's name and the hotline (spelled with blanks) in the training schedule.
    schedule = r"project\.yaml:10:15: commitments\.training\.schedule: "
    assert re.search(schedule + "(.*)人员姓名“马建国”", said), said
    assert re.search(schedule + "(.*)电话号码“0951-5012345”", said), said
    # Shapes of contact details nobody listed: a web address, an e-mail, a 400 number; the
    # contact's mobile written with blanks is the contact's own.
    extra = r"project\.yaml:16:11: commitments\.extra_clauses\[title=服务网站\]\.text\[0\]: "
    assert re.search(extra + "(.*)网址“www\\.hengxin-zn\\.com”", said), said
    assert re.search(r"16:11: .*电子邮箱“service@other\.example\.com”", said), said
    assert re.search(r"17:11: .*电话号码“400-123-4567”", said), said
    assert re.search(r"17:11: .*电话号码“13895012345”（company\.contacts\[0\]\.phone）", said)
    # The tender number holds digits like an area code: it is the tender's, not a phone.
    assert "tender_number" not in said
    # A role is not a name: nothing at staffing.team_lead.
    assert "team_lead" not in said
    assert len(found) == 7, said


def test_render_anonymous_refuses_with_located_errors_and_writes_nothing(
    tree: FileTree, tmp_path: Path
) -> None:
    root = tree({"company.yaml": COMPANY, "project.yaml": PROJECT})
    out = tmp_path / "out"
    code, _, err = run("render", root / "project.yaml", "--anonymous", "-o", out)
    assert code == 2, err
    lines = _messages(err)
    assert lines and all(re.match(r"^.+\.yaml:\d+:\d+: [\w.\[\]=]+: ", line) for line in lines)
    assert any("voice.motto" in line and "恒信智能" in line for line in lines)
    assert not out.exists()
    # The same profile is fine for a named letter: the check belongs to 暗标 mode.
    code, _, err = run("render", root / "project.yaml", "-o", out, "--format", "html")
    assert code == 0, err


def test_validate_and_check_agree_with_render_on_the_projects_setting(tree: FileTree) -> None:
    project = PROJECT.replace("kind: project\n", "kind: project\nanonymous: true\n")
    root = tree({"company.yaml": COMPANY, "project.yaml": project})
    code, _, err = run("validate", root / "project.yaml")
    assert code == 2, err
    assert "project.yaml:11:15: commitments.training.schedule: " in err
    code, _, err = run("explain", root / "project.yaml")
    assert code == 2 and "voice.motto" in err


def test_english_says_it_in_english(tree: FileTree) -> None:
    root = tree({"company.yaml": COMPANY, "project.yaml": PROJECT})
    found = problems(load_profile(root / "project.yaml"), get_locale("en"))
    assert any("would identify the bidder" in p.message for p in found)
    assert any("the company short name “恒信智能”" in p.message for p in found)


def test_a_retail_letter_cannot_be_anonymous(tree: FileTree) -> None:
    project = (
        "kind: project\ncompany: company.yaml\nproject_name: 门店承诺\nmethod: 零售\n"
        "anonymous: true\n"
    )
    company = "kind: company\nname: 星辰电脑公司\n"
    root = tree({"company.yaml": company, "project.yaml": project})
    code, _, err = run("validate", root / "project.yaml")
    assert code == 2
    assert "project.yaml:4:9: method: " in err and "零售" in err


def test_a_clean_profile_passes_and_the_letter_names_nobody(tree: FileTree) -> None:
    from generator.app.anonymous import anonymous_letter, anonymous_profile
    from generator.letter.compose import compose, letter_text

    clean = PROJECT.split("commitments:")[0].replace("signatory:\n  name: 马建国\n", "")
    company = "\n".join(
        line for line in COMPANY.splitlines() if not line.startswith("motto")
    ).replace("commitments:\n  warranty:\n    period: 2年", "")
    root = tree({"company.yaml": company + "\n", "project.yaml": clean})
    resolved = load_profile(root / "project.yaml")
    say = get_locale("zh-Hans")
    assert problems(resolved, say) == []
    letter = anonymous_letter(compose(anonymous_profile(resolved.profile, say)))
    text = letter_text(letter)
    for ident in identifiers(resolved.profile):
        for form in _forms(ident):
            assert _compact(form) not in _compact(text), form
    assert letter.meta_author == "" and letter.logo_image is None
    assert letter.signature.seal_image is None and letter.signature.company == ""
    assert "我公司作为银川市监控系统采购项目" in _compact(text)


@pytest.mark.parametrize("name", [n for n in EXAMPLE_NAMES if not n.startswith("ex5-")])
def test_every_bid_example_composes_anonymously(name: str) -> None:
    """Every bundled bid passes the check as it is, and its anonymous letter (text, header,
    metadata, signature) holds none of its identifying values."""
    from generator.app.anonymous import anonymous_letter, anonymous_profile
    from generator.letter.compose import compose, letter_text

    resolved = load_profile(EXAMPLES / name / "project.yaml")
    say = get_locale(resolved.profile.project.language)
    assert problems(resolved, say) == []
    letter = anonymous_letter(compose(anonymous_profile(resolved.profile, say)))
    said = [letter_text(letter), letter.header_text, letter.meta_title, letter.meta_subject]
    idents = identifiers(resolved.profile)
    assert idents  # every example names its company at least
    for ident in idents:
        for form in _forms(ident):
            assert not any(_compact(form) in _compact(text) for text in said), (ident, form)


def test_the_anonymous_company_is_named_by_its_own_self_reference(tree: FileTree) -> None:
    """A company that calls itself 本公司 is 本公司 in its 暗标 letter too, never 我公司 in one
    sentence and 本公司 in the next."""
    from generator.app.anonymous import anonymous_letter, anonymous_profile
    from generator.letter.compose import compose, letter_text

    clean = PROJECT.split("commitments:")[0].replace("signatory:\n  name: 马建国\n", "")
    company = "kind: company\nname: 宁夏恒信智能科技有限公司\nself_reference: 本公司\n"
    root = tree({"company.yaml": company, "project.yaml": clean})
    resolved = load_profile(root / "project.yaml")
    say = get_locale("zh-Hans")
    text = _compact(
        letter_text(anonymous_letter(compose(anonymous_profile(resolved.profile, say))))
    )
    assert "本公司作为银川市监控系统采购项目" in text and "我公司" not in text


@pytest.mark.slow
def test_the_change_note_names_no_approver(tmp_path: Path) -> None:
    # Before: the 暗标 letter's 变更说明 said who approved a promise beyond a limit ("至6年，
    # 王五，SP-2026-001"), a person of the bidder's.
    folder = tmp_path / "ex2"
    shutil.copytree(example("ex2").parent, folder)
    overlay = folder / "overlay-faster.yaml"
    text = overlay.read_text(encoding="utf-8").replace("period: 2 years", "period: 6 years")
    overlay.write_text(
        text + "approvals:\n  - {commitment: warranty.period, value: 6 years, approved_by: 王五}\n",
        encoding="utf-8",
    )
    for mode, out in (("", tmp_path / "named"), ("--anonymous", tmp_path / "anonymous")):
        args: list[str | Path] = ["--overlay", overlay, "--change-note", "--format", "docx"]
        args += [mode] if mode else []
        code, _, err = run("render", folder / "project.yaml", "-o", out, *args)
        assert code == 0, err
        (note,) = out.glob("*变更说明.docx")
        said = "".join(_docx_texts(note))
        assert ("王五" in said) is (not mode), mode

"""`aftersales preflight`: output files an e-bidding platform would reject, crafted here, are
reported; a clean A4 PDF and a plain DOCX pass. (The examples' own outputs pass in
tests/test_signature.py, which renders them.)"""

import io
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from conftest import run
from generator.app import platformcheck
from generator.app.platformcheck import Rules, check_docx, check_pdf
from generator.locale import Message, get_locale

A4 = (595.28, 841.89)


def _pdf(
    change: Callable[[PdfWriter], object] | None = None, size: tuple[float, float] = A4
) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(*size)
    if change is not None:
        change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _keys(found: list[Message]) -> list[str]:
    return [m.key for m in found]


def test_a_clean_a4_pdf_passes() -> None:
    assert check_pdf(_pdf()) == []
    assert check_pdf(_pdf(size=(A4[1], A4[0]))) == []  # A4 landscape (a wide 偏离表) is A4


def test_encrypted_pdf() -> None:
    assert _keys(check_pdf(_pdf(lambda w: w.encrypt("secret")))) == ["platform.pdf.encrypted"]


def _javascript(writer: PdfWriter) -> None:
    """An action run when the file opens (pypdf 7 dropped add_js)."""
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('x');"),
        }
    )
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)


def test_javascript() -> None:
    found = check_pdf(_pdf(_javascript))
    assert _keys(found) == ["platform.pdf.javascript"]


def test_attachment() -> None:
    found = check_pdf(_pdf(lambda w: w.add_attachment("offer.exe", b"MZ")))
    assert _keys(found) == ["platform.pdf.attachment"]


def test_letter_size_page() -> None:
    found = check_pdf(_pdf(size=(612, 792)))
    assert _keys(found) == ["platform.pdf.not_a4"]
    assert found[0].args == {"page": 1, "size": "216×279"}


def test_font_not_embedded() -> None:
    def helvetica(writer: PdfWriter) -> None:
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
        resources = DictionaryObject({NameObject("/Font"): fonts})
        writer.pages[0][NameObject("/Resources")] = resources

    found = check_pdf(_pdf(helvetica))
    assert _keys(found) == ["platform.pdf.font"]
    assert found[0].args == {"font": "Helvetica"}


def test_too_big() -> None:
    data = _pdf()
    assert _keys(check_pdf(data, Rules(max_bytes=len(data) - 1))) == ["platform.too_big"]
    assert check_pdf(data, Rules(max_bytes=len(data))) == []


@pytest.mark.parametrize(("levels", "fails"), [(5, False), (6, True)])
def test_outline_depth(levels: int, fails: bool) -> None:
    def outline(writer: PdfWriter) -> None:
        parent = None
        for level in range(1, levels + 1):
            parent = writer.add_outline_item(title=f"level {level}", page_number=0, parent=parent)

    found = check_pdf(_pdf(outline))
    assert _keys(found) == (["platform.pdf.outline"] if fails else [])
    if fails:
        assert found[0].args == {"depth": 6, "limit": 5}


def test_damaged_pdf() -> None:
    assert _keys(check_pdf(b"%PDF-1.7\nnot a pdf at all")) == ["platform.pdf.broken"]


# ------------------------------------------------------------------------------------ DOCX


@cache
def _docx() -> bytes:
    out = io.BytesIO()
    docx.Document().save(out)
    return out.getvalue()


def _rezip(data: bytes, parts: dict[str, bytes | None]) -> bytes:
    """The package with `parts` replaced, added, or (None) removed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name not in parts:
                target.writestr(name, source.read(name))
        for name, content in parts.items():
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


def _part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(name)


def test_a_plain_docx_passes() -> None:
    assert check_docx(_docx()) == []


def test_not_office_2007() -> None:
    assert _keys(check_docx(platformcheck.OLE_MAGIC + bytes(512))) == ["platform.docx.ole"]
    assert _keys(check_docx(b"PK\x03\x04 truncated")) == ["platform.docx.not_zip"]


def test_macros() -> None:
    data = _docx()
    types = _part(data, "[Content_Types].xml").replace(
        b"document.main+xml", b"document.macroEnabled.main+xml"
    )
    found = check_docx(_rezip(data, {"[Content_Types].xml": types}))
    assert "platform.docx.macros" in _keys(found)


def test_dtd_and_damaged_xml() -> None:
    data = _docx()
    document = _part(data, "word/document.xml")
    dtd = document.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1)
    assert _keys(check_docx(_rezip(data, {"word/document.xml": dtd}))) == ["platform.docx.dtd"]
    cut = document[: len(document) // 2]
    found = check_docx(_rezip(data, {"word/document.xml": cut}))
    assert _keys(found) == ["platform.docx.xml"]
    assert found[0].args["part"] == "word/document.xml"


def test_a_dtd_in_a_utf16_part_is_found_too() -> None:
    # Before: a byte search for <!DOCTYPE missed it in UTF-16, and the part passed.
    data = _docx()
    text = _part(data, "word/document.xml").decode("utf-8")
    text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    dtd = text.replace("?>", '?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1)
    for encoding in ("utf-16", "utf-16-le"):  # with and without a byte-order mark
        found = check_docx(_rezip(data, {"word/document.xml": dtd.encode(encoding)}))
        assert _keys(found) == ["platform.docx.dtd"], encoding


def test_relationship_to_a_missing_part() -> None:
    found = check_docx(_rezip(_docx(), {"word/styles.xml": None}))
    assert _keys(found) == ["platform.docx.target"]
    assert found[0].args == {"part": "word/_rels/document.xml.rels", "target": "word/styles.xml"}


def test_missing_main_document_and_untyped_part() -> None:
    data = _rezip(_docx(), {"word/document.xml": None, "word/extra.zzz": b"?"})
    keys = _keys(check_docx(data))
    assert "platform.docx.missing" in keys and "platform.docx.untyped" in keys


def test_duplicate_property_and_bad_date() -> None:
    data = _docx()
    core = _part(data, "docProps/core.xml")
    twice = core.replace(b"</cp:coreProperties>", b"<dc:title>again</dc:title></cp:coreProperties>")
    found = check_docx(_rezip(data, {"docProps/core.xml": twice}))
    assert found == [
        Message("platform.docx.duplicate", {"part": "docProps/core.xml", "name": "title"})
    ]
    dated = core.replace(
        b"</cp:coreProperties>",
        b'<dcterms:created xsi:type="dcterms:W3CDTF">yesterday</dcterms:created>'
        b"</cp:coreProperties>",
    )
    keys = _keys(check_docx(_rezip(data, {"docProps/core.xml": dated})))
    assert "platform.docx.date" in keys


def test_zip_bomb_is_not_unpacked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platformcheck, "MAX_UNPACKED", 1000)
    assert _keys(check_docx(_docx())) == ["platform.docx.bomb"]


def test_every_finding_is_said_in_every_language() -> None:
    found = [
        *check_pdf(_pdf(size=(612, 792))),
        *check_docx(_rezip(_docx(), {"word/styles.xml": None})),
    ]
    for language in ("zh-Hans", "zh-Hant", "en"):
        assert all(get_locale(language).say(m) for m in found)


# ------------------------------------------------------------------------------------- CLI


def test_cli_passes_and_fails(tmp_path: Path) -> None:
    good, bad, docx_file = tmp_path / "good.pdf", tmp_path / "bad.pdf", tmp_path / "a.docx"
    good.write_bytes(_pdf())
    bad.write_bytes(_pdf(_javascript, size=(612, 792)))
    docx_file.write_bytes(_docx())
    code, out, _ = run("preflight", good, docx_file)
    assert code == 0
    assert out.splitlines() == [f"{good}：通过平台检查", f"{docx_file}：通过平台检查"]
    code, out, err = run("preflight", "--language", "en", good, bad)
    assert code == 1
    assert f"{bad}: page 1 is not A4 (216×279 mm)" in out.splitlines()
    assert f"{bad}: the PDF holds JavaScript, which platforms refuse" in out.splitlines()
    assert "1 file(s) fail the platform checks" in err
    code, out, _ = run("preflight", "--max-size", "0.000001", good)
    assert code == 1 and "超过平台上限" in out


def test_cli_missing_file_and_unknown_kind(tmp_path: Path) -> None:
    code, _, err = run("preflight", tmp_path / "nothing.pdf")
    assert code == 2 and "no such file" in err
    text = tmp_path / "letter.txt"
    text.write_text("x")
    code, out, _ = run("preflight", text)
    assert code == 1 and "只能检查PDF和DOCX文件" in out


@pytest.mark.slow
def test_cli_damaged_files_and_folders_say_only_our_lines(tmp_path: Path) -> None:
    # A process of its own: pytest's log capture would hide what pypdf logs to stderr.
    import subprocess
    import sys

    fake = tmp_path / "letter.pdf"
    fake.write_text("hello, not a PDF")
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-m", "cli", "preflight", "--language", "en", str(fake)],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert done.returncode == 1
    assert done.stdout.startswith(f"{fake}: ") and done.stdout.count("\n") == 1, done.stdout
    assert "EOF marker" not in done.stderr and "invalid pdf header" not in done.stderr
    code, _, err = run("preflight", folder)
    assert code == 2 and f"{folder}: not a file (a folder)" in err, err


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400"])
def test_cli_a_size_or_time_limit_that_is_no_number_is_bad_input(value: str) -> None:
    # nan passed click's range check and broke int() (exit 70); inf broke the timer.
    code, _, err = run("preflight", f"--max-size={value}", "nothing.pdf")
    assert code == 2 and "--max-size" in err, err
    code, _, err = run("render", f"--max-seconds={value}", "nothing.yaml")
    assert code == 2 and "--max-seconds" in err, err

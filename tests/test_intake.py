"""`aftersales import-tender`: tender documents we wrote (tests/intake_docs.py) drafted into
tender files, every item pinned; bad input refused with exit 2 and nothing written."""

import io
import zipfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import example, run
from generator.tender.loading import load_tender
from generator.tender.model import Requirement
from intake_docs import (
    NOTICE,
    SCORING,
    SERVICE,
    SERVICE_ITEMS,
    TABLE_ITEMS,
    TABLES,
    TRADITIONAL,
    TRADITIONAL_ITEMS,
    Para,
    long_document,
    write_docx,
    write_numbered_docx,
    write_pdf,
)

Expected = Sequence[tuple[str, str | None, dict[str, tuple[str, str]] | None]]


def _comparisons(req: Requirement) -> dict[str, tuple[str, str]] | None:
    if req.manual:
        return None
    return {p.path: (str(p.comparator), str(p.value or "")) for p in req.parts()}


def _import(doc: Path, *extra: str) -> tuple[list[Requirement], Any, str]:
    out = doc.with_suffix(".yaml")
    code, stdout, stderr = run("import-tender", doc, "-o", out, *extra)
    assert code == 0, stderr
    tender, _ = load_tender(out)  # the draft validates as a tender file
    return tender.requirements, tender, stdout


def _pin(reqs: list[Requirement], expected: Expected, paras: list[Para], source: str) -> None:
    assert [(r.clause, r.marker, _comparisons(r)) for r in reqs] == list(expected)
    texts = [p for p in paras if isinstance(p, str)]
    cells = [c for p in paras if isinstance(p, list) for row in p for c in row]
    for r in reqs:
        assert r.source == source
        assert r.quote is not None and r.quote == r.text
        # precision: the quote is the document's own words
        assert any(r.quote in t for t in texts + cells), r.quote
        assert r.confidence is not None and 0 < r.confidence <= 1
        assert r.paragraph is not None


def test_service_chapter_docx(tmp_path: Path) -> None:
    paras = NOTICE + SERVICE
    reqs, tender, stdout = _import(write_docx(paras, tmp_path / "招标文件.docx"))
    _pin(reqs, SERVICE_ITEMS, paras, "招标文件.docx")
    assert [r.page for r in reqs] == [3] * 5  # two page breaks before the chapter
    assert tender.name == "市人民医院医用设备采购项目"
    assert tender.number == "YY-2026-018"
    # ★ defined in 投标人须知 as substantive, ▲ as something else
    assert tender.markers["★"].substantive
    assert not tender.markers["▲"].substantive
    assert tender.markers["▲"].meaning.startswith("▲")
    assert reqs[4].manual and str(reqs[4].confidence) == "0.3"
    assert "5.5" in stdout and "0.3" in stdout  # the review list names what to confirm
    assert "标记 ★ 的定义 招标文件.docx p.2 ¶6 第二章 1.2（实质性）" in stdout
    assert "标记 ▲ 的定义 招标文件.docx p.2 ¶7 第二章 1.3（非实质性）" in stdout


def test_word_numbering_gives_the_clause_numbers(tmp_path: Path) -> None:
    # The clause numbers are Word's automatic numbering, not typed in the text.
    reqs, _, _ = _import(write_docx(NOTICE + SERVICE, tmp_path / "n.docx", numbered=True))
    assert [r.clause for r in reqs] == [f"第五章 {n}" for n in range(1, 6)]


@pytest.mark.slow
def test_pdf_has_pages(tmp_path: Path) -> None:
    paras = NOTICE + SERVICE
    reqs, _, _ = _import(write_pdf(paras, tmp_path / "t.pdf"))
    _pin(reqs, SERVICE_ITEMS, paras, "t.pdf")
    assert [r.page for r in reqs] == [3] * 5


def test_requirements_only_in_tables_and_scoring(tmp_path: Path) -> None:
    paras = TABLES + SCORING
    reqs, _, _ = _import(write_docx(paras, tmp_path / "tables.docx"))
    expected = list(TABLE_ITEMS)
    # 市区 and 其他地区 in one row: two checks, each with its region
    expected[2] = (
        "第三章 3",
        None,
        {"response.arrive": ("at_most", "2小时")},
    )
    arrive = reqs[2]
    assert [(c.scope.region, c.value) for c in arrive.checks] == [
        ("市区", "2小时"),
        ("其他地区", "8小时"),
    ]
    assert [(r.clause, _comparisons(r)) for r in (reqs[0], reqs[1], reqs[3])] == [
        (c, items) for c, _, items in (expected[0], expected[1], expected[3])
    ]
    warranty = reqs[0].scoring
    assert warranty is not None
    step = (warranty.step, warranty.points_per_step, warranty.max)
    assert step == ("1年", Decimal(1), Decimal(3))
    tiers = arrive.checks[0].scoring
    assert tiers is not None
    points = [(t.value, t.points) for t in tiers.tiers]
    assert points == [("2小时", Decimal(3)), ("4小时", Decimal(2))]


@pytest.mark.slow
@pytest.mark.parametrize("writer", [write_docx, write_pdf])
def test_traditional_script(tmp_path: Path, writer: Callable[[list[Para], Path], Path]) -> None:
    doc = writer(TRADITIONAL, tmp_path / "保固")
    reqs, _, _ = _import(doc)
    _pin(reqs, TRADITIONAL_ITEMS, TRADITIONAL, doc.name)


def test_txt_and_report_file(tmp_path: Path) -> None:
    doc = tmp_path / "t.txt"
    doc.write_text("\n".join(p for p in NOTICE + SERVICE if isinstance(p, str)), encoding="utf-8")
    report = tmp_path / "review.txt"
    reqs, _, stdout = _import(doc, "--report", str(report))
    assert [(r.clause, r.marker, _comparisons(r)) for r in reqs] == SERVICE_ITEMS
    assert report.read_text(encoding="utf-8").strip() == stdout.strip()


def test_reimport_lists_changes_and_keeps_the_confirmed_file(tmp_path: Path) -> None:
    first = write_docx(NOTICE + SERVICE, tmp_path / "t.docx")
    out = tmp_path / "tender.yaml"
    assert run("import-tender", first, "-o", out)[0] == 0
    confirmed = out.read_text(encoding="utf-8").replace("confidence: '0.9'", "confidence: '1'")
    out.write_text(confirmed, encoding="utf-8")
    revised = [p.replace("不少于3年", "不少于5年") if isinstance(p, str) else p for p in SERVICE]
    revised = [p for p in revised if not (isinstance(p, str) and p.startswith("5.2"))]
    second = write_docx([*NOTICE, *revised, "5.6 中标人须提供不少于2次的免费培训。"], first)
    code, stdout, stderr = run("import-tender", second, "-o", out)
    assert code == 0, stderr
    assert out.read_text(encoding="utf-8") == confirmed  # confirmations untouched
    assert (tmp_path / "tender.revised.yaml").exists()
    assert "变更 第五章 5.1 warranty.period：at_least 3年 → at_least 5年" in stdout
    assert "删除 第五章 5.2 response.hotline.hours" in stdout
    assert "新增 第五章 5.6" in stdout


# ------------------------------------------------------------------------------ bad input


def _refused(tmp_path: Path, doc: Path, words: str) -> None:
    out = tmp_path / "out.yaml"
    code, _, stderr = run("import-tender", doc, "-o", out)
    assert code == 2, stderr
    assert words in stderr
    assert "Traceback" not in stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".yaml"] == []


def test_corrupt_docx(tmp_path: Path) -> None:
    doc = write_docx(SERVICE, tmp_path / "t.docx")
    doc.write_bytes(doc.read_bytes()[:3000])
    _refused(tmp_path, doc, "damaged")


def test_oversized_file(tmp_path: Path) -> None:
    doc = tmp_path / "big.txt"
    with doc.open("wb") as f:
        f.truncate(50_000_000)
    _refused(tmp_path, doc, "more than")


def _rezip(doc: Path, change: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(doc) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, change.pop(item.filename, src.read(item)))
        for name, data in change.items():
            dst.writestr(name, data)
    doc.write_bytes(buffer.getvalue())


def test_docx_with_a_dtd(tmp_path: Path) -> None:
    doc = write_docx(SERVICE, tmp_path / "t.docx")
    with zipfile.ZipFile(doc) as z:
        xml = z.read("word/document.xml")
    dtd = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
    _rezip(doc, {"word/document.xml": dtd + xml.split(b"?>", 1)[1]})
    _refused(tmp_path, doc, "DTD")


@pytest.mark.slow
def test_zip_bomb(tmp_path: Path) -> None:
    doc = write_docx(SERVICE, tmp_path / "t.docx")
    _rezip(doc, {"word/media/bomb.bin": b"\0" * 210_000_000})
    assert doc.stat().st_size < 1_000_000
    _refused(tmp_path, doc, "zip bomb")


@pytest.mark.slow
def test_encrypted_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = write_pdf(SERVICE, tmp_path / "plain.pdf")
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    doc = tmp_path / "locked.pdf"
    with doc.open("wb") as f:
        writer.write(f)
    plain.unlink()
    _refused(tmp_path, doc, "encrypted")


def test_scanned_pdf(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(595, 842)
    doc = tmp_path / "scan.pdf"
    with doc.open("wb") as f:
        writer.write(f)
    _refused(tmp_path, doc, "no text layer")


def test_keyword_table_names_real_paths() -> None:
    from generator.intake.grammar import grammar
    from generator.profiles.models import commitment_paths

    unknown = [e.path for e in grammar().paths if e.path not in commitment_paths()]
    assert unknown == []


def test_check_and_deviation_table_cite_page_and_clause(tmp_path: Path) -> None:
    _import(write_docx(NOTICE + SERVICE, tmp_path / "t.docx"))
    out = tmp_path / "t.yaml"
    project = example("ex2")
    code, stdout, stderr = run("check", project, "--tender", out)
    assert code in (0, 1), stderr
    assert "第五章 5.1（第3" in stdout  # the column is cut to its width on a terminal
    code, stdout, stderr = run("check", project, "--tender", out, "--format", "markdown")
    assert code in (0, 1), stderr
    assert "第五章 5.3（第3页）" in stdout


@pytest.mark.slow
def test_long_mixed_document_docx_and_pdf(tmp_path: Path) -> None:
    # 150 pages: procedure, technical parameters (with 不低于/不超过, none after-sales), tables,
    # the service chapter in the middle. Recall: every requirement of the chapter is an item;
    # precision: nothing else is.
    paras = long_document(150)
    for doc in (write_docx(paras, tmp_path / "long.docx"), write_pdf(paras, tmp_path / "l.pdf")):
        reqs, _, _ = _import(doc)
        _pin(reqs, SERVICE_ITEMS, paras, doc.name)
        assert {r.page for r in reqs} == {75}


def test_chapter_option_reads_only_that_chapter(tmp_path: Path) -> None:
    paras = [*TABLES, *SERVICE]
    doc = write_docx(paras, tmp_path / "t.docx")
    reqs, _, _ = _import(doc, "--chapter", "采购需求")
    assert [r.clause for r in reqs] == [c for c, _, _ in SERVICE_ITEMS]


def test_nothing_found_is_an_error(tmp_path: Path) -> None:
    doc = tmp_path / "t.txt"
    doc.write_text("\n".join(p for p in NOTICE if isinstance(p, str)), encoding="utf-8")
    _refused(tmp_path, doc, "no after-sales requirement")


@pytest.mark.slow
def test_requirements_in_a_pdf_table(tmp_path: Path) -> None:
    reqs, _, _ = _import(write_pdf(TABLES, tmp_path / "t.pdf"))
    assert [(r.clause, r.page) for r in reqs] == [(c, 1) for c, _, _ in TABLE_ITEMS]
    assert _comparisons(reqs[0]) == TABLE_ITEMS[0][2]
    assert [(c.scope.region, c.value) for c in reqs[2].checks] == [
        ("市区", "2小时"),
        ("其他地区", "8小时"),
    ]


def test_word_list_levels_chinese_counting_and_circled(tmp_path: Path) -> None:
    paras = [
        (-1, "第五章 采购需求"),
        (0, "技术要求"),
        (1, "设备应符合国家标准。"),
        (0, "售后服务要求"),
        (1, "质保期不少于2年。"),
        (1, "设备故障时，接到通知后2小时内响应："),
        (2, "市区4小时内到达现场；"),
        (2, "其他地区8小时内到达现场。"),
    ]
    reqs, _, _ = _import(write_numbered_docx(paras, tmp_path / "n"))
    assert [(r.clause, _comparisons(r)) for r in reqs] == [
        ("第五章 2.1", {"warranty.period": ("at_least", "2年")}),
        ("第五章 2.2", {"response.respond": ("at_most", "2小时")}),
        ("第五章 2.2①", {"response.arrive": ("at_most", "4小时")}),
        ("第五章 2.2②", {"response.arrive": ("at_most", "8小时")}),
    ]


def test_marker_without_definition_is_listed(tmp_path: Path) -> None:
    doc = tmp_path / "t.txt"
    doc.write_text("第三章 售后服务\n1. ※质保期不少于2年。\n", encoding="utf-8")
    reqs, tender, stdout = _import(doc)
    assert [(r.clause, r.marker) for r in reqs] == [("第三章 1", "※")]
    assert not tender.markers["※"].substantive  # only ★ defaults to substantive
    assert "标记 ※ 已使用（首见 第三章 1），但招标文件中未找到其定义" in stdout


def test_docx_pages_from_words_rendered_breaks(tmp_path: Path) -> None:
    # Word records where it broke the pages (w:lastRenderedPageBreak); when it did, those
    # count, not the explicit breaks (Word writes both at an explicit break).
    import docx
    from docx.oxml import OxmlElement

    document = docx.Document()
    document.add_paragraph("第五章 售后服务")
    for n, text in enumerate(["质保期不少于2年。", "接到通知后2小时内响应。"], start=1):
        p = document.add_paragraph(f"{n}. {text}")
        p.runs[0]._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
    document.add_paragraph().add_run().add_break()  # a line break, not a page
    path = tmp_path / "r.docx"
    document.save(str(path))
    reqs, _, _ = _import(path)
    assert [(r.clause, r.page) for r in reqs] == [("第五章 1", 2), ("第五章 2", 3)]


def test_nearest_word_exclusions_and_procedure(tmp_path: Path) -> None:
    doc = tmp_path / "t.txt"
    doc.write_text(
        "第三章 售后服务\n"
        "1. 接到通知后2小时内到达，并在到达后 7 日内解决设备的故障（重大故障除外）。\n"
        "2. 提供技术支持服务，支持同城4h响应。\n"
        "3. 招标人将在收到异议之日起3日内作出答复。\n",
        encoding="utf-8",
    )
    reqs, _, _ = _import(doc)
    got = [
        (r.clause, [(p.path, p.value, p.scope.severity, p.scope.region) for p in r.parts()])
        for r in reqs
    ]
    assert got == [
        (
            "第三章 1",
            [("response.arrive", "2小时", None, None), ("response.repair", "7日", None, None)],
        ),
        ("第三章 2", [("response.respond", "4h", None, "同城")]),
    ]  # 3. speaks of the procedure (异议): no response time, no item

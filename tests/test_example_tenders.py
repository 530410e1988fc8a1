"""The example tenders written from real tender language (issue 9), each checked against its
bidder's example: every verdict pinned, one 偏离表 row per tender item, the three gates through
the CLI, and `render --tender` writing or refusing.

- hospital-equipment-maintenance × ex6: equipment, fault and repair classes, an exclusion,
  unlimited replacements and hours, lists to cover and hand over, provider and authorisation,
  a manual item; everything met or answered: passes every gate, the render writes.
- server-procurement-qualification × ex7: ▲ is the substantive marker and ★ is not; staff
  holding a qualification, the manufacturer bound too, the worst component deciding, ranked
  choices. A ★ 负偏离 and an unmarked 未响应: fails by default, passes --stars-only.
- elevator-maintenance-manual × ex8: 困人 and 除困人外, compound clauses, 7天×24小时, manual
  items answered; one ordinary item 不可比 and unanswered: passes by default, fails --strict,
  and the render refuses until it is answered."""

from pathlib import Path

import pytest

from conftest import check_example, example, run, tender_path
from generator.locale import get_locale
from generator.tender.model import Verdict
from generator.tender.reports import deviation_rows

P, N, NEG = Verdict.POSITIVE, Verdict.NONE, Verdict.NEGATIVE
MISS, NC = Verdict.MISSING, Verdict.NOT_COMPARABLE

HOSPITAL = ("hospital-equipment-maintenance", "ex6-hospital-maintenance")
SERVERS = ("server-procurement-qualification", "ex7-xinchuang-servers")
ELEVATOR = ("elevator-maintenance-manual", "ex8-elevator-maintenance")
PAIRS = [HOSPITAL, SERVERS, ELEVATOR]

# (clause, commitment or None for a manual item, verdict, computed verdict when answered)
FINDINGS: dict[tuple[str, str], list[tuple[str, str | None, Verdict, Verdict | None]]] = {
    HOSPITAL: [
        ("第四章 一、1", "provider.by", N, None),
        ("第四章 一、1", "provider.manufacturer_authorised", N, None),
        ("第四章 二、1", "response.respond", P, None),
        ("第四章 二、1", "response.arrive", N, None),
        ("第四章 二、2", "response.arrive", P, None),
        ("第四章 二、3", "response.repair", P, None),
        ("第四章 二、4", "response.repair", N, NC),  # 3个工作日 against 72小时: answered
        ("第四章 二、5", "response.repair", P, None),
        ("第四章 二、6", "response.repair", P, None),
        ("第四章 二、6", "replacement.loaner", N, None),
        ("第四章 三、1", "warranty.part_replacements", N, None),
        ("第四章 三、1", "warranty.covered_parts", P, None),
        ("第四章 三、2", "warranty.labour", N, None),
        ("第四章 三、2", "warranty.services", P, None),
        ("第四章 三、3", "inspections.frequency", N, None),
        ("第四章 三、4", "handover.documents", P, None),
        ("第四章 三、5", "after_warranty.fee_basis", P, None),
        ("第四章 三、6", "uptime.annual_min", P, None),
        ("第四章 四、1", None, P, MISS),  # manual, answered 正偏离
    ],
    SERVERS: [
        ("第三章 五、1", "provider.manufacturer_authorised", N, None),
        ("第三章 五、2", "staffing.qualified_staff", P, None),
        ("第三章 五、3", "provider.by", N, None),
        ("第三章 五、4", "response.hotline.hours", N, None),
        ("第三章 五、4", "provider.manufacturer_bound", MISS, None),
        ("第三章 五、5", "warranty.period", N, None),
        ("第三章 五、5", "warranty.start", N, None),
        ("第三章 五、6", "warranty.period", NEG, None),  # 电源 2年 decides
        ("第三章 五、7", "response.repair_modes", P, None),
        ("第三章 五、8", "response.arrive", P, None),
        ("第三章 五、9", "response.repair", P, None),  # 24小时 within 2个工作日
        ("第三章 五、9", "replacement.loaner", N, None),
        ("第三章 五、9", "replacement.loaner_after", P, None),
        ("第三章 五、10", "after_warranty.fee_basis", N, None),
        ("第三章 五、11", "spare_parts.price_basis", P, None),  # 成本价 beats 优惠价
        ("第三章 五、12", None, N, MISS),
    ],
    ELEVATOR: [
        ("第三章 三、1", "staffing.qualified_staff", P, None),
        ("第三章 三、2", "response.duty_hours", N, None),
        ("第三章 三、3", "response.arrive", P, None),
        ("第三章 三、3", "response.repair", N, None),
        ("第三章 三、4", "response.arrive", P, None),
        ("第三章 三、4", "response.repair", NC, None),  # 1个工作日 against 24小时
        ("第三章 三、5", "inspections.frequency", N, None),
        ("第三章 三、6", "records.report_frequency", N, None),
        ("第三章 三、7", None, N, MISS),
        ("第三章 三、8", "spare_parts.price_basis", P, None),
        ("第三章 三、9", None, N, MISS),
        ("第三章 三、10", None, P, MISS),
    ],
}

# the 偏离表: one row per tender item, the worst verdict of its checks, in the tender's words
ROWS: dict[tuple[str, str], list[tuple[str, str]]] = {
    HOSPITAL: [
        ("第四章 一、1", "无偏离"),
        ("第四章 二、1", "无偏离"),
        ("第四章 二、2", "正偏离"),
        ("第四章 二、3", "正偏离"),
        ("第四章 二、4", "无偏离"),
        ("第四章 二、5", "正偏离"),
        ("第四章 二、6", "无偏离"),
        ("第四章 三、1", "无偏离"),
        ("第四章 三、2", "无偏离"),
        ("第四章 三、3", "无偏离"),
        ("第四章 三、4", "正偏离"),
        ("第四章 三、5", "正偏离"),
        ("第四章 三、6", "正偏离"),
        ("第四章 四、1", "正偏离"),
    ],
    SERVERS: [
        ("第三章 五、1", "无偏离"),
        ("第三章 五、2", "正偏离"),
        ("第三章 五、3", "无偏离"),
        ("第三章 五、4", "未响应"),
        ("第三章 五、5", "无偏离"),
        ("第三章 五、6", "负偏离"),
        ("第三章 五、7", "正偏离"),
        ("第三章 五、8", "正偏离"),
        ("第三章 五、9", "无偏离"),
        ("第三章 五、10", "无偏离"),
        ("第三章 五、11", "正偏离"),
        ("第三章 五、12", "无偏离"),
    ],
    ELEVATOR: [
        ("第三章 三、1", "正偏离"),
        ("第三章 三、2", "无偏离"),
        ("第三章 三、3", "无偏离"),
        ("第三章 三、4", "不可比"),
        ("第三章 三、5", "无偏离"),
        ("第三章 三、6", "无偏离"),
        ("第三章 三、7", "无偏离"),
        ("第三章 三、8", "正偏离"),
        ("第三章 三、9", "无偏离"),
        ("第三章 三、10", "正偏离"),
    ],
}

# exit codes of `check` under the default gate, --stars-only and --strict
GATES = {HOSPITAL: (0, 0, 0), SERVERS: (1, 0, 1), ELEVATOR: (0, 0, 1)}


def args(pair: tuple[str, str]) -> list[str | Path]:
    tender_name, example_name = pair
    return [example(example_name), "--tender", tender_path(tender_name)]


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p[0])
def test_every_verdict_is_pinned(pair: tuple[str, str]) -> None:
    result = check_example(*pair)
    found = [
        (f.requirement.clause, f.requirement.commitment, f.verdict, f.computed)
        for f in result.findings
    ]
    assert found == FINDINGS[pair]


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p[0])
def test_the_table_has_one_row_per_tender_item(pair: tuple[str, str]) -> None:
    result = check_example(*pair)
    header, rows, chosen = deviation_rows(result.findings, result.tender)
    assert len(rows) == len(result.tender.requirements)
    assert [r[1] for r in rows] == [q.clause for q in result.tender.requirements]
    assert [r.first.requirement.clause for r in chosen] == [r[1] for r in rows]
    deviation = header.index("偏离说明" if pair == SERVERS else "偏离情况")
    assert [(r[1], r[deviation]) for r in rows] == ROWS[pair]


def test_the_examples_together_give_every_verdict() -> None:
    verdicts = {v for pair in PAIRS for _, _, v, _ in FINDINGS[pair]}
    assert verdicts == set(Verdict)


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p[0])
def test_the_three_gates_through_the_cli(pair: tuple[str, str]) -> None:
    codes = tuple(
        run("check", *args(pair), *option)[0] for option in ([], ["--stars-only"], ["--strict"])
    )
    assert codes == GATES[pair]


def test_the_server_bid_fails_on_an_unsubstantive_star_and_an_unanswered_item() -> None:
    # ▲ is substantive in this tender: the ★ 负偏离 costs points but does not void the bid
    code, out, err = run("check", *args(SERVERS))
    assert code == 1 and "检查未通过 (failed): 2 项" in out
    assert err.splitlines()[-2:] == [
        "第三章 五、4: 未承诺制造商共同履行",
        "第三章 五、6: 承诺2年（电源），未达到要求（不少于3年）",
    ]
    code, out, _ = run("check", *args(SERVERS), "--stars-only")
    assert code == 0 and "检查通过" in out


@pytest.mark.parametrize("order", [["硬盘", "内存", "电源"], ["电源", "硬盘", "内存"]])
def test_the_worst_named_component_decides_whatever_the_order(order: list[str]) -> None:
    periods = {"硬盘": "5年", "内存": "3年", "电源": "2年"}
    parts = ",".join(f"{{name: {n}, period: {periods[n]}}}" for n in order)
    code, _, err = run("check", *args(SERVERS), "--set", f"warranty.components=[{parts}]")
    assert code == 1 and "第三章 五、6: 承诺2年（电源）" in err


def test_the_elevator_bid_leaves_one_not_comparable_item_to_answer() -> None:
    code, out, err = run("check", *args(ELEVATOR), "--strict")
    assert code == 1 and "检查未通过 (failed): 1 项" in out
    assert "第三章 三、4: 承诺1个工作日（杭州市区）" in err and "无法比较" in err
    # 除困人外: the 困人 tier (立即/20分钟/1小时) is left out, the 杭州市区 tier answers
    result = check_example(*ELEVATOR)
    arrive = next(f for f in result.findings if f.id == "3.3.4-checks.1")  # ids from clauses
    assert arrive.offer is not None
    assert get_locale().say(arrive.offer.message) == "1小时（杭州市区）"


def test_answered_items_print_the_bidders_words() -> None:
    result = check_example(*HOSPITAL)
    _, rows, _ = deviation_rows(result.findings, result.tender)
    by_clause = {r[1]: r for r in rows}
    assert by_clause["第四章 二、4"][3:6] == (
        "中修自报修起3个工作日内修复，且不超过72小时。",
        "无偏离",
        "节假日照常维修，工作日按自然日计",
    )
    assert by_clause["第四章 四、1"][3].startswith("派驻2名原厂认证驻场工程师")
    assert by_clause["第四章 二、2"][6] == "2/2"  # the 得分 column the tender asks for


@pytest.mark.parametrize("pair", [SERVERS, ELEVATOR], ids=lambda p: p[0])
def test_render_refuses_when_the_gate_or_an_unanswered_row_stops_it(
    pair: tuple[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, _, err = run("render", *args(pair), "--format", "html", "-o", out)
    assert code == 1 and not out.exists()
    assert "未写出任何文件" in err


@pytest.mark.slow
def test_render_writes_the_letter_and_the_table_of_the_hospital_bid(tmp_path: Path) -> None:
    code, _, err = run("render", *args(HOSPITAL), "--format", "html", "-o", tmp_path)
    assert code == 0, err
    names = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert names == [
        "宁波市第二人民医院医疗设备全保维保服务项目-售后服务偏离表.html",
        "宁波市第二人民医院医疗设备全保维保服务项目-售后服务承诺书.html",
    ]
    letter = (tmp_path / names[1]).read_text(encoding="utf-8")
    # the letter says which class each response tier is for, as the tender names them
    for label in ("急救类、生命支持类", "其它非紧急类", "小修", "需更换电子板等电器元件的故障"):
        assert label in letter
    table = (tmp_path / names[0]).read_text(encoding="utf-8")
    assert "商务条款偏离表" in table and "维护手册(含维修密码及接口数据)" in table
    # the elevator bid writes once its 不可比 row is answered, or with --allow-deviations
    out = tmp_path / "elevator"
    code, _, err = run(
        "render", *args(ELEVATOR), "--allow-deviations", "--format", "html", "-o", out
    )
    assert code == 0, err
    assert len([p for p in out.iterdir() if not p.name.startswith(".")]) == 2

"""Compose: a Profile becomes a Letter worded by the zh-Hans clause templates."""

import copy
import datetime as dt
import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from conftest import EXAMPLE_NAMES, EXAMPLES, build_profile
from generator.errors import RenderError
from generator.letter.compose import clauses_dir, compose, letter_text, vocabulary
from generator.letter.document import Block, Figure, Letter, Paragraph, Section, Table
from generator.locale import get_locale
from generator.profiles.models import ProcurementMethod, Profile
from generator.profiles.quantities import Count, DailyWindow, Duration, Frequency

make = build_profile

# Every commitment set, each number different, so a number found in the text proves its field.
FULL: dict[str, Any] = {
    "quality": {
        "genuine_goods": True,
        "original_packaging": True,
        "certified": True,
        "documents": ["安装说明书", "合格证"],
        "packaging": ["防潮", "防震"],
        "clear_labels": True,
        "inspected_before_shipping": True,
        "quality_records": True,
    },
    "delivery": {
        "on_award": True,
        "lead_time": "17 days",
        "rush_orders": True,
        "free_installation": True,
        "free_commissioning": True,
        "written_test_results": True,
        "leave_with_consent": True,
    },
    "warranty": {
        "period": "19 months",
        "start": "acceptance",
        "components": [
            {"name": "称体部分（钢结构）", "period": "7 years", "guarantee": "不变形"},
            {"name": "电气部分", "period": "29 months", "free": False},
        ],
        "covers": ["安装工艺", "材料"],
        "costs_borne": ["部件费用", "出差费用"],
        "exclusions": ["天灾", "人为损害"],
        "statutory_three_guarantees": True,
        "service_plans": [
            {
                "item": "硬件",
                "mode": "on_site",
                "until": "11 months",
                "working_days_only": True,
                "area": "市区内",
            },
            {"item": "软件", "mode": "carry_in", "starts_after": "13 months", "visits": 37},
        ],
        "system_maintenance": True,
    },
    "response": {
        "hotline": {"hours": "7x24", "staffed_by": "专职工程师"},
        "free_consulting": True,
        "duty_hours": "8:00-22:00",
        "duty_staff_free": True,
        "tiers": [
            {
                "region": "江浙沪皖",
                "areas": ["江苏", "浙江"],
                "severity": "critical",
                "time": "working_hours",
                "respond": "25min",
                "arrive": "23h",
                "repair": "31h",
            },
            {"region": "其它地区", "respond": "立即", "arrive": "47h", "repair": "53h"},
        ],
        "escalation": "41min",
        "repair_modes": ["on_site", "mail_in"],
        "freight_paid": True,
        "all_weather": True,
        "sufficient_spares": True,
    },
    "replacement": {
        "doa_window": "9 working days",
        "doa_replace_within": "4 working days",
        "replace_after_failed_repairs": 3,
        "loaner": True,
        "loaner_after": "59h",
    },
    "uptime": {"annual_min": "97.5%", "restart_warranty": True},
    "staffing": {
        "dedicated_organisation": True,
        "project_team": True,
        "local_office": "银川市",
        "local_office_travel": "3h",
        "team_lead": "项目经理",
        "members": [
            {"role": "项目经理", "count": 61, "qualification": "高级工程师"},
            {"role": "专职工程师", "count": 73},
        ],
        "staff_experienced": True,
        "staff_trained": True,
        "dedicated_person": True,
    },
    "training": {
        "free": True,
        "until_competent": True,
        "before_operation": True,
        "content": ["设备和系统的使用", "维护"],
        "audiences": [
            {
                "name": "系统管理员",
                "who": ["主管领导"],
                "objective": "能指导其它技术人员的维护工作。",
            },
            {"name": "系统操作员", "objective": "能正确操作全部设备。"},
        ],
        "methods": ["系统理论培训", "现场实际操作培训"],
        "on_site_topics": ["系统安装", "故障排除"],
        "trainers": "本项目管理部工程师",
        "materials": ["用户操作手册", "管理手册"],
        "schedule": "由双方根据项目的实际情况确定。",
        "sessions": 43,
        "duration": "5 days",
    },
    "spare_parts": {
        "supply_period": "15 years",
        "price_basis": "best",
        "stock_for_operation": "2 years",
        "depot": True,
    },
    "inspections": {
        "frequency": "每半年一次",
        "during_warranty": True,
        "led_by": "巡检工程技术人员为主，设计人员参与",
        "collect_feedback": True,
        "site_visits": "每年3次",
        "return_visits": True,
        "satisfaction_survey": True,
        "periodic_checks_after_warranty": True,
    },
    "after_warranty": {
        "at_cost_period": "6 years",
        "fee_basis": "cost",
        "fee_items": ["设备成本价", "人员差旅"],
        "free_phone_support": True,
        "renewal": True,
        "lifetime_support": True,
        "long_term_maintenance": True,
    },
    "records": {
        "customer_files": True,
        "maintenance_records": True,
        "service_reports": True,
        "report_frequency": "quarterly",
        "track_issues": True,
    },
    "complaints": {
        "channels": ["技术部调度员", "维修部经理"],
        "discipline": True,
        "apologise": True,
        "explain_otherwise": True,
        "satisfactory_reply": True,
        "reply_within": "2 working days",
    },
    "special_events": {"dedicated_staff": True, "joint_duty": True},
    "pricing": {
        "best_price": True,
        "free_in_warranty": True,
        "parts_at_cost_after_warranty": True,
        "customer_damage_at_cost": True,
    },
    "customer_duties": {
        "report_suggestions": True,
        "periodic_maintenance": True,
        "notify_faults": True,
        "keep_records": True,
    },
    "service_process": {
        "total_limit": "20h",
        "steps": [
            {
                "id": "a",
                "label": "售后服务登记",
                "owner": "客服中心",
                "limit": "35min",
                "next": "b",
            },
            {"id": "b", "label": "派工维修", "limit": "17h", "next": "c"},
            {"id": "c", "label": "用户签认维修维护记录", "limit": "55min"},
        ],
    },
    "extra_clauses": [{"title": "技术服务计划", "text": ["技术服务内容纳入技术服务体系。"]}],
}

COMPANY: dict[str, Any] = {
    "kind": "company",
    "name": "上海庆衡电子科技有限公司",
    "motto": "为顾客提供最满意的产品和服务",
    "hotlines": [
        {"number": "400-820-1234", "label": "24小时服务电话", "hours": "7x24"},
        {"number": "021-5555-6666"},
    ],
    "contacts": [{"name": "张伟", "role": "售后服务经理", "phone": "13800000000"}],
    "service_network": [
        {"name": "银川维护中心", "province": "宁夏", "city": "银川", "phone": "0951-1234567"},
        {"name": "上海总部", "province": "上海", "city": "上海", "staff": 83, "reach": "2h"},
    ],
    "certifications": ["ISO 9001"],
    "seal_image": "seal.png",
}


def titles(letter: Letter) -> list[str]:
    return [s.number + s.title for s in letter.sections]


def walk_blocks(blocks: tuple[Block, ...]) -> Iterator[Block]:
    for block in blocks:
        yield block
        if isinstance(block, Section):
            yield from walk_blocks(block.blocks)


def tables(letter: Letter) -> dict[str, Table]:
    found = walk_blocks(tuple(letter.sections))
    return {b.caption: b for b in found if isinstance(b, Table)}


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, value) of every field of a model, lists indexed."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from leaves(getattr(value, name), f"{path}.{name}".lstrip("."))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, f"{path}[{i}]")
    else:
        yield path, value


def assert_says_everything(profile: Profile, text: str) -> None:
    """Every set quantity, count, percentage and text of the commitments is in the letter."""
    missing = []
    for path, value in leaves(profile.commitments):
        if re.search(r"\.(id|next|to)$|\.branches\[", path):
            continue  # flowchart wiring: drawn in the figure, not written as text
        if isinstance(value, Duration | Frequency | DailyWindow | Count):
            expected = get_locale().value(value)
        elif isinstance(value, bool) or value is None or isinstance(value, Enum):
            continue
        elif isinstance(value, int | Decimal):
            expected = str(value)
        elif isinstance(value, str):
            expected = value.rstrip("。")
        else:
            raise AssertionError(f"{path}: unexpected {type(value).__name__}")
        if expected not in text:
            missing.append(f"{path}: {expected}")
    assert not missing, "\n".join(missing)


def assert_clean(text: str) -> None:
    for junk in ("None", "True", "False", "{{", "}}", "{%", "[]", "\x02", "\x03", "\x01"):
        assert junk not in text, junk


@pytest.fixture(scope="module")
def full() -> Profile:
    return make(
        FULL,
        COMPANY,
        tenderer="宁夏回族自治区交通运输厅",
        tender_number="NXJT-2026-017",
        date="2026-11-28",
        products=["称重设备"],
        signatory={"name": "李明", "title": "授权代表"},
    )


@pytest.fixture(scope="module")
def full_letter(full: Profile) -> Letter:
    return compose(full, asset_dirs=(Path("/profiles/acme"),))


# ---------------------------------------------------------------- content


def test_every_set_value_appears_with_its_number(full: Profile, full_letter: Letter) -> None:
    text = letter_text(full_letter)
    assert_says_everything(full, text)
    assert_clean(text)


def test_every_flag_set_changes_the_letter() -> None:
    base = letter_text(compose(make(FULL)))

    def flags(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
        if isinstance(data, dict):
            for key, value in data.items():
                yield from flags(value, (*path, key))
        elif isinstance(data, list):
            for i, value in enumerate(data):
                yield from flags(value, (*path, i))
        elif data is True:
            yield path

    silent = []
    for path in flags(FULL):
        changed = copy.deepcopy(FULL)
        holder = changed
        for step in path[:-1]:
            holder = holder[step]
        holder[path[-1]] = False
        if letter_text(compose(make(changed))) == base:
            silent.append(".".join(map(str, path)))
    assert not silent, f"flags that say nothing: {silent}"


@pytest.mark.parametrize(
    ("path", "values"),
    [
        (("warranty", "start"), ["acceptance", "commissioning", "delivery", "purchase"]),
        (("spare_parts", "price_basis"), ["free", "cost", "preferential", "best"]),
        (("after_warranty", "fee_basis"), ["free", "cost", "preferential", "best"]),
        (("warranty", "service_plans", 0, "mode"), ["on_site", "carry_in", "mail_in", "remote"]),
        (("response", "repair_modes", 0), ["on_site", "carry_in", "mail_in", "remote"]),
        (("response", "tiers", 0, "severity"), ["general", "major", "critical"]),
        (
            ("response", "tiers", 0, "time"),
            ["working_hours", "off_hours", "peak_season", "off_season"],
        ),
    ],
)
def test_enums_are_worded_in_chinese(path: tuple[Any, ...], values: list[str]) -> None:
    texts = set()
    for value in values:
        changed = copy.deepcopy(FULL)
        holder = changed
        for step in path[:-1]:
            holder = holder[step]
        holder[path[-1]] = value
        text = letter_text(compose(make(changed)))
        assert value not in text
        texts.add(text)
    assert len(texts) == len(values)


def test_example_wording(full_letter: Letter) -> None:
    text = letter_text(full_letter)
    assert "本项目设备的质量保证期为19个月，自验收合格之日起计算。" in text
    assert "值班时间为8:00至22:00" in text
    assert "维修3次仍不能正常使用的，我公司无偿更换新设备。" in text
    assert "年开机率不低于97.5%" in text
    assert "每半年一次" in text and "每年3次" in text
    assert "从“售后服务登记”到“用户签认维修维护记录”的全流程在20小时内完成。" in text
    assert "保证在15年内以最优惠价格为招标人提供备品备件。" in text


def test_company_facts_appear(full_letter: Letter) -> None:
    text = letter_text(full_letter)
    for fact in ("400-820-1234", "021-5555-6666", "张伟", "13800000000", "ISO 9001"):
        assert fact in text
    network = tables(full_letter)["服务网点"]
    assert network.header == ("网点", "所在地", "电话", "人数", "到达现场时间")
    assert network.rows == (
        ("银川维护中心", "宁夏银川", "0951-1234567", "—", "—"),
        ("上海总部", "上海", "—", "83", "2小时内"),
    )


# ---------------------------------------------------------------- structure


def test_minimal_profile_has_only_its_sections() -> None:
    letter = compose(make({"warranty": {"period": "2 years"}}))
    assert titles(letter) == ["一、质量保证期"]
    (section,) = letter.sections
    assert section.blocks == (Paragraph("本项目设备的质量保证期为2年。"),)
    assert_clean(letter_text(letter))


def test_parts_with_nothing_true_leave_no_heading() -> None:
    letter = compose(
        make({"quality": {"genuine_goods": False}, "customer_duties": {}, "pricing": {}})
    )
    assert letter.sections == ()
    text = letter_text(letter)
    assert_clean(text)
    assert "质量保证" not in text


def test_numbering_has_no_gaps() -> None:
    letter = compose(
        make(
            {
                "quality": {"genuine_goods": True},
                "uptime": {"annual_min": "95"},
                "records": {"customer_files": True, "track_issues": True},
                "extra_clauses": [{"title": "其它", "text": ["第一段。", "第二段。"]}],
            }
        )
    )
    assert titles(letter) == [
        "一、质量保证",
        "二、开机率保证",
        "三、档案与问题跟踪",
        "四、其它",
    ]
    points = [b.number for b in letter.sections[2].blocks if isinstance(b, Paragraph)]
    assert points == ["1.", "2."]
    assert [b.text for b in letter.sections[3].blocks if isinstance(b, Paragraph)] == [
        "第一段。",
        "第二段。",
    ]


def test_subsections_only_when_a_part_has_several_topics(full_letter: Letter) -> None:
    warranty = next(s for s in full_letter.sections if s.title == "质量保证期、三包与保修")
    subs = [b for b in warranty.blocks if isinstance(b, Section)]
    assert [s.number + s.title for s in subs] == [
        "（一）质保期限与三包",
        "（二）保修范围",
        "（三）保修方式",
    ]
    assert all(s.level == 2 for s in subs)
    single = compose(make({"response": {"tiers": [{"arrive": "8h"}]}}))
    (response,) = single.sections
    assert not any(isinstance(b, Section) for b in response.blocks)


def test_response_table_columns_only_when_used() -> None:
    tiers: list[dict[str, Any]] = [
        {"region": "江浙沪皖", "arrive": "24h", "repair": "24h"},
        {"region": "其它地区", "arrive": "48h", "repair": "72h"},
    ]
    table = tables(compose(make({"response": {"tiers": tiers}})))["故障响应时限"]
    assert table.header == ("区域", "到场时间", "修复时间")
    assert table.rows == (
        ("江浙沪皖", "24小时内", "24小时内"),
        ("其它地区", "48小时内", "72小时内"),
    )

    tiers[1]["severity"] = "critical"
    table = tables(compose(make({"response": {"tiers": tiers}})))["故障响应时限"]
    assert table.header == ("区域", "故障等级", "到场时间", "修复时间")
    assert [r[1] for r in table.rows] == ["—", "重大故障"]


def test_one_tier_is_a_sentence_not_a_table() -> None:
    letter = compose(make({"response": {"tiers": [{"respond": "立即", "arrive": "8h"}]}}))
    assert tables(letter) == {}
    assert "我公司立即做出响应，8小时内派维护人员到达现场。" in letter_text(letter)


def test_component_warranty_table(full_letter: Letter) -> None:
    table = tables(full_letter)["分部件质量保证期"]
    assert table.header == ("部件", "质保期", "保证", "保修方式")
    assert table.rows == (
        ("称体部分（钢结构）", "7年", "不变形", "免费保修"),
        ("电气部分", "29个月", "—", "按成本价保修"),
    )


def test_staffing_and_training_tables(full_letter: Letter) -> None:
    found = tables(full_letter)
    assert found["售后服务人员配备"].rows == (
        ("项目经理", "61", "高级工程师"),
        ("专职工程师", "73", "—"),
    )
    training = found["培训对象及培训目标"]
    assert training.header == ("培训对象", "人员", "培训目标")
    assert training.rows[1] == ("系统操作员", "—", "能正确操作全部设备。")


def test_flowchart_figure(full: Profile, full_letter: Letter) -> None:
    figures = [b for b in walk_blocks(full_letter.sections) if isinstance(b, Figure)]
    assert [f.caption for f in figures] == ["售后服务流程图"]
    assert figures[0].process == full.commitments.service_process


def test_letter_text_reads_in_order(full_letter: Letter) -> None:
    lines = letter_text(full_letter).splitlines()
    assert lines[:2] == ["售后服务承诺书", "致：宁夏回族自治区交通运输厅"]
    assert lines[2].startswith(
        "本着“为顾客提供最满意的产品和服务”的经营宗旨，上海庆衡电子科技有限公司"
    )
    assert lines[2].endswith("郑重承诺如下：")
    assert lines.index("一、质量保证、包装运输与资质认证") == 3
    table = lines.index("故障响应时限")
    assert lines[table + 1].split() == [
        "区域",
        "故障等级",
        "时段",
        "响应时间",
        "到场时间",
        "修复时间",
    ]
    assert lines[table + 3].split() == ["其它地区", "—", "—", "立即", "47小时内", "53小时内"]
    assert lines[-4:] == [
        "投标人（盖章）：上海庆衡电子科技有限公司",
        "授权代表（签字）：李明",
        "联系电话：400-820-1234",
        "日期：2026年11月28日",
    ]


def test_profile_text_is_never_markup() -> None:
    letter = compose(
        make(
            {"extra_clauses": [{"title": "说明", "text": ["# 不是标题", "- 不是条目", "{{ x }}"]}]}
        )
    )
    (section,) = letter.sections
    assert section.blocks == (
        Paragraph("# 不是标题"),
        Paragraph("- 不是条目"),
        Paragraph("{{ x }}"),
    )


# ---------------------------------------------------------------- vocabulary, frame


@pytest.mark.parametrize("method", ["磋商", "谈判", "询价"])
def test_vocabulary_follows_the_procurement_method(method: str) -> None:
    letter = compose(make(FULL, COMPANY, method=method, tender_number="CG-1"))
    text = letter_text(letter)
    for word in ("投标", "招标", "中标"):
        assert word not in text
    assert letter.addressee == "致：采购人"
    assert letter.signature.company_label == "供应商（盖章）"
    assert "作为宁夏高速公路监控系统（项目编号：CG-1）的供应商" in text
    assert "如我公司成交" in text
    assert "对采购人的操作人员" in text


def test_tender_vocabulary(full_letter: Letter) -> None:
    assert full_letter.signature.company_label == "投标人（盖章）"
    assert "投标人" in letter_text(full_letter)
    words = vocabulary(ProcurementMethod.TENDER)
    assert (words.buyer, words.bidder, words.solicitation) == ("招标人", "投标人", "招标文件")
    words = vocabulary(ProcurementMethod.CONSULTATION)
    assert (words.buyer, words.bidder, words.response_document) == ("采购人", "供应商", "响应文件")


def test_addressee_without_tenderer() -> None:
    assert compose(make()).addressee == "致：招标人"


@pytest.mark.parametrize(
    ("date", "text"),
    [
        ("2026-11-28", "2026年11月28日"),
        ("2027-01-05", "2027年1月5日"),
        (None, "    年    月    日"),
    ],
)
def test_date_formats(date: str | None, text: str) -> None:
    letter = compose(make(date=date))
    assert letter.signature.date_text == text
    assert letter.signature.date_label == "日期"
    assert letter.date == (dt.date.fromisoformat(date) if date else None)


def test_signature_header_and_meta(full_letter: Letter) -> None:
    sig = full_letter.signature
    assert (sig.company, sig.signatory, sig.signatory_label) == (
        "上海庆衡电子科技有限公司",
        "李明",
        "授权代表（签字）",
    )
    assert sig.phone == "400-820-1234"
    assert sig.seal_image == Path("seal.png")
    assert full_letter.header_text == "宁夏高速公路监控系统　招标编号：NXJT-2026-017"
    assert full_letter.meta_title == "宁夏高速公路监控系统 售后服务承诺书"
    assert full_letter.meta_author == "上海庆衡电子科技有限公司"
    assert full_letter.meta_subject == "宁夏高速公路监控系统"
    assert full_letter.asset_dirs == (Path("/profiles/acme"),)
    # The hotlines and contacts, then the closing statement last, beside the signature.
    closing = [p.text for p in full_letter.closing]
    assert closing[0] == "24小时服务电话：400-820-1234（7×24小时）"
    assert closing[-1].startswith("以上承诺真实有效。如我公司中标")


def test_bare_profile_frame() -> None:
    letter = compose(make())
    assert letter.header_text == "宁夏高速公路监控系统"
    assert letter.signature.signatory is None
    assert letter.signature.signatory_label == "法定代表人或授权代表（签字）"
    assert letter.signature.phone is None
    assert letter.signature.seal_image is None


# ---------------------------------------------------------------- templates


@pytest.fixture
def own_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "clauses"
    shutil.copytree(clauses_dir(), folder)
    return folder


def test_template_typo_is_an_error(own_templates: Path) -> None:
    path = own_templates / "070_uptime.j2"
    path.write_text(path.read_text("utf-8").replace("u.annual_min", "u.anual_min"), "utf-8")
    profile = make({"uptime": {"annual_min": "95"}})
    with pytest.raises(RenderError, match=r"070_uptime\.j2:\d+: .*anual_min"):
        compose(profile, templates=own_templates)
    assert clauses_dir(own_templates.parent) == own_templates


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ("{{ none }}", "printed None"),
        ("{{ u.restart_warranty }}", "printed False"),
        ("{{ [1] }}", "printed a list"),
        ("{{ table('t', ['a'], [[1, 2]]) }}", "2|1 cells"),
    ],
)
def test_template_printing_nonsense_is_an_error(
    own_templates: Path, snippet: str, message: str
) -> None:
    path = own_templates / "070_uptime.j2"
    path.write_text(
        path.read_text("utf-8").replace("# 开机率保证", "# 开机率保证\n" + snippet), "utf-8"
    )
    with pytest.raises(RenderError, match=message):
        compose(make({"uptime": {"annual_min": "95"}}), templates=own_templates)


def test_own_templates_change_the_wording(own_templates: Path) -> None:
    path = own_templates / "070_uptime.j2"
    path.write_text(path.read_text("utf-8").replace("开机率保证", "设备开机率"), "utf-8")
    letter = compose(make({"uptime": {"annual_min": "95"}}), templates=own_templates)
    assert titles(letter) == ["一、设备开机率"]


# ---------------------------------------------------------------- the eight examples


def test_the_eight_examples_are_there() -> None:
    # five seed letters, and three bids answering the example tenders of issue 9
    assert len(EXAMPLE_NAMES) == 8


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_examples_say_every_promise(example: str) -> None:
    from generator.profiles.loading import load_profile

    resolved = load_profile(EXAMPLES / example / "project.yaml")
    letter = compose(resolved.profile, asset_dirs=resolved.asset_dirs)
    text = letter_text(letter)
    assert_clean(text)
    assert_says_everything(resolved.profile, text)
    assert letter.sections

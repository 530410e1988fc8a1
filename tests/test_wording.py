"""Headings and sentences that read right whatever a profile says (issue 10, part 2).

- Every heading of every example letter names only parts its section holds: a heading is
  split into its parts (服务热线与值班 → 服务热线, 值班) and each part must be borne out by the
  words of its section.
- Every clause template is rendered with every combination of the optional inputs that
  changes its wording (the inputs of one sentence or one heading decision together; the other
  parts of the template absent or all present), in all three languages: it composes, the
  languages keep one structure, no sentence is left broken, and the headings hold.
- One 自称 per company and one word for the buyer per procurement method, in the letter and in
  the 偏离表.
"""

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest
from test_languages import _texts, shape

from conftest import EXAMPLES, build_profile, check_example, example
from generator.letter.compose import compose, letter_text, vocabulary
from generator.letter.document import Block, Figure, Letter, Paragraph, Section, Table
from generator.profiles.loading import load_profile
from generator.profiles.models import Profile
from generator.tender.reports import deviation_letter

LANGUAGES = ("zh-Hans", "zh-Hant", "en")

# ---------------------------------------------------------------- headings

# What each heading part promises, as words its section must hold (any one of them). A part
# missing here fails the test: a new heading must say what bears it out.
PART_WORDS: dict[str, tuple[str, ...]] = {
    "服务主体": ("提供", "制造商"),
    "质量保证": ("正品", "原厂", "质量", "合格"),
    "包装运输": ("包装", "标识"),
    "资质认证": ("认证",),
    "交货": ("交货", "供货"),
    "安装调试": ("安装", "调试"),
    "售后服务机构": ("机构", "网点"),
    "服务机构": ("机构", "网点"),
    "人员配备": ("人员", "专人", "组长", "配备"),
    "售后服务人员配备": ("人员", "专人", "组长", "配备"),
    "质量保证期": ("质量保证期", "质保", "保修"),
    "保修": (
        "保修",
        "维修",
        "更换",
        "承担",
        "维护",
        "上门",
        "送修",
        "寄修",
        "远程",
        "工时",
        "质量保证期内",
    ),
    "质保期限": ("质量保证期", "质保", "保修"),
    "三包": ("三包",),
    "保修范围": ("保修范围", "承担", "无偿", "配件更换", "提供"),
    "保修方式": ("上门服务", "送修服务", "寄修服务", "远程服务"),
    "故障响应": ("响应", "热线", "值班", "维修", "加派", "故障通知"),
    "服务热线": ("热线",),
    "技术咨询": ("技术咨询",),
    "值班": ("值班",),
    "响应时限": ("做出响应", "到达现场", "修复故障", "加派"),
    "全天候响应": ("全天候",),
    "维修方式": ("维修", "寄修", "送修", "运杂费"),
    "备件保障": ("备品备件",),
    "设备更换": ("更换",),
    "备用设备": ("代用设备", "备用设备"),
    "开机率保证": ("开机率",),
    "技术培训": ("培训",),
    "培训内容": ("培训内容",),
    "安排": ("进行", "培训共", "每次培训", "培训时长", "安排", "确定"),
    "培训安排": ("进行", "培训共", "每次培训", "培训时长", "安排", "确定"),
    "培训对象": ("培训对象",),
    "目标": ("培训目标",),
    "培训方式": ("培训采用", "现场培训"),
    "教员": ("教员",),
    "培训资料": ("移交",),
    "备品备件": ("备品备件",),
    "定期巡检": ("巡检",),
    "现场走访": ("走访",),
    "回访": ("回访",),
    "满意度调查": ("满意度",),
    "质保期后服务": ("质保期满后", "终身", "长期维护", "续签"),
    "服务档案": ("档案",),
    "档案": ("档案",),
    "报告": ("汇报", "报告"),
    "服务报告": ("汇报", "报告"),
    "问题跟踪": ("跟踪",),
    "投诉处理": ("投诉",),
    "特殊时期保障": ("特殊时期",),
    "价格承诺": ("价格", "成本", "免费"),
    "售后服务流程": ("流程",),
    "资料移交": ("移交",),
    "配合事项": ("配合",),
}


# The same for the Taiwan letter (its own terms: 保固, 叫修, 據點, 訓練, 機關).
PART_WORDS_HANT: dict[str, tuple[str, ...]] = {
    "服務主體": ("提供", "製造商"),
    "品質保證": ("正品", "原廠", "品質", "合格"),
    "包裝運送": ("包裝", "標示"),
    "品質驗證": ("驗證",),
    "交貨": ("交貨", "交付"),
    "安裝測試": ("安裝", "測試"),
    "售後服務組織": ("組織", "據點", "單位"),
    "服務組織": ("組織", "據點", "單位"),
    "人力配置": ("人員", "專人", "召集人", "配置"),
    "售後服務人力配置": ("人員", "專人", "召集人", "配置"),
    "保固期": ("保固期", "保固"),
    "保固期限": ("保固期", "保固"),
    "包修包換包退": ("包修、包換、包退",),
    "保固服務": ("保固", "維修", "更換", "負擔", "維護", "到場", "送修", "寄修", "遠端", "工時"),
    "保固範圍": ("保固範圍", "負擔", "免費", "零件更換", "提供"),
    "保固方式": ("到場服務", "送修服務", "寄修服務", "遠端服務", "服務"),
    "故障叫修處理": ("回應", "專線", "值班", "維修", "加派", "叫修", "故障通知"),
    "技術諮詢": ("技術諮詢",),
    "服務專線": ("專線",),
    "值班": ("值班",),
    "處理時限": ("回應", "抵達現場", "修復故障", "加派"),
    "全天候叫修": ("全天候",),
    "維修方式": ("維修", "寄修", "送修", "運費"),
    "備品保障": ("備品",),
    "設備更換": ("更換",),
    "備用設備": ("備用機", "備用設備"),
    "妥善率保證": ("妥善率",),
    # 培训: the combinations quote a Simplified schedule as written
    "教育訓練": ("訓練", "受訓", "培训"),
    "訓練內容": ("訓練內容",),
    "安排": ("辦理", "訓練共", "每場次", "訓練時數", "時程"),
    "訓練安排": ("辦理", "訓練共", "每場次", "訓練時數", "時程"),
    "受訓對象": ("受訓對象",),
    "訓練目標": ("訓練目標",),
    "訓練方式": ("訓練採", "現場訓練"),
    "講師": ("講師",),
    "訓練資料": ("移交",),
    "備品供應": ("備品",),
    "定期巡檢": ("巡檢",),
    "現場訪視": ("訪視",),
    "回訪": ("回訪",),
    "滿意度調查": ("滿意度",),
    "保固期滿後服務": ("保固期滿後", "終身", "長期維護", "續訂"),
    "檔案": ("檔案",),
    "報告": ("報告",),
    "服務檔案": ("檔案",),
    "服務報告": ("報告",),
    "問題追蹤": ("追蹤",),
    "申訴處理": ("申訴",),
    "特殊時期支援": ("特殊時期",),
    "價格承諾": ("價格", "成本", "免費"),
    "售後服務流程": ("流程",),
    "資料移交": ("移交",),
    "配合事項": ("配合",),
}
TABLES = {"zh-Hans": PART_WORDS, "zh-Hant": PART_WORDS_HANT}


def _words(blocks: Sequence[Block]) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            yield block.caption
            yield from block.header
            yield from (cell for row in block.rows for cell in row)
        elif isinstance(block, Figure):
            yield block.caption
        else:
            yield block.title
            yield from _words(block.blocks)


def heading_problems(letter: Letter, own_titles: Sequence[str] = ()) -> list[str]:
    """Each heading part its section's words do not bear out (zh-Hans and zh-Hant);
    `own_titles` are the profile's own headings (extra clauses), printed as written."""
    problems: list[str] = []
    table = TABLES[letter.language]

    def walk(sections: Sequence[Block]) -> None:
        for section in sections:
            if not isinstance(section, Section):
                continue
            walk(section.blocks)
            if section.title in own_titles or not section.title:
                continue
            body = "".join(_words(section.blocks))
            for part in re.split("[与與及、]", section.title):
                # 招标人配合事项 / 機關配合事項: the buyer's word, then the part
                key = next((k for k in ("配合事项", "配合事項") if part.endswith(k)), part)
                if key not in table:
                    problems.append(f"{section.title}: no words listed for the part {part!r}")
                elif not any(word in body for word in table[key]):
                    problems.append(f"{section.number}{section.title}: nothing about {part}")

    walk(letter.sections)
    return problems


def _own_titles(profile: Profile) -> list[str]:
    return [x.title for x in profile.commitments.extra_clauses]


@pytest.mark.parametrize("language", sorted(TABLES))
@pytest.mark.parametrize("folder", [p.name for p in sorted(EXAMPLES.iterdir()) if p.is_dir()])
def test_every_heading_of_every_example_names_only_parts_present(
    folder: str, language: str
) -> None:
    profile = load_profile(EXAMPLES / folder / "project.yaml").profile
    letter = compose(profile, language=language)
    assert heading_problems(letter, _own_titles(profile)) == []


def test_the_heading_check_finds_a_promise_the_section_does_not_keep() -> None:
    # The check above must be able to fail: 服务热线与值班 over a duty sentence only.
    section = Section("（一）", "服务热线与值班", 2, (Paragraph("我公司安排值班人员。"),))
    top = Section("一、", "故障响应", 1, (section,))
    letter = compose(build_profile({"uptime": {"annual_min": "95"}}))
    fake = Letter(**{**letter.__dict__, "sections": (top,)})
    assert heading_problems(fake) == ["（一）服务热线与值班: nothing about 服务热线"]


def test_a_seed_sentence_is_not_split_into_sub_headings() -> None:
    # 例文4's training: one sentence in the seed, not three sub-headings and a one-row table.
    profile = load_profile(example("ex4")).profile
    (training,) = [s for s in compose(profile).sections if s.title == "技术培训"]
    assert not any(isinstance(b, Section | Table) for b in training.blocks)


def test_sub_headings_stay_when_two_topics_are_long() -> None:
    letter = compose(load_profile(example("ex2")).profile)
    (training,) = [s for s in letter.sections if s.title == "技术培训"]
    subs = [b.number + b.title for b in training.blocks if isinstance(b, Section)]
    assert subs == [
        "（一）培训内容与安排",
        "（二）培训对象及目标",
        "（三）培训方式、教员与培训资料",
    ]


# ---------------------------------------------------------------- every combination

# Per part: groups of optional inputs that share a sentence or a heading decision, each input
# with the values that word it differently (the first: absent). A group is rendered in every
# combination, with the part's other groups absent and all present.
TEMPLATE_INPUTS: dict[str, list[dict[str, list[Any]]]] = {
    "provider": [
        {
            "by": [None, "bidder", "manufacturer", "authorised_agent"],
            "manufacturer": [None, "深圳华瑞医疗"],
            "manufacturer_authorised": [False, True],
            "manufacturer_bound": [False, True],
        }
    ],
    "quality": [
        {
            "genuine_goods": [False, True],
            "original_packaging": [False, True],
            "certified": [False, True],
            "documents": [[], ["合格证"]],
            "quality_records": [False, True],
            "inspected_before_shipping": [False, True],
        },
        {"packaging": [[], ["防潮", "防震"]], "clear_labels": [False, True]},
        {"company.certifications": [[], ["ISO 9001"]]},
    ],
    "delivery": [
        {"on_award": [False, True], "lead_time": [None, "15 days"], "rush_orders": [False, True]},
        {
            "free_installation": [False, True],
            "free_commissioning": [False, True],
            "written_test_results": [False, True],
            "leave_with_consent": [False, True],
        },
    ],
    "staffing": [
        {
            "dedicated_organisation": [False, True],
            "project_team": [False, True],
            "local_office": [None, "银川市"],
            "local_office_travel": [None, "2h"],
        },
        {
            "company.service_network": [
                [],
                [{"name": "银川维护中心", "province": "宁夏", "city": "银川"}],
                [
                    {
                        "name": "上海总部",
                        "province": "上海",
                        "city": "上海",
                        "address": "徐汇区1号",
                        "phone": "021-5555",
                        "staff": "8",
                        "reach": "2h",
                    }
                ],
                [
                    {"name": "银川维护中心", "province": "宁夏", "city": "银川"},
                    {"name": "上海总部", "province": "上海", "city": "上海", "staff": "8"},
                ],
            ]
        },
        {
            "dedicated_person": [False, True],
            "team_lead": [None, "项目经理"],
            "members": [
                [],
                [{"role": "工程师", "count": "3"}],
                [{"role": "驻场工程师", "count": "2", "qualification": "原厂认证工程师"}],
                [{"role": "工程师", "count": "3"}, {"role": "项目经理", "count": "1"}],
            ],
            "staff_experienced": [False, True],
            "staff_trained": [False, True],
        },
    ],
    "warranty": [
        {
            "period": [None, "2 years", "终身"],
            "start": [None, "acceptance"],
            "components": [
                [],
                [{"name": "电机", "period": "3 years"}],
                [{"name": "电机", "period": "3 years"}, {"name": "面板", "period": "1 year"}],
            ],
            "statutory_three_guarantees": [False, True],
        },
        {
            "covers": [[], ["材料"]],
            "costs_borne": [[], ["差旅费用"]],
            "covered_parts": [[], ["电路板"]],
            "part_replacements": [None, "不限次数"],
            "system_maintenance": [False, True],
        },
        {"services": [[], ["软件升级"]], "labour": [None, "无限工时", "100h"]},
        {"exclusions": [[], ["天灾"], ["对系统的错误使用或滥用", "未经授权擅自改装", "不可抗力"]]},
        {
            "service_plans": [
                [],
                [{"item": "硬件", "mode": "on_site", "until": "1 year", "area": "市区内"}],
            ]
        },
    ],
    "response": [
        {
            "hotline": [None, {"hours": "7x24"}, {"hours": "7x24", "staffed_by": "值班工程师"}],
            "free_consulting": [False, True],
            "duty_hours": [None, "8:00-24:00", "working days 0:00-24:00"],
            "duty_staff_free": [False, True],
        },
        {
            "tiers": [
                [],
                [{"respond": "立即", "arrive": "2h"}],
                [{"region": "本市", "arrive": "2h"}, {"region": "其它地区", "arrive": "8h"}],
            ],
            "all_weather": [False, True],
            "escalation": [None, "1h", "立即"],
        },
        {
            "repair_modes": [[], ["on_site"], ["on_site", "mail_in"]],
            "freight_paid": [False, True],
            "sufficient_spares": [False, True],
        },
    ],
    "replacement": [
        {"doa_window": [None, "7 days"], "doa_replace_within": [None, "3 days"]},
        {"loaner": [False, True], "loaner_after": [None, "24h"]},
        {"replace_after_failed_repairs": [None, "2"]},
    ],
    "uptime": [{"annual_min": ["95"], "restart_warranty": [False, True]}],
    "training": [
        {
            "free": [False, True],
            "until_competent": [False, True],
            "before_operation": [False, True],
            "content": [[], ["设备使用"]],
        },
        {"sessions": [None, "2"], "session_length": [None, "3 days"]},
        {
            "schedule": [
                None,
                "每年3月",
                "由双方协商确定",
                "具体人员由双方确定；培训时间另行商定",
            ]
        },
        {
            "audiences": [
                [],
                [{"name": "现场人员"}],
                [{"name": "现场人员", "objective": "熟练掌握维护原理"}],
                [{"name": "管理员"}, {"name": "操作员"}],
                [{"name": "管理员", "objective": "能指导维护"}, {"name": "操作员"}],
            ]
        },
        {
            "methods": [[], ["现场培训"], ["理论培训", "现场培训"]],
            "on_site_topics": [[], ["系统调试"]],
            "trainers": [None, "本项目工程师"],
            "materials": [[], ["用户手册"]],
        },
    ],
    "spare_parts": [
        {
            "depot": [False, True],
            "supply_period": [None, "10 years"],
            "price_basis": [None, "cost", "free"],
            "stock_for_operation": [None, "2 years"],
        }
    ],
    "inspections": [
        {
            "frequency": [None, "每半年一次"],
            "during_warranty": [False, True],
            "led_by": [None, "巡检工程师为主，设计人员参与", "由专职工程师负责", "专职工程师"],
            "collect_feedback": [False, True],
        },
        {
            "site_visits": [None, "一年2次"],
            "return_visits": [False, True],
            "satisfaction_survey": [False, True],
            "periodic_checks_after_warranty": [False, True],
        },
    ],
    "after_warranty": [
        {
            "at_cost_period": [None, "3 years"],
            "free_phone_support": [False, True],
            "fee_basis": [None, "cost", "free"],
            "fee_items": [[], ["差旅"]],
            "renewal": [False, True],
        },
        {"long_term_maintenance": [False, True], "lifetime_support": [False, True]},
    ],
    "records": [
        {
            "customer_files": [False, True],
            "maintenance_records": [False, True],
            "service_reports": [False, True],
            "report_frequency": [None, "每月一次"],
            "track_issues": [False, True],
        }
    ],
    "complaints": [
        {
            "channels": [[], ["客服部"]],
            "discipline": [False, True],
            "apologise": [False, True],
            "explain_otherwise": [False, True],
            "reply_within": [None, "24h"],
            "satisfactory_reply": [False, True],
        }
    ],
    "special_events": [{"dedicated_staff": [False, True], "joint_duty": [False, True]}],
    "pricing": [
        {
            "best_price": [False, True],
            "free_in_warranty": [False, True],
            "parts_at_cost_after_warranty": [False, True],
            "customer_damage_at_cost": [False, True],
        }
    ],
    "handover": [{"documents": [[], ["维护手册"]], "materials": [[], ["备件清单"]]}],
    "customer_duties": [
        {
            "report_suggestions": [False, True],
            "periodic_maintenance": [False, True],
            "notify_faults": [False, True],
            "keep_records": [False, True],
        }
    ],
}


def _combinations(part: str) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(the part's inputs, the company's inputs) for each combination the table asks for."""
    groups = TEMPLATE_INPUTS[part]
    for index, group in enumerate(groups):
        others = [g for i, g in enumerate(groups) if i != index]
        for rest in ("absent", "present") if others else ("absent",):
            base = {k: v[-1] for g in others for k, v in g.items()} if rest == "present" else {}
            for values in itertools.product(*group.values()):
                chosen = {**base, **dict(zip(group, values, strict=True))}
                own = {k: v for k, v in chosen.items() if not k.startswith("company.")}
                company = {k[8:]: v for k, v in chosen.items() if k.startswith("company.")}
                yield own, company


def _profile(part: str, own: Mapping[str, Any], company: Mapping[str, Any]) -> Profile:
    values = {k: v for k, v in own.items() if v not in (None, False, [])}
    company_file = {"kind": "company", "name": "宁夏华通科技有限公司", **company}
    return build_profile({part: values} if values else {}, company_file, method="招标")


# Breaks a sentence shows when an optional part is left out or doubled.
BROKEN = re.compile(
    r"，。|。。|，，|；。|、、|（）|：。|^[，。；、]|None|True|False|\bNone\b|其[他它]服务"
)
BROKEN_EN = re.compile(r" ,| \.|,\.|\.\.(?!\.)|\( ?\)|None|True|False|^[,.;]")


def _sentence_problems(letter: Letter, profile: Profile | None = None) -> list[str]:
    """Broken sentences, and words for a party other than the letter's own (the profile's
    texts, printed as written, left out)."""
    english = letter.language == "en"
    text = letter_text(letter)
    problems = [x for x in text.splitlines() if (BROKEN_EN if english else BROKEN).search(x)]
    for quoted in sorted(set(_texts(profile)) if profile else (), key=len, reverse=True):
        text = text.replace(quoted, "")
    if not english:
        parties = (x for x in text.splitlines() if re.search("用户|我们|我方|本投标人", x))
        problems += [f"another word for a party: {x}" for x in parties]
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("part", sorted(TEMPLATE_INPUTS))
def test_every_clause_reads_right_in_every_combination(part: str) -> None:
    seen = 0
    for own, company in _combinations(part):
        profile = _profile(part, own, company)
        letters = {lang: compose(profile, language=lang) for lang in LANGUAGES}
        source = letters["zh-Hans"]
        where = f"{part} {own} {company}"
        assert heading_problems(source) == [], where
        assert heading_problems(letters["zh-Hant"]) == [], where
        for lang, letter in letters.items():
            assert shape(letter) == shape(source), f"{lang}: {where}"
            assert _sentence_problems(letter, profile) == [], f"{lang}: {where}"
        seen += 1
    assert seen >= 2


def test_the_sentence_check_finds_a_broken_sentence() -> None:
    letter = compose(build_profile({"uptime": {"annual_min": "95"}}))
    broken = Paragraph("对其他服务，我公司只收取必要的成本费用。")
    section = Section("一、", "质保期后服务", 1, (broken, Paragraph("请用户配合，。")))
    fake = Letter(**{**letter.__dict__, "sections": (section,)})
    assert len(_sentence_problems(fake)) == 3


# ---------------------------------------------------------------- one word for each party

SELVES = ("我公司", "本公司", "我方")


@pytest.mark.parametrize("self_reference", SELVES)
def test_one_self_reference_in_every_sentence(self_reference: str) -> None:
    from test_compose import COMPANY, FULL

    profile = build_profile(FULL, {**COMPANY, "self_reference": self_reference})
    text = letter_text(compose(profile))
    assert self_reference in text
    for other in SELVES:
        if other != self_reference:
            assert other not in text, other
    assert "我们" not in text
    # Taiwan usage: the default reads 本公司; 我方 stays as chosen.
    hant = letter_text(compose(profile, language="zh-Hant"))
    assert ("我方" if self_reference == "我方" else "本公司") in hant
    assert "我公司" not in hant


@pytest.mark.parametrize("method", ["招标", "磋商", "零售"])
def test_one_word_for_the_buyer(method: str) -> None:
    from test_compose import COMPANY, FULL

    profile = build_profile(FULL, COMPANY, method=method)
    text = letter_text(compose(profile))
    buyer = vocabulary(profile.project.method).buyer
    assert buyer in text
    # the profile's own texts (a flowchart step 用户签认…) are printed as written
    for quoted in sorted(set(_texts(profile)), key=len, reverse=True):
        text = text.replace(quoted, "")
    for word in {"招标人", "采购人", "顾客", "用户"} - {buyer}:
        assert word not in text, word


@pytest.mark.parametrize(
    ("tender_name", "folder"),
    [
        ("highway-monitoring", "ex2"),
        ("elevator-maintenance-manual", "ex8"),
        # its statement is the tender's own: 除本表所列偏离外，我方完全响应…
        ("hospital-equipment-maintenance", "ex6"),
    ],
)
def test_the_deviation_table_names_the_parties_as_the_letter_does(
    tender_name: str, folder: str
) -> None:
    result = check_example(tender_name, folder)
    profile = result.profile
    letter = compose(profile)
    table = deviation_letter(result.findings, profile, result.tender)
    buyer = vocabulary(profile.project.method).buyer
    # the addressee's role is the letter's buyer word, the signature the letter's own
    assert table.addressee.endswith(f"（{buyer}）")
    assert buyer in letter_text(letter)
    assert table.signature == letter.signature
    we = profile.company.self_reference.value
    for other in set(SELVES) - {we}:
        assert other not in letter_text(table), other


@pytest.mark.parametrize("folder", [p.name for p in sorted(EXAMPLES.iterdir()) if p.is_dir()])
def test_one_spelling_of_qita_in_every_example(folder: str) -> None:
    # The templates say neither 其他 nor 其它, so a letter spells it as its profile does.
    profile = load_profile(EXAMPLES / folder / "project.yaml").profile
    for language in ("zh-Hans", "zh-Hant"):
        text = letter_text(compose(profile, language=language))
        assert not ("其他" in text and "其它" in text), (language, text)


def test_round_the_clock_duty_is_not_said_twice() -> None:
    """值班时间为7×24小时 already says all-weather: 全天候服务响应 is not added after it (ex8), but
    stands where the duty is shorter (ex2: 8:00至24:00)."""
    ex8 = letter_text(compose(load_profile(example("ex8")).profile))
    assert "值班时间为7×24小时" in ex8 and "全天候服务响应" not in ex8
    ex2 = letter_text(compose(load_profile(example("ex2")).profile))
    assert "值班时间为8:00至24:00" in ex2 and "全天候服务响应" in ex2


def test_the_hotline_sentence_names_only_lines_open_those_hours() -> None:
    """ex7's 400 line is 7×24, its 0573 line 工作日8:30至17:30: the sentence promising 7×24小时
    names the 400 line alone (the office line's hours are printed beside it at the end)."""
    text = letter_text(compose(load_profile(example("ex7")).profile))
    (line,) = [x for x in text.splitlines() if "设有服务热线" in x]
    assert "400-880-3175" in line and "0573-82291608" not in line and "7×24小时" in line
    assert "0573-82291608（工作日8:30至17:30）" in text

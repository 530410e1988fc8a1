"""The tender check: tender files, every comparator and unit pair, tiers and scopes, scoring,
capacity guardrails, pass/fail, and the example tenders against the example profiles."""

import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any, overload

import pytest
from pydantic import ValidationError

from conftest import EXAMPLES, TENDERS, Resolved, check_example, profile, req, tender
from generator.errors import InputError
from generator.locale import Message, get_locale
from generator.profiles.loading import load_any, load_file, load_profile
from generator.profiles.models import commitment_paths
from generator.profiles.quantities import DailyWindow, Duration, Frequency
from generator.profiles.yamlreader import dotted
from generator.tender.check import CapacityStatus, CheckResult, Gate, check
from generator.tender.loading import FILE_MODELS
from generator.tender.model import TenderFile, Verdict


@overload
def zh(msg: Message) -> str: ...
@overload
def zh(msg: Message | None) -> str | None: ...
def zh(msg: Message | None) -> str | None:
    """What the check says, in the letters' default language."""
    return None if msg is None else get_locale().say(msg)


P, N, NEG, MISS, NC = (
    Verdict.POSITIVE,
    Verdict.NONE,
    Verdict.NEGATIVE,
    Verdict.MISSING,
    Verdict.NOT_COMPARABLE,
)


def one(resolved: Resolved, *requirements: dict[str, Any], **extra: Any) -> CheckResult:
    return check(resolved, tender(*requirements, **extra))


# ---------------------------------------------------------------- the tender file


def test_commitment_paths_cover_the_promises_with_their_types() -> None:
    paths = commitment_paths()
    assert paths["warranty.period"].type is Duration
    assert paths["response.arrive"].type is Duration
    assert paths["response.duty_hours"].type is DailyWindow
    assert paths["response.hotline.hours"].type is DailyWindow
    assert paths["inspections.frequency"].type is Frequency
    assert paths["spare_parts.supply_period"].type is Duration
    assert paths["training.free"].type is bool
    assert paths["uptime.annual_min"].type is Decimal
    assert "response.tiers" not in paths and "warranty.components" not in paths


def test_requirement_values_parse_in_english_and_chinese() -> None:
    t = tender(
        req("warranty.period", "不少于", "二十四个月"),
        req("response.arrive", "at_most", "半小时"),
        req("inspections.frequency", "at_least", "quarterly"),
        req("response.duty_hours", "at_least", "早8:00至晚12:00"),
        req("uptime.annual_min", "≥", "95%"),
    )
    values = [r.threshold for r in t.requirements]
    assert values[0] == Duration(Decimal(24), Duration.parse("1 month").unit)
    assert values[1] == Duration.parse("30min")
    assert values[2] == Frequency.parse("every 3 months")
    assert values[3] == DailyWindow(8 * 60, 24 * 60)
    assert values[4] == Decimal(95)


@pytest.mark.parametrize(
    ("requirement", "loc", "message"),
    [
        (
            req("warranty.perod", "at_least", "1 year"),
            "commitment",
            'did you mean "warranty.period"',
        ),
        (req("response.arrive", "at_least", "8h"), "comparator", "use at_most"),
        (req("warranty.period", "at_most", "1 year"), "comparator", "use at_least"),
        (req("warranty.period", "at_least", "每年一次"), "value", "not a duration"),
        (req("inspections.frequency", "at_least", "3 years"), "value", "not a frequency"),
        (req("training.free", "at_least", "true"), "comparator", "use required"),
        (req("warranty.period", "at_least"), "value", "needs a value"),
        (req("warranty.period", "at_least", "1 year", marker="◆"), "marker", "unknown marker"),
        (
            req(
                "warranty.period",
                "at_least",
                "1y",
                scoring={"tiers": [{"value": "365 days", "points": 1}]},
            ),
            "scoring.tiers[0].value",
            "365 days may be longer or shorter than 1 year",
        ),
    ],
)
def test_tender_errors_point_at_the_field(
    requirement: dict[str, Any], loc: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        tender(requirement)
    errors = caught.value.errors()
    locs = [dotted(tuple(e["loc"])) for e in errors]
    assert f"requirements[0].{loc}" in locs, locs
    assert any(message in e["msg"] for e in errors), errors


def test_tier_value_of_wrong_family_is_reported() -> None:
    # Hours are not a warranty period: the tier value cannot be compared later, so say so now.
    with pytest.raises(ValidationError):
        tender(
            req(
                "warranty.period",
                "at_least",
                "1y",
                scoring={"tiers": [{"value": "每年一次", "points": 1}]},
            )
        )


def test_scoring_takes_one_form() -> None:
    both = {
        "tiers": [{"value": "2 years", "points": 1}],
        "step": "1 year",
        "points_per_step": 1,
        "max": 2,
    }
    with pytest.raises(ValidationError, match="either tiers or step"):
        tender(req("warranty.period", "at_least", "1 year", scoring=both))
    with pytest.raises(ValidationError, match="max"):
        tender(
            req(
                "warranty.period",
                "at_least",
                "1 year",
                scoring={"step": "1 year", "points_per_step": 1},
            )
        )


def test_tender_file_errors_have_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "tender.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            kind: tender
            name: 测试
            requirements:
              - clause: "1"
                text: 质保期不少于3年
                commitment: warranty.priod
                comparator: at_least
                value: 3 years
              - clause: "2"
                text: 24小时到场
                commitment: response.arrive
                comparator: at_most
                value: 24 hrz
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_any(path, FILE_MODELS)
    lines = str(caught.value).splitlines()
    assert any(
        ":6:" in line and "requirements[0].commitment" in line and "warranty.period" in line
        for line in lines
    ), lines
    assert any(
        ":13:" in line and "requirements[1].value" in line and "24 hrz" in line for line in lines
    ), lines


def test_example_tenders_validate() -> None:
    files = sorted(TENDERS.glob("*.yaml"))
    assert len(files) >= 3
    for path in files:
        kind, model = load_any(path, FILE_MODELS)
        assert kind == "tender" and isinstance(model, TenderFile)
        assert any(r.marker == "★" for r in model.requirements), path
        # an item is scored, or one check of a compound item is
        scored = [
            s for r in model.requirements for s in (r.scoring, *(c.scoring for c in r.checks))
        ]
        assert any(scored) or path.stem == "office-supply", path


# ---------------------------------------------------------------- comparators and units

WD = {"working_day_hours": "24"}


@pytest.mark.parametrize(
    ("commitments", "requirement", "verdict"),
    [
        # periods: months and years convert; larger is better
        ({"warranty": {"period": "36 months"}}, req("warranty.period", "at_least", "3 years"), N),
        ({"warranty": {"period": "3年"}}, req("warranty.period", "at_least", "36个月"), N),
        ({"warranty": {"period": "2 years"}}, req("warranty.period", "at_least", "3 years"), NEG),
        ({"warranty": {"period": "18个月"}}, req("warranty.period", "at_least", "一年"), P),
        ({"warranty": {"period": "2 years"}}, req("warranty.period", "equals", "1 year"), P),
        ({"warranty": {"period": "6 months"}}, req("warranty.period", "equals", "1 year"), NEG),
        # months against days have no fixed ratio
        ({"warranty": {"period": "365 days"}}, req("warranty.period", "at_least", "1 year"), NC),
        # time limits: minutes, hours and days convert; smaller is better
        (
            {"response": {"tiers": [{"arrive": "120min"}]}},
            req("response.arrive", "at_most", "2h"),
            N,
        ),
        (
            {"response": {"tiers": [{"arrive": "半小时"}]}},
            req("response.arrive", "at_most", "1小时"),
            P,
        ),
        ({"response": {"tiers": [{"arrive": "3h"}]}}, req("response.arrive", "at_most", "2h"), NEG),
        (
            {"response": {"tiers": [{"arrive": "1 day"}]}},
            req("response.arrive", "at_most", "24h"),
            N,
        ),
        (
            {"response": {"tiers": [{"respond": "立即"}]}},
            req("response.respond", "at_most", "30min"),
            P,
        ),
        # working days need a rule to meet hours
        (
            {"replacement": {"doa_replace_within": "3个工作日"}},
            req("replacement.doa_replace_within", "at_most", "72h"),
            NC,
        ),
        (
            {"replacement": {"doa_replace_within": "3个工作日"}},
            req("replacement.doa_replace_within", "at_most", "72h", **WD),
            N,
        ),
        (
            {"replacement": {"doa_replace_within": "3个工作日"}},
            req("replacement.doa_replace_within", "at_most", "48h", **WD),
            NEG,
        ),
        (
            {"replacement": {"doa_replace_within": "3个工作日"}},
            req("replacement.doa_replace_within", "at_most", "3 working days"),
            N,
        ),
        (
            {"replacement": {"doa_window": "7个工作日"}},
            req("replacement.doa_window", "at_least", "5个工作日"),
            P,
        ),
        # frequencies: more often is better; months and years convert
        (
            {"inspections": {"frequency": "每月一次"}},
            req("inspections.frequency", "at_least", "每季度一次"),
            P,
        ),
        (
            {"inspections": {"frequency": "4 per year"}},
            req("inspections.frequency", "at_least", "quarterly"),
            N,
        ),
        (
            {"inspections": {"frequency": "每半年一次"}},
            req("inspections.frequency", "at_least", "每季度一次"),
            NEG,
        ),
        (
            {"inspections": {"frequency": "every 15 days"}},
            req("inspections.frequency", "at_least", "monthly"),
            P,
        ),
        # duty windows: a window that covers the required one is enough
        (
            {"response": {"duty_hours": "7x24"}},
            req("response.duty_hours", "at_least", "8:00-20:00"),
            P,
        ),
        (
            {"response": {"duty_hours": "8:00-20:00"}},
            req("response.duty_hours", "at_least", "8:00-20:00"),
            N,
        ),
        (
            {"response": {"duty_hours": "9:00-17:00"}},
            req("response.duty_hours", "at_least", "8:00-20:00"),
            NEG,
        ),
        (
            {"response": {"duty_hours": "working days 0:00-24:00"}},
            req("response.duty_hours", "equals", "7x24"),
            NEG,
        ),
        # percentages, counts, flags and choices
        ({"uptime": {"annual_min": "98%"}}, req("uptime.annual_min", "at_least", "95%"), P),
        ({"uptime": {"annual_min": "95"}}, req("uptime.annual_min", "at_least", "95%"), N),
        (
            {"replacement": {"replace_after_failed_repairs": 3}},
            req("replacement.replace_after_failed_repairs", "at_most", "2"),
            NEG,
        ),
        (
            {"replacement": {"replace_after_failed_repairs": 1}},
            req("replacement.replace_after_failed_repairs", "at_most", "2"),
            P,
        ),
        ({"training": {"free": True}}, req("training.free", "required"), N),
        ({"training": {"free": False}}, req("training.free", "required"), MISS),
        ({"warranty": {"start": "acceptance"}}, req("warranty.start", "equals", "acceptance"), N),
        ({"warranty": {"start": "delivery"}}, req("warranty.start", "equals", "acceptance"), NEG),
        ({"response": {"duty_hours": "8:00-24:00"}}, req("response.duty_hours", "required"), N),
        # nothing promised
        ({}, req("warranty.period", "at_least", "1 year"), MISS),
        (
            {"response": {"tiers": [{"respond": "1h"}]}},
            req("response.arrive", "at_most", "2h"),
            MISS,
        ),
    ],
)
def test_comparators_and_units(
    commitments: dict[str, Any], requirement: dict[str, Any], verdict: Verdict
) -> None:
    finding = one(profile(commitments), requirement).findings[0]
    assert finding.verdict is verdict, finding.reason_en


def test_reasons_say_what_was_offered_and_required() -> None:
    f = one(
        profile({"warranty": {"period": "18 months"}}),
        req("warranty.period", "at_least", "3 years"),
    ).findings[0]
    assert zh(f.reason) == "承诺18个月，未达到要求（不少于3年）"
    assert f.reason_en == "offers 18 months, short of the required 3 years"
    assert zh(f.suggestion) == "质保期须承诺不少于3年方可满足要求"
    nc = one(
        profile({"replacement": {"doa_replace_within": "3个工作日"}}),
        req("replacement.doa_replace_within", "at_most", "72h"),
    ).findings[0]
    assert "工作日折算" in zh(nc.reason) and "working-day rule" in nc.reason_en


# ---------------------------------------------------------------- tiers and scopes

REGION_TIERS = {
    "response": {
        "tiers": [
            {"region": "江浙沪皖", "areas": ["江苏", "浙江", "上海", "安徽"], "arrive": "24h"},
            {"region": "其它地区", "arrive": "48h"},
        ]
    }
}


@pytest.mark.parametrize(
    ("site", "areas", "verdict", "context"),
    [
        ({"province": "浙江省", "city": "杭州市"}, [], N, "江浙沪皖"),
        ({"province": "甘肃", "city": "兰州"}, [], NEG, "其它地区"),
        (None, [], NEG, "其它地区"),  # no site: the least favourable tier counts
        ({"province": "浙江", "city": "杭州"}, ["上海", "甘肃"], NEG, "其它地区"),
        ({"province": "甘肃", "city": "兰州"}, ["上海", "安徽"], N, "江浙沪皖"),
    ],
)
def test_region_tiers_are_compared_within_scope(
    site: dict[str, str] | None, areas: list[str], verdict: Verdict, context: str
) -> None:
    requirement = req("response.arrive", "at_most", "24h", scope={"areas": areas})
    f = one(profile(REGION_TIERS, site=site), requirement).findings[0]
    assert f.verdict is verdict
    assert f.offer is not None and zh(f.offer.context) == context


def test_a_place_no_tier_covers_is_missing() -> None:
    tiers = {"response": {"tiers": [{"region": "市区内", "areas": ["银川"], "arrive": "2h"}]}}
    f = one(
        profile(tiers, site={"province": "宁夏", "city": "固原"}),
        req("response.arrive", "at_most", "4h"),
    ).findings[0]
    assert f.verdict is MISS and "宁夏 固原" in zh(f.reason)


def test_site_names_match_with_or_without_suffixes() -> None:
    tiers = {
        "response": {
            "tiers": [
                {"region": "宁夏", "areas": ["宁夏回族自治区"], "arrive": "4h"},
                {"region": "其它地区", "arrive": "72h"},
            ]
        }
    }
    f = one(
        profile(tiers, site={"province": "宁夏"}), req("response.arrive", "at_most", "8h")
    ).findings[0]
    assert f.verdict is P


def test_tender_site_is_used_when_the_profile_has_none() -> None:
    t = tender(req("response.arrive", "at_most", "24h"), site={"province": "上海"})
    assert check(profile(REGION_TIERS), t).findings[0].verdict is N
    assert check(profile(REGION_TIERS, site={"province": "西藏"}), t).findings[0].verdict is NEG


SEVERITY_TIERS = {
    "response": {
        "tiers": [
            {"severity": "critical", "arrive": "2h", "time": "working_hours"},
            {"severity": "critical", "arrive": "4h", "time": "off_hours"},
            {"severity": "general", "arrive": "8h"},
        ]
    }
}


@pytest.mark.parametrize(
    ("scope", "verdict"),
    [
        ({"severity": "critical"}, N),  # worst of working/off hours: 4h
        ({"severity": "critical", "time": "working_hours"}, P),  # 2h
        ({"severity": "general"}, NEG),  # 8h
        ({}, NEG),  # every fault: the 8h tier counts
    ],
)
def test_severity_and_time_scopes(scope: dict[str, str], verdict: Verdict) -> None:
    f = one(profile(SEVERITY_TIERS), req("response.arrive", "at_most", "4h", scope=scope)).findings[
        0
    ]
    assert f.verdict is verdict


def test_component_scope_uses_the_component_warranty_else_the_whole_unit() -> None:
    w = {
        "warranty": {
            "period": "18 months",
            "components": [{"name": "称体部分（钢结构）", "period": "3 years"}],
        }
    }
    res = one(
        profile(w),
        req("warranty.period", "at_least", "3 years", scope={"component": "称体部分"}),
        req("warranty.period", "at_least", "3 years", scope={"component": "电气部分"}),
    )
    assert [f.verdict for f in res.findings] == [N, NEG]
    assert (
        res.findings[0].offer is not None
        and res.findings[0].offer.key == "commitments.warranty.components[0].period"
    )


# ---------------------------------------------------------------- scoring

ARRIVE_TIERS = {
    "tiers": [
        {"value": "2h", "points": 10},
        {"value": "4h", "points": 6},
        {"value": "8h", "points": 3},
    ]
}


@pytest.mark.parametrize(
    ("offered", "points", "suggestion"),
    [
        ("1h", 10, None),
        ("2h", 10, None),
        ("3h", 6, "到场时间承诺不超过2小时可再得4分"),
        ("240min", 6, "到场时间承诺不超过2小时可再得4分"),
        ("8h", 3, "到场时间承诺不超过4小时可再得3分"),
        ("12h", 0, "到场时间承诺不超过8小时可再得3分"),
    ],
)
def test_tier_scoring(offered: str, points: int, suggestion: str | None) -> None:
    f = one(
        profile({"response": {"tiers": [{"arrive": offered}]}}),
        req("response.arrive", "at_most", "24h", scoring=ARRIVE_TIERS),
    ).findings[0]
    assert f.points == points and f.max_points == 10
    assert zh(f.suggestion) == suggestion


@pytest.mark.parametrize(
    ("offered", "points", "suggestion"),
    [
        ("3 years", 0, "质保期承诺不少于4年可再得1分"),
        ("47 months", 0, "质保期承诺不少于4年可再得1分"),
        ("5 years", 2, "质保期承诺不少于6年可再得1分"),
        ("66个月", 2, "质保期承诺不少于6年可再得1分"),
        ("6 years", 3, None),
        ("10 years", 3, None),
    ],
)
def test_step_scoring_per_extra_year_capped(
    offered: str, points: int, suggestion: str | None
) -> None:
    scoring = {"step": "1 year", "points_per_step": 1, "max": 3}
    f = one(
        profile({"warranty": {"period": offered}}),
        req("warranty.period", "at_least", "3 years", scoring=scoring),
    ).findings[0]
    assert f.points == points
    assert zh(f.suggestion) == suggestion


def test_step_scoring_for_time_limits_and_totals() -> None:
    scoring = {"step": "4h", "points_per_step": "1.5", "base": "24h", "max": 3}
    res = one(
        profile(
            {
                "response": {"tiers": [{"arrive": "18h", "repair": "24h"}]},
                "warranty": {"period": "2 years"},
            }
        ),
        req("response.arrive", "at_most", "24h", scoring=scoring),
        req(
            "warranty.period",
            "at_least",
            "1 year",
            scoring={"step": "1 year", "points_per_step": 1, "max": 2},
        ),
        req("response.repair", "at_most", "48h"),
    )
    arrive, warranty, repair = res.findings
    assert (
        arrive.points == Decimal("1.5")
        and zh(arrive.suggestion) == "到场时间承诺不超过16小时可再得1.5分"
    )
    assert warranty.points == 1 and repair.points is None
    assert res.total_points == Decimal("2.5") and res.max_points == 5


def test_a_missing_scored_item_earns_nothing() -> None:
    f = one(
        profile({}),
        req(
            "warranty.period",
            "at_least",
            "1 year",
            scoring={"step": "1 year", "points_per_step": 1, "max": 2},
        ),
    ).findings[0]
    assert f.verdict is MISS and f.points == 0 and f.max_points == 2


# ---------------------------------------------------------------- pass / fail


def test_any_negative_fails_by_default_and_stars_only_fails_only_substantive() -> None:
    p = profile({"warranty": {"period": "1 year"}, "training": {"free": True}})
    substantive = one(p, req("warranty.period", "at_least", "2 years", marker="★"))
    assert not any(substantive.passed(g) for g in Gate)
    ordinary = one(p, req("warranty.period", "at_least", "2 years", marker="▲"))
    assert not ordinary.passed() and not ordinary.passed(Gate.STRICT)
    assert ordinary.passed(Gate.STARS_ONLY)
    missing = one(p, req("inspections.frequency", "at_least", "monthly"))
    assert not missing.passed() and missing.passed(Gate.STARS_ONLY)
    fine = one(p, req("training.free", "required", marker="★"))
    assert all(fine.passed(g) for g in Gate) and fine.failures() == []


def test_not_comparable_fails_a_star_by_default_and_any_item_when_strict() -> None:
    p = profile({"replacement": {"doa_replace_within": "3个工作日"}})
    star = one(p, req("replacement.doa_replace_within", "at_most", "72h", marker="★"))
    assert not star.passed() and not star.passed(Gate.STRICT) and star.passed(Gate.STARS_ONLY)
    plain = one(p, req("replacement.doa_replace_within", "at_most", "72h"))
    assert plain.passed() and plain.passed(Gate.STARS_ONLY) and not plain.passed(Gate.STRICT)


# ---------------------------------------------------------------- capacity guardrails

CAPS = [
    {"commitment": "response.arrive", "limit": "4h", "where": "service_centre_cities"},
    {"commitment": "response.arrive", "limit": "24h", "where": "elsewhere"},
    {"commitment": "warranty.period", "limit": "5 years"},
    {"commitment": "spare_parts.supply_period", "limit": "10 years"},
]
APPROVAL = {
    "commitment": "response.arrive",
    "value": "2h",
    "approved_by": "售后服务部 王经理",
    "date": "2026-11-20",
    "reference": "SP-2026-031",
}


def _caps(
    commitments: dict[str, Any], city: str, approvals: list[dict[str, str]] | None = None
) -> CheckResult:
    p = profile(
        {**commitments, "training": {"free": True}},
        site={"province": "宁夏", "city": city},
        capacity=CAPS,
        centres=["银川"],
        approvals=approvals,
    )
    return one(p, req("training.free", "required"))


def test_promise_within_capacity_passes() -> None:
    res = _caps(
        {"response": {"tiers": [{"arrive": "4h"}]}, "warranty": {"period": "5 years"}}, "银川"
    )
    assert [c.status for c in res.capacity] == [CapacityStatus.WITHIN, CapacityStatus.WITHIN]
    assert res.passed()


def test_promise_beyond_capacity_fails_without_approval() -> None:
    res = _caps({"response": {"tiers": [{"arrive": "2h"}]}}, "银川")
    (cap,) = res.capacity
    assert cap.status is CapacityStatus.EXCEEDED and cap.capacity.where == "service_centre_cities"
    assert not res.passed()
    assert "超出能力上限4小时" in zh(cap.reason) and "无审批记录" in zh(cap.reason)


def test_the_elsewhere_cap_applies_outside_service_centre_cities() -> None:
    res = _caps({"response": {"tiers": [{"arrive": "8h"}]}}, "固原")
    (cap,) = res.capacity
    assert cap.status is CapacityStatus.EXCEEDED and str(cap.limit) == "24 h"


def test_approval_lets_a_promise_beyond_capacity_pass() -> None:
    res = _caps({"response": {"tiers": [{"arrive": "2h"}]}}, "银川", approvals=[APPROVAL])
    (cap,) = res.capacity
    assert cap.status is CapacityStatus.APPROVED and cap.approval is not None
    assert cap.approval.reference == "SP-2026-031"
    assert res.passed(Gate.STRICT)


def test_component_warranties_and_supply_years_are_capped_too() -> None:
    res = _caps(
        {
            "warranty": {
                "period": "2 years",
                "components": [{"name": "曳引机", "period": "8 years"}],
            },
            "spare_parts": {"supply_period": "15 years"},
        },
        "银川",
    )
    by_path = {c.capacity.commitment: c for c in res.capacity}
    assert by_path["warranty.period"].status is CapacityStatus.EXCEEDED
    assert zh(by_path["warranty.period"].offer.context) == "曳引机"
    assert by_path["spare_parts.supply_period"].status is CapacityStatus.EXCEEDED
    assert len(res.failures()) == 2


def test_unreadable_capacity_entries_are_validation_errors() -> None:
    bad = [
        {"commitment": "warranty.perid", "limit": "5 years"},
        {"commitment": "warranty.period", "limit": "每年一次"},
    ]
    with pytest.raises(ValidationError) as caught:
        profile({}, capacity=bad)
    text = str(caught.value)
    assert 'did you mean "warranty.period"' in text and "not a duration" in text


# ---------------------------------------------------------------- the example tenders


def run_example(tender_name: str, example: str, overlays: tuple[str, ...] = ()) -> CheckResult:
    return check_example(tender_name, example, overlays)


def verdicts(result: CheckResult) -> list[tuple[str, Verdict]]:
    return [(f.requirement.clause, f.verdict) for f in result.findings]


def test_highway_tender_against_example_2() -> None:
    res = run_example("highway-monitoring", "ex2-highway-monitoring")
    assert verdicts(res) == [
        ("第五章 6.1", N),  # 质保1年 = 1年
        ("第五章 6.1", N),  # 自验收合格之日起 (the same clause's second check)
        ("第五章 6.2(1)", P),  # 立即响应 < 30分钟
        ("第五章 6.2(2)", P),  # 8小时到场 < 12小时
        ("第五章 6.2(3)", N),  # 24小时修复
        ("第五章 6.3", P),  # 值班8:00-24:00 covers 8:00-20:00
        ("第五章 6.4", N),  # 备品备件保障运行2年
        ("第五章 6.5", N),  # no inspection frequency in 例文2: its responses answer 无偏离
        ("第五章 6.6", N),  # 免费培训
        ("第五章 6.7", P),  # 成本价保修3年 > 2年
        ("第五章 6.8", N),  # 重大活动派专人
        ("第五章 6.9", N),  # a manual item, answered in the project's responses
    ]
    assert res.findings[7].computed is MISS and res.findings[7].answer is not None
    assert res.passed(Gate.STRICT)
    assert res.total_points == 1 and res.max_points == 8
    warranty, arrive = res.findings[0], res.findings[3]
    assert zh(warranty.suggestion) == "质保期承诺不少于2年可再得1分"
    assert zh(arrive.suggestion) == "到场时间承诺不超过4小时可再得2分"
    assert [(c.capacity.commitment, c.status) for c in res.capacity] == [
        ("response.arrive", CapacityStatus.WITHIN),  # 银川 has a service centre: cap 4h, promise 8h
        ("warranty.period", CapacityStatus.WITHIN),
    ]
    # Provenance: the finding points at the line of the promise in the company file.
    assert arrive.offer is not None and arrive.offer.where is not None
    where = arrive.offer.where
    line = Path(where.file).read_text(encoding="utf-8").splitlines()[where.line - 1]
    assert "arrive: 8h" in line and where.file.endswith("ex2-highway-monitoring/company.yaml")
    assert arrive.requirement_where is not None
    tline = (
        (TENDERS / "highway-monitoring.yaml")
        .read_text(encoding="utf-8")
        .splitlines()[arrive.requirement_where.line - 1]
    )
    assert "12小时" in tline


def test_highway_tender_against_example_2_with_the_customer_overlay() -> None:
    res = run_example("highway-monitoring", "ex2-highway-monitoring", ("overlay-faster.yaml",))
    assert [v for _, v in verdicts(res)] == [P, N, P, P, N, P, N, N, N, P, N, N]
    assert [f.points for f in res.findings if f.max_points] == [1, 3]
    assert res.total_points == 4
    assert all(c.status is CapacityStatus.WITHIN for c in res.capacity)  # 4h = the 4h cap
    assert res.findings[0].offer is not None and res.findings[0].offer.where is not None
    assert res.findings[0].offer.where.file.endswith("overlay-faster.yaml")


def test_medical_tender_against_example_1() -> None:
    res = run_example("medical-ultrasound", "ex1-weighing")
    assert res.site == "甘肃省 兰州市"  # from the tender: the project file names no site
    assert verdicts(res) == [
        ("第三章 四、1", NEG),  # ★ 18个月 < 3年
        ("第三章 四、2", NEG),  # ★ 探头: no such component, the whole unit's 18个月 counts
        ("第三章 四、3", MISS),  # ★ no response time promised
        ("第三章 四、4", NEG),  # ★ 甘肃 is 其它地区: 48小时 > 24小时
        ("第三章 四、5", NEG),  # 其它地区 72小时修复 > 48小时 (到场后24小时: from the report)
        ("第三章 四、6", MISS),  # no loaner
        ("第三章 四、7", MISS),  # no uptime guarantee
        ("第三章 四、8", P),  # 备件15年 > 10年
        ("第三章 四、9", NEG),  # 每半年 < 每季度
        ("第三章 四、10", N),  # 7×24热线
        ("第三章 四、11", N),  # 免费调试
    ]
    assert not res.passed()
    assert len(res.failures(Gate.STARS_ONLY)) == 4
    assert len(res.failures()) == 8 and len(res.failures(Gate.STRICT)) == 8
    assert res.total_points == 0 and res.max_points == 10
    offer = res.findings[3].offer
    assert offer is not None and zh(offer.context) == "其它地区"


def test_elevator_tender_against_example_4() -> None:
    res = run_example("elevator", "ex4-lightbox-signage")
    assert verdicts(res) == [
        ("第四章 3.1", MISS),  # ★ only component warranties, no whole-unit period
        ("第四章 3.2", MISS),  # ★ no 曳引机 component
        ("第四章 3.3", NEG),  # ★ 困人 30分钟: the one tier says 1小时
        ("第四章 3.4", P),  # 一般故障 1小时 < 2小时: 3 points
        ("第四章 3.5", NEG),  # 半小时 > 15分钟
        ("第四章 3.6", MISS),  # ★ no maintenance frequency (only site visits)
        ("第四章 3.7", N),  # 7×24
        ("第四章 3.8", MISS),  # no repair time
    ]
    assert not res.passed()
    assert res.total_points == 3 and res.max_points == 3


def test_office_supply_tender_against_example_3_needs_a_working_day_rule() -> None:
    res = run_example("office-supply", "ex3-trading-supply")
    assert [v for _, v in verdicts(res)] == [N, N, N, N, N]  # 2.1 answered by the project
    assert res.findings[0].computed is NC and res.passed(Gate.STRICT)
    _, model, _ = load_file(TENDERS / "office-supply.yaml", FILE_MODELS)
    assert isinstance(model, TenderFile)
    ruled = model.model_copy(update={"working_day_hours": Decimal(24)})
    resolved = load_profile(EXAMPLES / "ex3-trading-supply" / "project.yaml")
    assert check(resolved, ruled).findings[0].verdict is N  # 3 working days x 24h = 72h


def test_a_repair_limit_shorter_than_the_arrival_is_refused(tree: Any) -> None:
    """到场48小时 with 修复24小时 can only mean 24 hours after arriving; counted from the report,
    as the tender counts, it would pass a ▲48小时修复 that the company misses by a day (ex1 did,
    before its tiers were written from the report). A located error, exit 2."""
    from conftest import run

    company = (
        "kind: company\nname: 某测试科技有限公司\ncommitments:\n  response:\n    tiers:\n"
        "      - region: 其它地区\n        arrive: 48h\n        repair: 24h\n"
    )
    project = "kind: project\ncompany: company.yaml\nproject_name: 测试项目\n"
    root = tree({"company.yaml": company, "project.yaml": project})
    code, _, err = run("validate", root / "project.yaml")
    assert code == 2
    assert "company.yaml:6:9: commitments.response.tiers[0]: repair (24 h) is shorter than" in err
    fixed = company.replace("repair: 24h", "repair: 72h")
    root = tree({"company.yaml": fixed, "project.yaml": project})
    assert run("validate", root / "project.yaml")[0] == 0

"""Guardrails wherever a promise is made (issue 8, points 3–5): capacity limits and approvals
with values in every command, one meaning between the letter and the check (training total vs
per session, process steps outside the promised total), placeholders and missing promises."""

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from conftest import EXAMPLES, example, profile, run, tender_path
from generator.app.validate import review
from generator.errors import InputError, RefusedError
from generator.letter.compose import compose, letter_text
from generator.locale import get_locale
from generator.profiles.loading import load_profile
from generator.profiles.placeholders import missing_promises, placeholders
from generator.profiles.quantities import Duration
from generator.tender.capacity import capacity_problems, capacity_review
from generator.tender.findings import CapacityStatus

Tree = Callable[[Mapping[str, str | bytes]], Path]

COMPANY = """\
kind: company
name: 测试科技有限公司
service_network:
  - name: 银川维护中心
    province: 宁夏
    city: 银川
capacity:
  - commitment: warranty.period
    limit: 3 years
    approver: 总经理
    note: 超过3年须经总经理审批
  - commitment: response.arrive
    limit: 4h
    where: service_centre_cities
    approver: 售后服务部经理
commitments:
  warranty:
    period: 1 year
  response:
    tiers:
      - arrive: 8h
        repair: 24h
  after_warranty:
    long_term_maintenance: true
"""

PROJECT = """\
kind: project
company: company.yaml
project_name: 测试设备采购项目
products: [测试设备]
site: {province: 宁夏, city: 银川}
"""


@pytest.fixture
def files(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tree({"company.yaml": COMPANY, "project.yaml": PROJECT})
    monkeypatch.chdir(folder)  # messages name the files as given
    return folder


def _tender(folder: Path, *requirements: str) -> Path:
    body = "".join(requirements)
    (folder / "tender.yaml").write_text(
        f"kind: tender\nname: 测试招标\nrequirements:\n{body}", encoding="utf-8"
    )
    return folder / "tender.yaml"


# ---------------------------------------------------------------- 3. caps in every command


def test_a_promise_beyond_the_cap_refuses_in_every_command(files: Path) -> None:
    """Was: `render --set warranty.period=5年` beyond the 3-year cap rendered without a word;
    only `check` applied caps."""
    over = ("--set", "warranty.period=5年")
    tender = _tender(
        files,
        "  - {clause: '1', text: 质保, commitment: warranty.period,"
        " comparator: at_least, value: 1 year}\n",
    )
    outputs = {
        "validate": run("validate", "project.yaml", "--final"),  # no --set: within the cap
        "explain": run("explain", "project.yaml", *over),
        "render": run("render", "project.yaml", *over, "-o", "out", "--format", "html"),
        "check": run("check", "project.yaml", "--tender", tender, *over),
    }
    assert outputs["validate"][0] == 0, outputs["validate"]
    for name in ("explain", "render", "check"):
        code, out, err = outputs[name]
        assert code == 1, (name, out, err)
        said = out + err
        assert "5年" in said and "3年" in said and "总经理" in said, (name, said)
    assert "--set:1:1: commitments.warranty.period:" in outputs["render"][2]
    assert not (files / "out").exists() or not any((files / "out").iterdir())


def test_validate_refuses_a_project_beyond_the_cap(files: Path) -> None:
    (files / "project.yaml").write_text(
        PROJECT + "commitments:\n  warranty:\n    period: 5 years\n", encoding="utf-8"
    )
    code, _, err = run("validate", "project.yaml")
    assert code == 1
    assert (
        "project.yaml:8:13: commitments.warranty.period: "
        "承诺5年超出能力上限3年，且无审批记录；须经总经理审批"
    ) in err


def test_the_same_function_decides_for_the_library_and_every_command(files: Path) -> None:
    resolved = load_profile(files / "project.yaml", sets=["warranty.period=5 years"])
    findings = capacity_review(resolved)
    assert [c.status for c in findings] == [CapacityStatus.EXCEEDED, CapacityStatus.WITHIN]
    (problem,) = capacity_problems(findings, "en")
    assert "needs the approval of 总经理" in problem.message
    assert review(resolved).errors == tuple(capacity_problems(findings))
    with pytest.raises(RefusedError) as caught:
        review(resolved).raise_errors()
    assert caught.value.exit_code == 1


APPROVAL = "approvals:\n  - {commitment: response.arrive, value: %s, approved_by: 王总}\n"


@pytest.mark.parametrize(
    ("approved", "status"),
    [
        ("4h", CapacityStatus.EXCEEDED),
        ("2h", CapacityStatus.APPROVED),
        ("1h", CapacityStatus.APPROVED),
    ],
)
def test_an_approval_covers_promises_up_to_its_value_not_beyond(
    files: Path, approved: str, status: CapacityStatus
) -> None:
    """Was: an approval for a 4 h arrival was counted as covering a 2 h arrival."""
    (files / "project.yaml").write_text(PROJECT + APPROVAL % approved, encoding="utf-8")
    resolved = load_profile(files / "project.yaml", sets=["response.tiers[0].arrive=2h"])
    arrive = [c for c in capacity_review(resolved) if c.capacity.commitment == "response.arrive"]
    assert [c.status for c in arrive] == [status]
    code, _, err = run(
        "render",
        "project.yaml",
        "--set",
        "response.tiers[0].arrive=2h",
        "-o",
        "out",
        "--format",
        "html",
    )
    if status is CapacityStatus.EXCEEDED:
        assert code == 1
        assert "承诺2小时超出能力上限4小时（设服务网点的城市），审批只批准到4小时" in err
        assert "须经售后服务部经理审批" in err
    else:
        assert code == 0, err


def test_an_approval_names_its_value_and_the_value_must_fit_the_commitment(files: Path) -> None:
    bad = "approvals:\n  - {commitment: response.arrive, approved_by: 王总}\n"
    (files / "project.yaml").write_text(PROJECT + bad, encoding="utf-8")
    code, _, err = run("validate", "project.yaml")
    assert code == 2 and "approvals[0].value" in err
    wrong = "approvals:\n  - {commitment: response.arrive, value: 每年一次}\n"
    (files / "project.yaml").write_text(PROJECT + wrong, encoding="utf-8")
    code, _, err = run("validate", "project.yaml")
    assert code == 2 and "approvals[0].value" in err and "not a duration" in err


CAPS_BY_SCOPE: list[dict[str, Any]] = [
    {"commitment": "warranty.period", "limit": "3 years"},
    {"commitment": "warranty.period", "limit": "10 years", "component": "曳引机"},
    {"commitment": "response.arrive", "limit": "2h", "cities": ["银川"]},
    {"commitment": "response.arrive", "limit": "12h", "cities": ["固原"]},
]


def test_a_cap_for_a_named_component_limits_that_component_only() -> None:
    res = profile(
        {
            "warranty": {
                "period": "3 years",
                "components": [
                    {"name": "曳引机", "period": "8 years"},
                    {"name": "控制柜", "period": "5 years"},
                ],
            }
        },
        capacity=CAPS_BY_SCOPE[:2],
    )
    found = {(c.capacity.component, c.status) for c in capacity_review(res)}
    # 曳引机 8 years is within its own 10-year cap; 控制柜 5 years is beyond the unit's 3.
    assert found == {(None, CapacityStatus.EXCEEDED), ("曳引机", CapacityStatus.WITHIN)}
    (exceeded,) = [c for c in capacity_review(res) if c.fails()]
    assert exceeded.offer.key == "commitments.warranty.components[1].period"


@pytest.mark.parametrize(
    ("city", "limit", "status"),
    [("银川", "2 h", CapacityStatus.WITHIN), ("固原", "12 h", CapacityStatus.EXCEEDED)],
)
def test_a_cap_for_a_city_list_applies_only_there(
    city: str, limit: str, status: CapacityStatus
) -> None:
    res = profile(
        {"response": {"tiers": [{"arrive": "3h"}]}},
        site={"province": "宁夏", "city": city},
        capacity=CAPS_BY_SCOPE[2:],
    )
    (cap,) = [c for c in capacity_review(res) if c.capacity.commitment == "response.arrive"]
    assert str(cap.limit) == limit
    assert cap.status is status  # 3 h: slower than 银川's best, faster than 固原's


@pytest.mark.parametrize(("travel", "limit"), [("1h", "6 h"), ("3h", "24 h"), (None, "24 h")])
def test_a_cap_can_hold_within_the_reach_of_a_service_centre(
    travel: str | None, limit: str
) -> None:
    """A centre's `reach` (travel time) against the site's `travel` scopes a limit."""
    from conftest import Resolved
    from generator.profiles.models import Profile

    site = {"province": "宁夏", "city": "吴忠", **({"travel": travel} if travel else {})}
    company = {
        "kind": "company",
        "name": "测试科技有限公司",
        "service_network": [
            {"name": "银川中心", "province": "宁夏", "city": "银川", "reach": "2h"}
        ],
        "capacity": [
            {"commitment": "response.arrive", "limit": "2h", "where": "service_centre_cities"},
            {"commitment": "response.arrive", "limit": "6h", "where": "within_reach"},
            {"commitment": "response.arrive", "limit": "24h", "where": "beyond_reach"},
        ],
    }
    project = {
        "kind": "project",
        "company": "company.yaml",
        "project_name": "测试项目",
        "site": site,
        "commitments": {"response": {"tiers": [{"arrive": "8h"}]}},
    }
    res = Resolved(Profile.model_validate({"company": company, "project": project}))
    (cap,) = capacity_review(res)
    assert str(cap.limit) == limit
    assert cap.fails() is (limit == "24 h")  # 8 h: slower than the best of 6 h, not of 24 h


# ---------------------------------------------------------------- 4. one meaning


def _training(training: Mapping[str, object]) -> str:
    p = profile({"training": dict(training)})
    return letter_text(compose(p.profile))


def test_training_prints_the_total_the_check_compares() -> None:
    """Was: sessions 2 and duration 3天 printed 培训共2次，每次3天 (6 days) while the check and
    the cap compared 3 days."""
    text = _training({"sessions": 2, "session_length": "3天"})
    assert "培训共2次，每次3天，合计6天。" in text
    said = _training({"sessions": 2, "duration": "3天"})
    assert "培训共2次，合计3天。" in said and "每次3天" not in said
    p = profile({"training": {"sessions": 2, "session_length": "3天"}})
    assert p.profile.commitments.training is not None
    assert p.profile.commitments.training.duration == Duration.parse("6天")
    capped = profile(
        {"training": {"sessions": 2, "session_length": "3天"}},
        capacity=[{"commitment": "training.duration", "limit": "5 days"}],
    )
    (cap,) = capacity_review(capped)
    assert cap.fails() and str(cap.offer.value) == "6 days"


def test_a_training_total_that_is_not_sessions_times_length_is_an_error() -> None:
    with pytest.raises(ValidationError) as caught:
        profile({"training": {"sessions": 2, "session_length": "3天", "duration": "3天"}})
    assert "2 sessions of 3 days make 6 days" in str(caught.value)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-Hant", "訓練共2場次，每場次3日，合計6日。"),
        ("en", "The training comprises 2 sessions of 3 days each, 6 days in total."),
    ],
)
def test_training_total_in_every_language(language: str, expected: str) -> None:
    p = profile({"training": {"sessions": 2, "session_length": "3天"}})
    assert expected in letter_text(compose(p.profile, language=language))


PROCESS: dict[str, Any] = {
    "total_limit": "24h",
    "steps": [
        {"id": "register", "label": "登记", "limit": "1h", "next": "repair"},
        {"id": "repair", "label": "修复", "limit": "22h", "next": "sign"},
        {"id": "sign", "label": "用户签认", "limit": "1h", "next": "call"},
        {"id": "call", "label": "电话回访", "limit": "3 days", "outside_total": True},
    ],
}


def test_a_follow_up_call_can_be_outside_the_promised_total() -> None:
    """Was: a call-back after the repair had to fit inside the 24 h, so the letter promised
    it within 24 h."""
    p = profile({"service_process": PROCESS}).profile
    text = letter_text(compose(p))
    assert "从“登记”到“用户签认”的全流程在24小时内完成（电话回访不计入此时限）。" in text
    assert "电话回访，3天内完成（不计入全流程时限）。" in text
    (figure,) = compose(p).figures()
    assert [s.label for s in figure.process.steps][-1] == "电话回访"  # still drawn
    assert figure.note == "全流程（至“用户签认”）24小时内完成"
    inside = {**PROCESS, "steps": [{**s, "outside_total": False} for s in PROCESS["steps"]]}
    with pytest.raises(ValidationError, match="over the promised total of 24 h"):
        profile({"service_process": inside})


def test_a_step_outside_the_total_cannot_lead_back_inside_it() -> None:
    steps = [dict(s) for s in PROCESS["steps"]]
    steps[1]["outside_total"] = True
    with pytest.raises(ValidationError, match='step "repair" is outside the total'):
        profile({"service_process": {**PROCESS, "steps": steps}})


# ---------------------------------------------------------------- 5. placeholders, promises


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("某某设备采购项目", "某某"),
        ("XX市", "XX"),
        ("xx路1号", "XX"),
        ("××公司", "××"),
        ("____项目", "____"),
        ("＿＿＿", "____"),
        ("TODO: 写地址", "TODO"),
        ("交货期待定", "待定"),
        ("示例公司", "示例"),
    ],
)
def test_placeholders_are_found(text: str, token: str) -> None:
    assert [p.token for p in placeholders({"name": text})] == [token]


@pytest.mark.parametrize("text", ["Linux 服务器", "IEEE 802.11ax", "3年", "XXL", "a_b"])
def test_ordinary_text_is_not_a_placeholder(text: str) -> None:
    assert placeholders({"name": text}) == []


def test_ids_notes_and_files_are_not_what_a_reader_sees() -> None:
    data = {"note": "示例数据", "seal_image": "某某.png", "steps": [{"id": "xx", "label": "登记"}]}
    assert placeholders(data) == []


def test_the_starter_overlay_placeholder_is_a_warning_and_refused_with_final(
    tmp_path: Path,
) -> None:
    """Was: the starter overlay's 本省（某某省） reached a customer letter without a word."""
    starter = EXAMPLES.parent / "starter"
    resolved = load_profile(starter / "project.yaml", [starter / "overlay.yaml"])
    assert "本省（某某省）" in letter_text(compose(resolved.profile))
    warned = review(resolved)
    areas = [p for p in warned.warnings if "areas" in p.path]
    assert areas and "某某省" in areas[0].message and not warned.errors
    assert re.fullmatch(r".*starter/company\.yaml:\d+:\d+", str(areas[0].location))
    final = review(resolved, final=True)
    assert any("areas" in p.path for p in final.errors)

    args = ("render", starter / "project.yaml", "--overlay", starter / "overlay.yaml")
    code, _, err = run(*args, "-o", tmp_path / "final", "--format", "html", "--final")
    assert code == 1 and "某某省" in err and not (tmp_path / "final").exists()
    line = next(x for x in err.splitlines() if "areas[0]" in x)
    assert re.match(r".*starter/company\.yaml:\d+:\d+: commitments\.response\.tiers", line)


@pytest.mark.slow
def test_warnings_go_to_stderr_never_into_the_document(tmp_path: Path) -> None:
    starter = EXAMPLES.parent / "starter"
    code, _, err = run("render", starter / "project.yaml", "-o", tmp_path, "--format", "html")
    assert code == 0, err
    warnings = [x for x in err.splitlines() if x.startswith("warning: ")]
    assert any("project_name: 仍含占位符“某某”" in x for x in warnings)
    (html,) = tmp_path.glob("*.html")
    page = html.read_text(encoding="utf-8")
    assert "某某设备采购项目" in page  # the letter is written as the profile says ...
    assert "占位符" not in page and "warning" not in page  # ... and the warning is not in it


def test_validate_and_check_warn_and_final_refuses(tmp_path: Path) -> None:
    ex4 = example("ex4")
    code, _, err = run("validate", ex4)
    assert code == 0
    assert "company.yaml:8:13: company.hotlines[0].number: 仍含占位符“____”" in err
    assert "warning: " in err
    code, _, err = run("validate", "--final", ex4)
    assert code == 1 and "warning: " not in err and "hotlines[0].number" in err
    tender = tender_path("office-supply")
    code, _, err = run("check", ex4, "--tender", tender, "--final", "-o", tmp_path / "r.txt")
    assert code == 1 and "hotlines[0].number" in err


def test_a_bid_without_a_warranty_period_is_told() -> None:
    """Was: ex3's letter has no warranty section at all and nobody was told."""
    resolved = load_profile(example("ex3"))
    assert missing_promises(resolved.profile) == ["warranty.period", "response.tiers"]
    code, _, err = run("validate", example("ex3"))
    assert code == 0
    assert (
        "project.yaml:5:15: commitments: 投标承诺书缺少核心承诺：质保期、响应、到场或修复时间"
        in err
    )
    (warning,) = [p for p in review(resolved, language="en").warnings if p.path == "commitments"]
    assert warning.message == (
        "the letter lacks core promises: a warranty period, a response, arrival or repair time"
    )


def test_a_complete_bid_and_a_shop_letter_are_not_told() -> None:
    for name in ("ex1", "ex2", "ex5"):
        assert missing_promises(load_profile(example(name)).profile) == [], name
    bare = profile({"quality": {"certified": True}})
    assert missing_promises(bare.profile) == [
        "warranty.period",
        "response.tiers",
        "after_warranty",
    ]
    assert get_locale("zh-Hans").text("guardrail.promise.after_warranty") == "质保期后服务"


def test_input_errors_still_come_first(files: Path) -> None:
    (files / "project.yaml").write_text(PROJECT + "commitments: {warranty: {period: 5 yeers}}\n")
    with pytest.raises(InputError) as caught:
        load_profile(files / "project.yaml")
    assert not isinstance(caught.value, RefusedError)
    code, _, _ = run("validate", "project.yaml")
    assert code == 2


@pytest.mark.slow
def test_render_tells_which_core_promises_the_letter_lacks(tmp_path: Path) -> None:
    code, _, err = run("render", example("ex3"), "-o", tmp_path, "--format", "html")
    assert code == 0, err
    assert "warning: " in err and "缺少核心承诺：质保期、响应、到场或修复时间" in err
    (html,) = tmp_path.glob("*.html")
    assert "缺少核心承诺" not in html.read_text(encoding="utf-8")

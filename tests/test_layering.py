"""Layering without silent loss: lists of named items merge by identity, removal is explicit
and reported, `--set` names items by identity, `explain` shows what each change replaced."""

import json
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from cli import main
from generator.app.explain import explain_rows
from generator.errors import InputError, Location
from generator.letter.compose import compose, letter_text
from generator.locale import get_locale
from generator.profiles.identity import IDENTITIES, pattern
from generator.profiles.loading import Resolved, _unwrap, load_profile
from generator.profiles.models import Commitments, CompanyFile, ProjectFile
from generator.profiles.quantities import Duration
from generator.profiles.schema import schema_text

COMPANY = """\
kind: company
name: 测试科技有限公司
commitments:
  warranty:
    period: 1 year
    components:
      - name: 称体
        period: 5 years
        guarantee: 不变形
      - name: 电气部分
        period: 1 year
    service_plans:
      - item: 硬件
        mode: on_site
        until: 1 year
      - item: 硬件
        mode: carry_in
        starts_after: 1 year
        until: 3 years
    exclusions: [天灾, 人为损害]
  response:
    tiers:
      - region: 本省
        areas: [宁夏]
        respond: 30min
        arrive: 8h
        repair: 24h
      - region: 其它地区
        respond: 30min
        arrive: 48h
        repair: 72h
    escalation: 2h
  staffing:
    members:
      - role: 项目经理
        count: 1
      - role: 工程师
        count: 3
        qualification: 持证电工
  training:
    audiences:
      - name: 系统管理员
        objective: 能维护系统
      - name: 操作员
        objective: 能操作系统
  service_process:
    steps:
      - id: report
        label: 登记
        limit: 1h
        next: check
      - id: check
        label: 现场判断
        branches:
          - {label: 能修, to: fix}
          - {label: 不能修, to: done}
      - id: fix
        label: 维修
        limit: 8h
        next: done
      - id: done
        label: 用户签认
    total_limit: 24h
  extra_clauses:
    - title: 保密
      text: [不泄露用户资料]
    - title: 环保
      text: [回收包装]
"""

PROJECT = """\
kind: project
company: company.yaml
project_name: 某监控系统项目
"""

ADDED, REMOVED, REPLACED = (
    get_locale().text(f"explain.{k}") for k in ("added", "removed", "replaced")
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "company.yaml").write_text(COMPANY, encoding="utf-8")
    (tmp_path / "project.yaml").write_text(PROJECT, encoding="utf-8")
    return tmp_path


def overlay(folder: Path, commitments: str, name: str = "overlay.yaml") -> Path:
    """An overlay file whose `commitments:` block is `commitments` (indented by two)."""
    body = "".join("  " + line + "\n" for line in commitments.strip("\n").splitlines())
    (folder / name).write_text(f"kind: overlay\ncommitments:\n{body}", encoding="utf-8")
    return Path(name)  # the tests run in `folder`: messages name the file as given


def resolve(folder: Path, *overlays: Path, sets: tuple[str, ...] = ()) -> Resolved:
    return load_profile(folder / "project.yaml", overlays, sets)


def errors(folder: Path, *overlays: Path, sets: tuple[str, ...] = ()) -> list[str]:
    with pytest.raises(InputError) as err:
        resolve(folder, *overlays, sets=sets)
    return [str(p) for p in err.value.problems]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def tiers(resolved: Resolved) -> list[tuple[str | None, str, str, str]]:
    response = resolved.profile.commitments.response
    assert response is not None
    return [(t.region, str(t.respond), str(t.arrive), str(t.repair)) for t in response.tiers]


# ---------------------------------------------------------------- the reproduction


def test_an_overlay_changing_one_tier_keeps_the_other_tiers_and_values(folder: Path) -> None:
    # Before: the overlay's one-item list replaced the whole list, so 30 min response, 24 h
    # repair and the 其它地区 tier vanished from the letter, and validate said valid.
    faster = overlay(folder, "response:\n  tiers:\n    - region: 本省\n      arrive: 4h")
    resolved = resolve(folder, faster)
    assert tiers(resolved) == [
        ("本省", "30 min", "4 h", "24 h"),
        ("其它地区", "30 min", "48 h", "72 h"),
    ]
    response = resolved.profile.commitments.response
    assert response is not None and response.tiers[0].areas == ["宁夏"]
    text = letter_text(compose(resolved.profile))
    assert "其它地区" in text and "48小时" in text and "30分钟" in text and "4小时" in text
    assert resolved.notices == ()
    code, _, err = run("validate", "overlay.yaml", "project.yaml")
    assert code == 0, err


def test_the_example_overlay_changes_only_what_it_states() -> None:
    ex2 = Path(__file__).parent.parent / "profiles/examples/ex2-highway-monitoring"
    before = load_profile(ex2 / "project.yaml")
    after = load_profile(ex2 / "project.yaml", [ex2 / "overlay-faster.yaml"])
    old, new = letter_text(compose(before.profile)), letter_text(compose(after.profile))
    changed = [(a, b) for a, b in zip(old.splitlines(), new.splitlines(), strict=True) if a != b]
    # Only the two values the overlay states differ: 8 h → 4 h arrival, 1 → 2 years warranty.
    assert len(changed) == 2, changed
    assert all(("8小时" in a and "4小时" in b) or ("1年" in a and "2年" in b) for a, b in changed)
    assert "立即" in new and "24小时" in new
    assert {c.path for c in after.changes} == {
        "commitments.response.tiers[region=,severity=,time=].arrive",
        "commitments.warranty.period",
    }


# ---------------------------------------------------------------- each keyed list


def _c(resolved: Resolved) -> Any:
    return resolved.profile.commitments


KEYED_CASES: list[tuple[str, str, Callable[[Any], object], object]] = [
    (
        "components by name",
        "warranty:\n  components:\n    - name: 电气部分\n      period: 2 years\n"
        "    - name: 显示屏\n      period: 3 years",
        lambda c: [(x.name, str(x.period), x.guarantee) for x in c.warranty.components],
        [("称体", "5 years", "不变形"), ("电气部分", "2 years", None), ("显示屏", "3 years", None)],
    ),
    (
        "service plans by item and mode",
        "warranty:\n  service_plans:\n    - item: 硬件\n      mode: carry_in\n      until: 5 years",
        lambda c: [
            (p.mode.value, str(p.starts_after), str(p.until)) for p in c.warranty.service_plans
        ],
        [("on_site", "None", "1 year"), ("carry_in", "1 year", "5 years")],
    ),
    (
        "staff roles by role",
        "staffing:\n  members:\n    - role: 工程师\n      count: 5\n"
        "    - role: 调度员\n      count: 1",
        lambda c: [(m.role, m.count, m.qualification) for m in c.staffing.members],
        [("项目经理", 1, None), ("工程师", 5, "持证电工"), ("调度员", 1, None)],
    ),
    (
        "training audiences by name",
        "training:\n  audiences:\n    - name: 操作员\n      objective: 熟练操作",
        lambda c: [(a.name, a.objective) for a in c.training.audiences],
        [("系统管理员", "能维护系统"), ("操作员", "熟练操作")],
    ),
    (
        "process steps by id and branches by label",
        "service_process:\n  steps:\n    - id: fix\n      limit: 4h\n"
        "    - id: check\n      branches:\n        - label: 不能修\n          to: fix",
        lambda c: [
            (s.id, s.label, str(s.limit), [(b.label, b.to) for b in s.branches])
            for s in c.service_process.steps
        ],
        [
            ("report", "登记", "1 h", []),
            ("check", "现场判断", "None", [("能修", "fix"), ("不能修", "fix")]),
            ("fix", "维修", "4 h", []),
            ("done", "用户签认", "None", []),
        ],
    ),
    (
        "extra clauses by title",
        "extra_clauses:\n  - title: 环保\n    text: [包装全部回收]",
        lambda c: [(x.title, x.text) for x in c.extra_clauses],
        [("保密", ["不泄露用户资料"]), ("环保", ["包装全部回收"])],
    ),
]


@pytest.mark.parametrize(
    ("text", "read", "expected"), [c[1:] for c in KEYED_CASES], ids=[c[0] for c in KEYED_CASES]
)
def test_keyed_lists_merge_by_identity(
    folder: Path, text: str, read: Callable[[Any], object], expected: object
) -> None:
    resolved = resolve(folder, overlay(folder, text))
    assert read(_c(resolved)) == expected
    code, _, err = run("validate", "overlay.yaml")  # a partial item is valid on its own
    assert code == 0, err


def test_every_list_of_models_has_an_identity() -> None:
    """A new list of models must be named in identity.IDENTITIES (or merge whole on purpose)."""
    found: set[str] = set()

    def walk(model: type[BaseModel], path: tuple[str | int, ...]) -> None:
        for name, info in model.model_fields.items():
            origin = typing.get_origin(info.annotation)
            subs = [
                t
                for t in _unwrap(info.annotation)
                if isinstance(t, type) and issubclass(t, BaseModel)
            ]
            annotation = str(info.annotation)
            is_list = origin is list or "list[" in annotation
            for sub in subs:
                if is_list:
                    found.add(pattern((*path, name)))
                    walk(sub, (*path, name, 0))
                else:
                    walk(sub, (*path, name))

    walk(CompanyFile, ())
    walk(ProjectFile, ())
    walk(Commitments, ("commitments",))
    assert found - {"approvals"} == set(IDENTITIES)


# ---------------------------------------------------------------- add, remove, replace


def test_a_new_name_is_added_at_the_end_in_overlay_order(folder: Path) -> None:
    text = (
        "response:\n  tiers:\n    - region: 西北\n      arrive: 12h\n"
        "    - region: 本省\n      arrive: 6h\n    - region: 华东\n      arrive: 24h"
    )
    resolved = resolve(folder, overlay(folder, text))
    regions = [t[0] for t in tiers(resolved)]
    assert regions == ["本省", "其它地区", "西北", "华东"]
    assert resolved.where("commitments.response.tiers[2].arrive") == Location("overlay.yaml", 6, 17)


def test_remove_true_removes_a_named_item_and_says_so(folder: Path) -> None:
    text = "response:\n  tiers:\n    - region: 其它地区\n      remove: true"
    resolved = resolve(folder, overlay(folder, text))
    assert [t[0] for t in tiers(resolved)] == ["本省"]
    assert [str(n) for n in resolved.notices] == [
        "overlay.yaml:5:9: commitments.response.tiers[region=其它地区]: removed (was {region:"
        " 其它地区, respond: 30min, arrive: 48h, repair: 72h}, from company.yaml:28:9)"
    ]
    code, _, err = run("explain", "project.yaml", "--overlay", "overlay.yaml")
    assert code == 0
    assert err.startswith("warning: overlay.yaml:5:9: commitments.response.tiers[region=其它地区]")


def test_remove_value_removes_a_promise_or_a_section(folder: Path) -> None:
    text = "response:\n  escalation: ~remove\nextra_clauses: ~remove\ntraining: ~remove"
    resolved = resolve(folder, overlay(folder, text))
    c = _c(resolved)
    assert c.response.escalation is None and c.extra_clauses == [] and c.training is None
    assert [(n.location.line, n.path) for n in resolved.notices] == [
        (4, "commitments.response.escalation"),
        (5, "commitments.extra_clauses"),
        (6, "commitments.training"),
    ]
    assert "was 2h, from company.yaml:32:17" in resolved.notices[0].message


def test_items_after_a_removed_one_keep_their_lines(folder: Path) -> None:
    text = "warranty:\n  components:\n    - name: 称体\n      remove: true"
    resolved = resolve(folder, overlay(folder, text))
    names = [x.name for x in _c(resolved).warranty.components]
    assert names == ["电气部分"]
    assert resolved.where("commitments.warranty.components[0].period") == Location(
        "company.yaml", 11, 17
    )


def test_remove_through_set_by_identity(folder: Path) -> None:
    resolved = resolve(folder, sets=("response.tiers[region=本省]=~remove",))
    assert [t[0] for t in tiers(resolved)] == ["其它地区"]
    assert [str(n.location) for n in resolved.notices] == ["--set:1:1"]


def test_plain_lists_replace_whole_and_explain_says_so(folder: Path) -> None:
    resolved = resolve(folder, overlay(folder, "warranty:\n  exclusions: [不可抗力]"))
    assert _c(resolved).warranty.exclusions == ["不可抗力"]
    row = next(r for r in explain_rows(resolved) if r.path == "commitments.warranty.exclusions")
    assert row.old == "天灾、人为损害" + REPLACED
    assert row.old_source == Location("company.yaml", 20, 17)


# ---------------------------------------------------------------- located errors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "warranty:\n  components:\n    - period: 2 years",
            "overlay.yaml:5:9: commitments.warranty.components[0]: a component is named by"
            " name: give name to change the component of that name or to add one",
        ),
        (
            "response:\n  tiers:\n    - arrive: 4h",
            "overlay.yaml:5:9: commitments.response.tiers[0]: names no region or severity or"
            " time or equipment or faults or repairs, and no tier below applies everywhere:"
            " name the tier to change (there are:"
            " [region=本省], [region=其它地区])",
        ),
        (
            "response:\n  tiers:\n    - region: 西南\n      remove: true",
            "overlay.yaml:5:9: commitments.response.tiers[region=西南]: no tier [region=西南]"
            " below to remove (there are: [region=本省], [region=其它地区])",
        ),
        (
            "response:\n  tiers:\n    - region: 本省\n      remove: yes",
            'overlay.yaml:6:17: commitments.response.tiers[region=本省].remove: write "remove:'
            ' true" to remove this tier',
        ),
        (
            "response:\n  tiers:\n    - region: 本省\n      arrive: 4h\n      remove: true",
            "overlay.yaml:5:9: commitments.response.tiers[region=本省]: a tier to remove gives"
            " only region, severity, time, equipment, faults, repairs and remove: true"
            " (also has: arrive)",
        ),
        (
            "staffing:\n  members:\n    - role: 工程师\n      count: 4\n    - role: 工程师\n"
            "      count: 5",
            "overlay.yaml:7:9: commitments.staffing.members[role=工程师]: the same staff role"
            " twice in one file (first at line 5)",
        ),
        (
            "response:\n  escalation:",
            "overlay.yaml:4:5: commitments.response.escalation: empty, which would drop 2h (from"
            " company.yaml:32:17); write ~remove to remove it, or leave the key out to keep it",
        ),
        (
            "warranty:\n  exclusions: [天灾, ~remove]",
            "overlay.yaml:4:17: commitments.warranty.exclusions: ~remove stands for a whole"
            " value, section or named item, not part of one",
        ),
        (
            "uptime: ~remove",
            "overlay.yaml:3:11: commitments.uptime: ~remove: nothing below to remove",
        ),
    ],
)
def test_merge_mistakes_are_located_errors(folder: Path, text: str, expected: str) -> None:
    assert errors(folder, overlay(folder, text)) == [expected]


def test_a_new_item_missing_required_fields_is_located_in_the_overlay(folder: Path) -> None:
    text = "warranty:\n  components:\n    - name: 显示屏\n      guarantee: 不褪色"
    assert errors(folder, overlay(folder, text)) == [
        "overlay.yaml:5:9: commitments.warranty.components[2].period: required, but missing"
    ]


def test_validate_still_finds_a_misspelt_field_in_a_partial_item(folder: Path) -> None:
    overlay(folder, "response:\n  tiers:\n    - region: 本省\n      arive: 4h")
    code, _, err = run("validate", "overlay.yaml")
    assert code == 2
    assert err.strip() == (
        "overlay.yaml:6:9: commitments.response.tiers[0].arive: unknown key"
        ' "arive" (did you mean "arrive"?)'
    )


# ---------------------------------------------------------------- --set by identity


def test_set_addresses_an_item_by_identity(folder: Path) -> None:
    resolved = resolve(
        folder,
        sets=(
            "response.tiers[region=其它地区].arrive=24h",
            "service_process.steps[id=check].branches[label=不能修].to=fix",
            "staffing.members[role=工程师]={count: 4}",
            "response.tiers[1].repair=36h",  # an item number keeps working
        ),
    )
    assert tiers(resolved)[1] == ("其它地区", "30 min", "24 h", "36 h")
    steps = _c(resolved).service_process.steps
    assert [b.to for b in steps[1].branches] == ["fix", "fix"]
    assert [(m.role, m.count, m.qualification) for m in _c(resolved).staffing.members][1] == (
        "工程师",
        4,
        "持证电工",
    )
    assert resolved.where("commitments.response.tiers[1].arrive") == Location("--set", 1, 1)
    assert resolved.where("commitments.response.tiers[1].respond").file == "company.yaml"


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        (
            "response.tiers[region=西北].arrive=4h",
            "--set:1:1: commitments.response.tiers[region=西北]: no tier [region=西北] (there"
            " are: [region=本省], [region=其它地区])",
        ),
        (
            "response.tiers[regoin=本省].arrive=4h",
            '--set:1:1: commitments.response.tiers[regoin=本省]: "regoin=本省": a tier is named'
            " by region, severity, time, equipment, faults, repairs (field=value)",
        ),
        (
            "response.tiers[respond=30min].arrive=4h",
            '--set:1:1: commitments.response.tiers[respond=30min]: "respond=30min": a tier is'
            " named by region, severity, time, equipment, faults, repairs (field=value)",
        ),
        (
            "warranty.exclusions[name=天灾]=地震",
            "--set:1:1: commitments.warranty.exclusions: not a list of named items; use an item"
            " number, e.g. commitments.warranty.exclusions[0]",
        ),
    ],
)
def test_set_by_identity_errors_are_located(folder: Path, assignment: str, expected: str) -> None:
    assert errors(folder, sets=(assignment,)) == [expected]


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        ("warranty.bogus.x=1", '--set:1:2: commitments.warranty.bogus: unknown key "bogus"'),
        ("voice.sections.bogus.purpose=x", '--set:1:2: voice.sections.bogus: unknown key "bogus"'),
    ],
)
def test_a_key_a_set_adds_is_located_at_the_set(
    folder: Path, assignment: str, expected: str
) -> None:
    # Before: an unknown key inside a new mapping was said at the nearest key the files had
    # (company.yaml's `warranty:` line), where there is nothing to fix.
    assert errors(folder, sets=("warranty.period=2y", assignment)) == [expected]


def test_set_names_every_candidate_when_a_selector_matches_several(folder: Path) -> None:
    text = "response:\n  tiers:\n    - region: 本省\n      time: off_hours\n      arrive: 12h"
    problems = errors(
        folder, overlay(folder, text), sets=("response.tiers[region=本省].arrive=6h",)
    )
    assert problems == [
        "--set:1:1: commitments.response.tiers[region=本省]: 2 tiers match; name one (there are:"
        " [region=本省], [region=其它地区], [region=本省,time=off_hours])"
    ]
    resolved = resolve(
        folder,
        overlay(folder, text),
        sets=("response.tiers[region=本省,time=off_hours].arrive=6h",),
    )
    assert [t[2] for t in tiers(resolved)] == ["8 h", "48 h", "6 h"]


# ---------------------------------------------------------------- explain and provenance


def test_explain_shows_the_old_value_and_its_source_beside_the_new(folder: Path) -> None:
    first = overlay(folder, "response:\n  tiers:\n    - region: 本省\n      arrive: 4h", "a.yaml")
    second = overlay(
        folder, "warranty:\n  components:\n    - name: 显示屏\n      period: 2y", "b.yaml"
    )
    resolved = resolve(folder, first, second, sets=("response.tiers[region=本省].arrive=2h",))
    rows = {r.keyed: r for r in explain_rows(resolved)}
    arrive = rows["commitments.response.tiers[region=本省].arrive"]
    # the value before the last change (the first overlay's), and where that came from
    assert (arrive.value, str(arrive.source)) == ("2小时", "--set:1:1")
    assert (arrive.old, arrive.old_source) == ("4h", Location("a.yaml", 6, 17))
    respond = rows["commitments.response.tiers[region=本省].respond"]
    assert (respond.old, str(respond.source)) == (None, "company.yaml:25:18")
    added = rows["commitments.warranty.components[name=显示屏].period"]
    assert (added.old, added.source) == (ADDED, Location("b.yaml", 6, 17))

    code, out, err = run(
        "explain", "project.yaml", "--overlay", "a.yaml", "--set", "warranty.period=~remove"
    )
    assert code == 0, err
    lines = out.splitlines()
    assert "原值" in lines[0]
    line = next(x for x in lines if "tiers[region=本省].arrive" in x)
    assert line.split()[1:] == [
        "4小时",
        "response.tiers[region=本省].arrive",
        "a.yaml:6:17",
        "8h",
        "company.yaml:26:17",
    ]
    removed = next(x for x in lines if REMOVED in x)
    for part in (REMOVED, " warranty.period ", " --set:1:1 ", " 1 year ", " company.yaml:5:13"):
        assert part in removed, (part, removed)
    assert "warning: --set:1:1: commitments.warranty.period: removed" in err


def test_provenance_of_merged_items_points_at_each_value(folder: Path) -> None:
    text = "response:\n  tiers:\n    - region: 其它地区\n      repair: 48h\n    - region: 西北"
    resolved = resolve(folder, overlay(folder, text + "\n      arrive: 72h"))
    where = resolved.where
    assert where("commitments.response.tiers[0].arrive") == Location("company.yaml", 26, 17)
    assert where("commitments.response.tiers[1].repair") == Location("overlay.yaml", 6, 17)
    assert where("commitments.response.tiers[1].arrive") == Location("company.yaml", 30, 17)
    assert where("commitments.response.tiers[2].arrive") == Location("overlay.yaml", 8, 17)
    assert resolved.keyed("commitments.response.tiers[2].arrive") == (
        "commitments.response.tiers[region=西北].arrive"
    )
    repair = _c(resolved).response.tiers[1].repair
    assert repair == Duration.parse("48h")


def test_render_warns_about_a_removal(folder: Path) -> None:
    overlay(folder, "extra_clauses:\n  - title: 保密\n    remove: true")
    code, _, err = run(
        "render", "project.yaml", "--overlay", "overlay.yaml", "--format", "html", "-o", "out"
    )
    assert code == 0, err
    assert err.splitlines()[0].startswith(
        "warning: overlay.yaml:4:7: commitments.extra_clauses[title=保密]: removed"
    )
    html = next((folder / "out").glob("*.html")).read_text(encoding="utf-8")
    assert "回收包装" in html and "不泄露用户资料" not in html


def test_a_section_may_change_one_field_of_a_required_group(folder: Path) -> None:
    # steps are required in a process, but an overlay over a process changes only the total
    resolved = resolve(folder, overlay(folder, "service_process:\n  total_limit: 30h"))
    process = _c(resolved).service_process
    assert str(process.total_limit) == "30 h" and len(process.steps) == 4
    code, _, err = run("validate", "overlay.yaml")
    assert code == 0, err


def test_a_new_section_missing_a_required_field_is_located_in_the_overlay(folder: Path) -> None:
    assert errors(folder, overlay(folder, "uptime:\n  restart_warranty: true")) == [
        "overlay.yaml:4:5: commitments.uptime.annual_min: required, but missing"
    ]


def test_the_overlay_schema_accepts_the_layering_forms_and_refuses_nameless_items() -> None:
    schema = json.loads(schema_text("overlay"))
    good = {
        "kind": "overlay",
        "commitments": {
            "response": {
                "escalation": "~remove",
                "tiers": [
                    {"region": "其它地区", "remove": True},
                    {"region": "本省", "arrive": "4h"},
                ],
            },
            "service_process": {"steps": [{"id": "fix", "limit": "4h"}]},
            "uptime": "~remove",
        },
    }
    assert list(jsonschema.Draft7Validator(schema).iter_errors(good)) == []
    bad = {"kind": "overlay", "commitments": {"warranty": {"components": [{"period": "2y"}]}}}
    assert list(jsonschema.Draft7Validator(schema).iter_errors(bad)) != []
    company = json.loads(schema_text("company"))
    assert "remove" not in json.dumps(company["definitions"]["ResponseTier"])


def test_remove_marker_outside_the_commitments_is_an_error(folder: Path) -> None:
    (folder / "overlay.yaml").write_text("kind: overlay\ncustomer: ~remove\n", encoding="utf-8")
    assert errors(folder, Path("overlay.yaml")) == [
        "overlay.yaml:2:11: customer: ~remove removes commitments only"
    ]
    (folder / "project.yaml").write_text(PROJECT + "tender_number: ~remove\n", encoding="utf-8")
    assert errors(folder) == [
        f"{folder / 'project.yaml'}:4:16: tender_number: ~remove: nothing below to remove"
    ]


def test_a_project_removes_a_company_item_with_a_notice(folder: Path) -> None:
    text = "commitments:\n  staffing:\n    members:\n      - role: 项目经理\n        remove: true\n"
    (folder / "project.yaml").write_text(PROJECT + text, encoding="utf-8")
    resolved = resolve(folder)
    assert [m.role for m in _c(resolved).staffing.members] == ["工程师"]
    assert [n.path for n in resolved.notices] == ["commitments.staffing.members[role=项目经理]"]
    assert resolved.changes == ()  # explain shows what overlays and --set changed


def test_an_empty_list_over_a_list_is_an_error_not_a_silent_removal(folder: Path) -> None:
    assert errors(folder, overlay(folder, "warranty:\n  exclusions: []")) == [
        "overlay.yaml:4:17: commitments.warranty.exclusions: empty, which would drop"
        " [天灾, 人为损害] (from company.yaml:20:17); write ~remove to remove it, or leave"
        " the key out to keep it"
    ]


def test_set_removes_a_plain_list_item_by_number_and_later_items_keep_their_lines(
    folder: Path,
) -> None:
    resolved = resolve(folder, sets=("warranty.exclusions[0]=~remove", "response.tiers[0]=~remove"))
    assert _c(resolved).warranty.exclusions == ["人为损害"]
    assert [t[0] for t in tiers(resolved)] == ["其它地区"]
    assert resolved.where("commitments.response.tiers[0].arrive") == Location(
        "company.yaml", 30, 17
    )
    assert [str(n).split(": removed")[0] for n in resolved.notices] == [
        "--set:1:1: commitments.warranty.exclusions[0]",
        "--set:1:2: commitments.response.tiers[region=本省]",
    ]


def test_readme_names_every_keyed_list_with_its_fields() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for path, identity in IDENTITIES.items():
        shown = path.removeprefix("commitments.").split("[]")[0]
        assert f"`{shown}`" in readme, path
        assert all(f"`{field}`" in readme for field in identity.fields), path

"""The workspace says a refused value in its own language at the field: the loader's and the
quantity parser's problems carry a catalog key (`problem.*`), never English in a Chinese form."""

import re
import shutil
from pathlib import Path

import pytest

from generator.errors import Location, Problem
from generator.locale import get_locale
from generator.resources import data_dir
from generator.web.workspace import Workspace, said

EX2 = "examples/ex2-highway-monitoring/project.yaml"
OVERLAY = "examples/ex2-highway-monitoring/customer-x.yaml"
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("ws") / "profiles"
    shutil.copytree(data_dir("profiles"), root, ignore=shutil.ignore_patterns("schemas"))
    return Workspace(root)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("response.tiers[0].repair", "18 mounths", "“18 mounths”无法识别，是否应为“18 months”？"),
        ("warranty.period", "8", "“8”缺少单位（如 4小时、2年、3个工作日）"),
        (
            "warranty.period",
            "八年半日",
            "“八年半日”中的单位“年半日”无法识别（如 4小时、2年、3个工作日）",
        ),
        ("warranty.labour", "abc", "“abc”不是有效的时长（如 4小时、2年、3个工作日）"),
        ("warranty.period", "-3年", "“-3年”是负数，须为0或以上"),
        (
            "warranty.period",
            "超过2年",
            "“超过2年”不含本数（超过、少于），请写含本数的限度，如 不少于、以上、不超过、以内",
        ),
        ("response.tiers[0].arrive", "终身", "“终身”表示不限，此项须写明具体时长"),
        ("warranty.period", "1000001年", "数值超过1000000，不是可履行的承诺"),
        ("response.duty_hours", "25:00-26:00", "“25:00-26:00”中的 25:00 不是有效的时刻"),
        ("response.duty_hours", "工作日7x24", "“工作日7x24”同时写了工作日和 7x24"),
        ("inspections.frequency", "每月x次", "“每月x次”不是有效的频次（如 每半年一次、一年2次）"),
        ("uptime.annual_min", "101%", "“101%”不能用作此项的值（如 95%）"),
    ],
)
def test_a_refused_value_is_said_in_chinese_at_its_field(
    workspace: Workspace, field: str, value: str, expected: str
) -> None:
    found = workspace.evaluate(EX2, OVERLAY, {field: value}, "x", None)
    assert found.errors == {field: [expected]}
    assert not LATIN_WORD.search(expected.replace(value, "").replace("months", ""))


def test_every_language_says_the_same_problem() -> None:
    said_as = (("value", "abc"), ("what", "duration"))
    problem = Problem(
        Location("o.yaml"), "commitments.warranty.period", "x", "quantity.not_a", said_as
    )
    assert said(problem, "abc", "duration", get_locale("zh-Hant")).startswith(
        "「abc」不是有效的時長"
    )
    assert said(problem, "abc", "duration", get_locale("en")).startswith('"abc" is not a duration')


def test_a_problem_with_no_field_keeps_the_loaders_words(workspace: Workspace) -> None:
    problem = Problem(Location("o.yaml"), "", "cannot read file")
    assert said(problem, "", "", get_locale("zh-Hans")) == "此值无效：cannot read file"


def test_the_command_line_still_prints_the_loaders_message(tmp_path: Path) -> None:
    from conftest import example, run

    overlay = tmp_path / "o.yaml"
    overlay.write_text("kind: overlay\ncommitments:\n  warranty:\n    period: 18 mounths\n")
    code, _, err = run("explain", example("ex2"), "--overlay", overlay)
    assert code == 2 and 'is not a duration (did you mean "18 months"?)' in err

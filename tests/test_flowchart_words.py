"""Flowchart labels break only between words, and the line under a label is Chinese prose."""

import functools
from pathlib import Path

import pytest

from conftest import EXAMPLE_NAMES, PROFILES, example
from generator.letter.compose import compose
from generator.profiles.loading import load_profile
from generator.profiles.models import ServiceProcess
from generator.render import flowchart, words
from generator.render.flowchart import LABEL_SIZE, SUB_SIZE, layout, text_width, wrap

# Every label, owner and sub line of the bundled processes, cut into words by hand (a reader's
# segmentation, not jieba's): a line may end only where a "/" stands.
WORDS = {
    "售后服务登记": "售后/服务/登记",
    "判断是否需要现场处理": "判断/是否/需要/现场/处理",
    "维护人员到达现场，排除故障（必要时更换备品备件）": (
        "维护/人员/到达/现场，/排除/故障/（必要/时/更换/备品/备件）"
    ),
    "电话或远程指导排除故障": "电话/或/远程/指导/排除/故障",
    "用户签认维修维护记录": "用户/签认/维修/维护/记录",
    "工程师到场维修": "工程师/到场/维修",
    "电话或远程排除故障": "电话/或/远程/排除/故障",
    "是": "是",
    "否": "否",
    "本地售后服务机构，30分钟内": "本地/售后/服务/机构，/30分钟/内",
    "客服中心，30分钟内": "客服/中心，/30分钟/内",
    "值班工程师，30分钟内": "值班/工程师，/30分钟/内",
    "维护人员，22小时内": "维护/人员，/22小时/内",
    "专职工程师，22小时内": "专职/工程师，/22小时/内",
    "值班工程师，4小时内": "值班/工程师，/4小时/内",
    "用户，1小时内": "用户，/1小时/内",
}


@functools.cache
def bundled() -> dict[str, tuple[ServiceProcess, dict[str, str]]]:
    """Each bundled project with a service process: the process and its steps' sub lines."""
    projects = {name: example(name) for name in EXAMPLE_NAMES}
    projects["starter"] = PROFILES / "starter" / "project.yaml"
    found = {}
    for name, path in projects.items():
        for figure in compose(load_profile(path).profile).figures():
            found[name] = (figure.process, dict(figure.subs))
    return found


def texts(process: ServiceProcess, subs: dict[str, str]) -> list[tuple[str, float]]:
    """Every text of a chart with the size it is drawn at."""
    out = [(s.label, LABEL_SIZE) for s in process.steps]
    out += [(b.label, flowchart.EDGE_LABEL_SIZE) for s in process.steps for b in s.branches]
    return out + [(sub, SUB_SIZE) for sub in subs.values()]


def allowed_breaks(segmented: str) -> set[int]:
    """Offsets in the joined text where a line may end."""
    offsets, at = set(), 0
    for word in segmented.split("/"):
        at += len(word)
        offsets.add(at)
    return offsets


def test_every_bundled_label_is_in_the_table() -> None:
    charts = bundled()
    assert {"ex2-highway-monitoring", "starter"} <= set(charts)
    for process, subs in charts.values():
        for text, _ in texts(process, subs):
            assert text in WORDS, f"add {text!r} to WORDS, cut into words by hand"
            assert WORDS[text].replace("/", "") == text


@pytest.mark.parametrize("text", sorted(WORDS))
def test_labels_break_only_between_words(text: str) -> None:
    longest = max(text_width(w, LABEL_SIZE) for w in words.words(text))
    whole = text_width(text, LABEL_SIZE)
    width = longest
    while width <= whole:  # every width from the longest word up to the whole label
        lines = wrap(text, LABEL_SIZE, width)
        assert "".join(lines) == text
        ends, at = set(), 0
        for line in lines[:-1]:
            at += len(line)
            ends.add(at)
        assert ends <= allowed_breaks(WORDS[text]), (width, lines)
        width += LABEL_SIZE / 2


def test_the_issues_broken_labels_now_read_whole() -> None:
    # The two lines the issue found: 判断是否需/要现场处理 and 维护人员到达现/场.
    assert wrap("判断是否需要现场处理", LABEL_SIZE, 5 * LABEL_SIZE) == ("判断是否", "需要现场处理")
    onsite = "维护人员到达现场，排除故障（必要时更换备品备件）"
    lines = wrap(onsite, LABEL_SIZE, 10 * LABEL_SIZE)
    assert lines[0] == "维护人员到达现场，"
    assert not any(line.endswith(("现", "需")) for line in lines)


def test_numbers_stay_with_their_units_and_ordinals() -> None:
    assert "24小时" in words.words("24小时服务电话")
    assert "第3次" in "".join(words.words("第3次回访")) and any(
        w.startswith("第3") for w in words.words("第3次回访")
    )
    assert words.words("check ServiceNow ticket") == ("check", " ", "ServiceNow", " ", "ticket")
    assert words.words("within 30 minutes") == ("within", " ", "30 minutes")
    for ems in range(8, 17):
        lines = wrap("Duty engineer, within 30 minutes", SUB_SIZE, ems * SUB_SIZE)
        assert lines[-1].endswith("30 minutes"), lines


def test_a_word_wider_than_the_line_is_still_cut() -> None:
    lines = wrap("售后服务", LABEL_SIZE, 2 * LABEL_SIZE)
    assert "".join(lines) == "售后服务" and all(
        text_width(line, LABEL_SIZE) <= 2 * LABEL_SIZE for line in lines
    )


def test_segmentation_is_cached_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFTERSALES_CACHE_DIR", str(tmp_path))
    words.words.cache_clear()
    first = words.words("判断是否需要现场处理")
    entries = list(tmp_path.glob("segments-*.json"))
    assert len(entries) == 1
    # A second process reads the entry: a damaged one is recomputed, an intact one is used.
    entries[0].write_text('["判断是否", "需要现场处理"]', encoding="utf-8")
    words.words.cache_clear()
    assert words.words("判断是否需要现场处理") == ("判断是否", "需要现场处理")
    entries[0].write_text("not json", encoding="utf-8")
    words.words.cache_clear()
    assert words.words("判断是否需要现场处理") == first
    words.words.cache_clear()


def test_sub_lines_use_chinese_punctuation() -> None:
    process, subs = bundled()["ex2-highway-monitoring"]
    assert subs["diagnose"] == "值班工程师，30分钟内"
    for chart in (layout(process, subs=subs), layout(process)):  # the letter's, the default
        assert not any("\u00b7" in run.text for run in chart.texts)
        (node,) = [n for n in chart.nodes if n.step_id == "diagnose"]
        sub = [run.text for run in node.texts if run.role == "sub"]
        # The narrow diamond breaks the line at its comma.
        assert sub == ["值班工程师，", "30分钟内"]


def test_brackets_and_quotes_stay_with_their_words() -> None:
    assert words.words('受理 R&D <报修> "紧急"') == (
        "受理",
        " ",
        "R&D",
        " ",
        "<报修>",
        " ",
        '"紧急"',
    )
    assert "（代用" in words.words("调拨备件并提供备用设备（代用机）")
    assert words.words("回访并归档。")[-1].endswith("。")


def test_a_number_and_its_unit_stay_together_in_a_narrow_diamond() -> None:
    """The English line under a decision (`Duty engineer, within 30 minutes`): 30 minutes is
    a little wider than a diamond's line, and stretches it rather than split."""
    width = flowchart.DIAMOND_EMS * LABEL_SIZE
    assert text_width("30 minutes", SUB_SIZE) > width  # the case: wider than the line
    lines = wrap("值班工程师, within 30 minutes", SUB_SIZE, width)
    assert any(line.endswith("30 minutes") for line in lines), lines
    assert not any(line.endswith("30") for line in lines), lines


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("每3个月巡检一次", "3个月"),  # jieba: 每/3/个/月: the measure word took the unit away
        ("质保期18个月内", "18个月"),
        ("3个工作日内到场", "3个工作日"),
        ("2个小时内响应", "2个小时"),
        ("第1第2第3第4第5第6第7第8", "第7"),  # after a glued piece: 6第/7
    ],
)
def test_a_number_keeps_its_measure_word_and_unit(text: str, kept: str) -> None:
    assert any(kept in piece for piece in words.words(text)), words.words(text)
    assert "".join(words.words(text)) == text


def test_after_sales_words_stay_whole() -> None:
    """jieba's general dictionary cuts 质保/期 and 备品/备件; the domain words keep them."""
    assert "质保期" in words.words("质保期18个月内免费")
    assert "备品备件" in words.words("必要时更换备品备件")
    assert "开机率" in words.words("年开机率不低于95%")
    # A Chinese comma closes the word before it and glues nothing after it.
    assert words.words("值班工程师，30分钟内")[:2] == ("值班工程师，", "30分钟")

"""The company's voice: its motto, opening pledge, closing words and its own words for any
section, layered company < project like every field, printed as written (never as template
code or markup) in every language; and the closing's order (service lines, the company's
words, then the statement last, beside the signature)."""

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, build_profile
from generator.errors import InputError, RenderError
from generator.letter.compose import compose, letter_text
from generator.letter.document import Block, Letter, Paragraph, Section
from generator.locale import available, get_locale
from generator.profiles.loading import load_profile
from generator.profiles.models import Profile, Voice
from seed_promises import SEED_VOICE

Tree = Callable[[Mapping[str, str | bytes]], Path]
LANGUAGES = available()

COMPANY = """\
kind: company
name: 上海庆衡电子科技有限公司
hotlines:
  - number: 400-820-1234
    label: 24小时服务电话
contacts:
  - name: 张伟
    phone: "13800000000"
voice:
  motto: 为顾客提供最满意的产品和服务
  pledge: 在确保设备的先进性、可靠性、稳定性的同时，让顾客满意、放心。
  closing:
    - 我们将不断努力，精益求精。
  sections:
    training:
      purpose: 通过培训使工作人员熟悉系统运行环境。
commitments:
  training:
    free: true
"""


def _voice(**voice: Any) -> dict[str, Any]:
    return {"kind": "company", "name": "上海庆衡电子科技有限公司", "voice": voice}


def _all_blocks(blocks: tuple[Block, ...]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        out.append(block)
        if isinstance(block, Section):
            out += _all_blocks(block.blocks)
    return out


def _section(letter: Letter, title: str) -> Section:
    (found,) = [s for s in letter.sections if s.title == title]
    return found


def _texts(paragraphs: tuple[Paragraph, ...]) -> list[str]:
    return [p.text for p in paragraphs]


# ---------------------------------------------------------------- files and layers


def test_the_older_company_motto_is_read_as_voice_motto(tree: Tree) -> None:
    root = tree(
        {
            "company.yaml": "kind: company\nname: 某公司\nmotto: 以诚信为本\n",
            "project.yaml": "kind: project\ncompany: company.yaml\nproject_name: 某项目\n",
        }
    )
    resolved = load_profile(root / "project.yaml")
    assert resolved.profile.voice.motto == "以诚信为本"
    assert (resolved.where("voice.motto").line, resolved.where("voice.motto").col) == (3, 8)
    opening = letter_text(compose(resolved.profile)).splitlines()[2]
    assert opening.startswith("本着“以诚信为本”的经营宗旨，某公司作为某项目的投标人")


def test_a_motto_given_in_both_places_is_a_located_error(tree: Tree) -> None:
    root = tree(
        {
            "company.yaml": "kind: company\nname: 某公司\nmotto: 甲\nvoice:\n  motto: 乙\n",
            "project.yaml": "kind: project\ncompany: company.yaml\nproject_name: 某项目\n",
        }
    )
    with pytest.raises(InputError) as caught:
        load_profile(root / "project.yaml")
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{root / 'company.yaml'}:5:3: voice")
    assert "given twice" in str(problem)


def test_the_project_changes_the_company_voice_key_by_key(tree: Tree) -> None:
    root = tree(
        {
            "company.yaml": COMPANY,
            "project.yaml": (
                "kind: project\ncompany: company.yaml\nproject_name: 某项目\n"
                "voice:\n"
                "  pledge: 本项目的承诺。\n"
                "  closing: ~remove\n"
                "  sections:\n"
                "    training:\n"
                "      paragraphs: [本项目另行安排一次复训。]\n"
            ),
        }
    )
    resolved = load_profile(root / "project.yaml")
    voice = resolved.profile.voice
    assert voice.motto == "为顾客提供最满意的产品和服务"  # the company's
    assert voice.pledge == "本项目的承诺。"  # the project's
    assert voice.closing == []  # removed by the project
    training = voice.sections.training
    assert training is not None
    assert training.purpose == "通过培训使工作人员熟悉系统运行环境。"  # the company's
    assert training.paragraphs == ["本项目另行安排一次复训。"]  # the project's
    assert resolved.where("voice.pledge").file.endswith("project.yaml")
    assert resolved.where("voice.sections.training.purpose").file.endswith("company.yaml")
    assert any("voice.closing" in str(n) and "removed" in str(n) for n in resolved.notices)


def test_a_project_removes_the_company_voice_whole_or_the_older_motto(tree: Tree) -> None:
    company = "kind: company\nname: 某公司\nvoice:\n  motto: 甲\n  closing: 乙。\n"
    project = "kind: project\ncompany: company.yaml\nproject_name: 某项目\n"
    root = tree({"company.yaml": company, "project.yaml": project + "voice: ~remove\n"})
    resolved = load_profile(root / "project.yaml")
    assert resolved.profile.voice == Voice()
    (notice,) = resolved.notices
    assert str(notice).startswith(f"{root / 'project.yaml'}:4:8: voice: removed")
    older = "kind: company\nname: 某公司\nmotto: 甲\n"
    root = tree({"company.yaml": older, "project.yaml": project + "voice:\n  motto: ~remove\n"})
    assert load_profile(root / "project.yaml").profile.voice.motto is None
    assert "甲" not in letter_text(compose(load_profile(root / "project.yaml").profile))


def test_a_profile_built_from_models_layers_the_voice_too() -> None:
    company = {**_voice(pledge="公司的承诺。", closing=["公司的结束语。"]), "motto": "甲"}
    company["voice"] = {"pledge": "公司的承诺。", "closing": ["公司的结束语。"]}
    profile = build_profile(company=company, voice={"closing": ["项目的结束语。"]})
    assert profile.voice.motto == "甲"
    assert profile.voice.pledge == "公司的承诺。"
    assert profile.voice.closing == ["项目的结束语。"]


def test_an_unknown_section_is_a_located_error_naming_the_known_one(tree: Tree) -> None:
    root = tree(
        {
            "company.yaml": "kind: company\nname: 某公司\n",
            "project.yaml": (
                "kind: project\ncompany: company.yaml\nproject_name: 某项目\n"
                "voice:\n  sections:\n    trainning:\n      purpose: 培训的目的。\n"
            ),
        }
    )
    with pytest.raises(InputError) as caught:
        load_profile(root / "project.yaml")
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{root / 'project.yaml'}:6:5: voice.sections.trainning")
    assert "training" in str(problem)


# ---------------------------------------------------------------- the opening


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-Hans", "郑重承诺：在确保设备的先进性，让顾客满意。具体承诺如下："),
        ("zh-Hant", "鄭重承諾：在确保设备的先进性，让顾客满意。具體承諾如下："),
        ("en", ": 在确保设备的先进性，让顾客满意. The specific commitments are as follows:"),
    ],
)
def test_the_pledge_follows_the_solemn_promise(language: str, expected: str) -> None:
    # Without its own full stop the pledge gets the language's; with one, none is added.
    bare = build_profile(company=_voice(pledge="在确保设备的先进性，让顾客满意"))
    (opening,) = compose(bare, language=language).opening
    assert opening.text.endswith(expected)
    stop = "." if language == "en" else "。"
    ended = build_profile(company=_voice(pledge="在确保设备的先进性，让顾客满意" + stop))
    (opening,) = compose(ended, language=language).opening
    assert "满意" + stop + stop not in opening.text
    assert ("满意" + stop) in opening.text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("pledge", "said"),
    [
        ("让顾客满意、放心；", "让顾客满意、放心{stop}"),  # before: 放心；。具体承诺如下
        ("秉承“客户至上。”", "秉承“客户至上。”"),  # before: 至上。”。
        ("让顾客满意，", "让顾客满意{stop}"),
    ],
)
def test_a_pledge_ending_in_a_clause_mark_or_a_quote_reads_as_one_sentence(
    language: str, pledge: str, said: str
) -> None:
    (opening,) = compose(build_profile(company=_voice(pledge=pledge)), language=language).opening
    stop = "." if language == "en" else "。"
    lead = " The specific" if language == "en" else ("具體" if language == "zh-Hant" else "具体")
    assert said.format(stop=stop) + lead in opening.text, opening.text


@pytest.mark.parametrize(
    ("language", "without"),
    [("zh-Hans", "郑重承诺如下："), ("zh-Hant", "鄭重承諾如下："), ("en", "as follows")],
)
def test_without_a_pledge_the_opening_is_as_before(language: str, without: str) -> None:
    (opening,) = compose(build_profile(), language=language).opening
    assert without in opening.text


@pytest.mark.parametrize(
    ("language", "method", "expected"),
    [
        ("zh-Hans", "招标", "本着“甲”的经营宗旨，"),
        ("zh-Hans", "零售", "本着“甲”的宗旨，"),
        ("zh-Hant", "招标", "本著「甲」之經營理念，"),
        ("en", "招标", "In keeping with our business philosophy, “甲”, "),
    ],
)
def test_the_motto_is_named_by_the_letter_unless_the_company_names_it(
    language: str, method: str, expected: str
) -> None:
    letter = compose(build_profile(company=_voice(motto="甲"), method=method), language=language)
    assert expected in letter.opening[0].text
    titled = build_profile(company=_voice(motto="甲", motto_title="服务方针"), method=method)
    said = compose(titled, language=language).opening[0].text
    assert "服务方针" in said and expected not in said


# ---------------------------------------------------------------- sections


def test_purpose_comes_first_and_the_company_paragraphs_last() -> None:
    profile = build_profile(
        {"training": {"free": True, "until_competent": True}},
        company=_voice(
            sections={"training": {"purpose": "目的。", "paragraphs": ["甲。", "乙。"]}}
        ),
    )
    for language in LANGUAGES:
        letter = compose(profile, language=language)
        (section,) = letter.sections
        first, *between, last_but_one, last = section.blocks
        assert first == Paragraph("目的。"), language
        assert [last_but_one, last] == [Paragraph("甲。"), Paragraph("乙。")], language
        assert between  # the template's own sentences stand between them


def test_words_for_a_section_the_letter_lacks_make_it_under_a_plain_heading() -> None:
    """A section made of the company's words alone is headed by what it holds: 定期巡检
    (not 定期巡检与回访, the term that also names visits), 招标人配合事项 in a 招标 letter
    (not 用户…)."""
    profile = build_profile(
        company=_voice(
            sections={
                "special_events": {"paragraphs": ["重大活动期间专人值守。"]},
                "inspections": {"paragraphs": ["每季度巡检一次。"]},
                "customer_duties": {"paragraphs": ["请提供设备机房。"]},
            }
        )
    )
    for language in LANGUAGES:
        say = get_locale(language)
        sections = compose(profile, language=language).sections
        titles = [s.title for s in sections]
        buyer = say.vocabulary(profile.project.method).buyer
        for key in ("special_events", "inspections", "customer_duties"):
            assert say.text(f"letter.own_section.{key}", buyer=buyer) in titles, titles
        assert [b.text for b in sections[-1].blocks if isinstance(b, Paragraph)] == [
            "请提供设备机房。"
        ]
    titles = [s.title for s in compose(profile).sections]
    assert "定期巡检" in titles and "定期巡检与回访" not in titles
    assert "招标人配合事项" in titles and not any("用户" in t for t in titles)


def test_the_company_words_are_text_never_template_code_or_markup() -> None:
    tricky = ["{{ company.name }}", "# 不是标题", "- 不是列表项", "{% if true %}甲{% endif %}"]
    profile = build_profile(
        {"training": {"free": True}},
        company=_voice(
            pledge="{{ 1 + 1 }} & <b>",
            closing=["> 不是注释", "## 不是标题"],
            sections={"training": {"purpose": "# 目的", "paragraphs": tricky}},
        ),
    )
    letter = compose(profile)
    assert letter.opening[0].text.endswith("郑重承诺：{{ 1 + 1 }} & <b>。具体承诺如下：")
    (section,) = letter.sections
    made = [b.title for b in _all_blocks(section.blocks) if isinstance(b, Section)]
    assert not [t for t in made if "不是" in t or "目的" in t]  # no heading was made
    paragraphs = [b for b in section.blocks if isinstance(b, Paragraph)]
    assert paragraphs[0].text == "# 目的"
    assert [p.text for p in paragraphs[-4:]] == tricky
    assert all(p.number is None and p.style == "body" for p in paragraphs[-4:])
    assert _texts(letter.closing)[-3:-1] == ["> 不是注释", "## 不是标题"]


def test_one_paragraph_may_be_written_without_a_list() -> None:
    profile = build_profile(
        {"training": {"free": True}},
        company=_voice(closing="结束语。", sections={"training": {"paragraphs": "补充。"}}),
    )
    letter = compose(profile)
    assert _texts(letter.closing)[-2] == "结束语。"
    assert letter.sections[0].blocks[-1] == Paragraph("补充。")


def test_line_breaks_in_the_company_words_stay_line_breaks() -> None:
    profile = build_profile(
        {"training": {"free": True}},
        company=_voice(sections={"training": {"paragraphs": ["第一行\n第二行"]}}),
    )
    (section,) = compose(profile).sections
    assert section.blocks[-1] == Paragraph("第一行\n第二行")


def test_a_template_folder_without_the_section_refuses_the_words(tree: Tree) -> None:
    folder = tree(
        {
            "clauses/010_quality.j2": "# 质量\n质量合格。\n",
            "clauses/_letter.j2": (
                Path(__file__).parent.parent / "templates" / "zh-Hans" / "clauses" / "_letter.j2"
            ).read_text(encoding="utf-8"),
            "clauses/_words.j2": (
                Path(__file__).parent.parent / "templates" / "zh-Hans" / "clauses" / "_words.j2"
            ).read_text(encoding="utf-8"),
        }
    )
    profile = build_profile(company=_voice(sections={"training": {"purpose": "目的。"}}))
    with pytest.raises(RenderError, match=r"no clause template writes voice\.sections\.training"):
        compose(profile, templates=folder)


# ---------------------------------------------------------------- the closing


STATEMENT = {
    "zh-Hans": "以上承诺真实有效",
    "zh-Hant": "以上承諾真實有效",
    "en": "We confirm that the above commitments are true and valid",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_closing_puts_service_lines_first_and_the_statement_last(
    tree: Tree, language: str
) -> None:
    root = tree(
        {
            "company.yaml": COMPANY,
            "project.yaml": "kind: project\ncompany: company.yaml\nproject_name: 某项目\n",
        }
    )
    profile = load_profile(root / "project.yaml").profile
    closing = _texts(compose(profile, language=language).closing)
    assert len(closing) == 4, closing
    assert "400-820-1234" in closing[0]
    assert "张伟" in closing[1] and "13800000000" in closing[1]
    assert closing[2] == "我们将不断努力，精益求精。"
    assert closing[3].startswith(STATEMENT[language])


# ---------------------------------------------------------------- the five examples


def _example(name: str) -> Profile:
    return load_profile(EXAMPLES / name / "project.yaml").profile


def _voice_texts(profile: Profile) -> str:
    voice = profile.voice
    parts = [voice.motto or "", voice.motto_title or "", voice.pledge or "", *voice.closing]
    for name in type(voice.sections).model_fields:
        words = getattr(voice.sections, name)
        if words is not None:
            parts += [words.purpose or "", *words.paragraphs]
    return "\n".join(parts)


@pytest.mark.parametrize("name", sorted(SEED_VOICE))
def test_each_example_says_its_seed_letter_voice_from_its_voice_fields(name: str) -> None:
    profile = _example(name)
    own = _voice_texts(profile)
    for language in LANGUAGES:
        text = letter_text(compose(profile, language=language))
        for phrase in SEED_VOICE[name]:
            assert phrase in own, (name, phrase, "not a voice field")
            assert phrase in text, (name, language, phrase)


def test_ex4_states_its_365_day_service_policy_in_the_opening() -> None:
    letter = compose(_example("ex4-lightbox-signage"))
    assert letter.opening[0].text.startswith(
        "本着“昼夜24小时不间断服务，365天无假日工作”的服务方针，华亮灯箱标识制作有限公司"
    )


def test_ex2_training_and_patrol_sections_open_with_their_purposes() -> None:
    letter = compose(_example("ex2-highway-monitoring"))
    for title, purpose in (("技术培训", "通过培训使工作人员"), ("定期巡检与回访", "防患于未然")):
        section = next(s for s in letter.sections if title in s.title)
        first = section.blocks[0]
        assert isinstance(first, Paragraph) and purpose in first.text, title


def test_no_example_prints_a_hotline_after_the_closing_statement() -> None:
    for folder in sorted(EXAMPLES.iterdir()):
        letter = compose(load_profile(folder / "project.yaml").profile)
        closing = _texts(letter.closing)
        assert closing[-1].startswith("以上承诺真实有效"), folder.name
        everything = _all_blocks(letter.sections)
        assert not any(isinstance(b, Paragraph) and "以上承诺" in b.text for b in everything)

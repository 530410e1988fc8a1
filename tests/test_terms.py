"""A commitment's name (质保期, 保固期, warranty period) is the locale's: every path and profile
field has a `term.<path>` in every catalog, and the check, the reports and the deviation table
of a zh-Hant or English check say no Simplified term."""

import re

import opencc
import pytest
from pydantic import BaseModel

from conftest import check_example, example, run, tender_path
from generator.app.explain import explain_rows
from generator.letter.compose import compose
from generator.locale import available, get_locale
from generator.profiles.loading import load_profile
from generator.profiles.models import BidResponse, Commitments, commitment_paths
from generator.tender.check import CheckResult
from generator.tender.reports import column_words, deviation_rows

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_S2TW = opencc.OpenCC("s2tw")
LANGS = available()


def simplified_only(text: str) -> list[str]:
    return sorted({char for char in text if _S2TW.convert(char) != char})


def _fields(model: type[BaseModel], prefix: str) -> list[str]:
    """Every field under `model` by dotted path, list items unnamed (as explain keys them)."""
    out = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        out.append(path)
        inner = [
            a
            for a in (info.annotation, *getattr(info.annotation, "__args__", ()))
            if isinstance(a, type) and issubclass(a, BaseModel)
        ]
        inner += [
            b
            for a in getattr(info.annotation, "__args__", ())
            for b in getattr(a, "__args__", ())
            if isinstance(b, type) and issubclass(b, BaseModel)
        ]
        if inner:
            out += _fields(inner[0], path)
    return out


@pytest.mark.parametrize("language", available())
def test_every_path_and_field_has_a_term(language: str) -> None:
    say = get_locale(language)
    wanted = [*commitment_paths(), *_fields(Commitments, ""), "responses"]
    wanted += _fields(BidResponse, "responses")
    missing = [p for p in wanted if not say.has(f"term.{p}")]
    assert missing == []
    assert "response.tiers.arrive" in wanted and "warranty.components.period" in wanted
    for path in wanted:
        said = say.text(f"term.{path}")
        assert said and "." not in said and "_" not in said, (path, said)
        if language == "en":
            assert not CJK.search(said), (path, said)
        if language == "zh-Hant":
            assert simplified_only(said) == [], (path, said)


def test_zh_hans_terms_are_the_docstring_terms() -> None:
    """The Simplified catalog names each path as its field's docstring does (the table
    `aftersales paths` prints), so zh-Hans output stays what it was."""
    say = get_locale("zh-Hans")
    for path, info in commitment_paths().items():
        assert say.text(f"term.{path}") == info.label, path


def test_terms_differ_by_language() -> None:
    terms = {lang: get_locale(lang).text("term.warranty.period") for lang in available()}
    assert terms == {"zh-Hans": "质保期", "zh-Hant": "保固期", "en": "warranty period"}
    arrive = {lang: get_locale(lang).text("term.response.arrive") for lang in available()}
    assert arrive == {"zh-Hans": "到场时间", "zh-Hant": "到場時間", "en": "on-site arrival time"}


def _own_words(result: CheckResult) -> list[str]:
    """What the check prints as the input wrote it: the tender's requirements, title and
    number, the project's name and site, the bidder's own answers and its text promises."""
    words = [result.tender.name, result.tender.number or "", result.profile.project.project_name]
    words += [w for r in result.tender.requirements for w in (r.text, r.clause)]
    words += [s for s in (result.site or "").split()]
    for answer in result.profile.project.responses:
        words += [answer.response, answer.note or ""]
    for f in result.findings:
        if f.offer is not None and isinstance(f.offer.value, str):
            words.append(f.offer.value)
    return sorted((w for w in words if w), key=len, reverse=True)


def _said_by_the_tool(out: str, result: CheckResult) -> str:
    for words in _own_words(result):
        out = out.replace(words, "")
    return out


def test_zh_hant_check_says_no_simplified_term() -> None:
    result = check_example("highway-monitoring", "ex2")
    args = (example("ex2"), "--tender", tender_path("highway-monitoring"), "--language")
    code, out, err = run("check", *args, "zh-Hant", "--format", "markdown")
    assert code == 0, err
    assert "保固期：1年" in out and "到場時間：8小時" in out
    rest = _said_by_the_tool(out, result)
    assert simplified_only(rest) == [], rest
    for path in ("warranty.period", "response.arrive", "response.respond", "training.free"):
        assert get_locale("zh-Hans").text(f"term.{path}") not in rest
    # the text report (cells cut to the column width) says the same terms
    code, text, err = run("check", *args, "zh-Hant")
    assert "保固期不少於1年" in text and "到場時間不超過12小時" in text
    assert "质保期不少于" not in text and "到场时间" not in text


def test_english_check_says_no_chinese_term() -> None:
    result = check_example("highway-monitoring", "ex2")
    args = (example("ex2"), "--tender", tender_path("highway-monitoring"), "--language")
    code, out, err = run("check", *args, "en", "--format", "markdown")
    assert code == 0, err
    assert "warranty period: 1 year" in out and "on-site arrival time: 8 hours" in out
    rest = _said_by_the_tool(out, result)
    assert not CJK.search(rest), CJK.findall(rest)
    code, text, err = run("check", *args, "en")
    assert "on-site arrival time of at most 4 hours for 2 more points" in text


def test_deviation_table_names_the_locale_term() -> None:
    """The zh-Hant 差異對照表 says 保固期 where the zh-Hans 偏离表 says 质保期."""
    result = check_example("highway-monitoring", "ex2")
    responses = {}
    for lang in ("zh-Hans", "zh-Hant", "en"):
        header, rows, _ = deviation_rows(result.findings, result.tender, get_locale(lang))
        words = column_words(result.tender, get_locale(lang))
        column = header.index(get_locale(lang).text("deviation.column.response", **words))
        responses[lang] = rows[0][column]
    assert responses["zh-Hans"].startswith("质保期：1年")
    assert responses["zh-Hant"].startswith("保固期：1年")
    assert responses["en"].startswith("warranty period: 1 year")


def test_explain_names_fields_in_the_language() -> None:
    resolved = load_profile(example("ex2"))
    terms = {
        lang: {r.path: r.term for r in explain_rows(resolved, lang)}
        for lang in ("zh-Hans", "zh-Hant", "en")
    }
    assert terms["zh-Hans"]["commitments.warranty.period"] == "质保期"
    assert terms["zh-Hant"]["commitments.warranty.period"] == "保固期"
    assert terms["en"]["commitments.warranty.period"] == "warranty period"
    tiers = [p for p in terms["en"] if p.startswith("commitments.response.tiers[")]
    assert tiers and all(not CJK.search(terms["en"][p]) for p in tiers)
    assert all(simplified_only(t) == [] for t in terms["zh-Hant"].values())
    assert all(not CJK.search(t) for t in terms["en"].values())


def test_signatory_title_default_is_the_letters() -> None:
    """A signatory without a title signs with the language's default title, which the letter
    template says (the model holds no wording); a title given is translated where known."""
    profile = load_profile(example("ex2")).profile
    assert profile.project.signatory.title is None
    labels = {lang: compose(profile, language=lang).signature.signatory_label for lang in LANGS}
    assert labels == {
        "zh-Hans": "法定代表人或授权代表（签字）",
        "zh-Hant": "負責人或授權代表人（簽章）",
        "en": "Legal or Authorised Representative (signature)",
    }
    titled = load_profile(example("ex6")).profile
    assert compose(titled, language="en").signature.signatory_label == (
        "Authorised Representative (signature)"
    )

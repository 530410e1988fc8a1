"""The language seam: a language is a folder, Python says no sentence, and a finding's verdict
word is the same in every format."""

import ast
import itertools
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from generator.errors import RenderError
from generator.letter.compose import compose, letter_text
from generator.locale import Locale, Message, available, get_locale
from generator.profiles.loading import load_file, load_profile
from generator.profiles.quantities import DailyWindow, Duration, Frequency
from generator.profiles.yamlreader import dotted
from generator.resources import data_dir
from generator.tender.check import CapacityStatus, CheckResult, check
from generator.tender.loading import FILE_MODELS
from generator.tender.model import Column, TenderFile, Verdict
from generator.tender.reports import REPORT_FORMATS, deviation_letter, render_report

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = data_dir("templates")
EXAMPLES = data_dir("profiles") / "examples"
TENDERS = data_dir("profiles") / "tenders"

# ---------------------------------------------------------------- (a) no sentence in Python

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Modules allowed to hold Chinese literals, each for input grammar (what the tool reads), not
# for what it says.
ALLOWED = {
    "generator/profiles/quantities.py": "unit words, numerals and period/window words the "
    "quantity parser reads",
    "generator/profiles/yamlreader.py": "YAML reader hints for full-width colons and spaces in "
    "the input, and the characters it detects",
    "generator/profiles/loading.py": "the full-width space it strips from --set input",
    "generator/profiles/models.py": "procurement-method names and aliases (input values), the "
    "CJK range that reads a field's term from its docstring, "
    "the words choices and yes/no values are written with (成本价, 验收合格之日, 是/否)",
    "generator/app/reference.py": "examples of input values in the field reference",
    "generator/render/flowchart.py": "line-breaking punctuation classes, not words",
    "generator/render/words.py": "the measure words (个) a label keeps between a number and "
    "its unit when it breaks",
    "cli.py": "--help examples of input values (a tier addressed by its Chinese region name)",
    "generator/profiles/kinds.py": "the words a yes/no value is written with (是, 须, 提供), "
    "the separators of a list's items (、, 及) and the words class labels drop (类, 设备)",
    "generator/profiles/paths.py": "the CJK range that reads a field's term from its docstring",
    "generator/tender/ruleids.py": "the Chinese numerals of clause numbers (第五章) it reads",
    "generator/tender/comparators.py": "comparator words a tender is written with (不少于 …)",
    "generator/tender/places.py": "place-name suffixes stripped to match sites (自治区, 省 …)",
    "generator/intake/drafting.py": "the full-width punctuation of clause numbers and sentence "
    "parts it reads (、 ． ，); the words themselves are in templates/intake/keywords.yaml",
    "generator/profiles/typography.py": "the font names, 字号 and line-spacing words a "
    "`format:` is written with (仿宋_GB2312, 小四, 固定值28磅)",
    "generator/render/formatting.py": "the font names the format presets give the DOCX, as "
    "Word users write them (宋体, 仿宋_GB2312)",
    "generator/profiles/placeholders.py": "the placeholders it looks for in the input (某某, 待定, "
    "示例, full-width underscores)",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
        # attribute docstrings: a bare string right after an assignment
        if isinstance(body, list):
            for before, after in itertools.pairwise(body):
                if (
                    isinstance(before, ast.AnnAssign | ast.Assign)
                    and isinstance(after, ast.Expr)
                    and isinstance(after.value, ast.Constant)
                ):
                    found.add(id(after.value))
    return found


def chinese_literals(path: Path) -> list[str]:
    """`line: text` of every string literal with CJK in it, docstrings and comments aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return [
        f"{node.lineno}: {node.value[:40]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and CJK.search(node.value)
    ]


def _sources() -> list[Path]:
    return [*sorted((ROOT / "generator").rglob("*.py")), ROOT / "cli.py"]


def test_python_says_no_chinese_outside_the_input_grammar() -> None:
    found = {
        str(p.relative_to(ROOT)): lines
        for p in _sources()
        if str(p.relative_to(ROOT)) not in ALLOWED and (lines := chinese_literals(p))
    }
    assert found == {}, "move these to templates/<language>/messages/*.yaml"


def test_the_scan_finds_a_chinese_literal(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('"""模块。"""\n# 注释\nX = 1\n"""属性。"""\nY = f"{X}个月"\n', "utf-8")
    assert chinese_literals(module) == ["5: '个月'"]


def test_every_allowed_module_exists_and_still_needs_it() -> None:
    for name in ALLOWED:
        assert chinese_literals(ROOT / name), f"{name} holds no Chinese: drop it from ALLOWED"


# ---------------------------------------------------------------- (b) keys


def _catalog_keys(folder: Path) -> set[str]:
    from generator.locale import _flatten
    from generator.profiles.yamlreader import load_document

    keys: set[str] = set()
    for file in sorted((folder / "messages").glob("*.yaml")):
        keys |= {k for k, _ in _flatten(load_document(file).data)}
    return keys


def _keys_in_code() -> tuple[set[str], set[str]]:
    """Keys the code says literally, and the constant prefixes of keys it builds (f-strings)."""
    literal: set[str] = set()
    prefixes: set[str] = set()
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name not in ("text", "Message"):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                literal.add(first.value)
            elif isinstance(first, ast.IfExp):
                literal |= {
                    b.value
                    for b in (first.body, first.orelse)
                    if isinstance(b, ast.Constant) and isinstance(b.value, str)
                }
            elif isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                prefixes.add(str(first.values[0].value))
    return literal, prefixes


def test_every_key_the_code_says_is_in_every_catalog() -> None:
    literal, prefixes = _keys_in_code()
    assert "report.passed" in literal and "verdict." in prefixes  # the scan sees the code
    dynamic = {
        *(f"verdict.{v.value}" for v in Verdict),
        *(f"capacity.status.{s.value}" for s in CapacityStatus),
        *(f"deviation.column.{c.value}" for c in Column),
        *(f"quantity.unit.{u}" for u in ("minute", "hour", "day", "working_day", "month", "year")),
    }
    for folder in sorted(p.parent for p in TEMPLATES.glob("*/messages")):
        keys = _catalog_keys(folder)
        assert literal - keys == set(), folder.name
        assert dynamic - keys == set(), folder.name
        for prefix in prefixes:
            assert any(k.startswith(prefix) for k in keys), (folder.name, prefix)


def test_every_catalog_has_the_same_keys() -> None:
    catalogs = {p.parent.name: _catalog_keys(p.parent) for p in TEMPLATES.glob("*/messages")}
    assert {"zh-Hans", "en"} <= set(catalogs)
    reference = catalogs["zh-Hans"]
    for name, keys in catalogs.items():
        assert keys == reference, (name, sorted(keys ^ reference))


def test_every_message_compiles_in_every_catalog(tmp_path: Path) -> None:
    for folder in sorted(p.parent for p in TEMPLATES.glob("*/messages")):
        loc = _locale_of(folder, tmp_path)
        for key in loc.message_keys():
            loc._template(key)  # a syntax error names the key


# ---------------------------------------------------------------- (c) verdict words


@pytest.fixture(scope="module")
def medical() -> CheckResult:
    _, model, doc = load_file(TENDERS / "medical-ultrasound.yaml", FILE_MODELS)
    assert isinstance(model, TenderFile)
    resolved = load_profile(EXAMPLES / "ex1-weighing" / "project.yaml")
    return check(resolved, model, tender_where={dotted(p): w for p, w in doc.where.items()})


@pytest.mark.parametrize("fmt", sorted(REPORT_FORMATS))
def test_a_tenders_verdict_words_win_in_every_format(medical: CheckResult, fmt: str) -> None:
    # medical-ultrasound.yaml words them 正偏差/无偏差/负偏差; the locale says 负偏离.
    report = render_report(medical, fmt)
    assert "负偏差" in report
    assert "负偏离" not in report


def test_a_tenders_verdict_words_win_in_the_deviation_table(medical: CheckResult) -> None:
    table = deviation_letter(medical.findings, medical.profile, medical.tender)
    text = letter_text(table)
    assert "负偏差" in text and "负偏离" not in text


def test_without_verdict_words_the_locale_says_them() -> None:
    _, model, _ = load_file(TENDERS / "highway-monitoring.yaml", FILE_MODELS)
    assert isinstance(model, TenderFile)
    assert "verdict_words" not in model.deviation_table.model_fields_set
    resolved = load_profile(EXAMPLES / "ex1-weighing" / "project.yaml")
    result = check(resolved, model)
    words = {get_locale().verdict(f.verdict) for f in result.findings}
    data = json.loads(render_report(result, "json"))
    assert {f["verdict_zh"] for f in data["findings"]} == words


# ---------------------------------------------------------------- (d) a language is a folder


def test_a_new_folder_is_a_language_without_python(tmp_path: Path) -> None:
    shutil.copytree(TEMPLATES / "zh-Hans", tmp_path / "xx-Test")
    (tmp_path / "no-locale" / "messages").mkdir(parents=True)  # no locale.yaml: not a language
    assert available(tmp_path) == ["xx-Test"]
    loc = get_locale("xx-Test", tmp_path)
    assert loc.folder == (tmp_path / "xx-Test").resolve()
    assert loc.text("verdict.negative") == get_locale().text("verdict.negative")


def test_an_unknown_language_names_the_known_ones() -> None:
    with pytest.raises(RenderError, match=r'no language "fr".*have .*zh-Hans'):
        get_locale("fr")
    with pytest.raises(RenderError, match="no language"):
        get_locale("../zh-Hans")


def test_the_bundled_languages_include_zh_hans() -> None:
    assert "zh-Hans" in available()
    settings = get_locale().settings
    assert settings["fonts"]["pdf"] == {"body": "Noto Serif CJK SC", "heading": "Noto Sans CJK SC"}
    assert get_locale().file_suffix("letter") == "售后服务承诺书"


def test_a_projects_unknown_language_is_a_located_error(tmp_path: Path) -> None:
    source = EXAMPLES / "ex2-highway-monitoring"
    shutil.copytree(source, tmp_path / "ex2")
    project = tmp_path / "ex2" / "project.yaml"
    text = project.read_text(encoding="utf-8")
    project.write_text(text.replace("kind: project\n", "kind: project\nlanguage: fr\n"), "utf-8")
    result = CliRunner().invoke(main, ["explain", str(project)])
    assert result.exit_code == 2
    assert re.search(
        r"project\.yaml:\d+:\d+: language: .*no language \"fr\".*zh-Hans", result.stderr
    )


def test_an_unknown_language_option_exits_2() -> None:
    project = str(EXAMPLES / "ex2-highway-monitoring" / "project.yaml")
    result = CliRunner().invoke(main, ["explain", project, "--language", "fr"])
    assert result.exit_code == 2
    assert 'no language "fr"' in result.stderr and "zh-Hans" in result.stderr


def test_the_letter_carries_its_language() -> None:
    resolved = load_profile(EXAMPLES / "ex2-highway-monitoring" / "project.yaml")
    assert compose(resolved.profile).language == "zh-Hans"
    with pytest.raises(RenderError, match="no language"):
        compose(resolved.profile, language="fr")


# ---------------------------------------------------------------- values and numbering


def _locale_of(folder: Path, scratch: Path) -> Locale:
    """The locale of a folder; one without its own locale.yaml yet (its translator adds it)
    borrows zh-Hans' settings in a copy under `scratch`, so its messages are tested now."""
    if (folder / "locale.yaml").is_file():
        return Locale(folder.name, folder)
    copy = scratch / folder.name
    shutil.copytree(folder / "messages", copy / "messages")
    shutil.copy(TEMPLATES / "zh-Hans" / "locale.yaml", copy / "locale.yaml")
    return Locale(folder.name, copy)


@pytest.fixture(scope="module")
def en(tmp_path_factory: pytest.TempPathFactory) -> Locale:
    return _locale_of(TEMPLATES / "en", tmp_path_factory.mktemp("locales"))


@pytest.mark.parametrize(
    ("text", "zh", "english"),
    [
        ("18 months", "18个月", "18 months"),
        ("1 hour", "1小时", "1 hour"),
        ("30min", "30分钟", "30 minutes"),
        ("3 working days", "3个工作日", "3 working days"),
        ("1 working day", "1个工作日", "1 working day"),
        ("3 years", "3年", "3 years"),
        ("1.5 h", "1.5小时", "1.5 hours"),
        ("立即", "立即", "immediately"),
        ("0 months", "0个月", "0 months"),
    ],
)
def test_durations_read_as_the_locale_says(text: str, zh: str, english: str, en: Locale) -> None:
    value = Duration.parse(text)
    assert (get_locale().value(value), en.value(value)) == (zh, english)


@pytest.mark.parametrize(
    ("text", "zh", "english"),
    [
        ("twice a year", "每年2次", "twice a year"),
        ("every 6 months", "每半年一次", "once every 6 months"),
        ("quarterly", "每季度一次", "once a quarter"),
        ("monthly", "每月一次", "once a month"),
        ("weekly", "每周一次", "once a week"),
        ("every 2 weeks", "每2周一次", "once every 14 days"),
        ("3 per week", "每周3次", "3 times a week"),
        ("1 per hour", "每小时一次", "once an hour"),
        ("1 per working day", "每个工作日一次", "once a working day"),
        ("every 2 months", "每2个月一次", "once every 2 months"),
        ("every 10 days", "每10天一次", "once every 10 days"),
        ("1 per 2 years", "每2年一次", "once every 2 years"),
    ],
)
def test_frequencies_read_as_the_locale_says(text: str, zh: str, english: str, en: Locale) -> None:
    value = Frequency.parse(text)
    assert (get_locale().value(value), en.value(value)) == (zh, english)
    assert Frequency.parse(zh).compare(value) == 0
    assert Frequency.parse(english).compare(value) == 0


@pytest.mark.parametrize(
    ("text", "zh", "english"),
    [
        ("7x24", "7×24小时", "24 hours a day, 7 days a week"),
        ("8:00-24:00", "8:00至24:00", "8:00–24:00 every day"),
        ("working days 9:00-17:30", "工作日9:00至17:30", "9:00–17:30 on working days"),
    ],
)
def test_windows_read_as_the_locale_says(text: str, zh: str, english: str, en: Locale) -> None:
    value = DailyWindow.parse(text)
    assert (get_locale().value(value), en.value(value)) == (zh, english)
    assert DailyWindow.parse(zh) == value


def test_values_and_descriptions(en: Locale) -> None:
    from decimal import Decimal

    zh = get_locale()
    assert [zh.describe(v) for v in (Decimal("95"), 3, True, False, None)] == [
        "95%",
        "3次",
        "提供",
        "不提供",
        "未承诺",
    ]
    assert [en.describe(v) for v in (Decimal("99.5"), 2, True, None)] == [
        "99.5%",
        "2 times",
        "yes",
        "nothing",
    ]
    assert zh.say(Message("report.failed", {"n": 2})) == "检查未通过 (failed): 2 项"
    nested = Message("report.count", {"word": Message("verdict.negative"), "n": 1})
    assert zh.say(nested) == "负偏离 1"


def test_numbering_follows_the_locale(tmp_path: Path) -> None:
    zh = get_locale()
    assert [zh.number(1, n) for n in (1, 10, 12, 20, 99)] == [
        "一、",
        "十、",
        "十二、",
        "二十、",
        "九十九、",
    ]
    assert (zh.number(2, 3), zh.number(3, 4), zh.number(4, 5)) == ("（三）", "4.", "（5）")
    western = tmp_path / "xx-West"
    shutil.copytree(TEMPLATES / "zh-Hans", western)
    settings = (western / "locale.yaml").read_text(encoding="utf-8")
    settings = re.sub(r"(?m)^numbering: .*$", 'numbering: ["{n}.", "{path}", "{path}"]', settings)
    (western / "locale.yaml").write_text(settings, encoding="utf-8")
    loc = get_locale("xx-West", tmp_path)
    assert (loc.number(1, 2), loc.number(2, 3, (2,)), loc.number(3, 1, (2, 3))) == (
        "2.",
        "2.3",
        "2.3.1",
    )
    assert loc.number(5, 4, (1, 1, 1, 1)) == "1.1.1.1.4"  # deeper than the list: the last style


def test_words_and_vocabulary_come_from_the_clause_folder() -> None:
    from generator.profiles.models import ProcurementMethod, Severity

    zh = get_locale()
    assert zh.vocabulary(ProcurementMethod.CONSULTATION).buyer == "采购人"
    assert zh.enum(Severity.CRITICAL) == zh.words()["SEVERITY"]["critical"]


def test_reports_say_the_checks_messages_in_their_language(medical: CheckResult) -> None:
    # Once the check gives Messages instead of text, every format says them in its locale.
    from dataclasses import replace

    said = Message("verdict.not_comparable")
    first = replace(medical.findings[0], reason=said)
    result = replace(medical, findings=(first, *medical.findings[1:]))
    assert json.loads(render_report(result, "json"))["findings"][0]["reason"] == "不可比"
    assert "[第三章 四、1] 不可比" in render_report(result, "text")


def test_language_option_on_check_and_render(tmp_path: Path) -> None:
    project = str(EXAMPLES / "ex1-weighing" / "project.yaml")
    tender = str(TENDERS / "medical-ultrasound.yaml")
    runner = CliRunner()
    result = runner.invoke(main, ["check", project, "--tender", tender, "--language", "zh-Hans"])
    assert result.exit_code == 1 and "负偏差" in result.stdout
    # ex1 fails this tender: the deviation table is written only with --allow-deviations,
    # and only for a project that names the tender's project
    name = "兰州市第一人民医院彩色多普勒超声诊断仪采购项目"
    args = ["render", project, "--tender", tender, "--format", "docx", "-o", str(tmp_path)]
    args += ["--allow-deviations", "--set", f"project_name={name}"]
    result = runner.invoke(main, [*args, "--language", "zh-Hans"])
    assert result.exit_code == 0, result.stderr
    zh = get_locale()
    names = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert names == sorted(
        f"{name}-{zh.file_suffix(kind)}.docx" for kind in ("letter", "deviation")
    )
    result = runner.invoke(main, [*args, "--language", "xx"])
    assert result.exit_code == 2 and 'no language "xx"' in result.stderr


def test_the_cached_catalog_follows_an_edited_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.locale import _catalog

    monkeypatch.setenv("AFTERSALES_CACHE_DIR", str(tmp_path / "cache"))
    messages = tmp_path / "messages"
    messages.mkdir()
    (messages / "a.yaml").write_text("greeting: 你好\n", encoding="utf-8")
    assert _catalog(messages) == {"greeting": "你好"}
    assert list((tmp_path / "cache").glob("catalog-*.json"))  # the second read is the cache's
    assert _catalog(messages) == {"greeting": "你好"}
    (messages / "a.yaml").write_text("greeting: 您好啊\n", encoding="utf-8")
    assert _catalog(messages) == {"greeting": "您好啊"}
    (tmp_path / "cache").chmod(0o500)  # an unwritable cache only costs time
    (messages / "a.yaml").write_text("greeting: 早上好\n", encoding="utf-8")
    assert _catalog(messages) == {"greeting": "早上好"}

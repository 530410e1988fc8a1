"""Every shipped language says every promise the Simplified letter says: same sections,
paragraphs, points and table rows, the same numbers; zh-Hant in Traditional characters only,
and its PDF set in the Traditional-Chinese faces only."""

import re
import subprocess
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import opencc
import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from cli import main
from generator.letter.compose import compose, letter_text
from generator.letter.document import Block, Figure, Letter, Paragraph, Section, Table
from generator.locale import available
from generator.profiles.loading import load_profile
from generator.profiles.models import Profile

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "profiles" / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.iterdir())
SOURCE = "zh-Hans"
OTHERS = [name for name in available() if name != SOURCE]
# The PDF faces each language may embed (PostScript names, after the subset tag).
FACES = {
    "zh-Hant": r"Noto-(Serif|Sans)-CJK-TC(-Bold)?",
    "en": r"DejaVu-(Serif|Sans-Bold)|Noto-(Serif|Sans)-CJK-SC(-Bold)?",
}

# Simplified to Traditional with Taiwan variants: a character this changes is one a
# Traditional letter must not contain (峰 stays 峰 here, where plain s2t gives the variant 峯).
_S2TW = opencc.OpenCC("s2tw")


def _profile(example: Path) -> Profile:
    return load_profile(example / "project.yaml").profile


def _shape(blocks: tuple[Block, ...]) -> Iterator[tuple[Any, ...]]:
    """The letter's structure without its words: what each block is and how big."""
    for block in blocks:
        if isinstance(block, Section):
            yield ("section", block.level, len(block.blocks))
            yield from _shape(block.blocks)
        elif isinstance(block, Paragraph):
            yield ("paragraph", block.style, block.number is not None)
        elif isinstance(block, Table):
            yield ("table", len(block.header), len(block.rows))
        elif isinstance(block, Figure):
            yield ("figure", block.note is not None)


def shape(letter: Letter) -> list[tuple[Any, ...]]:
    return [
        ("opening", len(letter.opening)),
        *_shape(letter.sections),
        ("closing", len(letter.closing)),
        ("phone", letter.signature.phone is not None),
    ]


def numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+", text))


def body(letter: Letter) -> str:
    """The letter's text up to the signature block (the date may be written another way)."""
    signature = letter.signature.company_label
    text = letter_text(letter)
    return text[: text.rindex(signature)]


@pytest.fixture(scope="module", params=[e.name for e in EXAMPLES])
def example(request: pytest.FixtureRequest) -> tuple[Profile, Letter]:
    profile = _profile(EXAMPLES_DIR / request.param)
    return profile, compose(profile, language=SOURCE)


def test_languages_are_found() -> None:
    # A folder with a locale.yaml is a language: nothing registers these two.
    assert {"zh-Hant", "en"} <= set(OTHERS)


@pytest.mark.parametrize("language", OTHERS)
def test_same_structure(example: tuple[Profile, Letter], language: str) -> None:
    profile, source = example
    letter = compose(profile, language=language)
    assert letter.language == language
    assert shape(letter) == shape(source)


@pytest.mark.parametrize("language", OTHERS)
def test_every_number_is_said(example: tuple[Profile, Letter], language: str) -> None:
    profile, source = example
    text = body(compose(profile, language=language))
    missing = numbers(body(source)) - numbers(text)
    assert not missing, f"{language} letter lacks {sorted(missing)}:\n{text}"


def _traditional(value: Any) -> Any:
    """The profile as a Taiwan user would write it: every text in Traditional characters
    (enum values are input grammar and stay as they are)."""
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return _S2TW.convert(value)
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return value.model_copy(update={k: _traditional(getattr(value, k)) for k in fields})
    if isinstance(value, list | tuple):
        return type(value)(_traditional(v) for v in value)
    if isinstance(value, dict):
        return {k: _traditional(v) for k, v in value.items()}
    return value


def _texts(value: Any) -> Iterator[str]:
    """Every text a profile holds (what a letter may quote as written)."""
    if isinstance(value, str) and not isinstance(value, Enum):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)


def test_english_has_no_chinese_but_the_profiles(example: tuple[Profile, Letter]) -> None:
    # Chinese in an English letter may only be a name or a text quoted from the profile.
    profile, _source = example
    text = letter_text(compose(profile, language="en"))
    # Quoted as written, or as a clause of a sentence without its closing punctuation.
    quotes = {q for t in _texts(profile) for q in (t, t.rstrip("。；;.，, "))}
    for quoted in sorted(quotes, key=len, reverse=True):
        text = text.replace(quoted, "")
    assert not re.findall(r"[\u3000-\u9fff\uff00-\uffef]", text), text


def test_english_numbering_is_western() -> None:
    letter = compose(_profile(EXAMPLES[1]), language="en")  # 例文2: sections with subsections
    numbers = [section.number for section in letter.sections]
    assert numbers[:3] == ["1. ", "2. ", "3. "]
    subsection = letter.sections[0].blocks[0]
    assert isinstance(subsection, Section) and subsection.number == "1.1 "


def simplified_only(text: str) -> list[str]:
    return sorted({char for char in text if _S2TW.convert(char) != char})


def test_simplified_only_detects() -> None:
    assert simplified_only("保修期为18个月，服务热线") == ["个", "为", "务", "热", "线"]
    assert simplified_only("保固期為18個月，服務專線") == []


def test_zh_hant_has_no_simplified_characters(example: tuple[Profile, Letter]) -> None:
    profile, _source = example
    letter = compose(_traditional(profile), language="zh-Hant")
    text = letter_text(letter)
    assert simplified_only(text) == [], text


def test_zh_hant_uses_taiwan_procurement_words() -> None:
    profile = _profile(EXAMPLES[0])  # 例文1: a 招标 with warranty, hotline, response tiers
    text = letter_text(compose(profile, language="zh-Hant"))
    for word in ("機關", "投標廠商", "保固期", "驗收", "得標", "服務專線", "18個月", "契約"):
        assert word in text
    for word in ("招標人", "投標人", "質保期", "質量", "中標", "合同", "用戶", "我公司"):
        assert word not in text


def _fonts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return [line.split()[0].split("+", 1)[-1] for line in out.stdout.splitlines()[2:]]


@pytest.mark.slow
@pytest.mark.parametrize("language", sorted(FACES))
def test_pdf_embeds_only_the_language_faces(language: str, tmp_path: Path) -> None:
    # As a user renders: `aftersales render --language`. 例文2 has the flowchart (drawn in the
    # body face), 例文4 tables and a component warranty.
    projects = [str(e / "project.yaml") for e in (EXAMPLES[1], EXAMPLES[3])]
    args = ["render", *projects, "--language", language, "--format", "pdf", "-o", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert len(pdfs) == 2
    for pdf in pdfs:
        found = _fonts(pdf)
        assert found, pdf
        wrong = [face for face in found if not re.fullmatch(FACES[language], face)]
        assert not wrong, f"{pdf.name}: {found}"

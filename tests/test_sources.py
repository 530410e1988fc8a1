"""Behaviour of the safe YAML reader: text-only scalars, provenance, and every refusal."""

import random
import time
from pathlib import Path

import pytest

from generator.errors import InputError, Location
from generator.profiles.yamlreader import Document, dotted, load_document, parse_document


def problems(text: str | bytes, **limits: int) -> list[str]:
    """Parse `text` as x.yaml, expecting failure; return the rendered problem lines."""
    raw = text.encode() if isinstance(text, str) else text
    with pytest.raises(InputError) as caught:
        parse_document(raw, "x.yaml", **limits)
    return [str(p) for p in caught.value.problems]


def parse(text: str) -> Document:
    """Parse `text` as x.yaml, expecting success."""
    return parse_document(text.encode(), "x.yaml")


# --- scalars stay the exact text -----------------------------------------------------------


def test_scalars_keep_their_source_text() -> None:
    """YAML 1.1/1.2 typing never happens: booleans, octals, sexagesimals, floats stay text."""
    doc = parse(
        "a: NO\nb: 010010\nc: 1:30\nd: 1.10\ne: true\nf: 0x1F\ng: 1e3\n"
        "h: '010'\ni: \"it's\"\nj: 2024-01-01\n"
    )
    assert doc.data == {
        "a": "NO",
        "b": "010010",
        "c": "1:30",
        "d": "1.10",
        "e": "true",
        "f": "0x1F",
        "g": "1e3",
        "h": "010",
        "i": "it's",
        "j": "2024-01-01",
    }


def test_nulls_and_block_scalars() -> None:
    """`~`, `null` and an empty value are None; quoted empty stays ""; block text is exact."""
    doc = parse("a: ~\nb: null\nc:\nd: ''\ne: |\n  一行\n  两行\nf: >-\n  folded\n  text\n")
    assert doc.data == {
        "a": None,
        "b": None,
        "c": None,
        "d": "",
        "e": "一行\n两行\n",
        "f": "folded text",
    }


def test_nested_data_and_lists() -> None:
    """Mappings become dicts, sequences lists, flow and block alike."""
    doc = parse("steps:\n  - label: 接到报修\n    time: 1:30\n  - [a, b]\nempty: []\n")
    assert doc.data == {
        "steps": [{"label": "接到报修", "time": "1:30"}, ["a", "b"]],
        "empty": [],
    }


# --- provenance -----------------------------------------------------------------------------


def test_where_points_at_values_and_keys() -> None:
    """Each value's and each key's line and column, 1-based, in characters."""
    doc = parse("# 公司资料\ncompany:\n  name: 某某公司\n  city: 北京\n")
    assert doc.where[()] == Location("x.yaml", 2, 1)
    assert doc.where[("company",)] == Location("x.yaml", 3, 3)
    assert doc.where[("company", "name")] == Location("x.yaml", 3, 9)
    assert doc.where[("company", "city")] == Location("x.yaml", 4, 9)
    assert doc.key_where[("company", "city")] == Location("x.yaml", 4, 3)


def test_where_for_list_items() -> None:
    """List items are located by index, and their own keys by full path."""
    doc = parse("steps:\n  - label: 接到报修\n  - label: 到场\n    time: 2h\n")
    assert doc.where[("steps", 0)] == Location("x.yaml", 2, 5)
    assert doc.where[("steps", 1, "time")] == Location("x.yaml", 4, 11)
    assert doc.key_where[("steps", 1, "label")] == Location("x.yaml", 3, 5)


def test_empty_value_is_located_at_its_key() -> None:
    """ruamel marks an empty value on the next line; the key is where the user looks."""
    doc = parse("a:\nb: 1\n")
    assert doc.where[("a",)] == Location("x.yaml", 1, 1)


def test_locate_walks_up_to_the_nearest_known_path() -> None:
    """Missing keys are reported at their parent; unknown roots at the start of the file."""
    doc = parse("\n\ncompany:\n  name: X\n")
    assert doc.locate(("company", "phone")) == Location("x.yaml", 4, 3)
    assert doc.locate(("company", "name")) == Location("x.yaml", 4, 9)
    assert doc.locate(("nothing", 0)) == Location("x.yaml", 3, 1)
    assert Document("y.yaml", {}).locate(("a",)) == Location("y.yaml", 1, 1)


def test_bom_is_accepted_and_columns_stay_right() -> None:
    """A UTF-8 BOM (Windows Notepad) is dropped before columns are counted."""
    doc = parse_document("\ufeffa: 值\nb:\n  c: 1\n".encode(), "x.yaml")
    assert doc.data == {"a": "值", "b": {"c": "1"}}
    assert doc.where[("a",)] == Location("x.yaml", 1, 4)
    assert doc.where[("b", "c")] == Location("x.yaml", 3, 6)


def test_dotted() -> None:
    """Keys join with dots, list indexes go in brackets."""
    assert dotted(("commitments", "response_times", 0, "arrive")) == (
        "commitments.response_times[0].arrive"
    )
    assert dotted((0, "a")) == "[0].a"
    assert dotted(()) == ""


# --- refusals ---------------------------------------------------------------------------------


def test_duplicate_key() -> None:
    """The second occurrence is reported with the line of the first."""
    assert problems("company:\n  name: A\n  name: B\n") == [
        'x.yaml:3:3: company.name: duplicate key "name" (first defined at line 2)'
    ]


def test_anchor_alias_and_merge_key() -> None:
    """Anchors, aliases and `<<` are refused, all in one pass."""
    text = "base: &b\n  x: 1\ncopy: *b\nmerged:\n  <<: {y: 2}\n"
    assert problems(text) == [
        'x.yaml:1:7: base: anchor "&b" is not allowed; write the value out in full',
        'x.yaml:3:7: copy: alias "*b" is not allowed; write the value out in full',
        'x.yaml:5:3: merged: merge key "<<" is not allowed; write the keys out in full',
    ]


@pytest.mark.parametrize(
    ("text", "tag"),
    [("a: !!str 5\n", "!!str"), ("a: !!python/object x\n", "!!python/object"), ("a: !c x\n", "!c")],
)
def test_explicit_tags(text: str, tag: str) -> None:
    """Any tag, standard or custom, is refused where it is written."""
    assert problems(text) == [f'x.yaml:1:4: a: tag "{tag}" is not allowed; remove it']


def test_keys_must_be_text() -> None:
    """Complex keys (mapping or list) and a missing key are refused."""
    assert problems("? [a]\n: 1\n? {b: 1}\n: 2\n: 3\n") == [
        "x.yaml:1:3: a key must be plain text, not a list",
        "x.yaml:3:3: a key must be plain text, not a mapping",
        "x.yaml:5:1: a key is missing before the ':'",
    ]


def test_not_utf8() -> None:
    """The first bad byte is located by line and character column, with its byte offset."""
    assert problems("a: 好\nb: 坏".encode() + b"\xb5\xc4\n") == [
        "x.yaml:2:5: file is not UTF-8 text (byte 0xB5 at offset 13); save it as UTF-8"
    ]


def test_not_utf8_after_bom_counts_the_bom_in_the_offset() -> None:
    """The offset is into the file as saved, BOM included."""
    assert problems(b"\xef\xbb\xbfa: \xff\n") == [
        "x.yaml:1:4: file is not UTF-8 text (byte 0xFF at offset 6); save it as UTF-8"
    ]


def test_too_big() -> None:
    """The size limit is checked before anything is decoded."""
    assert problems(b"a: " + b"x" * (2 * 1_048_576)) == [
        "x.yaml: file is 2.0 MB, over the 1 MB limit"
    ]
    assert problems(b"a: 12345678\n", max_bytes=8) == [
        "x.yaml: file is 12 bytes, over the 8 bytes limit"
    ]


def test_too_deep() -> None:
    """Nesting beyond max_depth stops the read at the first level too deep."""
    assert problems("a:\n  b:\n    c: [1]\n", max_depth=3) == [
        "x.yaml:3:8: a.b.c: nested deeper than 3 levels"
    ]
    assert parse_document(b"a:\n  b:\n    c: 1\n", "x.yaml", max_depth=3).data == {
        "a": {"b": {"c": "1"}}
    }


def test_pathological_nesting_is_fast_to_refuse() -> None:
    """Deep brackets are refused at level 25; ruamel would need minutes to read them all."""
    text = b"a: " + b"[" * 20_000 + b"]" * 20_000
    start = time.perf_counter()
    [line] = problems(text)
    # Reading on through the nesting takes minutes; stopping at the limit takes milliseconds.
    assert time.perf_counter() - start < 5
    assert line.endswith("[0]: nested deeper than 24 levels")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n", 'x.yaml:1:1: top level must be a mapping of keys ("key: value"), not a list'),
        (
            "just text\n",
            'x.yaml:1:1: top level must be a mapping of keys ("key: value"), not a single value',
        ),
        ("", 'x.yaml:1:1: file is empty; expected a mapping of keys ("key: value")'),
        (
            "# only a comment\n",
            'x.yaml:1:1: file is empty; expected a mapping of keys ("key: value")',
        ),
    ],
)
def test_top_level_must_be_a_mapping(text: str, expected: str) -> None:
    """Lists, single values and empty files are refused."""
    assert problems(text) == [expected]


def test_more_than_one_document() -> None:
    """A second `---` is refused where it starts."""
    assert problems("a: 1\n---\nb: 2\n") == [
        "x.yaml:2:1: more than one YAML document in the file; keep one per file"
    ]


def test_directives_are_refused() -> None:
    """`%YAML 1.9` makes ruamel assert; directives are refused before parsing."""
    assert problems("%YAML 1.9\n---\na: 1\n") == [
        'x.yaml:1:1: YAML directive "%YAML" is not allowed'
    ]


def test_tab_indentation() -> None:
    """A tab in indentation is located exactly, instead of ruamel's token error."""
    assert problems("a:\n  \tb: 1\n") == [
        "x.yaml:2:3: indentation contains a tab; use spaces (缩进中含有制表符，请改用空格)"
    ]


def test_control_character() -> None:
    """Characters YAML cannot hold are named by code point."""
    assert problems("a: 1\nb: x\x07\n") == [
        "x.yaml:2:5: character U+0007 is not allowed in YAML text"
    ]


def test_syntax_error_is_one_readable_line() -> None:
    """ruamel's multi-line report becomes one problem at its mark."""
    assert problems("a: {x: 1\n") == [
        "x.yaml:2:1: YAML syntax error: expected ',' or '}', but got the end of the file"
        " (while parsing a flow mapping at line 1, column 4)"
    ]


def test_syntax_error_context_at_the_same_place_is_not_repeated() -> None:
    """No "at line 5, column 1" when that is the problem's own location."""
    assert problems("a: 1\nbad: [\n") == [
        "x.yaml:3:1: YAML syntax error: expected the node content, but found the end of the file"
        " (while parsing a flow node)"
    ]


def test_several_problems_at_once() -> None:
    """Independent problems are all reported, in file order."""
    text = "a: &x 1\nb:\n  c: !!int 2\n  c: 3\nd: *x\n"
    assert problems(text) == [
        'x.yaml:1:4: a: anchor "&x" is not allowed; write the value out in full',
        'x.yaml:3:6: b.c: tag "!!int" is not allowed; remove it',
        'x.yaml:4:3: b.c: duplicate key "c" (first defined at line 3)',
        'x.yaml:5:4: d: alias "*x" is not allowed; write the value out in full',
    ]


# --- Chinese input-method traps ---------------------------------------------------------------

COLON = (
    'full-width colon "：" used as key separator; use ":"'
    ' (全角冒号"："不能作为键值分隔符，请改用半角":")'
)
INDENT = (
    "indentation contains full-width space U+3000; use ordinary spaces"
    " (缩进中含有全角空格，请改用半角空格)"
)
SPACE = (
    'full-width space U+3000 after ":"; use an ordinary space (冒号后面是全角空格，请改用半角空格)'
)


def test_fullwidth_colon_that_breaks_parsing() -> None:
    """The trap is reported instead of the syntax error it causes on the next line."""
    assert problems("commitments:\n  warranty:\n    period： 1年\n    scope: 全部\n") == [
        f"x.yaml:3:11: {COLON}"
    ]


def test_fullwidth_colon_that_parses_as_text() -> None:
    """`warranty：18个月` alone would silently become a text value; it is caught anyway."""
    assert problems("commitments:\n  warranty：18个月\n") == [f"x.yaml:2:11: {COLON}"]


def test_fullwidth_colon_in_a_list_item_key() -> None:
    """After `- ` the key position is still checked."""
    assert problems("steps:\n  - label：接到报修\n") == [f"x.yaml:2:10: {COLON}"]


def test_fullwidth_colons_in_text_are_fine() -> None:
    """After a real `: `, in quotes, in block text, in prose items and continued lines."""
    doc = parse(
        "a: 联系方式：电话\n"
        'b: "period：1年"\n'
        "c: |\n  period：1年\n  　　我公司郑重承诺：\n"
        "d:\n  - 第一步：接到报修\n  - Tel：010-12345678\n"
        "e: 第一行\n  note：续行\n"
    )
    assert doc.data == {
        "a": "联系方式：电话",
        "b": "period：1年",
        "c": "period：1年\n\u3000\u3000我公司郑重承诺：\n",
        "d": ["第一步：接到报修", "Tel：010-12345678"],
        "e": "第一行 note：续行",
    }


def test_block_text_is_not_checked_when_the_file_does_not_parse() -> None:
    """Without a parse, block scalars are still recognised, so only the real error shows."""
    text = "intro: |\n  period：1年\n  　　我公司\nbad: [\n"
    assert problems(text) == [
        "x.yaml:5:1: YAML syntax error: expected the node content, but found the end of the file"
        " (while parsing a flow node)"
    ]


def test_fullwidth_space_in_indentation() -> None:
    """U+3000 before a key is located at its own column."""
    assert problems("company:\n  　name: X\n") == [f"x.yaml:2:3: {INDENT}"]


def test_fullwidth_space_after_colon() -> None:
    """`period:　1年` is one text to YAML; the U+3000 is the culprit."""
    assert problems("warranty:\n  period:　1年\n") == [f"x.yaml:2:10: {SPACE}"]


def test_fullwidth_colon_and_space_together() -> None:
    """Both characters are reported, so one fix is enough."""
    assert problems("warranty:\n  period：　1年\n") == [
        f"x.yaml:2:9: {COLON}",
        f"x.yaml:2:10: {SPACE}",
    ]


def test_traps_with_a_bom_keep_their_columns() -> None:
    """Lexical checks count columns after the BOM is dropped, like the parser does."""
    assert problems("\ufeffa:\n  b：1\n".encode()) == [f"x.yaml:2:4: {COLON}"]


def test_traps_and_other_problems_together() -> None:
    """Traps and structural problems from one pass come out together."""
    assert problems("a: 1\na: 2\nb:\n  c：x\n") == [
        'x.yaml:2:1: a: duplicate key "a" (first defined at line 1)',
        f"x.yaml:4:4: {COLON}",
    ]


# --- files --------------------------------------------------------------------------------------


def test_load_document_reads_a_file(tmp_path: Path) -> None:
    """The display name is what messages and locations use."""
    path = tmp_path / "company.yaml"
    path.write_bytes("company:\n  name: 某某公司\n".encode())
    doc = load_document(path, display="profiles/company.yaml")
    assert doc.file == "profiles/company.yaml"
    assert doc.data == {"company": {"name": "某某公司"}}
    assert doc.where[("company", "name")] == Location("profiles/company.yaml", 2, 9)
    assert load_document(path).file == str(path)


def test_load_document_refuses_a_big_file_with_its_real_size(tmp_path: Path) -> None:
    """Only max_bytes + 1 are read, but the message gives the size on disk."""
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * (3 * 1_048_576))
    with pytest.raises(InputError) as caught:
        load_document(path, display="big.yaml")
    assert str(caught.value) == "big.yaml: file is 3.0 MB, over the 1 MB limit"


def test_load_document_missing_file(tmp_path: Path) -> None:
    """An unreadable file is an input problem, not a traceback."""
    with pytest.raises(InputError) as caught:
        load_document(tmp_path / "nope.yaml", display="nope.yaml")
    assert str(caught.value) == "nope.yaml: cannot read file: No such file or directory"


# --- robustness -----------------------------------------------------------------------------------

_SEED = (
    "company:\n  name: 某某科技有限公司\n  phone: '010-12345678'\n"
    "commitments:\n  warranty:\n    period: 18个月\n  response_times:\n"
    "    - {level: 紧急, arrive: 2h}\n    - level: 一般\n      arrive: 8h\n"
    "intro: |\n  　　我公司郑重承诺：\n"
).encode()
_PIECES = [
    b":", "：".encode(), "\u3000".encode(), b"\t", b"- ", b"[", b"]", b"{", b"}", b"&a", b"*a",
    b"!!", b"|", b">", b'"', b"'", b"\n", b"#", b"? ", b"---", b"%YAML 1.9\n", b"\r", b"\xff",
    b"\x00", b"<<: ", b"\xef\xbb\xbf", b"\xe5",
]  # fmt: skip


def _mutant(rng: random.Random) -> bytes:
    if rng.random() < 0.1:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 60)))
    data = bytearray(_SEED)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(data))
        choice = rng.random()
        if choice < 0.5:
            data[at:at] = rng.choice(_PIECES)
        elif choice < 0.75:
            del data[at : at + rng.randint(1, 4)]
        else:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
    return bytes(data)


def test_any_bytes_give_a_document_or_an_input_error() -> None:
    """Fuzz: mutated profiles and random bytes never raise anything but InputError."""
    rng = random.Random(0)
    outcomes = {"document": 0, "error": 0}
    for _ in range(200):
        try:
            parse_document(_mutant(rng), "f.yaml")
            outcomes["document"] += 1
        except InputError as exc:
            assert exc.problems, "an InputError must carry at least one problem"
            outcomes["error"] += 1
    # Both branches must be exercised, or the fuzz proves nothing.
    assert outcomes["document"] > 0
    assert outcomes["error"] > 0

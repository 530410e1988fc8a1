"""The keyword table `import-tender` reads tenders with, loaded once from
`templates/intake/keywords.yaml` (data, so a word is added without touching the code)."""

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ruamel.yaml import YAML

from generator.resources import data_dir

__all__ = ["Grammar", "PathWords", "ScopeWords", "grammar"]


@dataclass(frozen=True)
class PathWords:
    path: str
    words: tuple[str, ...]
    value: str | None
    comparator: str | None
    flag: bool
    unit: str | None
    needs: tuple[str, ...]
    measures: tuple[str, ...]


@dataclass(frozen=True)
class ScopeWords:
    field: str
    value: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Grammar:
    fold_table: dict[int, str]
    sentence_end: str
    quotes: str
    trail: str
    page_footer: re.Pattern[str]
    marker_chars: str
    digits: str
    ten: str
    stems: str
    chapter: re.Pattern[str]
    clause_start: re.Pattern[str]
    sections: tuple[str, ...]
    obligations: tuple[str, ...]
    ignore: tuple[str, ...]
    procedure: tuple[str, ...]
    verbs: tuple[str, ...]
    relative: tuple[str, ...]
    comparators: dict[str, tuple[str, ...]]
    defines: tuple[str, ...]
    substantive: tuple[str, ...]
    not_substantive: tuple[str, ...]
    paths: tuple[PathWords, ...]
    values: dict[str, re.Pattern[str]]
    scopes: tuple[ScopeWords, ...]
    region: re.Pattern[str]
    scope_except: tuple[str, ...]
    scoring_row: re.Pattern[str]
    scoring_hint: re.Pattern[str]
    tier: re.Pattern[str]
    step: re.Pattern[str]
    document_name: re.Pattern[str]
    document_number: re.Pattern[str]

    def masked(self, text: str) -> str:
        """`text` (folded) with the `ignore` words blanked out, positions kept."""
        for word in self.ignore:
            text = text.replace(word, "_" * len(word))
        return text

    def fold(self, text: str) -> str:
        """Traditional characters as Simplified, one for one (positions stay the same)."""
        return text.translate(self.fold_table)

    def counting(self, n: int) -> str:
        """n in Chinese counting numerals (一, 十二, 二十一), as Word numbers 一、 lists."""
        if n < 10:
            return self.digits[n]
        tens, ones = divmod(n, 10)
        if tens >= 10:
            return str(n)
        head = "" if tens == 1 else self.digits[tens]
        return head + self.ten + (self.digits[ones] if ones else "")


def _words(raw: Any) -> tuple[str, ...]:
    return tuple(str(w) for w in raw)


@cache
def grammar() -> Grammar:
    raw: Any = YAML(typ="safe", pure=True).load(
        (data_dir("templates") / "intake" / "keywords.yaml").read_text(encoding="utf-8")
    )
    fold = {ord(pair[0]): pair[1] for pair in str(raw["traditional"]).split() if len(pair) == 2}
    return Grammar(
        fold_table=fold,
        sentence_end=str(raw["sentence_end"]),
        quotes=str(raw["quotes"]),
        trail=str(raw["trail"]),
        page_footer=re.compile(str(raw["page_footer"])),
        marker_chars=str(raw["marker_chars"]),
        digits=str(raw["numerals"]),
        ten=str(raw["ten"]),
        stems=str(raw["stems"]),
        chapter=re.compile(str(raw["chapter"])),
        clause_start=re.compile(str(raw["clause"])),
        sections=_words(raw["sections"]),
        obligations=_words(raw["obligations"]),
        ignore=_words(raw["ignore"]),
        procedure=_words(raw["procedure"]),
        verbs=_words(raw["marker_definition"]["verbs"]),
        relative=_words(raw["relative"]),
        comparators={k: _words(v) for k, v in raw["comparators"].items()},
        defines=_words(raw["marker_definition"]["defines"]),
        substantive=_words(raw["marker_definition"]["substantive"]),
        not_substantive=_words(raw["marker_definition"]["not_substantive"]),
        paths=tuple(
            PathWords(
                str(p["path"]),
                _words(p["words"]),
                p.get("value"),
                p.get("comparator"),
                bool(p.get("flag", False)),
                p.get("unit"),
                _words(p.get("needs", [])),
                _words(p.get("measures", [])),
            )
            for p in raw["paths"]
        ),
        values={k: re.compile(str(v)) for k, v in raw["values"].items()},
        scopes=tuple(
            ScopeWords(str(s["field"]), str(s["value"]), _words(s["words"])) for s in raw["scopes"]
        ),
        region=re.compile(str(raw["region"])),
        scope_except=_words(raw["scope_except"]),
        scoring_row=re.compile(str(raw["scoring"]["row"])),
        scoring_hint=re.compile(str(raw["scoring"]["hint"])),
        tier=re.compile(str(raw["scoring"]["tier"])),
        step=re.compile(str(raw["scoring"]["step"])),
        document_name=re.compile(str(raw["document"]["name"]), re.MULTILINE),
        document_number=re.compile(str(raw["document"]["number"])),
    )

"""Generated documentation and schemas must match the code that generates them."""

import pytest

from conftest import ROOT
from generator.app.reference import reference
from generator.tender.catalog import file_schema_text


def test_field_reference_is_current() -> None:
    text = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    assert text == reference(), "docs/profiles.md is stale: run `make docs`"


@pytest.mark.parametrize("kind", ["company", "project", "overlay", "tender"])
def test_bundled_schemas_are_current(kind: str) -> None:
    path = ROOT / "profiles" / "schemas" / f"{kind}.schema.json"
    assert path.read_text(encoding="utf-8") == file_schema_text(kind), "stale: run `make docs`"


def test_reference_documents_every_field_with_its_chinese_term() -> None:
    text = reference()
    for line in text.splitlines():
        if line.startswith("| `"):
            meaning = line.rsplit("|", 2)[-2]
            assert any("\u4e00" <= c <= "\u9fff" for c in meaning), line

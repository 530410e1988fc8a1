"""JSON Schemas of the file kinds, in draft-07 form so editors (VS Code YAML) can use them."""

import json
from typing import Any

from pydantic import BaseModel

from generator.models import CompanyFile, OverlayFile, ProjectFile

SCHEMA_KINDS = ("company", "project", "profile", "overlay", "tender")


def _model(kind: str) -> type[BaseModel]:
    if kind == "tender":
        from generator.tender import TenderFile

        return TenderFile
    models: dict[str, type[BaseModel]] = {"company": CompanyFile, "profile": ProjectFile}
    return models.get(kind, ProjectFile if kind == "project" else OverlayFile)


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind of file, with `definitions` instead of `$defs`."""
    schema = _model(kind).model_json_schema(ref_template="#/definitions/{model}")
    text = json.dumps(schema, ensure_ascii=False)
    out: dict[str, Any] = json.loads(text)
    defs = out.pop("$defs", None)
    result: dict[str, Any] = {"$schema": "http://json-schema.org/draft-07/schema#", **out}
    if defs:
        result["definitions"] = defs
    # Editors read the `# yaml-language-server: $schema=` comment, so no `$schema` key exists.
    return result


def schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n"

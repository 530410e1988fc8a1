"""JSON Schemas of the file kinds, in draft-07 form so editors (VS Code YAML) can use them."""

import json
from typing import Any

from generator.profiles.loading import model_for


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind of file, with `definitions` instead of `$defs`."""
    model = model_for("project" if kind == "profile" else kind)
    out = model.model_json_schema(ref_template="#/definitions/{model}")
    defs = out.pop("$defs", None)
    result: dict[str, Any] = {"$schema": "http://json-schema.org/draft-07/schema#", **out}
    if defs:
        result["definitions"] = defs
    # Editors read the `# yaml-language-server: $schema=` comment, so no `$schema` key exists.
    return result


def schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n"

"""JSON Schemas of the file kinds, in draft-07 form so editors (VS Code YAML) can use them."""

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from generator.profiles.loading import PROFILE_MODELS


def json_schema(
    kind: str, models: Mapping[str, type[BaseModel]] = PROFILE_MODELS
) -> dict[str, Any]:
    """The JSON Schema of one kind of file in `models` (generator.tender.loading.FILE_MODELS
    has every kind), with `definitions` instead of `$defs`."""
    model = models["project" if kind == "profile" else kind]
    out = model.model_json_schema(ref_template="#/definitions/{model}")
    defs = out.pop("$defs", None)
    result: dict[str, Any] = {"$schema": "http://json-schema.org/draft-07/schema#", **out}
    if defs:
        result["definitions"] = defs
    # Editors read the `# yaml-language-server: $schema=` comment, so no `$schema` key exists.
    return result


def schema_text(kind: str, models: Mapping[str, type[BaseModel]] = PROFILE_MODELS) -> str:
    return json.dumps(json_schema(kind, models), ensure_ascii=False, indent=2) + "\n"

"""JSON Schemas of the file kinds, in draft-07 form so editors (VS Code YAML) can use them."""

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from generator.profiles.identity import REMOVE, REMOVE_KEY, identity_of
from generator.profiles.loading import PROFILE_MODELS


def json_schema(
    kind: str, models: Mapping[str, type[BaseModel]] = PROFILE_MODELS
) -> dict[str, Any]:
    """The JSON Schema of one kind of file in `models` (generator.tender.loading.FILE_MODELS
    has every kind), with `definitions` instead of `$defs`."""
    kind = "project" if kind == "profile" else kind
    model = models[kind]
    out = model.model_json_schema(ref_template="#/definitions/{model}")
    defs = out.pop("$defs", None)
    result: dict[str, Any] = {"$schema": "http://json-schema.org/draft-07/schema#", **out}
    if defs:
        result["definitions"] = defs
    if kind in ("project", "overlay"):
        _allow_layering(result)
    # Editors read the `# yaml-language-server: $schema=` comment, so no `$schema` key exists.
    return result


def _allow_layering(schema: dict[str, Any]) -> None:
    """What a file layered over another may write (see loading): an item of a named list
    with only its name fields and the values it changes, `remove: true` on such an item,
    and `~remove` for any commitment."""
    defs: dict[str, Any] = schema.get("definitions", {})
    keyed: dict[str, tuple[str, ...]] = {}
    commitments: set[str] = set()

    def walk(node: Any, path: tuple[str | int, ...], seen: frozenset[str]) -> None:
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if path[:1] == ("commitments",):
                commitments.add(name)
            if path and isinstance(path[-1], int):
                identity = identity_of(path[:-1])
                if identity is not None:
                    keyed[name] = identity.fields
            if name not in seen:
                walk(defs.get(name), path, seen | {name})
            return
        for option in node.get("anyOf", []):
            walk(option, path, seen)
        if "items" in node:
            walk(node["items"], (*path, 0), seen)
        for key, sub in node.get("properties", {}).items():
            walk(sub, (*path, key), seen)

    walk(schema, (), frozenset())
    for name in sorted(commitments):
        # Only an item's name fields are needed: the rest may come from the file below.
        item = defs[name]
        item["required"] = [f for f in item.get("required", []) if f in keyed.get(name, ())]
        if not item["required"]:
            item.pop("required")
        if name in keyed:
            item["properties"][REMOVE_KEY] = {
                "const": True,
                "description": f"{REMOVE_KEY}: true removes the item of this name from below.",
            }
        for key, prop in item.get("properties", {}).items():
            if key == REMOVE_KEY or key in keyed.get(name, ()):
                continue  # a name field names the item; it cannot be removed
            if str(prop.get("items", {}).get("$ref", "")).rsplit("/", 1)[-1] in keyed:
                prop.pop("minItems", None)  # one step may change; the merged list is checked
            outer = {k: prop.pop(k) for k in ("description", "default", "title") if k in prop}
            options = prop.pop("anyOf", None) or [dict(prop)]
            prop.clear()
            prop.update(outer, anyOf=[*options, {"const": REMOVE}])


def schema_text(kind: str, models: Mapping[str, type[BaseModel]] = PROFILE_MODELS) -> str:
    return json.dumps(json_schema(kind, models), ensure_ascii=False, indent=2) + "\n"

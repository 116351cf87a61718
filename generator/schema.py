"""JSON Schemas for editors, generated from the same models that validate the files.

An editor with yaml-language-server completes keys and flags mistakes while a
coordinator types, long before `mentorkit validate` runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .model import Programme, Topic

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
FILES: dict[str, type[BaseModel]] = {
    "topic.schema.json": Topic,
    "programme.schema.json": Programme,
}


def schema_for(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of a topic or programme file, with `extends` allowed."""
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = SCHEMA_DRAFT
    name = "topic module" if model is Topic else "programme"
    schema["title"] = f"mentorkit {name}"
    properties: dict[str, Any] = schema["properties"]
    properties["extends"] = {
        "type": ["string", "null"],
        "description": f"Build on another {name}: give its id and only the fields that change.",
    }
    required = schema.pop("required", [])
    # A file that extends another needs none of the required fields: they are inherited.
    schema["if"] = {"required": ["extends"], "properties": {"extends": {"type": "string"}}}
    schema["then"] = {}
    schema["else"] = {"required": required}
    return schema


def write_schemas(folder: Path) -> list[Path]:
    """Write one schema file per kind of YAML file; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, model in FILES.items():
        path = folder / filename
        text = json.dumps(schema_for(model), indent=2, sort_keys=True, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
        written.append(path)
    return written

"""The format reference: every key of the programme and topic files, in words.

Generated from the JSON Schemas, which are generated from the models that validate the
files, so the reference cannot drift from what mentorkit accepts. `docs/format.md` in the
repository and the site's *Format reference* page are this text; a test checks that the
committed file is current (`make reference` writes it again).
"""

from __future__ import annotations

import json
import re
from typing import Any

from .placeholders import PLACEHOLDERS
from .schema import FILES, schema_for

INTRO = """\
# Format reference

Every key of a programme file (`program.yaml`, or a file in `curriculum/`) and of a topic
module (`topics/<area>/<id>.yaml`), with its type, its default and what it changes. Generated
from the same models that validate your files and from which `mentorkit schema` writes the
JSON Schemas for editors, so it always matches what `mentorkit validate` accepts.

Keys not listed are refused. A file that has `extends:` needs none of the required keys: it
inherits them. Two YAML tags control how a file layers on the one it extends: `!reset` drops
an inherited value (`checkpoints: !reset []`, or a list item `- !reset {id: old-track}`), and
`!override` replaces it instead of merging (`tracks: !override [...]`). `mentorkit explain`
shows the merged programme and where each value came from.
"""

PLACEHOLDER_INTRO = """\
## Placeholders in text

Any text may hold a placeholder in braces, which mentorkit fills in from the programme when
it builds. Text written once then reads right in every programme that uses it: the built-in
workshops say `Plan a {session_minutes}-minute session` and `{Mentee} orientation`, which
become *Plan a 45-minute session* and *Senior leader orientation* in a programme of
45-minute sessions whose `roles.mentee` is *Senior leader*. `a {mentee}` becomes *an
executive* where the label needs it. `mentorkit validate` reports a name it does not know.
Write `{{` and `}}` for a brace that is meant as it is. A text that starts with a
placeholder, or one in a list written in brackets, needs quotes:
`title: "{Mentee} orientation"`.
"""

_TITLES = {"programme.schema.json": "Programme file", "topic.schema.json": "Topic module"}


def reference() -> str:
    """The whole reference as Markdown."""
    parts = [INTRO, PLACEHOLDER_INTRO, _placeholders()]
    for filename, model in FILES.items():
        schema = schema_for(model)
        definitions: dict[str, Any] = schema.get("$defs", {})
        title = _TITLES[filename]
        parts.append(f"## {title}\n")
        parts.append(_table(schema, definitions, root=True))
        for name in _reachable(schema, definitions):
            parts.append(f"### {_heading(name)} {{#{_anchor(name)}}}\n")
            described = definitions[name].get("description")
            if described:
                parts.append(_one_line(described) + "\n")
            parts.append(_table(definitions[name], definitions))
    return "\n".join(parts).rstrip() + "\n"


def _placeholders() -> str:
    rows = ["| placeholder | stands for |", "| --- | --- |"]
    rows += [f"| `{{{name}}}` | {_one_line(what)} |" for name, what in PLACEHOLDERS.items()]
    return "\n".join(rows) + "\n"


def _reachable(schema: dict[str, Any], definitions: dict[str, Any]) -> list[str]:
    """The definitions a schema uses, in the order a reader meets them."""
    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if name not in found:
                    found.append(name)
                    visit(definitions[name])
            for key, value in node.items():
                if key != "$defs":
                    visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(schema.get("properties", {}))
    return found


def _table(schema: dict[str, Any], definitions: dict[str, Any], *, root: bool = False) -> str:
    required = set(schema.get("required", []))
    if root:
        required = set(schema.get("else", {}).get("required", []))
    rows = ["| key | type | default | what it is |", "| --- | --- | --- | --- |"]
    for key, spec in schema.get("properties", {}).items():
        kind = _type(spec, definitions)
        default = "required" if key in required else _default(spec)
        description = _one_line(spec.get("description", ""))
        examples = spec.get("examples")
        if examples:
            description += f" Example: `{_yaml(examples[0])}`."
        rows.append(f"| `{key}` | {kind} | {default} | {description} |")
    return "\n".join(rows) + "\n"


def _type(spec: dict[str, Any], definitions: dict[str, Any]) -> str:
    if "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[-1]
        return f"[{_heading(name).lower()}](#{_anchor(name)})"
    if "anyOf" in spec or "oneOf" in spec:
        choices: list[dict[str, Any]] = spec.get("anyOf") or spec["oneOf"]
        kinds = [_type(s, definitions) for s in choices if s.get("type") != "null"]
        return " or ".join(dict.fromkeys(kinds)) or "nothing"
    if "enum" in spec:
        return "one of " + ", ".join(f"`{v}`" for v in spec["enum"])
    if "const" in spec:
        return f"`{spec['const']}`"
    kind = spec.get("type")
    if kind == "array":
        return f"list of {_type(spec.get('items', {}), definitions)}"
    if kind == "object":
        extra = spec.get("additionalProperties")
        if isinstance(extra, dict):
            return f"mapping of names to {_type(extra, definitions)}"
        return "mapping"
    if kind == "string":
        form = spec.get("format")
        if form == "date":
            return "date (YYYY-MM-DD)"
        if spec.get("pattern") == r"^#[0-9a-fA-F]{6}$":
            return "colour (`#rrggbb`)"
        if spec.get("pattern", "").startswith("^([01]"):
            return 'time of day (`"HH:MM"`)'
        if spec.get("pattern", "").startswith("^[a-z0-9]+"):
            return "id (`lowercase-words`)"
        return "text"
    if kind == "integer":
        low, high = spec.get("minimum"), spec.get("maximum")
        bounds = f" ({low}–{high})" if low is not None and high is not None else ""
        return f"whole number{bounds}"
    if kind == "number":
        return "number"
    if kind == "boolean":
        return "`true` or `false`"
    return "any value"


def _default(spec: dict[str, Any]) -> str:
    if "default" not in spec:
        return "—"
    value = spec["default"]
    if value is None or value == [] or value == {}:
        return "none"
    return f"`{_yaml(value)}`"


def _yaml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False).replace('"', "")


def _heading(name: str) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name)
    return words[0].upper() + words[1:].lower()


def _anchor(name: str) -> str:
    return "key-" + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")

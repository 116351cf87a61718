"""`mentorkit explain`: the merged programme, each value with the file and line it came
from, the way `git config --show-origin` shows where a setting was made."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .errors import Place, UsageError
from .model import Programme
from .schema import schema_for
from .yamlsource import Node


@dataclass(frozen=True)
class Origin:
    key: str  # a dotted path: schedule.start, tracks.digital-foundations.topics
    value: str  # the value as YAML would write it
    where: str  # path:line (`built-in:` before a file of the built-in library)


def origins(programme: Node, key: str | None = None) -> list[Origin]:
    """Every value under `key` (all of them without one), in file order; none for a key
    the format has but no file sets (`unset` says what it is for)."""
    found = list(_walk(programme, ""))
    if key:
        wanted = key.replace("[", ".").replace("]", "")
        found = [o for o in found if o.key == wanted or o.key.startswith(wanted + ".")]
        if found:
            return found
        within = _within_list(programme, wanted)
        if isinstance(within, str):
            raise UsageError(within)
        if within is not None:
            return [within]
        if _field(wanted) is None:
            tops = sorted({o.key.split(".")[0] for o in _walk(programme, "")})
            raise UsageError(
                f"the programme has no key {key!r}; its keys are {', '.join(tops)} "
                "(go deeper with dots: schedule.start, tracks.<track id>.topics)"
            )
    return found


def unset(key: str) -> str:
    """What to tell about a key of the format that no file of the programme sets."""
    wanted = key.replace("[", ".").replace("]", "")
    field = _field(wanted) or {}
    text = f"{key}: not set; no file of this programme gives it"
    described = field.get("description")
    if described:
        text += f". It is for: {described}"
    default = field.get("default")
    if default is not None and not isinstance(default, (dict, list)):
        text += f" Without it, mentorkit uses `{_yaml(Node(default, _NOWHERE))}`."
    return (
        f"{text} To set it, add it to program.yaml (the site's Format reference page "
        "describes every key)."
    )


_NOWHERE = Place("")

#: What one item of a list of the programme is called, by the list's key.
_ITEM_NOUNS = {
    "tracks": "track",
    "checkpoints": "checkpoint",
    "events": "event",
    "contacts": "contact",
    "goals": "goal",
    "areas": "area",
    "topics": "topic",
    "onboarding": "workshop topic",
    "pool": "topic or area",
    "skip": "date",
}


def _within_list(programme: Node, wanted: str) -> Origin | str | None:
    """Where a dotted key goes through a list of the programme: why no item of it fits
    (an id the list does not have, a number past its end) as a sentence; the whole list
    when the key names one of its plain values (`tracks.data.topics.dashboards`); None
    when no list is in the way (the key is unset, or not in the format at all)."""
    node = programme
    parts = wanted.split(".")
    for depth, part in enumerate(parts):
        where = ".".join(parts[:depth])
        if isinstance(node.value, dict):
            child = node.value.get(part)
            if child is None or child.merge == "reset":
                return None
            node = child
            continue
        if not isinstance(node.value, list):
            return None  # a plain value: asked deeper than it goes
        items = [item for item in node.value if item.merge != "reset"]
        noun = _ITEM_NOUNS.get(where.rsplit(".", 1)[-1], "item")
        asked = part if part.isdigit() else repr(part)
        if any(isinstance(item.value, dict) for item in node.value):  # as `_walk` names them
            labels = [_label(item, index) for index, item in enumerate(items)]
            if part in labels:
                node = items[labels.index(part)]
                continue
            ids = [label for label in labels if not label.isdigit()]
            if ids:
                rest = ".".join(parts[depth + 1 :])
                return (
                    f"{wanted}: there is no {noun} {asked} in {where}; its {noun}s are "
                    f"{', '.join(ids)} (such as {where}.{ids[0]}{'.' + rest if rest else ''})"
                )
            return f"{wanted}: there is no {noun} {asked} in {where}: {_numbered(where, labels)}"
        # A list of plain values (topic ids, dates) is shown whole, as it is written.
        values = [_yaml(item) for item in items]
        if depth + 1 == len(parts) and (part in values or _is_index(part, len(items))):
            return Origin(where, _yaml(node), f"{node.place.path}:{node.place.line}")
        return (
            f"{wanted}: there is no {noun} {asked} in {where}: "
            + (f"it lists {', '.join(values)}" if values else "it is empty")
            + f" (`mentorkit explain {where}` shows where it is set)"
        )
    return None


def _label(item: Node, index: int) -> str:
    """How `_walk` names an item of a list: by its id, or else by its place from 0."""
    label = item.scalar("id") if isinstance(item.value, dict) else None
    return label if isinstance(label, str) else str(index)


def _is_index(part: str, length: int) -> bool:
    return part.isdigit() and int(part) < length


def _numbered(where: str, labels: list[str]) -> str:
    """The items of a list without ids, as `explain` numbers them (from 0)."""
    if not labels:
        return "it is empty"
    if len(labels) == 1:
        return f"it has one, {where}.0"
    between = "and" if len(labels) == 2 else "to"
    return f"it has {len(labels)}, counted from 0: {where}.0 {between} {where}.{len(labels) - 1}"


def _field(key: str) -> dict[str, Any] | None:
    """The JSON Schema of a dotted programme key (`schedule.skip`, `tracks.<id>.topics`),
    or None where the programme format has no such key."""
    schema = schema_for(Programme)
    definitions: dict[str, Any] = schema.get("$defs", {})
    node: dict[str, Any] = schema
    parts = key.split(".")
    index = 0
    while index < len(parts):
        node = _resolved(node, definitions)
        properties = node.get("properties")
        if not isinstance(properties, dict) or parts[index] not in properties:
            return None
        node = properties[parts[index]]
        index += 1
        items = _resolved(node, definitions).get("items")
        if isinstance(items, dict) and index < len(parts):
            item = _resolved(items, definitions)
            if "properties" not in item:
                return None
            node, index = item, index + 1  # the item's id or index, then its keys
    return node


def _resolved(node: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """A schema with its `$ref` followed and an optional (`anyOf` with null) or a choice of
    shapes (`oneOf`: one region or a list of them) unwrapped to its first, keeping the
    description and default written beside them."""
    for choice in (*node.get("anyOf", []), *node.get("oneOf", [])):
        if choice.get("type") != "null":
            return {**_resolved(choice, definitions), **_kept(node)}
    ref = node.get("$ref")
    if isinstance(ref, str):
        return {**definitions[ref.rsplit("/", 1)[-1]], **_kept(node)}
    return node


def _kept(node: dict[str, Any]) -> dict[str, Any]:
    return {k: node[k] for k in ("description", "default") if k in node}


def _walk(node: Node, path: str) -> Iterator[Origin]:
    if isinstance(node.value, dict):
        for name, child in node.value.items():
            if child.merge != "reset":
                yield from _walk(child, f"{path}.{name}" if path else name)
        return
    if isinstance(node.value, list) and any(isinstance(i.value, dict) for i in node.value):
        for index, item in enumerate(i for i in node.value if i.merge != "reset"):
            yield from _walk(item, f"{path}.{_label(item, index)}")
        return
    yield Origin(path, _yaml(node), f"{node.place.path}:{node.place.line}")


def _yaml(node: Node) -> str:
    if isinstance(node.value, list):
        return "[" + ", ".join(_yaml(item) for item in node.value) + "]"
    value = node.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if _needs_quotes(value) else value
    return json.dumps(value)


def _needs_quotes(text: str) -> bool:
    return not text or text != text.strip() or any(c in text for c in ":#[]{},&*!|>'\"%@`\n")

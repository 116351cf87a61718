"""`mentorkit explain`: the merged programme, each value with the file and line it came
from, the way `git config --show-origin` shows where a setting was made."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import UsageError
from .yamlsource import Node


@dataclass(frozen=True)
class Origin:
    key: str  # a dotted path: schedule.start, tracks.digital-foundations.topics
    value: str  # the value as YAML would write it
    where: str  # path:line (`built-in:` before a file of the built-in library)


def origins(programme: Node, key: str | None = None) -> list[Origin]:
    """Every value under `key` (all of them without one), in file order."""
    found = list(_walk(programme, ""))
    if key:
        wanted = key.replace("[", ".").replace("]", "")
        found = [o for o in found if o.key == wanted or o.key.startswith(wanted + ".")]
        if not found:
            tops = sorted({o.key.split(".")[0] for o in _walk(programme, "")})
            raise UsageError(
                f"the programme has no key {key!r}; its keys are {', '.join(tops)} "
                "(go deeper with dots: schedule.start, tracks.<track id>.topics)"
            )
    return found


def _walk(node: Node, path: str) -> Iterator[Origin]:
    if isinstance(node.value, dict):
        for name, child in node.value.items():
            if child.merge != "reset":
                yield from _walk(child, f"{path}.{name}" if path else name)
        return
    if isinstance(node.value, list) and any(isinstance(i.value, dict) for i in node.value):
        for index, item in enumerate(i for i in node.value if i.merge != "reset"):
            label = item.scalar("id") if isinstance(item.value, dict) else None
            yield from _walk(item, f"{path}.{label if isinstance(label, str) else index}")
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

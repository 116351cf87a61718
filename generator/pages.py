"""Each page's Markdown, kept from the last build with the inputs its render read.

A page's render reads data every page shares (the programme, the plan, the timeline's
shape, the templates and translations, mentorkit's own code: one digest for all) and some
topics. The template sandbox notes every topic whose data a render reads: an attribute
of the topic or of anything in it (a session, an agenda item), reached by any path (the
page's own context, the list of all topics, the timeline), or printed whole. The next
build renders a page again only when the shared digest changed or a topic it read did;
otherwise its Markdown is the last build's: the text a render would give again. So an
edit to one topic's text renders that topic's pages and the pages that list or show it.

Not seen: a topic read by the top level of an imported template (outside its macros),
which Jinja runs once per build for the first page that imports it; the built-in
templates read data in macros only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel

from . import __version__
from .artefacts import Artefact
from .render import Renderer

_EVERY_TOPIC = "*"  # the owner of something two topics share: a read of it reads them all


class KeptPages:
    """The pages the last build kept at `path`, and this build's, kept by `save`."""

    def __init__(self, path: Path | None, renderer: Renderer) -> None:
        self.renderer = renderer
        self.rendered = 0  # pages rendered in this build (the others were kept)
        project = renderer.project
        owners: dict[int, str] = {}
        for topic_id, topic in project.topics.items():
            _own(topic, topic_id, owners)
        self.owners = owners
        self.topics = {
            topic_id: hashlib.sha256(topic.model_dump_json().encode()).hexdigest()
            for topic_id, topic in project.topics.items()
        }
        self.topics[_EVERY_TOPIC] = hashlib.sha256(
            "\0".join(f"{k}={v}" for k, v in sorted(self.topics.items())).encode()
        ).hexdigest()
        self.shared = _shared_digest(renderer, owners)
        self.known: dict[str, Any] = {}
        if path is not None:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            if isinstance(data, dict) and data.get("shared") == self.shared:
                pages = data.get("pages")
                self.known = pages if isinstance(pages, dict) else {}
        self.made: dict[str, Any] = {}

    def markdown(self, artefact: Artefact) -> str:
        """The page's Markdown: the last build's when nothing it read changed."""
        entry = self.known.get(artefact.key)
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("reads"), dict)
            and isinstance(entry.get("text"), str)
            and all(self.topics.get(t) == d for t, d in entry["reads"].items())
        ):
            self.made[artefact.key] = entry
            return str(entry["text"])
        env = self.renderer.markdown_env
        reads: set[str] = set()
        for value in _values(artefact.context.values()):  # given, even if not looked at
            owner = self.owners.get(id(value))
            if owner is not None:
                reads.add(owner)
        env.owners, env.reads = self.owners, reads
        try:
            text = self.renderer.markdown(artefact)
        finally:
            env.reads = None
        self.rendered += 1
        self.made[artefact.key] = {
            "reads": {t: self.topics[t] for t in sorted(reads)},
            "text": text,
        }
        return text

    def save(self, path: Path) -> None:
        """Keep this build's pages at `path` (only those: the file does not grow)."""
        data = {"shared": self.shared, "pages": self.made}
        temporary = path.with_name(f".tmp-{path.name}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            temporary.replace(path)
        except OSError:
            temporary.unlink(missing_ok=True)


def _values(values: Iterable[Any]) -> Iterable[Any]:
    for value in values:
        yield value
        if isinstance(value, list | tuple):
            yield from value
        elif isinstance(value, dict):
            yield from value.values()


def _own(value: Any, owner: str, owners: dict[int, str]) -> None:
    """Note `owner` as the topic of every model and container inside `value`."""
    if isinstance(value, BaseModel):
        items: Iterable[Any] = [getattr(value, name) for name in _fields(type(value))]
    elif isinstance(value, list | tuple):
        items = value
    elif isinstance(value, dict):
        items = value.values()
    else:
        return
    key = id(value)
    owners[key] = owner if owners.get(key, owner) == owner else _EVERY_TOPIC
    for item in items:
        if type(item) not in _ATOMS:
            _own(item, owner, owners)


#: Values with nothing inside them: neither owned nor walked into.
_ATOMS = frozenset({str, int, float, bool, type(None)})


def _fields(kind: type) -> tuple[str, ...]:
    """The names of a model's or a data class's fields (those a `repr` shows), per class."""
    known = _FIELDS.get(kind)
    if known is None:
        if issubclass(kind, BaseModel):
            known = tuple(kind.model_fields)
        else:
            known = tuple(f.name for f in dataclasses.fields(cast(Any, kind)) if f.repr)
        _FIELDS[kind] = known
    return known


_FIELDS: dict[type, tuple[str, ...]] = {}


#: Libraries whose version changes what a template makes of the same data.
_LIBRARIES = ("jinja2", "babel", "markupsafe", "pydantic")


def _shared_digest(renderer: Renderer, owners: dict[int, str]) -> str:
    """What every page may read besides topics: the data templates see (a topic, or a
    part of one, by name only: its content is the topics' digests), the plan, the
    templates and catalogues, the language, mentorkit's code and the libraries' versions."""
    hasher = hashlib.sha256(f"{__version__}\0{renderer.locale}\0{renderer.pdf}\0".encode())
    for name in _LIBRARIES:
        hasher.update(f"{name}={metadata.version(name)}\0".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        hasher.update(path.read_bytes())
    for path in renderer.sources:
        hasher.update(f"{path}\0".encode())
        hasher.update(path.read_bytes())
    # The globals hold the plan (and the timeline, the programme): walked once.
    data = dict(renderer.markdown_env.globals)
    if data.get("plan") is not renderer.plan:
        data["the plan"] = renderer.plan
    hasher.update(_shape(data, owners).encode())
    return hasher.hexdigest()


def _shape(value: Any, owners: dict[int, str]) -> str:
    """A text that changes whenever `value` does, topics' content left out."""
    parts: list[str] = []
    _walk(value, owners, parts, 0)
    return "".join(parts)


def _walk(value: Any, owners: dict[int, str], parts: list[str], depth: int) -> None:
    if depth > 50:
        raise ValueError("data too deep to digest")
    kind = type(value)
    if kind in _ATOMS:
        parts.append(repr(value))
        return
    owner = owners.get(id(value))
    if owner is not None and not isinstance(value, str):
        parts.append(f"<{owner} {kind.__name__} {getattr(value, 'id', '')}>")
        return
    if isinstance(value, BaseModel) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type)
    ):
        parts.append(f"{kind.__name__}(")
        for name in _fields(kind):
            parts.append(f"{name}=")
            item = getattr(value, name)
            if type(item) in _ATOMS:  # most values: no call for them
                parts.append(repr(item))
            else:
                _walk(item, owners, parts, depth + 1)
        parts.append(")")
    elif isinstance(value, dict):
        parts.append("{")
        for key, item in value.items():
            parts.append(f"{key!r}:")
            if type(item) in _ATOMS:
                parts.append(repr(item))
            else:
                _walk(item, owners, parts, depth + 1)
        parts.append("}")
    elif isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        parts.append("[")
        for item in items:
            if type(item) in _ATOMS:
                parts.append(repr(item))
            else:
                _walk(item, owners, parts, depth + 1)
            parts.append(",")
        parts.append("]")
    elif callable(value):
        parts.append(f"<{getattr(value, '__qualname__', kind.__name__)}>")
    else:
        parts.append(repr(value))

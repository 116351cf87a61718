"""The first phase: read every file of every layer, merge, validate, check; or report.

`load_project` either returns a `Project` that rendering can trust, or raises
`InvalidProject` with every problem found, each with its place.
"""

from __future__ import annotations

import difflib
import itertools
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from . import checks, glyphs, i18n, personal, placeholders
from .errors import Place, Problem, Problems, shorten
from .layers import (
    BUILT_IN,
    Layer,
    ProjectLocation,
    builtin_layer,
    builtin_programmes,
    locate,
    merge,
    pack_layer,
    unused_templates,
    with_value,
    without,
)
from .model import CLOCK, COLOUR, COUNTRY, KEBAB_CASE, SOURCE_DATE, Programme, Project, Topic
from .salvage import Broken, salvage, untagged
from .timing import fit
from .yamlsource import Loc, Node, Source, load, place_of, to_plain

M = TypeVar("M", bound=BaseModel)


def load_project(project: Path | str | None = None) -> Project:
    """Load, merge and validate a project; raise `InvalidProject` listing every problem."""
    location = locate(Path(project) if project is not None else None)
    problems = Problems()
    loader = _Loader(location, problems)
    result = loader.run()
    problems.raise_if_any(hint=_inherited)
    assert result is not None
    return result


def _inherited(problem: Problem) -> Problem:
    """A problem in a file of the built-in library, found in a project of the user's own,
    says where it came from and where to change it."""
    if not problem.place.path.startswith(f"{BUILT_IN}:"):
        return problem
    return Problem(
        problem.place,
        f"{problem.message} (inherited from mentorkit's built-in library: change it from your "
        "own files, in program.yaml or a topic file with `extends:`, or leave it out with "
        "`!reset`)",
    )


def fitted(topics: dict[str, Topic], minutes: int) -> dict[str, Topic]:
    """Every pair topic with its sessions scaled to the programme's slot, where they fit
    (where the programme uses one that does not, validation has said so)."""
    result: dict[str, Topic] = {}
    for topic_id, topic in topics.items():
        if topic.is_workshop:
            result[topic_id] = topic
            continue
        sessions = [fit(session, minutes) for session in topic.sessions]
        if any(isinstance(s, str) for s in sessions):
            result[topic_id] = topic
        else:
            result[topic_id] = topic.model_copy(update={"sessions": sessions})
    return result


def merged_programme(project: Path | str | None = None) -> Node:
    """The programme as its layers merge it (`extends`, `!reset`, `!override`), before
    validation, every value with the place it came from: what `mentorkit explain` shows."""
    location = locate(Path(project) if project is not None else None)
    problems = Problems()
    node = _Loader(location, problems)._programme_node()
    problems.raise_if_any()
    assert node is not None
    return node


@dataclass
class _TopicEntry:
    layer: int
    source: Source
    node: Node
    id: str | None
    extends: str | None
    named: bool = True  # the file gives its `id` (else it is the id it extends)


@dataclass
class _Loader:
    location: ProjectLocation
    problems: Problems
    places: dict[str, dict[Loc, Place]] = field(default_factory=dict)
    #: Ids of every topic file read, valid or not: a track naming one whose file has a
    #: problem gets no second error saying there is no such topic.
    topic_ids: set[str] = field(default_factory=set)
    own_topics: frozenset[str] = frozenset()
    layers: tuple[Layer, ...] = ()
    #: Of each file that failed validation, its data and the error (see `_salvage`).
    failed: dict[str, tuple[object, ValidationError]] = field(default_factory=dict)

    def _with_packs(self, programme: Node | None) -> tuple[Layer, ...]:
        """Built-in library, then the packs the programme names, then the project."""
        builtin, *rest = self.location.layers
        packs_node = programme.get("packs") if programme else None
        if packs_node is None or not isinstance(packs_node.value, list):
            return self.location.layers
        packs: list[Layer] = []
        for item in packs_node.value:
            if not isinstance(item.value, str):
                continue  # validation reports it
            found = pack_layer(item.value, self.location.root)
            if isinstance(found, str):
                self.problems.add(item.place, f"packs: {found}")
            elif found.root not in {layer.root for layer in packs}:
                packs.append(found)
        return (builtin, *packs, *rest)

    def run(self) -> Project | None:
        programme_node = self._programme_node()
        self.layers = self._with_packs(programme_node)
        for layer in self.layers:
            for path in layer.escapes():
                self.problems.add(
                    layer.source(path).place(),
                    "this is a link to a place outside the project or pack, which mentorkit "
                    "does not read; copy the file itself into the folder instead",
                )
        i18n.check_catalogs(
            (
                (layer.templates_dir, layer.source(layer.templates_dir).display)
                for layer in self.layers
                if layer.kind != "built-in"
            ),
            self.problems,
        )
        topic_nodes = self._topic_nodes()
        programme = checked = None
        broken: dict[str, Broken] = {}
        if programme_node is not None:
            programme = self._validate(Programme, programme_node, "programme")
            checked = programme
            if programme is None:
                checked, broken["programme"] = self._salvage(
                    Programme, "programme", {"id": "invalid", "title": "invalid"}
                )
        topics: dict[str, Topic] = {}
        checked_topics: dict[str, Topic] = {}
        for topic_id, node in sorted(topic_nodes.items()):
            topic = self._validate(Topic, node, f"topic:{topic_id}")
            if topic is not None:
                topics[topic_id] = checked_topics[topic_id] = topic
                continue
            key = f"topic:{topic_id}"
            checked_topics[topic_id], broken[key] = self._salvage(
                Topic, key, {"id": topic_id, "sessions": [], "objectives": []}
            )
        for checked_node in [programme_node, *topic_nodes.values()]:
            if checked_node is not None:
                checks.links(checked_node, self.problems)
                placeholders.check(checked_node, self.problems)
        loaded = checks.Loaded(
            programme=checked,
            topics=checked_topics,
            known=frozenset(topic_nodes) | self.topic_ids,
            root=self.location.root,
            source=self.location.programme,
            places=self.places,
            own=self.own_topics,
            broken=broken,
        )
        checks.run(loaded, self.problems)
        # The house typeface of a programme invalid elsewhere still prints its texts.
        fonts = glyphs.project_fonts(
            checked,
            self.location.root,
            [layer.templates_dir for layer in reversed(self.layers)],
        )
        glyphs.check_nodes([programme_node, *topic_nodes.values()], fonts, self.problems)
        if programme is not None and programme.schedule is not None:
            topics = fitted(topics, programme.schedule.session_minutes)
        if programme is None:
            return None
        programme, notes = _with_locale(personal.with_pools(programme, topics))
        project = Project(
            programme=programme,
            topics=topics,
            root=self.location.root,
            template_dirs=tuple(
                layer.templates_dir
                for layer in reversed(self.layers)
                if layer.templates_dir.is_dir()
            ),
            asset_dirs=(*(layer.root for layer in self.layers), self.location.root),
            logo=None,
            places=self.places,
            own_topics=self.own_topics,
            notes=(*unused_templates(self.layers), *notes),
        )
        return _with_logo(project)

    # --- programmes ---------------------------------------------------------------

    def _programme_node(self) -> Node | None:
        document = load(self.location.programme, self.problems)
        if document is None:
            return None
        return self._extend_programme(document.root, self.location.programme, chain=[])

    def _extend_programme(self, node: Node, source: Source, chain: list[str]) -> Node | None:
        parent = node.get("extends")
        if parent is None or parent.value is None:
            return without(node, ["extends"])
        name = parent.value
        known = builtin_programmes()
        if not isinstance(name, str):
            self.problems.add(
                parent.place,
                "extends: names the one built-in programme this file builds on, such as "
                f"`extends: default`, but here it is {_kind_of(name)}; built-in programmes "
                f"are {', '.join(sorted(known))}",
            )
            return None
        if name not in known:
            self.problems.add(
                parent.place,
                f"extends: there is no built-in programme {name!r}{_suggest(name, known)}; "
                f"built-in programmes are {', '.join(sorted(known))}",
            )
            return None
        if name in chain:
            loop = " → ".join([*chain, name])
            self.problems.add(
                parent.place, f"extends: programmes extend each other in a loop: {loop}"
            )
            return None
        base_source = self.location.layers[0].source(known[name])
        document = load(base_source, self.problems)
        if document is None:
            return None
        if document.root.scalar("id") != name:
            self.problems.add(
                document.root.place_at("id"),
                f"the id of a built-in programme must be its file name, {name!r}",
            )
        _anchor_logo(document.root, builtin_layer().root)
        base = self._extend_programme(document.root, base_source, [*chain, name])
        if base is None:
            return None
        return merge(base, without(node, ["extends"]), self.problems)

    # --- topics -------------------------------------------------------------------

    def _topic_nodes(self) -> dict[str, Node]:
        entries: dict[str, list[_TopicEntry]] = {}
        for index, layer in enumerate(self.layers):
            for path in layer.topic_files():
                source = layer.source(path)
                document = load(source, self.problems)
                if document is None:
                    continue
                entry = self._entry(index, source, document.root)
                if entry is not None:
                    entries.setdefault(entry.id or "", []).append(entry)
        resolver = _TopicResolver(entries, self.problems)
        own = len(self.layers) - 1
        self.own_topics = frozenset(
            topic_id for topic_id, found in entries.items() if any(e.layer == own for e in found)
        )
        return {topic_id: node for topic_id in sorted(entries) if (node := resolver.get(topic_id))}

    def _entry(self, layer: int, source: Source, root: Node) -> _TopicEntry | None:
        raw_id = root.scalar("id")
        if isinstance(raw_id, str):
            self.topic_ids.add(raw_id)
        given = root.get("extends")
        extends = given.value if given is not None and isinstance(given.value, str) else None
        if given is not None and extends is None:
            self.problems.add(
                given.place,
                "extends: names the one topic this file builds on, by its id, such as "
                f"`extends: data-dashboards`, but here it is {_kind_of(given.value)}",
            )
            return None
        topic_id = raw_id if isinstance(raw_id, str) else extends
        if topic_id is None:
            self.problems.add(
                root.place_at("id"), "`id` is required: a short name such as short-form-video"
            )
            return None
        if raw_id is None and extends is not None:
            root = with_value(root, "id", extends, root.place_at("extends"))
        return _TopicEntry(layer, source, root, topic_id, extends, named=raw_id is not None)

    # --- validation ---------------------------------------------------------------

    def _salvage(self, model: type[M], key: str, stand_ins: dict[str, Any]) -> tuple[M, Broken]:
        """The valid parts of a file that failed, for the checks (see `salvage`)."""
        data, error = self.failed[key]
        value, broken, rules = salvage(model, data, error, stand_ins)
        marks = self.places[key]
        for loc, text in rules:
            place = place_of(marks, loc) or marks[()]
            message = f"{key_path(loc)}: {text}" if loc else text
            self.problems.add(place, _by_id(message, loc, data) if model is Programme else message)
        return value, broken

    def _validate(self, model: type[M], node: Node, key: str) -> M | None:
        data, marks = to_plain(node)
        self.places[key] = marks
        try:
            return model.model_validate(data)
        except ValidationError as error:
            self.failed[key] = (data, error)
            details = error.errors(include_url=False)
            # A text with an unquoted `: ` became a one-key mapping: say so once, at the
            # missing key, not again as an unknown key.
            misread = {
                untagged(model, tuple(d["loc"]))
                for d in details
                if d["type"] == "missing"
                and isinstance(d.get("input"), dict)
                and len(d["input"]) == 1
            }
            for detail in details:
                loc = untagged(model, tuple(detail["loc"]))
                is_key = detail["type"] == "extra_forbidden"
                if is_key and any(loc[:-1] == m[:-1] for m in misread):
                    continue
                place = place_of(marks, loc, key=is_key) or node.place
                message = _describe(detail, model, loc)
                if model is Programme:
                    message = _by_id(message, loc, data)
                self.problems.add(place, message)
            return None


@dataclass
class _TopicResolver:
    """Applies `extends` across layers, memoised, with loops and duplicates reported."""

    entries: dict[str, list[_TopicEntry]]
    problems: Problems
    done: dict[str, Node | None] = field(default_factory=dict)
    active: list[str] = field(default_factory=list)

    def get(self, topic_id: str) -> Node | None:
        if topic_id in self.done:
            return self.done[topic_id]
        if topic_id in self.active:
            loop = " → ".join([*self.active[self.active.index(topic_id) :], topic_id])
            first = self.entries[topic_id][0]
            self.problems.add(
                first.node.place, f"extends: topics extend each other in a loop: {loop}"
            )
            return None
        self.active.append(topic_id)
        try:
            node = self._resolve(topic_id)
        finally:
            self.active.pop()
        self.done[topic_id] = node
        return node

    def _resolve(self, topic_id: str) -> Node | None:
        entries = self.entries[topic_id]
        first = entries[0]
        node: Node | None
        if first.extends is not None and first.extends != topic_id:
            node = self._base(first)
        elif first.extends == topic_id:
            node = None
            self.problems.add(
                _extends_place(first),
                f"extends: a topic cannot extend itself: {topic_id!r} is this file's own id, "
                "and no topic of the built-in library or a pack has it to build on"
                f"{self._suggest(topic_id, but=topic_id)}; leave `extends` out to make a new "
                "topic, or name the topic it builds on"
                if first.named
                else f"extends: there is no topic {topic_id!r} to build on"
                f"{self._suggest(topic_id, but=topic_id)}",
            )
        else:
            node = without(first.node, ["extends"])
        for previous, entry in itertools.pairwise(entries):
            if entry.extends != topic_id or entry.layer == previous.layer:
                self.problems.add(
                    entry.node.place_at("id"),
                    _duplicate_message(topic_id, previous, entry),
                )
                continue
            if node is not None:
                node = merge(node, without(entry.node, ["extends"]), self.problems)
        return node

    def _base(self, entry: _TopicEntry) -> Node | None:
        assert entry.extends is not None
        if entry.extends not in self.entries:
            self.problems.add(
                _extends_place(entry),
                f"extends: there is no topic {entry.extends!r}"
                f"{self._suggest(entry.extends, but=entry.id)}",
            )
            return None
        base = self.get(entry.extends)
        if base is None:
            return None
        merged = merge(base, without(entry.node, ["extends"]), self.problems)
        id_node = entry.node.get("id")
        assert id_node is not None
        return with_value(merged, "id", entry.id or entry.extends, id_node.place)

    def _suggest(self, name: str, but: str | None = None) -> str:
        """A close topic id, never the file's own."""
        return _suggest(name, [known for known in self.entries if known != but])


def _kind_of(value: object) -> str:
    """A value that should have been one name, in words."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of `key: value` lines"
    if value is None:
        return "empty"
    return f"{shorten(value)!r}, not a name"


def _duplicate_message(topic_id: str, first: _TopicEntry, again: _TopicEntry) -> str:
    where = first.source.display
    if again.layer == first.layer:
        return f"the topic id {topic_id!r} is already used by {where}; ids must be unique"
    return (
        f"the topic id {topic_id!r} is already used by {where}; to change that topic, "
        f"add `extends: {topic_id}` and keep only the fields that change, "
        "or choose another id for a new topic"
    )


def _extends_place(entry: _TopicEntry) -> Place:
    node = entry.node.get("extends")
    return node.place if node is not None else entry.node.place


def _with_locale(programme: Programme) -> tuple[Programme, tuple[str, ...]]:
    """A programme that names no locale writes dates as its time zone's country does."""
    if "locale" in programme.model_fields_set or programme.schedule is None:
        return programme, ()
    zone = programme.schedule.timezone
    chosen = i18n.locale_for_zone(zone)
    if chosen is None:
        return programme, ()
    note = (
        f"dates and times are written as in {chosen} (from the time zone {zone}); "
        "set `locale` in the programme to choose another"
    )
    return programme.model_copy(update={"locale": chosen}), (note,)


def _with_logo(project: Project) -> Project:
    logo = project.programme.organisation.logo
    if logo is None:
        return project
    path = (project.root / logo).resolve()
    if not path.is_file():
        return project
    from dataclasses import replace

    return replace(project, logo=path)


def _anchor_logo(root: Node, folder: Path) -> None:
    """An inherited logo stays where the programme that named it found it."""
    organisation = root.get("organisation")
    logo = organisation.get("logo") if organisation else None
    if logo is not None and isinstance(logo.value, str) and not Path(logo.value).is_absolute():
        logo.value = str(folder / logo.value)


def _suggest(name: object, known: typing.Iterable[str]) -> str:
    if not isinstance(name, str):
        return ""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- pydantic errors in words ----------------------------------------------------------


def _by_id(message: str, loc: Loc, data: Any) -> str:
    """Name list items by their id in a programme's messages: `tracks['mine']` rather than
    `tracks[2]`, whose position counts the tracks the programme inherits."""
    shown = key_path(loc)
    named = ""
    current = data
    for part in loc:
        if isinstance(part, int):
            item = current[part] if isinstance(current, list) and part < len(current) else None
            item_id = item.get("id") if isinstance(item, dict) else None
            named += f"[{item_id!r}]" if isinstance(item_id, str) else f"[{part}]"
            current = item
        else:
            named += f".{part}" if named else str(part)
            current = current.get(part) if isinstance(current, dict) else None
    for prefix in (shown, key_path(loc[:-1])):
        if prefix and message.startswith(prefix):
            return named[: len(named) - len(shown) + len(prefix)] + message[len(prefix) :]
    return message


def key_path(loc: Loc) -> str:
    """`("sessions", 2, "agenda")` → `sessions[2].agenda`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


_PATTERNS = {
    KEBAB_CASE: "is not a valid id: use lowercase letters, digits and single hyphens, "
    "such as short-form-video",
    COUNTRY: "is not a country code: write its two capital letters, such as GB, FR or US",
    COLOUR: 'is not a colour: write it as #rrggbb, such as "#3f51b5" (in quotes)',
    CLOCK: 'is not a time of day: write it as HH:MM in quotes, such as "15:00"',
    SOURCE_DATE: "is not a publication date: write the year, the year and month or the "
    'whole date, such as "2024", "2024-06" or "2024-06-11"',
}


def _describe(detail: ErrorDetails, model: type[BaseModel], loc: Loc) -> str:
    """One pydantic error in words a programme coordinator understands, with its key path."""
    kind = detail["type"]
    value = detail.get("input")
    ctx = detail.get("ctx") or {}
    field_name = loc[-1] if loc else ""
    where = key_path(loc[:-1]) if kind == "missing" else key_path(loc)
    shown = _show(value)
    if kind == "missing":
        text = f"`{field_name}` is required"
        if isinstance(value, dict) and len(value) == 1:
            key, rest = next(iter(value.items()))
            if isinstance(key, str) and " " in key.strip() and isinstance(rest, str | None):
                text += (
                    f"; if `{shorten(key, 30)}: {shorten(rest, 30)}` is one text, YAML read "
                    "it as a key and a value because of the `: `: put the whole text in quotes"
                )
    elif kind == "extra_forbidden":
        text = f"unknown key `{field_name}`{_suggest_key(model, loc)}"
        if isinstance(field_name, str) and " " in field_name.strip() and value is None:
            text += (
                "; if this is part of a text, a comma inside `{...}` ended the text before "
                "it: put the whole text in quotes"
            )
        where = key_path(loc[:-1])
    elif kind == "string_pattern_mismatch":
        text = f"{shown} {_PATTERNS.get(ctx.get('pattern', ''), 'is not in the expected form')}"
    elif kind == "literal_error":
        choices = str(ctx.get("expected", "")).replace("'", "")
        text = f"{shown} is not allowed here; use one of: {choices}"
    elif kind in ("string_type", "str_type"):
        text = _expected_text(value)
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        text = f"expected a whole number, got {shown}"
    elif kind in ("bool_type", "bool_parsing"):
        text = f"expected true or false, got {shown}"
    elif kind in ("list_type", "tuple_type"):
        text = "expected a list: write each item on its own line, starting with `- `"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        text = "expected a mapping of `key: value` lines"
    elif kind.startswith(("date_", "datetime_")):
        text = f"{shown} is not a real date: write it as YYYY-MM-DD, such as 2027-01-12"
    elif kind == "too_short":
        text = "must not be empty" if isinstance(value, str) else "needs at least one item"
    elif kind == "string_too_short":
        text = "must not be empty"
    elif kind == "string_too_long":
        text = f"is too long (at most {ctx.get('max_length')} characters)"
    elif kind in ("greater_than_equal", "greater_than"):
        text = f"must be at least {ctx.get('ge', ctx.get('gt'))}, got {shown}"
    elif kind in ("less_than_equal", "less_than"):
        text = f"must be at most {ctx.get('le', ctx.get('lt'))}, got {shown}"
    elif kind == "value_error":
        text = str(ctx.get("error", detail["msg"]))
    else:  # pragma: no cover - a safety net for error kinds not listed above
        text = detail["msg"][0].lower() + detail["msg"][1:]
    return f"{where}: {text}" if where else text


def _show(value: object) -> str:
    if isinstance(value, str):
        return f"`{shorten(value)}`" if value else "an empty text"
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    return f"`{shorten(value)}`"


def _expected_text(value: object) -> str:
    if isinstance(value, bool):
        word = "true" if value else "false"
        return (
            f"expected text, but YAML read this as {word} (yes/no/on/off do that); put it in quotes"
        )
    if isinstance(value, int | float):
        return f"expected text, got the number {value}; put it in quotes"
    if isinstance(value, dict) and len(value) == 1:
        key, rest = next(iter(value.items()))
        return (
            f"expected text, got a mapping: YAML read `{shorten(key, 30)}: "
            f"{shorten(rest, 30)}` as a key and a value because of the `: `; "
            "put the whole text in quotes"
        )
    if isinstance(value, list) and isinstance(value, list) and len(value) > 1:
        return (
            "expected text, got a list: inside `[...]` a comma separates items; "
            "put the text in quotes"
        )
    if isinstance(value, dict | list):
        kind = "a mapping" if isinstance(value, dict) else "a list"
        return f"expected text, got {kind}"
    if value is None:
        return "expected text, but the value is empty"
    return f"expected text, got {_show(value)}; put it in quotes"


def _suggest_key(model: type[BaseModel], loc: Loc) -> str:
    fields = _fields_at(model, loc[:-1])
    name = loc[-1]
    if not fields or not isinstance(name, str):
        return ""
    close = difflib.get_close_matches(name, fields, n=1, cutoff=0.6)
    if close:
        return f" (did you mean `{close[0]}`?)"
    return f"; the keys allowed here are {', '.join(sorted(fields))}"


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names of the model found at a key path (through lists and optionals)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            current = _unwrap(current, list_item=True)
            continue
        current = _unwrap(current)
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = info.annotation
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any, *, list_item: bool = False) -> Any:
    """Strip Optional, Annotated and (for list items) list[...] from an annotation."""
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType):
            models = [a for a in args if a is not type(None)]
            if len(models) != 1:
                # One value or a list of them (`schedule.holidays`): the member meant here.
                lists = [m for m in models if typing.get_origin(_unwrap(m)) is list]
                single = [m for m in models if m not in lists]
                chosen = lists if list_item else single
                if len(chosen) != 1:
                    return annotation
                models = chosen
            annotation = models[0]
        elif list_item and origin is list:
            annotation = args[0]
            list_item = False
        else:
            return annotation

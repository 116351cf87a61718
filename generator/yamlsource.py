"""Safe YAML reading that keeps the place of every value.

Files are decoded as strict UTF-8 and composed with PyYAML's safe composer; the node
graph is then turned into a tree of `Node`s by hand so that every mapping, list and
scalar keeps its line and column, duplicate keys are caught, and alias expansion is
bounded (a "billion laughs" file is refused instead of eating the machine's memory).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from .errors import Place, Problems, shorten

# libyaml is much faster; the pure-Python composer gives the same nodes.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Most values a file may expand to through aliases; a real topic file has a few hundred.
MAX_VALUES = 100_000
#: Deepest nesting accepted; real files nest five or six levels.
MAX_DEPTH = 64
#: Largest file read, in bytes; the biggest built-in topic is about 40 kB.
MAX_FILE_BYTES = 2_000_000
#: Most characters of text a file may expand to, aliases included (a text repeated by
#: aliases counts each time): the values are copied when they are validated.
MAX_CHARACTERS = 4_000_000

Scalar = str | int | float | bool | None | dt.date | dt.datetime
MergeTag = Literal["reset", "override"]

#: The tags of YAML's core schema (what plain values resolve to), and the two layering
#: tags of Docker Compose: `!reset` drops an inherited value, `!override` replaces it.
CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
MERGE_TAGS: dict[str, MergeTag] = {"!reset": "reset", "!override": "override"}
Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """A file read from a layer: its real path and the path shown to the user."""

    path: Path
    display: str

    def place(self, line: int = 1, column: int = 1) -> Place:
        return Place(self.display, line, column)


@dataclass(slots=True)
class Node:
    """A value from a YAML file with its place; mappings and lists hold further nodes."""

    value: dict[str, Node] | list[Node] | Scalar
    place: Place
    key_place: Place | None = None  # where the key naming this value stands, if any
    merge: MergeTag | None = None  # `!reset` or `!override`: how it layers on a parent file

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    def get(self, key: str) -> Node | None:
        if isinstance(self.value, dict):
            return self.value.get(key)
        return None

    def place_at(self, key: str) -> Place:
        """The place of a child value, or of this node when the key is absent."""
        child = self.get(key)
        return child.place if child is not None else self.place

    def scalar(self, key: str) -> Scalar:
        child = self.get(key)
        if child is None or isinstance(child.value, dict | list):
            return None
        return child.value


@dataclass(slots=True)
class Document:
    """A parsed file: the root mapping and the source it came from."""

    source: Source
    root: Node
    marks: dict[Loc, Place] = field(default_factory=dict)


def read_text(source: Source, problems: Problems) -> str | None:
    """Read a file as strict UTF-8 (a byte-order mark is allowed), or report why not."""
    try:
        size = source.path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.add(
                source.place(),
                f"the file is {size:,} bytes, larger than the {MAX_FILE_BYTES:,} allowed; "
                "split it into smaller files",
            )
            return None
        raw = source.path.read_bytes()
    except OSError as error:
        problems.add(source.place(), f"cannot read the file: {error.strerror or error}")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        problems.add(
            source.place(line, column),
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} cannot be read); "
            "save it as UTF-8 in your editor",
        )
        return None
    return text.removeprefix("\ufeff")


def load(source: Source, problems: Problems) -> Document | None:
    """Parse one YAML file whose top level must be a mapping; report problems, never raise."""
    text = read_text(source, problems)
    if text is None:
        return None
    if not text.strip():
        problems.add(source.place(), "the file is empty")
        return None
    try:
        composed = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.add(source.place(line, column), _yaml_message(error, _char_at(text, mark)))
        return None
    except yaml.YAMLError as error:  # pragma: no cover - unmarked errors are rare
        problems.add(source.place(), f"this is not valid YAML: {error}")
        return None
    if composed is None:
        problems.add(source.place(), "the file is empty (it holds only comments)")
        return None
    builder = _Builder(source, problems)
    root = builder.build(composed, depth=0)
    if root is None:
        return None
    if not isinstance(root.value, dict):
        kind = _kind(root.value)
        problems.add(
            root.place,
            f"the top level of the file must be a mapping of `key: value` lines, not {kind}",
        )
        return None
    return Document(source, root)


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.splitlines()
    if mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return ""
    return lines[mark.line][mark.column]


def _yaml_message(error: yaml.MarkedYAMLError, char: str) -> str:
    problem = (error.problem or "").strip()
    context = (error.context or "").strip()
    if "expected a single document" in context or "expected a single document" in problem:
        return "the file holds more than one YAML document (a second `---`); keep one per file"
    if char == "\t":
        return "YAML syntax error: a tab is used for indentation; indent with spaces"
    text = problem if not context else f"{problem} ({context})"
    return f"YAML syntax error: {text}"


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "an empty value"
    return f"a single value ({shorten(repr(value))})"


class _Builder:
    """Turns composed YAML nodes into `Node`s, counting every value produced."""

    def __init__(self, source: Source, problems: Problems) -> None:
        self.source = source
        self.problems = problems
        self.count = 0
        self.characters = 0
        self.failed = False
        self.constructor = yaml.constructor.SafeConstructor()

    def place(self, node: yaml.Node) -> Place:
        mark = node.start_mark
        return self.source.place(mark.line + 1, mark.column + 1)

    def build(self, node: yaml.Node, depth: int) -> Node | None:
        if self.failed:
            return None
        self.count += 1
        if self.count > MAX_VALUES or depth > MAX_DEPTH:
            what = "too many values" if self.count > MAX_VALUES else "values nested too deeply"
            self.problems.add(
                self.place(node),
                f"the file expands to {what} (aliases that repeat other aliases?); "
                "write the values out instead",
            )
            self.failed = True
            return None
        merge_tag = MERGE_TAGS.get(node.tag)
        if merge_tag is None and node.tag not in CORE_TAGS:
            self.problems.add(
                self.place(node),
                f"the tag {shorten(node.tag)} is not allowed; mentorkit knows only !reset "
                "(drop an inherited value) and !override (replace it instead of merging)",
            )
            return Node(None, self.place(node), merge="reset")  # reported; checked no further
        built = self._value(node, depth)
        if built is not None and merge_tag is not None:
            built.merge = merge_tag
        return built

    def _value(self, node: yaml.Node, depth: int) -> Node | None:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            items = [self.build(item, depth + 1) for item in node.value]
            if self.failed:
                return None
            return Node([item for item in items if item is not None], self.place(node))
        assert isinstance(node, yaml.ScalarNode)
        self.characters += len(node.value)
        if self.characters > MAX_CHARACTERS:
            self.problems.add(
                self.place(node),
                f"the file expands to more than {MAX_CHARACTERS:,} characters of text "
                "(a long text repeated by aliases?); write shorter texts",
            )
            self.failed = True
            return None
        return Node(self._scalar(node), self.place(node))

    def _mapping(self, node: yaml.MappingNode, depth: int) -> Node | None:
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key_place = self.place(key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.add(
                    key_place,
                    "YAML merge keys (`<<`) are not supported; "
                    "use `extends` to build on another file",
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.add(key_place, "a key must be a plain word, not a list or mapping")
                continue
            key = self._scalar(key_node)
            if not isinstance(key, str):
                self.problems.add(
                    key_place,
                    f"the key {shorten(key_node.value)!r} must be a word; put it in quotes",
                )
                continue
            value = self.build(value_node, depth + 1)
            if self.failed or value is None:
                return None
            if key in result:
                first = result[key].key_place
                where = f" (first at line {first.line})" if first else ""
                self.problems.add(key_place, f"the key `{key}` appears twice{where}")
                continue
            value.key_place = key_place
            result[key] = value
        return Node(result, self.place(node))

    def _scalar(self, node: yaml.ScalarNode) -> Scalar:
        # YAML 1.1 reads 15:00 as the number 900 (base 60); people mean a time of day.
        if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and ":" in node.value:
            return str(node.value)
        if node.tag == "tag:yaml.org,2002:str" or node.tag in MERGE_TAGS:
            return str(node.value)
        try:
            value: Any = self.constructor.construct_object(node)
        except (yaml.constructor.ConstructorError, ValueError, OverflowError):
            # Dates that do not exist (2027-02-30) land here; validation says why.
            return str(node.value)
        if isinstance(value, str | int | float | bool | dt.date) or value is None:
            return value
        return str(node.value)


def to_plain(node: Node) -> tuple[Any, dict[Loc, Place]]:
    """The plain data pydantic validates, and the place of every value by its key path."""
    marks: dict[Loc, Place] = {}

    def walk(current: Node, loc: Loc) -> Any:
        marks[loc] = current.place
        if current.key_place is not None:
            marks[(*loc, _KEY)] = current.key_place
        if isinstance(current.value, dict):
            return {
                key: walk(child, (*loc, key))
                for key, child in current.value.items()
                if child.merge != "reset"  # nothing to drop in a parent: the key is left out
            }
        if isinstance(current.value, list):
            kept = [child for child in current.value if child.merge != "reset"]
            return [walk(child, (*loc, index)) for index, child in enumerate(kept)]
        return current.value

    return walk(node, ()), marks


#: Marker in a key path for the place of the key rather than its value.
_KEY = "\0key"


def place_of(marks: dict[Loc, Place], loc: Loc, *, key: bool = False) -> Place | None:
    """The place recorded for a key path, or for its nearest recorded parent."""
    if key and (*loc, _KEY) in marks:
        return marks[(*loc, _KEY)]
    for end in range(len(loc), -1, -1):
        found = marks.get(loc[:end])
        if found is not None:
            return found
    return None


def walk_strings(node: Node, loc: Loc = ()) -> Iterator[tuple[Loc, str, Place]]:
    """Every string value in a tree, with its key path and place (for link checks)."""
    if isinstance(node.value, dict):
        for key, child in node.value.items():
            yield from walk_strings(child, (*loc, key))
    elif isinstance(node.value, list):
        for index, child in enumerate(node.value):
            yield from walk_strings(child, (*loc, index))
    elif isinstance(node.value, str):
        yield loc, node.value, node.place

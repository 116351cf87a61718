"""Where files come from and how layers combine.

A project is a stack of layers: the built-in library first, then the organisation's
folder. A later layer adds topics, overrides built-in ones through `extends`, and
replaces templates of the same relative path. The merge rule is DESIGN.md's: mappings
merge key by key, lists replace, and `sessions` and `tracks` merge by `id`.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Literal

import jinja2
import jinja2.meta

from .errors import Place, Problems, UsageError
from .yamlsource import Node, Source

PROGRAMME_FILE = "program.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
#: Lists of mappings merged item by item on their `id` instead of replaced.
MERGED_BY_ID = frozenset({"sessions", "tracks"})

LayerKind = Literal["built-in", "pack", "project"]


@dataclass(frozen=True, slots=True)
class Layer:
    """A folder that contributes topics, templates and assets."""

    kind: LayerKind
    root: Path
    label: str = ""  # shown before the paths of a pack's files: "../shared-pack/topics/x.yaml"

    def source(self, path: Path) -> Source:
        """A file of this layer, shown relative to the layer's folder."""
        try:
            display = path.relative_to(self.root).as_posix()
        except ValueError:
            display = path.as_posix()
        if self.kind == "built-in" and self.label:
            display = f"{self.label}:{display}"  # not a file of the user's: say so
        elif self.label:
            display = f"{self.label.rstrip('/')}/{display}"
        return Source(path, display)

    @property
    def topics_dir(self) -> Path:
        return self.root / "topics"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    def topic_files(self) -> list[Path]:
        return [p for p in files_in(self.topics_dir, self.root) if p.suffix in YAML_SUFFIXES]

    def escapes(self) -> list[Path]:
        """Links in topics/ and templates/ that lead outside the layer (refused)."""
        return [
            path
            for folder in (self.topics_dir, self.templates_dir)
            for path in _walk(folder)
            if not path.resolve().is_relative_to(self.root.resolve())
        ]


def files_in(folder: Path, root: Path) -> list[Path]:
    """Every file under `folder` that really lies inside `root`, sorted.

    Links are not followed into folders, and a link to a file outside `root` is left out
    (the loader reports it): nothing outside a project or pack is ever read.
    """
    real_root = root.resolve()
    return [
        path
        for path in _walk(folder)
        if path.resolve().is_relative_to(real_root) and path.is_file()
    ]


def _walk(folder: Path) -> list[Path]:
    if folder.is_symlink():
        return [folder]  # kept only if it stays inside the layer (then it holds no files)
    if not folder.is_dir():
        return []
    found: list[Path] = []
    for current, dirs, files in os.walk(folder, followlinks=False):
        base = Path(current)
        found.extend(base / name for name in files)
        # A link to a folder is listed with the folders but never entered: report it.
        found.extend(base / name for name in dirs if (base / name).is_symlink())
    return sorted(found, key=lambda p: p.as_posix())


@cache
def library_root() -> Path:
    """The built-in library: inside the installed package, or the source checkout."""
    packaged = Path(__file__).resolve().parent / "library"
    if (packaged / "topics").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "topics").is_dir() and (checkout / "curriculum").is_dir():
        return checkout
    raise UsageError(  # pragma: no cover - only a broken installation gets here
        "the built-in topic library is missing from this installation of mentorkit"
    )


#: How the built-in library's files are shown to the user of a project of their own.
BUILT_IN = "built-in"


def builtin_layer(*, labelled: bool = False) -> Layer:
    """The built-in library; `labelled` when it is not itself the project, so that its
    files are shown as `built-in:topics/...`, never as if they were the user's."""
    return Layer("built-in", library_root(), BUILT_IN if labelled else "")


@dataclass(frozen=True, slots=True)
class ProjectLocation:
    """What the user pointed at: the programme file and the layers it builds on."""

    programme: Source
    root: Path  # the project folder: assets and the logo are found relative to it
    layers: tuple[Layer, ...]

    @property
    def project_layer(self) -> Layer:
        return self.layers[-1]


def locate(project: Path | None) -> ProjectLocation:
    """Resolve PROJECT (a folder with program.yaml, a programme file, or nothing)."""
    builtin = builtin_layer()
    if project is None:
        source = builtin.source(builtin.root / "curriculum" / "default.yaml")
        return ProjectLocation(source, builtin.root, (builtin,))
    if not project.exists():
        raise UsageError(f"{project}: no such file or folder")
    if project.is_dir() and project.suffix in YAML_SUFFIXES:
        raise UsageError(
            f"{project}: is a folder, not a file; name the programme file itself, or the "
            f"project folder that holds {PROGRAMME_FILE}"
        )
    if project.is_dir():
        root = project.resolve()
        programme = root / PROGRAMME_FILE
        if programme.is_dir():
            raise UsageError(
                f"{project / PROGRAMME_FILE}: is a folder, not a file; the programme is a "
                f"file named {PROGRAMME_FILE} (mentorkit init makes one)"
            )
        if not programme.is_file():
            others = sorted(
                p.name
                for p in project.iterdir()
                if p.is_file() and p.suffix in YAML_SUFFIXES and p.stem.startswith("program")
            )
            hint = (
                f"; it has {others[0]}: rename it {PROGRAMME_FILE}, or name it as the project"
                if others
                else "; create one (mentorkit init makes a starting point) or name a programme file"
            )
            raise UsageError(f"{project}: this folder has no {PROGRAMME_FILE}{hint}")
        if not programme.resolve().is_relative_to(root):
            raise UsageError(
                f"{project / PROGRAMME_FILE}: this is a link to a file outside the project "
                "folder; copy the programme itself into the folder"
            )
        layer = Layer("project", root)
        return ProjectLocation(layer.source(programme), root, (builtin_layer(labelled=True), layer))
    if project.suffix not in YAML_SUFFIXES:
        raise UsageError(f"{project}: a programme file must end in .yaml")
    path = project.resolve()
    if path.is_relative_to(builtin.root):
        # A built-in programme (curriculum/examples/…): the library is its own project.
        return ProjectLocation(builtin.source(path), builtin.root, (builtin,))
    # A lone programme file builds on the built-in library alone; its folder is its project.
    layer = Layer("project", path.parent)
    return ProjectLocation(layer.source(path), path.parent, (builtin_layer(labelled=True),))


PACK_ENTRY_POINTS = "mentorkit.packs"


def installed_packs() -> dict[str, object]:
    """Packs that installed Python packages offer through the `mentorkit.packs` entry point."""
    return {ep.name: ep for ep in entry_points(group=PACK_ENTRY_POINTS)}


def pack_layer(name: str, project_root: Path) -> Layer | str:
    """The layer of a pack named in a programme's `packs`, or why there is none.

    A name with a slash or starting with a dot is a folder relative to the project;
    any other name is a pack installed as a Python package.
    """
    if "/" in name or name.startswith(".") or (project_root / name).is_dir():
        folder = (project_root / name).resolve()
        if not folder.is_dir():
            return f"there is no folder {name!r} (packs are found relative to the project)"
        if not (folder / "topics").is_dir() and not (folder / "templates").is_dir():
            return f"the folder {name!r} has no topics/ or templates/ folder to share"
        return Layer("pack", folder, name)
    installed = installed_packs()
    if name not in installed:
        known = ", ".join(sorted(installed)) or "none is installed"
        return (
            f"there is no pack {name!r}: name a folder (such as ../{name}) or an installed "
            f"pack ({known})"
        )
    loaded = installed[name].load()  # type: ignore[attr-defined]
    target = loaded() if callable(loaded) else Path(getattr(loaded, "__file__", "")).parent
    folder = Path(str(target)).resolve()
    if not folder.is_dir():
        return f"the installed pack {name!r} points to {folder}, which is not a folder"
    return Layer("pack", folder, name)


def builtin_programmes() -> dict[str, Path]:
    """Built-in programmes by id, which is their file name."""
    curriculum = library_root() / "curriculum"
    found: dict[str, Path] = {}
    for folder in (curriculum, curriculum / "examples"):
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.suffix in YAML_SUFFIXES and path.is_file():
                    found.setdefault(path.stem, path)
    return found


TEMPLATE_SUFFIX = ".j2"
#: Largest template whose includes are read to tell whether it is used (as render's limit).
_TEMPLATE_BYTES = 1_000_000


def unused_templates(layers: Sequence[Layer]) -> list[str]:
    """Notes on the templates of a project or pack that nothing uses: a file that replaces
    no built-in template (a typo in its name, say) and that no template in use includes,
    imports or extends; each located, with the built-in name it was perhaps meant to have."""
    builtin_dir = library_root() / "templates"
    builtin = _template_names(builtin_dir)
    own: dict[str, tuple[Layer, Path]] = {}
    for layer in reversed(layers):  # the project's own first, as templates are found
        if layer.kind == "built-in":
            continue
        for path in files_in(layer.templates_dir, layer.root):
            name = path.relative_to(layer.templates_dir).as_posix()
            # A built-in template's name without its .j2 is a template meant, too.
            if name.endswith(TEMPLATE_SUFFIX) or name + TEMPLATE_SUFFIX in builtin:
                own.setdefault(name, (layer, path))
    strangers = own.keys() - builtin
    if not strangers:
        return []
    used: set[str] = set()
    waiting = sorted(builtin)
    while waiting:
        name = waiting.pop()
        if name in used:
            continue
        used.add(name)
        path = own[name][1] if name in own else builtin_dir / name
        if not path.is_file():
            continue  # named by a template, but nowhere: the build says so
        names = _references(path)
        if names is None:
            return []  # a name made while rendering: which files it reaches cannot be told
        waiting.extend(names)
    notes = []
    for name in sorted(strangers - used):
        layer, path = own[name]
        close = difflib.get_close_matches(name, sorted(builtin), n=1, cutoff=0.85)
        same_file = [b for b in sorted(builtin) if b.rsplit("/", 1)[-1] == path.name]
        guess = same_file[0] if same_file else (close[0] if close else None)
        hint = (
            f"; did you mean {guess}?"
            if guess
            else "; to replace a built-in template, give the file its path, such as "
            "site/mentor-guide.md.j2"
        )
        notes.append(
            f"{layer.source(path).place()}: no built-in template has this name and no "
            f"template includes it, so it is not used{hint}"
        )
    return notes


@cache
def _template_names(folder: Path) -> frozenset[str]:
    return frozenset(
        p.relative_to(folder).as_posix()
        for p in files_in(folder, folder)
        if p.name.endswith(TEMPLATE_SUFFIX)
    )


def builtin_templates() -> list[str]:
    """The built-in templates a project may replace, by their path under `templates/`."""
    return sorted(_template_names(library_root() / "templates"))


@cache
def _parser() -> jinja2.Environment:
    """An environment that only parses (never renders): for the names a template uses."""
    return jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])


def _references(path: Path) -> frozenset[str] | None:
    """The templates a template includes, imports or extends by name; None when it names
    one only while rendering, or cannot be read (its own error says why at build)."""
    try:
        if path.stat().st_size > _TEMPLATE_BYTES:
            return None
        text = path.read_text(encoding="utf-8")
        tree = _parser().parse(text)
    except (OSError, UnicodeDecodeError, jinja2.TemplateSyntaxError):
        return None
    names = set(jinja2.meta.find_referenced_templates(tree))
    if None in names:
        return None
    return frozenset(n for n in names if n is not None)


def merge(base: Node, override: Node, problems: Problems, *, top: bool = True) -> Node:
    """Layer `override` on `base`: mappings merge, lists replace, sessions/tracks by id.

    `!reset` on a value drops the inherited one, `!override` replaces it whole, and an
    empty list given for `sessions` or `tracks` replaces them (it says: none of these).
    """
    if not (isinstance(base.value, dict) and isinstance(override.value, dict)):
        return override
    merged: dict[str, Node] = dict(base.value)
    for key, value in override.value.items():
        if value.merge == "reset":
            merged.pop(key, None)
        elif key not in merged or value.merge == "override":
            merged[key] = value
        elif top and key in MERGED_BY_ID:
            merged[key] = _merge_by_id(merged[key], value, key, problems)
        else:
            merged[key] = merge(merged[key], value, problems, top=False)
    return Node(merged, override.place, override.key_place or base.key_place)


def _merge_by_id(base: Node, override: Node, key: str, problems: Problems) -> Node:
    if not (isinstance(base.value, list) and isinstance(override.value, list)):
        return override
    if not override.value:
        return override  # `tracks: []` means no tracks, not "no change"
    items: list[Node | None] = list(base.value)
    index = {_item_id(item): i for i, item in enumerate(base.value) if _item_id(item) is not None}
    for item in override.value:
        item_id = _item_id(item)
        if item_id is None:
            problems.add(
                item.place,
                f"each item of `{key}` in a file that extends another needs an `id`, "
                "to say which one it changes (a new id adds one)",
            )
            continue
        if item.merge == "reset":
            if item_id in index and items[index[item_id]] is not None:
                items[index.pop(item_id)] = None
            else:
                known = ", ".join(i for i in index if i) or "none"
                problems.add(
                    item.place,
                    f"`!reset` removes an inherited item of `{key}`, but none has the id "
                    f"{item_id!r} (inherited: {known})",
                )
        elif item_id in index:
            position = index[item_id]
            previous = items[position]
            assert previous is not None
            items[position] = (
                item if item.merge == "override" else merge(previous, item, problems, top=False)
            )
        else:
            index[item_id] = len(items)
            items.append(item)
    return Node([i for i in items if i is not None], override.place, override.key_place)


def _item_id(node: Node) -> str | None:
    value = node.scalar("id")
    return value if isinstance(value, str) else None


def without(node: Node, keys: Iterable[str]) -> Node:
    """A copy of a mapping node without some keys (such as `extends`)."""
    assert isinstance(node.value, dict)
    drop = set(keys)
    kept = {k: v for k, v in node.value.items() if k not in drop}
    return Node(kept, node.place, node.key_place)


def with_value(node: Node, key: str, value: str, place: Place) -> Node:
    """A copy of a mapping node with one scalar set (an inherited `id`, say)."""
    assert isinstance(node.value, dict)
    updated = dict(node.value)
    updated[key] = Node(value, place, place)
    return Node(updated, node.place, node.key_place)

"""Input digests: has anything a build reads changed since the last build into a folder?

A build records, in its output folder's manifest, the folders and files it read (the
built-in library, packs, the project, the templates and catalogues in them, fonts and
assets, the published results) with a digest of their contents, the versions of the code
and of the libraries that shape the outputs, and a fingerprint of every output it wrote.
The next build with the same options recomputes the digest before loading or rendering
anything: when nothing changed and every output is still as written, it keeps them all.
Anything else (a file added, edited or removed; an output touched) makes a full build.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from . import __version__
from .layers import library_root, locate
from .model import Project

#: Folders of the built-in library a build reads (the rest of a checkout is not input).
LIBRARY_FOLDERS = ("topics", "curriculum", "templates", "site")
#: Libraries whose version can change an output.
DEPENDENCIES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "fonttools",
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "jinja2",
    "babel",
    "pydantic",
    "nh3",
    "pyyaml",
    "zensical",
)
#: Past this many files under the inputs a fresh digest is not worth it: always build.
FILE_LIMIT = 20_000
#: Where fontconfig finds the system's fonts: WeasyPrint falls back on them for characters
#: the programme's fonts lack, so installing a font can change a PDF.
SYSTEM_FONTS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path.home() / ".local/share/fonts",
)


def input_roots(project: Project, results: Path) -> list[str]:
    """What a build of `project` reads: folders (walked whole) and single files."""
    return _roots([*project.asset_dirs, *project.template_dirs], results)


def likely_roots(project: Path | str | None, results: Path) -> list[str]:
    """`input_roots` as far as they can be told before loading: the same unless the
    programme names packs (whose folders only the loaded programme gives)."""
    location = locate(None if project is None else Path(project))
    return _roots([*(layer.root for layer in location.layers), location.root], results)


def _roots(folders: Iterable[Path], results: Path) -> list[str]:
    library = library_root()
    roots = {library / name for name in LIBRARY_FOLDERS}
    for folder in folders:
        if folder.resolve() != library.resolve() and not _inside_any(folder, roots):
            roots.add(folder)
    roots.add(Path(__file__).parent)  # mentorkit's own code and scaffold
    roots.add(results)
    return sorted(str(p.resolve()) for p in roots)


def _inside_any(path: Path, folders: Iterable[Path]) -> bool:
    real = path.resolve()
    return any(real.is_relative_to(f.resolve()) for f in folders)


def installed_versions(names: Iterable[str]) -> str:
    """Each library's installed version (`-` when it is not installed), as one text to hash."""
    found = []
    for name in names:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        found.append(f"{name}={version}\0")
    return "".join(found)


def digest(roots: Iterable[str], out: Path) -> str | None:
    """One digest of every file under `roots` (content and path), the code's version, the
    libraries' versions and the system's fonts (names, sizes, dates); None when there are
    too many files to be quick."""
    hasher = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
    hasher.update(installed_versions(DEPENDENCIES).encode())
    hasher.update(system_fonts().encode())
    skip = out.resolve()
    count = 0
    for root in roots:
        hasher.update(f"root:{root}\0".encode())
        for path in _files(Path(root), skip):
            count += 1
            if count > FILE_LIMIT:
                return None
            hasher.update(f"{path.relative_to(root).as_posix()}\0".encode())
            try:
                hasher.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:
                hasher.update(b"unreadable")
    return hasher.hexdigest()


def _files(root: Path, skip: Path) -> list[Path]:
    """Files under `root` (or `root` itself), sorted; the output folder, caches and the
    project's own hidden folders (.git, .venv) are not inputs."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    found: list[Path] = []
    for current, dirs, files in os.walk(root):
        base = Path(current)
        dirs[:] = [
            d
            for d in dirs
            if d != "__pycache__"
            and not (base == root and d.startswith("."))
            and (base / d).resolve() != skip
        ]
        found.extend(base / name for name in files if not name.endswith(".pyc"))
    return sorted(found, key=lambda p: p.as_posix())


def system_fonts() -> str:
    """The system's fonts (names, sizes, dates) as one text to hash: what a kept layout
    depends on beyond its own files, since a name in another script is drawn with them."""
    return "".join(
        f"fonts:{folder}:{outputs_fingerprint(folder)}\0"
        for folder in SYSTEM_FONTS
        if folder.is_dir()
    )


def outputs_fingerprint(folder: Path) -> str:
    """Names, sizes and modification times of every file in an output folder: cheap to
    compute, and different as soon as anyone changes, adds or removes a file there."""
    hasher = hashlib.sha256()
    for current, dirs, files in os.walk(folder):
        dirs.sort()
        base = Path(current)
        for name in sorted(files):
            path = base / name
            stat = path.stat()
            rel = path.relative_to(folder).as_posix()
            hasher.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return hasher.hexdigest()

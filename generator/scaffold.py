"""`mentorkit init`: a new organisation project that builds as it is and teaches its format;
`mentorkit template`: a built-in template copied into a project, to change it there.

One scaffold a language, in `scaffold/<language>/`: the same files and the same YAML
structure, written in that language (tests keep them in step)."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from . import i18n
from .errors import UsageError
from .layers import builtin_templates, library_root, locate
from .schema import write_schemas

SCAFFOLDS = Path(__file__).parent / "scaffold"


def available_locales() -> list[str]:
    """The languages `init` can write a project in: those the outputs are translated into
    (a catalog in the built-in templates, and English) that have a scaffold."""
    catalogs = i18n.available_languages([library_root() / "templates"])
    return [language for language in catalogs if (SCAFFOLDS / language).is_dir()]


def init(folder: Path, locale: str = i18n.SOURCE_LANGUAGE) -> list[Path]:
    """Create an organisation project in an empty (or new) folder, written in `locale`
    (a language code such as fr); return the files written."""
    languages = available_locales()
    language = locale.strip().lower()
    if language not in languages:
        others = ", ".join(
            f"{code} (the default)" if code == i18n.SOURCE_LANGUAGE else code for code in languages
        )
        raise UsageError(
            f"--locale {locale}: mentorkit cannot write a project in that language; "
            f"choose one of {others}"
        )
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(
            f"{folder}: this folder is not empty; mentorkit init only writes into a new "
            "or empty folder, so that nothing of yours is overwritten"
        )
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(SCAFFOLDS / language, folder, dirs_exist_ok=True)
    write_schemas(folder / "schemas")
    return sorted(p for p in folder.rglob("*") if p.is_file())


def template_name(name: str) -> str:
    """The built-in template NAME means: its path (`site/home.md.j2`), or a file name
    only one template has (`home.md.j2`, `home`)."""
    names = builtin_templates()
    wanted = name.strip().replace("\\", "/").removeprefix("templates/")
    if wanted in names or f"{wanted}.j2" in names:
        return wanted if wanted in names else f"{wanted}.j2"
    for same in (
        lambda n: n.rsplit("/", 1)[-1] in (wanted, f"{wanted}.j2"),
        lambda n: n.rsplit("/", 1)[-1].split(".")[0] == wanted,
    ):
        alike = [n for n in names if same(n)]
        if len(alike) == 1:
            return alike[0]
        if alike:
            raise UsageError(
                f"{name}: more than one built-in template has that name "
                f"({', '.join(alike)}); give the one you mean as it is written there"
            )
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise UsageError(
        f"{name}: there is no built-in template of that name{hint}; `mentorkit template` "
        "lists them all"
    )


def template_text(name: str) -> str:
    """The text of a built-in template, as mentorkit ships it."""
    return (library_root() / "templates" / template_name(name)).read_text(encoding="utf-8")


def copy_template(name: str, project: Path) -> Path:
    """Copy a built-in template into the project's `templates/` folder, at the path that
    makes it replace the built-in one; never over a file that is already there."""
    found = template_name(name)
    location = locate(project)
    if not project.is_dir():
        raise UsageError(
            f"{project}: name the project folder (the one that holds program.yaml), so that "
            "the template goes into its templates/ folder"
        )
    target = location.root / "templates" / found
    if target.exists():
        raise UsageError(
            f"{project / 'templates' / found}: this file is already there, and may hold "
            "changes of yours; rename or remove it first to get the original again"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(library_root() / "templates" / found, target)
    return project / "templates" / found

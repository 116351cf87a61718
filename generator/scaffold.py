"""`mentorkit init`: a new organisation project that builds as it is and teaches its format.

One scaffold a language, in `scaffold/<language>/`: the same files and the same YAML
structure, written in that language (tests keep them in step)."""

from __future__ import annotations

import shutil
from pathlib import Path

from . import i18n
from .errors import UsageError
from .layers import library_root
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

"""Languages: every fixed text of the outputs goes through gettext catalogs.

Catalogs are plain `.po` files in `templates/locale/<language>/LC_MESSAGES/messages.po`,
in the built-in templates or in a project's own `templates/` (which wins). They are
compiled in memory when a build starts, so nothing binary is kept in the repository.
Dates and times are formatted by Babel for the programme's `locale`.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from . import placeholders
from .errors import Place, Problems, shorten
from .layers import files_in
from .model import Project

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"


def locale_for_zone(timezone: str, language: str = SOURCE_LANGUAGE) -> str | None:
    """The locale a programme written in `language` most likely wants in a time zone:
    `Europe/London` → `en-GB`, `Australia/Sydney` → `en-AU` (dates in that country's style);
    None where the zone has no single country or Babel knows no such locale."""
    country = _zone_countries().get(timezone)
    if country is None:
        return None
    try:
        Locale.parse(f"{language}_{country}")
    except (UnknownLocaleError, ValueError):
        return None
    return f"{language}-{country}"


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """Time zone → ISO country code, from the IANA `zone.tab` that tzdata ships."""
    import importlib.resources

    table = importlib.resources.files("tzdata") / "zoneinfo" / "zone.tab"
    found: dict[str, str] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            country, _coordinates, zone, *_ = line.split("\t")
            found[zone] = country
    return found


def language_of(locale: str) -> str:
    """`en-GB` → `en`: the language part of a locale."""
    return locale.replace("-", "_").split("_")[0].lower()


def babel_locale(locale: str) -> Locale:
    return Locale.parse(locale.replace("-", "_"))


def translations(locale: str, template_dirs: Iterable[Path]) -> gettext.NullTranslations:
    """The catalog for a locale (`fr-CA`, then `fr`), or English as written in the templates."""
    candidates = [locale.replace("-", "_"), language_of(locale)]
    for folder in template_dirs:
        for name in candidates:
            po = folder / "locale" / name / "LC_MESSAGES" / f"{DOMAIN}.po"
            if po.is_file():
                return _compiled(po, po.stat().st_mtime_ns)
    return gettext.NullTranslations()


def check_catalogs(template_dirs: Iterable[tuple[Path, str]], problems: Problems) -> None:
    """Report translations that would break a build: unreadable catalogs, and placeholders
    such as `%(hours)s` that a translation renames, adds or mistypes."""
    for folder, shown in template_dirs:
        locale_root = folder / "locale"
        for po in files_in(locale_root, folder):
            if po.name != f"{DOMAIN}.po":
                continue
            display = f"{shown}/{po.relative_to(folder).as_posix()}"
            try:
                with po.open("rb") as handle:
                    catalog = read_po(handle)
                checked = list(catalog.check())
            except Exception as error:  # a catalog is user input: any failure is reported
                problems.add(Place(display), f"the translation file cannot be read: {error}")
                continue
            for message, mistakes in checked:
                for mistake in mistakes:
                    problems.add(
                        Place(display, message.lineno or 1),
                        f"the translation of {shorten(message.id)!r} does not fit the original "
                        f"text ({mistake}); use the same %(...)s placeholders as msgid",
                    )


def available_languages(template_dirs: Iterable[Path]) -> list[str]:
    found = {SOURCE_LANGUAGE}
    for folder in template_dirs:
        root = folder / "locale"
        if root.is_dir():
            found.update(
                p.name for p in root.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
            )
    return sorted(found)


def localize(project: Project, gettext: Callable[[str], str]) -> Project:
    """The project with the labels it left to the defaults in its own language, and the
    placeholders of its text (`{mentee}`, `{session_minutes}`) filled in with them."""
    programme = project.programme
    roles = programme.roles.localized(gettext)
    if roles != programme.roles:
        project = replace(project, programme=programme.model_copy(update={"roles": roles}))
    return placeholders.fill(project, gettext)


@lru_cache(maxsize=16)
def _compiled(po: Path, _mtime: int) -> Translations:
    with po.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)

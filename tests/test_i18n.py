"""Languages: every fixed text goes through the catalogs, and French is complete."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from icalendar import Calendar
from pypdf import PdfReader

from generator.build import BuildOptions, build
from generator.layers import library_root

from .conftest import ACME

LOCALE = library_root() / "templates" / "locale"
METHODS = [("generator/**.py", "python"), ("templates/**.j2", "jinja2")]
OPTIONS = {"templates/**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}


def extracted() -> set[object]:
    root = library_root()
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(root), METHODS, OPTIONS):
        if message:
            found.add(message)
    return found


def catalog(path: Path) -> dict[object, object]:
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def test_the_template_catalog_is_in_step_with_the_code() -> None:
    pot = set(catalog(LOCALE / "messages.pot"))
    assert extracted() == pot, "run `make messages` and translate what is new"


def test_french_is_complete() -> None:
    french = catalog(LOCALE / "fr" / "LC_MESSAGES" / "messages.po")
    pot = set(catalog(LOCALE / "messages.pot"))
    assert set(french) == pot
    untranslated = [key for key, value in french.items() if not value or value == ("", "")]
    assert untranslated == []


@pytest.fixture(scope="module")
def french_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("fr") / "acme"
    shutil.copytree(ACME, project)
    programme = project / "program.yaml"
    text = programme.read_text().replace("locale: en", "locale: fr")
    # Role labels left to the defaults come out in French.
    text = "\n".join(line for line in text.splitlines() if not line.startswith("roles:"))
    programme.write_text(text + "\n")
    out = project.parent / "dist"
    build(project, BuildOptions(out=out, workers=1))
    return out


def test_french_pdfs(french_build: Path) -> None:
    pages = [p.extract_text() for p in PdfReader(french_build / "pdf" / "mentor-guide.pdf").pages]
    assert "Sommaire" in pages[1]
    assert f"Page 2 sur {len(pages)}" in pages[1]
    assert "Guide : Mentor junior" in pages[0]
    plan = PdfReader(french_build / "pdf" / "plan-acme-dashboards--first-look.pdf").pages[0]
    text = plan.extract_text()
    assert "mardi 2 mars 2027, 09:30–10:15" in text
    assert "À la fin de cette séance, votre dirigeant·e sait :" in text
    assert "Mené par" in text


def test_french_site_theme_and_search(french_build: Path) -> None:
    home = (french_build / "site" / "index.html").read_text()
    assert '<html lang="fr"' in home
    assert "Par où commencer" in home
    assert "Bibliothèque de sujets" in home
    page = (french_build / "site" / "topics/acme-dashboards/first-look.html").read_text()
    assert "Télécharger le PDF" in page
    # A heading's anchor says what it is in the site's language.
    assert 'title="Lien permanent"' in page
    assert "Permanent link" not in page
    config = (french_build / "site" / "search" / "search_index.json").read_text()
    assert '"lang":["fr"]' in config.replace(" ", "")


def test_french_calendar(french_build: Path) -> None:
    calendar = Calendar.from_ical((french_build / "calendar" / "acme-pilot.ics").read_bytes())
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert "Acme Reverse Mentoring Pilot 1/2 : A first look at the dashboard" in summaries
    assert "Point d'étape : First check-in" in summaries

"""Branding: the organisation's logo, colours and own typeface reach the site and every PDF."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.build import BuildOptions, build
from generator.layers import library_root

from .conftest import ACME, problems_of

FONT = library_root() / "templates" / "pdf" / "fonts" / "Inter-Italic.otf"


def pdf_fonts(path: Path) -> set[str]:
    names = set()
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+")[-1])
    return names


@pytest.fixture
def branded(tmp_path: Path) -> Path:
    project = tmp_path / "acme"
    shutil.copytree(ACME, project)
    (project / "assets" / "fonts").mkdir()
    # Any font file will do for the test: the family name comes from the programme.
    shutil.copyfile(FONT, project / "assets" / "fonts" / "House-Regular.otf")
    programme = project / "program.yaml"
    programme.write_text(
        programme.read_text().replace(
            "  logo: assets/logo.svg\n",
            "  logo: assets/logo.svg\n"
            "  font: {family: House Sans, regular: assets/fonts/House-Regular.otf}\n",
        )
    )
    return project


def test_the_organisation_typeface_is_used_in_pdfs_and_site(branded: Path) -> None:
    out = branded.parent / "dist"
    build(branded, BuildOptions(out=out, workers=1))
    # WeasyPrint names embedded fonts after the CSS family: the house font is in use.
    assert "House-Sans" in pdf_fonts(out / "pdf" / "plan-acme-dashboards--first-look.pdf")
    brand = (out / "site" / "stylesheets" / "brand.css").read_text()
    assert (
        '@font-face { font-family: "House Sans"; src: url("../assets/fonts/House-Regular.otf")'
        in brand
    )
    assert '--md-text-font: "House Sans";' in brand
    assert (out / "site" / "assets" / "fonts" / "House-Regular.otf").is_file()


def test_a_font_file_replaced_under_the_same_name_is_printed_again(branded: Path) -> None:
    out = branded.parent / "dist"
    build(branded, BuildOptions(out=out, workers=1, only=frozenset({"pdf"})))
    assert (
        build(branded, BuildOptions(out=out, workers=1, only=frozenset({"pdf"}))).pdf_rendered == 0
    )
    shutil.copyfile(FONT.with_name("Inter-Bold.otf"), branded / "assets/fonts/House-Regular.otf")
    again = build(branded, BuildOptions(out=out, workers=1, only=frozenset({"pdf"})))
    assert again.pdf_rendered > 0  # every PDF uses the house font: none may be reused


def test_a_missing_or_wrong_font_file_is_reported(branded: Path) -> None:
    programme = branded / "program.yaml"
    programme.write_text(
        programme.read_text().replace(
            "regular: assets/fonts/House-Regular.otf}",
            "regular: assets/fonts/Nope.ttf, bold: assets/logo.svg}",
        )
    )
    assert problems_of(branded) == [
        "program.yaml:8:39: organisation.font.regular: there is no file "
        "'assets/fonts/Nope.ttf' in the project folder",
        "program.yaml:8:68: organisation.font.bold: 'assets/logo.svg' is not a font file; "
        "use .ttf, .otf, .woff or .woff2",
    ]

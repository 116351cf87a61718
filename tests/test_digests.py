"""Nothing changed, nothing done (issue 14); anything changed, and the build equals a cold one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import digests, markup, pages
from generator.build import BuildOptions, _salt, build, prepare
from generator.layers import library_root
from generator.loader import load_project
from generator.model import Session

from .conftest import ACME, MINIMAL_PROGRAMME, TINY_TOPIC, TreeBuilder

FONT = library_root() / "templates" / "pdf" / "fonts" / "Inter-Italic.otf"
OTHER_FONT = FONT.with_name("Inter-Bold.otf")

CATALOG = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Programme guide"
msgstr "{guide}"
"""


def outputs(out: Path) -> dict[str, str]:
    """Every output file and its content digest (the build's own bookkeeping left out)."""
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".mentorkit" not in p.relative_to(out).parts
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Acme with a house font and a catalogue of its own, so every kind of input is there."""
    root = tmp_path / "acme"
    shutil.copytree(ACME, root)
    (root / "assets" / "fonts").mkdir()
    shutil.copyfile(FONT, root / "assets" / "fonts" / "House-Regular.otf")
    programme = root / "program.yaml"
    programme.write_text(
        programme.read_text().replace(
            "  logo: assets/logo.svg\n",
            "  logo: assets/logo.svg\n"
            "  font: {family: House Sans, regular: assets/fonts/House-Regular.otf}\n",
        )
    )
    catalog = root / "templates" / "locale" / "en" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(CATALOG.format(guide="Programme handbook"))
    return root


def _edit(path: str, old: str, new: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        file = root / path
        text = file.read_text()
        assert old in text
        file.write_text(text.replace(old, new))

    return change


def _add_template(root: Path) -> None:
    source = library_root() / "templates" / "site" / "home.md.j2"
    target = root / "templates" / "site" / "home.md.j2"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source.read_text() + "\nOur own words at the end of the home page.\n")


def _replace_font(root: Path) -> None:
    shutil.copyfile(OTHER_FONT, root / "assets" / "fonts" / "House-Regular.otf")


#: One change of each kind of input a build reads.
CHANGES: dict[str, Callable[[Path], None]] = {
    "topic": _edit(
        "topics/acme-dashboards.yaml", "A first look at the dashboard", "A first look at the panel"
    ),
    "topic text": _edit(
        "topics/acme-dashboards.yaml",
        "Tour the dashboard with the executive at the keyboard.",
        "Tour the dashboard with the executive at the keys.",
    ),
    "topic title": _edit(
        "topics/acme-dashboards.yaml",
        "title: Reading the operations dashboard",
        "title: Reading the depot dashboard",
    ),
    "template": _add_template,
    "asset": _edit("assets/logo.svg", "#", "#1"),
    "font": _replace_font,
    "locale": _edit(
        "templates/locale/en/LC_MESSAGES/messages.po", "Programme handbook", "Pilot handbook"
    ),
    "programme": _edit("program.yaml", "Acme Reverse Mentoring Pilot", "Acme Mentoring Pilot"),
}


def test_nothing_changed_keeps_every_output_without_rendering(project: Path) -> None:
    out = project.parent / "dist"
    first = build(project, BuildOptions(out=out, workers=1, only=frozenset({"calendar"})))
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = build(project, BuildOptions(out=out, workers=1, only=frozenset({"calendar"})))
    assert again.unchanged
    assert again.project is None  # decided before loading anything
    assert again.title == "Acme Reverse Mentoring Pilot"
    assert [(o.name, o.files, o.reused) for o in again.outputs] == [
        (o.name, o.files, o.files) for o in first.outputs
    ]
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before
    # Other options are another build.
    other = build(project, BuildOptions(out=out, workers=1, only=frozenset({"calendar", "site"})))
    assert not other.unchanged


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_every_kind_of_input_change_is_seen(project: Path, kind: str) -> None:
    out = project.parent / "dist"
    options = BuildOptions(out=out, workers=1, only=frozenset({"calendar"}))
    build(project, options)
    CHANGES[kind](project)
    assert not build(project, options).unchanged
    assert build(project, options).unchanged


def test_an_output_touched_by_hand_is_made_again(project: Path) -> None:
    out = project.parent / "dist"
    options = BuildOptions(out=out, workers=1, only=frozenset({"calendar"}))
    build(project, options)
    ics = next((out / "calendar").glob("*.ics"))
    made = ics.read_bytes()
    ics.write_bytes(made.replace(b"Acme", b"Acne"))
    again = build(project, options)
    assert not again.unchanged
    assert ics.read_bytes() == made


def test_after_each_kind_of_change_the_build_equals_a_cold_one(project: Path) -> None:
    # One chain of builds, one change at a time: the folder built again after each change
    # holds exactly what a cold build of the changed project makes, byte for byte.
    out = project.parent / "dist"
    options = BuildOptions(out=out, workers=2, only=frozenset({"site", "pdf", "calendar"}))
    build(project, options)
    for number, kind in enumerate(sorted(CHANGES)):
        CHANGES[kind](project)
        again = build(project, options)
        assert not again.unchanged, kind
        cold = project.parent / f"cold-{number}"
        build(project, BuildOptions(out=cold, workers=2, only=options.only))
        assert outputs(out) == outputs(cold), kind
        shutil.rmtree(cold)


def test_one_topic_changed_keeps_the_pages_that_do_not_show_it(project: Path) -> None:
    out = project.parent / "dist"
    options = BuildOptions(out=out, workers=1, only=frozenset({"site"}))
    first = build(project, options)
    assert first.site_kept == 0 and first.site_pages > 20
    CHANGES["topic text"](project)
    again = build(project, options)
    # The topic's pages and those that show its text are made again, no other.
    assert 0 < again.markdown_rendered < again.markdown_pages - 5
    assert 0 < again.site_kept < again.site_pages - 1
    shown = [
        p.relative_to(out).as_posix()
        for p in (out / "site").rglob("*.html")
        if "at the keys." in p.read_text(encoding="utf-8")
    ]
    assert shown
    cold = project.parent / "cold"
    build(project, BuildOptions(out=cold, workers=1, only=options.only))
    assert outputs(out) == outputs(cold)  # the search index included
    # A page of the built site edited by hand: nothing of that site is kept.
    home = out / "site" / "index.html"
    home.write_bytes(home.read_bytes().replace(b"</body>", b"<p>ours</p></body>"))
    _edit("topics/acme-dashboards.yaml", "at the keys.", "in charge.")(project)
    edited = build(project, options)
    assert edited.site_kept == 0
    shutil.rmtree(cold)
    build(project, BuildOptions(out=cold, workers=1, only=options.only))
    assert outputs(out) == outputs(cold)


def test_a_search_index_not_as_written_makes_the_whole_site(project: Path) -> None:
    # Damaged without a trace (same size, same date): the pages are not kept from it.
    out = project.parent / "dist"
    options = BuildOptions(out=out, workers=1, only=frozenset({"site"}))
    build(project, options)
    index = out / "site" / "search" / "search_index.json"
    stat = index.stat()
    index.write_bytes(b"x" * stat.st_size)
    os.utime(index, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    CHANGES["topic text"](project)
    again = build(project, options)
    assert again.site_kept == 0
    cold = project.parent / "cold"
    build(project, BuildOptions(out=cold, workers=1, only=options.only))
    assert outputs(out) == outputs(cold)


def test_a_page_reading_a_topic_by_any_path_is_rendered_again(project: Path) -> None:
    # The agreement reads no topic, until a template of the project's makes it read one
    # through the timeline, by the attribute filters (`map`): still seen.
    template = project / "templates" / "site" / "agreement.md.j2"
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text(
        "# Agreement\n\n{{ timeline.sessions | map(attribute='session.summary') | join(' ') }}\n"
    )
    out = project.parent / "dist"
    options = BuildOptions(out=out, workers=1, only=frozenset({"site"}))
    build(project, options)
    CHANGES["topic text"](project)
    again = build(project, options)
    assert again.markdown_rendered < again.markdown_pages
    page = (out / "site" / "programme" / "agreement.html").read_text(encoding="utf-8")
    assert "at the keys." in page
    cold = project.parent / "cold"
    build(project, BuildOptions(out=cold, workers=1, only=options.only))
    assert outputs(out) == outputs(cold)


def test_a_font_installed_on_the_system_is_a_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # WeasyPrint falls back on system fonts for characters the programme's fonts lack.
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    monkeypatch.setattr(digests, "SYSTEM_FONTS", (fonts,))
    roots = [str(ACME)]
    before = digests.digest(roots, tmp_path / "dist")
    assert digests.digest(roots, tmp_path / "dist") == before
    # The PDFs and pack layouts kept by a build are not used again either.
    project = load_project(ACME)
    renderer = prepare(project)
    salt = _salt(project, renderer)
    shutil.copyfile(FONT, fonts / "NotoSansDevanagari-Regular.otf")
    assert digests.digest(roots, tmp_path / "dist") != before
    assert _salt(project, renderer) != salt


def test_an_edit_made_while_a_build_runs_is_not_missed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.build

    out = project.parent / "dist"
    options = BuildOptions(out=out, workers=1, only=frozenset({"calendar"}))
    real = generator.build.load_project

    def load_then_edit(path: Path) -> object:
        loaded = real(path)
        CHANGES["topic"](project)  # saved in an editor while the build renders
        return loaded

    monkeypatch.setattr(generator.build, "load_project", load_then_edit)
    build(project, options)
    monkeypatch.setattr(generator.build, "load_project", real)
    assert not build(project, options).unchanged
    assert build(project, options).unchanged


def test_a_project_with_a_pack_is_kept_from_its_second_build(tree: TreeBuilder) -> None:
    root = tree(
        {
            "pack/topics/tiny.yaml": TINY_TOPIC,
            "acme/program.yaml": MINIMAL_PROGRAMME + "packs: [../pack]\n",
        }
    )
    out = root / "dist"
    options = BuildOptions(out=out, workers=1, only=frozenset({"calendar"}))
    build(root / "acme", options)
    build(root / "acme", options)  # learns the pack's folder
    assert build(root / "acme", options).unchanged
    topic = root / "pack" / "topics" / "tiny.yaml"
    topic.write_text(topic.read_text().replace("A tiny topic", "A small topic"))
    assert not build(root / "acme", options).unchanged


PAGE = "# Zoë's session\n\n## Übung\n\nTry the *dashboard* with Ngozi and 陈静.\n"


def _convert_all(path: Path, texts: list[str]) -> tuple[list[markup.Html], int]:
    with markup.kept_conversions(path) as kept:
        made = [markup.to_html(text, id_prefix="sheet-") for text in texts]
    assert kept is not None
    return made, kept.converted


def test_kept_conversions_are_those_markdown_makes_and_follow_every_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "html.json"
    fresh = markup.to_html(PAGE, id_prefix="sheet-")
    assert _convert_all(path, [PAGE]) == ([fresh], 1)
    assert _convert_all(path, [PAGE]) == ([fresh], 0)  # kept: nothing converted again
    edited = PAGE.replace("Ngozi", "Mateus")
    made, converted = _convert_all(path, [PAGE, edited])
    assert converted == 1 and made[1] == markup.to_html(edited, id_prefix="sheet-")
    assert "Mateus" in made[1].body
    # Another version of the converter's code: nothing kept is used.
    monkeypatch.setattr(markup, "_CODE_DIGEST", "another version")
    assert _convert_all(path, [PAGE]) == ([fresh], 1)
    # A damaged file: everything is converted again.
    path.write_text('{"code": "another version", "entries": {"x": 1', encoding="utf-8")
    assert _convert_all(path, [PAGE]) == ([fresh], 1)
    # Only what the last build used is kept.
    assert len(json.loads(path.read_text(encoding="utf-8"))["entries"]) == 1


@dataclasses.dataclass(frozen=True)
class _Slot:
    """A stand-in for what the plan and the timeline hold: a data class around models."""

    number: int
    session: Session
    hidden: str = dataclasses.field(default="", repr=False)


def test_the_shared_shape_follows_data_and_names_topics_by_id_only() -> None:
    project = load_project(ACME)
    topic_id, topic = next(iter(project.topics.items()))
    owners: dict[int, str] = {}
    pages._own(topic, topic_id, owners)
    session = topic.sessions[0]
    data = {"slots": [_Slot(1, session)], "when": dt.date(2027, 1, 12), "title": "Pilot"}
    shape = pages._shape(data, owners)
    # The topic's session is named, not walked: its content is the topic's own digest.
    assert f"<{topic_id} Session {session.id}>" in shape
    assert "'when':datetime.date(2027, 1, 12)" in shape
    assert pages._shape(data, owners) == shape  # the same data, the same text
    changed = [
        {**data, "slots": [_Slot(2, session)]},
        {**data, "when": dt.date(2027, 1, 19)},
        {**data, "title": "Pilot 2"},
        {**data, "extra": None},
    ]
    for other in changed:
        assert pages._shape(other, owners) != shape
    # A field left out of the repr is left out of the shape, as it always was.
    assert pages._shape({**data, "slots": [_Slot(1, session, "x")]}, owners) == shape
    # Unowned, the session is walked into: a change to its text shows.
    edited = session.model_copy(update={"title": "Another title"})
    assert pages._shape({"s": session}, {}) != pages._shape({"s": edited}, {})

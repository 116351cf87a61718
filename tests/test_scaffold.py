"""`mentorkit init`: the project it writes builds as it is, in each language it offers, and
the scaffolds of every language stay in step with the English one."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator import i18n, yamlsource
from generator.cli import cli
from generator.errors import Problems
from generator.layers import builtin_programmes, library_root
from generator.loader import load_project
from generator.scaffold import SCAFFOLDS, available_locales

from .conftest import problems_of

TRANSLATED = [language for language in available_locales() if language != "en"]

#: Files whose name is translated too: English name for each language's own.
RENAMED = {"fr": {"topics/notre-sujet-exemple.yaml": "topics/our-example-topic.yaml"}}
#: Keys one scaffold may have and another not, where a country has no such setting
#: (metropolitan France has no region with its own holidays, England does).
UNMATCHED = {"fr": {"schedule.holidays.subdivision"}}
#: Keys whose values are the same in every language (what runs, not what is said).
SAME_VALUES = frozenset(
    """
    kind after_session at onboarding questions outputs certificate cadence weekday time start
    session_minutes minutes lead level area format colors logo review_by prep_minutes
    practice_minutes weights publish
    """.split()
)
#: A key of a commented-out example, such as `#   - goal: ...` or `# events:`.
COMMENTED_KEY = re.compile(r"^#\s*(?:-\s*)?\{?([a-z_]+):(?:\s|$)")


def _shape(node: Any, path: str = "", exempt: frozenset[str] = frozenset()) -> Any:
    """What two translations of one file share: keys, list lengths and the types of
    scalars, and the values of keys in SAME_VALUES."""
    if isinstance(node, dict):
        return {
            key: value if key in SAME_VALUES else _shape(value, f"{path}.{key}".lstrip("."), exempt)
            for key, value in node.items()
            if f"{path}.{key}".lstrip(".") not in exempt
        }
    if isinstance(node, list):
        return [_shape(item, path, exempt) for item in node]
    return type(node).__name__


def _read(path: Path) -> Any:
    """A YAML file as mentorkit reads it (its loader, not PyYAML's pure-Python one)."""
    problems = Problems()
    document = yamlsource.load(yamlsource.Source(path, path.name), problems)
    assert document is not None, [str(p) for p in problems]
    return yamlsource.to_plain(document.root)[0]


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_init_writes_a_project_that_builds_as_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "ours"
    runner = CliRunner()
    created = runner.invoke(cli, ["init", str(folder)])
    assert created.exit_code == 0, created.output
    for name in ("program.yaml", "assets/logo.svg", "templates/README.md"):
        assert (folder / name).is_file(), name
    assert list((folder / "topics").glob("*.yaml"))
    assert list((folder / "schemas").glob("*.json"))

    out = tmp_path / "dist"
    built = runner.invoke(cli, ["build", str(folder), "--out", str(out)])
    assert built.exit_code == 0, built.output
    home = (out / "site" / "index.html").read_text(encoding="utf-8")
    assert "Our Organisation" in home
    assert (out / "pdf" / "plan-our-example-topic--find-and-post.pdf").is_file()
    assert list((out / "calendar").glob("*.ics"))
    linted = runner.invoke(cli, ["lint", str(folder), "--strict", "--today", "2027-01-01"])
    assert linted.exit_code == 0, linted.output


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert "this folder is not empty" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("language", available_locales())
def test_the_examples_init_writes_in_comments_are_valid_once_uncommented(
    language: str, tmp_path: Path
) -> None:
    """program.yaml invites the coordinator to uncomment its goals, contacts and events;
    doing so left `onboarding_hours`, written below them, under `contacts:`, a YAML error
    no coordinator could read."""
    folder = tmp_path / "ours"
    assert CliRunner().invoke(cli, ["init", str(folder), "--locale", language]).exit_code == 0
    lines, opened = [], False
    for line in (folder / "program.yaml").read_text(encoding="utf-8").splitlines():
        if line in ("# goals:", "# contacts:", "# events:"):
            opened = True
        elif not line.strip():
            opened = False
        lines.append(line.removeprefix("# ") if opened else line)
    text = "\n".join(lines) + "\n"
    assert "\ngoals:\n" in text and "\ncontacts:\n" in text and "\nevents:\n" in text
    (folder / "program.yaml").write_text(text, encoding="utf-8")
    assert problems_of(folder) == []


def _english_programme_text() -> list[str]:
    """Sentences of the built-in default programme that a French site must not show."""
    data = yaml.safe_load(builtin_programmes()["default"].read_text(encoding="utf-8"))
    texts = [data["title"], data["recognition"]["message"].strip()]
    texts += [goal["goal"] for goal in data["goals"]]
    texts += [rule.split(",")[0] for rule in data["ground_rules"]]
    texts += [checkpoint["title"] for checkpoint in data["checkpoints"]]
    texts += [track["title"] for track in data["tracks"]]
    return texts


def test_init_in_french_writes_a_french_project_that_builds(tmp_path: Path) -> None:
    folder = tmp_path / "nous"
    runner = CliRunner()
    created = runner.invoke(cli, ["init", str(folder), "--locale", "fr"])
    assert created.exit_code == 0, created.output
    assert "locale: fr " in (folder / "program.yaml").read_text(encoding="utf-8")
    project = load_project(folder)
    assert project.programme.locale == "fr"
    assert project.programme.title == "Notre programme de mentorat inversé"
    assert runner.invoke(cli, ["validate", str(folder)]).exit_code == 0
    linted = runner.invoke(cli, ["lint", str(folder), "--strict", "--today", "2027-01-01"])
    assert linted.exit_code == 0, linted.output

    out = tmp_path / "dist"
    built = runner.invoke(cli, ["build", str(folder), "--out", str(out), "--only", "site"])
    assert built.exit_code == 0, built.output
    site = out / "site"
    home, guide, agreement = (
        html.unescape((site / page).read_text(encoding="utf-8"))
        for page in ("index.html", "programme/index.html", "programme/agreement.html")
    )
    assert "Notre organisation" in home
    assert "Faire progresser l'aisance numérique" in home
    assert "Évaluation finale" in guide
    assert "Ce qui se dit en séance reste dans le binôme" in agreement
    topic = (site / "topics" / "notre-sujet-exemple" / "index.html").read_text(encoding="utf-8")
    assert "Notre intranet, utilisé comme un pro" in topic
    for page in (home, guide, agreement):
        for english in _english_programme_text():
            assert english not in page, english


def test_an_unknown_locale_names_those_there_are(tmp_path: Path) -> None:
    folder = tmp_path / "wir"
    result = CliRunner().invoke(cli, ["init", str(folder), "--locale", "de"])
    assert result.exit_code == 1
    assert result.output == (
        "error: --locale de: mentorkit cannot write a project in that language; "
        "choose one of en (the default), fr\n"
    )
    assert not folder.exists()


def test_every_translated_language_has_a_scaffold() -> None:
    catalogs = i18n.available_languages([library_root() / "templates"])
    assert available_locales() == catalogs
    assert "fr" in TRANSLATED


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_scaffold_has_the_english_files_and_structure(language: str) -> None:
    english, translated = SCAFFOLDS / "en", SCAFFOLDS / language
    renamed = RENAMED.get(language, {})
    names = [renamed.get(name, name) for name in _files(translated)]
    assert sorted(names) == _files(english)
    exempt = frozenset(UNMATCHED.get(language, set()))
    for own in _files(translated):
        if not own.endswith(".yaml"):
            continue
        theirs = renamed.get(own, own)
        ours_text = (translated / own).read_text(encoding="utf-8")
        theirs_text = (english / theirs).read_text(encoding="utf-8")
        ours, original = _read(translated / own), _read(english / theirs)
        assert _shape(ours, exempt=exempt) == _shape(original, exempt=exempt), own
        commented = [
            [m.group(1) for line in text.splitlines() if (m := COMMENTED_KEY.match(line.strip()))]
            for text in (ours_text, theirs_text)
        ]
        assert commented[0] == commented[1], own


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translated_default_programme_matches_the_default(language: str) -> None:
    programmes = builtin_programmes()
    default = _read(programmes["default"])
    translated = _read(programmes[f"default-{language}"])
    assert translated["locale"] == language
    exempt = frozenset(UNMATCHED.get(language, set()))
    assert _shape(translated, exempt=exempt) == _shape(default, exempt=exempt)
    assert [t["topics"] for t in translated["tracks"]] == [t["topics"] for t in default["tracks"]]


@pytest.mark.parametrize("language", available_locales())
def test_the_template_notes_list_every_built_in_template(language: str) -> None:
    built_in = library_root() / "templates"
    names = sorted(p.relative_to(built_in).as_posix() for p in built_in.rglob("*.j2"))
    notes = (SCAFFOLDS / language / "templates" / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([^`]+)` \| \S", notes, flags=re.MULTILINE)
    assert listed == names


def test_template_copies_a_built_in_template_into_the_project(tmp_path: Path) -> None:
    """The template notes said the originals are in mentorkit's `templates/` folder, which
    someone who installed the package cannot find: a command gets them."""
    project = tmp_path / "acme"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(project)]).exit_code == 0
    original = (library_root() / "templates" / "site" / "home.md.j2").read_text(encoding="utf-8")

    listed = runner.invoke(cli, ["template"])
    assert listed.exit_code == 0
    assert "site/home.md.j2" in listed.stdout.splitlines()
    shown = runner.invoke(cli, ["template", "home.md.j2"])
    assert (shown.exit_code, shown.stdout) == (0, original)

    copied = runner.invoke(cli, ["template", "site/home.md.j2", str(project)])
    assert copied.exit_code == 0
    target = project / "templates" / "site" / "home.md.j2"
    assert target.read_text(encoding="utf-8") == original
    assert not problems_of(project)

    target.write_text("# Ours\n", encoding="utf-8")
    again = runner.invoke(cli, ["template", "home", str(project)])
    assert again.exit_code == 1
    assert again.stderr == (
        f"error: {target}: this file is already there, and may hold changes of yours; rename "
        "or remove it first to get the original again\n"
    )
    assert target.read_text(encoding="utf-8") == "# Ours\n"
    unknown = runner.invoke(cli, ["template", "hme.md.j2", str(project)])
    assert (unknown.exit_code, unknown.stderr) == (
        1,
        "error: hme.md.j2: there is no built-in template of that name (did you mean "
        "site/home.md.j2?); `mentorkit template` lists them all\n",
    )
    several = runner.invoke(cli, ["template", "report"])
    assert several.stderr == (
        "error: report: more than one built-in template has that name (report/report.css.j2, "
        "report/report.html.j2); give the one you mean as it is written there\n"
    )

"""The built-in library as shipped: enough content to run a programme, and every built-in
programme and the `mentorkit init` scaffold build as they are."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.layers import builtin_programmes
from generator.lint import lint
from generator.loader import load_project
from generator.model import Project

from .conftest import problems_of

AREAS = ("digital-tools", "social-media", "dei", "trends")


@pytest.fixture(scope="module")
def library() -> Project:
    return load_project(None)


def test_the_library_has_a_full_curriculum(library: Project) -> None:
    project = library
    pairs = [t for t in project.topics.values() if not t.is_workshop]
    workshops = [t for t in project.topics.values() if t.is_workshop]
    per_area = Counter(t.area for t in pairs)
    assert len(pairs) >= 24
    assert all(per_area[area] >= 3 for area in AREAS), per_area
    assert sum(len(t.sessions) for t in pairs) >= 70
    assert "bring-your-own-problem" in project.topics
    assert sum(len(t.sessions) for t in workshops) >= 4
    assert {"mentor-training", "mentee-orientation"} <= {t.id for t in workshops}


def test_every_pair_topic_is_complete(library: Project) -> None:
    project = library
    for topic in project.topics.values():
        if topic.is_workshop:
            continue
        assert topic.why_it_matters and topic.glossary and topic.review_by, topic.id
        for session in topic.sessions:
            where = f"{topic.id}/{session.id}"
            assert 3 <= len(session.objectives) <= 5, where
            assert any(a.steps and a.materials for a in session.activities), where
            assert session.discussion and session.mentor_tips and session.pitfalls, where
            assert session.practice and len(session.reflection) >= 3, where
            assert session.remote and session.fallback and session.if_short, where
            assert session.exchange, where


def test_the_whole_library_passes_the_lint_before_its_review_dates(library: Project) -> None:
    earliest = min(t.review_by for t in library.topics.values() if t.review_by)
    findings = lint(library, earliest - dt.timedelta(days=1))
    assert [str(f) for f in findings] == []


@pytest.mark.parametrize("name", sorted(builtin_programmes()))
def test_every_built_in_programme_validates_and_lints(name: str) -> None:
    path = builtin_programmes()[name]
    runner = CliRunner()
    validated = runner.invoke(cli, ["validate", str(path)])
    assert validated.exit_code == 0, validated.output
    # The plans' sides are measured for every built-in topic in test_plans.py.
    linted = runner.invoke(
        cli, ["lint", str(path), "--strict", "--today", "2027-01-01", "--no-layout"]
    )
    assert linted.exit_code == 0, linted.output


def test_an_example_programme_builds_site_and_calendar(tmp_path: Path) -> None:
    path = builtin_programmes()["inclusion"]
    result = CliRunner().invoke(
        cli, ["build", str(path), "--out", str(tmp_path), "--only", "site,calendar"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").is_file()
    assert list((tmp_path / "calendar").glob("*.ics"))


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


def test_the_examples_init_writes_in_comments_are_valid_once_uncommented(tmp_path: Path) -> None:
    """program.yaml invites the coordinator to uncomment its goals, contacts and events;
    doing so left `onboarding_hours`, written below them, under `contacts:`, a YAML error
    no coordinator could read."""
    folder = tmp_path / "ours"
    assert CliRunner().invoke(cli, ["init", str(folder)]).exit_code == 0
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


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert "this folder is not empty" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"

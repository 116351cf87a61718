"""The built-in library as shipped: enough content to run a programme, and every built-in
programme builds as it is (the `mentorkit init` scaffolds: test_scaffold.py)."""

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
from generator.timing import fit

from .conftest import TreeBuilder, problems_of

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


def test_every_built_in_topic_says_it_is_in_english(library: Project) -> None:
    """A programme in another language (default-fr) marks them as English on its site, and
    lint reads their objectives for English verbs."""
    unmarked = [t.id for t in library.topics.values() if t.language != "en"]
    assert unmarked == []


def test_every_built_in_session_fits_a_30_minute_slot(library: Project) -> None:
    """30 minutes is a standard booking: each pair session shortens to it, and no step of
    the shortened plan is too short to run (a check-in or next steps of two minutes is
    one question; anything the pair does gets three at least)."""
    unfit, too_short = [], []
    for topic in sorted(library.pair_topics, key=lambda t: t.id):
        for session in topic.sessions:
            short = fit(session, 30)
            if isinstance(short, str):
                unfit.append(f"{topic.id}/{session.id}: {short}")
                continue
            assert short.minutes == 30 == sum(item.minutes for item in short.agenda)
            too_short += [
                f"{topic.id}/{session.id}: {item.title} ({item.minutes} min)"
                for item in short.agenda
                if item.minutes < (2 if item.kind in ("check-in", "next-steps") else 3)
            ]
    assert unfit == []
    assert too_short == []


def test_a_weekly_programme_of_30_minute_sessions_on_the_default_is_valid(
    tree: TreeBuilder,
) -> None:
    root = tree(
        {
            "program.yaml": """
                extends: default
                id: weekly
                title: Weekly half hours
                schedule: {cadence: weekly, session_minutes: 30}
                """
        }
    )
    assert problems_of(root) == []
    project = load_project(root)
    assert project.programme.tracks
    for topic in project.pair_topics:
        for session in topic.sessions:
            assert session.minutes == 30 == sum(item.minutes for item in session.agenda)
            assert session.written_minutes == 60
    earliest = min(t.review_by for t in project.topics.values() if t.review_by)
    assert lint(project, earliest - dt.timedelta(days=1)) == []

"""Lint: teaching-quality findings with their places; strict mode fails on any."""

from __future__ import annotations

import datetime as dt
import textwrap

from click.testing import CliRunner

from generator.cli import cli
from generator.lint import lint
from generator.loader import load_project

from .conftest import MINIMAL_PROGRAMME as PROGRAMME_30
from .conftest import TreeBuilder

MINIMAL_PROGRAMME = PROGRAMME_30.replace("session_minutes: 30", "session_minutes: 45")

GOOD = textwrap.dedent(
    """
    id: tiny
    title: A tiny topic
    area: digital-tools
    summary: Small but complete.
    why_it_matters: Because it is small.
    objectives: [Explain one thing]
    review_by: 2030-01-01
    glossary: [{term: Thing, definition: One thing.}]
    sessions:
      - id: only
        title: The only session
        minutes: 45
        objectives: [Explain one thing, Compare two things, Draft a third]
        before: {mentor: [Prepare], mentee: [Think]}
        agenda:
          - {title: Check-in, minutes: 5, kind: check-in}
          - {title: Show, minutes: 15, lead: mentor, kind: demo}
          - {title: Try it, minutes: 15, lead: mentee, kind: hands-on}
          - {title: Reflect, minutes: 5, kind: reflection}
          - {title: Next steps, minutes: 5, kind: next-steps}
        activities: [{title: Try, steps: [Open it], materials: [A phone]}]
        discussion: [Why?]
        mentor_tips: [Breathe.]
        pitfalls: [Rushing]
        practice: [Use it twice]
        reflection: [What happened?, So what?, Now what?]
    """
).lstrip()


def findings_for(tree: TreeBuilder, topic: str, today: str = "2027-01-01") -> list[str]:
    root = tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": topic})
    project = load_project(root)
    return [str(f) for f in lint(project, dt.date.fromisoformat(today))]


def test_a_well_made_session_has_no_findings(tree: TreeBuilder) -> None:
    assert findings_for(tree, GOOD) == []


def test_objectives_need_a_measurable_verb(tree: TreeBuilder) -> None:
    topic = GOOD.replace("[Explain one thing, Compare", "[Understand one thing, Vibes about")
    assert findings_for(tree, topic) == [
        "topics/tiny.yaml:13:18: warning: sessions[0].objectives[0]: 'Understand' cannot be "
        "observed; start with a verb the leader can be seen doing, such as explain, compare, "
        "draft or set up",
        "topics/tiny.yaml:13:40: warning: sessions[0].objectives[1]: start with a measurable "
        "verb (explain, compare, draft, set up…) rather than 'Vibes'",
    ]


def test_sessions_too_short_or_too_long(tree: TreeBuilder) -> None:
    short = (
        GOOD.replace("minutes: 45\n", "minutes: 25\n")
        .replace("{title: Show, minutes: 15,", "{title: Show, minutes: 5,")
        .replace("{title: Try it, minutes: 15,", "{title: Try it, minutes: 5,")
    )
    assert findings_for(tree, short) == [
        "topics/tiny.yaml:12:14: warning: sessions[0].minutes: 25 minutes; pair sessions work "
        "best between 30 and 90 minutes"
    ]


def test_no_check_in_no_next_steps_and_a_long_lecture(tree: TreeBuilder) -> None:
    topic = (
        GOOD.replace(
            "{title: Check-in, minutes: 5, kind: check-in}",
            "{title: Intro, minutes: 5, lead: mentor, kind: talk}",
        )
        .replace(
            "{title: Try it, minutes: 15, lead: mentee, kind: hands-on}",
            "{title: More talk, minutes: 15, lead: mentor, kind: talk}",
        )
        .replace(
            "{title: Next steps, minutes: 5, kind: next-steps}",
            "{title: Goodbye, minutes: 5, lead: both, kind: discussion}",
        )
    )
    assert findings_for(tree, topic) == [
        "topics/tiny.yaml:16:9: warning: sessions[0].agenda: open with a check-in "
        "(`kind: check-in`): what happened since last time",
        "topics/tiny.yaml:16:9: warning: sessions[0].agenda[0]: 35 minutes without the leader "
        "doing anything; break it up with something hands-on every 20 minutes",
        "topics/tiny.yaml:20:9: warning: sessions[0].agenda: close with next steps "
        "(`kind: next-steps`): the practice task and the next date",
    ]


def test_empty_parts_of_a_pair_session(tree: TreeBuilder) -> None:
    topic = GOOD.replace("    pitfalls: [Rushing]\n", "").replace(
        "    activities: [{title: Try, steps: [Open it], materials: [A phone]}]",
        "    activities: [{title: Try}]",
    )
    assert findings_for(tree, topic) == [
        "topics/tiny.yaml:10:9: warning: sessions[0].pitfalls: empty; every pair session needs it",
        "topics/tiny.yaml:21:18: warning: sessions[0].activities[0]: give the steps, so that "
        "the pair can follow them",
        "topics/tiny.yaml:21:18: warning: sessions[0].activities[0]: list the materials to "
        "have ready",
    ]


def test_stale_topics_surface(tree: TreeBuilder) -> None:
    assert findings_for(tree, GOOD, today="2030-06-01") == [
        "topics/tiny.yaml:7:12: warning: review_by: this topic was due for review on "
        "2030-01-01; check that its advice still holds and set a new date"
    ]


def test_strict_exits_1_with_findings_and_0_without(tree: TreeBuilder) -> None:
    root = tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": GOOD})
    runner = CliRunner()
    clean = runner.invoke(cli, ["lint", str(root), "--strict", "--today", "2027-01-01"])
    assert clean.exit_code == 0
    assert "No findings" in clean.stdout
    stale = runner.invoke(cli, ["lint", str(root), "--strict", "--today", "2031-01-01"])
    assert stale.exit_code == 1
    assert stale.stdout.splitlines()[-1] == "1 finding."
    relaxed = runner.invoke(cli, ["lint", str(root), "--today", "2031-01-01"])
    assert relaxed.exit_code == 0


def test_the_built_in_library_passes_the_strict_lint() -> None:
    result = CliRunner().invoke(cli, ["lint", "--strict"])
    assert result.exit_code == 0, result.stdout

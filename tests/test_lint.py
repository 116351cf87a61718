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
        prep_minutes: {mentor: 20, mentee: 10}
        practice_minutes: 15
        remote: [Share your screen, then hand control to the leader.]
        fallback: [Without an account, use the public web version.]
        if_short: [Shorten the demonstration to five minutes.]
        exchange: [Ask the leader how they choose what to learn next.]
    resources: [{title: A guide, url: "https://example.org/guide"}]
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


def test_objectives_in_french_are_read_with_french_verbs(tree: TreeBuilder) -> None:
    french = GOOD.replace("summary: Small", "language: fr\nsummary: Small")
    good = french.replace(
        "[Explain one thing, Compare two things, Draft a third]",
        "[Expliquer une chose, Se connecter à l'outil, S'abonner à une page]",
    ).replace("objectives: [Explain one thing]", "objectives: [Rédiger un message]")
    assert findings_for(tree, good) == []
    vague = good.replace("[Expliquer une chose, Se connecter", "[Comprendre une chose, Voir")
    assert findings_for(tree, vague) == [
        "topics/tiny.yaml:14:18: warning: sessions[0].objectives[0]: 'Comprendre' cannot be "
        "observed; start with a verb the leader can be seen doing, such as expliquer, comparer, "
        "rédiger or configurer",
        "topics/tiny.yaml:14:40: warning: sessions[0].objectives[1]: 'Voir' cannot be observed; "
        "start with a verb the leader can be seen doing, such as expliquer, comparer, rédiger "
        "or configurer",
    ]
    # In a language lint has no verbs for, objectives are not judged by their first word.
    german = GOOD.replace("summary: Small", "language: de\nsummary: Small").replace(
        "Explain one thing, Compare", "Eine Sache erklären, Compare"
    )
    assert findings_for(tree, german) == []


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
    # The plans' sides are measured for every built-in topic in test_plans.py.
    result = CliRunner().invoke(cli, ["lint", "--strict", "--no-layout"])
    assert result.exit_code == 0, result.stdout


def test_a_pair_session_says_how_to_run_it_remotely_short_and_without_the_tool(
    tree: TreeBuilder,
) -> None:
    topic = (
        GOOD.replace("    remote: [Share your screen, then hand control to the leader.]\n", "")
        .replace("    fallback: [Without an account, use the public web version.]\n", "")
        .replace("    if_short: [Shorten the demonstration to five minutes.]\n", "")
        .replace("    practice_minutes: 15\n", "")
        .replace("    exchange: [Ask the leader how they choose what to learn next.]\n", "")
        .replace("    prep_minutes: {mentor: 20, mentee: 10}\n", "")
    )
    assert findings_for(tree, topic) == [
        "topics/tiny.yaml:10:9: warning: sessions[0].exchange: missing; give one or two "
        "questions the mentor may ask the leader in the last minutes (what the junior gains)",
        "topics/tiny.yaml:10:9: warning: sessions[0].fallback: missing; say what to do when "
        "a tool, an account or some data is missing",
        "topics/tiny.yaml:10:9: warning: sessions[0].if_short: missing; say what to cut, in "
        "order, when the session starts late",
        "topics/tiny.yaml:10:9: warning: sessions[0].practice_minutes: missing; say how long "
        "the leader's practice takes",
        "topics/tiny.yaml:10:9: warning: sessions[0].prep_minutes: missing; say how long each "
        "side's preparation takes, such as {mentor: 30, mentee: 15}",
        "topics/tiny.yaml:10:9: warning: sessions[0].remote: missing; say how to run this "
        "session on a video call",
    ]


def test_preparation_minutes_for_each_side_that_prepares(tree: TreeBuilder) -> None:
    topic = GOOD.replace("{mentor: 20, mentee: 10}", "{mentor: 20}")
    assert findings_for(tree, topic) == [
        "topics/tiny.yaml:27:19: warning: sessions[0].prep_minutes.mentee: missing; say how "
        "long the leader's preparation takes"
    ]


def test_every_topic_has_a_resource(tree: TreeBuilder) -> None:
    topic = GOOD.replace('resources: [{title: A guide, url: "https://example.org/guide"}]', "")
    assert findings_for(tree, topic) == [
        "topics/tiny.yaml:1:5: warning: resources: add at least one resource the leader can "
        "read or watch after"
    ]


EVIDENCE = """sources:
  - id: ons-labour-2025
    title: Labour market overview
    publisher: Office for National Statistics
    date: "2025-03"
    url: https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/overview
    supports: How many people work part-time, by age.
  - id: undated-blog
    title: A blog post
    url: https://example.org/blog/post
    supports: An opinion.
"""


def test_sources_are_named_and_dated_and_evidence_cites_them(tree: TreeBuilder) -> None:
    topic = GOOD.replace("\nresources:", "\n" + EVIDENCE + "resources:").replace(
        "    if_short: [Shorten the demonstration to five minutes.]\n",
        "    if_short: [Shorten the demonstration to five minutes.]\n"
        "    handouts:\n"
        "      - id: facts\n"
        "        title: What the figures say\n"
        "        kind: evidence\n"
        "        items:\n"
        "          - Part-time work is common at every age [ons-labour-2025].\n"
        "          - Nobody reads manuals [folk-wisdom].\n"
        "          - Everyone loves video.\n",
    )
    assert findings_for(tree, topic) == [
        "topics/tiny.yaml:38:13: warning: sessions[0].handouts[0].items[1]: [folk-wisdom] is "
        "not a source of this topic; add it under `sources` or cite one that is there",
        "topics/tiny.yaml:39:13: warning: sessions[0].handouts[0].items[2]: end the statement "
        "with the id of the source that backs it, in square brackets, such as "
        "[cipd-good-work-2024]",
        "topics/tiny.yaml:48:5: warning: sources[1].date: missing; give the year it was "
        'published, such as "2024-06", so that readers can judge how far to trust it',
        "topics/tiny.yaml:48:5: warning: sources[1].publisher: missing; name the organisation "
        "or author, so that readers can judge how far to trust it",
    ]


def test_printed_materials_are_handouts_of_the_session(tree: TreeBuilder) -> None:
    topic = GOOD.replace(
        "materials: [A phone]}]",
        "materials: [A phone, The leader's business card, Twelve scenario cards, "
        "The planning worksheet]}]",
    ).replace(
        "    if_short: [Shorten the demonstration to five minutes.]\n",
        "    if_short: [Shorten the demonstration to five minutes.]\n"
        "    handouts:\n"
        "      - {id: plan, title: Planning worksheet, kind: worksheet, items: [Goal]}\n",
    )
    assert findings_for(tree, topic) == [
        "topics/tiny.yaml:21:98: warning: sessions[0].activities[0].materials[2]: it mentions "
        '"cards", but the session has no handout of that kind; add it under `handouts` so '
        "that it is printed with the plan"
    ]


def test_a_session_after_its_topics_review_date(tree: TreeBuilder) -> None:
    topic = GOOD.replace("review_by: 2030-01-01", "review_by: 2027-01-11")
    message = (
        "program.yaml:5:38: warning: tracks[0].topics[0]: session 1 (tiny) is scheduled on "
        "2027-01-12, after the topic's review-by date 2027-01-11; have the topic reviewed and "
        "its date moved before then, or run it earlier"
    )
    assert findings_for(tree, topic) == [message]
    root = tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": topic})
    validated = CliRunner().invoke(cli, ["validate", str(root)])
    assert validated.exit_code == 0
    assert message in validated.stdout.splitlines()


def test_a_link_in_an_evidence_item_is_not_a_citation(tree: TreeBuilder) -> None:
    topic = GOOD.replace(
        "\nresources:", "\n" + EVIDENCE.split("  - id: undated-blog")[0] + "resources:"
    ).replace(
        "    if_short: [Shorten the demonstration to five minutes.]\n",
        "    if_short: [Shorten the demonstration to five minutes.]\n"
        "    handouts:\n"
        "      - id: facts\n"
        "        title: What the figures say\n"
        "        kind: evidence\n"
        "        items:\n"
        "          - 'Part-time work is common at every age (see the [bulletin](https://www.ons.gov.uk/x)) [ons-labour-2025].'\n",
    )
    assert findings_for(tree, topic) == []

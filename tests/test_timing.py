"""Sessions fit the programme's slot: agendas scaled within each step's bounds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from generator.loader import load_project
from generator.model import AgendaItem, Session
from generator.timing import fit, minimum

from .conftest import MINIMAL_PROGRAMME, TINY_TOPIC, TreeBuilder, problems_of


def session(*steps: tuple[str, int, str | None, int | None]) -> Session:
    agenda = [
        AgendaItem(title=title, minutes=m, kind=kind, min_minutes=low)  # type: ignore[arg-type]
        for title, m, kind, low in steps
    ]
    return Session(
        id="s",
        title="S",
        minutes=sum(a.minutes for a in agenda),
        objectives=["Explain it"],
        agenda=agenda,
        activities=[{"title": "Try it", "minutes": 30, "steps": ["Do it"]}],  # type: ignore[list-item]
    )


HOUR = session(
    ("Check-in", 5, "check-in", None),
    ("Try it", 30, "hands-on", None),
    ("Talk", 15, "discussion", 10),
    ("Next steps", 10, "next-steps", None),
)


def test_a_shorter_slot_takes_time_from_flexible_steps() -> None:
    short = fit(HOUR, 45)
    assert not isinstance(short, str)
    assert [(a.title, a.minutes) for a in short.agenda] == [
        ("Check-in", 5),
        ("Try it", 19),
        ("Talk", 11),
        ("Next steps", 10),
    ]
    assert short.minutes == 45
    assert short.activities[0].minutes == 19  # the activity follows its step


def test_a_scaled_session_remembers_the_length_it_is_written_for() -> None:
    short = fit(HOUR, 45)
    assert not isinstance(short, str)
    assert (short.minutes, short.written_minutes, HOUR.written_minutes) == (45, 60, 60)


def test_a_longer_slot_gives_time_to_flexible_steps() -> None:
    long = fit(HOUR, 90)
    assert not isinstance(long, str)
    assert [a.minutes for a in long.agenda] == [5, 50, 25, 10]


def test_a_session_that_cannot_fit_says_by_how_much() -> None:
    assert fit(HOUR, 30) == (
        "it cannot be shortened to 30 minutes: its fixed steps and the shortest its other "
        "steps may be add up to 40 minutes, 10 too many; give more steps a lower "
        "`min_minutes`, or write a shorter version of the session in your project"
    )
    fixed = session(("Check-in", 5, "check-in", None), ("Next steps", 5, "next-steps", None))
    assert fit(fixed, 20) is fixed  # nothing may grow: it ends early


@given(
    st.lists(
        st.tuples(
            st.integers(1, 60),
            st.sampled_from(["check-in", "hands-on", "discussion", "next-steps", None]),
            st.one_of(st.none(), st.integers(1, 60)),
        ),
        min_size=1,
        max_size=8,
    ),
    st.integers(10, 180),
)
def test_fitted_agendas_add_up_and_respect_every_minimum(
    steps: list[tuple[int, str | None, int | None]], target: int
) -> None:
    original = session(*[(f"step {i}", m, k, low) for i, (m, k, low) in enumerate(steps)])
    result = fit(original, target)
    if isinstance(result, str) or result is original:
        return  # cannot be shortened (a reason is given), or nothing may grow
    assert sum(a.minutes for a in result.agenda) == target == result.minutes
    for before, after in zip(original.agenda, result.agenda, strict=True):
        assert after.minutes >= minimum(before)
        if minimum(before) == before.minutes and target <= original.minutes:
            assert after.minutes == before.minutes


def test_a_programme_of_45_minute_slots_builds_on_the_default(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": """
                extends: default
                id: acme
                title: Acme
                checkpoints: !reset []
                schedule: {session_minutes: 45}
                tracks: !override
                  - {id: mine, title: Mine, topics: [short-form-video, data-dashboards]}
                """
        }
    )
    project = load_project(root)
    for topic in project.pair_topics:
        for each in topic.sessions:
            assert each.minutes == 45 == sum(a.minutes for a in each.agenda)


def test_a_session_that_cannot_fit_is_located(tree: TreeBuilder) -> None:
    own = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME.replace("session_minutes: 30", "session_minutes: 10"),
            "topics/tiny.yaml": TINY_TOPIC,
        }
    )
    assert problems_of(own) == [
        "topics/tiny.yaml:9:14: sessions[0].minutes: the programme books 10-minute sessions, "
        "and the session 'only' ('The only session') cannot be shortened to 10 minutes: its "
        "fixed steps and the shortest its other "
        "steps may be add up to 20 minutes, 10 too many; give more steps a lower "
        "`min_minutes`, or write a shorter version of the session in your project"
    ]


def test_a_built_in_session_that_cannot_fit_is_reported_in_the_users_file(
    tree: TreeBuilder,
) -> None:
    root = tree(
        {
            "program.yaml": """
                extends: default
                id: acme
                title: Acme
                checkpoints: !reset []
                schedule: {session_minutes: 20}
                tracks: !override
                  - {id: mine, title: Mine, topics: [short-form-video]}
                """
        }
    )
    problems = problems_of(root)
    assert len(problems) == 3
    assert problems[0].startswith(
        "program.yaml:5:29: schedule.session_minutes: the session 'how-the-feed-works' of the "
        "built-in topic 'short-form-video' (in the track 'mine') cannot be shortened to 20 "
        "minutes: "
    )
    assert problems[0].endswith("; or take 'short-form-video' out of the track")


#: A hospital group's programme of weekly 30-minute sessions, with the built-in topic on
#: AI assistants in its own track.
THIRTY_MINUTES = """
    extends: default
    id: hospital
    title: Hospital
    checkpoints: !reset []
    schedule: {session_minutes: 30}
    tracks: !override
      - {id: ai, title: AI, topics: [generative-ai-assistants]}
    """
#: Shorter than any built-in session can be made (every one fits 30 minutes).
TWENTY_MINUTES = """
    extends: default
    id: hospital
    title: Hospital
    checkpoints: !reset []
    schedule: {session_minutes: 20}
    tracks: !override
      - {id: ai, title: AI, topics: [generative-ai-assistants]}
    """


def test_an_inherited_session_that_cannot_fit_is_reported_in_the_topic_file_that_extends_it(
    tree: TreeBuilder,
) -> None:
    root = tree(
        {
            "program.yaml": TWENTY_MINUTES,
            "topics/ai.yaml": """
                extends: generative-ai-assistants
                title: AI assistants at the hospital
                """,
        }
    )
    problems = problems_of(root)
    assert len(problems) == 3
    assert problems[0] == (
        "topics/ai.yaml:1:10: sessions[0]: the session 'first-real-tasks' ('First real tasks "
        "with an assistant'), as the built-in topic 'generative-ai-assistants' has it, needs "
        "at least 30 minutes, but the programme books 20-minute sessions; write a version "
        "that fits in this file (under `sessions`, an item with `id: first-real-tasks`, "
        "`minutes: 20` and its own `agenda`, whose steps may set `min_minutes`), set "
        "`schedule.session_minutes` to 30 or more in program.yaml, or take "
        "'generative-ai-assistants' out of the track 'ai'"
    )


def test_a_session_whose_agenda_the_project_rewrites_is_reported_at_that_agenda(
    tree: TreeBuilder,
) -> None:
    root = tree(
        {
            "program.yaml": THIRTY_MINUTES,
            "topics/ai.yaml": """
                extends: generative-ai-assistants
                sessions:
                  - id: first-real-tasks
                    agenda:
                      - {title: Check-in, minutes: 20, kind: check-in}
                      - {title: Three everyday tasks, minutes: 30, kind: hands-on}
                      - {title: Next steps, minutes: 10, kind: next-steps}
                  - id: prompts-that-work
                    minutes: 30
                    agenda:
                      - {title: Check-in, minutes: 5, kind: check-in}
                      - {title: Prompts, minutes: 20, kind: hands-on}
                      - {title: Next steps, minutes: 5, kind: next-steps}
                  - id: judgement-and-routine
                    minutes: 30
                    agenda:
                      - {title: Check-in, minutes: 5, kind: check-in}
                      - {title: Routine, minutes: 20, kind: hands-on}
                      - {title: Next steps, minutes: 5, kind: next-steps}
                """,
        }
    )
    assert problems_of(root) == [
        "topics/ai.yaml:5:7: sessions[0].agenda: the programme books 30-minute sessions, and "
        "the session 'first-real-tasks' ('First real tasks with an assistant') cannot be "
        "shortened to 30 minutes: its fixed steps and the shortest its other steps may be "
        "add up to 45 minutes, 15 too many; give more steps a lower `min_minutes`, or write "
        "a shorter version of the session in your project"
    ]

"""Real dates for sessions, workshops and checkpoints."""

from __future__ import annotations

import datetime as dt
import itertools

from generator.loader import load_project
from generator.schedule import nth_weekday, timeline

from .conftest import ACME, TINY_TOPIC, TreeBuilder

THREE_SESSIONS = TINY_TOPIC.replace(
    "sessions:\n",
    "sessions:\n"
    "  - {id: a, title: A, minutes: 30, objectives: [List], agenda: [{title: x, minutes: 30}]}\n"
    "  - {id: b, title: B, minutes: 30, objectives: [List], agenda: [{title: x, minutes: 30}]}\n",
)


def dates(tree: TreeBuilder, schedule: str) -> list[dt.date]:
    root = tree(
        {
            "program.yaml": f"id: p\ntitle: P\nschedule: {schedule}\n"
            "tracks: [{id: t, title: T, topics: [tiny]}]\n",
            "topics/tiny.yaml": THREE_SESSIONS,
        }
    )
    return [s.start.date() for s in timeline(load_project(root)).sessions if s.start]


def test_weekly_and_fortnightly(tree: TreeBuilder) -> None:
    assert dates(tree, "{start: 2027-01-12, cadence: weekly}") == [
        dt.date(2027, 1, 12),
        dt.date(2027, 1, 19),
        dt.date(2027, 1, 26),
    ]
    assert dates(tree, "{start: 2027-01-12, cadence: fortnightly}")[-1] == dt.date(2027, 2, 9)


def test_monthly_keeps_the_nth_weekday(tree: TreeBuilder) -> None:
    # 12 January 2027 is the second Tuesday; so are 9 February and 9 March.
    assert dates(tree, "{start: 2027-01-12, cadence: monthly}") == [
        dt.date(2027, 1, 12),
        dt.date(2027, 2, 9),
        dt.date(2027, 3, 9),
    ]


def test_monthly_fifth_weekday_falls_back_to_the_last() -> None:
    assert nth_weekday(2027, 2, 0, 4) == dt.date(2027, 2, 22)  # no fifth Monday in Feb 2027


def test_skipped_dates_push_the_rest_back(tree: TreeBuilder) -> None:
    assert dates(tree, "{start: 2027-01-12, cadence: weekly, skip: [2027-01-19]}") == [
        dt.date(2027, 1, 12),
        dt.date(2027, 1, 26),
        dt.date(2027, 2, 2),
    ]


def test_public_holidays_of_the_region_are_skipped(tree: TreeBuilder) -> None:
    # Easter Monday, 29 March 2027, is a bank holiday in England but not in Scotland.
    england = "{start: 2027-03-22, cadence: weekly, holidays: {country: GB, subdivision: ENG}}"
    assert dates(tree, england) == [
        dt.date(2027, 3, 22),
        dt.date(2027, 4, 5),
        dt.date(2027, 4, 12),
    ]
    scotland = england.replace("ENG", "SCT")
    assert dates(tree, scotland)[1] == dt.date(2027, 3, 29)


def test_onboarding_never_asks_anyone_to_be_in_two_places() -> None:
    """The default programme: one workshop part a week, clear of Christmas, before pairs meet."""
    line = timeline(load_project(None))
    parts = [(w.start, w.end) for w in line.workshops]
    assert len(parts) == 4 and all(start and end for start, end in parts)
    for (_, end), (start, _) in itertools.pairwise(parts):
        assert end is not None and start is not None and end < start
    first = line.sessions[0].start
    assert first is not None and all(end is not None and end < first for _, end in parts)
    for start, _ in parts:
        assert start is not None and not dt.date(2026, 12, 19) <= start.date() <= dt.date(
            2027, 1, 4
        )


def test_onboarding_passes_over_holidays(tree: TreeBuilder) -> None:
    files = {
        "program.yaml": "id: p\ntitle: P\nonboarding: [ws]\n"
        "schedule: {start: 2027-04-06, holidays: {country: GB, subdivision: ENG}}\n"
        "tracks: [{id: t, title: T, topics: [tiny]}]\n",
        "topics/tiny.yaml": TINY_TOPIC,
        "topics/ws.yaml": THREE_SESSIONS.replace("id: tiny", "id: ws").replace(
            "area: digital-tools", "area: onboarding\nformat: workshop"
        ),
    }
    # Going back from Tuesday 6 April 2027 a week at a time: 30, 23 and 16 March; with
    # `skip: [2027-03-23]` the first part moves a week earlier.
    line = timeline(load_project(tree(files)))
    assert [w.start.date() for w in line.workshops if w.start] == [
        dt.date(2027, 3, 16),
        dt.date(2027, 3, 23),
        dt.date(2027, 3, 30),
    ]
    files["program.yaml"] = files["program.yaml"].replace(
        "start: 2027-04-06,", "start: 2027-04-06, skip: [2027-03-23],"
    )
    line = timeline(load_project(tree(files)))
    assert [w.start.date() for w in line.workshops if w.start] == [
        dt.date(2027, 3, 9),
        dt.date(2027, 3, 16),
        dt.date(2027, 3, 30),
    ]


def test_times_are_local_to_the_programme() -> None:
    line = timeline(load_project(ACME))
    first = line.sessions[0]
    assert first.start is not None and first.end is not None
    assert first.start.isoformat() == "2027-03-02T09:30:00+01:00"
    assert (first.end - first.start) == dt.timedelta(minutes=45)
    # The second session moves past the skipped 9 March.
    assert line.sessions[1].start is not None
    assert line.sessions[1].start.date() == dt.date(2027, 3, 16)


def test_onboarding_runs_before_the_first_session() -> None:
    line = timeline(load_project(ACME))
    (workshop,) = line.workshops
    assert workshop.start is not None
    assert workshop.start.date() == dt.date(2027, 2, 23)
    assert workshop.start < line.sessions[0].start  # type: ignore[operator]


def test_checkpoints_fall_the_day_after_their_session() -> None:
    line = timeline(load_project(ACME))
    assert [(c.checkpoint.title, c.date) for c in line.checkpoints] == [
        ("First check-in", dt.date(2027, 3, 3)),
        ("Pilot evaluation", dt.date(2027, 3, 17)),
    ]


def test_without_a_schedule_there_are_no_dates(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": "id: p\ntitle: P\ntracks: [{id: t, title: T, topics: [tiny]}]\n",
            "topics/tiny.yaml": TINY_TOPIC,
        }
    )
    line = timeline(load_project(root))
    assert [s.start for s in line.sessions] == [None]
    assert line.first is None

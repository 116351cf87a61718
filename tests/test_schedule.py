"""Real dates for sessions, workshops and checkpoints."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.loader import load_project
from generator.match import match
from generator.packs import pair_infos
from generator.roster import read_roster
from generator.schedule import nth_weekday, onboarding_sittings, timeline

from .conftest import ACME, TINY_TOPIC, TreeBuilder, problems_of, renderer_for

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


def test_public_holidays_of_every_region_listed_are_skipped(tree: TreeBuilder) -> None:
    # Thursday 25 March 2027 is Maundy Thursday in the Philippines, not in Québec;
    # Thursday 24 June 2027 is Québec's Fête nationale, not a Philippine holiday.
    quebec = "{country: CA, subdivision: QC}"
    both = f"[{quebec}, {{country: PH}}]"
    march = "{start: 2027-03-18, cadence: weekly, holidays: %s}"
    assert dates(tree, march % both) == [
        dt.date(2027, 3, 18),
        dt.date(2027, 4, 1),
        dt.date(2027, 4, 8),
    ]
    assert dates(tree, march % quebec)[1] == dt.date(2027, 3, 25)
    june = "{start: 2027-06-17, cadence: weekly, holidays: %s}"
    # 1 July is Canada Day, in Québec too.
    assert dates(tree, june % both) == [
        dt.date(2027, 6, 17),
        dt.date(2027, 7, 8),
        dt.date(2027, 7, 15),
    ]
    assert dates(tree, june % "[{country: PH}]")[1] == dt.date(2027, 6, 24)
    # One region as a mapping, as before lists were allowed, means the same as a list of one.
    assert dates(tree, june % quebec) == dates(tree, june % f"[{quebec}]")


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


def test_a_pairs_forms_are_due_on_a_day_open_for_both_of_them(tree: TreeBuilder) -> None:
    # Weekly on Thursdays, skipping England's public holidays; a check-in is due the
    # working day after session 2, Thursday 25 March 2027. In England that is Tuesday 30
    # March (Good Friday, the weekend, Easter Monday); for a pair in Dubai, who have
    # neither holiday (`holidays: AE` in the roster), Friday 26 March.
    root = tree(
        {
            "program.yaml": "id: p\ntitle: P\nschedule: {start: 2027-03-18, cadence: weekly, "
            "timezone: Asia/Dubai, holidays: {country: GB, subdivision: ENG}}\n"
            "checkpoints: [{after_session: 2, kind: check-in, title: Check-in}]\n"
            "tracks: [{id: t, title: T, topics: [tiny]}]\n",
            "topics/tiny.yaml": THREE_SESSIONS,
        }
    )
    project = load_project(root)
    schedule = project.programme.schedule
    assert schedule is not None
    programme = timeline(project)
    (due,) = [c.date for c in programme.checkpoints]
    assert due == dt.date(2027, 3, 30)
    dates = [s.start for s in programme.sessions if s.start]
    dubai = schedule.regions_for(("AE", "AE"))
    assert [r.code for r in dubai] == ["AE"]
    line = timeline(project, dates=dates, zone="Asia/Dubai", regions=dubai)
    assert [c.date for c in line.checkpoints] == [dt.date(2027, 3, 26)]
    # Someone in London with them: England's holidays count again.
    london = schedule.regions_for(("AE", "GB-ENG"))
    line = timeline(project, dates=dates, zone="Asia/Dubai", regions=london)
    assert [c.date for c in line.checkpoints] == [dt.date(2027, 3, 30)]
    # So says the pair's pack, from the roster.
    roster = root / "roster.csv"
    roster.write_text(
        "id,name,email,role,department,timezone,availability,offers,wants,holidays\n"
        "layla-haddad,Layla Haddad,layla@example.org,mentor,Radiology,Asia/Dubai,"
        "thu 10:00-11:00,tiny,,AE\n"
        "omar-khalil,Omar Khalil,omar@example.org,mentee,Pharmacy,Asia/Dubai,"
        "thu 10:00-11:00,,tiny,AE\n",
        encoding="utf-8",
    )
    (info,) = pair_infos(project, match(read_roster(roster), project).pairs, renderer_for(root))
    assert [c.date for c in info.timeline.checkpoints] == [dt.date(2027, 3, 26)]


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


# --- onboarding in sittings that suit every time zone -------------------------------------

ZONED = (
    "id,name,email,role,department,timezone,availability,offers,wants\n"
    "amelia,Amelia Clarke,amelia@example.org,mentor,Data,Europe/London,tue 15:00-17:00,ai,\n"
    "arjun,Arjun Iyer,arjun@example.org,mentor,Sales,Asia/Kolkata,tue 15:00-17:00,ai,\n"
    "kenji,Kenji Sato,kenji@example.org,mentee,Board,Australia/Sydney,wed 08:00-10:00,,ai\n"
    "maria,María Quispe,maria@example.org,mentee,Legal,America/Los_Angeles,tue 08:00-10:00,,ai\n"
    "tunde,Tunde Okafor,tunde@example.org,mentee,Ops,Africa/Lagos,tue 15:00-17:00,,ai\n"
)


def test_onboarding_runs_in_sittings_that_fall_in_working_hours_for_everyone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(ZONED, encoding="utf-8")
    people = read_roster(path).people
    project = load_project(None)  # three workshops; the programme's time is 15:00 London
    line = timeline(project)
    sittings = onboarding_sittings(project, line, people)
    zones = {p.id: ZoneInfo(p.timezone) for p in people}
    for workshop in line.workshops:
        key = (workshop.topic.id, workshop.session.id)
        booked = [i for s in sittings[key] for i in s.people]
        audience = workshop.topic.audience
        expected = [p.id for p in people if audience == "both" or p.role == audience]
        assert sorted(booked) == sorted(expected)  # everyone once
        for sitting in sittings[key]:
            for person in sitting.people:
                start = sitting.start.astimezone(zones[person])
                end = sitting.end.astimezone(zones[person])
                assert start.time() >= dt.time(8) and end.time() <= dt.time(18), person
                assert end.date() == start.date()

    def utc(key: tuple[str, str]) -> list[tuple[str, tuple[str, ...]]]:
        return [(f"{s.start.astimezone(dt.UTC):%m-%d %H:%M}", s.people) for s in sittings[key]]

    # The leaders' orientation: Sydney, Lagos and Los Angeles share no working hours.
    assert utc(("mentee-orientation", "learning-from-a-junior")) == [
        ("01-26 05:30", ("kenji",)),
        ("01-26 15:00", ("tunde",)),
        ("01-26 16:00", ("maria",)),
    ]
    # London and Kolkata do: 15:00 in London would be 20:30 in Kolkata, so the one
    # sitting moves to the latest start that suits Kolkata.
    assert utc(("mentor-training", "the-role-reversal")) == [("01-12 11:00", ("amelia", "arjun"))]
    # The kick-off, for both sides: two sittings are enough for five zones.
    assert utc(("pair-kick-off", "agreeing-how-we-work")) == [
        ("02-02 06:00", ("arjun", "kenji")),
        ("02-02 16:00", ("amelia", "maria", "tunde")),
    ]


def test_the_onboarding_hours_come_from_the_programme(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": "id: p\ntitle: P\nextends: default\nschedule:\n  start: 2027-01-12\n"
            "  onboarding_hours: {earliest: '10:00', latest: '09:00'}\n",
        }
    )
    assert problems_of(root) == [
        "program.yaml:6:21: schedule.onboarding_hours: latest (09:00) must be after earliest "
        "(10:00)"
    ]


def test_holiday_names_are_in_the_programme_language_whatever_the_computer_s(
    tree: TreeBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An English programme with the United Arab Emirates' holidays named Eid al-Fitr in
    Arabic: the holidays library follows the computer's language, and the country's own
    where that one is not offered. Now the programme's language where the country offers
    it (Québec's Fête nationale in French), else English (Eid al-Fitr in a French build)."""
    from generator.windows import Weeks

    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")  # an English-speaking coordinator's computer

    def closed(locale: str, regions: str, start: str) -> dict[dt.date, str]:
        root = tree(
            {
                "program.yaml": f"id: p\ntitle: P\nlocale: {locale}\nschedule: {{start: {start},"
                f" cadence: weekly, timezone: Asia/Dubai, holidays: {regions}}}\n"
                "tracks: [{id: t, title: T, topics: [tiny]}]\n",
                "topics/tiny.yaml": THREE_SESSIONS,
            }
        )
        return dict(Weeks.of(load_project(root), ["Asia/Dubai"]).closed)

    # Eid al-Fitr is expected on Tuesday 9 March 2027.
    eid = dt.date(2027, 3, 9)
    assert closed("en", "{country: AE}", "2027-03-02")[eid] == "Eid al-Fitr (estimated)"
    assert closed("en-GB", "{country: AE}", "2027-03-02")[eid] == "Eid al-Fitr (estimated)"
    assert closed("fr", "{country: AE}", "2027-03-02")[eid] == "Eid al-Fitr (estimated)"
    # Thursday 24 June 2027: Québec's holiday, in French for a French programme.
    quebec = "[{country: CA, subdivision: QC}, {country: AE}]"
    fete = closed("fr", quebec, "2027-06-17")[dt.date(2027, 6, 24)]
    assert fete.startswith("Fête nationale du Québec, ")
    # In English, Canada's English (the country's default), or the programme's own.
    assert closed("en", quebec, "2027-06-17")[dt.date(2027, 6, 24)].startswith(
        "Saint Jean Baptiste Day, "
    )
    assert closed("en-US", quebec, "2027-06-17")[dt.date(2027, 6, 24)].startswith(
        "Saint John the Baptist Day, "
    )

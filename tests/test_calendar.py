"""The calendar, parsed back: every date booked, in the right time zone, with stable UIDs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar

from generator.calendar import programme_calendar
from generator.loader import load_project
from generator.match import match
from generator.packs import pair_calendar, pair_infos
from generator.roster import read_roster
from generator.schedule import timeline

from .conftest import ACME, renderer_for


def events(path: Path) -> list:
    calendar = Calendar.from_ical(path.read_bytes())
    return list(calendar.walk("VEVENT"))


def test_one_calendar_with_onboarding_sessions_and_checkpoints(acme_build: Path) -> None:
    path = acme_build / "calendar" / "acme-pilot.ics"
    calendar = Calendar.from_ical(path.read_bytes())
    assert calendar["VERSION"] == "2.0"
    assert calendar["X-WR-CALNAME"] == "Acme Reverse Mentoring Pilot"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    summaries = [str(e["SUMMARY"]) for e in events(path)]
    assert summaries == [
        "Pilot induction: Kick-off (for both sides of every pair)",
        "Acme Reverse Mentoring Pilot 1/2: A first look at the dashboard",
        "Acme Reverse Mentoring Pilot 2/2: Asking better questions of the numbers",
        "Checkpoint: First check-in",
        "Checkpoint: Pilot evaluation",
    ]


def test_sessions_are_in_the_programme_time_zone(acme_build: Path) -> None:
    first = events(acme_build / "calendar" / "acme-pilot.ics")[1]
    start = first["DTSTART"].dt
    assert start == dt.datetime(2027, 3, 2, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert first["DTEND"].dt - start == dt.timedelta(minutes=45)
    assert first["DTSTART"].params["TZID"] == "Europe/Berlin"


def test_checkpoints_are_all_day_and_do_not_block_time(acme_build: Path) -> None:
    checkpoint = events(acme_build / "calendar" / "acme-pilot.ics")[3]
    assert checkpoint["DTSTART"].dt == dt.date(2027, 3, 3)
    assert str(checkpoint["TRANSP"]) == "TRANSPARENT"


def test_every_event_has_what_calendar_apps_require(acme_build: Path) -> None:
    uids = []
    for event in events(acme_build / "calendar" / "acme-pilot.ics"):
        for key in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert key in event
        uids.append(str(event["UID"]))
    assert len(set(uids)) == len(uids)
    assert "acme-pilot.session.acme-dashboards.first-look@mentorkit" in uids


def test_identical_builds_give_identical_calendars(monkeypatch: object) -> None:
    project = load_project(ACME)
    first = programme_calendar(project, timeline(project))
    second = programme_calendar(project, timeline(project))
    assert first == second


def test_source_date_epoch_sets_the_stamp(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    project = load_project(ACME)
    calendar = Calendar.from_ical(programme_calendar(project, timeline(project)))
    stamp = next(iter(calendar.walk("VEVENT")))["DTSTAMP"].dt
    assert stamp == dt.datetime(2027, 1, 15, 8, 0, tzinfo=dt.UTC)


def test_each_persons_onboarding_sitting_is_in_the_pair_calendar(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,email,role,department,timezone,availability,offers,wants\n"
        "amelia,Amelia Clarke,amelia@example.org,mentor,Data,Europe/London,tue 07:00-10:00,ai,\n"
        "kenji,Kenji Sato,kenji@example.org,mentee,Board,Australia/Sydney,tue 17:00-21:00,,ai\n",
        encoding="utf-8",
    )
    project = load_project(None)
    renderer = renderer_for(None)
    (pair,) = match(read_roster(roster), project).pairs
    (info,) = pair_infos(project, [pair], renderer)
    calendar = Calendar.from_ical(pair_calendar(renderer, info))
    onboarding = [e for e in calendar.walk("VEVENT") if ".onboarding." in str(e["UID"])]
    found = {
        (str(e["UID"]).split(".onboarding.")[1], str(e["SUMMARY"]).partition(" · ")[2]): e
        for e in onboarding
    }
    zones = {"Amelia Clarke": "Europe/London", "Kenji Sato": "Australia/Sydney"}
    # Mentors' training for Amelia alone, leaders' orientation for Kenji alone, and the
    # kick-off in two sittings: London and Sydney share no working hours.
    assert sorted(found) == [
        ("mentee-orientation.learning-from-a-junior@mentorkit", ""),
        ("mentor-training.planning-and-running-a-session@mentorkit", ""),
        ("mentor-training.the-role-reversal@mentorkit", ""),
        ("pair-kick-off.agreeing-how-we-work.sitting-1@mentorkit", "Kenji Sato"),
        ("pair-kick-off.agreeing-how-we-work.sitting-2@mentorkit", "Amelia Clarke"),
    ]
    for (uid, who), event in found.items():
        name = who or ("Kenji Sato" if "orientation" in uid else "Amelia Clarke")
        zone = ZoneInfo(zones[name])
        start, end = event["DTSTART"].dt.astimezone(zone), event["DTEND"].dt.astimezone(zone)
        assert dt.time(8) <= start.time() and end.time() <= dt.time(18), (uid, start)

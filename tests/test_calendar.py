"""The calendar, parsed back: every date booked, in the right time zone, with stable UIDs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar

from generator.calendar import programme_calendar, to_ics
from generator.loader import load_project
from generator.match import match
from generator.packs import pair_calendar, pair_infos
from generator.packs.planning import pair_document
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


def test_calendars_are_folded_byte_for_byte_as_icalendar_folds_them() -> None:
    """`to_ics` folds only the long lines itself; its file must be icalendar's own, for
    names in any script and escapes (`\\,` `\\;` `\\n` and RFC 6868's `^`) at every place
    a fold can fall."""
    import random

    pieces = [*"aéł,; ^\\\n", "佐藤", "はるか", "🙂", "ليلى", "देवनागरी", "x" * 70]
    chooser = random.Random(20261201)
    project = load_project(ACME)
    parsed = Calendar.from_ical(programme_calendar(project, timeline(project)))
    event = next(iter(parsed.walk("VEVENT")))
    written = b""
    for length in range(20, 240, 3):
        for _ in range(4):
            text = "".join(chooser.choice(pieces) for _ in range(length // 3))
            for name in ("DESCRIPTION", "LOCATION"):
                event.pop(name, None)
            event.add("description", text)
            event.add("location", text[: length // 2], parameters={"ALTREP": f"{text[:30]}"})
            written = to_ics(parsed)
            assert written == parsed.to_ical()
    assert b"\r\n " in written  # long lines were folded
    assert b"\\," in written and b"\\;" in written  # and escaped


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


def test_a_sittings_names_print_as_written_on_the_cover(tmp_path: Path) -> None:
    """The kick-off in two sittings names who is in each: a name that looks like markup
    or Markdown is printed as written, never read as either."""
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,email,role,department,timezone,availability,offers,wants\n"
        'amelia,"*Amelia* <b>Clarke</b> [x](javascript:alert(1))",amelia@example.org,mentor,'
        "Data,Europe/London,tue 07:00-10:00,ai,\n"
        "kenji,Kenji Sato,kenji@example.org,mentee,Board,Australia/Sydney,tue 17:00-21:00,,ai\n",
        encoding="utf-8",
    )
    project = load_project(None)
    renderer = renderer_for(None)
    (pair,) = match(read_roster(roster), project).pairs
    (info,) = pair_infos(project, [pair], renderer)
    html = pair_document(renderer, info).html
    start = html.index("Before you start")
    kick_off = [line for line in html[start:].split("<li>") if "Pair kick-off" in line]
    assert len(kick_off) == 2  # one sitting each: London and Sydney share no working hours
    assert "(for both sides of every pair), Kenji Sato</li>" in kick_off[0]
    assert (
        "(for both sides of every pair), *Amelia* &lt;b&gt;Clarke&lt;/b&gt; "
        "[x](javascript:alert(1))</li>" in kick_off[1]
    )
    assert "<em>Amelia" not in html and "<b>Clarke" not in html and "href" not in html


def test_a_pairs_calendar_and_pack_skip_the_public_holidays_of_its_own_people(
    tmp_path: Path,
) -> None:
    # Layla and Omar work in Dubai (`holidays: AE`), Amira in Dubai and James in London
    # (GB-ENG); the programme skips England's holidays. Layla and Omar meet on Fridays,
    # Good Friday included; Amira and James on Wednesdays, but not on 10 March, the
    # second day of Eid al-Fitr in the Emirates.
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,email,role,department,timezone,availability,offers,wants,holidays\n"
        "layla-haddad,Layla Haddad,layla@example.org,mentor,Radiology,Asia/Dubai,"
        "fri 10:00-11:00,short-form-video,,AE\n"
        "omar-khalil,Omar Khalil,omar@example.org,mentee,Pharmacy,Asia/Dubai,"
        "fri 10:00-11:00,,short-form-video,AE\n"
        "amira-saleh,Amira Saleh,amira@example.org,mentor,Nursing,Asia/Dubai,"
        "mon 12:00-14:00;wed 12:00-14:00,professional-networks,,AE\n"
        "james-whitfield,James Whitfield,james@example.org,mentee,Estates,Europe/London,"
        "mon 09:00-10:00;wed 09:00-10:00,,professional-networks,GB-ENG\n",
        encoding="utf-8",
    )
    project = load_project(None)
    renderer = renderer_for(None)
    infos = {
        i.id: i for i in pair_infos(project, match(read_roster(roster), project).pairs, renderer)
    }

    def sessions(pair: str) -> list[str]:
        calendar = Calendar.from_ical(pair_calendar(renderer, infos[pair]))
        found = [e for e in calendar.walk("VEVENT") if ".session." in str(e["UID"])]
        return sorted(e["DTSTART"].dt.isoformat() for e in found)

    def cover(pair: str) -> str:
        html = pair_document(renderer, infos[pair]).html
        text = re.sub(r"<[^>]+>", "", html)
        return text[text.index("Your sessions") : text.index("Before you start")]

    dubai = sessions("layla-haddad--omar-khalil")
    assert dubai[2:5] == [
        "2027-03-12T10:00:00+04:00",
        "2027-03-26T10:00:00+04:00",
        "2027-04-09T10:00:00+04:00",
    ]
    assert "26 Mar 2027, 10:00–11:00" in cover("layla-haddad--omar-khalil")
    assert "Moved from your usual time" not in cover("layla-haddad--omar-khalil")
    mixed = sessions("amira-saleh--james-whitfield")
    assert mixed[1:4] == [
        "2027-02-24T09:00:00+00:00",
        "2027-03-08T09:00:00+00:00",
        "2027-03-24T09:00:00+00:00",
    ]
    text = cover("amira-saleh--james-whitfield")
    listed = text[: text.index("Moved from your usual time")]  # the sessions, each on its date
    assert "8 Mar 2027, 09:00–10:00" in listed and "10 Mar 2027" not in listed
    # The session that moved says so where it is listed, and no other does.
    assert "8 Mar 2027, 09:00–10:00 (13:00) (moved) · " in listed and listed.count("(moved)") == 1
    assert (
        "Moved from your usual time:\n\n\nSession 3 is on 8 Mar 2027 at 09:00 instead of "
        "10 Mar 2027 at 09:00: it is a public holiday (Eid al-Fitr Holiday (estimated), United "
        "Arab Emirates)" in text
    )


def test_a_pack_marks_the_sessions_a_pair_agrees_another_time_for(tmp_path: Path) -> None:
    # Bo and Cy, both in London, are only ever free on Monday mornings: May Day and the
    # Spring Bank Holiday, England's, fall on sessions 7 and 9, which cannot move. The
    # pack lists them on their date, says to agree another time, and calls none moved.
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,email,role,department,timezone,availability,offers,wants,holidays\n"
        "bo-li,Bo Li,bo@example.org,mentor,Sales,Europe/London,mon 09:00-10:00,"
        "short-form-video,,GB-ENG\n"
        "cy-ng,Cy Ng,cy@example.org,mentee,Legal,Europe/London,mon 09:00-10:00,,"
        "short-form-video,GB-ENG\n",
        encoding="utf-8",
    )
    project = load_project(None)
    renderer = renderer_for(None)
    (pair,) = match(read_roster(roster), project).pairs
    assert (pair.moved, pair.moved_sessions, pair.to_agree) == (0, (), (7, 9))
    (info,) = pair_infos(project, [pair], renderer)
    text = re.sub(r"<[^>]+>", "", pair_document(renderer, info).html)
    cover = text[text.index("Your sessions") : text.index("Before you start")]
    listed = cover[: cover.index("To agree another time:")]
    assert "3 May 2027, 09:00–10:00 (agree another time) · " in listed
    assert "31 May 2027, 09:00–10:00 (agree another time) · " in listed
    assert listed.count("(agree another time)") == 2 and "(moved)" not in listed
    assert "Moved" not in cover
    assert "Session 7 is on 3 May 2027 at 09:00, but it is a public holiday (May Day)" in cover


def test_a_pairs_calendar_and_pack_skip_a_holiday_on_the_mentors_own_clock(
    tmp_path: Path,
) -> None:
    # Maria Santos mentors from Manila (`holidays: PH`), Étienne Gagnon leads from
    # Montréal (CA-QC), on Monday evenings in Montréal, Tuesday mornings in Manila.
    # Monday 8 March is Tuesday 9 March in Manila, Eid'l Fitr, a Philippine holiday:
    # the calendar and the pack have session 3 on Wednesday 10 March instead.
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,email,role,department,timezone,availability,offers,wants,holidays\n"
        "maria-santos,Maria Santos,maria@example.org,mentor,Communications,Asia/Manila,"
        "tue 06:00-08:00;thu 06:00-08:00,short-form-video,,PH\n"
        "etienne-gagnon,Étienne Gagnon,etienne@example.org,mentee,Finance,America/Toronto,"
        "mon 18:00-19:00;wed 18:00-19:00,,short-form-video,CA-QC\n",
        encoding="utf-8",
    )
    project = load_project(None)
    renderer = renderer_for(None)
    (info,) = pair_infos(project, match(read_roster(roster), project).pairs, renderer)
    calendar = Calendar.from_ical(pair_calendar(renderer, info))
    found = [e for e in calendar.walk("VEVENT") if ".session." in str(e["UID"])]
    starts = sorted(e["DTSTART"].dt.isoformat() for e in found)
    assert starts[1:4] == [
        "2027-02-22T18:00:00-05:00",
        "2027-03-10T18:00:00-05:00",
        "2027-03-22T18:00:00-04:00",
    ]
    text = re.sub(r"<[^>]+>", "", pair_document(renderer, info).html)
    cover = text[text.index("Your sessions") : text.index("Before you start")]
    listed = cover[: cover.index("Moved from your usual time")]
    assert "10 Mar 2027, 18:00–19:00" in listed and "8 Mar 2027" not in listed
    assert "10 Mar 2027, 18:00–19:00 (Thu 11 Mar, 07:00) (moved) · " in listed
    assert listed.count("(moved)") == 1
    assert (
        "Moved from your usual time:\n\n\nSession 3 is on 10 Mar 2027 at 18:00 instead of "
        "8 Mar 2027 at 18:00: it is 9 Mar 2027 in Asia/Manila (Maria Santos), a public holiday "
        "(Eid'l Fitr (estimated), Philippines)" in cover
    )

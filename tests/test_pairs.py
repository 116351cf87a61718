"""Pair packs, pair calendars and certificates from a roster; personal data stays out of the site."""

from __future__ import annotations

import gc
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from pypdf import PdfReader

from generator.build import BuildOptions, build
from generator.cli import cli
from generator.errors import InvalidProject, UsageError
from generator.executors import executor
from generator.loader import load_project
from generator.pairs import PairsFile, read_pairs, read_rows
from generator.roster import read_roster
from generator.schedule import timeline

from .conftest import ACME, FIXTURES, TINY_TOPIC, write_tree
from .test_executors import _caller_stacksize, _threshold

ROSTER = FIXTURES / "roster.csv"


@pytest.fixture(scope="module")
def packs_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("packs") / "dist"
    build(ACME, BuildOptions(out=out, workers=2, roster=ROSTER))
    return out


def test_a_pack_and_a_calendar_per_pair_and_a_certificate_per_person(packs_build: Path) -> None:
    pairs = sorted(p.name for p in (packs_build / "pairs").iterdir() if p.is_dir())
    assert pairs == ["fin-analyst--cmo", "mkt-exec--cfo", "ops-grad--ceo"]
    for pair in pairs:
        assert {p.name for p in (packs_build / "pairs" / pair).iterdir()} == {
            f"{pair}.pdf",
            f"{pair}.ics",
        }
    assert sorted(p.stem for p in (packs_build / "certificates").iterdir()) == [
        "ceo",
        "cfo",
        "cmo",
        "fin-analyst",
        "mkt-exec",
        "ops-grad",
    ]
    assert (packs_build / "pairs" / "pairs.csv").is_file()


def test_the_pack_has_names_own_dates_agreement_plans_and_forms(packs_build: Path) -> None:
    reader = PdfReader(packs_build / "pairs" / "ops-grad--ceo" / "ops-grad--ceo.pdf")
    text = [page.extract_text() for page in reader.pages]
    cover = text[0]
    assert "Nia Brown and Alex Morgan" in cover
    # The pair meets on Thursdays at 09:00 London time, from the programme's first week.
    # The programme skips the week of 9 March: so does the pair.
    assert "Mar 4, 2027, 9:00" in cover and "Mar 18, 2027" in cover
    agreement = text[1]  # its front, filled in for the pair: one page
    assert "Mentoring agreement" in agreement and "Signed" in agreement
    assert "Nia Brown" in agreement and "Alex Morgan" in agreement
    # The pair's usual time in the programme's own format (`locale: en`), as its dates are.
    assert "Thursday at 9:00 AM (Europe/London)" in agreement
    assert "from March 4, 2027 to March 18, 2027" in agreement
    titles = [item.title for item in reader.outline]
    assert titles == [
        "Your pair",
        "Mentoring agreement",
        "Our goals and ground rules",
        "1. A first look at the dashboard",
        "2. Asking better questions of the numbers",
        "After each session",
        "First check-in",
        "Pilot evaluation",
    ]
    terms = text[reader.get_destination_page_number(reader.outline[2])]
    assert "What we want to achieve" in terms and "Confidentiality" in terms
    plan_page = reader.get_destination_page_number(reader.outline[3])
    assert "0–5 min" in text[plan_page]  # agenda times count from the pair's own start


def test_the_pair_calendar_has_their_own_times(packs_build: Path) -> None:
    path = packs_build / "pairs" / "ops-grad--ceo" / "ops-grad--ceo.ics"
    calendar = Calendar.from_ical(path.read_bytes())
    sessions = [
        e for e in calendar.walk("VEVENT") if "Acme Reverse Mentoring Pilot " in str(e["SUMMARY"])
    ]
    assert [e["DTSTART"].dt.isoformat() for e in sessions] == [
        "2027-03-04T09:00:00+00:00",
        "2027-03-18T09:00:00+00:00",
    ]
    assert str(sessions[0]["UID"]).startswith("ops-grad--ceo.")
    assert "Nia Brown" in str(calendar["X-WR-CALNAME"])


def test_certificates_name_the_person_and_the_programme(packs_build: Path) -> None:
    reader = PdfReader(packs_build / "certificates" / "ceo.pdf")
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    text = page.extract_text()
    assert "Certificate of completion" in text
    assert "Alex Morgan" in text
    assert "Acme Reverse Mentoring Pilot" in text
    assert "Dana Ortiz, Chief Operating Officer" in text


def test_no_personal_data_reaches_the_site(packs_build: Path) -> None:
    roster = read_roster(ROSTER)
    needles = [p.name for p in roster.people] + [p.email for p in roster.people]
    for path in (packs_build / "site").rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".xml", ".txt", ".js", ".css"}:
            text = path.read_text(encoding="utf-8", errors="ignore")
            for needle in needles:
                assert needle not in text, f"{needle} appears in {path}"
        if path.suffix == ".pdf":
            text = "".join(page.extract_text() for page in PdfReader(path).pages)
            assert not any(n in text for n in needles), path


def test_the_roster_must_live_outside_the_project(tmp_path: Path) -> None:
    project = tmp_path / "acme"
    shutil.copytree(ACME, project)
    shutil.copyfile(ROSTER, project / "roster.csv")
    with pytest.raises(UsageError, match="the roster is personal data"):
        build(project, BuildOptions(out=tmp_path / "dist", roster=project / "roster.csv"))


def test_pairs_from_a_file_are_honoured(tmp_path: Path) -> None:
    """pair_id names the folder and the calendar; weekday, time and timezone set the dates."""
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "pair_id,mentor_id,mentee_id,score,reasons,weekday,time,timezone\n"
        "dashboards-duo,ops-grad,cfo,50,chosen by hand,monday,05:30,America/New_York\n"
    )
    out = tmp_path / "dist"
    report = build(
        ACME,
        BuildOptions(out=out, workers=1, roster=ROSTER, pairs=pairs, only=frozenset({"calendar"})),
    )
    assert [p.name for p in (out / "pairs").iterdir() if p.is_dir()] == ["dashboards-duo"]
    # On 15 March New York has changed its clocks and London not yet: 05:30 in New York
    # is 09:30 in London, before Sam Patel is free; that session moves, and says so.
    assert report.notes == [
        "pairs.csv:2:7: time: Nia Brown and Sam Patel cannot meet on monday 05:30 "
        "(America/New_York) for 1 of 2 sessions; session 2 is on Mar 15, 2027 at 06:00 instead "
        "of 05:30: the clocks have changed since session 1 in America/New_York (Nia Brown), not "
        "in Europe/London (Sam Patel)"
    ]
    calendar = Calendar.from_ical(
        (out / "pairs" / "dashboards-duo" / "dashboards-duo.ics").read_bytes()
    )
    sessions = [
        e for e in calendar.walk("VEVENT") if "Acme Reverse Mentoring Pilot " in str(e["SUMMARY"])
    ]
    assert [e["DTSTART"].dt.isoformat() for e in sessions] == [
        "2027-03-01T05:30:00-05:00",
        "2027-03-15T06:00:00-04:00",
    ]
    assert str(sessions[0]["UID"]).startswith("dashboards-duo.")
    written = (out / "pairs" / "pairs.csv").read_text(encoding="utf-8").splitlines()
    assert written[1].startswith("dashboards-duo,ops-grad,cfo,50,chosen by hand,monday,05:30,")


def test_a_bad_pairs_file_is_reported_in_full(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "pair_id,mentor_id,mentee_id,score,reasons,weekday,time,timezone\n"
        "x,ops-grad,nobody,0,,someday,25:00,UTC\n"
        "y,ceo,cfo,0,,monday,10:00,UTC\n"
        "z,fin-analyst,cfo,0,,monday,10:00,Europe/London\n"
        "Bad Name,fin-analyst,cmo,0,,tuesday,15:00,Mars/Olympus\n"
        "w,mkt-exec,ceo,0,,tuesday,15:00,Europe/London\n"
        "v,ops-grad,hr-lead,0,,saturday,09:00,Australia/Sydney\n"
        "u,ops-grad,ceo,0,,tuesday,15:00,Europe/London\n"
    )
    with pytest.raises(InvalidProject) as caught:
        read_pairs(pairs, read_roster(ROSTER), load_project(ACME))
    assert caught.value.lines() == [
        "pairs.csv:2:3: mentee_id: no one with the id 'nobody' in the roster",
        "pairs.csv:2:6: weekday: 'someday' is not a day such as tuesday",
        "pairs.csv:2:7: time: '25:00' is not a time such as 15:00",
        "pairs.csv:3:2: mentor_id: 'ceo' is a mentee in the roster",
        "pairs.csv:4:3: mentee_id: 'fin-analyst' and 'cfo' both work in Finance; a pair "
        "never shares a department",
        "pairs.csv:5:1: pair_id: 'Bad Name' must be lowercase letters, digits and hyphens "
        "(it names the pack's folder)",
        "pairs.csv:5:8: timezone: 'Mars/Olympus' is not a time zone name such as Europe/London",
        "pairs.csv:6:3: mentee_id: 'mkt-exec' and 'ceo' are in the same reporting line; a pair "
        "is never a person and someone above or below them",
        "pairs.csv:7:7: time: Nia Brown and Kim Lee are never both free for a whole session in "
        "the week of 2027-03-01 (session 1 and 1 more); pair them with someone else, or ask "
        "them to add free time to the roster",
        "pairs.csv:8:7: time: Nia Brown and Alex Morgan are not both free on tuesday 15:00 "
        "(Europe/London) on any session date; they are both free on thursday at 09:00",
    ]


def test_more_leaders_than_a_mentor_takes_and_twice_the_same_name(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "pair_id,mentor_id,mentee_id,weekday,time,timezone\n"
        "one,ops-grad,ceo,thursday,09:00,Europe/London\n"
        "one,mkt-exec,cfo,monday,10:00,Europe/London\n"
        "two,ops-grad,cfo,monday,10:00,Europe/London\n"
        "three,mkt-exec,cfo,monday,10:00,Europe/London\n"
        "four,mkt-exec,cfo,monday,10:00,Europe/London\n"
    )
    with pytest.raises(InvalidProject) as caught:
        read_pairs(pairs, read_roster(ROSTER), load_project(ACME))
    assert caught.value.lines() == [
        "pairs.csv:3:1: pair_id: 'one' is already used on row 2",
        "pairs.csv:4:2: mentor_id: 'ops-grad' takes 1 leader (the roster's capacity) and is "
        "already paired on row 2",
        "pairs.csv:6:2: mentor_id: 'mkt-exec' takes 1 leader (the roster's capacity) and is "
        "already paired on row 5",
        "pairs.csv:6:3: mentee_id: 'cfo' is already in the pair on row 5",
    ]


def _read_pair(tmp_path: Path, roster: str, row: str, project: Path | None = None) -> PairsFile:
    """pairs.csv with one row (after its header), read with `roster` (a whole CSV text)."""
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text(roster, encoding="utf-8")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("pair_id,mentor_id,mentee_id,weekday,time,timezone\n" + row)
    return read_pairs(pairs, read_roster(roster_file), load_project(project))


def test_a_session_moved_off_the_chosen_time_is_a_located_warning(tmp_path: Path) -> None:
    read = _read_pair(
        tmp_path,
        "id,name,email,role,department,timezone,availability,offers,wants\n"
        "ana,Ana Lima,ana@example.org,mentor,Sales,Europe/London,tue 09:00-10:00,ai,\n"
        "dev,Devon Hart,dev@example.org,mentee,Board,America/New_York,tue 03:00-06:00,,ai\n",
        "ana-dev,ana,dev,tuesday,04:00,America/New_York\n",
    )
    (pair,) = read.pairs
    assert read.warnings == (
        "pairs.csv:2:5: time: Ana Lima and Devon Hart cannot meet on tuesday 04:00 "
        "(America/New_York) for 1 of 12 sessions; session 4 is on 23 Mar 2027 at 05:00 instead "
        "of 04:00: the clocks have changed since session 1 in America/New_York (Devon Hart), not "
        "in Europe/London (Ana Lima)",
    )
    assert pair.dates[3].isoformat() == "2027-03-23T05:00:00-04:00"


def _weekly_project(tmp_path: Path, schedule: str) -> Path:
    """A programme of weekly 30-minute sessions from 15 June 2027 at 13:00, one topic of
    one session, with more of `schedule` (its time zone, holidays or skip dates)."""
    topic = TINY_TOPIC.replace(
        "sessions:\n",
        "sessions:\n  - {id: a, title: A, minutes: 30, objectives: [List], "
        "agenda: [{title: x, minutes: 30}]}\n",
    )
    programme = (
        "id: p\ntitle: P\nschedule: {start: 2027-06-15, cadence: weekly, time: '13:00', "
        f"session_minutes: 30, {schedule}}}\ntracks: [{{id: t, title: T, topics: [tiny]}}]\n"
    )
    return write_tree(tmp_path / "project", {"program.yaml": programme, "topics/tiny.yaml": topic})


def test_a_holiday_of_one_of_several_regions_is_named_with_its_region(tmp_path: Path) -> None:
    # Weekly from Tuesday 15 June 2027, closed on Québec's and the Philippines'
    # holidays; the pair meets on Thursdays: 24 June is Québec's Fête nationale.
    project = _weekly_project(
        tmp_path,
        "timezone: America/Toronto, holidays: [{country: CA, subdivision: QC}, {country: PH}]",
    )
    read = _read_pair(
        tmp_path,
        "id,name,email,role,department,timezone,availability,offers,wants\n"
        "ana,Ana Lima,ana@example.org,mentor,Sales,America/Toronto,thu 13:00-14:00,tiny,\n"
        "dev,Devon Hart,dev@example.org,mentee,Board,America/Toronto,thu 13:00-14:00,,tiny\n",
        "ana-dev,ana,dev,thursday,13:00,America/Toronto\n",
        project,
    )
    # The programme writes as en-CA (from its time zone): the holiday's Canadian English name.
    assert (
        "session 2 is on Jun 24, 2027 at 13:00, but it is a public holiday (Saint Jean "
        "Baptiste Day, Quebec (Canada)) and the two of you" in read.warnings[0]
    )


def test_no_session_falls_on_a_public_holiday(tmp_path: Path) -> None:
    # The default programme skips England's public holidays: Good Friday (26 March 2027)
    # and the May bank holidays (3 and 31 May, Mondays) fall in weeks with a session.
    read = _read_pair(
        tmp_path,
        "id,name,email,role,department,timezone,availability,offers,wants\n"
        "ana,Ana Lima,ana@example.org,mentor,Sales,Europe/London,"
        "thu 13:00-14:00;fri 13:00-14:00,ai,\n"
        "dev,Devon Hart,dev@example.org,mentee,Board,Europe/London,"
        "thu 13:00-14:00;fri 13:00-14:00,,ai\n"
        "bo,Bo Li,bo@example.org,mentor,Data,Europe/London,mon 09:00-10:00,ai,\n"
        "cy,Cy Ng,cy@example.org,mentee,Legal,Europe/London,mon 09:00-10:00,,ai\n",
        "ana-dev,ana,dev,friday,13:00,Europe/London\nbo-cy,bo,cy,monday,09:00,Europe/London\n",
    )
    friday, monday = read.pairs
    # On Good Friday both are free on the Thursday before: the session moves there.
    assert [d.date().isoformat() for d in friday.dates][2:5] == [
        "2027-03-12",
        "2027-03-25",
        "2027-04-09",
    ]
    assert friday.changes == (
        "session 4 is on 25 Mar 2027 at 13:00 instead of 26 Mar 2027 at 13:00: it is a public "
        "holiday (Good Friday)",
    )
    # A form is due the working day after its session: a Monday, not a Saturday.
    line = timeline(load_project(None), dates=friday.dates, zone="Europe/London")
    assert [c.date.isoformat() if c.date else "" for c in line.checkpoints] == [
        "2027-03-01",
        "2027-04-26",
        "2027-07-19",
    ]
    # Bo and Cy share one hour a week, on Mondays: the two bank holidays keep their date,
    # and the pack and the build say to agree another time.
    assert monday.dates[6].date().isoformat() == "2027-05-03"
    assert read.warnings == (
        "pairs.csv:2:5: time: Ana Lima and Devon Hart cannot meet on friday 13:00 "
        "(Europe/London) for 1 of 12 sessions; session 4 is on 25 Mar 2027 at 13:00 instead "
        "of 26 Mar 2027 at 13:00: it is a public holiday (Good Friday)",
        "pairs.csv:3:5: time: Bo Li and Cy Ng cannot meet on monday 09:00 (Europe/London) "
        "for 2 of 12 sessions; session 7 is on 3 May 2027 at 09:00, but it is a public "
        "holiday (May Day) and the two of you are not both free at any other time that week: "
        "agree another time together; session 9 is on 31 May 2027 at 09:00, but it is a "
        "public holiday (Spring Bank Holiday) and the two of you are not both free at any "
        "other time that week: agree another time together",
    )


def test_a_pair_from_london_and_dubai_skips_the_public_holidays_of_both(tmp_path: Path) -> None:
    # Amira works in Dubai (`holidays: AE`), James in London (GB-ENG); their coordinator
    # set them Mondays at 09:00 London time, and they are both free on Wednesdays too.
    # Three Mondays in session weeks are holidays: 3 May (May Day) and 31 May (Spring Bank
    # Holiday) in England, 17 May (Eid al-Adha) in the Emirates: each of the three moves
    # to the Wednesday, said with the holiday's name and region.
    read = _read_pair(
        tmp_path,
        "id,name,email,role,department,timezone,availability,offers,wants,holidays\n"
        "amira-saleh,Amira Saleh,amira@example.org,mentor,Nursing,Asia/Dubai,"
        "mon 12:00-14:00;wed 12:00-14:00,ai,,AE\n"
        "james-whitfield,James Whitfield,james@example.org,mentee,Estates,Europe/London,"
        "mon 09:00-10:00;wed 09:00-10:00,,ai,GB-ENG\n",
        "amira-james,amira-saleh,james-whitfield,monday,09:00,Europe/London\n",
    )
    (pair,) = read.pairs
    assert [d.date().isoformat() for d in pair.dates][5:9] == [
        "2027-04-19",
        "2027-05-05",
        "2027-05-19",
        "2027-06-02",
    ]
    assert pair.changes == (
        "session 7 is on 5 May 2027 at 09:00 instead of 3 May 2027 at 09:00: it is a public "
        "holiday (May Day, England (United Kingdom))",
        "session 8 is on 19 May 2027 at 09:00 instead of 17 May 2027 at 09:00: it is a public "
        "holiday (Eid al-Adha Holiday (estimated), United Arab Emirates)",
        "session 9 is on 2 Jun 2027 at 09:00 instead of 31 May 2027 at 09:00: it is a public "
        "holiday (Spring Bank Holiday, England (United Kingdom))",
    )
    assert read.warnings[0].startswith(
        "pairs.csv:2:5: time: Amira Saleh and James Whitfield cannot meet on monday 09:00 "
        "(Europe/London) for 3 of 12 sessions; session 7 is on 5 May 2027"
    )


def test_each_persons_holidays_are_on_their_own_clock(tmp_path: Path) -> None:
    # Maria Santos mentors from Manila (`holidays: PH`), Étienne Gagnon leads from
    # Montréal (CA-QC); their coordinator set them Wednesdays at 19:00 Montréal time,
    # Thursday 07:00 in Manila (08:00 until Montréal's clocks go forward). Session 4,
    # Wednesday 24 March, is Maundy Thursday in Manila, a Philippine holiday: it moves
    # to the Monday, Tuesday morning in Manila. Session 11, Wednesday 30 June, stays:
    # it is already 1 July, Canada Day, in London and Manila, but not in Montréal, and
    # only Étienne has Canada Day off.
    read = _read_pair(
        tmp_path,
        "id,name,email,role,department,timezone,availability,offers,wants,holidays\n"
        "maria-santos,Maria Santos,maria@example.org,mentor,Communications,Asia/Manila,"
        "tue 07:00-09:00;thu 07:00-09:00,ai,,PH\n"
        "etienne-gagnon,Étienne Gagnon,etienne@example.org,mentee,Finance,America/Toronto,"
        "mon 19:00-20:00;wed 19:00-20:00,,ai,CA-QC\n",
        "maria-etienne,maria-santos,etienne-gagnon,wednesday,19:00,America/Toronto\n",
    )
    (pair,) = read.pairs
    assert pair.dates[3].isoformat() == "2027-03-22T19:00:00-04:00"
    assert pair.dates[10].isoformat() == "2027-06-30T19:00:00-04:00"
    assert pair.changes == (
        "session 4 is on 22 Mar 2027 at 19:00 instead of 24 Mar 2027 at 19:00: it is 25 Mar 2027 "
        "in Asia/Manila (Maria Santos), a public holiday (Maundy Thursday, Philippines)",
    )
    assert read.warnings == (
        "pairs.csv:2:5: time: Maria Santos and Étienne Gagnon cannot meet on wednesday 19:00 "
        "(America/Toronto) for 1 of 12 sessions; session 4 is on 22 Mar 2027 at 19:00 instead "
        "of 24 Mar 2027 at 19:00: it is 25 Mar 2027 in Asia/Manila (Maria Santos), a public "
        "holiday (Maundy Thursday, Philippines)",
    )


def test_a_skip_date_is_kept_on_each_persons_own_clock(tmp_path: Path) -> None:
    # A programme run from London skips Thursday 24 June 2027 (`skip`), a date for
    # everyone wherever they are. Maria Santos (Manila) and Étienne Gagnon (Montréal)
    # meet on Wednesdays at 18:00 in Montréal: 23:00 on the 23rd in London, but 06:00 on
    # the 24th in Manila. That session moves to the Monday, Tuesday morning in Manila.
    project = _weekly_project(tmp_path, "timezone: Europe/London, skip: [2027-06-24]")
    read = _read_pair(
        tmp_path,
        "id,name,email,role,department,timezone,availability,offers,wants\n"
        "maria-santos,Maria Santos,maria@example.org,mentor,Communications,Asia/Manila,"
        "tue 06:00-06:30;thu 06:00-06:30,tiny,\n"
        "etienne-gagnon,Étienne Gagnon,etienne@example.org,mentee,Finance,America/Toronto,"
        "mon 18:00-18:30;wed 18:00-18:30,,tiny\n",
        "maria-etienne,maria-santos,etienne-gagnon,wednesday,18:00,America/Toronto\n",
        project,
    )
    (pair,) = read.pairs
    assert [d.isoformat() for d in pair.dates] == [
        "2027-06-16T18:00:00-04:00",
        "2027-06-21T18:00:00-04:00",
    ]
    assert pair.changes == (
        "session 2 is on 21 Jun 2027 at 18:00 instead of 23 Jun 2027 at 18:00: it is 24 Jun 2027 "
        "in Asia/Manila (Maria Santos), a day without sessions",
    )


def test_unreadable_pairs_files(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("mentor_id,mentee_id,colour\n")
    with pytest.raises(InvalidProject) as caught:
        read_rows(pairs)
    assert caught.value.lines() == [
        "pairs.csv:1:3: unknown column `colour`; the columns are pair_id, mentor_id, mentee_id, "
        "score, reasons, weekday, time, timezone, changes, location, topics",
        "pairs.csv:1:4: the column `time` is missing",
        "pairs.csv:1:4: the column `timezone` is missing",
        "pairs.csv:1:4: the column `weekday` is missing",
    ]
    pairs.write_text(
        "mentor_id,mentee_id,weekday,time,timezone\n" + "x" * 2000 + ",y,monday,10:00,UTC\n"
    )
    with pytest.raises(InvalidProject) as caught:
        read_rows(pairs)
    assert caught.value.lines() == [
        "pairs.csv:2:1: the cell is 2,000 characters long; a cell holds at most 1,000"
    ]
    with pytest.raises(UsageError, match="no such pairs file"):
        read_rows(tmp_path / "missing.csv")
    # A header alone would build no pack and remove the last build's: refused.
    pairs.write_text("mentor_id,mentee_id,weekday,time,timezone\n,,,,\n")
    with pytest.raises(InvalidProject) as caught:
        read_rows(pairs)
    assert caught.value.lines() == [
        "pairs.csv:2:1: the pairs file has no pairs: one row a pair is needed under the header "
        "(`mentorkit match` writes them)"
    ]
    # Two columns of the same name: which one is meant cannot be told.
    pairs.write_text("mentor_id,mentee_id,weekday,time,timezone,time\na,b,monday,10:00,UTC,11:00\n")
    with pytest.raises(InvalidProject) as caught:
        read_rows(pairs)
    assert caught.value.lines() == [
        "pairs.csv:1:6: the column `time` appears twice (columns 4 and 6)"
    ]


def test_a_pairs_file_saved_with_semicolons_is_read_as_such(tmp_path: Path) -> None:
    """Edited in Excel in a country whose decimal mark is a comma, pairs.csv comes back
    with semicolons between its columns: read so, and located by the same columns."""
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "pair_id;mentor_id;mentee_id;weekday;time;timezone\n"
        "one;ops-grad;ceo;thursday;09:00;Europe/London\n"
        "two;mkt-exec;cfo;someday;10:00;Europe/London\n"
    )
    with pytest.raises(InvalidProject) as caught:
        read_pairs(pairs, read_roster(ROSTER), load_project(ACME))
    assert caught.value.lines() == [
        "pairs.csv:3:4: weekday: 'someday' is not a day such as tuesday"
    ]
    pairs.write_text("pair_id;mentor;mentee_id;weekday;time;timezone\none;ops-grad;ceo;thu;9;UTC\n")
    with pytest.raises(InvalidProject) as caught:
        read_rows(pairs)
    assert caught.value.lines() == [
        "pairs.csv:1:1: the columns are separated by semicolons, not commas (as Excel saves "
        "CSV in some countries); if the problems below are not in the pairs file, save it as "
        "CSV with commas: in Excel, File › Save As › CSV UTF-8 (Comma delimited)",
        "pairs.csv:1:2: unknown column `mentor`; the columns are pair_id, mentor_id, mentee_id, "
        "score, reasons, weekday, time, timezone, changes, location, topics",
        "pairs.csv:1:7: the column `mentor_id` is missing",
    ]


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "pair_id,mentor_id,mentee_id,weekday,time,timezone,location\n"
        'one,ops-grad,ceo,thursday,09:00,Europe/London,"=HYPERLINK(""http://x"")"\n'
    )
    out = tmp_path / "dist"
    build(
        ACME,
        BuildOptions(out=out, workers=1, roster=ROSTER, pairs=pairs, only=frozenset({"calendar"})),
    )
    written = (out / "pairs" / "pairs.csv").read_text(encoding="utf-8")
    assert ',"\'=HYPERLINK(""http://x"")"' in written or ",'=HYPERLINK" in written
    assert ",=HYPERLINK" not in written and ',"=HYPERLINK' not in written
    # Read back, the cell is what was written by hand: the quote is taken off again.
    (row,), _columns = read_rows(out / "pairs" / "pairs.csv")
    assert row.location == '=HYPERLINK("http://x")'


def test_a_pair_id_too_long_for_a_folder_name_is_a_located_error(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "pair_id,mentor_id,mentee_id,weekday,time,timezone\n"
        f"{'a' * 200},ops-grad,ceo,thursday,09:00,Europe/London\n"
    )
    with pytest.raises(InvalidProject) as caught:
        read_pairs(pairs, read_roster(ROSTER), load_project(ACME))
    assert caught.value.lines() == [
        "pairs.csv:2:1: pair_id: 'aaaaaaaaaaaaaaaaaaaa'... is 200 characters long; it names the "
        "pack's folder, at most 162 characters"
    ]


def test_a_pair_id_windows_keeps_for_a_device_is_a_located_error(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "pair_id,mentor_id,mentee_id,weekday,time,timezone\n"
        "nul,ops-grad,ceo,thursday,09:00,Europe/London\n"
        "com3,mkt-exec,cfo,monday,10:00,Europe/London\n"
    )
    with pytest.raises(InvalidProject) as caught:
        read_pairs(pairs, read_roster(ROSTER), load_project(ACME))
    assert caught.value.lines() == [
        "pairs.csv:2:1: pair_id: 'nul' is a name Windows keeps for a device, so the pack's "
        "folder could not be made or copied on Windows; choose another, such as nul-pair",
        "pairs.csv:3:1: pair_id: 'com3' is a name Windows keeps for a device, so the pack's "
        "folder could not be made or copied on Windows; choose another, such as com3-pair",
    ]


def test_build_command_with_a_roster(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "build",
            str(ACME),
            "--out",
            str(tmp_path),
            "--only",
            "calendar",
            "--roster",
            str(ROSTER),
            "--jobs",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "3 pairs: a pack each in pairs/" in result.stdout
    # The name between left-to-right marks, as in the table: a name in Arabic or Hebrew
    # does not pull what follows it into its run.
    assert "not paired: \u200eKim Lee\u200e (mentee)" in result.stderr


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.pdf"))
    }


@pytest.mark.slow
def test_a_dask_cluster_makes_the_same_files(
    tmp_path: Path, packs_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import Client, LocalCluster

    temporary = tmp_path / "workers-tmp"  # where the workers' WeasyPrint copies fonts
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address.removeprefix("tcp://")
        first, out = tmp_path / "first", tmp_path / "dist"
        only = frozenset({"pdf"})
        build(ACME, BuildOptions(out=first, only=only, executor=f"dask://{address}"))
        # Each worker froze what it had loaded (WeasyPrint, the fonts) at its first build,
        # as a pool worker does, and freezes nothing more at the next one: a worker outlives
        # builds, and what a build leaves behind must stay collectable.
        with Client(cluster) as client:
            frozen = client.run(gc.get_freeze_count)
            build(ACME, BuildOptions(out=out, roster=ROSTER, executor=f"dask://{address}"))
            frozen_again = client.run(gc.get_freeze_count)
        # Each worker keeps the fonts of its last build only
        fonts_kept = len(list(temporary.glob("weasyprint-*")))
    assert len(frozen) == 2 and min(frozen.values()) > 10_000
    assert frozen_again.keys() == frozen.keys()
    assert all(frozen_again[w] <= frozen[w] for w in frozen)  # the last build's fonts let go
    # and lets them go when it stops: WeasyPrint removes the folder it copied them to
    # (before, the first build's stayed, and a stopping worker printed a traceback).
    assert fonts_kept <= 2
    assert not list(temporary.glob("weasyprint-*"))
    assert digests(first / "pdf") == digests(packs_build / "pdf")
    for output in ("pdf", "pairs", "certificates"):
        assert digests(out / output) == digests(packs_build / output), output


def test_an_unreachable_dask_scheduler_is_explained(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"no Dask scheduler answers at 127\.0\.0\.1:9"):
        build(
            ACME, BuildOptions(out=tmp_path, executor="dask://127.0.0.1:9", only=frozenset({"pdf"}))
        )


def test_a_dask_scheduler_with_no_workers_is_explained(tmp_path: Path) -> None:
    """Without workers the build would wait for ever: it says what to start instead."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=0, processes=True, dashboard_address=None) as cluster:
        address = cluster.scheduler_address.removeprefix("tcp://")
        with pytest.raises(UsageError) as caught:
            build(
                ACME,
                BuildOptions(out=tmp_path, executor=f"dask://{address}", only=frozenset({"pdf"})),
            )
    assert str(caught.value) == (
        f"--executor: the Dask scheduler at {address} has no workers; start one on each "
        f"machine that should print: dask worker tcp://{address} --nthreads 1"
    )
    assert not (tmp_path / "pdf").exists()


@pytest.fixture(scope="module")
def one_dask_worker() -> Iterator[tuple[str, str]]:
    """A `LocalCluster` of one worker: the scheduler's address (no tcp://) and the worker's."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        (worker,) = cluster.scheduler_info["workers"]
        yield cluster.scheduler_address.removeprefix("tcp://"), worker


def test_dask_workers_that_cannot_read_the_project_are_explained(
    tmp_path: Path, one_dask_worker: tuple[str, str]
) -> None:
    """The jobs name the project's files by their paths on this machine: a worker that
    cannot read them (no shared folder) would print PDFs without the logo or the fonts."""
    from generator.executors import check_folders

    address, worker = one_dask_worker
    here, gone = tmp_path / "assets", tmp_path / "not-shared"
    here.mkdir()
    with executor(f"dask://{address}", 1) as pool:
        check_folders(pool, [str(here)])  # read: nothing to say
        with pytest.raises(UsageError) as caught:
            check_folders(pool, [str(here), str(gone)])
    assert str(caught.value) == (
        f"--executor: the Dask worker {worker} cannot read {gone}: every worker needs the "
        "project at the same path as this machine (a shared folder)"
    )


def test_a_dask_worker_checks_a_build_at_its_first_job(
    tmp_path: Path, one_dask_worker: tuple[str, str]
) -> None:
    """The build checks the workers that are there when it starts; a worker that joins the
    cluster later (a machine started late) is checked at its first job of the build, by
    what the job carries: the versions and the folders of the machine that builds. Here the
    one worker stands in for it, with what each job of another build would carry."""
    from dataclasses import replace

    import weasyprint

    from generator import __version__
    from generator.executors import check_folders

    address, worker = one_dask_worker
    here, gone = tmp_path / "assets", tmp_path / "not-shared"
    here.mkdir()
    with executor(f"dask://{address}", 1) as pool:
        check_folders(pool, [str(here)])
        assert pool.submit(sum, [1, 2]).result() == 3
        assert pool.submit(_caller_stacksize).result() == 65536  # run with room, as locally
        assert pool.submit(_threshold).result() == 10_000  # and collecting less
        build = pool.build  # type: ignore[attr-defined]
        pool.build = replace(build, token="next", folders=(str(here), str(gone)))  # type: ignore[attr-defined]
        with pytest.raises(UsageError) as unread:
            pool.submit(sum, [1, 2]).result()
        pool.build = replace(build, token="older", versions=("0.9", "61.2"))  # type: ignore[attr-defined]
        with pytest.raises(UsageError) as other:
            pool.submit(sum, [1, 2]).result()
    assert str(unread.value) == (
        f"--executor: the Dask worker {worker} cannot read {gone}: every worker needs the "
        "project at the same path as this machine (a shared folder)"
    )
    assert str(other.value) == (
        f"--executor: {worker} runs mentorkit {__version__} with WeasyPrint "
        f"{weasyprint.__version__}, not mentorkit 0.9 with WeasyPrint 61.2 as here, so its "
        "PDFs would differ from this machine's: install mentorkit 0.9 with WeasyPrint 61.2 on "
        "every worker (pip install 'mentorkit[dask]'), as on this machine"
    )


def test_dask_workers_that_cannot_print_as_this_machine_are_explained() -> None:
    """A worker without mentorkit, or with other versions of it or of WeasyPrint (whose
    PDFs would differ from this machine's, and be kept by the build's cache as if they
    were), stops the build before any job, naming the worker and what to install."""
    import weasyprint

    from generator import __version__
    from generator.executors import _check_workers

    here = f"mentorkit {__version__} with WeasyPrint {weasyprint.__version__}"
    fix = f"install {here} on every worker (pip install 'mentorkit[dask]'), as on this machine"

    def without_mentorkit(_: object) -> dict[str, tuple[str, str]]:
        raise ModuleNotFoundError("No module named 'generator'")

    with pytest.raises(UsageError) as caught:
        _check_workers("sched:8786", without_mentorkit)
    assert str(caught.value) == (
        "--executor: a Dask worker at sched:8786 cannot run mentorkit "
        f"(No module named 'generator'): {fix}"
    )

    def older(_: object) -> dict[str, tuple[str, str]]:
        return {
            "tcp://10.0.0.7:40001": (__version__, "61.2"),
            "tcp://10.0.0.5:40001": (__version__, weasyprint.__version__),
        }

    with pytest.raises(UsageError) as caught:
        _check_workers("sched:8786", older)
    assert str(caught.value) == (
        f"--executor: tcp://10.0.0.7:40001 runs mentorkit {__version__} with WeasyPrint 61.2, "
        f"not {here} as here, so its PDFs would differ from this machine's: {fix}"
    )


def test_capacity_and_role_both_flow_into_packs_and_certificates(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,email,role,capacity,department,timezone,availability,offers,wants\n"
        "zara,Zara Ahmed,zara@example.org,mentor,2,Data,Europe/London,"
        "mon 09:00-17:00;thu 09:00-17:00,dashboards,\n"
        "lu,Lu Wei,lu@example.org,both,,Sales,Asia/Shanghai,mon 15:00-19:00,video,dashboards\n"
        "ola,Ola Nordmann,ola@example.org,mentee,,Legal,Europe/Oslo,mon 09:00-17:00,,video\n"
        "ines,Inês Costa,ines@example.org,mentee,,Legal,America/Sao_Paulo,mon 06:00-12:00,,"
        "dashboards\n",
        encoding="utf-8",
    )
    out = tmp_path / "dist"
    report = build(
        ACME, BuildOptions(out=out, workers=1, roster=roster, only=frozenset({"calendar"}))
    )
    folders = sorted(p.name for p in (out / "pairs").iterdir() if p.is_dir())
    assert folders == ["lu--ola", "zara--ines", "zara--lu"]
    assert report.unmatched == []
    certificate = PdfReader(out / "certificates" / "lu.pdf").pages[0].extract_text()
    assert "as digital mentor and executive" in " ".join(certificate.split())
    # Every session in every pair's calendar lies inside both people's availability.
    people = read_roster(roster).by_id()
    for folder in folders:
        mentor, mentee = (people[i] for i in folder.split("--"))
        calendar = Calendar.from_ical((out / "pairs" / folder / f"{folder}.ics").read_bytes())
        for event in calendar.walk("VEVENT"):
            if "Reverse mentoring" not in str(event["SUMMARY"]):
                continue
            for person in (mentor, mentee):
                zone = ZoneInfo(person.timezone)
                start = event["DTSTART"].dt.astimezone(zone)
                end = event["DTEND"].dt.astimezone(zone)
                assert any(
                    slot.weekday == start.weekday()
                    and slot.start <= start.hour * 60 + start.minute
                    and end.hour * 60 + end.minute <= slot.end
                    for slot in person.availability
                ), (folder, person.id, start)


def test_a_pair_moved_by_hand_is_told_its_new_time_not_the_one_match_found(
    tmp_path: Path,
) -> None:
    """The pack prints a pair's reasons: after the coordinator moves the pair in pairs.csv,
    "both free on ..." names the time they now meet at; other reasons stay as written."""
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,email,role,department,timezone,availability,offers,wants\n"
        "ana,Ana Lima,ana@example.org,mentor,Sales,Europe/London,tue 09:00-12:00;wed 14:00-15:00,ai,\n"
        "dev,Devon Hart,dev@example.org,mentee,Board,Europe/London,tue 09:00-12:00;wed 14:00-15:00,,ai\n",
        encoding="utf-8",
    )
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "pair_id,mentor_id,mentee_id,score,reasons,weekday,time,timezone\n"
        "ana-dev,ana,dev,100,can teach ai (1 of 1 wishes); both free on Tuesday at 09:00 "
        "(Europe/London); Ana asked for Devon,wednesday,14:00,Europe/London\n"
    )
    (pair,) = read_pairs(pairs, read_roster(roster), load_project(None)).pairs
    assert pair.reasons == (
        "can teach ai (1 of 1 wishes)",
        "both free on Wednesday at 14:00 (Europe/London)",
        "Ana asked for Devon",
    )


# --- a pair across time zones reads both clocks ---------------------------------------


def _clocks(tmp_path: Path, mentor: str, mentee: str, locale: str = "en") -> tuple[str, str]:
    """The cover and the agreement's front of the pack of a pair of two people (roster rows
    without the header), in a monthly programme from January to December 2027."""
    from generator.match import match
    from generator.packs import pair_infos
    from generator.packs.planning import part_artefacts

    from .conftest import renderer_for, write_tree

    project = write_tree(
        tmp_path / "project",
        {
            "program.yaml": f"""
                extends: default
                id: clocks
                title: Three cities
                locale: {locale}
                schedule:
                  start: 2027-01-08
                  cadence: monthly
                  weekday: friday
                  time: "10:00"
                  timezone: Asia/Dubai
                """,
        },
    )
    roster = tmp_path / "roster.csv"
    roster.write_text(
        f"id,name,email,role,department,timezone,availability,offers,wants\n{mentor}\n{mentee}\n",
        encoding="utf-8",
    )
    renderer = renderer_for(project)
    (pair,) = match(read_roster(roster), renderer.project).pairs
    (info,) = pair_infos(renderer.project, [pair], renderer)
    cover, front = (renderer.markdown(a) for a in part_artefacts(renderer, info)[:2])
    return " ".join(cover.split()), " ".join(front.split())


def _sessions(cover: str) -> list[str]:
    return [li.split("</strong>")[1].split(" · ")[0] for li in cover.split("<li>")[1:]]


def test_a_pair_across_time_zones_reads_the_others_time_too(tmp_path: Path) -> None:
    """A leader in Dubai and a mentor in Manila: the pack gives the mentor's time beside
    the pair's, on the "When" line, on the agreement, and on every session."""
    cover, front = _clocks(
        tmp_path,
        "ana,Ana Reyes,ana@example.org,mentor,IT,Asia/Manila,fri 16:00-19:00,ai,",
        "omar,Omar Saleh,omar@example.org,mentee,Finance,Asia/Dubai,fri 12:00-15:00,,ai",
    )
    assert (
        'Friday at 12:00 PM (Asia/Dubai) <span class="other-clock">· 4:00 PM for Ana (Asia/Manila)'
        "</span>" in cover
    )
    assert "Friday at 12:00 PM (Asia/Dubai) · 4:00 PM for Ana (Asia/Manila)" in front
    # Each session starts at 4:00 PM on the mentor's clock, muted as on the "When" line
    # that says whose it is; its topic heads the sessions it holds, so that the cover
    # stays one page.
    assert _sessions(cover) == [' <span class="other-clock">(4:00 PM)</span>'] * 12
    assert '<span class="other-clock">(4:00 PM)</span> · Channels, notifications' in cover
    assert cover.count("<h3>Collaboration suites: working in the open</h3>") == 1


def test_the_others_date_is_given_when_their_clock_is_past_midnight(tmp_path: Path) -> None:
    """A leader in Montréal at 13:00 on a Friday is 02:00 on Saturday in Manila (01:00 once
    Canada's clocks go forward): the mentor reads their own day and date, in French too."""
    rows = (
        "ana,Ana Reyes,ana@example.org,mentor,IT,Asia/Manila,sat 01:00-04:00,ai,",
        "luc,Luc Tremblay,luc@example.org,mentee,Finance,America/Toronto,fri 12:00-15:00,,ai",
    )
    cover, _ = _clocks(tmp_path / "en", *rows)
    assert "· Saturday at 2:00 AM / 1:00 AM for Ana (Asia/Manila)</span>" in cover
    sessions = _sessions(cover)
    assert sessions[0] == ' <span class="other-clock">(Sat, Jan 9, 2:00 AM)</span>'
    assert sessions[3] == ' <span class="other-clock">(Sat, Apr 10, 1:00 AM)</span>'
    cover, front = _clocks(tmp_path / "fr", *rows, locale="fr")
    assert "· samedi à 02:00 / 01:00 pour Ana (Asia/Manila)" in front
    assert '<span class="other-clock">(sam. 9 janv., 02:00)</span>' in cover


def test_only_one_time_is_printed_while_two_zones_share_their_offset(tmp_path: Path) -> None:
    """London and Reykjavik read the same clock in winter and an hour apart in summer:
    a session prints the mentor's time only when it is another."""
    cover, _ = _clocks(
        tmp_path,
        "jon,Jón Jónsson,jon@example.org,mentor,IT,Atlantic/Reykjavik,fri 09:00-17:00,ai,",
        "amy,Amy Smith,amy@example.org,mentee,Finance,Europe/London,fri 09:00-17:00,,ai",
    )
    assert "· 10:00 AM / 9:00 AM for Jón (Atlantic/Reykjavik)</span>" in cover
    summer = ' <span class="other-clock">(9:00 AM)</span>'
    # Jan, Feb and Mar 12 before Europe's clocks go forward; Nov and Dec after they go back.
    assert _sessions(cover) == [""] * 3 + [summer] * 7 + [""] * 2


def test_a_pair_in_one_zone_reads_one_clock(tmp_path: Path) -> None:
    cover, front = _clocks(
        tmp_path,
        "rania,Rania Haddad,rania@example.org,mentor,IT,Asia/Dubai,fri 12:00-15:00,ai,",
        "omar,Omar Saleh,omar@example.org,mentee,Finance,Asia/Dubai,fri 12:00-15:00,,ai",
    )
    assert "other-clock" not in cover and "other-clock" not in front
    assert "<strong>When:</strong> Friday at 12:00 PM (Asia/Dubai)</p>" in cover
    assert _sessions(cover) == [""] * 12


def test_sessions_a_clock_change_moves_are_one_warning_naming_whose_clocks_changed(
    tmp_path: Path,
) -> None:
    """A pair in Dubai and Manila meeting at a time set in Toronto: from Toronto's change
    to summer time on 14 March, 06:30 there is an hour earlier for both, before they are
    free. One line for the run of sessions (it said one line a session, and "the clocks
    change for America/Toronto", as if the two of them had to mind it)."""
    read = _read_pair(
        tmp_path,
        "id,name,email,role,department,timezone,availability,offers,wants\n"
        "amal,Amal Haddad,amal@example.org,mentor,Nursing,Asia/Dubai,tue 15:00-17:00,ai,\n"
        "jose,Jose Reyes,jose@example.org,mentee,Board,Asia/Manila,tue 19:00-21:00,,ai\n",
        "amal-jose,amal,jose,tuesday,06:30,America/Toronto\n",
    )
    assert read.warnings == (
        "pairs.csv:2:5: time: Amal Haddad and Jose Reyes cannot meet on tuesday 06:30 "
        "(America/Toronto) for 9 of 12 sessions; sessions 4–12 (23 Mar 2027 to 13 Jul 2027) are "
        "at 07:00 instead of 06:30: the clocks have changed since session 1 in "
        "America/Toronto (the pair's time zone), not in Asia/Dubai (Amal Haddad) and "
        "Asia/Manila (Jose Reyes)",
    )

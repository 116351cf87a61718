"""Group events beside the pair sessions, and how and where everyone meets (issue 16)."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from generator.build import BuildOptions, build
from generator.lint import lint
from generator.loader import load_project
from generator.schedule import timeline

from .conftest import problems_of, renderer_for, write_tree

FOUR_SESSIONS = "\n".join(
    f"""
      - id: part-{n}
        title: {title}
        minutes: 30
        objectives: [{title}]
        agenda:
          - {{title: Check-in, minutes: 5, kind: check-in}}
          - {{title: Try it, minutes: 20, lead: mentee, kind: hands-on}}
          - {{title: Next steps, minutes: 5, kind: next-steps}}"""
    for n, title in enumerate(
        ["Patient voices online", "Reading the room", "Answering in public", "Keeping it going"],
        start=1,
    )
)

PROGRAMME = """
    id: north-voices
    title: Reverse mentoring, North East and Yorkshire
    roles: {mentor: Reverse mentor, mentee: Senior leader, coordinator: Programme lead}
    schedule:
      start: 2027-01-12
      cadence: fortnightly
      time: "15:00"
      timezone: Europe/London
      session_minutes: 30
      mode: online
      location: Teams link from the senior leader
    tracks:
      - {id: voices, title: Voices, topics: [patient-voices]}
    events:
      - id: supervision
        title: Group supervision for reverse mentors
        for: mentors
        after_sessions: [2, 4]
        minutes: 90
        mode: online
        location: Link from Aisha Rahman, programme lead
        attendance: at least 1 of 2
        topic: supervision-plan
      - id: graduation
        title: Graduation
        for: everyone
        dates: [2027-03-03]
        minutes: 120
        mode: in-person
        location: Atrium, Quarry House, Leeds
    checkpoints:
      - {at: end, kind: evaluation, title: Final evaluation}
    """

TOPIC = (
    """
    id: patient-voices
    title: Patient voices in social media
    area: digital-tools
    summary: How patients talk about care online, and how to answer.
    objectives: [Answer a patient's post in public]
    sessions:"""
    + textwrap.indent(FOUR_SESSIONS, "    ")
    + "\n"
)

WORKSHOP = """
    id: supervision-plan
    title: Supervision circle
    area: digital-tools
    format: workshop
    audience: mentor
    summary: Reverse mentors bring a moment from their sessions and think it through together.
    objectives: [Name what went well and what to try next]
    sessions:
      - id: circle
        title: The circle
        minutes: 90
        objectives: [Name what went well and what to try next]
        agenda:
          - {title: Round of moments, minutes: 30, lead: trainer, kind: discussion}
          - {title: One case in depth, minutes: 50, lead: trainer, kind: discussion}
          - {title: What I will try, minutes: 10, lead: trainer, kind: next-steps}
    """

ROSTER = (
    "id,name,email,role,department,manager_id,timezone,availability,offers,wants\n"
    "amara,Amara Okafor,amara.okafor@example.nhs.uk,mentor,Communications,,Europe/London,"
    "tue 14:00-17:00,social-media,\n"
    "siobhan,Siobhán Ní Bhriain,siobhan.nibhriain@example.nhs.uk,mentee,Nursing,,"
    "Europe/London,tue 14:00-17:00,,social-media\n"
)

PAIRS = (
    "pair_id,mentor_id,mentee_id,score,reasons,weekday,time,timezone,location\n"
    'amara-siobhan,amara,siobhan,100,chosen by hand,tuesday,15:00,Europe/London,"Room 4.12, '
    'Trust HQ"\n'
)


def _project(root: Path, programme: str = PROGRAMME) -> Path:
    return write_tree(
        root,
        {
            "program.yaml": programme,
            "topics/patient-voices.yaml": TOPIC,
            "topics/supervision-plan.yaml": WORKSHOP,
        },
    )


@pytest.fixture(scope="module")
def events_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("events")
    project = _project(folder / "project")
    people = write_tree(folder / "private", {"roster.csv": ROSTER, "pairs.csv": PAIRS})
    out = folder / "dist"
    build(
        project,
        BuildOptions(out=out, workers=1, roster=people / "roster.csv", pairs=people / "pairs.csv"),
    )
    return out


def _events(path: Path) -> list:
    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_events_fall_after_their_sessions_or_on_their_dates(tmp_path: Path) -> None:
    line = timeline(load_project(_project(tmp_path / "project")))
    when = [(m.event.id, m.number, m.total, m.start.isoformat()) for m in line.events if m.start]
    # Sessions 2 and 4 are on Tuesdays 26 January and 23 February: supervision is the
    # next working day, at the programme's time; the graduation keeps its own date.
    assert when == [
        ("supervision", 1, 2, "2027-01-27T15:00:00+00:00"),
        ("supervision", 2, 2, "2027-02-24T15:00:00+00:00"),
        ("graduation", 1, 1, "2027-03-03T15:00:00+00:00"),
    ]
    assert next(m.end - m.start for m in line.events if m.start and m.end).seconds == 90 * 60


def test_programme_calendar_has_events_and_a_location_on_every_meeting(events_build: Path) -> None:
    meetings = _events(events_build / "calendar" / "north-voices.ics")
    places = {str(e["SUMMARY"]): str(e.get("LOCATION", "")) for e in meetings}
    assert places["Group supervision for reverse mentors (1/2, for every reverse mentor)"] == (
        "Online · Link from Aisha Rahman, programme lead"
    )
    assert places["Graduation (1/1, for everyone in the programme)"] == (
        "In person · Atrium, Quarry House, Leeds"
    )
    assert places["Reverse mentoring, North East and Yorkshire 1/4: Patient voices online"] == (
        "Online · Teams link from the senior leader"
    )
    supervision = next(e for e in meetings if "supervision" in str(e["UID"]))
    assert "Attendance: at least 1 of 2" in str(supervision["DESCRIPTION"])
    # Every meeting has a place; only the checkpoint, an all-day reminder to fill in a
    # form, has none.
    timed = [e for e in meetings if str(e.get("TRANSP", "")) != "TRANSPARENT"]
    assert len(timed) == 4 + 3
    assert all(str(e["LOCATION"]) for e in timed)
    assert [str(e["SUMMARY"]) for e in meetings if e not in timed] == [
        "Checkpoint: Final evaluation"
    ]


def test_a_pair_calendar_has_its_own_place_and_the_group_events(events_build: Path) -> None:
    meetings = _events(events_build / "pairs" / "amara-siobhan" / "amara-siobhan.ics")
    sessions = [e for e in meetings if "Reverse mentoring" in str(e["SUMMARY"])]
    assert len(sessions) == 4
    assert {str(e["LOCATION"]) for e in sessions} == {"Room 4.12, Trust HQ"}
    groups = [str(e["SUMMARY"]) for e in meetings if ".event." in str(e["UID"])]
    assert groups == [
        "Group supervision for reverse mentors (1/2, for every reverse mentor)",
        "Group supervision for reverse mentors (2/2, for every reverse mentor)",
        "Graduation (1/1, for everyone in the programme)",
    ]


def test_guides_show_the_events_of_their_readers(tmp_path: Path) -> None:
    renderer = renderer_for(_project(tmp_path / "project"))
    pages = {a.key: renderer.markdown(a) for a in renderer.plan.artefacts}
    programme, mentor, mentee, trainer = (
        " ".join(pages[name].split())
        for name in ("programme-guide", "mentor-guide", "mentee-guide", "trainer-handbook")
    )
    for text in (programme, mentor):
        assert "Group supervision for reverse mentors" in text
        assert "Attendance: at least 1 of 2" in text
        assert "Online · Link from Aisha Rahman, programme lead" in text
    assert "Group supervision" not in mentee
    for text in (programme, mentor, mentee):
        assert "Graduation" in text and "In person · Atrium, Quarry House, Leeds" in text
    assert "Online · Teams link from the senior leader" in programme
    assert "Your sessions: Online · Teams link from the senior leader." in mentee
    # The supervision is planned as a workshop: the trainer's handbook has its plan.
    assert "Supervision circle" in trainer and "One case in depth" in trainer
    assert "Runs as Group supervision for reverse mentors:** - Wednesday, 27 January 2027" in (
        trainer
    )
    assert "The onboarding workshops prepare" not in trainer


def test_the_pack_says_where_the_pair_meets_and_lists_the_events(events_build: Path) -> None:
    reader = PdfReader(events_build / "pairs" / "amara-siobhan" / "amara-siobhan.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages[:3])
    assert "Room 4.12, Trust HQ" in text
    assert "Group supervision for reverse mentors" in text
    assert "Attendance: at least 1 of 2" in text
    assert "Graduation" in text


def _problems(tmp_path: Path, old: str, new: str) -> list[str]:
    assert old in PROGRAMME
    return problems_of(_project(tmp_path / "project", PROGRAMME.replace(old, new)))


def test_an_event_after_a_session_the_programme_does_not_have(tmp_path: Path) -> None:
    assert _problems(tmp_path, "after_sessions: [2, 4]", "after_sessions: [2, 6]") == [
        "program.yaml:18:25: events['supervision'].after_sessions[1]: the programme has 4 pair sessions, "
        "so there is no session 6 to hold 'Group supervision for reverse mentors' after; use "
        "a number from 1 to 4"
    ]


def test_event_dates_outside_the_programme(tmp_path: Path) -> None:
    assert _problems(tmp_path, "dates: [2027-03-03]", "dates: [2026-12-01, 2027-05-01]") == [
        "program.yaml:27:13: events['graduation'].dates[0]: 2026-12-01 is outside the programme; an "
        "event may fall from 2027-01-12 (the first workshop or pair session) to 2027-03-26 "
        "(a month after the last pair session): choose a date between them",
        "program.yaml:27:25: events['graduation'].dates[1]: 2027-05-01 is outside the programme; an "
        "event may fall from 2027-01-12 (the first workshop or pair session) to 2027-03-26 "
        "(a month after the last pair session): choose a date between them",
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "for: mentors",
            "for: leaders",
            "program.yaml:17:10: events['supervision'].for: `leaders` is not allowed here; use "
            "one of: mentors, mentees or everyone",
        ),
        (
            "dates: [2027-03-03]",
            "dates: [2027-03-03]\n        after_sessions: [1]",
            "program.yaml:24:5: events['graduation']: give `after_sessions` or `dates`, not "
            "both: an event follows pair sessions, or falls on dates of its own",
        ),
        (
            "dates: [2027-03-03]",
            "",
            "program.yaml:24:5: events['graduation']: say when it is held: `after_sessions: "
            "[2, 4]` (the next working day after those pair sessions) or `dates: [2027-03-10]`",
        ),
        (
            "id: graduation",
            "id: supervision",
            "program.yaml:24:9: events[1].id: another event is already called 'supervision'; "
            "give each event its own id",
        ),
        (
            "topic: supervision-plan",
            "topic: patient-voices",
            "program.yaml:23:12: events['supervision'].topic: 'patient-voices' is a pair topic; "
            "an event's plan is a workshop (a topic with `format: workshop`)",
        ),
        (
            "topic: supervision-plan",
            "topic: supervision-plans",
            "program.yaml:23:12: events['supervision'].topic: there is no topic "
            "'supervision-plans' (did you mean 'supervision-plan'?)",
        ),
        (
            "mode: in-person",
            "mode: face-to-face",
            "program.yaml:29:11: events['graduation'].mode: `face-to-face` is not allowed here; "
            "use one of: online, phone, in-person or hybrid",
        ),
        (
            "mode: online\n      location: Teams",
            "mode: teams\n      location: Teams",
            "program.yaml:10:9: schedule.mode: `teams` is not allowed here; use one of: online, "
            "phone, in-person or hybrid",
        ),
    ],
)
def test_event_and_mode_errors(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert _problems(tmp_path, old, new) == [message]


def test_event_dates_need_a_schedule(tmp_path: Path) -> None:
    start = PROGRAMME.index("    schedule:")
    end = PROGRAMME.index("    tracks:")
    programme = PROGRAMME[:start] + PROGRAMME[end:]
    assert problems_of(_project(tmp_path / "project", programme)) == [
        "program.yaml:19:12: events['graduation'].dates: the programme has no `schedule`, so "
        "it has no dates to hold the event between; add a schedule, or use `after_sessions`"
    ]


def test_lint_finds_events_nobody_can_find_or_whose_plan_does_not_fit(tmp_path: Path) -> None:
    programme = (
        PROGRAMME.replace("minutes: 90", "minutes: 60")
        .replace("for: mentors", "for: mentees")
        .replace("location: Atrium, Quarry House, Leeds", "attendance: everyone")
        .replace("mode: online\n      location: Teams link", "mode: in-person\n      # Teams")
    )
    project = load_project(_project(tmp_path / "project", programme))
    found = [str(f) for f in lint(project, dt.date(2027, 1, 1))]
    assert [f for f in found if "events[" in f or "schedule." in f] == [
        "program.yaml:10:9: warning: schedule.mode: pairs meet in person, but nothing says "
        "where; add `schedule.location`, or a `location` column in pairs.csv",
        "program.yaml:19:14: warning: events['supervision'].minutes: the event lasts 60 "
        "minutes, but its plan 'supervision-plan' takes 90; make them the same",
        "program.yaml:23:12: warning: events['supervision'].topic: the workshop "
        "'supervision-plan' is written for mentors, but the event is for mentees; choose a "
        "workshop for the same people, or change `for`",
        "program.yaml:24:5: warning: events['graduation']: 'Graduation' is held in person, but "
        "nothing says where; add `location` (a room and building)",
    ]


def _gulf_cover(tmp_path: Path) -> str:
    """The first page of the pack of a pair in Dubai, in a programme run from London."""
    from generator.match import match
    from generator.packs import pair_infos
    from generator.packs.planning import part_artefacts
    from generator.roster import read_roster

    project = write_tree(
        tmp_path / "project",
        {
            "program.yaml": """
                extends: default
                id: gulf
                title: Gulf pilot
                schedule:
                  start: 2027-03-02
                  cadence: weekly
                  weekday: tuesday
                  time: "10:00"
                  timezone: Europe/London
                events:
                  - {id: closing, title: Closing event, for: everyone, dates: [2027-06-10],
                     minutes: 60}
                """,
        },
    )
    roster = write_tree(
        tmp_path / "private",
        {
            "roster.csv": "id,name,email,role,department,timezone,availability,offers,wants\n"
            "rania,Rania Haddad,rania@example.org,mentor,IT,Asia/Dubai,tue 13:00-15:00,ai,\n"
            "omar,Omar Saleh,omar@example.org,mentee,ICU,Asia/Dubai,tue 13:00-15:00,,ai\n",
        },
    )
    renderer = renderer_for(project)
    (pair,) = match(read_roster(roster / "roster.csv"), renderer.project).pairs
    (info,) = pair_infos(renderer.project, [pair], renderer)
    assert "(Asia/Dubai)" in info.slot
    return " ".join(renderer.markdown(part_artefacts(renderer, info)[0]).split())


def test_a_pack_prints_every_time_on_the_pairs_own_clock(tmp_path: Path) -> None:
    """The pair reads its sessions, its onboarding sittings and the group events on one
    clock, its own: a time with no zone beside it is read as local."""
    cover = _gulf_cover(tmp_path)
    # London is at 10:00 in winter and 10:00 BST in June: 14:00 and 13:00 in Dubai.
    assert "- **23 Feb 2027, 14:00** · Pair kick-off: agreeing how we work (for both" in cover
    assert 'Thursday, 10 June 2027, <span class="time">13:00–14:00</span>' in cover
    assert "10:00" not in cover and "11:00" not in cover


def test_a_workshops_audience_reads_as_a_sentence(tmp_path: Path) -> None:
    cover = _gulf_cover(tmp_path)
    assert "(for every reverse mentor)" in cover
    assert "(for every leader)" in cover

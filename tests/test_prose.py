"""Prose that follows the programme: lengths, counts, cadence, role labels and the parts a
programme has, in every page and calendar (issue 16, item 3).

Three programmes modelled on published schemes are written the way a coordinator would
(`extends: default`, their own words), and every page and the calendar are read for the
built-in sentences that would contradict them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from icalendar import Calendar
from markupsafe import Markup

from generator import load_project
from generator.calendar import programme_calendar
from generator.lint import lint
from generator.placeholders import fill, in_sentence

from .conftest import problems_of, renderer_for, write_tree


def _topic(topic_id: str, title: str, minutes: int, sessions: list[str]) -> str:
    """A pair topic whose sessions last `minutes`, with a check-in, hands-on and next steps."""
    hands_on = minutes - 10
    parts = "\n".join(
        f"""
          - id: part-{n}
            title: {name}
            minutes: {minutes}
            objectives: [Try {name.lower()} with the mentor]
            agenda:
              - {{title: Check-in, minutes: 5, kind: check-in}}
              - {{title: Try it, minutes: {hands_on}, lead: mentee, kind: hands-on}}
              - {{title: Next steps, minutes: 5, kind: next-steps}}"""
        for n, name in enumerate(sessions, start=1)
    )
    return f"""
        id: {topic_id}
        title: {title}
        area: social-media
        summary: What the mentee can do afterwards.
        objectives: [Post with confidence]
        sessions:{parts}
        """


# An NHS region's scheme: six 45-minute sessions over six months, online or by phone;
# reverse mentors attend an induction and at least two of three group supervisions.
NHS = {
    "program.yaml": """
        id: nhs-reverse-mentoring
        title: NHS North West reverse mentoring
        extends: default
        roles: {mentor: Reverse mentor, mentee: Senior leader, coordinator: Programme lead}
        schedule:
          start: 2027-03-02
          cadence: monthly
          weekday: tuesday
          time: "10:00"
          timezone: Europe/London
          session_minutes: 45
          mode: online
          location: Teams, or by phone if the pair prefers
        onboarding: [mentor-training, pair-kick-off]
        tracks: !override
          - {id: voices, title: Patient and staff voices, topics: [voices-online, inclusive-teams]}
        events:
          - id: supervision
            title: Group supervision for reverse mentors
            for: mentors
            after_sessions: [2, 4, 6]
            minutes: 90
            mode: online
            attendance: at least 2 of 3
        checkpoints: !override
          - {after_session: 3, kind: check-in, title: Halfway call}
          - {at: end, kind: evaluation, title: Closing evaluation}
        """,
    "topics/voices-online.yaml": _topic(
        "voices-online",
        "Patient voices online",
        45,
        ["Where patients talk", "Reading a thread", "Answering in public"],
    ),
    "topics/inclusive-teams.yaml": _topic(
        "inclusive-teams",
        "Inclusive teams",
        45,
        ["Whose voice is missing", "Rota and rhythm", "What changes on Monday"],
    ),
}

# A civil-service mutual-mentoring scheme: six 30-minute monthly meetings, own labels and
# its own words for who does what.
CIVIL = {
    "program.yaml": """
        id: mutual-mentoring
        title: Department for Work and Pensions mutual mentoring scheme
        short_title: Mutual mentoring
        extends: default
        roles:
          mentor: Mutual mentor
          mentee: Mutual mentee
          who:
            mentor: A colleague in their first five years of service
            mentee: A member of the Senior Civil Service
          does:
            mentor: Leads the first half of every meeting, on the topic of the day
            mentee: Leads the second half, on how decisions are made at the top
        schedule:
          start: 2027-04-07
          cadence: monthly
          weekday: wednesday
          time: "08:30"
          timezone: Europe/London
          session_minutes: 30
        tracks: !override
          - {id: main, title: Working in the open, topics: [working-in-the-open]}
        checkpoints: !override
          - {after_session: 2, kind: check-in, title: Early check-in}
        """,
    "topics/working-in-the-open.yaml": _topic(
        "working-in-the-open",
        "Working in the open",
        30,
        ["Blogs", "Weeknotes", "Show and tell", "Open data", "Slack etiquette", "Looking back"],
    ),
}

# A health-and-care system's scheme: monthly 90-minute shadowing meetings, no certificate,
# no orientation for the directors, peer support for mentors and a graduation.
CARE = {
    "program.yaml": """
        id: care-shadowing
        title: Humber Health and Care Partnership reverse mentoring
        extends: default
        roles: {mentor: Reverse mentor, mentee: Director}
        schedule:
          start: 2027-02-03
          cadence: monthly
          weekday: wednesday
          time: "13:00"
          timezone: Europe/London
          session_minutes: 90
          mode: in-person
          location: At the director's place of work
        onboarding: [mentor-training]
        tracks: !override
          - {id: shadowing, title: Shadowing, topics: [shadowing]}
        events:
          - {id: peer-support, title: Peer support, for: mentors, after_sessions: [2, 4],
             minutes: 60}
          - {id: graduation, title: Graduation, for: everyone, dates: [2027-06-02], minutes: 120}
        checkpoints: !override
          - {after_session: 4, kind: check-in, title: Conversation with the partnership lead}
        recognition: {certificate: false}
        """,
    "topics/shadowing.yaml": _topic(
        "shadowing",
        "A day in the director's diary",
        90,
        ["The board", "The ward round", "The budget", "The community"],
    ),
}


# The default programme as an organisation adopts it with a few changes: its own label for
# the senior side, weekly sessions, no certificate and no orientation for the executives.
DEFAULT_CHANGED = {
    "program.yaml": """
        id: riverside
        title: Riverside Council reverse mentoring
        extends: default
        roles: {mentee: Executive}
        schedule:
          start: 2027-02-09
          cadence: weekly
          weekday: tuesday
          time: "15:00"
          timezone: Europe/London
          session_minutes: 60
        onboarding: [mentor-training, pair-kick-off]
        recognition: {certificate: false}
        """,
}


def _outputs(project: Path) -> tuple[dict[str, str], str]:
    """The Markdown of every page and print document, and the programme calendar."""
    renderer = renderer_for(project)
    with renderer.batch():
        pages = {a.page or a.key: renderer.markdown(a) for a in renderer.plan.artefacts}
    ics = programme_calendar(renderer.project, renderer.timeline, renderer.gettext)
    events = Calendar.from_ical(ics).walk("VEVENT")
    calendar = "\n".join(f"{e['SUMMARY']}\n{e['DESCRIPTION']}" for e in events)
    return pages, calendar


#: The format reference documents every key with examples, whatever the programme.
REFERENCE = "library/format.md"


def _nowhere(pages: dict[str, str], calendar: str, pattern: str) -> None:
    texts = {**pages, "calendar": calendar}
    found = [name for name, text in texts.items() if name != REFERENCE and re.search(pattern, text)]
    assert not found, f"{pattern!r} found in {found}"


@pytest.fixture(scope="module")
def schemes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, str], str]]:
    root = tmp_path_factory.mktemp("prose")
    return {
        name: _outputs(write_tree(root / name, files))
        for name, files in {
            "nhs": NHS,
            "civil": CIVIL,
            "care": CARE,
            "default-changed": DEFAULT_CHANGED,
        }.items()
    }


CONTRADICTIONS = [
    r"60-minute",
    r"60 minutes",
    r"Leader orientation",
    r"Reverse mentoring \d+/\d+",
    r"learns how to learn",
    r"is the agreement signed",
    r"fortnight|every two weeks",
    r"[Ss]ix months",
    r"\{[A-Za-z_]+\}",  # a placeholder left unfilled
]


#: Sentences the default programme used to carry whatever the programme said: the
#: checkpoints it may have removed, a celebration, a fixed notice, a peer circle beside
#: the programme's own group events, and parts the pairs may not have.
FIXED_SENTENCES = [
    r"Mid-programme survey \(question",
    r"Final evaluation \(question",
    r"[Cc]elebration",
    r"48 hours' notice",
    r"45-minute peer circle",
    r"Reverse mentoring runs both ways",
    r"Before onboarding",
    r"reverse of the usual arrangement",  # not so in a mutual scheme
]


@pytest.mark.parametrize("scheme", ["nhs", "civil", "care"])
def test_no_built_in_sentence_contradicts_the_programme(
    schemes: dict[str, tuple[dict[str, str], str]], scheme: str
) -> None:
    pages, calendar = schemes[scheme]
    for pattern in CONTRADICTIONS + FIXED_SENTENCES:
        _nowhere(pages, calendar, pattern)


def test_the_adopted_default_programme_follows_its_changes(
    schemes: dict[str, tuple[dict[str, str], str]],
) -> None:
    pages, calendar = schemes["default-changed"]
    for pattern in [*FIXED_SENTENCES, r"\{[A-Za-z_]+\}", r"every two weeks", r"[Cc]ertificate"]:
        _nowhere(pages, calendar, pattern)
    guide = pages["programme/index.md"]
    assert "| Pair sessions | 12, every week, 1 hour each |" in guide
    assert "A 60-minute session every week, with about 30 minutes' preparation for each |" in guide
    # the pair topics name the senior side by the programme's label, not "the leader"
    plans = {name: text for name, text in pages.items() if name.startswith("topics/")}
    assert plans
    for name, text in plans.items():
        assert not re.search(r"[Tt]he leader\b", text), name
    plan = pages["topics/short-form-video/how-the-feed-works.md"]
    assert "Hand over the device and ask the executive to run the scrolling exercise" in plan
    assert "The executive scrolls a short-video feed with intent" in plan
    # a prerequisite the programme removed is not named as coming first
    kick_off = pages["onboarding/pair-kick-off/index.md"]
    assert "Build on these topics first: *Reverse mentor training" in kick_off
    # nor anywhere in the kick-off's pages: no draft goals "from the orientation"
    kick_off_pages = [t for p, t in pages.items() if p.startswith("onboarding/pair-kick-off/")]
    assert len(kick_off_pages) > 1
    for text in kick_off_pages:
        assert "orientation" not in text.lower()
        assert "where we start" not in text.lower()


def test_goals_name_the_checkpoints_the_programme_has(
    schemes: dict[str, tuple[dict[str, str], str]],
) -> None:
    def measures(scheme: str) -> list[str]:
        guide = schemes[scheme][0]["programme/index.md"]
        rows = guide.split("| Goal | Starting point | Target | How it is measured |")[1]
        return [line.split(" | ")[3].removesuffix(" |") for line in rows.splitlines()[2:5]]

    assert measures("default-changed") == [
        "*Final evaluation*, questions 3 and 4. The executives rate their confidence again at "
        "the end, and the programme coordinator reports the change to the executive sponsor.",
        "*Agreement and early check-in*, question 4; *Mid-programme survey*, question 3. The "
        "next staff survey after the programme shows whether the change reaches beyond the "
        "pairs.",
        "*Final evaluation*, question 6. The same count of leadership-team papers, three "
        "months after the programme ends.",
    ]
    nhs = measures("nhs")
    assert nhs[0].startswith("*Closing evaluation*, questions 3 and 4. The senior leaders rate")
    assert nhs[1].startswith("*Halfway call*, question 4. The next staff survey")
    # no evaluation and no survey: the measure says only what the programme can do
    civil = measures("civil")
    assert civil[0].startswith("The mutual mentees rate their confidence again at the end")
    assert civil[1].startswith("*Early check-in*, question 4. The next staff survey")
    assert (
        civil[2]
        == "The same count of leadership-team papers, three months after the programme ends."
    )
    # the numbers are those printed on the forms
    form = schemes["nhs"][0]["programme/feedback/02-evaluation.md"]
    assert "**3. Name two things you can now do that you could not do before.**" in form
    assert (
        "**4. How confident are you in the topics you covered, compared with the start?**" in form
    )
    check_in = schemes["nhs"][0]["programme/feedback/01-check-in.md"]
    assert "**4. How comfortable are you being candid with each other?**" in check_in


def test_a_goal_question_the_forms_do_not_ask_is_reported(tmp_path: Path) -> None:
    project = write_tree(
        tmp_path,
        {
            "program.yaml": """
                id: pilot
                title: Pilot
                extends: default
                goals:
                  - goal: Leaders post in their own voice
                    questions: {survey: [candid, confidance]}
                """,
        },
    )
    assert problems_of(project) == [
        "program.yaml:6:34: goals[0].questions.survey[1]: the survey form has no question "
        "'confidance'; its questions are worth-time, on-topic, candid, actions, can-now-do, change",
    ]


def test_a_goal_naming_a_removed_checkpoint_is_a_lint_warning(tmp_path: Path) -> None:
    project = write_tree(
        tmp_path,
        {
            "program.yaml": """
                id: pilot
                title: Pilot
                extends: default
                goals:
                  - goal: Leaders post in their own voice
                    measure: Mid-programme survey, and the final evaluation
                checkpoints: !override
                  - {after_session: 3, kind: check-in, title: Halfway call}
                  - {at: end, kind: evaluation, title: Final evaluation and thanks}
                """,
        },
    )
    findings = [str(f) for f in lint(load_project(project), dt.date(2027, 1, 1))]
    assert findings == [
        "program.yaml:6:14: warning: goals[0].measure: it names the checkpoint "
        "'Mid-programme survey', which this programme does not have (its checkpoints are "
        "Halfway call, Final evaluation and thanks); name one of its own, or list the form "
        "questions under the goal's `questions` and the guide names the checkpoints for you",
    ]


def test_the_roles_own_words_replace_the_built_in_ones(
    schemes: dict[str, tuple[dict[str, str], str]],
) -> None:
    pages = schemes["civil"][0]
    assert (
        "-   **Mutual mentor**\n\n    Leads the first half of every meeting, on the topic of the "
        "day. Start with [your guide]" in pages["index.md"]
    )
    assert (
        "    Leads the second half, on how decisions are made at the top. [Your guide]"
        in (pages["index.md"])
    )
    guide = pages["guides/mentor.md"]
    assert (
        "- **Mutual mentor:** Leads the first half of every meeting, on the topic of the day."
        in guide
    )
    assert "You lead the session" not in guide
    # without words of its own, the built-in ones
    assert "You lead the sessions. Start with [your guide]" in schemes["nhs"][0]["index.md"]
    # the sponsor and the coordinator by the programme's labels
    nhs = schemes["nhs"][0]["programme/index.md"]
    assert (
        "| Sessions keep being moved or cancelled, or the pairing is not working | The programme lead |"
        in nhs
    )
    assert "brief the executive sponsor and check in" in nhs


def test_group_events_and_late_check_ins_say_what_they_are(
    schemes: dict[str, tuple[dict[str, str], str]],
) -> None:
    care = schemes["care"][0]
    guide = care["programme/index.md"]
    # an event without a place of its own is not held at the director's place of work
    assert '<p class="plan-meta">For everyone in the programme · 2 hours</p>' in guide
    assert "At the director's place of work" in guide  # where the pairs meet
    assert "For every reverse mentor · 1 hour · In person" not in guide
    form = care["programme/feedback/01-check-in.md"]
    assert "A short check on how your pairing is going." in form
    nhs_form = schemes["nhs"][0]["programme/feedback/01-check-in.md"]
    assert "A short check on how your pairing has started." in nhs_form


def test_lengths_counts_and_cadence_come_from_the_schedule(
    schemes: dict[str, tuple[dict[str, str], str]],
) -> None:
    for scheme, minutes in (("nhs", 45), ("civil", 30), ("care", 90)):
        pages, _ = schemes[scheme]
        handbook = pages["guides/trainer.md"]
        assert f"Plan a {minutes}-minute session from a topic module" in handbook
        assert f"Split the {minutes} minutes into timed blocks" in handbook
        assert "every month" in pages["index.md"]
    nhs, _ = schemes["nhs"]
    assert "6 pair sessions of 45 minutes, every month, in which" in nhs["index.md"]
    assert (
        "A 45-minute session every month, with about 30 minutes' preparation for each"
        in (nhs["programme/index.md"])
    )


def test_workshop_titles_texts_and_calendars_use_the_role_labels(
    schemes: dict[str, tuple[dict[str, str], str]],
) -> None:
    pages, calendar = schemes["civil"]
    handbook = pages["guides/trainer.md"]
    assert "## Mutual mentee orientation: learning from a junior colleague" in handbook
    assert "## Mutual mentor training: leading someone more senior" in handbook
    assert "Ask each mutual mentee for their name" in handbook
    assert "when the mutual mentee pulls rank" in handbook
    assert (
        "Mutual mentee orientation: learning from a junior colleague: Learning from a junior "
        "(for every mutual mentee)" in calendar
    )
    assert "Mutual mentoring 1/6: Blogs" in calendar
    assert "for the mutual mentor and the mutual mentee" in calendar
    care, care_calendar = schemes["care"]
    assert "send the director their preparation" not in care["guides/trainer.md"]  # no kick-off
    assert "a director pulls rank" in care["guides/trainer.md"]
    assert "Humber Health and Care Partnership reverse mentoring 1/4: The board" in care_calendar


def test_role_descriptions_follow_the_programme(
    schemes: dict[str, tuple[dict[str, str], str]],
) -> None:
    guide = schemes["civil"][0]["programme/index.md"]
    assert (
        "| Mutual mentor | A colleague in their first five years of service | Leads the first "
        "half of every meeting, on the topic of the day |" in guide
    )
    assert "| Mutual mentee | A member of the Senior Civil Service | Leads the second half" in guide
    nhs = schemes["nhs"][0]["programme/index.md"]
    assert "| Senior leader | The colleague in each pair who comes to learn" in nhs
    assert "thanks every reverse mentor at the end" in nhs


def test_parts_the_programme_does_not_have_are_not_named(
    schemes: dict[str, tuple[dict[str, str], str]],
) -> None:
    care, _ = schemes["care"]
    guide = care["programme/index.md"]
    assert "Before the pairs meet, each reverse mentor takes part in:" in guide
    assert "each director takes part in" not in guide
    assert "orientation" not in "\n".join(t for p, t in care.items() if p != REFERENCE).lower()
    assert "kick-off" not in guide
    for name, text in care.items():
        assert name == REFERENCE or "certificate" not in text.lower()
    # a checkpoint without a summary says what it is, and late check-ins are not "early"
    assert "A short conversation with each pair: are you meeting as planned" in guide
    assert "Early is the point" not in guide
    assert "Make sure every reverse mentor can come to the group events: Peer support" in guide
    nhs = schemes["nhs"][0]["programme/index.md"]
    assert "Early is the point: problems caught now can still be fixed." in nhs
    assert "Everyone who completes the programme receives a certificate." in nhs
    assert "Run the final evaluation" not in schemes["civil"][0]["programme/index.md"]


def test_an_unknown_placeholder_is_reported_where_it_is(tmp_path: Path) -> None:
    project = write_tree(
        tmp_path,
        {
            "program.yaml": """
                id: pilot
                title: Pilot
                extends: default
                summary: Six sessions for every {mentees}, and {{braces}} kept as they are.
                goals:
                  - Plan a {minutes}-minute session
                """,
        },
    )
    known = (
        "the placeholders are {mentor}, {mentee}, {coordinator}, {trainer}, {sponsor}, "
        "{line_manager}, {session_minutes}, {sessions}, {cadence}; write {{ and }} for a "
        "brace that is meant as it is"
    )
    assert problems_of(project) == [
        "program.yaml:4:10: {mentees} is not a placeholder mentorkit knows (did you mean "
        f"{{mentee}}?); {known}",
        "program.yaml:6:5: {minutes} is not a placeholder mentorkit knows (did you mean "
        f"{{session_minutes}}?); {known}",
    ]


def test_labels_read_well_inside_sentences(tmp_path: Path) -> None:
    assert in_sentence("Reverse Mentor") == "reverse mentor"
    assert in_sentence("NHS mentor") == "NHS mentor"
    project = write_tree(
        tmp_path,
        {
            "program.yaml": """
                id: pilot
                title: Pilot
                extends: default
                roles: {mentee: Executive}
                summary: A {mentee} learns from a {mentor} in a {session_minutes}-minute slot; {{mentee}}.
                schedule: {start: 2027-01-12, cadence: weekly, session_minutes: 60}
                """,
        },
    )
    renderer = renderer_for(project)
    assert renderer.project.programme.summary == (
        "An executive learns from a reverse mentor in a 60-minute slot; {mentee}."
    )
    # text without placeholders is left as it is, not copied
    topic = renderer.project.topics["short-form-video"]
    assert fill(renderer.project).topics["short-form-video"] is topic


def test_only_pair_sessions_take_the_pair_sessions_place(tmp_path: Path) -> None:
    """The programme's mode and place say where pairs meet: a workshop or a group event
    without a place of its own gets none, rather than the director's place of work."""
    renderer = renderer_for(write_tree(tmp_path / "care", CARE))
    ics = programme_calendar(renderer.project, renderer.timeline, renderer.gettext)
    events = Calendar.from_ical(ics).walk("VEVENT")
    places = {str(e["CATEGORIES"].cats[0]): e.get("LOCATION") for e in events}
    assert str(places["Pair session"]) == "In person · At the director's place of work"
    assert places["Onboarding"] is None and places["Group event"] is None


def test_labels_keep_their_capitals_in_the_pages(tmp_path: Path) -> None:
    files = dict(NHS)
    files["program.yaml"] = files["program.yaml"].replace(
        "mentor: Reverse mentor,", "mentor: NHS Reverse Mentor,"
    )
    pages, _calendar = _outputs(write_tree(tmp_path / "nhs", files))
    text = "\n".join(pages.values())
    assert "NHS reverse mentor" in text  # "| lower" in the templates keeps the capitals
    assert "nhs reverse mentor" not in text


def test_sentence_filters_keep_capitals_and_escaping(tmp_path: Path) -> None:
    renderer = renderer_for(write_tree(tmp_path / "nhs", NHS))
    template = renderer.markdown_env.from_string(
        "{{ label | lower }} / {{ sentence | capitalize }} / {{ marked | capitalize }}"
    )
    assert (
        template.render(
            label="NHS Reverse Mentor", sentence="for every NHS mentor", marked=Markup("a &amp; b")
        )
        == "NHS reverse mentor / For every NHS mentor / A &amp; b"
    )


def test_the_article_before_a_label_is_said_as_it_sounds(tmp_path: Path) -> None:
    for label, expected in (
        ("Executive", "An executive joins"),
        ("NHS leader", "An NHS leader joins"),
        ("BBC editor", "A BBC editor joins"),
        ("User", "A user joins"),
    ):
        project = write_tree(
            tmp_path / label.replace(" ", "-"),
            {
                "program.yaml": f"""
                    id: pilot
                    title: Pilot
                    extends: default
                    roles: {{mentee: {label}}}
                    summary: "A {{mentee}} joins."
                    schedule: {{start: 2027-01-12, cadence: weekly, session_minutes: 60}}
                    """,
            },
        )
        assert renderer_for(project).project.programme.summary == f"{expected}.", label


def test_the_agreement_says_where_the_pairs_meet_when_the_programme_does(
    schemes: dict[str, tuple[dict[str, str], str]],
) -> None:
    label = '<span class="field-label">Where (room or video link)</span>'
    care = schemes["care"][0]["programme/agreement.md"]
    assert f'{label}<span class="field-value">In person · At the director&#39;s place' in care
    # a programme that gives no place leaves the line for the pair to fill in
    default = schemes["default-changed"][0]["programme/agreement.md"]
    assert f'{label}<span class="field-line"></span>' in default

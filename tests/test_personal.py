"""Personal tracks: each pair's sessions chosen from a pool by offers and wants, explained,
overridable in pairs.csv, and followed by the pair's pack, calendar and certificates."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from pypdf import PdfReader

from generator import personal
from generator.build import BuildOptions, build, prepare
from generator.cli import cli
from generator.errors import InvalidProject
from generator.lint import lint
from generator.loader import load_project
from generator.model import Project
from generator.pairs import read_pairs
from generator.roster import Person, read_roster
from generator.schedule import timeline

from .conftest import FIXTURES, TreeBuilder, problems_of

PROJECT = FIXTURES / "own-track"
ROSTER = FIXTURES / "own-track-roster.csv"
HEADER = "pair_id,mentor_id,mentee_id,score,reasons,weekday,time,timezone,topics\n"


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(PROJECT)


@pytest.fixture(scope="module")
def people() -> dict[str, Person]:
    return read_roster(ROSTER).by_id()


def titles(project: Project, topic_id: str) -> list[str]:
    return [s.title for s in project.topics[topic_id].sessions]


# --- choosing ----------------------------------------------------------------------------


def test_each_pair_gets_what_the_mentor_offers_and_the_leader_wants(
    project: Project, people: dict[str, Person]
) -> None:
    amara, henrik = people["amara"], people["henrik"]
    chosen = personal.choose(project, amara, henrik)
    assert chosen is not None
    # Amara offers dashboards and Henrik wants them: both dashboard topics come first (the
    # one that needs the other after it); then Henrik's other wish fills the last session.
    assert chosen.column == (
        "data-dashboards dashboards-in-practice inclusive-language/noticing-the-words"
    )
    assert personal.reasons(chosen, amara, henrik) == (
        "Sessions 1–3, “Reading and questioning data dashboards”: Amara Okafor offers it and "
        "Henrik Johansson wants it",
        "Sessions 4–5, “Dashboards in practice”: Amara Okafor offers it and Henrik Johansson "
        "wants it",
        "Session 6, “Inclusive language in everyday leadership”: Henrik Johansson wants it "
        "(1 of its 3 sessions)",
    )
    ines, zeynep = people["ines"], people["zeynep"]
    other = personal.choose(project, zeynep, ines)
    assert other is not None
    assert other.column == "short-form-video generative-ai-assistants"
    assert personal.reasons(other, zeynep, ines)[1] == (
        "Sessions 4–6, “Generative AI assistants at work”: Inês Carvalho wants it"
    )
    # The same roster always gives the same sessions.
    assert personal.choose(project, amara, henrik) == chosen


def test_prerequisites_come_first_and_the_pool_fills_the_rest(
    project: Project, people: dict[str, Person]
) -> None:
    leader = Person(**{**people["kenji"].__dict__, "wants": ("dashboards-in-practice",)})
    mentor = Person(**{**people["dmitri"].__dict__, "offers": ()})
    chosen = personal.choose(project, mentor, leader)
    assert chosen is not None
    assert [c.topic.id for c in chosen.choices] == [
        "data-dashboards",
        "dashboards-in-practice",
        "generative-ai-assistants",
    ]
    assert personal.reasons(chosen, mentor, leader) == (
        "Sessions 1–3, “Reading and questioning data dashboards”: “Dashboards in practice” "
        "needs it first",
        "Sessions 4–5, “Dashboards in practice”: Kenji Watanabe wants it",
        "Session 6, “Generative AI assistants at work”: added from the pool to make the "
        "track's 6 sessions (1 of its 3 sessions)",
    )


def test_the_programme_timeline_runs_the_track_length(project: Project) -> None:
    line = timeline(project)
    assert len(line.sessions) == 6
    assert [c.after.number for c in line.checkpoints if c.after] == [3, 6]


# --- pairs.csv -------------------------------------------------------------------------------


def test_match_writes_each_pairs_sessions_and_the_build_reads_them_back(
    tmp_path: Path, project: Project, people: dict[str, Person]
) -> None:
    target = tmp_path / "pairs.csv"
    result = CliRunner().invoke(
        cli, ["match", str(ROSTER), "--project", str(PROJECT), "--out", str(target)]
    )
    assert result.exit_code == 0, result.output
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[0].endswith(",location,topics")
    written = {row.split(",")[0]: row.rsplit(",", 1)[1] for row in rows[1:]}
    assert written == {
        "amara--henrik": personal.choose(project, people["amara"], people["henrik"]).column,  # type: ignore[union-attr]
        "zeynep--ines": "short-form-video generative-ai-assistants",
        "dmitri--kenji": "generative-ai-assistants data-dashboards",
    }
    pairs = read_pairs(target, read_roster(ROSTER), project).pairs
    # Read back unchanged, the choice keeps its reasons: it is still the automatic one.
    first = pairs[0]
    chosen = personal.for_pair(project, first.mentor, first.mentee, first.topics)
    assert chosen is not None and chosen.choices[0].why == personal.BOTH


def test_every_mistake_in_the_topics_column_is_located(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        HEADER
        + ",amara,henrik,,,tuesday,14:00,Europe/Berlin,data-dashbords\n"
        + ",zeynep,ines,,,tuesday,14:00,Europe/Berlin,collaboration-suites; short-form-video\n"
        + ",dmitri,kenji,,,tuesday,14:00,Europe/Berlin,short-form-video/how-the-feed\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidProject) as caught:
        read_pairs(pairs, read_roster(ROSTER), load_project(PROJECT))
    assert [str(p) for p in caught.value.problems] == [
        "pairs.csv:2:9: topics: there is no topic or session 'data-dashbords' in the pool "
        "(did you mean 'data-dashboards'?)",
        "pairs.csv:3:9: topics: 'collaboration-suites' is not in the pool of this personal "
        "track; choose from data-dashboards, dashboards-in-practice, generative-ai-assistants, "
        "inclusive-language, short-form-video",
        "pairs.csv:4:9: topics: 'short-form-video' has no session 'how-the-feed' (did you mean "
        "'short-form-video/how-the-feed-works'?)",
    ]


def test_too_few_too_many_twice_and_out_of_order(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        HEADER
        + ",amara,henrik,,,tuesday,14:00,Europe/Berlin,data-dashboards\n"
        + ",zeynep,ines,,,tuesday,14:00,Europe/Berlin,short-form-video inclusive-language "
        "data-dashboards\n" + ",dmitri,kenji,,,tuesday,14:00,Europe/Berlin,dashboards-in-practice "
        "data-dashboards data-dashboards/finding-your-way-around\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidProject) as caught:
        read_pairs(pairs, read_roster(ROSTER), load_project(PROJECT))
    assert [str(p) for p in caught.value.problems] == [
        "pairs.csv:2:9: topics: 3 sessions chosen, but the track 'personal' has 6; add topics "
        "from the pool (a topic id counts all its sessions; `topic/session` counts one)",
        "pairs.csv:3:9: topics: 9 sessions chosen, but the track 'personal' has 6; take some "
        "out (a topic id counts all its sessions; `topic/session` counts one)",
        "pairs.csv:4:9: topics: 'data-dashboards/finding-your-way-around' is listed twice; "
        "list each session once",
    ]
    pairs.write_text(
        HEADER + ",dmitri,kenji,,,tuesday,14:00,Europe/Berlin,"
        "dashboards-in-practice;data-dashboards;generative-ai-assistants/first-real-tasks\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidProject) as caught:
        read_pairs(pairs, read_roster(ROSTER), load_project(PROJECT))
    assert [str(p) for p in caught.value.problems] == [
        "pairs.csv:2:9: topics: 'dashboards-in-practice' needs 'data-dashboards' first; put "
        "'data-dashboards' before it"
    ]


def test_a_topics_column_without_a_personal_track(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        HEADER + ",ops-grad,ceo,,,thursday,09:00,Europe/London,acme-dashboards\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidProject) as caught:
        read_pairs(pairs, read_roster(FIXTURES / "roster.csv"), load_project(FIXTURES / "acme"))
    assert [str(p) for p in caught.value.problems] == [
        "pairs.csv:2:9: topics: the programme has no personal track, so every pair runs the "
        "same sessions; leave this column empty"
    ]


# --- the build -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three pairs: two chosen from their offers and wants, one chosen by hand."""
    folder = tmp_path_factory.mktemp("own-track")
    pairs = folder / "pairs.csv"
    pairs.write_text(
        HEADER
        + ",amara,henrik,50,can teach dashboards,tuesday,14:00,Europe/Berlin,\n"
        + ",zeynep,ines,50,can teach video,tuesday,14:00,Europe/Berlin,"
        "inclusive-language short-form-video\n"
        + ",dmitri,kenji,50,can teach generative-ai,tuesday,14:00,Europe/Berlin,\n",
        encoding="utf-8",
    )
    out = folder / "dist"
    build(
        PROJECT,
        BuildOptions(out=out, workers=2, roster=ROSTER, pairs=pairs, only=frozenset({"calendar"})),
    )
    return out


def pack_text(out: Path, pair: str) -> tuple[list[str], list[str]]:
    reader = PdfReader(out / "pairs" / pair / f"{pair}.pdf")
    return [p.extract_text() for p in reader.pages], [o.title for o in reader.outline]


def test_packs_follow_each_pairs_own_sessions(packs: Path, project: Project) -> None:
    pages, outline = pack_text(packs, "amara--henrik")
    cover = pages[0]
    assert "Sessions 1–3, “Reading and questioning data dashboards”: Amara Okafor offers it" in (
        cover.replace("\n", " ")
    )
    plans = [f"{n}. {t}" for n, t in enumerate(titles(project, "data-dashboards"), 1)]
    plans += [f"{n}. {t}" for n, t in enumerate(titles(project, "dashboards-in-practice"), 1)]
    plans += [f"1. {titles(project, 'inclusive-language')[0]}"]
    assert outline == [
        "Your pair",
        "Mentoring agreement",
        "Our goals and ground rules",
        *plans,
        "After each session",
        "Early check-in",
        "Final evaluation",
    ]
    # Every plan page is the plan the outline names, in the pair's order.
    reader = PdfReader(packs / "pairs" / "amara--henrik" / "amara--henrik.pdf")
    for item, title in zip(reader.outline[3:9], plans, strict=True):
        page = reader.get_destination_page_number(item)
        assert title.split(". ", 1)[1] in pages[page].replace("\n", " ")
    _, other = pack_text(packs, "dmitri--kenji")
    assert other[3] == f"1. {titles(project, 'generative-ai-assistants')[0]}"
    assert other != outline


def test_a_choice_made_by_hand_is_honoured_and_said(packs: Path, project: Project) -> None:
    pages, outline = pack_text(packs, "zeynep--ines")
    cover = pages[0].replace("\n", " ")
    assert (
        "Sessions 1–3, “Inclusive language in everyday leadership”: chosen by hand in pairs.csv"
        in cover
    )
    assert outline[3:9] == [
        *(f"{n}. {t}" for n, t in enumerate(titles(project, "inclusive-language"), 1)),
        *(f"{n}. {t}" for n, t in enumerate(titles(project, "short-form-video"), 1)),
    ]
    written = (packs / "pairs" / "pairs.csv").read_text(encoding="utf-8").splitlines()
    assert written[2].endswith(",inclusive-language short-form-video")


def test_calendars_and_certificates_follow_the_pairs_sessions(
    packs: Path, project: Project
) -> None:
    ics = Calendar.from_ical((packs / "pairs" / "dmitri--kenji" / "dmitri--kenji.ics").read_bytes())
    summaries = [str(e["SUMMARY"]) for e in ics.walk("VEVENT")]
    expected = titles(project, "generative-ai-assistants") + titles(project, "data-dashboards")
    assert [
        s.split(": ", 1)[1]
        for s in summaries
        if re.match(r"Reverse Mentoring, Your Own Way \d+/\d+: ", s)
    ] == (expected)
    certificate = PdfReader(packs / "certificates" / "kenji.pdf").pages[0].extract_text()
    covered = certificate.replace("\n", " ")
    assert "Generative AI assistants at work · Reading and questioning data dashboards" in covered
    assert "Short-form video" not in covered


def test_the_site_shows_the_pool_and_no_person(project: Project) -> None:
    renderer = prepare(project)
    page = renderer.markdown(renderer.plan.by_key("track-personal"))
    assert "Every pair has 6 sessions in this track" in page
    for topic_id in project.programme.tracks[0].topics:
        assert f"({'../../topics/' + topic_id + '/index.md'})" in page
    names = [p.name for p in read_roster(ROSTER).people]
    for artefact in renderer.plan.artefacts:
        text = renderer.markdown(artefact)
        assert not any(name in text for name in names), artefact.key


# --- checks -------------------------------------------------------------------------------


def topic(topic_id: str, sessions: int = 1, prerequisites: str = "[]") -> str:
    parts = "".join(
        f"""
          - id: part-{n}
            title: Part {n}
            minutes: 60
            objectives: [Explain one thing]
            agenda:
              - {{title: Check-in, minutes: 5, kind: check-in}}
              - {{title: Try it, minutes: 45, lead: mentee, kind: hands-on}}
              - {{title: Next steps, minutes: 10, kind: next-steps}}"""
        for n in range(1, sessions + 1)
    )
    return textwrap.dedent(f"""
        id: {topic_id}
        title: Topic {topic_id}
        area: trends
        summary: Small but complete.
        prerequisites: {prerequisites}
        objectives: [Explain one thing]
        sessions:""") + textwrap.indent(textwrap.dedent(parts), "")


def test_a_pool_is_checked(tree: TreeBuilder) -> None:
    project = tree(
        {
            "program.yaml": """
                id: pools
                title: Pools
                schedule: {start: 2027-01-12, cadence: weekly, time: "15:00", timezone: Europe/London}
                tracks:
                  - {id: main, title: Main, topics: [field-notes]}
                  - id: own
                    title: Own
                    personal:
                      pool: [field-notes, mentor-training, data-dashbords, second-steps]
                      sessions: 9
                  - id: again
                    title: Again
                    personal: {pool: [first-steps], sessions: 1}
                """,
            "topics/field-notes.yaml": topic("field-notes"),
            "topics/first-steps.yaml": topic("first-steps", 2),
            "topics/second-steps.yaml": topic("second-steps", 2, "[first-steps]"),
        }
    )
    assert problems_of(project) == [
        "program.yaml:9:14: tracks['own'].personal.pool[0]: 'field-notes' is already in the "
        "track 'main'; a topic runs once in a programme",
        "program.yaml:9:27: tracks['own'].personal.pool[1]: 'mentor-training' is a workshop; "
        "a pool holds pair topics",
        "program.yaml:9:44: tracks['own'].personal.pool[2]: there is no topic or area "
        "'data-dashbords' (did you mean 'data-dashboards'?)",
        "program.yaml:9:60: tracks['own'].personal.pool[3]: 'second-steps' needs 'first-steps' "
        "first, which is neither in the pool nor in an earlier track; add it to the pool",
        "program.yaml:10:17: tracks['own'].personal.sessions: the pool holds 2 sessions, fewer "
        "than the 9 each pair runs; add topics to the pool, or lower `sessions`",
        "program.yaml:13:15: tracks['again'].personal: the track 'own' is already personal; a "
        "programme has one personal track (put all its topics in one pool)",
    ]


def test_a_track_has_topics_or_a_pool(tree: TreeBuilder) -> None:
    project = tree(
        {
            "program.yaml": """
                id: pools
                title: Pools
                tracks:
                  - {id: both, title: Both, topics: [field-notes], personal: {pool: [field-notes], sessions: 1}}
                  - {id: neither, title: Neither}
                """,
            "topics/field-notes.yaml": topic("field-notes"),
        }
    )
    assert problems_of(project) == [
        "program.yaml:4:5: tracks['both']: a personal track takes its topics from "
        "`personal.pool`; remove `topics` (or, when the track inherits them, write "
        "`topics: !reset []`), or remove `personal` to run the same topics for every pair",
        "program.yaml:5:5: tracks['neither']: give the track its `topics` (topic ids, in "
        "order), or make it personal with `personal: {pool: [...], sessions: 6}`",
    ]


def test_an_area_in_the_pool_and_lint_on_a_pool_without_choice(tree: TreeBuilder) -> None:
    project = tree(
        {
            "program.yaml": """
                id: pools
                title: Pools
                tracks:
                  - {id: main, title: Main, topics: [field-notes]}
                  - id: own
                    title: Own
                    personal: {pool: [trends], sessions: 24}
                """,
            "topics/field-notes.yaml": topic("field-notes"),
            "topics/first-steps.yaml": topic("first-steps", 2),
            "topics/second-steps.yaml": topic("second-steps", 2, "[first-steps]"),
        }
    )
    loaded = load_project(project)
    pool = loaded.programme.tracks[1].topics
    # Every pair topic of the area, but the one another track runs.
    assert "field-notes" not in pool and {"first-steps", "second-steps"} <= set(pool)
    assert sum(len(loaded.topics[t].sessions) for t in pool) == 24  # no choice left
    assert [str(f) for f in lint(loaded) if "personal" in str(f)] == [
        "program.yaml:7:22: warning: tracks['own'].personal.pool: the pool holds exactly the 24 "
        "sessions each pair runs, so every pair gets the same topics whatever they offer and "
        "want; add topics to the pool to give them a choice"
    ]
    chosen = personal.choose(loaded, None, None)
    assert chosen is not None
    order = [c.topic.id for c in chosen.choices]
    assert order.index("first-steps") < order.index("second-steps")

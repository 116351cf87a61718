"""Loading a project: every problem in words, with its place, all in one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import InvalidProject, UsageError
from generator.loader import key_path, load_project

from .conftest import MINIMAL_PROGRAMME, TINY_TOPIC, TreeBuilder, problems_of


def test_a_minimal_project_loads(tree: TreeBuilder) -> None:
    root = tree({"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": TINY_TOPIC})
    project = load_project(root)
    assert project.programme.id == "mini"
    assert [t.id for t in project.pair_topics] == ["tiny"]
    assert project.topic("tiny").sessions[0].agenda_minutes == 30


def test_key_paths_read_like_the_file() -> None:
    assert key_path(("sessions", 2, "agenda", 0, "minutes")) == "sessions[2].agenda[0].minutes"
    assert key_path(()) == ""


def test_all_problems_of_all_files_are_reported_at_once(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": """
                id: mini
                title: Mini
                organisation: {colors: {primary: red}}
                schedule: {start: 2027-01-12, cadence: daily, timezone: Mars/Olympus}
                tracks:
                  - {id: main, title: Main, topics: [tiny, nope]}
                """,
            "topics/tiny.yaml": """
                id: tiny
                title: Tiny
                area: digital-tools
                summary: S
                objectives: [Explain]
                sessions:
                  - id: only
                    title: Only
                    minutes: sixty
                    objectivs: [Explain]
                    agenda: [{title: a, minutes: 5}]
                """,
        }
    )
    assert problems_of(root) == [
        "program.yaml:3:34: organisation.colors.primary: `red` is not a colour: write it as "
        '#rrggbb, such as "#3f51b5" (in quotes)',
        "program.yaml:4:40: schedule.cadence: `daily` is not allowed here; use one of: "
        "weekly, fortnightly or monthly",
        "program.yaml:4:57: schedule.timezone: 'Mars/Olympus' is not a time zone name; use a "
        "name such as Europe/London or America/New_York",
        "program.yaml:6:44: tracks['main'].topics[1]: there is no topic 'nope'",
        "topics/tiny.yaml:7:5: sessions[0]: `objectives` is required",
        "topics/tiny.yaml:9:14: sessions[0].minutes: expected a whole number, got `sixty`",
        "topics/tiny.yaml:10:5: sessions[0]: unknown key `objectivs` (did you mean `objectives`?)",
    ]


CASES = {
    "missing required fields": (
        {"topics/tiny.yaml": "id: tiny\ntitle: Tiny\narea: dei\nsessions: []\n"},
        [
            "topics/tiny.yaml:1:1: `objectives` is required",
            "topics/tiny.yaml:1:1: `summary` is required",
            "topics/tiny.yaml:4:11: sessions: needs at least one item",
        ],
    ),
    "text expected, YAML gave a boolean": (
        {"topics/tiny.yaml": TINY_TOPIC.replace("title: A tiny topic", "title: no")},
        [
            "topics/tiny.yaml:2:8: title: expected text, but YAML read this as false "
            "(yes/no/on/off do that); put it in quotes"
        ],
    ),
    "text expected, got a number": (
        {"topics/tiny.yaml": TINY_TOPIC.replace("summary: Small but complete.", "summary: 42")},
        ["topics/tiny.yaml:4:10: summary: expected text, got the number 42; put it in quotes"],
    ),
    "list expected": (
        {
            "topics/tiny.yaml": TINY_TOPIC.replace(
                "objectives: [Explain one thing]\nsessions",
                "objectives: Explain one thing\nsessions",
            )
        },
        [
            "topics/tiny.yaml:5:13: objectives: expected a list: write each item on its own "
            "line, starting with `- `"
        ],
    ),
    "bad id": (
        {"topics/tiny.yaml": TINY_TOPIC.replace("id: only", "id: Only Session")},
        [
            "topics/tiny.yaml:7:9: sessions[0].id: `Only Session` is not a valid id: use "
            "lowercase letters, digits and single hyphens, such as short-form-video"
        ],
    ),
    "agenda does not add up": (
        {"topics/tiny.yaml": TINY_TOPIC.replace("minutes: 20, lead", "minutes: 15, lead")},
        [
            "topics/tiny.yaml:12:7: sessions[0].agenda: the agenda adds up to 25 minutes but "
            "the session lasts 30; make them match"
        ],
    ),
    "duplicate session ids": (
        {
            "topics/tiny.yaml": TINY_TOPIC + "  - id: only\n    title: Again\n    minutes: 5\n"
            "    objectives: [List]\n    agenda: [{title: a, minutes: 5}]\n"
        },
        [
            "topics/tiny.yaml:15:9: sessions[1].id: the session id 'only' is used twice in "
            "this topic (also sessions[0])"
        ],
    ),
    "unknown area": (
        {"topics/tiny.yaml": TINY_TOPIC.replace("area: digital-tools", "area: digital-toolz")},
        [
            "topics/tiny.yaml:3:7: area: 'digital-toolz' is not a known area (did you mean "
            "'digital-tools'?); use one of digital-tools, social-media, dei, trends, "
            "onboarding, or declare it under `areas` in the programme"
        ],
    ),
    "web links only": (
        {
            "topics/tiny.yaml": TINY_TOPIC.replace(
                "summary: Small but complete.",
                "summary: 'See [this](javascript:alert) and [that](../x.md)'",
            )
            + "resources:\n  - {title: Bad, url: ftp://example.org/x}\n"
        },
        [
            "topics/tiny.yaml:4:10: the link '../x.md' is not allowed: links must start with "
            "https://, http:// or mailto:",
            "topics/tiny.yaml:4:10: the link 'javascript:alert' is not allowed: links must "
            "start with https://, http:// or mailto:",
            "topics/tiny.yaml:16:23: resources[0].url: a link must start with https://, http:// "
            "or mailto:",
        ],
    ),
    "sources and handouts": (
        {
            "topics/tiny.yaml": TINY_TOPIC + "    handouts:\n"
            "      - {id: cards, title: Cards, kind: cards, items: [Posting on an awareness day]}\n"
            "      - {id: cards, title: More cards, kind: cards, items: [Crediting an idea]}\n"
            "      - {id: sheet, title: Sheet, kind: poster, items: []}\n"
            "sources:\n"
            "  - {id: ons, title: O, publisher: ONS, date: 2025-03-01, url: "
            "'https://www.ons.gov.uk/x', supports: S}\n"
            "  - {id: ons, title: O, date: 2025, url: 'https://www.ons.gov.uk/y', supports: S}\n"
            "  - {id: cipd, title: C, date: 'June 2024', url: 'https://www.cipd.org/x', "
            "supports: S}\n"
        },
        [
            "topics/tiny.yaml:17:14: sessions[0].handouts[1].id: the handout id 'cards' is "
            "used twice in this session (also handouts[0])",
            "topics/tiny.yaml:18:41: sessions[0].handouts[2].kind: `poster` is not allowed "
            "here; use one of: cards, worksheet, handout, checklist or evidence",
            "topics/tiny.yaml:18:56: sessions[0].handouts[2].items: needs at least one item",
            "topics/tiny.yaml:21:10: sources[1].id: the source id 'ons' is used twice in this "
            "topic (also sources[0])",
            "topics/tiny.yaml:22:32: sources[2].date: `June 2024` is not a publication date: "
            'write the year, the year and month or the whole date, such as "2024", "2024-06" '
            'or "2024-06-11"',
        ],
    ),
    "duplicate source and handout ids": (
        {
            "topics/tiny.yaml": TINY_TOPIC + "    handouts:\n"
            "      - {id: cards, title: Cards, kind: cards, items: [Posting on an awareness day]}\n"
            "      - {id: cards, title: More cards, kind: cards, items: [Crediting an idea]}\n"
            "sources:\n"
            "  - {id: ons, title: O, publisher: ONS, date: 2025-03-01, url: "
            "'https://www.ons.gov.uk/x', supports: S}\n"
            "  - {id: ons, title: O, date: 2025, url: 'https://www.ons.gov.uk/y', supports: S}\n"
        },
        [
            "topics/tiny.yaml:17:14: sessions[0].handouts[1].id: the handout id 'cards' is "
            "used twice in this session (also handouts[0])",
            "topics/tiny.yaml:20:10: sources[1].id: the source id 'ons' is used twice in this "
            "topic (also sources[0])",
        ],
    ),
    "unknown prerequisite": (
        {
            "topics/tiny.yaml": TINY_TOPIC.replace(
                "objectives: [Explain one thing]\nsessions",
                "prerequisites: [tinny]\nobjectives: [Explain one thing]\nsessions",
            )
        },
        [
            "topics/tiny.yaml:5:17: prerequisites[0]: there is no topic 'tinny' (did you mean 'tiny'?)"
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_topic_problems(tree: TreeBuilder, case: str) -> None:
    files, expected = CASES[case]
    root = tree({"program.yaml": MINIMAL_PROGRAMME, **files})
    assert problems_of(root) == expected


def topic(topic_id: str, prerequisites: str = "[]", **extra: str) -> str:
    lines = "\n".join(f"{k}: {v}" for k, v in extra.items())
    return (
        f"id: {topic_id}\ntitle: T {topic_id}\narea: trends\nsummary: S\n"
        f"prerequisites: {prerequisites}\nobjectives: [List]\n{lines}\n"
        "sessions:\n  - {id: s, title: S, minutes: 10, objectives: [List], "
        "agenda: [{title: a, minutes: 10}]}\n"
    )


def test_prerequisites_loop_is_reported_once(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME,
            "topics/tiny.yaml": TINY_TOPIC,
            "topics/a.yaml": topic("a", "[b]"),
            "topics/b.yaml": topic("b", "[c]"),
            "topics/c.yaml": topic("c", "[a]"),
        }
    )
    assert problems_of(root) == ["topics/a.yaml:5:17: prerequisites form a loop: a → b → c → a"]


PROGRAMME_CASES = {
    "workshop in a track": (
        "tracks:\n  - {id: main, title: Main, topics: [ws]}\n",
        [
            "program.yaml:4:38: tracks['main'].topics[0]: 'ws' is a workshop; list workshops under `onboarding`"
        ],
    ),
    "pair topic in onboarding": (
        "onboarding: [tiny]\ntracks:\n  - {id: main, title: Main, topics: [tiny]}\n",
        [
            "program.yaml:3:14: onboarding[0]: 'tiny' is a pair topic; onboarding lists "
            "workshops (topics with `format: workshop`)"
        ],
    ),
    "topic twice": (
        "tracks:\n  - {id: one, title: One, topics: [tiny]}\n  - {id: two, title: Two, topics: [tiny]}\n",
        [
            "program.yaml:5:36: tracks['two'].topics[0]: 'tiny' is already in the track 'one'; "
            "a topic runs once in a programme"
        ],
    ),
    "duplicate track ids": (
        "tracks:\n  - {id: one, title: One, topics: [tiny]}\n  - {id: one, title: Two, topics: [ws2]}\n",
        [
            "program.yaml:5:10: tracks[1].id: the track id 'one' is used twice",
            "program.yaml:5:36: tracks['one'].topics[0]: there is no topic 'ws2' (did you mean 'ws'?)",
        ],
    ),
    "checkpoint beyond the last session": (
        "tracks:\n  - {id: main, title: Main, topics: [tiny]}\n"
        "checkpoints:\n  - {after_session: 2, kind: survey, title: Survey}\n",
        [
            "program.yaml:6:21: checkpoints[0].after_session: the programme has 1 session, so "
            "this must be 1 or less"
        ],
    ),
    "checkpoints too early and too late, in one run": (
        "tracks:\n  - {id: main, title: Main, topics: [tiny]}\n"
        "checkpoints:\n  - {after_session: 0, kind: survey, title: Early}\n"
        "  - {after_session: 99, kind: survey, title: Late}\n"
        "events:\n  - {id: a, title: A, for: mentors, after_sessions: [0]}\n"
        "  - {id: b, title: B, for: mentors, after_sessions: [3]}\n",
        [
            "program.yaml:6:21: checkpoints[0].after_session: must be at least 1, got `0`",
            "program.yaml:7:21: checkpoints[1].after_session: the programme has 1 session, so "
            "this must be 1 or less",
            "program.yaml:9:54: events['a'].after_sessions[0]: must be at least 1, got `0`",
            "program.yaml:10:54: events['b'].after_sessions[0]: the programme has 1 pair session, "
            "so there is no session 3 to hold 'B' after; use a number from 1 to 1",
        ],
    ),
    "checkpoint needs a moment": (
        "checkpoints:\n  - {kind: survey, title: Survey}\n",
        ["program.yaml:4:5: checkpoints[0]: give either `after_session: N` or `at: end`"],
    ),
    "weekday contradicts the start date": (
        "schedule: {start: 2027-01-12, weekday: monday}\n",
        [
            "program.yaml:3:11: schedule: the start date 2027-01-12 is a Tuesday, but the "
            "weekday is monday; change one of them"
        ],
    ),
    "onboarding that runs into the pair sessions": (
        "onboarding: [ws]\n"
        "schedule: {start: 2027-03-02, onboarding_start: 2027-02-23, "
        "skip: [2027-02-23]}\n",
        [
            "program.yaml:4:49: schedule.onboarding_start: with one workshop part a week, "
            "onboarding runs until 2027-03-02, which is not before the first pair session "
            "(2027-03-02); start onboarding earlier, or leave `onboarding_start` out to have "
            "it placed in the weeks before"
        ],
    ),
    "public holidays of an unknown country or region": (
        "schedule:\n  start: 2027-01-12\n  holidays: {country: ZZ}\n",
        [
            "program.yaml:5:13: schedule.holidays: 'ZZ' is not a country the holidays calendar "
            "knows; use a two-letter code such as GB, FR or US"
        ],
    ),
    "public holidays of a region the country does not have": (
        "schedule:\n  start: 2027-01-12\n  holidays: {country: GB, subdivision: LDN}\n",
        [
            "program.yaml:5:13: schedule.holidays: 'LDN' is not a region of GB; use one of "
            "ENG, NIR, SCT, WLS, or leave `subdivision` out"
        ],
    ),
    "public holidays of a country without regions": (
        "schedule:\n  start: 2027-01-12\n  holidays: {country: IE, subdivision: DUB}\n",
        [
            "program.yaml:5:13: schedule.holidays: IE has no regions with holidays of their "
            "own; leave `subdivision` out"
        ],
    ),
    "public holidays of several regions, one of them invalid": (
        "schedule:\n  start: 2027-01-12\n  holidays:\n    - {country: CA, subdivision: QC}\n"
        "    - {country: ZZ}\n    - {country: ph}\n    - {country: GB, subdivision: LDN, "
        "extra: 1}\n",
        [
            "program.yaml:7:7: schedule.holidays[1]: 'ZZ' is not a country the holidays "
            "calendar knows; use a two-letter code such as GB, FR or US",
            "program.yaml:8:17: schedule.holidays[2].country: `ph` is not a country code: "
            "write its two capital letters, such as GB, FR or US",
            "program.yaml:9:7: schedule.holidays[3]: 'LDN' is not a region of GB; use one of "
            "ENG, NIR, SCT, WLS, or leave `subdivision` out",
            "program.yaml:9:39: schedule.holidays[3]: unknown key `extra`; the keys allowed "
            "here are country, subdivision",
        ],
    ),
    "a region of public holidays listed twice, beside an invalid one": (
        "schedule:\n  start: 2027-01-12\n  holidays:\n    - {country: CA, subdivision: QC}\n"
        "    - {contry: GB, subdivision: ENG}\n    - {country: CA, subdivision: QC}\n",
        [
            "program.yaml:7:7: schedule.holidays[1]: `country` is required",
            "program.yaml:7:8: schedule.holidays[1]: unknown key `contry` (did you mean "
            "`country`?)",
            "program.yaml:8:7: schedule.holidays[2]: the region {country: CA, subdivision: QC} "
            "is listed twice (also schedule.holidays[0]); list each region once",
        ],
    ),
    "a date that does not exist": (
        "schedule: {start: 2027-02-30}\n",
        [
            "program.yaml:3:19: schedule.start: `2027-02-30` is not a real date: write it as "
            "YYYY-MM-DD, such as 2027-01-12"
        ],
    ),
    "time of day": (
        "schedule: {start: 2027-01-12, time: '25:00'}\n",
        [
            "program.yaml:3:37: schedule.time: `25:00` is not a time of day: write it as HH:MM "
            'in quotes, such as "15:00"'
        ],
    ),
    "session that cannot shrink to the booked slot": (
        "schedule: {start: 2027-01-12, session_minutes: 15}\n"
        "tracks:\n  - {id: main, title: Main, topics: [tiny]}\n",
        [
            "topics/tiny.yaml:9:14: sessions[0].minutes: the programme books 15-minute "
            "sessions, and the session 'only' ('The only session') cannot be shortened to 15 "
            "minutes: its fixed steps and the "
            "shortest its other steps may be add up to 20 minutes, 5 too many; give more steps "
            "a lower `min_minutes`, or write a shorter version of the session in your project"
        ],
    ),
    "logo outside the project": (
        "organisation: {logo: ../secret.svg}\n",
        ["program.yaml:3:22: organisation.logo: the logo must be a file inside the project folder"],
    ),
    "logo missing": (
        "organisation: {logo: assets/logo.svg}\n",
        [
            "program.yaml:3:22: organisation.logo: there is no file 'assets/logo.svg' in the project folder"
        ],
    ),
    "logo not an image": (
        "organisation: {logo: topics/tiny.yaml}\n",
        [
            "program.yaml:3:22: organisation.logo: 'topics/tiny.yaml' is not an image; use an "
            "SVG, PNG, JPEG, GIF or WebP file"
        ],
    ),
    "unknown locale": (
        "locale: xx\n",
        ["program.yaml:3:9: locale: 'xx' is not a language code such as en, fr or de"],
    ),
    "unknown programme to extend": (
        "extends: defualt\n",
        [
            "program.yaml:3:10: extends: there is no built-in programme 'defualt' (did you mean "
            "'default'?); built-in programmes are "
        ],
    ),
}

WORKSHOP = topic("ws", format="workshop").replace("area: trends", "area: onboarding")


@pytest.mark.parametrize("case", sorted(PROGRAMME_CASES))
def test_programme_problems(tree: TreeBuilder, case: str) -> None:
    extra, expected = PROGRAMME_CASES[case]
    root = tree(
        {
            "program.yaml": "id: mini\ntitle: Mini\n" + extra,
            "topics/tiny.yaml": TINY_TOPIC,
            "topics/ws.yaml": WORKSHOP,
        }
    )
    found = problems_of(root)
    if case == "unknown programme to extend":
        assert len(found) == 1 and found[0].startswith(expected[0])
    else:
        assert found == expected


def test_missing_project_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file or folder"):
        load_project(tmp_path / "nowhere")


def test_folder_without_programme(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"this folder has no program\.yaml"):
        load_project(tmp_path)


def test_a_programme_that_is_a_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "a" / "program.yaml").mkdir(parents=True)
    (tmp_path / "b" / "programme.yaml").mkdir(parents=True)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "programme.yaml").write_text("id: c\n")
    said = []
    for project in ("a", "a/program.yaml", "b/programme.yaml", "c"):
        with pytest.raises(UsageError) as caught:
            load_project(tmp_path / project)
        said.append(str(caught.value).replace(str(tmp_path), "~"))
    assert said == [
        "~/a/program.yaml: is a folder, not a file; the programme is a file named program.yaml "
        "(mentorkit init makes one)",
        "~/a/program.yaml: is a folder, not a file; name the programme file itself, or the "
        "project folder that holds program.yaml",
        "~/b/programme.yaml: is a folder, not a file; name the programme file itself, or the "
        "project folder that holds program.yaml",
        "~/c: this folder has no program.yaml; it has programme.yaml: rename it program.yaml, "
        "or name it as the project",
    ]


def test_a_lone_programme_file_builds_on_the_library(tree: TreeBuilder) -> None:
    root = tree({"mine.yaml": "id: mine\ntitle: Mine\nextends: default\n"})
    project = load_project(root / "mine.yaml")
    assert project.programme.title == "Mine"
    assert project.programme.tracks  # inherited from the default programme


def test_invalid_project_lists_problems_in_its_message(tree: TreeBuilder) -> None:
    root = tree({"program.yaml": "id: Bad Id\ntitle: x\n"})
    with pytest.raises(InvalidProject) as caught:
        load_project(root)
    assert caught.value.lines() == [
        "program.yaml:1:5: id: `Bad Id` is not a valid id: use lowercase letters, digits and "
        "single hyphens, such as short-form-video"
    ]


# --- errors that say what to do (issue 16) --------------------------------------------------


def test_unquoted_colons_and_commas_say_to_quote(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME.replace(
                "tracks:\n  - {id: main, title: Main, topics: [tiny]}",
                "goals:\n  - Raise fluency\n  - Cut travel: by 10%\n"
                "tracks:\n  - {id: main, title: Main, summary: Room 4, venue and contact, "
                "topics: [tiny]}",
            ),
            "topics/tiny.yaml": TINY_TOPIC,
        }
    )
    assert problems_of(root) == [
        "program.yaml:6:5: goals[1]: `goal` is required; if `Cut travel: by 10%` is one text, "
        "YAML read it as a key and a value because of the `: `: put the whole text in quotes",
        "program.yaml:8:46: tracks['main']: unknown key `venue and contact`; the keys allowed here "
        "are id, personal, summary, title, topics; if this is part of a text, a comma inside `{...}` "
        "ended the text before it: put the whole text in quotes",
    ]


def test_no_knock_on_error_after_a_broken_track(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME.replace("title: Main,", "title: Main, colour: red,")
            + "checkpoints: [{after_session: 1, kind: check-in, title: Early}]\n",
            "topics/tiny.yaml": TINY_TOPIC,
        }
    )
    problems = problems_of(root)
    assert len(problems) == 1
    assert "unknown key `colour`" in problems[0]


def test_an_inherited_problem_says_where_it_came_from(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": """
                extends: default
                id: acme
                title: Acme
                tracks: !override
                  - {id: mine, title: Mine, topics: [short-form-video]}
                """
        }
    )
    problems = problems_of(root)
    assert problems[0].startswith("built-in:curriculum/default.yaml:")
    assert (
        problems[0]
        .split(":", 4)[4]
        .startswith(
            " checkpoints[1].after_session: the programme "
            "has 3 sessions, so this must be 3 or less (inherited from mentorkit's built-in "
            "library: change it from your own files, in program.yaml or a topic file with "
            "`extends:`, or leave it out with `!reset`)"
        )
    )


def test_a_programme_without_locale_takes_its_time_zones_country(tree: TreeBuilder) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME.replace("Europe/London", "Australia/Sydney"),
            "topics/tiny.yaml": TINY_TOPIC,
        }
    )
    project = load_project(root)
    assert project.programme.locale == "en-AU"
    assert project.notes == (
        "dates and times are written as in en-AU (from the time zone Australia/Sydney); set "
        "`locale` in the programme to choose another",
    )
    named = tree(
        {"program.yaml": MINIMAL_PROGRAMME + "locale: fr\n", "topics/tiny.yaml": TINY_TOPIC}
    )
    assert load_project(named).programme.locale == "fr"


# --- invalid items of a list: the others are still checked, with no follow-on ---------------

ITEMWISE_PROGRAMME = """
id: mini
title: Mini
schedule: {start: 2027-01-12, timezone: Europe/London, session_minutes: 30, skip: [2027-02-30]}
areas:
  - {id: finance, title: Finance}
  - {id: Data & AI, title: Data and AI}
  - {id: finance, title: Finance and budgets}
goals:
  - {goal: Leaders read their team's dashboard, questions: {evaluation: [confidance]}}
  - {goal: Fewer trips to London for meetings, target: ''}
onboarding: [ws, tiny, Welcome Session]
tracks:
  - {id: data, title: Data skills, topics: [tiny]}
  - {id: video, title: '', topics: [short-form-video]}
  - {id: data, title: Data in depth, topics: [tinny]}
checkpoints:
  - {after_session: 1, kind: pulse, title: Pulse survey}
  - {after_session: 4, kind: survey, title: Midpoint survey}
events:
  - {id: supervision, title: Group supervision, for: mentors, after_sessions: [2]}
  - {id: mixer, title: Networking mixer, for: leaders, dates: [2027-03-10]}
""".lstrip()


def test_valid_items_of_a_programmes_lists_are_checked_beside_invalid_ones(
    tree: TreeBuilder,
) -> None:
    """An area, a track, an onboarding topic that are invalid do not hide the problems of
    the others; what depends on them (the sessions a dropped track counts, the dates of a
    schedule with a date that is no date) says nothing."""
    root = tree(
        {
            "program.yaml": ITEMWISE_PROGRAMME,
            "topics/tiny.yaml": TINY_TOPIC,
            "topics/ws.yaml": WORKSHOP,
        }
    )
    assert problems_of(root) == [
        "program.yaml:3:84: schedule.skip[0]: `2027-02-30` is not a real date: write it as "
        "YYYY-MM-DD, such as 2027-01-12",
        "program.yaml:6:10: areas['Data & AI'].id: `Data & AI` is not a valid id: use "
        "lowercase letters, digits and single hyphens, such as short-form-video",
        "program.yaml:7:10: areas[2].id: the area 'finance' is declared twice",
        "program.yaml:9:74: goals[0].questions.evaluation[0]: the evaluation form has no "
        "question 'confidance' (did you mean 'confidence'?); its questions are worth-time, "
        "recommend, can-now-do, confidence, actions, differently, goal-1, goal-2, "
        "team-change, quote",
        "program.yaml:10:56: goals[1].target: must not be empty",
        "program.yaml:11:18: onboarding[1]: 'tiny' is a pair topic; onboarding lists "
        "workshops (topics with `format: workshop`)",
        "program.yaml:11:24: onboarding[2]: `Welcome Session` is not a valid id: use "
        "lowercase letters, digits and single hyphens, such as short-form-video",
        "program.yaml:14:24: tracks['video'].title: must not be empty",
        "program.yaml:15:10: tracks[2].id: the track id 'data' is used twice",
        "program.yaml:15:47: tracks['data'].topics[0]: there is no topic 'tinny' (did you "
        "mean 'tiny'?)",
        "program.yaml:17:30: checkpoints[0].kind: `pulse` is not allowed here; use one of: "
        "check-in, survey or evaluation",
        "program.yaml:21:47: events['mixer'].for: `leaders` is not allowed here; use one of: "
        "mentors, mentees or everyone",
    ]


ITEMWISE_TOPIC = """
id: tiny
title: Reading a dashboard
area: digital-tools
summary: Read a team dashboard and act on it.
objectives: [Read the three headline numbers, '']
sessions:
  - id: first-look
    title: A first look
    minutes: 30
    objectives: [Name the three headline numbers]
    agenda:
      - {title: Check-in, minutes: 5, kind: check-in}
      - {title: Explore the dashboard, minutes: twenty, kind: hands-on}
      - {title: Next steps, minutes: 5, kind: next-steps}
  - id: filters
    title: Filters and segments
    minutes: 30
    objectives: [Filter the dashboard by team]
    agenda:
      - {title: Check-in, minutes: 5, kind: check-in}
      - {title: Try the filters, minutes: 20, kind: hands-on}
  - id: first-look
    title: Sharing a view
    minutes: 30
    objectives: [Share a saved view with the team]
    agenda: [{title: Share it, minutes: 30, lead: manager}]
resources:
  - {title: Dashboard guide, url: www.example.org/dashboards}
  - {title: Video walkthrough, url: 'https://example.org/walkthrough', kind: podcast}
glossary:
  - {term: KPI, definition: A key performance indicator}
  - {term: Segment}
""".lstrip()


def test_valid_items_of_a_topics_lists_are_checked_beside_invalid_ones(
    tree: TreeBuilder,
) -> None:
    """The second session's agenda and the third's id are checked though the first
    session's agenda has a step of `twenty` minutes, whose sum is not (it would follow
    from that one problem); the topic counts for nothing the programme checks."""
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME
            + "checkpoints: [{after_session: 9, kind: survey, title: Survey}]\n",
            "topics/tiny.yaml": ITEMWISE_TOPIC,
        }
    )
    assert problems_of(root) == [
        "topics/tiny.yaml:5:47: objectives[1]: must not be empty",
        "topics/tiny.yaml:13:49: sessions[0].agenda[1].minutes: expected a whole number, "
        "got `twenty`",
        "topics/tiny.yaml:20:7: sessions[1].agenda: the agenda adds up to 25 minutes but the "
        "session lasts 30; make them match",
        "topics/tiny.yaml:22:9: sessions[2].id: the session id 'first-look' is used twice in "
        "this topic (also sessions[0])",
        "topics/tiny.yaml:26:51: sessions[2].agenda[0].lead: `manager` is not allowed here; "
        "use one of: mentor, mentee, both or trainer",
        "topics/tiny.yaml:28:35: resources[0].url: a link must start with https://, http:// "
        "or mailto:",
        "topics/tiny.yaml:29:78: resources[1].kind: `podcast` is not allowed here; use one "
        "of: article, video, guide, tool or course",
        "topics/tiny.yaml:32:5: glossary[1]: `definition` is required",
    ]


def test_a_topic_invalid_only_in_its_resources_still_counts_its_sessions(
    tree: TreeBuilder,
) -> None:
    root = tree(
        {
            "program.yaml": MINIMAL_PROGRAMME
            + "checkpoints: [{after_session: 3, kind: survey, title: Survey}]\n",
            "topics/tiny.yaml": TINY_TOPIC
            + "resources:\n  - {title: Dashboard guide, url: www.example.org/dashboards}\n",
        }
    )
    assert problems_of(root) == [
        "program.yaml:6:31: checkpoints[0].after_session: the programme has 1 session, so "
        "this must be 1 or less",
        "topics/tiny.yaml:16:35: resources[0].url: a link must start with https://, http:// "
        "or mailto:",
    ]


# --- whole-item rules and the schedule's checks beside invalid fields ----------------------


def test_a_rule_on_a_whole_item_is_reported_beside_the_items_field_errors(
    tree: TreeBuilder,
) -> None:
    """Pydantic skips an item's rules when one of its fields is invalid; they come in the
    same run, at the item, unless a field they read is invalid or may be misspelt. An
    item that breaks a rule keeps its other fields for the checks (the track id used
    twice)."""
    root = tree(
        {
            "program.yaml": """
                id: mini
                title: Mini
                schedule: {start: 2027-01-12, weekday: monday, time: '25:00'}
                tracks:
                  - {id: main, title: Main, topics: [tiny]}
                  - {id: Second Track, title: Second}
                  - {id: own, title: Own, personal: {pool: [tiny], sessions: 0}}
                  - {id: main, title: Again}
                checkpoints:
                  - {kind: pulse, title: Pulse}
                  - {kind: survey, title: Survey, after_sesion: 2}
                  - {kind: survey, title: Late, after_session: 0}
                events:
                  - {id: sup, title: Supervision, after_sessions: [1], dates: [2027-03-01], minutes: 900}
                """,
            "topics/tiny.yaml": TINY_TOPIC,
        }
    )
    assert problems_of(root) == [
        "program.yaml:3:11: schedule: the start date 2027-01-12 is a Tuesday, but the "
        "weekday is monday; change one of them",
        "program.yaml:3:54: schedule.time: `25:00` is not a time of day: write it as HH:MM "
        'in quotes, such as "15:00"',
        "program.yaml:6:5: tracks['Second Track']: give the track its `topics` (topic ids, "
        "in order), or make it personal with `personal: {pool: [...], sessions: 6}`",
        "program.yaml:6:10: tracks['Second Track'].id: `Second Track` is not a valid id: use "
        "lowercase letters, digits and single hyphens, such as short-form-video",
        "program.yaml:7:62: tracks['own'].personal.sessions: must be at least 1, got `0`",
        "program.yaml:8:5: tracks['main']: give the track its `topics` (topic ids, in "
        "order), or make it personal with `personal: {pool: [...], sessions: 6}`",
        "program.yaml:8:10: tracks[3].id: the track id 'main' is used twice",
        "program.yaml:10:5: checkpoints[0]: give either `after_session: N` or `at: end`",
        "program.yaml:10:12: checkpoints[0].kind: `pulse` is not allowed here; use one of: "
        "check-in, survey or evaluation",
        "program.yaml:11:35: checkpoints[1]: unknown key `after_sesion` (did you mean "
        "`after_session`?)",
        "program.yaml:12:48: checkpoints[2].after_session: must be at least 1, got `0`",
        "program.yaml:14:5: events['sup']: give `after_sessions` or `dates`, not both: an "
        "event follows pair sessions, or falls on dates of its own",
        "program.yaml:14:86: events['sup'].minutes: must be at most 600, got `900`",
    ]


def test_every_rule_on_a_whole_item_says_which_fields_it_reads() -> None:
    """`salvage` runs a rule only when the fields it names are valid: a rule left out of
    `RULES` would be reported one run late again. The rules are read from the source,
    every method decorated with `model_validator`."""
    import ast
    import inspect

    from generator import model

    found: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(inspect.getsource(model))):
        if isinstance(node, ast.ClassDef):
            found[node.name] = {
                f.name
                for f in node.body
                if isinstance(f, ast.FunctionDef)
                and any("model_validator" in ast.unparse(d) for d in f.decorator_list)
            }
    assert sum(len(rules) for rules in found.values()) >= 6
    for cls in vars(model).values():
        if isinstance(cls, type) and issubclass(cls, model.Model) and cls.__name__ in found:
            assert set(cls.RULES) == found[cls.__name__], cls.__name__
            for reads in cls.RULES.values():
                assert set(reads) <= set(cls.model_fields), cls.__name__


def test_the_schedules_valid_fields_are_checked_beside_an_invalid_one(
    tree: TreeBuilder,
) -> None:
    """A time that is no time of day leaves the dates to check; a `skip` date that is no
    date leaves the checks that do not count closed days."""
    programme = """
        id: mini
        title: Mini
        schedule: {start: 2027-01-12, time: '25:00', onboarding_start: 2027-01-20}
        tracks:
          - {id: main, title: Main, topics: [tiny]}
        events:
          - {id: mixer, title: Mixer, dates: [2026-01-01]}
        """
    root = tree({"program.yaml": programme, "topics/tiny.yaml": TINY_TOPIC})
    assert problems_of(root) == [
        "program.yaml:3:37: schedule.time: `25:00` is not a time of day: write it as HH:MM "
        'in quotes, such as "15:00"',
        "program.yaml:3:64: schedule.onboarding_start: onboarding must start before the "
        "first pair session (2027-01-12)",
        "program.yaml:7:39: events['mixer'].dates[0]: 2026-01-01 is outside the programme; "
        "an event may fall from 2027-01-12 (the first workshop or pair session) to "
        "2027-02-12 (a month after the last pair session): choose a date between them",
    ]
    skipping = tree(
        {
            "program.yaml": programme.replace("time: '25:00'", "skip: [2027-02-30]"),
            "topics/tiny.yaml": TINY_TOPIC,
        }
    )
    assert problems_of(skipping) == [
        "program.yaml:3:38: schedule.skip[0]: `2027-02-30` is not a real date: write it as "
        "YYYY-MM-DD, such as 2027-01-12",
        "program.yaml:3:69: schedule.onboarding_start: onboarding must start before the "
        "first pair session (2027-01-12)",
    ]

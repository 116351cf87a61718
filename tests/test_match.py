"""Matching: hard rules never broken, the best total fit, the same answer every time."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli
from generator.loader import load_project
from generator.match import match
from generator.pairs import write_pairs
from generator.roster import read_roster

from .conftest import ACME, FIXTURES

ROSTER = FIXTURES / "roster.csv"
HEADER = "id,name,email,role,department,manager_id,timezone,availability,offers,wants\n"


def roster_of(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_the_optimal_assignment_pairs_everyone_a_greedy_pass_would_not() -> None:
    # A greedy pass would give ops-grad (the only mentor free for two leaders) to whichever
    # leader came first; only one choice lets mkt-exec teach the CFO as well.
    result = match(read_roster(ROSTER))
    assert [(p.mentor.id, p.mentee.id) for p in result.pairs] == [
        ("ops-grad", "ceo"),
        ("mkt-exec", "cfo"),
        ("fin-analyst", "cmo"),
    ]
    assert [u.person.id for u in result.unmatched] == ["hr-lead"]


def test_hard_rules_hold_for_every_pair() -> None:
    roster = read_roster(ROSTER)
    people = roster.by_id()
    for pair in match(roster).pairs:
        assert pair.mentor.department != pair.mentee.department
        chain, current = set(), people[pair.mentee.id].manager_id
        while current:
            chain.add(current)
            current = people[current].manager_id
        assert pair.mentor.id not in chain
        mentor_chain, current = set(), people[pair.mentor.id].manager_id
        while current:
            mentor_chain.add(current)
            current = people[current].manager_id
        assert pair.mentee.id not in mentor_chain


def test_time_zones_are_converted_for_the_first_common_slot() -> None:
    pairs = {p.mentee.id: p for p in match(read_roster(ROSTER)).pairs}
    # ops-grad is free 04:00-06:00 in New York on Thursdays: 09:00 in London.
    assert (pairs["ceo"].weekday, pairs["ceo"].time) == ("thursday", "09:00")
    # fin-analyst's Wednesday 13:00 in London is 14:00 in Berlin, the CMO's time zone.
    assert (pairs["cmo"].weekday, pairs["cmo"].time) == ("wednesday", "14:00")


def test_reasons_and_scores_are_written_for_people() -> None:
    pair = next(p for p in match(read_roster(ROSTER)).pairs if p.mentee.id == "ceo")
    assert pair.score == 50
    assert pair.reasons == (
        "can teach ai (1 of 2 wishes)",
        "different departments (Operations and Executive)",
        "outside each other's reporting line",
        "both free on Thursday at 09:00 (Europe/London)",
    )


def test_reasons_are_in_the_programme_language(tmp_path: Path) -> None:
    """They are printed on the pair's own pack, so they speak the programme's language."""
    project = tmp_path / "acme"
    shutil.copytree(ACME, project)
    text = (project / "program.yaml").read_text(encoding="utf-8")
    (project / "program.yaml").write_text(text.replace("locale: en", "locale: fr"))
    result = match(read_roster(ROSTER), load_project(project))
    pair = next(p for p in result.pairs if p.mentee.id == "ceo")
    assert pair.reasons == (
        "peut enseigner ai (souhaits couverts : 1 sur 2)",
        "services différents (Operations et Executive)",
        "hors de la ligne hiérarchique l'un de l'autre",
        "tous deux libres le jeudi à 09:00 (Europe/London)",
    )


def test_unmatched_people_are_told_why(tmp_path: Path) -> None:
    result = match(read_roster(ROSTER))
    (unmatched,) = result.unmatched
    assert unmatched.reason == (
        "no mentor from another department and outside their reporting line is free at the "
        "same time for a whole session (3 checked, time zones converted)"
    )
    rows = (
        "m1,M,m@example.org,mentor,Sales,,UTC,mon 09:00-12:00,x,\n"
        "e1,E,e@example.org,mentee,Ops,,UTC,mon 09:00-12:00,,x\n"
        "e2,F,f@example.org,mentee,Ops,,UTC,mon 09:00-12:00,,y\n"
        "e3,G,g@example.org,mentee,Sales,,UTC,mon 09:00-12:00,,x\n"
    )
    reasons = {
        u.person.id: u.reason for u in match(read_roster(roster_of(tmp_path, rows))).unmatched
    }
    assert reasons == {
        "e2": "the mentor who could be paired with them is in another pair: there are more "
        "mentees than mentors can take",
        "e3": "every mentor works in the same department (Sales)",
    }


def test_tags_of_the_library_match_topic_ids(tmp_path: Path) -> None:
    rows = (
        "m1,M,m@example.org,mentor,Sales,,UTC,mon 09:00-12:00,acme-dashboards,\n"
        "e1,E,e@example.org,mentee,Ops,,UTC,mon 09:00-12:00,,dashboards\n"
    )
    roster = read_roster(roster_of(tmp_path, rows))
    without = match(roster)
    with_library = match(roster, load_project(ACME))
    assert without.pairs[0].score == 0
    assert with_library.pairs[0].score == 100  # acme-dashboards is tagged `dashboards`


def test_the_same_roster_always_gives_the_same_pairs(tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    second = tmp_path / "b.csv"
    write_pairs(match(read_roster(ROSTER)).pairs, first)
    write_pairs(match(read_roster(ROSTER)).pairs, second)
    assert first.read_bytes() == second.read_bytes()
    with first.open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "pair_id",
        "mentor_id",
        "mentee_id",
        "score",
        "reasons",
        "weekday",
        "time",
        "timezone",
        "changes",
    ]
    assert rows[0]["pair_id"] == "ops-grad--ceo"


def test_match_command(tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    result = CliRunner().invoke(
        cli, ["match", str(ROSTER), "--project", str(ACME), "--out", str(out)]
    )
    assert result.exit_code == 0
    assert "3 pairs, 1 not paired" in result.stdout
    assert "not paired: Kim Lee (mentee)" in result.stderr
    assert out.is_file()


def test_match_command_reports_a_bad_roster(tmp_path: Path) -> None:
    path = roster_of(tmp_path, "m1,M,m@example.org,mentee,Sales,,UTC,mon 09:00-12:00,,\n")
    result = CliRunner().invoke(cli, ["match", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "roster.csv:2:10: wants: a mentee needs at least one topic or tag to learn"
    )

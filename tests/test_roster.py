"""Reading a roster: every problem of every row at once, with its row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import roster as roster_module
from generator.errors import InvalidProject, UsageError
from generator.roster import Slot, read_roster

from .conftest import FIXTURES

HEADER = "id,name,email,role,department,manager_id,timezone,availability,offers,wants\n"


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidProject) as caught:
        read_roster(path)
    return caught.value.lines()


def test_the_fixture_roster_reads() -> None:
    roster = read_roster(FIXTURES / "roster.csv")
    assert [p.id for p in roster.mentors] == ["fin-analyst", "mkt-exec", "ops-grad"]
    ceo = roster.by_id()["ceo"]
    assert ceo.availability == (Slot(1, 15 * 60, 17 * 60), Slot(3, 9 * 60, 11 * 60))
    assert ceo.wants == ("video", "ai")
    assert str(ceo.availability[0]) == "tue 15:00-17:00"


def test_every_bad_cell_is_reported_with_row_and_column(tmp_path: Path) -> None:
    text = HEADER + (
        "a,Ann,ann@example.org,boss,Sales,,Europe/London,tue 15:00-17:00,,x\n"
        "b,Bob,not-an-email,mentor,Sales,zed,Mars/Base,tue 17:00-15:00;xyz 10:00-11:00,,\n"
        "a,Ann again,ann2@example.org,mentee,Sales,,Europe/London,mon 09:00-10:00,,y\n"
        "C D,,c@example.org,mentee,,,UTC,mon 9-10,,z\n"
        + "e" * 81
        + ",Eve,e@example.org,mentee,Legal,,UTC,mon 09:00-10:00,,z\n"
    )
    assert problems(tmp_path, text) == [
        "roster.csv:2:4: role: 'boss' must be mentor, mentee or both",
        "roster.csv:3:3: email: 'not-an-email' is not an email address",
        "roster.csv:3:7: timezone: 'Mars/Base' is not a time zone name such as Europe/London",
        "roster.csv:3:8: availability: 'tue 17:00-15:00' ends before it starts",
        "roster.csv:3:8: availability: 'xyz' is not a day: use mon, tue, wed, thu, fri, sat or sun",
        "roster.csv:3:9: offers: a mentor needs at least one topic or tag to offer",
        "roster.csv:4:1: the id 'a' is already used on row 2",
        "roster.csv:5:1: id: 'C D' must be lowercase letters, digits and single hyphens",
        "roster.csv:5:2: name: this cell is empty",
        "roster.csv:5:5: department: this cell is empty",
        "roster.csv:5:8: availability: 'mon 9-10' is not a slot such as 'tue 15:00-17:00'",
        "roster.csv:6:1: id: 'eeeeeeeeeeeeeeeeeeee'... is 81 characters long; an id names a "
        "pack and a certificate file, at most 80 characters",
    ]


def test_unknown_managers_and_circles(tmp_path: Path) -> None:
    text = HEADER + (
        "a,Ann,a@example.org,mentee,Sales,b,UTC,mon 09:00-10:00,,x\n"
        "b,Bob,b@example.org,mentee,Sales,a,UTC,mon 09:00-10:00,,x\n"
        "c,Cat,c@example.org,mentor,Ops,zed,UTC,mon 09:00-10:00,x,\n"
    )
    assert problems(tmp_path, text) == [
        "roster.csv:2:6: manager_id: the reporting line goes round in a circle: a → b → a",
        "roster.csv:4:6: manager_id: there is no one with the id 'zed' in the roster",
    ]


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    assert problems(tmp_path, "id,name,role,colour\n") == [
        "roster.csv:1:4: unknown column `colour`; the columns are id, name, email, role, "
        "department, timezone, availability, manager_id, capacity, offers, wants, holidays",
        "roster.csv:1:5: the column `availability` is missing from the header row",
        "roster.csv:1:5: the column `department` is missing from the header row",
        "roster.csv:1:5: the column `email` is missing from the header row",
        "roster.csv:1:5: the column `timezone` is missing from the header row",
    ]


def test_not_utf8_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(HEADER.encode() + "a,Ren\xe9e".encode("latin-1"))
    with pytest.raises(InvalidProject) as caught:
        read_roster(path)
    assert caught.value.lines() == [
        "roster.csv:2:6: the roster is not UTF-8 text (byte 0xe9); export it as CSV UTF-8"
    ]
    with pytest.raises(UsageError, match="no such roster file"):
        read_roster(tmp_path / "nope.csv")


def test_roles_both_and_capacity(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(
        "id,name,email,role,capacity,department,timezone,availability,offers,wants\n"
        "zara,Zara Ahmed,zara@example.org,mentor,3,Data,UTC,mon 09:00-17:00,ai,\n"
        "lu,Lu Wei,lu@example.org,both,,Sales,UTC,mon 09:07-10:53,video,ai\n"
        "ola,Ola Nordmann,ola@example.org,mentee,,Legal,UTC,mon 09:00-17:00,,video\n",
        encoding="utf-8",
    )
    roster = read_roster(path)
    assert [p.id for p in roster.mentors] == ["zara", "lu"]
    assert [p.id for p in roster.mentees] == ["lu", "ola"]
    people = roster.by_id()
    assert (people["zara"].capacity, people["lu"].capacity, people["ola"].capacity) == (3, 1, 1)
    assert people["lu"].availability == (Slot(0, 9 * 60 + 7, 10 * 60 + 53),)


def test_bad_roles_capacities_and_cells_too_long(tmp_path: Path) -> None:
    text = (
        "id,name,email,role,capacity,department,timezone,availability,offers,wants\n"
        "zara,Zara Ahmed,zara@example.org,mentor,0,Data,UTC,mon 09:00-17:00,ai,\n"
        "lu,Lu Wei,lu@example.org,both,two,Sales,UTC,mon 09:00-17:00,,\n"
        "ola,Ola Nordmann,ola@example.org,mentee,2,Legal,UTC,mon 09:00-17:00,,video\n"
        f"eva,{'Eva ' * 300},eva@example.org,mentee,,Legal,UTC,mon 09:00-17:00,,video\n"
    )
    assert problems(tmp_path, text) == [
        "roster.csv:2:5: capacity: '0' must be a whole number from 1 to 20 (how many leaders "
        "this mentor takes)",
        "roster.csv:3:5: capacity: 'two' must be a whole number from 1 to 20 (how many leaders "
        "this mentor takes)",
        "roster.csv:3:9: offers: a mentor needs at least one topic or tag to offer",
        "roster.csv:3:10: wants: a mentee needs at least one topic or tag to learn",
        "roster.csv:4:5: capacity: a mentee has one mentor; leave the cell empty, or make the "
        "role mentor or both",
        "roster.csv:5:2: name: the cell is 1,200 characters long; a cell holds at most 1,000",
    ]


def test_a_row_that_is_not_csv_and_a_roster_too_big(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = HEADER + 'a,"Ann,a@example.org,mentee,Sales,,UTC,mon 09:00-10:00,,x\n' + "x" * 140_000
    assert problems(tmp_path, text) == [
        "roster.csv:2:1: this row cannot be read as CSV (field larger than field limit "
        "(131072)); export the roster again as CSV UTF-8"
    ]
    monkeypatch.setattr(roster_module, "MAX_PEOPLE", 2)
    path = tmp_path / "roster.csv"
    path.write_text(
        HEADER
        + "".join(
            f"p{k},{name},p{k}@example.org,mentee,Sales,,UTC,mon 09:00-10:00,,x\n"
            for k, name in enumerate(("Ana Lima", "Bo Berg", "Cy Young"))
        ),
        encoding="utf-8",
    )
    with pytest.raises(UsageError) as caught:
        read_roster(path)
    assert str(caught.value) == (
        "roster.csv: the roster has more than 2 people; split it (by region or business unit, "
        "so that people who should meet stay together) into rosters of at most 2 people and "
        "match each one"
    )


def test_a_roster_saved_with_semicolons_is_read_as_such(tmp_path: Path) -> None:
    """Excel in a country whose decimal mark is a comma saves "CSV" with semicolons."""
    path = tmp_path / "roster.csv"
    text = (FIXTURES / "roster.csv").read_text(encoding="utf-8")
    path.write_text(
        text.splitlines()[0].replace(",", ";")
        + "\n"
        + "ops-grad;Nia Brown;nia@example.org;mentor;Operations;;America/New_York;"
        '"thu 04:00-06:00;mon 05:00-07:00";"ai;collaboration";\n',
        encoding="utf-8",
    )
    (nia,) = read_roster(path).people
    assert nia.offers == ("ai", "collaboration")
    assert [str(s) for s in nia.availability] == ["thu 04:00-06:00", "mon 05:00-07:00"]


def test_a_semicolon_roster_with_a_wrong_header_says_how_to_save_it(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        "id;name;mail;role;department;timezone;availability;offers;wants\n"
        "a;Ann;a@example.org;mentee;Sales;UTC;mon 09:00-10:00;;x\n",
    ) == [
        "roster.csv:1:1: the columns are separated by semicolons, not commas (as Excel saves "
        "CSV in some countries); if the problems below are not in the roster, save it as CSV "
        "with commas: in Excel, File › Save As › CSV UTF-8 (Comma delimited)",
        "roster.csv:1:3: unknown column `mail`; the columns are id, name, email, role, "
        "department, timezone, availability, manager_id, capacity, offers, wants, holidays",
        "roster.csv:1:10: the column `email` is missing from the header row",
    ]


def test_an_id_windows_keeps_for_a_device_is_refused(tmp_path: Path) -> None:
    text = HEADER + (
        "con,Ann,a@example.org,mentee,Sales,,UTC,mon 09:00-10:00,,x\n"
        "lpt1,Bob,b@example.org,mentor,Ops,,UTC,mon 09:00-10:00,x,\n"
        "console,Cat,c@example.org,mentor,Ops,,UTC,mon 09:00-10:00,x,\n"
    )
    assert problems(tmp_path, text) == [
        "roster.csv:2:1: id: 'con' is a name Windows keeps for a device, so the certificate "
        "file named after it (con.pdf) could not be opened or copied on Windows; choose "
        "another id, such as con-1",
        "roster.csv:3:1: id: 'lpt1' is a name Windows keeps for a device, so the certificate "
        "file named after it (lpt1.pdf) could not be opened or copied on Windows; choose "
        "another id, such as lpt1-1",
    ]


HOLIDAYS_HEADER = HEADER.replace("wants\n", "wants,holidays\n")


def test_a_person_s_own_public_holidays_are_read_as_people_write_them(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    rows = (
        "amira-saleh,Amira Saleh,amira@example.org,mentor,Nursing,,Asia/Dubai,"
        "mon 09:00-10:00,ai,,ae\n"
        "james-whitfield,James Whitfield,james@example.org,mentee,Estates,,Europe/London,"
        "mon 09:00-10:00,,ai, gb-eng \n"
        "chloe-tremblay,Chloé Tremblay,chloe@example.org,mentee,Pharmacy,,America/Toronto,"
        "mon 09:00-10:00,,ai,CA-QC\n"
        "maria-santos,Maria Santos,maria@example.org,mentee,Radiology,,Asia/Manila,"
        "mon 09:00-10:00,,ai,\n"
    )
    path.write_text(HOLIDAYS_HEADER + rows, encoding="utf-8")
    people = read_roster(path).by_id()
    assert people["amira-saleh"].holidays == "AE"
    assert people["james-whitfield"].holidays == "GB-ENG"
    assert people["chloe-tremblay"].holidays == "CA-QC"
    # An empty cell, or no column at all: the programme's `schedule.holidays`.
    assert people["maria-santos"].holidays == ""
    assert read_roster(FIXTURES / "roster.csv").by_id()["ceo"].holidays == ""


def test_a_public_holidays_cell_that_names_no_region_is_located(tmp_path: Path) -> None:
    text = HOLIDAYS_HEADER + (
        "sofia-reyes,Sofía Reyes,sofia@example.org,mentee,Legal,,Asia/Manila,"
        "mon 09:00-10:00,,ai,XX\n"
        "li-wei,Li Wei,li@example.org,mentee,Legal,,Europe/London,mon 09:00-10:00,,ai,GB-ZZZ\n"
        "omar-khalil,Omar Khalil,omar@example.org,mentee,Legal,,Asia/Dubai,"
        "mon 09:00-10:00,,ai,AE-DU\n"
        "chloe-tremblay,Chloé Tremblay,chloe@example.org,mentee,Legal,,America/Toronto,"
        "mon 09:00-10:00,,ai,Quebec\n"
        "ewan-grant,Ewan Grant,ewan@example.org,mentee,Legal,,Europe/London,"
        "mon 09:00-10:00,,ai,GB-\n"
    )
    assert problems(tmp_path, text) == [
        "roster.csv:2:11: holidays (sofia-reyes): 'XX' is not a country the holidays "
        "calendar knows; use a two-letter code such as GB, FR or US, or a country and its "
        "region such as CA-QC",
        "roster.csv:3:11: holidays (li-wei): 'ZZZ' is not a region of GB; use one of GB-ENG, "
        "GB-NIR, GB-SCT, GB-WLS, or write GB alone",
        "roster.csv:4:11: holidays (omar-khalil): AE has no regions with holidays of their "
        "own; write AE alone",
        "roster.csv:5:11: holidays (chloe-tremblay): 'Quebec' is not a country the holidays "
        "calendar knows; use a two-letter code such as GB, FR or US, or a country and its "
        "region such as CA-QC",
        "roster.csv:6:11: holidays (ewan-grant): 'GB-' names no region after the dash; use "
        "one of GB-ENG, GB-NIR, GB-SCT, GB-WLS, or write GB alone",
    ]

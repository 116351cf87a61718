"""The roster of participants: a CSV of people, read with every problem reported at once.

A roster is personal data. It lives outside the project folder, is named on the command
line, and never reaches the website.
"""

from __future__ import annotations

import csv
import gc
import io
import re
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from .errors import Place, Problems, UsageError
from .model import WEEKDAYS, region_problem

Role = Literal["mentor", "mentee", "both"]
ROLES = ("mentor", "mentee", "both")
REQUIRED = ("id", "name", "email", "role", "department", "timezone", "availability")
#: `holidays`: the region whose public holidays the person has off (`AE`, `CA-QC`), when
#: not the programme's `schedule.holidays`.
OPTIONAL = ("manager_id", "capacity", "offers", "wants", "holidays")
FIELDS = (*REQUIRED, *OPTIONAL)
#: Control characters (line breaks, escape codes) have no place in a roster's cells: they
#: would break a calendar line or drive a terminal.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_CELL = 1000  # characters in one cell: far more than any name, list or calendar needs
MAX_CAPACITY = 20  # leaders one mentor can take
MAX_PEOPLE = 200_000  # beyond this, one roster is better split (see README, "Pairing")
MAX_BYTES = 100 * 1024 * 1024
ID = re.compile(r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*)$")
ID_LENGTH = 80  # as a topic's id: two of them and `--` still make a file name
#: Names Windows keeps for devices: no file or folder there may have one, with or without
#: an extension, so a certificate `con.pdf` or a pack folder `nul` can be neither made
#: nor copied nor unzipped on a Windows computer.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLOT = re.compile(r"^(?P<day>[a-z]+)\s+(?P<start>\d{1,2}:\d{2})\s*[-–]\s*(?P<end>\d{1,2}:\d{2})$")
#: A spreadsheet in a European locale saves "CSV" with semicolons between the columns
#: (the comma being its decimal mark); a text editor may have left tabs.
SEPARATORS = {";": "semicolons", "\t": "tabs"}
DAY_NAMES = {day[:3]: index for index, day in enumerate(WEEKDAYS)} | {
    day: index for index, day in enumerate(WEEKDAYS)
}


@dataclass(frozen=True, slots=True)
class Slot:
    """A weekly window of local time: weekday 0 (Monday) to 6, minutes after midnight."""

    weekday: int
    start: int
    end: int

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday][:3]} {_clock(self.start)}-{_clock(self.end)}"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str
    role: Role
    department: str
    timezone: str
    availability: tuple[Slot, ...]
    manager_id: str | None = None
    offers: tuple[str, ...] = ()
    wants: tuple[str, ...] = ()
    row: int = field(default=0, compare=False)
    capacity: int = 1  # how many leaders a mentor takes
    #: The region whose public holidays the person has off, as `PublicHolidays.code`
    #: gives it (`AE`, `CA-QC`); "" for the programme's `schedule.holidays`.
    holidays: str = ""

    @property
    def teaches(self) -> bool:
        return self.role in ("mentor", "both")

    @property
    def learns(self) -> bool:
        return self.role in ("mentee", "both")


@dataclass(frozen=True)
class Roster:
    people: tuple[Person, ...]
    source: str
    columns: dict[str, int] = field(default_factory=dict, compare=False)  # name -> index

    @property
    def mentors(self) -> list[Person]:
        """Everyone who mentors: role mentor or both."""
        return [p for p in self.people if p.teaches]

    @property
    def mentees(self) -> list[Person]:
        """Everyone who learns: role mentee or both."""
        return [p for p in self.people if p.learns]

    def by_id(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}


def separator(text: str) -> str:
    """The character between a CSV file's columns, read from its header row: a comma,
    unless the header has none but semicolons (or tabs), as Excel saves a "CSV" file in
    a country whose decimal mark is a comma. Cells are never split on a guess: a header
    row without a comma has one column otherwise, which no file of the tool has."""
    header = text.split("\n", 1)[0]
    if "," not in header:
        for character in SEPARATORS:
            if character in header:
                return character
    return ","


def separator_hint(character: str, kind: str) -> str:
    """Said with the header's problems when a file's columns are not separated by commas."""
    return (
        f"the columns are separated by {SEPARATORS[character]}, not commas (as Excel saves "
        f"CSV in some countries); if the problems below are not in the {kind}, save it as "
        "CSV with commas: in Excel, File › Save As › CSV UTF-8 (Comma delimited)"
    )


def _unreadable_cells(cells: list[str], header: list[str], row: Place, problems: Problems) -> bool:
    """Report the cells of a row that are too long or hold control characters."""
    if max(map(len, cells), default=0) <= MAX_CELL and not CONTROL.search("".join(cells)):
        return False  # the common case, checked at once for the whole row
    found = False
    for index, cell in enumerate(cells):
        name = header[index] if index < len(header) else "this cell"
        place = Place(row.path, row.line, index + 1)
        hidden = CONTROL.search(cell)
        if len(cell) > MAX_CELL:
            problems.add(
                place,
                f"{name}: the cell is {len(cell):,} characters long; a cell holds at most "
                f"{MAX_CELL:,}",
            )
        elif hidden:
            problems.add(
                place,
                f"{name}: the cell holds an invisible control character "
                f"(U+{ord(hidden.group()):04X}, a line break or an escape code); delete it",
            )
        else:
            continue
        found = True
    return found


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's collector of reference cycles walks every object alive each time many
    have been made: reading 100,000 people (and matching them) makes millions, none in a
    cycle, so it is paused meanwhile (40% of the reading time otherwise)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_roster(path: Path) -> Roster:
    """Read and check a roster; raise `InvalidProject` with every problem of every row."""
    with without_cycle_collection():
        return _read_roster(path)


def _read_roster(path: Path) -> Roster:
    if not path.is_file():
        raise UsageError(f"{path}: no such roster file")
    display = path.name
    problems = Problems()
    if path.stat().st_size > MAX_BYTES:
        raise UsageError(
            f"{display}: the roster is larger than {MAX_BYTES // (1024 * 1024)} MB; "
            f"split it (by region or business unit) into rosters of at most "
            f"{MAX_PEOPLE:,} people and match each one"
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        problems.add(
            Place(display, line, column),
            f"the roster is not UTF-8 text (byte 0x{raw[error.start]:02x}); export it as CSV UTF-8",
        )
        problems.raise_if_any()
        raise AssertionError from None  # pragma: no cover
    delimiter = separator(text)
    rows = _rows(text, display, problems, delimiter)
    if not rows:
        problems.add(Place(display, 1, 1), "the roster is empty: it needs a header row and people")
        problems.raise_if_any()
    header = [h.strip().lower()[:40] for h in rows[0][1]]
    columns = {name: index for index, name in enumerate(header)}
    for name in REQUIRED:
        if name not in columns:
            problems.add(
                Place(display, 1, len(header) + 1),
                f"the column `{name}` is missing from the header row",
            )
    for index, name in enumerate(header):
        if name not in REQUIRED and name not in OPTIONAL:
            problems.add(
                Place(display, 1, index + 1),
                f"unknown column `{name}`; the columns are {', '.join(REQUIRED + OPTIONAL)}",
            )
    if delimiter != "," and problems:
        problems.add(Place(display, 1, 1), separator_hint(delimiter, "roster"))
    problems.raise_if_any()
    people: list[Person] = []
    first_row: dict[str, int] = {}
    for number, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are allowed
        if len(first_row) >= MAX_PEOPLE:
            raise UsageError(
                f"{display}: the roster has more than {MAX_PEOPLE:,} people; split it (by "
                "region or business unit, so that people who should meet stay together) "
                f"into rosters of at most {MAX_PEOPLE:,} people and match each one"
            )
        if _unreadable_cells(cells, header, Place(display, number), problems):
            continue
        raw_id = cells[columns["id"]].strip() if columns["id"] < len(cells) else ""
        if raw_id and raw_id in first_row:
            problems.add(
                Place(display, number, columns["id"] + 1),
                f"the id {raw_id!r} is already used on row {first_row[raw_id]}",
            )
            continue
        if raw_id:
            first_row[raw_id] = number
        person = _person(cells, number, columns, display, problems)
        if person is not None:
            people.append(person)
    known = {p.id for p in people}
    for person in people:
        if (
            person.manager_id
            and person.manager_id not in known
            and person.manager_id not in first_row
        ):
            problems.add(
                Place(display, person.row, columns["manager_id"] + 1),
                f"manager_id: there is no one with the id {person.manager_id!r} in the roster",
            )
    _check_cycles(people, columns, display, problems)
    problems.raise_if_any()
    return Roster(tuple(people), display, columns)


def _person(
    cells: list[str], row: int, columns: dict[str, int], display: str, problems: Problems
) -> Person | None:
    def place(name: str) -> Place:
        return Place(display, row, columns.get(name, 0) + 1)

    before = len(problems)
    width = len(cells)
    values = {
        name: cells[index].strip() if index is not None and index < width else ""
        for name, index in ((name, columns.get(name)) for name in FIELDS)
    }
    for name in REQUIRED:
        if not values[name]:
            problems.add(place(name), f"{name}: this cell is empty")
    person_id = values["id"]
    if person_id and not ID.match(person_id):
        problems.add(
            place("id"),
            f"id: {person_id!r} must be lowercase letters, digits and single hyphens",
        )
    elif len(person_id) > ID_LENGTH:
        problems.add(
            place("id"),
            f"id: {person_id[:20]!r}... is {len(person_id)} characters long; an id names a "
            f"pack and a certificate file, at most {ID_LENGTH} characters",
        )
    elif person_id in WINDOWS_RESERVED:
        problems.add(
            place("id"),
            f"id: {person_id!r} is a name Windows keeps for a device, so the certificate file "
            f"named after it ({person_id}.pdf) could not be opened or copied on Windows; "
            f"choose another id, such as {person_id}-1",
        )
    if values["email"] and not EMAIL.match(values["email"]):
        problems.add(place("email"), f"email: {values['email']!r} is not an email address")
    role = values["role"].lower()
    if values["role"] and role not in ROLES:
        problems.add(place("role"), f"role: {values['role']!r} must be mentor, mentee or both")
    capacity = 1
    if values["capacity"]:
        text = values["capacity"]
        if not text.isdigit() or not 1 <= int(text) <= MAX_CAPACITY:
            problems.add(
                place("capacity"),
                f"capacity: {text!r} must be a whole number from 1 to {MAX_CAPACITY} "
                "(how many leaders this mentor takes)",
            )
        elif role == "mentee" and int(text) != 1:
            problems.add(
                place("capacity"),
                "capacity: a mentee has one mentor; leave the cell empty, or make the "
                "role mentor or both",
            )
        else:
            capacity = int(text)
    zone = values["timezone"]
    if zone and not _known_zone(zone):
        problems.add(
            place("timezone"),
            f"timezone: {zone!r} is not a time zone name such as Europe/London",
        )
    slots = []
    for text in _list(values["availability"]):
        slot = _slot(text)
        if isinstance(slot, str):
            problems.add(place("availability"), f"availability: {slot}")
        else:
            slots.append(slot)
    offers, wants = _list(values["offers"]), _list(values["wants"])
    if role in ("mentor", "both") and not offers:
        problems.add(place("offers"), "offers: a mentor needs at least one topic or tag to offer")
    if role in ("mentee", "both") and not wants:
        problems.add(place("wants"), "wants: a mentee needs at least one topic or tag to learn")
    if values["manager_id"] and values["manager_id"] == person_id:
        problems.add(place("manager_id"), "manager_id: a person cannot be their own manager")
    region = _region(values["holidays"]) if values["holidays"] else ""
    if region.startswith("!"):
        problems.add(place("holidays"), f"holidays ({person_id or f'row {row}'}): {region[1:]}")
    if len(problems) != before:
        return None
    return Person(
        id=person_id,
        name=values["name"],
        email=values["email"],
        role=role,  # type: ignore[arg-type]
        department=values["department"],
        timezone=zone,
        availability=tuple(slots),
        manager_id=values["manager_id"] or None,
        offers=tuple(o.lower() for o in offers),
        wants=tuple(w.lower() for w in wants),
        row=row,
        capacity=capacity,
        holidays=region,
    )


def _rows(
    text: str, display: str, problems: Problems, delimiter: str = ","
) -> list[tuple[int, list[str]]]:
    """The CSV rows with the line each starts on; a broken row is a located problem."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return rows
        except csv.Error as error:
            problems.add(
                Place(display, line, 1),
                f"this row cannot be read as CSV ({error}); export the roster again as CSV UTF-8",
            )
            problems.raise_if_any()
        rows.append((line, cells))


@lru_cache(maxsize=1024)
def _known_zone(name: str) -> bool:
    """Whether a time zone exists (a roster names a few dozen, each thousands of times)."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


@lru_cache(maxsize=1024)
def _region(text: str) -> str:
    """A `holidays` cell as a region's code (`AE`, `CA-QC`), or "!" and what is wrong with
    it: the rules of `schedule.holidays` (a roster names a few regions, thousands of times)."""
    country, dash, subdivision = (part.strip() for part in text.partition("-"))
    country = country.upper()
    named = None
    if dash:
        import holidays

        regions = holidays.list_supported_countries().get(country, [])
        # As people write it: `gb-eng` is GB's ENG.
        named = next((r for r in regions if r.lower() == subdivision.lower()), subdivision)
    problem = region_problem(
        country, named, f"write {country} alone", written=text, prefix=f"{country}-"
    )
    if problem and problem.startswith(f"{text!r} is not a country"):
        problem += ", or a country and its region such as CA-QC"
    return "!" + problem if problem else f"{country}-{named}" if named else country


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


@lru_cache(maxsize=65536)
def _slot(text: str) -> Slot | str:
    match = SLOT.match(text.strip().lower())
    if match is None:
        return f"{text!r} is not a slot such as 'tue 15:00-17:00'"
    day = DAY_NAMES.get(match["day"])
    if day is None:
        return f"{match['day']!r} is not a day: use mon, tue, wed, thu, fri, sat or sun"
    start, end = _minutes(match["start"]), _minutes(match["end"])
    if start is None or end is None:
        return f"{text!r} has a time that does not exist"
    if end <= start:
        return f"{text!r} ends before it starts"
    return Slot(day, start, end)


def _minutes(clock: str) -> int | None:
    hours, minutes = (int(part) for part in clock.split(":"))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _check_cycles(
    people: list[Person], columns: dict[str, int], display: str, problems: Problems
) -> None:
    managers = {p.id: p.manager_id for p in people}
    reported: set[str] = set()
    for person in people:
        seen = [person.id]
        current = managers.get(person.id)
        while current is not None and current in managers:
            if current in seen:
                loop = seen[seen.index(current) :]
                if not reported & set(loop):
                    reported.update(loop)
                    problems.add(
                        Place(display, person.row, columns["manager_id"] + 1),
                        "manager_id: the reporting line goes round in a circle: "
                        + " → ".join([*loop, current]),
                    )
                break
            seen.append(current)
            current = managers.get(current)

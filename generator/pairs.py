"""pairs.csv: the pairs `mentorkit match` chose, which a coordinator may edit before building.

Every column a coordinator may change is honoured: `pair_id` names the pack folder and
the calendar, `weekday`, `time` and `timezone` set the pair's dates, and with a personal
track `topics` sets the pair's sessions (see `personal`). Each edit is checked
against the same hard rules the matcher keeps (the people exist and may pair, other
departments, outside each other's reporting line, both free on every session date);
a broken rule is a located error, a session moved off the chosen time a located warning.
"""

from __future__ import annotations

import csv
import io
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path

from . import personal
from .errors import Place, Problems, UsageError
from .match import Pair, Words, reporting_chains, restate_slot
from .model import WEEKDAYS, Project
from .roster import (
    MAX_BYTES,
    MAX_CELL,
    WINDOWS_RESERVED,
    Person,
    Roster,
    separator,
    separator_hint,
)
from .windows import Weeks, best_slot, book

COLUMNS = ("pair_id", "mentor_id", "mentee_id", "score", "reasons", "weekday", "time", "timezone")
EXTRA = ("changes",)  # written for people to read; recomputed on reading
OPTIONAL = ("location",)  # the coordinator's own: where the pair meets, if not the default
# With a personal track: the pair's sessions (topic ids, `topic/session` ids), written by
# `match` as chosen from offers and wants; a coordinator may choose others.
PERSONAL = ("topics",)
REQUIRED = ("mentor_id", "mentee_id", "weekday", "time", "timezone")
PAIR_ID = re.compile(r"^[a-z0-9]+(?:-{1,2}[a-z0-9]+)*$")
PAIR_ID_LENGTH = 162  # two roster ids and `--`: well within a file name's 255 bytes
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class PairRow:
    """One row of pairs.csv as written, every cell stripped, with its line number."""

    row: int
    pair_id: str = ""
    mentor_id: str = ""
    mentee_id: str = ""
    score: str = ""
    reasons: str = ""
    weekday: str = ""
    time: str = ""
    timezone: str = ""
    changes: str = ""
    location: str = ""
    topics: str = ""


@dataclass(frozen=True)
class PairsFile:
    pairs: tuple[Pair, ...]
    warnings: tuple[str, ...]  # `pairs.csv:row:column: message` lines


def write_pairs(pairs: Iterable[Pair], path: Path, project: Project | None = None) -> None:
    """pairs.csv: one row a pair, in the contract's columns, then the moved sessions; with
    a personal track, the pair's sessions too (to keep, or to change by hand)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    track = personal.personal_track(project.programme) if project else None
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow((*COLUMNS, *EXTRA, *OPTIONAL, *(PERSONAL if track else ())))
        for pair in pairs:
            own: list[str] = []
            if project is not None and track is not None:
                chosen = personal.for_pair(project, pair.mentor, pair.mentee, pair.topics)
                own = [chosen.column if chosen else ""]
            writer.writerow(
                _cell(value)
                for value in [
                    pair.id,
                    pair.mentor.id,
                    pair.mentee.id,
                    pair.score,
                    "; ".join(pair.reasons),
                    pair.weekday,
                    pair.time,
                    pair.zone,
                    "; ".join(pair.changes),
                    pair.location,
                    *own,
                ]
            )


#: What a spreadsheet takes for the start of a formula: such a cell gets a leading `'`,
#: which spreadsheets show as text and `read_rows` takes off again.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA) else text


def read_rows(path: Path) -> tuple[list[PairRow], dict[str, int]]:
    """The rows of a pairs file and the index of each of its columns; a missing column or
    an unreadable row is a located error."""
    if not path.is_file():
        raise UsageError(f"{path}: no such pairs file")
    display = path.name
    if path.stat().st_size > MAX_BYTES:
        raise UsageError(f"{display}: the pairs file is larger than {MAX_BYTES:,} bytes")
    problems = Problems()
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.add(Place(display, 1, 1), "the pairs file is not UTF-8 text; save it as CSV UTF-8")
        problems.raise_if_any()
        raise AssertionError from None  # pragma: no cover
    delimiter = separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines: list[tuple[int, list[str]]] = []
    while True:
        line = reader.line_num + 1
        try:
            lines.append((line, next(reader)))
        except StopIteration:
            break
        except csv.Error as error:
            problems.add(Place(display, line, 1), f"this row cannot be read as CSV ({error})")
            problems.raise_if_any()
    if not lines:
        problems.add(Place(display, 1, 1), "the pairs file is empty")
        problems.raise_if_any()
    header = [h.strip().lower()[:40] for h in lines[0][1]]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in columns and name:
            problems.add(
                Place(display, 1, index + 1),
                f"the column `{name}` appears twice (columns {columns[name] + 1} and {index + 1})",
            )
        columns.setdefault(name, index)
    known = {f.name for f in fields(PairRow)} - {"row"}
    for name in REQUIRED:
        if name not in columns:
            problems.add(Place(display, 1, len(header) + 1), f"the column `{name}` is missing")
    for index, name in enumerate(header):
        if name not in known:
            problems.add(
                Place(display, 1, index + 1),
                "unknown column "
                f"`{name}`; the columns are {', '.join((*COLUMNS, *EXTRA, *OPTIONAL, *PERSONAL))}",
            )
    if delimiter != "," and problems:
        problems.add(Place(display, 1, 1), separator_hint(delimiter, "pairs file"))
    rows = []
    for number, cells in lines[1:]:
        if not any(c.strip() for c in cells):
            continue
        for index, cell in enumerate(cells):
            if len(cell) > MAX_CELL:
                problems.add(
                    Place(display, number, index + 1),
                    f"the cell is {len(cell):,} characters long; a cell holds at most {MAX_CELL:,}",
                )
        values = {
            name: _uncell(cells[i].strip()[:MAX_CELL])
            for name, i in columns.items()
            if name in known and i < len(cells)
        }
        rows.append(PairRow(row=number, **values))
    if not rows and not problems:
        problems.add(
            Place(display, 2, 1),
            "the pairs file has no pairs: one row a pair is needed under the header "
            "(`mentorkit match` writes them)",
        )
    problems.raise_if_any()
    return rows, columns


def read_pairs(path: Path, roster: Roster, project: Project | None = None) -> PairsFile:
    """pairs.csv (from `mentorkit match`, perhaps edited by hand), checked against the
    roster and the programme's dates; raise `InvalidProject` with every broken rule."""
    rows, header = read_rows(path)
    display = path.name
    problems = Problems()
    warnings: list[str] = []
    people = roster.by_id()
    chains = reporting_chains(roster.people)
    zones = {p.timezone for p in roster.people} | {r.timezone for r in rows if _zone(r.timezone)}
    weeks = Weeks.of(project, zones)
    words = Words.of(project)  # the moved sessions, as the pack prints them
    taken: dict[str, int] = {}  # leader -> row
    load: dict[str, list[int]] = {}  # mentor -> rows
    names: dict[str, int] = {}
    pairs: list[Pair] = []

    for row in rows:

        def place(name: str, row: PairRow = row) -> Place:
            return Place(display, row.row, header.get(name, 0) + 1)

        before = len(problems)
        mentor = _person(row.mentor_id, "mentor", people, place("mentor_id"), problems)
        mentee = _person(row.mentee_id, "mentee", people, place("mentee_id"), problems)
        if mentee is not None and mentee.id in taken:
            problems.add(
                place("mentee_id"),
                f"mentee_id: {mentee.id!r} is already in the pair on row {taken[mentee.id]}",
            )
        if mentor is not None and mentee is not None:
            _rules(mentor, mentee, chains, place("mentee_id"), problems)
            if mentor.id in load and len(load[mentor.id]) >= mentor.capacity:
                problems.add(
                    place("mentor_id"),
                    f"mentor_id: {mentor.id!r} takes {mentor.capacity} leader"
                    f"{'s' if mentor.capacity > 1 else ''} (the roster's capacity) and is "
                    f"already paired on row{'s' if len(load[mentor.id]) > 1 else ''} "
                    f"{', '.join(str(r) for r in load[mentor.id])}",
                )
        default_id = f"{row.mentor_id}--{row.mentee_id}"
        pair_id = row.pair_id or default_id
        if not PAIR_ID.match(pair_id):
            problems.add(
                place("pair_id"),
                f"pair_id: {pair_id!r} must be lowercase letters, digits and hyphens "
                "(it names the pack's folder)",
            )
        elif len(pair_id) > PAIR_ID_LENGTH:
            problems.add(
                place("pair_id"),
                f"pair_id: {pair_id[:20]!r}... is {len(pair_id)} characters long; it names the "
                f"pack's folder, at most {PAIR_ID_LENGTH} characters",
            )
        elif pair_id in WINDOWS_RESERVED:
            problems.add(
                place("pair_id"),
                f"pair_id: {pair_id!r} is a name Windows keeps for a device, so the pack's "
                "folder could not be made or copied on Windows; choose another, such as "
                f"{pair_id}-pair",
            )
        elif pair_id in names:
            problems.add(
                place("pair_id"), f"pair_id: {pair_id!r} is already used on row {names[pair_id]}"
            )
        weekday = row.weekday.lower()
        if weekday not in WEEKDAYS:
            problems.add(place("weekday"), f"weekday: {row.weekday!r} is not a day such as tuesday")
        clock = _clock(row.time)
        if clock is None:
            problems.add(place("time"), f"time: {row.time!r} is not a time such as 15:00")
        zone = row.timezone or (mentee.timezone if mentee else "")
        if row.timezone and not _zone(row.timezone):
            problems.add(
                place("timezone"),
                f"timezone: {row.timezone!r} is not a time zone name such as Europe/London",
            )
        if row.topics and project is not None:
            for message in personal.by_hand(project, row.topics)[1]:
                problems.add(place("topics"), message)
        if len(problems) != before or mentor is None or mentee is None or clock is None:
            continue
        own = weeks.for_pair(mentor, mentee)  # the days closed for either of them
        booking = book(
            own,
            mentor,
            mentee,
            WEEKDAYS.index(weekday),
            clock,
            zone,
            words.gettext,
            date=words.date,
        )
        who = f"{mentor.name} and {mentee.name}"
        if booking.impossible:
            first = booking.impossible[0]
            week = weeks.monday(first).isoformat()
            more = len(booking.impossible) - 1
            problems.add(
                place("time"),
                f"time: {who} are never both free for a whole session in the week of {week} "
                f"(session {first}{f' and {more} more' if more else ''}); pair them with "
                "someone else, or ask them to add free time to the roster",
            )
            continue
        usual = f"{weekday} {row.time} ({zone})"
        if not any(s.usual for s in booking.sessions):
            slot = best_slot(own, mentor, mentee, zone)
            hint = (
                f"; they are both free on {WEEKDAYS[slot[0]]} at {_hhmm(slot[1])}" if slot else ""
            )
            problems.add(
                place("time"), f"time: {who} are not both free on {usual} on any session date{hint}"
            )
            continue
        if booking.changes:
            warnings.append(
                f"{display}:{row.row}:{header.get('time', 0) + 1}: time: {who} cannot meet "
                f"on {usual} for {booking.moved + len(booking.to_agree)} of "
                f"{len(booking.sessions)} sessions; " + "; ".join(booking.changes)
            )
        taken[mentee.id] = row.row
        load.setdefault(mentor.id, []).append(row.row)
        names[pair_id] = row.row
        reasons = restate_slot(
            [r.strip() for r in row.reasons.split(";") if r.strip()],
            project,
            weekday,
            _hhmm(clock),
            zone,
        )
        pairs.append(
            Pair(
                mentor,
                mentee,
                int(row.score) if row.score.isdigit() else 0,
                reasons,
                weekday,
                _hhmm(clock),
                zone,
                booking.changes,
                pair_id,
                tuple(s.start for s in booking.sessions),
                " ".join(row.location.split()),
                " ".join(personal.SEPARATORS.split(row.topics)).strip(),
                booking.moved_sessions,
                booking.to_agree,
            )
        )
    problems.raise_if_any()
    return PairsFile(tuple(pairs), tuple(warnings))


def _person(
    person_id: str, role: str, people: dict[str, Person], place: Place, problems: Problems
) -> Person | None:
    person = people.get(person_id)
    if person is None:
        problems.add(place, f"{role}_id: no one with the id {person_id!r} in the roster")
        return None
    if (role == "mentor" and not person.teaches) or (role == "mentee" and not person.learns):
        problems.add(place, f"{role}_id: {person_id!r} is a {person.role} in the roster")
        return None
    return person


def _rules(
    mentor: Person,
    mentee: Person,
    chains: dict[str, tuple[str, ...]],
    place: Place,
    problems: Problems,
) -> None:
    if mentor.id == mentee.id:
        problems.add(place, f"mentee_id: {mentee.id!r} cannot be their own mentor")
    elif mentor.department.lower() == mentee.department.lower():
        problems.add(
            place,
            f"mentee_id: {mentor.id!r} and {mentee.id!r} both work in {mentee.department}; "
            "a pair never shares a department",
        )
    elif mentor.id in chains.get(mentee.id, ()) or mentee.id in chains.get(mentor.id, ()):
        problems.add(
            place,
            f"mentee_id: {mentor.id!r} and {mentee.id!r} are in the same reporting line; "
            "a pair is never a person and someone above or below them",
        )


def _clock(text: str) -> int | None:
    found = CLOCK.match(text)
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        return None
    return int(found[1]) * 60 + int(found[2])


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True

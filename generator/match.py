"""Pairing mentors with mentees: hard rules first, then the best total fit.

Hard rules: never the same department, never anyone in either person's reporting line,
and at least one common slot of a session's length once time zones are converted. Among
the pairs allowed, an optimal assignment (scipy's `linear_sum_assignment`) first pairs
as many people as possible, then maximises how many of each leader's wishes their mentor
can teach. Everything is vectorised, so a roster of ten thousand people pairs in seconds,
and nothing is random: the same roster always gives the same pairs.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from . import i18n
from .model import WEEKDAYS, Project
from .roster import Person, Roster

QUARTER = 15
WEEK_QUARTERS = 7 * 24 * 60 // QUARTER
REFERENCE_MONDAY = dt.date(2027, 1, 4)
CHUNK = 512
PAIRS_COLUMNS = (
    "pair_id",
    "mentor_id",
    "mentee_id",
    "score",
    "reasons",
    "weekday",
    "time",
    "timezone",
)


@dataclass(frozen=True)
class Pair:
    mentor: Person
    mentee: Person
    score: int  # share of the leader's wishes the mentor can teach, 0 to 100
    reasons: tuple[str, ...]
    weekday: str  # the first common slot, in the mentee's time zone
    time: str

    @property
    def id(self) -> str:
        return f"{self.mentor.id}--{self.mentee.id}"


@dataclass(frozen=True)
class Unmatched:
    person: Person
    reason: str


@dataclass(frozen=True)
class MatchResult:
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    notes: tuple[str, ...]  # wishes or offers that match no topic, for example


class _Topics:
    """What a wish or an offer means: topic ids, and the topics a tag stands for."""

    def __init__(self, project: Project | None) -> None:
        self.by_tag: dict[str, set[str]] = {}
        self.ids: set[str] = set()
        if project is not None:
            for topic in project.topics.values():
                self.ids.add(topic.id)
                for tag in topic.tags:
                    self.by_tag.setdefault(tag, set()).add(topic.id)
        self.known = bool(project)

    def units(self, item: str) -> frozenset[str]:
        found = set(self.by_tag.get(item, ()))
        if item in self.ids or not found:
            found.add(item)
        return frozenset(found)

    def unknown(self, item: str) -> bool:
        return self.known and item not in self.ids and item not in self.by_tag

    def suggestion(self, item: str) -> str:
        close = difflib.get_close_matches(item, sorted(self.ids | set(self.by_tag)), n=1)
        return f" (did you mean {close[0]!r}?)" if close else ""


def match(roster: Roster, project: Project | None = None) -> MatchResult:
    """Pair every mentor and mentee that the rules allow, as well as they can be."""
    mentors = sorted(roster.mentors, key=lambda p: p.id)
    mentees = sorted(roster.mentees, key=lambda p: p.id)
    topics = _Topics(project)
    schedule = project.programme.schedule if project else None
    minutes = schedule.session_minutes if schedule else 60
    monday = _monday(schedule.start) if schedule else REFERENCE_MONDAY
    notes = _notes(roster.people, topics)
    words = _Words.of(project)
    if not mentors or not mentees:
        missing = "mentors" if not mentors else "mentees"
        reason = f"the roster has no {missing}"
        return MatchResult((), tuple(Unmatched(p, reason) for p in roster.people), notes)

    windows_m = np.stack([_windows(p, monday, minutes) for p in mentors])
    windows_e = np.stack([_windows(p, monday, minutes) for p in mentees])
    departments = {
        d: i for i, d in enumerate(sorted({p.department.lower() for p in roster.people}))
    }
    dept_m = np.array([departments[p.department.lower()] for p in mentors])
    dept_e = np.array([departments[p.department.lower()] for p in mentees])
    line = _reporting_lines(roster.people, mentors, mentees)
    fit = _fit(mentors, mentees, topics)

    other_department = dept_m[:, None] != dept_e[None, :]
    common = np.zeros((len(mentors), len(mentees)), dtype=np.float32)
    for start in range(0, len(mentees), CHUNK):
        common[:, start : start + CHUNK] = windows_m @ windows_e[start : start + CHUNK].T
    allowed = other_department & (common > 0) & ~line

    best_fit = max(1, int(fit.max())) if fit.size else 1
    flexibility = np.minimum(common, WEEK_QUARTERS) / (WEEK_QUARTERS + 1)  # < 1
    value = fit + flexibility / (best_fit + 1)
    base = float(min(len(mentors), len(mentees)) * (best_fit + 1) + 1)
    weights = np.where(allowed, base + value, 0.0)
    rows, cols = linear_sum_assignment(weights, maximize=True)

    pairs: list[Pair] = []
    taken_m: set[int] = set()
    taken_e: set[int] = set()
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if not allowed[i, j]:
            continue
        taken_m.add(i)
        taken_e.add(j)
        pairs.append(
            _pair(mentors[i], mentees[j], windows_m[i], windows_e[j], monday, topics, words)
        )
    unmatched = [
        Unmatched(
            p,
            _why(
                p,
                k,
                "mentor",
                allowed[k],
                other_department[k],
                line[k],
                common[k],
                mentees,
                taken_e,
            ),
        )
        for k, p in enumerate(mentors)
        if k not in taken_m
    ] + [
        Unmatched(
            p,
            _why(
                p,
                k,
                "mentee",
                allowed[:, k],
                other_department[:, k],
                line[:, k],
                common[:, k],
                mentors,
                taken_m,
            ),
        )
        for k, p in enumerate(mentees)
        if k not in taken_e
    ]
    pairs.sort(key=lambda pair: (pair.mentee.id, pair.mentor.id))
    return MatchResult(tuple(pairs), tuple(unmatched), notes)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _windows(person: Person, monday: dt.date, minutes: int) -> NDArray[np.float32]:
    """Quarter-hours of the UTC week at which a session of `minutes` can start."""
    free = np.zeros(WEEK_QUARTERS, dtype=bool)
    zone = ZoneInfo(person.timezone)
    week_start = dt.datetime.combine(monday, dt.time(0), tzinfo=dt.UTC)
    for slot in person.availability:
        local = dt.datetime.combine(
            monday + dt.timedelta(days=slot.weekday), dt.time(0), tzinfo=zone
        )
        start = local + dt.timedelta(minutes=slot.start)
        offset = int((start - week_start).total_seconds() // 60)
        first = -(-offset // QUARTER)  # round up to the next quarter-hour
        last = (offset + slot.end - slot.start) // QUARTER
        for quarter in range(first, last):
            free[quarter % WEEK_QUARTERS] = True
    length = -(-minutes // QUARTER)
    windows = np.ones(WEEK_QUARTERS, dtype=bool)
    for shift in range(length):
        windows &= np.roll(free, -shift)
    return windows.astype(np.float32)


def _reporting_lines(
    people: Iterable[Person], mentors: list[Person], mentees: list[Person]
) -> NDArray[np.bool_]:
    """True where one of the two is in the other's reporting line (up the manager chain)."""
    managers = {p.id: p.manager_id for p in people}

    def chain(person_id: str) -> set[str]:
        found: set[str] = set()
        current = managers.get(person_id)
        while current is not None and current not in found:
            found.add(current)
            current = managers.get(current)
        return found

    mentor_index = {p.id: i for i, p in enumerate(mentors)}
    mentee_index = {p.id: j for j, p in enumerate(mentees)}
    line = np.zeros((len(mentors), len(mentees)), dtype=bool)
    for j, mentee in enumerate(mentees):
        for boss in chain(mentee.id):
            if boss in mentor_index:
                line[mentor_index[boss], j] = True
    for i, mentor in enumerate(mentors):
        for boss in chain(mentor.id):
            if boss in mentee_index:
                line[i, mentee_index[boss]] = True
    return line


def _fit(mentors: list[Person], mentees: list[Person], topics: _Topics) -> NDArray[np.float32]:
    """How many of each mentee's wishes each mentor can teach."""
    vocabulary: dict[str, int] = {}
    for person in (*mentors, *mentees):
        for item in (*person.offers, *person.wants):
            for unit in topics.units(item):
                vocabulary.setdefault(unit, len(vocabulary))
    offers = np.zeros((len(mentors), len(vocabulary)), dtype=np.float32)
    for i, mentor in enumerate(mentors):
        for item in mentor.offers:
            for unit in topics.units(item):
                offers[i, vocabulary[unit]] = 1
    fit = np.zeros((len(mentors), len(mentees)), dtype=np.float32)
    for start in range(0, len(mentees), CHUNK):
        chunk = mentees[start : start + CHUNK]
        wishes = [(j, topics.units(w)) for j, m in enumerate(chunk) for w in dict.fromkeys(m.wants)]
        if not wishes:
            continue
        matrix = np.zeros((len(wishes), len(vocabulary)), dtype=np.float32)
        for row, (_, units) in enumerate(wishes):
            for unit in units:
                matrix[row, vocabulary[unit]] = 1
        covered = (offers @ matrix.T) > 0
        owners = np.array([j for j, _ in wishes])
        for j in range(len(chunk)):
            fit[:, start + j] = covered[:, owners == j].sum(axis=1)
    return fit


@dataclass(frozen=True)
class _Words:
    """The reasons a pair is given are printed in their pack: in the programme's language."""

    gettext: Callable[[str], str]
    days: dict[str, str]

    @classmethod
    def of(cls, project: Project | None) -> _Words:
        if project is None:
            return cls(lambda text: text, {day: day.capitalize() for day in WEEKDAYS})
        from .render import vocabulary

        locale = project.programme.locale.replace("-", "_")
        translations = i18n.translations(project.programme.locale, project.template_dirs)
        return cls(translations.gettext, vocabulary(translations.gettext, locale)["weekdays"])


def _pair(
    mentor: Person,
    mentee: Person,
    windows_m: NDArray[np.float32],
    windows_e: NDArray[np.float32],
    monday: dt.date,
    topics: _Topics,
    words: _Words,
) -> Pair:
    _ = words.gettext
    offered = {unit for item in mentor.offers for unit in topics.units(item)}
    taught = [w for w in dict.fromkeys(mentee.wants) if topics.units(w) & offered]
    wishes = len(dict.fromkeys(mentee.wants))
    score = round(100 * len(taught) / wishes) if wishes else 0
    weekday, time = _first_slot(windows_m, windows_e, monday, mentee.timezone)
    reasons = []
    if taught:
        reasons.append(
            _("can teach %(topics)s (%(count)s of %(wishes)s wishes)")
            % {"topics": ", ".join(taught), "count": len(taught), "wishes": wishes}
        )
    else:
        reasons.append(_("teaches none of the wishes: agree the topics in the first session"))
    reasons.append(
        _("different departments (%(mentor)s and %(mentee)s)")
        % {"mentor": mentor.department, "mentee": mentee.department}
    )
    reasons.append(_("outside each other's reporting line"))
    reasons.append(
        _("both free on %(day)s at %(time)s (%(zone)s)")
        % {"day": words.days[weekday], "time": time, "zone": mentee.timezone}
    )
    return Pair(mentor, mentee, score, tuple(reasons), weekday, time)


def _first_slot(
    windows_m: NDArray[np.float32], windows_e: NDArray[np.float32], monday: dt.date, timezone: str
) -> tuple[str, str]:
    zone = ZoneInfo(timezone)
    week_start = dt.datetime.combine(monday, dt.time(0), tzinfo=dt.UTC)
    starts = np.flatnonzero((windows_m > 0) & (windows_e > 0))
    local = [(week_start + dt.timedelta(minutes=int(q) * QUARTER)).astimezone(zone) for q in starts]
    first = min(local, key=lambda t: (t.weekday(), t.hour, t.minute))
    return WEEKDAYS[first.weekday()], f"{first.hour:02d}:{first.minute:02d}"


def _why(
    person: Person,
    index: int,
    role: str,
    allowed: NDArray[np.bool_],
    other_department: NDArray[np.bool_],
    line: NDArray[np.bool_],
    common: NDArray[np.float32],
    others: list[Person],
    taken: set[int],
) -> str:
    other = "mentee" if role == "mentor" else "mentor"
    if allowed.any():
        count = int(allowed.sum())
        why = (
            f"there are more {role}s than {other}s"
            if len(taken) == len(others)
            else "pairing them would have left someone else without a pair"
        )
        who = f"the {other} who could" if count == 1 else f"all {count} {other}s who could"
        where = "is in another pair" if count == 1 else "are in other pairs"
        return f"{who} be paired with them {where}: {why}"
    different = other_department
    outside = different & ~line
    if not different.any():
        return f"every {other} works in the same department ({person.department})"
    if not outside.any():
        return f"every {other} from another department is in their reporting line"
    return (
        f"no {other} from another department and outside their reporting line is free at "
        f"the same time for a whole session ({int(outside.sum())} checked, time zones converted)"
    )


def _notes(people: Iterable[Person], topics: _Topics) -> tuple[str, ...]:
    notes = []
    for person in people:
        for kind, items in (("offers", person.offers), ("wants", person.wants)):
            for item in items:
                if topics.unknown(item):
                    notes.append(
                        f"row {person.row}: {kind} {item!r} is neither a topic id nor a tag of "
                        f"the library{topics.suggestion(item)}; it only matches the same word"
                    )
    return tuple(notes)


def write_pairs(pairs: Iterable[Pair], path: Path) -> None:
    """pairs.csv: one row a pair, in the contract's columns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PAIRS_COLUMNS)
        for pair in pairs:
            writer.writerow(
                [
                    pair.id,
                    pair.mentor.id,
                    pair.mentee.id,
                    pair.score,
                    "; ".join(pair.reasons),
                    pair.weekday,
                    pair.time,
                    pair.mentee.timezone,
                ]
            )

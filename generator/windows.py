"""Common free time on real dates: weekly availability turned into minutes of each week.

A roster gives weekly slots in each person's own time zone, but clocks change on
different dates around the world: a slot two people share in January may not exist in
April. So every week a pair session falls in is looked at on its real dates (zoneinfo).
Weeks in which no clock of the roster changes look alike and are computed once
(a "kind" of week). Times are minutes from the start of a week (Monday 00:00 in the
programme's zone), so any slot boundary counts to the minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from .model import WEEKDAYS, Project
from .roster import Person, Slot

WEEK = 7 * 24 * 60
DAY = 24 * 60
REFERENCE_MONDAY = dt.date(2027, 1, 4)  # the week used when a programme has no schedule

Spans = tuple[tuple[int, int], ...]  # sorted, disjoint half-open minute ranges


@dataclass(frozen=True)
class Weeks:
    """The week of every pair session, and the session length.

    `starts[i]` is the start (UTC) of the week session i + 1 falls in; `kinds[i]` names
    the kind of that week for the time zones given to `of`, and `samples[k]` is the
    first week of kind k.
    """

    starts: tuple[dt.datetime, ...]
    minutes: int
    kinds: tuple[int, ...] = ()
    samples: tuple[dt.datetime, ...] = ()
    weights: tuple[int, ...] = ()  # how many sessions fall in a week of each kind
    timezone: str = "UTC"  # the programme's: weeks start on its Mondays

    def monday(self, number: int) -> dt.date:
        """The Monday of the week session `number` (1-based) falls in."""
        return self.starts[number - 1].astimezone(zone_info(self.timezone)).date()

    @classmethod
    def of(cls, project: Project | None, zones: Iterable[str]) -> Weeks:
        """The programme's session weeks, grouped by kind for the roster's time zones."""
        from .schedule import timeline

        schedule = project.programme.schedule if project else None
        starts: list[dt.datetime] = []
        if project is not None and schedule is not None:
            zone = zone_info(schedule.timezone)
            for session in timeline(project).sessions:
                assert session.start is not None
                monday = session.start.date() - dt.timedelta(days=session.start.weekday())
                starts.append(dt.datetime.combine(monday, dt.time(0), zone).astimezone(dt.UTC))
        if not starts:
            starts = [dt.datetime.combine(REFERENCE_MONDAY, dt.time(0), dt.UTC)]
        minutes = schedule.session_minutes if schedule else 60
        names = sorted(set(zones) | ({schedule.timezone} if schedule else set()))
        keys: dict[tuple[object, ...], int] = {}
        kinds: list[int] = []
        samples: list[dt.datetime] = []
        for start in starts:
            key = _shape(start, names)
            if key not in keys:
                keys[key] = len(samples)
                samples.append(start)
            kinds.append(keys[key])
        weights = [kinds.count(k) for k in range(len(samples))]
        return cls(
            tuple(starts),
            minutes,
            tuple(kinds),
            tuple(samples),
            tuple(weights),
            schedule.timezone if schedule else "UTC",
        )


@lru_cache(maxsize=1024)
def zone_info(name: str) -> ZoneInfo:
    """ZoneInfo keeps only a few zones alive; a roster has dozens, looked up millions of times."""
    return ZoneInfo(name)


def _shape(start: dt.datetime, zones: Sequence[str]) -> tuple[object, ...]:
    """What the week looks like on every clock: local time at each hour, from its start."""
    return tuple(
        (start + dt.timedelta(hours=h)).astimezone(zone_info(zone)).replace(tzinfo=None)
        - start.replace(tzinfo=None)
        for zone in zones
        for h in range(-24, 8 * 24 + 1)
    )


@lru_cache(maxsize=65536)
def _slot_spans(zone: str, slot: Slot, week: dt.datetime) -> Spans:
    """The minutes of `week` (and the days either side) in which a weekly slot is free."""
    tz = zone_info(zone)
    first = (week - dt.timedelta(days=1)).astimezone(tz).date()
    spans = []
    offset = (slot.weekday - first.weekday()) % 7
    while offset < 10:
        day = first + dt.timedelta(days=offset)
        begin = dt.datetime.combine(day, dt.time(slot.start // 60, slot.start % 60), tz)
        finish_day = day + dt.timedelta(days=slot.end // DAY)
        end_minute = slot.end % DAY
        finish = dt.datetime.combine(finish_day, dt.time(end_minute // 60, end_minute % 60), tz)
        a = int((begin - week).total_seconds() // 60)
        b = int((finish - week).total_seconds() // 60)
        if b > a:
            spans.append((a, b))
        offset += 7
    return tuple(spans)


def merge(spans: Iterable[tuple[int, int]]) -> Spans:
    """Sorted, joined ranges (touching ranges join: 09:00-10:00 and 10:00-11:00 is two hours)."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return tuple(merged)


def free(zone: str, slots: tuple[Slot, ...], week: dt.datetime) -> Spans:
    """The minutes of a week a person is free, from their weekly slots."""
    if len(slots) == 1:
        return _slot_spans(zone, slots[0], week)
    spans = [span for slot in slots for span in _slot_spans(zone, slot, week)]
    spans.sort()
    return merge(spans)


def starts(spans: Spans, minutes: int) -> Spans:
    """The minutes of the week (0 to WEEK) at which a session of `minutes` can start."""
    found = []
    for a, b in spans:
        first, last = max(a, 0), min(b - minutes + 1, WEEK)
        if last > first:
            found.append((first, last))
    return tuple(found)


def intersect(left: Spans, right: Spans) -> Spans:
    """Minutes in both."""
    found = []
    i = j = 0
    while i < len(left) and j < len(right):
        a, b = max(left[i][0], right[j][0]), min(left[i][1], right[j][1])
        if b > a:
            found.append((a, b))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return tuple(found)


def person_starts(person: Person, week: dt.datetime, minutes: int) -> Spans:
    return starts(free(person.timezone, person.availability, week), minutes)


# --- booking a pair's sessions ----------------------------------------------------------


@dataclass(frozen=True)
class Booked:
    """One pair session on its real date: `usual` when at the pair's own weekday and time."""

    number: int
    start: dt.datetime  # aware, in the pair's time zone
    usual: bool
    why: str = ""  # why it moved, for the pack and pairs.csv


@dataclass(frozen=True)
class Booking:
    """Every session of a pair, or the weeks in which the pair has no common time."""

    weekday: str
    time: str
    timezone: str
    sessions: tuple[Booked, ...]
    impossible: tuple[int, ...] = ()  # session numbers with no common window that week

    @property
    def changes(self) -> tuple[str, ...]:
        return tuple(s.why for s in self.sessions if not s.usual)


def common_starts(a: Person, b: Person, week: dt.datetime, minutes: int) -> Spans:
    return intersect(person_starts(a, week, minutes), person_starts(b, week, minutes))


@lru_cache(maxsize=65536)
def usual_minute(week: dt.datetime, weekday: int, clock: int, zone: str) -> int:
    """Minutes from the week's start to the first time it is `weekday` at `clock` in `zone`."""
    tz = zone_info(zone)
    first = week.astimezone(tz).date()
    for offset in range(9):
        day = first + dt.timedelta(days=offset)
        if day.weekday() != weekday:
            continue
        moment = dt.datetime.combine(day, dt.time(clock // 60, clock % 60), tz)
        minute = int((moment - week).total_seconds() // 60)
        if minute >= 0:
            return minute
    raise AssertionError("a week has every weekday")  # pragma: no cover


def _inside(minute: int, spans: Spans) -> bool:
    return any(a <= minute < b for a, b in spans)


def _nearest(minute: int, spans: Spans) -> int:
    candidates = [min(max(minute, a), b - 1) for a, b in spans]
    return min(candidates, key=lambda m: (abs(m - minute), m))


def book(
    weeks: Weeks,
    mentor: Person,
    mentee: Person,
    weekday: int,
    clock: int,
    zone: str,
    gettext: Callable[[str], str] = str,
    common: Sequence[Spans] | None = None,
) -> Booking:
    """Each session at the pair's weekday and time when both are free then, otherwise at
    the nearest time in that week when both are (a clock changed), and the reason."""
    tz = zone_info(zone)
    sessions: list[Booked] = []
    impossible: list[int] = []
    usual_at = _clock(clock)
    spans_of = common or pair_spans(weeks, mentor, mentee)
    wanted_of = [usual_minute(w, weekday, clock, zone) for w in weeks.samples]
    for number, (week, kind) in enumerate(zip(weeks.starts, weeks.kinds, strict=True), 1):
        spans, wanted = spans_of[kind], wanted_of[kind]
        if not spans:
            impossible.append(number)
            continue
        if _inside(wanted, spans):
            moment = (week + dt.timedelta(minutes=wanted)).astimezone(tz)
            sessions.append(Booked(number, moment, True))
            continue
        moved = (week + dt.timedelta(minutes=_nearest(wanted, spans))).astimezone(tz)
        planned = (week + dt.timedelta(minutes=wanted)).astimezone(tz)
        first = weeks.starts[0] + dt.timedelta(minutes=wanted_of[weeks.kinds[0]])
        changed = [
            p.name
            for p in dict.fromkeys((mentor, mentee))
            if _offset(p.timezone, planned) != _offset(p.timezone, first)
        ]
        if _offset(zone, planned) != _offset(zone, first) and not changed:
            changed = [zone]
        _ = gettext
        reason = (
            _("the clocks change for %(who)s") % {"who": _(" and ").join(changed)}
            if changed
            else _("one of you is not free at the usual time that week")
        )
        why = _("session %(n)s is on %(date)s at %(time)s instead of %(usual)s: %(reason)s") % {
            "n": number,
            "date": moved.date().isoformat(),
            "time": f"{moved:%H:%M}",
            "usual": usual_at,
            "reason": reason,
        }
        sessions.append(Booked(number, moved, False, why))
    return Booking(
        WEEKDAYS[weekday],
        usual_at,
        zone,
        tuple(sessions),
        tuple(impossible),
    )


def pair_spans(weeks: Weeks, mentor: Person, mentee: Person) -> list[Spans]:
    """When a session of the two can start, in a week of each kind."""
    return [common_starts(mentor, mentee, sample, weeks.minutes) for sample in weeks.samples]


def best_slot(
    weeks: Weeks,
    mentor: Person,
    mentee: Person,
    zone: str,
    common: Sequence[Spans] | None = None,
) -> tuple[int, int] | None:
    """The weekday and time (in `zone`) that holds for the most sessions, the first one
    included when it can; the earliest in the week among equals."""
    tz = zone_info(zone)
    per_kind = common or pair_spans(weeks, mentor, mentee)
    if not all(per_kind):
        return None
    candidates: set[tuple[int, int]] = set()
    for sample, spans in zip(weeks.samples, per_kind, strict=True):
        for a, _b in spans:
            local = (sample + dt.timedelta(minutes=a)).astimezone(tz)
            candidates.add((local.weekday(), local.hour * 60 + local.minute))
    first_kind = weeks.kinds[0]

    def rank(candidate: tuple[int, int]) -> tuple[int, int, int, int]:
        held = [
            _inside(usual_minute(sample, *candidate, zone), spans)
            for sample, spans in zip(weeks.samples, per_kind, strict=True)
        ]
        sessions = sum(w for w, ok in zip(weeks.weights, held, strict=True) if ok)
        return (-sessions, not held[first_kind], candidate[0], candidate[1])

    return min(candidates, key=rank)


def _offset(zone: str, moment: dt.datetime) -> dt.timedelta | None:
    return moment.astimezone(zone_info(zone)).utcoffset()


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"

"""Real dates and times for every session, workshop and checkpoint of a programme.

Pair sessions run in programme order (tracks, then topics, then sessions) on the
programme's weekday and time, or on a pair's own dates (see `windows.book`), passing over
`skip` dates and public holidays; onboarding workshops run in the weeks before, one part
a week, and with a roster in as many sittings as the participants' time zones need;
checkpoints fall the day after their session; group events fall on the next working
day after their session (or on their own dates), at the programme's time.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar
from zoneinfo import ZoneInfo

from . import personal
from .model import (
    WEEKDAYS,
    Checkpoint,
    Event,
    Project,
    PublicHolidays,
    Schedule,
    Session,
    Topic,
    Track,
)
from .roster import Person

_NEVER = dt.datetime.max.replace(tzinfo=dt.UTC)
_STEP_DAYS = {"weekly": 7, "fortnightly": 14}


@dataclass(frozen=True, slots=True)
class PairSession:
    """One pair session in the programme's sequence."""

    number: int  # 1-based, across the whole programme
    track: Track
    topic: Topic
    session: Session
    index: int  # 1-based position within its topic
    start: dt.datetime | None  # aware, in the programme's time zone
    end: dt.datetime | None


@dataclass(frozen=True, slots=True)
class WorkshopSession:
    topic: Topic
    session: Session
    index: int  # 1-based position within its workshop
    start: dt.datetime | None
    end: dt.datetime | None
    sitting: int = 0  # which sitting, when it runs in several (1-based)
    who: str = ""  # the names of a pair booked into this sitting, when they are split


@dataclass(frozen=True, slots=True)
class Sitting:
    """One sitting of an onboarding workshop session, for the people whose zones suit it."""

    number: int  # 1-based, in time order
    start: dt.datetime  # aware
    end: dt.datetime
    people: tuple[str, ...]  # participant ids


@dataclass(frozen=True, slots=True)
class CheckpointDate:
    number: int  # 1-based position in the programme's list
    checkpoint: Checkpoint
    after: PairSession | None  # the session it follows (the last one for `at: end`)
    date: dt.date | None

    @property
    def slug(self) -> str:
        return f"{self.number:02d}-{self.checkpoint.kind}"


@dataclass(frozen=True, slots=True)
class EventDate:
    """One meeting of a group event: the `number`th of `total`."""

    event: Event
    number: int  # 1-based
    total: int
    after: PairSession | None  # the session it follows, for `after_sessions`
    start: dt.datetime | None  # aware, in the programme's time zone
    end: dt.datetime | None

    @property
    def slug(self) -> str:
        return f"{self.event.id}-{self.number}"


@dataclass(frozen=True, slots=True)
class Timeline:
    """Every dated event of a programme; dates are None when it has no schedule."""

    TEMPLATE_API: ClassVar[frozenset[str]] = frozenset(
        {"session", "sessions_of", "workshop", "checkpoints_after"}
    )

    sessions: tuple[PairSession, ...]
    workshops: tuple[WorkshopSession, ...]
    checkpoints: tuple[CheckpointDate, ...]
    timezone: ZoneInfo | None
    events: tuple[EventDate, ...] = ()
    # Indexes, so that a page looking up its sessions does not scan the whole programme.
    _by_topic: dict[str, tuple[PairSession, ...]] = field(init=False, repr=False, compare=False)
    _by_id: dict[tuple[str, str], PairSession] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_topic: dict[str, list[PairSession]] = {}
        by_id: dict[tuple[str, str], PairSession] = {}
        for s in self.sessions:
            by_topic.setdefault(s.topic.id, []).append(s)
            by_id.setdefault((s.topic.id, s.session.id), s)
        object.__setattr__(self, "_by_topic", {k: tuple(v) for k, v in by_topic.items()})
        object.__setattr__(self, "_by_id", by_id)

    def session(self, topic_id: str, session_id: str) -> PairSession | None:
        return self._by_id.get((topic_id, session_id))

    def sessions_of(self, topic_id: str) -> tuple[PairSession, ...]:
        """The pair sessions of one topic, in programme order."""
        return self._by_topic.get(topic_id, ())

    def workshop(self, topic_id: str, session_id: str) -> WorkshopSession | None:
        return next(
            (w for w in self.workshops if w.topic.id == topic_id and w.session.id == session_id),
            None,
        )

    def checkpoints_after(self, number: int) -> list[CheckpointDate]:
        return [c for c in self.checkpoints if c.after is not None and c.after.number == number]

    @property
    def first(self) -> dt.datetime | None:
        starts = [w.start for w in self.workshops] + [s.start for s in self.sessions]
        dated = [s for s in starts if s is not None]
        return min(dated) if dated else None

    @property
    def last(self) -> dt.datetime | None:
        ends = [s.end for s in self.sessions if s.end is not None]
        return max(ends) if ends else None


def timeline(
    project: Project,
    slot: Schedule | None = None,
    dates: Sequence[dt.datetime] = (),
    zone: str | None = None,
    own: Sequence[tuple[str, str]] | None = None,
    regions: Sequence[PublicHolidays] | None = None,
) -> Timeline:
    """Lay the programme out on the calendar; `slot` gives one pair its own day and time,
    or `dates` (in time zone `zone`) the start of each of a pair's sessions; `own` the
    pair's sessions (topic id, session id) in a personal track (see `personal`);
    `regions` the public holidays a pair's forms are not due on, when not the
    programme's (`Schedule.regions_for`)."""
    programme = project.programme
    schedule = slot or programme.schedule
    zone_name = zone or (schedule.timezone if schedule else None)
    tz = ZoneInfo(zone_name) if zone_name else None
    if own is None and any(track.personal for track in programme.tracks):
        chosen = personal.choose(project, None, None)
        own = chosen.keys if chosen else ()
    sequence = []
    for track in programme.tracks:
        if track.personal is not None:
            for topic_id, session_id in own or ():
                topic = project.topics[topic_id]
                index = next(i for i, s in enumerate(topic.sessions, 1) if s.id == session_id)
                sequence.append((track, topic, topic.sessions[index - 1], index))
            continue
        for topic_id in track.topics:
            for index, session in enumerate(project.topics[topic_id].sessions, start=1):
                sequence.append((track, project.topics[topic_id], session, index))
    days = list(_session_dates(schedule, len(sequence))) if schedule else []
    sessions = []
    for number, (track, topic, session, index) in enumerate(sequence, start=1):
        if dates and number <= len(dates):
            start: dt.datetime | None = dates[number - 1]
        else:
            start = _at(days[number - 1], schedule) if schedule else None
        end = start + dt.timedelta(minutes=schedule.session_minutes) if start and schedule else None
        sessions.append(PairSession(number, track, topic, session, index, start, end))
    workshops = _workshops(project.workshops, programme.schedule)
    checkpoints = []
    for number, checkpoint in enumerate(programme.checkpoints, start=1):
        if checkpoint.at == "end":
            after = sessions[-1] if sessions else None
        else:
            position = checkpoint.after_session or 0
            after = sessions[position - 1] if 0 < position <= len(sessions) else None
        day = None
        if after and after.start:  # due the next working day: not a weekend nor a holiday
            held = after.start.date()
            day = (
                _next_working_day(held, programme.schedule, regions)
                if programme.schedule
                else held + dt.timedelta(days=1)
            )
        checkpoints.append(CheckpointDate(number, checkpoint, after, day))
    # Events are for the whole group: they keep the programme's dates in a pair's own timeline.
    shared = list(timeline(project).sessions) if slot or dates else sessions
    events = _events(project, programme.schedule, shared)
    if tz is not None:  # the same moments, on the clock the timeline is read on
        events = tuple(
            replace(e, start=e.start.astimezone(tz), end=e.end.astimezone(tz) if e.end else None)
            if e.start
            else e
            for e in events
        )
    return Timeline(tuple(sessions), tuple(workshops), tuple(checkpoints), tz, events)


def _events(
    project: Project, schedule: Schedule | None, sessions: list[PairSession]
) -> tuple[EventDate, ...]:
    """Every meeting of every group event, in time order."""
    result = []
    for event in project.programme.events:
        total = len(event.after_sessions) or len(event.dates)
        for number in range(1, total + 1):
            after: PairSession | None = None
            start: dt.datetime | None = None
            if event.after_sessions:
                position = event.after_sessions[number - 1]
                after = sessions[position - 1] if 0 < position <= len(sessions) else None
                if after is not None and after.start is not None and schedule is not None:
                    start = _at(_next_working_day(after.start.date(), schedule), schedule)
            elif schedule is not None:
                start = _at(event.dates[number - 1], schedule)
            end = start + dt.timedelta(minutes=event.minutes) if start else None
            result.append(EventDate(event, number, total, after, start, end))
    return tuple(sorted(result, key=lambda e: (e.start is None, e.start or _NEVER, e.event.id)))


def _next_working_day(
    day: dt.date, schedule: Schedule, regions: Sequence[PublicHolidays] | None = None
) -> dt.date:
    closed = schedule.closed(regions)
    day += dt.timedelta(days=1)
    while day.weekday() >= 5 or closed(day):
        day += dt.timedelta(days=1)
    return day


def onboarding_sittings(
    project: Project, line: Timeline, people: Sequence[Person]
) -> dict[tuple[str, str], tuple[Sitting, ...]]:
    """Every onboarding workshop session in as few sittings as the participants' time
    zones need, each within the programme's onboarding hours for everyone in it.

    A sitting is kept at the programme's time where it can be; otherwise it moves to the
    nearest time that suits everyone in it. Zones are grouped greedily by the latest
    start that suits them, which needs the fewest sittings.
    """
    schedule = project.programme.schedule
    result: dict[tuple[str, str], tuple[Sitting, ...]] = {}
    if schedule is None:
        return result
    hours = schedule.onboarding_hours
    earliest, latest = _minutes(hours.earliest), _minutes(hours.latest)
    for workshop in line.workshops:
        if workshop.start is None:
            continue
        audience = workshop.topic.audience
        going = [
            p
            for p in people
            if audience == "both"
            or (audience == "mentor" and p.teaches)
            or (audience == "mentee" and p.learns)
        ]
        day = workshop.start.date()
        length = dt.timedelta(minutes=workshop.session.minutes)
        windows: dict[str, tuple[dt.datetime, dt.datetime]] = {}
        for zone in sorted({p.timezone for p in going}):
            tz = ZoneInfo(zone)
            first = dt.datetime.combine(day, dt.time(earliest // 60, earliest % 60), tz)
            finish = dt.datetime.combine(day, dt.time(latest // 60, latest % 60), tz)
            windows[zone] = (first, max(first, finish - length))
        groups: list[list[str]] = []
        point: dt.datetime | None = None
        for zone in sorted(windows, key=lambda z: (windows[z][1], z)):
            if point is not None and windows[zone][0] <= point:
                groups[-1].append(zone)
            else:
                point = windows[zone][1]
                groups.append([zone])
        sittings = []
        for zones in groups:
            low = max(windows[z][0] for z in zones)
            high = min(windows[z][1] for z in zones)
            start = min(max(workshop.start, low), high)
            ids = tuple(sorted(p.id for p in going if p.timezone in zones))
            sittings.append((start, ids))
        sittings.sort()
        result[(workshop.topic.id, workshop.session.id)] = tuple(
            Sitting(n, start, start + length, ids) for n, (start, ids) in enumerate(sittings, 1)
        )
    return result


def with_sittings(
    line: Timeline,
    sittings: dict[tuple[str, str], tuple[Sitting, ...]],
    people: Sequence[Person],
    zone: str,
) -> Timeline:
    """A pair's timeline with the onboarding sittings its people are booked into (one
    entry when both share a sitting, one for each otherwise), in the pair's time zone."""
    tz = ZoneInfo(zone)
    several = len(people) > 1
    workshops: list[WorkshopSession] = []
    for workshop in line.workshops:
        options = sittings.get((workshop.topic.id, workshop.session.id))
        if not options:
            workshops.append(workshop)
            continue
        booked: dict[int, list[str]] = {}
        for person in people:
            for sitting in options:
                if person.id in sitting.people:
                    booked.setdefault(sitting.number, []).append(person.name)
        split = several and len(booked) > 1
        for sitting in options:
            if sitting.number in booked:
                workshops.append(
                    replace(
                        workshop,
                        start=sitting.start.astimezone(tz),
                        end=sitting.end.astimezone(tz),
                        sitting=sitting.number if len(options) > 1 else 0,
                        who=", ".join(booked[sitting.number]) if split else "",
                    )
                )
    return replace(line, workshops=tuple(workshops))


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def undated(line: Timeline) -> Timeline:
    """The same sessions without dates: for pages shared by pairs that meet at other times."""
    sessions = tuple(replace(s, start=None, end=None) for s in line.sessions)
    checkpoints = tuple(replace(c, date=None) for c in line.checkpoints)
    return replace(line, sessions=sessions, checkpoints=checkpoints)


def _at(day: dt.date, schedule: Schedule) -> dt.datetime:
    return dt.datetime.combine(day, schedule.clock, tzinfo=ZoneInfo(schedule.timezone))


def _session_dates(schedule: Schedule, count: int) -> Iterator[dt.date]:
    closed = schedule.closed()
    produced = 0
    for day in _candidates(schedule):
        if produced == count:
            return
        if closed(day):
            continue
        produced += 1
        yield day


def _candidates(schedule: Schedule) -> Iterator[dt.date]:
    start = schedule.start
    if schedule.cadence in _STEP_DAYS:
        step = dt.timedelta(days=_STEP_DAYS[schedule.cadence])
        day = start
        while True:
            yield day
            day += step
    # Monthly: the same n-th weekday of every month (the 2nd Tuesday), or the last one.
    weekday = WEEKDAYS.index(schedule.day)
    nth = (start.day - 1) // 7
    year, month = start.year, start.month
    while True:
        yield nth_weekday(year, month, weekday, nth)
        month += 1
        if month > 12:
            year, month = year + 1, 1


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    """The `nth` (0-based) given weekday of a month, or the last one if there are fewer."""
    days = [
        dt.date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if dt.date(year, month, d).weekday() == weekday
    ]
    return days[min(nth, len(days) - 1)]


def _workshops(topics: list[Topic], schedule: Schedule | None) -> list[WorkshopSession]:
    """Every part of every workshop in a week of its own, in the order the programme lists them.

    One part a week means no one is ever due in two places at once: not the trainer who
    runs both sides' workshops, not the coordinator, not someone who is a mentor and a
    leader. Weeks whose day is a `skip` date or a public holiday are passed over.
    """
    parts = [
        (topic, session, index)
        for topic in topics
        for index, session in enumerate(topic.sessions, start=1)
    ]
    if schedule is None:
        return [WorkshopSession(t, s, i, None, None) for t, s, i in parts]
    days = onboarding_days(schedule, len(parts))
    result = []
    for day, (topic, session, index) in zip(days, parts, strict=True):
        start = _at(day, schedule)
        end = start + dt.timedelta(minutes=session.minutes)
        result.append(WorkshopSession(topic, session, index, start, end))
    return result


def session_days(schedule: Schedule, count: int) -> list[dt.date]:
    """The days of the first `count` pair sessions at the programme's own slot."""
    return list(_session_dates(schedule, count))


def onboarding_days(schedule: Schedule, count: int) -> list[dt.date]:
    """The days of `count` workshop parts, a week apart, passing over closed days.

    From `onboarding_start` forwards when it is given, otherwise backwards from the week
    before the first pair session.
    """
    closed = schedule.closed()
    week = dt.timedelta(weeks=1)
    if schedule.onboarding_start is not None:
        return _open_days(schedule.onboarding_start, week, closed, count)
    return _open_days(schedule.start - week, -week, closed, count)[::-1]


def _open_days(
    first: dt.date, step: dt.timedelta, closed: Callable[[dt.date], bool], count: int
) -> list[dt.date]:
    """`count` days from `first`, a `step` apart, passing over closed ones."""
    days: list[dt.date] = []
    day = first
    while len(days) < count:
        if not closed(day):
            days.append(day)
        day += step
    return days

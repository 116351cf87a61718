"""Real dates and times for every session, workshop and checkpoint of a programme.

Pair sessions run in programme order (tracks, then topics, then sessions) on the
programme's weekday and time; onboarding workshops run in the weeks before, workshops
for mentors and for leaders side by side; checkpoints fall the day after their session.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import ClassVar
from zoneinfo import ZoneInfo

from .model import WEEKDAYS, Checkpoint, Project, Schedule, Session, Topic, Track

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
class Timeline:
    """Every dated event of a programme; dates are None when it has no schedule."""

    TEMPLATE_API: ClassVar[frozenset[str]] = frozenset(
        {"session", "sessions_of", "workshop", "checkpoints_after"}
    )

    sessions: tuple[PairSession, ...]
    workshops: tuple[WorkshopSession, ...]
    checkpoints: tuple[CheckpointDate, ...]
    timezone: ZoneInfo | None
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


def timeline(project: Project, slot: Schedule | None = None) -> Timeline:
    """Lay the programme out on the calendar; `slot` gives one pair its own day and time."""
    programme = project.programme
    schedule = slot or programme.schedule
    zone = ZoneInfo(schedule.timezone) if schedule else None
    sequence = [
        (track, project.topics[topic_id], session, index)
        for track in programme.tracks
        for topic_id in track.topics
        for index, session in enumerate(project.topics[topic_id].sessions, start=1)
    ]
    dates = list(_session_dates(schedule, len(sequence))) if schedule else []
    sessions = []
    for number, (track, topic, session, index) in enumerate(sequence, start=1):
        start = _at(dates[number - 1], schedule) if schedule else None
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
        day = after.start.date() + dt.timedelta(days=1) if after and after.start else None
        checkpoints.append(CheckpointDate(number, checkpoint, after, day))
    return Timeline(tuple(sessions), tuple(workshops), tuple(checkpoints), zone)


def pair_schedule(schedule: Schedule, weekday: str, time: str, timezone: str) -> Schedule:
    """A pair's own schedule: its weekday and time, from the week the programme starts."""
    day = WEEKDAYS.index(weekday)
    start = schedule.start + dt.timedelta(days=(day - schedule.start.weekday()) % 7)
    return schedule.model_copy(
        update={"start": start, "weekday": WEEKDAYS[day], "time": time, "timezone": timezone}
    )


def undated(line: Timeline) -> Timeline:
    """The same sessions without dates: for pages shared by pairs that meet at other times."""
    sessions = tuple(replace(s, start=None, end=None) for s in line.sessions)
    checkpoints = tuple(replace(c, date=None) for c in line.checkpoints)
    return replace(line, sessions=sessions, checkpoints=checkpoints)


def _at(day: dt.date, schedule: Schedule) -> dt.datetime:
    return dt.datetime.combine(day, schedule.clock, tzinfo=ZoneInfo(schedule.timezone))


def _session_dates(schedule: Schedule, count: int) -> Iterator[dt.date]:
    skip = set(schedule.skip)
    produced = 0
    for day in _candidates(schedule):
        if produced == count:
            return
        if day in skip:
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
    """Mentors' and leaders' workshops run side by side; joint ones after both."""
    weeks: dict[str, int] = {"mentor": 0, "mentee": 0}
    placed: list[tuple[int, Topic, Session, int]] = []
    for topic in topics:
        groups = ["mentor", "mentee"] if topic.audience == "both" else [topic.audience]
        week = max(weeks[g] for g in groups)
        for index, session in enumerate(topic.sessions, start=1):
            placed.append((week, topic, session, index))
            week += 1
        for group in groups:
            weeks[group] = week
    if schedule is None:
        return [WorkshopSession(t, s, i, None, None) for _, t, s, i in placed]
    total_weeks = max(weeks.values())
    first = schedule.onboarding_start or schedule.start - dt.timedelta(weeks=total_weeks)
    result = []
    for week, topic, session, index in placed:
        start = _at(first + dt.timedelta(weeks=week), schedule)
        result.append(
            WorkshopSession(
                topic, session, index, start, start + dt.timedelta(minutes=session.minutes)
            )
        )
    return result

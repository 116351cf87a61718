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
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

import numpy as np
from babel.lists import format_list
from numpy.typing import NDArray

from .model import WEEKDAYS, Project, PublicHolidays, Schedule
from .roster import Person, Slot

WEEK = 7 * 24 * 60
DAY = 24 * 60
REFERENCE_MONDAY = dt.date(2027, 1, 4)  # the week used when a programme has no schedule

Spans = tuple[tuple[int, int], ...]  # sorted, disjoint half-open minute ranges
Closed = tuple[tuple[dt.date, str], ...]  # days without sessions, with their holidays' names
# A clock on which a pair's days are closed: a time zone, and the regions (codes) whose
# public holidays close a day on it (`skip` dates close a day on every clock).
Clock = tuple[str, tuple[str, ...]]
Named = tuple[tuple[str, str], ...]  # the holidays a day is, (name, region); () for a skip


@dataclass
class Shared:
    """What the weeks of every pair share, found once for all of them: the programme's own
    weeks (`plain`), the regions by code, the days each set of regions closes, and the
    minutes a clock's closed days take from a session week."""

    plain: Weeks | None = None
    regions: dict[str, PublicHolidays] = field(default_factory=dict)
    days: dict[tuple[str, ...], Mapping[dt.date, Named]] = field(default_factory=dict)
    starts: dict[tuple[int, str, tuple[str, ...]], Spans] = field(default_factory=dict)


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
    # Days without sessions (`skip` dates, public holidays) around the session weeks, each
    # with its holiday's name ("" for a `skip` date): no pair meets on one. The
    # programme's, or every one of a pair's own (see `for_pair`).
    closed: Closed = ()
    # A pair's (see `for_pair`): the clock of each of its people and the programme's,
    # each with the regions whose holidays close a day on it. None for the programme's
    # own weeks: their days are closed on its clock.
    clocks: tuple[Clock, ...] = ()
    # Whether a holiday is named with its region: the pair has days off in several.
    labelled: bool = False
    # Where a pair's own closed days are found (not compared: `closed` says it all).
    schedule: Schedule | None = field(default=None, compare=False, repr=False)
    locale: str = field(default="en", compare=False, repr=False)
    # What the weeks of every pair share, handed on by `replace` (see `Shared`).
    shared: Shared = field(default_factory=Shared, compare=False, repr=False)

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
        locale = project.programme.locale if project else "en"
        labelled = schedule is not None and len(schedule.regions) > 1
        weeks = cls(
            tuple(starts),
            minutes,
            tuple(kinds),
            tuple(samples),
            tuple(weights),
            schedule.timezone if schedule else "UTC",
            _closed_days(schedule, starts, locale, schedule.regions, labelled) if schedule else (),
            (),
            labelled,
            schedule,
            locale,
        )
        weeks.shared.plain = weeks
        for region in schedule.regions if schedule else ():
            weeks.shared.regions[region.code] = region
        return weeks

    @property
    def plain(self) -> Weeks:
        """The programme's weeks a pair's were made from: what does not depend on closed
        days (`_usual`) is cached on them, once for every pair."""
        return self.shared.plain if self.shared.plain is not None else self

    def for_pair(self, mentor: Person, mentee: Person) -> Weeks:
        """The weeks with the days closed for either of a pair, each on that person's
        own clock (their time zone's dates): `skip` dates and their public holidays
        (their own region, from the roster, or the programme's when their cell is empty).
        The programme's own dates (`skip` dates, and its holidays when one of the two
        follows them) are closed on the programme's clock too. The same object for every
        pair with the same clocks and regions, so what is cached for one
        (`closed_sessions`, `closed_starts`) serves them all; the programme's own weeks
        for a pair on its clock with its holidays."""
        if self.schedule is None:
            return self
        key = (mentor.timezone, mentor.holidays, mentee.timezone, mentee.holidays)
        cache = self._pairs
        found = cache.get(key)
        if found is None:
            found = cache[key] = self._for_people(
                (mentor.timezone, mentor.holidays), (mentee.timezone, mentee.holidays)
            )
        return found

    def _for_people(self, *people: tuple[str, str]) -> Weeks:
        assert self.schedule is not None
        programme = tuple(region.code for region in self.schedule.regions)
        regions = self.schedule.regions_for(code for _zone, code in people)
        for region in regions:
            self.shared.regions.setdefault(region.code, region)
        # The programme's clock: its `skip` dates, and its holidays when one of the two
        # follows them (an empty `holidays` cell).
        wide = () if all(code for _zone, code in people) else programme
        clocks: dict[str, list[str]] = {self.timezone: list(wide)}
        for zone, code in people:
            own = clocks.setdefault(zone, [])
            own.extend(c for c in ((code,) if code else programme) if c not in own)
        shape = tuple((zone, tuple(codes)) for zone, codes in clocks.items())
        if shape == ((self.timezone, programme),):
            return self  # both on the programme's clock, with its holidays
        labelled = len(regions) > 1
        days: dict[dt.date, list[tuple[str, str]]] = {}
        for _zone, codes in shape:
            for day, named in self._days_of(codes).items():
                found = days.setdefault(day, [])
                found.extend(n for n in named if n not in found)
        closed = tuple(
            (day, _name(tuple(days[day]), labelled, self.locale)) for day in sorted(days)
        )
        return replace(self, closed=closed, clocks=shape, labelled=labelled)

    @cached_property
    def _pairs(self) -> dict[tuple[str, str, str, str], Weeks]:
        return {}

    @property
    def _clocks(self) -> tuple[Clock, ...]:
        if self.clocks or self.schedule is None:
            return self.clocks
        return ((self.timezone, tuple(region.code for region in self.schedule.regions)),)

    def _days_of(self, codes: tuple[str, ...]) -> Mapping[dt.date, Named]:
        """The days `skip` dates and the public holidays of the regions `codes` close
        around the session weeks, each with its holidays (found once a set of regions)."""
        found = self.shared.days.get(codes)
        if found is None:
            assert self.schedule is not None
            chosen = [self._region(code) for code in codes]
            found = _named_days(self.schedule, self.starts, self.locale, chosen)
            self.shared.days[codes] = found
        return found

    def _region(self, code: str) -> PublicHolidays:
        """The region of a code, as the programme or a roster gave it (see `_for_people`)."""
        found = self.shared.regions.get(code)
        if found is None:
            assert self.schedule is not None
            (found,) = self.schedule.regions_for([code])
            self.shared.regions[code] = found
        return found

    def closed_days(self, start: dt.datetime) -> tuple[tuple[dt.date, str, Named], ...]:
        """The closed days a session starting at `start` touches (the day it starts or
        ends on), each on the clock (time zone) it is closed on, with its holidays."""
        if not self.closed:
            return ()
        end = start + dt.timedelta(minutes=self.minutes - 1)
        hits = []
        for zone, codes in self._clocks:
            days = self._days_of(codes)
            tz = zone_info(zone)
            for day in dict.fromkeys((start.astimezone(tz).date(), end.astimezone(tz).date())):
                named = days.get(day)
                if named is not None:
                    hits.append((day, zone, named))
        return tuple(hits)

    def name(self, holidays: Iterable[Named]) -> str:
        """The name of the holidays given, with their regions when the pair (or the
        programme) has days off in several; "" when all are `skip` dates."""
        named: list[tuple[str, str]] = []
        for each in holidays:
            named.extend(n for n in each if n not in named)
        return _name(tuple(named), self.labelled, self.locale)

    def closed_starts(self, number: int) -> Spans:
        """The minutes of session `number`'s week (from its start) at which a session would
        touch a closed day on the clock it is closed on (found once a clock and region
        for the many pairs whose session moves that week)."""
        found = self._closed_starts.get(number)
        if found is None:
            found = self._closed_starts[number] = merge(
                span
                for zone, codes in self._clocks
                for span in self._clock_starts(number, zone, codes)
            )
        return found

    @cached_property
    def _closed_starts(self) -> dict[int, Spans]:
        return {}

    def _clock_starts(self, number: int, zone: str, codes: tuple[str, ...]) -> Spans:
        key = (number, zone, codes)
        found = self.shared.starts.get(key)
        if found is None:
            found = self.shared.starts[key] = self._find_closed_starts(number, zone, codes)
        return found

    def _find_closed_starts(self, number: int, zone: str, codes: tuple[str, ...]) -> Spans:
        week = self.starts[number - 1]
        tz = zone_info(zone)
        near = week.astimezone(tz).date()
        found = []
        for day in self._days_of(codes):
            if not near - dt.timedelta(days=2) <= day <= near + dt.timedelta(days=9):
                continue
            begin = dt.datetime.combine(day, dt.time(0), tz)
            end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz)
            a = int((begin - week).total_seconds() // 60) - self.minutes + 1
            b = int((end - week).total_seconds() // 60)
            if b > -DAY and a < WEEK + DAY:
                found.append((a, b))
        return merge(found)


def _named_days(
    schedule: Schedule,
    starts: Sequence[dt.datetime],
    locale: str,
    chosen: Sequence[PublicHolidays],
) -> dict[dt.date, Named]:
    """The days without sessions, each with the holidays it is, from two days before the
    first session week to three days after the last (a week's spans reach a day either side,
    and a person's clock may be a day from the programme's): `skip` dates and the public
    holidays of the regions `chosen`."""
    zone = zone_info(schedule.timezone)
    first = starts[0].astimezone(zone).date() - dt.timedelta(days=2)
    last = starts[-1].astimezone(zone).date() + dt.timedelta(days=9)
    days: dict[dt.date, list[tuple[str, str]]] = {
        day: [] for day in schedule.skip if first <= day <= last
    }
    for region in chosen:
        holidays, label = _region_days(region, first, last, locale)
        for day, name in holidays.items():
            days.setdefault(day, []).append((name, label))
    return {day: tuple(days[day]) for day in sorted(days)}


def _closed_days(
    schedule: Schedule,
    starts: Sequence[dt.datetime],
    locale: str,
    chosen: Sequence[PublicHolidays],
    labelled: bool,
) -> Closed:
    """The days without sessions (see `_named_days`), with their holidays' names."""
    named = _named_days(schedule, starts, locale, chosen)
    return tuple((day, _name(holidays, labelled, locale)) for day, holidays in named.items())


@lru_cache(maxsize=256)
def _region_days(
    region: PublicHolidays, first: dt.date, last: dt.date, locale: str
) -> tuple[Mapping[dt.date, str], str]:
    """A region's public holidays from `first` to `last` with their names, and the
    region's name: looked up once, for every pair whose people have them."""
    calendar = region.calendar(locale)
    found = {}
    day = first
    while day <= last:
        if day in calendar:
            found[day] = str(calendar.get(day, ""))
        day += dt.timedelta(days=1)
    return found, region.label(locale)


def _name(named: Named, labelled: bool, locale: str) -> str:
    """The name of the holidays a day is ("" for a `skip` date); for a pair (or programme)
    with days off in several regions, with the regions it is a holiday in:
    `Independence Day, Philippines`."""
    if not labelled:
        return "; ".join(dict.fromkeys(name for name, _label in named))
    where: dict[str, list[str]] = {}
    for name, label in named:
        labels = where.setdefault(name, [])
        if label not in labels:
            labels.append(label)
    return "; ".join(
        f"{name}, {format_list(labels, locale=locale.replace('-', '_'))}"
        for name, labels in where.items()
    )


@lru_cache(maxsize=1024)
def zone_info(name: str) -> ZoneInfo:
    """ZoneInfo keeps only a few zones alive; a roster has dozens, looked up millions of times."""
    return ZoneInfo(name)


def _shape(start: dt.datetime, zones: Sequence[str]) -> tuple[object, ...]:
    """What the week looks like on every clock: the offset of each from UTC at every hour
    from the day before the week to the day after. Read a day apart, and hour by hour
    only within a day at whose ends the offsets differ (no clock changes twice a day)."""
    shape: list[dt.timedelta | None] = []
    for zone in zones:
        tz = zone_info(zone)
        days = [
            (start + dt.timedelta(hours=h)).astimezone(tz).utcoffset()
            for h in range(-24, 8 * 24 + 1, 24)
        ]
        for day, (first, last) in enumerate(itertools.pairwise(days)):
            if first == last:
                shape.extend([first] * 24)
                continue
            base = start + dt.timedelta(days=day - 1)
            shape.extend(
                (base + dt.timedelta(hours=h)).astimezone(tz).utcoffset() for h in range(24)
            )
        shape.append(days[-1])
    return tuple(shape)


@lru_cache(maxsize=4096)
def _days(zone: str, week: dt.datetime) -> tuple[tuple[dt.date, int | None], ...]:
    """The local days from the one before `week`, each with the minute (from the week's
    start) of its midnight when its clock does not change that day, else None."""
    tz = zone_info(zone)
    first = (week - dt.timedelta(days=1)).astimezone(tz).date()
    days: list[tuple[dt.date, int | None]] = []
    for offset in range(11):
        day = first + dt.timedelta(days=offset)
        midnight = dt.datetime.combine(day, dt.time(0), tz)
        after = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz)
        steady = midnight.utcoffset() == after.utcoffset()
        days.append((day, int((midnight - week).total_seconds() // 60) if steady else None))
    return tuple(days)


@lru_cache(maxsize=65536)
def _slot_spans(zone: str, slot: Slot, week: dt.datetime) -> Spans:
    """The minutes of `week` (and the days either side) in which a weekly slot is free."""
    days = _days(zone, week)
    spans: list[tuple[int, int]] = []
    offset = (slot.weekday - days[0][0].weekday()) % 7
    while offset < 10:
        spans += _span_on(zone, slot, week, days, offset)
        offset += 7
    return tuple(spans)


def _span_on(
    zone: str,
    slot: Slot,
    week: dt.datetime,
    days: tuple[tuple[dt.date, int | None], ...],
    offset: int,
) -> Spans:
    """The minutes of a slot on the day `offset` of `days` (see `_days`): the minutes whose
    local time is in the slot. One range, or none; two where the clocks go back inside it
    (the hour that comes twice is free both times)."""
    day, origin = days[offset]
    whole_days = slot.end // DAY
    if origin is not None and (whole_days == 0 or days[offset + 1][1] is not None):
        # No clock change that day: local minutes count on from midnight.
        a, b = origin + slot.start, origin + slot.end
        return ((a, b),) if b > a else ()
    # A clock change: on each stretch of one UTC offset, the minutes whose local time
    # (the minute plus that offset) is between the slot's start and end.
    base, stretches = _stretches(zone, week, day)
    first, last = base + slot.start, base + slot.end
    found: list[tuple[int, int]] = []
    for lo, hi, shift in stretches:
        a, b = max(lo, first - shift), min(hi, last - shift)
        if b > a:
            found.append((a, b))
    return merge(found)


@lru_cache(maxsize=1024)
def _stretches(
    zone: str, week: dt.datetime, day: dt.date
) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """Local midnight of `day` in minutes from the week's start (as if local were UTC), and
    the minutes around the day cut where the UTC offset of `zone` changes: (from, to, the
    offset in minutes). Every slot of the zone that day is cut by the same stretches."""
    tz = zone_info(zone)
    utc = week.astimezone(dt.UTC).replace(tzinfo=None)
    base = int((dt.datetime.combine(day, dt.time(0)) - utc).total_seconds() // 60)
    # UTC offsets run from -12 to +14 hours, and a slot ends at most two days after the
    # midnight it starts from: every minute whose local time can be in one is in here.
    first, last = base - 15 * 60, base + 2 * DAY + 15 * 60

    def offset(minute: int) -> int:
        at = (week + dt.timedelta(minutes=minute)).astimezone(tz)
        return int((at.utcoffset() or dt.timedelta(0)).total_seconds() // 60)

    stretches: list[tuple[int, int, int]] = []
    start, current = first, offset(first)
    at = first
    while at < last:
        probe = min(at + 60, last)  # clocks change at most once an hour
        if offset(probe) != current:
            lo, hi = at, probe  # the change is in (lo, hi]: find its minute
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset(mid) == current:
                    lo = mid
                else:
                    hi = mid
            stretches.append((start, hi, current))
            start, current = hi, offset(hi)
        at = probe
    stretches.append((start, last, current))
    return base, tuple(stretches)


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


def subtract(spans: Spans, gone: Spans) -> Spans:
    """Minutes in `spans` and not in `gone` (both sorted and disjoint)."""
    found = []
    for a, b in spans:
        for c, d in gone:
            if d <= a or c >= b:
                continue
            if c > a:
                found.append((a, c))
            a = max(a, d)
            if a >= b:
                break
        if a < b:
            found.append((a, b))
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


Ints = NDArray[np.int64]


@dataclass(frozen=True)
class SpanTable:
    """The start windows of many calendars at once: calendar k's windows are
    `(a[i], b[i])` for i from `first[k]` to `first[k + 1]`, sorted and disjoint.

    The same as `starts(free(zone, slots, week), minutes)` for each (zone, slots), built
    with arrays: a roster of 100,000 people has about as many calendars.
    """

    first: Ints
    a: Ints
    b: Ints

    @classmethod
    def weeks(
        cls,
        calendars: Sequence[tuple[str, tuple[Slot, ...]]],
        weeks: Sequence[dt.datetime],
        minutes: int,
    ) -> list[SpanTable]:
        """The table of each week: each distinct (zone, slot) is turned into minutes once
        a week (`_slot_spans`), then spread to the calendars that have it."""
        ids: dict[tuple[str, Slot], int] = {}
        owner: list[int] = []
        slot_id: list[int] = []
        for k, (zone, slots) in enumerate(calendars):
            for slot in slots:
                owner.append(k)
                slot_id.append(ids.setdefault((zone, slot), len(ids)))
        owners = np.array(owner, dtype=np.int64)
        which = np.array(slot_id, dtype=np.int64)
        tables = []
        distinct = _Slots(list(ids))
        for week in weeks:
            per, flat = distinct.spans(week)
            start = np.concatenate(([0], np.cumsum(per)[:-1]))
            times = per[which] if len(which) else which
            step = np.arange(int(times.sum())) - np.repeat(np.cumsum(times) - times, times)
            at = np.repeat(start[which], times) + step
            own = np.repeat(owners, times)
            tables.append(cls._merged(own, flat[at, 0], flat[at, 1], len(calendars), minutes))
        return tables

    @classmethod
    def _merged(cls, own: Ints, lo: Ints, hi: Ints, calendars: int, minutes: int) -> SpanTable:
        # Join overlapping or touching ranges of a calendar (as `merge`): sorted by
        # calendar then start, a range starts a new run when it begins after every
        # earlier range of its calendar has ended.
        order = np.lexsort((lo, own))
        own, lo, hi = own[order], lo[order], hi[order]
        if len(own):
            spread = int(max(hi.max(), 0) - min(lo.min(), 0)) + 1
            base = own * spread - min(int(lo.min()), 0)
            reach = np.maximum.accumulate(hi + base)
            new = np.ones(len(own), dtype=bool)
            new[1:] = (lo[1:] + base[1:] > reach[:-1]) | (own[1:] != own[:-1])
            runs = np.flatnonzero(new)
            own, lo = own[runs], lo[runs]
            hi = np.maximum.reduceat(hi, runs)
        # Then the minutes of the week at which a whole session can start (as `starts`).
        lo, hi = np.maximum(lo, 0), np.minimum(hi - minutes + 1, WEEK)
        keep = hi > lo
        own, lo, hi = own[keep], lo[keep], hi[keep]
        first = np.searchsorted(own, np.arange(calendars + 1)).astype(np.int64)
        return cls(first, lo, hi)

    def __len__(self) -> int:
        return len(self.first) - 1

    def __getitem__(self, k: int) -> Spans:
        first, a, b = self._lists
        begin, end = first[k], first[k + 1]
        return tuple(zip(a[begin:end], b[begin:end], strict=True))

    @cached_property
    def _lists(self) -> tuple[list[int], list[int], list[int]]:
        """The arrays as lists, once: a pair's windows are read one by one."""
        return self.first.tolist(), self.a.tolist(), self.b.tolist()

    def owners(self) -> Ints:
        """The calendar of each window."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.first))


class _Slots:
    """Many (zone, slot) at once, for `spans`."""

    def __init__(self, keys: Sequence[tuple[str, Slot]]) -> None:
        self.keys = keys
        self.weekday = np.array([slot.weekday for _, slot in keys], dtype=np.int64)
        self.start = np.array([slot.start for _, slot in keys], dtype=np.int64)
        self.end = np.array([slot.end for _, slot in keys], dtype=np.int64)
        zones: dict[str, list[int]] = {}
        for k, (zone, _) in enumerate(keys):
            zones.setdefault(zone, []).append(k)
        self.zones = {zone: np.array(members, dtype=np.int64) for zone, members in zones.items()}

    def spans(self, week: dt.datetime) -> tuple[Ints, Ints]:
        """`_slot_spans` of each (zone, slot): how many spans each has, and the spans (rows
        of a, b) in order. A zone's days are looked up once; only a day on which its clock
        changes is worked out slot by slot."""
        keys, weekday, start, end = self.keys, self.weekday, self.start, self.end
        owner: list[Ints] = []
        lows: list[Ints] = []
        highs: list[Ints] = []
        for zone, which in self.zones.items():
            days = _days(zone, week)
            origin = np.array([o if o is not None else 0 for _, o in days], dtype=np.int64)
            steady = np.array([o is not None for _, o in days] + [False], dtype=bool)
            first = (weekday[which] - days[0][0].weekday()) % 7
            for offset in (first, first + 7):
                on = offset < 10
                k, day = which[on], offset[on]
                fast = steady[day] & ((end[k] < DAY) | steady[day + 1])
                owner.append(k[fast])
                lows.append(origin[day[fast]] + start[k[fast]])
                highs.append(origin[day[fast]] + end[k[fast]])
                slow = [
                    (int(key), span)
                    for key, d in zip(k[~fast].tolist(), day[~fast].tolist(), strict=True)
                    for span in _span_on(zone, keys[key][1], week, days, d)
                ]
                if slow:
                    owner.append(np.array([key for key, _ in slow], dtype=np.int64))
                    lows.append(np.array([a for _, (a, _) in slow], dtype=np.int64))
                    highs.append(np.array([b for _, (_, b) in slow], dtype=np.int64))
        if not owner:
            empty = np.zeros(0, dtype=np.int64)
            return np.zeros(len(keys), dtype=np.int64), empty.reshape(0, 2)
        own, lo, hi = np.concatenate(owner), np.concatenate(lows), np.concatenate(highs)
        order = np.lexsort((lo, own))
        per = np.bincount(own, minlength=len(keys)).astype(np.int64)
        return per, np.stack((lo[order], hi[order]), axis=1)


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
    cause: str = ""  # why a clock change moved it, said once for a run of sessions
    stays: bool = False  # on a closed day, with no other time that week: agree another


@dataclass(frozen=True)
class Booking:
    """Every session of a pair, or the weeks in which the pair has no common time."""

    weekday: str
    time: str
    timezone: str
    sessions: tuple[Booked, ...]
    impossible: tuple[int, ...] = ()  # session numbers with no common window that week
    #: Why sessions moved, for the pack and pairs.csv: one line a session moved off a
    #: closed day, one a run of sessions a clock change moved to the same time.
    changes: tuple[str, ...] = ()

    @property
    def moved(self) -> int:
        """How many sessions are off the pair's usual time."""
        return len(self.moved_sessions)

    @property
    def moved_sessions(self) -> tuple[int, ...]:
        """The numbers of the sessions off the pair's usual time."""
        return tuple(s.number for s in self.sessions if not s.usual and not s.stays)

    @property
    def to_agree(self) -> tuple[int, ...]:
        """The numbers of the sessions that stay on a closed day, the two of them having
        no other time that week: they agree another time together."""
        return tuple(s.number for s in self.sessions if s.stays)


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
    date: Callable[[dt.date], str] = dt.date.isoformat,
) -> Booking:
    """Each session at the pair's weekday and time when both are free then, otherwise at
    the nearest time in that week when both are (a clock changed), and the reason, in the
    programme's language (`gettext`) with its dates as `date` writes them."""
    tz = zone_info(zone)
    sessions: list[Booked] = []
    impossible: list[int] = []
    usual_at = _clock(clock)
    spans_of = common or pair_spans(weeks, mentor, mentee)
    wanted_of = [usual_minute(w, weekday, clock, zone) for w in weeks.samples]
    # Whether the usual time holds is the same in every week of a kind: found once a kind.
    usual_of = [_inside(w, spans) for w, spans in zip(wanted_of, spans_of, strict=True)]
    if all(usual_of):  # the common case: every session at the usual time
        sessions = list(_usual(weeks.plain, weekday, clock, zone))
    else:
        after = [dt.timedelta(minutes=wanted) for wanted in wanted_of]
        for number, (week, kind) in enumerate(zip(weeks.starts, weeks.kinds, strict=True), 1):
            spans, wanted = spans_of[kind], wanted_of[kind]
            if not spans:
                impossible.append(number)
                continue
            if usual_of[kind]:
                sessions.append(Booked(number, (week + after[kind]).astimezone(tz), True))
                continue
            moved = (week + dt.timedelta(minutes=_nearest(wanted, spans))).astimezone(tz)
            planned = (week + dt.timedelta(minutes=wanted)).astimezone(tz)
            first = weeks.starts[0] + dt.timedelta(minutes=wanted_of[weeks.kinds[0]])
            cause = _clock_cause(mentor, mentee, zone, first, planned, gettext)
            sessions.append(Booked(number, moved, False, cause=cause))
    if weeks.closed:
        sessions = _off_closed_days(
            weeks,
            sessions,
            spans_of,
            wanted_of,
            weekday,
            clock,
            zone,
            (mentor, mentee),
            gettext,
            date,
        )
    return Booking(
        WEEKDAYS[weekday],
        usual_at,
        zone,
        tuple(sessions),
        tuple(impossible),
        _changes(sessions, usual_at, gettext, date),
    )


def _clock_cause(
    mentor: Person,
    mentee: Person,
    zone: str,
    first: dt.datetime,
    planned: dt.datetime,
    gettext: Callable[[str], str],
) -> str:
    """Why the usual time no longer suits the two of them: their clocks, or the pair's
    time zone's, changed between the first session and this one, but not all alike."""
    _ = gettext
    people: dict[str, list[str]] = {}
    for person in dict.fromkeys((mentor, mentee)):
        people.setdefault(person.timezone, []).append(person.name)
    if zone not in people:
        people[zone] = [_("the pair's time zone")]
    changed = [z for z in people if _offset(z, planned) != _offset(z, first)]
    if not changed:
        return _("one of you is not free at the usual time that week")
    named = {z: f"{z} ({_(' and ').join(names)})" for z, names in people.items()}
    kept = [named[z] for z in people if z not in changed]
    values = {
        "changed": _(" and ").join(named[z] for z in changed),
        "kept": _(" and ").join(kept),
    }
    if kept:
        return _("the clocks have changed since session 1 in %(changed)s, not in %(kept)s") % values
    return _("the clocks have changed since session 1 in %(changed)s, but not alike") % values


def _changes(
    sessions: Sequence[Booked],
    usual: str,
    gettext: Callable[[str], str],
    date: Callable[[dt.date], str],
) -> tuple[str, ...]:
    """One line a session moved off a closed day, one a run of sessions that a clock
    change moved to the same time for the same reason."""
    _ = gettext
    lines: list[str] = []
    run: list[Booked] = []

    def said() -> None:
        if not run:
            return
        first, last = run[0], run[-1]
        values = {
            "n": first.number,
            "date": date(first.start.date()),
            "time": f"{first.start:%H:%M}",
            "usual": usual,
            "reason": first.cause,
            "last": last.number,
            "end": date(last.start.date()),
        }
        lines.append(
            _("session %(n)s is on %(date)s at %(time)s instead of %(usual)s: %(reason)s") % values
            if first is last
            else _(
                "sessions %(n)s–%(last)s (%(date)s to %(end)s) are at %(time)s instead of "
                "%(usual)s: %(reason)s"
            )
            % values
        )
        run.clear()

    for session in sessions:
        if session.usual or session.why:
            said()
            if session.why:
                lines.append(session.why)
            continue
        if run and (
            session.number != run[-1].number + 1
            or session.cause != run[-1].cause
            or f"{session.start:%H:%M}" != f"{run[-1].start:%H:%M}"
        ):
            said()
        run.append(session)
    said()
    return tuple(lines)


def _off_closed_days(
    weeks: Weeks,
    sessions: list[Booked],
    spans_of: Sequence[Spans],
    wanted_of: Sequence[int],
    weekday: int,
    clock: int,
    zone: str,
    people: tuple[Person, Person],
    gettext: Callable[[str], str],
    date: Callable[[dt.date], str],
) -> list[Booked]:
    """The sessions with those on a closed day (a holiday, a `skip` date) moved to the
    nearest time that week when both are free and the day is open. With no such time the
    session stays, and says to agree another time: the pack and pairs.csv show it."""
    _ = gettext
    tz = zone_info(zone)
    result = []
    # Which sessions at the usual time are on a closed day: found once for every pair
    # who meet then; a session a clock change moved, by its minute in its week.
    usual = _closed_numbers(weeks, weekday, clock, zone)
    for session in sessions:
        if session.usual:
            touches = session.number in usual
        else:
            minute = int((session.start - weeks.starts[session.number - 1]).total_seconds() // 60)
            touches = _inside(minute, weeks.closed_starts(session.number))
        hits = weeks.closed_days(session.start) if touches else ()
        if not hits:
            result.append(session)
            continue
        day, at = date(session.start.date()), f"{session.start:%H:%M}"
        closed = _closed_reason(weeks, session.start, hits, people, gettext, date)
        number = session.number
        kind = weeks.kinds[number - 1]
        spans = subtract(spans_of[kind], weeks.closed_starts(number))
        week = weeks.starts[number - 1]
        if not spans:
            why = _(
                "session %(n)s is on %(date)s at %(time)s, but %(reason)s and the two of you "
                "are not both free at any other time that week: agree another time together"
            ) % {"n": number, "date": day, "time": at, "reason": closed}
            result.append(replace(session, usual=False, why=why, stays=True))
            continue
        moved = (week + dt.timedelta(minutes=_nearest(wanted_of[kind], spans))).astimezone(tz)
        why = _("session %(n)s is on %(date)s at %(time)s instead of %(usual)s: %(reason)s") % {
            "n": number,
            "date": date(moved.date()),
            "time": f"{moved:%H:%M}",
            "usual": _("%(date)s at %(time)s") % {"date": day, "time": at},
            "reason": closed,
        }
        result.append(Booked(number, moved, False, why))
    return result


def _closed_reason(
    weeks: Weeks,
    start: dt.datetime,
    hits: Sequence[tuple[dt.date, str, Named]],
    people: tuple[Person, Person],
    gettext: Callable[[str], str],
    date: Callable[[dt.date], str],
) -> str:
    """Why a session's day is closed: the holiday it is, or a `skip` date. When the day
    is closed on someone else's clock than the pair's (a day later or earlier there), the
    date it is there and who lives there: `it is 25 Mar 2027 in Asia/Manila (Maria Santos),
    a public holiday (Maundy Thursday, Philippines)`. `hits` are the closed days the
    session touches (`Weeks.closed_days`)."""
    _ = gettext
    today = [named for day, _zone, named in hits if day == start.date()]
    if today or not hits:
        name = weeks.name(today)
        return (
            _("it is a public holiday (%(name)s)") % {"name": name}
            if name
            else _("it is a day without sessions")
        )
    day = hits[0][0]
    zones = list(dict.fromkeys(zone for d, zone, _named in hits if d == day))
    where = []
    for zone in zones:
        names = [person.name for person in dict.fromkeys(people) if person.timezone == zone]
        who = _(" and ").join(names) if names else _("the programme's time zone")
        where.append(f"{zone} ({who})")
    values = {
        "date": date(day),
        "where": _(" and ").join(where),
        "name": weeks.name(named for d, _zone, named in hits if d == day),
    }
    return (
        _("it is %(date)s in %(where)s, a public holiday (%(name)s)") % values
        if values["name"]
        else _("it is %(date)s in %(where)s, a day without sessions") % values
    )


@lru_cache(maxsize=65536)
def _usual(weeks: Weeks, weekday: int, clock: int, zone: str) -> tuple[Booked, ...]:
    """Every session at a weekday and time: the same for the many pairs who meet then."""
    tz = zone_info(zone)
    after = [dt.timedelta(minutes=usual_minute(w, weekday, clock, zone)) for w in weeks.samples]
    return tuple(
        Booked(number, (week + after[kind]).astimezone(tz), True)
        for number, (week, kind) in enumerate(zip(weeks.starts, weeks.kinds, strict=True), 1)
    )


def usual_slot(
    weeks: Weeks, zone: str, windows: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    """For a pair with one common window in a week of each kind (`windows`), the weekday
    and time `best_slot` finds, when `book` would keep every session at it (see
    `usual_booking`); None otherwise (then `best_slot` and `book` are asked)."""
    slot = None
    for sample, (a, _b) in zip(weeks.samples, windows, strict=True):
        local = _local(sample, a, zone)
        if slot is not None and local != slot:
            return None
        slot = local
    if slot is None:
        return None
    for sample, (a, b) in zip(weeks.samples, windows, strict=True):
        if not a <= usual_minute(sample, *slot, zone) < b:
            return None
    return slot


def closed_sessions(weeks: Weeks, weekday: int, clock: int, zone: str) -> int:
    """How many sessions at this weekday and time (in `zone`) would fall on a closed day,
    which `book` then moves."""
    return len(_closed_numbers(weeks, weekday, clock, zone))


@lru_cache(maxsize=65536)
def _closed_numbers(weeks: Weeks, weekday: int, clock: int, zone: str) -> frozenset[int]:
    """The sessions at this weekday and time (in `zone`) that would fall on a closed day,
    as `closed_days` finds them: each one's minute in its week is one at which a session
    touches a closed day (found once a week for every pair)."""
    if not weeks.closed:
        return frozenset()
    wanted = [usual_minute(sample, weekday, clock, zone) for sample in weeks.samples]
    return frozenset(
        number
        for number, kind in enumerate(weeks.kinds, 1)
        if _inside(wanted[kind], weeks.closed_starts(number))
    )


def usual_booking(weeks: Weeks, weekday: int, clock: int, zone: str) -> Booking:
    """`book` for a pair free at its usual weekday and time in every week."""
    return Booking(
        WEEKDAYS[weekday], _clock(clock), zone, _usual(weeks.plain, weekday, clock, zone)
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
    per_kind = common or pair_spans(weeks, mentor, mentee)
    if not all(per_kind):
        return None
    candidates = {
        _local(sample, a, zone)
        for sample, spans in zip(weeks.samples, per_kind, strict=True)
        for a, _b in spans
    }
    if len(candidates) == 1:  # the common case: one window, the same in every week
        return candidates.pop()
    first_kind = weeks.kinds[0]

    def rank(candidate: tuple[int, int]) -> tuple[int, int, int, int, int]:
        held = [
            _inside(usual_minute(sample, *candidate, zone), spans)
            for sample, spans in zip(weeks.samples, per_kind, strict=True)
        ]
        sessions = sum(w for w, ok in zip(weeks.weights, held, strict=True) if ok)
        # Among equals, the time that falls on the fewest holidays: fewer sessions move.
        closed = closed_sessions(weeks, *candidate, zone)
        return (-sessions, closed, not held[first_kind], candidate[0], candidate[1])

    return min(candidates, key=rank)


@lru_cache(maxsize=65536)
def _local(week: dt.datetime, minute: int, zone: str) -> tuple[int, int]:
    """The weekday and time in `zone` of a minute of a week (the same for many pairs)."""
    local = (week + dt.timedelta(minutes=minute)).astimezone(zone_info(zone))
    return local.weekday(), local.hour * 60 + local.minute


def _offset(zone: str, moment: dt.datetime) -> dt.timedelta | None:
    return moment.astimezone(zone_info(zone)).utcoffset()


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"

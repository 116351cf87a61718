"""Reading pairs: each pair with the people, the slot and the dates its pages show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import personal
from ..match import Pair
from ..model import WEEKDAYS, Project
from ..render import Renderer
from ..roster import Person
from ..schedule import Timeline, onboarding_sittings, timeline, with_sittings
from ..windows import zone_info


@dataclass(frozen=True)
class OtherClock:
    """A session on the clock of someone in the pair who lives in another time zone:
    printed beside the pair's own time, with the day when theirs is another."""

    name: str  # whose clock (first names), or "" when the pair has one other clock
    zone: str
    start: dt.datetime
    end: dt.datetime
    other_day: bool  # their date is not the pair's (their clock is past midnight, or before)


@dataclass(frozen=True)
class PairInfo:
    """What the personal pages of a pair show: names, slot, their own dates."""

    id: str
    mentor: Person
    mentee: Person
    weekday: str
    time: str
    timezone: str
    reasons: tuple[str, ...]
    timeline: Timeline
    slot: str = ""
    changes: tuple[str, ...] = ()  # sessions moved off the usual slot, and why
    both_roles: tuple[str, ...] = ()  # ids of the two who mentor in one pair and learn in another
    location: str = ""  # the pair's own place (pairs.csv), else the programme's
    # The usual time on the other clocks ("17:00 for Ana (Asia/Manila)"), and each session
    # on them (in the order of `timeline.sessions`, empty where every clock reads the same).
    other_slot: str = ""
    other_clocks: tuple[tuple[OtherClock, ...], ...] = ()
    moved_sessions: tuple[int, ...] = ()  # numbers of the sessions off the usual slot
    to_agree: tuple[int, ...] = ()  # sessions on a closed day the pair agree another time for

    @property
    def first(self) -> Any:
        return self.timeline.sessions[0].start if self.timeline.sessions else None

    @property
    def last(self) -> Any:
        return self.timeline.sessions[-1].start if self.timeline.sessions else None

    @property
    def count(self) -> int:
        return len(self.timeline.sessions)

    @property
    def people(self) -> tuple[Person, Person]:
        return (self.mentor, self.mentee)


def pair_infos(project: Project, pairs: Iterable[Pair], renderer: Renderer) -> list[PairInfo]:
    """Each pair with its own dates: every session where both are free on its real date,
    and the onboarding sittings that suit each of them."""
    pairs = list(pairs)
    people = {p.id: p for pair in pairs for p in (pair.mentor, pair.mentee)}
    sittings = onboarding_sittings(project, renderer.timeline, list(people.values()))
    both = {p.mentor.id for p in pairs} & {p.mentee.id for p in pairs}
    infos = []
    for pair in pairs:
        zone = pair.zone
        dated = pair.dates and project.programme.schedule is not None
        # A personal track: the pair's own sessions, and why each is there.
        own = personal.for_pair(project, pair.mentor, pair.mentee, pair.topics)
        keys = own.keys if own else None
        why = personal.reasons(own, pair.mentor, pair.mentee, renderer.gettext) if own else ()
        schedule = project.programme.schedule
        # Forms are due on a day open for both of them: their own public holidays.
        regions = (
            schedule.regions_for((pair.mentor.holidays, pair.mentee.holidays)) if schedule else None
        )
        line = (
            timeline(project, dates=pair.dates, zone=zone, own=keys, regions=regions)
            if dated
            else timeline(project, own=keys)
        )
        # Sittings are printed on the pair's clock, as their sessions are.
        line = with_sittings(line, sittings, (pair.mentor, pair.mentee), zone)
        day = renderer.vocabulary["weekdays"][pair.weekday]
        slot = renderer.gettext("%(day)s at %(time)s (%(zone)s)") % {
            "day": day,
            "time": renderer.time(dt.time.fromisoformat(pair.time)),
            "zone": zone,
        }
        infos.append(
            PairInfo(
                pair.id,
                pair.mentor,
                pair.mentee,
                pair.weekday,
                pair.time,
                zone,
                (*pair.reasons, *why),
                line,
                slot,
                pair.changes,
                tuple(p.id for p in (pair.mentor, pair.mentee) if p.id in both),
                pair.location,
                *_other_clocks(renderer, line, (pair.mentor, pair.mentee), zone),
                pair.moved_sessions,
                pair.to_agree,
            )
        )
    return infos


def first_name(name: str) -> str:
    """The name a pair calls each other by: the first word of the full name."""
    return name.split()[0] if name.split() else name


def _other_clocks(
    renderer: Renderer, line: Timeline, people: tuple[Person, Person], zone: str
) -> tuple[str, tuple[tuple[OtherClock, ...], ...]]:
    """Each session on the clock of whoever in the pair lives in another time zone than the
    pair's, where that clock reads another time at the session's date (two zones can share
    their offset for part of the year, daylight saving starting on other dates)."""
    zones: dict[str, list[str]] = {}
    for person in people:
        if person.timezone != zone:
            zones.setdefault(person.timezone, []).append(first_name(person.name))
    if not zones or not line.sessions or line.sessions[0].start is None:
        return "", ()
    # Each other clock: its zone, whose it is, and its time zone.
    others = [
        (
            other,
            renderer.gettext("%(mentor)s and %(mentee)s") % {"mentor": names[0], "mentee": names[1]}
            if len(names) > 1
            else names[0],
            zone_info(other),
        )
        for other, names in zones.items()
    ]
    clocks: list[tuple[OtherClock, ...]] = []
    # The times each other clock reads over the programme, by their day ("" for the pair's).
    usual: dict[tuple[str, str], dict[str, list[str]]] = {}
    for session in line.sessions:
        start, end = session.start, session.end
        assert start is not None and end is not None  # a dated timeline dates every session
        here: list[OtherClock] = []
        for other, who, tz in others:
            theirs = start.astimezone(tz)
            clock = OtherClock(
                who if len(others) > 1 else "",
                other,
                theirs,
                end.astimezone(tz),
                theirs.date() != start.date(),
            )
            day = WEEKDAYS[theirs.weekday()] if clock.other_day else ""
            times = usual.setdefault((who, other), {}).setdefault(day, [])
            if (time := renderer.time(theirs)) not in times:
                times.append(time)
            if theirs.utcoffset() != start.utcoffset():
                here.append(clock)
        clocks.append(tuple(here))
    if not any(clocks):
        return "", ()
    shown = {c.zone for session in clocks for c in session}
    other_slot = " · ".join(
        renderer.gettext("%(time)s for %(name)s (%(zone)s)")
        % {"time": _on_days(renderer, days), "name": who, "zone": other}
        for (who, other), days in usual.items()
        if other in shown
    )
    return other_slot, tuple(clocks)


def _on_days(renderer: Renderer, days: dict[str, list[str]]) -> str:
    """`17:00`, `17:00 / 18:00`, or `Saturday at 01:00 / 02:00` when their day is not the
    pair's: the usual time on another clock, every one it reads as daylight saving moves."""
    words = renderer.vocabulary["weekdays"]
    return " / ".join(
        renderer.gettext("%(day)s at %(time)s") % {"day": words[day], "time": " / ".join(times)}
        if day
        else " / ".join(times)
        for day, times in days.items()
    )

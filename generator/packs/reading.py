"""Reading pairs: each pair with the people, the slot and the dates its pages show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import personal
from ..match import Pair
from ..model import Project
from ..render import Renderer
from ..roster import Person
from ..schedule import Timeline, onboarding_sittings, timeline, with_sittings


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
        line = (
            timeline(project, dates=pair.dates, zone=zone, own=keys)
            if dated
            else timeline(project, own=keys)
        )
        # Sittings are printed on the pair's clock, as their sessions are.
        line = with_sittings(line, sittings, (pair.mentor, pair.mentee), zone)
        day = renderer.vocabulary["weekdays"][pair.weekday]
        slot = renderer.gettext("%(day)s at %(time)s (%(zone)s)") % {
            "day": day,
            "time": pair.time,
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
            )
        )
    return infos

"""Checks that need more than one value or more than one file.

Types and single-value rules live on the models; here are the rules that look across a
topic (session ids, agenda minutes) or across the project (known ids, prerequisites
without loops, checkpoints within the schedule, a logo inside the project).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .assets import font_problem, image_problem, svg_problems
from .errors import Place, Problems, shorten
from .forms import standard_questions
from .layers import BUILT_IN, library_root
from .markup import link_targets
from .model import LINK_SCHEMES, Programme, Schedule, Topic, Track
from .salvage import Broken
from .schedule import onboarding_days, session_days
from .timing import fit, shortest
from .yamlsource import Loc, Node, Source, place_of, walk_strings

IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")


def links(node: Node, problems: Problems) -> None:
    """Every Markdown link in any text must point to the web or to an email address, and
    text holds no pictures; decided by Markdown itself, as the reader would get them."""
    for _loc, text, place in walk_strings(node):
        targets, pictures = link_targets(text)
        for target in targets:
            if not target.startswith(LINK_SCHEMES):
                problems.add(
                    place,
                    f"the link {shorten(target)!r} is not allowed: links must start with "
                    "https://, http:// or mailto:",
                )
        if pictures:
            problems.add(
                place,
                "pictures (`![...](...)`) are not allowed in text; put a link to the picture "
                "instead, or add it to a template of your own",
            )


#: The parts of a topic that other files rely on: a topic with one of them invalid is
#: known to exist, but no check counts its sessions or asks whether it is a workshop.
RELIED_ON: tuple[Loc, ...] = (("id",), ("format",), ("area",), ("sessions",), ("prerequisites",))
WHOLE = Broken()
#: The fields of a schedule that say which days have no sessions.
CLOSED_DAYS = ("skip", "holidays")


@dataclass(frozen=True)
class Loaded:
    """What validated, with places: checks run on every part that is valid."""

    programme: Programme | None
    #: Every topic: valid, or what is valid of it (see `broken`).
    topics: dict[str, Topic]
    known: frozenset[str]  # ids of every topic found, valid or not
    root: Path
    source: Source  # the programme file
    places: dict[str, dict[Loc, Place]]
    own: frozenset[str] = frozenset()  # topics written or changed in the project itself
    #: Of a file that failed validation ("programme", "topic:<id>"), what its checked
    #: value left out: checks that need it say nothing (it is already reported).
    broken: dict[str, Broken] = field(default_factory=dict)

    def gaps(self, key: str) -> Broken:
        return self.broken.get(key, WHOLE)

    @functools.cached_property
    def sound(self) -> dict[str, Topic]:
        """The topics whose ids, format, area, sessions and prerequisites are valid:
        what the programme's checks and other topics may rely on."""
        return {
            topic_id: topic
            for topic_id, topic in self.topics.items()
            if all(self.gaps(f"topic:{topic_id}").whole(loc) for loc in RELIED_ON)
        }


def run(loaded: Loaded, problems: Problems) -> None:
    """All cross-file checks; each problem is placed where the user can fix it."""
    check = _Checker(loaded, problems)
    for topic in loaded.topics.values():
        check.topic(topic)
    check.prerequisite_loops()
    if loaded.programme is not None:
        check.programme(loaded.programme)


class _Checker:
    def __init__(self, loaded: Loaded, problems: Problems) -> None:
        self.loaded = loaded
        self.problems = problems
        programme = loaded.programme
        # With an area declaration invalid, a topic's area may be the one meant: unchecked.
        declared = loaded.gaps("programme").whole(("areas",))
        self.areas = programme.area_titles() if programme and declared else None

    def at(self, key: str, loc: Loc) -> Place:
        return place_of(self.loaded.places.get(key, {}), loc) or self.loaded.source.place()

    def add(self, key: str, loc: Loc, message: str) -> None:
        self.problems.add(self.at(key, loc), message)

    # --- one topic ------------------------------------------------------------------

    def topic(self, topic: Topic) -> None:
        key = f"topic:{topic.id}"
        gaps = self.loaded.gaps(key)
        if self.areas is not None and gaps.whole(("area",)) and topic.area not in self.areas:
            self.add(
                key,
                ("area",),
                f"area: {topic.area!r} is not a known area{_close(topic.area, self.areas)}; "
                f"use one of {', '.join(self.areas)}, or declare it under `areas` "
                "in the programme",
            )
        sessions = list(gaps.indexed(("sessions",), topic.sessions))
        self._unique_ids(key, ("sessions",), [(i, s.id) for i, s in sessions], "session", "topic")
        for index, session in sessions:
            handouts = ("sessions", index, "handouts")
            self._unique_ids(
                key,
                handouts,
                [(i, h.id) for i, h in gaps.indexed(handouts, session.handouts)],
                "handout",
                "session",
            )
            agenda_known = gaps.whole(("sessions", index, "agenda"))
            if agenda_known and session.agenda_minutes != session.minutes:
                self.add(
                    key,
                    ("sessions", index, "agenda"),
                    f"sessions[{index}].agenda: the agenda adds up to {session.agenda_minutes} "
                    f"minutes but the session lasts {session.minutes}; make them match",
                )
        sources = gaps.indexed(("sources",), topic.sources)
        self._unique_ids(key, ("sources",), [(i, s.id) for i, s in sources], "source", "topic")
        for index, prerequisite in gaps.indexed(("prerequisites",), topic.prerequisites):
            if prerequisite == topic.id:
                self.add(
                    key, ("prerequisites", index), "prerequisites: a topic cannot require itself"
                )
            elif prerequisite not in self.loaded.known:
                self.add(
                    key,
                    ("prerequisites", index),
                    f"prerequisites[{index}]: there is no topic {prerequisite!r}"
                    f"{_close(prerequisite, self.loaded.known)}",
                )

    def _unique_ids(
        self, key: str, loc: Loc, ids: list[tuple[int, str]], what: str, scope: str
    ) -> None:
        """Report an id used twice in one list (sessions, handouts, sources); `ids` are
        the ids of the valid items, with their places in the list."""
        prefix = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        seen: dict[str, int] = {}
        for index, item_id in ids:
            if item_id in seen:
                self.add(
                    key,
                    (*loc, index, "id"),
                    f"{prefix}[{index}].id: the {what} id {item_id!r} is used twice in this "
                    f"{scope} (also {loc[-1]}[{seen[item_id]}])",
                )
            seen.setdefault(item_id, index)

    def prerequisite_loops(self) -> None:
        topics = self.loaded.topics
        state: dict[str, int] = {}  # 1 visiting, 2 done
        reported: set[frozenset[str]] = set()

        def visit(topic_id: str, path: list[str]) -> None:
            state[topic_id] = 1
            for nxt in topics[topic_id].prerequisites:
                if nxt not in topics or nxt == topic_id:
                    continue
                if state.get(nxt) == 1:
                    loop = [*path[path.index(nxt) :], nxt]
                    members = frozenset(loop)
                    if members not in reported:
                        reported.add(members)
                        first = min(members)
                        cycle = _rotate(loop, first)
                        position = next(
                            index
                            for index, needed in self.loaded.gaps(f"topic:{first}").indexed(
                                ("prerequisites",), topics[first].prerequisites
                            )
                            if needed == cycle[1]
                        )
                        self.add(
                            f"topic:{first}",
                            ("prerequisites", position),
                            f"prerequisites form a loop: {' → '.join(cycle)}",
                        )
                elif nxt not in state:
                    visit(nxt, [*path, nxt])
            state[topic_id] = 2

        for topic_id in topics:
            if topic_id not in state:
                visit(topic_id, [topic_id])

    # --- the programme --------------------------------------------------------------

    def programme(self, programme: Programme) -> None:
        topics = self.loaded.sound
        known = self.loaded.known
        gaps = self.loaded.gaps("programme")
        key = "programme"
        placed: dict[str, str] = {}
        track_ids: set[str] = set()
        pooled: set[str] = set()  # topics of a personal track's pool
        personal_tracks: list[str] = []
        length = 0  # sessions of the personal track
        for t_index, track in gaps.indexed(("tracks",), programme.tracks):
            if track.id in track_ids:
                self.add(
                    key,
                    ("tracks", t_index, "id"),
                    f"tracks[{t_index}].id: the track id {track.id!r} is used twice",  # by position
                )
            track_ids.add(track.id)
            if track.personal is not None:
                personal_tracks.append(track.id)
                self._pool(t_index, track, placed, pooled, personal_tracks)
                length += track.personal.sessions
                continue
            for index, topic_id in gaps.indexed(("tracks", t_index, "topics"), track.topics):
                loc: Loc = ("tracks", t_index, "topics", index)
                where = f"tracks[{track.id!r}].topics[{index}]"
                topic = topics.get(topic_id)
                if topic_id not in known:
                    self.add(
                        key,
                        loc,
                        f"{where}: there is no topic {topic_id!r}{_close(topic_id, known)}",
                    )
                elif topic is not None and topic.is_workshop:
                    self.add(
                        key,
                        loc,
                        f"{where}: {topic_id!r} is a workshop; list workshops under `onboarding`",
                    )
                elif topic_id in placed:
                    self.add(
                        key,
                        loc,
                        f"{where}: {topic_id!r} is already in the track {placed[topic_id]!r}; "
                        "a topic runs once in a programme",
                    )
                placed.setdefault(topic_id, track.id)
        for index, topic_id in gaps.indexed(("onboarding",), programme.onboarding):
            topic = topics.get(topic_id)
            where = f"onboarding[{index}]"
            if topic_id not in known:
                self.add(
                    key,
                    ("onboarding", index),
                    f"{where}: there is no topic {topic_id!r}{_close(topic_id, known)}",
                )
            elif topic is not None and not topic.is_workshop:
                self.add(
                    key,
                    ("onboarding", index),
                    f"{where}: {topic_id!r} is a pair topic; onboarding lists workshops "
                    "(topics with `format: workshop`)",
                )
        self._schedule(programme, placed, pooled, length)
        self._logo(programme)
        self._fonts(programme)
        self._areas(programme)
        self._goals(programme)

    def _pool(
        self,
        t_index: int,
        track: Track,
        placed: dict[str, str],
        pooled: set[str],
        personal_tracks: list[str],
    ) -> None:
        """A personal track's pool: topics or areas that exist, enough sessions for its
        length, and every prerequisite in the pool or an earlier track."""
        assert track.personal is not None
        topics = self.loaded.sound
        known = self.loaded.known
        gaps = self.loaded.gaps("programme")
        key = "programme"
        where = f"tracks[{track.id!r}].personal"
        if len(personal_tracks) > 1:
            self.add(
                key,
                ("tracks", t_index, "personal"),
                f"{where}: the track {personal_tracks[0]!r} is already personal; a programme "
                "has one personal track (put all its topics in one pool)",
            )
        areas = {t.area for t in topics.values() if not t.is_workshop}
        # Areas of topics that are invalid in part, which the pool may name.
        unsure = {
            t.area
            for t_id, t in self.loaded.topics.items()
            if t_id not in topics and self.loaded.gaps(f"topic:{t_id}").whole(("area",))
        }
        before = dict(placed)
        pool: list[tuple[int, str]] = []
        complete = gaps.whole(("tracks", t_index, "personal", "pool"))
        pool_loc: Loc = ("tracks", t_index, "personal", "pool")
        for index, item in gaps.indexed(pool_loc, track.personal.pool):
            loc: Loc = (*pool_loc, index)
            topic = topics.get(item)
            if item in known and topic is None:
                complete = False
                continue  # the topic itself is invalid: already reported
            if topic is None and item in unsure:
                complete = False  # its topics are not all known
                if item not in areas:
                    continue
            if topic is not None and topic.is_workshop:
                self.add(
                    key,
                    loc,
                    f"{where}.pool[{index}]: {item!r} is a workshop; a pool holds pair topics",
                )
            elif topic is not None and item in placed:
                self.add(
                    key,
                    loc,
                    f"{where}.pool[{index}]: {item!r} is already in the track {placed[item]!r}; "
                    "a topic runs once in a programme",
                )
            elif topic is not None:
                pool.append((index, item))
            elif item in areas:
                pool += [
                    (index, t.id)
                    for t in sorted(topics.values(), key=lambda t: t.id)
                    if t.area == item and not t.is_workshop and t.id not in placed
                ]
            else:
                self.add(
                    key,
                    loc,
                    f"{where}.pool[{index}]: there is no topic or area {item!r}"
                    f"{_close(item, [*known, *areas])}",
                )
        for _index, topic_id in pool:
            placed.setdefault(topic_id, track.id)
            pooled.add(topic_id)
        ids = dict.fromkeys(topic_id for _index, topic_id in pool)
        total = sum(len(topics[t].sessions) for t in ids)
        if pool and complete and total < track.personal.sessions:
            self.add(
                key,
                ("tracks", t_index, "personal", "sessions"),
                f"{where}.sessions: the pool holds {total} session{'s' if total != 1 else ''}, "
                f"fewer than the {track.personal.sessions} each pair runs; add topics to the "
                "pool, or lower `sessions`",
            )
        for index, topic_id in pool:
            for needed in topics[topic_id].prerequisites:
                if needed not in ids and needed not in before and needed in known:
                    self.add(
                        key,
                        ("tracks", t_index, "personal", "pool", index),
                        f"{where}.pool[{index}]: {topic_id!r} needs {needed!r} first, which "
                        "is neither in the pool nor in an earlier track; add it to the pool",
                    )

    def _schedule(
        self, programme: Programme, placed: dict[str, str], pooled: set[str], length: int
    ) -> None:
        topics = self.loaded.sound
        gaps = self.loaded.gaps("programme")
        count = length + sum(
            len(topics[t].sessions) for t in placed if t in topics and t not in pooled
        )
        tracks = list(gaps.indexed(("tracks",), programme.tracks))
        complete = (
            all(t in topics for t in placed)
            and not gaps.lost_items(("tracks",))
            and all(
                gaps.whole(("tracks", index, part))
                for index, _track in tracks
                for part in ("topics", "personal")
            )
        )
        for index, checkpoint in gaps.indexed(("checkpoints",), programme.checkpoints):
            after = checkpoint.after_session
            if complete and after is not None and after > count:
                self.add(
                    "programme",
                    ("checkpoints", index, "after_session"),
                    f"checkpoints[{index}].after_session: the programme has {count} "
                    f"session{'s' if count != 1 else ''}, so this must be {count} or less",
                )
        self._events(programme, count if complete else None)
        schedule = programme.schedule
        if schedule is None:
            return
        self._onboarding_start(programme, schedule)
        self._regions(schedule)
        if not gaps.whole(("schedule", "session_minutes")):
            return
        for topic_id, track_id in placed.items():
            topic = topics.get(topic_id)
            if topic is None:
                continue
            for index, session in enumerate(topic.sessions):
                reason = fit(session, schedule.session_minutes)
                if not isinstance(reason, str):
                    continue
                if topic_id in self.loaded.own and self._users(f"topic:{topic_id}", ("id",)):
                    self._own_session_too_long(topic, index, track_id, schedule, reason)
                else:
                    why = reason.replace("it cannot", "cannot", 1)
                    self.add(
                        "programme",
                        ("schedule", "session_minutes"),
                        f"schedule.session_minutes: the session {session.id!r} of the built-in "
                        f"topic {topic_id!r} (in the track {track_id!r}) {why}; "
                        f"or take {topic_id!r} out of the track",
                    )

    def _users(self, key: str, loc: Loc) -> Place | None:
        """Where the value at `loc` is written, if in the project's own files (not
        inherited from the built-in library)."""
        place = self.loaded.places.get(key, {}).get(loc)
        return place if place is not None and not place.path.startswith(f"{BUILT_IN}:") else None

    def _own_session_too_long(
        self, topic: Topic, index: int, track_id: str, schedule: Schedule, reason: str
    ) -> None:
        """A session of a topic the project writes or changes that cannot fit the slot: at
        the session's length or agenda where the project's file sets them; where both are
        inherited from the built-in topic, at the project's topic file, saying what to
        write there."""
        key = f"topic:{topic.id}"
        session = topic.sessions[index]
        named = f"the session {session.id!r} ({shorten(session.title)!r})"
        for part in ("minutes", "agenda"):
            if place := self._users(key, ("sessions", index, part)):
                why = reason.replace("it cannot", "cannot", 1)
                self.problems.add(
                    place,
                    f"sessions[{index}].{part}: the programme books "
                    f"{schedule.session_minutes}-minute sessions, and {named} {why}",
                )
                return
        least = shortest(session)
        self.add(
            key,
            ("id",),
            f"sessions[{index}]: {named}, as the built-in topic {topic.id!r} has it, needs "
            f"at least {least} minutes, but the programme books {schedule.session_minutes}-"
            "minute sessions; write a version that fits in this file (under `sessions`, an "
            f"item with `id: {session.id}`, `minutes: {schedule.session_minutes}` and its own "
            "`agenda`, whose steps may set `min_minutes`), set `schedule.session_minutes` to "
            f"{least} or more in program.yaml, or take {topic.id!r} out of the track "
            f"{track_id!r}",
        )

    def _sure(self, *fields: str) -> bool:
        """These fields of the schedule are valid: a check that reads only them runs on a
        schedule invalid in part (a `skip` date that is no date leaves `start` to check)."""
        return all(self.loaded.gaps("programme").whole(("schedule", f)) for f in fields)

    def _parts_known(self, programme: Programme) -> bool:
        """Every onboarding workshop is valid, so `_parts` counts all their parts."""
        gaps = self.loaded.gaps("programme")
        return not gaps.lost_items(("onboarding",)) and all(
            t in self.loaded.sound or t not in self.loaded.known for t in programme.onboarding
        )

    def _onboarding_start(self, programme: Programme, schedule: Schedule) -> None:
        """Onboarding set to start on a date ends before the first pair session."""
        start = schedule.onboarding_start
        if start is None or not self._sure("start", "onboarding_start"):
            return
        if start >= schedule.start:
            self.add(
                "programme",
                ("schedule", "onboarding_start"),
                "schedule.onboarding_start: onboarding must start before the first pair "
                f"session ({schedule.start.isoformat()})",
            )
            return
        if not (self._sure(*CLOSED_DAYS) and self._parts_known(programme)):
            return
        days = onboarding_days(schedule, self._parts(programme))
        if days and days[-1] >= schedule.start:
            self.add(
                "programme",
                ("schedule", "onboarding_start"),
                "schedule.onboarding_start: with one workshop part a week, onboarding "
                f"runs until {days[-1].isoformat()}, which is not before the first pair "
                f"session ({schedule.start.isoformat()}); start onboarding earlier, or "
                "leave `onboarding_start` out to have it placed in the weeks before",
            )

    def _events(self, programme: Programme, count: int | None) -> None:
        """Events follow sessions the programme has, on dates within it, once each."""
        topics = self.loaded.sound
        known = self.loaded.known
        gaps = self.loaded.gaps("programme")
        seen: set[str] = set()
        schedule = programme.schedule
        for index, event in gaps.indexed(("events",), programme.events):
            where = f"events[{event.id!r}]"
            if event.id in seen:
                self.add(
                    "programme",
                    ("events", index, "id"),
                    f"events[{index}].id: another event is already called {event.id!r}; give each "
                    "event its own id",
                )
            seen.add(event.id)
            for n, after in gaps.indexed(("events", index, "after_sessions"), event.after_sessions):
                if count is not None and after > count:
                    self.add(
                        "programme",
                        ("events", index, "after_sessions", n),
                        f"{where}.after_sessions[{n}]: the programme has {count} pair "
                        f"session{'s' if count != 1 else ''}, so there is no session {after} "
                        f"to hold {event.title!r} after; use a number from 1 to {count}",
                    )
            if event.dates and schedule is None and gaps.whole(("schedule",)):
                self.add(
                    "programme",
                    ("events", index, "dates"),
                    f"{where}.dates: the programme has no `schedule`, so it has no dates to "
                    "hold the event between; add a schedule, or use `after_sessions`",
                )
            elif (
                event.dates
                and schedule is not None
                and count
                and self._sure("start", "onboarding_start", "cadence", "weekday", *CLOSED_DAYS)
                and self._parts_known(programme)
            ):
                first = min([schedule.start, *onboarding_days(schedule, self._parts(programme))])
                last = session_days(schedule, count)[-1] + dt.timedelta(days=31)
                for n, day in gaps.indexed(("events", index, "dates"), event.dates):
                    if not first <= day <= last:
                        self.add(
                            "programme",
                            ("events", index, "dates", n),
                            f"{where}.dates[{n}]: {day.isoformat()} is outside the programme; "
                            f"an event may fall from {first.isoformat()} (the first workshop "
                            f"or pair session) to {last.isoformat()} (a month after the last "
                            "pair session): choose a date between them",
                        )
            if event.topic is not None and (event.topic in topics or event.topic not in known):
                topic = topics.get(event.topic)
                if topic is None:
                    self.add(
                        "programme",
                        ("events", index, "topic"),
                        f"{where}.topic: there is no topic {event.topic!r}"
                        f"{_close(event.topic, topics)}",
                    )
                elif not topic.is_workshop:
                    self.add(
                        "programme",
                        ("events", index, "topic"),
                        f"{where}.topic: {event.topic!r} is a pair topic; an event's plan is "
                        "a workshop (a topic with `format: workshop`)",
                    )

    def _parts(self, programme: Programme) -> int:
        topics = self.loaded.sound
        return sum(len(topics[t].sessions) for t in programme.onboarding if t in topics)

    def _logo(self, programme: Programme) -> None:
        logo = programme.organisation.logo
        if logo is None:
            return
        loc: Loc = ("organisation", "logo")
        root = self.loaded.root.resolve()
        path = (root / logo).resolve()
        if not any(path.is_relative_to(r) for r in (root, library_root())):
            self.add(
                "programme",
                loc,
                "organisation.logo: the logo must be a file inside the project folder",
            )
        elif not path.is_file():
            self.add(
                "programme",
                loc,
                f"organisation.logo: there is no file {logo!r} in the project folder",
            )
        elif path.suffix.lower() not in IMAGE_SUFFIXES:
            self.add(
                "programme",
                loc,
                f"organisation.logo: {logo!r} is not an image; use an SVG, PNG, JPEG, GIF "
                "or WebP file",
            )
        elif problem := image_problem(path):
            self.add("programme", loc, f"organisation.logo: {problem}")
        elif path.suffix.lower() == ".svg":
            # Placed in the SVG itself, where they are fixed.
            shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else logo
            for line, column, message in svg_problems(path):
                self.problems.add(Place(shown, line, column + 1), message)

    def _fonts(self, programme: Programme) -> None:
        font = programme.organisation.font
        if font is None:
            return
        root = self.loaded.root.resolve()
        for style, name in font.files().items():
            loc: Loc = ("organisation", "font", style)
            where = f"organisation.font.{style}"
            path = (root / name).resolve()
            if not path.is_relative_to(root):
                self.add(
                    "programme", loc, f"{where}: the font must be a file inside the project folder"
                )
            elif not path.is_file():
                self.add(
                    "programme", loc, f"{where}: there is no file {name!r} in the project folder"
                )
            elif path.suffix.lower() not in FONT_SUFFIXES:
                self.add(
                    "programme",
                    loc,
                    f"{where}: {name!r} is not a font file; use .ttf, .otf, .woff or .woff2",
                )
            elif problem := font_problem(path):
                self.add("programme", loc, f"{where}: {problem}")

    def _regions(self, schedule: Schedule) -> None:
        """A list of public-holiday regions names each region once."""
        if not isinstance(schedule.holidays, list):
            return
        gaps = self.loaded.gaps("programme")
        seen: dict[tuple[str, str | None], int] = {}
        for index, region in gaps.indexed(("schedule", "holidays"), schedule.holidays):
            key = (region.country, region.subdivision)
            if key in seen:
                named = f"{{country: {key[0]}" + (f", subdivision: {key[1]}}}" if key[1] else "}")
                self.add(
                    "programme",
                    ("schedule", "holidays", index),
                    f"schedule.holidays[{index}]: the region {named} is listed twice (also "
                    f"schedule.holidays[{seen[key]}]); list each region once",
                )
            seen.setdefault(key, index)

    def _areas(self, programme: Programme) -> None:
        seen: set[str] = set()
        for index, area in self.loaded.gaps("programme").indexed(("areas",), programme.areas):
            if area.id in seen:
                self.add(
                    "programme",
                    ("areas", index, "id"),
                    f"areas[{index}].id: the area {area.id!r} is declared twice",
                )
            seen.add(area.id)

    def _goals(self, programme: Programme) -> None:
        """A goal's `questions` name questions that the forms of that kind really ask."""
        gaps = self.loaded.gaps("programme")
        for index, goal in gaps.indexed(("goals",), programme.goals):
            for kind, ids in goal.questions.items():
                if kind == "evaluation" and gaps.lost_items(("goals",)):
                    continue  # its questions number the goals, one of which is invalid
                asked = [q.id for q in standard_questions(programme, kind)]
                for n, question in enumerate(ids):
                    if question not in asked:
                        self.add(
                            "programme",
                            ("goals", index, "questions", kind, n),
                            f"goals[{index}].questions.{kind}[{n}]: the {kind} form has no "
                            f"question {question!r}{_close(question, asked)}; its questions "
                            f"are {', '.join(asked)}",
                        )


def _close(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _rotate(loop: list[str], first: str) -> list[str]:
    cycle = loop[:-1]
    start = cycle.index(first)
    rotated = cycle[start:] + cycle[:start]
    return [*rotated, first]

"""Checks that need more than one value or more than one file.

Types and single-value rules live on the models; here are the rules that look across a
topic (session ids, agenda minutes) or across the project (known ids, prerequisites
without loops, checkpoints within the schedule, a logo inside the project).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from .assets import font_problem, image_problem, svg_problems
from .errors import Place, Problems, shorten
from .forms import standard_questions
from .layers import library_root
from .markup import link_targets
from .model import LINK_SCHEMES, Programme, Topic, Track
from .schedule import onboarding_days, session_days
from .timing import fit
from .yamlsource import Loc, Node, Source, place_of, walk_strings

T = TypeVar("T")
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


@dataclass(frozen=True)
class Loaded:
    """What validated, with places: checks run on every part that is valid."""

    programme: Programme | None
    topics: dict[str, Topic]
    known: frozenset[str]  # ids of every topic found, valid or not
    root: Path
    source: Source  # the programme file
    places: dict[str, dict[Loc, Place]]
    own: frozenset[str] = frozenset()  # topics written or changed in the project itself
    invalid: frozenset[str] = frozenset()  # programme fields that failed (already reported)
    #: Of a list with an invalid item, where each valid item stands in the file.
    positions: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def indexed(self, name: str, items: Sequence[T]) -> Iterator[tuple[int, T]]:
        """The items of a programme's list with their indices in the file."""
        return zip(self.positions.get(name, range(len(items))), items, strict=True)


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
        self.areas = programme.area_titles() if programme else None

    def at(self, key: str, loc: Loc) -> Place:
        return place_of(self.loaded.places.get(key, {}), loc) or self.loaded.source.place()

    def add(self, key: str, loc: Loc, message: str) -> None:
        self.problems.add(self.at(key, loc), message)

    # --- one topic ------------------------------------------------------------------

    def topic(self, topic: Topic) -> None:
        key = f"topic:{topic.id}"
        if self.areas is not None and topic.area not in self.areas:
            self.add(
                key,
                ("area",),
                f"area: {topic.area!r} is not a known area{_close(topic.area, self.areas)}; "
                f"use one of {', '.join(self.areas)}, or declare it under `areas` "
                "in the programme",
            )
        self._unique_ids(key, ("sessions",), [s.id for s in topic.sessions], "session", "topic")
        for index, session in enumerate(topic.sessions):
            self._unique_ids(
                key,
                ("sessions", index, "handouts"),
                [h.id for h in session.handouts],
                "handout",
                "session",
            )
            if session.agenda_minutes != session.minutes:
                self.add(
                    key,
                    ("sessions", index, "agenda"),
                    f"sessions[{index}].agenda: the agenda adds up to {session.agenda_minutes} "
                    f"minutes but the session lasts {session.minutes}; make them match",
                )
        self._unique_ids(key, ("sources",), [s.id for s in topic.sources], "source", "topic")
        for index, prerequisite in enumerate(topic.prerequisites):
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

    def _unique_ids(self, key: str, loc: Loc, ids: list[str], what: str, scope: str) -> None:
        """Report an id used twice in one list (sessions, handouts, sources)."""
        prefix = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        seen: dict[str, int] = {}
        for index, item_id in enumerate(ids):
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
                        position = topics[first].prerequisites.index(cycle[1])
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
        topics = self.loaded.topics
        known = self.loaded.known
        key = "programme"
        placed: dict[str, str] = {}
        track_ids: set[str] = set()
        pooled: set[str] = set()  # topics of a personal track's pool
        personal_tracks: list[str] = []
        length = 0  # sessions of the personal track
        for t_index, track in enumerate(programme.tracks):
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
            for index, topic_id in enumerate(track.topics):
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
        for index, topic_id in enumerate(programme.onboarding):
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
        topics = self.loaded.topics
        known = self.loaded.known
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
        before = dict(placed)
        pool: list[tuple[int, str]] = []
        for index, item in enumerate(track.personal.pool):
            loc: Loc = ("tracks", t_index, "personal", "pool", index)
            topic = topics.get(item)
            if item in known and topic is None:
                continue  # the topic itself is invalid: already reported
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
        if pool and total < track.personal.sessions:
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
        topics = self.loaded.topics
        count = length + sum(
            len(topics[t].sessions) for t in placed if t in topics and t not in pooled
        )
        complete = all(t in topics for t in placed) and "tracks" not in self.loaded.invalid
        for index, checkpoint in self.loaded.indexed("checkpoints", programme.checkpoints):
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
        if schedule.onboarding_start is not None and schedule.onboarding_start >= schedule.start:
            self.add(
                "programme",
                ("schedule", "onboarding_start"),
                "schedule.onboarding_start: onboarding must start before the first pair "
                f"session ({schedule.start.isoformat()})",
            )
        elif schedule.onboarding_start is not None:
            parts = sum(len(topics[t].sessions) for t in programme.onboarding if t in topics)
            days = onboarding_days(schedule, parts)
            if days and days[-1] >= schedule.start:
                self.add(
                    "programme",
                    ("schedule", "onboarding_start"),
                    "schedule.onboarding_start: with one workshop part a week, onboarding "
                    f"runs until {days[-1].isoformat()}, which is not before the first pair "
                    f"session ({schedule.start.isoformat()}); start onboarding earlier, or "
                    "leave `onboarding_start` out to have it placed in the weeks before",
                )
        for topic_id, track_id in placed.items():
            topic = topics.get(topic_id)
            if topic is None:
                continue
            for index, session in enumerate(topic.sessions):
                reason = fit(session, schedule.session_minutes)
                if not isinstance(reason, str):
                    continue
                if topic_id in self.loaded.own:
                    self.add(
                        f"topic:{topic_id}",
                        ("sessions", index, "minutes"),
                        f"sessions[{index}].minutes: the programme books "
                        f"{schedule.session_minutes}-minute sessions, and {reason}",
                    )
                else:
                    why = reason.replace("it cannot", "cannot", 1)
                    self.add(
                        "programme",
                        ("schedule", "session_minutes"),
                        f"schedule.session_minutes: the session {session.id!r} of the built-in "
                        f"topic {topic_id!r} (in the track {track_id!r}) {why}; "
                        f"or take {topic_id!r} out of the track",
                    )

    def _events(self, programme: Programme, count: int | None) -> None:
        """Events follow sessions the programme has, on dates within it, once each."""
        topics = self.loaded.topics
        seen: set[str] = set()
        schedule = programme.schedule
        for index, event in self.loaded.indexed("events", programme.events):
            where = f"events[{event.id!r}]"
            if event.id in seen:
                self.add(
                    "programme",
                    ("events", index, "id"),
                    f"events[{index}].id: another event is already called {event.id!r}; give each "
                    "event its own id",
                )
            seen.add(event.id)
            for n, after in enumerate(event.after_sessions):
                if count is not None and after > count:
                    self.add(
                        "programme",
                        ("events", index, "after_sessions", n),
                        f"{where}.after_sessions[{n}]: the programme has {count} pair "
                        f"session{'s' if count != 1 else ''}, so there is no session {after} "
                        f"to hold {event.title!r} after; use a number from 1 to {count}",
                    )
            if event.dates and schedule is None and "schedule" not in self.loaded.invalid:
                self.add(
                    "programme",
                    ("events", index, "dates"),
                    f"{where}.dates: the programme has no `schedule`, so it has no dates to "
                    "hold the event between; add a schedule, or use `after_sessions`",
                )
            elif event.dates and schedule is not None and count:
                first = min([schedule.start, *onboarding_days(schedule, self._parts(programme))])
                last = session_days(schedule, count)[-1] + dt.timedelta(days=31)
                for n, day in enumerate(event.dates):
                    if not first <= day <= last:
                        self.add(
                            "programme",
                            ("events", index, "dates", n),
                            f"{where}.dates[{n}]: {day.isoformat()} is outside the programme; "
                            f"an event may fall from {first.isoformat()} (the first workshop "
                            f"or pair session) to {last.isoformat()} (a month after the last "
                            "pair session): choose a date between them",
                        )
            if event.topic is not None:
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
        topics = self.loaded.topics
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

    def _areas(self, programme: Programme) -> None:
        seen: set[str] = set()
        for index, area in enumerate(programme.areas):
            if area.id in seen:
                self.add(
                    "programme",
                    ("areas", index, "id"),
                    f"areas[{index}].id: the area {area.id!r} is declared twice",
                )
            seen.add(area.id)

    def _goals(self, programme: Programme) -> None:
        """A goal's `questions` name questions that the forms of that kind really ask."""
        for index, goal in enumerate(programme.goals):
            for kind, ids in goal.questions.items():
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

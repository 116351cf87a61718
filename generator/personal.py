"""Personal tracks: each pair's own sessions, chosen from a pool of topics.

A programme may make one track personal (`personal: {pool, sessions}`). Every pair then
runs that track's length in sessions, filled from the pool by what its mentor offers and
its leader wants (the roster's `offers` and `wants`, read as the matcher reads them: a
topic id or one of a topic's tags). The order is fixed, so the same roster always gives
the same sessions: topics both sides named first, then those the leader wants (in the
order of the wishes), then those the mentor offers, then the rest of the pool in its own
order. A topic's prerequisites from the pool come before it. A coordinator may choose a
pair's sessions by hand in pairs.csv (the `topics` column); each choice says why it was
made, and the pair's pack prints the reasons.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .model import Programme, Project, Topic, Track
from .roster import Person

Gettext = Callable[[str], str]
Key = tuple[str, str]  # (topic id, session id)

#: Why a topic is in a pair's track, best first.
BOTH, WANTED, OFFERED, NEEDED, FILLER, BY_HAND = (
    "both",
    "wanted",
    "offered",
    "needed",
    "filler",
    "by-hand",
)
SEPARATORS = re.compile(r"[\s;]+")


@dataclass(frozen=True)
class Choice:
    """One topic of a pair's personal track: the sessions of it they run, and why."""

    topic: Topic
    sessions: tuple[str, ...]  # session ids, in the topic's order
    why: str
    needed_by: Topic | None = None  # for NEEDED: the topic that requires it


@dataclass(frozen=True)
class Selection:
    """A pair's sessions in the personal track, in order."""

    track: Track
    offset: int  # sessions of the programme before the track
    choices: tuple[Choice, ...]

    @property
    def keys(self) -> tuple[Key, ...]:
        return tuple((c.topic.id, s) for c in self.choices for s in c.sessions)

    @property
    def column(self) -> str:
        """The selection as the `topics` column of pairs.csv writes it: a topic id for a
        whole topic, `topic/session` for a session of a topic run in part."""
        cells = []
        for choice in self.choices:
            if len(choice.sessions) == len(choice.topic.sessions):
                cells.append(choice.topic.id)
            else:
                cells += [f"{choice.topic.id}/{s}" for s in choice.sessions]
        return " ".join(cells)


def personal_track(programme: Programme) -> Track | None:
    """The programme's personal track, if it has one (validation allows one)."""
    return next((t for t in programme.tracks if t.personal is not None), None)


def pool_topics(
    track: Track, topics: Mapping[str, Topic], taken: Collection[str] = ()
) -> list[str]:
    """The pool's topic ids in its order: a topic id as itself, an area as every pair
    topic of the area (by id) that no other track runs (`taken`); names that are neither
    are left out (validation says so)."""
    assert track.personal is not None
    result: dict[str, None] = {}
    for item in track.personal.pool:
        if item in topics:
            result.setdefault(item)
            continue
        for topic_id in sorted(topics):
            topic = topics[topic_id]
            if topic.area == item and not topic.is_workshop and topic_id not in taken:
                result.setdefault(topic_id)
    return list(result)


def with_pools(programme: Programme, topics: Mapping[str, Topic]) -> Programme:
    """The programme with its personal track's `topics` filled from the pool: the site,
    the library and lint then see every topic a pair may get."""
    taken = {t for track in programme.tracks for t in track.topics}
    tracks = [
        track.model_copy(update={"topics": pool_topics(track, topics, taken)})
        if track.personal is not None
        else track
        for track in programme.tracks
    ]
    return programme.model_copy(update={"tracks": tracks})


def _offset(project: Project, track: Track) -> int:
    before = 0
    for other in project.programme.tracks:
        if other is track:
            break
        before += sum(len(project.topics[t].sessions) for t in other.topics if t in project.topics)
    return before


def _matches(items: Iterable[str], topic: Topic) -> list[int]:
    """The positions of the offers or wishes that name this topic (by id or tag)."""
    return [i for i, item in enumerate(items) if item == topic.id or item in topic.tags]


def choose(project: Project, mentor: Person | None, mentee: Person | None) -> Selection | None:
    """A pair's sessions in the programme's personal track (None without one); with no
    people, the sessions of a pair that named nothing (the programme's own calendar)."""
    track = personal_track(project.programme)
    if track is None or track.personal is None:
        return None
    topics = project.topics
    pool = [t for t in track.topics if t in topics] or pool_topics(track, topics)
    offers = mentor.offers if mentor else ()
    wants = mentee.wants if mentee else ()
    ranked = []
    for position, topic_id in enumerate(pool):
        topic = topics[topic_id]
        offered = bool(_matches(offers, topic))
        wished = _matches(wants, topic)
        if offered and wished:
            why = BOTH
        elif wished:
            why = WANTED
        elif offered:
            why = OFFERED
        else:
            why = FILLER
        rank = (BOTH, WANTED, OFFERED, FILLER).index(why)
        ranked.append((rank, min(wished, default=len(wants)), position, topic_id, why))
    ranked.sort()
    in_pool = set(pool)
    left = track.personal.sessions
    chosen: list[Choice] = []
    used: set[str] = set()

    def missing(topic_id: str, path: tuple[str, ...] = ()) -> list[str]:
        """The pool prerequisites not yet chosen, deepest first."""
        result: list[str] = []
        for needed in topics[topic_id].prerequisites:
            if needed in in_pool and needed not in used and needed not in path:
                for item in [*missing(needed, (*path, topic_id)), needed]:
                    if item not in result:
                        result.append(item)
        return result

    for _rank, _wish, _position, topic_id, why in ranked:
        if left <= 0:
            break
        if topic_id in used:
            continue
        first = missing(topic_id)
        cost = sum(len(topics[t].sessions) for t in first)
        if first and cost >= left:
            continue  # its prerequisites alone would fill the track: not this topic
        for needed in first:
            count = len(topics[needed].sessions)
            chosen.append(
                Choice(topics[needed], _ids(topics[needed])[:count], NEEDED, topics[topic_id])
            )
            used.add(needed)
            left -= count
        topic = topics[topic_id]
        chosen.append(Choice(topic, _ids(topic)[:left], why))
        used.add(topic_id)
        left -= min(left, len(topic.sessions))
    return Selection(track, _offset(project, track), tuple(chosen))


def _ids(topic: Topic) -> tuple[str, ...]:
    return tuple(s.id for s in topic.sessions)


def by_hand(project: Project, cell: str) -> tuple[Selection | None, list[str]]:
    """A selection written in pairs.csv's `topics` column (topic ids, `topic/session`
    ids, or session ids found in one pool topic only, separated by spaces or `;`), and
    what is wrong with it, in plain words."""
    track = personal_track(project.programme)
    tokens = [t for t in SEPARATORS.split(cell) if t]
    if track is None or track.personal is None:
        return None, [
            "topics: the programme has no personal track, so every pair runs the same "
            "sessions; leave this column empty"
        ]
    topics = project.topics
    pool = [t for t in track.topics if t in topics]
    errors: list[str] = []
    keys: list[Key] = []
    for token in tokens:
        found = _resolve(token, pool, topics)
        if isinstance(found, str):
            errors.append(found)
            continue
        for key in found:
            if key in keys:
                errors.append(f"topics: {token!r} is listed twice; list each session once")
                break
            keys.append(key)
    if errors:
        return None, errors
    length = track.personal.sessions
    if len(keys) != length:
        fewer = len(keys) < length
        errors.append(
            f"topics: {len(keys)} session{'s' if len(keys) != 1 else ''} chosen, but the track "
            f"{track.id!r} has {length}; "
            + ("add topics from the pool" if fewer else "take some out")
            + " (a topic id counts all its sessions; `topic/session` counts one)"
        )
    choices: list[Choice] = []
    for topic_id, session_id in keys:
        if choices and choices[-1].topic.id == topic_id:
            last = choices[-1]
            choices[-1] = Choice(last.topic, (*last.sessions, session_id), BY_HAND)
        else:
            choices.append(Choice(topics[topic_id], (session_id,), BY_HAND))
    seen: set[str] = set()
    for choice in choices:
        for needed in choice.topic.prerequisites:
            if needed in pool and needed not in seen:
                errors.append(
                    f"topics: {choice.topic.id!r} needs {needed!r} first; put {needed!r} before it"
                )
        seen.add(choice.topic.id)
    if errors:
        return None, errors
    return Selection(track, _offset(project, track), tuple(choices)), []


def _resolve(token: str, pool: Sequence[str], topics: Mapping[str, Topic]) -> list[Key] | str:
    topic_id, _slash, session_id = token.partition("/")
    if topic_id in pool and not session_id:
        return [(topic_id, s) for s in _ids(topics[topic_id])]
    if topic_id in pool:
        if session_id in _ids(topics[topic_id]):
            return [(topic_id, session_id)]
        close = difflib.get_close_matches(session_id, _ids(topics[topic_id]), n=1)
        hint = f" (did you mean {topic_id + '/' + close[0]!r}?)" if close else ""
        return f"topics: {topic_id!r} has no session {session_id!r}{hint}"
    if topic_id in topics:
        return (
            f"topics: {topic_id!r} is not in the pool of this personal track; choose from "
            f"{', '.join(pool)}"
        )
    if not session_id:
        owners = [t for t in pool if token in _ids(topics[t])]
        if len(owners) == 1:
            return [(owners[0], token)]
        if owners:
            return (
                f"topics: {token!r} is a session of {', '.join(owners)}; write it as "
                f"{owners[0] + '/' + token!r}"
            )
    names = [*pool, *(f"{t}/{s}" for t in pool for s in _ids(topics[t]))]
    close = difflib.get_close_matches(token, names, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"topics: there is no topic or session {token!r} in the pool{hint}"


def reasons(
    selection: Selection,
    mentor: Person,
    mentee: Person,
    gettext: Gettext = str,
) -> tuple[str, ...]:
    """One line for each topic of a pair's track: which sessions, and why it is there."""
    _ = gettext
    lines = []
    number = selection.offset
    length = selection.track.personal.sessions if selection.track.personal else 0
    for choice in selection.choices:
        first, last = number + 1, number + len(choice.sessions)
        number = last
        if first == last:
            when = _("Session %(number)s") % {"number": first}
        else:
            when = _("Sessions %(first)s–%(last)s") % {"first": first, "last": last}
        names = {"mentor": mentor.name, "mentee": mentee.name}
        why = {
            BOTH: _("%(mentor)s offers it and %(mentee)s wants it") % names,
            WANTED: _("%(mentee)s wants it") % names,
            OFFERED: _("%(mentor)s offers it") % names,
            NEEDED: _("“%(topic)s” needs it first")
            % {"topic": choice.needed_by.title if choice.needed_by else ""},
            FILLER: _("added from the pool to make the track's %(count)s sessions")
            % {"count": length},
            BY_HAND: _("chosen by hand in pairs.csv"),
        }[choice.why]
        line = _("%(sessions)s, “%(topic)s”: %(why)s") % {
            "sessions": when,
            "topic": choice.topic.title,
            "why": why,
        }
        if len(choice.sessions) < len(choice.topic.sessions):
            line += " " + _("(%(count)s of its %(total)s sessions)") % {
                "count": len(choice.sessions),
                "total": len(choice.topic.sessions),
            }
        lines.append(line)
    return tuple(lines)


def for_pair(project: Project, mentor: Person, mentee: Person, cell: str = "") -> Selection | None:
    """A pair's sessions: those pairs.csv chooses (already checked when it was read), or
    those their offers and wishes choose. A choice written in pairs.csv that is the
    automatic one keeps its reasons."""
    automatic = choose(project, mentor, mentee)
    if automatic is None or not cell.strip():
        return automatic
    chosen, errors = by_hand(project, cell)
    if chosen is None or errors:
        return automatic
    if chosen.keys == automatic.keys:
        return automatic
    return chosen
